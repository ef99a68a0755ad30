"""Precompressed copies (gzip, brotli) of text and wasm assets, cached by content hash because
brotli at its best setting takes tens of seconds on the 14 MB onnxruntime wasm."""

from __future__ import annotations

import gzip
import hashlib

from .atomic_write import write_atomic
from .paths import CACHE

try:
    import brotli
except ImportError:  # brotli is optional: hosts fall back to gzip
    brotli = None

COMPRESSIBLE = (
    ".js",
    ".mjs",
    ".css",
    ".html",
    ".json",
    ".webmanifest",
    ".wasm",
    ".svg",
    ".ndjson",
    ".idx",
    ".txt",
)
MIN_SIZE = 1024


def wants_compression(path: str) -> bool:
    return path.endswith(COMPRESSIBLE)


def compressed(data: bytes) -> dict[str, bytes]:
    """Map of suffix (".gz", ".br") to compressed bytes, only where it actually saves space."""
    if len(data) < MIN_SIZE:
        return {}
    key = hashlib.sha256(data).hexdigest()
    folder = CACHE / "compressed"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for suffix, make in ((".gz", _gzip), (".br", _brotli)):
        if make is _brotli and brotli is None:
            continue
        cached = folder / (key + suffix)
        if not cached.exists():
            write_atomic(cached, make(data))
        packed = cached.read_bytes()
        if len(packed) < len(data) * 0.9:
            out[suffix] = packed
    return out


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _brotli(data: bytes) -> bytes:
    return brotli.compress(data, quality=11 if len(data) < (4 << 20) else 9)
