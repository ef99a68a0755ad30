"""Every weight matrix onnxruntime expands from the converted file equals gguf-py's dequantization
of the GGUF's tensor bit for bit (the conversion repacks; it never rounds)."""

from __future__ import annotations

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

from tests.model.weights_readback import matrices_by_gguf_name
from wasm_build.model.graph import hf_rope_order


def test_all_matrices_bit_exact(gguf_file, model_dir):
    reader = GGUFReader(str(gguf_file))
    heads = int(reader.fields["llama.attention.head_count"].contents())
    kv_heads = int(reader.fields["llama.attention.head_count_kv"].contents())
    matrices = [t for t in reader.tensors if len(t.shape) == 2]
    assert len(matrices) == 1 + 7 * 30  # token embedding (tied output) + 7 per layer
    ours = matrices_by_gguf_name(model_dir / "model.onnx", reader)
    for tensor in matrices:
        want = dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
        rows = int(tensor.shape[1])
        want = want.reshape(rows, -1)
        if ".attn_q." in tensor.name:
            want = want[hf_rope_order(rows, heads)]
        elif ".attn_k." in tensor.name:
            want = want[hf_rope_order(rows, kv_heads)]
        got = ours[tensor.name]
        assert got.dtype == np.float32 and got.shape == want.shape, tensor.name
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32)), tensor.name
