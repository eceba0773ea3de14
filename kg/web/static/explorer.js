// The explorer's behaviour on every page: tables that sort by column and page, the canned-question
// menu, and search suggestions. Text from the graph is only ever set with textContent, never parsed as HTML.
"use strict";

function cellKey(cell) {
  if (!cell) return "";
  const raw = cell.dataset.sort;
  return raw !== undefined && raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : cell.textContent.trim().toLowerCase();
}

function compareKeys(a, b) {
  if (a === "" && b !== "") return 1;
  if (b === "" && a !== "") return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

// A table.sortable: a click on a column heading sorts by it (again: the other way); long tables show
// data-page-size rows at a time with a pager below.
function sortableTable(table) {
  const body = table.tBodies[0];
  if (!body) return;
  const size = Number(table.dataset.pageSize || 0);
  let page = 0;
  const pager = document.createElement("div");
  pager.className = "pager";
  const previous = document.createElement("button");
  const next = document.createElement("button");
  const where = document.createElement("span");
  previous.type = next.type = "button";
  previous.textContent = "‹ previous";
  next.textContent = "next ›";
  previous.className = next.className = "quiet";
  pager.append(previous, where, next);
  const show = () => {
    const rows = Array.from(body.rows);
    const pages = size ? Math.max(1, Math.ceil(rows.length / size)) : 1;
    page = Math.min(page, pages - 1);
    rows.forEach((row, i) => { row.hidden = size > 0 && (i < page * size || i >= (page + 1) * size); });
    pager.hidden = pages <= 1;
    where.textContent = ` page ${page + 1} of ${pages} `;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  previous.addEventListener("click", () => { page -= 1; show(); });
  next.addEventListener("click", () => { page += 1; show(); });
  table.after(pager);
  const headings = Array.from(table.tHead ? table.tHead.rows[0].cells : []);
  headings.forEach((heading, column) => {
    const button = heading.querySelector("button.sort");
    if (!button) return;
    button.addEventListener("click", () => {
      const ascending = heading.getAttribute("aria-sort") !== "ascending";
      headings.forEach((h) => h.removeAttribute("aria-sort"));
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const rows = Array.from(body.rows);
      rows.sort((a, b) => (ascending ? 1 : -1) * compareKeys(cellKey(a.cells[column]), cellKey(b.cells[column])));
      body.append(...rows);
      page = 0;
      show();
    });
  });
  show();
}

function cannedMenu() {
  const menu = document.getElementById("canned");
  if (menu) menu.addEventListener("change", () => { if (menu.value) window.location.assign(`/query?canned=${encodeURIComponent(menu.value)}`); });
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
  document.querySelectorAll("table.sortable").forEach(sortableTable);
  cannedMenu();
  searchBox();
});
