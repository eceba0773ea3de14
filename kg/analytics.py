"""Network analytics over the entity graph: centrality, communities and the chain of relations between two entities.

Every measure works on the undirected projection (`undirected`): in this graph a direction is
grammar ("develops", "treats"), not endorsement, so a disease treated by ten therapies and a
company developing ten are equally central.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx
import numpy as np

from kg.errors import UserError
from kg.graph import Evidence
from kg.model import SYMMETRIC_PREDICATES

CENTRALITIES = ("degree", "pagerank", "betweenness")
SEED = 7
"""Fixed seed of the community detection, so the same graph always gives the same groups."""
HUB_CLASSES = ("Country", "Region", "Agency", "TherapyModality", "Technology")
"""Ontology classes whose entities link to hundreds of others (every US company is headquartered in the United
States, every AAV developer uses AAV vectors): in focus views, paths and rankings they are attributes of the
entities they link to, not nodes, unless asked for (`--hubs`)."""


@dataclass(frozen=True)
class Ranked:
    """One entity with its centrality score and number of relations."""

    iri: str
    label: str
    type: str
    score: float
    relations: int


@dataclass(frozen=True)
class Community:
    """A group of densely linked entities (by degree centrality, most connected first) and the predicates of the edges inside it."""

    members: tuple[Ranked, ...]
    predicates: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Hop:
    """One relation on a chain between two entities, as stored (it may point against the walk)."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    reference: bool
    evidence: tuple[Evidence, ...]


def has_class(data: dict, name: str) -> bool:
    """Whether a node's top-level or most specific class is `name` (any case)."""
    wanted = name.casefold()
    return wanted in (data["type"].casefold(), data["cls"].casefold())


def hub_class(data: dict) -> str | None:
    """The hub class (`HUB_CLASSES`) a node belongs to, None for an ordinary entity."""
    return data["cls"] if data["cls"] in HUB_CLASSES else data["type"] if data["type"] in HUB_CLASSES else None


def without_classes(graph: nx.MultiDiGraph, classes, keep=()) -> nx.MultiDiGraph:
    """A view of the graph without the entities of `classes`, except the nodes in `keep`."""
    if not classes:
        return graph
    kept = set(keep)
    return nx.subgraph_view(graph, filter_node=lambda n: n in kept or not any(has_class(graph.nodes[n], c) for c in classes))


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The entity graph as a simple undirected graph; `weight` counts the relations between two entities."""
    weights = Counter((s, o) if s < o else (o, s) for s, o in graph.edges() if s != o)
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_edges_from((a, b, {"weight": weight}) for (a, b), weight in weights.items())
    return simple


def pagerank(simple: nx.Graph, alpha: float = 0.85, tolerance: float = 1e-10, max_iterations: int = 500) -> dict[str, float]:
    """PageRank of a weighted undirected graph by power iteration (networkx's own needs scipy, which we do not ship)."""
    nodes = list(simple)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(index[a], index[b], d.get("weight", 1.0)) for a, b, d in simple.edges(data=True)], dtype=float).reshape(-1, 3)
    # each undirected edge carries rank both ways
    source = np.concatenate([edges[:, 0], edges[:, 1]]).astype(np.int64)
    target = np.concatenate([edges[:, 1], edges[:, 0]]).astype(np.int64)
    weight = np.concatenate([edges[:, 2], edges[:, 2]])
    n = len(nodes)
    strength = np.bincount(source, weights=weight, minlength=n)
    dangling = strength == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iterations):
        share = np.divide(rank, strength, out=np.zeros(n), where=~dangling)
        new = alpha * np.bincount(target, weights=share[source] * weight, minlength=n)
        new += (alpha * rank[dangling].sum() + 1.0 - alpha) / n
        converged = np.abs(new - rank).sum() < n * tolerance
        rank = new
        if converged:
            break
    return dict(zip(nodes, rank.tolist()))


def centrality(graph: nx.MultiDiGraph, by: str = "degree") -> dict[str, float]:
    """Each entity's degree, PageRank or betweenness centrality on the undirected projection."""
    if by == "degree":  # the projection's degree is the number of distinct other entities linked either way
        linked: dict[str, set[str]] = {node: set() for node in graph}
        for a, neighbours in graph.adjacency():
            for b in neighbours:
                if a != b:
                    linked[a].add(b)
                    linked[b].add(a)
        scale = 1 / (len(graph) - 1) if len(graph) > 1 else 0.0
        return {node: len(others) * scale for node, others in linked.items()}
    simple = undirected(graph)
    if by == "pagerank":
        return pagerank(simple)
    if by == "betweenness":
        return nx.betweenness_centrality(simple)
    raise UserError(f"unknown centrality {by!r}; choose one of {', '.join(CENTRALITIES)}")


def _ranked(graph: nx.MultiDiGraph, node: str, score: float) -> Ranked:
    data = graph.nodes[node]
    return Ranked(node, data["label"], data["type"], score, graph.degree(node))


