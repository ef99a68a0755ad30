"""Per-field term counts, built once at build time, so `score()` never re-tokenises bodies.

Ranking a question against thousands of sections means counting each query word in each
section's title, headings and text. Tokenising ~9 M characters per question takes seconds in
Pyodide; looking the words up here takes milliseconds. The counts come from the GROQ engine's
own tokeniser (`app.groq.matching.tokens_of`), so a score computed from the index equals the
score computed from the text, to the last digit (tests hold it to that; counts are stored
in 16 bits, more than any field of a real document repeats one word).

Postings are kept as packed bytes (uint32 positions, uint16 counts) and unpacked per word on
first use: loading the index costs no per-posting Python work. Words are stored in sorted order,
so a `prefix*` pattern finds its words by binary search.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable

from app.groq.matching import Term, tokens_of

Postings = dict[int, int]  # document position -> occurrences of the word in the field

_MAX_COUNT = 0xFFFF


def field_strings(value: object) -> list[str]:
    """The strings `match` sees in a field: a string, or the strings of an array."""
    if type(value) is str:
        return [value]
    if type(value) is list:
        return [v for v in value if type(v) is str]
    return []


STRING, ARRAY, MIXED = "string", "array", "mixed"


class FieldIndex:
    """word -> documents and counts, for a few top-level fields of a document list.

    Each field also records its shape (`string`, `array` of strings, or `mixed`), because
    `[title, ...headings] match $q` reads a string field and an array field differently, and
    how many words each document has in it (a field without words scores 0, not 0.0).
    """

    def __init__(
        self,
        packed: dict[str, dict[str, tuple[bytes, bytes]]],
        kinds: dict[str, str],
        lengths: dict[str, bytes],
    ) -> None:
        self._packed = packed
        self.kinds = kinds
        self._lengths_packed = lengths
        self._lengths: dict[str, array] = {}
        self._vocabulary: dict[str, list[str]] = {}
        self._unpacked: dict[tuple[str, str], Postings] = {}
        self._wildcards: dict[tuple[str, str], Postings] = {}

    @classmethod
    def build(cls, documents: Iterable[object], fields: Iterable[str]) -> FieldIndex:
        fields = list(fields)
        raw: dict[str, dict[str, dict[int, int]]] = {f: {} for f in fields}
        shapes: dict[str, set[str]] = {f: set() for f in fields}
        lengths = {f: array("I") for f in fields}
        for position, doc in enumerate(documents):
            for name in fields:
                value = doc.get(name) if type(doc) is dict else None
                if value is not None:
                    kind = type(value)
                    shapes[name].add(STRING if kind is str else ARRAY if kind is list else MIXED)
                words = raw[name]
                length = 0
                for text in field_strings(value):
                    for token in tokens_of(text):
                        counts = words.setdefault(token, {})
                        counts[position] = counts.get(position, 0) + 1
                        length += 1
                lengths[name].append(length)
        packed = {
            name: {
                word: (
                    array("I", counts.keys()).tobytes(),
                    array("H", (min(c, _MAX_COUNT) for c in counts.values())).tobytes(),
                )
                for word, counts in sorted(words.items())
            }
            for name, words in raw.items()
        }
        kinds = {f: next(iter(shapes[f])) if len(shapes[f]) == 1 else MIXED for f in fields}
        return cls(packed, kinds, {f: lengths[f].tobytes() for f in fields})

    @classmethod
    def from_payload(cls, payload: dict) -> FieldIndex:
        return cls(payload["words"], payload["kinds"], payload["lengths"])

    @property
    def fields(self) -> list[str]:
        return list(self._packed)

    def to_payload(self) -> dict:
        return {"words": self._packed, "kinds": self.kinds, "lengths": self._lengths_packed}

    def word_count(self, field: str, position: int) -> int:
        """How many words the document at `position` has in `field`."""
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = self._lengths[field] = array("I")
            lengths.frombytes(self._lengths_packed[field])
        return lengths[position] if position < len(lengths) else 0

    def covers(self, field: str) -> bool:
        return field in self._packed

    def document_frequency(self, field: str, word: str) -> int:
        entry = self._packed.get(field, {}).get(word)
        return 0 if entry is None else len(entry[0]) // 4

    def postings(self, field: str, term: Term) -> Postings:
        """Where a pattern word occurs in a field; a wildcard sums every word it matches."""
        if term.word is not None:
            return self._word(field, term.word)
        key = (field, term.source)
        cached = self._wildcards.get(key)
        if cached is None:
            cached = {}
            get = cached.get
            for word in self._expand(field, term):
                positions, counts = self._arrays(field, word)
                for position, count in zip(positions, counts, strict=True):
                    cached[position] = get(position, 0) + count
            self._wildcards[key] = cached
        return cached

    def _arrays(self, field: str, word: str) -> tuple[array, array]:
        positions, counts = array("I"), array("H")
        entry = self._packed.get(field, {}).get(word)
        if entry is not None:
            positions.frombytes(entry[0])
            counts.frombytes(entry[1])
        return positions, counts

    def _expand(self, field: str, term: Term) -> list[str]:
        """The field's words a wildcard matches; `prefix*` by binary search (the words are
        stored sorted), any other shape by testing every word."""
        vocabulary = self._vocabulary.get(field)
        if vocabulary is None:
            vocabulary = self._vocabulary[field] = list(self._packed.get(field, {}))
        prefix = term.source[:-1]
        if term.source.endswith("*") and "*" not in prefix:
            start = bisect_left(vocabulary, prefix)
            end = start
            while end < len(vocabulary) and vocabulary[end].startswith(prefix):
                end += 1
            return vocabulary[start:end]
        match = term.regex.match
        return [word for word in vocabulary if match(word)]

    def _word(self, field: str, word: str) -> Postings:
        key = (field, word)
        cached = self._unpacked.get(key)
        if cached is None:
            cached = self._unpacked[key] = dict(zip(*self._arrays(field, word), strict=True))
        return cached
