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


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The entity graph as a simple undirected graph; `weight` counts the relations between two entities."""
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    for s, o in graph.edges():
        if s != o:
            weight = simple.get_edge_data(s, o, {"weight": 0})["weight"]
            simple.add_edge(s, o, weight=weight + 1)
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
    simple = undirected(graph)
    if by == "degree":
        return nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)
    if by == "pagerank":
        return pagerank(simple)
    if by == "betweenness":
        return nx.betweenness_centrality(simple)
    raise UserError(f"unknown centrality {by!r}; choose one of {', '.join(CENTRALITIES)}")


def _ranked(graph: nx.MultiDiGraph, node: str, score: float) -> Ranked:
    data = graph.nodes[node]
    return Ranked(node, data["label"], data["type"], score, graph.degree(node))


def rank_entities(graph: nx.MultiDiGraph, by: str = "degree", entity_type: str | None = None, limit: int = 20) -> list[Ranked]:
    """The most central entities, optionally only those of one class (top-level or specific, any case)."""
    scores = centrality(graph, by)
    nodes = list(graph)
    if entity_type:
        wanted = entity_type.casefold()
        nodes = [n for n in nodes if wanted in (graph.nodes[n]["type"].casefold(), graph.nodes[n]["cls"].casefold())]
        if not nodes:
            known = sorted({d["type"] for _, d in graph.nodes(data=True)} | {d["cls"] for _, d in graph.nodes(data=True)})
            raise UserError(f"no entity of type {entity_type!r} in the graph; types present: {', '.join(known)}")
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


def shortest_chain(graph: nx.MultiDiGraph, source: str, target: str) -> list[Hop]:
    """The fewest relations, in either direction, that link two entities, each with its evidence."""
    def cost(a: str, b: str, _) -> float:
        # of two chains equally short, the one with more extracted facts has more evidence to show
        extracted = any(not d["reference"] for s, o in ((a, b), (b, a)) for d in (graph.get_edge_data(s, o) or {}).values())
        return 1.0 if extracted else 1.001

    try:
        nodes = nx.shortest_path(undirected(graph), source, target, weight=cost)
    except nx.NetworkXNoPath:
        raise UserError(
            f"no chain of relations links {graph.nodes[source]['label']!r} and {graph.nodes[target]['label']!r}"
        ) from None
    return [_best_fact(graph, a, b) for a, b in pairwise(nodes)]
