// The chat: asks, streams, stops, regenerates, and keeps every turn in the conversation store.
// The page is the source of truth for history; the worker gets the finished turns with each ask.
import { AnswerView, appendUser, spokenText } from "./chat_view.js";
import { markInterrupted, newConversation } from "./conversation_store.js";
import { SaveQueue } from "./save_queue.js";

/**
 * @typedef {import("./conversation_store.js").Conversation} Conversation
 * @typedef {import("./conversation_store.js").Message} Message
 * @typedef {import("./conversation_store.js").Store} Store
 * @typedef {import("./protocol.js").WorkerEvent} WorkerEvent
 * @typedef {(request: any, onEvent?: (event: WorkerEvent) => void) => {id: number, result: Promise<any>}} Start
 * @typedef {{
 *   log: HTMLElement, input: HTMLTextAreaElement, send: HTMLButtonElement, stop: HTMLButtonElement,
 *   announcer: HTMLElement, storeNote: HTMLElement, empty: HTMLElement,
 * }} Elements
 */

const TITLE_LENGTH = 60;
const GROQ_PREFIX = "/groq ";
/** The worker runs "/groq" alone as a GROQ command too (and says what is missing). @param {string} text */
const isGroq = (text) => text === GROQ_PREFIX.trim() || text.startsWith(GROQ_PREFIX);
/** A restored answer shows its plain text if the renderer (busy loading the model) is slower. */
const PLAIN_TEXT_AFTER_MS = 300;

/** Finished turns, in order: what the model may see of the conversation so far. @param {Message[]} messages */
export function finishedHistory(messages) {
  /** @type {{role: "user" | "assistant", content: string}[]} */
  const history = [];
  for (let i = 0; i + 1 < messages.length; i++) {
    const question = messages[i];
    const answer = messages[i + 1];
    if (question.role !== "user" || answer.role !== "assistant") continue;
    if (isGroq(question.text) || answer.kind === "groq") continue;
    if (!["done", "interrupted"].includes(answer.state) || !answer.text) continue;
    history.push({ role: "user", content: question.text }, { role: "assistant", content: answer.text });
    i++;
  }
  return history;
}

/** @param {string} text */
function titleFrom(text) {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line;
}

/** @param {import("./conversation_store.js").Source[] | undefined} sources */
function sourceMap(sources) {
  /** @type {Record<string, {url: string, title?: string}>} */
  const map = {};
  for (const s of sources ?? []) map[String(s.n)] = { url: s.url, title: s.title };
  return map;
}

export class ChatController {
  /**
   * @param {{
   *   store: Store, start: Start, elements: Elements,
   *   backend: () => string, onListChange: (items: Conversation[], active: string) => void,
   * }} options
   */
  constructor({ store, start, elements, backend, onListChange }) {
    this.store = store;
    this.start = start;
    this.el = elements;
    this.backend = backend;
    this.onListChange = onListChange;
    /** @type {Conversation} */
    this.conversation = newConversation();
    /** @type {AnswerView[]} */
    this.views = [];
    /** @type {{id: number, message: Message, view: AnswerView} | null} */
    this.streaming = null;
    /** Bumped on every conversation switch, so a slow restore never paints into the wrong one. */
    this.epoch = 0;
    this.saves = new SaveQueue(store, (message) => this.warnStorage(message));
    if (store.problem) this.warnStorage(store.problem);
    addEventListener("pagehide", () => void this.saves.flush());
  }

  /** Open the newest conversation, marking answers cut by an earlier reload as interrupted. */
  async restore() {
    const all = await this.listSafely();
    for (const c of all) {
      if (markInterrupted(c)) await this.store.put(c).catch((/** @type {Error} */ err) => this.warnStorage(err.message));
    }
    if (all.length) await this.open(all[0].id);
    else this.showConversation(newConversation());
    await this.refreshList();
  }

  async listSafely() {
    try {
      return await this.store.list();
    } catch (err) {
      this.warnStorage(/** @type {Error} */ (err).message);
      return [];
    }
  }

  async refreshList() {
    this.onListChange(await this.listSafely(), this.conversation.id);
  }

  /** @param {string} message */
  warnStorage(message) {
    this.el.storeNote.textContent = message;
    this.el.storeNote.hidden = false;
  }

  // ---- conversations ----

  /** @param {string} id */
  async open(id) {
    if (this.streaming) this.stop();
    const found = id === this.conversation.id ? this.conversation : await this.store.get(id).catch(() => null);
    if (!found) return;
    if (markInterrupted(found)) void this.saves.now(found);
    await this.showConversation(found);
    await this.refreshList();
  }

  newConversation() {
    if (this.streaming) this.stop();
    void this.showConversation(newConversation());
    void this.refreshList();
    this.el.input.focus();
  }

