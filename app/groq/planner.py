"""The planner: answers parts of a query from a `Dataset`'s indexes instead of scanning.

Every plan narrows candidates and then applies the query's own predicate to them, so a plan
can only make a query faster, never change its result: candidates always include every
document the full scan would keep, and come back in dataset order.

- `*[_type == "x" && ...]` scans only type x (also `_type in [...]`);
- `*[_id == $id]`, `*[_id in [...]]` are hash lookups;
- `*[references($id)]` starts from the reverse-reference index;
- `*[body match "word"]` starts from the inverted text index;
- `count(*[_type == "x"])` is the size of the type index;
- `order(k)[0...n]` is a top-n, read off a pre-sorted column when `k` is a plain attribute;
- `->` is a hash lookup (done by the evaluation context whenever an index is present).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import ast as A
from . import traversal as T
from .analysis import IMPLICIT_THIS, contains_everything
from .matching import pattern_terms, segment
from .slicing import leading_limit

if TYPE_CHECKING:
    from app.content import Dataset

    from .compiler import Compiler
    from .runtime import Scope

Fn = Callable[["Scope"], object]
Candidates = Callable[["Dataset", "Scope"], list]


class Planner:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    # Filters over everything --------------------------------------------------------------

    def plan_traversal(
        self, compiler: Compiler, node: A.Traversal, items: list
    ) -> tuple[Fn, int] | None:
        if not isinstance(node.base, A.Everything) or not node.items:
            return None
        first = node.items[0]
        if not isinstance(first, A.BracketItem) or items[0][0] != "array":
            return None
        if isinstance(first.expr, A.Range):
            return None
        exact = self.exact_type_filter(compiler, first.expr)
        if exact is not None:
            dataset_ = self.dataset
            limit_ = leading_limit(node.items[1:])

            def type_scan(scope: Scope) -> object:
                docs = dataset_.of_type(exact)
                scope.ctx.charge(1)
                return list(docs) if limit_ is None else docs[:limit_]

            return type_scan, 1
        source = self.candidates_for(compiler, first.expr)
        if source is None:
            if leading_limit(node.items[1:]) is None:
                return None
            source = _everything
        predicate = compiler.compile_nested(first.expr)
        dataset = self.dataset
        # `*[...][0]` / `*[...][0...n]` need only the first matches: stop there.
        limit = leading_limit(node.items[1:])

        def planned_filter(scope: Scope) -> object:
            docs = source(dataset, scope)
            ctx = scope.ctx
            child = scope.nested(None)
            out = []
            if limit is None:
                ctx.charge(len(docs))
                for doc in docs:
                    child.value = doc
                    if predicate(child) is True:
                        out.append(doc)
                return out
            for doc in docs:
                ctx.charge(1)
                child.value = doc
                if predicate(child) is True:
                    out.append(doc)
                    if len(out) >= limit:
                        break
            return out

        return planned_filter, 1

    def exact_type_filter(self, compiler: Compiler, expr: A.Node) -> str | None:
        """The type name when the filter is exactly `_type == "name"`: the type index then is
        the answer, with no predicate left to check."""
        while isinstance(expr, A.Group):
            expr = expr.expr
        if not isinstance(expr, A.OpCall) or expr.op != "==":
            return None
        path, other = _path_and_value(expr)
        if path != ("_type",) or other is None or not compiler.is_constant(other):
            return None
        value = compiler.constant(other)
        return value if type(value) is str else None

    def candidates_for(self, compiler: Compiler, expr: A.Node) -> Candidates | None:
        """A superset of the documents `expr` can keep, from an index; None if no index helps.

        Several indexable terms joined by `&&`: the smallest candidate list wins (the full
        predicate runs on it anyway, so intersecting would only cost time).
        """
        found = [c for c in map(lambda t: self.term_candidates(compiler, t), conjuncts(expr)) if c]
        if not found:
            return None
        if len(found) == 1:
            return found[0]

        def smallest(ds: Dataset, scope: Scope) -> list:
            return min((c(ds, scope) for c in found), key=len)

        return smallest

    def value_fn(self, compiler: Compiler, node: A.Node) -> Fn | None:
        """The value side of a term, if it can be computed before looking at any document:
        constants, parameters, and `^`-relative expressions (as in joins)."""
        inner = node
        while isinstance(inner, A.Group):
            inner = inner.expr
        if isinstance(inner, (A.Range, A.Pair, A.Asc, A.Desc, A.Tuple)):
            return None
        if compiler.is_constant(node):
            value = compiler.constant(node)
            return lambda scope: value
        if uses_this(node) or contains_everything(node):
            return None
        return compiler.compile_nested(node)

    def term_candidates(self, compiler: Compiler, term: A.Node) -> Candidates | None:
        if isinstance(term, A.OpCall) and term.op in ("==", "in"):
            path, other = _path_and_value(term)
            if path is None or other is None:
                return None
            value_of = self.value_fn(compiler, other)
            if value_of is None:
                return None
            many = term.op == "in"
            if path == ("_type",):
                return _keyed(value_of, many, lambda ds, k: ds.of_type(k))
            if path == ("_id",):
                return _keyed(value_of, many, lambda ds, k: ds.all_with_id(k))
            if len(path) >= 2 and path[-1] == "_ref" and not many:
                # `author._ref == ^._id`: only documents referencing that id can match.
                return _keyed(value_of, False, lambda ds, k: ds.references.referring_to(k))
            return None
        if (
            isinstance(term, A.FuncCall)
            and term.namespace == "global"
            and term.name == "references"
        ):
            if len(term.args) != 1:
                return None
            value_of = self.value_fn(compiler, term.args[0])
            if value_of is None:
                return None
            return _keyed(
                value_of, True, lambda ds, k: ds.references.referring_to(k), scalar_ok=True
            )
        if isinstance(term, A.OpCall) and term.op == "match" and compiler.is_constant(term.right):
            pattern = compiler.constant(term.right)
            patterns = [pattern] if type(pattern) is str else pattern
            if (
                type(patterns) is not list
                or not patterns
                or not all(type(p) is str for p in patterns)
            ):
                return None
            words = [w.lower() for p in patterns for w in segment(p, wildcard=True) if "*" not in w]
            if not words or not all(pattern_terms(p) for p in patterns):
                return None
            return lambda ds, scope: ds.text.documents_with_all(words)
        return None

    # count() ------------------------------------------------------------------------------

    def plan_count(self, compiler: Compiler, arg: A.Node) -> Fn | None:
        dataset = self.dataset
        if isinstance(arg, A.Everything):
            return lambda scope: len(scope.ctx.dataset)
        if not (isinstance(arg, A.Traversal) and isinstance(arg.base, A.Everything)):
            return None
        if len(arg.items) != 1 or not isinstance(arg.items[0], A.BracketItem):
            return None
        term = arg.items[0].expr
        if isinstance(term, A.OpCall) and term.op == "==":
            attr, other = _path_and_value(term)
            if attr == ("_type",) and other is not None and compiler.is_constant(other):
                value = compiler.constant(other)
                if type(value) is str:
                    return lambda scope: len(dataset.of_type(value))
        return None

    # order() ------------------------------------------------------------------------------

    def plan_top(self, compiler: Compiler, pipe: A.PipeCall, limit: int) -> Fn | None:
        """`order(attr [desc])[0...n]` over `*` or `*[filter]`: read a pre-sorted column."""
        if pipe.name.removeprefix("global::") != "order" or len(pipe.args) != 1:
            return None
        arg = pipe.args[0]
        descending = isinstance(arg, A.Desc)
        key = arg.expr if isinstance(arg, (A.Asc, A.Desc)) else arg
        if not isinstance(key, A.ThisAttr):
            return None
        base = pipe.base
        predicate: Fn | None = None
        if isinstance(base, A.Traversal) and isinstance(base.base, A.Everything):
            if len(base.items) != 1 or not isinstance(base.items[0], A.BracketItem):
                return None
            kind, _ = compiler.classify_bracket(base.items[0])
            if kind != "array" or isinstance(base.items[0].expr, A.Range):
                return None
            predicate = compiler.compile_nested(base.items[0].expr)
        elif not isinstance(base, A.Everything):
            return None
        dataset, name = self.dataset, key.name

        def top(scope: Scope) -> object:
            column = dataset.sorted_by(name, descending)
            if predicate is None:
                return column[:limit]
            child = scope.nested(None)
            out = []
            ctx = scope.ctx
            for doc in column:
                ctx.charge(1)
                child.value = doc
                if predicate(child) is True:
                    out.append(doc)
                    if len(out) >= limit:
                        break
            return out

        return top


def _everything(ds: Dataset, scope: Scope) -> list:
    return ds.documents


def conjuncts(expr: A.Node) -> list[A.Node]:
    while isinstance(expr, A.Group):
        expr = expr.expr
    if isinstance(expr, A.And):
        return conjuncts(expr.left) + conjuncts(expr.right)
    return [expr]


def _path_and_value(term: A.OpCall) -> tuple[tuple[str, ...] | None, A.Node | None]:
    """(attribute path, other side) for `a.b == x`, `x == a.b` and `a in [...]`."""
    left = _attr_path(term.left)
    if left is not None:
        return left, term.right
    if term.op == "==":
        right = _attr_path(term.right)
        if right is not None:
            return right, term.left
    return None, None


def _attr_path(node: A.Node) -> tuple[str, ...] | None:
    if isinstance(node, A.ThisAttr):
        return (node.name,)
    if isinstance(node, A.Traversal) and isinstance(node.base, A.ThisAttr):
        if all(isinstance(i, A.AttrItem) for i in node.items):
            return (node.base.name, *(i.name for i in node.items))  # type: ignore[attr-defined]
    return None


def _keyed(value_of: Fn, many: bool, lookup, scalar_ok: bool = False) -> Candidates:  # type: ignore[no-untyped-def]
    def candidates(ds: Dataset, scope: Scope) -> list:
        value = value_of(scope.nested(None))
        if many and type(value) is list and all(type(v) is str for v in value):
            keys = value
        elif (not many or scalar_ok) and type(value) is str:
            keys = [value]
        else:
            # Paths, numbers, mixed lists...: the indexes only hold strings, so scan.
            return ds.documents
        return _merge(ds, [lookup(ds, k) for k in keys])

    return candidates


def uses_this(node: A.Node, depth: int = 0) -> bool:
    """Whether `node` reads the document being filtered (`@` or its attributes)."""
    if isinstance(node, (A.This, A.ThisAttr)):
        return depth == 0
    if isinstance(node, A.FuncCall) and depth == 0:
        if f"{node.namespace}::{node.name}" in IMPLICIT_THIS:
            return True
    if isinstance(node, A.Traversal):
        if uses_this(node.base, depth):
            return True
        nested = [c for item in node.items for c in A.children(item)]
        return any(uses_this(c, depth + 1) for c in nested)
    if isinstance(node, A.PipeCall):
        return uses_this(node.base, depth) or any(uses_this(a, depth + 1) for a in node.args)
    return any(uses_this(c, depth) for c in A.children(node))


def _merge(ds: Dataset, groups: list[list]) -> list:
    if not groups:
        return []
    if len(groups) == 1:
        return groups[0]
    seen: set[int] = set()
    out = []
    for group in groups:
        for doc in group:
            if id(doc) not in seen:
                seen.add(id(doc))
                out.append(doc)
    return ds.in_dataset_order(out)


__all__ = ["Planner", "T"]
