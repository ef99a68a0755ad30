"""Where the real page's memory goes, stage by stage, in headless Chromium.

    .venv/bin/python benchmarks/page_memory.py [--runs 1] [--tracemalloc] [--deep]
        [--no-semantic] [--model-first] [--embed-config KEY=VALUE] [--dist DIR]
        [--question "..."] [--json FILE]

benchmarks/model_bench.py compares our page's peak memory with a bare onnxruntime-web loop over
the same model; this script says what the difference is made of. It boots the built page (dist/)
in a fresh Chromium (Debian's, the e2e flags, no service worker so every request the worker
makes can be held) and holds the files of each later stage until the one before has settled:

    python    Pyodide and app.worker imported, waiting for the content index's bytes;
    content   the content index opened ("ready");
    semantic  the passage vectors and the question encoder loaded (the first onnxruntime-web
              session: onnxruntime's runtime is created here);
    model     the language model loaded and its instructions prefilled (--model-first: this
              stage before the semantic one);
    answer    after one question answered by the language model.

At each stage it prints the renderer's VmHWM (peak) and VmRSS (now, with its anonymous and
shared parts), the size of every WebAssembly memory in the worker (Pyodide's, onnxruntime-web's,
the vector scorer's: a WebAssembly memory never shrinks, so its size is its own peak), and
Python's accounting (malloc's bytes in use and free inside Pyodide's memory; Pyodide has no
pymalloc, so `sys.getallocatedblocks()` says 0; with --deep the deep size of what the app holds: the
documents, their indexes, the passage vectors, the tokenizers; with --tracemalloc the top
allocation sites, traced from just after Python boots). Both cost Python memory of their own
(tracing; the set of objects already counted): the Pyodide figures of such a run are not
comparable with a plain run's.

Sizes of WebAssembly memories are shown as touched/size: the size is what the memory grew to
(Pyodide grows by 20% at a time, onnxruntime-web by up to ~100 MB), the touched part ends at
its last non-zero byte. VmHWM is not monotonic in Chromium's renderers (it can read lower than
a VmRSS sampled earlier), so a sampler thread keeps the peak VmRSS between stages.

The product is not changed for this: the benchmark serves a stand-in for `pyodide.mjs` (a
module that re-exports the real one, keeps a handle on the Pyodide instance and records every
WebAssembly memory as it is created), so it can ask Python and the memories for their sizes.
The holds only delay responses; the page does what it always does, in the same order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, Route, Worker, sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, PROGRESS_SPY, SiteServer  # noqa: E402
from wasm_build.paths import DIST  # noqa: E402
from wasm_build.web_assets import read_boot_config  # noqa: E402

TIMEOUT = 300_000
QUESTION = "How do I remove duplicates from a list?"
STAGES = ("python", "content", "semantic", "model", "answer")
PARTS = Path(__file__).with_suffix("")  # the scripts run in the page and the worker

# Served in place of pyodide.mjs: the real module (same URL plus a query) re-exported, its
# loadPyodide wrapped to keep the instance. WebAssembly memories are recorded with the script
# that created them (the first stack frame outside this module), which names their owner.
SHIM = (PARTS / "shim.js").read_text()

# Python's view, run in the worker between its tasks (Python is idle at every stage).
PY_ACCOUNTING = (PARTS / "accounting.py").read_text()

ACCOUNT = (PARTS / "account.js").read_text().replace("PY_SOURCE", json.dumps(PY_ACCOUNTING))

# The boot's "ready" result (the content stage's own timing), as the worker posts it.
READY_SPY = """
window.Worker = class extends window.Worker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => {
      if (e.data?.type === "done" && e.data.result?.stage === "ready") {
        window.__ready = e.data.result.content;
      }
    });
  }
};
"""

ASK = """async (text) => {
  const started = performance.now();
  const result = await window.assistant.send({
    type: "ask", conversation: "page-memory", history: [], text, backend: "onnx",
  });
  return { ms: performance.now() - started, text: result.text ?? "", embed_ms: result.embed_ms };
}"""


class Holds:
    """Requests whose URL starts with a held prefix wait until that prefix is released."""

    def __init__(self, prefixes: dict[str, list[str]]) -> None:
        self.prefixes = prefixes  # stage -> URL prefixes
        self.waiting: dict[str, list[Route]] = {stage: [] for stage in prefixes}
        self.released: set[str] = set()

    def stage_of(self, url: str) -> str | None:
        for stage, prefixes in self.prefixes.items():
            if any(url.startswith(p) for p in prefixes):
                return stage
        return None

    def handle(self, route: Route) -> None:
        stage = self.stage_of(route.request.url)
        if stage is None or stage in self.released:
            route.continue_()
        else:
            self.waiting[stage].append(route)

    def release(self, stage: str) -> None:
        self.released.add(stage)
        for route in self.waiting.pop(stage, []):
            route.continue_()


def _renderers(browser_pid_floor: set[int]) -> dict[int, dict[str, float]]:
    """Memory figures (MB) of every Chromium renderer below this process, new since launch."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = {}, [os.getpid()]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if pid in browser_pid_floor:
            continue
        try:
            if b"--type=renderer" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            status = dict(
                line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            )
        except OSError:
            continue
        keys = ("VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem")
        found[pid] = {k: int(status[k].split()[0]) / 1024 for k in keys if k in status}
    return found


