// The floor: a plain JavaScript decode loop over onnxruntime-web in a worker, with the same
// model files, session options and thread count as the assistant's worker. Exposes the
// `window.bench` interface every benchmark page shares: load() and generate(ids, n).
const worker = new Worker("bare_worker.js", { type: "module" });
let waiting = null;
let onToken = null;
worker.onmessage = ({ data }) => {
  if (data.type === "token") onToken?.(data.id);
  else if (data.type === "error") waiting?.reject(new Error(data.message));
  else waiting?.resolve(data);
};
const call = (message) => new Promise((resolve, reject) => {
  waiting = { resolve, reject };
  worker.postMessage(message);
});

window.bench = {
  /** @param {{ort: string, wasmPaths: string, model: string, threads: number}} setup */
  async load(setup) {
    const t0 = performance.now();
    this.heapMB = (await call({ type: "load", ...setup })).heapMB;
    return (performance.now() - t0) / 1000;
  },
  /** Greedy ids; the time of each token as the page sees it (like the other runtimes). */
  async generate(ids, tokens) {
    const stamps = [], out = [];
    onToken = (id) => { stamps.push(performance.now()); out.push(id); };
    const t0 = performance.now();
    this.heapMB = (await call({ type: "generate", ids, tokens })).heapMB;
    return { t0, stamps, ids: out };
  },
};
