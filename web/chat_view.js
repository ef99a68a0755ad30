// The conversation list: each message is built with createElement and textContent only.

/**
 * @param {HTMLElement} log
 * @param {"user" | "assistant"} role
 * @param {string} text
 * @param {"done" | "error" | "streaming"} state
 */
export function appendMessage(log, role, text, state) {
  const item = document.createElement("article");
  item.className = `message ${role}`;
  item.dataset.state = state;
  item.setAttribute("aria-label", role === "user" ? "You said" : "Assistant");
  const body = document.createElement("p");
  body.textContent = text;
  item.append(body);
  log.append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}
