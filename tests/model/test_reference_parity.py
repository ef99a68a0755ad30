"""The converted ONNX model against transformers on the same (dequantized) GGUF.

The reference runs without a KV cache (every step recomputes the whole sequence), so it also
checks our cache handling; agreement must be total: 40 greedy tokens, every prompt.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.model.generate import GenerateOptions, generate
from tests.model.prompts import QUESTIONS, prompt_ids

STEPS = 40


def reference_greedy(model, ids: list[int], steps: int) -> list[int]:
    import torch

    seq = torch.tensor([ids])
    out: list[int] = []
    with torch.no_grad():
        for _ in range(steps):
            logits = model(seq, use_cache=False, logits_to_keep=1).logits[0, -1]
            nxt = int(torch.argmax(logits))
            out.append(nxt)
            seq = torch.cat([seq, torch.tensor([[nxt]])], dim=1)
    return out


@pytest.mark.parametrize("index", range(len(QUESTIONS)))
def test_greedy_ids_equal_reference(index, reference, fresh_backend, tokenizer):
    ids = prompt_ids(tokenizer, QUESTIONS[index])
    expected = reference_greedy(reference, ids, STEPS)
    # No stop tokens: compare the full 40 steps even past the end of the answer.
    options = GenerateOptions(max_tokens=STEPS, stop_ids=frozenset())
    result = generate(fresh_backend, tokenizer, ids, options).run()
    assert result.ids == expected, f"prompt {index} ({len(ids)} tokens)"


def test_prompt_logits_close_to_reference(reference, fresh_backend, tokenizer):
    import torch

    ids = prompt_ids(tokenizer, QUESTIONS[3])
    with torch.no_grad():
        expected = reference(torch.tensor([ids]), use_cache=False).logits[0, -1].numpy()
    got = np.asarray(fresh_backend.forward(ids).logits, dtype=np.float32)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-3 * np.abs(expected).max()


def test_weights_equal_reference_parameters(reference, model_dir, gguf_file):
    """Every weight matrix the runtime expands equals transformers' parameter, bit for bit
    (which also pins our Q/K row order to the one transformers uses)."""
    from gguf import GGUFReader

    from tests.model.weights_readback import matrices_by_gguf_name

    params = {k: v.detach().numpy() for k, v in reference.named_parameters()}
    ours = matrices_by_gguf_name(model_dir / "model.onnx", GGUFReader(str(gguf_file)))
    hf_names = {
        "attn_q": "self_attn.q_proj",
        "attn_k": "self_attn.k_proj",
        "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj",
        "ffn_gate": "mlp.gate_proj",
        "ffn_up": "mlp.up_proj",
        "ffn_down": "mlp.down_proj",
    }
    assert len(ours) == 1 + 7 * 30
    for name, got in ours.items():
        if name == "token_embd.weight":
            want = params["model.embed_tokens.weight"]
        else:
            _, layer, short, _ = name.split(".")
            want = params[f"model.layers.{layer}.{hf_names[short]}.weight"]
        assert got.dtype == want.dtype == np.float32 and got.shape == want.shape, name
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32)), name
