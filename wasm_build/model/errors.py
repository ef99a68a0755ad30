"""The one exception family of the model build, so callers can catch conversion problems only."""

from __future__ import annotations


class ModelBuildError(Exception):
    """A GGUF cannot be fetched or converted; the message names the tensor or key at fault."""
