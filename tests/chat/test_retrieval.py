"""Retrieval runs the site's GROQ query from assistant.toml, published documents only."""

from __future__ import annotations

import pytest

from app.chat.assistant import Assistant
from app.chat.retrieval import RetrievalError
from app.chat.settings import Settings


def test_the_answering_section_ranks_first_with_its_link(assistant: Assistant) -> None:
    found = assistant.retrieve("How do I read a file line by line?")
    assert [s.id for s in found.sources][:1] == ["docSection.io.methods"]
    first = found.sources[0]
    assert first.n == 1 and first.page == "Input and Output"
    assert first.link == "io.html#methods"
    assert found.params["terms"].split()[0] == "read*"
    assert "score(" in found.query


def test_drafts_never_reach_an_answer(assistant: Assistant) -> None:
    found = assistant.retrieve("secret file line reading")
    assert all(not s.id.startswith("drafts.") for s in found.sources)


def test_nothing_matching_gives_no_sources(assistant: Assistant) -> None:
    assert assistant.retrieve("zebra quantum").sources == []


def test_a_query_returning_the_wrong_shape_is_a_clear_error(assistant: Assistant) -> None:
    assistant.settings = Settings(query="count(*)")
    with pytest.raises(RetrievalError, match="must return an array"):
        assistant.retrieve("read a file")
    assistant.settings = Settings(query="*[_type == 'docSection']{title}")
    with pytest.raises(RetrievalError, match="needs an _id"):
        assistant.retrieve("read a file")
