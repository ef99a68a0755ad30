"""x @ W for the layers' weights, written as calls to model-local ONNX functions.

Why functions: the order in which onnxruntime pre-packs the weights decides the browser tab's peak
memory at load. At session creation it folds every weight to fp32 (~0.53 GB for SmolLM2-135M), then
walks the nodes by internal index and packs each MatMul/Gemm weight into a new buffer of the same
size, freeing the folded copy once its last consumer has packed it. The WebAssembly heap never
shrinks and the freed copies leave scattered holes, so in layer order each layer's largest matrix
found no hole big enough and grew the heap, and the tied output head (the largest weight, 113 MB,
whose consumer comes last) grew it once more at the end: 947 MB of heap (MB of 2^20 bytes). Packed
first, the head frees the folded table before anything else is packed and the layers' packed copies
fill its hole: 741 MB (onnxruntime-web 1.30, in Node and in the bare loop of
benchmarks/model_bench.py alike). A node's index follows its place in the file, which the ONNX spec
requires to be topological, so the head cannot simply come first (an earlier experiment did that
and onnx.checker rejected the file). But onnxruntime inlines model-local functions when it creates
the session, and the inlined nodes get indices after every node of the file. So each matrix product
of the layers is a call to a function below and the head stays a plain Gemm: a valid, topologically
sorted model whose graph after inlining computes what it did before, with the same kernels (greedy
ids unchanged). Where onnxruntime does this: session_state.cc, PrepackConstantInitializedTensors
(packs in GraphViewer::Nodes() order, i.e. by index) and graph_partitioner.cc, InlineFunctionsAOT
(Graph::InlineFunction adds the body's nodes, with new indices).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper

from .onnx_builder import OPSET, GraphBuilder
from .weights import BLOCK, Operand

DOMAIN = "wasm_build.model"

LINEAR = helper.make_function(
    DOMAIN,
    "Linear",
    ["x", "weight"],
    ["y"],
    [helper.make_node("MatMul", ["x", "weight"], ["y"])],
    [helper.make_opsetid("", OPSET)],
    doc_string="x @ weight: a weight the runtime packs after the output head's (linear.py).",
)

LINEAR_Q4_1 = helper.make_function(
    DOMAIN,
    "LinearQ4_1",
    ["x", "scaled", "block_indicator", "minimum"],
    ["y"],
    [
        helper.make_node("MatMul", ["x", "scaled"], ["product"]),
        helper.make_node("MatMul", ["x", "block_indicator"], ["block_sums"]),
        helper.make_node("MatMul", ["block_sums", "minimum"], ["offset"]),
        helper.make_node("Add", ["product", "offset"], ["y"]),
    ],
    [helper.make_opsetid("", OPSET)],
    doc_string="x @ W for a Q4_1 W = d*q + m per block of 32 inputs: x @ (d*q) + blocksums(x) @ m.",
)


def _block_indicator(g: GraphBuilder, w: Operand) -> str:
    """[in, in / 32] of 0/1 whose product with x sums x over each block of 32: one node where
    Reshape + ReduceSum take two (each node costs per-token time in WebAssembly)."""
    return g.const(np.kron(np.eye(w.in_features // BLOCK), np.ones((BLOCK, 1))), np.float32)


def linear(g: GraphBuilder, x: str, w: Operand, name: str) -> str:
    """x @ W as a function call; for Q4_1, W = (d*q) + m per block, so
    x @ W = x @ (d*q) + blocksums(x) @ m (see weights.py)."""
    function: onnx.FunctionProto = LINEAR if w.minimum is None else LINEAR_Q4_1
    g.function(function)
    inputs = [x, w.weight]
    if w.minimum is not None:
        inputs += [_block_indicator(g, w), w.minimum]
    return g.node(function.name, inputs, name=name, domain=DOMAIN)
