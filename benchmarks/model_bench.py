"""Model runtime benchmark in headless Chromium: our worker against a bare loop and wllama.

    .venv/bin/python benchmarks/model_bench.py [--tokens 32] [--threads 2]
        [--runtimes ours,bare,wllama] [--model-dir DIR] [--other-model DIR]

Each runtime runs in its own fresh Chromium (Debian's, the flags the e2e tests use) on the same
local server, in the same run, on the same machine:
- ours:   the real page (dist/): its worker drives onnxruntime-web from Python (Pyodide);
          requests go through `window.assistant.send({type: "generate", prompt_ids, ...})`;
- bare:   a plain JavaScript loop over onnxruntime-web in a worker: same model files, session
          options and thread count (the floor, and the baseline of every ratio);
- wllama: the peer, llama.cpp in WebAssembly (npm `@wllama/wllama`, installed into
          build/wllama), on the very GGUF file the converter reads.
It prints load time, time to first token, prefill and decode tokens/s at ~40 and ~550 tokens of
context, and peak memory: the peak resident set (VmHWM in /proc) of the Chromium renderer
process that hosts the page and its workers, read after the run. The goals: ours within 10% of
bare, decode at least wllama's, peak memory under 1 GB.

Times are taken on the page for all three (token events arrive by postMessage from a worker in
each case). `--model-dir` points the bare loop at another converted model (to compare graph
variants), `--other-model` adds a second bare loop over another one (`bare-other`, e.g. an older
graph, for before/after figures in one run); `ours` always runs the built site. dist/ must be
built (`python -m wasm_build`). `--bare-option` / `--bare-config` try a session setting on the
bare loops before it goes into model.json; the bare loops also report the size of
onnxruntime-web's WebAssembly heap, the part of the peak the model's load decides.
`--ours-visit 2` measures ours on a visitor's second visit: a first one, in its own browser on
the same profile, has filled the service worker's cache.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from wasm_build.headers import CSP  # noqa: E402
from wasm_build.paths import DIST  # noqa: E402
from wasm_build.serve import Handler, Server  # noqa: E402
from wasm_build.web_assets import read_boot_config  # noqa: E402

PAGES = Path(__file__).resolve().parent / "model"
WORK = ROOT / "build" / "model-bench"
WLLAMA = ROOT / "build" / "wllama"
WLLAMA_ESM = WLLAMA / "node_modules" / "@wllama" / "wllama" / "esm"
TIMEOUT = 600_000

# On the real page: when the model load is requested and answered; one generate request.
LOAD_SPY = (PAGES / "load_spy.js").read_text()
OURS_GENERATE = (PAGES / "ours_generate.js").read_text()


class BenchHandler(Handler):
    """The site's own headers everywhere except /bench/: wllama starts its workers from blob:
    URLs and assigns script URLs without Trusted Types, which the product's CSP forbids."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "Content-Security-Policy" and self.path.startswith("/bench/"):
            value = CSP.replace("worker-src 'self'", "worker-src 'self' blob:").replace(
                "; require-trusted-types-for 'script'", ""
            )
        super().send_header(keyword, value)


