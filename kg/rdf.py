"""Extraction -> RDF: one named graph per document, with evidence and provenance.

Modelling of evidence: every extracted relation is a plain triple in the document's
graph, and an `rdf:Statement` (standard RDF reification) carries its sentence,
offsets, confidence and rule. Figures and deals are n-ary nodes of their own.
"""

from __future__ import annotations

from datetime import datetime, timezone

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from kg import __version__
from kg.deals import broader_kind
from kg.model import Extraction, Span
from kg.namespaces import (
    CGT,
    PREFIXES,
    SCHEMA,
    deal_iri,
    regulatory_event_iri,
    trial_iri,
    event_iri,
    figure_iri,
    mention_iri,
    statement_iri,
)


def _add_evidence(graph: Graph, node: URIRef, evidence: Span, confidence: float, rule: str, document: URIRef) -> None:
    graph.add((node, CGT.evidenceText, Literal(evidence.text)))
    graph.add((node, CGT.startOffset, Literal(evidence.start)))
    graph.add((node, CGT.endOffset, Literal(evidence.end)))
    graph.add((node, CGT.confidence, Literal(round(confidence, 3), datatype=XSD.decimal)))
    graph.add((node, CGT.rule, Literal(rule)))
    graph.add((node, PROV.wasDerivedFrom, document))


