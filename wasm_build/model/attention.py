"""Self-attention with a KV cache from the fused QKV projection, in standard ONNX ops.

The cache is read as [batch, kv_heads, past, head_dim] and written as `present.N.key/value`
[batch, kv_heads, total, head_dim], like optimum's Llama export, whose layout onnxruntime-web
prefilled ~2.4x faster than the alternatives tried in issue 4.

onnxruntime's fused `GroupQueryAttention` contrib op (com.microsoft, with its own RoPE) is in
onnxruntime-web 1.30's WebAssembly build and gave the same first greedy ids in a quick check,
but measured slower there (Node, 1 thread, same weights, one run each): prefill of 550 tokens
28 against ~100 tokens/s, decode at 550 tokens of context 12.9 against ~21 tokens/s. So this
module builds attention from standard ops only.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto

from .config import LlamaConfig
from .onnx_builder import FLOAT, GraphBuilder

NEG = float(np.finfo(np.float32).min)


def inv_freq(cfg: LlamaConfig, factors: np.ndarray | None) -> np.ndarray:
    # Same float32 expression as transformers' default RoPE init.
    exponents = np.arange(0, cfg.rope_dim, 2, dtype=np.int64).astype(np.float32) / cfg.rope_dim
    inv = (1.0 / (np.float32(cfg.rope_theta) ** exponents)).astype(np.float32)
    if factors is not None:  # Llama 3.1-style long-context factors
        inv = (inv / factors).astype(np.float32)
    return inv


def _present(g: GraphBuilder, cfg: LlamaConfig, i: int) -> tuple[str, str]:
    shape = ["batch", cfg.n_kv_heads, "total_sequence_length", cfg.head_dim]
    names = (f"present.{i}.key", f"present.{i}.value")
    for name in names:
        g.add_output(name, FLOAT, shape)
    return names


class PlainAttention:
    """Standard ops, laid out like optimum's Llama export (plain MatMul/Softmax).

    Grouped-query attention folds the query heads of one KV head into the query rows
    ([B, kv, group*S, hd]) instead of repeating K and V, so the cache is never copied.
    """

    def __init__(
        self,
        g: GraphBuilder,
        cfg: LlamaConfig,
        input_ids: str,
        attention_mask: str,
        position_ids: str,
        past_key0: str,
        factors: np.ndarray | None,
    ):
        self.g, self.cfg = g, cfg
        H, KV, hd = cfg.n_heads, cfg.n_kv_heads, cfg.head_dim
        group = H // KV
        # Shapes: batch, sequence length S, past length P.
        ids_shape = g.node("Shape", [input_ids], name="ids_shape")
        batch = g.node("Slice", [ids_shape, g.const([0]), g.const([1])], name="batch")
        seq = g.node("Slice", [ids_shape, g.const([1]), g.const([2])], name="seq")
        past_len = g.node("Shape", [past_key0], name="past_len", start=2, end=3)
        total_len = g.node("Shape", [attention_mask], name="total_len", start=1, end=2)

        # Mask [B, 1, group*S, T]: query row (absolute position P+s) sees key j iff j <= P+s
        # and attention_mask[b, j] == 1. Rows are tiled `group` times like the folded heads.
        end = g.node("Add", [past_len, seq], name="end")
        rows = g.node(
            "Range",
            [
                g.node("Squeeze", [past_len], name="p0"),
                g.node("Squeeze", [end], name="e0"),
                g.const(1),
            ],
            name="rows",
        )
        cols = g.node(
            "Range",
            [g.const(0), g.node("Squeeze", [total_len], name="t0"), g.const(1)],
            name="cols",
        )
        rows2 = g.node("Unsqueeze", [rows, g.const([1])], name="rows2")
        causal = g.node("LessOrEqual", [cols, rows2], name="causal")  # [S, T]
        keep = g.node("Cast", [attention_mask], name="keep", to=TensorProto.BOOL)
        keep = g.node("Unsqueeze", [keep, g.const([1, 2])], name="keep4")  # [B, 1, 1, T]
        allowed = g.node("And", [causal, keep], name="allowed")  # [B, 1, S, T]
        bias = g.node(
            "Where",
            [allowed, g.const(0.0, np.float32), g.const(NEG, np.float32)],
            name="mask_bias",
        )
        if group > 1:
            bias = g.node("Tile", [bias, g.const([1, 1, group, 1])], name="mask_bias_tiled")
        self.bias = bias

        # RoPE tables [B, 1, S, rope_dim].
        freqs = g.initializer("rope.inv_freq", inv_freq(cfg, factors))
        pos = g.node("Cast", [position_ids], name="pos_f", to=TensorProto.FLOAT)
        pos = g.node("Unsqueeze", [pos, g.const([-1])], name="pos3")
        angles = g.node("Mul", [pos, freqs], name="freqs")
        emb = g.node("Concat", [angles, angles], name="rope_angles", axis=-1)
        self.cos = g.node(
            "Unsqueeze", [g.node("Cos", [emb], name="cos3"), g.const([1])], name="rope_cos"
        )
        sin = g.node("Sin", [emb], name="sin3")
        sign = np.concatenate([-np.ones(cfg.rope_dim // 2), np.ones(cfg.rope_dim // 2)])
        sin = g.node("Mul", [sin, g.const(sign, np.float32)], name="sin_signed3")
        self.sin = g.node("Unsqueeze", [sin, g.const([1])], name="rope_sin")

        self.scale = g.const(1.0 / np.sqrt(hd), np.float32)
        self.heads_q = g.node("Concat", [batch, seq, g.const([H, hd])], name="shape_q", axis=0)
        self.heads_kv = g.node("Concat", [batch, seq, g.const([KV, hd])], name="shape_kv", axis=0)
        self.folded = g.node("Concat", [batch, g.const([KV, -1, hd])], name="shape_folded", axis=0)
        self.unfolded = g.node(
            "Concat", [batch, g.const([H]), seq, g.const([hd])], name="shape_unfold", axis=0
        )
        self.flat = g.node("Concat", [batch, seq, g.const([H * hd])], name="shape_flat", axis=0)

    def _heads(self, x: str, shape: str, name: str) -> str:
        g = self.g
        return g.node(
            "Transpose",
            [g.node("Reshape", [x, shape], name=name + "4")],
            name=name + "_heads",
            perm=[0, 2, 1, 3],
        )

    def _rope(self, x: str, name: str) -> str:
        """x*cos + rotate_half(x)*sin, with the sign of rotate_half folded into sin beforehand."""
        g, cfg = self.g, self.cfg
        half = cfg.rope_dim // 2
        rest = None
        if cfg.rope_dim != cfg.head_dim:
            x, rest = g.node(
                "Split",
                [x, g.const([cfg.rope_dim, cfg.head_dim - cfg.rope_dim])],
                n_out=2,
                name=name + ".part",
                axis=-1,
            )
        lo, hi = g.node(
            "Split", [x, g.const([half, half])], n_out=2, name=name + ".halves", axis=-1
        )
        swapped = g.node("Concat", [hi, lo], name=name + ".swapped", axis=-1)
        a = g.node("Mul", [x, self.cos], name=name + ".cos")
        b = g.node("Mul", [swapped, self.sin], name=name + ".sin")
        if rest is None:
            return g.node("Add", [a, b], name=name)
        rotated = g.node("Add", [a, b], name=name + ".rot")
        return g.node("Concat", [rotated, rest], name=name, axis=-1)

    def layer(self, i: int, qkv: str, past_key: str, past_value: str) -> str:
        """qkv [B, S, (H + 2 KV) * hd] -> context [B, S, H * hd]."""
        g, cfg = self.g, self.cfg
        H, KV, hd = cfg.n_heads, cfg.n_kv_heads, cfg.head_dim
        p = f"blk.{i}."
        q, k, v = g.node(
            "Split",
            [qkv, g.const([H * hd, KV * hd, KV * hd])],
            n_out=3,
            name=p + "qkv_split",
            axis=-1,
        )
        q = self._rope(self._heads(q, self.heads_q, p + "q"), p + "q_rope")
        k = self._rope(self._heads(k, self.heads_kv, p + "k"), p + "k_rope")
        v = self._heads(v, self.heads_kv, p + "v")
        present_key, present_value = _present(g, cfg, i)
        g.node_to("Concat", [past_key, k], [present_key], axis=2)
        g.node_to("Concat", [past_value, v], [present_value], axis=2)

        qf = g.node(
            "Reshape",
            [g.node("Mul", [q, self.scale], name=p + "q_scaled"), self.folded],
            name=p + "q_folded",
        )  # [B, KV, group*S, hd]
        kt = g.node("Transpose", [present_key], name=p + "k_t", perm=[0, 1, 3, 2])
        scores = g.node("MatMul", [qf, kt], name=p + "scores")
        scores = g.node("Add", [scores, self.bias], name=p + "scores_masked")
        probs = g.node("Softmax", [scores], name=p + "probs", axis=-1)
        ctx = g.node("MatMul", [probs, present_value], name=p + "ctx")
        ctx = g.node("Reshape", [ctx, self.unfolded], name=p + "ctx_heads")
        ctx = g.node("Transpose", [ctx], name=p + "ctx_t", perm=[0, 2, 1, 3])
        return g.node("Reshape", [ctx, self.flat], name=p + "ctx_flat")
