// Worker side of the Prompt API bridge. Workers have no built-in model, so this module gives the
// worker an object with the Prompt API's shape (availability/create, session.promptStreaming,
// destroy, monitor "downloadprogress", AbortSignal) whose calls travel to the page as "prompt"
// events; the page (prompt_host.js) runs the real API and answers with "prompt-reply" messages.
// Chunks cross verbatim: the Python side converts chunk modes by the PAGE's user agent.

/**
 * @typedef {{type: "prompt-reply", call: number, kind: "result" | "error" | "chunk" | "end" | "progress",
 *            value?: unknown, name?: string, message?: string, loaded?: number, total?: number}} PromptReply
 * @typedef {{onReply: (reply: PromptReply) => void}} Pending
 */

/** @type {Map<number, Pending>} */
const calls = new Map();
let nextCall = 1;
/** @type {(message: Record<string, unknown>) => void} */
let post = () => { throw new Error("prompt bridge not installed"); };

/** @param {PromptReply} reply */
function errorOf(reply) {
  return new DOMException(reply.message ?? "the built-in model failed", reply.name ?? "UnknownError");
}

/** @param {AbortSignal | undefined} signal */
function abortReason(signal) {
  return signal?.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * Send one operation to the page; `onReply` sees every reply for it until it is finished. A
 * signal that aborts ends the call here at once, as the real API does (`onAbort` gets the
 * reason), and tells the page to abort its own controller; later replies are dropped.
 * @param {string} op
 * @param {Record<string, unknown>} args
 * @param {(reply: PromptReply, finish: () => void) => void} onReply
 * @param {AbortSignal | undefined} signal
 * @param {(reason: unknown) => void} onAbort
 */
function call(op, args, onReply, signal, onAbort) {
  const id = nextCall++;
  const abort = () => {
    calls.delete(id);
    post({ id: 0, type: "prompt", op: "abort", call: nextCall++, target: id });
    onAbort(abortReason(signal));
  };
  const finish = () => {
    calls.delete(id);
    signal?.removeEventListener("abort", abort);
  };
  calls.set(id, { onReply: (reply) => onReply(reply, finish) });
  signal?.addEventListener("abort", abort, { once: true });
  post({ id: 0, type: "prompt", op, call: id, ...args });
  return { id, finish };
}

/**
 * A request with one answer (availability, create, measureInputUsage...).
 * @param {string} op
 * @param {Record<string, unknown>} args
 * @param {{signal?: AbortSignal, onProgress?: (loaded: number, total: number) => void}} [options]
 * @returns {Promise<any>}
 */
function request(op, args, options = {}) {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    call(op, args, (reply, finish) => {
      if (reply.kind === "progress") {
        onProgress?.(reply.loaded ?? 0, reply.total ?? 1);
      } else if (reply.kind === "result") {
        finish();
        resolve(reply.value);
      } else if (reply.kind === "error") {
        finish();
        reject(errorOf(reply));
      }
    }, signal, reject);
  });
}

/** A monitor target like the real one: "downloadprogress" events with loaded/total. */
function monitorTarget() {
  const target = new EventTarget();
  const emit = (/** @type {number} */ loaded, /** @type {number} */ total) => {
    target.dispatchEvent(Object.assign(new Event("downloadprogress"), { loaded, total }));
  };
  return { target, emit };
}

/**
 * Options for create(), made plain: functions and signals cannot cross postMessage.
 * @param {any} options
 */
function plainCreateOptions(options) {
  const plain = { ...(options ?? {}) };
  delete plain.monitor;
  delete plain.signal;
  return JSON.parse(JSON.stringify(plain));
}

class BridgeSession {
  /** @param {number} session @param {{inputUsage?: number, inputQuota?: number}} info */
  constructor(session, info) {
    this.session = session;
    this.inputUsage = info.inputUsage ?? 0;
    this.inputQuota = info.inputQuota ?? Infinity;
    this.destroyed = false;
  }

