"""The built site: every file accounted for, names that bust caches, nothing fetched remotely."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from wasm_build.site import MANIFEST, STAMP, build
from wasm_build.web_assets import read_boot_config

HASHED = re.compile(r"\.([0-9a-f]{12})\.[a-z]+$")
REMOTE = re.compile(rb"https?://[\w.-]+[^\s\"'`)]*")
# Remote URLs inside vendored runtimes that never cause a request, each with the reason:
VENDORED_URLS = {
    # Pyodide's default package CDN, used only when packageBaseUrl is unset (we always set it).
    ("pyodide.mjs", b"https://cdn.jsdelivr.net/pyodide/v${U}/full/"),
    # A documentation link inside an onnxruntime-web warning message.
    ("ort.wasm.min.mjs", b"https://web.dev/cross-origin-isolation-guide/"),
}


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def manifest(built_site: Path) -> dict[str, dict]:
    data = json.loads((built_site / MANIFEST).read_text())
    return {entry["url"]: entry for entry in data["files"]}


def test_manifest_lists_every_file_with_its_hash(built_site: Path, manifest: dict) -> None:
    files = _files(built_site)
    assert set(files) - {MANIFEST, STAMP} == set(manifest)
    for url, entry in manifest.items():
        data = files[url].read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url
        assert len(data) == entry["size"], url


def test_asset_names_carry_their_content_hash(built_site: Path, manifest: dict) -> None:
    """Every file under assets/ is immutable: its name or its folder's name is a content hash."""
    for url in manifest:
        if not url.startswith("assets/") or "variant_of" in manifest[url]:
            continue
        name_hash = HASHED.search(url)
        if name_hash:
            assert manifest[url]["sha256"].startswith(name_hash.group(1)), url
        else:
            folder = url.split("/")[-2]
            assert re.search(r"[0-9a-f]{12}$", folder), f"{url} has no hash in its name or folder"


def test_precompressed_copies_match_their_original(built_site: Path, manifest: dict) -> None:
    variants = [e for e in manifest.values() if "variant_of" in e]
    assert any(e["url"].endswith(".br") for e in variants), "no brotli copies"
    wasm = [e for e in variants if e["variant_of"].endswith("pyodide.asm.wasm")]
    assert {Path(e["url"]).suffix for e in wasm} == {".gz", ".br"}
    import brotli

    for e in variants:
        packed = (built_site / e["url"]).read_bytes()
        original = (built_site / e["variant_of"]).read_bytes()
        unpacked = (
            gzip.decompress(packed) if e["url"].endswith(".gz") else brotli.decompress(packed)
        )
        assert unpacked == original, e["url"]


def test_nothing_references_a_remote_url(built_site: Path, manifest: dict) -> None:
    for url, entry in manifest.items():
        if "variant_of" in entry or not url.endswith(
            (".html", ".js", ".mjs", ".json", ".css", ".webmanifest")
        ):
            continue
        found = set(REMOTE.findall((built_site / url).read_bytes()))
        allowed = {u for name, u in VENDORED_URLS if url.endswith("/" + name)}
        assert found <= allowed, f"{url} references {found - allowed}"


def test_lock_file_lists_the_bundled_wheels(built_site: Path) -> None:
    html = (built_site / "index.html").read_text()
    config = read_boot_config(html)
    lock = json.loads((built_site / config["pyodide"]["lockFileURL"]).read_text())
    assert set(lock["packages"]) == {"offline-assistant", "micropip"}
    assert lock["info"]["python"].startswith("3.14")
    for entry in lock["packages"].values():
        wheel = built_site / config["pyodide"]["packageBaseUrl"] / entry["file_name"]
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"]
    assert lock["packages"]["offline-assistant"]["imports"] == ["app"]
    assert lock["packages"]["micropip"]["version"] == "0.11.1"


def test_boot_config_covers_every_stage_file(built_site: Path, manifest: dict) -> None:
    html = (built_site / "index.html").read_text()
    config = read_boot_config(html)
    names = [s["name"] for s in config["stages"]]
    assert names[:4] == ["runtime", "stdlib", "packages", "app"]
    for stage in config["stages"]:
        for f in stage["files"]:
            assert manifest[f["url"]]["size"] == f["size"], f


def test_second_build_with_unchanged_inputs_touches_nothing(built_site: Path) -> None:
    before = {name: p.stat().st_mtime_ns for name, p in _files(built_site).items()}
    assert build() is False
    after = {name: p.stat().st_mtime_ns for name, p in _files(built_site).items()}
    assert before == after
