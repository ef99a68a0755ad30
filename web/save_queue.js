// Writes conversations to the store in order, throttled while an answer streams: the partial
// text reaches storage often enough to survive a closed tab, without a write per token.

/** @typedef {import("./conversation_store.js").Conversation} Conversation */

export const SAVE_EVERY_MS = 300;

export class SaveQueue {
  /**
   * @param {import("./conversation_store.js").Store} store
   * @param {(message: string) => void} onError  told in words the visitor can act on
   */
  constructor(store, onError) {
    this.store = store;
    this.onError = onError;
    this.timer = 0;
    /** @type {Conversation | null} */
    this.waiting = null;
    /** @type {Promise<unknown>} */
    this.last = Promise.resolve();
  }

  /** Save within SAVE_EVERY_MS; calls in between fold into one write. @param {Conversation} c */
  soon(c) {
    this.waiting = c;
    if (this.timer) return;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      const next = this.waiting;
      this.waiting = null;
      if (next) void this.now(next);
    }, SAVE_EVERY_MS);
  }

  /** Save now (a snapshot, so later edits don't race the write). @param {Conversation} c */
  now(c) {
    if (this.timer && this.waiting === c) {
      clearTimeout(this.timer);
      this.timer = 0;
      this.waiting = null;
    }
    if (!c.messages.length) return this.last; // an empty conversation is not worth a row
    const snapshot = structuredClone(c);
    this.last = this.last.then(() => this.store.put(snapshot)).catch((/** @type {Error} */ err) => {
      this.onError(`Saving failed (${err.message}). You can keep chatting; this conversation may not survive a reload.`);
    });
    return this.last;
  }

  /** Write what is waiting at once, e.g. when the tab is being closed. */
  flush() {
    return this.waiting ? this.now(this.waiting) : this.last;
  }

  /** Resolves when every write asked for so far has landed (or failed). */
  settled() {
    return this.last;
  }
}
