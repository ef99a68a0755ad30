"""End-to-end fixtures: build dist/ once per run, serve it on a free port, drive Debian Chromium.

Playwright's own browser download cannot work here (no internet), so the browser is the
system's Chromium, launched with flags that keep it from reaching for the network.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wasm_build.serve import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# An init script that records every progress event the page's worker posts, in window.__progress.
PROGRESS_SPY = """
window.__progress = [];
const OriginalWorker = window.Worker;
window.Worker = class extends OriginalWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => {
      if (e.data?.type === "progress") window.__progress.push(e.data);
    });
  }
};
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (the test command installs it: see README)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


class SiteServer:
    """A preview server in a thread, which a test can stop to cut the network for real."""

    def __init__(self, root: Path, *, isolation: bool = True) -> None:
        self.server = make_server(0, root=root, isolation=isolation)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()


@pytest.fixture
def site(built_site: Path) -> Iterator[SiteServer]:
    server = SiteServer(built_site)
    yield server
    server.stop()


@pytest.fixture
def unisolated_site(built_site: Path) -> Iterator[SiteServer]:
    server = SiteServer(built_site, isolation=False)
    yield server
    server.stop()
