// Applies the renderer's DOM operations (see app/render/ops.py) with createElement, append and
// setAttribute only. The worker's renderer already obeys the allowlist; this applier enforces
// the same tables again, so a bug on one side can never put an unsafe node in the page.
import { ALLOWED, FIXED, VOID } from "./render_allowlist.js";

const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** @param {string} value @param {boolean} imageOnly */
function safeURL(value, imageOnly) {
  let url;
  try {
    url = new URL(value, location.href);
  } catch {
    return false;
  }
  if (url.origin === location.origin) return true;
  return !imageOnly && LINK_SCHEMES.has(url.protocol);
}

/** @param {string} tag @param {string} name @param {string} value */
function allowed(tag, name, value) {
  if (!ALLOWED[tag]?.includes(name)) return false;
  const fixed = FIXED[`${tag} ${name}`];
  if (fixed) return fixed.includes(value);
  if (tag === "a" && name === "href") return safeURL(value, false);
  if (tag === "img" && name === "src") return safeURL(value, true);
  if (tag === "code" && name === "class") return /^language-[A-Za-z0-9_+#.-]{1,40}$/.test(value);
  if (tag === "ol" && name === "start") return /^\d{1,9}$/.test(value);
  return name === "alt" || name === "title";
}

export class OpApplier {
  /** @param {HTMLElement} container */
  constructor(container) {
    /** @type {Element[]} */
    this.stack = [container];
  }

  /** @param {unknown[]} ops */
  apply(ops) {
    for (const op of ops) {
      if (!Array.isArray(op)) throw new TypeError("operation is not a list");
      const current = /** @type {Element} */ (this.stack.at(-1));
      switch (op[0]) {
        case "open": {
          const tag = String(op[1]);
          if (!(tag in ALLOWED) || VOID.includes(current.localName)) throw new TypeError(`refused element ${tag}`);
          const element = document.createElement(tag);
          current.append(element);
          this.stack.push(element);
          break;
        }
        case "attr": {
          const [, name, value] = op.map(String);
          if (this.stack.length < 2 || !allowed(current.localName, name, value)) {
            throw new TypeError(`refused attribute ${name} on ${current.localName}`);
          }
          current.setAttribute(name, value);
          break;
        }
        case "text":
          current.append(String(op[1]));
          break;
        case "close":
          if (this.stack.length < 2) throw new TypeError("close with nothing open");
          this.stack.pop();
          if (current.localName === "pre" && current.getAttribute("data-copy") === "code") addCopyButton(current);
          break;
        default:
          throw new TypeError(`unknown operation ${String(op[0])}`);
      }
    }
  }
}

/** A finished code block gets a button that copies exactly its text. @param {Element} pre */
function addCopyButton(pre) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-code";
  button.textContent = "Copy code";
  button.addEventListener("click", () => {
    void navigator.clipboard?.writeText(pre.textContent ?? "").then(() => {
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy code"; }, 1500);
    });
  });
  pre.after(button);
}
