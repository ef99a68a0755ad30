// Service worker: serves the app shell and runtime from cache so the assistant boots offline.
// The build replaces the two placeholders below with this version's file lists.
/* global self, caches, clients */
"use strict";

const VERSION = "__VERSION__";
/**
 * `integrity` holds, per hash-named file, its size and the SHA-256 of each `chunk`-byte slice.
 * @typedef {{size: number, sha256: string[]}} Integrity
 * @type {{precache: string[], lazy: string[], chunk: number, integrity: Record<string, Integrity>,
 *   headers: Record<string, string>}}
 */
const MANIFEST = /** @type {any} */ ("__MANIFEST__");

const SHELL = `shell-${VERSION}`;
const META = "meta";
// Hash-named files never change, so one cache serves every version that lists them.
const ASSETS = "assets";
const scope = new URL(self.registration.scope);
const abs = (/** @type {string} */ path) => new URL(path, scope).href;
const NEWEST = abs("newest-shell");
const SHELL_URLS = new Set([abs("./"), abs("index.html"), abs("manifest.webmanifest")]);
const KNOWN = new Set([...MANIFEST.precache, ...MANIFEST.lazy].map(abs));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL);
    await shell.addAll([abs("./"), abs("manifest.webmanifest")]);
    await (await caches.open(META)).put(NEWEST, new Response(SHELL));
    const assets = await caches.open(ASSETS);
    for (const url of MANIFEST.precache.map(abs)) {
      if (SHELL_URLS.has(url) || (await assets.match(url))) continue;
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) throw new Error(`precache ${url}: HTTP ${response.status}`);
      const expected = integrityOf(url);
      const body = expected ? verified(response, expected) : response.body;
      await assets.put(url, new Response(body, storedInit(response, expected)));
    }
  })());
  // No skipWaiting: this version waits until no open page runs the old one. Until then the old
  // worker already serves this version's shell to new page loads (see `navigation`).
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, await newestShell()]);
    for (const name of await caches.keys()) {
      if (name.startsWith("shell-") && !keep.has(name)) await caches.delete(name);
    }
    const assets = await caches.open(ASSETS);
    for (const request of await assets.keys()) {
      if (!KNOWN.has(request.url)) await assets.delete(request);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== scope.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigation(request));
  } else {
    event.respondWith(asset(event, request, url.href));
  }
});

/** The shell of the newest installed version: this one, or one waiting to take over. */
async function newestShell() {
  if (!self.registration.waiting) return SHELL;
  const recorded = await caches.match(NEWEST, { cacheName: META });
  return recorded ? await recorded.text() : SHELL;
}

/**
 * A page load gets the newest installed version, so an update is picked up on the next load
 * while pages already open keep the version they started with.
 * @param {Request} request
 */
async function navigation(request) {
  const cached = await caches.match(abs("./"), { cacheName: await newestShell() });
  const response = cached ?? (await fetch(request));
  return withIsolationHeaders(response);
}

/**
 * Cache first (any hash-named file a version installed, so a page of the newest version works
 * before its worker activates); on a miss, fetch and keep a verified copy of the files this
 * version lists (this is how the lazy model gets cached while the worker counts its bytes).
 * Both the page and the cache read the verified stream, so the page too gets an error, not
 * bytes, where a download differs from the build.
 * @param {FetchEvent} event
 * @param {Request} request
 * @param {string} href
 */
async function asset(event, request, href) {
  const cacheName = SHELL_URLS.has(href) ? await newestShell() : ASSETS;
  const cached = await caches.match(href, { cacheName });
  if (cached) return cached;
  if (!KNOWN.has(href) && !SHELL_URLS.has(href)) return fetch(request);
  // This worker keeps the only copy it needs; one in the HTTP cache would take the disk twice
  // and could hand a corrupt download back to the visitor's retry.
  const response = await fetch(request, { cache: "no-store" });
  if (response.status !== 200) return response;
  const cache = await caches.open(cacheName);
  const expected = integrityOf(href);
  if (!expected) {
    event.waitUntil(cache.put(href, response.clone()));
    return response;
  }
  const init = storedInit(response, expected);
  const [forPage, forCache] = lockstep(verified(response, expected));
  event.waitUntil(
    cache.put(href, new Response(forCache, init)).catch((err) => console.warn(`${href}: ${err}`)),
  );
  return new Response(forPage, init);
}

/**
 * What a stored copy says of itself: the fetch already decoded any Content-Encoding, so the
 * copy is the plain file, of the size the build recorded (the worker sizes its buffer by it).
 * @param {Response} response
 * @param {Integrity | undefined} expected
 * @returns {ResponseInit}
 */
