"""What an importer hands back, and how it lands on disk without ever being half-written.

Documents go to one NDJSON file sorted by `_id`, so two imports of the same input give the same
bytes (reviewable diffs, cacheable builds). Asset files are written before the NDJSON that refers
to them, each through a temporary file and a rename, so a reader never sees a document pointing
at a missing or truncated file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic_write import write_atomic
from .errors import ContentImportError

ASSET_URL_PREFIX = "content/assets/"


@dataclass(frozen=True)
class BundledAsset:
    """One file to ship in `dist/`: its bytes come from `data` or from the file at `source`."""

    target: str
    source: Path | None = None
    data: bytes | None = None

    def read_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.source is None:
            raise ContentImportError(f"asset {self.target} has neither bytes nor a source file")
        return self.source.read_bytes()


@dataclass
class ImportResult:
    """Documents (Sanity-shaped dicts) plus the asset files they refer to."""

    documents: list[dict]
    assets: list[BundledAsset] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, dict]:
        return {doc["_id"]: doc for doc in self.documents}


def encode_ndjson(documents: Iterable[dict]) -> bytes:
    """NDJSON of the documents sorted by `_id`: one compact JSON object per line, UTF-8."""
    ordered = sorted(documents, key=lambda doc: doc["_id"])
    lines = [json.dumps(doc, ensure_ascii=False, separators=(",", ":")) for doc in ordered]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def write_result(result: ImportResult, out: Path, site_root: Path | None = None) -> None:
    """Write assets under `site_root` (default: the NDJSON's folder), then the NDJSON itself.

    Asset targets are URLs relative to the site root (`content/assets/...`); a target that would
    escape the site root is refused rather than written.
    """
    root = (site_root if site_root is not None else out.parent).resolve()
    payload = encode_ndjson(result.documents)  # fails before anything is written, if it fails
    destinations = []
    for asset in result.assets:
        destination = (root / asset.target).resolve()
        if root not in destination.parents:
            raise ContentImportError(f"asset target {asset.target!r} escapes the site root")
        destinations.append((destination, asset))
    _check_writable(out)  # before any asset lands, so a bad --out leaves nothing behind
    for destination, asset in destinations:
        data = _read_asset(asset)
        if destination.is_file() and destination.read_bytes() == data:
            continue
        _write(destination, data)
    _write(out, payload)


def _read_asset(asset: BundledAsset) -> bytes:
    try:
        return asset.read_bytes()
    except OSError as exc:
        raise ContentImportError(
            f"cannot read asset file ({exc.strerror or exc})", file=str(asset.source)
        ) from exc


def _write(path: Path, data: bytes) -> None:
    """`write_atomic`, with the OS's refusal (a folder in the way, a parent that is a file, no
    permission, a full disk) said in words; the rename never happened, so an earlier good file
    at `path` is untouched."""
    _check_writable(path)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise ContentImportError(
            f"cannot write the output ({exc.strerror or exc})", file=str(path)
        ) from exc


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise ContentImportError("cannot write the output: it is a folder", file=str(path))
    blocker = next((parent for parent in path.parents if parent.is_file()), None)
    if blocker is not None:
        raise ContentImportError(
            f"cannot write the output: {blocker} is a file, not a folder", file=str(path)
        )
