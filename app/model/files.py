"""Where the CPython side finds the model files: the converter's cache under build/.

`python -m wasm_build` (and the tests) convert the GGUF once into build/cache/model-<hash>/;
this module locates that folder, building it on first use, so the terminal command works from
a fresh checkout. Set APP_MODEL_DIR to point at another folder holding the same files.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import ModelError

TOKENIZER_FILE = "tokenizer.json"
_STAMP = TOKENIZER_FILE + ".source"


def default_model_dir() -> Path:
    """Folder with model.onnx, model.json and tokenizer.json; converts/exports if absent."""
    override = os.environ.get("APP_MODEL_DIR")
    if override:
        return Path(override)
    try:
        from wasm_build.model import convert_cached, gguf_path
    except ImportError as exc:  # numpy/onnx/gguf missing: the build extra is not installed
        raise ModelError(
            f"cannot build the model files here ({exc}); install the `build` "
            "extra or set APP_MODEL_DIR",
            reason="missing-file",
        ) from exc
    source = gguf_path()
    model_dir = convert_cached(source).parent
    ensure_tokenizer(source, model_dir)
    return model_dir


def ensure_tokenizer(gguf: Path, model_dir: Path) -> Path:
    """(Re)write the tokenizer file when missing or written by another exporter version."""
    from wasm_build import tokenizer_export

    stamp = hashlib.sha256(Path(tokenizer_export.__file__).read_bytes()).hexdigest()
    target = model_dir / TOKENIZER_FILE
    stamp_file = model_dir / _STAMP
    if not target.exists() or not stamp_file.exists() or stamp_file.read_text() != stamp:
        tokenizer_export.export_tokenizer(gguf, target)
        stamp_file.write_text(stamp)
    return target
