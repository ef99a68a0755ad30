"""The function registry: arity checked before running, and room for score-only functions
(issue 7 will register `text::semanticSimilarity()` this way)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.groq import GroqSyntaxError, evaluate
from app.groq.functions import REGISTRY, register

DOCS = [
    {"_id": "a", "title": "apples and pears"},
    {"_id": "b", "title": "pears"},
    {"_id": "c", "title": "plums"},
]


@pytest.fixture
def similarity() -> Iterator[None]:
    """A stand-in scoring function: the share of the argument's letters found in the title."""

    def scorer(compiler, node):  # type: ignore[no-untyped-def]
        probe = compiler.compile(node.args[0])

        def score(scope):  # type: ignore[no-untyped-def]
            text, title = probe(scope), scope.value.get("title", "")
            return sum(ch in title for ch in text) / len(text)

        return score

    def compile_call(compiler, node):  # type: ignore[no-untyped-def]
        raise AssertionError("never evaluated as a plain expression")

    register("test", "similarity", 1, score_only=True, scorer=scorer)(compile_call)
    try:
        yield
    finally:
        del REGISTRY["test::similarity"]


def test_score_only_function_contributes_its_score(similarity: None) -> None:
    result = evaluate('*|score(test::similarity("pears")){_id, _score}', DOCS)
    assert [r["_id"] for r in result] == ["a", "b", "c"]
    assert result[0]["_score"] == result[1]["_score"] == 1.0
    assert result[2]["_score"] == pytest.approx(2 / 5)


def test_score_only_function_is_rejected_elsewhere(similarity: None) -> None:
    with pytest.raises(GroqSyntaxError, match="only be used inside score"):
        evaluate('*[test::similarity("pears")]', DOCS)


def test_score_only_function_arity_is_checked(similarity: None) -> None:
    with pytest.raises(GroqSyntaxError, match=r"takes 1 argument\(s\), got 2"):
        evaluate('*|score(test::similarity("a", "b"))', DOCS)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("round()", r"global::round\(\) takes 1 to 2 argument\(s\), got 0"),
        ("now(1)", r"global::now\(\) takes 0 argument\(s\), got 1"),
        ("string::split('a')", r"string::split\(\) takes 2 argument\(s\), got 1"),
        ("references()", r"takes at least 1 argument\(s\), got 0"),
        ("math::nope([1])", r"unknown function math::nope\(\)"),
    ],
)
def test_arity_errors_point_at_the_call(query: str, message: str) -> None:
    with pytest.raises(GroqSyntaxError, match=message) as info:
        evaluate(query, [])
    assert info.value.column == 1


def test_every_namespace_is_registered() -> None:
    namespaces = {key.split("::")[0] for key in REGISTRY}
    assert namespaces >= {
        "global", "array", "string", "math", "dateTime", "pt", "geo",
        "delta", "diff", "sanity", "releases", "text",
    }  # fmt: skip
