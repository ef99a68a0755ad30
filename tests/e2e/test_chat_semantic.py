"""Ranking by meaning in the browser: the worker embeds the visitor's question with the real
embedding model (onnxruntime-web) and the retrieval query's text::semanticSimilarity() ranks
the passages by their bundled vectors, so a question worded unlike the page still finds it.
A question asked while the embedding model loads waits for it; without the vectors, answers
still come, keyword-ranked, and the visitor is told once. Answers other than the first use the
Prompt API fake (tests/e2e/prompt_api_fake.py): retrieval is the same, and they take no time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_chat_answers import (
    ANSWER_TIMEOUT,
    _answers,
    _ask,
    _events,
    _ready,
    _use_prompt_api,
)
from wasm_build.web_assets import read_boot_config

# Worded unlike its page ("How do you remove duplicates from a list?"): keyword ranking alone
# does not find the page, ranking by meaning does (checked in CPython with
# `python -m app.chat --retrieve-only --json`).
PARAPHRASE = "How do I get rid of repeated items in a list?"
PAGE = re.compile(r"faq/programming\.html#how-do-you-remove-duplicates-from-a-list")
NOTICE = "Ranking by meaning is unavailable"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """No service worker: page.route() must see every request the worker makes (a controlling
    service worker would answer the vector file from its cache)."""
    return {**browser_context_args, "service_workers": "block"}


@pytest.fixture(scope="module")
def embed_config(built_site: Path) -> dict:
    config = read_boot_config((built_site / "index.html").read_text())
    assert "embed" in config, (
        "the default retrieval query should rank by meaning (text::semanticSimilarity), so "
        "the build ships the embedding files"
    )
    return config["embed"]


def _wait_for_answers(page: Page, count: int) -> None:
    """Until the worker's done result of the `count`th answer has come."""
    page.wait_for_function(
        "(n) => window.__events.filter((e) => e.type === 'done' && e.result?.kind === 'answer')"
        ".length >= n",
        arg=count,
        timeout=ANSWER_TIMEOUT,
    )


def _source_urls(page: Page) -> list[str]:
    sources = _events(page, "sources")
    assert len(sources) == 1, sources
    return [s["url"] for s in sources[0]["sources"]]


def test_a_paraphrased_question_finds_its_page_by_meaning(
    page: Page, site, embed_config: dict
) -> None:
    _ready(page, site.url)  # the real language model: the embedder loads beside it
    _ask(page, PARAPHRASE)
    answer = page.locator("#messages article.assistant")
    page.wait_for_function(
        "() => window.__events.some((e) => e.type === 'token')", timeout=ANSWER_TIMEOUT
    )
    page.get_by_role("button", name="Stop", exact=True).click()  # the sources are the point
    expect(answer).to_have_attribute("data-state", "done", timeout=ANSWER_TIMEOUT)
    _wait_for_answers(page, 1)  # the page shows "done" at the click; the worker's result follows

    urls = _source_urls(page)
    assert any(PAGE.search(u) for u in urls), urls
    query = _events(page, "sources")[0]["query"]
    assert "text::semanticSimilarity(" in query
    answer.locator(".sources summary").click()
    expect(answer.locator(".sources pre.query")).to_contain_text("text::semanticSimilarity(")
    links = answer.locator(".source-list a")
    expect(links.filter(has_text=re.compile("duplicates", re.I))).not_to_have_count(0)

    done = _answers(page)[-1]
    assert isinstance(done["embed_ms"], (int, float)) and done["embed_ms"] > 0, done
    status = page.evaluate("() => window.assistant.send({type: 'semantic'})")
    assert status["configured"] and status["available"], status
    assert status["vectors"] > 1000  # every passage of the default content has one
    assert status["scorer"] == "wasm-simd"  # the page's CSP lets the SIMD scorer compile
    expect(page.get_by_text(NOTICE)).to_have_count(0)


def test_without_the_vectors_answers_come_keyword_ranked_and_the_visitor_is_told(
    page: Page, site, embed_config: dict
) -> None:
    vectors = site.url + embed_config["vectors"]
    requested: list[str] = []

    def missing(route) -> None:  # type: ignore[no-untyped-def]
        requested.append(route.request.url)
        route.fulfill(status=404, body="not found")

    page.route(vectors, missing)
    _use_prompt_api(page, site.url, ["Use a set, or dict.fromkeys() to keep the order [1]."])
    notice = page.get_by_role("status").filter(has_text=NOTICE)
    expect(notice).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(notice).to_contain_text("keyword search")
    assert requested == [vectors]

    _ask(page, PARAPHRASE)
    answer = page.locator("#messages article.assistant")
    expect(answer).to_have_attribute("data-state", "done", timeout=ANSWER_TIMEOUT)
    expect(answer.locator(".content")).to_contain_text("dict.fromkeys()")
    urls = _source_urls(page)
    assert urls, "keyword retrieval still finds sources"
    assert not any(PAGE.search(u) for u in urls), urls  # what only meaning would have found
    _wait_for_answers(page, 1)
    assert _answers(page)[-1]["embed_ms"] is None

    _ask(page, "How do I read a file line by line?")
    expect(page.locator("#messages article.assistant").nth(1)).to_have_attribute(
        "data-state", "done", timeout=ANSWER_TIMEOUT
    )
    # Told once: one notice, saying it once, however many questions follow.
    expect(page.get_by_text(NOTICE)).to_have_count(1)
    assert (notice.text_content() or "").count(NOTICE) == 1


def test_a_question_asked_while_the_embedder_loads_waits_for_it(
    page: Page, site, embed_config: dict
) -> None:
    """Not keyword-only for being early: the answer waits until the question can be embedded."""
    held: list = []

    def hold(route) -> None:  # type: ignore[no-untyped-def]
        held.append(route)  # the embedding model's download waits until the test lets it go

    page.route(site.url + embed_config["onnx"], hold)
    _use_prompt_api(page, site.url, ["Use a set, or dict.fromkeys() to keep the order [1]."])
    _ask(page, PARAPHRASE)
    for _ in range(600):  # the worker asks for the model once Python is up: slow on a busy machine
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1, "the worker never asked for the embedding model"
    page.wait_for_timeout(1500)  # keyword retrieval alone would have answered by now
    assert _events(page, "sources") == []
    expect(page.locator("#messages article.assistant")).not_to_have_attribute("data-state", "done")

    held[0].continue_()
    _wait_for_answers(page, 1)
    assert any(PAGE.search(u) for u in _source_urls(page))
    assert isinstance(_answers(page)[0]["embed_ms"], (int, float))
    expect(page.get_by_text(NOTICE)).to_have_count(0)
