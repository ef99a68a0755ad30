"""The page's invariants under timings and failures the real worker cannot be made to produce
on cue: a token arriving after Stop, a two-turn history with exact texts, a source with a refused
URL scheme, GROQ rows holding markup, a stream long enough to scroll, malformed events and
refused operations. The real worker boots and handles init, render and ping; only `ask` and
`stop` are answered by a script speaking the ask protocol (sources, token, ops, done, error).
The real worker and model answering questions are tested in test_chat_answers.py.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

BOOT_TIMEOUT = 60_000

SCRIPTED_ASK = """
window.__asks = [];
window.__stops = [];
window.__script = {
  tokens: [], delay: 60, sources: null, error: null, groq: undefined, lag: 1, malformed: false,
  hostile: false,
};
const Orig = window.Worker;
window.Worker = class extends Orig {
  constructor(...args) { super(...args); this.runs = new Map(); }
  emit(data) { this.dispatchEvent(new MessageEvent("message", { data })); }
  postMessage(message, ...rest) {
    if (message?.type === "ask") {
      window.__asks.push(structuredClone(message));
      return this.ask(message);
    }
    if (message?.type === "stop") {
      window.__stops.push(structuredClone(message));
      return this.stop(message);
    }
    return super.postMessage(message, ...rest);
  }
  ask({ id }) {
    const s = window.__script;
    if (s.malformed) return this.emit({ id, type: "sources", sources: "not a list" });
    if (s.hostile) {
      this.emit({ id, type: "token", text: "safe start " });
      this.emit({ id, type: "ops", ops: [["open", "p"], ["text", "safe start "]] });
      this.emit({ id, type: "ops", ops: [["open", "script"], ["text", "window.__xss = 1"]] });
      return;
    }
    if (s.sources) this.emit({ id, type: "sources", ...s.sources });
    const later = (event) => setTimeout(() => this.emit({ id, ...event }), s.delay);
    if (s.error !== null) return later({ type: "error", message: s.error });
    const groq = { kind: "groq", result: s.groq };
    if (s.groq !== undefined) return later({ type: "done", result: groq });
    const run = { text: "", i: 0, timer: 0 };
    this.runs.set(id, run);
    this.emit({ id, type: "ops", ops: [["open", "p"]] });
    const tick = () => {
      if (run.i < s.tokens.length) {
        const t = s.tokens[run.i++];
        run.text += t;
        this.emit({ id, type: "token", text: t });
        // A blank line ends the paragraph, as the real renderer's operations would.
        const ops = t.endsWith("\\n\\n")
          ? [["text", t.trimEnd()], ["close"], ["open", "p"]]
          : [["text", t]];
        this.emit({ id, type: "ops", ops });
        run.timer = setTimeout(tick, s.delay);
      } else {
        this.emit({ id, type: "ops", ops: [["close"]] });
        this.emit({ id, type: "done", result: { kind: "answer", text: run.text, stopped: false } });
        this.runs.delete(id);
      }
    };
    tick();
  }
  stop({ id, target }) {
    const run = this.runs.get(target);
    this.emit({ id, type: "done", result: null });
    if (!run) return;
    clearTimeout(run.timer);
    this.runs.delete(target);
    // Like the real worker, one more token may come before the ask ends.
    const late = window.__script.lag ? " LATE" : "";
    if (late) {
      run.text += late;
      this.emit({ id: target, type: "token", text: late });
      this.emit({ id: target, type: "ops", ops: [["text", late]] });
    }
    const result = { kind: "answer", text: run.text, stopped: true };
    this.emit({ id: target, type: "done", result });
  }
};
"""

WORDS = [f"word{i} " for i in range(40)]
SOURCES = {
    "query": '*[_type == "section" && [title, text] match $terms] | order(_score desc)[0...3]',
    "params": {"terms": ["read", "file"]},
    "sources": [
        {
            "n": 1,
            "_id": "io",
            "title": "Reading and Writing Files",
            "url": "https://example.org/io",
        },
        {"n": 2, "_id": "x", "title": "Refused scheme", "url": "javascript:alert(1)"},
    ],
}


def _ready(page: Page, site, **script) -> None:
    page.add_init_script(SCRIPTED_ASK)
    page.goto(site.url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    if script:
        page.evaluate("(s) => Object.assign(window.__script, s)", script)


def _ask(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def test_stop_button_keeps_the_partial_answer(page: Page, site) -> None:
    _ready(page, site, tokens=WORDS, delay=80)
    _ask(page, "Tell me everything")
    answer = page.locator("#messages article.assistant")
    expect(answer.locator(".content")).to_contain_text("word3")
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(answer).to_have_attribute("data-state", "done")
    expect(answer).to_have_attribute("data-stopped", "true")
    partial = answer.locator(".content").text_content()
    assert partial and "word39" not in partial
    page.wait_for_timeout(300)  # the worker's late token and done arrive and are ignored
    expect(answer.locator(".content")).to_have_text(partial)
    assert "LATE" not in partial
    asks = page.evaluate("() => window.__asks")
    assert page.evaluate("() => window.__stops") == [
        {"id": page.evaluate("() => window.__stops[0].id"), "type": "stop", "target": asks[0]["id"]}
    ]
    stored = page.evaluate("() => window.assistant.conversations.current()")["messages"][1]
    assert stored["stopped"] is True and stored["state"] == "done"
    assert stored["text"].strip() == partial.strip()
    expect(page.get_by_role("textbox", name="Message")).to_be_focused()


def test_escape_stops_generation(page: Page, site) -> None:
    _ready(page, site, tokens=WORDS, delay=80)
    _ask(page, "Go on")
    answer = page.locator("#messages article.assistant")
    expect(answer.locator(".content")).to_contain_text("word2")
    page.keyboard.press("Escape")
    expect(answer).to_have_attribute("data-state", "done")
    expect(answer.locator(".answer-note")).to_have_text("Stopped.")
    assert len(page.evaluate("() => window.__stops")) == 1


def test_regenerate_replaces_the_last_answer_with_the_history_before_it(page: Page, site) -> None:
    _ready(page, site, tokens=["first ", "answer"], delay=20)
    _ask(page, "Question one")
    expect(page.locator("#messages article.assistant")).to_have_attribute("data-state", "done")
    page.evaluate("() => { window.__script.tokens = ['second ', 'answer']; }")
    _ask(page, "Question two")
    answers = page.locator("#messages article.assistant")
    expect(answers.nth(1)).to_have_attribute("data-state", "done")
    # Only the last answer offers Regenerate.
    expect(page.get_by_role("button", name="Regenerate")).to_have_count(1)
    page.evaluate("() => { window.__script.tokens = ['fresh ', 'answer']; }")
    answers.nth(1).get_by_role("button", name="Regenerate").click()
    expect(answers).to_have_count(2)
    expect(answers.nth(1)).to_have_attribute("data-state", "done")
    expect(answers.nth(1).locator(".content")).to_have_text("fresh answer")
    expect(page.locator("#messages article.user")).to_have_text(["Question one", "Question two"])
    asks = page.evaluate("() => window.__asks")
    assert [a["text"] for a in asks] == ["Question one", "Question two", "Question two"]
    history = [
        {"role": "user", "content": "Question one"},
        {"role": "assistant", "content": "first answer"},
    ]
    assert asks[1]["history"] == history
    assert asks[2]["history"] == history
    texts = [
        m["text"]
        for m in page.evaluate("() => window.assistant.conversations.current()")["messages"]
    ]
    assert texts == ["Question one", "first answer", "Question two", "fresh answer"]


def test_groq_results_render_as_table_or_json(page: Page, site) -> None:
    rows = [{"_id": "a", "title": "Files", "n": 1}, {"_id": "b", "title": "<b>x</b>", "ok": True}]
    _ready(page, site, groq=rows)
    _ask(page, '/groq *[_type == "page"]{_id, title}')
    answer = page.locator("#messages article.assistant").last
    expect(answer).to_have_attribute("data-state", "done")
    table = answer.get_by_role("table")
    expect(table.locator("th")).to_have_text(["_id", "title", "n", "ok"])
    expect(table.locator("tbody tr").nth(1).locator("td")).to_have_text(
        ["b", "<b>x</b>", "", "true"]
    )
    expect(answer.locator("b")).to_have_count(0)

    nested = {"count": 2, "items": [{"a": {"b": 1}}]}
    page.evaluate("(g) => { window.__script.groq = g; }", nested)
    _ask(page, "/groq {count: count(*)}")
    answer = page.locator("#messages article.assistant").last
    expect(answer).to_have_attribute("data-state", "done")
    expect(answer.locator("pre.json")).to_have_text(json.dumps(nested, indent=2))
    asks = page.evaluate("() => window.__asks")
    assert asks[1]["history"] == [], "GROQ turns are not conversation history"


def test_scrolling_up_stops_following_and_jump_returns(page: Page, site) -> None:
    page.set_viewport_size({"width": 900, "height": 500})
    _ready(page, site, tokens=[f"line {i}\n\n" for i in range(80)], delay=40)
    _ask(page, "Long")
    log = page.get_by_role("log")
    expect(log.locator(".content")).to_contain_text("line 20")
    at_bottom = "(el) => el.scrollHeight - el.scrollTop - el.clientHeight < 60"
    # Scrolling follows the stream within a frame: poll briefly rather than race a token.
    page.wait_for_function(f"() => ({at_bottom})(document.getElementById('messages'))")
    log.hover()
    page.mouse.wheel(0, -600)
    jump = page.get_by_role("button", name="Jump to latest")
    expect(jump).to_be_visible()
    expect(log.locator(".content")).to_contain_text("line 40")
    assert not log.evaluate(at_bottom), "the log must not pull the reader down while they read"
    jump.click()
    expect(jump).to_be_hidden()
    page.wait_for_function(f"() => ({at_bottom})(document.getElementById('messages'))")
    expect(log.locator("article.assistant")).to_have_attribute("data-state", "done", timeout=10_000)
    page.wait_for_function(f"() => ({at_bottom})(document.getElementById('messages'))")


def test_backend_choice_when_the_browser_has_a_built_in_model(page: Page, site) -> None:
    page.add_init_script(
        "Object.defineProperty(window, 'LanguageModel', { configurable: true,"
        " value: { availability: async () => 'available' } });"
    )
    _ready(page, site, tokens=["ok"], delay=10)
    choice = page.get_by_role("combobox", name="Model")
    expect(choice).to_be_visible()
    expect(choice.locator("option")).to_have_text(["SmolLM2 (ONNX)", "Built-in model (Prompt API)"])
    choice.select_option(label="Built-in model (Prompt API)")
    expect(page.locator("#backend-status")).to_have_text("Built-in model (Prompt API) · ready")
    _ask(page, "Which model?")
    expect(page.locator("#messages article.assistant")).to_have_attribute("data-state", "done")
    assert page.evaluate("() => window.__asks")[0]["backend"] == "prompt-api"
    page.reload()  # the choice is remembered
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    expect(page.get_by_role("combobox", name="Model")).to_have_value("prompt-api")


def test_without_a_built_in_model_only_onnx_is_shown(page: Page, site) -> None:
    page.add_init_script(
        "Object.defineProperty(window, 'LanguageModel', { configurable: true,"
        " value: { availability: async () => 'unavailable' } });"
    )
    _ready(page, site)
    expect(page.get_by_role("combobox", name="Model")).to_be_hidden()
    # The real model loads after Python is ready; it takes seconds, not milliseconds.
    expect(page.locator("#backend-status")).to_have_text("SmolLM2 (ONNX) · ready", timeout=90_000)


def test_malformed_event_fails_its_answer_not_the_page(page: Page, site) -> None:
    _ready(page, site, malformed=True)
    _ask(page, "Anything")
    answer = page.locator("#messages article.assistant")
    expect(answer).to_have_attribute("data-state", "error")
    expect(answer.locator(".error-text")).to_contain_text("sources event without a query")
    expect(page.locator("html")).to_have_attribute("data-state", "ready")
    page.evaluate("() => { window.__script.malformed = false; window.__script.tokens = ['fine']; }")
    _ask(page, "Again")
    expect(page.locator("#messages article.assistant").last).to_have_attribute("data-state", "done")


def test_refused_operation_ends_the_answer_as_an_error_and_builds_nothing(page: Page, site) -> None:
    _ready(page, site, hostile=True)
    _ask(page, "Anything")
    answer = page.locator("#messages article.assistant")
    expect(answer).to_have_attribute("data-state", "error")
    expect(answer.locator(".error-text")).to_contain_text("refuses to show")
    expect(answer.locator(".content p").first).to_have_text("safe start ")
    expect(page.locator("#messages script")).to_have_count(0)
    assert page.evaluate("() => window.__xss") is None
    stops = page.evaluate("() => window.__stops")
    assert [s["target"] for s in stops] == [page.evaluate("() => window.__asks")[0]["id"]]
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    stored = page.evaluate("() => window.assistant.conversations.current()")["messages"][1]
    assert stored["state"] == "error" and stored["text"] == "safe start "
