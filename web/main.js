// The page: reads the build's boot config, starts the worker and the service worker, and turns
// worker events into what the visitor sees. Requests go out, events come back; nothing else.
import { parseEvent } from "./protocol.js";
import { scriptURL } from "./trusted_urls.js";
import { BootView, setState } from "./boot_view.js";
import { registerServiceWorker, requestPersistence } from "./service_worker_client.js";
import { AnswerView } from "./chat_view.js";
import { ChatController } from "./chat_controller.js";
import { ConversationList } from "./conversation_list.js";
import { openStore } from "./conversation_store.js";
import { BackendStatus } from "./backend_status.js";
import { ScrollFollower } from "./scroll_follow.js";
import { conversationsAPI } from "./conversations_api.js";
import { PromptHost, promptApiShape } from "./prompt_host.js";

/** @type {import("./protocol.js").BootConfig} */
const config = JSON.parse(/** @type {HTMLElement} */ (document.getElementById("boot-config")).textContent ?? "{}");
const view = new BootView();
const pending = new Map();
let nextId = 1;
/** @type {Worker | null} */
let worker = null;
// Prompt API bridge: the page runs the built-in model for the worker's "prompt" events.
const promptHost = new PromptHost((message) => worker?.postMessage(message));

/**
 * Start a request: its id (a `stop` names it) and a promise for its final event's result;
 * streaming events go to `onEvent`.
 * @param {Omit<import("./protocol.js").Request, "id">} request
 * @param {(event: import("./protocol.js").WorkerEvent) => void} [onEvent]
 * @returns {{id: number, result: Promise<any>}}
 */
export function start(request, onEvent) {
  const id = nextId++;
  const result = new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onEvent });
    if (!worker) {
      pending.delete(id);
      reject(new Error("The assistant has not started yet."));
      return;
    }
    worker.postMessage({ ...request, id });
  });
  return { id, result };
}

/**
 * Send a request and get a promise for its final event; streaming events go to `onEvent`.
 * @param {Omit<import("./protocol.js").Request, "id">} request
 * @param {(event: import("./protocol.js").WorkerEvent) => void} [onEvent]
 */
export function send(request, onEvent) {
  return start(request, onEvent).result;
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
      // A malformed event fails its own request; only one nobody asked for stops the page.
      const owner = pending.get(message.data?.id);
      if (owner) {
        pending.delete(message.data.id);
        owner.reject(err);
      } else {
        view.fail(String(err));
      }
      return;
    }
    if (event.type === "prompt") {
      promptHost.handle(event); // a Prompt API call from the worker's bridge, not a reply
      return;
    }
    const entry = pending.get(event.id);
    const notice = event.type === "done" && /** @type {any} */ (event.result)?.semantic_notice;
    if (notice) showNote("semantic", String(notice)); // ranking by meaning stopped mid-visit
    if (event.type === "progress") {
      view.progress(event);
      backend.progress(event);
    }
    entry?.onEvent?.(event);
    if (event.type === "done" || event.type === "error") {
      pending.delete(event.id);
      event.type === "done" ? entry?.resolve(event.result) : entry?.reject(Object.assign(new Error(event.message), event));
    }
  });
  worker.addEventListener("error", (e) => view.fail(`The worker stopped: ${e.message || "script error"}`));
  view.reset(config.stages);
  // promptApi: the shape of the page's Prompt API (if any) and the page's user agent, whose
  // Chrome major version decides the chunk mode; the worker installs its bridge from it.
  const shape = promptApiShape();
  const promptApi = shape ? { shape, userAgent: navigator.userAgent } : null;
  showNote("semantic", "");
  return send({ type: "init", config, siteURL: new URL(".", location.href).href, promptApi })
    .then(async () => {
      await enableChat();
      view.ready();
      void loadModel();
      void checkSemantic();
    })
    .catch((err) => view.fail(err.message));
}

/** The model loads after Python is ready, so /groq and saved conversations work meanwhile. */
function loadModel() {
  return send({ type: "load-model" }).then(
    () => backend.ready(),
    (err) => backend.fail(/** @type {Error} */ (err).message),
  );
}

