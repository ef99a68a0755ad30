"""The BERT encoder of all-MiniLM-L6-v2 as an ONNX graph, sentence pooling included.

Inputs are `input_ids` and `attention_mask` ([batch, sequence], int64); the output
`sentence_embedding` ([batch, hidden]) is already mean-pooled over the mask and L2-normalised,
as sentence-transformers computes it. Pooling lives in the graph, not in the caller, because
the browser caller is Python in Pyodide: fetching [batch, sequence, 384] floats and pooling them
element by element would cost more than the encoder; 384 numbers per text cross instead.

token_type_ids are always zero for single sentences, so the type-0 embedding is folded into the
position table. The attention scale is folded into the query weights. Precision:
- "fp32": the weights as trained (the parity reference);
- "int8": every linear weight int8 with one scale per output column (DequantizeLinear, folded to
  float once at session load with `session.disable_quant_qdq`) and the word table int8 with one
  scale per row, gathered as int8 and scaled after the lookup, so the 30,522-row table is never
  expanded. A quarter of the download at a cosine of ~0.99+ against fp32;
- "fp16": weights stored as float16 and cast at load (half the download, near-exact).
"""

from __future__ import annotations

import math

import numpy as np
import onnx

from wasm_build.model.onnx_builder import FLOAT, INT64, GraphBuilder

from .config import BertConfig
from .errors import EmbedBuildError

PRECISIONS = ("fp32", "int8", "fp16")
MASKED = -1e9  # added to masked attention scores: exp() of it is exactly 0 in float32
OUTPUT = "sentence_embedding"


class _Weights:
    def __init__(self, tensors: dict[str, np.ndarray]) -> None:
        self.tensors = tensors

    def __call__(self, name: str) -> np.ndarray:
        if name not in self.tensors:
            raise EmbedBuildError(f"weight {name!r} is missing from model.safetensors")
        return np.asarray(self.tensors[name], dtype=np.float32)


