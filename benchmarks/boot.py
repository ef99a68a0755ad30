"""Cold boot to "Python ready", cached and offline, against Pyodide's bare loadPyodide.

Both pages run in the same headless Chromium, on the same runtime files, in the same run:
  ours: the real page, second and later visits served by its service worker with the network cut;
  bare: a page whose worker does nothing but `loadPyodide()` from the same local files
        (warm HTTP cache).
Prints the median of 5 reloads for each and their ratio (goal: ours within 1.2x of bare).

    .venv/bin/python benchmarks/boot.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, SiteServer  # noqa: E402
from wasm_build.site import build  # noqa: E402
from wasm_build.web_assets import read_boot_config  # noqa: E402

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare</title>
<script type="module" src="bare.js"></script>"""
BARE_PAGE = """const tt = trustedTypes.createPolicy("bench", {createScriptURL: (u) => u});
const w = new Worker(tt.createScriptURL("bare_worker.js"), {type: "module"});
w.onmessage = (e) => { window.__ready = performance.now(); window.__python = e.data; };"""
BARE_WORKER = """const { loadPyodide } = await import("./%s");
const py = await loadPyodide({
  indexURL: new URL("./%s", location.href).href,
  lockFileURL: new URL("./%s", location.href).href,
});
postMessage(py.runPython("import sys; sys.version.split()[0]"));"""


READY = "() => document.documentElement.dataset.state === 'ready'"
BARE_READY = "() => window.__ready !== undefined"
OURS_TIME = "() => performance.getEntriesByName('assistant-ready')[0].startTime"


def bare_site(dist: Path, folder: Path) -> None:
    config = read_boot_config((dist / "index.html").read_text())
    index = config["pyodide"]["indexURL"]
    (folder / "bare.html").write_text(BARE_HTML)
    (folder / "bare.js").write_text(BARE_PAGE)
    lock = config["pyodide"]["lockFileURL"]
    (folder / "bare_worker.js").write_text(BARE_WORKER % (config["pyodide"]["module"], index, lock))


def measure(runs: int) -> dict[str, list[float]]:
    build()
    dist = ROOT / "dist"
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(dist, site)
        bare_site(dist, site)
        server = SiteServer(site)
        results: dict[str, list[float]] = {"ours": [], "bare": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            ours_ctx = browser.new_context()
            ours = ours_ctx.new_page()
            ours.goto(server.url)
            ours.wait_for_function(READY, timeout=120_000)
            ours.wait_for_function(
                "() => navigator.serviceWorker.controller !== null", timeout=60_000
            )
            ours_ctx.set_offline(True)
            bare = browser.new_context().new_page()
            bare.goto(server.url + "bare.html")
            bare.wait_for_function(BARE_READY, timeout=120_000)
            # Interleaved, so a busy moment on the machine hits both pages alike.
            for _ in range(runs):
                ours.reload()
                ours.wait_for_function(READY, timeout=120_000)
                results["ours"].append(ours.evaluate(OURS_TIME))
                bare.reload()
                bare.wait_for_function(BARE_READY, timeout=120_000)
                results["bare"].append(bare.evaluate("() => window.__ready"))
            browser.close()
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = measure(args.runs)
    ours, bare = statistics.median(results["ours"]), statistics.median(results["bare"])
    print(f"{'page':<34}{'median ms':>10}  runs")
    print(
        f"{'bare loadPyodide (HTTP cache)':<34}{bare:>10.0f}  {[round(x) for x in results['bare']]}"
    )
    print(f"{'assistant, offline via SW':<34}{ours:>10.0f}  {[round(x) for x in results['ours']]}")
    print(f"ratio ours/bare: {ours / bare:.2f}x (goal <= 1.20x)")


if __name__ == "__main__":
    main()
