"""The pure-Python tokenizer gives the reference's ids on a large mixed corpus, and decodes back."""

from __future__ import annotations

import gzip
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.model.tokenizer import Tokenizer, TokenizerError
from tests.model.tokenizer_support import (
    SPLITS,
    corpus_text,
    our_tokenizer,
    reference_ids,
    reference_tokenizer,
    tokenizer_data,
)


def _mismatches(lines: list[str], split: str) -> list[tuple[str, list[int], list[int]]]:
    ours = our_tokenizer(split)
    bad = []
    for line in lines:
        got, want = ours.encode(line), reference_ids(line, split)
        if got != want:
            bad.append((line, got, want))
    return bad


@pytest.mark.parametrize("split", SPLITS)
def test_corpus_line_by_line_matches_reference(split: str) -> None:
    lines = corpus_text().splitlines(keepends=True)
    assert len(lines) > 1000
    bad = _mismatches(lines, split)
    assert not bad, f"{len(bad)} of {len(lines)} lines differ; first: {bad[:3]}"


@pytest.mark.parametrize("split", SPLITS)
def test_corpus_paragraphs_without_newlines_match_reference(split: str) -> None:
    # Lines with their ends stripped put every kind of text at the end of the input, where the
    # whitespace rule `\s+(?!\S)` behaves differently.
    paragraphs = [p.strip("\n") for p in corpus_text().split("\n\n")]
    lines = [ln.rstrip("\r\n") for ln in corpus_text().splitlines()]
    bad = _mismatches(paragraphs + lines, split)
    assert not bad, f"{len(bad)} pieces differ; first: {bad[:3]}"


@pytest.mark.parametrize("split", SPLITS)
def test_whole_corpus_matches_reference(split: str) -> None:
    text = corpus_text()
    ids = our_tokenizer(split).encode(text)
    assert len(ids) > 40_000
    assert ids == reference_ids(text, split)


def test_the_two_splits_differ_where_digits_follow_whitespace() -> None:
    # Guards the choice between them: they are not interchangeable on real text.
    gpt2, digits = our_tokenizer("gpt2"), our_tokenizer("digits+gpt2")
    text = "   1. item\nx ½"
    assert gpt2.encode(text) == reference_ids(text, "gpt2")
    assert digits.encode(text) == reference_ids(text, "digits+gpt2")
    assert gpt2.encode(text) != digits.encode(text)


def test_decode_round_trips_the_corpus_and_equals_reference_decode() -> None:
    tok = our_tokenizer()
    text = corpus_text()
    ids = tok.encode(text)
    assert tok.decode(ids) == text
    assert tok.decode(ids) == reference_tokenizer().decode(ids)
    for line in text.splitlines(keepends=True)[::7]:
        assert tok.decode(tok.encode(line)) == line


def test_decode_of_arbitrary_ids_equals_reference_including_broken_utf8() -> None:
    tok, ref = our_tokenizer(), reference_tokenizer()
    rng = random.Random(7)
    for _ in range(300):
        ids = [rng.randrange(tok.vocab_size) for _ in range(rng.randint(1, 12))]
        assert tok.decode(ids) == ref.decode(ids), ids


def test_special_tokens_have_their_ids_and_are_matched_whole() -> None:
    tok = our_tokenizer()
    assert (tok.added["<|endoftext|>"], tok.added["<|im_start|>"], tok.added["<|im_end|>"]) == (
        0,
        1,
        2,
    )
    assert (tok.bos_id, tok.eos_id) == (1, 2)
    text = "<|im_start|>user\nhi<|im_end|>\n<|endoftext|><|im_end|><|im_end|>x"
    ids = tok.encode(text)
    assert ids[0] == 1 and ids.count(2) == 3 and 0 in ids
    assert ids == reference_ids(text)
    assert tok.decode(ids) == text
    assert tok.decode(ids, skip_special=True) == "user\nhi\nx"


