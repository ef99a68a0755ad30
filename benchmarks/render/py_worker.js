// The bench's own worker: boots Pyodide from the built site the way web/worker.js does (same
// module, lock file and app wheel), then streams the answer through app.render.Renderer chunk by
// chunk, timing each write inside Python, and posts the ops to the page.

/** @param {unknown} message */
const post = (message) => self.postMessage(message);
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const BATCH = 50;
const REPEATS = 3;

/** @type {any} */
let python = null;

/** @param {{module: string, indexURL: string, lockFileURL: string, packageBaseUrl: string, packages: string[], timer: string}} urls */
async function boot(urls) {
  const { loadPyodide } = await import(urls.module);
  const pyodide = await loadPyodide({
    indexURL: urls.indexURL,
    lockFileURL: urls.lockFileURL,
    packageBaseUrl: urls.packageBaseUrl,
    packages: urls.packages,
  });
  const source = await (await fetch(urls.timer)).text();
  const namespace = pyodide.globals.get("dict")();
  pyodide.runPython(source, { globals: namespace });
  python = Object.fromEntries(
    ["warm_up", "step", "finish", "batch_times"].map((name) => [name, namespace.get(name)]));
}

/**
 * Live: each chunk's ops are posted as soon as Python returns them, as web/worker.js does, with
 * chunks arriving at `rate` per second like a model's tokens (0: as fast as Python goes).
 * Replay: they are gathered and posted once at the end, for the page to apply at its own pace.
 * @param {string[]} chunks
 * @param {boolean} live
 * @param {number} rate
 */
async function stream(chunks, live, rate) {
  /** @type {unknown[][]} */
  const batches = [];
  const started = performance.now();
  for (let i = 0; i < chunks.length; i++) {
    const wait = rate > 0 ? started + (i * 1000) / rate - performance.now() : 0;
    if (wait > 4) await sleep(wait);
    if (!python) {
      post({ type: "ops", ops: [] });
      continue;
    }
    const json = python.step(chunks[i]);
    if (!json) continue;
    if (live) post({ type: "ops", ops: JSON.parse(json) });
    else batches.push(JSON.parse(json));
  }
  if (!python) {
    post({ type: "streamed" });
    post({ type: "done", times: [], batchMeans: [], batchSize: BATCH, batches });
    return;
  }
  const { ops, times } = JSON.parse(python.finish());
  if (live) post({ type: "ops", ops });
  else batches.push(ops);
  post({ type: "streamed" });
  // The undisturbed second pass runs after the page has its ops, so it cannot delay them.
  const batchMeans = JSON.parse(python.batch_times(JSON.stringify(chunks), BATCH, REPEATS));
  post({ type: "done", times, batchMeans, batchSize: BATCH, repeats: REPEATS, batches });
}

self.addEventListener("message", async (/** @type {MessageEvent} */ message) => {
  const request = message.data;
  try {
    if (request.type === "boot") {
      // The control run measures the page and the machine alone: no Python, empty batches.
      if (!request.control) {
        await boot(request.urls);
        python.warm_up(request.sample);
      }
      post({ type: "ready" });
    } else if (request.type === "stream") {
      await stream(request.chunks, request.live, request.rate);
    }
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
});
