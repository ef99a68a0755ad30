"""Build-time embedding model: all-MiniLM-L6-v2 from its PyPI carrier wheel to ONNX, and the
content's passage vectors for the browser (issue 7)."""

from __future__ import annotations

from .assets import embedding_outputs
from .convert import (
    BROWSER_FILES,
    BROWSER_PRECISION,
    CACHE_ROOT,
    SESSION_CONFIG,
    convert,
    convert_cached,
    read_info,
    write_browser_files,
)
from .errors import EmbedBuildError
from .passages import (
    MODEL_TAG,
    embed_documents,
    quantize_rows,
    section_text,
    vector_file_bytes,
    write_vector_file,
)

__all__ = [
    "BROWSER_FILES",
    "BROWSER_PRECISION",
    "CACHE_ROOT",
    "MODEL_TAG",
    "SESSION_CONFIG",
    "EmbedBuildError",
    "convert",
    "convert_cached",
    "embed_documents",
    "embedding_outputs",
    "quantize_rows",
    "read_info",
    "section_text",
    "vector_file_bytes",
    "write_browser_files",
    "write_vector_file",
]
