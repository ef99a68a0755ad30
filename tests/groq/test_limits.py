"""Hostile queries fail fast with GroqError: never a hang, never a RecursionError."""

from __future__ import annotations

import time

import pytest

from app.groq import GroqError, GroqLimitError, GroqSyntaxError, Limits, evaluate, parse

DOCS = [{"_id": f"d{i}", "_type": "t", "n": i} for i in range(200)]


@pytest.mark.parametrize(
    "query",
    [
        "(" * 5000 + "1" + ")" * 5000,
        "[" * 5000 + "]" * 5000,
        "{" + '"a": {' * 3000 + "}" * 3001,
        "!" * 5000 + "true",
        "-" * 5000 + "1",
        "*" + "[true]" * 1000 + "{a}" * 1000,
        "1" + " + 1" * 5000,
    ],
)
def test_deep_nesting_is_a_syntax_error(query: str) -> None:
    start = time.perf_counter()
    with pytest.raises(GroqSyntaxError, match="nested deeper"):
        parse(query)
    assert time.perf_counter() - start < 5


def test_nesting_bound_is_configurable() -> None:
    query = "(" * 20 + "1" + ")" * 20
    assert evaluate(query, []) == 1
    with pytest.raises(GroqSyntaxError):
        evaluate(query, [], limits=Limits(max_depth=10))


def test_huge_ranges_and_slices_do_not_materialise() -> None:
    assert evaluate("5 in 0..1000000000000", []) is True
    assert evaluate("[1, 2, 3][0..1000000000000]", []) == [1, 2, 3]
    assert evaluate("[1, 2, 3][-1000000000000..-2]", []) == [1, 2]


def test_step_budget_stops_cross_products() -> None:
    query = '*{"a": *[_id != ^._id]{"b": *[_id != ^._id]._id}}'
    with pytest.raises(GroqLimitError, match="step budget of 100,000"):
        evaluate(query, DOCS, limits=Limits(max_steps=100_000))


def test_budget_applies_to_sorting_and_functions() -> None:
    with pytest.raises(GroqLimitError):
        evaluate("*|order(n)", DOCS, limits=Limits(max_steps=50))
    with pytest.raises(GroqLimitError):
        evaluate("array::unique(*[].n)", DOCS, limits=Limits(max_steps=250))


def test_recursive_custom_function_hits_the_call_depth_bound() -> None:
    query = "fn f::loop($x) = f::loop($x); f::loop(1)"
    with pytest.raises(GroqLimitError, match="custom functions nested deeper than 64"):
        evaluate(query, [])


def _nested(depth: int, leaf: object) -> object:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def test_deeply_nested_data_does_not_crash() -> None:
    doc = {"_id": "deep", "x": _nested(100_000, "leaf"), "ref": {"_ref": "other"}}
    assert evaluate('*[references("other")]._id', [doc]) == ["deep"]
    params = {"a": {"x": _nested(20_000, 1)}, "b": {"x": _nested(20_000, 2)}}
    with pytest.raises(GroqLimitError, match="too deeply nested"):
        evaluate("diff::changedAny($a, $b, x)", [], params=params)
    assert evaluate("$a", [], params=params) is params["a"]  # returned as is, not walked


def test_limit_errors_are_groq_errors() -> None:
    assert issubclass(GroqLimitError, GroqError)
