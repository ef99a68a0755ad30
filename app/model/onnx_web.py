"""The browser backend: onnxruntime-web driven from Python in the worker through Pyodide's `js` FFI.

Implements `AsyncBackend` (onnxruntime-web's `run()` returns a Promise). Per-token Python cost is
kept small by keeping the KV cache in JavaScript: one call per token to `decodeStep`
(web/ort_helpers.js) builds the id tensors, runs the session and feeds each `present.*` output
back as the next `past_key_values.*` input, so no tensor crosses into Python (one FFI call per
KV tensor was ~20% of a decode step). Only the 64 best logits (`top_logits`/`top_ids`) cross back
when the sampler allows it; the full 49,152 logits stay in JavaScript until `full_scores()` asks.

The worker must have loaded onnxruntime-web as the global `ort` and exposed `decodeStep` on its
global scope (web/worker.js does both; or pass `ort=` / `step=`). Session options the model needs
(from model.json): `extra: {session: {disable_quant_qdq: "1"}}`, else every weight is
re-expanded on every step (~1.7 tokens/s instead of ~30). model.json's `graph_offset` says the
file keeps its weights as external data inside itself (wasm_build/model/inline_weights.py):
onnxruntime-web gets the graph part and the file mounted under its own name, which keeps a
second copy of the weights out of its heap at load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.jsffi import js_module, to_js

from .backend import Scores
from .errors import ModelError

MODEL_FILE = "model.onnx"  # the name the graph's external data refers to (its own file)


async def _file_bytes(js: Any, url: str) -> Any:
    """The model file as a JavaScript Uint8Array: it never enters Python's heap (a copy there
    would stay: a WebAssembly heap never shrinks). The worker's `fetchModelBytes`
    (web/model_file.js) reads it into one buffer of the announced size, which keeps the browser's
    own copies out of the load's peak; elsewhere, `arrayBuffer()`."""
    try:
        fetch_bytes = getattr(js, "fetchModelBytes", None)
        if fetch_bytes is not None:
            return await fetch_bytes(url)
        response = await js.fetch(url)
        if not response.ok:
            raise ModelError(f"HTTP {response.status}", reason="missing-file")
        return js.Uint8Array.new(await response.arrayBuffer())
    except Exception as exc:  # the network, the cache or the server failed
        raise ModelError(
            f"could not download the model ({url}): {exc}", reason="missing-file"
        ) from exc


