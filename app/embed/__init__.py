"""Sentence embeddings for semantic search (issue 7), in pure Python for Pyodide.

- `WordPieceTokenizer`: BERT tokenisation identical to the model's tokenizer.json;
- `VectorIndex`: passage vectors (int8 + scale) loaded from one file, exact top-k search with a
  pluggable scorer (`PythonScorer`, or `JsScorer` over web/embed_search.js in the browser);
- `SemanticIndex`: what GROQ's text::semanticSimilarity() reads (evaluate(..., semantic=...));
- sessions: `app.embed.session.OnnxEmbedder` (CPython, build time) and
  `app.embed.web_session.WebEmbedder` (the worker, onnxruntime-web), imported on demand.
"""

from __future__ import annotations

from .errors import EmbedError
from .semantic import SemanticIndex
from .tokenizer import WordPieceTokenizer
from .vectors import JsScorer, PythonScorer, VectorIndex, encode_index, encode_vectors

__all__ = [
    "EmbedError",
    "JsScorer",
    "PythonScorer",
    "SemanticIndex",
    "VectorIndex",
    "WordPieceTokenizer",
    "encode_index",
    "encode_vectors",
]
