// Trusted Types: the CSP's `require-trusted-types-for 'script'` makes every script-URL sink
// (new Worker, serviceWorker.register) demand a TrustedScriptURL. This policy is the only way to
// mint one, and it only accepts same-origin URLs, so no string from anywhere else can become code.

/** @param {string} url */
function sameOriginOnly(url) {
  const resolved = new URL(url, self.location.href);
  if (resolved.origin !== self.location.origin) {
    throw new TypeError(`refusing a script URL from another origin: ${resolved.href}`);
  }
  return resolved.href;
}

const policy = self.trustedTypes?.createPolicy("same-origin-scripts", { createScriptURL: sameOriginOnly });

/**
 * @param {string} url
 * @returns {string} a TrustedScriptURL where Trusted Types exist (typed as string for callers)
 */
export function scriptURL(url) {
  return policy ? /** @type {any} */ (policy.createScriptURL(url)) : sameOriginOnly(url);
}

/**
 * Workers get a default policy too: onnxruntime-web starts its thread workers from a plain URL,
 * which under Trusted Types passes through the default policy. Same-origin only; HTML and
 * script strings stay refused because the policy defines no createHTML/createScript.
 */
export function installDefaultPolicy() {
  if (self.trustedTypes && !self.trustedTypes.defaultPolicy) {
    self.trustedTypes.createPolicy("default", { createScriptURL: sameOriginOnly });
  }
}
