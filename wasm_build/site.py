"""Assembles `dist/` from the build steps' outputs, atomically and only when an input changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

from .compress import compressed, wants_compression
from .content_assets import ContentSource, content_outputs, source_digest
from .hashing import source_files, tree_digest
from .headers import CSP, headers_file, site_headers
from .model_assets import model_outputs
from .outputs import STAGES, Output
from .paths import DIST, NODE_MODULES, ROOT
from .runtime import ORT_FILES, PYODIDE_FILES, runtime_outputs
from .shell import BuildError, ensure_node_modules
from .web_assets import render_index, render_service_worker, web_outputs
from .wheels import package_outputs

STAMP = ".build-stamp"
MANIFEST = "precache-manifest.json"
# The service worker checks a download one slice of this size at a time (crypto.subtle has no
# incremental hash) and so holds about one slice, not the ~100 MB model: 1 MiB costs ~7 KB of
# hashes per 100 MB in sw.js (256 KiB measured no lower first-visit peak).
CHUNK = 1 << 20


def file_integrity(data: bytes, chunk: int = CHUNK) -> dict:
    """Size and SHA-256 of each `chunk`-byte slice (one slice for an empty file), as the
    service worker's `verified` stream checks them."""
    view = memoryview(data)
    starts = range(0, max(len(data), 1), chunk)
    return {
        "size": len(data),
        "sha256": [hashlib.sha256(view[i : i + chunk]).hexdigest() for i in starts],
    }


def input_digest(content: ContentSource) -> str:
    """Everything the site is made from; equal digests mean an identical site."""
    ensure_node_modules()
    files = [p for d in ("app", "web", "wasm_build") for p in source_files(ROOT / d)]
    files += [ROOT / "pyproject.toml", ROOT / "package-lock.json"]
    files += [NODE_MODULES / "pyodide" / n for n in PYODIDE_FILES]
    files += [NODE_MODULES / "onnxruntime-web" / "dist" / n for n in ORT_FILES]
    return hashlib.sha256((tree_digest(files, ROOT) + source_digest(content)).encode()).hexdigest()


def _stages(outputs: list[Output]) -> list[dict]:
    stages = []
    for name in STAGES:
        files = [{"url": o.path, "size": o.size} for o in outputs if o.stage == name]
        if files:
            stages.append({"name": name, "files": files})
    return stages


def collect(content: ContentSource) -> list[Output]:
    """Every file of the site, in memory or by source path."""
    runtime, runtime_config = runtime_outputs()
    packages, package_config = package_outputs()
    web, names = web_outputs()
    model, model_config = model_outputs()
    index, content_config, embed_config = content_outputs(content)
    outputs = runtime + packages + web + index + model
    sums, integrity = {}, {}
    for o in outputs:
        data = o.read()
        sums[o.path] = hashlib.sha256(data).hexdigest()
        if o.path.startswith("assets/"):
            integrity[o.path] = file_integrity(data)
    version = hashlib.sha256(json.dumps(sums, sort_keys=True).encode()).hexdigest()[:16]
    boot_config = {
        "version": version,
        "worker": names["worker.js"],
        "pyodide": {**runtime_config["pyodide"], **package_config},
        "ort": runtime_config["ort"],
        "model": model_config,
        "content": content_config,
        "stages": _stages(outputs),
    }
    if embed_config is not None:  # the retrieval query ranks by meaning
        boot_config["embed"] = embed_config
    outputs.append(Output("index.html", data=render_index(names, CSP, boot_config)))
    sw_manifest = {
        "precache": [
            "./",
            *sorted(o.path for o in outputs if not o.lazy and o.path != "index.html"),
        ],
        "lazy": sorted(o.path for o in outputs if o.lazy),
        # The service worker caches a hash-named file only if its bytes match: a corrupt or
        # truncated download must fail once, not forever from the cache.
        "chunk": CHUNK,
        "integrity": dict(sorted(integrity.items())),
        "headers": site_headers(),
    }
    outputs.append(Output("sw.js", data=render_service_worker(version, sw_manifest)))
    # Read by static hosts, never by the page, so the service worker does not cache it.
    outputs.append(Output("_headers", data=headers_file().encode()))
    return outputs


def _write(outputs: list[Output], target: Path) -> None:
    entries = []
    for o in outputs:
        data = o.read()
        path = target / o.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entry = {"url": o.path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        entries.append(entry | ({"lazy": True} if o.lazy else {}))
        if wants_compression(o.path):
            for suffix, packed in compressed(data).items():
                (target / (o.path + suffix)).write_bytes(packed)
                entries.append(
                    {
                        "url": o.path + suffix,
                        "sha256": hashlib.sha256(packed).hexdigest(),
                        "size": len(packed),
                        "variant_of": o.path,
                    }
                )
    manifest = {"files": sorted(entries, key=lambda e: e["url"])}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")


def build(
    *,
    force: bool = False,
    content: ContentSource | None = None,
    target: Path = DIST,
    log=print,
) -> bool:
    """Build `dist/` (or `target`); return False when it was already up to date (nothing is
    touched then)."""
    started = time.monotonic()
    content = content or ContentSource()
    digest = input_digest(content)
    stamp = target / STAMP
    if not force and stamp.exists() and stamp.read_text().strip() == digest:
        log(f"dist/ is up to date ({digest[:12]})")
        return False
    outputs = collect(content)
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _write(outputs, staging)
        (staging / STAMP).write_text(digest + "\n")
    except BaseException as e:
        # A full disk or Ctrl-C mid-write: the old dist/ is untouched; drop the half-new copy.
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(e, OSError):
            raise BuildError(
                f"writing the site failed ({e.strerror or e}); {target.name}/ is unchanged"
            ) from e
        raise
    # Swap in one rename so a server never sees half a site.
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    total = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    elapsed = time.monotonic() - started
    log(
        f"built {target.name}/ ({content.describe()}): {len(outputs)} files, "
        f"{total / 1e6:.1f} MB in {elapsed:.1f}s"
    )
    return True
