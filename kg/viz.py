"""The network page: the entity graph drawn with vis-network (the library pyvis bundles), offline.

pyvis's own HTML loads scripts from CDNs and its `add_node`/`add_edge` are quadratic, so we
fill the vis.js node and edge lists ourselves and inline vis-network's JavaScript and CSS from
the copy that ships inside the pyvis package. Every text from the graph reaches the page as
JSON (`script_json`) and is put into the document with `textContent`, never parsed as HTML.

Hubs (`kg.analytics.HUB_CLASSES`: countries, regions, agencies, modalities, technologies) are
carried by every page but drawn only when its "hubs" switch is on: by default they are attributes
of the entities they link to, shown in the details and offered as filters. `deal_view` draws
another graph on the same page: companies linked by their deals (`cgt:Deal` records).
"""

from __future__ import annotations

import functools
import gc
import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pyvis

from kg.analytics import HUB_CLASSES, centrality, hub_class, without_classes
from kg.graph import Evidence, entity_attributes, entity_graph, find_entity, neighbourhood, query_graph
from kg.layout import NODE_SPACING
from kg.layout import static_layout as multilevel_positions
from kg.model import SYMMETRIC_PREDICATES, TOP_LEVEL_TYPES
from kg.namespaces import local_name
from kg.ontology import load_schema
from kg.queries import resolve_query
from kg.store import Store

VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"

PHYSICS_NODE_LIMIT = 1000
"""Above this many drawn nodes the browser's physics takes too long to settle (bench/results.md,
"Network page"): positions are computed here instead (kg/layout.py) and physics is off."""
CARRY_LIMIT = 1500
"""A focus view carries the rings of neighbours beyond the ones it draws, ring by ring, up to this many
entities (at least one ring more), so that double-clicks can keep adding neighbours."""

DEAL_DIRECTIONS = (("acquirer", "target"), ("investor", "investee"), ("licensor", "licensee"), ("supplier", "customer"))
"""Roles a deal edge points from and to; a deal between partners has no direction."""
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
OTHER_COLOUR = "#333333"
REFERENCE_COLOUR = "#c8c8c8"
REFERENCE_LABEL_COLOUR = "#a0a0a0"

DEAL_QUERY = """
SELECT ?deal ?kind ?party ?role ?usd ?date ?status ?doc ?title ?path ?url ?text WHERE {
  ?deal a cgt:Deal ; a ?kind ; ?role ?party .
  ?kind rdfs:subClassOf+ cgt:Deal .
  FILTER NOT EXISTS { ?deal a ?narrower . ?narrower rdfs:subClassOf+ ?kind }
  ?role rdfs:subPropertyOf cgt:party .
  OPTIONAL { ?deal cgt:usdValue ?usd }
  OPTIONAL { ?deal cgt:dealDate ?date }
  OPTIONAL { ?deal cgt:status ?status }
  OPTIONAL { ?deal prov:wasDerivedFrom ?doc OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc cgt:path ?path }
             OPTIONAL { ?doc dcterms:source ?url } }
  OPTIONAL { ?deal cgt:assertion/cgt:evidenceText ?text }
}
"""


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
    """What one page shows: the graph it carries, the nodes it draws first (None: all), a title, node sizes,
    the entity a focus view is centred on, whether hubs are drawn as nodes, the deal records of its companies, and
    whether its edges are those deals (`deal_view`)."""

    graph: nx.MultiDiGraph
    drawn: frozenset[str] | None
    title: str
    sizes: dict[str, float]
    focus: str | None = None
    hubs: bool = False
    deals: tuple["Deal", ...] = field(default=())
    deal_network: bool = False

    @property
    def drawn_graph(self) -> nx.MultiDiGraph:
        """The part of the graph the page draws before any double-click (`first_drawn`)."""
        return self.graph.subgraph(first_drawn(self.graph, self.drawn, self.focus, self.hubs))

    @property
    def carried(self) -> int:
        """How many entities the page carries beyond those it draws, for double-clicks (hubs not counted)."""
        if self.drawn is None:
            return 0
        return sum(1 for n in self.graph if n not in self.drawn and (self.hubs or not hub_class(self.graph.nodes[n])))


def _lonely(graph: nx.MultiDiGraph, hub_of: dict[str, str | None]) -> set[str]:
    """Entities whose every relation is to a hub: with hubs as attributes they have nothing to draw a line to."""
    near_hubs = {m for hub, c in hub_of.items() if c for m in nx.all_neighbors(graph, hub) if not hub_of[m]}
    return {n for n in near_hubs if all(hub_of[m] for m in nx.all_neighbors(graph, n))}


def first_drawn(graph: nx.MultiDiGraph, drawn: frozenset[str] | None, focus: str | None, hubs: bool) -> set[str]:
    """The nodes a page draws when it opens: `drawn` (default all), without hubs and the entities linked only to
    hubs unless `hubs`; the focus always."""
    nodes = set(graph) if drawn is None else set(drawn)
    if not hubs:
        hub_of = {node: hub_class(data) for node, data in graph.nodes(data=True)}
        nodes -= {n for n in nodes if hub_of[n]} | _lonely(graph, hub_of)
    return nodes | ({focus} if focus else set())


def _carried(core: nx.MultiDiGraph, centre: str, hops: int) -> dict[str, int]:
    """The nodes a focus view carries, with their distance: everything within `hops` + 1, then whole rings
    further out while the total stays within `CARRY_LIMIT`."""
    distances = neighbourhood(core, centre, len(core))
    rings: dict[int, int] = {}
    for distance in distances.values():
        rings[distance] = rings.get(distance, 0) + 1
    reach, total = hops + 1, sum(count for d, count in rings.items() if d <= hops + 1)
    while reach + 1 in rings and total + rings[reach + 1] <= CARRY_LIMIT:
        reach, total = reach + 1, total + rings[reach + 1]
    return {node: d for node, d in distances.items() if d <= reach}


def _with_hubs(graph: nx.MultiDiGraph, nodes) -> set[str]:
    """`nodes` and the hubs they link to (so that a page can show them as attributes and filters)."""
    found = set(nodes)
    for node in nodes:
        found.update(m for m in nx.all_neighbors(graph, node) if hub_class(graph.nodes[m]))
    return found


