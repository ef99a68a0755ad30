"""The real model in the real browser: the page's worker produces exactly the greedy ids that
CPython onnxruntime produces from the same ONNX file, streamed token by token, and stops mid-answer
when asked."""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from playwright.sync_api import Page, expect

from app.model.chat_template import ChatTemplate
from app.model.files import TOKENIZER_FILE
from app.model.generate import GenerateOptions, generate
from app.model.onnx_cpython import OnnxCpythonBackend
from app.model.tokenizer import Tokenizer
from tests.e2e.conftest import PROGRESS_SPY, SiteServer
from tests.e2e.test_offline import (
    CACHED_ENTRY,
    MODEL_READY,
    controlled_reload,
    model_path,
    site_copy,
    wait_until_cached,
)
from wasm_build.paths import DIST
from wasm_build.site import CHUNK

BOOT_TIMEOUT = 90_000
PROMPTS = [
    "What is the capital of France?",
    "Write a Python function that reverses a string.",
    "How do I read a file line by line in Python?",
]
MAX_TOKENS = 40

GENERATE = """async ([messages, maxTokens]) => {
  const streamed = [];
  const result = await window.assistant.send(
    { type: "generate", messages, max_tokens: maxTokens, greedy: true },
    (event) => { if (event.type === "token") streamed.push([event.token, event.text]); });
  return { result, streamed };
}"""


@pytest.fixture(scope="module")
def reference(built_site) -> dict[str, dict]:
    """Greedy answers from CPython onnxruntime over the very files the page loads."""
    model_dir = next((DIST / "assets").glob("model-*"))
    tokenizer = Tokenizer.from_file(model_dir / TOKENIZER_FILE)
    template = ChatTemplate.from_tokenizer(tokenizer)
    backend = OnnxCpythonBackend(model_dir)
    answers = {}
    for prompt in PROMPTS:
        messages = [{"role": "user", "content": prompt}]
        ids = template.encode(tokenizer, messages, add_generation_prompt=True)
        result = generate(backend, tokenizer, ids, GenerateOptions(max_tokens=MAX_TOKENS)).run()
        answers[prompt] = {"prompt_ids": ids, "ids": result.ids, "text": result.text}
    return answers


@pytest.fixture
def model_page(page: Page, site) -> Page:
    """The page with its model loaded, as it does by itself once Python is ready."""
    page.goto(site.url)
    expect(page.locator("#backend-status")).to_contain_text("ready", timeout=BOOT_TIMEOUT)
    return page


def test_model_loads_after_boot_with_byte_progress(page: Page, site) -> None:
    page.add_init_script(PROGRESS_SPY)
    page.goto(site.url)
    expect(page.locator("#backend-status")).to_have_text(
        "SmolLM2 (ONNX) · ready", timeout=BOOT_TIMEOUT
    )
    progress = page.evaluate(
        "() => window.__progress.filter((e) => e.stage === 'model').map((e) => [e.loaded, e.total])"
    )
    loaded = [done for done, _ in progress]
    assert len(progress) > 3 and loaded == sorted(loaded)
    assert progress[-1][0] == progress[-1][1] > 90_000_000  # the ~97 MB model and its tokenizer


def test_browser_greedy_ids_equal_cpython(model_page: Page, reference: dict) -> None:
    for prompt in PROMPTS:
        out = model_page.evaluate(GENERATE, [[{"role": "user", "content": prompt}], MAX_TOKENS])
        expected = reference[prompt]
        assert out["result"]["prompt_ids"] == expected["prompt_ids"], prompt
        assert out["result"]["ids"] == expected["ids"], prompt
        assert out["result"]["text"] == expected["text"], prompt
        # Streamed one token at a time, and the deltas add up to the answer.
        assert [token for token, _ in out["streamed"]] == expected["ids"]
        assert "".join(text for _, text in out["streamed"]) == expected["text"]


def test_stop_ends_generation_mid_answer_and_keeps_the_text(model_page: Page) -> None:
    out = model_page.evaluate(
        """async () => {
          const streamed = [];
          let stopSent = false;
          const pending = window.assistant.send(
            { type: "generate", max_tokens: 200, greedy: true,
              messages: [{ role: "user", content: "Tell me a long story about a dragon." }] },
            (event) => {
              if (event.type !== "token") return;
              streamed.push(event.text);
              if (streamed.length === 5 && !stopSent) {
                stopSent = true;
                void window.assistant.send({ type: "stop", target: event.id });
              }
            });
          const result = await pending;
          return { result, streamed };
        }"""
    )
    result = out["result"]
    assert result["stop_reason"] == "aborted"
    # Stopped within one token of the worker reading the Stop, and nothing produced was lost.
    assert result["tokens_at_stop"] >= 5
    assert len(result["ids"]) - result["tokens_at_stop"] <= 1
    assert len(result["ids"]) < 20
    assert result["text"] == "".join(out["streamed"])
    assert result["text"].strip()


