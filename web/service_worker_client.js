// The page's side of the service worker: register it, ask for persistent storage, and surface
// an update without ever swapping code under an open conversation.
import { scriptURL } from "./trusted_urls.js";

/**
 * Register the service worker. If a new version is waiting from an earlier visit and this is
 * the only open tab, activate it now, before anything is loaded, and reload once into it.
 * @param {(note: string) => void} onUpdateReady
 * @returns {Promise<boolean>} true when the page is about to reload into the new version
 */
export async function registerServiceWorker(onUpdateReady) {
  if (!("serviceWorker" in navigator)) return false;
  const registration = await navigator.serviceWorker.register(scriptURL("sw.js"), { scope: "./" });
  if (registration.waiting && navigator.serviceWorker.controller) {
    const activated = await activateIfAlone(registration.waiting);
    if (activated) return true;
    onUpdateReady("An update is ready: it applies when you next open the assistant.");
  }
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    incoming?.addEventListener("statechange", () => {
      if (incoming.state === "installed" && navigator.serviceWorker.controller) {
        onUpdateReady("An update is ready: it applies when you next open the assistant.");
      }
    });
  });
  return false;
}

/**
 * Ask the waiting version to take over if no other tab could be running the old one. The
 * listener goes on before the question: activation can beat the answer back to this page.
 * @param {ServiceWorker} waiting
 * @returns {Promise<boolean>}
 */
function activateIfAlone(waiting) {
  return new Promise((resolve) => {
    const onChange = () => { location.reload(); resolve(true); };
    navigator.serviceWorker.addEventListener("controllerchange", onChange, { once: true });
    const giveUp = () => {
      navigator.serviceWorker.removeEventListener("controllerchange", onChange);
      resolve(false);
    };
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => { if (!event.data?.activated) giveUp(); };
    waiting.postMessage({ type: "activate-if-alone" }, [channel.port2]);
    // A service worker that never answers must not keep the page from booting.
    setTimeout(giveUp, 5000);
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
