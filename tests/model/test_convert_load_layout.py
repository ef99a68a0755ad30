"""How the converted file is laid out for onnxruntime-web's load, which decides the tab's peak
memory: the weights as external data inside the file (the browser hands onnxruntime only the
graph part), the output head packed before every other weight (the layers' products are calls
to local functions, which onnxruntime numbers after the file's own nodes), the weights'
expansions first, and an 8-bit embedding table looked up before it is expanded. The file stays
a valid, topologically sorted ONNX model."""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from gguf import GGMLQuantizationType as QT
from onnx import TensorProto, numpy_helper

from tests.model.tiny_gguf import FF, KV_HEADS, VOCAB, D, write_tiny_llama
from wasm_build.model import convert
from wasm_build.model.inline_weights import ALIGN, MIN_BYTES


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    gguf = write_tiny_llama(
        folder / "tiny.gguf", matrix_type=QT.Q4_1, embed_type=QT.Q8_0, tied=True
    )
    return convert(gguf, folder / "onnx")


def _feeds(n_layers: int, ids: list[int]) -> dict[str, np.ndarray]:
    n = len(ids)
    feeds = {
        "input_ids": np.array([ids], np.int64),
        "attention_mask": np.ones((1, n), np.int64),
        "position_ids": np.arange(n, dtype=np.int64)[None],
    }
    for i in range(n_layers):
        for kind in ("key", "value"):
            feeds[f"past_key_values.{i}.{kind}"] = np.zeros((1, KV_HEADS, 0, D // 4), np.float32)
    return feeds


def test_graph_part_alone_points_into_the_file(tiny_model):
    data = tiny_model.read_bytes()
    offset = json.loads((tiny_model.parent / "model.json").read_text())["graph_offset"]
    graph = onnx.ModelProto.FromString(data[offset:])  # what the browser hands onnxruntime
    assert len(data) - offset < 0.2 * len(data)  # the weights are not in the graph part
    full = {t.name: t for t in onnx.load(str(tiny_model)).graph.initializer}
    external = 0
    for tensor in graph.graph.initializer:
        if tensor.data_location != TensorProto.EXTERNAL:
            assert len(tensor.raw_data) < MIN_BYTES, tensor.name
            continue
        where = {e.key: e.value for e in tensor.external_data}
        start, length = int(where["offset"]), int(where["length"])
        assert where["location"] == tiny_model.name
        assert start % ALIGN == 0 and start + length <= offset, tensor.name
        assert data[start : start + length] == full[tensor.name].raw_data, tensor.name
        external += length
    assert external > 0.8 * len(data)


def test_inline_file_computes_what_a_plain_one_does(tiny_model, tmp_path):
    plain = onnx.load(str(tiny_model))  # external data read back into the tensors
    onnx.save_model(plain, str(tmp_path / "plain.onnx"))
    options = ort.SessionOptions()
    options.add_session_config_entry("session.disable_quant_qdq", "1")
    feeds = _feeds(2, [5, 17, 300, 2, 99])
    got = ort.InferenceSession(str(tiny_model), options).run(["logits"], feeds)[0]
    want = ort.InferenceSession(str(tmp_path / "plain.onnx"), options).run(["logits"], feeds)[0]
    assert got.shape == (1, 1, VOCAB)
    assert np.array_equal(got, want)


def _weight_elements(model: onnx.ModelProto) -> dict[str, int]:
    """Elements of each fp32 weight the runtime folds from stored blocks (DequantizeLinear /
    Concat outputs over constants), by value name."""
    sizes = {t.name: int(np.prod(t.dims)) for t in model.graph.initializer}
    folded: dict[str, int] = {}
    for node in model.graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in sizes:
            folded[node.output[0]] = sizes[node.input[0]]
        elif node.op_type == "Concat" and all(i in folded for i in node.input):
            folded[node.output[0]] = sum(folded[i] for i in node.input)
    return folded


def _index_order(model: onnx.ModelProto) -> list[tuple[str, list[str]]]:
    """(op, inputs) of each node in the order onnxruntime numbers them once it has inlined the
    model-local functions: the file's own nodes first, then each call's body, calls in file
    order, with the body's formal inputs replaced by the call's arguments. Pre-packing walks
    this order (session_state.cc, PrepackConstantInitializedTensors)."""
    functions = {(f.domain, f.name): f for f in model.functions}
    own, inlined = [], []
    for node in model.graph.node:
        body = functions.get((node.domain, node.op_type))
        if body is None:
            own.append((node.op_type, list(node.input)))
            continue
        actual = dict(zip(body.input, node.input, strict=True))
        for inner in body.node:
            inlined.append((inner.op_type, [actual.get(i, i) for i in inner.input]))
    return own + inlined


def _packing_order(model: onnx.ModelProto, smallest: int) -> list[tuple[str, int]]:
    """(op, weight elements) of each MatMul/Gemm whose weight is folded at load and at least
    `smallest` elements, in the order onnxruntime packs them."""
    folded = _weight_elements(model)
    return [
        (op, folded[inputs[1]])
        for op, inputs in _index_order(model)
        if op in ("MatMul", "Gemm") and folded.get(inputs[1], 0) >= smallest
    ]


def test_file_is_a_valid_topologically_sorted_model(tiny_model):
    """The full checker (types, shapes, node order, the local functions) accepts the file as
    written, external data and all."""
    onnx.checker.check_model(str(tiny_model), full_check=True)


def test_output_head_is_packed_first(tiny_model):
    model = onnx.load(str(tiny_model), load_external_data=False)
    order = _packing_order(model, D * D)
    assert len(order) == 2 * 4 + 1  # per layer qkv, output, gate/up, down; the tied head
    assert order[0] == ("Gemm", VOCAB * D)
    assert all(op == "MatMul" for op, _ in order[1:])
    assert 2 * FF * D in {size for _, size in order}  # a fused gate/up, packed after the head


def test_weight_expansions_open_the_file(tiny_model):
    model = onnx.load(str(tiny_model), load_external_data=False)
    known = {t.name for t in model.graph.initializer}
    flags = []
    for node in model.graph.node:
        constant = all(i in known for i in node.input if i)
        if constant:
            known.update(node.output)
        flags.append(constant)
    assert sum(flags) > 0 and flags == sorted(flags, reverse=True)


def test_shipped_model_packs_its_embedding_table_first(model_dir):
    """SmolLM2's table (49152 x 576) is its largest weight: the tied head packs it first."""
    onnx.checker.check_model(str(model_dir / "model.onnx"), full_check=True)
    model = onnx.load(str(model_dir / "model.onnx"), load_external_data=False)
    order = _packing_order(model, 576 * 576)
    assert order[0] == ("Gemm", 49152 * 576)
    assert len(order) == 1 + 4 * 30
    assert max(size for _, size in order[1:]) < 49152 * 576


def test_q8_0_embedding_is_looked_up_in_8_bit(tiny_model):
    model = onnx.load(str(tiny_model), load_external_data=False)
    inits = {t.name: t for t in model.graph.initializer}
    gathers = [n for n in model.graph.node if n.op_type == "Gather" and n.input[0] in inits]
    tables = {inits[n.input[0]].data_type for n in gathers}
    assert tables == {TensorProto.INT8, TensorProto.FLOAT16}  # the values and their scales
    folded = _weight_elements(model)
    table = next(name for name, size in folded.items() if size == VOCAB * D)
    users = [n.op_type for n in model.graph.node if table in n.input]
    assert users == ["Gemm"]  # the fp32 table feeds the head alone, so packing frees it


def test_embedding_rows_are_the_dequantized_table(tiny_model):
    """The rows the graph gathers at run time equal the table expanded at load."""
    model = onnx.load(str(tiny_model))
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    q8 = next(v for v in inits.values() if v.dtype == np.int8 and v.shape == (VOCAB, D))
    scale = next(v for v in inits.values() if v.dtype == np.float16 and v.shape == (VOCAB, D // 32))
    table = q8.astype(np.float32) * np.repeat(scale.astype(np.float32), 32, axis=1)
    rows = [
        n for n in model.graph.node if n.op_type == "DequantizeLinear" and n.input[0] not in inits
    ]
    assert len(rows) == 1
    out = rows[0].output[0]
    graph = model.graph
    graph.output.append(onnx.helper.make_tensor_value_info(out, TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.add_session_config_entry("session.disable_quant_qdq", "1")
    session = ort.InferenceSession(model.SerializeToString(), options)
    ids = [0, 7, VOCAB - 1, 42]
    got = session.run([out], _feeds(2, ids))[0]
    assert np.array_equal(got[0].view(np.uint32), table[ids].view(np.uint32))
