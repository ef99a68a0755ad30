// The message list: each message is built with createElement and textContent only. Answers get
// their content from the renderer's DOM operations (OpApplier), a sources panel, and actions.
import { OpApplier } from "./dom_ops.js";
import { renderGroqResult } from "./groq_view.js";

/** @typedef {import("./conversation_store.js").Source} Source */
/** @typedef {"streaming" | "done" | "interrupted" | "error"} AnswerState */

/**
 * @param {HTMLElement} log
 * @param {"user" | "assistant"} role
 * @param {string} text
 * @param {AnswerState} state
 */
export function appendMessage(log, role, text, state) {
  const item = document.createElement("article");
  item.className = `message ${role}`;
  item.dataset.state = state;
  item.setAttribute("aria-label", role === "user" ? "You said" : "Assistant");
  const body = document.createElement("p");
  body.textContent = text;
  item.append(body);
  log.append(item);
  return item;
}

const LINK_SCHEMES = new Set(["http:", "https:"]);

/** A source link must lead to this site or the open web; anything else stays plain text. @param {string} url */
function safeHref(url) {
  try {
    const resolved = new URL(url, location.href);
    return resolved.origin === location.origin || LINK_SCHEMES.has(resolved.protocol) ? resolved.href : null;
  } catch {
    return null;
  }
}

/**
 * @param {string} query
 * @param {Source[]} sources
 * @param {Record<string, unknown>} [params]  the query's parameters, as the worker bound them
 * @returns {HTMLDetailsElement}
 */
export function sourcesPanel(query, sources, params) {
  const panel = document.createElement("details");
  panel.className = "sources";
  const summary = document.createElement("summary");
  summary.textContent = sources.length === 1 ? "1 source" : `${sources.length} sources`;
  panel.append(summary);
  if (sources.length) {
    const list = document.createElement("ol");
    list.className = "source-list";
    for (const source of sources) {
      const item = document.createElement("li");
      item.value = source.n;
      const href = safeHref(String(source.url ?? ""));
      const label = String(source.title || source.url || source._id || `Source ${source.n}`);
      if (href) {
        const link = document.createElement("a");
        link.href = href;
        link.rel = "noopener noreferrer";
        link.textContent = label;
        item.append(link);
      } else {
        item.textContent = label;
      }
      list.append(item);
    }
    panel.append(list);
  } else {
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = "No passages matched this question.";
    panel.append(none);
  }
  const heading = document.createElement("p");
  heading.className = "query-label";
  heading.textContent = "Retrieval query (GROQ)";
  const pre = document.createElement("pre");
  pre.className = "query";
  const code = document.createElement("code");
  code.textContent = query;
  pre.append(code);
  panel.append(heading, pre);
  if (params && typeof params === "object" && Object.keys(params).length) {
    const label = document.createElement("p");
    label.className = "query-label";
    label.textContent = "Parameters";
    const values = document.createElement("pre");
    values.className = "query-params";
    values.textContent = Object.entries(params)
      .map(([name, value]) => `$${name} = ${JSON.stringify(value)}`)
      .join("\n");
    panel.append(label, values);
  }
  return panel;
}

/** Elements whose text reads as its own line. */
const BLOCKS = new Set(["p", "pre", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "ul", "ol", "table", "div"]);

/**
 * The words of rendered content as a listener should hear them: the formatted text, not its
 * Markdown source ("**", "```"), and without the labels of controls inside it ("Copy code").
 * @param {Node} node
 * @returns {string}
 */
export function spokenText(node) {
  /** @type {string[]} */
  const parts = [];
  /** @param {Node} parent */
  const walk = (parent) => {
    for (const child of parent.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        parts.push(child.textContent ?? "");
      } else if (child instanceof Element && child.localName !== "button") {
        const block = BLOCKS.has(child.localName);
        if (block) parts.push("\n");
        walk(child);
        if (block) parts.push("\n");
      }
    }
  };
  walk(node);
  return parts.join("").replace(/[ \t]*\n\s*/g, "\n").trim();
}

const NOTES = /** @type {Record<string, string>} */ ({
  interrupted: "Interrupted: the page closed before this answer finished.",
  stopped: "Stopped.",
});

