"""RDF -> networkx: the one projection of the store that viz, rank, communities, path and export share.

`entity_graph` returns a `networkx.MultiDiGraph` whose nodes are entity IRIs and whose edges are
the ontology's relations between them:

- node attributes: `label` (skos:prefLabel), `type` (top-level class, one of `TOP_LEVEL_TYPES`, or
  "Entity"), `cls` (most specific class), `aliases` (tuple of skos:altLabel);
- edge key `(predicate, "extracted" | "reference")`; attributes `predicate` (local name),
  `reference` (True for a vocabulary fact), `evidence` (tuple of `Evidence`, best first) and
  `confidence` (the best evidence's, None for reference facts). A symmetric relation stated in
  both directions is one edge carrying the evidence of both.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import URIRef

from kg.errors import UserError
from kg.model import PREDICATES, SYMMETRIC_PREDICATES, TOP_LEVEL_TYPES
from kg.namespaces import CGT, PREFIXES, VOCABULARY_GRAPH, local_name
from kg.store import Store

GRAPH_PREDICATES = (*PREDICATES, "partOf")
EXPORT_FORMATS = ("graphml", "gexf", "csv")

EDGE_QUERY = """
SELECT ?s ?p ?o ?g WHERE {
  VALUES ?p { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o))
}
"""
TYPE_QUERY = """
SELECT ?e ?cls ?type WHERE {
  VALUES ?type { %s }
  ?e a ?cls . ?cls rdfs:subClassOf* ?type .
}
"""
LABEL_QUERY = "SELECT ?e ?label ?kind WHERE { { ?e skos:prefLabel ?label BIND('pref' AS ?kind) } UNION { ?e skos:altLabel ?label BIND('alt' AS ?kind) } }"
EVIDENCE_QUERY = """
SELECT ?s ?p ?o ?text ?confidence ?doc ?title ?path ?url WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      cgt:evidenceText ?text ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?st cgt:confidence ?confidence }
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc cgt:path ?path }
  OPTIONAL { ?doc dcterms:source ?url }
}
"""


@dataclass(frozen=True)
class Evidence:
    """The sentence that states an extracted fact, with its confidence and the document it came from (its IRI,
    title, the file it was read from, and the web address it was fetched from, if any)."""

    text: str
    confidence: float | None
    document: str
    title: str
    path: str
    url: str = ""


def _values(names) -> str:
    return " ".join(f"<{CGT[name]}>" for name in names)


def entity_attributes(store: Store) -> dict[str, dict]:
    """Label, top-level and most specific class, and aliases of every typed entity, keyed by IRI."""
    classes: dict[str, list[tuple[str, str]]] = {}
    for entity, cls, top in store.query(TYPE_QUERY % _values(TOP_LEVEL_TYPES)):
        classes.setdefault(str(entity), []).append((local_name(top), local_name(cls)))
    labels: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    for entity, label, kind in store.query(LABEL_QUERY):
        if str(kind) == "pref":
            labels[str(entity)] = min(labels.get(str(entity), str(label)), str(label))
        else:
            aliases.setdefault(str(entity), set()).add(str(label))
    attributes = {}
    for iri, found in classes.items():
        top, cls = max(found, key=lambda pair: (pair[0] != pair[1], pair))  # the most specific class, ties by name
        label = labels.get(iri, local_name(iri))
        attributes[iri] = {"label": label, "type": top, "cls": cls, "aliases": tuple(sorted(aliases.get(iri, set()) - {label}))}
    return attributes


def _evidence(store: Store) -> dict[tuple[str, str, str], list[Evidence]]:
    found: dict[tuple[str, str, str], list[Evidence]] = {}
    for s, p, o, text, confidence, doc, title, path, url in store.query(EVIDENCE_QUERY):
        found.setdefault((str(s), local_name(p), str(o)), []).append(
            Evidence(
                text=str(text),
                confidence=float(confidence) if confidence is not None else None,
                document=str(doc),
                title=str(title) if title is not None else "",
                path=str(path) if path is not None else "",
                url=str(url) if url is not None else "",
            )
        )
    return found


def _unknown_node(iri: str) -> dict:
    """The attributes of a node the store says nothing about: its local name as label, class Entity."""
    return {"label": local_name(iri), "type": "Entity", "cls": "Entity", "aliases": ()}


def _add_fact(graph: nx.MultiDiGraph, s: str, predicate: str, o: str, reference: bool, nodes: dict[str, dict]) -> None:
    key = (predicate, "reference" if reference else "extracted")
    if predicate in SYMMETRIC_PREDICATES:
        s, o = sorted((s, o))
    for node in (s, o):
        if node not in graph:
            graph.add_node(node, **nodes.get(node, _unknown_node(node)))
    if not graph.has_edge(s, o, key=key):
        graph.add_edge(s, o, key=key, predicate=predicate, reference=reference, evidence=(), confidence=None)


def _attach_evidence(graph: nx.MultiDiGraph, evidence: dict[tuple[str, str, str], list[Evidence]]) -> None:
    for s, o, data in graph.edges(data=True):
        if data["reference"]:
            continue
        p = data["predicate"]
        found = evidence.get((s, p, o), []) + (evidence.get((o, p, s), []) if p in SYMMETRIC_PREDICATES else [])
        found.sort(key=lambda e: (-(e.confidence or 0.0), e.title, e.text))
        data["evidence"] = tuple(found)
        data["confidence"] = found[0].confidence if found else None


def entity_graph(store: Store, include_reference: bool = True) -> nx.MultiDiGraph:
    """Entities as nodes and the ontology's relations as edges, with aliases, evidence and confidence."""
    nodes = entity_attributes(store)
    graph = nx.MultiDiGraph()
    for s, p, o, g in store.query(EDGE_QUERY % _values(GRAPH_PREDICATES)):
        reference = str(g) == str(VOCABULARY_GRAPH)
        if reference and not include_reference:
            continue
        _add_fact(graph, str(s), local_name(p), str(o), reference, nodes)
    _attach_evidence(graph, _evidence(store))
    return graph


