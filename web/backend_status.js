// Which model answers, how far it has loaded, and the visitor's choice when the browser has a
// built-in model (Prompt API) besides the bundled SmolLM2 (ONNX). The choice goes into every ask.

export const BACKEND_NAMES = /** @type {const} */ ({
  onnx: "SmolLM2 (ONNX)",
  "prompt-api": "Built-in model (Prompt API)",
});
/** @typedef {keyof typeof BACKEND_NAMES} Backend */

const CHOICE_KEY = "assistant.backend";

/** What the page can learn about the Prompt API without creating a session. */
async function promptApiAvailability() {
  if (!("LanguageModel" in self)) return "unavailable";
  try {
    const api = /** @type {any} */ (self).LanguageModel;
    const value = String(await api.availability({ expectedInputs: [{ type: "text", languages: ["en"] }], expectedOutputs: [{ type: "text", languages: ["en"] }] }));
    return ["available", "downloadable", "downloading"].includes(value) ? value : "unavailable";
  } catch {
    return "unavailable";
  }
}

export class BackendStatus {
  /**
   * @param {HTMLSelectElement} select  the choice, shown only when both backends exist
   * @param {HTMLElement} chooser  the label+select wrapper
   * @param {HTMLElement} status  a short line: backend name and its state
   */
  constructor(select, chooser, status) {
    this.select = select;
    this.chooser = chooser;
    this.status = status;
    this.problem = /** @type {HTMLElement} */ (document.getElementById("model-problem"));
    this.problemText = /** @type {HTMLElement} */ (document.getElementById("model-problem-text"));
    /** @type {string | null} */
    this.onnxError = null;
    /** @type {string} */
    this.promptApi = "unavailable";
    /** @type {{loaded: number, total: number} | null} */
    this.onnxLoad = null;
    this.onnxReady = false;
    select.addEventListener("change", () => {
      try {
        localStorage.setItem(CHOICE_KEY, select.value);
      } catch {
        // Storage refused: the choice lasts for this visit only.
      }
      this.render();
    });
    this.render();
  }

  async detect() {
    this.promptApi = await promptApiAvailability();
    this.select.replaceChildren();
    for (const [value, label] of Object.entries(BACKEND_NAMES)) {
      if (value === "prompt-api" && this.promptApi === "unavailable") continue;
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      this.select.append(option);
    }
    let saved = null;
    try {
      saved = localStorage.getItem(CHOICE_KEY);
    } catch {
      saved = null;
    }
    if (saved && [...this.select.options].some((o) => o.value === saved)) this.select.value = saved;
    this.render();
  }

  /** @returns {Backend} */
  get backend() {
    return this.select.value === "prompt-api" ? "prompt-api" : "onnx";
  }

  /** Boot and later model downloads report the "model" stage in bytes. @param {{stage: string, loaded: number, total: number}} event */
  progress(event) {
    if (event.stage !== "model") return;
    this.onnxLoad = { loaded: event.loaded, total: event.total };
    this.onnxReady = event.total > 0 && event.loaded >= event.total;
    this.render();
  }

  /** The model session is open: questions can be answered. */
  ready() {
    this.onnxReady = true;
    this.onnxError = null;
    this.render();
  }

  /** A new attempt to load the model has started. */
  retrying() {
    this.onnxError = null;
    this.onnxReady = false;
    this.render();
  }

  /**
   * The model could not load: say what happened and what still works, and offer a retry.
   * @param {string} message
   */
  fail(message) {
    this.onnxError = message;
    this.onnxLoad = null;
    this.render();
  }

  render() {
    this.chooser.hidden = this.select.options.length < 2;
    const backend = this.backend;
    let state;
    if (backend === "prompt-api") {
      state = { available: "ready", downloadable: "downloads on first use", downloading: "downloading" }[this.promptApi] ?? "";
    } else if (this.onnxError) {
      state = "failed to load";
    } else if (this.onnxReady) {
      state = "ready";
    } else if (this.onnxLoad && this.onnxLoad.total > 0) {
      state = `loading ${Math.floor((100 * this.onnxLoad.loaded) / this.onnxLoad.total)}%`;
    } else {
      state = "waiting to load";
    }
    this.status.dataset.backend = backend;
    this.status.dataset.ready = String(state === "ready");
    this.status.textContent = `${BACKEND_NAMES[backend]} · ${state}`;
    const failed = backend === "onnx" && Boolean(this.onnxError);
    this.problem.hidden = !failed;
    const said = (this.onnxError ?? "").replace(/\s+$/, "");
    this.problemText.textContent = failed
      ? `${said}${/[.!?]$/.test(said) ? "" : "."} Searching the content with /groq still works.`
      : "";
  }
}
