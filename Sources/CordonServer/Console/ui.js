// DOM helpers: every dynamic value goes in as text (textContent or an attribute set with
// setAttribute), never as HTML; nothing here parses markup.

/// An element: `el("td", { class: "num" }, "12", child)`. Strings become text nodes;
/// `on*` attributes take functions and become listeners (never inline handlers).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/// Replaces everything inside `node`.
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/// A table: `columns` are [header, (row) => cell] pairs; a cell may be a node or text.
export function table(columns, rows, { empty = "Nothing to show.", rowClass } = {}) {
  if (!rows.length) return el("p", { class: "muted" }, empty);
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, columns.map(([header]) => el("th", { scope: "col" }, header)))),
    el(
      "tbody",
      {},
      rows.map((row) => el("tr", { class: rowClass ? rowClass(row) : null }, columns.map(([, cell]) => el("td", {}, cell(row))))),
    ),
  );
}

/// A card with a heading.
export function card(title, ...children) {
  return el("section", { class: "card" }, el("h2", {}, title), ...children);
}

/// A labelled form field.
export function field(label, input) {
  return el("label", { class: "field" }, el("span", {}, label), input);
}

/// A select with `options` as [value, label] pairs or plain values.
export function select(name, options, value) {
  return el(
    "select",
    { name, id: name },
    options.map((option) => {
      const [optionValue, label] = Array.isArray(option) ? option : [option, option || "any"];
      return el("option", { value: optionValue, selected: optionValue === value }, label);
    }),
  );
}

/// A status line that shows an error's code and message, or a note.
export function status() {
  const node = el("p", { class: "status", role: "status" });
  node.show = (text, kind = "note") => {
    node.className = `status ${kind}`;
    node.textContent = text;
  };
  node.fail = (error) => node.show(error && error.code ? `${error.code}: ${error.message}` : String(error), "error");
  return node;
}

/// Runs `work`, showing its failure in `line` instead of throwing.
export async function attempt(line, work) {
  try {
    return await work();
  } catch (error) {
    line.fail(error);
    return undefined;
  }
}

/// Offers `text` as a file download (a blob URL; nothing leaves the browser).
export function download(name, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/// A verdict badge: a green check or a red cross with a reason.
export function verdict(ok, text) {
  return el("span", { class: ok ? "verdict ok" : "verdict bad", "data-verdict": ok ? "ok" : "bad" }, ok ? "✔ " : "✘ ", text);
}

/// A short human date from an ISO timestamp.
export function when(iso) {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}

/// A JSON value as readable, escaped text.
export function pre(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2);
  return el("pre", {}, text);
}
