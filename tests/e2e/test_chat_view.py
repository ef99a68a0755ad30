"""The chat view against the real worker: names, roles, keyboard, and a failed answer's state."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

BOOT_TIMEOUT = 60_000
ANSWER_TIMEOUT = 30_000

# Records what the worker really sends, and every aria-busy change of the message list.
RECORDER = """
window.__events = [];
window.__busy = [];
const Orig = window.Worker;
window.Worker = class extends Orig {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => window.__events.push(e.data));
  }
};
new MutationObserver(() => {
  const log = document.getElementById("messages");
  if (log && !log.__watched) {
    log.__watched = true;
    new MutationObserver(() => window.__busy.push(log.getAttribute("aria-busy")))
      .observe(log, { attributes: true, attributeFilter: ["aria-busy"] });
  }
}).observe(document, { childList: true, subtree: true });
"""

UNLABELLED_CONTROLS = """
() => [...document.querySelectorAll("button, textarea, input, select, [role=log]")]
  .filter((el) => el.checkVisibility())
  .filter((el) => {
    const labelled = (el.getAttribute("aria-label") || "").trim()
      || (el.labels && [...el.labels].some((l) => l.textContent.trim()))
      || (el.getAttribute("aria-labelledby") || "").trim();
    const text = el.localName === "button" && el.textContent.trim();
    return !labelled && !text;
  })
  .map((el) => el.outerHTML.slice(0, 120))
"""


def _ready(page: Page, site) -> None:
    page.goto(site.url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)


def test_controls_have_the_names_and_roles_outside_checks_use(page: Page, site) -> None:
    _ready(page, site)
    expect(page.get_by_role("textbox", name="Message")).to_be_focused()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()
    log = page.get_by_role("log", name="Messages")
    expect(log).to_be_visible()
    # The finished answer is announced once by the separate live region, not piecemeal by the log.
    expect(log).to_have_attribute("aria-live", "off")
    expect(page.locator("#announcer")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="Conversations")).to_be_visible()
    expect(page.get_by_role("button", name="New conversation")).to_be_visible()
    # The real model loads after Python is ready; it takes seconds, not milliseconds.
    expect(page.locator("#backend-status")).to_have_text("SmolLM2 (ONNX) · ready", timeout=90_000)
    assert page.evaluate(UNLABELLED_CONTROLS) == []


def test_enter_sends_and_shift_enter_adds_a_line(page: Page, site) -> None:
    _ready(page, site)
    box = page.get_by_role("textbox", name="Message")
    box.press_sequentially("first line")
    box.press("Shift+Enter")
    box.press_sequentially("second line")
    expect(box).to_have_value("first line\nsecond line")
    expect(page.locator("#messages article")).to_have_count(0)

    box.press("Enter")
    expect(box).to_have_value("")
    question = page.locator("#messages article.user")
    expect(question).to_have_count(1)
    expect(question).to_have_text("first line\nsecond line")
    answer = page.locator("#messages article.assistant")
    expect(answer).to_have_count(1)
    expect(answer).to_have_attribute(
        "data-state", re.compile(r"^(done|error)$"), timeout=ANSWER_TIMEOUT
    )
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    # A blank message sends nothing.
    box.press("Enter")
    box.fill("   ")
    box.press("Enter")
    expect(page.locator("#messages article.user")).to_have_count(1)


def test_failed_answer_shows_the_workers_message_and_survives_reload(page: Page, site) -> None:
    page.add_init_script(RECORDER)
    _ready(page, site)
    box = page.get_by_role("textbox", name="Message")
    # A GROQ syntax error is an error event whatever else the worker can do.
    box.fill('/groq *[_type == "page"')
    box.press("Enter")
    answer = page.locator("#messages article.assistant")
    expect(answer).to_have_attribute("data-state", "error", timeout=ANSWER_TIMEOUT)
    errors = [e for e in page.evaluate("() => window.__events") if e["type"] == "error"]
    assert len(errors) == 1, errors
    message = errors[0]["message"]
    shown = answer.locator("pre.error-text")
    expect(shown).to_have_text(message)
    assert page.evaluate("() => window.__busy") == ["true", None]
    expect(page.locator("#announcer")).to_have_text(f"The answer failed: {message}")
    expect(page.get_by_role("button", name="Regenerate")).to_be_visible()

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    restored = page.locator("#messages article.assistant")
    expect(restored).to_have_attribute("data-state", "error")
    expect(restored.locator("pre.error-text")).to_have_text(message)
    expect(page.locator("#messages article.user")).to_have_text('/groq *[_type == "page"')


def test_keyboard_reaches_every_control_with_visible_focus(page: Page, site) -> None:
    page.add_init_script(RECORDER)
    _ready(page, site)
    page.get_by_role("textbox", name="Message").fill("/groq *[")
    page.keyboard.press("Enter")
    expect(page.locator("#messages article.assistant")).to_have_attribute(
        "data-state", "error", timeout=ANSWER_TIMEOUT
    )
    reached: list[str] = []
    outlines: list[str] = []
    for _ in range(25):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (el === document.body) return ["(browser chrome)", "visible"];
              const box = el.closest(".composer") || el;
              const style = getComputedStyle(box);
              const ring = style.outlineStyle !== "none" || style.boxShadow !== "none";
              const name = el.getAttribute("aria-label") || el.textContent.trim() || el.id;
              return [name, ring ? "visible" : "none"];
            }"""
        )
        reached.append(info[0])
        outlines.append(f"{info[0]}: {info[1]}")
    for name in ("New conversation", "Messages", "Message", "Send", "Copy", "Regenerate"):
        assert name in reached, (name, reached)
    assert all(o.endswith("visible") for o in outlines), outlines