def _facts_between(graph: nx.MultiDiGraph, s: str, predicate: str, o: str) -> list[tuple[str, str, tuple, dict]]:
    pairs = ((s, o), (o, s)) if predicate in SYMMETRIC_PREDICATES else ((s, o),)
    return [
        (a, b, key, data)
        for a, b in pairs
        for key, data in (graph.get_edge_data(a, b) or {}).items()
        if data["predicate"] == predicate
    ]


def query_graph(store: Store, sparql: str, include_reference: bool = True, full: nx.MultiDiGraph | None = None) -> nx.MultiDiGraph:
    """The triples of a CONSTRUCT (or a SELECT of ?s ?p ?o) as an entity graph, with what the store knows of them.

    A triple that is a relation of the entity graph brings that edge with its evidence; any other
    triple between two IRIs becomes a bare edge named by its predicate; literals are left out.
    `full` is the store's entity graph when the caller has it already (the server caches it).
    """
    result = store.query(sparql)
    if result.type == "CONSTRUCT":
        triples = list(result.graph)
    elif result.type == "SELECT" and {"s", "p", "o"} <= {str(v) for v in result.vars or []}:
        triples = [(row.s, row.p, row.o) for row in result]
    else:
        raise UserError("a --query must be a CONSTRUCT query or a SELECT of ?s ?p ?o")
    full = full if full is not None else entity_graph(store, include_reference)
    relations = {str(CGT[name]) for name in GRAPH_PREDICATES}
    graph = nx.MultiDiGraph()
    for s, p, o in triples:
        if not isinstance(s, URIRef) or not isinstance(o, URIRef) or p is None:
            continue
        predicate = local_name(p)
        facts = _facts_between(full, str(s), predicate, str(o))
        if not facts and str(p) not in relations:
            bare = {"predicate": predicate, "reference": False, "evidence": (), "confidence": None}
            facts = [(str(s), str(o), (predicate, "extracted"), bare)]
        for a, b, key, data in facts:
            for node in (a, b):
                if node not in graph:
                    graph.add_node(node, **(full.nodes[node] if node in full else _unknown_node(node)))
            graph.add_edge(a, b, key=key, **data)
    return graph


