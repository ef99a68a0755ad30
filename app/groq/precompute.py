"""Work a compiled query does once instead of per document: literal values are built at compile
time, and a subquery that does not depend on its scope is computed once per evaluation."""

from __future__ import annotations

from collections.abc import Callable

from . import ast as A
from .runtime import Scope

Fn = Callable[[Scope], object]

NOT_LITERAL = object()


def literal_value(node: A.Node) -> object:
    """The value of JSON-like literal syntax, computed once at compile time (values are
    never mutated during evaluation, so one instance can be shared)."""
    if isinstance(node, A.Literal):
        return node.value
    if isinstance(node, A.ArrayLit):
        out = []
        for element in node.elements:
            if element.splat:
                return NOT_LITERAL
            value = literal_value(element.expr)
            if value is NOT_LITERAL:
                return NOT_LITERAL
            out.append(value)
        return out
    if isinstance(node, A.ObjectLit):
        obj = {}
        for attr in node.attrs:
            if attr.key is None:
                return NOT_LITERAL
            value = literal_value(attr.expr)
            if value is NOT_LITERAL:
                return NOT_LITERAL
            obj[attr.key] = value
        return obj
    return NOT_LITERAL


def memoized(fn: Fn) -> Fn:
    """A scope-independent subquery (say `*[_type == "x"]._id` inside a filter) is computed
    once per evaluation instead of once per document."""
    key = object()

    def memo(scope: Scope) -> object:
        cache = scope.ctx.memo
        if key in cache:
            return cache[key]
        value = cache[key] = fn(scope)
        return value

    return memo
