// The worker: boots Pyodide from local files, stage by stage, then hands every request to the
// app's Python entry (app/worker.py). It posts events only; it never receives code to run.
import { installDefaultPolicy } from "./trusted_urls.js";
import { trackFetches } from "./progress.js";
import { handleReply, installPromptBridge } from "./prompt_bridge.js";
import { decodeStep } from "./ort_helpers.js";

installDefaultPolicy();

// app/model/onnx_web.py calls this once per token (one FFI call instead of dozens).
Object.assign(self, { decodeStep });

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
  // remains. (A failure surfaces when the content stage awaits it.)
  const contentDownload = fetch(siteURL(config.content.index)).then(async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for the content index`);
    return new Uint8Array(await response.arrayBuffer());
  });
  contentDownload.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
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
 * The model stage, after Python is ready: onnxruntime-web (threads only when the page is
 * cross-origin isolated), then the tokenizer and the model session, with byte progress.
 * @param {number} id
 */
async function loadModel(id) {
  const config = /** @type {BootConfig} */ (bootConfig);
  stageOwner.set("model", id);
  tracker?.start("model");
  try {
    const ort = await import(siteURL(config.ort.module));
    ort.env.wasm.wasmPaths = siteURL(config.ort.wasmPaths);
    const threads = self.crossOriginIsolated ? Math.min(2, navigator.hardwareConcurrency || 1) : 1;
    ort.env.wasm.numThreads = threads;
    Object.assign(self, { ort });
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

/** @param {unknown} err */
function errorText(err) {
  return err instanceof Error ? err.message : String(err);
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
