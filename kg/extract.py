"""Text -> Extraction records: runs the spaCy pipeline and resolves what it found.

`extract_documents` streams documents through `nlp.pipe` and turns each parsed
Doc into an `Extraction` (entities, relations, figures, deals), the contract
`kg extract --json` prints and `kg build` stores.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.deals import deals_from
from kg.model import Extraction, Figure, Relation, SourceDocument, Span
from kg.nlp.pipeline import pipeline_description
from kg.ontology import Vocabulary, load_vocabulary
from kg.nlp.relations import COMPOUND_RULE
from kg.resolve import Resolved, entities_of, resolve_span

MARKET_PHRASE = re.compile(r"((?:[\w'’-]+\s+){0,7}?market)\b", re.I)
FIGURE_SUBJECT_TYPES = ("Region", "Country", "Therapy", "Disease", "Technology", "EndUser", "DeliveryMethod", "Company")


def extract_documents(
    sources: Iterable[SourceDocument], nlp: Language, min_confidence: float = 0.0, batch_size: int = 16
) -> Iterator[Extraction]:
    """One Extraction per document, streamed through the pipeline in batches."""
    vocabulary = load_vocabulary()
    pipeline = pipeline_description(nlp)
    pairs = ((source.text, source) for source in sources)
    for doc, source in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield extraction_of(source, doc, vocabulary, pipeline, min_confidence)


def extraction_of(source: SourceDocument, doc: Doc, vocabulary: Vocabulary, pipeline: str, min_confidence: float) -> Extraction:
    """Turn one parsed Doc into an Extraction with resolved IRIs."""
    resolved = {ent.start_char: resolve_span(ent, vocabulary) for ent in doc.ents}
    relations = _relations(doc, resolved, min_confidence)
    figures = _figures(doc, resolved, min_confidence)
    counts = Counter(iri for r in relations for iri in (r.subject, r.object))
    mentions = [(ent, resolved[ent.start_char]) for ent in doc.ents]
    mentions += [
        (m.object, resolve_span(m.object, vocabulary))
        for m in doc._.cgt_relations or ()
        if m.rule.startswith(COMPOUND_RULE)
    ]
    entities = entities_of(mentions, counts, len(doc.text))
    return Extraction(
        document=source,
        entities=entities,
        relations=relations,
        figures=figures,
        deals=deals_from(relations, figures, doc.text),
        pipeline=pipeline,
    )


def _evidence(sentence) -> Span:
    text = sentence.text
    start = sentence.start_char + (len(text) - len(text.lstrip()))
    return Span(text.strip(), start, start + len(text.strip()))


def _relations(doc: Doc, resolved: dict[int, Resolved], min_confidence: float) -> tuple[Relation, ...]:
    relations: dict[tuple, Relation] = {}
    vocabulary = load_vocabulary()
    for mention in doc._.cgt_relations or ():
        subject = resolved.get(mention.subject.start_char) or resolve_span(mention.subject, vocabulary)
        obj = resolve_span(mention.object, vocabulary) if mention.rule.startswith(COMPOUND_RULE) else resolved[mention.object.start_char]
        if subject.iri == obj.iri or mention.confidence < min_confidence:
            continue
        relation = Relation(subject.iri, mention.predicate, obj.iri, mention.confidence, _evidence(mention.sentence), mention.rule)
        key = (relation.subject, relation.predicate, relation.object, relation.evidence.start)
        if mention.predicate == "collaboratesWith":
            key = (*sorted((relation.subject, relation.object)), relation.predicate, relation.evidence.start)
        if key not in relations or relations[key].confidence < relation.confidence:
            relations[key] = relation
    return tuple(relations.values())


def _figures(doc: Doc, resolved: dict[int, Resolved], min_confidence: float) -> tuple[Figure, ...]:
    figures = []
    base = 0.9
    for mention in doc._.cgt_figures or ():
        sentence = mention.sentence
        before = doc.text[sentence.start_char : mention.span.start_char]
        phrases = MARKET_PHRASE.findall(before) or MARKET_PHRASE.findall(sentence.text)
        measures = phrases[-1].strip() if phrases else sentence.text[:80]
        subject = _figure_subject(sentence, mention, resolved)
        confidence = base if (phrases or mention.measure in ("DealValue", "Count")) else base - 0.2
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
                measures=measures,
                confidence=confidence,
                evidence=_evidence(sentence),
                rule=mention.rule,
            )
        )
    return tuple(figures)


def _figure_subject(sentence, mention, resolved: dict[int, Resolved]) -> str | None:
    """The entity a figure is about: the nearest typed entity before it in its sentence."""
    candidates = [ent for ent in sentence.ents if ent.end <= mention.span.start] or list(sentence.ents)
    for wanted in FIGURE_SUBJECT_TYPES:
        for ent in reversed(candidates):
            identity = resolved[ent.start_char]
            if identity.type == wanted and (mention.measure == "DealValue") == (wanted == "Company"):
                return identity.iri
    return None
