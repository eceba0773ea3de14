"""The network page: the entity graph drawn with vis-network (the library pyvis bundles), offline.

pyvis's own HTML loads scripts from CDNs and its `add_node`/`add_edge` are quadratic, so we
fill the vis.js node and edge lists ourselves and inline vis-network's JavaScript and CSS from
the copy that ships inside the pyvis package. Every text from the graph reaches the page as
JSON (`script_json`) and is put into the document with `textContent`, never parsed as HTML.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pyvis

from kg.analytics import SEED, centrality, community_partition, undirected
from kg.graph import entity_graph, find_entity, neighbourhood, query_graph
from kg.model import PREDICATES, SYMMETRIC_PREDICATES, TOP_LEVEL_TYPES
from kg.queries import resolve_query
from kg.store import Store

VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"

PHYSICS_NODE_LIMIT = 1000
"""Above this many drawn nodes the browser's physics takes too long to settle (bench/results.md,
"Network page"): positions are computed here instead and physics is off."""
NODE_SPACING = 60.0
"""Distance, in page pixels, between neighbouring nodes of a precomputed layout."""
DIRECT_LAYOUT_LIMIT = 100
"""Pieces up to this size get networkx's spring layout directly; larger ones are split into communities first."""

TYPE_COLOURS = dict(
    zip(
        (*TOP_LEVEL_TYPES, "Entity"),
        ("#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#98df8a", "#9467bd",
         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aaaaaa"),
    )
)
PREDICATE_COLOURS = dict(
    zip(
        (*PREDICATES, "partOf"),
        ("#1565c0", "#c62828", "#ef6c00", "#6a1b9a", "#ad1457", "#00838f", "#2e7d32",
         "#b8860b", "#4e342e", "#00695c", "#37474f", "#5d4037", "#455a64"),
    )
)
OTHER_COLOUR = "#333333"
REFERENCE_COLOUR = "#c8c8c8"
REFERENCE_LABEL_COLOUR = "#a0a0a0"


@functools.lru_cache(maxsize=1)
def vis_network_js() -> str:
    """vis-network's JavaScript, from the copy bundled in the pyvis package (no CDN)."""
    return (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def vis_network_css() -> str:
    """vis-network's stylesheet, from the pyvis package."""
    return (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """JSON safe to embed inside a <script> element: no '</script>' or HTML comment can break out."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@dataclass(frozen=True)
class View:
    """What one page shows: the graph it carries, the nodes it draws first (None: all), a title, node sizes
    and the entity a focus view is centred on."""

    graph: nx.MultiDiGraph
    drawn: frozenset[str] | None
    title: str
    sizes: dict[str, float]
    focus: str | None = None

    @property
    def drawn_graph(self) -> nx.MultiDiGraph:
        """The part of the graph the page draws before any double-click."""
        return self.graph if self.drawn is None else self.graph.subgraph(self.drawn)


def build_view(
    store: Store,
    *,
    focus: str | None = None,
    hops: int = 1,
    query: str | None = None,
    include_reference: bool = True,
    size_by: str = "degree",
) -> View:
    """The graph a page should show: the whole graph, a CONSTRUCT's result, or the neighbourhood of one entity.

    A focus view carries one hop more than it draws, so the page can add neighbours on a double-click.
    """
    if query:
        canned = resolve_query(query)
        graph, title = query_graph(store, canned.sparql, include_reference), f"cgt-kg: {canned.question or canned.name}"
    else:
        graph, title = entity_graph(store, include_reference), "cgt-kg: the whole graph"
    sizes = centrality(graph, size_by)
    if not focus:
        return View(graph, None, title, sizes)
    centre = find_entity(graph, focus)
    distances = neighbourhood(graph, centre, hops + 1)
    drawn = frozenset(node for node, distance in distances.items() if distance <= hops)
    label = graph.nodes[centre]["label"]
    title = f"cgt-kg: {label}, {hops} hop{'s' if hops != 1 else ''}"
    return View(graph.subgraph(distances).copy(), drawn, title, sizes, centre)


def uses_physics(drawn_nodes: int) -> bool:
    """Whether the browser lays the page out itself (small graphs) or gets precomputed positions."""
    return drawn_nodes <= PHYSICS_NODE_LIMIT


def _fit(positions: dict, radius: float) -> dict[str, np.ndarray]:
    """Positions centred on 0 and scaled so the farthest lies at `radius`."""
    points = np.array([positions[node] for node in positions], dtype=float)
    points -= points.mean(axis=0)
    extent = float(np.linalg.norm(points, axis=1).max()) or 1.0
    return dict(zip(positions, points * (radius / extent)))


def _disc_radius(nodes: int) -> float:
    return NODE_SPACING * math.sqrt(nodes / math.pi)


def _piece_layout(simple: nx.Graph) -> dict[str, np.ndarray]:
    """A connected piece laid out in a disc whose area grows with its size: small pieces by networkx's
    spring layout, large ones as communities placed by the layout of the graph between them."""
    radius = _disc_radius(len(simple))
    if len(simple) <= 3:  # one node, a pair or a triangle: nothing for a force layout to find
        return _fit(nx.circular_layout(simple), radius)
    if len(simple) <= DIRECT_LAYOUT_LIMIT:
        return _fit(nx.spring_layout(simple, seed=SEED), radius)
    groups = community_partition(simple)
    if len(groups) == 1:
        hub = max(simple, key=lambda node: (simple.degree(node), node))
        return _fit(nx.shell_layout(simple, nlist=list(nx.bfs_layers(simple, hub))), radius)
    member_of = {node: i for i, group in enumerate(groups) for node in group}
    between = nx.Graph()
    between.add_nodes_from(range(len(groups)))
    for a, b, data in simple.edges(data=True):
        i, j = member_of[a], member_of[b]
        if i != j:
            between.add_edge(i, j, weight=between.get_edge_data(i, j, {"weight": 0})["weight"] + data["weight"])
    centres = _fit(_piece_layout(between), radius)
    return {
        node: centres[i] + xy
        for i, group in enumerate(groups)
        for node, xy in _piece_layout(simple.subgraph(group).copy()).items()
    }


def static_layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions for a graph too large for the browser's physics: each connected piece laid out, pieces packed in rows."""
    simple = undirected(graph)
    pieces = sorted(nx.connected_components(simple), key=lambda piece: (-len(piece), min(piece)))
    radii = [_disc_radius(len(piece)) + NODE_SPACING for piece in pieces]
    width = max([2 * radii[0], math.sqrt(sum((2 * r) ** 2 for r in radii))]) if pieces else 0.0
    positions: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for piece, radius in zip(pieces, radii):
        if x > 0 and x + 2 * radius > width:
            x, y, row = 0.0, y + row, 0.0
        centre = np.array([x + radius, y + radius])
        for node, xy in _piece_layout(simple.subgraph(piece).copy()).items():
            px, py = centre + xy
            positions[node] = (round(float(px), 1), round(float(py), 1))
        x, row = x + 2 * radius, max(row, 2 * radius)
    return positions


def network_payload(
    graph: nx.MultiDiGraph,
    *,
    drawn: frozenset[str] | None = None,
    sizes: dict[str, float] | None = None,
    physics: bool | None = None,
    focus: str | None = None,
) -> dict:
    """The data the page carries: vis.js nodes and edges (with what their tooltips say), the legend, the layout mode.

    Nodes are coloured by top-level class and sized by `sizes` (default: degree); extracted facts
    are edges coloured by predicate, reference facts thin grey ones; symmetric predicates have no
    arrow. `drawn` names the nodes shown at first (default all), the rest wait for a double-click;
    `focus` is selected when the page opens.
    """
    sizes = sizes if sizes is not None else centrality(graph, "degree")
    if physics is None:
        physics = uses_physics(len(drawn) if drawn is not None else len(graph))
    positions = {} if physics else static_layout(graph)
    nodes = []
    for node, data in graph.nodes(data=True):
        item = {
            "id": node,
            "label": data["label"],
            "type": data["type"],
            "cls": data["cls"],
            "aliases": list(data["aliases"]),
            "relations": graph.degree(node),
            "value": sizes.get(node, 0.0),
            "color": TYPE_COLOURS.get(data["type"], TYPE_COLOURS["Entity"]),
            "shown": drawn is None or node in drawn,
        }
        if node in positions:
            item["x"], item["y"] = positions[node]
        nodes.append(item)
    edges = [
        {
            "id": i,
            "from": s,
            "to": o,
            "label": data["predicate"],
            "predicate": data["predicate"],
            "reference": data["reference"],
            "confidence": data["confidence"],
            "evidence": [
                {"text": e.text, "confidence": e.confidence, "document": e.document, "title": e.title, "path": e.path}
                for e in data["evidence"]
            ],
            "arrows": "" if data["predicate"] in SYMMETRIC_PREDICATES else "to",
            "color": REFERENCE_COLOUR if data["reference"] else PREDICATE_COLOURS.get(data["predicate"], OTHER_COLOUR),
            "width": 1 if data["reference"] else 2.5,
            **({"font": {"color": REFERENCE_LABEL_COLOUR}} if data["reference"] else {}),
        }
        for i, (s, o, data) in enumerate(graph.edges(data=True))
    ]
    order = {name: i for i, name in enumerate(TYPE_COLOURS)}
    type_counts: dict[str, int] = {}
    for item in nodes:
        type_counts[item["type"]] = type_counts.get(item["type"], 0) + 1
    predicate_counts: dict[str, int] = {}
    for item in edges:
        predicate_counts[item["predicate"]] = predicate_counts.get(item["predicate"], 0) + 1
    return {
        "nodes": nodes,
        "edges": edges,
        "types": [
            {"name": t, "color": TYPE_COLOURS.get(t, TYPE_COLOURS["Entity"]), "count": n}
            for t, n in sorted(type_counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
        ],
        "predicates": [
            {"name": p, "color": PREDICATE_COLOURS.get(p, OTHER_COLOUR), "count": n, "symmetric": p in SYMMETRIC_PREDICATES}
            for p, n in sorted(predicate_counts.items(), key=lambda item: (-item[1], item[0]))
        ],
        "referenceColor": REFERENCE_COLOUR,
        "physics": physics,
        "expandable": drawn is not None,
        "focus": focus,
    }


PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>@@title@@</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>@@css@@</style>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; display: flex; height: 100vh; color: #222; }
#side { width: 300px; flex: none; overflow-y: auto; padding: 10px 12px; border-right: 1px solid #ddd; box-sizing: border-box; }
#side h1 { font-size: 15px; margin: 0 0 4px; }
#side h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #666; margin: 14px 0 4px; }
#side label { display: flex; align-items: center; gap: 6px; cursor: pointer; }
#side .count { margin-left: auto; color: #888; font-variant-numeric: tabular-nums; }
#status { color: #555; min-height: 2.6em; }
#search { width: 100%; box-sizing: border-box; padding: 4px 6px; }
#confidence { width: 100%; }
.dot { width: 11px; height: 11px; border-radius: 50%; flex: none; }
.line { width: 22px; flex: none; }
#main { flex: 1; position: relative; min-width: 0; }
#network { position: absolute; inset: 0; }
#tooltip { position: absolute; display: none; max-width: 420px; background: #fff; border: 1px solid #bbb; border-radius: 4px;
           padding: 6px 8px; box-shadow: 0 2px 6px rgba(0,0,0,.15); pointer-events: none; z-index: 10; }
.details strong { display: block; }
.details .muted, .details .source { color: #666; }
.details .iri { color: #888; font-size: 11px; word-break: break-all; }
.details blockquote { margin: 6px 0 2px; padding-left: 8px; border-left: 3px solid #ccc; }
</style>
<script>@@js@@</script></head>
<body>
<div id="side">
  <h1>@@title@@</h1>
  <div id="status"></div>
  <h2>Find</h2>
  <input id="search" type="search" list="search-options" placeholder="entity name or alias, then Enter" autocomplete="off">
  <datalist id="search-options"></datalist>
  <h2>Minimum confidence <span id="confidence-value">0.00</span></h2>
  <input id="confidence" type="range" min="0" max="1" step="0.05" value="0">
  <h2>Classes</h2><div id="types"></div>
  <h2>Relations</h2><div id="predicates"></div>
  <h2>Facts</h2><div id="facts"></div>
  <h2>Details</h2><div id="details" class="details"></div>
</div>
<div id="main"><div id="network"></div><div id="tooltip" class="details"></div></div>
<script>
"use strict";
const data = @@payload@@;
const byId = new Map(data.nodes.map(n => [n.id, n]));
const shown = new Set(data.nodes.filter(n => n.shown).map(n => n.id));
const typeOn = new Set(data.types.map(t => t.name));
const predicateOn = new Set(data.predicates.map(p => p.name));
const neighbours = new Map(data.nodes.map(n => [n.id, new Set()]));
for (const e of data.edges) { neighbours.get(e.from).add(e.to); neighbours.get(e.to).add(e.from); }
let minConfidence = 0;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}
function visible(id) { return shown.has(id) && typeOn.has(byId.get(id).type); }
function strong(e) { return e.reference || e.confidence === null || e.confidence >= minConfidence - 1e-9; }

const nodes = new vis.DataSet(data.nodes);
const edges = new vis.DataSet(data.edges);
const nodeView = new vis.DataView(nodes, { filter: n => visible(n.id) });
const edgeView = new vis.DataView(edges, {
  filter: e => predicateOn.has(e.predicate) && visible(e.from) && visible(e.to) && strong(e) });
const physicsOptions = { solver: "forceAtlas2Based", stabilization: { iterations: 300, updateInterval: 50 } };
const network = new vis.Network(document.getElementById("network"), { nodes: nodeView, edges: edgeView }, {
  nodes: { shape: "dot", scaling: { min: 8, max: 40, label: { enabled: true, min: 12, max: 26, drawThreshold: 6 } },
           font: { size: 14 } },
  edges: { font: { size: 9, align: "middle", color: "#555", strokeWidth: 3 }, smooth: data.physics ? { type: "continuous" } : false,
           arrowStrikethrough: false },
  physics: data.physics ? physicsOptions : false,
  layout: { improvedLayout: data.physics && data.nodes.length <= 300, randomSeed: 7 },
  interaction: { hover: true, tooltipDelay: 100, hideEdgesOnDrag: !data.physics, hideEdgesOnZoom: !data.physics },
});
window.kgNetwork = network;

// the browser's physics runs only until the layout is stable, then the drawing stays still
let settled = !data.physics;
network.on("stabilizationIterationsDone", () => { network.setOptions({ physics: false }); settled = true; });
network.on("afterDrawing", () => {
  if (settled && window.kgStableAt === undefined) { window.kgStableAt = performance.now(); document.body.dataset.state = "ready"; }
});

const status = document.getElementById("status");
function say(message) {
  const edgeCount = edgeView.length;
  status.replaceChildren(el("div", `${nodeView.length} of ${data.nodes.length} entities, ${edgeCount} of ${data.edges.length} facts drawn`));
  if (message) status.append(el("div", message));
}
function refresh(message) { nodeView.refresh(); edgeView.refresh(); say(message); }

function nodeDetails(n) {
  const box = el("div");
  box.append(el("strong", n.label), el("div", n.cls !== n.type ? `${n.type} (${n.cls})` : n.type, "muted"));
  if (n.aliases.length) box.append(el("div", `also called: ${n.aliases.join("; ")}`));
  box.append(el("div", `${n.relations} relation${n.relations === 1 ? "" : "s"} in this page`, "muted"), el("div", n.id, "iri"));
  if (data.expandable && [...neighbours.get(n.id)].some(m => !shown.has(m))) box.append(el("div", "double-click to add its neighbours", "muted"));
  return box;
}
function edgeDetails(e) {
  const box = el("div");
  box.append(el("strong", `${byId.get(e.from).label} \u2014 ${e.predicate} \u2192 ${byId.get(e.to).label}`));
  box.append(el("div", e.reference ? "reference fact (vocabulary)"
    : e.confidence === null ? "fact (no evidence stored)" : `extracted fact, confidence ${e.confidence.toFixed(2)}`, "muted"));
  for (const ev of e.evidence.slice(0, 3)) {
    box.append(el("blockquote", ev.text));
    const where = ev.title && ev.path ? `${ev.title} (${ev.path})` : (ev.title || ev.path || ev.document);
    box.append(el("div", ev.confidence === null ? where : `${where}, confidence ${ev.confidence.toFixed(2)}`, "source"));
  }
  if (e.evidence.length > 3) box.append(el("div", `and ${e.evidence.length - 3} more sentences`, "muted"));
  return box;
}

const main = document.getElementById("main");
const tooltip = document.getElementById("tooltip");
function showTooltip(content, pointer) {
  tooltip.replaceChildren(content);
  tooltip.style.display = "block";
  const x = Math.min(pointer.x + 14, main.clientWidth - tooltip.offsetWidth - 4);
  const y = Math.min(pointer.y + 14, main.clientHeight - tooltip.offsetHeight - 4);
  tooltip.style.left = `${Math.max(0, x)}px`; tooltip.style.top = `${Math.max(0, y)}px`;
}
function hideTooltip() { tooltip.style.display = "none"; }
network.on("hoverNode", p => showTooltip(nodeDetails(byId.get(p.node)), p.pointer.DOM));
network.on("hoverEdge", p => showTooltip(edgeDetails(edges.get(p.edge)), p.pointer.DOM));
for (const name of ["blurNode", "blurEdge", "dragStart", "zoom"]) network.on(name, hideTooltip);

const details = document.getElementById("details");
const detailsHint = "Click an entity or a fact to read about it here.";
details.replaceChildren(el("div", detailsHint, "muted"));
network.on("click", p => details.replaceChildren(
  p.nodes.length ? nodeDetails(byId.get(p.nodes[0])) : p.edges.length ? edgeDetails(edges.get(p.edges[0])) : el("div", detailsHint, "muted")));

function expand(id) {
  const label = byId.get(id).label;
  const added = [...neighbours.get(id)].filter(m => !shown.has(m));
  const origin = network.getPosition(id);
  added.forEach((m, i) => {
    shown.add(m);
    if (data.physics) {
      const angle = 2 * Math.PI * i / added.length;
      nodes.update({ id: m, x: origin.x + 120 * Math.cos(angle), y: origin.y + 120 * Math.sin(angle) });
    }
  });
  refresh(added.length ? `added ${added.length} neighbour${added.length === 1 ? "" : "s"} of ${label}`
    : `every neighbour of ${label} that this page carries is drawn; regenerate with a larger --hops for more`);
  if (data.physics && added.length) { network.setOptions({ physics: physicsOptions }); network.stabilize(150); }
}
network.on("doubleClick", p => { if (p.nodes.length) expand(p.nodes[0]); });

function checkbox(container, name, count, swatch, enabled, onChange) {
  const label = el("label");
  const box = el("input");
  box.type = "checkbox"; box.checked = true; box.dataset.name = name;
  box.addEventListener("change", () => { (box.checked ? enabled.add(name) : enabled.delete(name)); onChange(); });
  label.append(box, swatch, el("span", name), el("span", String(count), "count"));
  container.append(label);
}
function swatch(className, style) { const s = el("span", undefined, className); Object.assign(s.style, style); return s; }
const types = document.getElementById("types");
for (const t of data.types) checkbox(types, t.name, t.count, swatch("dot", { background: t.color }), typeOn, () => refresh());
const predicates = document.getElementById("predicates");
for (const p of data.predicates) {
  checkbox(predicates, p.name, p.count, swatch("line", { borderTop: `3px solid ${p.color}` }), predicateOn, () => refresh());
}
const facts = document.getElementById("facts");
const extractedRow = el("label");
extractedRow.append(swatch("line", { borderTop: "3px solid #1565c0" }), el("span", "extracted from an article: solid, coloured by relation"));
const referenceRow = el("label");
referenceRow.append(swatch("line", { borderTop: `2px solid ${data.referenceColor}` }), el("span", "reference fact from the vocabulary: thin grey"));
facts.append(extractedRow, referenceRow);
if (data.expandable) facts.append(el("div", "Double-click an entity to add its neighbours.", "muted"));

const slider = document.getElementById("confidence");
slider.addEventListener("input", () => {
  minConfidence = Number(slider.value);
  document.getElementById("confidence-value").textContent = minConfidence.toFixed(2);
  refresh();
});

const search = document.getElementById("search");
const options = document.getElementById("search-options");
const names = [];
for (const n of data.nodes) for (const name of [n.label, ...n.aliases]) names.push([name.toLowerCase(), n.id]);
function matches(text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return [];
  const exact = names.filter(([name]) => name === wanted);
  const starts = names.filter(([name]) => name !== wanted && name.startsWith(wanted));
  const inside = names.filter(([name]) => !name.startsWith(wanted) && name.includes(wanted));
  return [...new Set([...exact, ...starts, ...inside].map(([, id]) => id))];
}
search.addEventListener("input", () => {
  options.replaceChildren(...matches(search.value).slice(0, 20).map(id => { const o = el("option"); o.value = byId.get(id).label; return o; }));
});
function focusEntity(text) {
  const [id] = matches(text);
  if (id === undefined) { say(`no entity matches \u201c${text}\u201d`); return; }
  const n = byId.get(id);
  if (!typeOn.has(n.type)) { typeOn.add(n.type); types.querySelector(`input[data-name="${CSS.escape(n.type)}"]`).checked = true; }
  shown.add(id);
  refresh(`found ${n.label}`);
  network.selectNodes([id]);
  network.focus(id, { scale: 1.2, animation: { duration: 400 } });
  details.replaceChildren(nodeDetails(n));
}
search.addEventListener("keydown", event => { if (event.key === "Enter") focusEntity(search.value); });
search.addEventListener("change", () => focusEntity(search.value));
if (data.focus !== null) { network.selectNodes([data.focus]); details.replaceChildren(nodeDetails(byId.get(data.focus))); }
say(data.physics ? "" : "large graph: positions precomputed, physics off");
</script></body></html>
"""


def render_page(payload: dict, title: str) -> str:
    """The HTML of the page for a payload: vis-network inlined, the payload as safe JSON, the title escaped."""
    parts = {"title": html.escape(title), "css": vis_network_css(), "js": vis_network_js(), "payload": script_json(payload)}
    return re.sub(r"@@(\w+)@@", lambda match: parts[match.group(1)], PAGE)


def write_network_page(
    graph: nx.MultiDiGraph,
    path: Path,
    title: str = "cgt-kg",
    *,
    drawn: frozenset[str] | None = None,
    sizes: dict[str, float] | None = None,
    physics: bool | None = None,
    focus: str | None = None,
) -> Path:
    """Write a self-contained HTML page drawing the graph (every asset inline, every text escaped)."""
    page = render_page(network_payload(graph, drawn=drawn, sizes=sizes, physics=physics, focus=focus), title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
