// The boot screen: a real progress bar over all stages' bytes, the current stage, and an error
// with a retry button. It only reads events; it never decides what to load.
import { STAGES } from "./protocol.js";

const LABELS = /** @type {Record<string, string>} */ ({
  runtime: "Loading the Python runtime",
  stdlib: "Loading the Python standard library",
  packages: "Loading packages",
  app: "Starting the assistant",
  content: "Loading the site's content",
  model: "Loading the language model",
});

export class BootView {
  constructor() {
    this.bar = /** @type {HTMLProgressElement} */ (document.getElementById("boot-progress"));
    this.stage = /** @type {HTMLElement} */ (document.getElementById("boot-stage"));
    this.detail = /** @type {HTMLElement} */ (document.getElementById("boot-detail"));
    this.errorBox = /** @type {HTMLElement} */ (document.getElementById("boot-error"));
    this.errorText = /** @type {HTMLElement} */ (document.getElementById("boot-error-text"));
    /** @type {Map<string, {loaded: number, total: number}>} */
    this.stages = new Map();
  }

  /** @param {import("./protocol.js").Stage[]} stages */
  reset(stages) {
    this.stages.clear();
    // The model loads after Python is ready and shows its own status, so the bar leaves it out.
    for (const s of stages.filter((stage) => stage.name !== "model")) this.stages.set(s.name, { loaded: 0, total: s.files.reduce((n, f) => n + f.size, 0) });
    this.errorBox.hidden = true;
    setState("booting");
    this.render("runtime");
  }

  /** @param {import("./protocol.js").ProgressEvent} event */
  progress(event) {
    if (!this.stages.has(event.stage)) return;
    this.stages.set(event.stage, { loaded: event.loaded, total: event.total });
    this.render(event.stage);
  }

  /** @param {string} current */
  render(current) {
    let loaded = 0;
    let total = 0;
    for (const s of this.stages.values()) { loaded += s.loaded; total += s.total; }
    this.bar.max = Math.max(total, 1);
    this.bar.value = loaded;
    const stage = this.stages.get(current);
    this.stage.textContent = `${LABELS[current] ?? current} (${STAGES.indexOf(/** @type {any} */ (current)) + 1}/${STAGES.length})`;
    this.detail.textContent = stage ? `${mb(stage.loaded)} of ${mb(stage.total)} MB` : "";
  }

  ready() {
    performance.mark("assistant-ready");
    this.bar.value = this.bar.max;
    setState("ready");
  }

  /** @param {string} message */
  fail(message) {
    this.errorText.textContent = message;
    this.errorBox.hidden = false;
    setState("error");
  }
}

/** @param {number} bytes */
const mb = (bytes) => (bytes / 1e6).toFixed(1);

/** @param {"booting" | "ready" | "error"} state */
export function setState(state) {
  document.documentElement.dataset.state = state;
}
