"""The Llama decoder as an ONNX graph, built from a GGUF's metadata and tensors.

Layout follows optimum's Llama export (KV cache as [batch, kv_heads, seq, head_dim], attention as
plain MatMul/Softmax), which onnxruntime-web prefilled ~2.4x faster than the alternatives tried
in issue 4. Two departures, both for speed and both exact:
- grouped-query attention folds the query heads of one KV head into the query rows
  ([B, kv, group*S, hd]) instead of repeating K and V, so the cache is never copied;
- only the last position's logits are computed: generation needs nothing else, and a full
  [S, vocab] projection would dominate a long prefill.
"""

from __future__ import annotations

import numpy as np
import onnx
from gguf import GGUFReader
from onnx import TensorProto

from .config import LlamaConfig
from .errors import ModelBuildError
from .onnx_builder import FLOAT, INT64, GraphBuilder
from .weights import Blocks, concat_rows, emit_weight, read_blocks

TOP_K = 64  # width of the top_logits/top_ids outputs (a cheap alternative to the full logits)
NEG = float(np.finfo(np.float32).min)


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


def _fused(g: GraphBuilder, name: str, parts: list[tuple[str, Blocks]]) -> str:
    blocks = concat_rows([b for _, b in parts])
    if blocks is not None:
        return emit_weight(g, name, blocks, transpose=True)
    # Mixed tensor types: expand each, and let onnxruntime fold the Concat at load.
    pieces = [emit_weight(g, n, b, transpose=True) for n, b in parts]
    return g.node("Concat", pieces, name=name, axis=1)


def _rms_norm(g: GraphBuilder, x: str, weight: str, eps: float, name: str) -> str:
    # Written as the Pow/ReduceMean/Add/Sqrt/Div/Mul chain that onnxruntime fuses into
    # SimplifiedLayerNormalization.
    sq = g.node("Pow", [x, g.const(2.0, np.float32)], name=name + ".sq")
    mean = g.node("ReduceMean", [sq, g.const([-1])], name=name + ".mean", keepdims=1)
    var = g.node("Add", [mean, g.const(eps, np.float32)], name=name + ".var")
    rms = g.node("Sqrt", [var], name=name + ".rms")
    normed = g.node("Div", [x, rms], name=name + ".normed")
    return g.node("Mul", [normed, weight], name=name)


def _rope(g: GraphBuilder, x: str, cos: str, sin_signed: str, cfg: LlamaConfig, name: str) -> str:
    """x*cos + rotate_half(x)*sin, with the sign of rotate_half folded into sin beforehand."""
    half = cfg.rope_dim // 2
    if cfg.rope_dim == cfg.head_dim:
        lo, hi = g.node(
            "Split", [x, g.const([half, half])], n_out=2, name=name + ".halves", axis=-1
        )
        swapped = g.node("Concat", [hi, lo], name=name + ".swapped", axis=-1)
        a = g.node("Mul", [x, cos], name=name + ".cos")
        b = g.node("Mul", [swapped, sin_signed], name=name + ".sin")
        return g.node("Add", [a, b], name=name)
    rot, rest = g.node(
        "Split",
        [x, g.const([cfg.rope_dim, cfg.head_dim - cfg.rope_dim])],
        n_out=2,
        name=name + ".part",
        axis=-1,
    )
    lo, hi = g.node("Split", [rot, g.const([half, half])], n_out=2, name=name + ".halves", axis=-1)
    swapped = g.node("Concat", [hi, lo], name=name + ".swapped", axis=-1)
    a = g.node("Mul", [rot, cos], name=name + ".cos")
    b = g.node("Mul", [swapped, sin_signed], name=name + ".sin")
    rotated = g.node("Add", [a, b], name=name + ".rot")
    return g.node("Concat", [rotated, rest], name=name, axis=-1)


def _inv_freq(cfg: LlamaConfig, t: _Tensors) -> np.ndarray:
    # Same float32 expression as transformers' default RoPE init.
    exponents = np.arange(0, cfg.rope_dim, 2, dtype=np.int64).astype(np.float32) / cfg.rope_dim
    inv = (1.0 / (np.float32(cfg.rope_theta) ** exponents)).astype(np.float32)
    if "rope_freqs.weight" in t.by_name:  # Llama 3.1-style long-context factors
        inv = (inv / t.vector("rope_freqs.weight")).astype(np.float32)
    return inv


