"""The embedding files of `dist/`: the browser's encoder (int8), its description and tokenizer,
and the passage vectors of the content, each in a folder or file named by content hash.

For wasm_build/site.py's collect(), as model_assets.model_outputs() is for the language model:
    embed, embed_config = embedding_outputs(documents)
    outputs += embed; boot_config["embed"] = embed_config
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from wasm_build.atomic_write import write_atomic
from wasm_build.hashing import file_digest, short, tree_digest
from wasm_build.outputs import Output

from .convert import BROWSER_FILES, CACHE_ROOT, write_browser_files
from .passages import TextOf, section_text, vector_file_bytes

BROWSER_DIR = CACHE_ROOT.parent / "embed" / "browser"


def embedding_outputs(
    documents: Iterable[dict],
    *,
    text_of: TextOf = section_text,
    keep: Callable[[dict], bool] = lambda doc: doc.get("_type") == "docSection",
    out_dir: Path = BROWSER_DIR,
    cache_dir: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[list[Output], dict[str, str]]:
    """Outputs and the boot config entry {"onnx", "info", "tokenizer", "vectors"} (site paths).

    `keep` chooses the documents that get a vector, `text_of` what of each is embedded; only
    documents whose embedded text changed since the last build are embedded again.
    """
    from .passages import embed_documents

    paths = write_browser_files(out_dir)
    files = [paths[role] for role in ("model", "info", "tokenizer")]
    prefix = f"assets/embed-{short(tree_digest(files, out_dir))}/"
    kept = [d for d in documents if keep(d)]
    ids, vectors = embed_documents(kept, text_of, cache_dir, log=log)
    data = vector_file_bytes(ids, vectors)
    # Named by its bytes: builds of different content never overwrite each other's file.
    vector_path = out_dir / f"passages-{hashlib.sha256(data).hexdigest()[:16]}.vec"
    if not vector_path.exists():
        write_atomic(vector_path, data)
    vectors_name = f"assets/passages.{short(file_digest(vector_path))}.vec"
    outputs = [
        # 23 MB: cached by the service worker on first use, like the language model.
        Output(prefix + BROWSER_FILES["model"], source=paths["model"], stage="model", lazy=True),
        Output(prefix + BROWSER_FILES["info"], source=paths["info"], stage="model"),
        Output(prefix + BROWSER_FILES["tokenizer"], source=paths["tokenizer"], stage="model"),
        Output(vectors_name, source=vector_path, stage="content"),
    ]
    config = {
        "onnx": prefix + BROWSER_FILES["model"],
        "info": prefix + BROWSER_FILES["info"],
        "tokenizer": prefix + BROWSER_FILES["tokenizer"],
        "vectors": vectors_name,
    }
    return outputs, config
