"""Scores extraction against the hand-written gold annotations of corpus/ (NAME.gold.json).

Entities match on type and identity, relations on subject, predicate and object
(either direction for symmetric predicates), figures on unit, value within 1% and
year or period. Each gold item is matched at most once, so a split entity or a
repeated fact costs precision.

Deals and regulatory events are scored where the gold lists them (corpus/real/): a deal is right
when its kind, its parties and their roles, its year and its value are all right (its total or upfront within
DEAL_VALUE_TOLERANCE of the stated total or upfront, else of the equity it buys; none when the gold states none);
an event when its kind,
product and agency (or designation) are.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg.build import read_sources
from kg.errors import UserError
from kg.extract import extract_documents, one_per_statement
from kg.model import SYMMETRIC_PREDICATES, Deal, Extraction

DEAL_VALUE_TOLERANCE = 0.03
GOLD_EVENT_KINDS = {"Designation": "DesignationGrant"}
"""Gold event kinds named otherwise in the graph."""
from kg.ontology import Vocabulary, load_vocabulary
from kg.resolve import resolve_name


@dataclass
class Score:
    """Counts of true positives, system items and gold items, with P/R/F1."""

    tp: int = 0
    system: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.system if self.system else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.system += other.system
        self.gold += other.gold


@dataclass
class DocumentScore:
    """The three scores of one document and the items that did not match."""

    path: str
    entities: Score
    relations: Score
    figures: Score
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    deals: Score = field(default_factory=lambda: Score())
    events: Score = field(default_factory=lambda: Score())


@dataclass
class RuleTally:
    """How often a rule's relations were right: its measured precision."""

    correct: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    judged: list[tuple[str, float, bool]] = field(default_factory=list)
    """Every relation and figure scored: ('relation' or 'figure', its confidence, whether gold has it)."""

    def record(self, kind: str, rule: str, confidence: float, correct: bool) -> None:
        """Count one scored relation or figure of a rule."""
        self.total[rule] += 1
        self.correct[rule] += correct
        self.judged.append((kind, confidence, correct))


@dataclass(frozen=True)
class ReliabilityRow:
    """Relations or figures whose confidence lies in one bucket: what they claimed and how often they were right."""

    kind: str
    low: float
    high: float
    count: int
    claimed: float
    observed: float


def reliability(tally: RuleTally, edges: tuple[float, ...] = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)) -> list[ReliabilityRow]:
    """Claimed confidence against observed precision per confidence bucket: confidence means what it says
    when the two agree."""
    rows = []
    for kind in ("relation", "figure"):
        for low, high in zip(edges, edges[1:]):
            items = [(c, ok) for k, c, ok in tally.judged if k == kind and low <= c < high]
            if items:
                rows.append(ReliabilityRow(kind, low, min(high, 1.0), len(items), sum(c for c, _ in items) / len(items), sum(ok for _, ok in items) / len(items)))
    return rows


PRIOR_WEIGHT = 2
"""How many observations the rule's own stated confidence counts for when its precision is measured."""


def _prior(rule: str, priors: dict[str, float]) -> float:
    """A rule's stated confidence; for a reading derived from another ('treats.for+apposition+included') the
    confidence of the rule it comes from, else 0.5."""
    base = rule.split("+", 1)[0]
    return priors.get(rule, priors.get(base, 0.5))


def measured_precision(tally: RuleTally, priors: dict[str, float] | None = None) -> dict[str, dict]:
    """Each rule's precision on the gold texts, smoothed toward the confidence the rule states (its prior: that of
    the rule a derived reading comes from, 0.5 when none is stated) as if that were PRIOR_WEIGHT observations: a rule
    seen once and wrong is not 'useless', one seen twice and right is not 'always right'."""
    priors = priors or {}
    return {
        rule: {
            "precision": round((tally.correct[rule] + PRIOR_WEIGHT * _prior(rule, priors)) / (found + PRIOR_WEIGHT), 3),
            "correct": tally.correct[rule], "found": found,
        }
        for rule, found in sorted(tally.total.items())
    }


@dataclass(frozen=True)
class GoldEntity:
    label: str
    type: str
    identities: frozenset[str]


def gold_path(article: Path) -> Path:
    """Where the gold annotation of an article lives."""
    return article.with_name(article.stem + ".gold.json")


def _identities(label: str, type_: str, mentions: Iterable[str], vocabulary: Vocabulary) -> frozenset[str]:
    names = [label, *mentions]
    return frozenset(resolve_name(name, type_, vocabulary).iri for name in names)


