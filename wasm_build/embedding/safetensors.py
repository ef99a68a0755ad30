"""A safetensors reader in numpy: an 8-byte length, a JSON header, then raw little-endian buffers.

The format is simple enough that reading it needs neither torch nor the `safetensors` package,
which keeps both out of the build's dependencies.
"""

from __future__ import annotations

import json
import struct

import numpy as np

from .errors import EmbedBuildError

DTYPES = {
    "F32": "<f4",
    "F16": "<f2",
    "F64": "<f8",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
}


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file, as read-only arrays viewing `data` (no copies)."""
    if len(data) < 8:
        raise EmbedBuildError("safetensors file shorter than its 8-byte header length")
    (header_len,) = struct.unpack("<Q", data[:8])
    if 8 + header_len > len(data):
        raise EmbedBuildError(f"safetensors header length {header_len} runs past the file end")
    try:
        header = json.loads(data[8 : 8 + header_len])
    except ValueError as exc:
        raise EmbedBuildError(f"safetensors header is not JSON: {exc}") from exc
    base = 8 + header_len
    buffer = memoryview(data)
    tensors: dict[str, np.ndarray] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = DTYPES.get(entry.get("dtype"))
        if dtype is None:
            raise EmbedBuildError(f"tensor {name!r}: unsupported dtype {entry.get('dtype')!r}")
        start, end = entry["data_offsets"]
        shape = tuple(entry["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        if end - start != count * np.dtype(dtype).itemsize or base + end > len(data):
            raise EmbedBuildError(f"tensor {name!r}: offsets {start}..{end} do not fit {shape}")
        array = np.frombuffer(buffer[base + start : base + end], dtype=dtype).reshape(shape)
        tensors[name] = array
    return tensors
