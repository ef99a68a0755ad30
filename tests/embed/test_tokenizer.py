"""The pure-Python WordPiece tokenizer gives exactly the reference ids."""

from __future__ import annotations

import json

import pytest

from app.embed import EmbedError, WordPieceTokenizer

from .corpus import CORPUS, LONG


@pytest.fixture(scope="module")
def tokenizer(tokenizer_json: bytes) -> WordPieceTokenizer:
    return WordPieceTokenizer.from_json(tokenizer_json, max_length=None)


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 50
    assert len(set(CORPUS)) == len(CORPUS)


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_ids_match_the_reference(tokenizer, reference_tokenizer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert tokenizer.encode(text) == reference_tokenizer.encode(text).ids


@pytest.mark.parametrize("limit", [2, 3, 16, 128, 256, 512])
def test_truncation_matches_the_reference(
    tokenizer_json: bytes, reference_tokenizer, limit: int
) -> None:  # type: ignore[no-untyped-def]
    ours = WordPieceTokenizer.from_json(tokenizer_json, max_length=limit)
    full = reference_tokenizer.encode(LONG).ids
    expected = full if len(full) <= limit else full[: limit - 1] + full[-1:]
    assert ours.encode(LONG) == expected
    assert len(ours.encode(LONG)) == min(limit, len(full))


def test_real_documentation_text_matches(tokenizer, reference_tokenizer) -> None:  # type: ignore[no-untyped-def]
    """Long texts are normalised chunk by chunk and stop early; ids must not notice."""
    text = " ".join(CORPUS) * 30  # ~40 kB, many chunks, every kind of character
    assert len(text) > 20_000
    reference = reference_tokenizer.encode(text).ids
    assert tokenizer.encode(text) == reference
    limited = WordPieceTokenizer.from_json(json.dumps(_spec(tokenizer)), max_length=300)
    assert limited.encode(text) == reference[:299] + reference[-1:]


def _spec(tokenizer: WordPieceTokenizer) -> dict:
    return {
        "model": {"type": "WordPiece", "vocab": tokenizer.vocab, "unk_token": "[UNK]"},
        "normalizer": {"type": "BertNormalizer", "lowercase": True, "strip_accents": None},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "added_tokens": [{"content": t} for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")],
    }


def test_what_the_pipeline_does(tokenizer: WordPieceTokenizer) -> None:
    assert tokenizer.tokenize("Café RÉSUMÉ") == ["cafe", "resume"]
    assert tokenizer.tokenize("中国人") == ["中", "国", "人"]
    assert tokenizer.tokenize("wait...!") == ["wait", ".", ".", ".", "!"]
    assert tokenizer.tokenize("tokenization") == ["token", "##ization"]
    assert tokenizer.tokenize("x" * 101) == ["[UNK]"]
    assert tokenizer.tokenize("🐍") == ["[UNK]"]
    assert tokenizer.tokenize("a[SEP]b") == ["a", "[SEP]", "b"]
    assert tokenizer.encode("") == [tokenizer.cls_id, tokenizer.sep_id]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("not json", "tokenizer.json unreadable"),
        ('{"model": {"type": "BPE", "vocab": {}}}', "not WordPiece"),
        ('{"model": {"type": "WordPiece", "vocab": {"a": 0}}}', "not in the vocabulary"),
    ],
)
def test_unusable_tokenizer_files_are_reported(spec: str, message: str) -> None:
    with pytest.raises(EmbedError, match=message) as info:
        WordPieceTokenizer.from_json(spec)
    assert info.value.reason == "tokenizer"


def test_max_length_must_leave_room_for_the_markers(tokenizer: WordPieceTokenizer) -> None:
    with pytest.raises(EmbedError, match="no room"):
        tokenizer.encode("hello", max_length=1)
