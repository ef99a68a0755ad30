"""Choosing the next token from scores: greedy or seeded sampling, in pure Python.

Order of operations follows transformers' logits processors (repetition penalty, temperature,
top-k, top-p), so a setting means here what it means there.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .backend import Scores
from .errors import ModelError


@dataclass
class SamplerConfig:
    """temperature <= 0 means greedy. top_k = 0 and top_p = 1.0 disable those filters."""

    temperature: float = 0.0
    top_k: int = 0
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.top_k < 0 or not 0.0 < self.top_p <= 1.0 or self.repetition_penalty <= 0:
            raise ModelError(
                f"invalid sampling settings: top_k={self.top_k} (>= 0), top_p={self.top_p} "
                f"(0 < p <= 1), repetition_penalty={self.repetition_penalty} (> 0)",
                reason="settings",
            )

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0


@dataclass
class Sampler:
    config: SamplerConfig = field(default_factory=SamplerConfig)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.config.seed)

    def top_candidates_suffice(self, available: int) -> bool:
        """Whether the best `available` candidates always contain the token this sampler picks.

        A repetition penalty can lift a token from outside the top into it, so it needs the full
        vocabulary; otherwise greedy needs 1 candidate and top-k sampling needs k.
        """
        c = self.config
        if c.repetition_penalty != 1.0:
            return False
        if c.greedy:
            return available >= 1
        return 0 < c.top_k <= available

    def pick(self, scores: Scores, previous: Iterable[int] = ()) -> int:
        ids = scores.ids
        logits = list(scores.logits)
        if not logits:
            raise ModelError("the backend returned no scores", reason="backend")
        c = self.config
        if c.repetition_penalty != 1.0:
            _penalize(logits, ids, set(previous), c.repetition_penalty)
        if c.greedy:
            best = logits.index(max(logits))  # first maximum, like argmax
            return best if ids is None else int(ids[best])
        return self._sample(logits, ids)

    def _sample(self, logits: list[float], ids: Sequence[int] | None) -> int:
        c = self.config
        order = sorted(range(len(logits)), key=logits.__getitem__, reverse=True)
        if c.top_k:
            order = order[: c.top_k]
        t = c.temperature
        top = logits[order[0]] / t
        weights = [math.exp(logits[i] / t - top) for i in order]
        if c.top_p < 1.0:
            total = sum(weights)
            kept, cumulative = 0, 0.0
            for w in weights:  # keep the smallest prefix whose mass reaches top_p (at least one)
                kept += 1
                cumulative += w / total
                if cumulative >= c.top_p:
                    break
            order, weights = order[:kept], weights[:kept]
        chosen = self.rng.choices(order, weights=weights, k=1)[0]
        return chosen if ids is None else int(ids[chosen])


def _penalize(
    logits: list[float], ids: Sequence[int] | None, seen: set[int], penalty: float
) -> None:
    """transformers' rule: a seen token's positive logit is divided, a negative one multiplied."""
    positions: Iterable[int]
    if ids is None:
        positions = (i for i in seen if 0 <= i < len(logits))
    else:
        positions = (j for j, tid in enumerate(ids) if tid in seen)
    for j in positions:
        v = logits[j]
        logits[j] = v / penalty if v > 0 else v * penalty
