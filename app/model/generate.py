"""The decode loop: prompt ids in, streamed (token id, text delta) pairs out.

One `Decoder` per model keeps the ids its backend's KV cache holds, so the next turn of a
conversation only feeds what is new after the shared prefix. The loop is written once as
`_Run` (what to feed next, what a picked token means) and driven by a synchronous
(`Decoder.generate`) or an asynchronous (`Decoder.agenerate`, for onnxruntime-web) pump.

Guarantees a caller relies on:
- every fed position is < the context window: the answer is cut short ("context") rather than
  letting the cache overflow, and a prompt that leaves no room raises ModelError up front;
- `abort()` takes effect before the next forward pass: at most the token in flight is added,
  and everything produced so far stays in the result;
- deltas never split a UTF-8 character; the stop token is neither yielded nor in `ids`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .backend import AsyncBackend, Backend, Scores
from .errors import ModelError
from .sampler import Sampler, SamplerConfig

STOP, MAX_TOKENS, CONTEXT, ABORTED = "stop", "max_tokens", "context", "aborted"


class AbortSignal:
    """Set from anywhere (a UI callback, another task); the loop checks it before each step."""

    def __init__(self) -> None:
        self.aborted = False

    def abort(self) -> None:
        self.aborted = True


@dataclass
class GenerateOptions:
    max_tokens: int = 256
    stop_ids: frozenset[int] | None = None  # None: the tokenizer's end-of-sequence id(s)
    sampler: SamplerConfig = field(default_factory=SamplerConfig)
    context_limit: int | None = None  # a tighter window than the model's, e.g. to bound memory


@dataclass
class GenerationResult:
    prompt_ids: list[int]
    ids: list[int]
    text: str
    stop_reason: str  # STOP | MAX_TOKENS | CONTEXT | ABORTED

    def to_json(self) -> dict[str, Any]:
        return {"prompt_ids": self.prompt_ids, "ids": self.ids, "text": self.text}


def default_stop_ids(tokenizer: Any) -> frozenset[int]:
    """End of turn for a ChatML model: the tokenizer's eos plus <|endoftext|> when it has one."""
    stops: set[int] = set()
    eos = getattr(tokenizer, "eos_id", None)
    if eos is not None:
        stops.add(int(eos))
    for text in ("<|im_end|>", "<|endoftext|>"):
        ids = tokenizer.encode(text, allow_special=True)
        if len(ids) == 1:
            stops.add(ids[0])
    if not stops:
        raise ModelError(
            "the tokenizer names no end-of-sequence token; pass stop_ids", reason="settings"
        )
    return frozenset(stops)


def _incremental_decoder(tokenizer: Any) -> Any:
    from .detokenizer import IncrementalDecoder

    return IncrementalDecoder(tokenizer)


class _Run:
    """State of one generation, independent of whether the backend is sync or async."""

    def __init__(
        self,
        decoder: Decoder,
        prompt_ids: Sequence[int],
        options: GenerateOptions,
        abort: AbortSignal | None,
    ) -> None:
        self.prompt = [int(i) for i in prompt_ids]
        if not self.prompt:
            raise ModelError("the prompt is empty: nothing to continue", reason="settings")
        window = decoder.backend.context_length
        if options.context_limit is not None:
            window = min(window, options.context_limit)
        if len(self.prompt) >= window:
            raise ModelError(
                f"the prompt has {len(self.prompt)} tokens but the context window is {window}: "
                "shorten the prompt (fewer sources or less history)",
                reason="context-overflow",
            )
        # Token n of the answer sits at position len(prompt) + n - 1 and only tokens before
        # the last one are ever fed, so this budget keeps every position inside the window.
        room = window - len(self.prompt)
        self.budget = min(max(options.max_tokens, 0), room)
        self.budget_reason = MAX_TOKENS if options.max_tokens <= room else CONTEXT
        self.decoder = decoder
        self.sampler = Sampler(options.sampler)
        self.stop_ids = (
            options.stop_ids
            if options.stop_ids is not None
            else default_stop_ids(decoder.tokenizer)
        )
        self.abort = abort or AbortSignal()
        self.detok = _incremental_decoder(decoder.tokenizer)
        self.ids: list[int] = []
        self.deltas: list[str] = []
        self.reason: str | None = MAX_TOKENS if self.budget == 0 else None
        # A backend that keeps the last full scores at hand (onnxruntime-web) lets a repetition
        # penalty use the top candidates too, asking for the full scores only when they cannot
        # decide (rare): the 49,152 logits then rarely cross into Python.
        self.full_scores: Callable[[], Scores] | None = getattr(
            decoder.backend, "full_scores", None
        )
        self.top_only = self.sampler.top_candidates_suffice(
            decoder.backend.top_k, full_on_demand=self.full_scores is not None
        )
        self.to_feed = decoder.prepare(self.prompt)

    def ready(self) -> bool:
        """Whether another forward pass should run (not finished, not aborted)."""
        if self.reason is None and self.abort.aborted:
            self.reason = ABORTED
        return self.reason is None

    def take(self, scores: Scores) -> tuple[int, str] | None:
        """Account for a forward pass over `to_feed`; returns the new (id, delta) or None."""
        self.decoder.fed(self.to_feed)
        token = self.sampler.pick(scores, previous=[*self.prompt, *self.ids], full=self.full_scores)
        if token in self.stop_ids:
            self.reason = STOP
            return None
        self.ids.append(token)
        delta = self.detok.push(token)
        self.deltas.append(delta)
        self.to_feed = [token]
        if len(self.ids) >= self.budget:
            self.reason = self.budget_reason
        return token, delta

    def result(self) -> GenerationResult:
        flush = getattr(self.detok, "flush", None)
        if flush is not None:
            tail = flush()
            if tail:
                self.deltas.append(tail)
        return GenerationResult(
            self.prompt, list(self.ids), "".join(self.deltas), self.reason or ABORTED
        )


