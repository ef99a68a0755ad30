"""Binary and unary operator semantics over evaluated values (no scopes, no nodes)."""

from __future__ import annotations

import math

from .matching import text_matches
from .values import DateTime, Path, RangeValue, equal, normalize_number, partial_compare


def op_eq(a: object, b: object) -> bool:
    return equal(a, b)


def op_neq(a: object, b: object) -> bool:
    return not equal(a, b)


def _cmp(test):  # type: ignore[no-untyped-def]
    def op(a: object, b: object) -> bool | None:
        c = partial_compare(a, b)
        return None if c is None else test(c)

    return op


op_lt = _cmp(lambda c: c < 0)
op_lte = _cmp(lambda c: c <= 0)
op_gt = _cmp(lambda c: c > 0)
op_gte = _cmp(lambda c: c >= 0)


def op_in(a: object, b: object) -> bool | None:
    tb = type(b)
    if tb is list:
        for item in b:  # type: ignore[union-attr]
            if equal(a, item):
                return True
        return False
    if tb is RangeValue:
        lo = partial_compare(a, b.left)  # type: ignore[union-attr]
        hi = partial_compare(a, b.right)  # type: ignore[union-attr]
        if lo is None or hi is None:
            return None
        return lo >= 0 and (hi < 0 if b.exclusive else hi <= 0)  # type: ignore[union-attr]
    if tb is Path:
        if type(a) is str:
            return b.matches(a)  # type: ignore[union-attr]
        if type(a) is Path:
            return b.matches(a.text)  # type: ignore[union-attr]
        return False
    return None


def op_match(a: object, b: object) -> bool:
    return text_matches(a, b)


def _num(x: object) -> bool:
    t = type(x)
    return t is int or t is float


def op_add(a: object, b: object) -> object:
    ta, tb = type(a), type(b)
    if _num(a) and _num(b):
        return normalize_number(a + b)  # type: ignore[operator]
    if ta is str and tb is str:
        return a + b  # type: ignore[operator]
    if ta is list and tb is list:
        return a + b  # type: ignore[operator]
    if ta is dict and tb is dict:
        return {**a, **b}  # type: ignore[dict-item]
    if ta is DateTime and _num(b):
        return a.add_seconds(b)  # type: ignore[union-attr,arg-type]
    if _num(a) and tb is DateTime:
        return b.add_seconds(a)  # type: ignore[union-attr,arg-type]
    return None


def op_sub(a: object, b: object) -> object:
    if _num(a) and _num(b):
        return normalize_number(a - b)  # type: ignore[operator]
    ta, tb = type(a), type(b)
    if ta is DateTime and _num(b):
        return a.add_seconds(-b)  # type: ignore[union-attr,operator]
    if ta is DateTime and tb is DateTime:
        return (a.seconds - b.seconds) + (a.nanos - b.nanos) / 1e9  # type: ignore[union-attr]
    return None


def op_mul(a: object, b: object) -> object:
    if _num(a) and _num(b):
        return normalize_number(a * b)  # type: ignore[operator]
    return None


def op_div(a: object, b: object) -> object:
    if _num(a) and _num(b):
        if b == 0:
            return None
        return normalize_number(a / b)  # type: ignore[operator]
    return None


def op_mod(a: object, b: object) -> object:
    if _num(a) and _num(b):
        if b == 0:
            return None
        if type(a) is int and type(b) is int:
            return int(math.fmod(a, b)) if abs(a) < 2**53 else math.fmod(a, b)
        return normalize_number(math.fmod(a, b))  # type: ignore[arg-type]
    return None


def op_pow(a: object, b: object) -> object:
    if _num(a) and _num(b):
        if type(a) is int and type(b) is int and 0 <= b < 1024 and abs(a) < 2**53:
            result = a**b
            if abs(result) < 2**53:
                return result
            try:
                return float(result)
            except OverflowError:
                return None
        try:
            return normalize_number(math.pow(a, b))  # type: ignore[arg-type]
        except (OverflowError, ValueError, ZeroDivisionError):
            if a == 0 and b < 0:  # type: ignore[operator]
                return None
            return None
    return None


BINARY_OPS = {
    "==": op_eq,
    "!=": op_neq,
    "<": op_lt,
    "<=": op_lte,
    ">": op_gt,
    ">=": op_gte,
    "in": op_in,
    "match": op_match,
    "+": op_add,
    "-": op_sub,
    "*": op_mul,
    "/": op_div,
    "%": op_mod,
    "**": op_pow,
}


def op_not(a: object) -> bool | None:
    return (not a) if type(a) is bool else None


def op_neg(a: object) -> object:
    return -a if _num(a) else None  # type: ignore[operator]


def op_pos(a: object) -> object:
    return a if _num(a) else None
