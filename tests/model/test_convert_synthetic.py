"""Any Llama GGUF converts: small random models with each supported tensor type, tied or not,
checked position by position against transformers loading the same file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gguf import GGMLQuantizationType as QT

from app.model.onnx_cpython import OnnxCpythonBackend
from tests.model.tiny_gguf import VOCAB, write_tiny_llama
from wasm_build.model import ModelBuildError, convert

VARIANTS = {
    "q4_0-f16-untied": (QT.Q4_0, QT.F16, False),
    "q4_1-q8_0-tied": (QT.Q4_1, QT.Q8_0, True),
    "q4_0-q8_0-untied": (QT.Q4_0, QT.Q8_0, False),  # the 8-bit table alone, no fp32 copy
    "q8_0-f32-untied": (QT.Q8_0, QT.F32, False),
    "f16-q4_0-tied": (QT.F16, QT.Q4_0, True),
    "f32-f32-tied": (QT.F32, QT.F32, True),
}


def reference_logits(gguf: Path, ids: list[int]) -> np.ndarray:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    model = transformers.AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
    )
    with torch.no_grad():
        return model(torch.tensor([ids]), use_cache=False).logits[0].numpy()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_tiny_llama_matches_reference(variant, tmp_path):
    matrix_type, embed_type, tied = VARIANTS[variant]
    gguf = write_tiny_llama(
        tmp_path / "tiny.gguf", matrix_type=matrix_type, embed_type=embed_type, tied=tied
    )
    convert(gguf, tmp_path / "onnx")
    ids = [int(i) for i in np.random.default_rng(1).integers(0, VOCAB, 24)]
    expected = reference_logits(gguf, ids)
    scale = np.abs(expected).max()
    backend = OnnxCpythonBackend(tmp_path / "onnx")

    whole = np.asarray(backend.forward(ids).logits)
    assert np.abs(whole - expected[-1]).max() < 1e-4 * scale

    # The same sequence through the KV cache: a prefill of 10, then one token at a time.
    backend.reset()
    steps = [np.asarray(backend.forward(ids[:10]).logits)]
    steps += [np.asarray(backend.forward([t]).logits) for t in ids[10:]]
    assert backend.cached == len(ids)
    got = np.stack(steps)
    assert np.abs(got - expected[9:]).max() < 1e-4 * scale
    assert got.argmax(-1).tolist() == expected[9:].argmax(-1).tolist()


def test_unsupported_tensor_type_is_named(tmp_path):
    gguf = write_tiny_llama(
        tmp_path / "tiny.gguf",
        matrix_type=QT.BF16 if hasattr(QT, "BF16") else QT.Q5_0,
        embed_type=QT.F32,
        tied=True,
    )
    with pytest.raises(ModelBuildError, match=r"blk\.0\.attn_\w+\.weight is (BF16|Q5_0)"):
        convert(gguf, tmp_path / "onnx")