function storedInit(response, expected) {
  const headers = new Headers(response.headers);
  if (headers.has("Content-Encoding")) {
    headers.delete("Content-Encoding");
    headers.delete("Content-Length"); // the encoded size
  }
  if (expected) headers.set("Content-Length", String(expected.size));
  return { status: 200, statusText: response.statusText, headers };
}

/**
 * A response's body as a stream that passes on only bytes whose hash the build recorded, one
 * chunk at a time, and errors at the first chunk that differs or where the body is shorter or
 * longer than the file. The Cache API stores a streamed body only once it has ended without an
 * error, so a corrupt or cut download is never stored (not even in part), and this worker holds
 * at most a chunk or two of a file, never the whole ~100 MB model (crypto.subtle has no
 * incremental digest, hence the build's per-chunk hashes).
 * @param {Response} response
 * @param {Integrity} expected
 * @returns {ReadableStream<Uint8Array>}
 */
function verified(response, expected) {
  const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
  let rest = new Uint8Array(0); // read from the network, not yet passed on
  let offset = 0;
  let index = 0;
  /** The next network bytes, or null at the end of the body. */
  const more = async () => {
    while (!rest.length) {
      const { done, value } = await reader.read();
      if (done) return null;
      rest = value;
    }
    return rest;
  };
  const fail = (/** @type {string} */ reason) => {
    throw new Error(`${response.url}: ${reason}; the download is not kept`);
  };
  return new ReadableStream({
    async pull(controller) {
      try {
        const chunk = new Uint8Array(Math.min(MANIFEST.chunk, expected.size - offset));
        for (let filled = 0; filled < chunk.length;) {
          const bytes = (await more()) ?? fail(`cut off after ${offset + filled} bytes`);
          const take = Math.min(bytes.length, chunk.length - filled);
          chunk.set(bytes.subarray(0, take), filled);
          rest = bytes.subarray(take);
          filled += take;
        }
        if ((await sha256(chunk)) !== expected.sha256[index]) {
          fail(`bytes ${offset}-${offset + chunk.length} differ from the build`);
        }
        offset += chunk.length;
        index += 1;
        const last = offset === expected.size;
        if (last && (await more())) fail(`longer than the ${expected.size} bytes of the file`);
        if (chunk.length) controller.enqueue(chunk);
        if (last) controller.close();
      } catch (err) {
        reader.cancel(err).catch(() => {});
        controller.error(err);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** What the build recorded of a file of this site, if it is one it hashed. @param {string} href */
const integrityOf = (href) => MANIFEST.integrity[href.slice(scope.href.length)];

/** @param {Uint8Array} bytes */
async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Two readers of one stream that take each chunk together: the next chunk is read only once
 * both have taken the last, so the slower of the page and the cache sets the pace and nothing
 * queues. (`response.clone()` would queue the whole file behind the slower one.) A reader that
 * cancels drops out and the other goes on alone; an error reaches both.
 * @param {ReadableStream<Uint8Array>} source
 * @returns {ReadableStream<Uint8Array>[]}
 */
function lockstep(source) {
  const reader = source.getReader();
  /** @typedef {{controller: ReadableStreamDefaultController, wants: boolean, gone: boolean}} R */
  /** @type {R[]} */
  const readers = [];
  /** @type {(() => void) | null} */
  let roundDone = null;
  let round = Promise.resolve();
  const live = () => readers.filter((r) => !r.gone);
  const step = async () => {
    if (!roundDone || !live().every((r) => r.wants)) return;
    const finish = roundDone;
    roundDone = null;
    for (const r of readers) r.wants = false;
    try {
      const { done, value } = await reader.read();
      for (const r of live()) done ? r.controller.close() : r.controller.enqueue(value);
    } catch (err) {
      for (const r of live()) r.controller.error(err);
    }
    finish();
  };
  return [0, 1].map(() => {
    const me = { controller: /** @type {any} */ (null), wants: false, gone: false };
    readers.push(me);
    return new ReadableStream({
      start(controller) {
        me.controller = controller;
      },
      pull() {
        me.wants = true;
        if (!roundDone) round = new Promise((resolve) => { roundDone = resolve; });
        const mine = round;
        void step();
        return mine;
      },
      cancel(reason) {
        me.gone = true;
        if (!live().length) return reader.cancel(reason);
        void step();
      },
    }, { highWaterMark: 0 });
  });
}

/**
 * Fallback for static hosts that cannot set headers: the page still gets cross-origin
 * isolation (threads) and its CSP once the service worker controls it. Headers the host did
 * send are kept as they are.
 * @param {Response} response
 */
function withIsolationHeaders(response) {
  const headers = new Headers(response.headers);
  let changed = false;
  for (const [name, value] of Object.entries(MANIFEST.headers)) {
    if (!headers.has(name)) { headers.set(name, value); changed = true; }
  }
  if (!changed) return response;
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
