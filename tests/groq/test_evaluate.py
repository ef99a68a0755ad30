"""evaluate(): parameters, clock, perspectives, delta mode, scoring, and the value model."""

from __future__ import annotations

import pytest

from app.content import Dataset
from app.groq import GroqError, evaluate, parse

DOCS = [
    {"_id": "a", "_type": "post", "title": "Alpha", "rank": 2, "author": {"_ref": "p1"}},
    {"_id": "drafts.a", "_type": "post", "title": "Alpha (draft)", "rank": 2},
    {"_id": "versions.spring.a", "_type": "post", "title": "Alpha (spring)", "rank": 2},
    {"_id": "drafts.b", "_type": "post", "title": "Beta only as draft", "rank": 1},
    {"_id": "p1", "_type": "person", "name": "Ada"},
]


@pytest.mark.parametrize("data", [DOCS, Dataset(DOCS)], ids=["list", "dataset"])
def test_perspectives(data: object) -> None:
    assert evaluate("*._id", data) == [d["_id"] for d in DOCS]  # raw is the default
    assert evaluate("*._id", data, perspective="published") == ["a", "p1"]
    drafts = evaluate('*[_type == "post"]{_id, title}', data, perspective="drafts")
    assert drafts == [
        {"_id": "a", "title": "Alpha (draft)"},
        {"_id": "b", "title": "Beta only as draft"},
    ]
    spring = evaluate('*[_id == "a"][0].title', data, perspective=["drafts", "spring"])
    assert spring == "Alpha (spring)"


def test_unknown_perspective_is_an_error() -> None:
    with pytest.raises(GroqError, match="unknown perspective"):
        evaluate("*", DOCS, perspective="everything")


def test_params_and_parsed_queries_are_reusable() -> None:
    tree = parse("*[_type == $type && rank >= $min]._id")
    assert evaluate(tree, DOCS, params={"type": "post", "min": 2}) == [
        "a",
        "drafts.a",
        "versions.spring.a",
    ]
    assert evaluate(tree, DOCS, params={"type": "person", "min": 0}) == []


def test_now_is_fixed_by_the_caller() -> None:
    now = "2024-05-06T07:08:09.123Z"
    assert evaluate("now()", [], now=now) == now
    assert evaluate("dateTime::now() - dateTime('2024-05-06T07:08:00.123Z')", [], now=now) == 9
    assert evaluate("dateTime::now() + 60", [], now=now) == "2024-05-06T07:09:09.123Z"
    with pytest.raises(GroqError, match="RFC 3339"):
        evaluate("now()", [], now="yesterday")


def test_delta_mode_uses_before_and_after() -> None:
    before = {"_id": "a", "title": "Old", "body": "same"}
    after = {"_id": "a", "title": "New", "body": "same"}
    query = (
        "[delta::operation(), delta::changedAny(title), delta::changedOnly(body), before().title]"
    )
    assert evaluate(query, [], before=before, after=after) == ["update", True, False, "Old"]
    assert evaluate("delta::operation()", [], after=after) == "create"
    assert evaluate("delta::operation()", [], before=before) == "delete"


def test_score_ranks_matches_and_boosts() -> None:
    docs = [
        {"_id": "1", "title": "fish and chips", "body": "fish fish"},
        {"_id": "2", "title": "chips", "body": "no"},
        {"_id": "3", "title": "fish", "body": "no"},
    ]
    result = evaluate(
        '*|score(body match "fish", boost(title match "chips", 3)){_id, _score}', docs
    )
    assert [r["_id"] for r in result] == ["1", "2", "3"]
    assert result[0]["_score"] > result[1]["_score"] > 0
    assert result[2]["_score"] == 0  # neither predicate holds


def test_text_query_matches_anywhere_in_a_document() -> None:
    docs = [
        {
            "_id": "1",
            "body": [{"_type": "block", "children": [{"_type": "span", "text": "Hello"}]}],
        },
        {"_id": "2", "title": "Goodbye"},
    ]
    assert evaluate('*[text::query("hello")]._id', docs) == ["1"]
    ranked = evaluate('*|score(text::query("goodbye"))._id', docs)
    assert ranked == ["2", "1"]


def test_results_are_json_values() -> None:
    result = evaluate('{"d": dateTime("2020-01-01T00:00:00+02:00"), "p": path("a.b")}', [])
    assert result == {"d": "2019-12-31T22:00:00Z", "p": "a.b"}
    assert evaluate("1 / 0", []) is None
    assert evaluate("string(1e21)", []) == "1e+21"
    assert evaluate("string(0.000001)", []) == "0.000001"


def test_dataset_must_be_documents() -> None:
    with pytest.raises(GroqError, match="list of documents"):
        evaluate("*", "not a dataset")


def test_custom_functions_see_query_parameters() -> None:
    query = "fn ns::shift($x) = $x + $offset; [ns::shift(1), ns::shift(2)]"
    assert evaluate(query, [], params={"offset": 10}) == [11, 12]
    shadowed = "fn ns::id($offset) = $offset; ns::id(1)"
    assert evaluate(shadowed, [], params={"offset": 10}) == 1
    with pytest.raises(GroqError, match="neither a function nor a query parameter"):
        evaluate("fn ns::f($x) = $y; ns::f(1)", [])
