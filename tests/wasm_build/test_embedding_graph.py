"""The BERT graph builder on a tiny random BERT: every precision against transformers'
BertModel with sentence-transformers' pooling, on a padded batch (fast, no download)."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import torch
from transformers import BertConfig as HFConfig
from transformers import BertModel

from wasm_build.embedding.config import BertConfig
from wasm_build.embedding.convert import SESSION_CONFIG
from wasm_build.embedding.errors import EmbedBuildError
from wasm_build.embedding.graph import build_graph, quantize_columns

HIDDEN, HEADS, LAYERS, VOCAB = 32, 4, 2, 50


@pytest.fixture(scope="module")
def tiny() -> tuple[BertModel, dict[str, np.ndarray], BertConfig]:
    torch.manual_seed(0)
    hf = HFConfig(
        vocab_size=VOCAB,
        hidden_size=HIDDEN,
        num_attention_heads=HEADS,
        num_hidden_layers=LAYERS,
        intermediate_size=4 * HIDDEN,
        max_position_embeddings=64,
        hidden_act="gelu",
    )
    model = BertModel(hf).eval()
    with torch.no_grad():  # non-trivial LayerNorm and type-0 embeddings
        for name, p in model.named_parameters():
            if "LayerNorm" in name or "token_type" in name:
                p.add_(torch.randn_like(p) * 0.1)
    tensors = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    cfg = BertConfig(VOCAB, HIDDEN, HEADS, LAYERS, 4 * HIDDEN, 64, hf.layer_norm_eps, 48)
    return model, tensors, cfg


def reference(model: BertModel, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        hidden = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask))[0]
    m = torch.tensor(mask, dtype=torch.float32)[..., None]
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=1).numpy()


def run(tensors: dict[str, np.ndarray], cfg: BertConfig, precision: str, ids, mask) -> np.ndarray:  # type: ignore[no-untyped-def]
    options = ort.SessionOptions()
    for key, value in SESSION_CONFIG.items():
        options.add_session_config_entry(key, value)
    model = build_graph(tensors, cfg, precision)
    session = ort.InferenceSession(model.SerializeToString(), options)
    return session.run(["sentence_embedding"], {"input_ids": ids, "attention_mask": mask})[0]


@pytest.mark.parametrize(
    ("precision", "minimum"), [("fp32", 0.99999), ("fp16", 0.999), ("int8", 0.99)]
)
def test_padded_batch_matches_the_reference(tiny, precision: str, minimum: float) -> None:  # type: ignore[no-untyped-def]
    model, tensors, cfg = tiny
    rng = np.random.default_rng(1)
    lengths = [1, 7, 20, 48]
    ids = np.zeros((len(lengths), max(lengths)), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, n in enumerate(lengths):
        ids[row, :n] = rng.integers(1, VOCAB, size=n)
        mask[row, :n] = 1
    ours = run(tensors, cfg, precision, ids, mask)
    expected = reference(model, ids, mask)
    cosines = (ours * expected).sum(axis=1)
    assert cosines.min() >= minimum, cosines
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # Padding is invisible: each text alone gives its batched vector.
    for row, n in enumerate(lengths):
        alone = run(tensors, cfg, precision, ids[row : row + 1, :n], mask[row : row + 1, :n])
        np.testing.assert_allclose(alone[0], ours[row], atol=1e-5)


def test_int8_columns_round_trip_within_half_a_step() -> None:
    rng = np.random.default_rng(2)
    matrix = rng.normal(size=(16, 8)).astype(np.float32)
    matrix[:, 3] = 0  # an all-zero column keeps a usable scale
    q, scale = quantize_columns(matrix, axis=1)
    assert q.dtype == np.int8 and scale.shape == (8,)
    assert np.abs(q).max() == 127
    assert np.all(np.abs(q * scale - matrix) <= scale / 2 + 1e-7)
    rows_q, row_scale = quantize_columns(matrix, axis=0)
    assert row_scale.shape == (16,)
    assert np.all(np.abs(rows_q * row_scale[:, None] - matrix) <= row_scale[:, None] / 2 + 1e-7)


def test_missing_weights_and_unknown_precisions_are_reported(tiny) -> None:  # type: ignore[no-untyped-def]
    _, tensors, cfg = tiny
    with pytest.raises(EmbedBuildError, match="precision 'q4'"):
        build_graph(tensors, cfg, "q4")
    partial = {k: v for k, v in tensors.items() if "layer.1." not in k}
    with pytest.raises(EmbedBuildError, match=r"weight 'encoder\.layer\.1\..*' is missing"):
        build_graph(partial, cfg)
