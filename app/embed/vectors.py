"""Passage vectors in a compact binary file, and exact top-k search by dot product.

Storage: int8 with one float32 scale per vector (388 bytes for 384 dimensions), not float16
(768 bytes): the vectors are unit length, so after dividing by the largest component each fits
in [-127, 127] with a rounding error that moves a cosine by ~1e-4, well below the gaps that
decide a ranking, and the ids compressed alongside keep a passage under 400 bytes in total.

File layout (little-endian), every section 4-byte aligned so JavaScript can view it in place:
    b"EMBV" | u16 version | u16 dim | u32 count | u32 ids_bytes | 16 bytes model tag
    ids: zlib("\n".join(ids) as UTF-8), zero-padded to a multiple of 4
    scales: count float32
    rows: count * dim int8
Loading is slicing: the scales and rows become memoryviews over the file's bytes (no copy, no
per-element loop); only the id list is decoded.

Scoring is pluggable because the hot loop (count x dim multiply-adds) is what costs: the
`PythonScorer` works everywhere (CPython tests, a Pyodide fallback); in the browser the file
stays in JavaScript, where it was downloaded: `JsScorer.load` reads only its header and ids into
Python and scores with `createVectorIndex` (web/embed_search.js), a WebAssembly SIMD loop, or a
typed-array loop where SIMD is missing.
"""

from __future__ import annotations

import heapq
import math
import operator
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from app.jsffi import js_slice

from .errors import EmbedError

MAGIC = b"EMBV"
VERSION = 1
_HEADER = struct.Struct("<4sHHII16s")
HEADER_SIZE = _HEADER.size  # 32
_SUMPROD = getattr(math, "sumprod", None)  # Python 3.12+ (Pyodide): a C loop


def _pad4(n: int) -> int:
    return (n + 3) & ~3


def quantize(vector: Sequence[float]) -> tuple[float, bytes]:
    """(scale, int8 bytes) with vector ~= scale * int8; scale = max |component| / 127."""
    peak = max((abs(v) for v in vector), default=0.0)
    scale = peak / 127.0 if peak > 0 else 1.0
    q = [max(-127, min(127, round(v / scale))) for v in vector]
    return scale, struct.pack(f"<{len(q)}b", *q)


def encode_index(
    ids: Sequence[str], scales: Sequence[float], rows: bytes, dim: int, model: str = ""
) -> bytes:
    """The file for already quantized rows (`rows`: len(ids) * dim int8 bytes)."""
    count = len(ids)
    if len(scales) != count or len(rows) != count * dim:
        raise EmbedError(
            f"{count} ids, {len(scales)} scales and {len(rows)} row bytes do not make "
            f"{count} vectors of {dim}",
            reason="dimension",
        )
    if any("\n" in i for i in ids):
        raise EmbedError("a document id contains a newline", reason="corrupt-file")
    packed_ids = zlib.compress("\n".join(ids).encode("utf-8"), 9)
    tag = model.encode("ascii")[:16].ljust(16, b"\0")
    header = _HEADER.pack(MAGIC, VERSION, dim, count, len(packed_ids), tag)
    padding = b"\0" * (_pad4(len(packed_ids)) - len(packed_ids))
    return b"".join([header, packed_ids, padding, struct.pack(f"<{count}f", *scales), bytes(rows)])


def encode_vectors(
    ids: Sequence[str], vectors: Iterable[Sequence[float]], model: str = ""
) -> bytes:
    """The file for float vectors, quantized here (pure Python; the build uses numpy)."""
    scales: list[float] = []
    rows: list[bytes] = []
    dim = -1
    for vector in vectors:
        if dim == -1:
            dim = len(vector)
        elif len(vector) != dim:
            raise EmbedError(f"vector of {len(vector)} among {dim}", reason="dimension")
        scale, row = quantize(vector)
        scales.append(scale)
        rows.append(row)
    return encode_index(ids, scales, b"".join(rows), max(dim, 0), model)


class Scorer(Protocol):
    def scores(self, query: Sequence[float]) -> Sequence[float]:
        """The dot product of `query` with every stored vector, in row order."""
        ...

    def row_scorer(self, query: Sequence[float]) -> Callable[[int], float]:
        """row -> dot product, for callers that may need only a few rows (GROQ's score())."""
        ...


