"""Tight passages: the sentences of a source that bear on the question, within a token budget.

A 135M-parameter model reads slowly in a browser (about 100 prompt tokens a second) and gets
confused by long context, so each source is cut to the sentences that share the most words
with the question, kept in their original order, with an ellipsis where text was left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.groq.matching import tokens_of

_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z0-9(\"'`])|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def trim(text: str, words: list[str], max_tokens: int, count_tokens: Callable[[str], int]) -> str:
    """The passage within `max_tokens`: best-matching sentences first, shown in text order."""
    if count_tokens(text) <= max_tokens:
        return text
    parts = sentences(text)
    stems = [w.rstrip("*") for w in words if w.rstrip("*")]

    def relevance(index: int) -> tuple[int, int]:
        tokens = tokens_of(parts[index])
        hits = sum(1 for stem in stems if any(t.startswith(stem) for t in tokens))
        return (-hits, index)  # ties: earlier sentences (definitions come first)

    chosen: list[int] = []
    used = 0
    for index in sorted(range(len(parts)), key=relevance):
        cost = count_tokens(parts[index]) + 1
        if used + cost > max_tokens:
            if not chosen:  # one long sentence: keep its beginning
                return _cut(parts[index], max_tokens, count_tokens)
            continue
        chosen.append(index)
        used += cost
    chosen.sort()
    out, previous = [], -1
    for index in chosen:
        if index != previous + 1:
            out.append("…")
        out.append(parts[index])
        previous = index
    if previous != len(parts) - 1:
        out.append("…")
    return " ".join(out)


def _cut(sentence: str, max_tokens: int, count_tokens: Callable[[str], int]) -> str:
    words = sentence.split()
    while words and count_tokens(" ".join(words)) > max_tokens - 1:
        words = words[: max(1, len(words) * 3 // 4)] if len(words) > 1 else []
    return " ".join(words) + " …"
