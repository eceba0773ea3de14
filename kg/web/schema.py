"""The vocabulary the query editor completes and the schema sidebar lists: our predefined prefixes,
and the classes and predicates of ontology/cgt.ttl with their labels, comments, domains and ranges."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.namespaces import CGT, ONTOLOGY_DIR, PREFIXES
from kg.queries import short_term

PROPERTY_KINDS = {OWL.ObjectProperty: "relation", OWL.DatatypeProperty: "value", OWL.AnnotationProperty: "annotation"}


@dataclass(frozen=True)
class SchemaTerm:
    """A class or predicate as the editor offers it: `cgt:acquires`, what it means, what it links."""

    name: str
    label: str
    comment: str
    kind: str
    domain: str = ""
    """A predicate's domain; for a class, the class it is a subclass of."""
    range: str = ""


@dataclass(frozen=True)
class Schema:
    prefixes: dict[str, str]
    classes: tuple[SchemaTerm, ...]
    predicates: tuple[SchemaTerm, ...]

    def to_json(self) -> dict:
        """What /api/schema sends the editor."""
        return {"prefixes": self.prefixes, "classes": [asdict(t) for t in self.classes], "predicates": [asdict(t) for t in self.predicates]}

    def label(self, iri: str) -> str | None:
        """The label of one of our classes or predicates, by IRI."""
        name = short_term(URIRef(iri))
        return next((t.label for t in (*self.classes, *self.predicates) if t.name == name), None)


def _text(graph: Graph, subject, predicate) -> str:
    value = graph.value(subject, predicate)
    return str(value) if value is not None else ""


def _short(graph: Graph, subject, predicate) -> str:
    value = graph.value(subject, predicate)
    return short_term(value) if isinstance(value, URIRef) else ""


@lru_cache(maxsize=1)
def ontology_schema() -> Schema:
    """Our classes and predicates from ontology/cgt.ttl (read once per process), sorted by name."""
    graph = Graph().parse(ONTOLOGY_DIR / "cgt.ttl", format="turtle")
    ours = lambda term: isinstance(term, URIRef) and str(term).startswith(str(CGT))  # noqa: E731
    classes = tuple(sorted(
        (SchemaTerm(short_term(c), _text(graph, c, RDFS.label), _text(graph, c, RDFS.comment), "class", _short(graph, c, RDFS.subClassOf))
         for c in set(graph.subjects(RDF.type, OWL.Class)) if ours(c)),
        key=lambda t: t.name,
    ))
    predicates = tuple(sorted(
        (SchemaTerm(short_term(p), _text(graph, p, RDFS.label), _text(graph, p, RDFS.comment), kind,
                    _short(graph, p, RDFS.domain), _short(graph, p, RDFS.range))
         for kind_class, kind in PROPERTY_KINDS.items() for p in set(graph.subjects(RDF.type, kind_class)) if ours(p)),
        key=lambda t: t.name,
    ))
    return Schema({name: str(ns) for name, ns in PREFIXES.items()}, classes, predicates)
