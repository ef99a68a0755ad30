"""The `re`-only pre-tokenizer splits every character class exactly as the reference's regex engine.

Checked per code point: each assigned character is put in contexts where its class decides the split
(after a letter, doubled, after a space, before a digit), against `tokenizers`' own ByteLevel and
Digits pre-tokenizers. Code points unassigned in this Python's Unicode database are skipped: the
reference knows a newer Unicode, and so does Pyodide's Python 3.14.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.model.pretokenize import NUMERIC_PLANES_END, SPLITS
from app.model.tokenizer import bytes_to_unicode

_BYTE_CHAR = bytes_to_unicode()


def _byte_level(piece: str) -> str:
    return "".join(_BYTE_CHAR[b] for b in piece.encode("utf-8", "surrogatepass"))


def _reference(split: str):
    from tokenizers import pre_tokenizers

    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if split == "gpt2":
        return byte_level
    return pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])


REFERENCES = {split: _reference(split) for split in SPLITS}


def _differences(texts: list[str], split: str) -> list[tuple[str, list[str], list[str]]]:
    ours, ref = SPLITS[split], REFERENCES[split]
    bad = []
    for text in texts:
        got = [_byte_level(p) for p in ours(text)]
        want = [p for p, _ in ref.pre_tokenize_str(text)]
        if got != want:
            bad.append((text, got, want))
    return bad


def _assigned_code_points() -> list[str]:
    return [
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) not in ("Cn", "Cs")
        # Private use: all one class, a sample is enough.
        and (unicodedata.category(chr(cp)) != "Co" or cp % 997 == 0)
    ]


@pytest.mark.parametrize("split", list(SPLITS))
def test_every_assigned_code_point_splits_like_the_reference(split: str) -> None:
    chars = _assigned_code_points()
    assert len(chars) > 100_000
    # Contexts: letter+char, the char doubled, space+char, char before a digit and at the end.
    texts = [f"a{c}{c} {c}1{c}" for c in chars]
    bad = _differences(texts, split)
    assert not bad, f"{len(bad)} code points split differently; first: {bad[:5]}"


def test_no_numeral_lies_beyond_the_planes_scanned_at_import() -> None:
    beyond = [
        hex(cp)
        for cp in range(NUMERIC_PLANES_END, sys.maxunicode + 1)
        if unicodedata.category(chr(cp))[0] == "N"
    ]
    assert beyond == []


@pytest.mark.parametrize("split", list(SPLITS))
def test_whitespace_rules_match_the_reference(split: str) -> None:
    spaces = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\x0b", "\x0c", "\x85", "\u2028"]
    texts = []
    for s in spaces:
        for t in spaces:
            for after in ("", "x", "1", "!", "'s", "é"):
                texts.append(f"a{s}{t}{after}")
                texts.append(f"{s}{t}{after}{s}")
    assert not _differences(texts, split)


_ALPHABET = st.sampled_from(
    list("aZé'sdltmrv _.!\t\n\r\x1c\x1f\x85\xa0\u2000\u3000 01½²Ⅻ①٣一中😀\u200d\u0301\ufeff")
    + ["'s", "'ll", "'re", "'ve", "'d", "'m", "'t"]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_ALPHABET, max_size=16).map("".join))
def test_random_mixtures_split_like_the_reference(text: str) -> None:
    for split in SPLITS:
        assert not _differences([text], split), split


@pytest.mark.parametrize("split", list(SPLITS))
def test_pieces_cover_the_text_exactly(split: str) -> None:
    text = "It's 2024:  naïve café,\t½ + ² = 3?\n\n  中文😀 'll"
    assert "".join(SPLITS[split](text)) == text
