"""The network page: the entity graph drawn with vis-network (the library pyvis bundles), offline.

pyvis's own HTML loads scripts from CDNs and its `add_node`/`add_edge` are quadratic,
so we fill the vis.js node and edge lists ourselves and inline vis-network's
JavaScript and CSS from the copy that ships inside the pyvis package.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path

import networkx as nx
import pyvis

VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"

CLASS_COLOURS = {
    "Company": "#1f77b4", "Agency": "#d62728", "Regulation": "#ff7f0e", "Designation": "#ff7f0e",
    "Law": "#ff7f0e", "RegulatoryProcedure": "#ff7f0e", "Policy": "#ff7f0e", "Region": "#2ca02c",
    "Country": "#98df8a", "Therapy": "#9467bd", "TherapyModality": "#9467bd", "TherapyProduct": "#c5b0d5",
    "Technology": "#8c564b", "Disease": "#e377c2", "TherapeuticArea": "#e377c2", "EndUser": "#7f7f7f",
    "DeliveryMethod": "#bcbd22", "Person": "#17becf",
}


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
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def network_payload(graph: nx.MultiDiGraph) -> dict:
    """vis.js node and edge lists for the graph: colour by class, size by degree, arrows by direction."""
    degrees = dict(graph.degree())
    nodes = [
        {
            "id": node,
            "label": data["label"],
            "title": f"{data['label']} ({data['cls']})",
            "group": data["cls"],
            "color": CLASS_COLOURS.get(data["cls"], "#aaaaaa"),
            "value": degrees.get(node, 0),
        }
        for node, data in graph.nodes(data=True)
    ]
    edges = [
        {
            "from": s,
            "to": o,
            "label": data["predicate"],
            "arrows": "" if data["predicate"] == "collaboratesWith" else "to",
            "color": "#cccccc" if data["source"] == "reference" else "#444444",
            "width": 1 if data["source"] == "reference" else 2,
        }
        for s, o, data in graph.edges(data=True)
    ]
    return {"nodes": nodes, "edges": edges}


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{css}
body {{ font-family: system-ui, sans-serif; margin: 0; }} #network {{ width: 100%; height: 95vh; }}</style>
<script>{js}</script></head>
<body><h1 style="font-size:1.1em;margin:8px">{title}</h1><div id="network"></div>
<script>
const data = {payload};
new vis.Network(document.getElementById("network"),
  {{ nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) }},
  {{ nodes: {{ shape: "dot", scaling: {{ min: 6, max: 40 }} }}, edges: {{ font: {{ size: 9 }} }},
     physics: {{ stabilization: {{ iterations: 200 }} }} }});
</script></body></html>
"""


def write_network_page(graph: nx.MultiDiGraph, path: Path, title: str = "cgt-kg") -> Path:
    """Write a self-contained HTML page drawing the graph (every asset inline, every text escaped)."""
    page = PAGE.format(
        title=html.escape(title), css=vis_network_css(), js=vis_network_js(), payload=script_json(network_payload(graph))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
