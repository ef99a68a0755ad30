// The sidebar: saved conversations, newest first, each opened, renamed or deleted from the
// keyboard as easily as with a pointer. It only shows and reports; the controller decides.

/**
 * @typedef {{id: string, title: string, updated: number}} Summary
 * @typedef {{
 *   onOpen: (id: string) => void,
 *   onRename: (id: string, title: string) => void,
 *   onDelete: (id: string) => void,
 * }} ListActions
 */

export class ConversationList {
  /** @param {HTMLElement} list  a <ul> @param {ListActions} actions */
  constructor(list, actions) {
    this.list = list;
    this.actions = actions;
    /** @type {Summary[]} */
    this.items = [];
    /** @type {string | null} */
    this.active = null;
    /** A row being renamed or asked about (its form or question), which a refresh must keep. */
    /** @type {{id: string, li: HTMLLIElement} | null} */
    this.editing = null;
  }

  /**
   * Rebuilt whenever a conversation is saved, e.g. when an answer finishes: a rename being typed
   * or a delete being confirmed stays as it is, and the keyboard stays where the visitor was.
   * @param {Summary[]} items @param {string | null} active
   */
  render(items, active) {
    this.items = items;
    this.active = active;
    const focused = document.activeElement;
    const inside = focused instanceof HTMLElement && this.list.contains(focused) ? focused : null;
    const selection = inside instanceof HTMLInputElement ? [inside.selectionStart, inside.selectionEnd] : null;
    const place = inside && {
      id: /** @type {HTMLElement | null} */ (inside.closest("li"))?.dataset.id ?? "",
      role: inside.dataset.role ?? "",
    };
    const editing = this.editing;
    if (editing && !items.some((item) => item.id === editing.id)) this.editing = null;
    this.list.replaceChildren(...items.map((item) => (item.id === this.editing?.id ? this.editing.li : this.row(item))));
    if (inside?.isConnected) {
      inside.focus();
      if (selection && inside instanceof HTMLInputElement) inside.setSelectionRange(selection[0], selection[1]);
    } else if (place?.role) {
      this.focusRow(place.id, place.role);
    }
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "empty-list";
      empty.textContent = "No saved conversations yet.";
      this.list.append(empty);
    }
  }

  /** @param {Summary} item */
  row(item) {
    const li = document.createElement("li");
    li.className = "conversation";
    li.dataset.id = item.id;
    const open = document.createElement("button");
    open.type = "button";
    open.className = "open";
    open.dataset.role = "open";
    open.textContent = item.title;
    open.title = `Opened ${new Date(item.updated).toLocaleString()}`;
    if (item.id === this.active) open.setAttribute("aria-current", "true");
    open.addEventListener("click", () => this.actions.onOpen(item.id));
    const rename = iconButton("✎", `Rename ${item.title}`, "rename", () => this.startRename(li, item));
    const remove = iconButton("🗑", `Delete ${item.title}`, "delete", () => this.confirmDelete(li, item));
    li.append(open, rename, remove);
    return li;
  }

  /** @param {HTMLLIElement} li @param {Summary} item */
  startRename(li, item) {
    const form = document.createElement("form");
    form.className = "rename";
    const input = document.createElement("input");
    input.type = "text";
    input.value = item.title;
    input.maxLength = 120;
    input.setAttribute("aria-label", "Conversation name");
    const save = document.createElement("button");
    save.type = "submit";
    save.textContent = "Save";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    const restore = () => {
      this.editing = null;
      li.replaceWith(this.row(item));
      this.focusRow(item.id, "open");
    };
    cancel.addEventListener("click", restore);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const title = input.value.trim();
      if (title && title !== item.title) {
        this.editing = null;
        this.actions.onRename(item.id, title);
      } else {
        restore();
      }
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        restore();
      }
    });
    form.append(input, save, cancel);
    li.replaceChildren(form);
    this.editing = { id: item.id, li };
    input.focus();
    input.select();
  }

  /** Deleting cannot be undone, so it asks in place (no modal dialog). @param {HTMLLIElement} li @param {Summary} item */
  confirmDelete(li, item) {
    const box = document.createElement("div");
    box.className = "confirm";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", `Delete ${item.title}?`);
    const question = document.createElement("span");
    question.textContent = "Delete this conversation?";
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.textContent = "Delete";
    yes.addEventListener("click", () => {
      this.editing = null;
      this.actions.onDelete(item.id);
    });
    const no = document.createElement("button");
    no.type = "button";
    no.textContent = "Keep";
    const keep = () => {
      this.editing = null;
      li.replaceWith(this.row(item));
      this.focusRow(item.id, "open");
    };
    no.addEventListener("click", keep);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        keep();
      }
    });
    box.append(question, yes, no);
    li.replaceChildren(box);
    this.editing = { id: item.id, li };
    no.focus();
  }

  /** @param {string} id @param {"open" | "rename" | "delete"} role  which of the row's buttons */
  focusRow(id, role) {
    for (const li of this.list.children) {
      if (/** @type {HTMLElement} */ (li).dataset.id === id) {
        /** @type {HTMLElement | null} */ (li.querySelector(`[data-role="${role}"]`))?.focus();
      }
    }
  }
}

/** @param {string} glyph @param {string} label @param {string} role @param {() => void} onClick */
function iconButton(glyph, label, role, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "icon";
  b.dataset.role = role;
  b.setAttribute("aria-label", label);
  b.title = label;
  const g = document.createElement("span");
  g.setAttribute("aria-hidden", "true");
  g.textContent = glyph;
  b.append(g);
  b.addEventListener("click", onClick);
  return b;
}
