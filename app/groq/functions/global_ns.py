"""global:: functions (callable without a namespace)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .. import ast as A
from ..values import DateTime, Path, is_number, js_number
from .registry import eager, register

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..runtime import Scope


@register("global", "coalesce", 0, None)
def _coalesce(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    fns = [compiler.compile(a) for a in node.args]

    def coalesce(scope: Scope) -> object:
        for fn in fns:
            value = fn(scope)
            if value is not None:
                return value
        return None

    return coalesce


@register("global", "count", 1)
def _count(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    if compiler.planner is not None:
        planned = compiler.planner.plan_count(compiler, node.args[0])  # type: ignore[attr-defined]
        if planned is not None:
            return planned
    arg = compiler.compile(node.args[0])

    def count(scope: Scope) -> object:
        value = arg(scope)
        return len(value) if type(value) is list else None

    return count


def to_datetime(value: object) -> DateTime | None:
    if type(value) is str:
        return DateTime.parse(value)
    if type(value) is DateTime:
        return value
    return None


@eager("global", "dateTime", 1)
def date_time(scope: Scope, value: object) -> object:
    return to_datetime(value)


@eager("global", "defined", 1)
def defined(scope: Scope, value: object) -> object:
    return value is not None


@eager("global", "length", 1)
def length(scope: Scope, value: object) -> object:
    if type(value) is str:
        return len(value)
    if type(value) is list:
        return len(value)
    return None


@eager("global", "lower", 1)
def lower(scope: Scope, value: object) -> object:
    return value.lower() if type(value) is str else None


@eager("global", "upper", 1)
def upper(scope: Scope, value: object) -> object:
    return value.upper() if type(value) is str else None


@eager("global", "now", 0)
def now(scope: Scope) -> object:
    return scope.ctx.now_text


@eager("global", "identity", 0)
def identity(scope: Scope) -> object:
    return scope.ctx.identity


@eager("global", "before", 0)
def before(scope: Scope) -> object:
    return scope.ctx.before


@eager("global", "after", 0)
def after(scope: Scope) -> object:
    return scope.ctx.after


def has_reference_to(base: object, ids: set[str]) -> bool:
    """Iterative on purpose: deeply nested documents must not exhaust the stack."""
    stack = [base]
    while stack:
        value = stack.pop()
        t = type(value)
        if t is list:
            stack.extend(value)  # type: ignore[arg-type]
        elif t is dict:
            if "_ref" in value:  # type: ignore[operator]
                if value["_ref"] in ids:  # type: ignore[index]
                    return True
                continue
            stack.extend(value.values())  # type: ignore[union-attr]
    return False


@register("global", "references", 1, None)
def _references(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    fns = [compiler.compile(a) for a in node.args]

    def references(scope: Scope) -> object:
        ids: set[str] = set()
        for fn in fns:
            value = fn(scope)
            if type(value) is str:
                ids.add(value)
            elif type(value) is list:
                ids.update(v for v in value if type(v) is str)
        if not ids:
            return False
        return has_reference_to(scope.value, ids)

    return references


def round_half_away(value: float, digits: int) -> float:
    """Rounds like Sanity: half away from zero, at the decimal precision asked for."""
    if not math.isfinite(value) or digits > 308:
        return value
    factor = 10.0**digits
    scaled = abs(value) * factor
    if not math.isfinite(scaled) or scaled >= 2**52:
        return value  # no fractional digits left at this precision
    rounded = math.floor(scaled + 0.5)
    return math.copysign(rounded / factor, value)


@eager("global", "round", 1, 2)
def round_(scope: Scope, value: object, precision: object = 0) -> object:
    if not is_number(value) or not is_number(precision):
        return None
    if precision < 0 or (type(precision) is float and not precision.is_integer()):  # type: ignore[operator]
        return None
    digits = int(precision)  # type: ignore[call-overload]
    result = round_half_away(float(value), digits)  # type: ignore[arg-type]
    if digits <= 0 or result.is_integer():
        return int(result) if abs(result) < 2**53 else result
    return result


@register("global", "select", 0, None)
def _select(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    branches = []
    seen_default = False
    for arg in node.args:
        if seen_default:
            raise compiler.error("select(): the default value must be the last argument", arg)
        if isinstance(arg, A.Pair):
            branches.append((compiler.compile(arg.left), compiler.compile(arg.right)))
        else:
            seen_default = True
            branches.append((None, compiler.compile(arg)))

    def select(scope: Scope) -> object:
        for cond, result in branches:
            if cond is None:
                return result(scope)
            if cond(scope) is True:
                return result(scope)
        return None

    return select


def to_string(value: object) -> str | None:
    t = type(value)
    if t is bool:
        return "true" if value else "false"
    if t is str:
        return value  # type: ignore[return-value]
    if t is int or t is float:
        return js_number(value)  # type: ignore[arg-type]
    if t is DateTime:
        return str(value)
    return None


@eager("global", "string", 1)
def string(scope: Scope, value: object) -> object:
    return to_string(value)


@eager("global", "path", 1)
def path(scope: Scope, value: object) -> object:
    return Path(value) if type(value) is str else None


def _boost_scorer(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    from ..scoring import compile_score

    inner = compile_score(compiler, node.args[0])
    amount = compiler.compile(node.args[1])

    graded = getattr(inner, "graded", False)  # a similarity is weighted, a predicate lifted

    def boost_score(scope: Scope) -> float:
        score = inner(scope)
        value = amount(scope)
        if is_number(value) and score > 0:
            return score * value if graded else score + value  # type: ignore[operator]
        return 0

    if hasattr(inner, "candidates"):  # a boost is 0 wherever its inner score is
        boost_score.candidates = inner.candidates  # type: ignore[attr-defined]
    return boost_score


@register("global", "boost", 2, score_only=True, scorer=_boost_scorer)
def _boost(compiler: Compiler, node: A.FuncCall):  # type: ignore[no-untyped-def]
    predicate = compiler.compile(node.args[0])
    amount = compiler.compile(node.args[1])

    def boost(scope: Scope) -> object:
        value = amount(scope)
        if not is_number(value) or value < 0:  # type: ignore[operator]
            return None
        return predicate(scope)

    return boost
