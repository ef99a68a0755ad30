// onnxruntime-web with no Python: feeds each step's present.* back as past_key_values.*, picks
// the greedy id from the graph's top_ids output and posts one message per token.
let ort, session, info;

async function load({ ort: module, wasmPaths, model, threads }) {
  ort = await import(module);
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = threads;
  info = await (await fetch(model + "model.json")).json();
  const extra = {};
  for (const [key, value] of Object.entries(info.session_config ?? {})) {
    const path = key.split(".");
    let node = extra;
    for (const part of path.slice(0, -1)) node = node[part] ??= {};
    node[path.at(-1)] = value;
  }
  session = await ort.InferenceSession.create(model + "model.onnx", {
    executionProviders: ["wasm"], graphOptimizationLevel: "all", extra,
  });
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
    postMessage({ type: "done" });
  } catch (err) {
    postMessage({ type: "error", message: String(err?.message ?? err) });
  }
};
