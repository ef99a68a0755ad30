"""Choosing the next token from scores: greedy or seeded sampling, in pure Python.

Order of operations follows transformers' logits processors (repetition penalty, temperature,
top-k, top-p), so a setting means here what it means there.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
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

    def top_candidates_suffice(self, available: int, *, full_on_demand: bool = False) -> bool:
        """Whether the best `available` candidates are enough to pick from.

        Greedy needs 1 candidate and top-k sampling needs k. A repetition penalty above 1 only
        lowers seen tokens, so the top candidates still decide unless it pushes too many of them
        below the cut: with `full_on_demand` (the caller can pass `pick` the full scores later)
        that rare case is settled by them. A penalty below 1 can lift any token: full scores.
        """
        c = self.config
        if c.repetition_penalty < 1.0 or (c.repetition_penalty > 1.0 and not full_on_demand):
            return False
        if c.greedy:
            return available >= 1
        return 0 < c.top_k <= available

    def pick(
        self,
        scores: Scores,
        previous: Iterable[int] = (),
        full: Callable[[], Scores] | None = None,
    ) -> int:
        """The next token. `full` gives the whole vocabulary's scores when `scores` holds only
        the top candidates and a repetition penalty leaves them unable to decide."""
        ids = scores.ids
        logits = list(scores.logits)
        if not logits:
            raise ModelError("the backend returned no scores", reason="backend")
        c = self.config
        if c.repetition_penalty != 1.0:
            seen = set(previous)
            _penalize(logits, ids, seen, c.repetition_penalty)
            if ids is not None and not self._top_decides(logits, min(scores.logits)):
                if full is None:
                    raise ModelError(
                        "a repetition penalty needs the full scores here", reason="backend"
                    )
                scores = full()
                ids, logits = None, list(scores.logits)
                _penalize(logits, ids, seen, c.repetition_penalty)
        if c.greedy:
            if ids is None:
                return logits.index(max(logits))  # first maximum, like argmax
            # Ties go to the lowest id, as argmax over the whole vocabulary would have it.
            best = max(range(len(logits)), key=lambda j: (logits[j], -ids[j]))
            return int(ids[best])
        return self._sample(logits, ids)

    def _top_decides(self, penalized: list[float], cut: float) -> bool:
        """Whether penalized top candidates hold every token the full vocabulary would offer:
        any token not listed scores at most `cut` (the lowest listed logit before the penalty,
        which only lowers scores when above 1), so enough candidates must stay strictly above."""
        if self.config.repetition_penalty < 1.0:
            return False
        need = 1 if self.config.greedy else (self.config.top_k or len(penalized))
        return sum(1 for v in penalized if v > cut) >= need

    def _sample(self, logits: list[float], ids: Sequence[int] | None) -> int:
        c = self.config
        if ids is None:  # best first; ties in id order (a stable sort)
            order = sorted(range(len(logits)), key=logits.__getitem__, reverse=True)
        else:  # the same order over candidates, whatever order the backend listed them in
            order = sorted(range(len(logits)), key=lambda j: (-logits[j], ids[j]))
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
