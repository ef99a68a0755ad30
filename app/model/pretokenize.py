"""Pre-tokenization: cutting text into the pieces BPE merges never cross.

The reference tokenizers write these splits as regular expressions over Unicode properties
(``\\p{L}``, ``\\p{N}``), which Python's ``re`` lacks, and the ``regex`` package is not in Pyodide.
The classes are rebuilt here from ``re``'s own Unicode ``\\w``/``\\d`` plus the short list of
numeric characters that are neither (Nl/No, about a thousand), so matching stays inside ``re``'s
C engine instead of a per-character Python loop.

Two splits exist for SmolLM's vocabulary, and they differ (on whitespace runs before digits and on
non-ASCII numerals such as ``½``):

- ``"gpt2"``: GPT-2's byte-level regex alone. This is what ``transformers`` applies when it loads
  the GGUF, because its table of GGUF pre-tokenizers has no ``smollm`` entry.
- ``"digits+gpt2"``: every ``\\p{N}`` character isolated first, then the GPT-2 regex on the rest.
  This is SmolLM's own ``tokenizer.json`` (``Digits(individual_digits)`` then ``ByteLevel``) and
  llama.cpp's ``smollm`` pre-tokenizer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Unicode White_Space, which is what the reference engines mean by \s. Python's \s also accepts
# U+001C..U+001F; the reference treats those as punctuation, so \s cannot be used as is.
_WS = "\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"


def _class_ranges(chars: list[str]) -> str:
    """A regex character-class body for a sorted list of characters, as escaped ranges."""
    out: list[str] = []
    i = 0
    while i < len(chars):
        j = i
        while j + 1 < len(chars) and ord(chars[j + 1]) == ord(chars[j]) + 1:
            j += 1
        lo, hi = chars[i], chars[j]
        out.append(f"\\U{ord(lo):08x}" if i == j else f"\\U{ord(lo):08x}-\\U{ord(hi):08x}")
        i = j + 1
    return "".join(out)


NUMERIC_PLANES_END = 0x20000


def _numeric_non_decimal() -> list[str]:
    """The \\p{N} characters outside \\d (categories Nl and No: ², ½, Ⅻ, ①...).

    ``re``'s Unicode \\w is ``str.isalnum``, which is exactly \\p{L} plus \\p{N}; \\d is exactly Nd.
    The remaining numerics are found by category among the few characters ``isnumeric`` accepts.
    """
    # filter/map keep the scan in C, and it stops at plane 2: planes 2-3 hold only CJK ideographs
    # (letters), the rest no numerals. Scanning all 1.1M code points costs ~0.7 s in Pyodide, on
    # every page load; the first two planes ~0.08 s.
    numeric = filter(str.isnumeric, map(chr, range(NUMERIC_PLANES_END)))
    return [c for c in numeric if not c.isdecimal() and unicodedata.category(c) in ("Nl", "No")]


_NUM_EXTRA = _class_ranges(_numeric_non_decimal())
LETTER = f"[^\\W\\d_{_NUM_EXTRA}]"  # \p{L}: word characters that are not numeric nor "_"
NUMBER = f"[\\d{_NUM_EXTRA}]"  # \p{N}
OTHER = f"(?:[^\\w{_WS}]|_)"  # [^\s\p{L}\p{N}]
SPACE = f"[{_WS}]"

# GPT-2's pattern: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
GPT2_PATTERN = re.compile(
    f"'s|'t|'re|'ve|'m|'ll|'d| ?{LETTER}+| ?{NUMBER}+| ?{OTHER}+|{SPACE}+(?![^{_WS}])|{SPACE}+"
)
_NUMBER_CHAR = re.compile(NUMBER)


def split_gpt2(text: str) -> list[str]:
    """Pieces of ``text`` under GPT-2's byte-level regex (they always cover the whole text)."""
    return GPT2_PATTERN.findall(text)


def split_digits_gpt2(text: str) -> list[str]:
    """Each numeric character on its own, then GPT-2's regex on the runs between them.

    The runs are matched separately, as the reference does: the ``\\s+(?!\\S)`` rule sees the end of
    a run before a digit as the end of the text, so ``"a  1"`` gives ``"a", "  ", "1"``.
    """
    pieces: list[str] = []
    start = 0
    for m in _NUMBER_CHAR.finditer(text):
        if m.start() > start:
            pieces.extend(GPT2_PATTERN.findall(text, start, m.start()))
        pieces.append(m.group())
        start = m.end()
    if start < len(text):
        pieces.extend(GPT2_PATTERN.findall(text, start))
    return pieces


SPLITS: dict[str, Callable[[str], list[str]]] = {
    "gpt2": split_gpt2,
    "digits+gpt2": split_digits_gpt2,
}
