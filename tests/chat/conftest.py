"""A small Sanity-shaped content set with the retrieval settings of assistant.toml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.chat.assistant import Assistant
from app.chat.content_files import index_documents
from app.chat.settings import load_settings
from app.content import bundle

DOCS = [
    {
        "_id": "docPage.io",
        "_type": "docPage",
        "title": "Input and Output",
        "url": "io.html",
        "text": "Reading and writing files.",
    },
    {
        "_id": "docSection.io.methods",
        "_type": "docSection",
        "title": "Methods of File Objects",
        "headings": ["Input and Output", "Methods of File Objects"],
        "url": "io.html#methods",
        "page": {"_type": "reference", "_ref": "docPage.io"},
        "text": "f.readline() reads a single line from the file. For reading lines from a file, "
        "you can loop over the file object. It is memory efficient.",
        "body": [{"_type": "block", "children": [{"_type": "span", "text": "long"}]}],
    },
    {
        "_id": "docSection.json",
        "_type": "docSection",
        "title": "Saving structured data with json",
        "headings": ["Input and Output", "json"],
        "url": "io.html#json",
        "page": {"_type": "reference", "_ref": "docPage.io"},
        "text": "The json module can take Python data hierarchies and convert them to strings.",
    },
    {
        "_id": "drafts.docSection.secret",
        "_type": "docSection",
        "title": "Secret file line reading",
        "headings": [],
        "url": "secret.html",
        "text": "read file line line line",
    },
]


@pytest.fixture
def assistant() -> Assistant:
    settings = load_settings()
    dataset, _ = bundle.decode(index_documents(DOCS, settings))
    return Assistant(dataset, settings)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The documents as a bare NDJSON export, the file `--content` takes."""
    path = tmp_path / "export.ndjson"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    return path
