"""The ontology (ontology/cgt.ttl), the SKOS vocabulary (ontology/vocabulary/) and name lookup."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import ONTOLOGY, ROOT
from kg.model import PREDICATES, TOP_LEVEL_TYPES
from kg.namespaces import CGT, CGTID, slug
from kg.resolve import resolve_name

CONVENTIONS = (ROOT / "docs" / "CONVENTIONS.md").read_text(encoding="utf-8")

OBJECT_PROPERTIES = (*PREDICATES, "partOf")
"""The 12 extracted predicates named in CONVENTIONS.md plus partOf (country -> region): 13."""

NAMED_COMPANIES = (
    "Alnylam Pharmaceuticals",
    "Amgen",
    "Biogen",
    "CORESTEM",
    "Dendreon Pharmaceuticals",
    "Ginkgo Bioworks",
    "Helixmith",
    "JCR Pharmaceuticals",
    "Kolon TissueGene",
    "Novartis",
    "Pfizer",
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "cgt.ttl")


@pytest.fixture(scope="module")
def reference(vocabulary) -> Graph:
    return vocabulary.reference


def _conventions_list(marker: str) -> list[str]:
    """A comma-separated list that follows `marker` in CONVENTIONS.md, without markup."""
    index = CONVENTIONS.index(marker) + len(marker)
    text = CONVENTIONS[index:].split("\n- ", 1)[0].split("\n\n", 1)[0]
    return [w.strip(" .`\n") for w in text.replace("\n", " ").split(",") if w.strip(" .`\n")]


# ---------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("relative", ["cgt.ttl", "shapes.ttl", *[f"vocabulary/{p.name}" for p in sorted((ONTOLOGY / "vocabulary").glob("*.ttl"))]])
def test_ontology_files_parse(relative):
    graph = Graph().parse(ONTOLOGY / relative, format="turtle")
    assert len(graph) > 0


def test_ontology_declares_itself(ontology):
    declared = list(ontology.subjects(RDF.type, OWL.Ontology))
    assert declared, "cgt.ttl has no owl:Ontology node"


def test_code_and_conventions_agree_on_top_level_types_and_predicates():
    top = _conventions_list("## Top-level classes (the `type` field of `kg extract --json`)\n")
    assert tuple(top) == TOP_LEVEL_TYPES
    predicates = _conventions_list("- `predicate` is one of:")
    assert tuple(predicates) == PREDICATES


# ---------------------------------------------------------------------------- classes


@pytest.mark.parametrize("name", TOP_LEVEL_TYPES)
def test_top_level_class_is_defined(ontology, name):
    cls = CGT[name]
    assert (cls, RDF.type, OWL.Class) in ontology
    assert ontology.value(cls, RDFS.label) is not None, f"{name} has no rdfs:label"
    assert ontology.value(cls, RDFS.comment) is not None, f"{name} has no rdfs:comment"
    ancestors = set(ontology.transitive_objects(cls, RDFS.subClassOf))
    assert CGT.Entity in ancestors, f"{name} is not a subclass of cgt:Entity"


@pytest.mark.parametrize(
    "cls, top",
    [
        ("Designation", "Regulation"),
        ("Law", "Regulation"),
        ("RegulatoryProcedure", "Regulation"),
        ("Policy", "Regulation"),
        ("TherapyModality", "Therapy"),
        ("TherapyProduct", "Therapy"),
        ("TherapeuticArea", "Disease"),
        *[(t, t) for t in TOP_LEVEL_TYPES],
    ],
)
def test_specific_classes_fall_under_their_top_level_type(vocabulary, ontology, cls, top):
    assert (CGT[cls], RDF.type, OWL.Class) in ontology
    assert vocabulary.type_of(cls) == top


# ---------------------------------------------------------------------------- properties


@pytest.mark.parametrize("name", OBJECT_PROPERTIES)
def test_object_property_is_defined(ontology, name):
    prop = CGT[name]
    assert (prop, RDF.type, OWL.ObjectProperty) in ontology, f"cgt:{name} is not an owl:ObjectProperty"
    for annotation in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
        assert ontology.value(prop, annotation) is not None, f"cgt:{name} has no {annotation}"


def test_thirteen_object_properties():
    assert len(set(OBJECT_PROPERTIES)) == 13


def test_collaborates_with_is_symmetric(ontology):
    assert (CGT.collaboratesWith, RDF.type, OWL.SymmetricProperty) in ontology


def test_other_predicates_are_not_symmetric(ontology):
    symmetric = {p for p in ontology.subjects(RDF.type, OWL.SymmetricProperty)}
    assert symmetric == {CGT.collaboratesWith}


# ---------------------------------------------------------------------------- vocabulary


def _concepts_of(reference: Graph, cls: str) -> set[URIRef]:
    return set(reference.subjects(RDF.type, CGT[cls]))


def test_at_least_71_companies(reference):
    assert len(_concepts_of(reference, "Company")) >= 71


@pytest.mark.parametrize("label", NAMED_COMPANIES)
def test_named_company_is_in_vocabulary_with_headquarters(vocabulary, reference, label):
    iri = CGTID[slug(label)]
    assert (iri, RDF.type, CGT.Company) in reference, f"{label} is not a cgt:Company at {iri}"
    assert str(reference.value(iri, SKOS.prefLabel)) == label
    country = reference.value(iri, CGT.headquarteredIn)
    assert country is not None, f"{label} has no cgt:headquarteredIn"
    assert (country, RDF.type, CGT.Country) in reference or (country, RDF.type, CGT.Region) in reference
    concept = vocabulary.lookup(label)
    assert concept is not None and concept.iri == str(iri)


def test_at_least_30_products_with_developer_disease_approval_and_year(reference):
    complete = [
        product
        for product in _concepts_of(reference, "TherapyProduct")
        if any(reference.subjects(CGT.develops, product))
        and any(reference.objects(product, CGT.treats))
        and any(reference.objects(product, CGT.approvedBy))
        and any(reference.objects(product, CGT.approvalYear))
    ]
    assert len(complete) >= 30, f"only {len(complete)} products have develops/treats/approvedBy/approvalYear"


def test_every_country_is_part_of_a_region(reference):
    countries = _concepts_of(reference, "Country")
    assert countries
    loose = [
        str(country)
        for country in countries
        if not any((region, RDF.type, CGT.Region) in reference for region in reference.objects(country, CGT.partOf))
    ]
    assert loose == []


def test_no_alt_label_is_shared_by_two_concepts(reference):
    owners: dict[str, set] = defaultdict(set)
    for concept, label in reference.subject_objects(SKOS.altLabel):
        owners[str(label).casefold()].add(concept)
    shared = {label: sorted(map(str, c)) for label, c in owners.items() if len(c) > 1}
    assert shared == {}


def test_no_alt_label_is_another_concepts_pref_label(reference):
    preferred: dict[str, set] = defaultdict(set)
    for concept, label in reference.subject_objects(SKOS.prefLabel):
        preferred[str(label).casefold()].add(concept)
    clashes = {
        str(label): (str(concept), sorted(map(str, preferred[str(label).casefold()])))
        for concept, label in reference.subject_objects(SKOS.altLabel)
        if preferred.get(str(label).casefold(), {concept}) - {concept}
    }
    assert clashes == {}


def test_every_concept_has_one_pref_label_and_a_slug_iri(vocabulary, reference):
    wrong = []
    for iri, concept in vocabulary.concepts.items():
        labels = list(reference.objects(URIRef(iri), SKOS.prefLabel))
        if len(labels) != 1:
            wrong.append((iri, "prefLabels", len(labels)))
        if not iri.startswith(str(CGTID)) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", iri[len(str(CGTID)) :]):
            wrong.append((iri, "not a cgtid: slug"))
    assert wrong == []


def test_objects_of_object_properties_are_defined_concepts(vocabulary, ontology, reference):
    object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    dangling = sorted(
        (str(s), str(p), str(o))
        for s, p, o in reference
        if p in object_properties and str(p).startswith(str(CGT)) and str(o) not in vocabulary.concepts
    )
    assert dangling == []


def test_reference_facts_fit_domain_and_range(vocabulary, ontology, reference):
    """Reference facts respect rdfs:domain and rdfs:range (headquarteredIn: Company -> Place, partOf: Country -> Region...)."""
    from rdflib.collection import Collection

    def ancestors(cls: URIRef) -> set[URIRef]:
        return {cls, *ontology.transitive_objects(cls, RDFS.subClassOf)}

    def allowed(node) -> set[URIRef]:
        if isinstance(node, URIRef):
            return {node}
        union = ontology.value(node, OWL.unionOf)
        return set(Collection(ontology, union)) if union is not None else set()

    def classes_of(term) -> set[URIRef]:
        return set().union(*(ancestors(c) for c in reference.objects(term, RDF.type) if isinstance(c, URIRef)))

    wrong = []
    for s, p, o in reference:
        if not str(p).startswith(str(CGT)) or (p, RDF.type, OWL.ObjectProperty) not in ontology:
            continue
        for end, term in ((RDFS.domain, s), (RDFS.range, o)):
            expected = allowed(ontology.value(p, end))
            if expected and not expected & classes_of(term):
                wrong.append((str(s), str(p), str(o), "domain" if end == RDFS.domain else "range"))
    assert wrong == []


def test_approval_years_are_gyears(reference):
    years = list(reference.objects(None, CGT.approvalYear))
    assert years
    assert all(isinstance(y, Literal) and re.fullmatch(r"(?:19|20)\d\d", str(y)) for y in years)


# ---------------------------------------------------------------------------- lookup and resolution


def test_resolve_name_strips_legal_suffix(vocabulary):
    resolved = resolve_name("Novartis AG", "Company", vocabulary)
    assert resolved.iri == str(CGTID["novartis"])
    assert resolved.in_vocabulary


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Helixmith Co., Ltd.", "helixmith"),
        ("Pfizer Inc.", "pfizer"),
        ("Lunaris Bio plc", "lunaris-bio"),
        ("Orinthe Genetics, Inc.", "orinthe-genetics"),
    ],
)
def test_resolve_name_company_forms(vocabulary, name, expected):
    assert resolve_name(name, "Company", vocabulary).iri == str(CGTID[expected])


def test_a_company_the_vocabulary_names_with_its_legal_form_resolves_as_written(vocabulary):
    assert resolve_name("SK Inc.", "Company", vocabulary).iri == str(CGTID["sk-inc"])
    assert resolve_name("SK Group", "Company", vocabulary).iri != str(CGTID["sk-inc"])


def test_unknown_company_is_minted_from_normalised_name(vocabulary):
    resolved = resolve_name("Lunaris Bio plc", "Company", vocabulary)
    assert not resolved.in_vocabulary
    assert resolved.label == "Lunaris Bio"
    assert resolved.type == "Company"


def test_uk_and_us_spelling_resolve_to_the_same_concept(vocabulary):
    uk, us = vocabulary.lookup("haemophilia B"), vocabulary.lookup("hemophilia B")
    assert uk is not None and us is not None
    assert uk.iri == us.iri == str(CGTID["hemophilia-b"])


@pytest.mark.parametrize("name", ["CAR-T", "CAR T cell therapies", "CAR T-cell therapy", "car-t cell therapy", "CAR-T therapies"])
def test_car_t_forms_resolve_to_car_t(vocabulary, name):
    concept = vocabulary.lookup(name)
    assert concept is not None
    assert concept.iri == str(CGTID["car-t-cell-therapy"])


@pytest.mark.parametrize("name", ["U.S.", "US", "USA", "United States", "the United States"])
def test_us_forms_resolve_to_united_states(vocabulary, name):
    concept = vocabulary.lookup(name)
    assert concept is not None
    assert concept.iri == str(CGTID["united-states"])


def test_lookup_of_unknown_name_is_none(vocabulary):
    assert vocabulary.lookup("Quintessential Zebra Widgets") is None
    assert vocabulary.lookup("") is None


@pytest.mark.parametrize(
    "label, expected",
    [("Kolon TissueGene", "kolon-tissuegene"), ("CAR T-cell therapy", "car-t-cell-therapy"), ("Thérapeutiques Lumeric", "therapeutiques-lumeric"), ("--", "")],
)
def test_slug_rule_of_conventions(label, expected):
    assert slug(label) == expected
