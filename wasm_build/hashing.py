"""Content hashes: the cache keys of every expensive step and the cache-busting names in `dist/`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def source_files(folder: Path) -> list[Path]:
    """Every file under a source folder, without Python's bytecode caches."""
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def file_digest(path: Path) -> str:
    """sha256 hex of a file, read in blocks so a 100 MB model does not sit in memory twice."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree_digest(paths: Iterable[Path], root: Path) -> str:
    """One hash over names and contents, so a rename invalidates as surely as an edit."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(file_digest(path).encode() + b"\0")
    return h.hexdigest()


def short(digest: str) -> str:
    """The part of a digest used in file names: long enough to never collide in one site."""
    return digest[:12]
