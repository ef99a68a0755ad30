"""The JSON description a converter writes beside its model files (model.json, embed.json).

The language model and the embedding model read theirs the same way but report failures in
their own error family, so the worker can tell the visitor which model broke: a missing file
means the build has not run, an unreadable one that a file was damaged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def read_description(
    path: Path, what: str, error: Callable[..., Exception], build: str
) -> dict[str, Any]:
    """`error(message, reason=...)` is raised with reason "missing-file" (naming `build`, the
    command that writes the file) or "corrupt-file"."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise error(f"{what} missing: {path} (run `{build}`)", reason="missing-file") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise error(f"{what} unreadable: {path}: {exc}", reason="corrupt-file") from exc
