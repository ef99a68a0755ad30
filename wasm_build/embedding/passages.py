"""Build time: embed every passage of the content once, re-embedding only what changed.

The cache maps a hash of (model, text) to the passage's float32 vector, so a site owner's
re-import pays only for the documents whose embedded text changed; ids may move freely.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from app.embed.vectors import encode_index

from ..atomic_write import write_atomic, write_with
from .convert import convert_cached, read_info

MODEL_TAG = "all-MiniLM-L6-v2"  # the embedding space, written into the vector file's header
TextOf = Callable[[dict], str | None]


PASSAGE_CHARS = 400  # of a section's text embedded after its headings (see section_text)


def section_text(doc: dict, max_chars: int | None = PASSAGE_CHARS) -> str | None:
    """Headings (page title > section titles), then the start of the text.

    Only the first `max_chars` characters (cut at a space) are embedded: a vector of a short
    passage stays sharp, one of a long passage averages many topics into a vague one. On the
    125 retrieval questions over the 3,344 sections of their pages this took hit@5 from 0.67
    (up to 256 tokens) to 0.78 (400 characters); it also embeds ~3x faster.
    The page's title stays although every section of a page shares it: the section's own
    heading alone, measured on the three question sets (265 questions), found the answer in the
    top five 6 more times but first 5 fewer times and in the top three (what the model reads)
    1 more time.
    """
    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    if max_chars is not None and len(text) > max_chars:
        cut = text.rfind(" ", max_chars - 40, max_chars)
        text = text[: cut if cut > 0 else max_chars]
    headings = [h for h in doc.get("headings") or [] if isinstance(h, str)]
    if not headings and isinstance(doc.get("title"), str):
        headings = [doc["title"]]
    return " > ".join(headings) + "\n" + text if headings else text


def model_key(info: dict[str, Any], precision: str) -> str:
    """What the vectors depend on: the model file's bytes, the tokenizer and the truncation
    length (not the converter's source: a refactoring that yields the same file keeps them)."""
    digest = info["files"][precision]["sha256"][:16]
    return f"{digest}-{info['tokenizer_sha256'][:8]}-{info['max_length']}"


def _key(model: str, text: str) -> bytes:
    return hashlib.sha256(model.encode() + b"\0" + text.encode("utf-8")).digest()[:16]


def _load_cache(path: Path, dim: int) -> dict[bytes, np.ndarray]:
    if not path.exists():
        return {}
    try:
        with np.load(path) as data:
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError):
        return {}  # a damaged cache only costs a recomputation
    if vectors.ndim != 2 or vectors.shape[1] != dim or len(keys) != len(vectors):
        return {}
    if keys.ndim != 2 or keys.shape[1] != 16:
        return {}
    return {k.tobytes(): v for k, v in zip(keys, vectors, strict=True)}


def _save_cache(path: Path, cache: dict[bytes, np.ndarray], dim: int) -> None:
    # uint8 rows, not an "S16" array: numpy strips trailing NUL bytes from those.
    keys = np.frombuffer(b"".join(cache), dtype=np.uint8).reshape(-1, 16)
    vectors = np.stack(list(cache.values())) if cache else np.zeros((0, dim), np.float32)
    write_with(path, lambda tmp: np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32)))


def embed_documents(
    docs: Iterable[dict],
    text_of: TextOf = section_text,
    cache_dir: Path | None = None,
    *,
    embedder: Any = None,
    precision: str = "fp32",
    threads: int | None = 1,
    log: Callable[[str], None] | None = None,
) -> tuple[list[str], np.ndarray]:
    """(ids, float32 [n, 384] unit vectors) for every document with an `_id` and a text.

    `text_of(doc)` chooses what is embedded (None: the document gets no vector). Vectors are
    cached in cache_dir/passages-<model>.npz by the hash of that text; documents whose text is
    unchanged are not embedded again. `embedder` defaults to the converted model on CPU with
    `threads` threads (1 leaves a core free for the rest of the build).
    """
    from app.embed.session import OnnxEmbedder

    if embedder is None:
        folder = convert_cached(precisions=(precision,))
        embedder = OnnxEmbedder(folder, precision=precision, threads=threads)
        model = model_key(read_info(folder), precision)
    else:
        model = getattr(embedder, "model_name", type(embedder).__name__)
    dim = int(embedder.dimension)
    cache_dir = Path(cache_dir) if cache_dir is not None else convert_cached().parent
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_path = cache_dir / f"passages-{hashlib.sha256(model.encode()).hexdigest()[:12]}.npz"
    cache = _load_cache(cache_path, dim)

    ids: list[str] = []
    keys: list[bytes] = []
    missing: dict[bytes, str] = {}
    for doc in docs:
        doc_id, text = doc.get("_id"), text_of(doc)
        if not isinstance(doc_id, str) or text is None:
            continue
        key = _key(model, text)
        ids.append(doc_id)
        keys.append(key)
        if key not in cache:
            missing[key] = text
    started = time.perf_counter()
    if missing:
        texts = list(missing.values())
        rows = [embedder.tokenizer.encode(t) for t in texts]
        vectors = np.asarray(embedder.embed_ids(rows), dtype=np.float32)
        cache.update(zip(missing, vectors, strict=True))
    if log:
        log(
            f"embedded {len(missing)} of {len(ids)} passages in "
            f"{time.perf_counter() - started:.1f}s ({len(ids) - len(missing)} cached)"
        )
    current = {k: cache[k] for k in keys}
    # Other document sets (tests, a second site) share the cache: keep their entries unless
    # the cache has grown far beyond what this set uses.
    kept = cache if len(cache) <= 4 * len(current) + 10_000 else current
    if missing or len(kept) != len(cache):
        _save_cache(cache_path, kept, dim)
    matrix = np.stack([current[k] for k in keys]) if keys else np.zeros((0, dim), np.float32)
    return ids, matrix


def quantize_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows with one float32 scale each (app/embed/vectors.py explains the choice)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, np.float32)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    rows = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return rows, scales


def vector_file_bytes(ids: Sequence[str], vectors: np.ndarray, model: str = MODEL_TAG) -> bytes:
    rows, scales = quantize_rows(vectors)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    return encode_index(list(ids), scales.tolist(), rows.tobytes(), dim, model)


def write_vector_file(
    path: Path, ids: Sequence[str], vectors: np.ndarray, model: str = MODEL_TAG
) -> Path:
    """Writes the browser's passage vectors (the format of app/embed/vectors.py)."""
    data = vector_file_bytes(ids, vectors, model)
    write_atomic(Path(path), data)
    return Path(path)
