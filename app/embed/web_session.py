"""Sentence embeddings in the browser: onnxruntime-web driven from the worker's Python.

Only runs inside Pyodide (it awaits fetch and onnxruntime-web); the tokenizer and the batching
arithmetic it uses are tested in CPython. The worker must have loaded onnxruntime-web as the
global `ort` (the language model's backend already does).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from typing import Any

from app.jsffi import fetch_bytes, js_module, to_js
from app.model.onnx_web import session_options

from .errors import EmbedError
from .tokenizer import WordPieceTokenizer


def pad_batch(rows: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[bytes, bytes, int]:
    """(ids, mask) as little-endian int64 bytes for a [len(rows), width] batch, and width."""
    width = max((len(r) for r in rows), default=0)
    ids: list[int] = []
    mask: list[int] = []
    for row in rows:
        fill = width - len(row)
        ids.extend(row)
        ids.extend([pad_id] * fill)
        mask.extend([1] * len(row))
        mask.extend([0] * fill)
    n = len(ids)
    return struct.pack(f"<{n}q", *ids), struct.pack(f"<{n}q", *mask), width


async def _fetch_bytes(url: str, what: str) -> bytes:
    return await fetch_bytes(url, what, EmbedError)


class WebEmbedder:
    """Create with `await WebEmbedder.load({"info": url, "model": url, "tokenizer": url})`."""

    def __init__(self, session: Any, info: dict[str, Any], tokenizer: WordPieceTokenizer, ort: Any):
        self.session = session
        self.info = info
        self.tokenizer = tokenizer
        self.ort = ort
        self.dimension = int(info["dimension"])
        self.output = str(info.get("output", "sentence_embedding"))

    @classmethod
    async def load(
        cls, urls: dict[str, str], *, threads: int | None = None, ort: Any = None
    ) -> WebEmbedder:
        """`urls`: absolute URLs of embed.json ("info"), embed.onnx ("model") and
        embed-tokenizer.json ("tokenizer"); the model is fetched by onnxruntime-web itself."""
        info = json.loads(await _fetch_bytes(urls["info"], "embedding model description"))
        tokenizer = await _fetch_bytes(urls["tokenizer"], "embedding tokenizer")
        return await cls.create(urls["model"], info, tokenizer, threads=threads, ort=ort)

    @classmethod
    async def create(
        cls,
        model: Any,
        info: dict[str, Any],
        tokenizer_json: bytes | str,
        *,
        threads: int | None = None,
        ort: Any = None,
    ) -> WebEmbedder:
        """`model` is a URL or the model bytes (Python bytes or a JS Uint8Array/ArrayBuffer)."""
        js = js_module()
        ort = ort if ort is not None else getattr(js, "ort", None)
        if ort is None:
            raise EmbedError("onnxruntime-web is not loaded (no global `ort`)", reason="backend")
        tokenizer = WordPieceTokenizer.from_json(tokenizer_json, max_length=int(info["max_length"]))
        if isinstance(model, (bytes, bytearray, memoryview)):
            model = to_js(memoryview(model))
        try:
            session = await ort.InferenceSession.create(
                model, to_js(session_options(info, threads=threads))
            )
        except Exception as exc:  # a JsException from onnxruntime-web
            raise EmbedError(
                f"the embedding model could not be loaded: {exc}", reason="corrupt-file"
            ) from exc
        return cls(session, info, tokenizer, ort)

    def _tensor(self, packed: bytes, shape: list[int]) -> Any:
        js = js_module()
        raw = to_js(memoryview(packed))
        ints = js.BigInt64Array.new(raw.buffer, raw.byteOffset, len(packed) // 8)
        return self.ort.Tensor.new("int64", ints, to_js(shape))

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit-length vector per text (one onnxruntime-web run for the whole batch)."""
        if not texts:
            return []
        rows = [self.tokenizer.encode(t) for t in texts]
        ids, mask, width = pad_batch(rows, self.tokenizer.pad_id)
        shape = [len(rows), width]
        feeds = {"input_ids": self._tensor(ids, shape), "attention_mask": self._tensor(mask, shape)}
        try:
            out = await self.session.run(to_js(feeds))
        except Exception as exc:
            raise EmbedError(f"onnxruntime-web failed to embed: {exc}", reason="backend") from exc
        flat = js_module().Reflect.get(out, self.output).data.to_memoryview()
        d = self.dimension
        return [list(flat[i * d : (i + 1) * d]) for i in range(len(rows))]
