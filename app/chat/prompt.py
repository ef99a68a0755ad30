"""What the model reads: fixed instructions, the numbered sources, the recent conversation.

The instructions never change, so their tokens form a prefix whose KV cache is computed once
when the model loads and reused by every question. Earlier turns keep the sources block they
were answered with, so a follow-up question extends the previous prompt and reuses its cache
too; when the window fills, the oldest turns go first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .passages import trim
from .retrieval import Source

SYSTEM = (
    "You are the help assistant of this website. Answer the visitor's question using only the "
    "numbered sources you are given. After each fact, cite its source like [1]. If the sources "
    "do not answer the question, say that the site does not cover it. Be brief and use Markdown."
)


@dataclass(frozen=True)
class Turn:
    """A finished exchange as the model saw it: the user message (sources included)."""

    question: str
    message: str
    answer: str


@dataclass(frozen=True)
class Budget:
    """Token allowances: about 80 tokens per source keeps a question's own prefill near 300
    tokens (the instructions are prefilled once, at model load), for a first token within ~2 s
    on a two-core machine."""

    window: int = 2048
    answer: int = 320
    per_source: int = 80
    # A pasted page can be a "question" too: 10,000 characters took the worker ~2 minutes of
    # retrieval and prefill, which no Stop could interrupt, and overflowed the window.
    question: int = 400


def sources_block(
    sources: list[Source], terms: list[str], budget: Budget, count: Callable[[str], int]
) -> str:
    parts = []
    for source in sources:
        heading = (
            source.title
            if not source.page or source.page == source.title
            else (f"{source.title} ({source.page})")
        )
        passage = trim(source.text, terms, budget.per_source, count)
        parts.append(f"[{source.n}] {heading}\n{passage}")
    return "\n\n".join(parts)


def cut_question(question: str, max_tokens: int, count: Callable[[str], int]) -> str:
    """The question within `max_tokens`: its beginning, cut at a space where there is one, and
    an ellipsis to show the model that more was written."""
    if count(question) <= max_tokens:
        return question
    keep = max(1, max_tokens * 7 // 2)  # the inverse of estimate_tokens' ~3.5 characters
    while keep > 1 and count(question[:keep]) > max_tokens:
        keep = keep * 9 // 10
    head = question[:keep]
    space = head.rfind(" ")
    if space > keep // 2:
        head = head[:space]
    return head.rstrip() + " …"


def user_message(question: str, block: str) -> str:
    if not block:
        return f"No source matched this question.\n\nQuestion: {question}"
    return f"Sources:\n{block}\n\nQuestion: {question}"


def messages_within(
    turns: list[Turn], message: str, budget: Budget, count_messages: Callable[[list], int]
) -> list[dict[str, str]]:
    """System, as many recent turns as fit, then the new message."""
    kept = list(turns)
    while True:
        messages = [{"role": "system", "content": SYSTEM}]
        for turn in kept:
            messages.append({"role": "user", "content": turn.message})
            messages.append({"role": "assistant", "content": turn.answer})
        messages.append({"role": "user", "content": message})
        if not kept or count_messages(messages) + budget.answer <= budget.window:
            return messages
        kept.pop(0)