def load_gold(path: Path, vocabulary: Vocabulary) -> dict:
    """Read one gold file and resolve its labels to IRIs the way the extractor names things."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: cannot read gold annotation ({error})") from error
    entities = {
        item["label"]: GoldEntity(item["label"], item["type"], _identities(item["label"], item["type"], item.get("mentions", []), vocabulary))
        for item in data.get("entities", [])
    }
    return {
        "entities": entities, "relations": data.get("relations", []), "figures": _distinct(data.get("figures", [])),
        "deals": data.get("deals", []), "events": data.get("events", []),
    }


def _distinct(figures: list[dict]) -> list[dict]:
    """A figure restated in one document is one figure, as extraction keeps it: a gold file that lists each statement
    ('$3-billion deal' in the headline, 'approximately $3 billion' in the text) counts it once."""
    return one_per_statement(figures, lambda f: (f["measure"], f["value"], f["unit"], f.get("year"), f.get("period")))


def _figure_matches(system, gold: dict) -> bool:
    if system.unit != gold["unit"]:
        return False
    if abs(system.value - gold["value"]) > 0.01 * abs(gold["value"]):
        return False
    if gold.get("period"):
        return system.period == gold["period"]
    return system.year == gold.get("year")


def score_document(extraction: Extraction, gold: dict, tally: RuleTally) -> DocumentScore:
    """Compare one extraction with its gold annotation."""
    result = DocumentScore(extraction.document.path, Score(), Score(), Score())
    gold_entities: dict[str, GoldEntity] = gold["entities"]

    unmatched = dict(gold_entities)
    result.entities.gold = len(gold_entities)
    result.entities.system = len(extraction.entities)
    for entity in extraction.entities:
        hit = next((g for g in unmatched.values() if g.type == entity.type and entity.iri in g.identities), None)
        if hit:
            result.entities.tp += 1
            del unmatched[hit.label]
        else:
            result.spurious.append(f"entity  {entity.type:<14} {entity.label}")
    result.misses += [f"entity  {g.type:<14} {g.label}" for g in unmatched.values()]

    gold_relations = [r for r in gold["relations"] if r["subject"] in gold_entities and r["object"] in gold_entities]
    system_relations = {}
    for relation in extraction.relations:
        key = (relation.subject, relation.predicate, relation.object)
        if relation.predicate in SYMMETRIC_PREDICATES:
            key = (min(relation.subject, relation.object), relation.predicate, max(relation.subject, relation.object))
        system_relations.setdefault(key, relation)
    labels = {e.iri: e.label for e in extraction.entities}
    result.relations.gold = len(gold_relations)
    result.relations.system = len(system_relations)
    remaining = list(gold_relations)
    for (s, p, o), relation in system_relations.items():
        hit = None
        for g in remaining:
            if g["predicate"] != p:
                continue
            subject, obj = gold_entities[g["subject"]].identities, gold_entities[g["object"]].identities
            if (s in subject and o in obj) or (p in SYMMETRIC_PREDICATES and s in obj and o in subject):
                hit = g
                break
        tally.record("relation", relation.rule, relation.confidence, hit is not None)
        if hit:
            result.relations.tp += 1
            remaining.remove(hit)
        else:
            result.spurious.append(f"relation {labels.get(s, s)} {p} {labels.get(o, o)}  [{relation.rule}]")
    found = {entity.iri for entity in extraction.entities}
    result.misses += [f"relation {g['subject']} {g['predicate']} {g['object']}{_unfound_ends(g, gold_entities, found)}" for g in remaining]

    judge = lambda figure, right: tally.record("figure", figure.rule, figure.confidence, right)
    spurious, missed = _match_once(extraction.figures, gold["figures"], _figure_matches, result.figures, judge)
    result.spurious += [f"figure  {f.measure} {f.value:g} {f.unit} {f.year or f.period or ''}" for f in spurious]
    result.misses += [f"figure  {g['measure']} {g['value']:g} {g['unit']} {g.get('year') or g.get('period') or ''}" for g in missed]
    _score_deals(extraction, gold, result)
    _score_events(extraction, gold, result)
    return result


def _unfound_ends(relation: dict, gold_entities: dict[str, GoldEntity], found: set[str]) -> str:
    """Which ends of a missed relation extraction did not find as entities: a missed entity and a missed
    pattern call for different fixes."""
    ends = [end for end in ("subject", "object") if not gold_entities[relation[end]].identities & found]
    return f"  ({' and '.join(ends)} not found)" if ends else ""


def _identity(label: str | None, gold_entities: dict[str, GoldEntity]) -> frozenset[str]:
    entity = gold_entities.get(label or "")
    return entity.identities if entity else frozenset()


def deal_is_right(deal: Deal, gold: dict, gold_entities: dict[str, GoldEntity]) -> bool:
    """A deal record is right when kind, parties with their roles, year and value all agree with the gold deal."""
    if deal.kind != gold["kind"] or len(deal.parties) != len(gold["parties"]):
        return False
    wanted = [(_identity(p["label"], gold_entities), p["role"]) for p in gold["parties"]]
    for party in deal.parties:
        match = next((w for w in wanted if party.iri in w[0] and party.role == w[1]), None)
        if match is None:
            return False
        wanted.remove(match)
    if gold.get("date") and (deal.date or "")[:4] != gold["date"][:4]:
        return False
    stated = _headline_terms(gold.get("terms") or {})
    if not stated:
        return deal.value is None
    found = [term for term in map(deal.term, HEADLINE_TERMS) if term is not None] or ([deal.value] if deal.value else [])
    return any(term.currency == want["currency"] and abs(term.value - want["value"]) <= DEAL_VALUE_TOLERANCE * want["value"]
               for term in found for want in stated)


HEADLINE_TERMS = ("total", "upfront")
"""The terms a deal's value is judged by: 'a value within 3% of the stated total or upfront' (issue 11)."""


