"""Counts that describe a graph: documents, triples, entities by class, facts by predicate."""

from __future__ import annotations

from dataclasses import dataclass

from kg.model import PREDICATES
from kg.iris import ONTOLOGY_GRAPH, VOCABULARY_GRAPH, local_name
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
    for name, graph, n in store.answer(query).rows:
        slot = counts.setdefault(local_name(name.value), [0, 0])
        slot[1 if graph.value == VOCABULARY_GRAPH else 0] += int(n.value)
    return {name: (a, b) for name, (a, b) in sorted(counts.items())}


def graph_stats(store: Store) -> GraphStats:
    """Count what the store holds, through the store's own engine."""
    documents = int(store.answer("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?d { ?d a cgt:Document } }").rows[0][0].value)
    classes = _split_counts(
        store,
        "SELECT ?c ?g (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?c } "
        f"GRAPH <{ONTOLOGY_GRAPH}> {{ ?c rdfs:subClassOf+ cgt:Entity }} }} GROUP BY ?c ?g",
    )
    values = " ".join(f"cgt:{p}" for p in (*PREDICATES, "partOf"))  # PREDICATES are declared terms (tests/test_terms_declared.py)
    predicates = _split_counts(
        store, f"SELECT ?p ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?p ?g"
    )
    return GraphStats(documents, store.count(), classes, predicates)
