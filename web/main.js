// The page: reads the build's boot config, starts the worker and the service worker, and turns
// worker events into what the visitor sees. Requests go out, events come back; nothing else.
import { parseEvent } from "./protocol.js";
import { scriptURL } from "./trusted_urls.js";
import { BootView, setState } from "./boot_view.js";
import { registerServiceWorker, requestPersistence } from "./service_worker_client.js";
import { appendMessage } from "./chat_view.js";
import { OpApplier } from "./dom_ops.js";

/** @type {import("./protocol.js").BootConfig} */
const config = JSON.parse(/** @type {HTMLElement} */ (document.getElementById("boot-config")).textContent ?? "{}");
const view = new BootView();
const pending = new Map();
let nextId = 1;
/** @type {Worker | null} */
let worker = null;

/**
 * Send a request and get a promise for its final event; streaming events go to `onEvent`.
 * @param {Omit<import("./protocol.js").Request, "id">} request
 * @param {(event: import("./protocol.js").WorkerEvent) => void} [onEvent]
 */
export function send(request, onEvent) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onEvent });
    /** @type {Worker} */ (worker).postMessage({ ...request, id });
  });
}

function startWorker() {
  worker?.terminate();
  for (const p of pending.values()) p.reject(new Error("worker restarted"));
  pending.clear();
  worker = new Worker(scriptURL(config.worker), { type: "module", name: "assistant" });
  worker.addEventListener("message", (message) => {
    let event;
    try {
      event = parseEvent(message.data);
    } catch (err) {
      view.fail(String(err));
      return;
    }
    const entry = pending.get(event.id);
    if (event.type === "progress") view.progress(event);
    entry?.onEvent?.(event);
    if (event.type === "done" || event.type === "error") {
      pending.delete(event.id);
      event.type === "done" ? entry?.resolve(event.result) : entry?.reject(Object.assign(new Error(event.message), event));
    }
  });
  worker.addEventListener("error", (e) => view.fail(`The worker stopped: ${e.message || "script error"}`));
  view.reset(config.stages);
  return send({ type: "init", config, siteURL: new URL(".", location.href).href })
    .then(() => {
      view.ready();
      enableChat();
    })
    .catch((err) => view.fail(err.message));
}

const input = /** @type {HTMLTextAreaElement} */ (document.getElementById("message"));
const log = /** @type {HTMLElement} */ (document.getElementById("messages"));

function enableChat() {
  /** @type {HTMLElement} */ (document.getElementById("chat")).hidden = false;
  input.disabled = false;
  /** @type {HTMLButtonElement} */ (document.getElementById("send")).disabled = false;
  input.focus();
}

async function ask() {
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  appendMessage(log, "user", text, "done");
  try {
    const result = await send({ type: "ask", text });
    appendMessage(log, "assistant", String(result), "done");
  } catch (err) {
    appendMessage(log, "assistant", /** @type {Error} */ (err).message, "error");
  }
}

document.getElementById("composer")?.addEventListener("submit", (event) => {
  event.preventDefault();
  void ask();
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void ask();
  }
});

function showUpdateNote(/** @type {string} */ text) {
  const note = /** @type {HTMLElement} */ (document.getElementById("update-note"));
  note.textContent = text;
  note.hidden = false;
}

document.getElementById("retry")?.addEventListener("click", () => void startWorker());

/**
 * Render Markdown through the worker's safe renderer into a new assistant message.
 * @param {string[]} chunks
 */
async function renderMessage(chunks) {
  const item = appendMessage(log, "assistant", "", "streaming");
  const body = /** @type {HTMLElement} */ (item.querySelector("p"));
  const content = document.createElement("div");
  content.className = "content";
  body.replaceWith(content);
  const applier = new OpApplier(content);
  await send({ type: "render", chunks }, (event) => {
    if (event.type === "ops") applier.apply(event.ops);
  });
  item.dataset.state = "done";
  return item;
}

// Exposed for tests and the chat view: typed request functions, never a string evaluator.
Object.assign(window, {
  assistant: { send, ping: () => send({ type: "ping" }), render: renderMessage },
});

const reloading = await registerServiceWorker(showUpdateNote).catch((err) => {
  console.warn("service worker unavailable:", err);
  return false;
});
if (!reloading) {
  setState("booting");
  void startWorker();
  void requestPersistence();
}
