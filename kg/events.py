"""Regulatory events: one Approval per product and agency (or jurisdiction), one DesignationGrant per
product and designation, one Clearance (an IND or CTA: a trial may begin) and one Withdrawal per
product and agency, merged over the sentences of a document that state them, with the indications,
approval type and date those sentences give.

Approvals and designations are built from the relation shortcuts (approvedBy, approvedIn,
grantedDesignation, treats), which stay in the graph and point to their event; clearances and
withdrawals (and any other [[decision]] kind) from the words of a sentence that names a product
(ontology/patterns/events.toml). Every kind is a subclass of cgt:RegulatoryEvent in ontology/cgt.ttl.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.dates import DATE, iso_date
from kg.model import Entity, Relation, RegulatoryEvent, Span
from kg.ontology import ONTOLOGY_DIR, load_schema
from kg.stages import mentions_within, nearest_mention, sorted_mentions

EVENTS_PATTERNS = ONTOLOGY_DIR / "patterns" / "events.toml"
CUE_REACH = 100
"""Characters at most between the words naming what was decided and the decision ("approved ... plans to begin")."""
PRODUCT_REACH = 2
"""A clearance sentence naming no product is about the product of the sentences just before it (at most this many)."""


@dataclass(frozen=True)
class DecisionCue:
    """One [[decision]] of ontology/patterns/events.toml: the words that make an event of `kind` of a sentence."""

    kind: str
    subject: re.Pattern
    decision: re.Pattern
    earlier_product: bool


@functools.lru_cache(maxsize=4)
def event_patterns(path: Path = EVENTS_PATTERNS) -> dict:
    """Approval types and the decision cues (clearances, withdrawals) of ontology/patterns/events.toml, compiled;
    UserError naming the file and the kind when ontology/cgt.ttl declares no such event kind."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    schema = load_schema()
    for entry in data.get("decision", ()):
        schema.event_kind(entry["kind"], str(path))
    stated = data.get("approval_stated", {})
    return {
        "approval_stated": (re.compile(stated["before_product"], re.I), re.compile(stated["after_product"], re.I),
                            re.compile(f"{stated['not_stated']}|{stated['to_come']}", re.I)) if stated else None,
        "approval_to_come": re.compile(stated["to_come"], re.I) if stated else None,
        "approval_types": tuple((entry["name"], re.compile(entry["cue"], re.I)) for entry in data["approval_type"]),
        "decisions": tuple(
            DecisionCue(entry["kind"], re.compile(entry["subject"], re.I), re.compile(entry["decision"], re.I), bool(entry.get("earlier_product")))
            for entry in data.get("decision", ())
        ),
    }


def events_from(relations: tuple[Relation, ...], sentences: Sequence[Span] = (), entities: tuple[Entity, ...] = ()) -> tuple[RegulatoryEvent, ...]:
    """The regulatory events a document states: approvals, one per product and agency (a sentence's
    approvedIn goes with the agency of that sentence; one without an agency is an approval in each
    place it names); designations, one per product and designation; and, from `sentences` and `entities`,
    clearances and withdrawals, one per product and agency. A product's approval shortcut in a sentence
    that clears a trial of it or withdraws it makes no Approval."""
    others = _decided_events(sentences, entities)
    not_approvals = {(event.product, span.start) for event in others for span in event.sources}
    to_come = event_patterns()["approval_to_come"]
    if to_come is not None:  # 'a payment due on approval of Zolgensma in Japan': no approval yet
        not_approvals |= {(r.subject, r.evidence.start) for r in relations if r.predicate in ("approvedBy", "approvedIn")
                          and to_come.search(r.evidence.text)}
    classes = {entity.iri: entity.cls for entity in entities}
    # an event is of a product: 'the first gene therapy approved by the FDA' approves no modality
    relations = tuple(r for r in relations if classes.get(r.subject, "TherapyProduct") == "TherapyProduct")
    by_sentence: dict[tuple[str, int], list[Relation]] = {}
    designations: dict[tuple[str, str], list[Relation]] = {}
    for relation in relations:
        if relation.predicate in ("approvedBy", "approvedIn") and (relation.subject, relation.evidence.start) not in not_approvals:
            by_sentence.setdefault((relation.subject, relation.evidence.start), []).append(relation)
        elif relation.predicate == "grantedDesignation":
            designations.setdefault((relation.subject, relation.object), []).append(relation)
    approvals: dict[tuple[str, str | None, str | None], list[Relation]] = {}
    for (product, _), stated in by_sentence.items():
        agencies = [r.object for r in stated if r.predicate == "approvedBy"]
        places = [r.object for r in stated if r.predicate == "approvedIn"]
        for agency in agencies:
            approvals.setdefault((product, agency, None), []).extend(r for r in stated if r.predicate == "approvedIn" or r.object == agency)
        for place in () if agencies else dict.fromkeys(places):  # 'approved in the United Kingdom and Bahrain': two approvals
            approvals.setdefault((product, None, place), []).extend(r for r in stated if r.object == place)
    approvals = _places_join_their_agency(approvals)
    treats = [r for r in relations if r.predicate == "treats"]
    events = []
    for (product, agency, place), stated in approvals.items():
        spans = _sentences(stated)
        places = [r.object for r in stated if r.predicate == "approvedIn"]
        events.append(RegulatoryEvent(
            kind="Approval", product=product, agency=agency,
            jurisdiction=place or (places[0] if places else agency_jurisdictions().get(agency or "")),
            designation=None, indications=_indications(product, spans, treats),
            approval_type=_approval_type(spans), date=_date(spans),
            evidence=spans[0], sources=spans,
        ))
    for (product, designation), stated in designations.items():
        spans = _sentences(stated)
        events.append(RegulatoryEvent(
            kind="DesignationGrant", product=product, agency=None, jurisdiction=None, designation=designation,
            indications=_indications(product, spans, treats), approval_type=None, date=_date(spans),
            evidence=spans[0], sources=spans,
        ))
    events.extend(_approvals_in_words(sentences, entities, events, not_approvals))
    events.extend(others)
    return tuple(events)


