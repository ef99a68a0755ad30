"""model.onnx as one file in two parts: the weights' bytes first, then the graph, whose
initializers point at those bytes as ONNX external data (location: the file itself).

Why: onnxruntime-web parses a model handed to it whole into a protobuf that holds a second copy
of every weight inside its WebAssembly heap, besides the file's own bytes copied into that heap,
and the heap never shrinks. Given only the graph part, with the file mounted as external data,
it reads each weight from the JavaScript buffer when constant folding needs it: for
SmolLM2-135M the heap's peak went from 1,051 MB to 907 MB (benchmarks/model_bench.py, bare
loop). The file stays one valid ONNX model for everything else: the weights are wrapped in a
field number ModelProto does not use, which protobuf parsers skip, and onnx / CPython
onnxruntime resolve the external data against the file itself.

The browser side needs `graph_offset` (model.json): where the graph part starts.
"""

from __future__ import annotations

from pathlib import Path

import onnx
from onnx import external_data_helper

# A ModelProto field number that ONNX does not use (its fields are 1-9, 14, 20, 25).
WEIGHTS_FIELD = 4321
ALIGN = 64  # each tensor starts at a multiple of this offset in the file
MIN_BYTES = 1024  # smaller tensors (shapes, norms' scalars) stay in the graph


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def save_inline(model: onnx.ModelProto, path: Path) -> int:
    """Write `model` to `path` with its larger initializers as external data inside the same
    file; returns the graph part's byte offset. `model`'s initializers are modified.

    A model read back from such a file carries the weights' bytes as an unknown field, which
    would otherwise be written again inside the graph part (and parsed by onnxruntime-web)."""
    model.DiscardUnknownFields()
    big = [t for t in model.graph.initializer if len(t.raw_data) >= MIN_BYTES]
    spans, size = [], 0
    for tensor in big:
        spans.append((size, len(tensor.raw_data)))
        size += -(-len(tensor.raw_data) // ALIGN) * ALIGN
    tag = _varint(WEIGHTS_FIELD << 3 | 2)  # wire type 2: length-delimited bytes
    pad = 0
    while True:  # the header's length depends on the field's length, which includes the pad
        header = len(tag) + len(_varint(pad + size))
        if (header + pad) % ALIGN == 0:
            break
        pad = (-header) % ALIGN
    start = header + pad
    with open(path, "wb") as out:
        out.write(tag + _varint(pad + size) + bytes(pad))
        for tensor, (offset, length) in zip(big, spans, strict=True):
            out.write(tensor.raw_data + bytes(-length % ALIGN))
            external_data_helper.set_external_data(
                tensor, location=path.name, offset=start + offset, length=length
            )
            tensor.data_location = onnx.TensorProto.EXTERNAL
            tensor.ClearField("raw_data")
        graph_offset = out.tell()
        out.write(model.SerializeToString())
    return graph_offset
