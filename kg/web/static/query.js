// The query page: the CodeMirror editor (vendor/sparql-editor.js) over the textarea, completing our
// classes and predicates from /api/schema; the schema sidebar; and the query history in localStorage.
"use strict";

const HISTORY_KEY = "kg-query-history";
const HISTORY_SIZE = 30;

function readHistory() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch { return []; }
}

function remember(text, name) {
  const entries = readHistory().filter((entry) => entry.query !== text);
  entries.unshift({ query: text, name: name || null, at: new Date().toISOString() });
  localStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, HISTORY_SIZE)));
}

function showHistory(list, load) {
  list.replaceChildren();
  for (const entry of readHistory()) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "history-entry";
    button.title = entry.query;
    button.textContent = (entry.name ? `${entry.name}: ` : "") + entry.query.replace(/^\s*(#|PREFIX\s).*$/gim, " ").replace(/\s+/g, " ").trim().slice(0, 90);
    button.addEventListener("click", () => load(entry.query));
    const when = document.createElement("small");
    when.textContent = ` ${entry.at.slice(0, 16).replace("T", " ")}`;
    item.append(button, when);
    list.append(item);
  }
}

function showSchema(box, schema, insert, filterText) {
  box.replaceChildren();
  const needle = filterText.trim().toLowerCase();
  for (const [title, terms] of [["Classes", schema.classes], ["Predicates", schema.predicates]]) {
    const heading = document.createElement("h3");
    heading.textContent = title;
    const list = document.createElement("dl");
    for (const term of terms) {
      if (needle && !`${term.name} ${term.label} ${term.comment}`.toLowerCase().includes(needle)) continue;
      const name = document.createElement("dt");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "term";
      button.textContent = term.name;
      button.title = "insert into the query";
      button.addEventListener("click", () => insert(term.name));
      name.append(button);
      const shape = document.createElement("small");
      if (term.kind === "class") shape.textContent = term.domain ? ` ⊂ ${term.domain}` : "";
      else if (term.domain || term.range) shape.textContent = ` ${term.domain || "any"} → ${term.range || "any"}`;
      name.append(shape);
      const comment = document.createElement("dd");
      comment.textContent = term.comment;
      list.append(name, comment);
    }
    box.append(heading, list);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  const textarea = document.getElementById("query");
  const form = document.getElementById("query-form");
  if (!textarea || !form) return;
  const history = document.getElementById("history");
  let schema = { prefixes: {}, classes: [], predicates: [] };
  try {
    const response = await fetch("/api/schema");
    if (response.ok) schema = await response.json();
  } catch { /* the editor still works, without completion */ }
  const editor = window.KgSparqlEditor
    ? window.KgSparqlEditor.createSparqlEditor(textarea, schema, { onRun: () => form.requestSubmit() })
    : null;
  window.kgEditor = editor;
  const load = (text) => {
    if (editor) { editor.setText(text); editor.focus(); } else textarea.value = text;
    textarea.value = text;
  };
  const insert = (text) => {
    if (!editor) { textarea.value += text; return; }
    const { from, to } = editor.state.selection.main;
    editor.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length } });
    editor.focus();
  };
  if (!editor) {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
    });
  }
  if (history) {
    // only a query the server ran (or tried to run) goes into the history, not the example or a misspelled canned name
    if (form.dataset.ran !== undefined) remember(textarea.value, form.dataset.canned);
    showHistory(history, load);
    document.getElementById("clear-history")?.addEventListener("click", () => { localStorage.removeItem(HISTORY_KEY); showHistory(history, load); });
  }
  const box = document.getElementById("schema");
  const filter = document.getElementById("schema-filter");
  if (box) {
    showSchema(box, schema, insert, "");
    filter?.addEventListener("input", () => showSchema(box, schema, insert, filter.value));
  }
});
