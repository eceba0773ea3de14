"""Typed records that flow between the stages: text -> extraction -> graph.

`Extraction.to_json()` is the contract of `kg extract --json`; later stages and
tests rely on its field names.
"""

from __future__ import annotations

import hashlib

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.iris import document_iri

if TYPE_CHECKING:
    from kg.consistency import GrowthCheck

TOP_LEVEL_TYPES = (
    "Company",
    "Agency",
    "Regulation",
    "Region",
    "Country",
    "Therapy",
    "Technology",
    "Disease",
    "EndUser",
    "DeliveryMethod",
    "Person",
)

PREDICATES = (
    "collaboratesWith",
    "acquires",
    "investsIn",
    "develops",
    "approvedBy",
    "approvedIn",
    "treats",
    "grantedDesignation",
    "regulatedBy",
    "appliesIn",
    "headquarteredIn",
    "usesTechnology",
)

SYMMETRIC_PREDICATES = frozenset({"collaboratesWith"})

MEASURES = ("MarketSize", "CAGR", "Share", "Count", "DealValue")


@dataclass(frozen=True)
class Span:
    """A stretch of a document's text, with offsets into the text as read."""

    text: str
    start: int
    end: int

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class SourceDocument:
    """One article as read from disk: its text and the hash that names its version."""

    path: str
    title: str
    sha256: str
    text: str
    url: str | None = None
    """The web address the text was fetched from (`kg build URL`), if any."""

    @property
    def iri(self) -> str:
        return document_iri(self.sha256)

    @property
    def text_key(self) -> str:
        """The SHA-256 of the text with its white space folded: the same article read from two files or formats
        (a .txt and the .html page it came from) has one key, whatever their bytes."""
        return hashlib.sha256(" ".join(self.text.split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entity:
    """One real-world thing named in a document, resolved to a single IRI."""

    iri: str
    label: str
    type: str
    cls: str
    mentions: tuple[Span, ...]
    in_vocabulary: bool
    salience: float = 0.0

    def to_json(self) -> dict:
        return {
            "id": self.iri,
            "label": self.label,
            "type": self.type,
            "class": self.cls,
            "salience": round(self.salience, 3),
            "mentions": [m.to_json() for m in self.mentions],
        }


@dataclass(frozen=True)
class Relation:
    """A subject-predicate-object fact with the sentence that states it."""

    subject: str
    predicate: str
    object: str
    confidence: float
    evidence: Span
    rule: str

    def to_json(self) -> dict:
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "confidence": round(self.confidence, 3),
            "rule": self.rule,
            "evidence": self.evidence.to_json(),
        }


@dataclass(frozen=True)
class Figure:
    """A number a document states, normalised to value, unit and year or period."""

    measure: str
    value: float
    unit: str
    year: int | None
    period: str | None
    forecast: bool
    subject: str | None
    measures: str
    confidence: float
    evidence: Span
    rule: str
    scope: str | None = None

    def to_json(self) -> dict:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "measure": self.measure,
            "value": value,
            "unit": self.unit,
            "year": self.year,
            "period": self.period,
            "forecast": self.forecast,
            "subject": self.subject,
            "scope": self.scope,
            "measures": self.measures,
            "confidence": round(self.confidence, 3),
            "rule": self.rule,
            "evidence": self.evidence.to_json(),
        }


@dataclass(frozen=True)
class DealParty:
    """A company in a deal, with its role: acquirer/target, licensor/licensee, investor/investee, partner."""

    iri: str
    label: str
    role: str

    def to_json(self) -> dict:
        return {"id": self.iri, "label": self.label, "role": self.role}


DEAL_TERMS = ("upfront", "equity", "milestones", "total", "per_share")
DEAL_VALUE_FLOOR = 10_000
"""No deal is worth less: a smaller amount in a deal sentence is a price per share or a share price."""


