"""GGUF -> ONNX decoder + a JSON description of its interface, and a cache keyed by input hash.

model.onnx holds its weights as external data inside itself (inline_weights.py): model.json's
`graph_offset` says where the graph starts, for onnxruntime-web.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import onnx
from gguf import GGUFReader

from ..cache_dir import publish
from .config import read_config
from .errors import ModelBuildError
from .graph import TOP_K, build_graph
from .inline_weights import save_inline

MODEL_FILE = "model.onnx"
INFO_FILE = "model.json"
CACHE_ROOT = Path(__file__).resolve().parents[2] / "build" / "cache"
# Session options the model needs: without disable_quant_qdq onnxruntime keeps the
# DequantizeLinear nodes (expecting QDQ fusion) and re-expands every weight on every step.
SESSION_CONFIG = {"session.disable_quant_qdq": "1"}


def convert(gguf_path: Path, out_dir: Path) -> Path:
    """Write out_dir/model.onnx (and model.json describing it); returns the model path."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    reader = GGUFReader(str(gguf_path))
    cfg = read_config(reader)
    model = build_graph(reader, cfg)
    target = out_dir / MODEL_FILE
    inputs = {i.name: _shape(i) for i in model.graph.input}
    outputs = {o.name: _shape(o) for o in model.graph.output}
    graph_offset = save_inline(model, target)
    info = {
        "config": cfg.to_json(),
        "gguf": Path(gguf_path).name,
        "inputs": inputs,
        "outputs": outputs,
        "top_k": TOP_K,
        "session_config": SESSION_CONFIG,
        "graph_offset": graph_offset,
        "conversion_seconds": round(time.perf_counter() - started, 2),
    }
    (out_dir / INFO_FILE).write_text(json.dumps(info, indent=1))
    return target


def _shape(value: onnx.ValueInfoProto) -> list[int | str]:
    dims = value.type.tensor_type.shape.dim
    return [d.dim_param or d.dim_value for d in dims]


def cache_key(gguf_path: Path) -> str:
    """Hash of the GGUF bytes and of this package's source: either changing rebuilds."""
    digest = hashlib.sha256()
    with open(gguf_path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def convert_cached(gguf_path: Path, cache_root: Path = CACHE_ROOT) -> Path:
    """model.onnx under cache_root/model-<hash>/, converting only when that hash is new."""
    if not Path(gguf_path).exists():
        raise ModelBuildError(f"GGUF not found: {gguf_path}")
    final = cache_root / f"model-{cache_key(gguf_path)}"
    if (final / INFO_FILE).exists() and (final / MODEL_FILE).exists():
        return final / MODEL_FILE
    return publish(final, lambda staging: convert(gguf_path, staging), INFO_FILE) / MODEL_FILE