def quantize_columns(matrix: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per slice along `axis` (rows: axis=0, columns: axis=1)."""
    reduce = 1 - axis
    peak = np.abs(matrix).max(axis=reduce)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    shape = (-1, 1) if axis == 0 else (1, -1)
    q = np.clip(np.rint(matrix / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def _weight(g: GraphBuilder, name: str, matrix: np.ndarray, precision: str) -> str:
    """A [in, out] MatMul operand in the requested storage precision (float at run time)."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    if precision == "int8":
        q, scale = quantize_columns(matrix, axis=1)
        qn = g.initializer(name + ".q", q)
        sn = g.initializer(name + ".scale", scale)
        return g.node("DequantizeLinear", [qn, sn], name=name, axis=1)
    if precision == "fp16":
        hn = g.initializer(name + ".f16", matrix.astype(np.float16))
        return g.node("Cast", [hn], name=name, to=FLOAT)
    return g.initializer(name, matrix)


def _linear(g: GraphBuilder, x: str, w: str, b: str) -> str:
    return g.node("Add", [g.node("MatMul", [x, w]), b])


def _layer_norm(g: GraphBuilder, x: str, weights: _Weights, prefix: str, eps: float) -> str:
    gamma = g.initializer(prefix + ".weight", weights(prefix + ".weight"))
    beta = g.initializer(prefix + ".bias", weights(prefix + ".bias"))
    return g.node("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=eps)


def _gelu(g: GraphBuilder, x: str) -> str:
    """Exact (erf) GELU, as BERT uses; onnxruntime fuses the pattern into one Gelu kernel."""
    inner = g.node("Erf", [g.node("Mul", [x, g.const(1 / math.sqrt(2), np.float32)])])
    half = g.node("Mul", [x, g.const(0.5, np.float32)])
    return g.node("Mul", [half, g.node("Add", [inner, g.const(1.0, np.float32)])])


def _word_rows(g: GraphBuilder, table: np.ndarray, ids: str, precision: str) -> str:
    if precision == "int8":
        q, scale = quantize_columns(table, axis=0)
        rows = g.node("Gather", [g.initializer("word_embeddings.q", q), ids], axis=0)
        scales = g.node("Gather", [g.initializer("word_embeddings.scale", scale), ids], axis=0)
        scales = g.node("Unsqueeze", [scales, g.const([-1])])
        return g.node("Mul", [g.node("Cast", [rows], to=FLOAT), scales])
    if precision == "fp16":
        half = g.initializer("word_embeddings.f16", table.astype(np.float16))
        return g.node("Cast", [g.node("Gather", [half, ids], axis=0)], to=FLOAT)
    return g.node("Gather", [g.initializer("word_embeddings", table), ids], axis=0)


def _attention(
    g: GraphBuilder, x: str, bias: str, weights: _Weights, cfg: BertConfig, i: int, precision: str
) -> str:
    p = f"encoder.layer.{i}.attention."
    scale = 1 / math.sqrt(cfg.head_dim)
    wq, bq = weights(p + "self.query.weight") * scale, weights(p + "self.query.bias") * scale
    w = np.concatenate([wq, weights(p + "self.key.weight"), weights(p + "self.value.weight")])
    b = np.concatenate([bq, weights(p + "self.key.bias"), weights(p + "self.value.bias")])
    qkv = _linear(g, x, _weight(g, f"l{i}.qkv.w", w.T, precision), g.initializer(f"l{i}.qkv.b", b))
    q, k, v = g.node("Split", [qkv, g.const([cfg.hidden] * 3)], n_out=3, axis=-1)
    heads = g.const([0, 0, cfg.heads, cfg.head_dim])
    q = g.node("Transpose", [g.node("Reshape", [q, heads])], perm=[0, 2, 1, 3])
    k = g.node("Transpose", [g.node("Reshape", [k, heads])], perm=[0, 2, 3, 1])
    v = g.node("Transpose", [g.node("Reshape", [v, heads])], perm=[0, 2, 1, 3])
    scores = g.node("Add", [g.node("MatMul", [q, k]), bias])
    context = g.node("MatMul", [g.node("Softmax", [scores], axis=-1), v])
    context = g.node("Transpose", [context], perm=[0, 2, 1, 3])
    context = g.node("Reshape", [context, g.const([0, 0, cfg.hidden])])
    wo = _weight(g, f"l{i}.attn_out.w", weights(p + "output.dense.weight").T, precision)
    out = _linear(
        g, context, wo, g.initializer(f"l{i}.attn_out.b", weights(p + "output.dense.bias"))
    )
    return _layer_norm(
        g, g.node("Add", [out, x]), weights, p + "output.LayerNorm", cfg.layer_norm_eps
    )


def _feed_forward(
    g: GraphBuilder, x: str, weights: _Weights, cfg: BertConfig, i: int, precision: str
) -> str:
    p = f"encoder.layer.{i}."
    w1 = _weight(g, f"l{i}.ffn_in.w", weights(p + "intermediate.dense.weight").T, precision)
    b1 = g.initializer(f"l{i}.ffn_in.b", weights(p + "intermediate.dense.bias"))
    w2 = _weight(g, f"l{i}.ffn_out.w", weights(p + "output.dense.weight").T, precision)
    b2 = g.initializer(f"l{i}.ffn_out.b", weights(p + "output.dense.bias"))
    h = _linear(g, _gelu(g, _linear(g, x, w1, b1)), w2, b2)
    return _layer_norm(
        g, g.node("Add", [h, x]), weights, p + "output.LayerNorm", cfg.layer_norm_eps
    )


def _pool(g: GraphBuilder, hidden: str, mask: str) -> str:
    """Mean over unmasked positions, then unit length (sentence-transformers' Pooling+Normalize)."""
    m = g.node("Unsqueeze", [mask, g.const([2])])
    summed = g.node("ReduceSum", [g.node("Mul", [hidden, m]), g.const([1])], keepdims=0)
    count = g.node("ReduceSum", [m, g.const([1])], keepdims=0)
    count = g.node("Max", [count, g.const(1e-9, np.float32)])
    mean = g.node("Div", [summed, count])
    norm = g.node("ReduceL2", [mean, g.const([1])], keepdims=1)
    norm = g.node("Max", [norm, g.const(1e-12, np.float32)])
    return g.node("Div", [mean, norm])


def build_graph(
    tensors: dict[str, np.ndarray], cfg: BertConfig, precision: str = "fp32"
) -> onnx.ModelProto:
    if precision not in PRECISIONS:
        raise EmbedBuildError(f"precision {precision!r} is not one of {PRECISIONS}")
    weights = _Weights(tensors)
    g = GraphBuilder()
    ids = g.add_input("input_ids", INT64, ["batch", "sequence"])
    mask = g.add_input("attention_mask", INT64, ["batch", "sequence"])

    words = _word_rows(g, weights("embeddings.word_embeddings.weight"), ids, precision)
    positions_table = (
        weights("embeddings.position_embeddings.weight")
        + weights("embeddings.token_type_embeddings.weight")[0]
    )
    length = g.node("Slice", [g.node("Shape", [ids]), g.const([1]), g.const([2])])  # [S]
    table = g.initializer("position_embeddings", positions_table)
    pos = g.node("Slice", [table, g.const([0]), length, g.const([0])])  # first S rows
    x = _layer_norm(
        g, g.node("Add", [words, pos]), weights, "embeddings.LayerNorm", cfg.layer_norm_eps
    )

    maskf = g.node("Cast", [mask], to=FLOAT)
    keep = g.node("Sub", [g.const(1.0, np.float32), maskf])
    bias = g.node("Mul", [keep, g.const(MASKED, np.float32)])
    bias = g.node("Unsqueeze", [bias, g.const([1, 2])])  # [B, 1, 1, S]

    for i in range(cfg.layers):
        x = _attention(g, x, bias, weights, cfg, i, precision)
        x = _feed_forward(g, x, weights, cfg, i, precision)

    pooled = _pool(g, x, maskf)
    g.node_to("Identity", [pooled], [OUTPUT])
    g.add_output(OUTPUT, FLOAT, ["batch", cfg.hidden])
    return g.model(
        "all-MiniLM-L6-v2",
        {"precision": precision, "pooling": "mean", "normalize": "l2"},
    )
