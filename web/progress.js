// Byte-level boot progress. Pyodide and onnxruntime fetch their own files; wrapping `fetch`
// lets us count the bytes of exactly those files as they stream, without downloading twice.

/**
 * @param {import("./protocol.js").Stage[]} stages
 * @param {(path: string) => string} resolve  site-relative path to absolute URL
 * @param {(stage: string, loaded: number, total: number) => void} report
 */
export function trackFetches(stages, resolve, report) {
  /** @type {Map<string, {stage: string, size: number}>} */
  const byURL = new Map();
  /** @type {Map<string, {loaded: number, total: number, last: number}>} */
  const totals = new Map();
  for (const stage of stages) {
    let total = 0;
    for (const file of stage.files) {
      byURL.set(resolve(file.url), { stage: stage.name, size: file.size });
      total += file.size;
    }
    totals.set(stage.name, { loaded: 0, total, last: 0 });
  }

  /** @param {string} name @param {boolean} force */
  function emit(name, force) {
    const t = totals.get(name);
    if (!t) return;
    const now = performance.now();
    if (force || now - t.last > 50) {
      t.last = now;
      report(name, Math.min(t.loaded, t.total), t.total);
    }
  }

  const realFetch = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    const url = typeof input === "string" ? new URL(input, self.location.href).href
      : input instanceof URL ? input.href : input.url;
    const file = byURL.get(url);
    if (!file || !response.ok || !response.body) return response;
    const t = /** @type {{loaded: number}} */ (totals.get(file.stage));
    // Count bytes on a clone and hand back the original: a rebuilt Response would lose its URL,
    // and with it the browser's compiled-code cache for the 10 MB of Pyodide wasm.
    void countBytes(response.clone(), (n) => {
      t.loaded += n;
      emit(file.stage, false);
    }).then(() => emit(file.stage, true));
    return response;
  };

  return {
    /** Mark a stage complete: files it loads through import() are not seen by fetch. */
    finish(/** @type {string} */ name) {
      const t = totals.get(name);
      if (t) { t.loaded = t.total; emit(name, true); }
    },
    /** @param {string} name */
    start(name) { emit(name, true); },
  };
}

/**
 * @param {Response} response
 * @param {(bytes: number) => void} onChunk
 */
async function countBytes(response, onChunk) {
  const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onChunk(value.byteLength);
    }
  } catch {
    // The consumer's own read reports the failure; progress simply stops here.
  }
}
