// Runs app/model/onnx_web.py inside Pyodide in Node, over onnxruntime-web's WASM backend, and
// prints one JSON line: {"ids", "follow_ids", "penalized_ids", "load_s", "tokens_per_s"}:
// a greedy answer (top-k scores cross the boundary), a follow-up turn that reuses the cut-back
// KV cache, and a greedy answer with a repetition penalty (full logits cross the boundary).
// Usage: node onnx_web_smoke.mjs REPO_ROOT MODEL_DIR PROMPT_IDS_JSON MAX_TOKENS
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [root, modelDir, promptJson, maxTokens] = process.argv.slice(2);
const require = createRequire(path.join(root, "package.json"));
const ort = require("onnxruntime-web");
const { loadPyodide } = require("pyodide");

ort.env.wasm.numThreads = 1;
// What web/worker.js exposes to Python: onnxruntime-web and the per-token step helper.
const { decodeStep } = await import(pathToFileURL(path.join(root, "web", "ort_helpers.js")).href);
Object.assign(globalThis, { ort, decodeStep });
const py = await loadPyodide({ indexURL: path.join(root, "node_modules", "pyodide") + "/" });
py.FS.mkdirTree("/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root }, "/repo");
py.FS.mkdirTree("/model");
py.FS.mount(py.FS.filesystems.NODEFS, { root: modelDir }, "/model");
py.globals.set("PROMPT_JSON", promptJson);
py.globals.set("MAX_TOKENS", Number(maxTokens));
const out = await py.runPythonAsync(`
import json, sys, time
sys.path.insert(0, "/repo")
from app.model.onnx_web import OnnxWebBackend
from app.model.tokenizer import Tokenizer
from app.model.generate import Decoder, GenerateOptions
from app.model.sampler import SamplerConfig

info = json.load(open("/model/model.json"))
tokenizer = Tokenizer.from_file("/model/tokenizer.json")
t0 = time.perf_counter()
backend = await OnnxWebBackend.create(open("/model/model.onnx", "rb").read(), info)
load = time.perf_counter() - t0
prompt = json.loads(PROMPT_JSON)
decoder = Decoder(backend, tokenizer)
options = GenerateOptions(max_tokens=MAX_TOKENS, stop_ids=frozenset())
t0 = time.perf_counter()
gen = decoder.agenerate(prompt, options)
stamps = []
async for _ in gen:
    stamps.append(time.perf_counter())
decode = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
ids = gen.result.ids
follow = await decoder.agenerate([*prompt, *ids[:3], 2, 198], options).run()
penalized = GenerateOptions(max_tokens=MAX_TOKENS, stop_ids=frozenset(),
                            sampler=SamplerConfig(repetition_penalty=2.0))
again = await Decoder(backend, tokenizer).agenerate(prompt, penalized).run()
json.dumps({"ids": ids, "follow_ids": follow.ids, "penalized_ids": again.ids,
            "load_s": round(load, 2),
            "prefill_s": round(stamps[0] - t0, 3), "tokens_per_s": round(decode, 1)})
`);
console.log(out);
process.exit(0);
