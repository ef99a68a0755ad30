// Loads the converted model into onnxruntime-web's WASM backend in Node the way the browser
// worker does (app/model/onnx_web.py: the graph part, with the whole file mounted as its
// external data) and prints one JSON line: {"heap_mb", "top_id"}. The heap is onnxruntime-web's
// WebAssembly memory, which only grows: its size after the load is the load's peak.
// Usage: node load_heap.mjs REPO_ROOT MODEL_DIR
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const memories = [];
const NativeMemory = WebAssembly.Memory;
WebAssembly.Memory = function Memory(descriptor) {
  const memory = new NativeMemory(descriptor);
  memories.push(memory);
  return memory;
};
WebAssembly.Memory.prototype = NativeMemory.prototype;

const [root, modelDir] = process.argv.slice(2);
const ort = createRequire(path.join(root, "package.json"))("onnxruntime-web");
ort.env.wasm.numThreads = 1;
const info = JSON.parse(readFileSync(path.join(modelDir, "model.json"), "utf8"));
const extra = {};
for (const [key, value] of Object.entries(info.session_config ?? {})) {
  const parts = key.split(".");
  let node = extra;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts.at(-1)] = value;
}
const bytes = new Uint8Array(readFileSync(path.join(modelDir, "model.onnx")));
const session = await ort.InferenceSession.create(bytes.subarray(info.graph_offset), {
  executionProviders: ["wasm"],
  graphOptimizationLevel: "all",
  extra,
  externalData: [{ path: "model.onnx", data: bytes }],
});
const heapMB = Math.max(...memories.map((m) => m.buffer.byteLength)) / 2 ** 20;
// One step, so a load that silently dropped weights cannot pass.
const { n_layers: layers, n_kv_heads: heads, head_dim: dim } = info.config;
const int64 = (values) =>
  new ort.Tensor("int64", BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);
const feeds = { input_ids: int64([1, 2]), attention_mask: int64([1, 1]), position_ids: int64([0, 1]) };
for (let i = 0; i < layers; i++) for (const kind of ["key", "value"])
  feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor("float32", new Float32Array(0), [1, heads, 0, dim]);
const out = await session.run(feeds, ["top_ids"]);
console.log(JSON.stringify({ heap_mb: Math.round(heapMB), top_id: Number(out.top_ids.data[0]) }));
process.exit(0);
