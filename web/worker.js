// The worker: boots Pyodide from local files, stage by stage, then hands every request to the
// app's Python entry (app/worker.py). It posts events only; it never receives code to run.
import { installDefaultPolicy } from "./trusted_urls.js";
import { trackFetches } from "./progress.js";
import { handleReply, installPromptBridge } from "./prompt_bridge.js";
import { decodeStep } from "./ort_helpers.js";
import { createVectorIndex } from "./embed_search.js";
import { fetchModelBytes } from "./model_file.js";

installDefaultPolicy();

// app/model/onnx_web.py calls decodeStep once per token (one FFI call instead of dozens);
// app/embed/vectors.py's JsScorer scores the passage vectors with createVectorIndex.
Object.assign(self, { decodeStep, createVectorIndex });

/** @typedef {import("./protocol.js").BootConfig} BootConfig */
/** @typedef {import("./protocol.js").WorkerEvent} WorkerEvent */

/** @param {WorkerEvent} event */
const post = (event) => self.postMessage(event);

/** @type {any} */
let app = null;
/** @type {Promise<void> | null} */
let booting = null;

/** @type {ReturnType<typeof trackFetches> | null} */
let tracker = null;
/** Which request's progress a stage's bytes belong to (boot, then the model load). */
const stageOwner = new Map();
/** @type {BootConfig | null} */
let bootConfig = null;
/** @type {(path: string) => string} */
let siteURL = (path) => path;
/** @type {Promise<any> | null} */
let ortLoad = null;

/**
 * onnxruntime-web, imported once for the language model and the question embedder alike: its
 * thread count is fixed by the first session either of them creates. Threads only when the
 * page is cross-origin isolated.
 * @param {BootConfig} config
 */
function loadOrt(config) {
  ortLoad ??= (async () => {
    const ort = await import(siteURL(config.ort.module));
    ort.env.wasm.wasmPaths = siteURL(config.ort.wasmPaths);
    ort.env.wasm.numThreads = ortThreads();
    Object.assign(self, { ort });
    return ort;
  })();
  ortLoad.catch(() => { ortLoad = null; }); // a later attempt (the model's Retry) imports again
  return ortLoad;
}

function ortThreads() {
  return self.crossOriginIsolated ? Math.min(2, navigator.hardwareConcurrency || 1) : 1;
}

/**
 * A site file's bytes, fetched now and awaited later (a failure surfaces where it is awaited).
 * @param {string} path
 * @param {string} what
 */