def build_view(
    store: Store,
    *,
    focus: str | None = None,
    hops: int = 1,
    query: str | None = None,
    include_reference: bool = True,
    size_by: str = "degree",
    hubs: bool = False,
) -> View:
    """The graph a page should show: the whole graph, a CONSTRUCT's result, or the neighbourhood of one entity.

    Unless `hubs`, the neighbourhood is walked without hub entities (the United States would make every US
    company Biogen's neighbour) and sizes are measured without them; the hubs next to the carried entities
    come along as attributes. A focus view carries more than it draws, so the page can add neighbours on a
    double-click (`_carried`).
    """
    if query:
        canned = resolve_query(query)
        graph, title = query_graph(store, canned.sparql, include_reference), f"cgt-kg: {canned.question or canned.name}"
    else:
        graph, title = entity_graph(store, include_reference), "cgt-kg: the whole graph"
    centre = find_entity(graph, focus) if focus else None
    core = graph if hubs else without_classes(graph, HUB_CLASSES, keep=[centre] if centre else [])
    sizes = {**centrality(graph, size_by), **centrality(core, size_by)}
    deals = read_deals(store)
    if centre is None:
        return View(graph, None, title, sizes, hubs=hubs, deals=_deals_among(deals, graph))
    distances = _carried(core, centre, hops)
    drawn = frozenset(node for node, distance in distances.items() if distance <= hops)
    label = graph.nodes[centre]["label"]
    title = f"cgt-kg: {label}, {hops} hop{'s' if hops != 1 else ''}"
    carried = graph.subgraph(_with_hubs(graph, distances)).copy()
    for node, outside in _beyond(graph, carried, hubs).items():
        carried.nodes[node]["beyond"] = outside
    return View(carried, drawn, title, sizes, centre, hubs, _deals_among(deals, carried))


def _beyond(graph: nx.MultiDiGraph, carried: nx.MultiDiGraph, hubs: bool) -> dict[str, int]:
    """How many neighbours of each carried entity the page leaves out (hubs not counted unless `hubs`): a
    double-click cannot add them, so the page says so and names the view that draws them."""
    found = {}
    for node in carried:
        outside = {m for m in nx.all_neighbors(graph, node) if m not in carried and (hubs or not hub_class(graph.nodes[m]))}
        if outside:
            found[node] = len(outside)
    return found


@dataclass(frozen=True)
class Deal:
    """One deal record: its kind (narrowest subclass of cgt:Deal), parties with their roles, value in US
    dollars, date as stated, status and the sentences that state it."""

    iri: str
    kind: str
    parties: tuple[tuple[str, str], ...]
    usd: float | None
    date: str | None
    status: str | None
    evidence: tuple[Evidence, ...]

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None

    def ends(self) -> list[tuple[str, str, bool]]:
        """The edges this deal draws: (from, to, directed), from the first party of a leading role to each other party."""
        roles = dict(self.parties)
        for lead, other in DEAL_DIRECTIONS:
            leads = [p for p, r in self.parties if r == lead]
            if leads:
                return [(leads[0], p, roles[p] == other) for p, _ in self.parties if p != leads[0]]
        first = self.parties[0][0]
        return [(first, p, False) for p, _ in self.parties[1:]]


def read_deals(store: Store) -> list[Deal]:
    """Every deal record of the store with two parties or more, newest first."""
    found: dict[str, dict] = {}
    for deal, kind, party, role, usd, date, status, doc, title, path, url, text in store.query(DEAL_QUERY):
        record = found.setdefault(str(deal), {"kind": local_name(kind), "parties": {}, "usd": None, "date": None,
                                              "status": None, "evidence": {}})
        record["parties"].setdefault(str(party), local_name(role))
        record["usd"] = float(usd) if usd is not None else record["usd"]
        record["date"] = str(date) if date is not None else record["date"]
        record["status"] = str(status) if status is not None else record["status"]
        if text is not None:
            record["evidence"].setdefault(str(text), Evidence(str(text), None, str(doc or ""), str(title or ""), str(path or ""),
                                                              str(url or "")))
    deals = [
        Deal(iri, r["kind"], tuple(sorted(r["parties"].items(), key=lambda item: (item[1], item[0]))), r["usd"], r["date"],
             r["status"], tuple(r["evidence"].values()))
        for iri, r in found.items()
        if len(r["parties"]) > 1
    ]
    return sorted(deals, key=lambda d: (d.date or "", d.iri), reverse=True)


def _deals_among(deals: list[Deal], graph: nx.MultiDiGraph) -> tuple[Deal, ...]:
    """The deals with every party in the graph (their records go into the details of those entities)."""
    return tuple(deal for deal in deals if all(party in graph for party, _ in deal.parties))


def deal_view(store: Store) -> View:
    """The company deal network: parties as nodes, one edge per deal and pair of parties (`Deal.ends`)."""
    deals = read_deals(store)
    attributes = entity_attributes(store)
    graph = nx.MultiDiGraph()
    for deal in deals:
        for party, _ in deal.parties:
            graph.add_node(party, **attributes.get(party, {"label": local_name(party), "type": "Company", "cls": "Company", "aliases": ()}))
        for a, b, _ in deal.ends():
            graph.add_edge(a, b, key=deal.iri, predicate=deal.kind, reference=False, evidence=deal.evidence, confidence=None)
    return View(graph, None, f"cgt-kg: deal network ({len(deals)} deals)", centrality(graph, "degree"), hubs=True,
                deals=tuple(deals), deal_network=True)


def uses_physics(drawn_nodes: int) -> bool:
    """Whether the browser lays the page out itself (small graphs) or gets precomputed positions."""
    return drawn_nodes <= PHYSICS_NODE_LIMIT


