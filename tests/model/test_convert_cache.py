"""The converter's cache (keyed by GGUF bytes + converter source), config reading, model files."""

from __future__ import annotations

import json

import pytest
from gguf import GGMLQuantizationType as QT
from gguf import GGUFReader, GGUFWriter

from app.model.files import TOKENIZER_FILE, default_model_dir, ensure_tokenizer
from tests.model.tiny_gguf import write_tiny_llama
from wasm_build.model import ModelBuildError, cache_key, convert_cached, read_config


@pytest.fixture()
def tiny(tmp_path):
    return write_tiny_llama(
        tmp_path / "tiny.gguf", matrix_type=QT.Q4_1, embed_type=QT.Q8_0, tied=True
    )


def test_cache_converts_once_per_input(tiny, tmp_path):
    cache = tmp_path / "cache"
    first = convert_cached(tiny, cache)
    stamp = first.stat().st_mtime_ns
    assert first.parent.name == f"model-{cache_key(tiny)}"
    assert convert_cached(tiny, cache) == first and first.stat().st_mtime_ns == stamp
    info = json.loads((first.parent / "model.json").read_text())
    assert info["session_config"] == {"session.disable_quant_qdq": "1"}
    assert info["config"]["n_layers"] == 2 and info["config"]["tied_embeddings"] is True
    # Other bytes, other key, other folder.
    other = write_tiny_llama(
        tmp_path / "other.gguf", matrix_type=QT.Q4_1, embed_type=QT.Q8_0, tied=True, seed=5
    )
    assert cache_key(other) != cache_key(tiny)
    assert convert_cached(other, cache).parent != first.parent
    assert not list(cache.glob(".tmp-*"))  # nothing half-written left behind


def test_missing_gguf_is_named(tmp_path):
    with pytest.raises(ModelBuildError, match="nothere.gguf"):
        convert_cached(tmp_path / "nothere.gguf", tmp_path)


def test_config_comes_from_metadata(gguf_file):
    cfg = read_config(GGUFReader(str(gguf_file)))
    assert (cfg.n_layers, cfg.d_model, cfg.n_heads, cfg.n_kv_heads, cfg.head_dim) == (
        30,
        576,
        9,
        3,
        64,
    )
    assert (cfg.d_ff, cfg.vocab_size, cfg.context_length) == (1536, 49152, 8192)
    assert cfg.rope_theta == 100000.0 and cfg.tied_embeddings and cfg.eos_token_id == 2


def test_other_architectures_are_refused(tmp_path):
    path = tmp_path / "gpt2.gguf"
    writer = GGUFWriter(str(path), "gpt2")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(ModelBuildError, match="only the llama architecture.*'gpt2'"):
        read_config(GGUFReader(str(path)))


def test_tokenizer_file_is_rewritten_only_when_its_exporter_changes(gguf_file, tmp_path):
    target = ensure_tokenizer(gguf_file, tmp_path)
    assert target == tmp_path / TOKENIZER_FILE
    written = target.stat().st_mtime_ns
    assert ensure_tokenizer(gguf_file, tmp_path).stat().st_mtime_ns == written
    (tmp_path / (TOKENIZER_FILE + ".source")).write_text("an older exporter")
    ensure_tokenizer(gguf_file, tmp_path)
    assert json.loads(target.read_text())["format"] == "byte-bpe/1"
    assert (tmp_path / (TOKENIZER_FILE + ".source")).read_text() != "an older exporter"


def test_model_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_MODEL_DIR", str(tmp_path))
    assert default_model_dir() == tmp_path
