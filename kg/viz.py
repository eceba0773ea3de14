"""The network page: the entity graph drawn with pyvis (vis.js)."""

from __future__ import annotations

import html
from pathlib import Path

import networkx as nx
from pyvis.network import Network

CLASS_COLOURS = {
    "Company": "#1f77b4", "Agency": "#d62728", "Regulation": "#ff7f0e", "Designation": "#ff7f0e",
    "Law": "#ff7f0e", "RegulatoryProcedure": "#ff7f0e", "Policy": "#ff7f0e", "Region": "#2ca02c",
    "Country": "#98df8a", "Therapy": "#9467bd", "TherapyModality": "#9467bd", "TherapyProduct": "#c5b0d5",
    "Technology": "#8c564b", "Disease": "#e377c2", "TherapeuticArea": "#e377c2", "EndUser": "#7f7f7f",
    "DeliveryMethod": "#bcbd22", "Person": "#17becf",
}


def write_network_page(graph: nx.MultiDiGraph, path: Path, title: str = "cgt-kg") -> Path:
    """Write an HTML page drawing the graph: nodes coloured by class, edges labelled by predicate."""
    network = Network(height="900px", width="100%", directed=True, cdn_resources="in_line", heading=html.escape(title))
    degrees = dict(graph.degree())
    for node, data in graph.nodes(data=True):
        network.add_node(
            node,
            label=html.escape(data["label"]),
            title=html.escape(f"{data['label']} ({data['cls']})"),
            color=CLASS_COLOURS.get(data["cls"], "#aaaaaa"),
            size=8 + 3 * min(degrees.get(node, 0), 10),
        )
    for s, o, data in graph.edges(data=True):
        reference = data["source"] == "reference"
        network.add_edge(
            s,
            o,
            label=data["predicate"],
            title=html.escape(data["predicate"]),
            color="#cccccc" if reference else "#444444",
            width=1 if reference else 2,
            arrows="" if data["predicate"] == "collaboratesWith" else "to",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(network.generate_html(), encoding="utf-8")
    return path
