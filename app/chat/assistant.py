"""The assistant's memory and planning: which sources a question gets, and what the model reads.

It holds the content index and, per conversation, the turns as the model saw them (each with
the sources block it was answered from), so a follow-up extends the previous prompt exactly and
the model's KV cache carries over. The page stays the source of truth for history: a turn the
page reports differently (after a reload, say) is rebuilt from its plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.content import Dataset
from app.groq import evaluate

from .prompt import Budget, Turn, cut_question, messages_within, sources_block, user_message
from .retrieval import Retrieval, Source, query_params, retrieve, uses_semantic
from .settings import Settings

if TYPE_CHECKING:
    from app.embed.semantic import SemanticIndex

Counter = Callable[[str], int]
MessageCounter = Callable[[list], int]


def estimate_tokens(text: str) -> int:
    """Tokens of English prose and code for SmolLM2's tokenizer: ~3.5 characters each."""
    return len(text) * 2 // 7 + 1


@dataclass(frozen=True)
class Plan:
    question: str
    retrieval: Retrieval
    message: str
    messages: list[dict[str, str]]
    read: int | None = None  # characters of a too-long question that were read (None: all)

    def sources_event(self) -> dict[str, Any]:
        event = {
            "query": self.retrieval.query,
            "params": self.retrieval.params,
            "sources": [s.to_json() for s in self.retrieval.sources],
        }
        if self.read is not None:  # the visitor is told their message was cut, and where
            event["read"] = {"characters": self.read, "of": len(self.question)}
        return event

    def citation_targets(self) -> dict[int, dict[str, str]]:
        """What `[n]` links to in the rendered answer."""
        return {s.n: {"url": s.link, "title": s.title} for s in self.retrieval.sources if s.link}


class Assistant:
    def __init__(self, dataset: Dataset, settings: Settings, budget: Budget | None = None):
        self.dataset = dataset
        self.settings = settings
        self.budget = budget or Budget()
        self.semantic: SemanticIndex | None = None  # set once the embedding index is loaded
        self._turns: dict[str, list[Turn]] = {}

    def asked(self, question: str) -> str:
        """What retrieval and the model read of a question: all of it, up to the budget."""
        return cut_question(question, self.budget.question, estimate_tokens)

    def retrieve(self, question: str) -> Retrieval:
        return retrieve(self.asked(question), self.dataset, self.settings, self.semantic)

    def texts_to_embed(self, question: str) -> list[str]:
        """What to embed (and `semantic.add`) before answering `question`: the retrieval
        query's text::semanticSimilarity() texts without a vector yet. Embedding is
        asynchronous in the browser and the query's evaluation is not, so it comes first."""
        if self.semantic is None:
            return []
        params = query_params(self.asked(question), self.dataset, self.settings)
        return self.semantic.missing(uses_semantic(self.settings.query, params))

    def groq(self, query: str) -> Any:
        """A visitor's own GROQ query (`/groq ...`), over the published content."""
        return evaluate(query, self.dataset, perspective="published")

    def plan(
        self,
        conversation: str,
        history: list[dict[str, str]],
        question: str,
        count_messages: MessageCounter | None = None,
    ) -> Plan:
        asked = self.asked(question)
        found = self.retrieve(question)
        terms = str(found.params.get("terms", "")).split()
        block = sources_block(found.sources, terms, self.budget, estimate_tokens)
        message = user_message(asked, block)
        turns = self._replay(conversation, history)
        counter = count_messages or _estimate_messages
        messages = messages_within(turns, message, self.budget, counter)
        read = None if asked == question else len(asked.removesuffix(" …"))
        return Plan(question, found, message, messages, read)

    def remember(self, conversation: str, plan: Plan, answer: str) -> None:
        kept = [t for t in self._turns.get(conversation, []) if t.message in _users(plan)]
        self._turns[conversation] = [*kept, Turn(plan.question, plan.message, answer)]

    def _replay(self, conversation: str, history: list[dict[str, str]]) -> list[Turn]:
        """The page's history as turns, with the sources each was answered from when this
        worker answered it (same question, same answer), else just the question."""
        known = self._turns.get(conversation, [])
        turns: list[Turn] = []
        pending: str | None = None
        for message in history:
            role, content = message.get("role"), str(message.get("content", ""))
            if role == "user":
                pending = content
            elif role == "assistant" and pending is not None:
                index = len(turns)
                same = (
                    index < len(known)
                    and known[index].question == pending
                    and known[index].answer == content
                )
                turns.append(known[index] if same else Turn(pending, pending, content))
                pending = None
        self._turns[conversation] = turns
        return turns


def _users(plan: Plan) -> set[str]:
    return {m["content"] for m in plan.messages if m["role"] == "user"}


def _estimate_messages(messages: list) -> int:
    return sum(estimate_tokens(m["content"]) + 4 for m in messages)


__all__ = ["Assistant", "Plan", "Source", "estimate_tokens"]