def _approvals_in_words(sentences: Sequence[Span], entities: tuple[Entity, ...], events: list[RegulatoryEvent],
                        not_approvals: set[tuple[str, int]]) -> list[RegulatoryEvent]:
    """Approvals a sentence states without an agency or a place ('the approvals of Kymriah and Yescarta in 2017',
    'Carvykti obtained approval in 2022'): one per product the document gives no other approval of (an article on an
    FDA approval that speaks of 'the approval of X' means that one), unless the sentence speaks of an approval still to
    come ('potential approval', 'seeking approval')."""
    cues = event_patterns()["approval_stated"]
    products = sorted_mentions(entities, lambda e: e.cls == "TherapyProduct")
    if cues is None or not products:
        return []
    before_product, after_product, not_stated = cues
    approved = {event.product for event in events if event.kind == "Approval"}  # 'the approval of X' restates that one
    found: dict[str, list[Span]] = {}
    for sentence in sentences:
        here = mentions_within(products, sentence)
        if not here or not_stated.search(sentence.text):
            continue
        for start, iri in here:
            offset = start - sentence.start
            if iri in approved or (iri, sentence.start) in not_approvals:
                continue
            if before_product.search(sentence.text[max(0, offset - 60) : offset]) or after_product.match(sentence.text[offset:offset + 120]):
                found.setdefault(iri, []).append(sentence)
    countries = sorted_mentions(entities, lambda e: e.cls == "Country")
    return [RegulatoryEvent(kind="Approval", product=iri, agency=None, jurisdiction=_only_country(countries, spans), designation=None,
                            indications=(), approval_type=_approval_type(tuple(spans)), date=_date(tuple(spans)), evidence=spans[0],
                            sources=tuple(spans))
            for iri, spans in found.items()]


def _only_country(countries: list[tuple[int, str]], sentences: list[Span]) -> str | None:
    """The one country the sentences of an approval name as a place something is in ('the only company in Japan with
    two approved CAR T cell therapies, Breyanzi, which received approval in March 2021'; not 'based in Germany' or
    'shipped to Germany'): where it was approved; None for none or several."""
    named = {iri for sentence in sentences for start, iri in mentions_within(countries, sentence)
             if IN_PLACE.search(sentence.text[max(0, start - sentence.start - 40) : start - sentence.start])}
    return named.pop() if len(named) == 1 else None


IN_PLACE = re.compile(r"(?<!based )(?<!headquartered )(?<!located )(?<!incorporated )(?<!founded )\bin (?:the )?$", re.I)
"""The words right before a country that make it where things are ('in Japan', 'in the United States'), not where a
company is based."""