  /** @param {string} id @param {string} title */
  async rename(id, title) {
    const c = id === this.conversation.id ? this.conversation : await this.store.get(id);
    if (!c) return;
    c.title = title;
    await this.saves.now(c);
    await this.refreshList();
  }

  /** @param {string} id */
  async remove(id) {
    if (id === this.conversation.id) {
      if (this.streaming) this.stop();
      this.conversation.messages = []; // a pending save must not bring it back
      void this.showConversation(newConversation());
    }
    await this.saves.settled();
    await this.store.remove(id).catch((/** @type {Error} */ err) => this.warnStorage(err.message));
    await this.refreshList();
  }

  /** Paint a conversation; answers go through the worker's renderer again, as they first did. @param {Conversation} c */
  async showConversation(c) {
    const epoch = ++this.epoch;
    this.conversation = c;
    this.views = [];
    this.el.log.replaceChildren();
    this.updateEmpty();
    for (const message of c.messages) {
      if (epoch !== this.epoch) return;
      if (message.role === "user") {
        appendUser(this.el.log, message.text);
        continue;
      }
      const view = this.answerView(message, message.state);
      this.views.push(view);
      if (message.kind === "groq" && message.state === "done") view.showGroq(message.result);
      else if (message.text) await this.renderText(view, message);
      if (message.state === "error") view.showError(message.error ?? "The answer failed.", message.kind === "groq");
      else view.setState(message.state, { stopped: message.stopped });
      if (message.query !== undefined) view.showSources(message.query, message.sources ?? [], message.params);
      if (message.read) view.showRead(message.read);
    }
    this.updateRegenerate();
  }

  /**
   * The worker renders the stored Markdown again. It can be busy for seconds (opening the model
   * blocks it): meanwhile the plain words are shown, and the formatted ones replace them.
   * @param {AnswerView} view @param {Message} message
   */
  async renderText(view, message) {
    const request = { type: "render", chunks: [message.text], sources: sourceMap(message.sources) };
    let placeholder = false;
    const timer = setTimeout(() => {
      placeholder = true;
      view.content.replaceChildren(message.text);
      view.content.classList.add("plain");
    }, PLAIN_TEXT_AFTER_MS);
    const clearPlaceholder = () => {
      clearTimeout(timer);
      if (!placeholder) return;
      placeholder = false;
      view.content.replaceChildren();
      view.content.classList.remove("plain");
    };
    try {
      /** @type {unknown} */
      let refused = null;
      await this.start(request, (event) => {
        if (event.type !== "ops" || refused) return;
        clearPlaceholder();
        try {
          view.applyOps(event.ops);
        } catch (err) {
          refused = err;
        }
      }).result;
      clearTimeout(timer);
      if (refused) throw refused;
    } catch (err) {
      // The renderer failed: the words still matter more than their formatting.
      clearPlaceholder();
      view.content.replaceChildren(message.text);
      view.content.classList.add("plain");
    }
  }

  /** @param {Message} message @param {import("./chat_view.js").AnswerState} [state] */
  answerView(message, state) {
    const actions = {
      onCopy: (/** @type {AnswerView} */ view) => void this.copy(view, message),
      onRegenerate: () => void this.regenerate(),
    };
    return new AnswerView(this.el.log, actions, state);
  }

  updateEmpty() {
    this.el.empty.hidden = this.conversation.messages.length > 0;
  }

  updateRegenerate() {
    const busy = this.streaming !== null;
    this.views.forEach((v, i) => v.showRegenerate(!busy && i === this.views.length - 1));
  }

  // ---- asking ----

  /** @param {string} text */
  async ask(text) {
    text = text.trim();
    if (!text || this.streaming) return;
    const c = this.conversation;
    const history = finishedHistory(c.messages);
    if (!c.messages.length) c.title = titleFrom(text);
    const backend = this.backend();
    /** @type {Message} */
    const message = {
      role: "assistant",
      text: "",
      state: "streaming",
      kind: isGroq(text) ? "groq" : "answer",
      backend,
    };
    c.messages.push({ role: "user", text, state: "done" }, message);
    c.updated = Date.now();
    this.updateEmpty();
    appendUser(this.el.log, text);
    const view = this.answerView(message);
    this.views.push(view);
    this.setBusy(true);
    const isNew = c.messages.length === 2;
    void this.saves.now(c).then(() => isNew && this.refreshList());

    const request = { type: "ask", conversation: c.id, history, text, backend };
    // Live before the request goes out: events may arrive as soon as it is posted.
    const run = { id: 0, message, view };
    this.streaming = run;
    const { id, result } = this.start(request, (event) => this.onEvent(event, run));
    run.id = id;
    this.updateRegenerate();
    try {
      const final = await result;
      if (this.streaming !== run) return; // stopped on the page already
      if (final?.kind === "groq") {
        message.result = final.result;
        view.showGroq(final.result);
      } else if (typeof final?.text === "string" && final.text.length >= message.text.length) {
        message.text = final.text;
      }
      message.state = "done";
      message.stopped = Boolean(final?.stopped);
      view.setState("done", { stopped: message.stopped });
      // Heard once, as it reads on screen: the rendered words, not their Markdown.
      this.announce(message.kind === "groq" ? "Query result ready." : spokenText(view.content) || message.text);
    } catch (err) {
      if (this.streaming !== run) return;
      message.state = "error";
      message.error = /** @type {Error} */ (err).message;
      view.showError(message.error, message.kind === "groq");
      this.announce(`The answer failed: ${message.error}`);
    }
    this.finish(c);
  }

