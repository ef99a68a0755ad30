"""The bridge from passage vectors to GROQ: what `evaluate(..., semantic=...)` expects.

GROQ's text::semanticSimilarity() asks `similarity_of(text)` for a document -> similarity
function. Query vectors come either pre-computed (`add`, the browser: the worker embeds the
query's texts asynchronously before the synchronous evaluation) or from a synchronous `embed`
callable (CPython). Documents are matched to vectors by `_id`; a document without a vector
scores 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

# The function this module serves: registered whenever a SemanticIndex can exist.
from app.groq.functions import semantic as _registers_semantic_similarity  # noqa: F401
from app.groq.functions.semantic import Similarity, semantic_arguments

from .errors import EmbedError
from .vectors import VectorIndex

Embed = Callable[[str], Sequence[float]]

# How many of the nearest documents carry their similarity into score(). On the 125 retrieval
# questions over the 15,000 passages of the default content, hybrid ranking with the 50 nearest
# found an answering passage in the top 5 for 0.816 of them, with every document 0.76: far
# documents only add noise to the keyword scores. It also lets score() skip the documents that
# neither the 50 nor a `match` can lift (a retrieval query in ~50 ms instead of ~500 ms).
NEAREST = 50


class SemanticIndex:
    def __init__(
        self,
        index: VectorIndex,
        queries: Mapping[str, Sequence[float]] | None = None,
        embed: Embed | None = None,
        nearest: int = NEAREST,
    ) -> None:
        self.index = index
        self.queries: dict[str, Sequence[float]] = dict(queries or {})
        self.embed = embed
        self.nearest_count = nearest

    def add(self, text: str, vector: Sequence[float]) -> None:
        self.queries[text] = vector

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The texts still to embed before a query that uses them is evaluated."""
        return [t for t in dict.fromkeys(texts) if t.strip() and t not in self.queries]

    def texts_to_embed(self, query: str, params: dict | None = None) -> list[str]:
        """The query's text::semanticSimilarity() texts that have no vector yet (the worker
        embeds these, `add`s them, then evaluates)."""
        return self.missing(semantic_arguments(query, params))

    def nearest(self, text: str, k: int = 50) -> list[tuple[str, float]]:
        """The k most similar (id, similarity) pairs for an embedded text: candidates for a
        query that narrows first (`*[_id in $nearest] | score(...)`), since exact scoring of
        every document also disables score()'s keyword pruning."""
        vector = self._vector(text)
        if vector is None:
            raise EmbedError(f"the text {text[:60]!r} was not embedded", reason="backend")
        return self.index.search(vector, k)

    def _vector(self, text: str) -> Sequence[float] | None:
        vector = self.queries.get(text)
        if vector is None and self.embed is not None:
            vector = self.queries[text] = self.embed(text)
        return vector

    def similarity_of(self, text: str) -> Similarity | None:
        if not text.strip():
            return Similarity({})  # a blank text is near nothing
        vector = self._vector(text)
        if vector is None:
            return None
        return Similarity(dict(self.index.search(vector, self.nearest_count)))