def _places_join_their_agency(approvals: dict[tuple, list[Relation]]) -> dict[tuple, list[Relation]]:
    """'Approved in the U.S.' in one sentence and 'the FDA granted approval' in another are one approval: an
    approval stated only by its place joins the product's approval by the agency whose jurisdiction that
    place is (cgt:jurisdiction in the vocabulary), when there is exactly one such approval."""
    places = agency_jurisdictions()
    merged = {key: list(stated) for key, stated in approvals.items() if key[1] is not None}
    for (product, agency, place), stated in approvals.items():
        if agency is not None:
            continue
        home = [key for key in merged if key[0] == product and places.get(key[1]) == place]
        merged.setdefault(home[0] if len(home) == 1 else (product, None, place), []).extend(stated)
    return merged


@functools.lru_cache(maxsize=1)
def agency_jurisdictions() -> dict[str, str]:
    """Each agency of the vocabulary with the country or region it decides for."""
    from kg.namespaces import CGT
    from kg.ontology import load_vocabulary

    return {str(agency): str(place) for agency, place in load_vocabulary().reference.subject_objects(CGT.jurisdiction)}


def _decided_events(sentences: Sequence[Span], entities: tuple[Entity, ...]) -> list[RegulatoryEvent]:
    """Events read from words (clearances, withdrawals: the [[decision]]s of events.toml): a sentence whose words
    name an application or an authorisation near a decision on it, about the product it names (with
    `earlier_product`: else the one named just before), decided by the agency it names."""
    patterns = event_patterns()
    products = sorted_mentions(entities, lambda e: e.cls == "TherapyProduct")
    agencies = sorted_mentions(entities, lambda e: e.type == "Agency")
    places = sorted_mentions(entities, lambda e: e.type in ("Country", "Region"))
    found: dict[tuple, list[Span]] = {}
    if not products or not sentences:
        return []  # a decision is on a product
    whole = "\n".join(sentence.text for sentence in sentences)
    cues = [cue for cue in patterns["decisions"] if cue.subject.search(whole) and cue.decision.search(whole)]
    for at, sentence in enumerate(sentences if cues else ()):  # most texts decide on no application at all
        text = sentence.text
        named_here = mentions_within(products, sentence)
        for cue in cues:
            if not named_here and not cue.earlier_product:
                continue
            near = _cue_near(text, cue.subject, cue.decision)
            if near is None:
                continue
            here = named_here
            if not here and cue.earlier_product:
                earlier = [m for s in sentences[max(0, at - PRODUCT_REACH) : at] for m in mentions_within(products, s)]
                here = earlier[-1:]
            if not here:
                continue
            product = nearest_mention(here, sentence.start + near)
            deciders = list(dict.fromkeys(iri for _, iri in mentions_within(agencies, sentence))) or [None]
            place = next((iri for _, iri in mentions_within(places, sentence)), None)
            for agency in deciders:  # 'authorisations from the British (MHRA) and Belgian (AFMPS) authorities': one each
                found.setdefault((cue.kind, product, agency, place if agency is None else None), []).append(sentence)
            break
    events = []
    for (kind, product, agency, place), stated in found.items():
        spans = tuple(dict.fromkeys(stated))
        jurisdiction = place or next((iri for s in spans for _, iri in mentions_within(places, s)), None)
        events.append(RegulatoryEvent(
            kind=kind, product=product, agency=agency, jurisdiction=jurisdiction, designation=None,
            indications=(), approval_type=None, date=_date(spans), evidence=spans[0], sources=spans,
        ))
    return events


def _cue_near(text: str, subject: re.Pattern, decision: re.Pattern) -> int | None:
    """Where in `text` a `subject` cue lies within CUE_REACH characters of a `decision` cue, else None."""
    decisions = [m.start() for m in decision.finditer(text)]
    if not decisions:
        return None
    for match in subject.finditer(text):
        if any(abs(match.start() - d) <= CUE_REACH for d in decisions):
            return match.start()
    return None


def _sentences(stated: list[Relation]) -> tuple[Span, ...]:
    return tuple(dict.fromkeys(r.evidence for r in sorted(stated, key=lambda r: r.evidence.start)))


def _indications(product: str, sentences: tuple[Span, ...], treats: list[Relation]) -> tuple[str, ...]:
    """What the product treats, by the treats relations of the event's own sentences."""
    starts = {s.start for s in sentences}
    return tuple(dict.fromkeys(r.object for r in treats if r.subject == product and r.evidence.start in starts))


def _approval_type(sentences: tuple[Span, ...]) -> str:
    for name, cue in event_patterns()["approval_types"]:
        if any(cue.search(s.text) for s in sentences):
            return name
    return "standard"


def _date(sentences: tuple[Span, ...]) -> str | None:
    dates = [iso_date(m.group(0)) for s in sentences for m in DATE.finditer(s.text)]
    return max((d for d in dates if d), key=len, default=None)
