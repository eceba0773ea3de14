"""Development stages: which phase each product is in, for which indication, with its trial ids.

A stage is read from a sentence that names a product (a TherapyProduct entity) and a phase
("Phase 1/2", "Phase III", "pivotal", "preclinical", a filed BLA/MAA/NDA): the product named
nearest before the phase (else after it), the disease named nearest to it, and the trial ids
(NCT, jRCT, EudraCT, CTR) of the sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from kg.model import DevelopmentStage, Entity, Span

ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
PHASE = re.compile(
    r"\b(?:Phase|Ph\.?)\s*(?P<first>IV|I{1,3}|[1-4])[ab]?(?:\s*/\s*(?P<second>IV|I{1,3}|[1-4])[ab]?)?\b"
    r"|\b(?P<pivotal>pivotal|registrational)\b"
    r"|\b(?P<preclinical>pre-?clinical)\b"
    r"|\b(?P<filed>(?:BLA|MAA|NDA|marketing authori[sz]ation application)\b[^.;]{0,40}?\b(?:fil\w*|submi\w*|accepted))",
    re.I,
)
TRIAL_ID = re.compile(r"\b(?:NCT\d{8}|jRCT\w{6,}|EudraCT\s?\d{4}-\d{6}-\d{2}|CTR\d{8})\b")


def sorted_mentions(entities: tuple[Entity, ...], wanted) -> list[tuple[int, str]]:
    """(start, IRI) of every mention of the entities `wanted(entity)` accepts, sorted, for `mentions_within`."""
    return sorted((m.start, e.iri) for e in entities if wanted(e) for m in e.mentions)


def stages_from(sentences: Sequence[Span], entities: tuple[Entity, ...]) -> tuple[DevelopmentStage, ...]:
    """One stage per product, indication and phase a document states, with every sentence that states it."""
    products = sorted_mentions(entities, lambda e: e.cls == "TherapyProduct")
    diseases = sorted_mentions(entities, lambda e: e.type == "Disease")
    found: dict[tuple, DevelopmentStage] = {}
    for sentence in sentences:
        phases = list(PHASE.finditer(sentence.text))
        if not phases:
            continue
        here = mentions_within(products, sentence)
        if not here:
            continue
        sick = mentions_within(diseases, sentence)
        trials = tuple(dict.fromkeys(TRIAL_ID.findall(sentence.text)))
        for match in phases:
            at = sentence.start + match.start()
            product = nearest_mention(here, at)
            indication = nearest_mention(sick, at) if sick else None
            key = (product, indication, _phase(match))
            if key in found:
                earlier = found[key]
                found[key] = DevelopmentStage(*key, tuple(dict.fromkeys(earlier.trials + trials)), earlier.evidence, earlier.sources + (sentence,))
            else:
                found[key] = DevelopmentStage(*key, trials, sentence, (sentence,))
    return tuple(found.values())


def mentions_within(mentions: list[tuple[int, str]], sentence: Span) -> list[tuple[int, str]]:
    """The (start, IRI) mentions that begin inside a sentence, found by bisection in the sorted list."""
    return mentions[bisect_left(mentions, (sentence.start, "")) : bisect_left(mentions, (sentence.end, ""))]


def nearest_mention(mentions: list[tuple[int, str]], offset: int) -> str:
    """The entity mentioned nearest before `offset`, else the first one after it (mentions sorted by start)."""
    before = [iri for start, iri in mentions if start <= offset]
    return before[-1] if before else mentions[0][1]


def _phase(match: re.Match) -> str:
    if match.group("pivotal"):
        return "pivotal"
    if match.group("preclinical"):
        return "preclinical"
    if match.group("filed"):
        return "filed"
    first = ROMAN.get(match.group("first").upper(), match.group("first"))
    second = match.group("second")
    return f"Phase {first}/{ROMAN.get(second.upper(), second)}" if second else f"Phase {first}"
