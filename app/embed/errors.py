"""The one error family of app.embed: what went wrong and what the site owner can do."""

from __future__ import annotations


class EmbedError(Exception):
    """Embedding, vector index or similarity search failed.

    `reason` is a short machine-readable tag ("tokenizer", "missing-file", "corrupt-file",
    "backend", "dimension") so the worker can tell a broken build from a broken browser.
    """

    def __init__(self, message: str, *, reason: str = "embed") -> None:
        super().__init__(message)
        self.reason = reason
