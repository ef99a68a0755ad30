"""Retrieval runs the site's GROQ query from assistant.toml, published documents only."""

from __future__ import annotations

import pytest

from app.chat.assistant import Assistant
from app.chat.content_files import index_documents
from app.chat.retrieval import RetrievalError
from app.chat.settings import Settings, load_settings
from app.content import bundle

from .conftest import DOCS


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


def test_passages_sharing_a_link_are_one_source(assistant: Assistant) -> None:
    # A docs page and its first section share the page's URL: one link, listed once, with the
    # better-ranked passage, and the next distinct passage takes the freed place.
    first = {
        "_id": "docSection.io.intro",
        "_type": "docSection",
        "title": "Input and Output",
        "headings": ["Input and Output"],
        "url": "io.html",
        "text": "There are several ways to present the output of a program; files are read "
        "and written with open().",
    }
    settings = load_settings()
    dataset, _ = bundle.decode(index_documents([*DOCS, first], settings))
    found = Assistant(dataset, settings).retrieve("How do I read and write files in output?")
    links = [s.link for s in found.sources]
    assert len(links) == len(set(links)) == settings.passages
    assert sorted(links) == ["io.html", "io.html#json", "io.html#methods"]
    assert [s.n for s in found.sources] == [1, 2, 3]
