// The peer: wllama (llama.cpp in WebAssembly, in its own worker) on the very GGUF file the
// converter reads, behind the same `window.bench` interface as the other benchmark pages.
import { Wllama } from "./wllama/index.js";

let wllama = null;

window.bench = {
  /** @param {{threads: number}} setup */
  async load({ threads }) {
    const t0 = performance.now();
    wllama = new Wllama(
      { default: new URL("./wllama/wasm/wllama.wasm", location.href).href },
      { suppressNativeLog: true, logger: { debug() {}, log() {}, warn: console.warn, error: console.error } },
    );
    await wllama.loadModelFromUrl(new URL("./model.gguf", location.href).href, {
      n_threads: threads, n_ctx: 2048, n_batch: 1024, useCache: false, n_gpu_layers: 0,
    });
    return (performance.now() - t0) / 1000;
  },
  /**
   * Greedy (temperature 0), end-of-sequence ignored so every run decodes `tokens` tokens. The
   * prompt is text with its special tokens spelled out: this wllama rejects token-id prompts.
   */
  async generate(prompt, tokens) {
    const stamps = [], texts = [];
    let timings = null;
    const t0 = performance.now();
    await wllama.createCompletion({
      prompt, max_tokens: tokens, temp: 0, ignore_eos: true, cache_prompt: false,
      stream: true,
      onData: (chunk) => {
        const choice = chunk.choices?.[0];
        if (chunk.timings) timings = chunk.timings;
        if (choice && (choice.text || choice.finish_reason === null)) {
          stamps.push(performance.now());
          texts.push(choice.text);
        }
      },
    });
    return { t0, stamps, texts, context: timings?.prompt_n, timings };
  },
  threads: () => wllama.getNumThreads(),
};