def build_graph(reader: GGUFReader, cfg: LlamaConfig) -> onnx.ModelProto:
    g = GraphBuilder()
    t = _Tensors(reader)
    H, KV, hd = cfg.n_heads, cfg.n_kv_heads, cfg.head_dim
    if H % KV:
        raise ModelBuildError(f"{H} heads do not divide into {KV} KV heads")
    group = H // KV

    input_ids = g.add_input("input_ids", INT64, ["batch", "sequence_length"])
    attention_mask = g.add_input("attention_mask", INT64, ["batch", "total_sequence_length"])
    position_ids = g.add_input("position_ids", INT64, ["batch", "sequence_length"])
    kv_shape_in = ["batch", KV, "past_sequence_length", hd]
    kv_shape_out = ["batch", KV, "total_sequence_length", hd]
    past = []
    for i in range(cfg.n_layers):
        past.append(
            (
                g.add_input(f"past_key_values.{i}.key", FLOAT, kv_shape_in),
                g.add_input(f"past_key_values.{i}.value", FLOAT, kv_shape_in),
            )
        )

    # Shapes: batch, sequence length S, past length P.
    ids_shape = g.node("Shape", [input_ids], name="ids_shape")
    batch = g.node("Slice", [ids_shape, g.const([0]), g.const([1])], name="batch")
    seq = g.node("Slice", [ids_shape, g.const([1]), g.const([2])], name="seq")
    past_len = g.node("Shape", [past[0][0]], name="past_len", start=2, end=3)
    total_len = g.node("Shape", [attention_mask], name="total_len", start=1, end=2)

    # Mask [B, 1, group*S, T]: query row (absolute position P+s) sees key j iff j <= P+s and
    # attention_mask[b, j] == 1. Rows are tiled `group` times to match the folded query heads.
    end = g.node("Add", [past_len, seq], name="end")
    rows = g.node(
        "Range",
        [g.node("Squeeze", [past_len], name="p0"), g.node("Squeeze", [end], name="e0"), g.const(1)],
        name="rows",
    )
    cols = g.node(
        "Range", [g.const(0), g.node("Squeeze", [total_len], name="t0"), g.const(1)], name="cols"
    )
    rows2 = g.node("Unsqueeze", [rows, g.const([1])], name="rows2")
    causal = g.node("LessOrEqual", [cols, rows2], name="causal")  # [S, T]
    keep = g.node("Cast", [attention_mask], name="keep", to=TensorProto.BOOL)
    keep = g.node("Unsqueeze", [keep, g.const([1, 2])], name="keep4")  # [B, 1, 1, T]
    allowed = g.node("And", [causal, keep], name="allowed")  # [B, 1, S, T]
    bias = g.node(
        "Where", [allowed, g.const(0.0, np.float32), g.const(NEG, np.float32)], name="mask_bias"
    )
    if group > 1:
        bias = g.node("Tile", [bias, g.const([1, 1, group, 1])], name="mask_bias_tiled")

    # RoPE tables [B, 1, S, rope_dim].
    inv_freq = g.initializer("rope.inv_freq", _inv_freq(cfg, t))
    pos = g.node("Cast", [position_ids], name="pos_f", to=TensorProto.FLOAT)
    pos = g.node("Unsqueeze", [pos, g.const([-1])], name="pos3")
    freqs = g.node("Mul", [pos, inv_freq], name="freqs")
    emb = g.node("Concat", [freqs, freqs], name="rope_angles", axis=-1)
    cos = g.node("Unsqueeze", [g.node("Cos", [emb], name="cos3"), g.const([1])], name="rope_cos")
    sin = g.node("Sin", [emb], name="sin3")
    sign = np.concatenate([-np.ones(cfg.rope_dim // 2), np.ones(cfg.rope_dim // 2)])
    sin = g.node("Mul", [sin, g.const(sign, np.float32)], name="sin_signed3")
    sin = g.node("Unsqueeze", [sin, g.const([1])], name="rope_sin")

    embed = emit_weight(g, "token_embd.weight", t.blocks("token_embd.weight"), transpose=False)
    x = g.node("Gather", [embed, input_ids], name="embedded", axis=0)
    scale = g.const(1.0 / np.sqrt(hd), np.float32)
    heads_q = g.node("Concat", [batch, seq, g.const([H, hd])], name="shape_q", axis=0)
    heads_kv = g.node("Concat", [batch, seq, g.const([KV, hd])], name="shape_kv", axis=0)
    folded = g.node("Concat", [batch, g.const([KV, -1, hd])], name="shape_folded", axis=0)
    unfolded = g.node(
        "Concat", [batch, g.const([H]), seq, g.const([hd])], name="shape_unfold", axis=0
    )
    flat = g.node("Concat", [batch, seq, g.const([H * hd])], name="shape_flat", axis=0)

    for i in range(cfg.n_layers):
        p = f"blk.{i}."
        q_rows = t.blocks(p + "attn_q.weight").take_rows(hf_rope_order(H * hd, H))
        k_rows = t.blocks(p + "attn_k.weight").take_rows(hf_rope_order(KV * hd, KV))
        w_qkv = _fused(
            g,
            p + "attn_qkv.weight",
            [
                (p + "attn_q.weight", q_rows),
                (p + "attn_k.weight", k_rows),
                (p + "attn_v.weight", t.blocks(p + "attn_v.weight")),
            ],
        )
        w_o = emit_weight(g, p + "attn_output.weight", t.blocks(p + "attn_output.weight"), True)
        w_gu = _fused(
            g,
            p + "ffn_gate_up.weight",
            [(p + n, t.blocks(p + n)) for n in ("ffn_gate.weight", "ffn_up.weight")],
        )
        w_down = emit_weight(g, p + "ffn_down.weight", t.blocks(p + "ffn_down.weight"), True)
        n1 = g.initializer(p + "attn_norm.weight", t.vector(p + "attn_norm.weight"))
        n2 = g.initializer(p + "ffn_norm.weight", t.vector(p + "ffn_norm.weight"))

        h = _rms_norm(g, x, n1, cfg.rms_eps, p + "attn_norm")
        qkv = g.node("MatMul", [h, w_qkv], name=p + "qkv")
        q, k, v = g.node(
            "Split",
            [qkv, g.const([H * hd, KV * hd, KV * hd])],
            n_out=3,
            name=p + "qkv_split",
            axis=-1,
        )
        q = g.node(
            "Transpose",
            [g.node("Reshape", [q, heads_q], name=p + "q4")],
            name=p + "q_heads",
            perm=[0, 2, 1, 3],
        )
        k = g.node(
            "Transpose",
            [g.node("Reshape", [k, heads_kv], name=p + "k4")],
            name=p + "k_heads",
            perm=[0, 2, 1, 3],
        )
        v = g.node(
            "Transpose",
            [g.node("Reshape", [v, heads_kv], name=p + "v4")],
            name=p + "v_heads",
            perm=[0, 2, 1, 3],
        )
        q = _rope(g, q, cos, sin, cfg, p + "q_rope")
        k = _rope(g, k, cos, sin, cfg, p + "k_rope")
        g.node_to("Concat", [past[i][0], k], [f"present.{i}.key"], axis=2)
        g.node_to("Concat", [past[i][1], v], [f"present.{i}.value"], axis=2)
        g.add_output(f"present.{i}.key", FLOAT, kv_shape_out)
        g.add_output(f"present.{i}.value", FLOAT, kv_shape_out)

        qf = g.node(
            "Reshape", [g.node("Mul", [q, scale], name=p + "q_scaled"), folded], name=p + "q_folded"
        )  # [B, KV, group*S, hd]
        kt = g.node("Transpose", [f"present.{i}.key"], name=p + "k_t", perm=[0, 1, 3, 2])
        scores = g.node("MatMul", [qf, kt], name=p + "scores")
        scores = g.node("Add", [scores, bias], name=p + "scores_masked")
        probs = g.node("Softmax", [scores], name=p + "probs", axis=-1)
        ctx = g.node("MatMul", [probs, f"present.{i}.value"], name=p + "ctx")
        ctx = g.node("Reshape", [ctx, unfolded], name=p + "ctx_heads")
        ctx = g.node("Transpose", [ctx], name=p + "ctx_t", perm=[0, 2, 1, 3])
        ctx = g.node("Reshape", [ctx, flat], name=p + "ctx_flat")
        x = g.node(
            "Add", [x, g.node("MatMul", [ctx, w_o], name=p + "attn_out")], name=p + "resid_attn"
        )

        h = _rms_norm(g, x, n2, cfg.rms_eps, p + "ffn_norm")
        gate, up = g.node(
            "Split",
            [g.node("MatMul", [h, w_gu], name=p + "gate_up"), g.const([cfg.d_ff, cfg.d_ff])],
            n_out=2,
            name=p + "gate_up_split",
            axis=-1,
        )
        act = g.node("Mul", [gate, g.node("Sigmoid", [gate], name=p + "sig")], name=p + "silu")
        down = g.node(
            "MatMul", [g.node("Mul", [act, up], name=p + "glu"), w_down], name=p + "ffn_out"
        )
        x = g.node("Add", [x, down], name=p + "resid_ffn")

    norm_w = g.initializer("output_norm.weight", t.vector("output_norm.weight"))
    last = g.node(
        "Slice",
        [x, g.const([-1]), g.const([np.iinfo(np.int64).max]), g.const([1])],
        name="last_hidden",
    )
    last = _rms_norm(g, last, norm_w, cfg.rms_eps, "output_norm")
    last2d = g.node("Reshape", [last, g.const([-1, cfg.d_model])], name="last_2d")
    head = (
        embed
        if cfg.tied_embeddings
        else emit_weight(g, "output.weight", t.blocks("output.weight"), transpose=False)
    )
    # Gemm with transB reads the [vocab, d_model] matrix in place: tied embeddings stay one copy.
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

    meta = {
        "architecture": "llama",
        "converter": "wasm_build.model",
        "session.disable_quant_qdq": "1",
    }
    return g.model("llama_decoder", meta)
