"""Content the assistant answers from: documents plus the indexes GROQ queries run against."""

from __future__ import annotations

from .dataset import Dataset

__all__ = ["Dataset"]
