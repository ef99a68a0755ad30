"""The one exception family of the content importers.

A site owner reads these messages in a terminal after pointing the build at their own content, so
each error names the file (and line, where there is one) and says what is wrong in words they can
act on.
"""

from __future__ import annotations


class ContentImportError(Exception):
    """Input that cannot be imported, located as precisely as the input allows."""

    def __init__(self, reason: str, *, file: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        if self.file is None:
            return self.reason
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.reason}"
