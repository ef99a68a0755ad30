"""Streaming Markdown in Chromium: our renderer vs marked + DOMPurify and streaming-markdown.

One deterministic ~20,000-token answer (prose, code, lists, tables, quotes, links), cut into
token-sized chunks (~4 characters, split the way a tokenizer splits), streams in the same run,
in headless Chromium on the built site (benchmarks/render/ pages, strict CSP), through:
  marked       marked.parse + DOMPurify.sanitize of the whole text so far into innerHTML, per
               chunk (the common recipe; quadratic, so by default only every 20th prefix is
               rendered and the sum scaled by 20; --marked-stride 1 renders all, ~30 min);
  smd          npm streaming-markdown, its parser and default DOM renderer;
  ours-replay  app.render.Renderer's ops for each chunk applied by the real OpApplier (the built
               dom_ops.<hash>.js), as fast as possible: the page-side cost next to smd's;
  ours         the real architecture live: Pyodide in a worker (the site's runtime and app wheel)
               runs Renderer.write as chunks arrive (--rate a second) and posts each chunk's ops,
               which the page applies as they come;
  smd-live     streaming-markdown fed at ours' live pace (the same worker messages, no Python);
  control      ours' pacing with no Python and no ops: the page and the machine alone.
Every chunk is handled in a task of its own. It prints main-thread time in the render/apply
calls, the longest task (PerformanceObserver 'longtask' and the longest timed call) with the
browser's split of the worst frame, and Python's cost per chunk by decile of the stream, then
checks the goals: ours at least 10x less main-thread time than marked, no task over 50 ms, and a
flat Python cost per chunk (last decile's median within 1.5x of the first's). Timings are
wall-clock, so a busy machine inflates the longest tasks: compare with the control row.

    .venv/bin/python benchmarks/render_bench.py [--tokens 20000] [--rate 1000] [--no-build]

The npm peers (benchmarks/render/package.json and its lock) are installed into build/bench-node/
on the first run; nothing comes from a CDN.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, SiteServer  # noqa: E402
from wasm_build.shell import BuildError  # noqa: E402
from wasm_build.site import build  # noqa: E402
from wasm_build.web_assets import read_boot_config  # noqa: E402

PAGES = ROOT / "benchmarks" / "render"
NODE = ROOT / "build" / "bench-node"
PAGE_FILES = ("bench.html", "bench.js", "py_worker.js", "chunk_timer.py")
VENDOR = {
    "marked.esm.js": "marked/lib/marked.esm.js",
    "purify.es.mjs": "dompurify/dist/purify.es.mjs",
    "smd.js": "streaming-markdown/smd.js",
}
LABELS = {
    "marked": "marked + DOMPurify, full text per chunk",
    "smd": "streaming-markdown, one chunk a task",
    "ours-replay": "ours: OpApplier, one chunk a task",
    "ours": "ours live: Pyodide worker -> OpApplier",
    "smd-live": "streaming-markdown at the live pace",
    "control": "control: live pace, nothing rendered",
}
RESULT = "() => window.__result !== undefined"
# 'toplevel' has every task of every thread with its wall and CPU time; user timing has the
# marks the page sets around its run.
TRACE_CATEGORIES = ["toplevel", "blink.user_timing"]
TASKS = {"ThreadControllerImpl::RunTask", "RunTask"}
RUN_TIMEOUT_MS = 7_200_000  # --marked-stride 1 takes about half an hour

# ---- the answer ---------------------------------------------------------------------------------

WORDS = (
    "dataset query document index answer model worker render stream token chunk schema field "
    "reference image author post slug title body excerpt category filter order projection "
    "pipeline browser cache service offline parser element attribute paragraph heading table "
    "column value result latency memory budget runtime package wheel module import export "
    "content search ranking source citation snippet window thread message event request"
).split()
TOKEN = re.compile(r" ?[A-Za-z]{1,8}| ?[0-9]{1,3}| ?[^A-Za-z0-9\s]{1,3}|\s")


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _sentence(rng: random.Random, i: int) -> str:
    decorations = [
        lambda: f"**{_phrase(rng, 2)}**",
        lambda: f"*{_phrase(rng, 2)}*",
        lambda: f"`{rng.choice(WORDS)}_{rng.choice(WORDS)}()`",
        lambda: f"[{_phrase(rng, 2)}](https://example.com/docs/{rng.choice(WORDS)}-{i})",
        lambda: f"~~{_phrase(rng, 1)}~~",
        lambda: f"see https://example.org/{rng.choice(WORDS)}/{i}",
        lambda: f"$x_{{{i % 9}}} + y^2$",
        lambda: f"[{1 + i % 3}]",
    ]
    words = [_phrase(rng, rng.randint(3, 7)), rng.choice(decorations)(), _phrase(rng, 5)]
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _section(rng: random.Random, i: int) -> str:
    sentences = " ".join(_sentence(rng, i) for _ in range(rng.randint(3, 5)))
    bullets = "\n".join(f"- {_sentence(rng, i)}" for _ in range(rng.randint(2, 4)))
    nested = "\n".join(f"  - {_phrase(rng, 4)} `{rng.choice(WORDS)}`" for _ in range(2))
    tasks = "\n".join(f"- [{'x' if k % 2 else ' '}] {_phrase(rng, 4)}" for k in range(2))
    ordered = "\n".join(f"{k}. {_sentence(rng, i)}" for k in range(1, rng.randint(3, 5)))
    code = "\n".join(
        f"    {rng.choice(WORDS)}_{k} = query({rng.choice(WORDS)!r}, limit={k * 10})"
        for k in range(rng.randint(6, 10))
    )
    head = "| " + " | ".join(rng.choice(WORDS).title() for _ in range(4)) + " |"
    rows = "\n".join(
        f"| {_phrase(rng, 2)} | `{rng.choice(WORDS)}` | {rng.randint(1, 999)} "
        f"| **{rng.choice(WORDS)}** |"
        for _ in range(rng.randint(4, 6))
    )
    quote = f"> {_sentence(rng, i)}\n> {_sentence(rng, i)}"
    rule = "\n---\n" if i % 4 == 3 else ""
    return (
        f"## {_phrase(rng, 3).title()} {i}\n\n{sentences}\n\n{bullets}\n{nested}\n{tasks}\n\n"
        f"{ordered}\n\n```python\ndef {rng.choice(WORDS)}_{i}():\n{code}\n    return None\n```\n\n"
        f"{head}\n|---|:---|---:|:---:|\n{rows}\n\n{quote}\n{rule}\n"
    )


def answer_chunks(tokens: int) -> list[str]:
    """A deterministic answer cut into ``tokens`` token-like chunks (a word piece, a run of
    punctuation or one whitespace character), so syntax is split the way a model splits it."""
    rng = random.Random(5)
    sections: list[str] = []
    chunks: list[str] = []
    while len(chunks) < tokens:
        sections.append(_section(rng, len(sections)))
        chunks += TOKEN.findall(sections[-1])
    text = "".join(sections)
    if "".join(chunks) != text:
        raise RuntimeError("the chunking lost characters: TOKEN must match every character")
    return chunks[:tokens]


# ---- the site -----------------------------------------------------------------------------------


def node_modules() -> Path:
    """Install the locked npm peers into build/bench-node/ unless they already match the lock."""
    lock = PAGES / "package-lock.json"
    marker = NODE / "node_modules" / ".package-lock.json"
    if not (marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime):
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("render bench: npm is needed for the peer libraries (apt-get install npm)")
        NODE.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(PAGES / name, NODE / name)
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=NODE, check=True
        )
    return NODE / "node_modules"


def boot_config(site: Path) -> dict:
    return read_boot_config((site / "index.html").read_text())


def bench_site(dist: Path, site: Path, chunks: list[str], settings: dict) -> None:
    """dist/ plus /bench/: the pages, the peers, the answer and the built names they need."""
    shutil.copytree(dist, site)
    bench = site / "bench"
    (bench / "vendor").mkdir(parents=True)
    for name in PAGE_FILES:
        shutil.copy2(PAGES / name, bench / name)
    modules = node_modules()
    for name, source in VENDOR.items():
        shutil.copy2(modules / source, bench / "vendor" / name)
    dom_ops = sorted((site / "assets").glob("dom_ops.*.js"))
    if len(dom_ops) != 1:
        sys.exit(f"render bench: expected one built dom_ops.<hash>.js, found {dom_ops}")
    config = {
        "domOps": f"assets/{dom_ops[0].name}",
        "pyodide": boot_config(site)["pyodide"],
        **settings,
    }
    (bench / "config.json").write_text(json.dumps(config))
    (bench / "answer.json").write_text(json.dumps(chunks))


def trace_tasks(trace: bytes) -> dict:
    """The page's main-thread tasks between its bench-start and bench-end marks, from a trace.

    The trace has what the page cannot see: each task's CPU time next to its wall time, so a
    task that was long only because the machine gave the thread no CPU shows up as such, and
    the CPU time of every task, rendering included, adds up to the main thread's real work.
    """
    data = json.loads(trace)
    events = data["traceEvents"] if isinstance(data, dict) else data
    marks: dict[str, tuple[int, tuple]] = {}
    for e in events:
        if e.get("name") in ("bench-start", "bench-end"):
            marks[e["name"]] = (e["ts"], (e["pid"], e["tid"]))
    (start, thread), (end, _) = marks["bench-start"], marks["bench-end"]
    tasks = sorted(
        (e for e in events if e.get("ph") == "X" and e.get("name") in TASKS),
        key=lambda e: (e["ts"], -e.get("dur", 0)),
    )
    outer, reach = [], 0
    for e in tasks:
        if (e["pid"], e["tid"]) == thread and start <= e["ts"] <= end and e["ts"] >= reach:
            outer.append(e)
            reach = e["ts"] + e.get("dur", 0)
    return {
        "cpuMs": sum(e.get("tdur", 0) for e in outer) / 1e3,
        "maxWallMs": max((e.get("dur", 0) for e in outer), default=0) / 1e3,
        "maxCpuMs": max((e.get("tdur", 0) for e in outer), default=0) / 1e3,
        "tasks": len(outer),
    }


# ---- the run ------------------------------------------------------------------------------------


def built_dist(rebuild: bool) -> Path:
    dist = ROOT / "dist"
    if rebuild:
        try:
            build(log=lambda message: print(message, flush=True))
        except BuildError as e:
            if not (dist / "index.html").exists():
                raise
            print(f"WARNING: the build failed ({e}); measuring the existing dist/", flush=True)
    return dist


def run(chunks: list[str], settings: dict, modes: list[str], rebuild: bool) -> dict[str, dict]:
    dist = built_dist(rebuild)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        bench_site(dist, site, chunks, settings)
        server = SiteServer(site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                for mode in modes:
                    started = time.monotonic()
                    context = browser.new_context()
                    page = context.new_page()
                    errors: list[str] = []
                    page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
                    page.goto(f"{server.url}bench/bench.html?mode={mode}")
                    # Polled once a second, so the waiting adds next to nothing to the page's work.
                    page.wait_for_function(RESULT, timeout=RUN_TIMEOUT_MS, polling=1000)
                    result = page.evaluate("() => window.__result")
                    trace = browser.stop_tracing()
                    context.close()
                    if "error" in result or errors:
                        sys.exit(f"render bench: {mode} failed: {result.get('error')} {errors}")
                    results[mode] = {**result, "trace": trace_tasks(trace)}
                    print(f"  {mode}: {time.monotonic() - started:.0f} s", flush=True)
                browser.close()
        finally:
            server.stop()
    return results


# ---- the report ---------------------------------------------------------------------------------


def longest(result: dict) -> float:
    """The longest main-thread task by the wall clock: 'longtask' entries (over 50 ms, rendering
    included) and, below that threshold, the longest single timed call."""
    return max(result["maxCallMs"], result["maxLongTaskMs"], result["trace"]["maxWallMs"])


def deciles(values: list[float]) -> list[list[float]]:
    n = len(values)
    return [values[n * k // 10 : n * (k + 1) // 10] for k in range(10)]


def main_thread_table(results: dict[str, dict]) -> None:
    base = results.get("marked")
    header = (
        f"{'renderer':<42}{'calls ms':>10}{'marked/x':>9}{'CPU ms':>9}{'marked/x':>9}"
        f"{'longest':>8}{'on CPU':>7}{'>50ms':>6}{'wall ms':>9}  elements pre/table/li/a"
    )
    print(header)
    print("-" * len(header))
    for mode, label in LABELS.items():
        r = results.get(mode)
        if r is None:
            continue
        t, s = r["trace"], r["shape"]
        cpu = t["cpuMs"] * r["weight"]
        versus = base and mode != "control"
        calls_x = f"{base['mainMs'] / r['mainMs']:.0f}" if versus else "-"
        cpu_x = f"{base['trace']['cpuMs'] * base['weight'] / cpu:.0f}" if versus else "-"
        print(
            f"{label:<42}{r['mainMs']:>10.0f}{calls_x:>9}{cpu:>9.0f}{cpu_x:>9}"
            f"{longest(r):>8.1f}{t['maxCpuMs']:>7.1f}{r['longTasks']:>6}{r['wallMs']:>9.0f}"
            f"  {s['elements']} {s['pre']}/{s['table']}/{s['li']}/{s['a']}"
        )
    print(
        "calls ms: main-thread time inside the render/apply calls; CPU ms: CPU time of every\n"
        "main-thread task in the run (rendering included), from a Chromium trace; longest: the\n"
        "longest task by the wall clock; on CPU: the most CPU time any one task used (Chromium's\n"
        "thread clock is coarse: it can read a few ms over the wall time). A task long by the\n"
        "wall clock but short on CPU waited for a CPU: see the control row and the load average.\n"
        ">50ms: PerformanceObserver 'longtask' entries; the trace may see a few more."
    )
    if base and base["weight"] > 1:
        print(
            f"marked: every {base['weight']}th prefix rendered ({base['calls']} renders); its "
            f"calls and CPU ms are their sums x {base['weight']}; its longest call is the full "
            "text's."
        )


def python_table(ours: dict, chunks: list[str]) -> list[float]:
    """Per-decile medians of the Python cost per chunk; returns them for the flatness check."""
    single = [t * 1e6 for t in ours["pythonSeconds"]]
    batched = [t * 1e6 for t in ours["batchMeans"]]
    reach = [sum(map(len, part)) for part in deciles(chunks)]
    print(
        f"\nPython Renderer.write in the worker, live run: {sum(single) / 1e3:.0f} ms for "
        f"{len(single)} chunks ({statistics.fmean(single):.1f} us a chunk on average)"
    )
    print(
        f"{'decile':<8}{'up to char':>11}{'median us/chunk':>17}{'mean us/chunk':>15}{'max us':>9}"
    )
    medians = []
    parts = zip(deciles(batched), deciles(single), strict=True)
    for k, (part, single_part) in enumerate(parts):
        medians.append(statistics.median(part))
        print(
            f"{k + 1:<8}{sum(reach[: k + 1]):>11}{medians[-1]:>17.1f}"
            f"{statistics.fmean(single_part):>15.1f}{max(single_part):>9.0f}"
        )
    print(
        f"median: over batches of {ours['batchSize']} writes timed together (fastest of "
        f"{ours['repeats']} passes), as browser clocks tick in 5 us; mean, max: single writes."
    )
    return medians


def checks(results: dict[str, dict], medians: list[float]) -> list[tuple[str, bool]]:
    found = []
    base = results.get("marked")
    for mode in ("ours", "ours-replay"):
        r = results.get(mode)
        if r is None:
            continue
        if base:
            ratio = base["mainMs"] / r["mainMs"]
            found.append(
                (f"{mode}: main-thread calls {ratio:.0f}x less than marked (>= 10x)", ratio >= 10)
            )
        found.append(
            (
                f"{mode}: longest main-thread task {longest(r):.1f} ms wall (<= 50 ms)",
                longest(r) <= 50,
            )
        )
        cpu = r["trace"]["maxCpuMs"]
        found.append(
            (f"{mode}: longest main-thread task {cpu:.1f} ms on CPU (<= 50 ms)", cpu <= 50)
        )
    if medians:
        flat = medians[-1] / medians[0]
        found.append(
            (f"Python per chunk: last/first decile median {flat:.2f}x (<= 1.5x)", flat <= 1.5)
        )
    return found


def report(results: dict[str, dict], chunks: list[str], settings: dict) -> bool:
    chars = sum(map(len, chunks))
    print(
        f"\nanswer: {len(chunks)} chunks, {chars} characters ({chars / len(chunks):.2f} a chunk); "
        f"ours live at {settings['rate']} chunks/s; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    main_thread_table(results)
    ours = results.get("ours") or results.get("ours-replay")
    medians = python_table(ours, chunks) if ours else []
    print()
    found = checks(results, medians)
    for text, passed in found:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    return all(passed for _, passed in found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=20_000, help="chunks in the answer")
    parser.add_argument(
        "--rate", type=int, default=1000, help="chunks per second for ours live (0: unpaced)"
    )
    parser.add_argument(
        "--marked-stride",
        type=int,
        default=20,
        help="render marked at every Nth prefix and scale its total by N (1: every chunk, ~30 min)",
    )
    parser.add_argument("--modes", default=",".join(LABELS), help="comma-separated subset")
    parser.add_argument(
        "--no-build", action="store_true", help="measure dist/ as it is, without rebuilding"
    )
    args = parser.parse_args()
    unknown = set(args.modes.split(",")) - LABELS.keys()
    if unknown:
        parser.error(f"unknown modes {sorted(unknown)}; choose from {list(LABELS)}")
    chunks = answer_chunks(args.tokens)
    settings = {"rate": args.rate, "markedStride": args.marked_stride}
    results = run(chunks, settings, args.modes.split(","), not args.no_build)
    sys.exit(0 if report(results, chunks, settings) else 1)


if __name__ == "__main__":
    main()
