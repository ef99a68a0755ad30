"""The page boots Python from local files, shows real progress, and answers a ping."""

from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.conftest import PROGRESS_SPY

BOOT_TIMEOUT = 60_000


def _watch(page: Page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"csp": [], "errors": [], "requests": []}

    def on_console(msg: ConsoleMessage) -> None:
        text = msg.text
        if "Content Security Policy" in text or "Trusted Type" in text:
            seen["csp"].append(text)
        if msg.type == "error":
            seen["errors"].append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda err: seen["errors"].append(str(err)))
    page.context.on("request", lambda req: seen["requests"].append(req.url))
    return seen


def test_boots_python_and_answers_ping(page: Page, site) -> None:
    seen = _watch(page)
    progress_values: list[float] = []
    page.expose_function("__recordProgress", lambda v: progress_values.append(v))
    response = page.goto(site.url)
    assert response is not None
    csp = response.headers.get("content-security-policy", "")
    assert "require-trusted-types-for 'script'" in csp and "default-src 'self'" in csp
    assert response.headers.get("cross-origin-embedder-policy") == "require-corp"

    root = page.locator("html")
    expect(root).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    bar = page.locator("#boot-progress")
    assert float(bar.get_attribute("value")) == float(bar.get_attribute("max")) > 10_000_000

    result = page.evaluate("() => window.assistant.ping()")
    assert re.fullmatch(r"3\.1[4-9]\.\d+", result["python"]), result
    assert result["platform"] == "emscripten"
    expect(page.get_by_role("textbox", name="Message")).to_be_enabled()
    assert page.evaluate("() => self.crossOriginIsolated") is True

    assert seen["csp"] == [], seen["csp"]
    assert seen["errors"] == [], seen["errors"]
    foreign = [u for u in seen["requests"] if not u.startswith(site.url)]
    assert foreign == [], foreign


def test_progress_reports_each_stage_in_bytes(page: Page, site) -> None:
    """Record every progress event the page receives; each stage must climb to its total."""
    page.add_init_script(PROGRESS_SPY)
    page.goto(site.url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    events = page.evaluate("() => window.__progress")
    # The model stage goes on after boot, in the background: test_model checks it.
    stages = {e["stage"] for e in events} - {"model"}
    assert {"runtime", "stdlib", "packages", "app"} <= stages, stages
    for stage in stages:
        mine = [e for e in events if e["stage"] == stage]
        loaded = [e["loaded"] for e in mine]
        assert loaded == sorted(loaded), f"{stage} went backwards: {loaded}"
        assert mine[-1]["loaded"] == mine[-1]["total"] > 0, mine[-1]
    runtime = [e for e in events if e["stage"] == "runtime"]
    assert len(runtime) > 2, "the runtime stage should report bytes while downloading"


def test_failed_stage_shows_error_and_retry_recovers(page: Page, site) -> None:
    state = {"fail": True}

    def maybe_fail(route) -> None:
        if state["fail"]:
            route.abort()
        else:
            route.continue_()

    page.context.route(re.compile(r".*python_stdlib\.zip$"), maybe_fail)
    page.goto(site.url)
    root = page.locator("html")
    expect(root).to_have_attribute("data-state", "error", timeout=BOOT_TIMEOUT)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("failed to load")
    state["fail"] = False
    page.get_by_role("button", name="Retry").click()
    expect(root).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    assert page.evaluate("() => window.assistant.ping()")["platform"] == "emscripten"


def test_boots_without_cross_origin_isolation(page: Page, unisolated_site) -> None:
    response = page.goto(unisolated_site.url)
    assert response is not None and "cross-origin-embedder-policy" not in response.headers
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    assert page.evaluate("() => self.crossOriginIsolated") is False
    assert page.evaluate("() => window.assistant.ping()")["platform"] == "emscripten"
