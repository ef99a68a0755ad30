"""Running the package managers the build depends on, with errors that say what to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .paths import NODE_MODULES, ROOT


class BuildError(RuntimeError):
    """A build step failed; the message says which step and what to do about it."""


def run(cmd: list[str], *, cwd: Path = ROOT, what: str) -> None:
    try:
        subprocess.run(cmd, cwd=cwd, check=True)
    except FileNotFoundError as e:
        raise BuildError(f"{what}: `{cmd[0]}` is not installed") from e
    except subprocess.CalledProcessError as e:
        raise BuildError(f"{what}: `{' '.join(cmd)}` exited with {e.returncode}") from e


def ensure_node_modules() -> Path:
    """Install the npm runtimes (pyodide, onnxruntime-web) from the lock file when missing."""
    marker = NODE_MODULES / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return NODE_MODULES
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm runtimes: Node.js and npm are needed (apt-get install nodejs npm)")
    run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], what="npm runtimes")
    return NODE_MODULES


def pip(*args: str, what: str) -> None:
    run([sys.executable, "-m", "pip", *args], what=what)
