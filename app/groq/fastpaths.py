"""Specialised closures for the commonest filter terms (`attr == "x"`, `attr > 3`).

They compute exactly what the generic operators compute, without the generic dispatch: a
filter over a large dataset spends most of its time in these few shapes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import ast as A
from .matching import pattern_terms, text_matches

if TYPE_CHECKING:
    from .runtime import Scope

Fn = Callable[["Scope"], object]
_ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def fast_comparison(node: A.OpCall) -> Fn | None:
    if not isinstance(node.left, A.ThisAttr) or not isinstance(node.right, A.Literal):
        return None
    name, lit, op = node.left.name, node.right.value, node.op
    lit_type = type(lit)
    if lit_type is str and op in ("==", "!="):
        return _string_equality(name, lit, op == "==")  # type: ignore[arg-type]
    if lit_type not in (int, float, str) or op not in _ORDERING:
        return None
    compare = _ORDERING[op]
    numeric = lit_type is not str

    def ordered(scope: Scope) -> object:
        v = scope.value
        if type(v) is not dict:
            return None
        x = v.get(name)
        t = type(x)
        if numeric:
            if t is int or t is float:
                return compare(x, lit)
            return None
        return compare(x, lit) if t is str else None

    return ordered


def _string_equality(name: str, lit: str, positive: bool) -> Fn:
    if positive:

        def eq(scope: Scope) -> object:
            v = scope.value
            return type(v) is dict and v.get(name) == lit

        return eq

    def neq(scope: Scope) -> object:
        v = scope.value
        return not (type(v) is dict and v.get(name) == lit)

    return neq


def fast_match(left: Fn, pattern: object) -> Fn | None:
    """`x match "constant"`: terms prepared once, and a substring test on each term's
    longest literal piece rejects most texts before they are split into words (a word
    matching `river*` implies "river" occurs in the lower-cased text)."""
    patterns = [pattern] if type(pattern) is str else pattern
    if type(patterns) is not list or not all(type(p) is str for p in patterns):
        return None
    terms = [term for p in patterns for term in pattern_terms(p)]
    if not terms:
        return lambda scope: False
    pieces = [max(term.source.split("*"), key=len) for term in terms]

    def match(scope: Scope) -> object:
        text = left(scope)
        if type(text) is str:
            lowered = text.lower()
            for piece in pieces:
                if piece not in lowered:
                    return False
        elif type(text) is list:
            lowered = " ".join(t.lower() for t in text if type(t) is str)
            for piece in pieces:
                if piece not in lowered:
                    return False
        return text_matches(text, pattern)

    return match
