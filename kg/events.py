"""Regulatory events: one Approval per product and agency (or jurisdiction), one DesignationGrant per
product and designation, merged over the sentences of a document that state them, with the
indications, approval type and date those sentences give.

They are built from the relation shortcuts (approvedBy, approvedIn, grantedDesignation, treats),
which stay in the graph and point to their event.
"""

from __future__ import annotations

import re

from kg.dates import DATE, iso_date
from kg.model import Relation, RegulatoryEvent, Span

APPROVAL_TYPES = (
    ("conditional and time-limited", re.compile(r"\bconditional(?:ly)?(?:,)? (?:and )?time-limited\b|\bconditional and time-limited\b", re.I)),
    ("conditional marketing authorisation", re.compile(r"\bconditional marketing authori[sz]ation\b", re.I)),
    ("accelerated", re.compile(r"\baccelerated approval\b", re.I)),
    ("conditional", re.compile(r"\bconditional(?:ly)? approv\w*|\bconditional approval\b", re.I)),
)


def events_from(relations: tuple[Relation, ...]) -> tuple[RegulatoryEvent, ...]:
    """The approvals and designations a document states: one per product and agency (a sentence's
    approvedIn goes with the agency of that sentence; one without an agency is an approval in that
    place), and one per product and designation."""
    by_sentence: dict[tuple[str, int], list[Relation]] = {}
    designations: dict[tuple[str, str], list[Relation]] = {}
    for relation in relations:
        if relation.predicate in ("approvedBy", "approvedIn"):
            by_sentence.setdefault((relation.subject, relation.evidence.start), []).append(relation)
        elif relation.predicate == "grantedDesignation":
            designations.setdefault((relation.subject, relation.object), []).append(relation)
    approvals: dict[tuple[str, str | None, str | None], list[Relation]] = {}
    for (product, _), stated in by_sentence.items():
        agencies = [r.object for r in stated if r.predicate == "approvedBy"]
        places = [r.object for r in stated if r.predicate == "approvedIn"]
        for agency in agencies or [None]:
            key = (product, agency, None if agency else places[0])
            approvals.setdefault(key, []).extend(r for r in stated if r.predicate == "approvedIn" or r.object == agency)
    treats = [r for r in relations if r.predicate == "treats"]
    events = []
    for (product, agency, place), stated in approvals.items():
        sentences = _sentences(stated)
        places = [r.object for r in stated if r.predicate == "approvedIn"]
        events.append(RegulatoryEvent(
            kind="Approval", product=product, agency=agency, jurisdiction=place or (places[0] if places else None),
            designation=None, indications=_indications(product, sentences, treats),
            approval_type=_approval_type(sentences), date=_date(sentences),
            evidence=sentences[0], sources=sentences,
        ))
    for (product, designation), stated in designations.items():
        sentences = _sentences(stated)
        events.append(RegulatoryEvent(
            kind="DesignationGrant", product=product, agency=None, jurisdiction=None, designation=designation,
            indications=_indications(product, sentences, treats), approval_type=None, date=_date(sentences),
            evidence=sentences[0], sources=sentences,
        ))
    return tuple(events)


def _sentences(stated: list[Relation]) -> tuple[Span, ...]:
    return tuple(dict.fromkeys(r.evidence for r in sorted(stated, key=lambda r: r.evidence.start)))


def _indications(product: str, sentences: tuple[Span, ...], treats: list[Relation]) -> tuple[str, ...]:
    """What the product treats, by the treats relations of the event's own sentences."""
    starts = {s.start for s in sentences}
    return tuple(dict.fromkeys(r.object for r in treats if r.subject == product and r.evidence.start in starts))


def _approval_type(sentences: tuple[Span, ...]) -> str:
    for name, cue in APPROVAL_TYPES:
        if any(cue.search(s.text) for s in sentences):
            return name
    return "standard"


def _date(sentences: tuple[Span, ...]) -> str | None:
    dates = [iso_date(m.group(0)) for s in sentences for m in DATE.finditer(s.text)]
    return max((d for d in dates if d), key=len, default=None)
