"""The worker's semantic ranking: loading the passage vectors and the question embedder, and
embedding each question before retrieval.

It loads beside the language model, not before it: "ready" and the model's load do not wait
for it, only a question does (its retrieval query needs the question's vector). Any failure
(a missing or corrupt vector file, an embedding model that does not load or run) leaves
retrieval keyword-only, which still answers; the page asks for `status()` once to tell the
visitor in plain words.
"""

from __future__ import annotations

import json
import time
from typing import Any

UNAVAILABLE = "Ranking by meaning is unavailable, so answers use keyword search only."


class SemanticLoader:
    """One visit's semantic ranking: not configured, loading, ready, or failed (and why)."""

    def __init__(self) -> None:
        self.loading: Any = None  # an asyncio.Task from start() on
        self.embedder: Any = None  # a WebEmbedder once loaded
        self.failure: str | None = None  # the technical cause, once ranking by meaning is off
        self.loaded: dict[str, Any] = {}  # the index's size and the load time, for the page
        self.untold = False  # failed while answering, after the page asked for the status

    def start(self, assistant: Any, vectors: Any, ort: Any, urls_json: str, threads: int) -> None:
        """Begin loading now, synchronously registered: a question that arrives before the
        task's first step already finds it and waits. `vectors` and `ort` are awaitables (JS
        promises in the worker) for the vector file's bytes and onnxruntime-web."""
        import asyncio

        self.loading = asyncio.ensure_future(
            self._load(assistant, vectors, ort, json.loads(urls_json), threads)
        )

    async def _load(
        self, assistant: Any, vectors: Any, ort: Any, urls: dict[str, str], threads: int
    ) -> None:
        from app.embed import JsScorer, SemanticIndex
        from app.embed.web_session import WebEmbedder

        started = time.perf_counter()
        try:  # whatever fails, the task ends normally: questions and the page await it
            # The vector file stays in JavaScript (a Uint8Array); Python reads its ids only.
            index = JsScorer.load(await vectors)
            embedder = await WebEmbedder.load(urls, threads=threads, ort=await ort)
            assistant.semantic = SemanticIndex(index)
        except Exception as e:  # a JsException from a failed download included
            self.fail(e)
            return
        self.embedder = embedder
        self.loaded = {
            "vectors": len(index),
            "dim": index.dim,
            # web/embed_search.js: "wasm-simd", or "js" where WebAssembly SIMD is refused
            "scorer": getattr(getattr(index.scorer, "js_index", None), "kind", None),
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }

    def fail(self, error: BaseException) -> None:
        lines = str(error).strip().splitlines()
        self.failure = lines[0] if lines else type(error).__name__
        self.embedder = None

    async def status(self) -> dict[str, Any]:
        """Once loading has ended: whether ranking by meaning is configured and working; if it
        is configured but off, the plain message for the visitor and the cause for a console."""
        if self.loading is None:
            return {"configured": False, "available": False}
        await self.loading
        if self.failure is not None:
            return {
                "configured": True,
                "available": False,
                "message": UNAVAILABLE,
                "detail": self.failure,
            }
        return {"configured": True, "available": True, **self.loaded}

    def notice(self) -> str | None:
        """The message for the visitor, once, when ranking by meaning stopped while answering
        (a failed load is reported by `status()` instead)."""
        if not self.untold:
            return None
        self.untold = False
        return UNAVAILABLE

    async def embed_question(self, assistant: Any, question: str) -> float | None:
        """Embed the texts the retrieval query will ask text::semanticSimilarity() about and
        add them to the assistant's semantic index; the milliseconds it took, or None when
        retrieval runs keyword-only. A failure here turns ranking by meaning off for the rest
        of the visit instead of failing the answer."""
        if self.loading is not None and not self.loading.done():
            await self.loading  # a question asked while the embedder loads waits for it
        semantic = getattr(assistant, "semantic", None)
        if self.embedder is None or semantic is None:
            return None
        started = time.perf_counter()
        texts = assistant.texts_to_embed(question)
        if texts:
            try:
                vectors = await self.embedder.embed(texts)
            except Exception as e:
                self.fail(e)
                self.untold = True
                assistant.semantic = None
                return None
            for text, vector in zip(texts, vectors, strict=True):
                semantic.add(text, vector)
        return round((time.perf_counter() - started) * 1000, 1)
