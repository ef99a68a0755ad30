"""The one error of the embedding build: what failed and what to do about it."""

from __future__ import annotations


class EmbedBuildError(Exception):
    """The embedding model could not be fetched, read or converted."""