def _expand(text: str) -> str:
    prefix, _, rest = text.partition(":")
    return str(PREFIXES[prefix][rest]) if prefix in PREFIXES and not rest.startswith("//") else text


def find_entity(graph: nx.MultiDiGraph, text: str) -> str:
    """The node a user names by IRI, prefixed name, label or alias (case-insensitive); an error lists close matches."""
    wanted = text.strip().casefold()
    iri = _expand(text.strip()).casefold()
    names: dict[str, list[tuple[bool, str]]] = {}  # casefolded name -> (is an alias, node)
    for node, data in graph.nodes(data=True):
        if node.casefold() == iri:
            return node
        for rank, name in enumerate((data["label"], *data["aliases"])):
            names.setdefault(name.casefold(), []).append((rank > 0, node))
    if wanted in names:
        # a label beats an alias; among equals, the most connected entity
        return min(names[wanted], key=lambda m: (m[0], -graph.degree(m[1]), m[1]))[1]
    close = [name for name in names if wanted and wanted in name] + difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.6)
    labels = list(dict.fromkeys(graph.nodes[names[name][0][1]]["label"] for name in close))[:5]
    hint = f"close matches: {', '.join(labels)}" if labels else "`kg rank` lists the most connected entities"
    raise UserError(f"no entity called {text!r} in the graph; {hint}")


def neighbourhood(graph: nx.MultiDiGraph, centre: str, hops: int) -> dict[str, int]:
    """Every node within `hops` relations of `centre`, in either direction, with its distance."""
    return nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), centre, cutoff=hops)


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The entity graph with plain-text attributes only, as GraphML, GEXF and CSV want them."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, label=data["label"], type=data["type"], **{"class": data["cls"]}, aliases="; ".join(data["aliases"]))
    for s, o, (predicate, kind), data in graph.edges(keys=True, data=True):
        attributes = {
            "label": predicate,
            "direction": "undirected" if predicate in SYMMETRIC_PREDICATES else "directed",
            "kind": kind,
            "evidence": " | ".join(e.text for e in data["evidence"]),
            "documents": " | ".join(dict.fromkeys(e.title or e.path for e in data["evidence"])),
        }
        if data["confidence"] is not None:
            attributes["confidence"] = data["confidence"]
        flat.add_edge(s, o, key=f"{predicate}/{kind}", **attributes)
    return flat


def write_graph_file(graph: nx.MultiDiGraph, fmt: str, path: Path | None = None) -> list[Path]:
    """Write the entity graph as GraphML, GEXF or two CSV files (nodes, edges) for Gephi; the paths written."""
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown graph format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    path = path or Path("out") / f"graph.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    flat = flat_graph(graph)
    if fmt == "graphml":
        nx.write_graphml(flat, path)
        return [path]
    if fmt == "gexf":
        nx.write_gexf(flat, path)
        return [path]
    # column names Gephi's spreadsheet import recognises: Id and Label; Source, Target, Type and Label
    nodes = _write_csv(
        path.with_suffix(".nodes.csv"),
        ["Id", "Label", "type", "class", "aliases"],
        ([node, d["label"], d["type"], d["class"], d["aliases"]] for node, d in flat.nodes(data=True)),
    )
    edges = _write_csv(
        path.with_suffix(".edges.csv"),
        ["Source", "Target", "Type", "Label", "kind", "confidence", "evidence", "documents"],
        ([s, o, d["direction"], d["label"], d["kind"], d.get("confidence", ""), d["evidence"], d["documents"]]
         for s, o, d in flat.edges(data=True)),
    )
    return [nodes, edges]


def _write_csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
