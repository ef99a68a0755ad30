"""The unit every build step produces: one file of the site, and what the page must know of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Boot stages in the order the worker runs them; the page shows each one's bytes.
STAGES = ("runtime", "stdlib", "packages", "app", "content", "model")


@dataclass(frozen=True)
class Output:
    """A file of `dist/`.

    `stage` ties the file to the boot stage whose progress bar counts its bytes. `lazy` files
    (the model) are cached by the service worker on first use instead of at install, so a
    visitor who never asks anything does not pay 100 MB up front.
    """

    path: str
    source: Path | None = None
    data: bytes | None = None
    stage: str | None = None
    lazy: bool = False

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None, self.path
        return self.source.read_bytes()

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.source is not None
        return self.source.stat().st_size
