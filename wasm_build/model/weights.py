"""GGUF tensors repacked bit for bit into ONNX initializers that the runtime expands at load.

A quantized block keeps its 4- or 8-bit values and its fp16 scale (and, for Q4_1, its fp16
minimum). The graph turns them into fp32 with `Cast` + blocked `DequantizeLinear`, whose inputs
are all constants, so onnxruntime folds them into plain fp32 weights once at session creation;
the products `q * d` are exact in fp32. Re-quantizing instead broke greedy agreement (see
issue 4), so nothing here rounds.

Q4_1 (`d * q + m`) as a MatMul operand is kept in two exact parts, `d * q` [in, out] and the
per-block minimum m [in / 32, out], and the graph computes x @ W as
`x @ (d*q) + blocksums(x) @ m` (the way llama.cpp's own Q4_1 dot product does). Folding the
whole `d * q + m` instead takes three full-size fp32 copies per matrix (the DequantizeLinear
output, the Add output and the Reshape output all live until folding ends): for SmolLM2-135M
the tab's peak went from 1.95 GB to 1.15 GB this way (benchmarks/model_bench.py, bare loop),
for 2-3% of decode speed. Both parts are exact, so only the order of the fp32 sums changes.
onnxruntime's 4-bit `MatMulNBits` would keep the weights packed, but its WebAssembly build has
no blocked kernel: it re-expands the weight on every call, 5-12x slower than a fp32 MatMul
(measured in onnxruntime-web 1.30), so it is not used.

A Q8_0 token embedding is looked up in its stored 8-bit form (`emit_embedding`): Gather picks
the rows of values and scales and only those rows are expanded, at run time. Gathering from the
expanded fp32 table (113 MB for SmolLM2-135M) kept that table alive beside the copy the tied
output head packs at load; alone the change did little to the browser's peak (the heap's size
is what the allocator's holes allow), but with the head packed first (linear.py) the freed
table is the hole every other packed weight fits in: onnxruntime-web's heap went from 947 to
741 MB (benchmarks/model_bench.py, bare loop).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gguf import GGMLQuantizationType as QT
from gguf import ReaderTensor
from onnx import TensorProto

from .errors import ModelBuildError
from .onnx_builder import GraphBuilder

BLOCK = 32
# Bytes per 32-value block, and the offsets of scale / minimum / values inside it.
_LAYOUT = {QT.Q4_0: 18, QT.Q4_1: 20, QT.Q8_0: 34}


@dataclass
class Blocks:
    """One weight matrix as the GGUF stores it, rows = output features, blocks along a row."""

    kind: QT
    values: np.ndarray  # uint8 nibbles 0..15 (Q4_*), int8 (Q8_0) or the float data (F16/F32)
    scale: np.ndarray | None = None  # fp16 [rows, cols / 32]
    minimum: np.ndarray | None = None  # fp16 [rows, cols / 32] (Q4_1 only)

    @property
    def rows(self) -> int:
        return int(self.values.shape[0])

    def take_rows(self, order: np.ndarray) -> Blocks:
        """Reorder output features; blocks run along a row, so no block is ever split."""
        pick = lambda a: None if a is None else a[order]  # noqa: E731
        return Blocks(self.kind, self.values[order], pick(self.scale), pick(self.minimum))


def concat_rows(parts: list[Blocks]) -> Blocks | None:
    """Stack matrices that share an input (Q/K/V, gate/up) into one; None if kinds differ.

    Fusing here, on the stored blocks, costs nothing at load; a Concat node would be folded by
    onnxruntime at load time, copying every value once more.
    """
    kinds = {p.kind for p in parts}
    if len(kinds) != 1:
        return None

    def stack(arrays: list[np.ndarray | None]) -> np.ndarray | None:
        return None if arrays[0] is None else np.concatenate(arrays, axis=0)  # type: ignore[arg-type]

    return Blocks(
        parts[0].kind,
        np.concatenate([p.values for p in parts], axis=0),
        stack([p.scale for p in parts]),
        stack([p.minimum for p in parts]),
    )


def read_blocks(tensor: ReaderTensor) -> Blocks:
    kind = QT(int(tensor.tensor_type))
    data = np.asarray(tensor.data)
    if kind in (QT.F32, QT.F16):
        want = np.float32 if kind == QT.F32 else np.float16
        return Blocks(kind, np.ascontiguousarray(data.view(want).reshape(data.shape)))
    if kind not in _LAYOUT:
        raise ModelBuildError(
            f"tensor {tensor.name} is {kind.name}; only Q4_0, Q4_1, Q8_0, F16 and F32 convert"
        )
    rows = data.shape[0]
    blocks = data.reshape(rows, -1, _LAYOUT[kind])
    scale = blocks[..., 0:2].copy().view(np.float16)[..., 0]
    if kind == QT.Q8_0:
        values = blocks[..., 2:].copy().view(np.int8).reshape(rows, -1)
        return Blocks(kind, values, scale)
    start = 4 if kind == QT.Q4_1 else 2
    packed = blocks[..., start:]  # value j in the low nibble of byte j, value j+16 in the high
    values = np.concatenate([packed & 0x0F, packed >> 4], axis=-1).reshape(rows, -1)
    minimum = blocks[..., 2:4].copy().view(np.float16)[..., 0] if kind == QT.Q4_1 else None
    return Blocks(kind, values.astype(np.uint8), scale, minimum)


def _pack_nibbles(values: np.ndarray) -> bytes:
    """ONNX 4-bit layout: element 2i in the low nibble, element 2i+1 in the high nibble."""
    flat = np.ascontiguousarray(values).reshape(-1).astype(np.uint8) & 0x0F
    return (flat[0::2] | (flat[1::2] << 4)).tobytes()


def emit_weight(g: GraphBuilder, name: str, blocks: Blocks, transpose: bool) -> str:
    """Add `blocks` to the graph; returns the name of its fp32 value, which is `name`.

    transpose=True gives [in, out] (the MatMul operand), False keeps [out, in] (Gather, Gemm).
    The transposition moves whole values only, so it is as exact as the blocks themselves.
    """
    values = blocks.values.T if transpose else blocks.values
    dims = list(values.shape)
    if blocks.kind == QT.F32:
        return g.initializer(name, np.ascontiguousarray(values))
    if blocks.kind == QT.F16:
        stored = g.initializer(name + ".f16", np.ascontiguousarray(values))
        return g.node("Cast", [stored], name=name, to=TensorProto.FLOAT)
    assert blocks.scale is not None
    scale = blocks.scale.T if transpose else blocks.scale
    if blocks.kind == QT.Q4_1:
        assert blocks.minimum is not None
        minimum = blocks.minimum.T if transpose else blocks.minimum
        return _emit_q4_1(g, name, values, scale, minimum, transpose)
    if blocks.kind == QT.Q8_0:
        data = np.ascontiguousarray(values).tobytes()
        q = g.raw_initializer(name + ".q8", TensorProto.INT8, dims, data)
    else:  # Q4_0 means d * (q - 8): the signed nibble (q - 8) is q ^ 8 in two's complement.
        q = g.raw_initializer(name + ".q4", TensorProto.INT4, dims, _pack_nibbles(values ^ 8))
    scale32 = _fp16_input(g, name + ".scale", scale)
    return g.node(
        "DequantizeLinear", [q, scale32], name=name, axis=0 if transpose else 1, block_size=BLOCK
    )


def emit_embedding(
    g: GraphBuilder, name: str, blocks: Blocks, ids: str, *, matrix: bool
) -> tuple[str, str | None]:
    """The fp32 rows of `blocks` ([vocab, d], as stored) for `ids`, and, if `matrix`, the whole
    fp32 matrix (`name`, for a tied output head's Gemm).

    A Q8_0 table is looked up in its stored 8-bit form and only the gathered rows are scaled, at
    run time (d * q is exact in fp32 either way). Gathering from the folded fp32 matrix instead
    keeps that matrix (~113 MB for SmolLM2) alive beside the copy onnxruntime packs for the
    head's Gemm at load (it frees a constant once its last consumer has packed it; a Gather
    never does); packed first, its freed copy's hole takes the other weights' packed copies
    (see linear.py). Other kinds are expanded at load as before.
    """
    if blocks.kind != QT.Q8_0:
        table = emit_weight(g, name, blocks, transpose=False)
        return g.node("Gather", [table, ids], name="embedded", axis=0), table if matrix else None
    assert blocks.scale is not None
    dims = list(blocks.values.shape)
    data = np.ascontiguousarray(blocks.values).tobytes()
    q = g.raw_initializer(name + ".q8", TensorProto.INT8, dims, data)
    scale = g.initializer(name + ".scale", np.ascontiguousarray(blocks.scale))
    q_rows = g.node("Gather", [q, ids], name="embedded.q8", axis=0)
    scale_rows = g.node("Gather", [scale, ids], name="embedded.scale", axis=0)
    scale_rows = g.node("Cast", [scale_rows], name="embedded.scale.f32", to=TensorProto.FLOAT)
    rows = g.node(
        "DequantizeLinear", [q_rows, scale_rows], name="embedded", axis=2, block_size=BLOCK
    )
    if not matrix:
        return rows, None
    scale32 = g.node("Cast", [scale], name=name + ".scale.f32", to=TensorProto.FLOAT)
    table = g.node("DequantizeLinear", [q, scale32], name=name, axis=1, block_size=BLOCK)
    return rows, table


@dataclass(frozen=True)
class Operand:
    """A MatMul right-hand side [in, out] as the graph holds it: `weight` in fp32 and, for Q4_1,
    the fp32 per-block `minimum` [in / 32, out] whose contribution is blocksums(x) @ minimum."""

    weight: str
    minimum: str | None = None
    in_features: int = 0


def emit_operand(g: GraphBuilder, name: str, blocks: Blocks) -> Operand:
    """`blocks` ([out, in], as stored) as a MatMul operand named `name` (+ `name.min`)."""
    if blocks.kind != QT.Q4_1:
        return Operand(emit_weight(g, name, blocks, transpose=True))
    assert blocks.scale is not None and blocks.minimum is not None
    values = blocks.values.T  # [in, out]: blocks run down the columns
    q = g.raw_initializer(
        name + ".q4", TensorProto.UINT4, list(values.shape), _pack_nibbles(values)
    )
    scale32 = _fp16_input(g, name + ".scale", blocks.scale.T)
    weight = g.node("DequantizeLinear", [q, scale32], name=name, axis=0, block_size=BLOCK)
    return Operand(weight, _fp16_input(g, name + ".min", blocks.minimum.T), values.shape[0])


def _fp16_input(g: GraphBuilder, name: str, array: np.ndarray) -> str:
    """Stored as fp16 (as in the GGUF), widened to fp32 exactly at load."""
    stored = g.initializer(name, np.ascontiguousarray(array))
    return g.node("Cast", [stored], name=name + ".f32", to=TensorProto.FLOAT)


def _emit_q4_1(
    g: GraphBuilder,
    name: str,
    values: np.ndarray,
    scale: np.ndarray,
    minimum: np.ndarray,
    transpose: bool,
) -> str:
    """d * q + m per block. The nibbles are stored block-wise in 3-D so that the per-block
    minimum broadcasts over its 32 values; one Reshape then gives the matrix back."""
    rows, cols = values.shape
    if transpose:  # [in, out]: blocks run down the columns
        blocked, per_block, axis = [rows // BLOCK, BLOCK, cols], [rows // BLOCK, 1, cols], 1
    else:
        blocked, per_block, axis = [rows, cols // BLOCK, BLOCK], [rows, cols // BLOCK, 1], 2
    q = g.raw_initializer(name + ".q4", TensorProto.UINT4, blocked, _pack_nibbles(values))
    scale32 = _fp16_input(g, name + ".scale", scale.reshape(per_block))
    min32 = _fp16_input(g, name + ".min", minimum.reshape(per_block))
    scaled = g.node(
        "DequantizeLinear", [q, scale32], name=name + ".dq", axis=axis, block_size=BLOCK
    )
    added = g.node("Add", [scaled, min32], name=name + ".added")
    return g.node("Reshape", [added, g.const([rows, cols])], name=name)
