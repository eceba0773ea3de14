"""RDF -> networkx: the one projection of the store that viz, rank, path and export share."""

from __future__ import annotations

import networkx as nx

from kg.model import PREDICATES
from kg.namespaces import CGT, VOCABULARY_GRAPH, local_name
from kg.store import Store

EDGE_QUERY = """
SELECT ?s ?p ?o ?g ?sType ?oType ?sLabel ?oLabel WHERE {
  VALUES ?p { %s }
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { ?s skos:prefLabel ?sLabel }
  OPTIONAL { ?o skos:prefLabel ?oLabel }
  OPTIONAL { ?s a ?sType . ?sType rdfs:subClassOf* cgt:Entity }
  OPTIONAL { ?o a ?oType . ?oType rdfs:subClassOf* cgt:Entity }
}
"""


def entity_graph(store: Store, include_reference: bool = True) -> nx.MultiDiGraph:
    """Entities as nodes (label, class) and the ontology's relations as edges (predicate, source)."""
    predicates = " ".join(f"<{CGT[p]}>" for p in (*PREDICATES, "partOf"))
    graph = nx.MultiDiGraph()
    for row in store.query(EDGE_QUERY % predicates):
        s, p, o, g = (str(row[i]) for i in range(4))
        reference = g == str(VOCABULARY_GRAPH)
        if reference and not include_reference:
            continue
        for node, cls, label in ((s, row[4], row[6]), (o, row[5], row[7])):
            data = graph.nodes.get(node, {})
            graph.add_node(
                node,
                label=str(label) if label is not None else data.get("label", local_name(node)),
                cls=local_name(cls) if cls is not None and data.get("cls") in (None, "Entity") else data.get("cls", "Entity"),
            )
        key = (local_name(p), "reference" if reference else "extracted")
        if not graph.has_edge(s, o, key=key):
            graph.add_edge(s, o, key=key, predicate=local_name(p), source="reference" if reference else g)
    return graph