function download(path, what) {
  const bytes = fetch(siteURL(path)).then(async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for the ${what}`);
    return new Uint8Array(await response.arrayBuffer());
  });
  bytes.catch(() => {}); // awaited later; never an unhandled rejection meanwhile
  return bytes;
}

/**
 * @param {number} id
 * @param {BootConfig} config
 * @param {string} site
 */
async function boot(id, config, site) {
  bootConfig = config;
  // Paths in the config are relative to the site root, not to this worker's folder.
  siteURL = (path) => new URL(path, site).href;
  for (const stage of config.stages) stageOwner.set(stage.name, id);
  tracker ??= trackFetches(config.stages, siteURL, (stage, loaded, total) =>
    post({ id: stageOwner.get(stage) ?? id, type: "progress", stage, loaded, total }));
  let stage = "runtime";
  // The content index downloads while the runtime starts: after Python is up, only opening it
  // remains. (The passage vectors wait until "ready": see startSemantic.)
  const contentDownload = download(config.content.index, "content index");
  try {
    tracker.start(stage);
    const { loadPyodide } = await import(siteURL(config.pyodide.module));
    // Packages load inside loadPyodide so their download overlaps the runtime's start-up.
    const pyodide = await loadPyodide({
      indexURL: siteURL(config.pyodide.indexURL),
      lockFileURL: siteURL(config.pyodide.lockFileURL),
      packageBaseUrl: siteURL(config.pyodide.packageBaseUrl),
      packages: config.pyodide.packages,
      stdout: (/** @type {string} */ line) => console.log("[python]", line),
      stderr: (/** @type {string} */ line) => console.warn("[python]", line),
    });
    for (const done of ["runtime", "stdlib", "packages"]) tracker.finish(done);

    stage = "app";
    const module = pyodide.pyimport("app.worker");
    tracker.finish("app");

    stage = "content";
    tracker.start(stage);
    const contentStarted = performance.now();
    const bytes = await contentDownload;
    const content = module.load_content(bytes).toJs({ dict_converter: Object.fromEntries });
    content.stage_ms = Math.round(performance.now() - contentStarted); // after Python is up
    tracker.finish(stage);
    app = { pyodide, module };
    if (config.embed) startSemantic(module, config.embed);
    post({
      id,
      type: "done",
      result: { stage: "ready", crossOriginIsolated: self.crossOriginIsolated, content },
    });
  } catch (err) {
    post({ id, type: "error", stage, message: `${stage} failed to load: ${errorText(err)}` });
    throw err;
  }
}

/**
 * Semantic ranking loads beside the language model, after the content stage and without
 * delaying "ready": Python registers the load at once (a question waits for it) and never
 * fails it (retrieval falls back to keywords; a "semantic" request tells the page why).
 * One intra-op thread: a second did not make a question's embedding faster (measure with
 * benchmarks/semantic_bench.py --threads 2), and it leaves a core to the language model.
 * The vector file downloads from here, not during the boot: beside the Python runtime it
 * delayed "ready" (~0.6 s on localhost), and it still arrives well before the embedding model,
 * which is four times its size.
 * @param {any} module  app.worker
 * @param {NonNullable<BootConfig["embed"]>} embed
 */
function startSemantic(module, embed) {
  const config = /** @type {BootConfig} */ (bootConfig);
  const vectors = download(embed.vectors, "passage vectors");
  const ort = loadOrt(config);
  ort.catch(() => {}); // Python awaits it and reports the failure
  const urls = { info: siteURL(embed.info), tokenizer: siteURL(embed.tokenizer), model: siteURL(embed.onnx) };
  try {
    module.load_semantic(vectors, ort, JSON.stringify(urls), 1);
  } catch (err) {
    // Never a reason to fail the boot: without the load, answers are keyword-ranked.
    console.warn("semantic ranking did not start:", errorText(err));
  }
}

// app/model/onnx_web.py finds the model's reader on the global scope.
Object.assign(self, { fetchModelBytes });

/**
 * The model stage, after Python is ready: onnxruntime-web, then the tokenizer and the model
 * session, with byte progress.
 * @param {number} id
 */
async function loadModel(id) {
  const config = /** @type {BootConfig} */ (bootConfig);
  stageOwner.set("model", id);
  tracker?.start("model");
  try {
    await loadOrt(config);
    const threads = ortThreads();
    const urls = {
      info: siteURL(config.model.info),
      tokenizer: siteURL(config.model.tokenizer),
      onnx: siteURL(config.model.onnx),
    };
    const result = await app.module.load_model(JSON.stringify(urls), threads);
    tracker?.finish("model");
    post({ id, type: "done", result: result.toJs({ dict_converter: Object.fromEntries }) });
  } catch (err) {
    post({ id, type: "error", stage: "model", message: `The language model failed to load: ${errorText(err)}` });
  }
}

/**
 * What a visitor reads: a Python exception's own message, not Pyodide's whole traceback (that
 * goes to the console, for whoever debugs it).
 * @param {unknown} err
 */
function errorText(err) {
  if (!(err instanceof Error)) return String(err);
  const type = /** @type {{type?: unknown}} */ (err).type;
  const at = typeof type === "string" ? err.message.lastIndexOf(`${type}: `) : -1;
  if (at < 0) return err.message;
  console.warn(err.message);
  return err.message.slice(at + String(type).length + 2).trim();
}

/**
 * Requests after boot go to Python as JSON; Python answers through `emit` with JSON events.
 * @param {import("./protocol.js").Request} request
 */
async function dispatch(request) {
  if (!app) {
    post({ id: request.id, type: "error", message: "Python is not ready yet" });
    return;
  }
  const emit = (/** @type {string} */ json) => post(JSON.parse(json));
  try {
    await app.module.handle(JSON.stringify(request), emit);
  } catch (err) {
    post({ id: request.id, type: "error", message: errorText(err) });
  }
}

self.addEventListener("message", (/** @type {MessageEvent} */ message) => {
  const request = message.data;
  if (handleReply(request)) return; // the page's answer to a Prompt API bridge call
  if (request?.type === "init") {
    // The page has a Prompt API: give Python an object with its shape that calls the page.
    if (request.promptApi) installPromptBridge(request.promptApi, post);
    booting ??= boot(request.id, request.config, request.siteURL).catch(() => { booting = null; });
    return;
  }
  if (request?.type === "load-model" && app) {
    void loadModel(request.id);
    return;
  }
  void dispatch(request);
});
