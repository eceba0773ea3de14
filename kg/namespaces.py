"""The rdflib namespaces and the IRI-minting rules of cgt-kg.

The IRI strings themselves live in kg.iris (the read path imports only that); this module wraps
them for rdflib. No other module builds an IRI from strings: they import kg.iris, these namespaces
or the `mint_*` functions defined here.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, ClosedNamespace

from kg import iris
from kg.iris import BASE as BASE  # re-exported: kg.iris holds the strings, this module their rdflib namespaces
from kg.iris import PREFIX_IRIS
from kg.iris import local_name as local_name
from kg.iris import sparql_prologue as sparql_prologue

ONTOLOGY_DIR = Path(os.environ.get("KG_ONTOLOGY", Path(__file__).resolve().parent.parent / "ontology"))
"""ontology/: the OWL ontology, the SHACL shapes, the vocabulary and the pattern files (KG_ONTOLOGY overrides)."""


def declared_terms(root: Path = ONTOLOGY_DIR) -> list[str]:
    """The local names ontology/cgt.ttl and ontology/shapes.ttl declare (every subject written with the cgt
    prefix at the start of a line, as both files are laid out)."""
    found: dict[str, None] = {}
    for name in ("cgt.ttl", "shapes.ttl"):
        found.update(dict.fromkeys(re.findall(r"(?m)^cgt:([A-Za-z]\w*)\b", (root / name).read_text(encoding="utf-8"))))
    return list(found)


CGT = ClosedNamespace(PREFIX_IRIS["cgt"], declared_terms())
"""Classes and properties of the cgt-kg ontology, closed: a term cgt.ttl does not declare is an error
(AttributeError for attribute access, KeyError for item access) where the code names it, not a new IRI in the graph."""

CGTID = Namespace(PREFIX_IRIS["cgtid"])
"""Entities: companies, agencies, diseases, ... (one flat namespace)."""

DOC = Namespace(PREFIX_IRIS["doc"])
STATEMENT = Namespace(BASE + "statement/")
FIGURE = Namespace(BASE + "figure/")
EVENT = Namespace(BASE + "event/")
MENTION = Namespace(BASE + "mention/")
GRAPH = Namespace(iris.GRAPHS)

SCHEMA = Namespace(PREFIX_IRIS["schema"])
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace(PREFIX_IRIS["wd"])

VOCABULARY_GRAPH = URIRef(iris.VOCABULARY_GRAPH)
ONTOLOGY_GRAPH = URIRef(iris.ONTOLOGY_GRAPH)
REVIEW_GRAPH = URIRef(iris.REVIEW_GRAPH)
REJECTED_GRAPH = URIRef(iris.REJECTED_GRAPH)
REVIEW = Namespace(BASE + "review/")

PREFIXES: dict[str, Namespace] = {
    # the namespaces of kg.iris.PREFIX_IRIS, in its order (tests/test_terms_declared.py checks that they agree)
    "cgt": CGT,
    "cgtid": CGTID,
    "doc": DOC,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "wd": WD,
}


def slug(name: str) -> str:
    """The local name of a label: lower case, accents folded, `-` between words.

    Letters of other scripts are kept (IRIs may hold them), so "Пульсар Therapeutics" and
    "Орбита Therapeutics" stay two companies; Latin names come out as plain a-z0-9.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", folded)).strip("-")


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:24]


def mint_entity(name: str) -> URIRef:
    """The IRI of an entity found in text and absent from the vocabulary."""
    return CGTID[slug(name) or "unnamed-" + _digest(name)]


def document_iri(sha256: str) -> URIRef:
    """The IRI of one version of a source document, which also names its graph."""
    return URIRef(iris.document_iri(sha256))


def statement_iri(document: URIRef, *key: object) -> URIRef:
    """The IRI of an evidence statement, stable across re-runs of the same document."""
    return STATEMENT[_digest(document, *key)]


def figure_iri(document: URIRef, *key: object) -> URIRef:
    """The IRI of one figure stated in one document."""
    return FIGURE[_digest(document, *key)]


def mention_iri(document: URIRef, entity: str) -> URIRef:
    """The IRI of the record of how one document mentions one entity."""
    return MENTION[_digest(document, entity)]


def deal_iri(kind: str, parties: tuple[str, ...], year: str | None) -> URIRef:
    """The IRI of one real-world deal: the same in every document that reports it (same broad kind, the
    same companies, the same announcement year), so the union of the graphs holds it once."""
    return EVENT[_digest("deal", kind, *sorted(parties), year or "")]


def regulatory_event_iri(kind: str, product: str, decider: str | None, year: str | None) -> URIRef:
    """The IRI of one approval or designation: the same in every document that reports it (same product,
    agency or designation, year)."""
    return EVENT[_digest("regulatory", kind, product, decider or "", year or "")]


def trial_iri(registry_id: str) -> URIRef:
    """The IRI of a clinical trial, from its registry id (NCT01234567 -> cgtid:nct01234567)."""
    return CGTID[slug(registry_id)]


def event_iri(document: URIRef, *key: object) -> URIRef:
    """The IRI of one deal event (collaboration, acquisition, investment) of a document."""
    return EVENT[_digest(document, *key)]
