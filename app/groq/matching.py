"""Text tokenisation for `match` and `score()`, with Unicode-style word segmentation.

Words are runs of letters/digits/underscores; `.`, `'` and `:` stay inside a word when letters
sit on both sides ("ding.dong", "A.B.C.s"), and `.`/`,` inside numbers ("3.14"), following the
spirit of Unicode's word-boundary rules (UAX #29). In patterns `*` is a wildcard that may stand
for any run of characters inside one word.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LETTER = r"[^\W\d_]"
_MID_LETTER = r"[.'\u2019:\u00b7\u2027\ufe13\ufe55\uff1a\uff07\uff0e]"
_MID_NUM = r"[.,;'\u2019\u066c\ufe50\ufe52\ufe54\uff0c\uff0e\uff1b]"
# A word: \w runs, glued across `.`/`'`/`:` between letters and `.`/`,` between digits.
_WORD = re.compile(
    rf"\w+(?:(?:(?<={_LETTER}){_MID_LETTER}(?={_LETTER})|(?<=\d){_MID_NUM}(?=\d))\w+)*"
)
# In patterns `*` counts as a letter and a digit at once.
_WILD_LETTER = r"(?:[^\W\d_]|\*)"
_PATTERN_WORD = re.compile(
    rf"[\w*]+(?:(?:(?<={_WILD_LETTER}){_MID_LETTER}(?={_WILD_LETTER})"
    rf"|(?<=[\d*]){_MID_NUM}(?=[\d*]))[\w*]+)*"
)


def segment(text: str, wildcard: bool = False) -> list[str]:
    """Splits text into words (patterns keep `*` as part of words when `wildcard`)."""
    return (_PATTERN_WORD if wildcard else _WORD).findall(text)


_TOKEN_CACHE: dict[str, tuple[str, ...]] = {}
_TOKEN_CACHE_LIMIT = 20_000
_CACHEABLE_LENGTH = 200


def tokens_of(text: str) -> tuple[str, ...]:
    """Lower-cased words of a text; short texts (titles, names) are cached, since filters
    match the same documents again and again, long bodies are not (memory in a browser)."""
    cached = _TOKEN_CACHE.get(text)
    if cached is not None:
        return cached
    tokens = tuple(segment(text.lower()))
    if len(text) <= _CACHEABLE_LENGTH:
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_LIMIT:
            _TOKEN_CACHE.clear()
        _TOKEN_CACHE[text] = tokens
    return tokens


class Term:
    """One pattern word: an exact (lower-cased) word, or a wildcard regex."""

    __slots__ = ("source", "word", "regex")

    def __init__(self, word: str) -> None:
        self.source = word
        self.word = word if "*" not in word else None
        body = ".*".join(re.escape(part) for part in word.split("*"))
        self.regex = re.compile(f"^{body}$", re.DOTALL)

    def matches_any(self, tokens: set[str]) -> bool:
        if self.word is not None:
            return self.word in tokens
        match = self.regex.match
        return any(match(tok) for tok in tokens)

    def count(self, tokens: list[str]) -> int:
        if self.word is not None:
            return tokens.count(self.word)
        match = self.regex.match
        return sum(1 for tok in tokens if match(tok))


@lru_cache(maxsize=1024)
def pattern_terms(text: str) -> tuple[Term, ...]:
    return tuple(Term(word.lower()) for word in segment(text, wildcard=True))


def gather(value: object) -> tuple[list[str], bool]:
    """The strings of a match operand (a string or an array of strings) and whether all were."""
    if type(value) is str:
        return [value], True
    if type(value) is list:
        strings = [v for v in value if type(v) is str]
        return strings, len(strings) == len(value)
    return [], False


def text_matches(text: object, pattern: object) -> bool:
    texts, _ = gather(text)
    patterns, ok = gather(pattern)
    if not ok:
        return False
    tokens: list[str] = []
    for t in texts:
        tokens.extend(tokens_of(t))
    terms = [term for p in patterns for term in pattern_terms(p)]
    if not tokens or not terms:
        return False
    token_set = set(tokens)
    return all(term.matches_any(token_set) for term in terms)


BM25_K = 1.2


def match_score(text: object, pattern: object) -> float:
    """BM25-style term-frequency score of a `match` inside `score()` (0 when nothing matches)."""
    texts, _ = gather(text)
    patterns, ok = gather(pattern)
    if not ok:
        return 0
    tokens = [tok for t in texts for tok in tokens_of(t)]
    terms = [term for p in patterns for term in pattern_terms(p)]
    if not tokens or not terms:
        return 0
    score = 0.0
    for term in terms:
        freq = term.count(tokens)
        score += freq * (BM25_K + 1) / (freq + BM25_K)
    return score
