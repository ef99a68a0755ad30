// Page side of the Prompt API bridge: the built-in model exists only on the page, so this runs
// the real API for the worker's "prompt" events (see prompt_bridge.js) and answers with
// "prompt-reply" messages. One AbortController per call; errors cross by name (QuotaExceededError,
// AbortError, NotSupportedError, ...) so the Python side can tell the visitor what happened.

/** Which shape of the API the page has, if any: sent to the worker at init. */
export function promptApiShape() {
  const scope = /** @type {any} */ (self);
  if (scope.LanguageModel) return "current";
  if (scope.ai?.languageModel) return "legacy";
  return null;
}

/** @param {unknown} err */
function errorReply(err) {
  const e = /** @type {any} */ (err);
  const name = typeof e?.name === "string" && e.name ? e.name : "UnknownError";
  return { kind: "error", name, message: String(e?.message ?? err) };
}

export class PromptHost {
  /** @param {(message: Record<string, unknown>) => void} reply  posts to the worker */
  constructor(reply) {
    this.post = reply;
    /** @type {Map<number, any>} */
    this.sessions = new Map();
    /** @type {Map<number, AbortController>} */
    this.controllers = new Map();
    this.nextSession = 1;
  }

  /** @param {number} call @param {Record<string, unknown>} fields */
  send(call, fields) {
    this.post({ type: "prompt-reply", call, ...fields });
  }

  /** The API object the page has, in the shape asked for. @param {string} shape */
  api(shape) {
    const scope = /** @type {any} */ (self);
    const api = shape === "legacy" ? scope.ai?.languageModel : scope.LanguageModel;
    if (!api) throw new DOMException("this browser has no built-in model", "NotSupportedError");
    return api;
  }

  /** @param {any} event  a "prompt" event from the worker */
  handle(event) {
    const call = Number(event.call);
    if (event.op === "abort") {
      this.controllers.get(Number(event.target))?.abort(new DOMException("The request was aborted.", "AbortError"));
      return;
    }
    if (event.op === "destroy") {
      const session = this.sessions.get(Number(event.session));
      this.sessions.delete(Number(event.session));
      try {
        session?.destroy();
      } catch (err) {
        console.warn("destroying the built-in model session failed:", err);
      }
      return;
    }
    const controller = new AbortController();
    this.controllers.set(call, controller);
    this.run(call, event, controller.signal)
      .catch((err) => this.send(call, errorReply(err)))
      .finally(() => this.controllers.delete(call));
  }

  /** @param {number} call @param {any} event @param {AbortSignal} signal */
  async run(call, event, signal) {
    switch (event.op) {
      case "availability":
        this.send(call, { kind: "result", value: String(await this.api("current").availability(event.options ?? {})) });
        return;
      case "params":
        this.send(call, { kind: "result", value: JSON.parse(JSON.stringify(await this.api("current").params())) });
        return;
      case "capabilities": {
        const caps = await this.api("legacy").capabilities();
        this.send(call, { kind: "result", value: { available: String(caps?.available ?? "no") } });
        return;
      }
      case "create": {
        const monitor = (/** @type {EventTarget} */ m) => m.addEventListener("downloadprogress", (e) => {
          const p = /** @type {any} */ (e);
          this.send(call, { kind: "progress", loaded: Number(p.loaded ?? 0), total: Number(p.total ?? 1) });
        });
        const session = await this.api(event.shape).create({ ...(event.options ?? {}), monitor, signal });
        if (signal.aborted) {
          // The worker gave up on this session already: free it rather than keep it unseen.
          session.destroy();
          throw signal.reason;
        }
        const id = this.nextSession++;
        this.sessions.set(id, session);
        this.send(call, {
          kind: "result",
          value: { session: id, inputUsage: Number(session.inputUsage ?? 0), inputQuota: Number(session.inputQuota ?? Infinity) },
        });
        return;
      }
      case "measure": {
        const usage = await this.session(event.session).measureInputUsage(event.input, { signal });
        this.send(call, { kind: "result", value: Number(usage) });
        return;
      }
      case "prompt-whole": {
        const text = await this.session(event.session).prompt(event.input, { signal });
        this.send(call, { kind: "result", value: String(text) });
        return;
      }
      case "prompt": {
        const session = this.session(event.session);
        const reader = session.promptStreaming(event.input, { signal }).getReader();
        // An abort must end the stream now, even if the model is between chunks.
        signal.addEventListener("abort", () => void reader.cancel().catch(() => {}), { once: true });
        for (;;) {
          const { value, done } = await reader.read();
          if (signal.aborted) throw signal.reason;
          if (done) break;
          this.send(call, { kind: "chunk", value: String(value) });
        }
        this.send(call, { kind: "result", value: Number(session.inputUsage ?? 0) });
        this.send(call, { kind: "end" });
        return;
      }
      default:
        throw new DOMException(`unknown Prompt API operation ${event.op}`, "NotSupportedError");
    }
  }

  /** @param {unknown} id */
  session(id) {
    const session = this.sessions.get(Number(id));
    if (!session) throw new DOMException("the session was destroyed", "InvalidStateError");
    return session;
  }
}
