"""The hashes the service worker checks downloads against: per-chunk SHA-256 of every hash-named
file, so it can verify the ~100 MB model as it streams instead of holding it whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from wasm_build.site import CHUNK, file_integrity
from wasm_build.web_assets import read_service_worker_manifest


@pytest.fixture(scope="module")
def sw_manifest(built_site: Path) -> dict:
    return read_service_worker_manifest((built_site / "sw.js").read_text())


def test_every_chunk_hash_matches_the_file_the_site_serves(
    built_site: Path, sw_manifest: dict
) -> None:
    chunk = sw_manifest["chunk"]
    assert chunk == CHUNK
    for path, expected in sw_manifest["integrity"].items():
        data = (built_site / path).read_bytes()
        assert expected["size"] == len(data), path
        slices = [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]
        assert expected["sha256"] == [hashlib.sha256(s).hexdigest() for s in slices], path


def test_every_hash_named_file_the_worker_stores_has_hashes(
    built_site: Path, sw_manifest: dict
) -> None:
    stored = [p for p in sw_manifest["precache"] + sw_manifest["lazy"] if p.startswith("assets/")]
    assert stored and set(stored) <= set(sw_manifest["integrity"])
    # The language model is the file this exists for: it is lazy and spans many chunks.
    model = next(p for p in sw_manifest["lazy"] if p.endswith("/model.onnx"))
    assert len(sw_manifest["integrity"][model]["sha256"]) > 10


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK])
def test_chunks_cover_the_file_exactly_once(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    integrity = file_integrity(data)
    assert integrity["size"] == size
    count = max(1, -(-size // CHUNK))
    assert len(integrity["sha256"]) == count
    # The last slice is the remainder, so a file of one chunk has its whole-file hash.
    last = data[(count - 1) * CHUNK :]
    assert integrity["sha256"][-1] == hashlib.sha256(last).hexdigest()
    if count == 1:
        assert integrity["sha256"] == [hashlib.sha256(data).hexdigest()]


def test_a_changed_byte_changes_only_its_own_chunk() -> None:
    data = bytearray(3 * CHUNK + 5)
    before = file_integrity(bytes(data))["sha256"]
    data[CHUNK + 7] ^= 0xFF
    after = file_integrity(bytes(data))["sha256"]
    assert [a != b for a, b in zip(before, after, strict=True)] == [False, True, False, False]
