"""Streamed text never shows half a character and always adds up to the one-shot decode."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from app.model.detokenizer import IncrementalDecoder
from tests.model.tokenizer_support import corpus_text, our_tokenizer

REPLACEMENT = "\ufffd"


def _stream(ids: list[int], **kwargs) -> list[str]:
    decoder = IncrementalDecoder(our_tokenizer(), **kwargs)
    pieces = [decoder.push(i) for i in ids]
    pieces.append(decoder.flush())
    return pieces


def test_streaming_the_corpus_emits_only_whole_characters_and_adds_up() -> None:
    tok = our_tokenizer()
    text = corpus_text()
    ids = tok.encode(text)
    pieces = _stream(ids)
    assert "".join(pieces) == tok.decode(ids) == text
    # Valid text in, so no piece may carry a replacement mark (that is what half a character
    # would look like on screen).
    assert not any(REPLACEMENT in p for p in pieces)
    # Multi-token characters really were held back somewhere: an emoji alone is 2+ tokens.
    split_chars = [i for i, p in enumerate(pieces[:-1]) if p == ""]
    assert split_chars


def test_an_emoji_split_over_tokens_appears_at_once() -> None:
    tok = our_tokenizer()
    ids = tok.encode("👨‍👩‍👧")
    assert len(ids) > 3
    decoder = IncrementalDecoder(tok)
    out = [decoder.push(i) for i in ids]
    assert "".join(out) == "👨‍👩‍👧"
    for piece in out:
        piece.encode("utf-8")  # a lone surrogate or partial character would fail here
        assert REPLACEMENT not in piece
    assert not decoder.pending


def test_generation_ending_inside_a_character_flushes_a_replacement_mark() -> None:
    tok = our_tokenizer()
    ids = tok.encode("é😀")
    decoder = IncrementalDecoder(tok)
    streamed = "".join(decoder.push(i) for i in ids[:-1])
    assert decoder.pending
    tail = decoder.flush()
    assert streamed + tail == tok.decode(ids[:-1])
    assert tail.endswith(REPLACEMENT)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=49_151), max_size=40))
def test_arbitrary_ids_stream_to_the_one_shot_decode(ids: list[int]) -> None:
    # Random ids produce broken UTF-8 at will; replacement marks must fall exactly where the
    # one-shot decode puts them.
    assert "".join(_stream(ids)) == our_tokenizer().decode(ids)


def test_special_tokens_stream_as_text_or_are_skipped() -> None:
    tok = our_tokenizer()
    ids = tok.encode("<|im_start|>assistant\nHi 😀<|im_end|>")
    assert "".join(_stream(ids)) == "<|im_start|>assistant\nHi 😀<|im_end|>"
    assert "".join(_stream(ids, skip_special=True)) == tok.decode(ids, skip_special=True)


def test_random_cuts_of_multibyte_text_never_emit_partial_characters() -> None:
    tok = our_tokenizer()
    rng = random.Random(11)
    lines = [ln for ln in corpus_text().splitlines() if any(ord(c) > 0x7F for c in ln)]
    for line in rng.sample(lines, 80):
        ids = tok.encode(line)
        decoder = IncrementalDecoder(tok)
        seen = ""
        for i in ids:
            seen += decoder.push(i)
            assert line.startswith(seen)
        assert seen + decoder.flush() == line
