"""Dataset: the indexes the planner relies on."""

from __future__ import annotations

from app.content import Dataset

DOCS = [
    {"_id": "b", "_type": "post", "n": 2, "tags": [{"_ref": "t1"}], "body": "Hello World"},
    {"_id": "a", "_type": "post", "n": 1, "nested": {"deep": [{"ref": {"_ref": "t2"}}]}},
    {"_id": "t1", "_type": "tag", "n": 2},
    {"_id": "a", "_type": "duplicate"},
    "not a document",
]


def test_id_and_type_indexes() -> None:
    ds = Dataset(DOCS)
    assert len(ds) == 5
    assert ds.get("a") is DOCS[1]  # the first document with an id wins, as in a scan
    assert ds.all_with_id("a") == [DOCS[1], DOCS[3]]
    assert ds.all_with_id("missing") == []
    assert ds.of_type("post") == [DOCS[0], DOCS[1]]
    assert ds.of_type("none") == []


def test_reverse_references_find_nested_refs() -> None:
    ds = Dataset(DOCS)
    assert ds.references.referring_to("t1") == [DOCS[0]]
    assert ds.references.referring_to("t2") == [DOCS[1]]
    assert ds.references.referring_to("b") == []


def test_sorted_columns_are_stable_both_ways() -> None:
    ds = Dataset(DOCS)
    ids = [d["_id"] if isinstance(d, dict) else d for d in ds.sorted_by("n", descending=False)]
    # numbers first by value (ties keep dataset order), then documents without the attribute
    assert ids == ["a", "b", "t1", "a", "not a document"]
    desc = [d["_id"] if isinstance(d, dict) else d for d in ds.sorted_by("n", descending=True)]
    assert desc == ["a", "not a document", "b", "t1", "a"]


def test_text_index_is_case_insensitive_and_ordered() -> None:
    ds = Dataset(DOCS)
    assert ds.text.documents_with_all(["hello"]) == [DOCS[0]]
    assert ds.text.documents_with_all(["hello", "world"]) == [DOCS[0]]
    assert ds.text.documents_with_all(["hello", "nope"]) == []


def test_in_dataset_order() -> None:
    ds = Dataset(DOCS)
    assert ds.in_dataset_order([DOCS[2], DOCS[0]]) == [DOCS[0], DOCS[2]]


def test_one_object_listed_twice_is_two_documents() -> None:
    doc = {"_id": "same", "_type": "post"}
    ds = Dataset([doc, doc])
    assert ds.of_type("post") == [doc, doc]
    assert ds.all_with_id("same") == [doc, doc]
    assert ds.in_dataset_order(reversed(ds.of_type("post"))) == ds.documents
