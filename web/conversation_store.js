// Conversations kept in IndexedDB, so they survive reloads, tab closes and offline visits. The
// page is the source of truth for history: the worker is sent it with every question. When
// IndexedDB is missing or refuses to open (private modes, full disks, blocked storage), the same
// API runs in memory and `problem` says why, so the visitor is told and keeps chatting.

export const DB_NAME = "assistant";
/** Bump with a new case in `upgrade` whenever stores or indexes change. */
export const DB_VERSION = 1;
/** Bump when a record's shape changes; `migrate` brings old records forward on read. */
export const SCHEMA = 1;
const STORE = "conversations";

/**
 * @typedef {{n: number, _id?: string, title: string, url: string, score?: number}} Source
 * @typedef {{
 *   role: "user" | "assistant",
 *   text: string,
 *   state: "streaming" | "done" | "interrupted" | "error",
 *   stopped?: boolean,
 *   kind?: "answer" | "groq",
 *   result?: unknown,
 *   query?: string,
 *   params?: Record<string, unknown>,
 *   sources?: Source[],
 *   read?: {characters: number, of: number},
 *   backend?: string,
 *   error?: string,
 * }} Message
 * @typedef {{
 *   schema: number,
 *   id: string,
 *   title: string,
 *   created: number,
 *   updated: number,
 *   messages: Message[],
 * }} Conversation
 */

/** Storage failures, carrying what the visitor needs to know: what failed and what still works. */
export class StoreError extends Error {
  /** @param {string} message @param {unknown} [cause] */
  constructor(message, cause) {
    super(message, { cause });
    this.name = "StoreError";
  }
}

const STATES = new Set(["streaming", "done", "interrupted", "error"]);
const ROLES = new Set(["user", "assistant"]);

