"""`Dataset`: documents held once, with indexes built for the GROQ planner.

Indexes built eagerly (one pass): by `_id`, by `_type`. Built lazily on first use and then
kept: reverse references (`references()`, joins), sorted columns for `order()` keys, and an
inverted text index for `match`. A `FieldIndex` built at build time (per-field word counts for
`score()`) can come with the documents. Documents are never copied or mutated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .field_index import FieldIndex
from .indexes import ReferenceIndex, SortedColumns, TextIndex


class Dataset:
    def __init__(
        self,
        documents: Iterable[dict],
        fields: FieldIndex | None = None,
        fields_of: Dataset | None = None,
    ) -> None:
        """`fields_of`: the dataset whose document positions `fields` counts (a perspective's
        view shares its base's field index; documents it overlays are not in it)."""
        self.documents: list = list(documents)
        self.fields = fields
        self.fields_of = fields_of or self
        self.positions: dict[int, int] = {}
        self.by_id: dict[str, dict] = {}
        self.duplicate_ids: dict[str, list] = {}
        self.by_type: dict[str, list] = {}
        for position, doc in enumerate(self.documents):
            if type(doc) is not dict:
                continue
            if id(doc) in self.positions:
                # The same object listed twice: indexes key on identity, so give the second
                # listing its own (equal) object.
                doc = self.documents[position] = dict(doc)
            self.positions[id(doc)] = position
            doc_id = doc.get("_id")
            if type(doc_id) is str:
                if doc_id not in self.by_id:
                    self.by_id[doc_id] = doc
                else:
                    self.duplicate_ids.setdefault(doc_id, [self.by_id[doc_id]]).append(doc)
            doc_type = doc.get("_type")
            if type(doc_type) is str:
                self.by_type.setdefault(doc_type, []).append(doc)
        self._references: ReferenceIndex | None = None
        self._columns = SortedColumns(self.documents)
        self._text: TextIndex | None = None
        self.perspective_cache: dict[tuple, Dataset] = {}

    def __len__(self) -> int:
        return len(self.documents)

    def get(self, doc_id: object) -> Any:
        """The document with this `_id` (the first one, in dataset order), or None."""
        return self.by_id.get(doc_id) if type(doc_id) is str else None

    def all_with_id(self, doc_id: str) -> list:
        """Every document with this `_id` (exports can repeat one), in dataset order."""
        if doc_id in self.duplicate_ids:
            return self.duplicate_ids[doc_id]
        doc = self.by_id.get(doc_id)
        return [doc] if doc is not None else []

    def of_type(self, doc_type: str) -> list:
        return self.by_type.get(doc_type, [])

    @property
    def references(self) -> ReferenceIndex:
        if self._references is None:
            self._references = ReferenceIndex(self.documents)
        return self._references

    @property
    def text(self) -> TextIndex:
        if self._text is None:
            self._text = TextIndex(self.documents)
        return self._text

    def sorted_by(self, attribute: str, descending: bool) -> list:
        """All documents ordered by one attribute as `order(attribute [desc])` would."""
        return self._columns.get(attribute, descending)

    def in_dataset_order(self, docs: Iterable[dict]) -> list:
        """Documents from an index, put back in dataset order (results must not depend on it)."""
        pos = self.positions
        return sorted(docs, key=lambda d: pos[id(d)])