def _release(js: Any, options: Any, owned: Any) -> None:
    """Free the file's ~0.1 GB now rather than at some later garbage collection:
    onnxruntime-web keeps the options object (so drop its reference) and has copied what it
    needs into its own heap (so detach the buffer this module made, where the browser can)."""
    js.Reflect.deleteProperty(options, "externalData")
    if owned is not None and getattr(owned.buffer, "transfer", None) is not None:
        owned.buffer.transfer(0)


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

    def __init__(self, session: Any, info: dict[str, Any], ort: Any, step: Any) -> None:
        cfg = info["config"]
        self.session = session
        self.ort = ort
        self.context_length: int = int(cfg["context_length"])
        self.top_k: int = int(info.get("top_k", 0))
        self._step = step
        self._kv_heads = int(cfg["n_kv_heads"])
        self._head_dim = int(cfg["head_dim"])
        self._names = [
            (f"past_key_values.{i}.{kv}", f"present.{i}.{kv}")
            for i in range(int(cfg["n_layers"]))
            for kv in ("key", "value")
        ]
        presents = [present for _, present in self._names]
        # Built once: converting 60+ names to JS arrays every step is measurable overhead.
        self._pairs = to_js([list(pair) for pair in self._names])
        # The full logits come along with the top ones (a 196 KB copy inside JavaScript): a
        # repetition penalty now and then needs them after the fact (`full_scores`).
        self._fetch_top = to_js(["top_logits", "top_ids", "logits", *presents])
        self._fetch_full = to_js(["logits", *presents])
        self._feeds: Any = None  # the KV cache: a JS object, past_key_values.* -> Tensor
        self._logits: Any = None  # the last step's full logits (a JS Float32Array)
        self._cached = 0
        self.reset()

    @classmethod
    async def create(
        cls,
        model: Any,
        info: dict[str, Any],
        *,
        ort: Any = None,
        threads: int | None = None,
        step: Any = None,
    ) -> OnnxWebBackend:
        """`model` is a URL string or the model bytes (a JS ArrayBuffer/Uint8Array or Python
        bytes); `info` is model.json. A corrupt or truncated file raises ModelError
        ("corrupt-file") instead of leaving the caller waiting."""
        js = js_module()
        ort = ort if ort is not None else getattr(js, "ort", None)
        if ort is None:
            raise ModelError("onnxruntime-web is not loaded (no global `ort`)", reason="backend")
        step = step if step is not None else getattr(js, "decodeStep", None)
        if step is None:
            raise ModelError(
                "the worker exposes no `decodeStep` (web/ort_helpers.js)", reason="backend"
            )
        owned = isinstance(model, (str, bytes, bytearray, memoryview))  # buffers made here
        if isinstance(model, (bytes, bytearray, memoryview)):
            model = to_js(memoryview(model))
        options = to_js(session_options(info, threads=threads))
        offset = info.get("graph_offset")
        data = None
        if offset is not None:  # the weights are external data inside the file itself
            if isinstance(model, str):
                data = await _file_bytes(js, model)
            else:  # a view on the caller's buffer, not a copy
                data = model if hasattr(model, "subarray") else js.Uint8Array.new(model)
            model = data.subarray(int(offset))
            js.Reflect.set(options, "externalData", to_js([{"path": MODEL_FILE, "data": data}]))
        try:
            session = await ort.InferenceSession.create(model, options)
        except Exception as exc:  # a JsException from onnxruntime-web
            raise ModelError(
                f"the model file could not be loaded: {exc}", reason="corrupt-file"
            ) from exc
        finally:
            if data is not None:
                _release(js, options, data if owned else None)
        return cls(session, info, ort, step)

    @property
    def cached(self) -> int:
        return self._cached

    def _float_tensor(self, data: Any, length: int) -> Any:
        return self.ort.Tensor.new(
            "float32", data, to_js([1, self._kv_heads, length, self._head_dim])
        )

    def reset(self) -> None:
        js = js_module()
        feeds = js.Object.new()
        for past, _ in self._names:
            js.Reflect.set(feeds, past, self._float_tensor(js.Float32Array.new(0), 0))
        self._feeds, self._logits, self._cached = feeds, None, 0

    def truncate(self, length: int) -> None:
        """Keep positions < length: copies each head's first `length` rows in JavaScript."""
        if not 0 <= length <= self._cached:
            raise ModelError(f"cannot keep {length} of {self._cached} cached positions")
        if length == self._cached:
            return
        js = js_module()
        total, hd = self._cached, self._head_dim
        for past, _ in self._names:
            data = js.Reflect.get(self._feeds, past).data
            out = js.Float32Array.new(self._kv_heads * length * hd)
            for h in range(self._kv_heads):
                out.set(data.subarray(h * total * hd, (h * total + length) * hd), h * length * hd)
            js.Reflect.set(self._feeds, past, self._float_tensor(out, length))
        self._logits = None
        self._cached = length

    async def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores:
        start, n = self._cached, len(ids)
        if not n:
            raise ModelError("forward() needs at least one token id", reason="settings")
        if start + n > self.context_length:
            raise ModelError(
                f"{start} cached + {n} new tokens exceed the window of {self.context_length}",
                reason="context-overflow",
            )
        fetches = self._fetch_top if top_only else self._fetch_full
        self._logits = None
        try:
            out = await self._step(
                self.ort, self.session, self._feeds, self._pairs, fetches, to_js(list(ids)), start
            )
        except Exception as exc:
            raise ModelError(f"onnxruntime-web failed at position {start}: {exc}") from exc
        self._cached = start + n
        self._logits = out.logits.data
        if top_only:
            values = out.top_logits.data.to_py().tolist()
            top_ids = [int(i) for i in out.top_ids.data.to_py().tolist()]
            return Scores(values, top_ids)
        return self.full_scores()

    def full_scores(self) -> Scores:
        """The whole vocabulary's logits after the last forward pass (they wait in JavaScript
        until a sampler needs them: a repetition penalty the top candidates cannot settle)."""
        if self._logits is None:
            raise ModelError("no scores yet: run forward() first", reason="settings")
        return Scores(self._logits.to_py().tolist())