# What the visitor reads: the model error's own message (a download cut or damaged on the way,
# or a file onnxruntime cannot read), never a Python traceback.
MODEL_FAILURE = re.compile(r"could not download the model|the model file could not be loaded")


def test_corrupt_model_file_says_so_and_retry_recovers(page: Page, site) -> None:
    state = {"corrupt": True}

    def serve_model(route) -> None:
        if state["corrupt"]:
            route.fulfill(
                status=200,
                body=b"this is not an ONNX model" * 100,
                headers={"Content-Type": "application/octet-stream"},
            )
        else:
            route.continue_()

    page.context.route(re.compile(r".*/model\.onnx$"), serve_model)
    page.goto(site.url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    problem = page.locator("#model-problem")
    expect(problem).to_be_visible(timeout=BOOT_TIMEOUT)
    expect(problem).to_contain_text("model")
    still_works = re.compile(r"\w[.!?] Searching the content with /groq still works")
    expect(problem).to_contain_text(still_works)
    expect(problem).to_contain_text(MODEL_FAILURE)
    expect(problem).not_to_contain_text("Traceback")
    expect(page.locator("#backend-status")).to_contain_text("failed to load")

    state["corrupt"] = False
    problem.get_by_role("button", name="Retry loading the model").click()
    expect(page.locator("#backend-status")).to_contain_text("ready", timeout=BOOT_TIMEOUT)
    expect(problem).to_be_hidden()


def test_threads_follow_cross_origin_isolation(page: Page, site, unisolated_site) -> None:
    """Two threads where SharedArrayBuffer exists, one where the host cannot isolate the page;
    the model answers either way."""
    for server, isolated, threads in ((site, True, 2), (unisolated_site, False, 1)):
        page.goto(server.url)
        expect(page.locator("#backend-status")).to_have_text(
            "SmolLM2 (ONNX) · ready", timeout=BOOT_TIMEOUT
        )
        assert page.evaluate("() => self.crossOriginIsolated") is isolated
        assert page.evaluate("() => window.assistant.ping()")["model"] == {"threads": threads}
        out = page.evaluate(GENERATE, [[{"role": "user", "content": PROMPTS[0]}], 8])
        assert out["result"]["ids"] and out["streamed"]


def _damaged(good: bytes, how: str) -> bytes:
    if how == "one byte flipped mid-file":
        middle = len(good) // 2
        return good[:middle] + bytes([good[middle] ^ 0x01]) + good[middle + 1 :]
    if how == "cut at a chunk boundary":  # every chunk that arrives is intact
        return good[: (len(good) // CHUNK // 2) * CHUNK]
    assert how == "extra bytes at the end"
    return good + b"\0" * 16


def test_damaged_model_download_is_never_cached_and_retry_recovers(
    page: Page, built_site, tmp_path
) -> None:
    """The service worker checks the model chunk by chunk as it streams to the worker: a damaged
    download of any kind fails with the model message and Retry, and is not kept; once the
    server has the right file again, Retry loads it and the cache keeps that one."""
    root = site_copy(built_site, tmp_path / "site")
    model = model_path(root)
    kept = tmp_path / "model.onnx"  # the right file, whatever happens to dist/ meanwhile
    os.link(root / model, kept)
    good = kept.read_bytes()
    hows = ["one byte flipped mid-file", "cut at a chunk boundary", "extra bytes at the end"]
    (root / model).unlink()
    (root / model).write_bytes(_damaged(good, hows[0]))
    server = SiteServer(root)
    try:
        page.goto(server.url)
        expect(page.locator("#backend-status")).to_contain_text("failed", timeout=BOOT_TIMEOUT)
        controlled_reload(page)
        problem = page.locator("#model-problem")
        retry = problem.get_by_role("button", name="Retry loading the model")
        for index, how in enumerate(hows):
            if index:
                (root / model).unlink()
                (root / model).write_bytes(_damaged(good, how))
                retry.click()
            expect(problem).to_be_visible(timeout=BOOT_TIMEOUT)
            expect(problem).to_contain_text("model")
            expect(problem).to_contain_text("/groq still works")
            expect(page.locator("#backend-status")).to_contain_text("failed to load")
            expect(problem).to_contain_text(MODEL_FAILURE)
            expect(problem).not_to_contain_text("Traceback")
            assert page.evaluate(CACHED_ENTRY, server.url + model) is None, how

        (root / model).unlink()
        os.link(kept, root / model)
        retry.click()
        expect(page.locator("#backend-status")).to_have_text(MODEL_READY, timeout=BOOT_TIMEOUT)
        expect(problem).to_be_hidden()
        entry = wait_until_cached(page, server.url + model)
        assert entry["sha256"] == hashlib.sha256(good).hexdigest()
    finally:
        server.stop()
