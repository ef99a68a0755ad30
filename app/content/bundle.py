"""The content index as it ships: documents, their field index and the site's settings, in one
file that Pyodide loads in tens of milliseconds.

The format is a short text header (magic, version, a JSON line of facts) followed by the payload
in Python's `marshal` format. Measured in Pyodide 314 (Python 3.14) on the default content
(15,448 documents, 18.6 MB): `json.loads` takes ~460 ms, `marshal.loads` ~56 ms, because marshal
builds the objects without parsing text. marshal is not a safe format for untrusted bytes; this
file is produced by our own build and the service worker only caches it when its sha256 matches
the build manifest; the payload's shape is checked before use. The header stays
JSON so anyone can see what a file holds with `head -2`.
"""

from __future__ import annotations

import json
import marshal
from typing import Any

from .dataset import Dataset
from .field_index import FieldIndex

MAGIC = b"offline-assistant content index\n"
VERSION = 2
# Written with marshal version 4, which every Python from 3.4 to 3.14 reads.
_MARSHAL_VERSION = 4


class ContentIndexError(Exception):
    """The content index cannot be read; says what is wrong with which file."""


def encode(
    documents: list[dict], fields: list[str], settings: dict[str, Any] | None = None
) -> bytes:
    """The index file for these documents, with a field index over `fields`."""
    index = FieldIndex.build(documents, fields)
    payload = {"documents": documents, "fields": index.to_payload(), "settings": settings or {}}
    facts = {"version": VERSION, "documents": len(documents), "fields": fields}
    header = MAGIC + json.dumps(facts, separators=(",", ":")).encode() + b"\n"
    return header + marshal.dumps(payload, _MARSHAL_VERSION)


def decode(data: bytes, label: str = "content index") -> tuple[Dataset, dict[str, Any]]:
    """The dataset (with its field index) and the site's settings stored in an index file."""
    if not data.startswith(MAGIC):
        raise ContentIndexError(
            f"{label} is not a content index (it does not start with {MAGIC!r})"
        )
    end = data.find(b"\n", len(MAGIC))
    try:
        facts = json.loads(data[len(MAGIC) : end])
    except ValueError as e:
        raise ContentIndexError(f"{label}: unreadable header ({e})") from e
    if facts.get("version") != VERSION:
        raise ContentIndexError(
            f"{label} has format version {facts.get('version')}, this assistant reads version "
            f"{VERSION}: rebuild the site"
        )
    try:
        payload = marshal.loads(memoryview(data)[end + 1 :])
    except (EOFError, ValueError, TypeError) as e:
        raise ContentIndexError(f"{label} is damaged ({e}): rebuild or re-download it") from e
    if not _is_payload(payload, facts):
        raise ContentIndexError(f"{label} does not hold documents as its header says")
    fields = FieldIndex.from_payload(payload["fields"])
    return Dataset(payload["documents"], fields), payload["settings"]


def _is_payload(payload: object, facts: dict) -> bool:
    return (
        type(payload) is dict
        and type(payload.get("documents")) is list
        and len(payload["documents"]) == facts.get("documents")
        and type(payload.get("fields")) is dict
        and type(payload.get("settings")) is dict
    )
