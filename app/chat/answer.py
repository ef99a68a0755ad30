"""One answer, start to finish: retrieve, tell the page the sources, stream the model's text
through the safe renderer, remember the turn. Shared by the browser worker and the terminal.

The model is whatever `Stream` the caller hands in (onnxruntime-web, the Prompt API, CPython
onnxruntime), so this file knows nothing about backends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app.groq import GroqError
from app.model.generate import GenerateOptions
from app.model.sampler import SamplerConfig
from app.render import Renderer

from .assistant import Assistant, Plan

Emit = Callable[[str, dict[str, Any]], None]
# (messages, on_delta) -> (full text, stopped by the visitor)
Stream = Callable[[list[dict[str, str]], Callable[[str], None]], Awaitable[tuple[str, bool]]]

GROQ_COMMAND = "/groq"
NOTHING_FOUND = (
    "I found nothing in this site's content that matches your question, so I cannot answer it "
    "from the site. Try other words, or ask about something the site covers."
)


def generation_options(max_tokens: int = 256) -> GenerateOptions:
    """Greedy with a slight repetition penalty: SmolLM2-135M otherwise repeats sentences, and
    at 1.15 it avoids its own correct words and writes nonsense (compared by hand on questions
    of the retrieval set)."""
    sampler = SamplerConfig(temperature=0.0, repetition_penalty=1.05)
    return GenerateOptions(max_tokens=max_tokens, sampler=sampler)


def is_groq_command(text: str) -> bool:
    return text == GROQ_COMMAND or text.startswith(GROQ_COMMAND + " ")


def run_groq(assistant: Assistant, text: str) -> dict[str, Any]:
    """`/groq <query>`: the result, or a GroqError whose message carries the caret excerpt."""
    query = text[len(GROQ_COMMAND) :].strip()
    if not query:
        raise GroqError("write a GROQ query after /groq, for example: /groq count(*)")
    result = assistant.groq(query)
    json.dumps(result)  # JSON-ready by construction; fail here rather than in the page
    return {"kind": "groq", "result": result}


async def answer(
    assistant: Assistant,
    conversation: str,
    history: list[dict[str, str]],
    question: str,
    stream: Stream,
    emit: Emit,
    count_messages: Callable[[list], int] | None = None,
) -> dict[str, Any]:
    """Stream one answer as `sources`, `token` and `ops` events; returns the done result."""
    started = time.perf_counter()
    plan = assistant.plan(conversation, history, question, count_messages)
    planned_ms = round((time.perf_counter() - started) * 1000, 1)
    emit("sources", plan.sources_event())
    renderer = Renderer(plan.citation_targets())

    def on_delta(delta: str) -> None:
        if not delta:
            return
        emit("token", {"text": delta})
        ops = renderer.write(delta)
        if ops:
            emit("ops", {"ops": ops})

    if plan.retrieval.sources:
        text, stopped = await stream(plan.messages, on_delta)
    else:
        text, stopped = NOTHING_FOUND, False
        on_delta(text)
    emit("ops", {"ops": renderer.end()})
    assistant.remember(conversation, plan, text)
    return {"kind": "answer", "text": text, "stopped": stopped, "plan_ms": planned_ms}


__all__ = ["Plan", "answer", "is_groq_command", "run_groq"]
