"""Content importers: a site's Sanity export or documentation folder in, Sanity documents out.

The output of every importer is the same: Sanity-shaped documents (written as NDJSON sorted by
`_id`) plus asset files to bundle under `content/assets/`, which `app.content.Dataset` loads.
"""

from __future__ import annotations

from .cli import main
from .docs import DocsImportStats, import_docs
from .errors import ContentImportError
from .output import BundledAsset, ImportResult, encode_ndjson, write_result
from .python_docs import ensure_python_docs, import_python_docs
from .sanity_export import import_sanity_export

__all__ = [
    "BundledAsset",
    "ContentImportError",
    "DocsImportStats",
    "ImportResult",
    "encode_ndjson",
    "ensure_python_docs",
    "import_docs",
    "import_python_docs",
    "import_sanity_export",
    "main",
    "write_result",
]
