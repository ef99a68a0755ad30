// onnxruntime-web with no Python: feeds each step's present.* back as past_key_values.*, picks
// the greedy id from the graph's top_ids output and posts one message per token.
import { fetchModelBytes } from "./model_file.js"; // the product's reader (web/)

let ort, session, info;

// onnxruntime-web's threaded build creates its WebAssembly memory from JavaScript: keep a
// reference to report the heap's size (it only grows, so its size is its peak).
const memories = [];
const NativeMemory = WebAssembly.Memory;
WebAssembly.Memory = function Memory(descriptor) {
  const memory = new NativeMemory(descriptor);
  memories.push(memory);
  return memory;
};
WebAssembly.Memory.prototype = NativeMemory.prototype;
const heapMB = () => Math.max(0, ...memories.map((m) => m.buffer.byteLength)) / 2 ** 20;

// `options` (session options) and `config` (session config entries) override the model's own:
// model_bench.py --bare-option / --bare-config, to measure a setting before it goes in model.json.
async function load({ ort: module, wasmPaths, model, threads, options = {}, config = {} }) {
  ort = await import(module);
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = threads;
  info = await (await fetch(model + "model.json")).json();
  const extra = {};
  for (const [key, value] of Object.entries({ ...info.session_config, ...config })) {
    const path = key.split(".");
    let node = extra;
    for (const part of path.slice(0, -1)) node = node[part] ??= {};
    node[path.at(-1)] = value;
  }
  const sessionOptions = {
    executionProviders: ["wasm"], graphOptimizationLevel: "all", extra, ...options,
  };
  if (info.graph_offset === undefined) {
    session = await ort.InferenceSession.create(model + "model.onnx", sessionOptions);
    return;
  }
  // Weights inside the file as external data (wasm_build/model/inline_weights.py): the graph
  // part goes to onnxruntime, the whole file is mounted under its own name, as app/model does.
  const bytes = await fetchModelBytes(model + "model.onnx");
  sessionOptions.externalData = [{ path: "model.onnx", data: bytes }];
  try {
    session = await ort.InferenceSession.create(bytes.subarray(info.graph_offset), sessionOptions);
  } finally {
    // onnxruntime-web keeps the options and has copied what it needs: free the file's bytes now.
    delete sessionOptions.externalData;
    bytes.buffer.transfer?.(0);
  }
}

const int64 = (values) =>
  new ort.Tensor("int64", BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);

async function generate({ ids, tokens }) {
  const { n_layers: layers, n_kv_heads: heads, head_dim: dim } = info.config;
  const feeds = {};
  for (let i = 0; i < layers; i++) for (const kind of ["key", "value"])
    feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor("float32", new Float32Array(0), [1, heads, 0, dim]);
  const fetches = ["top_ids"];
  for (let i = 0; i < layers; i++) fetches.push(`present.${i}.key`, `present.${i}.value`);
  let feed = ids, cached = 0;
  for (let step = 0; step < tokens; step++) {
    const total = cached + feed.length;
    feeds.input_ids = int64(feed);
    feeds.attention_mask = int64(new Array(total).fill(1));
    feeds.position_ids = int64(feed.map((_, k) => cached + k));
    const out = await session.run(feeds, fetches);
    for (let i = 0; i < layers; i++) for (const kind of ["key", "value"])
      feeds[`past_key_values.${i}.${kind}`] = out[`present.${i}.${kind}`];
    cached = total;
    const next = Number(out.top_ids.data[0]);
    postMessage({ type: "token", id: next });
    feed = [next];
  }
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "load") await load(data);
    else await generate(data);
    postMessage({ type: "done", heapMB: heapMB() });
  } catch (err) {
    postMessage({ type: "error", message: String(err?.message ?? err) });
  }
};
