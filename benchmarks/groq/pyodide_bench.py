"""The GROQ benchmark query set inside Pyodide in headless Chromium, against CPython.

    .venv/bin/python benchmarks/groq/pyodide_bench.py [--docs 20000] [--repeats 5]

Uses the Pyodide runtime of the built site (dist/assets/pyodide-*, from the site build),
loads this checkout's pure-Python `app.groq` and `app.content` into it, generates the same
dataset as benchmarks/groq_bench.py inside the browser, and prints per-query medians with
the Pyodide/CPython ratio (how many times slower the browser is). CPython runs the same
queries in this process first.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from groq_bench import QUERIES, generate  # noqa: E402

from app.content import Dataset  # noqa: E402
from app.groq import evaluate  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SOURCES = ["app/__init__.py", "app/groq", "app/content", "benchmarks/groq_bench.py"]

PAGE = """<!doctype html><meta charset="utf-8"><script type="module">
import {loadPyodide} from "./pyodide/pyodide.mjs";
window.runBench = async (docs, repeats) => {
  const pyodide = await loadPyodide({indexURL: "./pyodide/", lockFileURL: "./pyodide-lock.json"});
  const files = await (await fetch("./sources.json")).json();
  for (const [path, text] of Object.entries(files)) {
    const dir = path.split("/").slice(0, -1).join("/");
    if (dir) pyodide.FS.mkdirTree("/home/pyodide/" + dir);
    pyodide.FS.writeFile("/home/pyodide/" + path, text);
  }
  pyodide.globals.set("DOCS", docs);
  pyodide.globals.set("REPEATS", repeats);
  return pyodide.runPython(`
import json, sys, time
sys.path.insert(0, "/home/pyodide")
sys.path.insert(0, "/home/pyodide/benchmarks")
from groq_bench import QUERIES, generate
from app.content import Dataset
from app.groq import evaluate
docs = generate(DOCS)
start = time.perf_counter()
dataset = Dataset(docs)
dataset.sorted_by("publishedAt", True)
out = {"_build_ms": (time.perf_counter() - start) * 1000}
for name, _, query, params in QUERIES:
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        result = evaluate(query, dataset, params=params)
        times.append((time.perf_counter() - t) * 1000)
    out[name] = {"times_ms": times, "result": result}
json.dumps(out)
`);
};
window.benchReady = true;
</script>"""


def find_pyodide() -> tuple[Path, Path]:
    assets = ROOT / "dist" / "assets"
    runtimes = sorted(assets.glob("pyodide-*/pyodide.mjs"))
    locks = sorted(assets.glob("pyodide-lock*.json"))
    if not runtimes or not locks:
        raise SystemExit("no Pyodide runtime in dist/assets: build the site first")
    return runtimes[-1].parent, locks[-1]


def stage(site: Path) -> None:
    runtime, lock = find_pyodide()
    shutil.copytree(runtime, site / "pyodide")
    shutil.copy(lock, site / "pyodide-lock.json")
    sources: dict[str, str] = {}
    for entry in SOURCES:
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            sources[str(file.relative_to(ROOT))] = file.read_text(encoding="utf-8")
    (site / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    (site / "index.html").write_text(PAGE, encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def run_browser(site: Path, docs: int, repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_function("window.benchReady === true")
            raw = page.evaluate("([d, r]) => window.runBench(d, r)", [docs, repeats])
            browser.close()
    finally:
        server.shutdown()
    return json.loads(raw)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    docs = generate(args.docs)
    start = time.perf_counter()
    dataset = Dataset(docs)
    dataset.sorted_by("publishedAt", True)
    cpython_build = (time.perf_counter() - start) * 1000
    cpython: dict[str, dict] = {}
    for name, _, query, params in QUERIES:
        times, result = [], None
        for _ in range(args.repeats):
            t = time.perf_counter()
            result = evaluate(query, dataset, params=params)
            times.append((time.perf_counter() - t) * 1000)
        cpython[name] = {"times_ms": times, "result": result}

    with tempfile.TemporaryDirectory() as tmp:
        stage(Path(tmp))
        browser = run_browser(Path(tmp), args.docs, args.repeats)

    print(f"dataset: {args.docs:,} documents")
    build = browser["_build_ms"]
    print(f"Dataset() build: CPython {cpython_build:.0f} ms, Pyodide {build:.0f} ms")
    header = f"{'query':<14}{'kind':<9}{'CPython ms':>12}{'Pyodide ms':>12}{'slower':>9}  equal"
    print(header)
    print("-" * len(header))
    failures = 0
    for name, kind, _, _ in QUERIES:
        mine = statistics.median(cpython[name]["times_ms"])
        web = statistics.median(browser[name]["times_ms"])
        equal = json.dumps(cpython[name]["result"], sort_keys=True) == json.dumps(
            browser[name]["result"], sort_keys=True
        )
        failures += not equal
        ratio = web / mine if mine else float("inf")
        verdict = "yes" if equal else "NO"
        print(f"{name:<14}{kind:<9}{mine:>12.2f}{web:>12.2f}{ratio:>8.1f}x  {verdict}")
    print("slower = Pyodide median / CPython median")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
