"""Semantic search benchmark: passage-vector loading and exact top-k search, pure Python
(CPython here; Pyodide runs the same code) against the JavaScript scorers of web/embed_search.js
(WebAssembly SIMD and the typed-array loop, in Node: the worker's engine family), plus the
question embedding with the browser's int8 model on CPU.

    .venv/bin/python benchmarks/embed_bench.py [--vectors 15000] [--repeats 5] [--skip-node]
        [--vector-file build/embed/passages.vec]

Uses the real passage file when it exists (python -m wasm_build.embedding passages), otherwise
random unit vectors of the same shape. Prints medians and ratios against the pure-Python full
scan measured in the same run (above 1: that many times faster than the baseline).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.embed import VectorIndex, encode_vectors  # noqa: E402

JS_SOURCE = ROOT / "web" / "embed_search.js"
DEFAULT_FILE = ROOT / "build" / "embed" / "passages.vec"


def median_ms(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def random_file(n: int, dim: int = 384) -> bytes:
    rng = random.Random(1)
    vectors = []
    for _ in range(n):
        v = [rng.gauss(0, 1) for _ in range(dim)]
        norm = math.sqrt(sum(x * x for x in v))
        vectors.append([x / norm for x in v])
    ids = [f"docSection.library.module{i // 40}.function-number-{i}" for i in range(n)]
    return encode_vectors(ids, vectors)


def node_times(data: bytes, index: VectorIndex, query: list[float], repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        vec = Path(tmp) / "index.vec"
        vec.write_bytes(data)
        script = Path(tmp) / "bench.mjs"
        script.write_text(
            f"""
import {{ readFileSync }} from "node:fs";
import {{ createVectorIndex }} from {json.dumps(JS_SOURCE.as_uri())};
const bytes = new Uint8Array(readFileSync({json.dumps(str(vec))}));
const query = Float32Array.from({json.dumps(query)});
const med = (f) => {{ const a = []; for (let i = 0; i < {repeats}; i++) {{
  const s = performance.now(); f(); a.push(performance.now() - s); }}
  a.sort((x, y) => x - y); return a[a.length >> 1]; }};
const out = {{}};
for (const simd of [true, false]) {{
  let t = performance.now();
  const index = createVectorIndex(bytes, {index.offsets[0]}, {index.offsets[1]},
    {len(index)}, {index.dim}, {{ simd }});
  const load = performance.now() - t;
  index.top(query, 10);  // warm-up (JIT)
  out[index.kind] = {{ load, scores: med(() => index.scores(query)),
    top: med(() => index.top(query, 10)) }};
}}
console.log(JSON.stringify(out));
"""
        )
        done = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
        return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors", type=int, default=15000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-node", action="store_true")
    parser.add_argument("--vector-file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()

    if args.vector_file.exists():
        data = args.vector_file.read_bytes()
        source = str(args.vector_file)
    else:
        data = random_file(args.vectors)
        source = f"random unit vectors ({args.vectors})"
    index = VectorIndex.from_bytes(data)
    n = len(index)
    print(f"vectors: {n} x {index.dim} from {source}")
    print(f"file: {len(data) / 1e6:.2f} MB, {len(data) / max(n, 1):.1f} bytes per passage")

    query = index.vector(n // 2)
    load = median_ms(lambda: VectorIndex.from_bytes(data), args.repeats)
    scan = median_ms(lambda: index.scores(query), args.repeats)
    top = median_ms(lambda: index.search(query, k=10), args.repeats)
    rows = list(range(0, n, max(1, n // 200)))
    narrow = median_ms(lambda: index.search(query, k=10, rows=rows), args.repeats)
    print(f"{'step':<40}{'median ms':>12}{'x baseline':>12}")
    print(f"{'python full scan (baseline)':<40}{scan:>12.1f}{1:>12.2f}")
    print(f"{'python load (from_bytes)':<40}{load:>12.1f}{scan / load:>12.2f}")
    print(f"{'python top-10 over all':<40}{top:>12.1f}{scan / top:>12.2f}")
    print(
        f"{f'python top-10 over {len(rows)} candidates':<40}{narrow:>12.2f}{scan / narrow:>12.2f}"
    )
    if not args.skip_node and shutil.which("node"):
        for kind, js in node_times(data, index, query, args.repeats).items():
            for step, value in (
                ("createVectorIndex (copy)", js["load"]),
                ("full scan", js["scores"]),
                ("top-10", js["top"]),
            ):
                print(f"{f'{kind} {step}':<40}{value:>12.2f}{scan / value:>12.2f}")
    try:
        from app.embed.session import OnnxEmbedder
        from wasm_build.embedding import convert_cached

        embedder = OnnxEmbedder(convert_cached(), precision="int8", threads=1)
        question = ["How do I read a file line by line?"]
        embedder.embed(question)
        embed = median_ms(lambda: embedder.embed(question), args.repeats)
        print(f"{'question embedding (int8, 1 thread)':<40}{embed:>12.1f}{scan / embed:>12.2f}")
    except Exception as exc:  # the model is optional for the search figures
        print(f"question embedding skipped: {exc}")


if __name__ == "__main__":
    main()
