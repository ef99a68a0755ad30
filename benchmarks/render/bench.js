// One bench run per page load: ?mode=... streams the same answer (answer.json) into #out and
// leaves its figures in window.__result for benchmarks/render_bench.py to read.
//
//   ours        - the bench worker runs app.render.Renderer in Pyodide and posts each chunk's ops
//                 as it goes, chunks arriving at config.rate per second; the page applies them
//                 with the real OpApplier from the built dom_ops.<hash>.js (one message, one task);
//   ours-replay - the same ops, gathered first, applied as fast as possible, one chunk a task;
//   marked      - marked.parse + DOMPurify.sanitize of the whole text so far into innerHTML, per
//                 chunk (or per config.markedStride chunks, scaled: its cost is quadratic);
//   smd         - streaming-markdown's parser_write with its default DOM renderer, one chunk a task;
//   smd-live    - streaming-markdown at ours' live pace (the same worker messages, no Python);
//   control     - ours' pacing with no Python and empty batches: what the page and the machine
//                 cost on their own (on a busy machine, long tasks show up here too).

/** @type {{start: number, duration: number}[]} */
const longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: "longtask", buffered: true });

const mode = new URLSearchParams(location.search).get("mode") ?? "";
const out = /** @type {HTMLElement} */ (document.getElementById("out"));
const site = new URL("../", location.href);

