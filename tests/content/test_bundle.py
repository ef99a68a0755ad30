"""The shipped content index: scores from its field index equal scores from the text, and a
damaged or foreign file is refused with a message that says what is wrong."""

from __future__ import annotations

import marshal
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.content import ContentIndexError, Dataset, FieldIndex, bundle
from app.groq import evaluate
from tests.content.js_array import FakeUint8Array

DOCS = [
    {
        "_id": "a",
        "_type": "doc",
        "title": "Reading files",
        "headings": ["Files", "Reading"],
        "text": "Read a file line by line: loop over the file object. Files, files, files.",
    },
    {"_id": "b", "_type": "doc", "title": "Writing", "headings": [], "text": "Write text."},
    {"_id": "c", "_type": "doc", "title": "Readline", "text": "The readline module."},
    {"_id": "d", "_type": "doc", "title": 3, "headings": "not a list", "text": None},
    {"_id": "drafts.a", "_type": "doc", "title": "Draft reading", "text": "read read read"},
]
QUERIES = [
    '*[_type == "doc"] | score(text match $q)',
    '*[_type == "doc"] | score([title, ...headings, text] match $q, boost(title match $q, 2))',
    '*[_type == "doc"] | score(headings match $q)[_score > 0] | order(_score desc)',
    '*[_type == "doc"] | score(title match $q, text match "file*")',
]


def _framed(*frames: object, documents: int = 1) -> bytes:
    """An index file of these frames (each a marshalled value, or raw bytes as they are)."""
    out = bundle.MAGIC + b'{"version":3,"documents":%d}\n' % documents
    for frame in frames:
        body = frame if type(frame) is bytes else marshal.dumps(frame)
        out += struct.pack("<I", len(body)) + body
    return out


def _open(docs: list[dict], fields: list[str]) -> Dataset:
    dataset, _ = bundle.decode(bundle.encode(docs, fields, {"k": 1}))
    return dataset


CLEAN = [d for d in DOCS if d["_id"] != "d"]  # every title a string, every headings a list


@pytest.mark.parametrize("docs", [CLEAN, DOCS], ids=["uniform-fields", "mixed-fields"])
@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("q", ["read file", "read* fil*", "files", "nothing here", "", "Line"])
@pytest.mark.parametrize("perspective", ["raw", "published"])
def test_indexed_scores_equal_text_scores(
    docs: list[dict], query: str, q: str, perspective: str
) -> None:
    indexed = _open(docs, ["title", "headings", "text"])
    got = evaluate(query, indexed, params={"q": q}, perspective=perspective)
    want = evaluate(query, docs, params={"q": q}, perspective=perspective, planner=False)
    assert got == want


def test_indexed_match_never_reads_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """With uniform fields the index answers alone: the text path is never taken."""
    import app.groq.scoring as scoring

    indexed = _open(CLEAN, ["title", "headings", "text"])

    def fail(*args: object) -> float:
        raise AssertionError("scored from the text")

    monkeypatch.setattr(scoring, "match_score", fail)
    result = evaluate(
        QUERIES[1] + "[_score > 0]{_id}",
        indexed,
        params={"q": "read* file"},
        perspective="published",
    )
    assert [r["_id"] for r in result] == ["a", "c"]  # "readline" matches read*


words = st.sampled_from(["read", "file", "files", "line", "loop", "x", "Read", "fi"])
texts = st.lists(words, max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"title": texts, "text": st.one_of(texts, st.none()), "headings": st.lists(texts)}
        ),
        max_size=8,
    ),
    st.lists(st.sampled_from(["read", "fil*", "line", "*e", "x"]), min_size=1, max_size=4),
)
def test_indexed_scores_equal_text_scores_on_any_content(docs: list[dict], q: list[str]) -> None:
    docs = [{"_id": f"d{i}", "_type": "doc", **d} for i, d in enumerate(docs)]
    query = '*[_type == "doc"] | score([title, ...headings, text] match $q, title match $q)'
    indexed = _open(docs, ["title", "headings", "text"])
    params = {"q": " ".join(q)}
    assert evaluate(query, indexed, params=params) == evaluate(
        query, docs, params=params, planner=False
    )


def test_settings_and_documents_round_trip() -> None:
    data = bundle.encode(DOCS, ["text"], {"query": "*"})
    dataset, stored = bundle.decode(data)
    assert dataset.documents == DOCS and stored == {"query": "*"}
    assert data.splitlines()[1].startswith(b'{"version":3,"documents":5')


def test_field_shapes_and_word_counts() -> None:
    index = FieldIndex.build(DOCS, ["title", "headings", "text"])
    assert index.kinds == {"title": "mixed", "headings": "mixed", "text": "string"}
    assert index.word_count("text", 1) == 2
    assert index.document_frequency("text", "files") == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not an index", "is not a content index"),
        (bundle.MAGIC + b'{"version":99}\n', "format version 99"),
        (bundle.MAGIC + b"{oops\n", "unreadable header"),
        (bundle.MAGIC + b'{"version":2,"documents":1}\n', "format version 2, .* rebuild"),
        (bundle.MAGIC + b"[3]\n", "format version None"),
        (bundle.MAGIC + b'{"version":3,"documents":1}', "unreadable header"),
        (bundle.MAGIC + b'{"version":3,"documents":1}\n' + b"\x00\x01", "damaged"),
        (_framed(("settings", {}), ("documents", [{}])) + b"\xff\x00\x00\x00", "cut short"),
        (_framed(("settings", {}), ("documents", [{"_id": "a"}]), b"\x00junk"), "damaged"),
        (_framed(("settings", {}), ("documents", [])), "does not hold documents .*0 of 1"),
        (_framed(("documents", [{"_id": "a"}])), "does not hold documents"),
        (_framed(("settings", {}), ("pictures", [])), "part it does not know"),
        (_framed(("settings", {}), ("field", ("text", {"words": ""}))), "field index"),
    ],
)
def test_damaged_index_is_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ContentIndexError, match=reason):
        bundle.decode(data, "content.idx")


def test_truncated_index_is_refused() -> None:
    data = bundle.encode(DOCS, ["text"])
    with pytest.raises(ContentIndexError, match="damaged|does not hold"):
        bundle.decode(data[: len(data) // 2])


def test_the_worker_reads_the_index_from_javascript_a_frame_at_a_time() -> None:
    """In the worker the file is a JavaScript array: decoding it gives what decoding its bytes
    gives, and no single copy into Python is more than a frame's worth of it."""
    docs = [
        {"_id": f"d{i}", "_type": "doc", "title": f"Page {i}", "text": f"words and more {i} " * 40}
        for i in range(5 * bundle.DOCUMENTS_PER_FRAME + 7)
    ]
    data = bundle.encode(docs, ["title", "text"], {"query": "*"})
    array = FakeUint8Array(data)
    from_js, settings = bundle.decode(array)
    from_bytes, _ = bundle.decode(data)
    assert from_js.documents == docs and settings == {"query": "*"}
    assert from_js.fields.fields == ["title", "text"]
    for field in ("title", "text"):
        for word in ("page", "words", "7"):
            assert from_js.fields.document_frequency(field, word) == (
                from_bytes.fields.document_frequency(field, word)
            )
    assert sum(array.copied) < len(data) + 2048  # each byte once, the header line twice
    assert max(array.copied) < len(data) / 4, (max(array.copied), len(data))


def test_a_truncated_javascript_copy_is_refused() -> None:
    data = bundle.encode(DOCS, ["text"])
    with pytest.raises(ContentIndexError, match="damaged"):
        bundle.decode(FakeUint8Array(data[:-3]), "content.idx")
