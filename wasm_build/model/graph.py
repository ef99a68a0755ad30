"""The Llama decoder as an ONNX graph, built from a GGUF's metadata and tensors.

The KV cache is [batch, kv_heads, seq, head_dim] like optimum's Llama export; attention is in
attention.py. Departures from a plain export, all for speed or memory:
- matrices sharing an input are fused (Q/K/V, gate/up), on the stored blocks;
- Q4_1 operands stay in two exact parts (see weights.py): folding at load makes one fp32 copy
  of each weight instead of three;
- only the last position's logits are computed: generation needs nothing else, and a full
  [S, vocab] projection would dominate a long prefill;
- for the browser's peak memory at load, which the WebAssembly heap keeps: an 8-bit embedding
  table is looked up before it is expanded (`emit_embedding`), the layers' matrix products are
  calls to model-local functions (linear.py) so that onnxruntime packs the output head's
  weight first, and the weights' expansions come first in the file (`expansions_first`).
  onnxruntime-web's heap for SmolLM2-135M (MB of 2^20 bytes): 1,051 before; 907 with the weights
  as external data (inline_weights.py); 947 with the 8-bit lookup too (that alone does not help);
  741 with the head packed first as well.
"""

from __future__ import annotations

import numpy as np
import onnx
from gguf import GGUFReader

from .attention import PlainAttention
from .config import LlamaConfig
from .errors import ModelBuildError
from .linear import linear
from .onnx_builder import FLOAT, INT64, GraphBuilder
from .weights import (
    Blocks,
    Operand,
    concat_rows,
    emit_embedding,
    emit_operand,
    emit_weight,
    read_blocks,
)

TOP_K = 64  # width of the top_logits/top_ids outputs (a cheap alternative to the full logits)


def hf_rope_order(rows: int, n_heads: int) -> np.ndarray:
    """Row order that undoes llama.cpp's Q/K permutation (interleaved -> rotate-half RoPE).

    transformers applies the same reordering when it loads a GGUF, so after it our Q/K weights
    and the reference's are the same matrices, not merely equivalent ones.
    """
    half = rows // n_heads // 2
    return np.arange(rows).reshape(n_heads, half, 2).swapaxes(1, 2).reshape(rows)


class _Tensors:
    def __init__(self, reader: GGUFReader) -> None:
        self.by_name = {t.name: t for t in reader.tensors}

    def blocks(self, name: str) -> Blocks:
        if name not in self.by_name:
            raise ModelBuildError(f"GGUF tensor {name!r} is missing")
        return read_blocks(self.by_name[name])

    def vector(self, name: str) -> np.ndarray:
        b = self.blocks(name)
        return np.asarray(b.values, dtype=np.float32).reshape(-1)


# Matrices sharing an input are fused into one MatMul operand ([in, sum of outs]), in this order.
FUSED = {
    "attn_qkv.weight": ("attn_q.weight", "attn_k.weight", "attn_v.weight"),
    "ffn_gate_up.weight": ("ffn_gate.weight", "ffn_up.weight"),
}


def _fused(
    g: GraphBuilder, t: _Tensors, layer: str, name: str, reordered: dict[str, Blocks]
) -> Operand:
    """One layer's fused operand, in FUSED's order (the tests read weights back by it);
    `reordered` stands in for stored blocks whose rows were permuted (RoPE's layout)."""
    parts = [
        (layer + n, reordered[n] if n in reordered else t.blocks(layer + n)) for n in FUSED[name]
    ]
    name = layer + name
    blocks = concat_rows([b for _, b in parts])
    if blocks is not None:
        return emit_operand(g, name, blocks)
    # Mixed tensor types: expand each, and let onnxruntime fold the Concat at load.
    pieces = [emit_weight(g, n, b, transpose=True) for n, b in parts]
    return Operand(g.node("Concat", pieces, name=name, axis=1))


def expansions_first(g: GraphBuilder) -> None:
    """Move the nodes computed from constants alone (the weights' expansions) to the front of
    the file, each keeping its place among them: a legal order, as they need nothing else.

    Measured, not derived: with the expansions interleaved with each layer's compute, the
    onnxruntime-web heap after load was 741 or 839-844 MB depending on details as small as the
    names in the file (the peak sits just at one of the heap's growth steps, ~20% apart, and
    the allocator's holes decide which side); with the expansions first it was 741 MB in all
    ten variants tried (names, function domain, orders among the expansions; in Node).
    """
    known = {t.name for t in g.initializers}
    first, rest = [], []
    for node in g.nodes:
        if all(i in known for i in node.input if i):
            first.append(node)
            known.update(node.output)
        else:
            rest.append(node)
    g.nodes[:] = first + rest


def _rms_norm(g: GraphBuilder, x: str, weight: str, eps: float, name: str) -> str:
    # Written as the Pow/ReduceMean/Add/Sqrt/Div/Mul chain that onnxruntime fuses into
    # SimplifiedLayerNormalization.
    sq = g.node("Pow", [x, g.const(2.0, np.float32)], name=name + ".sq")
    mean = g.node("ReduceMean", [sq, g.const([-1])], name=name + ".mean", keepdims=1)
    var = g.node("Add", [mean, g.const(eps, np.float32)], name=name + ".var")
    rms = g.node("Sqrt", [var], name=name + ".rms")
    normed = g.node("Div", [x, rms], name=name + ".normed")
    return g.node("Mul", [normed, weight], name=name)


