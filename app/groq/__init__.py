"""GROQ, the query language of Sanity's Content Lake, in pure Python (runs in Pyodide).

from app.groq import parse, evaluate, GroqError, GroqSyntaxError
evaluate('*[_type == "post"]{title}', documents)
"""

from __future__ import annotations

from .api import evaluate, parse
from .errors import GroqError, GroqLimitError, GroqSyntaxError
from .runtime import Limits

__all__ = ["GroqError", "GroqLimitError", "GroqSyntaxError", "Limits", "evaluate", "parse"]