def static_layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions for a graph too large for the browser's physics (kg/layout.py). Hubs, which the layout leaves
    out, sit at the middle of the entities they link to, and the entities linked only to hubs in a sunflower
    around their first hub."""
    hub_of = {node: hub_class(data) for node, data in graph.nodes(data=True)}
    lonely = _lonely(graph, hub_of)
    nodes = [n for n in graph if not hub_of[n] and n not in lonely]
    index = {node: i for i, node in enumerate(nodes)}
    links = np.array([(i, index[b], len(keys)) for a, linked in graph.adjacency() if (i := index.get(a)) is not None
                      for b, keys in linked.items() if b != a and b in index],
                     dtype=np.int64).reshape(-1, 3)  # (from, to, how many relations) per linked pair and direction
    pair, inverse = np.unique(np.minimum(links[:, 0], links[:, 1]) * len(nodes) + np.maximum(links[:, 0], links[:, 1]), return_inverse=True)
    edges = np.stack([pair // max(len(nodes), 1), pair % max(len(nodes), 1)], axis=1)
    positions = multilevel_positions(nodes, edges, np.bincount(inverse.ravel(), weights=links[:, 2], minlength=len(pair)))
    bottom = max((y for _, y in positions.values()), default=0.0) + 4 * NODE_SPACING
    around: dict[str, list[str]] = {}
    for n in sorted(lonely):
        around.setdefault(min(nx.all_neighbors(graph, n)), []).append(n)
    spare = 0
    for number, hub in enumerate(sorted(h for h, c in hub_of.items() if c)):
        linked = [positions[m] for m in nx.all_neighbors(graph, hub) if m in positions]
        if linked:  # beside the middle of what it links to, never on top of the one entity it may link to
            x, y = np.mean(linked, axis=0) + NODE_SPACING / 2 * np.array([math.cos(number * GOLDEN_ANGLE), math.sin(number * GOLDEN_ANGLE)])
        else:
            x, y, spare = spare * 4 * NODE_SPACING, bottom, spare + 1
        positions[hub] = (round(float(x), 1), round(float(y), 1))
        for i, n in enumerate(around.get(hub, []), 1):  # a sunflower spiral: even spacing at any count
            r, angle = NODE_SPACING * 0.6 * math.sqrt(i), i * GOLDEN_ANGLE
            positions[n] = (round(float(x + r * math.cos(angle)), 1), round(float(y + r * math.sin(angle)), 1))
    return positions


def shown_paths(paths) -> dict[str, str]:
    """Each stored document path as a page shows it: relative to the folder above the one the absolute paths share
    (a build of corpus/ shows corpus/a01.md), so a page never shows where the files lie on one machine."""
    folders = {os.path.dirname(path) for path in paths if os.path.isabs(path)}
    base = os.path.dirname(os.path.commonpath(folders)) if folders else ""
    return {path: os.path.relpath(path, base) if os.path.isabs(path) else path for path in paths}


class Citations:
    """The documents a page cites, each once, numbered in the order they are first cited: a page's evidence names
    its document by that number."""

    def __init__(self) -> None:
        self.cited: dict[str, tuple[int, Evidence]] = {}

    def number(self, evidence: Evidence) -> int:
        """The number of the document `evidence` comes from (a new one for a document not cited before)."""
        return self.cited.setdefault(evidence.document, (len(self.cited), evidence))[0]

    def records(self) -> list[dict]:
        """Each cited document by number: its title (else its file name), where it came from as the page shows it (the
        web address it was fetched from, else `shown_paths`) and the full stored path (a tooltip)."""
        first = [evidence for _, evidence in self.cited.values()]
        shown = shown_paths({e.path for e in first if not e.url})
        return [{"title": e.title or os.path.basename(e.path) or e.url or e.document, "source": e.url or shown.get(e.path, ""),
                 "path": e.path} for e in first]


def _evidence_json(evidence, citations: Citations) -> list[dict]:
    return [{"text": e.text, "confidence": e.confidence, "doc": citations.number(e)} for e in evidence]


def _deal_json(deal: Deal, graph: nx.MultiDiGraph) -> dict:
    return {
        "iri": deal.iri,
        "kind": deal.kind,
        "parties": [{"id": p, "label": graph.nodes[p]["label"], "role": r} for p, r in deal.parties],
        "usd": deal.usd,
        "date": deal.date,
        "year": deal.year,
        "status": deal.status,
    }


def _deal_width(usd: float | None, largest: float) -> float:
    """Edge width of a deal: 1.5 px without a stated value, up to 12 px for the largest, by the square root of value."""
    return 1.5 if not usd or not largest else round(2 + 10 * math.sqrt(usd / largest), 2)


def _collector_paused(function):
    """`function` with the cyclic garbage collector paused while it runs: a page is tens of thousands of small dicts
    and lists, none of them in a cycle, and the collector's passes over the whole heap while they are made cost a
    quarter of a 20,000-node page's generation (bench/results.md, "Network page")."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return paused