class Generation:
    """Iterate for (token id, text delta) pairs; `result` is set once iteration ends."""

    def __init__(
        self, run: _Run, backend: Backend, on_token: Callable[[int, str], None] | None
    ) -> None:
        self._run, self._backend, self._on_token = run, backend, on_token
        self.result: GenerationResult | None = None

    def __iter__(self) -> Iterator[tuple[int, str]]:
        run = self._run
        try:
            while run.ready():
                step = run.take(self._backend.forward(run.to_feed, top_only=run.top_only))
                if step is not None:
                    if self._on_token is not None:
                        self._on_token(*step)
                    yield step
        finally:
            if run.reason is None:  # the consumer stopped iterating: that is an abort too
                run.reason = ABORTED
            self.result = run.result()

    def run(self) -> GenerationResult:
        for _ in self:
            pass
        assert self.result is not None
        return self.result


class AsyncGeneration:
    """`async for` over (token id, text delta); `result` is set once iteration ends."""

    def __init__(
        self, run: _Run, backend: AsyncBackend, on_token: Callable[[int, str], None] | None
    ) -> None:
        self._run, self._backend, self._on_token = run, backend, on_token
        self.result: GenerationResult | None = None

    async def __aiter__(self) -> AsyncIterator[tuple[int, str]]:
        run = self._run
        try:
            while run.ready():
                scores = await self._backend.forward(run.to_feed, top_only=run.top_only)
                step = run.take(scores)
                if step is not None:
                    if self._on_token is not None:
                        self._on_token(*step)
                    yield step
        finally:
            if run.reason is None:
                run.reason = ABORTED
            self.result = run.result()

    async def run(self) -> GenerationResult:
        async for _ in self:
            pass
        assert self.result is not None
        return self.result


class Decoder:
    """A backend plus the ids its KV cache holds, reused when the next prompt shares a prefix."""

    def __init__(self, backend: Backend | AsyncBackend, tokenizer: Any) -> None:
        self.backend = backend
        self.tokenizer = tokenizer
        self.cached_ids: list[int] = []

    def prepare(self, prompt: list[int]) -> list[int]:
        """Trim the cache to the prefix shared with `prompt`; returns the ids still to feed."""
        common = 0
        for a, b in zip(self.cached_ids, prompt, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(prompt) - 1)  # feed at least one id to get scores
        if common == 0:
            self.backend.reset()
        else:
            self.backend.truncate(common)
        del self.cached_ids[common:]
        return prompt[common:]

    async def awarm(self, prefix: Sequence[int]) -> None:
        """Prefill a prefix that later prompts start with (the fixed instructions), so its
        cost is paid once, before anyone waits for an answer."""
        prefix = list(prefix)
        common = 0
        for a, b in zip(self.cached_ids, prefix, strict=False):
            if a != b:
                break
            common += 1
        if common == len(prefix) or not prefix:
            return
        if common == 0:
            self.backend.reset()
        else:
            self.backend.truncate(common)
        del self.cached_ids[common:]
        todo = prefix[common:]
        await self.backend.forward(todo, top_only=True)  # type: ignore[misc]
        self.fed(todo)

    def fed(self, ids: Sequence[int]) -> None:
        self.cached_ids.extend(ids)
        if self.backend.cached != len(self.cached_ids):
            got = self.backend.cached
            self.reset()
            raise ModelError(f"KV cache holds {got} positions, expected {len(self.cached_ids)}")

    def reset(self) -> None:
        self.cached_ids.clear()
        self.backend.reset()

    def generate(
        self,
        prompt_ids: Sequence[int],
        options: GenerateOptions | None = None,
        *,
        abort: AbortSignal | None = None,
        on_token: Callable[[int, str], None] | None = None,
    ) -> Generation:
        run = _Run(self, prompt_ids, options or GenerateOptions(), abort)
        return Generation(run, self.backend, on_token)  # type: ignore[arg-type]

    def agenerate(
        self,
        prompt_ids: Sequence[int],
        options: GenerateOptions | None = None,
        *,
        abort: AbortSignal | None = None,
        on_token: Callable[[int, str], None] | None = None,
    ) -> AsyncGeneration:
        run = _Run(self, prompt_ids, options or GenerateOptions(), abort)
        return AsyncGeneration(run, self.backend, on_token)  # type: ignore[arg-type]


def generate(
    backend: Backend,
    tokenizer: Any,
    prompt_ids: Sequence[int],
    options: GenerateOptions | None = None,
    *,
    abort: AbortSignal | None = None,
    on_token: Callable[[int, str], None] | None = None,
) -> Generation:
    """One-off generation from an empty cache (see `Decoder` to reuse the cache across turns)."""
    return Decoder(backend, tokenizer).generate(prompt_ids, options, abort=abort, on_token=on_token)