@dataclass(frozen=True)
class DealTerm:
    """One money term of a deal: the amount as stated, and in US dollars by the rate table of its year."""

    name: str
    value: float
    currency: str
    usd: float | None
    evidence: Span

    def to_json(self) -> dict:
        return {"value": self.value, "currency": self.currency, "usd": self.usd}


@dataclass(frozen=True)
class Deal:
    """One real-world deal a document describes, merged over all the sentences that state it."""

    kind: str
    parties: tuple[DealParty, ...]
    predicate: str
    date: str | None
    """Announcement date at its stated precision: "YYYY", "YYYY-MM" or "YYYY-MM-DD"."""
    terms: tuple[DealTerm, ...]
    status: str | None
    topic: str | None
    evidence: Span
    sources: tuple[Span, ...] = ()
    """Every sentence of the document that states this deal (evidence is the first)."""

    def term(self, name: str) -> DealTerm | None:
        """The term of that name (upfront, equity, milestones, total, per_share), if stated."""
        return next((t for t in self.terms if t.name == name), None)

    @property
    def value(self) -> DealTerm | None:
        """What the deal is worth: its total, else its upfront payment, else the equity it buys (a strategic
        investment states only that); never a per-share price."""
        return self.term("total") or self.term("upfront") or self.term("equity")

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "parties": [p.to_json() for p in self.parties],
            "terms": {name: (t.to_json() if (t := self.term(name)) else None) for name in DEAL_TERMS},
            "date": self.date,
            "status": self.status,
            "topic": self.topic,
            "evidence": self.evidence.to_json(),
        }


@dataclass(frozen=True)
class RegulatoryEvent:
    """One approval or designation of a product a document states, merged over its sentences."""

    kind: str
    """Approval, DesignationGrant, Clearance (a trial may begin; not an approval) or Withdrawal."""
    product: str
    agency: str | None
    jurisdiction: str | None
    designation: str | None
    indications: tuple[str, ...]
    approval_type: str | None
    """standard, accelerated, conditional, conditional and time-limited, conditional marketing authorisation."""
    date: str | None
    evidence: Span
    sources: tuple[Span, ...] = ()

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "product": self.product,
            "agency": self.agency,
            "jurisdiction": self.jurisdiction,
            "designation": self.designation,
            "indications": list(self.indications),
            "type": self.approval_type,
            "date": self.date,
            "evidence": self.evidence.to_json(),
        }


@dataclass(frozen=True)
class DevelopmentStage:
    """A product in a phase of development for an indication, as one document states it."""

    product: str
    indication: str | None
    phase: str
    """preclinical, Phase 1, Phase 1/2, Phase 2, Phase 2/3, Phase 3, pivotal or filed."""
    trials: tuple[str, ...]
    evidence: Span
    sources: tuple[Span, ...] = ()

    def to_json(self) -> dict:
        return {"product": self.product, "indication": self.indication, "phase": self.phase, "trials": list(self.trials), "evidence": self.evidence.to_json()}


@dataclass(frozen=True)
class Extraction:
    """Everything read from one document: the record `kg extract` prints and `kg build` stores."""

    document: SourceDocument
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    figures: tuple[Figure, ...]
    deals: tuple[Deal, ...] = field(default=())
    growth_checks: tuple[GrowthCheck, ...] = field(default=())
    events: tuple[RegulatoryEvent, ...] = field(default=())
    stages: tuple[DevelopmentStage, ...] = field(default=())
    pipeline: str = ""

    def to_json(self) -> dict:
        return {
            "document": {
                "id": self.document.iri,
                "path": self.document.path,
                "title": self.document.title,
                "sha256": self.document.sha256,
            },
            "pipeline": self.pipeline,
            "entities": [e.to_json() for e in self.entities],
            "relations": [r.to_json() for r in self.relations],
            "figures": [f.to_json() for f in self.figures],
            "deals": [d.to_json() for d in self.deals],
            "events": [e.to_json() for e in self.events],
            "stages": [s.to_json() for s in self.stages],
            "growth_checks": [c.to_json() for c in self.growth_checks],
        }
