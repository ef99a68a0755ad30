"""The answer flow: sources first, then text streamed through the safe renderer with citations
as links, turns remembered so follow-ups extend the previous prompt (KV cache reuse), `/groq`."""

from __future__ import annotations

import asyncio

import pytest

from app.chat.answer import NOTHING_FOUND, answer, run_groq
from app.chat.assistant import Assistant
from app.chat.prompt import SYSTEM, Budget
from app.groq import GroqSyntaxError

QUESTION = "How do I read a file line by line?"


class ScriptedModel:
    """Stands in for the language model in these unit tests (the real one runs in tests/e2e and
    tests/chat/test_cli.py): records what it read, streams a fixed reply."""

    def __init__(self, reply: list[str]) -> None:
        self.reply = reply
        self.prompts: list[list[dict[str, str]]] = []

    async def stream(self, messages, on_delta):  # type: ignore[no-untyped-def]
        self.prompts.append(messages)
        for piece in self.reply:
            on_delta(piece)
        return "".join(self.reply), False


def _run(assistant: Assistant, model: ScriptedModel, history=(), question=QUESTION, conv="c"):  # type: ignore[no-untyped-def]
    events: list[tuple[str, dict]] = []
    result = asyncio.run(
        answer(
            assistant,
            conv,
            list(history),
            question,
            model.stream,
            lambda k, p: events.append((k, p)),
        )
    )
    return result, events


def test_sources_come_first_then_tokens_and_citation_links(assistant: Assistant) -> None:
    model = ScriptedModel(["Loop over ", "the file object [1]", ".", "\n\nDone [9]."])
    result, events = _run(assistant, model)
    kinds = [k for k, _ in events]
    assert kinds[0] == "sources" and "token" in kinds
    sources = events[0][1]["sources"]
    assert sources[0]["_id"] == "docSection.io.methods"
    assert "score(" in events[0][1]["query"] and events[0][1]["params"]["terms"]
    assert "read" not in events[0][1]  # read whole: nothing to tell the visitor
    ops = [op for k, p in events if k == "ops" for op in p["ops"]]
    assert ["attr", "class", "citation"] in ops
    assert ["attr", "href", sources[0]["url"]] in ops
    assert sum(1 for op in ops if op == ["open", "a"]) == 1  # [9] has no source: stays text
    assert result == {
        "kind": "answer",
        "text": "".join(model.reply),
        "stopped": False,
        "plan_ms": result["plan_ms"],
    }


def test_the_model_reads_instructions_numbered_sources_and_question(assistant: Assistant) -> None:
    model = ScriptedModel(["ok"])
    _run(assistant, model)
    messages = model.prompts[0]
    assert messages[0] == {"role": "system", "content": SYSTEM}
    user = messages[-1]["content"]
    assert user.startswith("Sources:\n[1] Methods of File Objects (Input and Output)\n")
    assert user.endswith(f"Question: {QUESTION}")
    assert "loop over the file object" in user


def test_a_message_too_long_to_read_whole_is_cut_and_the_visitor_told(
    assistant: Assistant,
) -> None:
    question = (QUESTION + " ") * 400  # ~14,000 characters: far past the question's budget
    model = ScriptedModel(["ok"])
    _, events = _run(assistant, model, question=question)
    read = events[0][1]["read"]
    assert read["of"] == len(question) and 0 < read["characters"] < 2000
    user = model.prompts[0][-1]["content"]
    assert user.endswith(" …") and question[: read["characters"]] in user
    assert len(user) < 2 * read["characters"] + 1500  # the rest of the message is not there


def test_a_follow_up_extends_the_previous_prompt(assistant: Assistant) -> None:
    model = ScriptedModel(["First answer [1]."])
    _run(assistant, model)
    history = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "First answer [1]."},
    ]
    _run(assistant, model, history, "And how do I save data as json?")
    first, second = model.prompts
    assert (
        second[: len(first)]
        == [*first, {"role": "assistant", "content": "First answer [1]."}][: len(first)]
    )
    assert second[1] == first[1]  # the earlier turn keeps the sources it was answered from
    assert "json" in second[-1]["content"]


def test_history_the_worker_did_not_answer_is_replayed_as_plain_text(assistant: Assistant) -> None:
    model = ScriptedModel(["ok"])
    history = [
        {"role": "user", "content": "Earlier question"},
        {"role": "assistant", "content": "Earlier answer"},
    ]
    _run(assistant, model, history, conv="after-reload")
    assert model.prompts[0][1:3] == [
        {"role": "user", "content": "Earlier question"},
        {"role": "assistant", "content": "Earlier answer"},
    ]


def test_old_turns_leave_first_when_the_window_fills(assistant: Assistant) -> None:
    assistant.budget = Budget(window=700, answer=300, per_source=60)
    model = ScriptedModel(["x" * 400])
    history: list[dict[str, str]] = []
    for i in range(4):
        _run(assistant, model, history, f"read a file line by line, take {i}")
        history += [
            {"role": "user", "content": f"read a file line by line, take {i}"},
            {"role": "assistant", "content": "x" * 400},
        ]
    last = model.prompts[-1]
    assert last[0]["role"] == "system" and len(last) < 2 + 2 * 3


def test_without_any_matching_source_the_model_is_not_asked(assistant: Assistant) -> None:
    model = ScriptedModel(["should not be used"])
    result, events = _run(assistant, model, question="zebra quantum chromodynamics")
    assert model.prompts == []
    assert events[0] == ("sources", {**events[0][1], "sources": []})
    assert result["text"] == NOTHING_FOUND


def test_groq_command_runs_over_published_content(assistant: Assistant) -> None:
    result = run_groq(assistant, '/groq *[_type == "docSection"]._id')
    assert result == {"kind": "groq", "result": ["docSection.io.methods", "docSection.json"]}
    with pytest.raises(GroqSyntaxError) as caught:
        run_groq(assistant, "/groq *[_type == ")
    assert "^" in str(caught.value)
