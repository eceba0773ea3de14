// The explorer's behaviour: the canned-question menu, Ctrl+Enter in the editor, and search
// suggestions. Text from the graph is only ever set with textContent, never parsed as HTML.
"use strict";

function cannedMenu() {
  const menu = document.getElementById("canned");
  if (menu) menu.addEventListener("change", () => { if (menu.value) menu.form.submit(); });
  const editor = document.getElementById("query");
  if (editor) {
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        editor.form.submit();
      }
    });
  }
}

function searchBox() {
  const input = document.getElementById("search");
  const list = document.getElementById("suggestions");
  if (!input || !list) return;
  let pending = null;
  let asked = "";
  const show = (hits) => {
    list.replaceChildren();
    for (const hit of hits) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.label;
      const kind = document.createElement("span");
      kind.className = "class";
      kind.textContent = hit.cls;
      item.append(link, " ", kind);
      if (hit.alias) {
        const alias = document.createElement("small");
        alias.textContent = ` also “${hit.alias}”`;
        item.append(alias);
      }
      list.append(item);
    }
    list.hidden = hits.length === 0;
  };
  input.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      const text = input.value.trim();
      asked = text;
      if (!text) { show([]); return; }
      const response = await fetch(`/api/search?q=${encodeURIComponent(text)}`);
      if (response.ok && asked === text) show(await response.json());
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") list.hidden = true;
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      list.querySelector("a")?.focus();
    }
  });
  list.addEventListener("keydown", (event) => {
    const item = document.activeElement.closest("li");
    if (!item) return;
    if (event.key === "ArrowDown") { event.preventDefault(); item.nextElementSibling?.querySelector("a")?.focus(); }
    if (event.key === "ArrowUp") {
      event.preventDefault();
      const previous = item.previousElementSibling;
      (previous ? previous.querySelector("a") : input).focus();
    }
  });
  document.addEventListener("click", (event) => { if (!event.target.closest(".search")) list.hidden = true; });
}

document.addEventListener("DOMContentLoaded", () => {
  cannedMenu();
  searchBox();
});
