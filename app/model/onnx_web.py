"""The browser backend: onnxruntime-web driven from Python in the worker through Pyodide's `js` FFI.

Implements `AsyncBackend` (onnxruntime-web's `run()` returns a Promise). Per-token Python cost is
kept small by keeping the KV cache in JavaScript: each step's `present.*` tensors are fed back as
the next step's `past_key_values.*` without ever crossing into Python, and only the 64 best
logits (`top_logits`/`top_ids`) cross back when the sampler allows it; the full 49,152 logits
otherwise. Token ids cross as one BigInt64Array built from packed bytes.

The worker must have loaded onnxruntime-web as the global `ort` (or pass `ort=`). Session options
the model needs (from model.json): `extra: {session: {disable_quant_qdq: "1"}}`, else every
weight is re-expanded on every step (~1.7 tokens/s instead of ~30).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from .backend import Scores
from .errors import ModelError
from .jsffi import js_module, to_js


def session_options(info: dict[str, Any], *, threads: int | None = None) -> dict[str, Any]:
    """onnxruntime-web InferenceSession options for the converted model (see model.json).

    Nested `extra` keys are flattened by onnxruntime-web into session config entries
    ("session.disable_quant_qdq").
    """
    extra: dict[str, Any] = {}
    for key, value in info.get("session_config", {}).items():
        node = extra
        *path, leaf = key.split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = value
    options: dict[str, Any] = {
        "executionProviders": ["wasm"],
        "graphOptimizationLevel": "all",
        "extra": extra,
    }
    if threads:
        options["intraOpNumThreads"] = threads
    return options


class OnnxWebBackend:
    """KV cache as onnxruntime-web tensors; create with `await OnnxWebBackend.create(...)`."""

    def __init__(self, session: Any, info: dict[str, Any], ort: Any) -> None:
        cfg = info["config"]
        self.session = session
        self.ort = ort
        self.context_length: int = int(cfg["context_length"])
        self.top_k: int = int(info.get("top_k", 0))
        self._layers = int(cfg["n_layers"])
        self._kv_heads = int(cfg["n_kv_heads"])
        self._head_dim = int(cfg["head_dim"])
        self._names = [
            (f"past_key_values.{i}.{kv}", f"present.{i}.{kv}")
            for i in range(self._layers)
            for kv in ("key", "value")
        ]
        self._past: list[Any] = []
        self._cached = 0
        presents = [present for _, present in self._names]
        # Built once: converting 60+ names to a JS array every step is measurable overhead.
        self._fetch_top = to_js(["top_logits", "top_ids", *presents])
        self._fetch_full = to_js(["logits", *presents])
        self.reset()

    @classmethod
    async def create(
        cls, model: Any, info: dict[str, Any], *, ort: Any = None, threads: int | None = None
    ) -> OnnxWebBackend:
        """`model` is a URL string or the model bytes (a JS ArrayBuffer/Uint8Array or Python
        bytes); `info` is model.json. A corrupt or truncated file raises ModelError
        ("corrupt-file") instead of leaving the caller waiting."""
        js = js_module()
        ort = ort if ort is not None else getattr(js, "ort", None)
        if ort is None:
            raise ModelError("onnxruntime-web is not loaded (no global `ort`)", reason="backend")
        if isinstance(model, (bytes, bytearray, memoryview)):
            model = to_js(memoryview(model))
        try:
            session = await ort.InferenceSession.create(
                model, to_js(session_options(info, threads=threads))
            )
        except Exception as exc:  # a JsException from onnxruntime-web
            raise ModelError(
                f"the model file could not be loaded: {exc}", reason="corrupt-file"
            ) from exc
        return cls(session, info, ort)

    @property
    def cached(self) -> int:
        return self._cached

    def _float_tensor(self, data: Any, length: int) -> Any:
        return self.ort.Tensor.new(
            "float32", data, to_js([1, self._kv_heads, length, self._head_dim])
        )

    def reset(self) -> None:
        js = js_module()
        self._past = [self._float_tensor(js.Float32Array.new(0), 0) for _ in self._names]
        self._cached = 0

    def truncate(self, length: int) -> None:
        """Keep positions < length: copies each head's first `length` rows in JavaScript."""
        if not 0 <= length <= self._cached:
            raise ModelError(f"cannot keep {length} of {self._cached} cached positions")
        if length == self._cached:
            return
        js = js_module()
        total, hd = self._cached, self._head_dim
        kept = []
        for tensor in self._past:
            data = tensor.data
            out = js.Float32Array.new(self._kv_heads * length * hd)
            for h in range(self._kv_heads):
                out.set(data.subarray(h * total * hd, (h * total + length) * hd), h * length * hd)
            kept.append(self._float_tensor(out, length))
        self._past = kept
        self._cached = length

    def _ids_tensor(self, values: Sequence[int]) -> Any:
        js = js_module()
        raw = to_js(memoryview(struct.pack(f"<{len(values)}q", *values)))
        ints = js.BigInt64Array.new(raw.buffer, raw.byteOffset, len(values))
        return self.ort.Tensor.new("int64", ints, to_js([1, len(values)]))

    async def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores:
        start, n = self._cached, len(ids)
        if not n:
            raise ModelError("forward() needs at least one token id", reason="settings")
        if start + n > self.context_length:
            raise ModelError(
                f"{start} cached + {n} new tokens exceed the window of {self.context_length}",
                reason="context-overflow",
            )
        js = js_module()
        mask = js.BigInt64Array.new(start + n).fill(js.BigInt(1))
        feeds: dict[str, Any] = {
            "input_ids": self._ids_tensor(ids),
            "attention_mask": self.ort.Tensor.new("int64", mask, to_js([1, start + n])),
            "position_ids": self._ids_tensor(range(start, start + n)),
        }
        for (past_name, _), tensor in zip(self._names, self._past, strict=True):
            feeds[past_name] = tensor
        fetches = self._fetch_top if top_only else self._fetch_full
        try:
            out = await self.session.run(to_js(feeds), fetches)
        except Exception as exc:
            raise ModelError(f"onnxruntime-web failed at position {start}: {exc}") from exc
        self._past = [js.Reflect.get(out, present) for _, present in self._names]
        self._cached = start + n
        if top_only:
            values = out.top_logits.data.to_py().tolist()
            top_ids = [int(i) for i in out.top_ids.data.to_py().tolist()]
            return Scores(values, top_ids)
        return Scores(out.logits.data.to_py().tolist())
