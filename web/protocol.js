// The message protocol between the page and the worker. Data flows one way: the page sends
// requests, the worker answers with events carrying the request's id. Payloads are plain data;
// neither side ever evaluates a string it received.

/** Boot stages, in the order the worker runs them. */
export const STAGES = /** @type {const} */ (["runtime", "stdlib", "packages", "app", "content", "model"]);

/**
 * @typedef {{id: number, type: "init", config: BootConfig, siteURL: string}} InitRequest
 * @typedef {{id: number, type: "ping"}} PingRequest
 * @typedef {{id: number, type: "ask", text: string}} AskRequest
 * @typedef {{id: number, type: "stop", target: number}} StopRequest
 * @typedef {{id: number, type: "render", chunks: string[], sources?: Record<string, {url: string, title?: string}>}} RenderRequest
 * @typedef {InitRequest | PingRequest | AskRequest | StopRequest | RenderRequest} Request
 *
 * @typedef {{id: number, type: "progress", stage: string, loaded: number, total: number}} ProgressEvent
 * @typedef {{id: number, type: "token", text: string}} TokenEvent
 * @typedef {{id: number, type: "ops", ops: unknown[][]}} OpsEvent  DOM operations, app/render/ops.py
 * @typedef {{id: number, type: "done", result: unknown}} DoneEvent
 * @typedef {{id: number, type: "error", message: string, stage?: string}} ErrorEvent
 * @typedef {ProgressEvent | TokenEvent | OpsEvent | DoneEvent | ErrorEvent} WorkerEvent
 *
 * @typedef {{url: string, size: number}} StageFile
 * @typedef {{name: string, files: StageFile[]}} Stage
 * @typedef {{
 *   version: string,
 *   worker: string,
 *   pyodide: {indexURL: string, module: string, lockFileURL: string, packageBaseUrl: string,
 *             packages: string[]},
 *   ort: {module: string, wasmPaths: string},
 *   stages: Stage[],
 * }} BootConfig
 */

const EVENT_TYPES = new Set(["progress", "token", "ops", "done", "error"]);

/**
 * Check an event's shape before the page acts on it: a malformed event is a bug in the worker,
 * reported as an error rather than half-applied.
 * @param {unknown} data
 * @returns {WorkerEvent}
 */
export function parseEvent(data) {
  if (typeof data !== "object" || data === null) throw new TypeError("worker event is not an object");
  const event = /** @type {Record<string, unknown>} */ (data);
  if (typeof event.id !== "number" || typeof event.type !== "string" || !EVENT_TYPES.has(event.type)) {
    throw new TypeError(`malformed worker event: ${JSON.stringify(data).slice(0, 200)}`);
  }
  if (event.type === "progress" && (typeof event.loaded !== "number" || typeof event.total !== "number")) {
    throw new TypeError("progress event without byte counts");
  }
  if (event.type === "ops" && !Array.isArray(event.ops)) throw new TypeError("ops event without a list");
  return /** @type {WorkerEvent} */ (event);
}