def _page_renderer(before: set[int]) -> dict[str, float]:
    """The renderer that hosts the page and its workers: the one using the most memory."""
    renderers = _renderers(before)
    if not renderers:
        return {}
    return max(renderers.values(), key=lambda r: r.get("VmRSS", 0.0))


class Sampler:
    """Samples the page renderer's VmRSS every few milliseconds in a thread: the peak between
    two stages, whatever Chromium does to VmHWM (it can reset it through clear_refs)."""

    def __init__(self, before: set[int], every_s: float = 0.02) -> None:
        self.before, self.every_s = before, every_s
        self.peak = 0.0
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.pids: list[int] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        last_scan = 0.0
        while not self.done.is_set():
            if time.monotonic() - last_scan > 0.5:
                self.pids = list(_renderers(self.before))
                last_scan = time.monotonic()
            for pid in self.pids:
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            rss = int(line.split()[1]) / 1024
                            with self.lock:
                                self.peak = max(self.peak, rss)
                except OSError:
                    continue
            time.sleep(self.every_s)

    def take(self) -> float:
        """The peak since the last call."""
        with self.lock:
            peak, self.peak = self.peak, 0.0
        return peak

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def _poll(worker: Worker, condition: str) -> None:
    deadline = time.monotonic() + TIMEOUT / 1000
    while not worker.evaluate(condition):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting in the worker for {condition}")
        time.sleep(0.05)


def _worker(page: Page, script: str) -> Worker:
    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        for worker in page.workers:
            if script in worker.url:
                return worker
        page.wait_for_timeout(50)
    raise SystemExit("the page's worker did not start")


