"""Mentions -> canonical entities: vocabulary IRIs, legal suffixes removed, minted IRIs for new names."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from spacy.tokens import Span

from kg.model import Entity, Span as TextSpan
from kg.namespaces import mint_entity
from kg.nlp import span_text
from kg.ontology import Vocabulary


@dataclass(frozen=True)
class Resolved:
    """The identity a span resolves to."""

    iri: str
    label: str
    cls: str
    type: str
    in_vocabulary: bool


@functools.lru_cache(maxsize=4)
def _suffix_pattern(suffixes: tuple[str, ...]) -> re.Pattern:
    ordered = sorted({s.lower().rstrip(".") for s in suffixes}, key=len, reverse=True)
    return re.compile(r"(?:[\s,]+(?:" + "|".join(re.escape(s) for s in ordered) + r")\.?)+$", re.I)


@functools.lru_cache(maxsize=1)
def _platform_noun() -> re.Pattern:
    """A platform noun at the end of a name, one of entity_words.toml's platform_nouns (the name finder's list)."""
    from kg.nlp.entities import default_entity_words

    nouns = "|".join(re.escape(noun) for noun in sorted(default_entity_words()["platform_nouns"], key=len, reverse=True))
    return re.compile(rf"\s*[®™]?\s+(?:{nouns})$", re.I)


def strip_platform_noun(name: str) -> str:
    """A technology by its brand: 'TRACER platform' -> 'TRACER', 'LentiVector® platform' -> 'LentiVector'."""
    return _platform_noun().sub("", name.strip()).rstrip("®™") or name


def strip_company_suffix(name: str, vocabulary: Vocabulary) -> str:
    """'Helixmith Co., Ltd.' -> 'Helixmith'; 'Lunaris Bio plc' -> 'Lunaris Bio'."""
    stripped = _suffix_pattern(vocabulary.company_suffixes).sub("", name.strip()).strip(" ,")
    return stripped or name


def clean_name(text: str) -> str:
    """A mention as a name: possessive and surrounding punctuation removed, spaces folded."""
    text = re.sub(r"['’]s$", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" ,;:()\"'")


def resolve_span(span: Span, vocabulary: Vocabulary) -> Resolved:
    """The entity a span names: its vocabulary concept, else a minted IRI for its normalised name."""
    iri = span.id_ or span.ent_id_
    if iri in vocabulary.concepts:
        concept = vocabulary.concepts[iri]
        return Resolved(concept.iri, concept.label, concept.cls, concept.type, True)
    return _resolved_names(span.doc, vocabulary)(span.kb_id_ or span_text(span), span.label_)


def _resolved_names(doc, vocabulary: Vocabulary):
    """`resolve_name` of a mention's text and class, worked out once per distinct name of the document."""
    known = doc.user_data.get("cgt_resolved_names")
    if known is None or known[0] is not vocabulary:
        known = doc.user_data["cgt_resolved_names"] = (vocabulary, {})
    names = known[1]

    def resolved(text: str, cls: str) -> Resolved:
        key = (text, cls)
        if key not in names:
            names[key] = resolve_name(clean_name(text), cls, vocabulary)
        return names[key]

    return resolved


def resolve_name(name: str, cls: str, vocabulary: Vocabulary) -> Resolved:
    """Resolve a bare name of a known class, as the gold annotations and the CLI name things: a company by its
    name as written when the vocabulary knows it so ('SK Inc.', apart from 'SK Group'), else without its legal form;
    a technology the vocabulary does not know by its brand, without 'platform' ('the TRACER platform' is TRACER)."""
    top = vocabulary.type_of(cls)
    names = ((name, strip_company_suffix(name, vocabulary)) if cls == "Company"
             else (name, strip_platform_noun(name)) if top == "Technology" else (name,))
    for candidate in dict.fromkeys(names):
        concept = vocabulary.lookup(candidate)
        if concept is not None and (concept.type == top or top not in vocabulary.class_types.values()):
            return Resolved(concept.iri, concept.label, concept.cls, concept.type, True)
    return Resolved(str(mint_entity(names[-1])), names[-1], cls, top, False)


def entities_of(mentions: list[tuple[Span, Resolved]], relation_counts: dict[str, int], text_length: int) -> tuple[Entity, ...]:
    """Group resolved mentions by IRI into Entity records, most salient first."""
    grouped: dict[str, list[Span]] = {}
    identities: dict[str, Resolved] = {}
    for span, identity in mentions:
        grouped.setdefault(identity.iri, []).append(span)
        identities.setdefault(identity.iri, identity)
    most = max((len(v) for v in grouped.values()), default=1)
    entities = []
    for iri, mentions in grouped.items():
        identity = identities[iri]
        first = min(m.start_char for m in mentions) / max(1, text_length)
        salience = (
            0.5 * math.log1p(len(mentions)) / math.log1p(most)
            + 0.25 * (1 - first)
            + 0.25 * min(1.0, relation_counts.get(iri, 0) / 3)
        )
        entities.append(
            Entity(
                iri=iri,
                label=identity.label,
                type=identity.type,
                cls=identity.cls,
                mentions=tuple(TextSpan(span_text(m), m.start_char, m.end_char) for m in mentions),
                in_vocabulary=identity.in_vocabulary,
                salience=round(min(1.0, salience), 3),
            )
        )
    return tuple(sorted(entities, key=lambda e: (-e.salience, e.label)))


