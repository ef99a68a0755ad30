"""How much of an array a traversal needs, for plans that can stop early."""

from __future__ import annotations

from . import ast as A


def leading_limit(items: list[A.Node]) -> int | None:
    """How many leading elements a chain needs when it starts with a literal slice or index
    (`[0...10]`, `[3]`); None when it may need them all (negative bounds, filters, ...)."""
    if not items or not isinstance(items[0], A.BracketItem):
        return None
    expr = items[0].expr
    if isinstance(expr, A.Range):
        if isinstance(expr.left, A.Literal) and isinstance(expr.right, A.Literal):
            lo, hi = expr.left.value, expr.right.value
            if type(lo) is int and type(hi) is int and lo >= 0 and hi >= 0:
                return hi if expr.exclusive else hi + 1
        return None
    if isinstance(expr, A.Literal) and type(expr.value) is int and expr.value >= 0:
        return expr.value + 1
    return None
