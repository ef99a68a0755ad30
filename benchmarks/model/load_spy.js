// Init script for the real page: records when the page asks its worker for the model and when
// the worker answers that request, in window.__load ({id, start, end} or {error}).
window.__load = {};
const OriginalWorker = window.Worker;
window.Worker = class extends OriginalWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", ({ data }) => {
      if (data?.id !== window.__load.id) return;
      if (data.type === "done") window.__load.end = performance.now();
      if (data.type === "error") window.__load.error = data.message;
    });
  }

  postMessage(message, ...rest) {
    if (message?.type === "load-model") {
      window.__load.id = message.id;
      window.__load.start = performance.now();
    }
    return super.postMessage(message, ...rest);
  }
};
