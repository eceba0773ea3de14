"""Every cgt: term that the code and the canned queries use is declared in ontology/cgt.ttl, so a
mistyped predicate fails here instead of becoming a silent new one in the graph."""

from __future__ import annotations

import re

from rdflib import Graph

from conftest import ROOT
from kg.model import PREDICATES, TOP_LEVEL_TYPES
from kg.namespaces import CGT


def _declared() -> set[str]:
    """Terms of ontology/cgt.ttl, and the shapes of ontology/shapes.ttl (which name themselves in cgt:)."""
    ontology = Graph().parse(ROOT / "ontology" / "cgt.ttl").parse(ROOT / "ontology" / "shapes.ttl")
    return {str(s)[len(str(CGT)):] for s in ontology.subjects() if str(s).startswith(str(CGT))}


def _used() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    sources = [*(ROOT / "kg").rglob("*.py"), *(ROOT / "queries").glob("*.rq"), *(ROOT / "ontology" / "shapes.ttl",)]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        found = set(re.findall(r"\bCGT\.([A-Za-z]\w*)", text)) | set(re.findall(r"\bCGT\[\"(\w+)\"\]", text))
        found |= {term for term in re.findall(r"\bcgt:([A-Za-z]\w*)", text)}
        for term in found:
            used.setdefault(term, set()).add(path.name)
    return used


def test_every_term_used_is_declared():
    declared = _declared()
    missing = {term: sorted(files) for term, files in _used().items() if term not in declared}
    assert not missing, f"used but not declared in ontology/cgt.ttl: {missing}"


def test_the_model_names_only_declared_classes_and_predicates():
    declared = _declared()
    assert set(PREDICATES) <= declared
    assert set(TOP_LEVEL_TYPES) <= declared


def test_the_namespace_is_closed_so_a_mistyped_term_fails_where_it_is_named():
    import pytest

    assert str(CGT.acquires).endswith("#acquires") and str(CGT["Clearance"]).endswith("#Clearance")
    with pytest.raises(AttributeError):
        CGT.acquirs
    with pytest.raises(KeyError):
        CGT["Aquisition"]


def test_the_rdflib_namespaces_are_the_iris_of_kg_iris():
    """kg.iris holds the namespace strings the query path uses; kg.namespaces wraps the same ones for rdflib."""
    from kg import iris
    from kg.namespaces import PREFIXES, REJECTED_GRAPH, VOCABULARY_GRAPH

    assert {name: str(namespace) for name, namespace in PREFIXES.items()} == iris.PREFIX_IRIS
    assert (str(REJECTED_GRAPH), str(VOCABULARY_GRAPH)) == (iris.REJECTED_GRAPH, iris.VOCABULARY_GRAPH)