def _check_class(graph: nx.MultiDiGraph, name: str) -> None:
    if not any(has_class(data, name) for _, data in graph.nodes(data=True)):
        known = sorted({d["type"] for _, d in graph.nodes(data=True)} | {d["cls"] for _, d in graph.nodes(data=True)})
        raise UserError(f"no entity of type {name!r} in the graph; types present: {', '.join(known)}")


def rank_entities(graph: nx.MultiDiGraph, by: str = "degree", entity_type: str | None = None, limit: int = 20,
                  hubs: bool = False) -> list[Ranked]:
    """The most central entities, optionally only those of one class (top-level or specific, any case).

    Unless `hubs` (or a hub class is asked for by name), hub entities are left out of the graph the
    centrality is measured on, so a company ranks by its partners, products and deals, not by its country."""
    if entity_type:
        _check_class(graph, entity_type)
    if not hubs and not (entity_type and any(has_class({"type": c, "cls": c}, entity_type) for c in HUB_CLASSES)):
        graph = without_classes(graph, HUB_CLASSES)
    scores = centrality(graph, by)
    nodes = [n for n in graph if not entity_type or has_class(graph.nodes[n], entity_type)]
    ranked = sorted(nodes, key=lambda n: (-scores[n], graph.nodes[n]["label"].casefold(), n))
    return [_ranked(graph, node, scores[node]) for node in ranked[:limit]]


def community_partition(simple: nx.Graph) -> list[set[str]]:
    """Louvain communities of an undirected graph (fixed seed), largest first."""
    groups = nx.community.louvain_communities(simple, weight="weight", seed=SEED)
    return sorted(groups, key=lambda group: (-len(group), min(group)))


def find_communities(graph: nx.MultiDiGraph) -> list[Community]:
    """Groups of densely linked entities, largest first, each with the predicates that bind it."""
    scores = centrality(graph, "degree")
    communities = []
    for group in community_partition(undirected(graph)):
        members = sorted(group, key=lambda n: (-scores[n], graph.nodes[n]["label"].casefold(), n))
        predicates = Counter(d["predicate"] for _, _, d in graph.subgraph(group).edges(data=True))
        communities.append(
            Community(
                members=tuple(_ranked(graph, n, scores[n]) for n in members),
                predicates=tuple(sorted(predicates.items(), key=lambda item: (-item[1], item[0]))),
            )
        )
    return communities


def _best_fact(graph: nx.MultiDiGraph, a: str, b: str) -> Hop:
    facts = [(s, o, data) for s, o in ((a, b), (b, a)) for data in (graph.get_edge_data(s, o) or {}).values()]
    # an extracted fact with the most confident evidence says most about why the two are linked
    s, o, data = max(facts, key=lambda f: (not f[2]["reference"], f[2]["confidence"] or 0.0, f[2]["predicate"]))
    if data["predicate"] in SYMMETRIC_PREDICATES:
        s, o = a, b
    return Hop(s, graph.nodes[s]["label"], data["predicate"], o, graph.nodes[o]["label"], data["reference"], data["evidence"])


def shortest_chain(graph: nx.MultiDiGraph, source: str, target: str, *, via: str | None = None,
                   exclude: tuple[str, ...] = ()) -> list[Hop]:
    """The fewest relations, in either direction, that link two entities, each with its evidence.

    The chain passes through no entity of the classes in `exclude` (the two ends excepted) and, with
    `via`, through at least one entity of that class."""
    allowed = without_classes(graph, tuple(c for c in exclude if not (via and via.casefold() == c.casefold())), keep=(source, target))
    simple = undirected(allowed)

    def cost(a: str, b: str, _) -> float:
        # of two chains equally short, the one with more extracted facts has more evidence to show
        extracted = any(not d["reference"] for s, o in ((a, b), (b, a)) for d in (graph.get_edge_data(s, o) or {}).values())
        return 1.0 if extracted else 1.001

    if via:
        _check_class(graph, via)
        from_source = nx.single_source_dijkstra(simple, source, weight=cost)
        from_target = nx.single_source_dijkstra(simple, target, weight=cost)
        middles = [n for n in simple if n not in (source, target) and has_class(graph.nodes[n], via)
                   and n in from_source[0] and n in from_target[0]]
        if middles:
            middle = min(middles, key=lambda n: (from_source[0][n] + from_target[0][n], n))
            nodes = from_source[1][middle] + from_target[1][middle][::-1][1:]
            return [_best_fact(graph, a, b) for a, b in pairwise(nodes)]
    else:
        try:
            nodes = nx.shortest_path(simple, source, target, weight=cost)
            return [_best_fact(graph, a, b) for a, b in pairwise(nodes)]
        except nx.NetworkXNoPath:
            pass
    through = f" through a {via}" if via else ""
    avoiding = f" without passing through {', '.join(exclude)}" if exclude else ""
    raise UserError(
        f"no chain of relations links {graph.nodes[source]['label']!r} and {graph.nodes[target]['label']!r}{through}{avoiding}"
    )