/** One assistant answer: content, notes, sources and its action buttons. */
export class AnswerView {
  /**
   * @param {HTMLElement} log
   * @param {{onCopy: (view: AnswerView) => void, onRegenerate: () => void}} actions
   * @param {AnswerState} [state]  a restored answer starts in its stored state, never "streaming"
   */
  constructor(log, actions, state = "streaming") {
    this.element = document.createElement("article");
    this.element.className = "message assistant";
    this.element.setAttribute("aria-label", "Assistant");
    this.content = document.createElement("div");
    this.content.className = "content";
    this.note = document.createElement("p");
    this.note.className = "answer-note";
    this.note.hidden = true;
    this.actions = document.createElement("div");
    this.actions.className = "actions";
    this.actions.setAttribute("role", "group");
    this.actions.setAttribute("aria-label", "Answer actions");
    this.copyButton = button("Copy", "Copy the answer's text", () => actions.onCopy(this));
    this.copied = document.createElement("span");
    this.copied.className = "copied";
    this.copied.setAttribute("aria-hidden", "true");
    this.copied.textContent = "Copied";
    this.regenerateButton = button("Regenerate", "Ask the same question again", actions.onRegenerate);
    this.regenerateButton.hidden = true;
    this.actions.append(this.copyButton, this.regenerateButton, this.copied);
    this.element.append(this.content, this.note, this.actions);
    this.applier = new OpApplier(this.content);
    /** @type {HTMLDetailsElement | null} */
    this.panel = null;
    log.append(this.element);
    this.setState(state);
  }

  /** @param {AnswerState} state @param {{stopped?: boolean}} [options] */
  setState(state, options = {}) {
    this.element.dataset.state = state;
    if (options.stopped) this.element.dataset.stopped = "true";
    else delete this.element.dataset.stopped;
    const note = state === "interrupted" ? NOTES.interrupted : options.stopped ? NOTES.stopped : "";
    if (state !== "error") this.setNote(note);
    this.actions.hidden = state === "streaming";
  }

  /** @param {string} text */
  setNote(text) {
    this.note.textContent = text;
    this.note.hidden = !text;
  }

  /** @param {unknown[]} ops */
  applyOps(ops) {
    this.applier.apply(ops);
  }

  /**
   * A message longer than the model can take in was answered from its beginning: say so
   * before the answer, so the visitor can ask about the rest separately.
   * @param {{characters: number, of: number}} read
   */
  showRead(read) {
    const note = document.createElement("p");
    note.className = "read-note";
    const of = read.of.toLocaleString("en");
    note.textContent = `Your message is longer than the model can read at once: this answer ` +
      `is based on its first ${read.characters.toLocaleString("en")} of ${of} characters.`;
    this.element.querySelector(".read-note")?.remove();
    this.content.before(note);
  }

  /** @param {string} query @param {Source[]} sources @param {Record<string, unknown>} [params] */
  showSources(query, sources, params) {
    const panel = sourcesPanel(query, sources, params);
    if (this.panel) this.panel.replaceWith(panel);
    else this.note.after(panel);
    this.panel = panel;
  }

  /** @param {unknown} result */
  showGroq(result) {
    this.content.replaceChildren(renderGroqResult(result));
  }

  /**
   * The worker's message, verbatim; a GROQ syntax error's caret excerpt needs a <pre>.
   * @param {string} message @param {boolean} preformatted
   */
  showError(message, preformatted) {
    this.setState("error");
    this.note.hidden = true;
    const box = document.createElement(preformatted ? "pre" : "p");
    box.className = "error-text";
    box.textContent = message;
    this.content.append(box);
  }

  /** @param {boolean} visible */
  showRegenerate(visible) {
    this.regenerateButton.hidden = !visible;
  }

  flashCopied() {
    this.copied.classList.remove("show");
    void this.copied.offsetWidth; // restart the fade
    this.copied.classList.add("show");
  }
}

/**
 * @param {string} label  the accessible name, also the visible text
 * @param {string} title
 * @param {() => void} onClick
 */
function button(label, title, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.title = title;
  b.addEventListener("click", onClick);
  return b;
}

/** @param {HTMLElement} log @param {string} text */
export function appendUser(log, text) {
  return appendMessage(log, "user", text, "done");
}
