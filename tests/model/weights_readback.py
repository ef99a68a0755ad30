"""Run just the weight-expansion part of the converted graph in onnxruntime.

Tests compare what the runtime actually expands (not a re-implementation of our unpacking) with
the references.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper


def expanded_weights(model_path: Path, names: list[str]) -> dict[str, np.ndarray]:
    model = onnx.load(str(model_path))
    graph = model.graph
    producers = {out: node for node in graph.node for out in node.output}
    inits = {init.name for init in graph.initializer}
    needed: list[onnx.NodeProto] = []
    seen: set[str] = set()

    def visit(value: str) -> None:
        if value in inits or value in seen:
            return
        seen.add(value)
        node = producers[value]
        for i in node.input:
            visit(i)
        needed.append(node)

    for name in names:
        visit(name)
    outputs = [helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, None) for n in names]
    used = {i for node in needed for i in node.input}
    sub = helper.make_graph(
        needed, "weights", [], outputs, initializer=[i for i in graph.initializer if i.name in used]
    )
    sub_model = helper.make_model(sub, opset_imports=model.opset_import)
    sub_model.ir_version = model.ir_version
    options = ort.SessionOptions()
    options.add_session_config_entry("session.disable_quant_qdq", "1")
    session = ort.InferenceSession(sub_model.SerializeToString(), options)
    return dict(zip(names, session.run(names, {}), strict=True))


def matrices_by_gguf_name(model_path: Path, reader) -> dict[str, np.ndarray]:
    """Each GGUF matrix as onnxruntime expands it, [out, in] like the GGUF (and transformers).

    Undoes only the converter's layout choices: MatMul operands are stored [in, out], matrices
    sharing an input are fused column-wise in the order `FUSED` gives, and a Q4_1 operand is
    held as two exact parts, `d * q` and the per-block minimum (`<name>.min.f32`,
    [in / 32, out]), which the graph adds through the product; the weight they stand for is
    their float32 sum, the very expression gguf's dequantizer evaluates.
    """
    from wasm_build.model.graph import FUSED
    from wasm_build.model.weights import BLOCK

    shapes = {
        t.name: (int(t.shape[1]), int(t.shape[0])) for t in reader.tensors if len(t.shape) == 2
    }
    where: dict[str, tuple[str, int]] = {}  # gguf name -> (onnx value, first column)
    for name in shapes:
        prefix, short = "", name
        if name.startswith("blk."):  # blk.<layer>.<short>
            _, layer, short = name.split(".", 2)
            prefix = f"blk.{layer}."
        for fused, parts in FUSED.items():
            if short in parts:
                before = parts[: parts.index(short)]
                where[name] = (prefix + fused, sum(shapes[prefix + b][0] for b in before))
                break
        else:
            where[name] = (name, 0)
    wanted = sorted({v for v, _ in where.values()})
    produced = {out for node in onnx.load(str(model_path)).graph.node for out in node.output}
    minima = [v + ".min.f32" for v in wanted if v + ".min.f32" in produced]
    values = expanded_weights(model_path, wanted + minima)
    for name in minima:
        value = name.removesuffix(".min.f32")
        values[value] = values[value] + np.repeat(values[name], BLOCK, axis=0)
    out: dict[str, np.ndarray] = {}
    for name, (value, start) in where.items():
        rows = shapes[name][0]
        array = values[value]
        if name in ("token_embd.weight", "output.weight"):  # Gather/Gemm operands: [out, in]
            out[name] = array
        else:
            out[name] = array[:, start : start + rows].T
    return out
