// Results of `/groq <query>` in the chat: a table when the result is a list of flat objects
// (what most projections return), formatted JSON otherwise. Text only, built with createElement.

const MAX_ROWS = 500;

/** @param {unknown} value */
const isScalar = (value) => value === null || ["string", "number", "boolean"].includes(typeof value);

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isPlainObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A list of objects whose values are all scalars reads best as a table.
 * @param {unknown} result
 * @returns {result is Record<string, unknown>[]}
 */
export function isTable(result) {
  return Array.isArray(result) && result.length > 0
    && result.every((row) => isPlainObject(row) && Object.values(row).every(isScalar));
}

/** @param {unknown} value */
function cellText(value) {
  if (value === null) return "null";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * @param {unknown} result  the GROQ result, any JSON value
 * @returns {HTMLElement}
 */
export function renderGroqResult(result) {
  const box = document.createElement("div");
  box.className = "groq-result";
  if (Array.isArray(result) && result.length === 0) {
    // "[]" alone reads like a failure; say that the query ran and matched nothing.
    const none = document.createElement("p");
    none.className = "groq-empty muted";
    none.textContent = "No results: the query ran and returned an empty list.";
    box.append(none);
  }
  if (!isTable(result)) {
    const pre = document.createElement("pre");
    pre.className = "json";
    pre.textContent = JSON.stringify(result, null, 2) ?? "null";
    box.append(pre);
    return box;
  }
  /** @type {string[]} */
  const columns = [];
  for (const row of result) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const scroller = document.createElement("div");
  scroller.className = "table-scroll";
  scroller.tabIndex = 0;
  scroller.setAttribute("role", "region");
  scroller.setAttribute("aria-label", "Query result");
  const table = document.createElement("table");
  const caption = document.createElement("caption");
  const shown = result.slice(0, MAX_ROWS);
  caption.textContent = result.length > MAX_ROWS
    ? `${result.length} rows (first ${MAX_ROWS} shown)`
    : `${result.length} row${result.length === 1 ? "" : "s"}`;
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of shown) {
    const tr = body.insertRow();
    for (const column of columns) {
      const td = tr.insertCell();
      if (column in row) td.textContent = cellText(row[column]);
      else td.className = "missing";
    }
  }
  table.prepend(caption);
  scroller.append(table);
  box.append(scroller);
  return box;
}
