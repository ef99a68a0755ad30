"""Conversations live in IndexedDB: listed, opened, renamed, deleted, restored after reload and
offline, with streams cut by a reload kept as interrupted; without IndexedDB the chat goes on."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import BrowserContext, Error, Page, expect

BOOT_TIMEOUT = 60_000
ANSWER_TIMEOUT = 30_000

OLDER = {
    "id": "older",
    "title": "Reading files",
    "created": 1_700_000_000_000,
    "updated": 1_700_000_000_000,
    "messages": [
        {"role": "user", "text": "How do I read a file line by line?", "state": "done"},
        {
            "role": "assistant",
            "state": "done",
            "kind": "answer",
            "text": "Iterate over the file object [1]:\n\n"
            "```python\nfor line in f:\n    pass\n```\n",
            "query": '*[_type == "section" && text match $terms]',
            "sources": [
                {"n": 1, "title": "Reading and Writing Files", "url": "https://example.org/io"}
            ],
        },
    ],
}
NEWER = {
    "id": "newer",
    "title": "Skipping blank lines",
    "created": 1_700_000_100_000,
    "updated": 1_700_000_100_000,
    "messages": [
        {"role": "user", "text": "And blank lines?", "state": "done"},
        {"role": "assistant", "state": "streaming", "text": "Strip each line and **skip"},
    ],
}


def _ready(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)


def _seed(page: Page, *conversations: dict) -> None:
    page.evaluate(
        "async (cs) => { for (const c of cs) await window.assistant.conversations.save(c); }",
        list(conversations),
    )


def _titles(page: Page) -> list[str]:
    return page.locator("#conversation-list .open").all_text_contents()


def test_restores_newest_conversation_and_marks_cut_stream_interrupted(page: Page, site) -> None:
    _ready(page, site.url)
    _seed(page, OLDER, NEWER)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    assert _titles(page) == ["Skipping blank lines", "Reading files"]
    expect(page.locator("#conversation-list [aria-current=true]")).to_have_text(
        "Skipping blank lines"
    )
    answer = page.locator("#messages article.assistant")
    expect(answer).to_have_attribute("data-state", "interrupted")
    # The partial text went through the renderer again: the open emphasis is real markup.
    expect(answer.locator(".content")).to_have_text("Strip each line and skip")
    expect(answer.locator(".content strong")).to_have_text("skip")
    expect(answer.locator(".answer-note")).to_contain_text("Interrupted")
    expect(answer.get_by_role("button", name="Copy", exact=True)).to_be_visible()
    stored = page.evaluate("() => window.assistant.conversations.get('newer')")
    assert stored["messages"][1]["state"] == "interrupted"
    assert stored["messages"][1]["text"] == "Strip each line and **skip"


def test_opening_a_conversation_renders_its_answers_and_sources(page: Page, site) -> None:
    _ready(page, site.url)
    _seed(page, OLDER, NEWER)
    page.get_by_role("button", name="Reading files", exact=True).click()
    expect(page.locator("#conversation-list [aria-current=true]")).to_have_text("Reading files")
    answer = page.locator("#messages article.assistant")
    expect(answer).to_have_count(1)
    expect(answer).to_have_attribute("data-state", "done")
    expect(answer.locator("pre code.language-python")).to_have_text("for line in f:\n    pass\n")
    expect(answer.get_by_role("button", name="Copy code")).to_be_visible()
    # The citation links to the stored source, and the panel lists it with the query.
    expect(answer.locator(".content a.citation")).to_have_attribute(
        "href", "https://example.org/io"
    )
    answer.locator(".sources summary").click()
    expect(answer.get_by_role("link", name="Reading and Writing Files")).to_have_attribute(
        "href", "https://example.org/io"
    )
    expect(answer.locator(".sources pre.query")).to_have_text(
        '*[_type == "section" && text match $terms]'
    )
    expect(page.get_by_role("button", name="Regenerate")).to_be_visible()


def test_rename_and_delete_from_the_sidebar_persist(page: Page, site) -> None:
    _ready(page, site.url)
    _seed(page, OLDER, NEWER)
    page.get_by_role("button", name="Rename Reading files").click()
    name = page.get_by_role("textbox", name="Conversation name")
    expect(name).to_be_focused()
    name.fill("Files, line by line")
    name.press("Enter")
    expect(page.get_by_role("button", name="Files, line by line", exact=True)).to_be_focused()

    # Escape cancels a rename and keeps the old name.
    page.get_by_role("button", name="Rename Skipping blank lines").click()
    page.get_by_role("textbox", name="Conversation name").fill("nope")
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Skipping blank lines", exact=True)).to_be_focused()

    page.get_by_role("button", name="Delete Skipping blank lines").click()
    confirm = page.get_by_role("group", name="Delete Skipping blank lines?")
    expect(confirm.get_by_role("button", name="Keep")).to_be_focused()
    confirm.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator("#conversation-list .open")).to_have_count(1)
    expect(page.get_by_role("button", name="New conversation")).to_be_focused()

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    assert _titles(page) == ["Files, line by line"]
    assert page.evaluate("() => window.assistant.conversations.get('newer')") is None
    expect(page.locator("#messages article.user")).to_have_text(
        "How do I read a file line by line?"
    )


def test_new_conversation_is_saved_with_its_first_question(page: Page, site) -> None:
    _ready(page, site.url)
    _seed(page, OLDER)
    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("#messages article")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_focused()
    box.fill("/groq count(*)")
    box.press("Enter")
    expect(page.locator("#messages article.assistant")).not_to_have_attribute(
        "data-state", "streaming", timeout=ANSWER_TIMEOUT
    )
    expect(page.locator("#conversation-list .open").first).to_have_text("/groq count(*)")
    expect(page.locator("#conversation-list .open")).to_have_count(2)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    expect(page.locator("#messages article.user")).to_have_text("/groq count(*)")


def test_invalid_conversation_is_refused_with_the_reason(page: Page, site) -> None:
    _ready(page, site.url)
    bad = copy.deepcopy(OLDER)
    bad["messages"][1]["state"] = "finished"
    with pytest.raises(Error, match=r"message 1: state \"finished\" is not one of"):
        _seed(page, bad)
    assert page.evaluate("() => window.assistant.conversations.list()") == []


def test_without_indexeddb_the_visitor_is_told_and_chat_goes_on(page: Page, site) -> None:
    page.add_init_script(
        "IDBFactory.prototype.open = function () {"
        " throw new DOMException('The user denied permission to access the database.',"
        " 'UnknownError'); };"
    )
    _ready(page, site.url)
    note = page.locator("#store-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Conversations cannot be saved in this browser")
    expect(note).to_contain_text("denied permission")
    assert page.evaluate("() => window.assistant.conversations.storage().persistent") is False
    box = page.get_by_role("textbox", name="Message")
    box.fill("/groq 1 + 1")
    box.press("Enter")
    expect(page.locator("#messages article.assistant")).not_to_have_attribute(
        "data-state", "streaming", timeout=ANSWER_TIMEOUT
    )
    expect(page.locator("#conversation-list .open")).to_have_text(["/groq 1 + 1"])


def test_conversations_restore_offline(context: BrowserContext, page: Page, site) -> None:
    _ready(page, site.url)
    _seed(page, OLDER)
    page.wait_for_function(
        "async () => { const r = await navigator.serviceWorker.ready; return !!r.active &&"
        " navigator.serviceWorker.controller !== null; }",
        timeout=BOOT_TIMEOUT,
    )
    context.set_offline(True)
    site.stop()
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    assert _titles(page) == ["Reading files"]
    expect(page.locator("#messages pre code.language-python")).to_have_text(
        "for line in f:\n    pass\n"
    )
