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
