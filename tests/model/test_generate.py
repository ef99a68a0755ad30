"""The decode loop's rules (stop, budget, abort, streaming, cache reuse) on a scripted backend."""

from __future__ import annotations

import asyncio

import pytest

from app.model.errors import ModelError
from app.model.generate import (
    ABORTED,
    CONTEXT,
    MAX_TOKENS,
    STOP,
    AbortSignal,
    Decoder,
    GenerateOptions,
    generate,
)
from app.model.sampler import SamplerConfig
from tests.model.fakes import AsyncScriptedBackend, ScriptedBackend, SeededScoresBackend

EOS = 2
ANSWER_TEXT = "Hello, wörld 🙂 — ça va? 你好"


@pytest.fixture()
def answer(tokenizer) -> list[int]:
    ids = tokenizer.encode(ANSWER_TEXT, allow_special=False)
    assert max(ids) < 49152 and EOS not in ids
    return ids


def scripted(prompt_len: int, answer: list[int], **kw) -> ScriptedBackend:
    return ScriptedBackend(prompt_len, [*answer, EOS], **kw)


PROMPT = [1, 9690, 198, 2683, 359, 253]


def test_streams_the_answer_and_stops_at_the_stop_token(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    seen: list[tuple[int, str]] = []
    generation = generate(
        backend,
        tokenizer,
        PROMPT,
        GenerateOptions(max_tokens=100),
        on_token=lambda i, d: seen.append((i, d)),
    )
    streamed = list(generation)
    result = generation.result
    assert streamed == seen
    assert result.stop_reason == STOP
    assert result.ids == answer and EOS not in result.ids
    assert result.text == ANSWER_TEXT == "".join(d for _, d in streamed)
    assert all("\ufffd" not in d for _, d in streamed)  # never half a character
    assert result.prompt_ids == PROMPT
    # Prompt fed once, then each answer token once; the stop token is never fed.
    assert backend.calls == [PROMPT, *[[t] for t in answer]]
    assert all(backend.top_flags)  # greedy needs only the best candidate


def test_max_tokens(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    result = generate(backend, tokenizer, PROMPT, GenerateOptions(max_tokens=3)).run()
    assert result.ids == answer[:3] and result.stop_reason == MAX_TOKENS
    assert len(backend.calls) == 3  # the third token is produced but never fed


def test_zero_max_tokens_runs_nothing(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    result = generate(backend, tokenizer, PROMPT, GenerateOptions(max_tokens=0)).run()
    assert result.ids == [] and result.stop_reason == MAX_TOKENS and backend.calls == []


@pytest.mark.parametrize("window,limit", [(10, None), (64, 10)])
def test_context_budget_never_overflows(tokenizer, answer, window, limit):
    backend = scripted(len(PROMPT), answer, context_length=window)
    options = GenerateOptions(max_tokens=100, context_limit=limit)
    result = generate(backend, tokenizer, PROMPT, options).run()
    assert result.stop_reason == CONTEXT
    assert len(PROMPT) + len(result.ids) == 10  # last token sits at position 9
    assert backend.cached <= 9


def test_prompt_that_fills_the_window_is_refused(tokenizer, answer):
    backend = scripted(len(PROMPT), answer, context_length=6)
    with pytest.raises(ModelError, match="6 tokens but the context window is 6") as info:
        generate(backend, tokenizer, PROMPT)
    assert info.value.reason == "context-overflow"
    assert backend.calls == []


def test_empty_prompt_is_refused(tokenizer, answer):
    with pytest.raises(ModelError, match="empty"):
        generate(scripted(0, answer), tokenizer, [])


def test_abort_stops_within_one_token_and_keeps_the_text(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    abort = AbortSignal()
    produced: list[int] = []

    def on_token(token: int, delta: str) -> None:
        produced.append(token)
        if len(produced) == 3:
            abort.abort()

    result = generate(
        backend, tokenizer, PROMPT, GenerateOptions(max_tokens=100), abort=abort, on_token=on_token
    ).run()
    assert result.stop_reason == ABORTED
    assert result.ids == answer[:3] == produced
    assert result.text == tokenizer.decode(answer[:3])
    assert len(backend.calls) == 3  # no forward pass after the abort


def test_breaking_out_of_the_stream_keeps_what_was_produced(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    generation = generate(backend, tokenizer, PROMPT, GenerateOptions(max_tokens=100))
    for n, _ in enumerate(generation, 1):
        if n == 2:
            break
    assert generation.result is not None
    assert generation.result.ids == answer[:2] and generation.result.stop_reason == ABORTED


def test_next_turn_feeds_only_the_new_suffix(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    decoder = Decoder(backend, tokenizer)
    first = decoder.generate(PROMPT, GenerateOptions(max_tokens=4)).run()
    follow = [*PROMPT, *first.ids, 2, 198, 1, 4093]
    backend.tail = [EOS]
    backend.calls.clear()
    decoder.generate(follow, GenerateOptions(max_tokens=4)).run()
    # Cached: the prompt and the first three answer tokens (the fourth was never fed).
    assert backend.calls == [follow[len(PROMPT) + 3 :]]
    # A different prompt shares only its first token: the cache is cut back to it.
    backend.calls.clear()
    other = [PROMPT[0], 77, 78]
    decoder.generate(other, GenerateOptions(max_tokens=1)).run()
    assert backend.calls == [[77, 78]] and backend.tokens == other


def test_same_prompt_again_refeeds_its_last_token(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    decoder = Decoder(backend, tokenizer)
    a = decoder.generate(PROMPT, GenerateOptions(max_tokens=5)).run()
    backend.calls.clear()
    b = decoder.generate(PROMPT, GenerateOptions(max_tokens=5)).run()
    assert a.ids == b.ids
    assert backend.calls[0] == PROMPT[-1:]


def test_full_scores_when_the_sampler_needs_them(tokenizer, answer):
    backend = scripted(len(PROMPT), answer)
    options = GenerateOptions(max_tokens=3, sampler=SamplerConfig(repetition_penalty=1.3))
    generate(backend, tokenizer, PROMPT, options).run()
    assert backend.top_flags == [False, False, False]


def test_async_generation_matches_sync(tokenizer, answer):
    sync = generate(scripted(len(PROMPT), answer), tokenizer, PROMPT).run()

    async def main():
        backend = AsyncScriptedBackend(len(PROMPT), [*answer, EOS])
        generation = Decoder(backend, tokenizer).agenerate(PROMPT)
        pieces = [pair async for pair in generation]
        return pieces, generation.result

    pieces, result = asyncio.run(main())
    assert result.ids == sync.ids and result.text == sync.text == "".join(d for _, d in pieces)


def test_a_penalty_reads_top_candidates_and_full_scores_only_when_needed(tokenizer):
    """A backend that keeps its last full scores (onnxruntime-web) gets asked for top candidates
    even under a repetition penalty; the answer is the one the full scores give."""
    requests = 0
    for seed in range(6):
        options = GenerateOptions(
            max_tokens=40,
            stop_ids=frozenset(),
            sampler=SamplerConfig(repetition_penalty=1.8),
        )
        full_path = SeededScoresBackend(seed=seed, on_demand=False)
        expected = generate(full_path, tokenizer, PROMPT, options).run()
        top_path = SeededScoresBackend(seed=seed, on_demand=True)
        calls: list[bool] = []
        original = top_path.forward

        def forward(ids, *, top_only=False, original=original, calls=calls):
            calls.append(top_only)
            return original(ids, top_only=top_only)

        top_path.forward = forward  # type: ignore[method-assign]
        got = generate(top_path, tokenizer, PROMPT, options).run()
        assert got.ids == expected.ids
        assert all(calls) and len(calls) == 40
        assert top_path.full_requests < 40
        requests += top_path.full_requests
    assert requests > 0  # the penalty did push the top candidates under the cut sometimes
