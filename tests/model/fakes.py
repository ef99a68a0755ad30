"""A scripted backend: deterministic scores, so decode-loop rules are tested without a model."""

from __future__ import annotations

from collections.abc import Sequence

from app.model.backend import Scores

VOCAB = 49152


class ScriptedBackend:
    """Scores the scripted answer token best: `tail[n]` is the n-th token after the prompt.

    Records every forward call (ids and whether only top candidates were asked for) and
    enforces the context window like a real backend does.
    """

    def __init__(
        self, prompt_len: int, tail: list[int], *, context_length: int = 64, top_k: int = 8
    ) -> None:
        self.prompt_len, self.tail = prompt_len, tail
        self.context_length = context_length
        self.top_k = top_k
        self.calls: list[list[int]] = []
        self.top_flags: list[bool] = []
        self.tokens: list[int] = []

    def next_token(self, position: int) -> int:
        return self.tail[min(max(position - self.prompt_len, 0), len(self.tail) - 1)]

    @property
    def cached(self) -> int:
        return len(self.tokens)

    def reset(self) -> None:
        self.tokens = []

    def truncate(self, length: int) -> None:
        assert 0 <= length <= len(self.tokens)
        del self.tokens[length:]

    def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores:
        self.calls.append(list(ids))
        self.top_flags.append(top_only)
        self.tokens.extend(ids)
        assert len(self.tokens) <= self.context_length, "window overflow"
        nxt = self.next_token(len(self.tokens))
        if top_only:
            return Scores([10.0, 0.0], [nxt, (nxt + 1) % VOCAB])
        logits = [0.0] * VOCAB
        logits[nxt] = 10.0
        return Scores(logits)


class AsyncScriptedBackend(ScriptedBackend):
    async def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores:  # type: ignore[override]
        return ScriptedBackend.forward(self, ids, top_only=top_only)


class SeededScoresBackend:
    """Seeded pseudo-random logits over a small vocabulary, a few tokens favoured everywhere
    so a repetition penalty keeps biting. Like onnxruntime-web it lists the top candidates
    best first and, with `on_demand`, keeps the last full scores for `full_scores()`."""

    def __init__(self, *, vocab: int = 40, top_k: int = 4, seed: int = 0, on_demand: bool) -> None:
        self.vocab, self.top_k, self.seed = vocab, top_k, seed
        self.context_length = 512
        self.tokens: list[int] = []
        self.full_requests = 0
        self._last: list[float] = []
        if on_demand:
            self.full_scores = self._full_scores

    @property
    def cached(self) -> int:
        return len(self.tokens)

    def reset(self) -> None:
        self.tokens = []

    def truncate(self, length: int) -> None:
        del self.tokens[length:]

    def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores:
        import random

        self.tokens.extend(ids)
        rng = random.Random(self.seed * 7919 + len(self.tokens))
        self._last = [rng.gauss(0.0, 1.0) + (3.0 if i % 7 == 0 else 0.0) for i in range(self.vocab)]
        if not top_only:
            return Scores(list(self._last))
        order = sorted(range(self.vocab), key=lambda i: (-self._last[i], i))[: self.top_k]
        return Scores([self._last[i] for i in order], order)

    def _full_scores(self) -> Scores:
        self.full_requests += 1
        return Scores(list(self._last))
