"""The one exception family of app.model: what the visitor or site owner needs to act on."""

from __future__ import annotations


class ModelError(Exception):
    """The model cannot run or answer: missing/corrupt files, a prompt too long, a backend failure.

    `reason` is a short machine-readable tag (e.g. "missing-file", "context-overflow", "backend")
    the UI can map to a message and a retry button; the text says what happened and where.
    """

    def __init__(self, message: str, *, reason: str = "backend") -> None:
        super().__init__(message)
        self.reason = reason
