"""Counts that describe a graph: documents, triples, entities by class, facts by predicate."""

from __future__ import annotations

from dataclasses import dataclass

from kg.model import PREDICATES
from kg.namespaces import CGT, VOCABULARY_GRAPH, local_name
from kg.store import Store


@dataclass(frozen=True)
class GraphStats:
    """Counts, each split into extracted (document graphs) and reference (vocabulary)."""

    documents: int
    triples: int
    classes: dict[str, tuple[int, int]]
    predicates: dict[str, tuple[int, int]]


def _split_counts(store: Store, query: str) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    for name, graph, n in store.query(query):
        slot = counts.setdefault(local_name(name), [0, 0])
        slot[1 if str(graph) == str(VOCABULARY_GRAPH) else 0] += int(n)
    return {name: (a, b) for name, (a, b) in sorted(counts.items())}


def graph_stats(store: Store) -> GraphStats:
    """Count what the store holds, through the store's own engine."""
    documents = int(next(iter(store.query("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?d { ?d a cgt:Document } }")))[0])
    classes = _split_counts(
        store,
        "SELECT ?c ?g (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?c } "
        "GRAPH <https://w3id.org/cgt-kg/graph/ontology> { ?c rdfs:subClassOf+ cgt:Entity } } GROUP BY ?c ?g",
    )
    values = " ".join(f"<{CGT[p]}>" for p in (*PREDICATES, "partOf"))
    predicates = _split_counts(
        store, f"SELECT ?p ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?p ?g"
    )
    return GraphStats(documents, store.count(), classes, predicates)
