"""A tiny ONNX graph builder: unique names, constants and nodes, so graph code reads like math."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 21  # blocked DequantizeLinear and 4-bit tensor types need opset 21 / IR 10
IR_VERSION = 10


class GraphBuilder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self.outputs: list[onnx.ValueInfoProto] = []
        self.functions: dict[tuple[str, str], onnx.FunctionProto] = {}
        self._counts: dict[str, int] = {}
        self._consts: dict[tuple[str, bytes, tuple[int, ...]], str] = {}

    def fresh(self, stem: str) -> str:
        n = self._counts.get(stem, 0)
        self._counts[stem] = n + 1
        return stem if n == 0 else f"{stem}_{n}"

    def initializer(self, name: str, array: np.ndarray) -> str:
        # np.require keeps 0-d arrays scalar (ascontiguousarray would make them [1]).
        self.initializers.append(numpy_helper.from_array(np.require(array, requirements="C"), name))
        return name

    def raw_initializer(self, name: str, dtype: int, dims: list[int], data: bytes) -> str:
        self.initializers.append(helper.make_tensor(name, dtype, dims, data, raw=True))
        return name

    def const(self, value: Any, dtype: type = np.int64) -> str:
        """A small shared constant (shapes, axes, scalars), deduplicated by value."""
        array = np.asarray(value, dtype=dtype)
        key = (array.dtype.str, array.tobytes(), array.shape)
        if key not in self._consts:
            self._consts[key] = self.initializer(self.fresh("const"), array)
        return self._consts[key]

    def node(
        self, op: str, inputs: list[str], n_out: int = 1, name: str | None = None, **attrs: Any
    ) -> Any:
        stem = name or op.lower()
        outs = [self.fresh(stem) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=self.fresh("n_" + stem), **attrs))
        return outs[0] if n_out == 1 else outs

    def node_to(self, op: str, inputs: list[str], outputs: list[str], **attrs: Any) -> None:
        self.nodes.append(
            helper.make_node(op, inputs, outputs, name=self.fresh("n_" + op), **attrs)
        )

    def function(self, proto: onnx.FunctionProto) -> None:
        """Declare a model-local function (once; later declarations of the same name are no-ops).
        Nodes call it with `node(proto.name, ..., domain=proto.domain)`."""
        self.functions.setdefault((proto.domain, proto.name), proto)

    def add_input(self, name: str, elem: int, shape: list[Any]) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, elem, shape))
        return name

    def add_output(self, name: str, elem: int, shape: list[Any]) -> None:
        self.outputs.append(helper.make_tensor_value_info(name, elem, shape))

    def model(self, graph_name: str, metadata: dict[str, str]) -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes, graph_name, self.inputs, self.outputs, initializer=self.initializers
        )
        domains = sorted({domain for domain, _ in self.functions})
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)]
            + [helper.make_opsetid(domain, 1) for domain in domains],
            functions=list(self.functions.values()),
            producer_name="wasm_build.model",
        )
        model.ir_version = IR_VERSION
        for key, value in metadata.items():
            entry = model.metadata_props.add()
            entry.key, entry.value = key, value
        return model


FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