  /** @param {WorkerEvent} event @param {{message: Message, view: AnswerView}} run */
  onEvent(event, run) {
    if (this.streaming !== run) return; // stopped: keep what we have
    const { message, view } = run;
    if (event.type === "sources") {
      message.query = event.query;
      message.params = event.params;
      message.sources = event.sources;
      view.showSources(event.query, event.sources, event.params);
      if (event.read) {
        message.read = event.read;
        view.showRead(event.read);
      }
      this.saves.soon(this.conversation);
    } else if (event.type === "token") {
      message.text += event.text;
      this.saves.soon(this.conversation);
    } else if (event.type === "ops") {
      try {
        view.applyOps(event.ops);
      } catch (err) {
        this.refuse(run, /** @type {Error} */ (err));
      }
    }
  }

  /**
   * The renderer sent an operation the page's allowlist refuses: a bug, or an attack through the
   * content. End the answer there, say so, and keep the refused part off the page.
   * @param {{id: number, message: Message, view: AnswerView}} run @param {Error} err
   */
  refuse(run, err) {
    run.message.state = "error";
    run.message.error = `This answer was stopped because it contained something the page refuses to show (${err.message}).`;
    run.view.showError(run.message.error, false);
    this.announce(run.message.error);
    this.finish(this.conversation);
    this.sendStop(run);
  }

  /**
   * Tell the worker to end an ask. Deferred a microtask: an event handled while the ask is
   * still being posted runs before its id is known.
   * @param {{id: number}} run
   */
  sendStop(run) {
    queueMicrotask(() => {
      this.start({ type: "stop", target: run.id }).result.catch(() => {
        // A worker that has already finished the ask has nothing to stop.
      });
    });
  }

  /** Stop at once: the page keeps the partial answer and ignores what the worker still sends. */
  stop() {
    const s = this.streaming;
    if (!s) return;
    s.message.state = "done";
    s.message.stopped = true;
    s.view.setState("done", { stopped: true });
    this.announce("Stopped.");
    this.finish(this.conversation); // from here on, the ask's late events are ignored
    this.sendStop(s);
    this.el.input.focus();
  }

  /** @param {Conversation} c */
  finish(c) {
    this.streaming = null;
    this.setBusy(false);
    this.updateRegenerate();
    c.updated = Date.now();
    void this.saves.now(c).then(() => this.refreshList());
  }

  /** Ask the last question again with the history before it, replacing the last answer. */
  async regenerate() {
    if (this.streaming) return;
    const c = this.conversation;
    const lastUser = c.messages.findLastIndex((m) => m.role === "user");
    if (lastUser < 0) return;
    const question = c.messages[lastUser].text;
    c.messages.splice(lastUser);
    // Drop the last question and answer from the page; ask() paints them afresh.
    const articles = [...this.el.log.children];
    const userArticles = articles.filter((a) => a.classList.contains("user"));
    const from = articles.indexOf(/** @type {Element} */ (userArticles.at(-1)));
    for (const a of articles.slice(from)) a.remove();
    this.views = this.views.filter((v) => v.element.isConnected);
    this.el.input.focus(); // the clicked button is gone; Esc from here stops the new answer
    await this.ask(question);
  }

  /** @param {AnswerView} view @param {Message} message */
  async copy(view, message) {
    const text = message.kind === "groq" && message.state === "done"
      ? JSON.stringify(message.result, null, 2)
      : message.text || message.error || "";
    try {
      await navigator.clipboard.writeText(text);
      view.flashCopied();
      this.announce("Copied the answer.");
    } catch (err) {
      this.announce(`Copying failed: ${/** @type {Error} */ (err).message}`);
    }
  }

  /** @param {boolean} busy */
  setBusy(busy) {
    if (busy) this.el.log.setAttribute("aria-busy", "true");
    else this.el.log.removeAttribute("aria-busy");
    this.el.send.hidden = busy;
    this.el.stop.hidden = !busy;
    document.documentElement.dataset.chat = busy ? "streaming" : "idle";
  }

  /** One announcement per finished answer, through the separate polite live region. @param {string} text */
  announce(text) {
    this.el.announcer.textContent = "";
    // A fresh text node after a tick: screen readers announce changes, not repeats.
    setTimeout(() => { this.el.announcer.textContent = text; }, 50);
  }
}
