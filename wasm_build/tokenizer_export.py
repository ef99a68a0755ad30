"""The tokenizer file the browser loads: the GGUF's vocabulary, merges and chat template as JSON.

The GGUF is 99 MB and needs the `gguf` package to read; the app needs only ~1 MB of it (0.39 MB
gzipped, 0.34 MB with Brotli), in a form pure Python in Pyodide parses with one `json.loads`.
Merges are stored as pairs of token ids rather than "left right" strings: the file is smaller and
loading needs no string splitting. Format (`"format": "byte-bpe/1"`):

- ``tokens``: every token in byte-level spelling (GPT-2's bytes-to-unicode alphabet); id = index.
- ``merges``: flat ``[left0, right0, left1, right1, ...]`` token ids, best (lowest) rank first.
- ``added``: ``[{"id", "content", "special"}]``: tokens matched whole in text before splitting
  (GGUF token type CONTROL -> special, USER_DEFINED -> not special).
- ``pre_tokenizer``: the GGUF's ``tokenizer.ggml.pre`` name, kept for the record; ``split``: the
  pre-tokenizer split the runtime applies (see ``app/model/pretokenize.py``).
- ``bos_id``, ``eos_id``, ``unk_id``, ``pad_id``, ``add_bos``, ``chat_template``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gguf import GGUFReader

from wasm_build.atomic_write import write_atomic
from wasm_build.model.errors import ModelBuildError

FORMAT = "byte-bpe/1"
CONTROL, USER_DEFINED = 3, 4

# The split each supported GGUF pre-tokenizer name gets. "smollm" maps to plain GPT-2 splitting
# because that is how the reference (transformers loading this GGUF) tokenizes: its GGUF table has
# no "smollm" entry. SmolLM's own tokenizer.json and llama.cpp isolate digits first
# ("digits+gpt2"); pass split="digits+gpt2" to follow them instead.
DEFAULT_SPLITS = {"smollm": "gpt2", "gpt2": "gpt2", "default": "gpt2"}
KNOWN_SPLITS = ("gpt2", "digits+gpt2")


def _field(reader: GGUFReader, key: str, default: Any = ...) -> Any:
    field = reader.fields.get(key)
    if field is None:
        if default is ...:
            raise ModelBuildError(f"GGUF has no {key!r}: it does not carry a tokenizer we can use")
        return default
    return field.contents()


def read_tokenizer(gguf_path: Path, *, split: str | None = None) -> dict[str, Any]:
    """The tokenizer file's content for a GGUF, validated so the runtime can trust it."""
    if split is not None and split not in KNOWN_SPLITS:
        raise ModelBuildError(f"unknown pre-tokenizer split {split!r}; known: {KNOWN_SPLITS}")
    reader = GGUFReader(gguf_path)
    model = _field(reader, "tokenizer.ggml.model")
    if model != "gpt2":
        raise ModelBuildError(
            f"{gguf_path.name}: tokenizer.ggml.model is {model!r}; only byte-level BPE ('gpt2') is "
            "supported"
        )
    pre = _field(reader, "tokenizer.ggml.pre", "default")
    split = split or DEFAULT_SPLITS.get(pre)
    if split not in KNOWN_SPLITS:
        raise ModelBuildError(
            f"{gguf_path.name}: pre-tokenizer {pre!r} has no known split; pass split= one of "
            f"{KNOWN_SPLITS} if its regex is one of them"
        )
    tokens: list[str] = list(_field(reader, "tokenizer.ggml.tokens"))
    types: list[int] = list(_field(reader, "tokenizer.ggml.token_type", [1] * len(tokens)))
    merges = _merge_ids(tokens, list(_field(reader, "tokenizer.ggml.merges")), gguf_path)
    added = [
        {"id": i, "content": t, "special": ty == CONTROL}
        for i, (t, ty) in enumerate(zip(tokens, types, strict=True))
        if ty in (CONTROL, USER_DEFINED)
    ]

    def opt_id(key: str) -> int | None:
        value = _field(reader, key, None)
        return None if value is None else int(value)

    return {
        "format": FORMAT,
        "model": "gpt2",
        "pre_tokenizer": pre,
        "split": split,
        "bos_id": opt_id("tokenizer.ggml.bos_token_id"),
        "eos_id": opt_id("tokenizer.ggml.eos_token_id"),
        "unk_id": opt_id("tokenizer.ggml.unknown_token_id"),
        "pad_id": opt_id("tokenizer.ggml.padding_token_id"),
        "add_bos": bool(_field(reader, "tokenizer.ggml.add_bos_token", False)),
        "chat_template": _field(reader, "tokenizer.chat_template", None),
        "added": added,
        "tokens": tokens,
        "merges": merges,
    }


def _merge_ids(tokens: list[str], merges: list[str], gguf_path: Path) -> list[int]:
    """Merges as flat id pairs; every part and every result must be a token, or BPE breaks."""
    vocab = {t: i for i, t in enumerate(tokens)}
    flat: list[int] = []
    for rank, merge in enumerate(merges):
        left, sep, right = merge.partition(" ")
        if not sep or left not in vocab or right not in vocab or left + right not in vocab:
            raise ModelBuildError(
                f"{gguf_path.name}: merge #{rank} {merge!r} does not join two tokens into a token"
            )
        flat += (vocab[left], vocab[right])
    return flat


def export_tokenizer(gguf_path: Path, out_path: Path, *, split: str | None = None) -> None:
    """Write the tokenizer file for `gguf_path` to `out_path` (atomically: replace on success)."""
    data = read_tokenizer(Path(gguf_path), split=split)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_atomic(Path(out_path), text.encode("utf-8"))
