// Service worker: serves the app shell and runtime from cache so the assistant boots offline.
// The build replaces the two placeholders below with this version's file lists.
/* global self, caches, clients */
"use strict";

const VERSION = "__VERSION__";
/** @type {{precache: string[], lazy: string[], integrity: Record<string, string>, headers: Record<string, string>}} */
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
      const response = await fetch(url, { cache: "no-cache" });
      if (!response.ok) throw new Error(`precache ${url}: HTTP ${response.status}`);
      if (!(await storeVerified(assets, url, response))) throw new Error(`precache ${url}: corrupt`);
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

/**
 * Put a response in the cache only if its bytes have the hash the build recorded.
 * @param {Cache} cache
 * @param {string} href
 * @param {Response} response
 */
async function storeVerified(cache, href, response) {
  const expected = MANIFEST.integrity[href.slice(scope.href.length)];
  const body = await response.arrayBuffer();
  if (expected) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    if (hex !== expected) return false;
  }
  await cache.put(href, new Response(body, { status: 200, headers: response.headers }));
  return true;
}

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
 * @param {FetchEvent} event
 * @param {Request} request
 * @param {string} href
 */
async function asset(event, request, href) {
  const cacheName = SHELL_URLS.has(href) ? await newestShell() : ASSETS;
  const cached = await caches.match(href, { cacheName });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.status === 200 && (KNOWN.has(href) || SHELL_URLS.has(href))) {
    const cache = await caches.open(cacheName);
    event.waitUntil(storeVerified(cache, href, response.clone()));
  }
  return response;
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