def _headline_terms(terms: dict) -> list[dict]:
    """The gold deal's stated total and upfront, else the equity a strategic investment buys."""
    return [terms[name] for name in HEADLINE_TERMS if terms.get(name)] or ([terms["equity"]] if terms.get("equity") else [])


def _match_once(found, gold_items, matches, score: Score, judged=None) -> tuple[list, list]:
    """Match each found item to at most one gold item (`matches(item, gold)`), counting into `score`;
    `judged(item, right)` hears of each. Returns the found items nothing matched and the gold items left over."""
    remaining = list(gold_items)
    score.gold, score.system = len(remaining), len(found)
    spurious = []
    for item in found:
        hit = next((g for g in remaining if matches(item, g)), None)
        if judged is not None:
            judged(item, hit is not None)
        if hit is None:
            spurious.append(item)
        else:
            score.tp += 1
            remaining.remove(hit)
    return spurious, remaining


def _score_deals(extraction: Extraction, gold: dict, result: DocumentScore) -> None:
    spurious, missed = _match_once(extraction.deals, gold["deals"], lambda deal, g: deal_is_right(deal, g, gold["entities"]), result.deals)
    for deal in spurious:
        names = " + ".join(f"{p.label} ({p.role})" for p in deal.parties)
        value = f" {deal.value.value:,.0f} {deal.value.currency}" if deal.value else ""
        result.spurious.append(f"deal    {deal.kind} {names} {deal.date or ''}{value}")
    for g in missed:
        names = " + ".join(f"{p['label']} ({p['role']})" for p in g["parties"])
        result.misses.append(f"deal    {g['kind']} {names} {g.get('date') or ''}")


def event_is_right(event, gold: dict, gold_entities: dict[str, GoldEntity]) -> bool:
    """An event is right when its kind and product agree with the gold event, and so does what decided it:
    a designation grant's designation (its agency follows from the designation), an approval's agency or
    jurisdiction, whichever the gold event names (either, when it names both)."""
    if GOLD_EVENT_KINDS.get(gold["kind"], gold["kind"]) != event.kind or event.product not in _identity(gold.get("product"), gold_entities):
        return False
    if event.kind == "DesignationGrant":
        return event.designation in _identity(gold.get("designation"), gold_entities)
    deciders = [gold[field] for field in ("agency", "jurisdiction") if gold.get(field)]
    found = [value for value in (event.agency, event.jurisdiction) if value]
    return not deciders or any(value in _identity(decider, gold_entities) for decider in deciders for value in found)


def _score_events(extraction: Extraction, gold: dict, result: DocumentScore) -> None:
    spurious, missed = _match_once(extraction.events, gold["events"], lambda event, g: event_is_right(event, g, gold["entities"]), result.events)
    result.spurious += [f"event   {e.kind} {e.product} {e.agency or e.designation or ''}" for e in spurious]
    result.misses += [f"event   {g['kind']} {g.get('product')} {g.get('agency') or g.get('designation') or ''}" for g in missed]


@dataclass
class Evaluation:
    """Per-document scores, the micro-averaged totals, and each rule's measured precision."""

    documents: list[DocumentScore]
    entities: Score
    relations: Score
    figures: Score
    rules: RuleTally
    deals: Score = field(default_factory=lambda: Score())
    """tp: deals entirely right; gold: deals the gold states; system: deal records extracted."""
    events: Score = field(default_factory=lambda: Score())

    def macro_f1(self, part: str) -> float:
        """The mean over documents of one part's F1 ('entities', 'relations' or 'figures'); a document
        with neither gold nor system items of that part is left out."""
        scores = [getattr(d, part) for d in self.documents if getattr(d, part).gold or getattr(d, part).system]
        return sum(score.f1 for score in scores) / len(scores) if scores else 1.0


def evaluate(paths: list[Path], nlp: Language, min_confidence: float = 0.0) -> Evaluation:
    """Run extraction on every article that has a gold file and score it."""
    vocabulary = load_vocabulary()
    sources = [s for s in read_sources(paths, []) if gold_path(Path(s.path)).exists()]
    if not sources:
        raise UserError(f"no article with a .gold.json annotation under {', '.join(map(str, paths))}")
    golds = {s.path: load_gold(gold_path(Path(s.path)), vocabulary) for s in sources}
    tally = RuleTally()
    documents = [
        score_document(extraction, golds[extraction.document.path], tally)
        for extraction in extract_documents(sources, nlp, min_confidence=min_confidence)
    ]
    totals = [Score() for _ in range(5)]
    for document in documents:
        for total, part in zip(totals, (document.entities, document.relations, document.figures, document.deals, document.events)):
            total.add(part)
    return Evaluation(documents, *totals[:3], rules=tally, deals=totals[3], events=totals[4])
