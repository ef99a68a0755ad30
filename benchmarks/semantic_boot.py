"""Cold boots of the real page with and without the passage vectors, for semantic_bench.py
(`--boot N`): does loading the question encoder delay "ready" or the language model?"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

SEMANTIC_PROBE = """() => {
  window.assistant.send({ type: "semantic" }).then((semantic) => {
    window.__semantic = { semantic, semanticAt: performance.now() };
  });
}"""
BOOT_PROBE = """async () => {
  const ready = performance.getEntriesByName("assistant-ready")[0]?.startTime ?? null;
  return { ready, ...window.__semantic };
}"""


def boot_times(dist: Path, runs: int, timeout_s: float, flags: list[str]) -> list[dict]:
    """The real page, cold: when "ready" comes, when the language model is ready and when
    semantic ranking is, with the passage vectors served and with them answering 404 (the
    embedder then never loads: the keyword-only baseline), alternating."""
    from playwright.sync_api import sync_playwright

    from wasm_build.serve import make_server
    from wasm_build.web_assets import read_boot_config

    config = read_boot_config((dist / "index.html").read_text())
    server = make_server(0, root=dist)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    out = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=flags)
            for run in range(runs * 2):
                semantic = run % 2 == 0
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                if not semantic:
                    page.route(site + config["embed"]["vectors"], lambda r: r.fulfill(status=404))
                page.goto(site)
                page.wait_for_function(
                    "() => document.documentElement.dataset.state === 'ready'",
                    timeout=timeout_s * 1000,
                    polling=20,
                )
                page.evaluate(SEMANTIC_PROBE)
                page.wait_for_function(
                    "() => document.querySelector('#backend-status')?.dataset.ready === 'true'",
                    timeout=timeout_s * 1000,
                    polling=50,
                )
                model = page.evaluate("() => performance.now()")
                page.wait_for_function("() => window.__semantic", timeout=timeout_s * 1000)
                probe = page.evaluate(BOOT_PROBE)
                out.append({"with_vectors": semantic, "model": model, **probe})
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def print_boot(runs: list[dict]) -> None:
    import statistics

    print(
        f"{'cold boot, median ms since navigation':<44}{'ready':>10}{'model':>10}{'semantic':>10}"
    )
    for semantic, name in ((False, "vectors 404 (keyword-only, baseline)"), (True, "semantic")):
        rows = [r for r in runs if r["with_vectors"] == semantic]
        ready = statistics.median(r["ready"] for r in rows)
        model = statistics.median(r["model"] for r in rows)
        sem = statistics.median(r["semanticAt"] for r in rows)
        print(f"{name:<44}{ready:>10.0f}{model:>10.0f}{sem:>10.0f}")
        if semantic and not all(r["semantic"]["available"] for r in rows):
            print(f"  semantic ranking failed to load: {rows[0]['semantic']}")