def run_once(server_url: str, config: dict, args: argparse.Namespace) -> tuple[list[dict], dict]:
    """One cold visit, stage by stage: [(stage, figures)], and facts about the run."""
    module = config["pyodide"]["module"]
    real = server_url + module + "?page-memory-real"
    embed = config.get("embed")
    holds = Holds(
        {
            "content": [server_url + config["content"]["index"]],
            "semantic": (
                [server_url + embed["vectors"], server_url + Path(embed["onnx"]).parent.as_posix()]
                if embed
                else []
            ),
            "model": [server_url + Path(config["model"]["onnx"]).parent.as_posix()],
        }
    )
    shim = SHIM % {"real": real, "tracemalloc": "true" if args.tracemalloc else "false"}
    stages: list[dict] = []
    facts: dict = {}
    with sync_playwright() as p:
        before = set(_renderers(set()))
        sampler = Sampler(before)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(service_workers="block")
        page = context.new_page()
        page.on(
            "console",
            lambda m: print(f"[page] {m.text}", flush=True) if m.type == "error" else None,
        )
        page.add_init_script(PROGRESS_SPY + READY_SPY)
        page.route(
            lambda url: url == server_url + module,
            lambda route: route.fulfill(
                status=200, body=shim, headers={"Content-Type": "text/javascript"}
            ),
        )
        page.route(lambda url: holds.stage_of(url) is not None, holds.handle)
        if args.embed_config and embed:  # a session setting tried before it goes in embed.json
            page.route(server_url + embed["info"], lambda route: _embed_info(route, args))
        if args.no_semantic and embed:  # keyword-only: the encoder never loads (the last
            # route registered is the first asked)
            page.route(server_url + embed["vectors"], lambda route: route.fulfill(status=404))
        started = time.monotonic()
        page.goto(server_url)
        worker = _worker(page, Path(config["worker"]).name)

        def measure(stage: str, **extra: object) -> None:
            figures = worker.evaluate(ACCOUNT, [args.deep, args.top])
            figures["renderer"] = _page_renderer(before)
            figures["renderer"]["sampled_peak"] = sampler.take()
            figures["stage"] = stage
            figures["t_s"] = time.monotonic() - started
            figures.update(extra)
            stages.append(figures)
            print(f"  {stage}: {_one_line(figures)}", flush=True)

        # Python is up and app.worker imported when the content stage starts (its bytes held).
        page.wait_for_function(
            "() => window.__progress.some((e) => e.stage === 'content')", timeout=TIMEOUT
        )
        _poll(worker, "() => Boolean(self.__bench?.pyodide)")
        measure("python")
        holds.release("content")
        page.wait_for_function(
            "() => document.documentElement.dataset.state === 'ready'", timeout=TIMEOUT
        )
        facts["content"] = page.evaluate("() => window.__ready")
        measure("content")
        for stage in ("model", "semantic") if args.model_first else ("semantic", "model"):
            holds.release(stage)
            if stage == "semantic":
                semantic = page.evaluate("() => window.assistant.send({ type: 'semantic' })")
                facts["semantic"] = semantic
            else:
                page.wait_for_function(
                    "() => document.querySelector('#backend-status')?.dataset.ready === 'true'",
                    timeout=TIMEOUT,
                )
            measure(stage)
        answer = page.evaluate(ASK, args.question)
        facts["answer"] = {
            "ms": round(answer["ms"]),
            "chars": len(answer["text"]),
            "embed_ms": answer["embed_ms"],
        }
        measure("answer")
        browser.close()
        sampler.stop()
    return stages, facts


def _embed_info(route: Route, args: argparse.Namespace) -> None:
    """embed.json with --embed-config applied to its session_config ("KEY=-" removes KEY)."""
    info = json.loads(route.fetch().body())
    config = info.setdefault("session_config", {})
    for item in args.embed_config:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--embed-config wants KEY=VALUE, got {item!r}")
        if value == "-":
            config.pop(key, None)
        else:
            config[key] = value
    route.fulfill(json=info)


def _one_line(figures: dict) -> str:
    r = figures["renderer"]
    wasm = ", ".join(f"{m['owner']} {m['mb']:.0f}" for m in figures["wasm"])
    return (
        f"HWM {r.get('VmHWM', 0):.0f} MB, RSS {r.get('VmRSS', 0):.0f} MB; wasm: {wasm}; "
        f"malloc {_malloc(figures)}"
    )


def _malloc(figures: dict) -> str:
    malloc = figures["python"].get("malloc")
    if not malloc:
        return "?"
    return f"{malloc['used_mb']:.1f}/{malloc['free_mb']:.1f}/{malloc.get('break_mb', 0):.1f}"


def _wasm_by_owner(figures: dict, key: str = "mb") -> dict[str, float]:
    out: dict[str, float] = {}
    for m in figures["wasm"]:
        out[m["owner"]] = out.get(m["owner"], 0.0) + m.get(key, 0.0)
    return out


