"""Extraction -> RDF: one named graph per document, with evidence and provenance.

Modelling of evidence: every extracted relation is a plain triple in the document's
graph, and an `rdf:Statement` (standard RDF reification) carries its sentence,
offsets, confidence and rule. Figures and deals are n-ary nodes of their own.

This is the one place that builds a document's quads: they are made here as the
store's own typed quads (pyoxigraph `Quad`s), so a build hands them to the store as
they are, with no text written and parsed again on the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from kg import __version__
from kg.deals import broader_kind, identifying_parties
from kg.model import Extraction, Span
from kg.namespaces import (
    CGT,
    SCHEMA,
    deal_iri,
    regulatory_event_iri,
    trial_iri,
    event_iri,
    figure_iri,
    mention_iri,
    statement_iri,
)

_XSD = {name: ox.NamedNode(str(XSD[name])) for name in ("integer", "decimal", "boolean", "dateTime", "date", "gYearMonth", "gYear")}
DATE_TYPES = {10: "date", 7: "gYearMonth", 4: "gYear"}
"""xsd datatype of a date by the length of its ISO form: a day, a month or a year."""


@dataclass(frozen=True)
class DocumentQuads:
    """One document's named graph as the store writes it: the graph name and its quads, each quad once."""

    name: URIRef
    quads: list[ox.Quad]


class _QuadsOf:
    """Collects the quads of one named graph, each distinct IRI made into a term once."""

    def __init__(self, name: str):
        self.graph = ox.NamedNode(name)
        self._nodes: dict[str, ox.NamedNode] = {}
        self.quads: dict[ox.Quad, None] = {}

    def add(self, subject: str, predicate: str, obj: str | ox.Literal) -> None:
        """Add one triple: subject and predicate are IRIs, the object an IRI or a literal."""
        self.quads[ox.Quad(self._node(subject), self._node(predicate), obj if isinstance(obj, ox.Literal) else self._node(obj), self.graph)] = None

    def _node(self, iri: str) -> ox.NamedNode:
        node = self._nodes.get(iri)
        if node is None:
            node = self._nodes[iri] = ox.NamedNode(iri)
        return node


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD["integer"])


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_XSD["boolean"])


def _decimal(value: float | str) -> ox.Literal:
    """An xsd:decimal from a lexical form (repr_decimal) or a float written as Python writes it."""
    return ox.Literal(value if isinstance(value, str) else str(value), datatype=_XSD["decimal"])