/** A fresh id: random, so two tabs never collide. */
export function newId() {
  return globalThis.crypto?.randomUUID?.() ?? `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** @param {string} [title] @returns {Conversation} */
export function newConversation(title = "New conversation") {
  const now = Date.now();
  return { schema: SCHEMA, id: newId(), title, created: now, updated: now, messages: [] };
}

/**
 * Check a conversation before it is stored: a malformed record would break every later visit.
 * @param {unknown} value
 * @returns {Conversation}
 */
export function validate(value) {
  const c = /** @type {Record<string, any>} */ (value);
  if (typeof c !== "object" || c === null) throw new StoreError("a conversation must be an object");
  if (typeof c.id !== "string" || !c.id) throw new StoreError("a conversation needs a non-empty string id");
  if (typeof c.title !== "string") throw new StoreError(`conversation ${c.id}: title must be a string`);
  if (!Array.isArray(c.messages)) throw new StoreError(`conversation ${c.id}: messages must be a list`);
  c.messages.forEach((/** @type {any} */ m, /** @type {number} */ i) => {
    if (typeof m !== "object" || m === null || !ROLES.has(m.role) || typeof m.text !== "string") {
      throw new StoreError(`conversation ${c.id}, message ${i}: needs role user|assistant and text`);
    }
    if (!STATES.has(m.state)) {
      throw new StoreError(`conversation ${c.id}, message ${i}: state ${JSON.stringify(m.state)} is not one of ${[...STATES].join(", ")}`);
    }
  });
  const now = Date.now();
  return {
    ...c,
    schema: SCHEMA,
    created: typeof c.created === "number" ? c.created : now,
    updated: typeof c.updated === "number" ? c.updated : now,
  };
}

/**
 * Bring a stored record up to the current schema. Version 1 is the first, so there is nothing
 * to convert yet; a record from a newer build is refused rather than misread.
 * @param {any} record
 * @returns {Conversation | null}
 */
function migrate(record) {
  if (typeof record?.schema !== "number" || record.schema > SCHEMA) return null;
  return record;
}

/**
 * A stream cut by reload or tab close left an answer in `streaming`: nothing will ever finish
 * it, so it is shown as interrupted, keeping its partial text.
 * @param {Conversation} conversation
 * @returns {boolean} whether anything changed
 */
export function markInterrupted(conversation) {
  let changed = false;
  for (const m of conversation.messages) {
    if (m.state === "streaming") {
      m.state = "interrupted";
      changed = true;
    }
  }
  return changed;
}

/** @param {IDBRequest | IDBTransaction} request @param {string} doing */
function done(request, doing) {
  return new Promise((resolve, reject) => {
    const fail = () => reject(new StoreError(`could not ${doing}: ${request.error?.message ?? "unknown storage error"}`, request.error));
    if ("oncomplete" in request) {
      request.oncomplete = () => resolve(undefined);
      request.onerror = fail;
      request.onabort = fail;
    } else {
      request.onsuccess = () => resolve(request.result);
      request.onerror = fail;
    }
  });
}

/** @param {IDBDatabase} db @param {number} oldVersion */
function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    const store = db.createObjectStore(STORE, { keyPath: "id" });
    store.createIndex("updated", "updated");
  }
}

class IndexedDBStore {
  /** @param {IDBDatabase} db */
  constructor(db) {
    this.db = db;
    /** @type {string | null} */
    this.problem = null;
    this.persistent = true;
  }

  /** @param {IDBTransactionMode} mode */
  store(mode) {
    return this.db.transaction(STORE, mode).objectStore(STORE);
  }

  /** Newest first. @returns {Promise<Conversation[]>} */
  async list() {
    const records = /** @type {any[]} */ (await done(this.store("readonly").getAll(), "read the saved conversations"));
    return records.map(migrate).filter((c) => c !== null).sort((a, b) => b.updated - a.updated);
  }

  /** @param {string} id @returns {Promise<Conversation | null>} */
  async get(id) {
    return migrate(await done(this.store("readonly").get(id), "read a conversation")) ?? null;
  }

  /** @param {Conversation} conversation */
  async put(conversation) {
    const record = validate(structuredClone(conversation));
    const tx = this.db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(record);
    await done(tx, "save the conversation");
    return record;
  }

  /** @param {string} id */
  async remove(id) {
    const tx = this.db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).delete(id);
    await done(tx, "delete the conversation");
  }
}

/** The same API over a Map: conversations last as long as the tab. */
export class MemoryStore {
  /** @param {string | null} problem */
  constructor(problem) {
    /** @type {Map<string, Conversation>} */
    this.map = new Map();
    this.problem = problem;
    this.persistent = false;
  }

  async list() {
    return [...this.map.values()].map((c) => structuredClone(c)).sort((a, b) => b.updated - a.updated);
  }

  /** @param {string} id */
  async get(id) {
    const c = this.map.get(id);
    return c ? structuredClone(c) : null;
  }

  /** @param {Conversation} conversation */
  async put(conversation) {
    const record = validate(structuredClone(conversation));
    this.map.set(record.id, record);
    return record;
  }

  /** @param {string} id */
  async remove(id) {
    this.map.delete(id);
  }
}

/** @typedef {IndexedDBStore | MemoryStore} Store */

/**
 * Open the conversation store; never throws. On failure the memory store's `problem` holds a
 * sentence for the visitor.
 * @returns {Promise<Store>}
 */
export async function openStore() {
  try {
    if (!globalThis.indexedDB) throw new StoreError("this browser offers no IndexedDB");
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    const blocked = new Promise((_, reject) => {
      request.onblocked = () => reject(new StoreError("another tab holds an older version of the conversation database open"));
    });
    const db = /** @type {IDBDatabase} */ (await Promise.race([done(request, "open the conversation database"), blocked]));
    // A newer build in another tab needs the database: let go so it can upgrade.
    db.onversionchange = () => db.close();
    return new IndexedDBStore(db);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return new MemoryStore(
      `Conversations cannot be saved in this browser (${reason}). You can keep chatting; ` +
        "this conversation lasts until the tab is closed.",
    );
  }
}
