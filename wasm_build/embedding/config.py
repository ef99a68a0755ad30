"""The encoder's shape, read from the wheel's config.json and sentence_bert_config.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .errors import EmbedBuildError


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int
    hidden: int
    heads: int
    layers: int
    intermediate: int
    max_positions: int
    layer_norm_eps: float
    max_length: int  # sentence-transformers truncates here (256), below max_positions (512)

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_config(config_json: bytes, sentence_json: bytes | None = None) -> BertConfig:
    try:
        cfg = json.loads(config_json)
        sentence = json.loads(sentence_json) if sentence_json else {}
        if cfg.get("hidden_act", "gelu") != "gelu":
            raise EmbedBuildError(f"unsupported activation {cfg['hidden_act']!r} (needs gelu)")
        if cfg.get("position_embedding_type", "absolute") != "absolute":
            raise EmbedBuildError("only absolute position embeddings are supported")
        max_positions = int(cfg["max_position_embeddings"])
        return BertConfig(
            vocab_size=int(cfg["vocab_size"]),
            hidden=int(cfg["hidden_size"]),
            heads=int(cfg["num_attention_heads"]),
            layers=int(cfg["num_hidden_layers"]),
            intermediate=int(cfg["intermediate_size"]),
            max_positions=max_positions,
            layer_norm_eps=float(cfg.get("layer_norm_eps", 1e-12)),
            max_length=min(int(sentence.get("max_seq_length", max_positions)), max_positions),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise EmbedBuildError(f"config.json is not a BERT configuration: {exc}") from exc
