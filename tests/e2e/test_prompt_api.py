"""The Prompt API backend in the real page: the worker drives the page's built-in model through
the bridge (web/prompt_bridge.js <-> web/prompt_host.js). Chromium here has no Prompt API, so
each test injects a fake `LanguageModel` (or the older `window.ai.languageModel`) that behaves
as the explainer documents: chunk mode by Chrome major version (cumulative before 133, deltas
since), "downloadprogress" events with a 0..1 `loaded` while a "downloadable" model downloads,
AbortError from the signal, QuotaExceededError past `inputQuota`, and destroy()."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.prompt_api_fake import fake_prompt_api

BOOT_TIMEOUT = 90_000
UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{}.0.0.0 Safari/537.36"
)
# Pieces chosen so that comparing prefixes would go wrong: "Ha" then "Ha" again is a delta that
# starts with the whole text before it.
ANSWER = ["Ha", "Ha", "Ha! ", "Paris is ", "the capital ", "of France."]
MESSAGES = [
    {"role": "system", "content": "Answer briefly."},
    {"role": "user", "content": "Hello"},
    {"role": "assistant", "content": "Hi!"},
    {"role": "user", "content": "What is the capital of France?"},
]

GENERATE = """async (messages) => {
  const events = [];
  try {
    const result = await window.assistant.send(
      { type: "generate", backend: "prompt-api", messages }, (event) => events.push(event));
    return { result, events, log: window.__fakeLM?.log ?? null };
  } catch (err) {
    return { error: { message: err.message, reason: err.reason ?? null }, events,
             log: window.__fakeLM?.log ?? null };
  }
}"""

STOP_AFTER = """async ([messages, after]) => {
  const events = [];
  let stop = null;
  const started = performance.now();
  const { id, result } = window.assistant.start(
    { type: "generate", backend: "prompt-api", messages },
    (event) => {
      events.push(event);
      const tokens = events.filter((e) => e.type === "token").length;
      if (event.type === "token" && tokens === after && !stop) {
        stop = window.assistant.send({ type: "stop", target: id });
      }
    });
  const done = await result;
  return { done, events, stop: await stop, ms: performance.now() - started,
           log: window.__fakeLM.log };
}"""


@pytest.fixture
def open_page(browser: Browser, site) -> Iterator[Callable[..., Page]]:
    """A page whose user agent claims a Chrome major version, with a fake Prompt API injected."""
    contexts = []

    def opener(major: int, fake: str | None = None) -> Page:
        context = browser.new_context(user_agent=UA.format(major))
        contexts.append(context)
        page = context.new_page()
        if fake is not None:
            page.add_init_script(script=fake)
        page.goto(site.url)
        expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
        return page

    yield opener
    for context in contexts:
        context.close()


def _tokens(events: list[dict]) -> list[str]:
    return [e["text"] for e in events if e["type"] == "token"]


@pytest.mark.parametrize("major", [132, 140], ids=["cumulative-chrome132", "deltas-chrome140"])
def test_streamed_text_is_the_answer_once_in_either_chunk_mode(open_page, major: int) -> None:
    page = open_page(major, fake_prompt_api(ANSWER))
    out = page.evaluate(GENERATE, MESSAGES)
    assert "error" not in out, out
    # The visitor sees each piece once, in order, whatever the browser's chunk mode.
    assert _tokens(out["events"]) == ANSWER
    assert out["result"] == {"text": "".join(ANSWER), "stop_reason": "stop"}
    # The session was made from the conversation: system first, then the earlier turns; the
    # question itself was prompted; the session was freed afterwards.
    kinds = [entry[0] for entry in out["log"]]
    assert kinds == ["create", "prompt", "destroy"], out["log"]
    assert out["log"][0][1] == MESSAGES[:3]
    assert out["log"][1][1] == MESSAGES[3]["content"]


def test_download_progress_reaches_the_page(open_page) -> None:
    page = open_page(140, fake_prompt_api(ANSWER, availability="downloadable"))
    out = page.evaluate(GENERATE, MESSAGES)
    assert "error" not in out, out
    progress = [
        (e["stage"], e["loaded"], e["total"]) for e in out["events"] if e["type"] == "progress"
    ]
    assert progress == [("prompt-api", f, 1) for f in (0, 0.25, 0.5, 1)]
    # All progress comes before the first piece of the answer.
    kinds = [e["type"] for e in out["events"]]
    assert kinds.index("token") > max(i for i, k in enumerate(kinds) if k == "progress")
    assert "".join(_tokens(out["events"])) == "".join(ANSWER)


def test_stop_mid_answer_keeps_the_partial_text(open_page) -> None:
    answer = [f"word{i} " for i in range(40)]
    page = open_page(140, fake_prompt_api(answer, delay=150))
    out = page.evaluate(STOP_AFTER, [MESSAGES, 3])
    streamed = "".join(_tokens(out["events"]))
    assert out["stop"] == {"stopped": True}
    assert out["done"]["stop_reason"] == "aborted"
    assert out["done"]["text"] == streamed
    assert streamed.startswith("word0 word1 word2 ")
    assert len(_tokens(out["events"])) < len(answer) // 2
    # The abort reached the page's model through the signal; it did not run to the end.
    assert ["abort"] in out["log"], out["log"]
    assert out["log"][-1] == ["destroy"]
    assert out["ms"] < 150 * len(answer) / 2


def test_prompt_past_the_input_quota_is_a_clear_context_error(open_page) -> None:
    page = open_page(140, fake_prompt_api(ANSWER, quota=40))
    out = page.evaluate(GENERATE, MESSAGES)
    assert out["error"]["reason"] == "context-overflow", out
    assert "too long" in out["error"]["message"]
    assert _tokens(out["events"]) == []
    assert ["error", "QuotaExceededError"] in out["log"]
    assert out["log"][-1] == ["destroy"]


@pytest.mark.parametrize("major", [128, 136])
def test_older_window_ai_language_model_shape(open_page, major: int) -> None:
    page = open_page(major, fake_prompt_api(ANSWER, shape="legacy"))
    out = page.evaluate(GENERATE, MESSAGES)
    assert "error" not in out, out
    assert _tokens(out["events"]) == ANSWER
    assert out["result"]["text"] == "".join(ANSWER)
    create = out["log"][0]
    # The older shape takes the system prompt as its own option.
    assert create == ["create", MESSAGES[1:3], MESSAGES[0]["content"]]


def test_without_a_prompt_api_the_worker_says_so(open_page) -> None:
    page = open_page(140, fake_prompt_api(ANSWER, shape="none"))
    out = page.evaluate(GENERATE, MESSAGES)
    assert out["error"] == {
        "message": "This browser has no built-in model.",
        "reason": "unavailable",
    }
    assert _tokens(out["events"]) == []


def test_an_unavailable_built_in_model_is_reported(open_page) -> None:
    page = open_page(140, fake_prompt_api(ANSWER, availability="unavailable"))
    out = page.evaluate(GENERATE, MESSAGES)
    assert out["error"]["reason"] == "unavailable", out
    assert "unavailable" in out["error"]["message"]
    assert out["log"] == []  # no session was attempted


BRIDGE_IN_WORKER = """async () => {
  const out = {};
  out.availability = await LanguageModel.availability();
  const progress = [];
  const session = await LanguageModel.create({
    initialPrompts: [{ role: "system", content: "Be brief." }],
    monitor(m) { m.addEventListener("downloadprogress", (e) => progress.push(e.loaded)); },
  });
  out.progress = progress;
  out.quota = [session.inputUsage, session.inputQuota, await session.measureInputUsage("four")];
  const chunks = [];
  for await (const chunk of session.promptStreaming("Hi")) chunks.push(chunk);
  out.chunks = chunks;
  const controller = new AbortController();
  const partial = [];
  try {
    for await (const chunk of session.promptStreaming("Hi", { signal: controller.signal })) {
      partial.push(chunk);
      if (partial.length === 2) controller.abort();
    }
  } catch (err) {
    out.abort = [err instanceof DOMException, err.name, partial.length];
  }
  try {
    for await (const chunk of session.promptStreaming("x".repeat(1000))) partial.push(chunk);
  } catch (err) {
    out.quotaError = err.name;
  }
  session.destroy();
  try {
    for await (const chunk of session.promptStreaming("Hi")) partial.push(chunk);
  } catch (err) {
    out.destroyed = err.name;
  }
  return out;
}"""


@pytest.mark.parametrize("major", [132, 140])
def test_the_worker_bridge_has_the_prompt_api_shape(open_page, major: int) -> None:
    """What Python drives in the worker behaves like the page's API: chunks verbatim in the
    browser's own mode, progress to the monitor, AbortError, QuotaExceededError, destroy."""
    page = open_page(major, fake_prompt_api(ANSWER, availability="downloadable", quota=500))
    # The assistant's worker, where Python runs, found by its URL: onnxruntime's own thread
    # workers may be blocked in Atomics.wait and would never answer an evaluate().
    script = page.evaluate(
        "() => JSON.parse(document.getElementById('boot-config').textContent).worker"
    )
    [worker] = [w for w in page.workers if w.url.endswith("/" + script.split("/")[-1])]
    out = worker.evaluate(BRIDGE_IN_WORKER)
    assert out["availability"] == "downloadable"
    assert out["progress"] == [0, 0.25, 0.5, 1]
    assert out["quota"] == [len("Be brief."), 500, 4]
    cumulative = ["".join(ANSWER[: i + 1]) for i in range(len(ANSWER))]
    assert out["chunks"] == (ANSWER if major >= 133 else cumulative)
    assert out["abort"] == [True, "AbortError", 2]
    assert out["quotaError"] == "QuotaExceededError"
    assert out["destroyed"] == "InvalidStateError"
    assert page.evaluate("() => window.__fakeLM.log.filter((e) => e[0] === 'destroy').length") == 1