  /** @param {unknown} input @param {{signal?: AbortSignal}} [options] */
  async measureInputUsage(input, options = {}) {
    return request("measure", { session: this.session, input }, { signal: options.signal });
  }

  /** The whole answer at once (the page calls session.prompt). @param {unknown} input @param {{signal?: AbortSignal}} [options] */
  async prompt(input, options = {}) {
    return request("prompt-whole", { session: this.session, input }, { signal: options.signal });
  }

  /**
   * A ReadableStream of the page's chunks, verbatim; an abort errors it with AbortError.
   * @param {unknown} input
   * @param {{signal?: AbortSignal}} [options]
   */
  promptStreaming(input, options = {}) {
    const { signal } = options;
    /** @type {{id: number, finish: () => void} | null} */
    let pending = null;
    return new ReadableStream({
      start: (controller) => {
        if (signal?.aborted) {
          controller.error(abortReason(signal));
          return;
        }
        pending = call("prompt", { session: this.session, input }, (reply, finish) => {
          if (reply.kind === "chunk") {
            controller.enqueue(String(reply.value));
          } else if (reply.kind === "end" || reply.kind === "error") {
            finish();
            pending = null;
            if (reply.kind === "end") controller.close();
            else controller.error(errorOf(reply));
          } else if (reply.kind === "result") {
            // the session's usage after this prompt, for inputUsage
            this.inputUsage = Number(reply.value ?? this.inputUsage);
          }
        }, signal, (reason) => {
          pending = null;
          controller.error(reason);
        });
      },
      cancel: () => {
        if (pending === null) return;
        pending.finish();
        post({ id: 0, type: "prompt", op: "abort", call: nextCall++, target: pending.id });
        pending = null;
      },
    });
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    post({ id: 0, type: "prompt", op: "destroy", call: nextCall++, session: this.session });
  }
}

/**
 * create() for both shapes: the page makes the session; progress drives the caller's monitor.
 * @param {"current" | "legacy"} shape
 * @param {any} options
 */
async function createSession(shape, options = {}) {
  const { target, emit } = monitorTarget();
  if (typeof options?.monitor === "function") options.monitor(target);
  const info = await request(
    "create",
    { shape, options: plainCreateOptions(options) },
    { signal: options?.signal, onProgress: emit },
  );
  return new BridgeSession(info.session, info);
}

/**
 * Handle a "prompt-reply" from the page. Returns true when the message was one.
 * @param {any} message
 */
export function handleReply(message) {
  if (message?.type !== "prompt-reply") return false;
  calls.get(message.call)?.onReply(message);
  return true;
}

/**
 * Install the bridge on the worker's global scope, only when the page has the API: the current
 * shape as `self.LanguageModel`, the older one as `self.ai.languageModel`. `self.promptApiScope`
 * is what Python's PromptApiBackend.detect() reads: the API plus the PAGE's user agent, whose
 * Chrome major version decides the chunk mode.
 * @param {{shape: "current" | "legacy", userAgent: string}} info
 * @param {(message: Record<string, unknown>) => void} postMessage
 */
export function installPromptBridge(info, postMessage) {
  post = postMessage;
  const scope = /** @type {any} */ (self);
  const navigator = { userAgent: String(info.userAgent ?? "") };
  if (info.shape === "legacy") {
    const languageModel = {
      capabilities: () => request("capabilities", {}),
      create: (/** @type {any} */ options) => createSession("legacy", options),
    };
    scope.ai = { languageModel };
    scope.promptApiScope = { ai: scope.ai, navigator };
  } else {
    const LanguageModel = {
      availability: (/** @type {any} */ options) => request("availability", { options: options ?? {} }),
      params: () => request("params", {}),
      create: (/** @type {any} */ options) => createSession("current", options),
    };
    scope.LanguageModel = LanguageModel;
    scope.promptApiScope = { LanguageModel, navigator };
  }
}
