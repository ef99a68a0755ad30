"""`score(...)[_score > 0]` runs as one pass; its result equals the unfused filter's."""

from __future__ import annotations

import pytest

from app.groq import evaluate

DOCS = [
    {"_id": "a", "title": "read files", "_score": 1},
    {"_id": "b", "title": "write"},
    {"_id": "c", "title": "read read"},
    {"_id": "d", "title": None, "_score": -3},
    {"_id": "e", "title": "files", "_score": "high"},
]


@pytest.mark.parametrize(
    "scores",
    ["title match $q", "boost(title match $q, 2), _id == 'b'", "title match 'nothing'"],
)
@pytest.mark.parametrize("planner", [True, False])
def test_fused_filter_equals_the_plain_filter(scores: str, planner: bool) -> None:
    fused = f"*[defined(_id)] | score({scores})[_score > 0]"
    plain = f"*[defined(_id)] | score({scores})[_score > 0 && true]"
    params = {"q": "read files"}
    got = evaluate(fused, DOCS, params=params, planner=planner)
    assert got == evaluate(plain, DOCS, params=params, planner=planner)


def test_non_documents_are_dropped_as_the_filter_drops_them() -> None:
    docs = [1, {"t": "a b"}, "x", {"t": "b"}]
    query = "*[true] | score(t match 'a')[_score > 0]"
    fused = evaluate(query, docs)
    assert fused == evaluate(query.replace("> 0]", "> 0 && true]"), docs)
    assert fused == [{"t": "a b", "_score": fused[0]["_score"]}]