class VectorIndex:
    """Loaded passage vectors: ids, per-row scales and int8 rows, plus the scorer in use."""

    def __init__(
        self,
        ids: list[str],
        scales: Sequence[float] | None,
        rows: Sequence[int] | None,
        dim: int,
        model: str = "",
        offsets: tuple[int, int] = (0, 0),
    ) -> None:
        self.ids = ids
        self.scales = scales
        self.rows = rows
        self.dim = dim
        self.model = model
        self.offsets = offsets  # (scales, rows) byte offsets within the file
        self.row_of = {doc_id: row for row, doc_id in enumerate(ids)}
        self.scorer: Scorer = PythonScorer(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> VectorIndex:
        """Parses the header and ids; scales and rows stay views of `data` (kept immutable)."""
        data = bytes(data)  # no copy for bytes; a bytearray's later edits must not leak in
        view = memoryview(data)
        layout = _Layout.read(view[:HEADER_SIZE], len(view))
        ids = _read_ids(view[HEADER_SIZE : HEADER_SIZE + layout.ids_len], layout.count)
        scales: Sequence[float] = view[layout.scales_at : layout.rows_at].cast("f")
        if sys.byteorder != "little":  # the file is little-endian; wasm and x86 are too
            swapped = list(
                struct.unpack(f"<{layout.count}f", view[layout.scales_at : layout.rows_at])
            )
            scales = swapped
        rows = view[layout.rows_at :].cast("b")
        offsets = (layout.scales_at, layout.rows_at)
        return cls(ids, scales, rows, layout.dim, layout.model, offsets)

    def __len__(self) -> int:
        return len(self.ids)

    def vector(self, row: int) -> list[float]:
        """The stored (dequantized) vector of a row."""
        if self.rows is None or self.scales is None:
            raise EmbedError("the rows are held in JavaScript (JsScorer.load)", reason="backend")
        scale = self.scales[row]
        return [scale * v for v in self.rows[row * self.dim : (row + 1) * self.dim]]

    def _check(self, query: Sequence[float]) -> None:
        if len(query) != self.dim:
            raise EmbedError(
                f"query has {len(query)} dimensions, the index {self.dim}", reason="dimension"
            )

    def scores(self, query: Sequence[float]) -> Sequence[float]:
        """The similarity of `query` to every row, in row order."""
        self._check(query)
        return self.scorer.scores(query)

    def row_scorer(self, query: Sequence[float]) -> Callable[[int], float]:
        self._check(query)
        return self.scorer.row_scorer(query)

    def search(
        self, query: Sequence[float], k: int = 10, rows: Iterable[int] | None = None
    ) -> list[tuple[str, float]]:
        """The k best (id, similarity) pairs, best first; `rows` narrows the candidates."""
        if rows is None and hasattr(self.scorer, "top"):
            self._check(query)
            best = self.scorer.top(query, k)  # type: ignore[attr-defined]
            return [(self.ids[r], s) for r, s in best]
        if rows is None:
            scores = self.scores(query)
            best = heapq.nlargest(k, range(len(self.ids)), key=scores.__getitem__)
            return [(self.ids[r], float(scores[r])) for r in best]
        score = self.row_scorer(query)  # only the candidates are scored (pure Python: cheap)
        best = heapq.nlargest(k, dict.fromkeys(rows), key=score)
        return [(self.ids[r], float(score(r))) for r in best]


class _Layout:
    """Where a vector file's sections are, from its header and its total size."""

    def __init__(self, dim: int, count: int, ids_len: int, model: str) -> None:
        self.dim, self.count, self.ids_len, self.model = dim, count, ids_len, model
        self.scales_at = HEADER_SIZE + _pad4(ids_len)
        self.rows_at = self.scales_at + 4 * count

    @classmethod
    def read(cls, header: bytes | memoryview, size: int) -> _Layout:
        if size < HEADER_SIZE or len(header) < HEADER_SIZE:
            raise EmbedError("vector file shorter than its header", reason="corrupt-file")
        magic, version, dim, count, ids_len, tag = _HEADER.unpack_from(header)
        if magic != MAGIC or version != VERSION:
            raise EmbedError(
                f"not a vector file of version {VERSION} (magic {magic!r}, version {version})",
                reason="corrupt-file",
            )
        layout = cls(dim, count, ids_len, tag.rstrip(b"\0").decode("ascii", "replace"))
        expected = layout.rows_at + count * dim
        if size != expected:
            raise EmbedError(
                f"vector file holds {size} bytes, its header promises {expected}",
                reason="corrupt-file",
            )
        return layout


def _read_ids(packed: bytes | memoryview, count: int) -> list[str]:
    try:
        text = zlib.decompress(packed).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as exc:
        raise EmbedError(f"vector file ids unreadable: {exc}", reason="corrupt-file") from exc
    ids = text.split("\n") if count else []
    if len(ids) != count:
        raise EmbedError(f"{len(ids)} ids for {count} vectors", reason="corrupt-file")
    return ids


class PythonScorer:
    """Pure Python: one C-level sumprod per row on Python 3.12+, `sum(map(mul))` before."""

    def __init__(self, index: VectorIndex) -> None:
        self.index = index

    def scores(self, query: Sequence[float]) -> list[float]:
        index, dim = self.index, self.index.dim
        q = [float(v) for v in query]
        rows, scales = index.rows, index.scales
        return [scales[r] * _dot(q, rows[r * dim : (r + 1) * dim]) for r in range(len(index.ids))]

    def row_scorer(self, query: Sequence[float]) -> Callable[[int], float]:
        """Scores rows on demand (a narrowed GROQ query touches few of them), once each."""
        index, dim = self.index, self.index.dim
        q = [float(v) for v in query]
        rows, scales = index.rows, index.scales
        done: dict[int, float] = {}

        def score(r: int) -> float:
            value = done.get(r)
            if value is None:
                value = done[r] = scales[r] * _dot(q, rows[r * dim : (r + 1) * dim])
            return value

        return score


def _dot_fallback(a: Sequence[float], b: Sequence[int]) -> float:
    return sum(map(operator.mul, a, b))


_dot: Callable[[Sequence[float], Sequence[int]], float] = _SUMPROD or _dot_fallback


class JsScorer:
    """Scores in JavaScript (web/embed_search.js `createVectorIndex`) over the downloaded file."""

    def __init__(self, js_index: Any, dim: int) -> None:
        self.js_index = js_index
        self.dim = dim

    @classmethod
    def load(cls, array: Any, create_vector_index: Any = None) -> VectorIndex:
        """The worker's way in: the file stays where it was downloaded, a JavaScript
        Uint8Array, and is scored there; only the header and the compressed ids (~2% of it)
        are copied into Python (a whole copy would keep a second 6 MB in Pyodide's memory,
        which never shrinks: benchmarks/page_memory.py)."""
        size = int(array.length)
        header = js_slice(array, 0, min(size, HEADER_SIZE))
        layout = _Layout.read(header, size)
        ids = _read_ids(js_slice(array, HEADER_SIZE, HEADER_SIZE + layout.ids_len), layout.count)
        create = create_vector_index or _create_vector_index()
        js_index = create(array, layout.scales_at, layout.rows_at, layout.count, layout.dim)
        index = VectorIndex(ids, None, None, layout.dim, layout.model)
        index.scorer = cls(js_index, layout.dim)
        return index

    def _query(self, query: Sequence[float]) -> Any:
        from app.jsffi import js_module, to_js

        return js_module().Float32Array.new(to_js([float(v) for v in query]))

    def scores(self, query: Sequence[float]) -> Sequence[float]:
        return self.js_index.scores(self._query(query)).to_memoryview()  # float32, one copy

    def row_scorer(self, query: Sequence[float]) -> Callable[[int], float]:
        """All rows at once: in JavaScript that is cheaper than one crossing per row."""
        return self.scores(query).__getitem__

    def top(self, query: Sequence[float], k: int) -> list[tuple[int, float]]:
        """The k best (row, similarity) pairs, selected in JavaScript."""
        found = self.js_index.top(self._query(query), k)
        rows, scores = found.rows.to_memoryview(), found.scores.to_memoryview()
        return [(int(r), float(s)) for r, s in zip(rows, scores, strict=True)]


def _create_vector_index() -> Any:
    from app.jsffi import js_module

    create = getattr(js_module(), "createVectorIndex", None)
    if create is None:
        raise EmbedError(
            "web/embed_search.js is not loaded (no global createVectorIndex)", reason="backend"
        )
    return create
