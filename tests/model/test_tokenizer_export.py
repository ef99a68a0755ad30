"""The exporter turns the shipped GGUF into a tokenizer file holding everything the app needs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from gguf import GGUFReader

from app.model.tokenizer import Tokenizer
from tests.model.tokenizer_support import our_tokenizer, shipped_gguf, tokenizer_data
from wasm_build.model.errors import ModelBuildError
from wasm_build.tokenizer_export import FORMAT, export_tokenizer, read_tokenizer


def test_export_writes_a_compact_json_file_the_tokenizer_loads(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "tokenizer.json"
    export_tokenizer(shipped_gguf(), out)
    raw = out.read_bytes()
    data = json.loads(raw)
    assert data["format"] == FORMAT
    assert (data["pre_tokenizer"], data["split"]) == ("smollm", "gpt2")
    assert len(data["tokens"]) == 49_152 and len(data["merges"]) == 2 * 48_900
    assert (data["bos_id"], data["eos_id"], data["unk_id"], data["pad_id"]) == (1, 2, 0, 2)
    assert data["add_bos"] is False
    assert "<|im_start|>" in data["chat_template"]
    # Small enough to ship: well under 1.5 MB raw and 0.5 MB gzipped.
    assert len(raw) < 1_500_000 and len(gzip.compress(raw)) < 500_000
    assert not list(tmp_path.glob("nested/*.tmp*"))
    text = "Exported and loaded: <|im_start|>user\n42 ½ 😀<|im_end|>"
    assert Tokenizer.from_file(out).encode(text) == our_tokenizer().encode(text)


def test_export_keeps_vocabulary_merges_and_special_tokens_of_the_gguf() -> None:
    reader = GGUFReader(shipped_gguf())
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    merges = reader.fields["tokenizer.ggml.merges"].contents()
    data = tokenizer_data()
    assert data["tokens"] == tokens
    # Rank order kept: merge r is tokens[left] + " " + tokens[right] of the GGUF's r-th merge.
    flat = data["merges"]
    rebuilt = [f"{tokens[flat[2 * r]]} {tokens[flat[2 * r + 1]]}" for r in range(len(merges))]
    assert rebuilt == merges
    specials = {a["content"]: a["id"] for a in data["added"] if a["special"]}
    assert specials["<|endoftext|>"] == 0
    assert specials["<|im_start|>"] == 1
    assert specials["<|im_end|>"] == 2
    assert len(specials) == 17


def test_split_can_follow_smollms_own_tokenizer(tmp_path: Path) -> None:
    out = tmp_path / "tokenizer.json"
    export_tokenizer(shipped_gguf(), out, split="digits+gpt2")
    tok = Tokenizer.from_file(out)
    assert tok.split == "digits+gpt2"
    assert tok.encode("a  1") == our_tokenizer("digits+gpt2").encode("a  1")


def test_unknown_split_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ModelBuildError, match="digits\\+gpt2"):
        read_tokenizer(shipped_gguf(), split="llama3")
