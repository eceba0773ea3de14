"""Deal events (collaboration, acquisition, investment) as n-ary records built from relations."""

from __future__ import annotations

import re

from kg.dates import DATE
from kg.model import Deal, Figure, Relation

DEAL_KINDS = {"collaboratesWith": "Collaboration", "acquires": "Acquisition", "investsIn": "Investment"}
TOPIC = re.compile(
    r"\b(?:to develop|to co-develop|to manufacture|to commercialise|to commercialize|focused on|focusing on|aimed at|for the development of|on the development of|covering|around|on|for|to)\s+((?:(?!\b(?:in|for|with|worth|valued|under|which|that|and will)\b)[^,.;()])+)",
    re.I,
)


def deals_from(relations: tuple[Relation, ...], figures: tuple[Figure, ...]) -> tuple[Deal, ...]:
    """One Deal per deal relation, with the date, value and topic its sentence states."""
    deals = []
    for relation in relations:
        kind = DEAL_KINDS.get(relation.predicate)
        if kind is None:
            continue
        sentence = relation.evidence.text
        value = next(
            (f for f in figures if f.measure == "DealValue" and f.evidence.start == relation.evidence.start),
            None,
        )
        date = DATE.search(sentence)
        topic = _topic(sentence) if kind == "Collaboration" else None
        deals.append(
            Deal(
                kind=kind,
                parties=(relation.subject, relation.object),
                predicate=relation.predicate,
                date=date.group(0) if date else None,
                value=value,
                topic=topic,
                evidence=relation.evidence,
            )
        )
    return tuple(deals)


def _topic(sentence: str) -> str | None:
    after = re.split(r"\b(?:collaboration|partnership|alliance|agreement|deal|joint venture)\b", sentence, maxsplit=1, flags=re.I)
    if len(after) < 2:
        return None
    match = TOPIC.search(after[1])
    return match.group(1).strip() if match else None
