"""Per-field term counts, built once at build time, so `score()` never re-tokenises bodies.

Ranking a question against thousands of sections means counting each query word in each
section's title, headings and text. Tokenising ~9 M characters per question takes seconds in
Pyodide; looking the words up here takes milliseconds. The counts come from the GROQ engine's
own tokeniser (`app.groq.matching.tokens_of`), so a score computed from the index equals the
score computed from the text, to the last digit (tests hold it to that; counts are stored
in 16 bits, more than any field of a real document repeats one word).

Each field is stored as four flat columns: its words, sorted and joined by newlines; where each
word's postings start (uint32); all document positions (uint32); all counts (uint16). Opening the
index therefore creates a handful of objects, not one per word (which made opening 2-3x slower
in Pyodide), and a word is found by binary search, which also serves `prefix*` patterns.
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

    def __init__(self, columns: dict[str, dict]) -> None:
        self._columns = columns
        self.kinds = {name: c["kind"] for name, c in columns.items()}
        self._opened: dict[str, _Field] = {}
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
        columns = {}
        for name, words in raw.items():
            ordered = sorted(words)
            starts, positions, counts = array("I", [0]), array("I"), array("H")
            for word in ordered:
                postings = words[word]
                positions.extend(postings.keys())
                counts.extend(min(c, _MAX_COUNT) for c in postings.values())
                starts.append(len(positions))
            shape = shapes[name]
            columns[name] = {
                "kind": next(iter(shape)) if len(shape) == 1 else MIXED,
                "words": "\n".join(ordered),
                "starts": starts.tobytes(),
                "positions": positions.tobytes(),
                "counts": counts.tobytes(),
                "lengths": lengths[name].tobytes(),
            }
        return cls(columns)

    @classmethod
    def from_payload(cls, payload: dict) -> FieldIndex:
        return cls(payload)

    def to_payload(self) -> dict:
        return self._columns

    @property
    def fields(self) -> list[str]:
        return list(self._columns)

    def _field(self, field: str) -> _Field | None:
        opened = self._opened.get(field)
        if opened is None and field in self._columns:
            opened = self._opened[field] = _Field(self._columns[field])
        return opened

    def word_count(self, field: str, position: int) -> int:
        """How many words the document at `position` has in `field`."""
        opened = self._field(field)
        if opened is None or position >= len(opened.lengths):
            return 0
        return opened.lengths[position]

    def document_frequency(self, field: str, word: str) -> int:
        opened = self._field(field)
        if opened is None:
            return 0
        index = opened.find(word)
        return 0 if index is None else opened.starts[index + 1] - opened.starts[index]

    def postings(self, field: str, term: Term) -> Postings:
        """Where a pattern word occurs in a field; a wildcard sums every word it matches."""
        if term.word is not None:
            return self._word(field, term.word)
        key = (field, term.source)
        cached = self._wildcards.get(key)
        if cached is None:
            cached = {}
            opened = self._field(field)
            if opened is not None:
                get = cached.get
                for index in opened.expand(term):
                    positions, counts = opened.arrays(index)
                    for position, count in zip(positions, counts, strict=True):
                        cached[position] = get(position, 0) + count
            self._wildcards[key] = cached
        return cached

    def _word(self, field: str, word: str) -> Postings:
        key = (field, word)
        cached = self._unpacked.get(key)
        if cached is None:
            opened = self._field(field)
            index = None if opened is None else opened.find(word)
            cached = {} if index is None else dict(zip(*opened.arrays(index), strict=True))
            self._unpacked[key] = cached
        return cached


class _Field:
    """One field's columns, opened on first use."""

    def __init__(self, columns: dict) -> None:
        self.words = columns["words"].split("\n") if columns["words"] else []
        self.starts = _array("I", columns["starts"])
        self.lengths = _array("I", columns["lengths"])
        self._positions = memoryview(columns["positions"])
        self._counts = memoryview(columns["counts"])

    def find(self, word: str) -> int | None:
        index = bisect_left(self.words, word)
        return index if index < len(self.words) and self.words[index] == word else None

    def arrays(self, index: int) -> tuple[array, array]:
        start, end = self.starts[index], self.starts[index + 1]
        return (
            _array("I", self._positions[start * 4 : end * 4]),
            _array("H", self._counts[start * 2 : end * 2]),
        )

    def expand(self, term: Term) -> range | list[int]:
        """Indexes of the words a wildcard matches; `prefix*` by binary search."""
        prefix = term.source[:-1]
        if term.source.endswith("*") and "*" not in prefix:
            start = end = bisect_left(self.words, prefix)
            while end < len(self.words) and self.words[end].startswith(prefix):
                end += 1
            return range(start, end)
        match = term.regex.match
        return [i for i, word in enumerate(self.words) if match(word)]


def _array(code: str, data: bytes | memoryview) -> array:
    out = array(code)
    out.frombytes(data)
    return out
