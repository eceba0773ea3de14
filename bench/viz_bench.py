"""How long the network page takes to generate and to settle in a browser, at 500, 5,000 and 20,000 nodes.

    cd bench && ../.venv/bin/python viz_bench.py        # run by `make bench`

Synthetic graphs shaped like the entity graph (scale-free with clusters, classes and predicates at
random, one fact in five a reference fact, the others with an evidence sentence) go through
`kg.viz.write_network_page`; headless Chromium (bench/screenshots.py) opens each page and reports
when the layout is stable (`window.kgStableAt`, milliseconds since navigation). A second table
forces the browser's physics at growing sizes: it is what `PHYSICS_NODE_LIMIT` was chosen from.
The numbers go into bench/results.md under "## Network page".
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
from pathlib import Path

import networkx as nx
from playwright.sync_api import TimeoutError as BrowserTimeout

from kg.analytics import HUB_CLASSES
from kg.graph import GRAPH_PREDICATES, Evidence
from kg.model import TOP_LEVEL_TYPES
from kg.namespaces import document_iri, mint_entity
from kg.viz import PHYSICS_NODE_LIMIT, static_layout, write_network_page

from results import record
from screenshots import chromium, open_page

SIZES = (500, 5_000, 20_000)
PHYSICS_SIZES = (500, 1_000, 1_500, 2_000, 3_000, 5_000)
BROWSER_TIMEOUT_S = 300
CLASSES = tuple(name for name in TOP_LEVEL_TYPES if name not in HUB_CLASSES)


def synthetic_graph(nodes: int, seed: int = 1) -> nx.MultiDiGraph:
    """An entity graph of `nodes` nodes (about two edges per node) with the attributes `kg.graph.entity_graph` gives;
    no hub classes (`kg.analytics.HUB_CLASSES`), so that every node is drawn and laid out."""
    rng = random.Random(seed)
    skeleton = nx.powerlaw_cluster_graph(nodes, 2, 0.3, seed=seed)
    iri = {n: str(mint_entity(f"entity {n}")) for n in skeleton}
    document = str(document_iri(hashlib.sha256(b"synthetic").hexdigest()))
    graph = nx.MultiDiGraph()
    for n in skeleton:
        kind = rng.choice(CLASSES)
        graph.add_node(iri[n], label=f"Entity {n}", type=kind, cls=kind, aliases=(f"E{n}",))
    for a, b in skeleton.edges():
        predicate = rng.choice(GRAPH_PREDICATES)
        reference = rng.random() < 0.2
        confidence = None if reference else round(rng.uniform(0.5, 0.95), 2)
        evidence = () if reference else (
            Evidence(f"Entity {a} {predicate} Entity {b}, says a sentence of about the usual length of an article's.",
                     confidence, document, "Synthetic article", "synthetic.md"),
        )
        graph.add_edge(iri[a], iri[b], key=(predicate, "reference" if reference else "extracted"), predicate=predicate,
                       reference=reference, evidence=evidence, confidence=confidence)
    return graph


def layout_seconds(graph: nx.MultiDiGraph) -> float:
    """Seconds the precomputed layout alone takes (a part of the page's generation)."""
    start = time.perf_counter()
    static_layout(graph)
    return time.perf_counter() - start


def measure(browser, graph: nx.MultiDiGraph, page_file: Path, physics: bool | None) -> tuple[float, float | None, float]:
    """Seconds to write the page, seconds until the browser's layout is stable (None past the timeout), MB written."""
    start = time.perf_counter()
    write_network_page(graph, page_file, "benchmark", physics=physics)
    generated = time.perf_counter() - start
    try:
        with open_page(browser, page_file, timeout_s=BROWSER_TIMEOUT_S) as page:
            stable = page.evaluate("window.kgStableAt") / 1000
    except BrowserTimeout:
        print(f"  {graph.number_of_nodes()} nodes: no stable layout within {BROWSER_TIMEOUT_S} s")
        stable = None
    return generated, stable, page_file.stat().st_size / 1e6


def seconds(value: float | None) -> str:
    return f"> {BROWSER_TIMEOUT_S}" if value is None else f"{value:.1f}"


def main() -> None:
    rows, physics_rows = [], []
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        for nodes in SIZES:
            graph = synthetic_graph(nodes)
            generated, stable, size = measure(browser, graph, Path(folder) / f"page-{nodes}.html", physics=None)
            precomputed = nodes > PHYSICS_NODE_LIMIT
            mode = "positions precomputed, physics off" if precomputed else "physics in the browser"
            layout = f"{layout_seconds(graph):.2f}" if precomputed else "-"
            rows.append(f"| {nodes:,} | {graph.number_of_edges():,} | {mode} | {generated:.2f} | {layout} | {seconds(stable)} | {size:.1f} |")
            print(rows[-1], flush=True)
        for nodes in PHYSICS_SIZES:
            graph = synthetic_graph(nodes)
            _, with_physics, _ = measure(browser, graph, Path(folder) / f"physics-{nodes}.html", physics=True)
            generated, without, _ = measure(browser, graph, Path(folder) / f"static-{nodes}.html", physics=False)
            physics_rows.append(f"| {nodes:,} | {seconds(with_physics)} | {generated:.2f} | {seconds(without)} |")
            print(physics_rows[-1], flush=True)
    table = "\n".join([
        "Synthetic graphs of about two edges per node. *Generation* is `write_network_page` (the graph is built in "
        "memory, the store is not involved), *of which layout* the precomputed positions alone (kg/layout.py); "
        "*browser* is headless Chromium's time from navigation until the page is drawn with a layout that no longer moves.",
        "",
        "| nodes | edges | layout | generation (s) | of which layout (s) | browser, to stable layout (s) | page (MB) |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"The node limit (`kg.viz.PHYSICS_NODE_LIMIT` = {PHYSICS_NODE_LIMIT:,}) comes from the same graphs drawn with the "
        "browser's physics forced on, against positions precomputed in Python:",
        "",
        "| nodes | physics in the browser, to stable layout (s) | precomputed: generation (s) | precomputed: browser (s) |",
        "| ---: | ---: | ---: | ---: |",
        *physics_rows,
    ])
    record("Network page", table, "bench/viz_bench.py, headless Chromium.")
    print("wrote bench/results.md")


if __name__ == "__main__":
    main()
