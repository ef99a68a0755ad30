"""What onnxruntime materialises when it loads the converted model: one float32 copy of the
weights, not one per folding step.

onnxruntime folds every node whose inputs are all constants into a new initializer at session
creation, and keeps every intermediate until folding ends. A chain like DequantizeLinear -> Add
-> Reshape per matrix therefore held three full float32 copies at load (~1.7 GB for SmolLM2-135M,
where the weights themselves are ~0.54 GB); the browser's WebAssembly memory never shrinks back,
so that transient peak is what the visitor's tab keeps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from gguf import GGMLQuantizationType as QT
from gguf import GGUFReader
from onnx import TensorProto, shape_inference

from tests.model.tiny_gguf import write_tiny_llama
from wasm_build.model import convert

# Element counts of float32 values the runtime folds at load, over the GGUF's parameter count:
# the weights once, plus the small per-block tables (Q4_1 minimums: 1/32 of a matrix).
MAX_FOLDED_PER_PARAMETER = 1.1


def folded_float_elements(model_path: Path) -> int:
    """Elements of every float32 value computed from constants only (what folding creates)."""
    model = shape_inference.infer_shapes(onnx.load(str(model_path)))
    graph = model.graph
    constant = {init.name for init in graph.initializer} | {""}
    shapes = {
        v.name: v.type.tensor_type
        for v in list(graph.value_info) + list(graph.output)
        if v.type.HasField("tensor_type")
    }
    total = 0
    for node in graph.node:  # nodes are in topological order
        if not all(i in constant for i in node.input):
            continue
        for out in node.output:
            constant.add(out)
            kind = shapes.get(out)
            assert kind is not None, f"no inferred shape for folded value {out}"
            if kind.elem_type == TensorProto.FLOAT:
                dims = [d.dim_value for d in kind.shape.dim]
                assert all(dims), f"folded value {out} has an unknown dimension"
                total += int(np.prod(dims))
    return total


def parameter_count(gguf: Path) -> int:
    return sum(int(np.prod(t.shape)) for t in GGUFReader(str(gguf)).tensors)


@pytest.mark.parametrize("matrix_type", [QT.Q4_1, QT.Q4_0, QT.Q8_0])
def test_tiny_model_folds_into_one_copy(matrix_type, tmp_path):
    gguf = write_tiny_llama(
        tmp_path / "tiny.gguf", matrix_type=matrix_type, embed_type=QT.Q8_0, tied=True
    )
    model = convert(gguf, tmp_path / "onnx")
    folded = folded_float_elements(model)
    assert folded <= MAX_FOLDED_PER_PARAMETER * parameter_count(gguf)


def test_shipped_model_folds_into_one_copy(gguf_file, model_dir):
    folded = folded_float_elements(model_dir / "model.onnx")
    params = parameter_count(gguf_file)
    assert params > 130_000_000
    assert folded <= MAX_FOLDED_PER_PARAMETER * params, f"{folded / params:.2f} per parameter"
