// The message protocol between the page and the worker. Data flows one way: the page sends
// requests, the worker answers with events carrying the request's id. Payloads are plain data;
// neither side ever evaluates a string it received.

/** Boot stages, in the order the worker runs them. */
export const STAGES = /** @type {const} */ (["runtime", "stdlib", "packages", "app", "content", "model"]);

/**
 * @typedef {{shape: "current" | "legacy", userAgent: string}} PromptApiInfo  the page's Prompt API
 * @typedef {{id: number, type: "init", config: BootConfig, siteURL: string,
 *            promptApi?: PromptApiInfo | null}} InitRequest
 * @typedef {{id: number, type: "ping"}} PingRequest
 * @typedef {{role: "user" | "assistant", content: string}} Turn
 * @typedef {{id: number, type: "ask", conversation: string, history: Turn[], text: string,
 *            backend: "onnx" | "prompt-api"}} AskRequest  text starting "/groq " runs GROQ
 * @typedef {{id: number, type: "stop", target: number}} StopRequest  target: the ask's id
 * @typedef {{id: number, type: "generate", messages: {role: string, content: string}[],
 *            backend?: "onnx" | "prompt-api", max_tokens?: number, greedy?: boolean}} GenerateRequest
 * @typedef {{type: "prompt-reply", call: number, kind: string} & Record<string, unknown>} PromptReply
 *            page -> worker: the answer to a PromptEvent (web/prompt_host.js)
 * @typedef {{id: number, type: "render", chunks: string[], sources?: Record<string, {url: string, title?: string}>}} RenderRequest
 * @typedef {{id: number, type: "semantic"}} SemanticRequest  answered once semantic ranking has
 *            loaded or failed, with a SemanticResult
 * @typedef {InitRequest | PingRequest | AskRequest | StopRequest | RenderRequest | GenerateRequest
 *           | SemanticRequest} Request
 *
 * @typedef {{id: number, type: "progress", stage: string, loaded: number, total: number}} ProgressEvent
 * @typedef {{id: number, type: "token", text: string}} TokenEvent
 * @typedef {{id: number, type: "ops", ops: unknown[][]}} OpsEvent  DOM operations, app/render/ops.py
 * @typedef {{n: number, _id?: string, title: string, url: string, score?: number}} SourceRef
 * @typedef {{id: number, type: "sources", query: string, params: Record<string, unknown>,
 *            sources: SourceRef[], read?: QuestionRead}} SourcesEvent  once per ask, before any
 *            text; `read` only when the message was too long to read whole
 * @typedef {{characters: number, of: number}} QuestionRead  how much of the message was read
 * @typedef {{kind: "answer", text: string, stopped: boolean, plan_ms: number,
 *            embed_ms: number | null, semantic_notice?: string}} AnswerResult  embed_ms:
 *            embedding the question for text::semanticSimilarity() (null: retrieval ran
 *            keyword-only); semantic_notice: ranking by meaning stopped during this question
 * @typedef {{configured: boolean, available: boolean, message?: string, detail?: string,
 *            vectors?: number, dim?: number, scorer?: "wasm-simd" | "js", ms?: number}}
 *            SemanticResult  when ranking by meaning is configured but unavailable: message
 *            for the visitor, detail its cause
 * @typedef {{kind: "groq", result: unknown}} GroqResult
 * @typedef {{id: number, type: "prompt", op: string, call: number} & Record<string, unknown>} PromptEvent
 *            worker -> page: a Prompt API call from web/prompt_bridge.js (id 0: no request owns it)
 * @typedef {{id: number, type: "done", result: unknown}} DoneEvent  for an ask: AnswerResult | GroqResult
 * @typedef {{id: number, type: "error", message: string, stage?: string}} ErrorEvent
 * @typedef {ProgressEvent | TokenEvent | OpsEvent | SourcesEvent | PromptEvent | DoneEvent | ErrorEvent} WorkerEvent
 *
 * @typedef {{url: string, size: number}} StageFile
 * @typedef {{name: string, files: StageFile[]}} Stage
 * @typedef {{
 *   version: string,
 *   worker: string,
 *   pyodide: {indexURL: string, module: string, lockFileURL: string, packageBaseUrl: string,
 *             packages: string[]},
 *   ort: {module: string, wasmPaths: string},
 *   model: {onnx: string, info: string, tokenizer: string},
 *   content: {index: string},
 *   embed?: {onnx: string, info: string, tokenizer: string, vectors: string},
 *   stages: Stage[],
 * }} BootConfig  embed: present when the retrieval query uses text::semanticSimilarity()
 */

const EVENT_TYPES = new Set(["progress", "token", "ops", "sources", "prompt", "done", "error"]);

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
  if (event.type === "token" && typeof event.text !== "string") throw new TypeError("token event without text");
  if (event.type === "sources" && (typeof event.query !== "string" || !Array.isArray(event.sources))) {
    throw new TypeError("sources event without a query and a list of sources");
  }
  return /** @type {WorkerEvent} */ (event);
}
