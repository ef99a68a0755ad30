"""The language model as the browser worker holds it: files fetched once, one KV cache reused
across turns, generation streamed to whoever listens.

Everything here awaits JavaScript (fetch, onnxruntime-web), so it only runs inside Pyodide; the
pieces it assembles (tokenizer, chat template, decode loop) are tested in CPython.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from app.jsffi import fetch_bytes

from .chat_template import ChatTemplate
from .errors import ModelError
from .generate import AbortSignal, Decoder, GenerateOptions, GenerationResult
from .onnx_web import OnnxWebBackend
from .tokenizer import Tokenizer


async def _fetch_bytes(url: str, what: str) -> bytes:
    return await fetch_bytes(url, what, ModelError)


class WebModel:
    """Tokenizer, chat template and onnxruntime-web backend behind one `generate`."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        template: ChatTemplate,
        backend: OnnxWebBackend,
        threads: int | None = None,
    ):
        self.threads = threads  # onnxruntime-web's intra-op threads (1 without isolation)
        self.tokenizer = tokenizer
        self.template = template
        self.decoder = Decoder(backend, tokenizer)

    @classmethod
    async def load(cls, urls: dict[str, str], *, threads: int | None = None) -> WebModel:
        """`urls`: absolute URLs of model.json, tokenizer.json and model.onnx."""
        info = json.loads(await _fetch_bytes(urls["info"], "model description"))
        tokenizer = Tokenizer.from_bytes(await _fetch_bytes(urls["tokenizer"], "tokenizer"))
        template = ChatTemplate.from_tokenizer(tokenizer)
        backend = await OnnxWebBackend.create(urls["onnx"], info, threads=threads)
        return cls(tokenizer, template, backend, threads)

    def prompt_ids(self, messages: Sequence[dict[str, str]]) -> list[int]:
        return self.template.encode(self.tokenizer, list(messages), add_generation_prompt=True)

    def count_messages(self, messages: Sequence[dict[str, str]]) -> int:
        """Exact prompt length, for fitting sources and history into the window."""
        return len(self.prompt_ids(messages))

    def reusable(self, prompt_ids: Sequence[int]) -> int:
        """How many leading ids of a prompt the KV cache holds and will not prefill again
        (at least the last id is always fed, to get the next token's scores)."""
        common = 0
        for a, b in zip(self.decoder.cached_ids, prompt_ids, strict=False):
            if a != b:
                break
            common += 1
        return min(common, len(prompt_ids) - 1)

    async def warm(self, messages: Sequence[dict[str, str]]) -> None:
        """Prefill these leading messages now; prompts that start with them reuse the cache."""
        await self.decoder.awarm(self.template.encode(self.tokenizer, list(messages)))

    async def generate(
        self,
        prompt_ids: Sequence[int],
        options: GenerateOptions,
        *,
        abort: AbortSignal,
        on_token: Callable[[int, str], Any],
    ) -> GenerationResult:
        return await self.decoder.agenerate(
            list(prompt_ids), options, abort=abort, on_token=on_token
        ).run()
