"""The small interface every token-level backend implements, and the scores it returns.

A backend owns the model and its KV cache; it knows nothing of text. The decode loop
(`generate.py`) feeds it token ids and reads back the next token's scores, either for the whole
vocabulary or, when the sampler allows it, only the top candidates: moving 64 numbers instead of
49,152 across the Pyodide <-> JavaScript boundary is most of the per-token Python overhead.

Two flavours share the contract: `Backend.forward` is synchronous (CPython onnxruntime),
`AsyncBackend.forward` is a coroutine (onnxruntime-web, whose `run()` returns a Promise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Scores:
    """Next-token logits after the last fed id.

    `ids is None`: `logits[i]` is token i's logit, for the whole vocabulary.
    Otherwise: the `len(ids)` best candidates, best first, with `logits[j]` for `ids[j]`; tokens
    not listed are known to score below all listed ones.
    """

    logits: Sequence[float]
    ids: Sequence[int] | None = None


@runtime_checkable
class Backend(Protocol):
    """A synchronous token-level model with a KV cache."""

    context_length: int  # the model's window: cached tokens + fed tokens never exceed it
    top_k: int  # how many candidates `forward(..., top_only=True)` returns

    @property
    def cached(self) -> int:
        """How many tokens the KV cache holds (positions 0..cached-1)."""
        ...

    def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores:
        """Append `ids` at positions cached.. and return the next token's scores."""
        ...

    def truncate(self, length: int) -> None:
        """Forget cached positions >= length (reusing a shared prompt prefix across turns)."""
        ...

    def reset(self) -> None:
        """Empty the KV cache."""
        ...


@runtime_checkable
class AsyncBackend(Protocol):
    """The same contract with a coroutine `forward` (onnxruntime-web through Pyodide)."""

    context_length: int
    top_k: int

    @property
    def cached(self) -> int: ...

    async def forward(self, ids: Sequence[int], *, top_only: bool = False) -> Scores: ...

    def truncate(self, length: int) -> None: ...

    def reset(self) -> None: ...
