// `window.assistant.conversations`: a typed API over the conversation store for tests and
// embedders (seed, inspect, open). Plain data in and out; never a string evaluator.

/**
 * @typedef {import("./conversation_store.js").Conversation} Conversation
 * @param {import("./conversation_store.js").Store} store
 * @param {import("./chat_controller.js").ChatController} chat
 */
export function conversationsAPI(store, chat) {
  return {
    /** Saved conversations, newest first. */
    list: () => store.list(),
    /** @param {string} id */
    get: (id) => store.get(id),
    /** Store a conversation (validated; throws StoreError with the reason) and refresh the list. @param {Conversation} conversation */
    save: async (conversation) => {
      const saved = await store.put(conversation);
      await chat.refreshList();
      return saved;
    },
    /** @param {string} id @param {string} title */
    rename: (id, title) => chat.rename(id, title),
    /** @param {string} id */
    remove: (id) => chat.remove(id),
    /** Show a saved conversation, as a click in the sidebar does. @param {string} id */
    open: (id) => chat.open(id),
    /** The conversation on screen, as it would be stored. */
    current: () => structuredClone(chat.conversation),
    /** Whether conversations survive a reload, and if not, why. */
    storage: () => ({ persistent: store.persistent, problem: store.problem }),
  };
}
