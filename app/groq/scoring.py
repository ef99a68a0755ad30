"""Score evaluators for `score()`: each predicate becomes a number per document.

`match` gives a BM25-style term-frequency score, `||` adds, `&&` adds only when both sides
scored, functions with a registered scorer (e.g. `boost()`) compute their own, and any other
predicate counts 1 when it is true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import ast as A
from .matching import BM25_K, gather, match_score, pattern_terms

if TYPE_CHECKING:
    from .compiler import Compiler
    from .runtime import Scope

ScoreFn = Callable[["Scope"], float]
Fn = Callable[["Scope"], object]


def compile_score(compiler: Compiler, node: A.Node) -> ScoreFn:
    while isinstance(node, A.Group):
        node = node.expr
    if isinstance(node, A.OpCall) and node.op == "match":
        left, right = compiler.compile(node.left), compiler.compile(node.right)
        indexed = _indexed_match(compiler, node, left, right)
        if indexed is not None:
            return indexed
        return lambda scope: match_score(left(scope), right(scope))
    if isinstance(node, A.Or):
        a, b = compile_score(compiler, node.left), compile_score(compiler, node.right)
        return lambda scope: a(scope) + b(scope)
    if isinstance(node, A.And):
        a, b = compile_score(compiler, node.left), compile_score(compiler, node.right)

        def both(scope: Scope) -> float:
            left = a(scope)
            if left == 0:
                return 0
            right = b(scope)
            return 0 if right == 0 else left + right

        return both
    if (
        isinstance(node, A.FuncCall)
        and f"{node.namespace}::{node.name}" not in compiler.query.functions
    ):
        spec = compiler.registry.get(f"{node.namespace}::{node.name}")
        if spec is not None and spec.scorer is not None:
            spec.check_arity(compiler, node)
            return spec.scorer(compiler, node)
    predicate = compiler.compile(node)
    return lambda scope: 1 if predicate(scope) is True else 0


def _indexed_fields(node: A.Node, kinds: dict[str, str]) -> list[str] | None:
    """The fields a match operand reads, when a field index can stand in for their text:
    `title`, or `[title, ...headings]` (a plain element must hold a string, a splat an array)."""
    if isinstance(node, A.ThisAttr):
        return [node.name] if kinds.get(node.name) in ("string", "array") else None
    if not isinstance(node, A.ArrayLit) or not node.elements:
        return None
    names = []
    for element in node.elements:
        expr = element.expr
        wanted = "array" if element.splat else "string"
        if not isinstance(expr, A.ThisAttr) or kinds.get(expr.name) != wanted:
            return None
        names.append(expr.name)
    return names


def _indexed_match(compiler: Compiler, node: A.OpCall, left: Fn, right: Fn) -> ScoreFn | None:
    """`match` scored from the dataset's field index: equal to `match_score` over the text,
    without tokenising it (documents not from the dataset take the text path).

    With a constant pattern the scorer also offers `candidates()`: the only dataset documents
    it can score above zero, so `score()` can skip the rest."""
    operand, pattern_node = node.left, node.right
    dataset = getattr(compiler.planner, "dataset", None)
    index = getattr(dataset, "fields", None)
    if index is None:
        return None
    names = _indexed_fields(operand, index.kinds)
    if names is None:
        return None
    base = dataset.fields_of  # whose positions the index counts (a view's base dataset)
    positions, documents = base.positions, base.documents

    constant = compiler.is_constant(pattern_node)
    fixed_terms = _terms(compiler.constant(pattern_node)) if constant else None
    merged: list[dict[int, int]] = []  # per pattern word, counts over all the fields: once

    def counts_of(terms: list) -> list[dict[int, int]]:
        if constant and merged:
            return merged
        out = []
        for term in terms:
            if len(names) == 1:
                out.append(index.postings(names[0], term))
                continue
            combined: dict[int, int] = {}
            get = combined.get
            for name in names:
                for position, count in index.postings(name, term).items():
                    combined[position] = get(position, 0) + count
            out.append(combined)
        if constant:
            merged.extend(out)
        return out

    def candidates() -> set[int]:
        """Positions of the documents this match can score above 0 (`$q` known up front)."""
        found: set[int] = set()
        for counts in counts_of(fixed_terms or []):
            found.update(counts)
        return found

    def score(scope: Scope) -> float:
        doc = scope.value
        position = positions.get(id(doc))
        if position is None or documents[position] is not doc:
            return match_score(left(scope), right(scope))
        terms = fixed_terms if constant else _terms(right(scope))
        if not terms or not any(index.word_count(name, position) for name in names):
            return 0
        total = 0.0
        for counts in counts_of(terms):
            freq = counts.get(position, 0)
            total += freq * (BM25_K + 1) / (freq + BM25_K)
        return total

    if constant:
        score.candidates = candidates  # type: ignore[attr-defined]
    return score


def _terms(pattern: object) -> list:
    patterns, ok = gather(pattern)
    return [term for p in patterns for term in pattern_terms(p)] if ok else []
