"""math:: functions: aggregates over arrays of numbers, ignoring nulls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..values import is_number, normalize_number
from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope


def _numbers(arr: object) -> list | None:
    if type(arr) is not list:
        return None
    out = []
    for v in arr:
        if v is None:
            continue
        if not is_number(v):
            return None
        out.append(v)
    return out


@eager("math", "sum", 1)
def sum_(scope: Scope, arr: object) -> object:
    nums = _numbers(arr)
    if nums is None:
        return None
    total = 0
    for v in nums:
        total += v
    return normalize_number(total)


@eager("math", "avg", 1)
def avg(scope: Scope, arr: object) -> object:
    nums = _numbers(arr)
    if not nums:
        return None
    total = 0
    for v in nums:
        total += v
    return normalize_number(total / len(nums))


@eager("math", "min", 1)
def min_(scope: Scope, arr: object) -> object:
    nums = _numbers(arr)
    return min(nums) if nums else None


@eager("math", "max", 1)
def max_(scope: Scope, arr: object) -> object:
    nums = _numbers(arr)
    return max(nums) if nums else None
