"""After one visit the assistant boots with no network at all: the service worker serves it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import time
from http import HTTPStatus
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import PROGRESS_SPY, SiteServer
from wasm_build.paths import DIST
from wasm_build.serve import Handler, Server
from wasm_build.web_assets import read_boot_config, read_service_worker_manifest

BOOT_TIMEOUT = 60_000


def _wait_for_service_worker(page: Page) -> None:
    # A synchronous predicate: wait_for_function takes a returned Promise as a truthy value.
    page.wait_for_function(
        "() => navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT
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


# What the service worker's asset cache holds for a URL, as the page can read it back.
CACHED_ENTRY = """async (url) => {
  const response = await (await caches.open("assets")).match(url);
  if (!response) return null;
  const bytes = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return {
    size: bytes.byteLength,
    sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
    length: response.headers.get("Content-Length"),
    encoding: response.headers.get("Content-Encoding"),
  };
}"""
MODEL_READY = "SmolLM2 (ONNX) · ready"


def site_copy(built_site: Path, root: Path) -> Path:
    """dist/ as hard links (no 200 MB copy), so that a test can swap one file of its own copy.
    Swap by unlinking first: writing through a link would change dist/ itself."""
    shutil.copytree(built_site, root, copy_function=os.link)
    return root


def model_path(root: Path) -> str:
    return read_boot_config((root / "index.html").read_text())["model"]["onnx"]


def controlled_reload(page: Page) -> None:
    """The first visit's worker may start before the service worker takes the page over; after
    a reload every fetch of the page and its worker goes through the service worker."""
    _wait_for_service_worker(page)
    page.reload()


def wait_until_cached(page: Page, url: str) -> dict:
    """The cache's copy is committed a moment after the page has read the last byte."""
    deadline = time.monotonic() + BOOT_TIMEOUT / 1000
    while (entry := page.evaluate(CACHED_ENTRY, url)) is None and time.monotonic() < deadline:
        time.sleep(0.25)
    assert entry is not None, f"{url} never reached the service worker's cache"
    return entry


def test_model_is_cached_whole_and_verified_and_loads_offline(
    context: BrowserContext, page: Page, site
) -> None:
    model = model_path(DIST)
    page.goto(site.url)
    expect(page.locator("#backend-status")).to_have_text(MODEL_READY, timeout=BOOT_TIMEOUT)
    controlled_reload(page)
    expect(page.locator("#backend-status")).to_have_text(MODEL_READY, timeout=BOOT_TIMEOUT)
    data = (DIST / model).read_bytes()
    entry = wait_until_cached(page, site.url + model)
    assert entry == {
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "length": str(len(data)),
        "encoding": None,
    }
    # A file the server sent brotli-compressed is kept decoded, and says so in its headers.
    wasm = next(
        p
        for p in read_service_worker_manifest((DIST / "sw.js").read_text())["precache"]
        if p.endswith(".wasm") and (DIST / (p + ".br")).is_file()
    )
    plain = (DIST / wasm).read_bytes()
    assert page.evaluate(CACHED_ENTRY, site.url + wasm) == {
        "size": len(plain),
        "sha256": hashlib.sha256(plain).hexdigest(),
        "length": str(len(plain)),
        "encoding": None,
    }

    context.set_offline(True)
    site.stop()
    page.reload()
    expect(page.locator("#backend-status")).to_have_text(MODEL_READY, timeout=BOOT_TIMEOUT)
    out = page.evaluate(
        """() => window.assistant.send({ type: "generate", max_tokens: 4, greedy: true,
              messages: [{ role: "user", content: "Hello" }] })"""
    )
    assert out["ids"]


class _StallingWriter:
    """The socket writer of one response, which stops once `limit` bytes are out until `gate`
    opens: a download caught half way."""

    def __init__(self, inner, limit: int, gate: threading.Event) -> None:
        self.inner, self.limit, self.gate, self.sent = inner, limit, gate, 0

    def write(self, data: bytes) -> int:
        if self.sent + len(data) > self.limit:
            self.gate.wait(BOOT_TIMEOUT / 1000)
        self.sent += len(data)
        return self.inner.write(data)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_half_downloaded_model_is_cached_only_once_whole_even_after_the_page_left(
    context: BrowserContext, page: Page, built_site
) -> None:
    """The cache reads the download as it arrives, chunk by verified chunk, yet holds nothing
    until the file is whole; a visitor who leaves half way does not lose the download, and the
    next visit starts from the cache instead of downloading the model again."""
    model = model_path(built_site)
    size = (built_site / model).stat().st_size
    gate = threading.Event()
    requests: list[str] = []

    class Stalling(Handler):
        root = built_site

        def _serve(self, *, head: bool) -> None:
            if self.path.endswith("/" + model):
                requests.append(self.path)
                if len(requests) == 1:  # the first visit, maybe not yet through the worker
                    self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, "not yet")
                    return
                self.wfile = _StallingWriter(self.wfile, size // 2, gate)
            super()._serve(head=head)

    server = Server(("127.0.0.1", 0), Stalling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        page.add_init_script(PROGRESS_SPY)
        page.goto(url)
        expect(page.locator("#backend-status")).to_contain_text("failed", timeout=BOOT_TIMEOUT)
        controlled_reload(page)
        # The worker only ever receives bytes the service worker has verified, and the cache
        # takes each chunk together with the worker: a third of the model has gone to both.
        page.wait_for_function(
            "(bytes) => window.__progress.some((e) => e.stage === 'model' && e.loaded > bytes)",
            arg=size // 3,
            timeout=BOOT_TIMEOUT,
        )
        assert page.evaluate(CACHED_ENTRY, url + model) is None
        page.goto("about:blank")  # the visitor leaves; the page's half of the stream ends
        gate.set()
        (worker,) = context.service_workers
        deadline = time.monotonic() + BOOT_TIMEOUT / 1000
        while (entry := worker.evaluate(CACHED_ENTRY, url + model)) is None:
            assert time.monotonic() < deadline, "the download stopped when the page left"
            time.sleep(0.25)
        data = (built_site / model).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()

        page.goto(url)
        expect(page.locator("#backend-status")).to_have_text(MODEL_READY, timeout=BOOT_TIMEOUT)
        assert len(requests) == 2
    finally:
        gate.set()
        server.shutdown()
        server.server_close()
