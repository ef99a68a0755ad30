"""The language model in pure Python: tokenizer, chat template, sampler, decode loop, backends.

Backends are imported by the caller that needs one (`onnx_cpython`, `onnx_web`, `prompt_api`),
so importing this package never pulls numpy or the `js` module.
"""

from __future__ import annotations

from .errors import ModelError

__all__ = ["ModelError"]