def build_graph(reader: GGUFReader, cfg: LlamaConfig) -> onnx.ModelProto:
    g = GraphBuilder()
    t = _Tensors(reader)
    H, KV, hd = cfg.n_heads, cfg.n_kv_heads, cfg.head_dim
    if H % KV:
        raise ModelBuildError(f"{H} heads do not divide into {KV} KV heads")

    input_ids = g.add_input("input_ids", INT64, ["batch", "sequence_length"])
    attention_mask = g.add_input("attention_mask", INT64, ["batch", "total_sequence_length"])
    position_ids = g.add_input("position_ids", INT64, ["batch", "sequence_length"])
    kv_shape_in = ["batch", KV, "past_sequence_length", hd]
    past = []
    for i in range(cfg.n_layers):
        past.append(
            (
                g.add_input(f"past_key_values.{i}.key", FLOAT, kv_shape_in),
                g.add_input(f"past_key_values.{i}.value", FLOAT, kv_shape_in),
            )
        )

    factors = t.vector("rope_freqs.weight") if "rope_freqs.weight" in t.by_name else None
    attention = PlainAttention(g, cfg, input_ids, attention_mask, position_ids, past[0][0], factors)

    x, embed = emit_embedding(
        g, "token_embd.weight", t.blocks("token_embd.weight"), input_ids, matrix=cfg.tied_embeddings
    )
    for i in range(cfg.n_layers):
        p = f"blk.{i}."
        q_rows = t.blocks(p + "attn_q.weight").take_rows(hf_rope_order(H * hd, H))
        k_rows = t.blocks(p + "attn_k.weight").take_rows(hf_rope_order(KV * hd, KV))
        rope_order = {"attn_q.weight": q_rows, "attn_k.weight": k_rows}
        w_qkv = _fused(g, t, p, "attn_qkv.weight", rope_order)
        w_o = emit_operand(g, p + "attn_output.weight", t.blocks(p + "attn_output.weight"))
        w_gu = _fused(g, t, p, "ffn_gate_up.weight", {})
        w_down = emit_operand(g, p + "ffn_down.weight", t.blocks(p + "ffn_down.weight"))
        n1 = g.initializer(p + "attn_norm.weight", t.vector(p + "attn_norm.weight"))
        n2 = g.initializer(p + "ffn_norm.weight", t.vector(p + "ffn_norm.weight"))

        h = _rms_norm(g, x, n1, cfg.rms_eps, p + "attn_norm")
        qkv = linear(g, h, w_qkv, p + "qkv")
        ctx = attention.layer(i, qkv, *past[i])
        x = g.node("Add", [x, linear(g, ctx, w_o, p + "attn_out")], name=p + "resid_attn")

        h = _rms_norm(g, x, n2, cfg.rms_eps, p + "ffn_norm")
        gate, up = g.node(
            "Split",
            [linear(g, h, w_gu, p + "gate_up"), g.const([cfg.d_ff, cfg.d_ff])],
            n_out=2,
            name=p + "gate_up_split",
            axis=-1,
        )
        act = g.node("Mul", [gate, g.node("Sigmoid", [gate], name=p + "sig")], name=p + "silu")
        down = linear(g, g.node("Mul", [act, up], name=p + "glu"), w_down, p + "ffn_out")
        x = g.node("Add", [x, down], name=p + "resid_ffn")

    norm_w = g.initializer("output_norm.weight", t.vector("output_norm.weight"))
    last = g.node(
        "Slice",
        [x, g.const([-1]), g.const([np.iinfo(np.int64).max]), g.const([1])],
        name="last_hidden",
    )
    last = _rms_norm(g, last, norm_w, cfg.rms_eps, "output_norm")
    last2d = g.node("Reshape", [last, g.const([-1, cfg.d_model])], name="last_2d")
    head = embed or emit_weight(g, "output.weight", t.blocks("output.weight"), transpose=False)
    # Gemm with transB reads the [vocab, d_model] matrix in place: tied embeddings stay one copy.
    # A plain node, not a linear.py call: onnxruntime then packs this, the largest weight, first.
    logits2d = g.node("Gemm", [last2d, head], name="logits_2d", transB=1)
    g.node_to("Unsqueeze", [logits2d, g.const([1])], ["logits"])
    g.add_output("logits", FLOAT, ["batch", 1, cfg.vocab_size])
    g.node_to(
        "TopK",
        [logits2d, g.const([TOP_K])],
        ["top_logits", "top_ids"],
        axis=-1,
        largest=1,
        sorted=1,
    )
    g.add_output("top_logits", FLOAT, ["batch", TOP_K])
    g.add_output("top_ids", INT64, ["batch", TOP_K])

    expansions_first(g)
    meta = {
        "architecture": "llama",
        "converter": "wasm_build.model",
        "session.disable_quant_qdq": "1",
    }
    return g.model("llama_decoder", meta)
