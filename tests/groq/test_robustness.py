"""Any JSON input to any function or operator gives a value or a GroqError, never a crash."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.groq import GroqError, evaluate
from app.groq.functions import REGISTRY

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2024-01-02T03:04:05Z", "a.b", "drafts.x", "", "*", "hello world"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=8,
)
SPECIAL = st.sampled_from(
    [
        {"lat": 1.5, "lng": 2.5},
        {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]},
        {"type": "LineString", "coordinates": [[-1, -1], [5, 5]]},
        [{"_type": "block", "children": [{"_type": "span", "text": "Hi there"}]}],
        {"_ref": "x"},
    ]
)
VALUES = JSON | SPECIAL

# Functions taking selectors or working only in special places are exercised elsewhere.
SKIP = {
    "global::boost",
    "diff::changedAny",
    "diff::changedOnly",
    "delta::changedAny",
    "delta::changedOnly",
}
CALLABLE = sorted(
    (key, spec) for key, spec in REGISTRY.items() if key not in SKIP and not spec.score_only
)


def _json_safe(value: object) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


@pytest.mark.parametrize(("key", "spec"), CALLABLE, ids=[k for k, _ in CALLABLE])
@settings(max_examples=40, deadline=None)
@given(args=st.lists(VALUES, min_size=0, max_size=3))
def test_functions_never_crash(key: str, spec, args: list) -> None:  # type: ignore[no-untyped-def]
    n = max(spec.min_args, min(len(args), spec.max_args if spec.max_args is not None else 3))
    args = (args + [None] * n)[:n]
    params = {f"a{i}": a for i, a in enumerate(args)}
    call = f"{key}({', '.join('$' + p for p in params)})"
    try:
        result = evaluate(call, [{"_id": "x", "v": args}], params=params)
    except GroqError:
        return
    assert _json_safe(result), (call, params, result)


OPERATORS = [
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "match",
    "+",
    "-",
    "*",
    "/",
    "%",
    "**",
    "&&",
    "||",
]


@pytest.mark.parametrize("op", OPERATORS)
@settings(max_examples=80, deadline=None)
@given(left=VALUES, right=VALUES)
def test_operators_never_crash(op: str, left: object, right: object) -> None:
    result = evaluate(f"$l {op} $r", [], params={"l": left, "r": right})
    assert _json_safe(result)
    if isinstance(result, float):
        assert math.isfinite(result)


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(
        st.dictionaries(st.sampled_from(["_id", "a", "b"]), VALUES, max_size=3), max_size=6
    )
)
def test_order_and_score_accept_any_documents(docs: list) -> None:
    ordered = evaluate("*|order(a, b desc)", docs)
    assert sorted(map(json.dumps, ordered)) == sorted(map(json.dumps, docs))
    scored = evaluate('*|score(a match "hello", b > 1)', docs)
    assert len(scored) == len(docs)