def document_graph(extraction: Extraction, extracted_at: datetime | None = None, extractor: str | None = None) -> Graph:
    """The named graph of one document: its record, entities, relations, figures and deals.

    `extractor` is the fingerprint of the extractor that read it (kg.build.extractor_fingerprint).
    """
    source = extraction.document
    document = URIRef(source.iri)
    graph = Graph(identifier=document)
    for name, namespace in PREFIXES.items():
        graph.bind(name, namespace)
    when = (extracted_at or datetime.now(timezone.utc)).replace(microsecond=0)
    graph.add((document, RDF.type, CGT.Document))
    graph.add((document, RDF.type, PROV.Entity))
    graph.add((document, DCTERMS.title, Literal(source.title)))
    graph.add((document, CGT.path, Literal(source.path)))
    if source.url:
        graph.add((document, DCTERMS.source, URIRef(source.url)))
    graph.add((document, CGT.sha256, Literal(source.sha256)))
    graph.add((document, PROV.generatedAtTime, Literal(when, datatype=XSD.dateTime)))
    graph.add((document, CGT.extractorVersion, Literal(f"cgt-kg {__version__}; {extraction.pipeline}")))
    if extractor:
        graph.add((document, CGT.extractorFingerprint, Literal(extractor)))

    for entity in extraction.entities:
        node = URIRef(entity.iri)
        graph.add((document, SCHEMA.mentions, node))
        mention = mention_iri(document, entity.iri)
        graph.add((document, CGT.hasMention, mention))
        graph.add((mention, RDF.type, CGT.Mention))
        graph.add((mention, CGT.entity, node))
        graph.add((mention, CGT.salience, Literal(entity.salience, datatype=XSD.decimal)))
        graph.add((mention, CGT.mentionCount, Literal(len(entity.mentions))))
        if not entity.in_vocabulary:
            graph.add((node, RDF.type, CGT[entity.cls]))
            graph.add((node, RDF.type, SKOS.Concept))
            graph.add((node, SKOS.prefLabel, Literal(entity.label, lang="en")))
            for alias in sorted({m.text for m in entity.mentions} - {entity.label}):
                graph.add((node, SKOS.altLabel, Literal(alias, lang="en")))

    statements = {}
    for relation in extraction.relations:
        s, p, o = URIRef(relation.subject), CGT[relation.predicate], URIRef(relation.object)
        graph.add((s, p, o))
        node = statement_iri(document, relation.subject, relation.predicate, relation.object, relation.evidence.start)
        statements[(relation.subject, relation.predicate, relation.object, relation.evidence.start)] = node
        graph.add((node, RDF.type, RDF.Statement))
        graph.add((node, RDF.subject, s))
        graph.add((node, RDF.predicate, p))
        graph.add((node, RDF.object, o))
        _add_evidence(graph, node, relation.evidence, relation.confidence, relation.rule, document)

    figures = {}
    for figure in extraction.figures:
        node = figure_iri(document, figure.measure, figure.value, figure.unit, figure.evidence.start, figure.year, figure.period)
        figures[id(figure)] = node
        graph.add((node, RDF.type, CGT.MarketFigure))
        graph.add((node, CGT.measure, Literal(figure.measure)))
        graph.add((node, CGT.value, Literal(repr_decimal(figure.value), datatype=XSD.decimal)))
        graph.add((node, CGT.unit, Literal(figure.unit)))
        graph.add((node, CGT.forecast, Literal(figure.forecast)))
        graph.add((node, CGT.measures, Literal(figure.measures)))
        if figure.year is not None:
            graph.add((node, CGT.year, Literal(figure.year)))
        if figure.period:
            graph.add((node, CGT.period, Literal(figure.period)))
        if figure.subject:
            graph.add((node, CGT.about, URIRef(figure.subject)))
        if figure.scope:
            graph.add((node, CGT.scope, URIRef(figure.scope)))
        _add_evidence(graph, node, figure.evidence, figure.confidence, figure.rule, document)

    for check in extraction.growth_checks:
        node = figures[id(check.cagr)]
        graph.add((node, CGT.impliedValue, Literal(repr_decimal(round(check.implied, 2)), datatype=XSD.decimal)))
        graph.add((node, CGT.consistent, Literal(check.agrees)))
        graph.add((node, CGT.checkedAgainst, figures[id(check.start)]))
        graph.add((node, CGT.checkedAgainst, figures[id(check.end)]))

    for deal in extraction.deals:
        node = deal_iri(broader_kind(deal.kind) or deal.kind, tuple(p.iri for p in deal.parties), deal.date[:4] if deal.date else None)
        graph.add((node, RDF.type, CGT[deal.kind]))
        graph.add((node, RDF.type, CGT.Deal))
        if broader_kind(deal.kind):
            graph.add((node, RDF.type, CGT[broader_kind(deal.kind)]))
        for party in deal.parties:
            graph.add((node, CGT.party, URIRef(party.iri)))
            graph.add((node, CGT[party.role], URIRef(party.iri)))
        if deal.date:
            graph.add((node, CGT.dealDate, typed_date(deal.date)))
        if deal.status:
            graph.add((node, CGT.status, Literal(deal.status)))
        if deal.topic:
            graph.add((node, CGT.topic, Literal(deal.topic)))
        value = deal.value
        if value is not None:
            graph.add((node, CGT.value, Literal(repr_decimal(value.value), datatype=XSD.decimal)))
            graph.add((node, CGT.unit, Literal(value.currency)))
            if value.usd is not None:
                graph.add((node, CGT.usdValue, Literal(repr_decimal(value.usd), datatype=XSD.decimal)))
        for term in deal.terms:
            term_node = event_iri(document, node, term.name)
            graph.add((node, CGT["term"], term_node))
            graph.add((term_node, RDF.type, CGT.DealTerm))
            graph.add((term_node, CGT.termName, Literal(term.name)))
            graph.add((term_node, CGT.value, Literal(repr_decimal(term.value), datatype=XSD.decimal)))
            graph.add((term_node, CGT.unit, Literal(term.currency)))
            if term.usd is not None:
                graph.add((term_node, CGT.usdValue, Literal(repr_decimal(term.usd), datatype=XSD.decimal)))
            graph.add((term_node, CGT.evidenceText, Literal(term.evidence.text)))
        for sentence in deal.sources or (deal.evidence,):
            statement = statements.get((deal.parties[0].iri, deal.predicate, deal.parties[1].iri, sentence.start))
            if statement is not None:
                graph.add((node, CGT.assertion, statement))
            graph.add((node, CGT.evidenceText, Literal(sentence.text)))
        graph.add((node, PROV.wasDerivedFrom, document))
    for event in extraction.events:
        node = regulatory_event_iri(event.kind, event.product, event.agency or event.designation, event.date[:4] if event.date else None)
        graph.add((node, RDF.type, CGT[event.kind]))
        graph.add((node, RDF.type, CGT.RegulatoryEvent))
        graph.add((node, CGT["product"], URIRef(event.product)))
        for predicate, value in (("agency", event.agency), ("inJurisdiction", event.jurisdiction), ("designation", event.designation)):
            if value:
                graph.add((node, CGT[predicate], URIRef(value)))
        for indication in event.indications:
            graph.add((node, CGT.indication, URIRef(indication)))
        if event.approval_type:
            graph.add((node, CGT.approvalType, Literal(event.approval_type)))
        if event.date:
            graph.add((node, CGT.eventDate, typed_date(event.date)))
        for sentence in event.sources or (event.evidence,):
            graph.add((node, CGT.evidenceText, Literal(sentence.text)))
            for predicate in SHORTCUTS.get(event.kind, ()):
                for target in {event.agency, event.jurisdiction, event.designation} - {None}:
                    statement = statements.get((event.product, predicate, target, sentence.start))
                    if statement is not None:
                        graph.add((statement, CGT.event, node))
        graph.add((node, PROV.wasDerivedFrom, document))
    for stage in extraction.stages:
        node = event_iri(document, "stage", stage.product, stage.indication, stage.phase)
        graph.add((node, RDF.type, CGT.DevelopmentStage))
        graph.add((node, CGT.stageOf, URIRef(stage.product)))
        if stage.indication:
            graph.add((node, CGT.stageIndication, URIRef(stage.indication)))
        graph.add((node, CGT.phase, Literal(stage.phase)))
        for registry_id in stage.trials:
            trial = trial_iri(registry_id)
            graph.add((node, CGT.trial, trial))
            graph.add((trial, RDF.type, CGT.ClinicalTrial))
            graph.add((trial, SKOS.prefLabel, Literal(registry_id)))
        for sentence in stage.sources or (stage.evidence,):
            graph.add((node, CGT.evidenceText, Literal(sentence.text)))
        graph.add((node, PROV.wasDerivedFrom, document))
    return graph


SHORTCUTS = {"Approval": ("approvedBy", "approvedIn"), "DesignationGrant": ("grantedDesignation",)}
"""The relation shortcuts each kind of regulatory event stands behind (other kinds, read from words, stand behind none)."""


def typed_date(iso: str) -> Literal:
    """A date at its stated precision as xsd:date, xsd:gYearMonth or xsd:gYear, so SPARQL can sort and filter it."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(iso)]
    return Literal(iso, datatype=datatype)


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
