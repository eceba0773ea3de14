"""Text -> Extraction records: runs the spaCy pipeline and resolves what it found.

`extract_documents` streams documents through `nlp.pipe` and turns each parsed
Doc into an `Extraction` (entities, relations, figures, deals), the contract
`kg extract --json` prints and `kg build` stores.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan

from kg.consistency import growth_checks
from kg.deals import deals_from
from kg.events import events_from
from kg.stages import stages_from
from kg.model import SYMMETRIC_PREDICATES, Extraction, Figure, Relation, SourceDocument, Span
from kg.nlp.pipeline import load_pipeline, parse, pipeline_description
from kg.nlp import entities_between, sentences_of, span_text, text_of
from kg.ontology import Vocabulary, load_vocabulary, rule_precision, vocabulary_links
from kg.nlp.relations import COMPOUND_RULE, NATIONALITY_RULE
from kg.resolve import Resolved, entities_of, resolve_span

FIGURE_SUBJECT_TYPES = ("Region", "Country", "Therapy", "Disease", "Technology", "EndUser", "DeliveryMethod", "Company")


def extract_documents(
    sources: Iterable[SourceDocument],
    nlp: Language,
    min_confidence: float = 0.0,
    batch_size: int = 16,
    jobs: int = 1,
) -> Iterator[Extraction]:
    """One Extraction per document, in input order, streamed through the pipeline in batches.

    With `jobs` > 1, documents are shared among worker processes that each load the same
    pipeline once and send back finished Extraction records. (spaCy's own `nlp.pipe(n_process=...)`
    ships Docs back, and our components' results hold Spans that do not travel between processes.)
    """
    if jobs > 1:
        yield from _extract_in_processes(sources, nlp.meta.get("cgt_model"), min_confidence, batch_size, jobs)
        return
    vocabulary = load_vocabulary()
    pipeline = pipeline_description(nlp)
    pairs = ((source.text, source) for source in sources)
    for doc, source in parse(nlp, pairs, batch_size):
        yield extraction_of(source, doc, vocabulary, pipeline, min_confidence)


def _extract_batch(model: str | None, min_confidence: float, sources: list[SourceDocument]) -> list[Extraction]:
    """Worker side of `extract_documents(jobs=N)`: the pipeline is loaded once per process (cached)."""
    return list(extract_documents(sources, load_pipeline(model), min_confidence))


def _extract_in_processes(sources, model, min_confidence, batch_size, jobs) -> Iterator[Extraction]:
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    from spacy.util import minibatch

    from kg.sandbox import exit_with_parent

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
        work = partial(_extract_batch, model, min_confidence)
        for extractions in pool.map(work, minibatch(sources, size=max(1, batch_size // 4))):
            yield from extractions


def extraction_of(source: SourceDocument, doc: Doc, vocabulary: Vocabulary, pipeline: str, min_confidence: float) -> Extraction:
    """Turn one parsed Doc into an Extraction with resolved IRIs."""
    ents = doc.ents
    resolved = {ent.start_char: resolve_span(ent, vocabulary) for ent in ents}
    relations = _relations(doc, resolved, min_confidence)
    stated_figures = _figures(doc, ents, resolved, min_confidence)
    figures = distinct_figures(stated_figures)
    counts = Counter(iri for r in relations for iri in (r.subject, r.object))
    mentions = [(ent, resolved[ent.start_char]) for ent in ents]
    mentions += [
        (m.object, resolve_span(m.object, vocabulary))
        for m in doc._.cgt_relations or ()
        if m.rule.startswith(OBJECTS_OUTSIDE_ENTITIES)
    ]
    entities = entities_of(mentions, counts, len(text_of(doc)))
    sentences = [_evidence(sentence) for sentence in sentences_of(doc)[1]]
    labels = {entity.iri: entity.label for entity in entities}
    named = {entity.iri: entity.mentions for entity in entities}
    return Extraction(
        document=source,
        entities=entities,
        relations=relations,
        figures=figures,
        deals=deals_from(relations, stated_figures, labels, sentences, named, text_of(doc),
                         [entity.iri for entity in entities if entity.cls == "TherapyProduct"],
                         [entity.iri for entity in entities if entity.type == "Company"]),
        events=events_from(relations, sentences, entities),
        stages=stages_from(sentences, entities),
        growth_checks=growth_checks(figures, text_of(doc)),
        pipeline=pipeline,
    )


MARKUP_LEAD = re.compile(r"^(?:#{1,6}|[-*+>])\s+")
"""A Markdown heading, list or quote marker at the start of a line: not part of the sentence it introduces."""


def _evidence(sentence) -> Span:
    """A sentence as evidence: its text without surrounding white space or a leading Markdown marker ('# '),
    with offsets into the document that still point at exactly that text."""
    text = span_text(sentence)
    stripped = text.strip()
    start = sentence.start_char + (len(text) - len(text.lstrip()))
    marker = MARKUP_LEAD.match(stripped)
    if marker and len(stripped) > marker.end():
        stripped, start = stripped[marker.end():], start + marker.end()
    return Span(stripped, start, start + len(stripped))


def _relations(doc: Doc, resolved: dict[int, Resolved], min_confidence: float) -> tuple[Relation, ...]:
    relations: dict[tuple, Relation] = {}
    vocabulary = load_vocabulary()
    for mention in doc._.cgt_relations or ():
        subject = resolved.get(mention.subject.start_char) or resolve_span(mention.subject, vocabulary)
        obj = resolve_span(mention.object, vocabulary) if mention.rule.startswith(OBJECTS_OUTSIDE_ENTITIES) else resolved[mention.object.start_char]
        if subject.iri == obj.iri or mention.confidence < min_confidence or _contradicts_definition(subject.iri, mention.predicate, obj.iri):
            continue
        relation = Relation(subject.iri, mention.predicate, obj.iri, mention.confidence, _evidence(mention.sentence), mention.rule)
        key = (relation.subject, relation.predicate, relation.object, relation.evidence.start)
        if mention.predicate in SYMMETRIC_PREDICATES:
            key = (*sorted((relation.subject, relation.object)), relation.predicate, relation.evidence.start)
        if key not in relations or relations[key].confidence < relation.confidence:
            relations[key] = relation
    return tuple(relations.values())


OBJECTS_OUTSIDE_ENTITIES = (COMPOUND_RULE, NATIONALITY_RULE)
"""Rules whose object is a word inside or beside a name ('AAV' in 'AAV-based', 'Swiss' in 'the Swiss drugmaker'),
not one of the document's entities: it is resolved on its own and joins the entities."""

DEFINITIONAL_PREDICATES = ("regulatedBy", "appliesIn")
"""Facts the vocabulary states by definition (the PRIME scheme is the EMA's and applies in the EU): text that pairs
the thing with another object is a misreading ('received orphan drug designation from the FDA, and ... PRIME from the
EMA'; "Japan's fast-track rules" are not the FDA's Fast Track), not news."""


def _contradicts_definition(subject: str, predicate: str, obj: str) -> bool:
    known = vocabulary_links(predicate).get(subject) if predicate in DEFINITIONAL_PREDICATES else None
    return bool(known) and obj not in known


GLOBAL_WORDS = re.compile(r"\b(?:global|worldwide|world|international)\b", re.I)
PLACE_TYPES = ("Region", "Country")


def _places(spans, resolved: dict[int, Resolved]) -> list[str]:
    return [resolved[e.start_char].iri for e in spans if resolved[e.start_char].type in PLACE_TYPES]


def _document_scope(doc: Doc, ents: tuple[SpacySpan, ...], resolved: dict[int, Resolved]) -> str | None:
    """The market a document is about: the place its title (first line) names, else the whole market."""
    first_line = text_of(doc).lstrip().split("\n", 1)[0]
    start = len(text_of(doc)) - len(text_of(doc).lstrip())
    places = _places([e for e in ents if e.end_char <= start + len(first_line)], resolved)
    return places[0] if places and not GLOBAL_WORDS.search(first_line) else None


def _figures(doc: Doc, ents: tuple[SpacySpan, ...], resolved: dict[int, Resolved], min_confidence: float) -> tuple[Figure, ...]:
    figures = []
    base = 0.9
    document_scope = _document_scope(doc, ents, resolved)
    for mention in doc._.cgt_figures or ():
        sentence = mention.sentence
        sentence_ents = entities_between(ents, sentence.start_char, sentence.end_char)
        subject = _figure_subject(sentence_ents, mention, resolved)
        start = mention.measures_start
        in_phrase = [e for e in sentence_ents if start is not None and start <= e.start_char < mention.span.start_char]
        scope_places = _places(in_phrase, resolved) or _places([e for e in sentence_ents if e.end <= mention.span.start], resolved)[-1:]
        scope = scope_places[0] if scope_places else (None if GLOBAL_WORDS.search(mention.measures) else document_scope)
        confidence = rule_precision().get(mention.rule, base)
        if not (mention.measures_start is not None or mention.measure in ("DealValue", "Count")):
            confidence *= 0.8
        if confidence < min_confidence:
            continue
        figures.append(
            Figure(
                measure=mention.measure,
                value=mention.value,
                unit=mention.unit,
                year=mention.year,
                period=mention.period,
                forecast=mention.forecast,
                subject=subject,
                scope=scope,
                measures=mention.measures,
                confidence=confidence,
                evidence=_evidence(sentence),
                rule=mention.rule,
            )
        )
    return tuple(figures)


def distinct_figures(figures: Iterable[Figure]) -> tuple[Figure, ...]:
    """A figure restated in one document is one figure (see `one_per_statement`). (Deals read every statement, so a
    deal stated again later keeps the amount its sentence restates.)"""
    return tuple(one_per_statement(figures, lambda f: (f.measure, f.value, f.unit, f.year, f.period)))


T = TypeVar("T")


def one_per_statement(figures: Iterable[T], fields: Callable[[T], tuple]) -> list[T]:
    """The first statement of each figure (`fields` gives its measure, value, unit, year and period), and none of an
    undated restatement of a dated one ('CAGR: 18.90%' under 'growing at a CAGR of 18.90% during 2026-2035'): what
    extraction keeps and what `kg eval` counts in a gold file alike."""
    first: dict[tuple, T] = {}
    for figure in figures:
        first.setdefault(fields(figure), figure)
    dated = {key[:3] for key in first if key[3] is not None or key[4] is not None}
    return [figure for key, figure in first.items() if key[3] is not None or key[4] is not None or key[:3] not in dated]


def _figure_subject(sentence_ents: list[SpacySpan], mention, resolved: dict[int, Resolved]) -> str | None:
    """The entity a figure is about: the nearest typed entity before it in its sentence."""
    candidates = [ent for ent in sentence_ents if ent.end <= mention.span.start] or sentence_ents
    for wanted in FIGURE_SUBJECT_TYPES:
        for ent in reversed(candidates):
            identity = resolved[ent.start_char]
            if identity.type == wanted and (mention.measure == "DealValue") == (wanted == "Company"):
                return identity.iri
    return None
