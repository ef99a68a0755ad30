// The worker: boots Pyodide from local files, stage by stage, then hands every request to the
// app's Python entry (app/worker.py). It posts events only; it never receives code to run.
import { installDefaultPolicy } from "./trusted_urls.js";
import { trackFetches } from "./progress.js";

installDefaultPolicy();

/** @typedef {import("./protocol.js").BootConfig} BootConfig */
/** @typedef {import("./protocol.js").WorkerEvent} WorkerEvent */

/** @param {WorkerEvent} event */
const post = (event) => self.postMessage(event);

/** @type {any} */
let app = null;
/** @type {Promise<void> | null} */
let booting = null;

/**
 * @param {number} id
 * @param {BootConfig} config
 * @param {string} siteURL
 */
async function boot(id, config, siteURL) {
  // Paths in the config are relative to the site root, not to this worker's folder.
  const base = (/** @type {string} */ path) => new URL(path, siteURL).href;
  const tracker = trackFetches(config.stages, base, (stage, loaded, total) =>
    post({ id, type: "progress", stage, loaded, total }));
  let stage = "runtime";
  try {
    tracker.start(stage);
    const { loadPyodide } = await import(base(config.pyodide.module));
    // loadPyodide fetches the runtime, then the stdlib: we learn the switch from the fetch itself.
    // Packages load inside loadPyodide so their download overlaps the runtime's start-up.
    const pyodidePromise = loadPyodide({
      indexURL: base(config.pyodide.indexURL),
      lockFileURL: base(config.pyodide.lockFileURL),
      packageBaseUrl: base(config.pyodide.packageBaseUrl),
      packages: config.pyodide.packages,
      stdout: (/** @type {string} */ line) => console.log("[python]", line),
      stderr: (/** @type {string} */ line) => console.warn("[python]", line),
    });
    const pyodide = await pyodidePromise;
    tracker.finish("runtime");
    tracker.finish("stdlib");
    tracker.finish("packages");

    stage = "app";
    const module = pyodide.pyimport("app.worker");
    app = { pyodide, module };
    tracker.finish("app");

    for (const next of config.stages.slice(4)) {
      stage = next.name;
      tracker.start(stage);
      // Content and model stages arrive with their issues; an empty stage completes at once.
      tracker.finish(stage);
    }
    post({ id, type: "done", result: { stage: "ready", crossOriginIsolated: self.crossOriginIsolated } });
  } catch (err) {
    post({ id, type: "error", stage, message: `${stage} failed to load: ${errorText(err)}` });
    throw err;
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
  if (request?.type === "init") {
    booting ??= boot(request.id, request.config, request.siteURL).catch(() => { booting = null; });
    return;
  }
  void dispatch(request);
});
