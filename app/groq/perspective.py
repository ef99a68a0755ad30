"""Perspectives: which documents a query sees (published, drafts overlaid, raw, releases)."""

from __future__ import annotations

from typing import Any

from .errors import GroqError


def _split(doc_id: str) -> tuple[str, str | None]:
    """(published id, version marker): marker is None, "drafts" or the release name."""
    if doc_id.startswith("drafts."):
        return doc_id[7:], "drafts"
    if doc_id.startswith("versions."):
        rest = doc_id[9:]
        dot = rest.find(".")
        if dot != -1:
            return rest[dot + 1 :], rest[:dot]
    return doc_id, None


def apply_perspective(
    documents: list, index: Any, perspective: str | list[str]
) -> tuple[list, Any]:
    """The documents visible in a perspective, and an index over exactly those (or None)."""
    if perspective == "raw":
        return documents, index
    if perspective == "published":
        layers: list[str] = []
    elif perspective in ("drafts", "previewDrafts"):
        layers = ["drafts"]
    elif isinstance(perspective, list) and all(isinstance(p, str) for p in perspective):
        layers = list(perspective)
    else:
        raise GroqError(
            f"unknown perspective {perspective!r}: use 'raw', 'published', 'drafts' or a list "
            "of release names"
        )
    if index is not None:
        cached = index.perspective_cache.get(tuple(layers))
        if cached is not None:
            return cached.documents, cached
    view = _overlay(documents, layers)
    if index is None:
        return view, None
    if len(view) == len(documents) and all(a is b for a, b in zip(view, documents, strict=True)):
        # Nothing hidden or overlaid (content without drafts): the index, with any indexes
        # shipped alongside it, already describes the view.
        index.perspective_cache[tuple(layers)] = index
        return documents, index
    view_index = type(index)(view, index.fields, index.fields_of)
    index.perspective_cache[tuple(layers)] = view_index
    return view, view_index


def _overlay(documents: list, layers: list[str]) -> list:
    """Published documents, each replaced by its highest-priority version from `layers`.

    Later layers win (a release list is given lowest priority first, like Sanity's stack).
    The overlaid document keeps the published `_id`, as Sanity's perspectives do.
    """
    priority = {name: rank for rank, name in enumerate(layers, start=1)}
    best: dict[str, tuple[int, dict]] = {}
    order: list[str] = []
    for doc in documents:
        if type(doc) is not dict or type(doc.get("_id")) is not str:
            continue
        base, marker = _split(doc["_id"])
        rank = 0 if marker is None else priority.get(marker)
        if rank is None:
            continue
        if base not in best:
            order.append(base)
            best[base] = (rank, doc)
        elif rank > best[base][0]:
            best[base] = (rank, doc)
    out = []
    for base in order:
        rank, doc = best[base]
        out.append(doc if rank == 0 else {**doc, "_id": base, "_originalId": doc["_id"]})
    return out