def _english(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _date(iso: str) -> ox.Literal:
    return ox.Literal(iso, datatype=_XSD[DATE_TYPES[len(iso)]])


def _add_evidence(out: _QuadsOf, node: str, evidence: Span, confidence: float, rule: str, document: str) -> None:
    out.add(node, CGT.evidenceText, ox.Literal(evidence.text))
    out.add(node, CGT.startOffset, _integer(evidence.start))
    out.add(node, CGT.endOffset, _integer(evidence.end))
    out.add(node, CGT.confidence, _decimal(round(confidence, 3)))
    out.add(node, CGT.rule, ox.Literal(rule))
    out.add(node, PROV.wasDerivedFrom, document)


def document_quads(extraction: Extraction, extracted_at: datetime | None = None, extractor: str | None = None) -> DocumentQuads:
    """The named graph of one document as typed quads: its record, entities, relations, figures and deals.

    `extractor` is the fingerprint of the extractor that read it (kg.build.extractor_fingerprint).
    """
    source = extraction.document
    document = URIRef(source.iri)
    out = _QuadsOf(source.iri)
    when = (extracted_at or datetime.now(timezone.utc)).replace(microsecond=0)
    out.add(document, RDF.type, CGT.Document)
    out.add(document, RDF.type, PROV.Entity)
    out.add(document, DCTERMS.title, ox.Literal(source.title))
    out.add(document, CGT.path, ox.Literal(source.path))
    if source.url:
        out.add(document, DCTERMS.source, source.url)
    out.add(document, CGT.sha256, ox.Literal(source.sha256))
    out.add(document, CGT.textKey, ox.Literal(source.text_key))
    out.add(document, PROV.generatedAtTime, ox.Literal(when.isoformat(), datatype=_XSD["dateTime"]))
    out.add(document, CGT.extractorVersion, ox.Literal(f"cgt-kg {__version__}; {extraction.pipeline}"))
    if extractor:
        out.add(document, CGT.extractorFingerprint, ox.Literal(extractor))

    for entity in extraction.entities:
        mention = mention_iri(document, entity.iri)
        out.add(document, SCHEMA.mentions, entity.iri)
        out.add(document, CGT.hasMention, mention)
        out.add(mention, RDF.type, CGT.Mention)
        out.add(mention, CGT.entity, entity.iri)
        out.add(mention, CGT.salience, _decimal(entity.salience))
        out.add(mention, CGT.mentionCount, _integer(len(entity.mentions)))
        if not entity.in_vocabulary:
            out.add(entity.iri, RDF.type, CGT[entity.cls])
            out.add(entity.iri, RDF.type, SKOS.Concept)
            out.add(entity.iri, SKOS.prefLabel, _english(entity.label))
            for alias in sorted({m.text for m in entity.mentions} - {entity.label}):
                out.add(entity.iri, SKOS.altLabel, _english(alias))

    statements = {}
    for relation in extraction.relations:
        s, p, o = relation.subject, CGT[relation.predicate], relation.object
        out.add(s, p, o)
        node = statement_iri(document, relation.subject, relation.predicate, relation.object, relation.evidence.start)
        statements[(relation.subject, relation.predicate, relation.object, relation.evidence.start)] = node
        out.add(node, RDF.type, RDF.Statement)
        out.add(node, RDF.subject, s)
        out.add(node, RDF.predicate, p)
        out.add(node, RDF.object, o)
        _add_evidence(out, node, relation.evidence, relation.confidence, relation.rule, document)

    figures = {}
    for figure in extraction.figures:
        node = figure_iri(document, figure.measure, figure.value, figure.unit, figure.evidence.start, figure.year, figure.period)
        figures[id(figure)] = node
        out.add(node, RDF.type, CGT.MarketFigure)
        out.add(node, CGT.measure, ox.Literal(figure.measure))
        out.add(node, CGT.value, _decimal(repr_decimal(figure.value)))
        out.add(node, CGT.unit, ox.Literal(figure.unit))
        out.add(node, CGT.forecast, _boolean(figure.forecast))
        out.add(node, CGT.measures, ox.Literal(figure.measures))
        if figure.year is not None:
            out.add(node, CGT.year, _integer(figure.year))
        if figure.period:
            out.add(node, CGT.period, ox.Literal(figure.period))
        if figure.subject:
            out.add(node, CGT.about, figure.subject)
        if figure.scope:
            out.add(node, CGT.scope, figure.scope)
        _add_evidence(out, node, figure.evidence, figure.confidence, figure.rule, document)

    for check in extraction.growth_checks:
        node = figures[id(check.cagr)]
        out.add(node, CGT.impliedValue, _decimal(repr_decimal(round(check.implied, 2))))
        out.add(node, CGT.consistent, _boolean(check.agrees))
        out.add(node, CGT.checkedAgainst, figures[id(check.start)])
        out.add(node, CGT.checkedAgainst, figures[id(check.end)])

    for deal in extraction.deals:
        node = deal_iri(broader_kind(deal.kind) or deal.kind, identifying_parties(deal), deal.date[:4] if deal.date else None)
        out.add(node, RDF.type, CGT[deal.kind])
        out.add(node, RDF.type, CGT.Deal)
        if broader_kind(deal.kind):
            out.add(node, RDF.type, CGT[broader_kind(deal.kind)])
        for party in deal.parties:
            out.add(node, CGT.party, party.iri)
            out.add(node, CGT[party.role], party.iri)
        if deal.date:
            out.add(node, CGT.dealDate, _date(deal.date))
        if deal.status:
            out.add(node, CGT.status, ox.Literal(deal.status))
        if deal.topic:
            out.add(node, CGT.topic, ox.Literal(deal.topic))
        value = deal.value
        if value is not None:
            out.add(node, CGT.value, _decimal(repr_decimal(value.value)))
            out.add(node, CGT.unit, ox.Literal(value.currency))
            if value.usd is not None:
                out.add(node, CGT.usdValue, _decimal(repr_decimal(value.usd)))
        for term in deal.terms:
            term_node = event_iri(document, node, term.name)
            out.add(node, CGT["term"], term_node)
            out.add(term_node, RDF.type, CGT.DealTerm)
            out.add(term_node, CGT.termName, ox.Literal(term.name))
            out.add(term_node, CGT.value, _decimal(repr_decimal(term.value)))
            out.add(term_node, CGT.unit, ox.Literal(term.currency))
            if term.usd is not None:
                out.add(term_node, CGT.usdValue, _decimal(repr_decimal(term.usd)))
            out.add(term_node, CGT.evidenceText, ox.Literal(term.evidence.text))
        for sentence in deal.sources or (deal.evidence,):
            # (a round that names no investor has one party, and no statement of its own)
            statement = statements.get((deal.parties[0].iri, deal.predicate, deal.parties[-1].iri, sentence.start)) if len(deal.parties) > 1 else None
            if statement is not None:
                out.add(node, CGT.assertion, statement)
            out.add(node, CGT.evidenceText, ox.Literal(sentence.text))
        out.add(node, PROV.wasDerivedFrom, document)
    for event in extraction.events:
        node = regulatory_event_iri(event.kind, event.product, event.agency or event.designation, event.date[:4] if event.date else None)
        out.add(node, RDF.type, CGT[event.kind])
        out.add(node, RDF.type, CGT.RegulatoryEvent)
        out.add(node, CGT["product"], event.product)
        for predicate, value in (("agency", event.agency), ("inJurisdiction", event.jurisdiction), ("designation", event.designation)):
            if value:
                out.add(node, CGT[predicate], value)
        for indication in event.indications:
            out.add(node, CGT.indication, indication)
        if event.approval_type:
            out.add(node, CGT.approvalType, ox.Literal(event.approval_type))
        if event.date:
            out.add(node, CGT.eventDate, _date(event.date))
        for sentence in event.sources or (event.evidence,):
            out.add(node, CGT.evidenceText, ox.Literal(sentence.text))
            for predicate in SHORTCUTS.get(event.kind, ()):
                for target in {event.agency, event.jurisdiction, event.designation} - {None}:
                    statement = statements.get((event.product, predicate, target, sentence.start))
                    if statement is not None:
                        out.add(statement, CGT.event, node)
        out.add(node, PROV.wasDerivedFrom, document)
    for stage in extraction.stages:
        node = event_iri(document, "stage", stage.product, stage.indication, stage.phase)
        out.add(node, RDF.type, CGT.DevelopmentStage)
        out.add(node, CGT.stageOf, stage.product)
        if stage.indication:
            out.add(node, CGT.stageIndication, stage.indication)
        out.add(node, CGT.phase, ox.Literal(stage.phase))
        for registry_id in stage.trials:
            trial = trial_iri(registry_id)
            out.add(node, CGT.trial, trial)
            out.add(trial, RDF.type, CGT.ClinicalTrial)
            out.add(trial, SKOS.prefLabel, ox.Literal(registry_id))
        for sentence in stage.sources or (stage.evidence,):
            out.add(node, CGT.evidenceText, ox.Literal(sentence.text))
        out.add(node, PROV.wasDerivedFrom, document)
    return DocumentQuads(document, list(out.quads))


def document_nquads(extraction: Extraction, extractor: str | None = None) -> bytes:
    """One document's named graph as N-Quads (the Dask path's partitions, loaded by the bulk loader)."""
    return ox.serialize(document_quads(extraction, extractor=extractor).quads, format=ox.RdfFormat.N_QUADS)


def document_graph(extraction: Extraction, extracted_at: datetime | None = None, extractor: str | None = None) -> Graph:
    """The named graph of one document as an rdflib Graph (the same triples as `document_quads`)."""
    written = document_quads(extraction, extracted_at, extractor)
    triples = ox.serialize([quad.triple for quad in written.quads], format=ox.RdfFormat.N_TRIPLES)
    return Graph(identifier=written.name).parse(data=triples.decode("utf-8"), format="nt")


SHORTCUTS = {"Approval": ("approvedBy", "approvedIn"), "DesignationGrant": ("grantedDesignation",)}
"""The relation shortcuts each kind of regulatory event stands behind (other kinds, read from words, stand behind none)."""


def typed_date(iso: str) -> Literal:
    """A date at its stated precision as xsd:date, xsd:gYearMonth or xsd:gYear, so SPARQL can sort and filter it."""
    return Literal(iso, datatype=XSD[DATE_TYPES[len(iso)]])


def repr_decimal(value: float) -> str:
    """A number as an xsd:decimal lexical form without exponent ('14200000000', '24.5')."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def named_graph(graph: Graph, identifier: URIRef) -> Graph:
    """A copy of a graph under a graph name (the vocabulary and ontology layers)."""
    named = Graph(identifier=identifier)
    for triple in graph:
        named.add(triple)
    return named
