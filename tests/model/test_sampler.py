from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.model.backend import Scores
from app.model.errors import ModelError
from app.model.sampler import Sampler, SamplerConfig

LOGITS = [0.5, 3.0, 2.9, -1.0, 1.0, 2.0]


def draws(config: SamplerConfig, n: int = 200, scores: Scores | None = None) -> list[int]:
    sampler = Sampler(config)
    return [sampler.pick(scores or Scores(LOGITS)) for _ in range(n)]


def test_greedy_picks_the_first_maximum():
    assert Sampler().pick(Scores([1.0, 5.0, 5.0, 2.0])) == 1
    assert Sampler().pick(Scores([9.0, 1.0], ids=[42, 7])) == 42


def test_same_seed_same_tokens_other_seed_other_tokens():
    cfg = dict(temperature=1.0)
    a = draws(SamplerConfig(seed=123, **cfg))
    assert a == draws(SamplerConfig(seed=123, **cfg))
    assert a != draws(SamplerConfig(seed=124, **cfg))


def test_top_k_only_draws_from_the_k_best():
    seen = set(draws(SamplerConfig(temperature=5.0, top_k=2, seed=1), n=500))
    assert seen == {1, 2}


def test_top_p_keeps_the_smallest_nucleus():
    # softmax of [3.0, 2.9, 2.0, 1.0, 0.5, -1.0]: the first two hold ~0.76 of the mass.
    probs = sorted((math.exp(v) for v in LOGITS), reverse=True)
    assert sum(probs[:2]) / sum(probs) < 0.8 < sum(probs[:3]) / sum(probs)
    seen = set(draws(SamplerConfig(temperature=1.0, top_p=0.8, seed=3), n=500))
    assert seen == {1, 2, 5}


def test_low_temperature_concentrates_high_temperature_spreads():
    cold = Counter(draws(SamplerConfig(temperature=0.01, seed=5), n=300))
    hot = Counter(draws(SamplerConfig(temperature=50.0, seed=5), n=300))
    assert cold[1] > 290
    assert len(hot) == len(LOGITS)


def test_sampling_frequencies_follow_softmax():
    counts = Counter(draws(SamplerConfig(temperature=1.0, seed=11), n=6000))
    total = sum(math.exp(v) for v in LOGITS)
    for token, logit in enumerate(LOGITS):
        assert counts[token] / 6000 == pytest.approx(math.exp(logit) / total, abs=0.03)


def test_repetition_penalty_divides_positive_and_multiplies_negative():
    sampler = Sampler(SamplerConfig(repetition_penalty=2.0))
    # token 1 (3.0 -> 1.5) falls below token 2 (2.9); token 3 stays last (-1 -> -2).
    assert sampler.pick(Scores(LOGITS), previous=[1, 3]) == 2
    assert sampler.pick(Scores(LOGITS[:4], ids=[10, 11, 12, 13]), previous=[11]) == 12


def test_candidates_suffice_only_when_exact():
    assert Sampler(SamplerConfig()).top_candidates_suffice(1)
    assert Sampler(SamplerConfig(temperature=0.7, top_k=40)).top_candidates_suffice(64)
    assert not Sampler(SamplerConfig(temperature=0.7, top_k=0)).top_candidates_suffice(64)
    assert not Sampler(SamplerConfig(temperature=0.7, top_k=100)).top_candidates_suffice(64)
    assert not Sampler(SamplerConfig(repetition_penalty=1.1)).top_candidates_suffice(64)


def test_top_candidates_and_full_vocab_sample_alike():
    full = Scores(LOGITS)
    order = sorted(range(len(LOGITS)), key=lambda i: -LOGITS[i])[:3]
    top = Scores([LOGITS[i] for i in order], ids=order)
    cfg = SamplerConfig(temperature=0.8, top_k=3, seed=9)
    assert draws(cfg, 100, full) == draws(cfg, 100, top)


@pytest.mark.parametrize(
    "bad", [dict(top_k=-1), dict(top_p=0.0), dict(top_p=1.5), dict(repetition_penalty=0.0)]
)
def test_invalid_settings_raise(bad):
    with pytest.raises(ModelError) as info:
        SamplerConfig(**bad)
    assert info.value.reason == "settings"


def test_a_penalty_above_one_can_use_top_candidates_when_full_scores_come_on_demand():
    greedy = Sampler(SamplerConfig(repetition_penalty=1.05))
    assert greedy.top_candidates_suffice(64, full_on_demand=True)
    assert not greedy.top_candidates_suffice(64)
    boosting = Sampler(SamplerConfig(repetition_penalty=0.9))
    assert not boosting.top_candidates_suffice(64, full_on_demand=True)
    sampled = Sampler(SamplerConfig(temperature=0.7, top_k=100, repetition_penalty=1.1))
    assert not sampled.top_candidates_suffice(64, full_on_demand=True)


def _top(logits: list[float], k: int) -> Scores:
    order = sorted(range(len(logits)), key=lambda i: (-logits[i], i))[:k]
    return Scores([logits[i] for i in order], ids=order)


def test_penalized_top_candidates_ask_for_full_scores_only_when_they_cannot_decide():
    asked: list[bool] = []

    def full() -> Scores:
        asked.append(True)
        return Scores(LOGITS)

    sampler = Sampler(SamplerConfig(repetition_penalty=2.0))
    # Token 1 (3.0 -> 1.5) falls below token 2 (2.9), still above the cut (2.0): decided.
    assert sampler.pick(_top(LOGITS, 3), previous=[1], full=full) == 2
    assert asked == []
    # Tokens 1 and 2 fall to 1.5 and 1.45, under the cut (2.9): token 5 (2.0) was not listed.
    assert sampler.pick(_top(LOGITS, 2), previous=[1, 2], full=full) == 5
    assert asked == [True]
    with pytest.raises(ModelError, match="full scores"):
        sampler.pick(_top(LOGITS, 2), previous=[1, 2])


def test_greedy_over_candidates_breaks_ties_like_argmax():
    # Listed out of id order: argmax over the whole vocabulary takes the lowest id.
    assert Sampler().pick(Scores([5.0, 5.0, 1.0], ids=[30, 4, 9])) == 4
    penalized = Sampler(SamplerConfig(repetition_penalty=2.0))
    assert penalized.pick(Scores([8.0, 4.0, 1.0], ids=[30, 4, 9]), previous=[30], full=None) == 4


@settings(max_examples=300, deadline=None)
@given(
    logits=st.lists(
        st.sampled_from([-2.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0]), min_size=2, max_size=30
    ),
    seen=st.sets(st.integers(0, 29), max_size=12),
    penalty=st.sampled_from([1.05, 1.3, 2.0, 4.0]),
    k=st.integers(1, 30),
    temperature=st.sampled_from([0.0, 0.7, 1.5]),
    top_k=st.integers(1, 30),
    seed=st.integers(0, 10),
)
def test_penalized_top_candidates_pick_what_the_full_vocabulary_picks(
    logits, seen, penalty, k, temperature, top_k, seed
):
    k = min(k, len(logits))
    config = SamplerConfig(
        temperature=temperature, top_k=top_k, repetition_penalty=penalty, seed=seed
    )
    if not Sampler(config).top_candidates_suffice(k, full_on_demand=True):
        return
    full = Scores(logits)
    via_full = Sampler(config)
    via_top = Sampler(config)
    for _ in range(5):
        expected = via_full.pick(full, previous=seen)
        assert via_top.pick(_top(logits, k), previous=seen, full=lambda: full) == expected
