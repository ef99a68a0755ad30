"""The Llama hyper-parameters, read from GGUF metadata so any Llama GGUF builds its own graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from gguf import GGUFReader

from .errors import ModelBuildError


@dataclass(frozen=True)
class LlamaConfig:
    n_layers: int
    d_model: int
    d_ff: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    rope_dim: int
    rope_theta: float
    rms_eps: float
    vocab_size: int
    context_length: int
    tied_embeddings: bool
    bos_token_id: int | None
    eos_token_id: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _field(reader: GGUFReader, key: str, default: Any = None) -> Any:
    field = reader.fields.get(key)
    if field is None:
        if default is None:
            raise ModelBuildError(f"GGUF metadata key {key!r} is missing")
        return default
    return field.contents()


def read_config(reader: GGUFReader) -> LlamaConfig:
    arch = _field(reader, "general.architecture")
    if arch != "llama":
        raise ModelBuildError(f"only the llama architecture converts, this GGUF is {arch!r}")
    p = arch + "."
    n_heads = int(_field(reader, p + "attention.head_count"))
    d_model = int(_field(reader, p + "embedding_length"))
    head_dim = d_model // n_heads
    names = {t.name for t in reader.tensors}
    vocab = reader.fields.get(p + "vocab_size")
    if vocab is not None:
        vocab_size = int(vocab.contents())
    else:
        vocab_size = len(reader.fields["tokenizer.ggml.tokens"].data)
    bos = reader.fields.get("tokenizer.ggml.bos_token_id")
    eos = reader.fields.get("tokenizer.ggml.eos_token_id")
    return LlamaConfig(
        n_layers=int(_field(reader, p + "block_count")),
        d_model=d_model,
        d_ff=int(_field(reader, p + "feed_forward_length")),
        n_heads=n_heads,
        n_kv_heads=int(_field(reader, p + "attention.head_count_kv", n_heads)),
        head_dim=head_dim,
        rope_dim=int(_field(reader, p + "rope.dimension_count", head_dim)),
        rope_theta=float(_field(reader, p + "rope.freq_base", 10000.0)),
        rms_eps=float(_field(reader, p + "attention.layer_norm_rms_epsilon")),
        vocab_size=vocab_size,
        context_length=int(_field(reader, p + "context_length")),
        tied_embeddings="output.weight" not in names,
        bos_token_id=int(bos.contents()) if bos is not None else None,
        eos_token_id=int(eos.contents()) if eos is not None else None,
    )
