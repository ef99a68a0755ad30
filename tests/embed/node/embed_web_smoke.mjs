// Runs app/embed's browser path inside Pyodide in Node: WebEmbedder over onnxruntime-web's WASM
// backend, the passage index with the JavaScript scorer (web/embed_search.js), and GROQ's
// text::semanticSimilarity() on top. Writes DATA_DIR/result.json: vectors, results, timings
// (a file, not stdout: process.exit() would cut a long pipe write short).
// Usage: node embed_web_smoke.mjs REPO_ROOT MODEL_DIR DATA_DIR
// MODEL_DIR holds embed.json, embed.onnx, embed-tokenizer.json; DATA_DIR texts.json, index.vec.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [root, modelDir, dataDir] = process.argv.slice(2);
const require = createRequire(path.join(root, "package.json"));
const ort = require("onnxruntime-web");
const { loadPyodide } = require("pyodide");
const search = await import(pathToFileURL(path.join(root, "web", "embed_search.js")));

ort.env.wasm.numThreads = 1;
globalThis.ort = ort;
globalThis.createVectorIndex = search.createVectorIndex;
// The vector file as the worker has it: a JavaScript Uint8Array, read by JsScorer.load.
globalThis.vectorFile = new Uint8Array(readFileSync(path.join(dataDir, "index.vec")));
const py = await loadPyodide({ indexURL: path.join(root, "node_modules", "pyodide") + "/" });
for (const [mount, dir] of [["/repo", root], ["/model", modelDir], ["/data", dataDir]]) {
  py.FS.mkdirTree(mount);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, mount);
}
const out = await py.runPythonAsync(`
import json, statistics, sys, time
sys.path.insert(0, "/repo")
import app.groq.functions.semantic  # registers text::semanticSimilarity
from app.embed import JsScorer, PythonScorer, SemanticIndex, VectorIndex
from app.embed.web_session import WebEmbedder
from app.groq import evaluate
from app.groq.functions.semantic import semantic_arguments

def median_ms(samples):
    return round(statistics.median(samples) * 1000, 2)

info = json.load(open("/model/embed.json"))
t0 = time.perf_counter()
embedder = await WebEmbedder.create(
    open("/model/embed.onnx", "rb").read(), info, open("/model/embed-tokenizer.json", "rb").read()
)
load_s = time.perf_counter() - t0
texts = json.load(open("/data/texts.json"))
vectors = await embedder.embed(texts)
singles = [(await embedder.embed([t]))[0] for t in texts[:4]]
question = "How do I read a file line by line?"
embed_times = []
for _ in range(5):
    t0 = time.perf_counter()
    query = (await embedder.embed([question]))[0]
    embed_times.append(time.perf_counter() - t0)

t0 = time.perf_counter()
index = VectorIndex.from_bytes(open("/data/index.vec", "rb").read())
index_load_s = time.perf_counter() - t0
t0 = time.perf_counter()
python_top = index.search(query, k=10)
python_search_ms = (time.perf_counter() - t0) * 1000
import js
t0 = time.perf_counter()
js_index = JsScorer.load(js.vectorFile)
js_load_ms = (time.perf_counter() - t0) * 1000
js_times = []
for _ in range(5):
    t0 = time.perf_counter()
    js_top = js_index.search(query, k=10)
    js_times.append(time.perf_counter() - t0)
js_ids_equal = js_index.ids == index.ids

docs = [{"_id": doc_id} for doc_id in index.ids]
groq_query = "*|score(text::semanticSimilarity($q))[0...10]._id"
params = {"q": question}
semantic = SemanticIndex(js_index)
t0 = time.perf_counter()
for text, vector in zip(semantic.missing(semantic_arguments(groq_query, params)),
                        await embedder.embed(semantic_arguments(groq_query, params))):
    semantic.add(text, vector)
groq_ids = evaluate(groq_query, docs, params=params, semantic=semantic)
groq_ms = (time.perf_counter() - t0) * 1000

json.dumps({
    "vectors": vectors, "singles": singles, "query": query,
    "python_top": python_top, "js_top": js_top, "groq_ids": groq_ids,
    "count": len(js_index), "js_ids_equal": js_ids_equal, "js_load_ms": round(js_load_ms, 1),
    "load_s": round(load_s, 2), "index_load_ms": round(index_load_s * 1000, 1),
    "embed_ms": median_ms(embed_times), "js_search_ms": median_ms(js_times),
    "python_search_ms": round(python_search_ms, 1), "groq_embed_and_score_ms": round(groq_ms, 1),
})
`);
writeFileSync(path.join(dataDir, "result.json"), out);
process.exit(0);
