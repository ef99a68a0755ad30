"""Build-time model conversion: the shipped GGUF into an exact ONNX Llama decoder."""

from __future__ import annotations

from .config import LlamaConfig, read_config
from .convert import (
    CACHE_ROOT,
    INFO_FILE,
    MODEL_FILE,
    SESSION_CONFIG,
    cache_key,
    convert,
    convert_cached,
)
from .errors import ModelBuildError
from .source import gguf_path

__all__ = [
    "CACHE_ROOT",
    "INFO_FILE",
    "MODEL_FILE",
    "SESSION_CONFIG",
    "LlamaConfig",
    "ModelBuildError",
    "cache_key",
    "convert",
    "convert_cached",
    "gguf_path",
    "read_config",
]
