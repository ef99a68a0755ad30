"""A fake of Chrome's Prompt API (`LanguageModel`) that follows the explainer exactly: Chromium
here has no built-in model, so tests inject this one (chunk modes by Chrome major version,
download progress, abort through AbortSignal, input quota errors, the older window.ai shape)."""

from __future__ import annotations

import json
from typing import Any

FAKE = """
(() => {
  const cfg = __CONFIG__;
  const log = [];
  window.__fakeLM = { log };
  const major = Number((navigator.userAgent.match(/Chrom(?:e|ium)\\/(\\d+)/) || [])[1] || 0);
  const deltas = major >= 133;  // the explainer: deltas since Chrome 133, cumulative before
  let state = cfg.availability;
  const measure = (text) => [...String(text)].length;  // one token per character
  const abortError = () => new DOMException("The operation was aborted.", "AbortError");
  const sleep = (ms, signal) => new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? abortError());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      log.push(["abort"]);
      reject(signal.reason ?? abortError());
    }, { once: true });
  });

  class Session {
    constructor(prompts) {
      this.inputUsage = prompts.reduce((n, p) => n + measure(p.content), 0);
      this.inputQuota = cfg.quota;
      this.destroyed = false;
    }
    async measureInputUsage(text) { return measure(text); }
    promptStreaming(text, options = {}) {
      const signal = options.signal;
      const session = this;
      let cancelled = false;
      log.push(["prompt", String(text)]);
      return new ReadableStream({
        start(controller) {
          (async () => {
            if (session.destroyed) {
              throw new DOMException("The session was destroyed.", "InvalidStateError");
            }
            const needed = measure(text);
            if (session.inputUsage + needed > session.inputQuota) {
              const left = session.inputQuota - session.inputUsage;
              throw new DOMException(
                `The input is too large: ${needed} tokens, ${left} left.`, "QuotaExceededError");
            }
            session.inputUsage += needed;
            let sofar = "";
            for (const piece of cfg.answer) {
              await sleep(cfg.delay, signal);
              if (cancelled) return;
              sofar += piece;
              controller.enqueue(deltas ? piece : sofar);
            }
            controller.close();
          })().catch((err) => {
            log.push(["error", err.name]);
            if (!cancelled) controller.error(err);
          });
        },
        cancel() { cancelled = true; log.push(["cancel"]); },
      });
    }
    destroy() { this.destroyed = true; log.push(["destroy"]); }
  }

  async function create(options = {}) {
    if (options.signal?.aborted) throw options.signal.reason ?? abortError();
    const prompts = options.initialPrompts ?? [];
    prompts.forEach((p, i) => {
      if (p.role === "system" && i !== 0) throw new TypeError("A system prompt must come first.");
    });
    log.push(["create", JSON.parse(JSON.stringify(prompts)), options.systemPrompt ?? null]);
    if (state === "unavailable") throw new DOMException("No model here.", "NotSupportedError");
    const monitor = new EventTarget();
    options.monitor?.(monitor);
    if (state === "downloadable" || state === "downloading") {
      for (const loaded of [0, 0.25, 0.5, 1]) {
        await sleep(10, options.signal);
        monitor.dispatchEvent(new ProgressEvent("downloadprogress", { loaded, total: 1 }));
      }
      state = "available";
    }
    const system = options.systemPrompt ? [{ role: "system", content: options.systemPrompt }] : [];
    return new Session([...system, ...prompts]);
  }

  // Chromium here has a real LanguageModel that answers "unavailable": hide it where the fake
  // plays a browser without one (an older Chrome with only window.ai, or none at all).
  if (cfg.shape !== "current") delete window.LanguageModel;
  if (cfg.shape === "none") return;
  if (cfg.shape === "legacy") {
    const legacy = { available: "readily", downloadable: "after-download", unavailable: "no" };
    window.ai = { languageModel: {
      capabilities: async () => ({ available: legacy[state] ?? "no" }),
      create,
    } };
  } else {
    window.LanguageModel = {
      availability: async () => state,
      params: async () => ({ defaultTopK: 3, maxTopK: 8, defaultTemperature: 1 }),
      create,
    };
  }
})();
"""


def fake_prompt_api(answer: list[str], **config: Any) -> str:
    """The init script for a page whose built-in model streams `answer` piece by piece."""
    full = {"shape": "current", "availability": "available", "answer": answer, "delay": 20}
    full.update(config)
    full.setdefault("quota", 10_000)
    return FAKE.replace("__CONFIG__", json.dumps(full))
