"""The backend for CPython: onnxruntime over the converted model (tests and the terminal command).

numpy is allowed here and only here in app/: this module never runs in Pyodide, and both imports
are lazy so `import app.model` stays pure Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..description import read_description
from .backend import Scores
from .errors import ModelError

MODEL_FILE = "model.onnx"
INFO_FILE = "model.json"


def read_model_info(model_dir: Path) -> dict[str, Any]:
    """model.json, written next to model.onnx by the converter: config, I/O names, options."""
    return read_description(
        Path(model_dir) / INFO_FILE, "model description", ModelError, "python -m wasm_build"
    )


class OnnxCpythonBackend:
    """Implements `Backend`; the KV cache lives in numpy arrays between steps."""

    def __init__(self, model_dir: Path, *, threads: int | None = None) -> None:
        import numpy as np
        import onnxruntime as ort

        self._np = np
        info = read_model_info(model_dir)
        cfg = info["config"]
        self.context_length: int = int(cfg["context_length"])
        self.top_k: int = int(info.get("top_k", 0))
        self.vocab_size: int = int(cfg["vocab_size"])
        self._layers = int(cfg["n_layers"])
        self._kv_shape = (1, int(cfg["n_kv_heads"]), 0, int(cfg["head_dim"]))
        options = ort.SessionOptions()
        for key, value in info.get("session_config", {}).items():
            options.add_session_config_entry(key, value)
        if threads:
            options.intra_op_num_threads = threads
        path = Path(model_dir) / MODEL_FILE
        if not path.exists():
            raise ModelError(
                f"model file missing: {path} (run `python -m wasm_build`)", reason="missing-file"
            )
        try:
            self.session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own types for truncated/invalid files
            raise ModelError(f"model file unusable: {path}: {exc}", reason="corrupt-file") from exc
        self._present = [
            f"present.{i}.{kv}" for i in range(self._layers) for kv in ("key", "value")
        ]
        self._past_names = [
            f"past_key_values.{i}.{kv}" for i in range(self._layers) for kv in ("key", "value")
        ]
        self.reset()

    @property
    def cached(self) -> int:
        return int(self._past[0].shape[2])

    def reset(self) -> None:
        empty = self._np.zeros(self._kv_shape, dtype=self._np.float32)
        self._past = [empty] * (2 * self._layers)

    def truncate(self, length: int) -> None:
        if not 0 <= length <= self.cached:
            raise ModelError(f"cannot keep {length} of {self.cached} cached positions")
        self._past = [p[:, :, :length, :] for p in self._past]

    def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores:
        np = self._np
        start = self.cached
        if not ids:
            raise ModelError("forward() needs at least one token id", reason="settings")
        if start + len(ids) > self.context_length:
            raise ModelError(
                f"{start} cached + {len(ids)} new tokens exceed the window of "
                f"{self.context_length}",
                reason="context-overflow",
            )
        feed = {
            "input_ids": np.asarray([ids], dtype=np.int64),
            "attention_mask": np.ones((1, start + len(ids)), dtype=np.int64),
            "position_ids": np.arange(start, start + len(ids), dtype=np.int64)[None, :],
        }
        feed.update(zip(self._past_names, self._past, strict=True))
        wanted = ["top_logits", "top_ids"] if top_only else ["logits"]
        outputs = self.session.run(wanted + self._present, feed)
        self._past = outputs[len(wanted) :]
        if top_only:
            return Scores(outputs[0][0].tolist(), outputs[1][0].tolist())
        return Scores(outputs[0][0, -1].tolist())
