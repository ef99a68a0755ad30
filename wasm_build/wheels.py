"""The Python packages Pyodide installs at boot: the app wheel and micropip, plus their lock file.

We write `pyodide-lock.json` ourselves. pyodide-build's `build` command needs to download a
cross-build environment (no network here), and the newest pyodide-build/pyodide-lock releases
that install on Python 3.11 (0.26 / 0.1.2) reject Pyodide 314's lock schema (new `tool` fields,
no `info.version`). The schema itself is small: one entry per wheel with its sha256.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from .cache_dir import publish
from .hashing import short, source_files, tree_digest
from .outputs import Output
from .paths import CACHE, DOWNLOADS, NODE_MODULES, ROOT
from .shell import BuildError, pip

MICROPIP = "micropip==0.11.1"
APP_DIST = "offline-assistant"


def app_sources() -> list[Path]:
    return [*source_files(ROOT / "app"), ROOT / "pyproject.toml"]


def build_app_wheel() -> Path:
    """`pip wheel . --no-deps`, cached by the hash of the app's sources."""
    key = short(tree_digest(app_sources(), ROOT))
    out = CACHE / f"app-wheel-{key}"
    wheels = sorted(out.glob("*.whl")) if out.exists() else []
    if wheels:
        return wheels[0]

    def fill(staging: Path) -> None:
        pip("wheel", str(ROOT), "--no-deps", "--quiet", "-w", str(staging), what="app wheel")
        shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)

    return next(publish(out, fill, marker="*.whl").glob("*.whl"))


def micropip_wheel() -> Path:
    """micropip for Python 3.14: pip's default pick on 3.11 is an old one that fails to import."""
    found = sorted(DOWNLOADS.glob("micropip-0.11.1-*.whl"))
    if found:
        return found[0]
    pip(
        "download",
        MICROPIP,
        "--no-deps",
        "--python-version",
        "3.14",
        "--only-binary=:all:",
        "--quiet",
        "-d",
        str(DOWNLOADS),
        what="micropip",
    )
    return sorted(DOWNLOADS.glob("micropip-0.11.1-*.whl"))[0]


def _top_level_imports(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        names = {n.split("/")[0] for n in z.namelist() if "/" in n}
    return sorted(n for n in names if not n.endswith((".dist-info", ".data")))


def _lock_entry(name: str, wheel: Path, file_name: str) -> dict:
    version = wheel.name.split("-")[1]
    return {
        "name": name,
        "version": version,
        "file_name": file_name,
        "install_dir": "site",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "package_type": "package",
        "imports": _top_level_imports(wheel),
        "depends": [],
        "unvendored_tests": False,
        "tool": {},
    }


def package_outputs() -> tuple[list[Output], dict]:
    """Wheels under hash-named folders, and a lock file that lists only them."""
    upstream = json.loads((NODE_MODULES / "pyodide" / "pyodide-lock.json").read_text())
    lock = {"info": upstream["info"], "tool": upstream.get("tool", {}), "packages": {}}
    outputs = []
    for name, wheel, stage in (
        (APP_DIST, build_app_wheel(), "app"),
        ("micropip", micropip_wheel(), "packages"),
    ):
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        rel = f"packages/{short(digest)}/{wheel.name}"
        outputs.append(Output("assets/" + rel, source=wheel, stage=stage))
        lock["packages"][name] = _lock_entry(name, wheel, rel)
    if not lock["packages"][APP_DIST]["imports"] == ["app"]:
        raise BuildError(
            f"app wheel: expected the `app` package, found {lock['packages'][APP_DIST]}"
        )
    data = (json.dumps(lock, indent=1, sort_keys=True) + "\n").encode()
    lock_path = f"assets/pyodide-lock.{short(hashlib.sha256(data).hexdigest())}.json"
    outputs.append(Output(lock_path, data=data, stage="packages"))
    return outputs, {"lockFileURL": lock_path, "packageBaseUrl": "assets/", "packages": [APP_DIST]}