def _link(source: Path, target: Path) -> None:
    """A hard link where the filesystem allows (dist/ is ~0.3 GB), a copy elsewhere."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def ensure_wllama() -> Path:
    if not (WLLAMA_ESM / "index.js").exists():
        WLLAMA.mkdir(parents=True, exist_ok=True)
        if not (WLLAMA / "package.json").exists():
            (WLLAMA / "package.json").write_text('{"private": true}\n')
        print("installing @wllama/wllama into build/wllama ...", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "@wllama/wllama"], cwd=WLLAMA, check=True
        )
    return WLLAMA_ESM


def prepare_site(
    model_dir: Path | None, other_model: Path | None, want_wllama: bool
) -> tuple[Path, dict]:
    """dist/ plus /bench/: the bare and wllama pages, a model folder and the GGUF."""
    from wasm_build.model import gguf_path

    if not (DIST / "index.html").exists():
        sys.exit("dist/ is not built: run `.venv/bin/python -m wasm_build` first")
    site = WORK / "site"
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(DIST, site, copy_function=lambda a, b: _link(Path(a), Path(b)))
    bench = site / "bench"
    bench.mkdir()
    for page in [*PAGES.glob("*.*"), ROOT / "web" / "model_file.js"]:  # the product's reader
        shutil.copy2(page, bench / page.name)
    config = read_boot_config((DIST / "index.html").read_text())
    source = model_dir or DIST / Path(config["model"]["onnx"]).parent
    for folder, model in (("model", source), ("other-model", other_model)):
        if model is not None:
            (bench / folder).mkdir()
            for name in ("model.onnx", "model.json"):
                _link(model / name, bench / folder / name)
    if want_wllama:
        shutil.copytree(ensure_wllama(), bench / "wllama")
        _link(gguf_path(), bench / "model.gguf")
    return site, config


def _renderers() -> list[tuple[int, tuple[float, float]]]:
    """(pid, (VmHWM MB, VmRSS MB)) of every Chromium renderer process below this process."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    mine, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        mine.append(pid)
        todo.extend(children.get(pid, []))
    found = []
    for pid in mine:
        try:
            if b"--type=renderer" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            status = dict(
                line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            )
        except OSError:
            continue
        hwm, rss = (int(status[key].split()[0]) / 1024 for key in ("VmHWM", "VmRSS"))
        found.append((pid, (hwm, rss)))
    return found


def _console(runtime: str, kind: str, text: str) -> None:
    if kind == "error" and "favicon.ico" not in text:
        print(f"[{runtime}] {text}", flush=True)


def summarise(prompt_len: int, run: dict) -> dict:
    stamps = run["stamps"]
    prompt_len = run.get("context") or prompt_len  # wllama: its own count of the prompt text
    ttft = (stamps[0] - run["t0"]) / 1000
    decode = (len(stamps) - 1) / ((stamps[-1] - stamps[0]) / 1000) if len(stamps) > 1 else 0.0
    return {
        "context": prompt_len,
        "ttft_s": ttft,
        "prefill_tps": prompt_len / ttft,
        "decode_tps": decode,
        "tokens": len(stamps),
        "ids": run.get("ids"),
    }


class Runtime:
    """One runtime's page in its own Chromium: loaded once, then asked for one generation at a
    time, so the runtimes can take turns (machine load then hits them alike)."""

    def __init__(self, name: str, page: Page, renderers: set[int]) -> None:
        self.name, self.page, self.renderers = name, page, renderers
        self.prompts: list = []  # what this page's generate() takes: ids, or text for wllama
        self.runs: list[list[dict]] = []
        self.load_s = 0.0
        self.threads = 0

    def generate(self, index: int, tokens: int) -> None:
        if self.name == "ours":
            run = self.page.evaluate(OURS_GENERATE, [self.prompts[index], tokens])
        else:
            run = self.page.evaluate(
                "([prompt, n]) => window.bench.generate(prompt, n)", [self.prompts[index], tokens]
            )
        self.runs[index].append(run)


def load_ours(rt: Runtime, url: str) -> None:
    rt.page.add_init_script(LOAD_SPY)
    rt.page.goto(url)
    rt.page.wait_for_function(
        "() => window.__load.end !== undefined || window.__load.error !== undefined",
        timeout=TIMEOUT,
    )
    load = rt.page.evaluate("() => window.__load")
    if "error" in load:
        raise SystemExit(f"ours: the model failed to load: {load['error']}")
    rt.load_s = (load["end"] - load["start"]) / 1000
    rt.threads = rt.page.evaluate("() => window.assistant.ping()")["model"]["threads"]


def load_bench_page(rt: Runtime, url: str, setup: dict) -> None:
    rt.page.goto(url)
    rt.page.wait_for_function("() => window.bench !== undefined", timeout=TIMEOUT)
    rt.load_s = rt.page.evaluate("(setup) => window.bench.load(setup)", setup)
    rt.threads = setup["threads"]


