"""After one visit the assistant boots with no network at all: the service worker serves it."""

from __future__ import annotations

import json
import re
import shutil

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import SiteServer

BOOT_TIMEOUT = 60_000


def _wait_for_service_worker(page: Page) -> None:
    page.wait_for_function(
        "async () => { const r = await navigator.serviceWorker.ready; return !!r.active &&"
        " navigator.serviceWorker.controller !== null; }",
        timeout=BOOT_TIMEOUT,
    )


def test_reload_offline_boots_from_service_worker(
    context: BrowserContext, page: Page, site
) -> None:
    page.goto(site.url)
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    _wait_for_service_worker(page)
    # Cut the network twice over: the browser is offline and the server is gone.
    context.set_offline(True)
    site.stop()
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
    assert page.evaluate("() => window.assistant.ping()")["platform"] == "emscripten"
    # The service worker also carries the headers, so the offline page keeps its isolation.
    assert page.evaluate("() => self.crossOriginIsolated") is True


def test_update_waits_for_next_load_without_breaking_the_open_page(
    context: BrowserContext, page: Page, built_site, tmp_path
) -> None:
    """A new version installs in the background; the open page keeps working and is told."""
    root = tmp_path / "site"
    shutil.copytree(built_site, root)
    server = SiteServer(root)
    try:
        page.goto(server.url)
        expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
        _wait_for_service_worker(page)
        page.get_by_role("textbox", name="Message").fill("a half-written question")

        # Publish a new version: a changed page and service worker, as every new build writes.
        for name in ("sw.js", "index.html"):
            for stale in (".gz", ".br"):
                (root / (name + stale)).unlink(missing_ok=True)
        sw = root / "sw.js"
        sw.write_text(sw.read_text().replace("const VERSION = ", "const VERSION = 'next-' + "))
        index = root / "index.html"
        index.write_text(index.read_text().replace("<title>", "<title>Next: "))
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        note = page.locator("#update-note")
        expect(note).to_be_visible(timeout=BOOT_TIMEOUT)
        expect(note).to_contain_text("update is ready")
        # The open conversation is untouched and the worker still answers.
        expect(page.get_by_role("textbox", name="Message")).to_have_value("a half-written question")
        assert page.evaluate("() => window.assistant.ping()")["platform"] == "emscripten"

        # Next load runs the new version, and keeps working with the network cut.
        page.reload()
        expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
        expect(page).to_have_title(re.compile("^Next: "))
        context.set_offline(True)
        server.stop()
        page.reload()
        expect(page.locator("html")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT)
        expect(page).to_have_title(re.compile("^Next: "))
        assert page.evaluate("() => window.assistant.ping()")["platform"] == "emscripten"
    finally:
        server.stop()  # idempotent: the test may have stopped it already


def test_web_manifest_is_installable(page: Page, site) -> None:
    page.goto(site.url)
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = json.loads(page.request.get(site.url + href).text())
    assert manifest["name"] and manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "./"
    sizes = {icon["sizes"]: icon for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes.keys()
    for size, icon in sizes.items():
        response = page.request.get(site.url + icon["src"])
        assert response.ok and response.headers["content-type"] == "image/png"
        body = response.body()
        width = int.from_bytes(body[16:20], "big")
        height = int.from_bytes(body[20:24], "big")
        assert f"{width}x{height}" == size