/** Ranking by meaning loads beside the model; if it cannot, say so once: answers still come. */
function checkSemantic() {
  return send({ type: "semantic" }).then(
    (/** @type {import("./protocol.js").SemanticResult} */ result) => {
      if (result.configured && !result.available) {
        console.warn("semantic ranking unavailable:", result.detail);
        showNote("semantic", result.message ?? "Ranking by meaning is unavailable.");
      }
    },
    (err) => console.warn("semantic ranking status unavailable:", err),
  );
}

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = /** @type {HTMLTextAreaElement} */ (byId("message"));
const log = byId("messages");
const backend = new BackendStatus(
  /** @type {HTMLSelectElement} */ (byId("backend-choice")),
  byId("backend-chooser"),
  byId("backend-status"),
);
void backend.detect();
byId("model-retry").addEventListener("click", () => {
  backend.retrying();
  void loadModel();
});
const follower = new ScrollFollower(log, /** @type {HTMLButtonElement} */ (byId("jump")));
/** @type {ChatController | null} */
let chat = null;

async function enableChat() {
  if (!chat) {
    const store = await openStore();
    const list = new ConversationList(byId("conversation-list"), {
      onOpen: (id) => {
        closeSidebar();
        void chat?.open(id).then(() => follower.jump());
      },
      // The list is rebuilt after a change: keep the keyboard where the visitor was.
      onRename: (id, title) => void chat?.rename(id, title).then(() => list.focusRow(id, "open")),
      onDelete: (id) => void chat?.remove(id).then(() => byId("new-conversation").focus()),
    });
    chat = new ChatController({
      store,
      start,
      elements: {
        log,
        input,
        send: /** @type {HTMLButtonElement} */ (byId("send")),
        stop: /** @type {HTMLButtonElement} */ (byId("stop")),
        announcer: byId("announcer"),
        storeNote: byId("store-note"),
        empty: byId("empty"),
      },
      backend: () => backend.backend,
      onListChange: (items, active) => list.render(items, active),
    });
    Object.assign(/** @type {any} */ (window).assistant, { conversations: conversationsAPI(store, chat) });
    await chat.restore();
    follower.jump();
  }
  byId("chat").hidden = false;
  byId("sidebar").hidden = false;
  input.disabled = false;
  /** @type {HTMLButtonElement} */ (byId("send")).disabled = false;
  input.focus();
}

function submit() {
  if (!chat || chat.streaming) return;
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  follower.jump();
  void chat.ask(text);
}

byId("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});
byId("stop").addEventListener("click", () => chat?.stop());
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.defaultPrevented) return;
  if (chat?.streaming) {
    event.preventDefault();
    chat.stop();
  } else if (document.body.classList.contains("sidebar-open")) {
    closeSidebar();
    byId("sidebar-toggle").focus();
  }
});
byId("new-conversation").addEventListener("click", () => {
  chat?.newConversation();
  closeSidebar();
});
byId("sidebar-toggle").addEventListener("click", () => {
  const open = document.body.classList.toggle("sidebar-open");
  byId("sidebar-toggle").setAttribute("aria-expanded", String(open));
});
function closeSidebar() {
  document.body.classList.remove("sidebar-open");
  byId("sidebar-toggle").setAttribute("aria-expanded", "false");
}

/** The header's status notes (an update is ready, ranking by meaning is off), by topic. */
const notes = new Map();
/** @param {string} topic @param {string} text  empty: the topic has nothing to say */
function showNote(topic, text) {
  if (text) notes.set(topic, text);
  else notes.delete(topic);
  const note = /** @type {HTMLElement} */ (document.getElementById("update-note"));
  note.textContent = [...notes.values()].join(" ");
  note.hidden = notes.size === 0;
}
const showUpdateNote = (/** @type {string} */ text) => showNote("update", text);

document.getElementById("retry")?.addEventListener("click", () => void startWorker());

/**
 * Render Markdown through the worker's safe renderer into a new assistant message.
 * @param {string[]} chunks
 */
async function renderMessage(chunks) {
  const answer = new AnswerView(log, { onCopy: () => {}, onRegenerate: () => {} });
  await send({ type: "render", chunks }, (event) => {
    if (event.type === "ops") answer.applyOps(event.ops);
  });
  answer.setState("done");
  return answer.element;
}

// Exposed for tests and the chat view: typed request functions, never a string evaluator.
Object.assign(window, {
  assistant: { send, start, ping: () => send({ type: "ping" }), render: renderMessage, backend: () => backend.backend },
});

// Booting does not wait for the service worker: it only matters for later visits.
registerServiceWorker(showUpdateNote).catch((err) => console.warn("service worker unavailable:", err));
setState("booting");
void startWorker();
void requestPersistence();