def revisit(p, base: str, visit: int) -> Page:
    """A blank page in a Chromium whose profile has already loaded our site `visit - 1` times
    (each in its own browser, closed after the model loaded): the service worker's cache is
    filled, as on a visitor's later visits."""
    profile = WORK / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    for _ in range(visit - 1):
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        load_ours(Runtime("ours", context.new_page(), set()), base)
        context.close()
    context = p.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS
    )
    return context.new_page()


def renderer_pids() -> set[int]:
    return {pid for pid, _ in _renderers()}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def measure(args: argparse.Namespace, prompts: list[list[int]], tok) -> dict[str, dict]:
    wanted = args.runtimes.split(",")
    if args.other_model:
        wanted.insert(wanted.index("bare") + 1 if "bare" in wanted else 0, "bare-other")
    unknown = set(wanted) - {"ours", "bare", "bare-other", "wllama"}
    if unknown:
        raise SystemExit(f"unknown runtimes {sorted(unknown)} (ours, bare, wllama)")
    site, config = prepare_site(args.model_dir, args.other_model, "wllama" in wanted)
    server = Server(("127.0.0.1", 0), type("H", (BenchHandler,), {"root": site}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    warm = prompts[0][:8]
    runtimes: list[Runtime] = []
    try:
        with sync_playwright() as p:
            for name in wanted:  # loads one at a time: each gets the machine to itself
                before = renderer_pids()  # the earlier visits' renderers end with their browser
                if name == "ours" and args.ours_visit > 1:
                    page = revisit(p, base, args.ours_visit)
                else:
                    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                    page = browser.new_context().new_page()
                page.on("console", lambda m, n=name: _console(n, m.type, m.text))
                rt = Runtime(name, page, set())
                if name == "ours":
                    load_ours(rt, base)
                elif name == "wllama":
                    threads = args.wllama_threads or args.threads
                    load_bench_page(rt, base + "bench/wllama.html", {"threads": threads})
                else:
                    folder = "model/" if name == "bare" else "other-model/"
                    setup = {
                        "ort": base + config["ort"]["module"],
                        "wasmPaths": base + config["ort"]["wasmPaths"],
                        "model": base + "bench/" + folder,
                        "threads": args.threads,
                        "options": _pairs(args.bare_option, json.loads),
                        "config": _pairs(args.bare_config, str),
                    }
                    load_bench_page(rt, base + "bench/bare.html", setup)
                rt.renderers = renderer_pids() - before
                rt.prompts = [warm, *prompts]
                if name == "wllama":
                    rt.prompts = [tok.decode(ids) for ids in rt.prompts]
                rt.runs = [[] for _ in rt.prompts]
                rt.generate(0, 4)  # warm-up
                runtimes.append(rt)
                print(f"{name}: loaded in {rt.load_s:.1f} s", flush=True)
            # Rounds, runtimes taking turns on each prompt; the prompts alternate, so no
            # runtime can reuse a cached prompt from its previous request.
            for round_ in range(args.rounds):
                for index in range(1, len(prompts) + 1):
                    for rt in runtimes:
                        rt.generate(index, args.tokens)
                print(f"round {round_ + 1}/{args.rounds} done", flush=True)
            peaks = dict(_renderers())
            results = {}
            for rt in runtimes:
                peak, rss = max(
                    (peaks.get(pid, (0.0, 0.0)) for pid in rt.renderers), default=(0, 0)
                )
                rows = []
                for ids, runs in zip(prompts, rt.runs[1:], strict=True):
                    each = [summarise(len(ids), run) for run in runs]
                    row = dict(each[-1])
                    for key in ("ttft_s", "prefill_tps", "decode_tps"):
                        row[key] = median([e[key] for e in each])
                    rows.append(row)
                heap = None
                if rt.name.startswith("bare"):  # onnxruntime-web's WebAssembly memory
                    heap = rt.page.evaluate("() => window.bench.heapMB")
                results[rt.name] = {
                    "load_s": rt.load_s,
                    "heap_mb": heap,
                    "threads": rt.threads,
                    "peak_mb": peak,
                    "rss_mb": rss,
                    "rows": rows,
                }
                if rt.page.context.browser is None:  # a persistent context (--ours-visit)
                    rt.page.context.close()
                else:
                    rt.page.context.browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


def _pairs(items: list[str] | None, parse) -> dict:
    """KEY=VALUE command-line pairs as a dict, each value through `parse`."""
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=VALUE, got {item!r}")
        out[key] = parse(value)
    return out


def report(results: dict[str, dict], prompts: list[list[int]], tokens: int) -> None:
    base = results.get("bare")
    print(
        f"\nprompts: {', '.join(str(len(p)) for p in prompts)} tokens; {tokens} greedy tokens "
        "each; medians over the rounds; peak = VmHWM of the page's Chromium renderer "
        "(page + its workers)"
    )
    head = (
        f"{'runtime':8} {'thr':>3} {'load s':>7} {'peak MB':>8} {'ctx':>5} {'TTFT s':>7} "
        f"{'prefill t/s':>11} {'decode t/s':>10} {'n':>3}  vs bare: {'TTFT':>5} {'decode':>6}"
    )
    print(head)
    print("-" * len(head))
    for name, result in results.items():
        for i, row in enumerate(result["rows"]):
            ratio = ""
            if base is not None:
                ref = base["rows"][i]
                ratio = (
                    f"{row['ttft_s'] / ref['ttft_s']:5.2f}x "
                    f"{row['decode_tps'] / ref['decode_tps']:5.2f}x"
                )
            print(
                f"{name:8} {result['threads']:>3} {result['load_s']:7.2f} "
                f"{result['peak_mb']:8.0f} {row['context']:5d} {row['ttft_s']:7.2f} "
                f"{row['prefill_tps']:11.1f} {row['decode_tps']:10.1f} {row['tokens']:3d}"
                f"  {'':8} {ratio}"
            )
    for name, result in results.items():
        if result.get("heap_mb"):
            print(
                f"{name}: onnxruntime-web's WebAssembly heap {result['heap_mb']:.0f} MB "
                "(it never shrinks: its size is its peak)"
            )
    if "ours" in results and base is not None:
        for ours, bare in zip(results["ours"]["rows"], base["rows"], strict=True):
            same = ours["ids"] == bare["ids"][: len(ours["ids"])]
            overhead = bare["decode_tps"] / ours["decode_tps"] - 1
            print(
                f"ctx {ours['context']}: Python overhead per decoded token {overhead:+.1%} "
                f"of the bare loop (goal <= 10%); greedy ids equal the bare loop's: {same}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=32, help="tokens decoded per prompt")
    parser.add_argument("--threads", type=int, default=2, help="bare/wllama threads")
    parser.add_argument("--rounds", type=int, default=3, help="medians over this many rounds")
    parser.add_argument("--wllama-threads", type=int, help="default: --threads")
    parser.add_argument("--runtimes", default="ours,bare,wllama")
    parser.add_argument(
        "--ours-visit",
        type=int,
        default=1,
        help="measure ours on this visit (2: after one visit filled the service worker's cache)",
    )
    parser.add_argument("--model-dir", type=Path, help="converted model for the bare loop")
    parser.add_argument(
        "--other-model", type=Path, help="also run the bare loop over this model (bare-other)"
    )
    parser.add_argument(
        "--bare-option",
        action="append",
        metavar="KEY=JSON",
        help="session option for the bare loop(s), e.g. enableMemPattern=false (repeatable)",
    )
    parser.add_argument(
        "--bare-config",
        action="append",
        metavar="KEY=VALUE",
        help="session config entry for the bare loop(s), e.g. session.disable_prepacking=1",
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()

    from app.model.tokenizer import Tokenizer
    from tests.model.prompts import LONG_SOURCE, prompt_ids

    config = read_boot_config((DIST / "index.html").read_text())
    tok = Tokenizer.from_file(DIST / Path(config["model"]["tokenizer"]))
    short = prompt_ids(tok, [{"role": "user", "content": "Tell me a long story about a dragon."}])
    long = prompt_ids(
        tok,
        [
            {"role": "system", "content": "Sources:\n" + LONG_SOURCE * 6},
            {"role": "user", "content": "Explain in detail how to follow a reference in GROQ."},
        ],
    )
    prompts = [short, long]
    results = measure(args, prompts, tok)
    report(results, prompts, args.tokens)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
