"""The content index as it ships: documents, their field index and the site's settings, in one
file that Pyodide loads in tens of milliseconds.

The format is a short text header (magic, version, a JSON line of facts) followed by the payload
in Python's `marshal` format. Measured in Pyodide 314 (Python 3.14) on the default content
(15,448 documents, 18.6 MB): `json.loads` takes ~460 ms, `marshal.loads` ~56 ms, because marshal
builds the objects without parsing text. marshal is not a safe format for untrusted bytes; this
file is produced by our own build and the service worker only caches it when its sha256 matches
the build manifest; the payload's shape is checked before use. The header stays
JSON so anyone can see what a file holds with `head -2`.

The payload is a run of frames (a little-endian u32 length, then one marshal value), each a
slice of the content: the settings, one field's index columns, or a few hundred documents. In
the browser the file arrives as a JavaScript array and each frame is copied into Python only
while it is read. One marshal value of the whole file (version 2) needed all 22 MB in Python's
memory at once beside the objects built from it, and WebAssembly memory never shrinks: that
copy stayed as ~20 MB of Pyodide's heap for the whole visit (benchmarks/page_memory.py).
"""

from __future__ import annotations

import json
import marshal
import struct
from collections.abc import Callable
from typing import Any

from app.jsffi import js_slice

from .dataset import Dataset
from .field_index import FieldIndex

MAGIC = b"offline-assistant content index\n"
VERSION = 3
# Written with marshal version 4, which every Python from 3.4 to 3.14 reads.
_MARSHAL_VERSION = 4
_FRAME = struct.Struct("<I")
# Documents per frame: ~0.4 MB of marshal each on the default content, so a frame's copy is
# small next to the objects it becomes, and 40-odd frames cost nothing to cross into Python.
DOCUMENTS_PER_FRAME = 400
_HEADER_LIMIT = 64 * 1024  # the JSON line of facts is far shorter

SETTINGS, FIELD, DOCUMENTS = "settings", "field", "documents"


class ContentIndexError(Exception):
    """The content index cannot be read; says what is wrong with which file."""


def encode(
    documents: list[dict], fields: list[str], settings: dict[str, Any] | None = None
) -> bytes:
    """The index file for these documents, with a field index over `fields`."""
    index = FieldIndex.build(documents, fields)
    facts = {"version": VERSION, "documents": len(documents), "fields": fields}
    parts = [MAGIC + json.dumps(facts, separators=(",", ":")).encode() + b"\n"]
    frames: list[tuple[str, Any]] = [(SETTINGS, settings or {})]
    frames += [(FIELD, (name, column)) for name, column in index.to_payload().items()]
    for start in range(0, len(documents), DOCUMENTS_PER_FRAME):
        frames.append((DOCUMENTS, documents[start : start + DOCUMENTS_PER_FRAME]))
    for frame in frames:
        body = marshal.dumps(frame, _MARSHAL_VERSION)
        parts += [_FRAME.pack(len(body)), body]
    return b"".join(parts)


def decode(data: Any, label: str = "content index") -> tuple[Dataset, dict[str, Any]]:
    """The dataset (with its field index) and the site's settings stored in an index file.

    `data` is the file's bytes, or in the worker the JavaScript Uint8Array it was downloaded
    into (anything with `length` and `subarray(start, end).to_bytes()`), read frame by frame.
    """
    size, read = _reader(data)
    head, end = _header_line(read, size)
    if not head.startswith(MAGIC):
        raise ContentIndexError(
            f"{label} is not a content index (it does not start with {MAGIC!r})"
        )
    try:
        if end < 0:
            raise ValueError("no end of line")
        facts = json.loads(head[len(MAGIC) : end])
    except ValueError as e:
        raise ContentIndexError(f"{label}: unreadable header ({e})") from e
    if type(facts) is not dict or facts.get("version") != VERSION:
        version = facts.get("version") if type(facts) is dict else None
        raise ContentIndexError(
            f"{label} has format version {version}, this assistant reads version "
            f"{VERSION}: rebuild the site"
        )
    documents: list = []
    columns: dict[str, dict] = {}
    settings: dict[str, Any] | None = None
    at = end + 1
    while at < size:
        frame, at = _frame(read, at, size, label)
        kind, value = frame if type(frame) is tuple and len(frame) == 2 else (None, None)
        if kind == DOCUMENTS and type(value) is list:
            documents += value
        elif kind == FIELD and type(value) is tuple and len(value) == 2:
            name, column = value
            if type(name) is not str or type(column) is not dict or "kind" not in column:
                raise ContentIndexError(f"{label} holds a field index it cannot read")
            columns[name] = column
        elif kind == SETTINGS and type(value) is dict:
            settings = value
        else:
            raise ContentIndexError(f"{label} holds a part it does not know ({kind!r})")
    if settings is None or len(documents) != facts.get("documents"):
        raise ContentIndexError(
            f"{label} does not hold documents as its header says "
            f"({len(documents)} of {facts.get('documents')})"
        )
    return Dataset(documents, FieldIndex.from_payload(columns)), settings


def _header_line(read: Callable[[int, int], bytes | memoryview], size: int) -> tuple[bytes, int]:
    """The file's first bytes, up to its header's end of line, and where that is (-1: none
    within the limit), read a little at a time (a read from JavaScript is a copy)."""
    length = 1024
    while True:
        head = bytes(read(0, min(size, length)))
        end = head.find(b"\n", len(MAGIC))
        if end >= 0 or length >= size or length >= _HEADER_LIMIT:
            return head, end
        length *= 4


def _reader(data: Any) -> tuple[int, Callable[[int, int], bytes | memoryview]]:
    """(size, read(start, end)) over bytes, or over a JavaScript array without copying it
    whole into Python."""
    if hasattr(data, "subarray"):
        return int(data.length), lambda start, end: js_slice(data, start, end)
    view = memoryview(data)
    return len(view), lambda start, end: view[start:end]


def _frame(
    read: Callable[[int, int], bytes | memoryview], at: int, size: int, label: str
) -> tuple[Any, int]:
    """The value of the frame at `at`, and where the next one starts."""
    damaged = f"{label} is damaged"
    if at + _FRAME.size > size:
        raise ContentIndexError(f"{damaged} (a frame is cut short): rebuild or re-download it")
    (length,) = _FRAME.unpack(read(at, at + _FRAME.size))
    start = at + _FRAME.size
    if start + length > size:
        raise ContentIndexError(f"{damaged} (a frame is cut short): rebuild or re-download it")
    try:
        return marshal.loads(read(start, start + length)), start + length
    except (EOFError, ValueError, TypeError) as e:
        raise ContentIndexError(f"{damaged} ({e}): rebuild or re-download it") from e
