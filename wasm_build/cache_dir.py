"""Publishing a folder into the build cache whole or not at all.

Converted models and imported content are expensive and keyed by their inputs; a build that is
interrupted, or two builds racing on a fresh machine, must never leave a half-written folder
under the key a later build trusts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def publish(final: Path, fill: Callable[[Path], None], marker: str) -> Path:
    """Run `fill` on a fresh staging folder beside `final`, then move it into place in one
    rename. `final` counts as complete when it holds a file matching `marker` (a glob; a file
    written last or not at all): a concurrent builder that published first wins; an incomplete
    leftover is replaced."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".tmp-{final.name}-", dir=final.parent))
    try:
        fill(staging)
        try:
            os.replace(staging, final)
        except OSError:
            if any(final.glob(marker)):
                return final  # another build published the same inputs first
            shutil.rmtree(final)
            os.replace(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final
