"""The lazily built indexes of a `Dataset`."""

from __future__ import annotations

from app.groq.matching import segment
from app.groq.values import sort_key


class ReferenceIndex:
    """Referenced `_id` -> documents that hold a `{"_ref": id}` anywhere inside them.

    It records every `_ref` string at any depth, so it is a superset both for `references()`
    (which stops at the first `_ref` on a path) and for joins on `x._ref == id`.
    """

    def __init__(self, documents: list) -> None:
        self.referrers: dict[str, list] = {}
        for doc in documents:
            if type(doc) is not dict:
                continue
            seen: set[str] = set()
            stack: list = [doc]
            while stack:
                value = stack.pop()
                if type(value) is list:
                    stack.extend(value)
                elif type(value) is dict:
                    ref = value.get("_ref")
                    if type(ref) is str and ref not in seen:
                        seen.add(ref)
                        self.referrers.setdefault(ref, []).append(doc)
                    stack.extend(value.values())

    def referring_to(self, doc_id: str) -> list:
        return self.referrers.get(doc_id, [])


class SortedColumns:
    """Documents pre-sorted by a top-level attribute, built on first `order()` by it."""

    def __init__(self, documents: list) -> None:
        self.documents = documents
        self.columns: dict[tuple[str, bool], list] = {}

    def get(self, attribute: str, descending: bool) -> list:
        key = (attribute, descending)
        column = self.columns.get(key)
        if column is None:
            docs = self.documents

            def k(doc: object) -> tuple:
                return sort_key(doc.get(attribute) if type(doc) is dict else None)

            # sorted() is stable in both directions, matching order()'s tie-break by position.
            column = sorted(docs, key=k, reverse=descending)
            self.columns[key] = column
        return column


class TextIndex:
    """Lower-cased word -> documents containing it in any string, for `match` pre-filtering."""

    def __init__(self, documents: list) -> None:
        self.postings: dict[str, set[int]] = {}
        for position, doc in enumerate(documents):
            stack: list = [doc]
            while stack:
                value = stack.pop()
                t = type(value)
                if t is str:
                    for token in segment(value.lower()):
                        self.postings.setdefault(token, set()).add(position)
                elif t is dict:
                    stack.extend(value.values())
                elif t is list:
                    stack.extend(value)

        self.documents = documents

    def documents_with_all(self, words: list[str]) -> list:
        """Documents containing every word somewhere in their strings, in dataset order."""
        sets = [self.postings.get(w, set()) for w in words]
        if not sets:
            return list(self.documents)
        common = set.intersection(*sets) if len(sets) > 1 else sets[0]
        return [self.documents[i] for i in sorted(common)]
