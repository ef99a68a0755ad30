// The page's side of the service worker: register it, ask for persistent storage, and surface
// an update without ever swapping code under an open conversation.
import { scriptURL } from "./trusted_urls.js";

/**
 * Register the service worker and report when a new version has installed. The new version is
 * used from the next page load on (the service worker serves the newest installed shell);
 * this page keeps running the version it started with.
 * @param {(note: string) => void} onUpdateReady
 */
export async function registerServiceWorker(onUpdateReady) {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register(scriptURL("sw.js"), { scope: "./" });
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    incoming?.addEventListener("statechange", () => {
      if (incoming.state === "installed" && navigator.serviceWorker.controller) {
        onUpdateReady("An update is ready: it applies when you next open the assistant.");
      }
    });
  });
}

/** Ask the browser not to evict the cached runtime and model under storage pressure. */
export async function requestPersistence() {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