/** @param {string} path */
async function json(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// A task boundary without setTimeout's 4 ms clamp: each chunk gets a task of its own.
const channel = new MessageChannel();
/** @type {() => void} */
let wake = () => {};
channel.port1.onmessage = () => wake();
const nextTask = () => new Promise((resolve) => {
  wake = () => resolve(undefined);
  channel.port2.postMessage(null);
});

/** What each renderer built, so the report can show they all rendered the same document. */
function shape() {
  const count = (/** @type {string} */ selector) => out.querySelectorAll(selector).length;
  return {
    elements: count("*"),
    pre: count("pre"),
    table: count("table"),
    li: count("li"),
    a: count("a[href]"),
    textLength: (out.textContent ?? "").length,
  };
}

/**
 * @param {number} started
 * @param {number} ended
 * @param {number[]} perCall main-thread ms per timed call
 * @param {number} weight how many chunks each timed call stands for (1 unless sampled)
 */
function summary(started, ended, perCall, weight) {
  performance.mark("bench-end");
  const inside = (/** @type {{start: number, duration: number}} */ t) => t.start + t.duration >= started && t.start <= ended;
  const tasks = longTasks.filter(inside);
  return {
    mode,
    wallMs: ended - started,
    mainMs: perCall.reduce((a, b) => a + b, 0) * weight,
    calls: perCall.length,
    weight,
    maxCallMs: Math.max(0, ...perCall),
    longTasks: tasks.length,
    maxLongTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
    shape: shape(),
  };
}

/**
 * @param {(ops: unknown[]) => void} apply
 * @param {unknown[][]} batches
 */
async function replay(apply, batches) {
  /** @type {number[]} */
  const perCall = [];
  const started = performance.now();
  performance.mark("bench-start");
  for (const ops of batches) {
    await nextTask();
    const t0 = performance.now();
    apply(ops);
    perCall.push(performance.now() - t0);
  }
  await nextTask();
  return summary(started, performance.now(), perCall, 1);
}

/**
 * @param {string[]} chunks
 * @param {any} config
 * @param {boolean} live apply ops as the worker posts them (else: replay them one per task)
 * @param {{apply: (ops: unknown[]) => void, end?: () => void}} [paced] no Python: the worker
 *   posts one empty batch per chunk at the same pace, and `paced.apply` handles each
 */
async function runOurs(chunks, config, live, paced) {
  const control = paced !== undefined;
  const { OpApplier } = await import(new URL(config.domOps, site).href);
  const applier = new OpApplier(out);
  const apply = paced?.apply ?? ((/** @type {unknown[]} */ ops) => applier.apply(ops));
  const policy = trustedTypes.createPolicy("bench-worker", { createScriptURL: (/** @type {string} */ u) => u });
  const worker = new Worker(/** @type {any} */ (policy.createScriptURL("py_worker.js")), { type: "module" });
  const abs = (/** @type {string} */ path) => new URL(path, site).href;
  const urls = {
    module: abs(config.pyodide.module),
    indexURL: abs(config.pyodide.indexURL),
    lockFileURL: abs(config.pyodide.lockFileURL),
    packageBaseUrl: abs(config.pyodide.packageBaseUrl),
    packages: config.pyodide.packages,
    timer: new URL("chunk_timer.py", location.href).href,
  };
  /** @type {number[]} */
  const perCall = [];
  let started = 0;
  /** @type {any} */
  let streamed = null;
  return new Promise((resolve, reject) => {
    worker.onmessage = (/** @type {MessageEvent} */ message) => {
      const event = message.data;
      if (event.type === "ready") {
        started = performance.now();
        performance.mark("bench-start");
        worker.postMessage({ type: "stream", chunks, live, rate: config.rate });
      } else if (event.type === "ops") {
        const t0 = performance.now();
        apply(event.ops);
        perCall.push(performance.now() - t0);
      } else if (event.type === "streamed") {
        if (paced?.end) {
          const t0 = performance.now();
          paced.end();
          perCall.push(performance.now() - t0);
        }
        streamed = summary(started, performance.now(), perCall, 1);
      } else if (event.type === "done") {
        worker.terminate();
        const python = {
          pythonSeconds: event.times, batchMeans: event.batchMeans, batchSize: event.batchSize, repeats: event.repeats,
        };
        if (live) resolve({ ...streamed, ...python, rate: config.rate });
        else replay(apply, event.batches).then((result) => resolve({ ...result, ...python }), reject);
      } else {
        reject(new Error(event.message));
      }
    };
    worker.onerror = (e) => reject(new Error(e.message || "bench worker failed"));
    worker.postMessage({ type: "boot", control, urls, sample: chunks.slice(0, 2000).join("") });
  });
}

/** @param {string[]} chunks @param {any} config */
async function runMarked(chunks, config) {
  const { marked } = await import("./vendor/marked.esm.js");
  const DOMPurify = (await import("./vendor/purify.es.mjs")).default;
  // A bench page may mint TrustedHTML from sanitized output; web/ never has an HTML sink.
  const policy = trustedTypes.createPolicy("bench", { createHTML: (/** @type {string} */ s) => DOMPurify.sanitize(s) });
  const stride = Math.max(1, config.markedStride);
  /** @type {number[]} */
  const perCall = [];
  let text = "";
  const started = performance.now();
  performance.mark("bench-start");
  for (let i = 0; i < chunks.length; i++) {
    text += chunks[i];
    // With a stride, only every stride-th prefix is rendered (the last always is); each one
    // stands for `stride` chunks: a Riemann sum of the quadratic total.
    if ((i + 1) % stride !== 0 && i !== chunks.length - 1) continue;
    await nextTask();
    const t0 = performance.now();
    out.innerHTML = /** @type {any} */ (policy.createHTML(/** @type {string} */ (marked.parse(text))));
    perCall.push(performance.now() - t0);
  }
  await nextTask();
  return summary(started, performance.now(), perCall, stride);
}

/**
 * @param {string[]} chunks
 * @param {any} config
 * @param {boolean} live at ours' live pace, one chunk per (empty) worker message
 */
async function runSmd(chunks, config, live) {
  const smd = await import("./vendor/smd.js");
  const parser = smd.parser(smd.default_renderer(out));
  if (live) {
    let next = 0;
    return runOurs(chunks, config, true, {
      apply: () => smd.parser_write(parser, chunks[next++]),
      end: () => smd.parser_end(parser),
    });
  }
  const batches = [...chunks.map((chunk) => [chunk]), []];
  return replay((chunk) => {
    if (chunk.length) smd.parser_write(parser, String(chunk[0]));
    else smd.parser_end(parser);
  }, batches);
}

async function main() {
  const config = await json("config.json");
  const chunks = /** @type {string[]} */ (await json("answer.json"));
  if (mode === "ours") return runOurs(chunks, config, true);
  if (mode === "ours-replay") return runOurs(chunks, config, false);
  if (mode === "control") return runOurs(chunks, config, true, { apply: () => {} });
  if (mode === "marked") return runMarked(chunks, config);
  if (mode === "smd") return runSmd(chunks, config, false);
  if (mode === "smd-live") return runSmd(chunks, config, true);
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (result) => { Object.assign(window, { __result: result }); },
  (err) => { Object.assign(window, { __result: { error: String(err?.stack ?? err) } }); },
);