def report(runs: list[tuple[list[dict], dict]]) -> None:
    owners: list[str] = []
    for stages, _ in runs:
        for figures in stages:
            for owner in _wasm_by_owner(figures):
                if owner not in owners:
                    owners.append(owner)
    head = f"{'stage':9}{'HWM':>7}{'peak':>7}{'RSS':>7}{'anon':>7}{'shmem':>7}" + "".join(
        f"{o[:16]:>18}" for o in owners
    )
    head += f"{'other RSS':>11}{'py used/free/break':>20}"
    for number, (stages, facts) in enumerate(runs, 1):
        print(
            f"\nrun {number}: MB; HWM = VmHWM, peak = the highest VmRSS sampled since the "
            "stage before; 'other RSS' = RSS minus the WebAssembly memories; py = Pyodide's "
            "malloc: in use / free / the program break (all it ever touched); WebAssembly "
            "memories: touched / size"
        )
        print(head)
        print("-" * len(head))
        for figures in stages:
            r = figures["renderer"]
            wasm = _wasm_by_owner(figures)
            line = (
                f"{figures['stage']:9}{r.get('VmHWM', 0):7.0f}{r.get('sampled_peak', 0):7.0f}"
                f"{r.get('VmRSS', 0):7.0f}"
                f"{r.get('RssAnon', 0):7.0f}{r.get('RssShmem', 0):7.0f}"
            )
            touched = _wasm_by_owner(figures, "touched_mb")
            line += "".join(
                f"{f'{touched.get(o, 0.0):.0f}/{wasm.get(o, 0.0):.0f}':>18}" for o in owners
            )
            line += f"{r.get('VmRSS', 0) - sum(wasm.values()):11.0f}"
            line += f"{_malloc(figures):>20}"
            print(line)
        print(f"facts: {json.dumps(facts)}")
        for figures in stages:
            deep = figures["python"].get("deep_mb")
            if deep:
                parts = ", ".join(f"{k} {v:.1f}" for k, v in deep.items())
                print(f"  python deep sizes after {figures['stage']} (MB): {parts}")
            top = figures["python"].get("top")
            if top:
                current, peak = figures["python"]["traced_mb"]
                print(
                    f"  tracemalloc after {figures['stage']}: {current:.1f} MB now, "
                    f"{peak:.1f} MB at the peak since the stage before"
                )
                for where, mb, count in top:
                    print(f"    {mb:7.2f} MB {count:>9,}  {where}")
    if len(runs) > 1:
        print("\nmedians over the runs (MB)")
        for i, stage in enumerate(runs[0][0]):
            values = sorted(run[0][i]["renderer"].get("VmHWM", 0) for run in runs)
            rss = sorted(run[0][i]["renderer"].get("VmRSS", 0) for run in runs)
            print(
                f"  {stage['stage']:9} HWM {values[len(values) // 2]:7.0f}"
                f"  RSS {rss[len(rss) // 2]:7.0f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=1, help="cold visits, each a fresh browser")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument(
        "--no-semantic",
        action="store_true",
        help="the passage vectors answer 404: no encoder, onnxruntime-web holds the model alone",
    )
    parser.add_argument(
        "--embed-config",
        action="append",
        metavar="KEY=VALUE",
        help="session config entry for the question encoder (KEY=- removes one), e.g. "
        "session.disable_prepacking=1 (repeatable)",
    )
    parser.add_argument(
        "--model-first",
        action="store_true",
        help="release the language model's files before the encoder's (the page lets them "
        "race; the smaller encoder usually wins)",
    )
    parser.add_argument("--deep", action="store_true", help="deep sizes of Python's objects")
    parser.add_argument("--tracemalloc", action="store_true", help="top allocation sites")
    parser.add_argument("--top", type=int, default=12, help="tracemalloc lines per stage")
    parser.add_argument(
        "--dist", type=Path, default=DIST, help="another built site (a build of another version)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    dist = args.dist
    if not (dist / "index.html").exists():
        sys.exit(f"{dist} is not built: run `.venv/bin/python -m wasm_build` first")
    config = read_boot_config((dist / "index.html").read_text())
    server = SiteServer(dist)
    runs = []
    try:
        for number in range(args.runs):
            print(f"run {number + 1}/{args.runs}", flush=True)
            runs.append(run_once(server.url, config, args))
    finally:
        server.stop()
    report(runs)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
