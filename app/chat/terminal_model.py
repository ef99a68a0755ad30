"""The CPython model for the terminal: the same tokenizer, template and decode loop as the
browser's, over onnxruntime, behind the async interface the answer flow expects."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.model.chat_template import ChatTemplate
from app.model.generate import AbortSignal, Decoder, GenerateOptions, GenerationResult
from app.model.tokenizer import Tokenizer


class _Async:
    """A synchronous backend awaited like onnxruntime-web's."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    async def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Any:
        return self._backend.forward(ids, top_only=top_only)


class TerminalModel:
    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        from app.model.files import TOKENIZER_FILE
        from app.model.onnx_cpython import OnnxCpythonBackend

        self.tokenizer = Tokenizer.from_file(model_dir / TOKENIZER_FILE)
        self.template = ChatTemplate.from_tokenizer(self.tokenizer)
        self.decoder = Decoder(
            _Async(OnnxCpythonBackend(model_dir, threads=threads)), self.tokenizer
        )

    def prompt_ids(self, messages: Sequence[dict[str, str]]) -> list[int]:
        return self.template.encode(self.tokenizer, list(messages), add_generation_prompt=True)

    def count_messages(self, messages: Sequence[dict[str, str]]) -> int:
        return len(self.prompt_ids(messages))

    async def generate(
        self, prompt_ids: Sequence[int], options: GenerateOptions, *, abort: AbortSignal, on_token
    ) -> GenerationResult:  # type: ignore[no-untyped-def]
        return await self.decoder.agenerate(
            list(prompt_ids), options, abort=abort, on_token=on_token
        ).run()
