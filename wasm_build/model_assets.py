"""The language model's files in `dist/`: the exact ONNX conversion of the shipped GGUF, its
description (model.json) and the tokenizer, in a folder named by their content hash.

Conversion is expensive (tens of seconds) and cached under build/cache/ by the hash of the GGUF
and the converter's source; this step only places the cached files.
"""

from __future__ import annotations

from .hashing import short, tree_digest
from .outputs import Output

MODEL_FILES = ("model.onnx", "model.json", "tokenizer.json")


def model_outputs() -> tuple[list[Output], dict]:
    from app.model.files import ensure_tokenizer

    from .model import convert_cached, gguf_path

    source = gguf_path()
    folder = convert_cached(source).parent
    ensure_tokenizer(source, folder)
    files = [folder / name for name in MODEL_FILES]
    prefix = f"assets/model-{short(tree_digest(files, folder))}/"
    outputs = [
        # 97 MB: cached by the service worker on first use, not at install.
        Output(prefix + "model.onnx", source=folder / "model.onnx", stage="model", lazy=True),
        Output(prefix + "model.json", source=folder / "model.json", stage="model"),
        Output(prefix + "tokenizer.json", source=folder / "tokenizer.json", stage="model"),
    ]
    config = {
        "onnx": prefix + "model.onnx",
        "info": prefix + "model.json",
        "tokenizer": prefix + "tokenizer.json",
    }
    return outputs, config
