"""Finding the passages an answer is grounded in: the site's GROQ query over the content index.

The query is the site owner's (from `assistant.toml`, shipped in the index) and runs in the
published perspective, so drafts and unreleased versions never reach an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.content import Dataset
from app.groq import GroqError, evaluate
from app.groq.functions.semantic import SemanticProvider, Similarity, semantic_arguments

from .question import retrieval_params
from .settings import Settings


@dataclass(frozen=True)
class Source:
    """One passage the model may cite as `[n]`."""

    n: int
    id: str
    title: str
    url: str | None
    score: float
    text: str
    page: str | None = None
    link: str | None = None  # the URL resolved against the site's base_url, for the visitor

    def to_json(self) -> dict[str, Any]:
        """What the page shows in the sources panel (the passage text stays in the worker)."""
        return {
            "n": self.n,
            "_id": self.id,
            "title": self.title,
            "url": self.link,
            "score": self.score,
        }


@dataclass(frozen=True)
class Retrieval:
    query: str
    params: dict[str, Any]
    sources: list[Source]
    semantic: bool = False  # whether text::semanticSimilarity() ranked by meaning


class _KeywordOnly:
    """Stands in for a missing embedding index: no document is near any text, so a hybrid
    query still ranks by its `match` terms (the embedding model failed to load, or the CLI has
    no model files) instead of failing the question."""

    def similarity_of(self, text: str) -> Similarity:
        return Similarity({})


def uses_semantic(query: str, params: dict[str, Any] | None = None) -> list[str]:
    """The texts the query asks text::semanticSimilarity() about (none: keyword only)."""
    try:
        return semantic_arguments(query, params)
    except GroqError:
        return []  # reported when the query runs


class RetrievalError(Exception):
    """The site's retrieval query failed or returned something unusable; says which."""


def query_params(question: str, dataset: Dataset, settings: Settings) -> dict[str, Any]:
    """The retrieval query's parameters for a question (the same for embedding it first and
    for running the query). Passages sharing a link are one source to the visitor (a docs page
    and its first section share the page's URL), so the query may return twice as many
    passages as the answer uses and `retrieve` drops the repeats."""
    return retrieval_params(question, dataset, 2 * settings.passages)


def retrieve(
    question: str,
    dataset: Dataset,
    settings: Settings,
    semantic: SemanticProvider | None = None,
) -> Retrieval:
    """`semantic` answers the query's text::semanticSimilarity() (its texts embedded first:
    see `uses_semantic`); without it such a query ranks by its keywords alone."""
    params = query_params(question, dataset, settings)
    by_meaning = semantic is not None and bool(uses_semantic(settings.query, params))
    try:
        rows = evaluate(
            settings.query,
            dataset,
            params=params,
            perspective="published",
            semantic=semantic if by_meaning else _KeywordOnly(),
        )
    except GroqError as e:
        raise RetrievalError(f"the site's retrieval query failed: {e}") from e
    if not isinstance(rows, list):
        raise RetrievalError("the site's retrieval query must return an array of passages")
    sources: list[Source] = []
    links: set[str] = set()
    for row in rows:
        if len(sources) == settings.passages:
            break
        if not isinstance(row, dict) or not isinstance(row.get("_id"), str):
            raise RetrievalError("each passage from the retrieval query needs an _id")
        url = _text(row.get("url"))
        if url is not None:
            if url in links:
                continue
            links.add(url)
        sources.append(
            Source(
                n=len(sources) + 1,
                id=row["_id"],
                title=_text(row.get("title")) or row["_id"],
                url=url,
                score=row["_score"] if isinstance(row.get("_score"), (int, float)) else 0,
                text=_text(row.get("text")) or "",
                page=_text(row.get("page")),
                link=_resolve(settings.base_url, url),
            )
        )
    return Retrieval(settings.query, params, sources, by_meaning)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _resolve(base: str, url: str | None) -> str | None:
    """Content URLs are often relative to the site (`library/io.html#...`); links need the
    site's address. Absolute URLs, and relative ones without a base, stay as they are."""
    if url is None or not base or "://" in url or url.startswith(("/", "mailto:")):
        return url
    return base.rstrip("/") + "/" + url
