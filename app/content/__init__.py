"""Content the assistant answers from: documents plus the indexes GROQ queries run against."""

from __future__ import annotations

from .bundle import ContentIndexError
from .dataset import Dataset
from .field_index import FieldIndex

__all__ = ["ContentIndexError", "Dataset", "FieldIndex"]
