"""The IRIs of cgt-kg's namespaces and named graphs as plain strings, with no rdflib.

kg.namespaces builds its rdflib namespaces from these; the query path (`kg query`, `kg stats`) reads
only this module, so it starts without importing rdflib.
"""

from __future__ import annotations

import re

BASE = "https://w3id.org/cgt-kg/"
GRAPHS = BASE + "graph/"
"""Named graphs of the layers (vocabulary, ontology) and of the review (kg review)."""
VOCABULARY_GRAPH = GRAPHS + "vocabulary"
ONTOLOGY_GRAPH = GRAPHS + "ontology"
REVIEW_GRAPH = GRAPHS + "review"
"""Analysts' decisions on extracted facts (kg review): never touched by a build."""
REJECTED_GRAPH = GRAPHS + "rejected"
"""Facts analysts rejected, moved out of their documents' graphs; queries leave this graph out."""

PREFIX_IRIS: dict[str, str] = {
    "cgt": BASE + "ontology#",
    "cgtid": BASE + "id/",
    "doc": BASE + "doc/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}
"""The prefixes every query may use without declaring them, and the names results are shortened to."""

RDF_TYPE = PREFIX_IRIS["rdf"] + "type"
XSD_STRING = PREFIX_IRIS["xsd"] + "string"
XSD_INTEGER = PREFIX_IRIS["xsd"] + "integer"

_LONGEST_FIRST = sorted(PREFIX_IRIS.items(), key=lambda item: -len(item[1]))


def sparql_prologue() -> str:
    """The PREFIX lines every query may rely on, so canned queries stay short."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIX_IRIS.items())


def short_iri(iri: str) -> str:
    """An IRI for people: a prefixed name when it is in one of our namespaces (the longest that fits), else as it is."""
    for name, namespace in _LONGEST_FIRST:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri


def document_iri(sha256: str) -> str:
    """The IRI of one version of a source document, which also names its graph."""
    return PREFIX_IRIS["doc"] + sha256


def local_name(iri: str) -> str:
    """The part of an IRI after its namespace, for display and JSON output."""
    return re.split(r"[#/]", str(iri))[-1]
