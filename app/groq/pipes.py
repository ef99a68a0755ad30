"""Pipe functions `order()` and `score()` (`base | fn(args)`)."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import ast as A
from .scoring import compile_score
from .values import is_number, sort_key

if TYPE_CHECKING:
    from .compiler import Compiler
    from .runtime import Scope

Fn = Callable[["Scope"], object]


def compile_pipe(compiler: Compiler, node: A.PipeCall, limit: int | None = None) -> Fn:
    name = node.name.removeprefix("global::")
    if name == "order":
        return compile_order(compiler, node, limit)
    if name == "score":
        return compile_score_pipe(compiler, node)
    raise compiler.error(f"unknown pipe function {node.name}()", node)


def order_terms(compiler: Compiler, node: A.PipeCall) -> list[tuple[Fn, bool]]:
    if not node.args:
        raise compiler.error("order() needs at least one sort expression", node)
    terms = []
    compiler.scope_depth += 1
    try:
        for arg in node.args:
            descending = isinstance(arg, A.Desc)
            expr = arg.expr if isinstance(arg, (A.Asc, A.Desc)) else arg
            terms.append((compiler.compile(expr), descending))
    finally:
        compiler.scope_depth -= 1
    return terms


def compile_order(compiler: Compiler, node: A.PipeCall, limit: int | None = None) -> Fn:
    base = compiler.compile(node.base)
    terms = order_terms(compiler, node)

    def order(scope: Scope) -> object:
        items = base(scope)
        if type(items) is not list:
            return None
        return sort_items(scope, items, terms, limit)

    return order


def sort_items(scope: Scope, items: list, terms: list[tuple[Fn, bool]], limit: int | None) -> list:
    """Stable multi-key sort by TotalCompare; with `limit`, only the first `limit` (top-n).

    Mixed directions sort in passes from the last key to the first: each pass is stable
    (also with reverse=True), so ties keep the previous order and finally input order.
    """
    n = len(items)
    scope.ctx.charge(n * len(terms))
    child = scope.nested(None)
    keyed = []
    for item in items:
        child.value = item
        keyed.append(([sort_key(fn(child)) for fn, _ in terms], item))
    directions = [desc for _, desc in terms]
    if not any(directions):
        if limit is not None and limit < n:
            # nsmallest is stable: equal keys come out in input order.
            return [item for _, item in heapq.nsmallest(limit, keyed, key=_first)]
        keyed.sort(key=_first)
        return [item for _, item in keyed]
    for index in range(len(terms) - 1, -1, -1):
        keyed.sort(key=lambda entry, i=index: entry[0][i], reverse=directions[index])
    result = [item for _, item in keyed]
    return result if limit is None else result[:limit]


def _first(entry: tuple) -> object:
    return entry[0]


def valid_score_base(compiler: Compiler, node: A.Node) -> bool:
    """score() ranks documents: it must follow `*`, filters/slices of it, or another pipe."""
    if isinstance(node, A.Everything):
        return True
    if isinstance(node, A.PipeCall):
        return valid_score_base(compiler, node.base)
    if isinstance(node, A.Traversal):
        for item in node.items:
            if isinstance(item, A.ArrayPostfixItem):
                continue
            if not isinstance(item, A.BracketItem):
                return False
            kind, _ = compiler.classify_bracket(item)
            if kind != "array":
                return False
        return valid_score_base(compiler, node.base)
    return False


def compile_score_pipe(compiler: Compiler, node: A.PipeCall) -> Fn:
    if not node.args:
        raise compiler.error("score() needs at least one predicate", node)
    if not valid_score_base(compiler, node.base):
        raise compiler.error("score() must follow a document filter such as *[...]", node)
    base = compiler.compile(node.base)
    compiler.in_score += 1
    compiler.scope_depth += 1
    try:
        scorers = [compile_score(compiler, arg) for arg in node.args]
    finally:
        compiler.in_score -= 1
        compiler.scope_depth -= 1

    prune = all(hasattr(scorer, "candidates") for scorer in scorers)
    dataset = getattr(compiler.planner, "dataset", None)

    def run(scope: Scope, positive_only: bool) -> object:
        items = base(scope)
        if type(items) is not list:
            return None
        scope.ctx.charge(len(items) * len(scorers))
        skip = _zero_scored(items, scorers, dataset) if prune else None
        others = []
        scored = []
        for item in items:
            if type(item) is not dict:
                if not positive_only:
                    others.append(item)
                continue
            total = item.get("_score")
            total = total if is_number(total) else 0
            if skip is None or id(item) not in skip:
                child = scope.nested(item)
                for scorer in scorers:
                    total += scorer(child)
            if not positive_only or total > 0:
                scored.append({**item, "_score": total})
        scored.sort(key=lambda d: -d["_score"])
        return others + scored

    def score(scope: Scope) -> object:
        return run(scope, False)

    def positive_only(scope: Scope) -> object:
        """`score(...)[_score > 0]` in one pass (see traversal.filter_build)."""
        return run(scope, True)

    score.positive_only = positive_only  # type: ignore[attr-defined]
    return score


def _zero_scored(items: list, scorers: list, dataset: object) -> set[int] | None:
    """Ids of the items every scorer rates 0 without looking (index-backed `match` over the
    dataset's own documents, outside the words' postings), or None when that is unknown."""
    if dataset is None:
        return None
    hits: set[int] = set()
    for scorer in scorers:
        hits |= scorer.candidates()
    base = dataset.fields_of  # type: ignore[attr-defined]
    positions, documents = base.positions, base.documents
    skip = set()
    for item in items:
        position = positions.get(id(item))
        if position is not None and documents[position] is item and position not in hits:
            skip.add(id(item))
    return skip
