"""The CPython onnxruntime backend: KV cache agreement, truncation, top-k scores, file errors."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from app.model.errors import ModelError
from app.model.generate import Decoder, GenerateOptions, generate
from app.model.onnx_cpython import OnnxCpythonBackend
from tests.model.prompts import QUESTIONS, prompt_ids

STEPS = 20


def greedy_without_cache(backend, ids: list[int], steps: int) -> list[int]:
    out: list[int] = []
    seq = list(ids)
    for _ in range(steps):
        backend.reset()
        logits = backend.forward(seq).logits
        nxt = logits.index(max(logits))
        out.append(nxt)
        seq.append(nxt)
    return out


def test_kv_cache_and_full_recompute_agree(fresh_backend, tokenizer):
    ids = prompt_ids(tokenizer, QUESTIONS[1])
    options = GenerateOptions(max_tokens=STEPS, stop_ids=frozenset())
    cached = generate(fresh_backend, tokenizer, ids, options).run().ids
    assert cached == greedy_without_cache(fresh_backend, ids, STEPS)


def test_chunked_prefill_matches_one_shot(fresh_backend, tokenizer):
    ids = prompt_ids(tokenizer, QUESTIONS[0])
    whole = np.asarray(fresh_backend.forward(ids).logits)
    fresh_backend.reset()
    fresh_backend.forward(ids[:7])
    fresh_backend.forward(ids[7:20])
    parts = np.asarray(fresh_backend.forward(ids[20:]).logits)
    assert fresh_backend.cached == len(ids)
    assert np.abs(whole - parts).max() < 1e-4 * np.abs(whole).max()


def test_top_scores_are_the_head_of_the_full_logits(fresh_backend, tokenizer):
    ids = prompt_ids(tokenizer, QUESTIONS[2])
    full = np.asarray(fresh_backend.forward(ids).logits)
    fresh_backend.reset()
    top = fresh_backend.forward(ids, top_only=True)
    assert len(top.ids) == fresh_backend.top_k == 64
    assert list(top.ids) == np.argsort(-full, kind="stable")[:64].tolist()
    assert np.allclose(top.logits, full[top.ids], rtol=0, atol=1e-5)


def test_truncated_cache_continues_like_a_fresh_one(fresh_backend, tokenizer):
    ids = prompt_ids(tokenizer, QUESTIONS[0])
    options = GenerateOptions(max_tokens=10, stop_ids=frozenset())
    decoder = Decoder(fresh_backend, tokenizer)
    first = decoder.generate(ids, options).run().ids
    # A second turn sharing the prompt: the cache is cut back to the prompt, not rebuilt.
    second = decoder.generate([*ids, *first[:3]], options).run().ids
    assert second[:7] == first[3:]  # the same continuation, then more
    fresh_backend.reset()
    alone = generate(fresh_backend, tokenizer, [*ids, *first[:3]], options).run().ids
    assert second == alone


def test_window_is_enforced(fresh_backend):
    with pytest.raises(ModelError) as info:
        fresh_backend.forward([1] * (fresh_backend.context_length + 1))
    assert info.value.reason == "context-overflow"


def test_missing_and_corrupt_model_files_say_so(model_dir, tmp_path):
    with pytest.raises(ModelError) as missing:
        OnnxCpythonBackend(tmp_path)
    assert missing.value.reason == "missing-file" and "model.json" in str(missing.value)
    (tmp_path / "model.json").write_bytes((model_dir / "model.json").read_bytes())
    (tmp_path / "model.onnx").write_bytes((model_dir / "model.onnx").read_bytes()[:100_000])
    with pytest.raises(ModelError) as corrupt:
        OnnxCpythonBackend(tmp_path)
    assert corrupt.value.reason == "corrupt-file" and "model.onnx" in str(corrupt.value)


def test_weights_inside_the_file_load_from_any_folder(
    model_dir, fresh_backend, tokenizer, tmp_path
):
    """model.onnx keeps its weights as external data that names the file itself
    (wasm_build/model/inline_weights.py): a copy in another folder must still find them there,
    and answer exactly as the original."""
    info = json.loads((model_dir / "model.json").read_text())
    assert info["graph_offset"] > 0.9 * (model_dir / "model.onnx").stat().st_size
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    for name in ("model.onnx", "model.json"):
        shutil.copyfile(model_dir / name, moved / name)
    ids = prompt_ids(tokenizer, QUESTIONS[0])
    options = GenerateOptions(max_tokens=8, stop_ids=frozenset())
    want = generate(fresh_backend, tokenizer, ids, options).run().ids
    got = generate(OnnxCpythonBackend(moved), tokenizer, ids, options).run().ids
    assert got == want
