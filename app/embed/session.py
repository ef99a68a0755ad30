"""Sentence embeddings in CPython: onnxruntime over the converted encoder (build time, tests).

numpy and onnxruntime are imported lazily, as in app/model/onnx_cpython.py: this module never
runs in Pyodide, and `import app.embed` stays pure Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..description import read_description
from .errors import EmbedError
from .tokenizer import WordPieceTokenizer

INFO_FILE = "embed.json"


def read_info(folder: Path) -> dict[str, Any]:
    """embed.json: dimension, max_length, the model file per precision, the tokenizer file."""
    return read_description(
        Path(folder) / INFO_FILE,
        "embedding model description",
        EmbedError,
        "python -m wasm_build.embedding",
    )


def pick_precision(info: dict[str, Any], precision: str | None) -> str:
    files = info.get("files", {})
    chosen = precision or info.get("precision") or ("fp32" if "fp32" in files else None)
    if chosen not in files:
        raise EmbedError(
            f"no {chosen} model in this folder (has {sorted(files)})", reason="missing-file"
        )
    return chosen


class OnnxEmbedder:
    """Texts -> unit-length sentence vectors, batched; `embed()` returns plain lists."""

    def __init__(
        self,
        folder: Path,
        *,
        precision: str | None = None,
        threads: int | None = None,
        batch_size: int = 32,
    ) -> None:
        import numpy as np
        import onnxruntime as ort

        self._np = np
        info = read_info(folder)
        self.precision = pick_precision(info, precision)
        self.dimension = int(info["dimension"])
        self.max_length = int(info["max_length"])
        self.batch_size = batch_size
        tokenizer_path = Path(folder) / info["tokenizer"]
        self.tokenizer = WordPieceTokenizer.from_json(
            tokenizer_path.read_bytes(), max_length=self.max_length
        )
        options = ort.SessionOptions()
        for key, value in info.get("session_config", {}).items():
            options.add_session_config_entry(key, value)
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        path = Path(folder) / info["files"][self.precision]["file"]
        try:
            self.session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own types for bad files
            raise EmbedError(f"model file unusable: {path}: {exc}", reason="corrupt-file") from exc
        self.output = str(info.get("output", "sentence_embedding"))

    def embed_ids(self, rows: Sequence[Sequence[int]]) -> Any:
        """A float32 array [len(rows), dimension] for already tokenized texts."""
        np = self._np
        out = np.zeros((len(rows), self.dimension), dtype=np.float32)
        # Similar lengths share a batch, so little of each batch is padding.
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        for start in range(0, len(order), self.batch_size):
            chosen = order[start : start + self.batch_size]
            width = max(len(rows[i]) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for j, i in enumerate(chosen):
                ids[j, : len(rows[i])] = rows[i]
                mask[j, : len(rows[i])] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            out[chosen] = self.session.run([self.output], feed)[0]
        return out

    def embed_array(self, texts: Sequence[str]) -> Any:
        return self.embed_ids([self.tokenizer.encode(t) for t in texts])

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()
