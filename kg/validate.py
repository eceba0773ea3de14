"""SHACL validation of the graph (ontology/shapes.ttl) with pySHACL, with readable violations."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import RDF

from kg.namespaces import SH
from kg.ontology import ONTOLOGY_DIR, load_vocabulary
from kg.queries import short_term
from kg.store import Store


@dataclass(frozen=True)
class Violation:
    """One way the graph breaks a shape: where, which property, and what the shape says."""

    focus: str
    path: str
    message: str
    shape: str


def validate_graph(data: Graph) -> list[Violation]:
    """Check a graph against ontology/shapes.ttl, with the ontology's class hierarchy."""
    import pyshacl

    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=load_vocabulary().ontology, inference="rdfs", allow_warnings=True
    )
    if conforms:
        return []
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        violations.append(
            Violation(
                focus=short_term(report.value(result, SH.focusNode)),
                path=short_term(report.value(result, SH.resultPath)),
                message=str(report.value(result, SH.resultMessage) or ""),
                shape=short_term(report.value(result, SH.sourceShape)),
            )
        )
    return sorted(violations, key=lambda v: (v.focus, v.path))


def validate_store(store: Store) -> list[Violation]:
    """Validate the union of every graph in the store."""
    data = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
    return validate_graph(data)