@_collector_paused
def network_payload(
    graph: nx.MultiDiGraph,
    *,
    drawn: frozenset[str] | None = None,
    sizes: dict[str, float] | None = None,
    physics: bool | None = None,
    focus: str | None = None,
    hubs: bool = False,
    deals: tuple[Deal, ...] = (),
    deal_network: bool = False,
) -> dict:
    """The data the page carries: vis.js nodes and edges (with what their tooltips and details say), the legend,
    the hub filters, the layout mode.

    Nodes are coloured by top-level class and sized by `sizes` (default: degree); extracted facts
    are edges coloured by predicate, reference facts thin grey ones; symmetric predicates have no
    arrow. `drawn` names the nodes shown at first (default all), the rest wait for a double-click;
    hub nodes carry their class in `hub` and are drawn only while the page's hub switch is on (`hubs`
    sets it at first); every other node lists the hubs it links to in `at`. `focus` is selected and
    centred when the page opens. A node attribute `beyond` (`build_view`) counts the neighbours the page
    leaves out. `deals` are the deal records listed in their parties' details; with `deal_network` the
    edges are those deals (`deal_view`): coloured by kind, as wide as their value, with a year each.
    Evidence names its document by its number in `documents` (`Citations`).
    """
    sizes = sizes if sizes is not None else centrality(graph, "degree")
    schema = load_schema()
    hub_of = {node: hub_class(data) for node, data in graph.nodes(data=True)}
    if physics is None:
        physics = uses_physics(len(first_drawn(graph, drawn, focus, hubs)))
    positions = {} if physics else static_layout(graph)
    lonely = _lonely(graph, hub_of) - {focus}
    degree = dict.fromkeys(graph, 0)  # relations of each node, as graph.degree() counts them, from the raw adjacency
    for s, linked in graph.adjacency():
        for o, keys in linked.items():
            degree[s] += len(keys)
            degree[o] += len(keys)
    at: dict[str, list[str]] = {node: [] for node in graph}
    facets: dict[str, dict[str, int]] = {}
    for hub in (h for h, c in hub_of.items() if c):
        for node in dict.fromkeys(nx.all_neighbors(graph, hub)):
            if not hub_of[node]:
                at[node].append(hub)
                facets.setdefault(hub_of[hub], {})[hub] = facets.get(hub_of[hub], {}).get(hub, 0) + 1
    nodes = []
    for node, data in graph.nodes(data=True):
        item = {
            "id": node,
            "label": data["label"],
            "type": data["type"],
            "cls": data["cls"],
            "aliases": list(data["aliases"]),
            "relations": degree[node],
            "value": sizes.get(node, 0.0),
            "color": schema.colour(data["type"]) or schema.colour("Entity"),
            "shown": drawn is None or node in drawn,
        }
        if hub_of[node]:
            item["hub"] = hub_of[node]
        if node in lonely:
            item["lonely"] = True
        if at[node]:
            item["at"] = at[node]
        if data.get("beyond"):
            item["beyond"] = data["beyond"]
        if node in positions:
            item["x"], item["y"] = positions[node]
        nodes.append(item)
    citations = Citations()
    by_iri = {deal.iri: deal for deal in deals} if deal_network else {}
    largest = max((deal.usd or 0.0 for deal in by_iri.values()), default=0.0)
    edges = []
    relations = ((s, o, key, data) for s, linked in graph.adjacency() for o, keys in linked.items() for key, data in keys.items())
    for i, (s, o, key, data) in enumerate(relations):  # graph.edges(keys=True, data=True), without its views
        deal = by_iri.get(key)
        edge = {
            "id": i,
            "from": s,
            "to": o,
            "label": data["predicate"],
            "predicate": data["predicate"],
            "reference": data["reference"],
            "confidence": data["confidence"],
            "evidence": _evidence_json(data["evidence"], citations),
        }
        if deal:
            directed = next(d for a, b, d in deal.ends() if (a, b) == (s, o))
            edge.update(arrows="to" if directed else "", color=schema.colour(deal.kind) or OTHER_COLOUR,
                        width=_deal_width(deal.usd, largest), deal=_deal_json(deal, graph), year=deal.year)
        else:
            edge.update(
                arrows="" if data["predicate"] in SYMMETRIC_PREDICATES else "to",
                color=REFERENCE_COLOUR if data["reference"] else schema.colour(data["predicate"]) or OTHER_COLOUR,
                width=1 if data["reference"] else 2.5,
                **({"font": {"color": REFERENCE_LABEL_COLOUR}} if data["reference"] else {}),
            )
        edges.append(edge)
    order = {name: i for i, name in enumerate((*TOP_LEVEL_TYPES, "Entity"))}
    type_counts: dict[str, int] = {}
    for item in nodes:
        type_counts[item["type"]] = type_counts.get(item["type"], 0) + 1
    predicate_counts: dict[str, int] = {}
    for item in edges:
        predicate_counts[item["predicate"]] = predicate_counts.get(item["predicate"], 0) + 1
    records = [{**_deal_json(deal, graph), "evidence": _evidence_json(deal.evidence[:2], citations)} for deal in deals]
    years = sorted({e["year"] for e in edges if e.get("year")})
    return {
        "nodes": nodes,
        "edges": edges,
        "types": [
            {"name": t, "color": schema.colour(t) or schema.colour("Entity"), "count": n}
            for t, n in sorted(type_counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
        ],
        "predicates": [
            {"name": p, "color": schema.colour(p) or OTHER_COLOUR, "count": n, "symmetric": p in SYMMETRIC_PREDICATES}
            for p, n in sorted(predicate_counts.items(), key=lambda item: (-item[1], item[0]))
        ],
        "facets": [
            {"name": name, "values": [{"id": h, "label": graph.nodes[h]["label"], "count": n}
                                      for h, n in sorted(facets[name].items(), key=lambda item: (-item[1], graph.nodes[item[0]]["label"]))]}
            for name in HUB_CLASSES if name in facets
        ],
        "documents": citations.records(),
        "referenceColor": REFERENCE_COLOUR,
        "physics": physics,
        "expandable": drawn is not None,
        "focus": focus,
        "hubs": hubs,
        "deals": deal_network,
        "dealRecords": records,
        "years": [years[0], years[-1]] if years else None,
    }


PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>@@title@@</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>@@css@@</style>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; display: flex; height: 100vh; color: #222; }
#side { width: 250px; flex: none; overflow-y: auto; padding: 10px 12px; border-right: 1px solid #ddd; box-sizing: border-box; }
#info { width: 360px; flex: none; overflow-y: auto; padding: 10px 12px; border-left: 1px solid #ddd; box-sizing: border-box; }
@media (max-width: 1100px) { #info { width: 280px; } #side { width: 210px; } }
h1 { font-size: 15px; margin: 0 0 4px; }
h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #666; margin: 14px 0 4px; }
#info h2:first-child { margin-top: 0; }
#side label { display: flex; align-items: center; gap: 6px; cursor: pointer; }
#side .count { margin-left: auto; color: #888; font-variant-numeric: tabular-nums; }
#side select { width: 100%; margin: 2px 0; }
#status { color: #555; min-height: 2.6em; }
#search { width: 100%; box-sizing: border-box; padding: 4px 6px; }
#confidence, #year { width: 100%; }
#export button { margin-right: 6px; }
.dot { width: 11px; height: 11px; border-radius: 50%; flex: none; }
.line { width: 22px; flex: none; }
#main { flex: 1; position: relative; min-width: 0; }
#network { position: absolute; inset: 0; }
#tooltip { position: absolute; display: none; max-width: 420px; background: #fff; border: 1px solid #bbb; border-radius: 4px;
           padding: 6px 8px; box-shadow: 0 2px 6px rgba(0,0,0,.15); pointer-events: none; z-index: 10; }
.details strong { display: block; }
.details .muted, .details .source { color: #666; }
.details .source { overflow-wrap: anywhere; }
.details .iri { color: #888; font-size: 11px; word-break: break-all; }
.details blockquote { margin: 4px 0 2px; padding-left: 8px; border-left: 3px solid #ccc; }
.fact { margin: 8px 0; padding-top: 6px; border-top: 1px solid #eee; }
.fact button { border: none; background: none; padding: 0; color: #1565c0; cursor: pointer; font: inherit; text-align: left; }
.fact .predicate { font-weight: 600; }
</style>
<script>@@js@@</script></head>
<body>
<div id="side">
  <h1>@@title@@</h1>
  <div id="status"></div>
  <h2>Find</h2>
  <input id="search" type="search" list="search-options" placeholder="entity name or alias, then Enter" autocomplete="off">
  <datalist id="search-options"></datalist>
  <div id="hub-box"><h2>Hubs</h2>
  <label><input id="hubs" type="checkbox"><span>draw countries, regions, agencies, modalities and technologies as nodes</span></label>
  <div id="facets"></div></div>
  <div id="year-box" hidden><h2>Deals up to <span id="year-value"></span></h2>
  <input id="year" type="range" step="1">
  <label><input id="undated" type="checkbox" checked><span>deals without a date</span></label></div>
  <div id="confidence-box"><h2>Minimum confidence <span id="confidence-value">0.00</span></h2>
  <input id="confidence" type="range" min="0" max="1" step="0.05" value="0"></div>
  <h2>Classes</h2><div id="types"></div>
  <h2 id="predicates-title">Relations</h2><div id="predicates"></div>
  <h2>Facts</h2><div id="facts"></div>
  <h2>Export</h2><div id="export"><button id="export-png" type="button">PNG</button><button id="export-svg" type="button">SVG</button></div>
</div>
<div id="main"><div id="network"></div><div id="tooltip" class="details"></div></div>
<div id="info"><h2>Details</h2><div id="details" class="details"></div></div>
<script>
"use strict";
const data = @@payload@@;
const LABEL_PX = 14, HIDDEN_PX = 7, LABEL_THRESHOLD = 9, LABEL_AREA = 18000, TIERS = 10;
const byId = new Map(data.nodes.map(n => [n.id, n]));
const shown = new Set(data.nodes.filter(n => n.shown).map(n => n.id));
const typeOn = new Set(data.types.map(t => t.name));
const predicateOn = new Set(data.predicates.map(p => p.name));
const neighbours = new Map(data.nodes.map(n => [n.id, new Set()]));
const incident = new Map(data.nodes.map(n => [n.id, []]));
for (const e of data.edges) {
  neighbours.get(e.from).add(e.to); neighbours.get(e.to).add(e.from);
  incident.get(e.from).push(e); if (e.to !== e.from) incident.get(e.to).push(e);
}
const dealsOf = new Map();
for (const deal of data.dealRecords) for (const p of deal.parties) (dealsOf.get(p.id) || dealsOf.set(p.id, []).get(p.id)).push(deal);
const facetChoice = new Map();
let minConfidence = 0, hubsOn = data.hubs, lastYear = data.years ? data.years[1] : null, undatedOn = true;
let detailed = null;  // the entity whose facts the details panel lists

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}
function facetOk(n) {
  for (const hub of facetChoice.values()) if (n.id !== hub && !(n.at || []).includes(hub)) return false;
  return true;
}
function allowed(id) {  // drawn once shown: not left out by the hub switch or a filter
  const n = byId.get(id);
  return typeOn.has(n.type) && (hubsOn || !(n.hub || n.lonely) || id === data.focus) && facetOk(n);
}
function visible(id) { return shown.has(id) && allowed(id); }
function strong(e) { return e.reference || e.confidence === null || e.confidence >= minConfidence - 1e-9; }
function inYears(e) { return !data.years || (e.year ? e.year <= lastYear : undatedOn); }

// labels: the most important visible entities (by size) are labelled at the opening zoom, the rest appear as one zooms in
let baseScale = 1;
const lowest = Math.min(...data.nodes.map(n => n.value)), valueSpan = Math.max(...data.nodes.map(n => n.value)) - lowest;
function labelBudget() { const box = document.getElementById("network"); return Math.max(8, Math.round(box.clientWidth * box.clientHeight / LABEL_AREA)); }
function labelTiers(ids, place) {
  // tier 0, labelled at the opening zoom: every entity of a small page; in a larger one the focus, then the largest,
  // skipping a label that would overlap one already chosen; tier k > 0: the next budget * 2^k by size, whose labels appear as one zooms in, k by k
  const ranked = [...ids].sort((a, b) => (b === data.focus) - (a === data.focus) || byId.get(b).value - byId.get(a).value
    || (a < b ? -1 : a > b ? 1 : 0));
  const budget = labelBudget(), boxes = [], tiers = new Map();
  for (const id of ranked.slice(0, budget * 20)) {
    if (boxes.length >= budget) break;
    const p = place(id);
    if (!p) continue;
    const radius = 8 + 32 * (valueSpan ? (byId.get(id).value - lowest) / valueSpan : 0.5);  // vis-network's linear scaling, min 8, max 40
    const width = byId.get(id).label.length * LABEL_PX * 0.55, x = p.x * baseScale, y = (p.y + radius) * baseScale + LABEL_PX * 0.7;
    const box = [x - width / 2, y - LABEL_PX * 0.6, x + width / 2, y + LABEL_PX * 0.6];
    if (ranked.length > budget && boxes.some(b => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
    boxes.push(box); tiers.set(id, 0);
  }
  ranked.forEach((id, rank) => { if (!tiers.has(id)) tiers.set(id, Math.min(TIERS, Math.max(1, Math.ceil(Math.log2((rank + 1) / budget))))); });
  return tiers;
}
function tierGroups() {  // one vis-network group per tier: a font size per group is far cheaper than one per node
  const groups = { t0: { font: { size: LABEL_PX / baseScale } } };
  for (let k = 1; k <= TIERS; k++) groups[`t${k}`] = { font: { size: HIDDEN_PX * Math.pow(0.5, (k - 1) / 2) / baseScale } };
  return groups;
}
let middle = { x: 0, y: 0 };
function estimatedScale(placed, largest) {  // the scale that fits these positions into the canvas, and their middle
  const box = document.getElementById("network");
  if (!placed.length) return 1;
  let [left, right, top, bottom] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const n of placed) { left = Math.min(left, n.x); right = Math.max(right, n.x); top = Math.min(top, n.y); bottom = Math.max(bottom, n.y); }
  middle = { x: (left + right) / 2, y: (top + bottom) / 2 };
  return Math.min(0.95 * box.clientWidth / (right - left + 160), 0.95 * box.clientHeight / (bottom - top + 160), largest);
}
if (!data.physics) {
  baseScale = estimatedScale(data.nodes.filter(n => visible(n.id) && n.x !== undefined), 1);
  const tiers = labelTiers(data.nodes.filter(n => visible(n.id)).map(n => n.id), id => byId.get(id));
  for (const n of data.nodes) n.group = `t${tiers.has(n.id) ? tiers.get(n.id) : TIERS}`;
}
if (data.physics && data.focus !== null) Object.assign(byId.get(data.focus), { x: 0, y: 0, fixed: true });

const nodes = new vis.DataSet(data.nodes);
const edges = new vis.DataSet(data.edges);
const nodeView = new vis.DataView(nodes, { filter: n => visible(n.id) });
const edgeView = new vis.DataView(edges, {
  filter: e => predicateOn.has(e.predicate) && visible(e.from) && visible(e.to) && strong(e) && inYears(e) });
const physicsOptions = { solver: "forceAtlas2Based", forceAtlas2Based: { springLength: 110, avoidOverlap: 0.6 },
                         stabilization: { iterations: 300, updateInterval: 50, fit: false } };
const network = new vis.Network(document.getElementById("network"), { nodes: nodeView, edges: edgeView }, {
  nodes: { shape: "dot", scaling: { min: 8, max: 40, label: { enabled: false, drawThreshold: LABEL_THRESHOLD, maxVisible: 18 } },
           font: { size: LABEL_PX, strokeWidth: 3, strokeColor: "#ffffff" } },
  edges: { font: { size: 9, align: "middle", color: "#555", strokeWidth: 3 }, smooth: data.physics ? { type: "continuous" } : false,
           arrowStrikethrough: false, scaling: { label: { drawThreshold: LABEL_THRESHOLD, maxVisible: 12 } } },
  physics: data.physics ? physicsOptions : false,
  groups: tierGroups(),
  layout: { improvedLayout: data.physics && data.nodes.length <= 300, randomSeed: 7 },
  interaction: { hover: true, tooltipDelay: 100, hideEdgesOnDrag: !data.physics, hideEdgesOnZoom: !data.physics },
});
window.kgNetwork = network;

function relabel() {
  const ids = nodeView.getIds(), at = network.getPositions(ids);
  const changed = [...labelTiers(ids, id => at[id])].filter(([id, tier]) => byId.get(id).group !== `t${tier}`);
  for (const [id, tier] of changed) byId.get(id).group = `t${tier}`;
  nodes.update(changed.map(([id, tier]) => ({ id, group: `t${tier}` })));
}
function centre() {  // the focus entity in the middle, everything drawn in sight, at the scale the labels were sized for
  const focused = data.focus !== null && visible(data.focus);
  network.moveTo({ position: focused ? network.getPosition(data.focus) : middle,
                   scale: baseScale, animation: false });
}
// the browser's physics runs only until the layout is stable, then the drawing stays still; the first drawing
// after that centres the view (vis-network may still move it while stabilising) and sizes the labels for it
let settled = !data.physics, centred = !data.physics;
network.on("stabilizationIterationsDone", () => {
  network.setOptions({ physics: false });
  if (!settled && data.focus !== null) nodes.update({ id: data.focus, fixed: false });
  settled = true;
});
if (!data.physics) centre();
network.on("afterDrawing", () => {
  if (!settled || window.kgStableAt !== undefined) return;
  if (!centred) {  // setting the groups may move the view: centre last
    centred = true;
    const ids = nodeView.getIds(), at = network.getPositions(ids), f = at[data.focus];
    const points = ids.map(id => at[id]);  // with a focus in the middle, what lies on one side needs room on the other too
    baseScale = estimatedScale(f ? [...points, ...points.map(p => ({ x: 2 * f.x - p.x, y: 2 * f.y - p.y }))] : points, 1.6);
    network.setOptions({ groups: tierGroups() });
    relabel();
    centre();
    return;
  }
  window.kgStableAt = performance.now();
  document.body.dataset.state = "ready";
});

const status = document.getElementById("status");
function say(message) {
  status.replaceChildren(el("div", `${nodeView.length} of ${data.nodes.length} entities, ${edgeView.length} of ${data.edges.length} ${data.deals ? "deal links" : "facts"} drawn`));
  if (message) status.append(el("div", message));
}
function refresh(message) {
  nodeView.refresh(); edgeView.refresh(); relabel(); say(message);
  const hint = details.querySelector(".expansion");  // what a double-click adds changes with what is drawn
  if (hint && detailed !== null) hint.textContent = expansionHint(byId.get(detailed));
}

function money(usd) {
  return usd >= 1e9 ? `USD ${(usd / 1e9).toFixed(usd >= 1e10 ? 0 : 1)} billion` : usd >= 1e6 ? `USD ${Math.round(usd / 1e6)} million` : `USD ${Math.round(usd)}`;
}
function sourceLine(ev) {  // the title and where the document came from, relative to its folder; the full path on hover
  const doc = data.documents[ev.doc];
  const where = doc.source && doc.source !== doc.title ? `${doc.title} (${doc.source})` : doc.title;
  const line = el("div", ev.confidence === null ? where : `${where}, confidence ${ev.confidence.toFixed(2)}`, "source");
  if (doc.path) line.title = doc.path;
  return line;
}
function evidenceLines(box, e, limit) {
  for (const ev of e.evidence.slice(0, limit)) box.append(el("blockquote", ev.text), sourceLine(ev));
  if (e.evidence.length > limit) box.append(el("div", `and ${e.evidence.length - limit} more sentence${e.evidence.length - limit === 1 ? "" : "s"}`, "muted"));
}
function dealLines(box, deal) {
  box.append(el("div", deal.parties.map(p => `${p.label} (${p.role})`).join(", ")));
  const facts = [deal.usd ? money(deal.usd) : "value not stated", deal.date || "date not stated", deal.status].filter(Boolean);
  box.append(el("div", facts.join(" \u00b7 "), "muted"));
}
function kindLine(e) {
  return e.deal ? `${e.deal.kind} deal` : e.reference ? "reference fact (vocabulary)"
    : e.confidence === null ? "fact (no evidence stored)" : `extracted fact, confidence ${e.confidence.toFixed(2)}`;
}
function select(id) {
  if (!shown.has(id)) { shown.add(id); refresh(`added ${byId.get(id).label}`); }
  if (byId.get(id).hub && !hubsOn) setHubs(true);
  network.selectNodes([id]);
  network.focus(id, { scale: Math.max(network.getScale(), baseScale), animation: { duration: 300 } });
  showDetails(nodeDetails(byId.get(id), true), id);
}
function factRow(n, e) {
  const other = byId.get(e.from === n.id ? e.to : e.from);
  const row = el("div", undefined, "fact");
  const head = el("div");
  const link = el("button", other.label);
  link.type = "button";
  link.addEventListener("click", () => select(other.id));
  const arrow = e.arrows === "to" ? (e.from === n.id ? "\u2192" : "\u2190") : "\u2014";
  head.append(el("span", `${e.predicate} ${arrow} `, "predicate"), link);
  row.append(head, el("div", kindLine(e), "muted"));
  if (e.deal) dealLines(row, e.deal);
  evidenceLines(row, e, 2);
  return row;
}
function nodeDetails(n, full) {
  const box = el("div");
  box.append(el("strong", n.label), el("div", n.cls !== n.type ? `${n.type} (${n.cls})` : n.type, "muted"));
  if (n.aliases.length) box.append(el("div", `also called: ${n.aliases.join("; ")}`));
  if (n.at && n.at.length) {
    for (const facet of data.facets) {
      const names = n.at.filter(h => byId.get(h).hub === facet.name).map(h => byId.get(h).label);
      if (names.length) box.append(el("div", `${facet.name}: ${names.join(", ")}`));
    }
  }
  const facts = incident.get(n.id);
  box.append(el("div", `${facts.length} ${data.deals ? "deal link" : "fact"}${facts.length === 1 ? "" : "s"} in this page`, "muted"), el("div", n.id, "iri"));
  if (data.expandable) box.append(el("div", expansionHint(n), "muted expansion"));
  if (full && !data.deals && dealsOf.has(n.id)) {
    box.append(el("h2", "Deals"));
    for (const deal of dealsOf.get(n.id)) {
      const row = el("div", undefined, "fact");
      row.append(el("div", `${deal.kind}${deal.date ? `, ${deal.date}` : ""}`, "predicate"));
      dealLines(row, deal);
      evidenceLines(row, deal, 1);
      box.append(row);
    }
    box.append(el("h2", "Facts"));
  }
  if (full) {
    const ordered = [...facts].sort((a, b) => (a.reference - b.reference) || (b.evidence.length - a.evidence.length));
    for (const e of ordered.slice(0, 80)) box.append(factRow(n, e));
    if (ordered.length > 80) box.append(el("div", `and ${ordered.length - 80} more`, "muted"));
  }
  return box;
}
function edgeDetails(e) {
  const box = el("div");
  box.append(el("strong", `${byId.get(e.from).label} \u2014 ${e.predicate} \u2192 ${byId.get(e.to).label}`));
  box.append(el("div", kindLine(e), "muted"));
  if (e.deal) dealLines(box, e.deal);
  evidenceLines(box, e, 3);
  return box;
}

const main = document.getElementById("main");
const tooltip = document.getElementById("tooltip");
let pointer = null, tooltipCheck;  // where the pointer is over the canvas; null while it is elsewhere
function overNothing() { return pointer === null || (network.getNodeAt(pointer) ?? network.getEdgeAt(pointer)) === undefined; }
function showTooltip(content, at) {
  tooltip.replaceChildren(content);
  tooltip.style.display = "block";
  const x = Math.min(at.x + 14, main.clientWidth - tooltip.offsetWidth - 4);
  const y = Math.min(at.y + 14, main.clientHeight - tooltip.offsetHeight - 4);
  tooltip.style.left = `${Math.max(0, x)}px`; tooltip.style.top = `${Math.max(0, y)}px`;
  // vis-network may report a hover after the pointer has left (its move events lag behind ours): look again shortly
  clearTimeout(tooltipCheck);
  tooltipCheck = setTimeout(() => { if (overNothing()) hideTooltip(); }, 150);
}
function hideTooltip() { tooltip.style.display = "none"; }
network.on("hoverNode", p => showTooltip(nodeDetails(byId.get(p.node), false), p.pointer.DOM));
network.on("hoverEdge", p => showTooltip(edgeDetails(edges.get(p.edge)), p.pointer.DOM));
for (const name of ["blurNode", "blurEdge", "dragStart", "zoom", "click"]) network.on(name, hideTooltip);
main.addEventListener("mouseleave", () => { pointer = null; hideTooltip(); });
main.addEventListener("pointermove", event => {  // vis-network says nothing when the pointer moves from a node to empty canvas quickly
  if (event.target.tagName !== "CANVAS") return;
  pointer = { x: event.offsetX, y: event.offsetY };
  if (overNothing()) hideTooltip();
});

const details = document.getElementById("details");
const detailsHint = "Click an entity to list its facts with their evidence, or a fact to read its sentences.";
details.replaceChildren(el("div", detailsHint, "muted"));
network.on("click", p => p.nodes.length ? showDetails(nodeDetails(byId.get(p.nodes[0]), true), p.nodes[0])
  : showDetails(p.edges.length ? edgeDetails(edges.get(p.edges[0])) : el("div", detailsHint, "muted"), null));

// what a double-click on an entity adds, and why its other neighbours stay undrawn: the hint and the double-click both
// read it, so the hint never promises what the double-click does not do
function plural(count, word) { return `${count} ${word}${count === 1 ? "" : "s"}`; }
function expansion(n) {
  const hidden = [...neighbours.get(n.id)].filter(m => !visible(m));
  const add = hidden.filter(m => !shown.has(m) && allowed(m));
  const hubs = hidden.filter(m => !hubsOn && byId.get(m).hub);
  const filtered = hidden.length - add.length - hubs.length;
  const rest = [];
  if (hubs.length) {
    const names = hubs.slice(0, 3).map(m => byId.get(m).label).join(", ") + (hubs.length > 3 ? ", ..." : "");
    rest.push(`${hubs.length === 1 ? `${names} is a hub` : `${hubs.length} are hubs (${names})`}, drawn when the hubs switch is on`);
  }
  if (filtered) rest.push(`${filtered} ${filtered === 1 ? "is" : "are"} hidden by the filters`);
  if (n.beyond) rest.push(`${n.beyond} more ${n.beyond === 1 ? "lies" : "lie"} beyond this page (kg viz --focus "${n.label}" draws ${n.beyond === 1 ? "it" : "them"})`);
  return { add, rest: rest.length ? `${add.length ? "of the others, " : ""}${rest.join("; ")}` : "" };
}
function expansionHint(n) {
  const { add, rest } = expansion(n);
  const first = add.length ? `double-click to add ${add.length === 1 ? "its neighbour" : `its ${add.length} neighbours`}`
    : rest ? "nothing to add by double-click" : "nothing more to add: every neighbour is drawn";
  return rest ? `${first}; ${rest}` : first;
}
function showDetails(content, id) { detailed = id; details.replaceChildren(content); }
function showAround(id, added) {  // shown in a ring around an entity drawn (unless the page has their positions)
  const origin = network.getPosition(id);
  added.forEach((m, i) => {
    shown.add(m);
    const angle = 2 * Math.PI * i / added.length;
    if (data.physics || byId.get(m).x === undefined) nodes.update({ id: m, x: origin.x + 120 * Math.cos(angle), y: origin.y + 120 * Math.sin(angle) });
  });
}
function settle() { network.setOptions({ physics: physicsOptions }); network.stabilize(150); }  // the browser's physics, until stable
function expand(id) {
  const n = byId.get(id);
  const { add: added, rest } = expansion(n);
  showAround(id, added);
  const message = added.length ? `added ${plural(added.length, "neighbour")} of ${n.label}` : `nothing to add to ${n.label}`;
  refresh(rest ? `${message}; ${rest}` : added.length ? message : `${message}: every neighbour is drawn`);
  if (data.physics && added.length) settle();
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
if (data.deals) {
  document.getElementById("predicates-title").textContent = "Deal kinds";
  facts.append(el("div", "One line per deal and pair of parties, coloured by kind, as wide as the deal's value in US dollars (thin: value not stated); arrows from acquirer, investor, licensor or supplier.", "muted"));
  document.getElementById("confidence-box").hidden = true;
} else {
  const extractedRow = el("label");
  extractedRow.append(swatch("line", { borderTop: "3px solid #1565c0" }), el("span", "extracted from an article: solid, coloured by relation"));
  const referenceRow = el("label");
  referenceRow.append(swatch("line", { borderTop: `2px solid ${data.referenceColor}` }), el("span", "reference fact from the vocabulary: thin grey"));
  facts.append(extractedRow, referenceRow);
}
if (data.expandable) facts.append(el("div", "Double-click an entity to add its neighbours.", "muted"));

const hubBox = document.getElementById("hubs");
function setHubs(on) {  // on: the hubs of the entities drawn are drawn with them (in a focus view they wait to be shown)
  hubsOn = on; hubBox.checked = on;
  const waiting = new Map();  // entity drawn -> the hubs it brings, each hub beside the first entity linked to it
  if (on) {
    for (const id of nodeView.getIds()) for (const hub of byId.get(id).at || []) {
      if (!shown.has(hub) && ![...waiting.values()].some(hubs => hubs.includes(hub))) (waiting.get(id) || waiting.set(id, []).get(id)).push(hub);
    }
    waiting.forEach((hubs, id) => showAround(id, hubs));
  }
  refresh(on ? "hubs drawn as nodes" : "hubs shown as attributes");
  if (data.physics && waiting.size) settle();
}
hubBox.checked = hubsOn;
hubBox.addEventListener("change", () => setHubs(hubBox.checked));
if (!data.nodes.some(n => n.hub)) document.getElementById("hub-box").hidden = true;
const facetBox = document.getElementById("facets");
for (const facet of data.facets) {
  const choice = el("select");
  choice.dataset.name = facet.name;
  const any = el("option", `any ${facet.name}`); any.value = "";
  choice.append(any, ...facet.values.map(v => { const o = el("option", `${v.label} (${v.count})`); o.value = v.id; return o; }));
  choice.addEventListener("change", () => { choice.value ? facetChoice.set(facet.name, choice.value) : facetChoice.delete(facet.name); refresh(); });
  facetBox.append(choice);
}

if (data.years) {
  document.getElementById("year-box").hidden = false;
  const year = document.getElementById("year");
  Object.assign(year, { min: data.years[0], max: data.years[1], value: data.years[1] });
  const yearValue = document.getElementById("year-value");
  yearValue.textContent = data.years[1];
  year.addEventListener("input", () => { lastYear = Number(year.value); yearValue.textContent = year.value; refresh(); });
  const undated = document.getElementById("undated");
  undated.addEventListener("change", () => { undatedOn = undated.checked; refresh(); });
}

const slider = document.getElementById("confidence");
slider.addEventListener("input", () => {
  minConfidence = Number(slider.value);
  document.getElementById("confidence-value").textContent = minConfidence.toFixed(2);
  refresh();
});

// export: the canvas as PNG on white; an SVG drawn from the positions of what is visible
function exportPng() {
  const canvas = document.querySelector("#network canvas");
  const copy = document.createElement("canvas");
  copy.width = canvas.width; copy.height = canvas.height;
  const context = copy.getContext("2d");
  context.fillStyle = "#ffffff"; context.fillRect(0, 0, copy.width, copy.height);
  context.drawImage(canvas, 0, 0);
  return copy.toDataURL("image/png");
}
function exportSvg() {
  const ns = "http://www.w3.org/2000/svg";
  const doc = document.implementation.createDocument(ns, "svg", null);
  const svg = doc.documentElement;
  const ids = nodeView.getIds();
  const at = network.getPositions(ids);
  const size = id => network.body.nodes[id] ? network.body.nodes[id].options.size : 10;
  const xs = ids.map(id => at[id].x), ys = ids.map(id => at[id].y);
  const pad = 60, left = Math.min(...xs, 0) - pad, top = Math.min(...ys, 0) - pad;
  svg.setAttribute("viewBox", `${left} ${top} ${Math.max(...xs, 0) - left + pad} ${Math.max(...ys, 0) - top + pad}`);
  svg.setAttribute("font-family", "sans-serif");
  const add = (parent, tag, attributes, text) => {
    const item = doc.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attributes)) item.setAttribute(name, String(value));
    if (text !== undefined) item.textContent = text;
    parent.append(item);
    return item;
  };
  const lines = add(svg, "g", { "stroke-linecap": "round" });
  for (const e of edgeView.get()) {
    const a = at[e.from], b = at[e.to];
    if (a && b) add(lines, "line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: e.color, "stroke-width": e.width, "stroke-opacity": 0.8 });
  }
  const dots = add(svg, "g", { stroke: "#ffffff", "stroke-width": 1 });
  for (const id of ids) add(dots, "circle", { cx: at[id].x, cy: at[id].y, r: size(id), fill: byId.get(id).color });
  const labels = add(svg, "g", { "text-anchor": "middle", fill: "#222", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" });
  labelTiers(ids, id => at[id]).forEach((tier, id) => {
    if (tier === 0 || ids.length <= 200) add(labels, "text", { x: at[id].x, y: at[id].y + size(id) + LABEL_PX / baseScale, "font-size": LABEL_PX / baseScale }, byId.get(id).label);
  });
  return new XMLSerializer().serializeToString(doc);
}
function download(name, url) {
  const link = el("a");
  link.href = url; link.download = name;
  document.body.append(link); link.click(); link.remove();
}
window.kgExport = { png: exportPng, svg: exportSvg };
document.getElementById("export-png").addEventListener("click", () => download("cgt-kg.png", exportPng()));
document.getElementById("export-svg").addEventListener("click", () => {
  const url = URL.createObjectURL(new Blob([exportSvg()], { type: "image/svg+xml" }));
  download("cgt-kg.svg", url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
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
  select(id);
  say(`found ${n.label}`);
}
search.addEventListener("keydown", event => { if (event.key === "Enter") focusEntity(search.value); });
search.addEventListener("change", () => focusEntity(search.value));
if (data.focus !== null) { network.selectNodes([data.focus]); showDetails(nodeDetails(byId.get(data.focus), true), data.focus); }
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
    hubs: bool = False,
    deals: tuple[Deal, ...] = (),
    deal_network: bool = False,
) -> Path:
    """Write a self-contained HTML page drawing the graph (every asset inline, every text escaped)."""
    payload = network_payload(graph, drawn=drawn, sizes=sizes, physics=physics, focus=focus, hubs=hubs, deals=deals,
                              deal_network=deal_network)
    page = render_page(payload, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
