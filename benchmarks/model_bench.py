"""Model runtime benchmark: load, prefill and decode speed of the converted model, per runtime.

    python benchmarks/model_bench.py [--tokens 32] [--no-node]

Runs, in this process and in Node (when `node_modules` has onnxruntime-web and pyodide):
- cpython:   app.model.onnx_cpython (onnxruntime), 1 intra-op thread;
- bare-js:   a plain JavaScript loop over onnxruntime-web's WASM backend (the floor);
- pyodide:   app.model.onnx_web driven from Python in Pyodide over the same onnxruntime-web;
and prints prefill/decode tokens/s at ~40 and ~550 tokens of context, with ratios against the
bare JS loop measured in the same run (pyodide/bare-js decode is the Python overhead the issue
caps at 10%). Chromium, wllama and peak-memory figures belong to the browser benchmark.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NODE_SCRIPT = r"""
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
const [root, modelDir, mode, promptsJson, tokens] = process.argv.slice(2);
const require = createRequire(path.join(root, "package.json"));
const ort = require("onnxruntime-web");
ort.env.wasm.numThreads = 1;
const prompts = JSON.parse(promptsJson), n = Number(tokens);
const info = JSON.parse(fs.readFileSync(path.join(modelDir, "model.json")));
const results = [];
if (mode === "bare-js") {
  let t = performance.now();
  const bytes = fs.readFileSync(path.join(modelDir, "model.onnx"));
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ["wasm"], graphOptimizationLevel: "all",
    extra: { session: { disable_quant_qdq: "1" } } });
  const load = (performance.now() - t) / 1000;
  const L = info.config.n_layers, kv = info.config.n_kv_heads, hd = info.config.head_dim;
  const ids = (a) => new ort.Tensor("int64", BigInt64Array.from(a.map(BigInt)), [1, a.length]);
  for (const prompt of prompts) {
    let past = {};
    for (let i = 0; i < L; i++) for (const s of ["key", "value"])
      past[`past_key_values.${i}.${s}`] =
        new ort.Tensor("float32", new Float32Array(0), [1, kv, 0, hd]);
    let feed = prompt, len = 0, stamps = [];
    t = performance.now();
    for (let step = 0; step < n; step++) {
      const total = len + feed.length;
      const out = await session.run({ input_ids: ids(feed),
        attention_mask: ids(Array(total).fill(1)),
        position_ids: ids(Array.from({ length: feed.length }, (_, k) => len + k)), ...past });
      for (let i = 0; i < L; i++) for (const s of ["key", "value"])
        past[`past_key_values.${i}.${s}`] = out[`present.${i}.${s}`];
      len = total; feed = [Number(out.top_ids.data[0])]; stamps.push(performance.now());
    }
    results.push({ load_s: load, prefill_s: (stamps[0] - t) / 1000,
                   decode_tps: (n - 1) / ((stamps[n - 1] - stamps[0]) / 1000) });
  }
} else {
  globalThis.ort = ort;
  const { loadPyodide } = require("pyodide");
  const py = await loadPyodide({ indexURL: path.join(root, "node_modules", "pyodide") + "/" });
  py.FS.mkdirTree("/repo"); py.FS.mount(py.FS.filesystems.NODEFS, { root }, "/repo");
  py.FS.mkdirTree("/model"); py.FS.mount(py.FS.filesystems.NODEFS, { root: modelDir }, "/model");
  py.globals.set("PROMPTS", promptsJson); py.globals.set("N", n);
  const out = await py.runPythonAsync(`
import json, sys, time
sys.path.insert(0, "/repo")
from app.model.onnx_web import OnnxWebBackend
from app.model.tokenizer import Tokenizer
from app.model.generate import Decoder, GenerateOptions
info = json.load(open("/model/model.json"))
tok = Tokenizer.from_file("/model/tokenizer.json")
t = time.perf_counter()
backend = await OnnxWebBackend.create(open("/model/model.onnx", "rb").read(), info)
load = time.perf_counter() - t
rows = []
for prompt in json.loads(PROMPTS):
    decoder = Decoder(backend, tok)
    t = time.perf_counter()
    stamps = []
    async for _ in decoder.agenerate(prompt, GenerateOptions(max_tokens=N, stop_ids=frozenset())):
        stamps.append(time.perf_counter())
    rows.append({"load_s": load, "prefill_s": stamps[0] - t,
                 "decode_tps": (N - 1) / (stamps[-1] - stamps[0])})
json.dumps(rows)`);
  results.push(...JSON.parse(out));
}
console.log(JSON.stringify(results));
process.exit(0);
"""


def cpython_run(model_dir: Path, prompts: list[list[int]], tokens: int) -> list[dict]:
    from app.model.files import TOKENIZER_FILE
    from app.model.generate import Decoder, GenerateOptions
    from app.model.onnx_cpython import OnnxCpythonBackend
    from app.model.tokenizer import Tokenizer

    t = time.perf_counter()
    backend = OnnxCpythonBackend(model_dir, threads=1)
    load = time.perf_counter() - t
    tok = Tokenizer.from_file(model_dir / TOKENIZER_FILE)
    rows = []
    for prompt in prompts:
        decoder = Decoder(backend, tok)
        stamps: list[float] = []
        t = time.perf_counter()
        for _ in decoder.generate(prompt, GenerateOptions(max_tokens=tokens, stop_ids=frozenset())):
            stamps.append(time.perf_counter())
        rows.append(
            {
                "load_s": load,
                "prefill_s": stamps[0] - t,
                "decode_tps": (tokens - 1) / (stamps[-1] - stamps[0]),
            }
        )
    return rows


def node_run(mode: str, model_dir: Path, prompts: list[list[int]], tokens: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench.mjs"
        script.write_text(NODE_SCRIPT)
        done = subprocess.run(
            [
                "node",
                str(script),
                str(ROOT),
                str(model_dir),
                mode,
                json.dumps(prompts),
                str(tokens),
            ],
            capture_output=True,
            text=True,
            timeout=1800,
        )
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=32, help="tokens decoded per prompt")
    parser.add_argument("--no-node", action="store_true", help="CPython only")
    args = parser.parse_args()

    from app.model.files import TOKENIZER_FILE, default_model_dir
    from app.model.tokenizer import Tokenizer
    from tests.model.prompts import LONG_SOURCE, prompt_ids

    model_dir = default_model_dir()
    tok = Tokenizer.from_file(model_dir / TOKENIZER_FILE)
    short = prompt_ids(tok, [{"role": "user", "content": "What is the capital of France?"}])
    sources = LONG_SOURCE * 8
    long = prompt_ids(
        tok,
        [
            {"role": "system", "content": "Sources:\n" + sources},
            {"role": "user", "content": "How do I follow a reference?"},
        ],
    )
    prompts = [short, long]
    runs = {"cpython": cpython_run(model_dir, prompts, args.tokens)}
    has_node = shutil.which("node") and (ROOT / "node_modules" / "onnxruntime-web").exists()
    if not args.no_node and has_node:
        for mode in ("bare-js", "pyodide"):
            runs[mode] = node_run(mode, model_dir, prompts, args.tokens)
    print(
        f"model: {model_dir / 'model.onnx'} "
        f"({(model_dir / 'model.onnx').stat().st_size / 1e6:.1f} MB)"
    )
    print(f"prompts: {len(short)} and {len(long)} tokens, {args.tokens} decoded tokens each")
    print(
        f"{'runtime':10} {'load s':>7} {'ctx':>5} {'prefill tok/s':>14} {'decode tok/s':>13}"
        f" {'decode vs bare-js':>18}"
    )
    for name, rows in runs.items():
        for prompt, row in zip(prompts, rows, strict=True):
            base = runs.get("bare-js")
            ratio = ""
            if base is not None:
                ref = base[prompts.index(prompt)]["decode_tps"]
                ratio = f"{row['decode_tps'] / ref:.2f}x"
            print(
                f"{name:10} {row['load_s']:7.2f} {len(prompt):5d} "
                f"{len(prompt) / row['prefill_s']:14.1f} {row['decode_tps']:13.1f} {ratio:>18}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