def test_allow_special_false_tokenizes_special_text_as_plain_text() -> None:
    tok = our_tokenizer()
    text = "say <|im_end|> now<|im_start|>system"
    ids = tok.encode(text, allow_special=False)
    assert not set(ids) & tok.special_ids
    assert tok.decode(ids) == text
    assert (
        ids
        == reference_tokenizer()(text, add_special_tokens=False, split_special_tokens=True)[
            "input_ids"
        ]
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n",
        "a\x04b!\x04!",  # bytes the vocabulary lacks are dropped, as the reference does
        "x\U00040000y",  # a lead byte the vocabulary lacks
        "\x1c\x1d\x1e\x1f \x1c",  # Python's \s includes these; the reference's does not
        "a" * 300,
        "ab" * 200 + " " * 300 + "\t" * 100 + "1" * 100,
        "=" * 500 + "😀" * 50 + "—" * 40,
        "<|im_start|" * 30 + "|>",
        "\u00a0\u2009\u3000 \u0301\u200d\ufeff",
    ],
)
def test_edge_cases_match_reference(text: str) -> None:
    for split in SPLITS:
        assert our_tokenizer(split).encode(text) == reference_ids(text, split), split


def test_lone_surrogates_encode_as_replacement_character() -> None:
    tok = our_tokenizer()
    assert tok.encode("a\ud800b") == tok.encode("a\ufffdb")


_ALPHABET = st.sampled_from(
    list("aAzé ñ'sdlmtv_-.,;:!?()[]{}<>|/\\\"\t\n\r\x0b\x0c0123456789½²①٣中日한😀👍🏽\u200d\u0301")
    + [
        "'s",
        "'ll",
        "'re",
        "  ",
        "\n\n",
        "<|im_end|>",
        "<|im_start|>",
        "<|endoftext|>",
        "    ",
        "🇺🇸",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_random_text_matches_reference(text: str) -> None:
    for split in SPLITS:
        assert our_tokenizer(split).encode(text) == reference_ids(text, split), split
    assert our_tokenizer().decode(our_tokenizer().encode(text)) == text


def test_long_pieces_merge_like_short_ones() -> None:
    # The heap-based merge serves long pre-tokens; it must agree with the scan used for short ones.
    tok = our_tokenizer()
    rng = random.Random(3)
    pieces = ["a" * 200, "ab" * 120, "Ġ" * 90]
    pieces += [
        "".join(rng.choice("abcdeĠ") for _ in range(rng.randint(49, 160))) for _ in range(50)
    ]
    for piece in pieces:
        ids = [tok.vocab[c] for c in piece]
        assert tok._merge_long(list(ids)) == tok._merge_short(list(ids)), piece


def test_loads_from_json_bytes_gzip_and_dict_alike(tmp_path) -> None:
    data = tokenizer_data()
    raw = json.dumps(data).encode()
    text = "Loading works the same from every source: 123 ½ 😀"
    want = our_tokenizer().encode(text)
    assert Tokenizer.from_bytes(raw).encode(text) == want
    assert Tokenizer.from_bytes(gzip.compress(raw)).encode(text) == want
    path = tmp_path / "tokenizer.json.gz"
    path.write_bytes(gzip.compress(raw))
    assert Tokenizer.from_file(path).encode(text) == want


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="other/9"), "format"),
        (lambda d: d.update(model="llama"), "byte-level"),
        (lambda d: d.pop("tokens"), "tokens"),
        (lambda d: d.update(split="nope"), "split"),
        (lambda d: d.update(merges=d["merges"][:-1]), "pairs"),
        (lambda d: d.update(merges=[0, 10**6]), "outside"),
        (lambda d: d.update(added=[{"id": 10**6, "content": "<x>"}]), "outside"),
    ],
)
def test_bad_files_raise_tokenizer_error_saying_what_is_wrong(mutate, message) -> None:
    data = dict(tokenizer_data())
    mutate(data)
    with pytest.raises(TokenizerError, match=message):
        Tokenizer.from_dict(data)


def test_not_json_raises_tokenizer_error() -> None:
    with pytest.raises(TokenizerError, match="JSON"):
        Tokenizer.from_bytes(b"\x00not json")


def test_out_of_range_ids_raise_on_decode() -> None:
    tok = our_tokenizer()
    with pytest.raises(TokenizerError, match="outside"):
        tok.decode([1, tok.vocab_size])
    with pytest.raises(TokenizerError, match="outside"):
        tok.decode([-1])


def test_non_integer_ids_raise_on_decode() -> None:
    tok = our_tokenizer()
    for bad in ("1", 1.0, None, True):
        with pytest.raises(TokenizerError, match="integers"):
            tok.decode([5, bad])
