"""Small random Llama GGUFs with chosen tensor types, to prove the converter is not SmolLM-only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as QT
from gguf import GGUFWriter
from gguf.quants import quantize

VOCAB, D, FF, HEADS, KV_HEADS, LAYERS = 320, 128, 192, 4, 2, 2


def write_tiny_llama(
    path: Path,
    *,
    matrix_type: QT,
    embed_type: QT,
    tied: bool,
    seed: int = 0,
    rope_theta: float = 10000.0,
) -> Path:
    rng = np.random.default_rng(seed)
    writer = GGUFWriter(str(path), "llama")
    writer.add_block_count(LAYERS)
    writer.add_context_length(256)
    writer.add_embedding_length(D)
    writer.add_feed_forward_length(FF)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_freq_base(rope_theta)
    writer.add_rope_dimension_count(D // HEADS)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(VOCAB)
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list([f"t{i}" for i in range(VOCAB)])

    def matrix(name: str, rows: int, cols: int, kind: QT, scale: float = 0.08) -> None:
        data = (rng.standard_normal((rows, cols)) * scale).astype(np.float32)
        if kind == QT.F32:
            writer.add_tensor(name, data)
        elif kind == QT.F16:
            writer.add_tensor(name, data.astype(np.float16))
        else:
            writer.add_tensor(name, quantize(data, kind), raw_dtype=kind)

    def vector(name: str) -> None:
        writer.add_tensor(name, (1.0 + 0.1 * rng.standard_normal(D)).astype(np.float32))

    matrix("token_embd.weight", VOCAB, D, embed_type, scale=0.5)
    for i in range(LAYERS):
        p = f"blk.{i}."
        vector(p + "attn_norm.weight")
        vector(p + "ffn_norm.weight")
        matrix(p + "attn_q.weight", D, D, matrix_type)
        matrix(p + "attn_k.weight", D * KV_HEADS // HEADS, D, matrix_type)
        matrix(p + "attn_v.weight", D * KV_HEADS // HEADS, D, matrix_type)
        matrix(p + "attn_output.weight", D, D, matrix_type)
        matrix(p + "ffn_gate.weight", FF, D, matrix_type)
        matrix(p + "ffn_up.weight", FF, D, matrix_type)
        matrix(p + "ffn_down.weight", D, FF, matrix_type)
    vector("output_norm.weight")
    if not tied:
        matrix("output.weight", VOCAB, D, matrix_type, scale=0.5)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
