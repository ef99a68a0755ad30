"""array:: functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..values import DateTime, equal
from .global_ns import to_string
from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope

_COMPARABLE = (str, int, float, bool, type(None), DateTime)


@eager("array", "join", 2)
def join(scope: Scope, arr: object, sep: object) -> object:
    if type(arr) is not list or type(sep) is not str:
        return None
    parts = []
    for item in arr:
        text = to_string(item)
        if text is None:
            return None
        parts.append(text)
    return sep.join(parts)


@eager("array", "compact", 1)
def compact(scope: Scope, arr: object) -> object:
    if type(arr) is not list:
        return None
    return [v for v in arr if v is not None]


def _key(value: object) -> object:
    t = type(value)
    if t is int or t is float:
        return ("n", value)
    return (t.__name__, value)


@eager("array", "unique", 1)
def unique(scope: Scope, arr: object) -> object:
    if type(arr) is not list:
        return None
    scope.ctx.charge(len(arr))
    seen: set = set()
    out = []
    for value in arr:
        if type(value) in _COMPARABLE:
            key = _key(value)
            if key in seen:
                continue
            seen.add(key)
        out.append(value)
    return out


@eager("array", "intersects", 2)
def intersects(scope: Scope, a: object, b: object) -> object:
    if type(a) is not list or type(b) is not list:
        return None
    scope.ctx.charge(len(a) * max(1, len(b)))
    return any(equal(x, y) for x in a for y in b)
