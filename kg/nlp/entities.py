"""Entity components: sentence breaks at layout, and names that are not in the vocabulary.

`cgt_vocabulary` (an EntityRuler fed from ontology/) finds every known name first.
`cgt_names` then adds what the vocabulary cannot know: new companies (by their
head word or legal suffix), product codes and INN generic names, and people, and
keeps the statistical model's PERSON entities when a model is loaded.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.ontology import load_vocabulary

PROPER_WORD = {"TEXT": {"REGEX": r"^(?:[A-Z][A-Za-z0-9'&.-]*|[a-z]+[A-Z][A-Za-z0-9]*|[0-9][A-Za-z][A-Za-z0-9]*)$"}}
PRODUCT_CODE = r"^(?:[A-Z][A-Za-z]{1,5}-[0-9]{3,5}[A-Za-z]?|[A-Z]{3,6}[0-9]{2,5}[A-Za-z]?|[A-Z]{2,5}-[A-Z]?[0-9]{2,4}-[0-9]{1,3})$"
INN_STEM = r"^[a-z]{4,}(?:cel|vec|leucel|temcel)$"
INN_GENE = r"^[a-z]{4,}gene$"
PERSON_TITLES = ["dr", "dr.", "prof", "prof.", "professor", "mr", "mr.", "ms", "ms.", "mrs", "mrs."]
PERSON_ROLES = [
    "ceo", "cfo", "cmo", "cso", "coo", "chief", "president", "founder", "co-founder", "chair", "chairman",
    "chairwoman", "head", "director", "vice", "senior", "executive", "professor", "analyst", "partner",
    "managing", "general", "principal", "lead", "investigator",
]
SPEECH_VERBS = ["said", "says", "added", "noted", "commented", "explained", "stated"]
NAME_PART = {"TEXT": {"REGEX": r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$"}}
INITIAL = {"TEXT": {"REGEX": r"^[A-Z]\.$"}, "OP": "?"}
LEADING_NOISE = {
    "the", "a", "an", "about", "by", "for", "global", "leading", "shares", "new", "and", "or", "of", "in",
    "at", "with", "from", "its", "their", "our", "this", "that", "these", "biotech", "biotechnology", "pharma",
    "company", "media", "contact", "investor", "investors", "analysts", "according", "under", "as",
}
MODEL_LABELS = {"PERSON": "Person"}


@Language.component("cgt_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence at blank lines, headings and bullets, so layout never glues two facts."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        text_before = previous.text_with_ws
        if "\n" not in text_before:
            continue
        line_start = token.text[:1] in "#*-•>|" or token.like_num and token.i + 1 < len(doc) and doc[token.i + 1].text in ".)"
        blank_line = text_before.count("\n") >= 2
        last_word = doc[previous.i - 1] if previous.is_space and previous.i > 0 else previous
        ended = last_word.text[-1:] in ".!?:;"
        heading = _line_of(doc, last_word).lstrip().startswith("#") or (
            not ended and len(_line_of(doc, last_word)) < 80 and token.is_title
        )
        if blank_line or line_start or ended or heading:
            token.is_sent_start = True
    return doc


def _line_of(doc: Doc, token) -> str:
    text = doc.text
    start = text.rfind("\n", 0, token.idx) + 1
    end = text.find("\n", token.idx)
    return text[start : end if end != -1 else len(text)]


class NameFinder:
    """Finds companies, products and people that the vocabulary does not list."""

    def __init__(self, nlp: Language, name: str):
        vocabulary = load_vocabulary()
        suffixes = sorted({s.lower().rstrip(".") for s in vocabulary.company_suffixes})
        suffix_token = {"LOWER": {"IN": suffixes + [s + "." for s in suffixes]}}
        heads = sorted({h.lower() for h in vocabulary.company_heads})
        self.suffixes = set(suffixes) | {s + "." for s in suffixes}
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("Company", [
            [dict(PROPER_WORD, OP="+"), {"LOWER": {"IN": heads}}],
            [dict(PROPER_WORD, OP="+"), {"ORTH": ",", "OP": "?"}, suffix_token],
        ])
        self.matcher.add("TherapyProduct", [
            [{"TEXT": {"REGEX": PRODUCT_CODE}}],
            [{"TEXT": {"REGEX": INN_GENE}, "OP": "?"}, {"TEXT": {"REGEX": INN_STEM}}],
            [{"TEXT": {"REGEX": r"^[a-z]{4,}leucel$"}}, {"ORTH": "-"}, {"ORTH": "T"}],
        ])
        self.matcher.add("Person", [
            [{"LOWER": {"IN": PERSON_TITLES}}, NAME_PART, INITIAL, NAME_PART],
            [NAME_PART, INITIAL, NAME_PART, {"ORTH": ","}, {"LOWER": {"IN": PERSON_ROLES}}],
            [{"LOWER": {"IN": SPEECH_VERBS}}, NAME_PART, INITIAL, NAME_PART],
            [NAME_PART, INITIAL, NAME_PART, {"LOWER": {"IN": SPEECH_VERBS}}],
            [{"IS_SENT_START": True, "LOWER": "by"}, NAME_PART, INITIAL, NAME_PART],
        ])

    def __call__(self, doc: Doc) -> Doc:
        known = [self._with_suffix(doc, ent) for ent in doc.ents if ent.ent_id_]
        found = []
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            span = self._trim(doc, label, start, end)
            if span is not None:
                found.append(span)
        found.extend(
            Span(doc, ent.start, ent.end, label=MODEL_LABELS[ent.label_])
            for ent in doc.ents
            if ent.label_ in MODEL_LABELS and len(ent) >= 2
        )
        kept = list(known)
        taken = {i for span in known for i in range(span.start, span.end)}
        for span in filter_spans(found):
            if not any(i in taken for i in range(span.start, span.end)):
                kept.append(span)
                taken.update(range(span.start, span.end))
        kept.extend(self._short_forms(doc, kept, taken))
        doc.ents = sorted(kept, key=lambda s: s.start)
        return doc

    def _short_forms(self, doc: Doc, spans: list[Span], taken: set[int]) -> list[Span]:
        """Later mentions of a new company by its first word ('Nimbrae' for 'Nimbrae Therapeutics GmbH')."""
        firsts = {}
        for span in spans:
            if span.label_ == "Company" and not span.ent_id_ and len(span) >= 2:
                first = span[0]
                if first.is_title and not first.is_stop and first.lower_ not in LEADING_NOISE and len(first) > 2:
                    firsts.setdefault(first.text, span.text)
        short = []
        for token in doc:
            if token.text in firsts and token.i not in taken:
                next_token = doc[token.i + 1] if token.i + 1 < len(doc) else None
                if next_token is not None and next_token.is_title and not next_token.is_sent_start:
                    continue
                short.append(Span(doc, token.i, token.i + 1, label="Company", kb_id=firsts[token.text]))
                taken.add(token.i)
        return short

    def _with_suffix(self, doc: Doc, ent: Span) -> Span:
        """Stretch a known company over its legal suffix: 'Novartis' -> 'Novartis AG'."""
        if ent.label_ != "Company":
            return ent
        end = ent.end
        while end < len(doc):
            if doc[end].lower_ in self.suffixes:
                end += 1
            elif doc[end].text == "," and end + 1 < len(doc) and doc[end + 1].lower_ in self.suffixes:
                end += 2
            else:
                break
        return Span(doc, ent.start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_) if end > ent.end else ent

    def _trim(self, doc: Doc, label: str, start: int, end: int) -> Span | None:
        """Drop sentence-initial and generic words from a candidate name; None if nothing is left."""
        if label == "Person":
            tokens = []
            for token in doc[start:end]:
                if NAME_PART_RE.match(token.text) or re.fullmatch(r"[A-Z]\.", token.text):
                    tokens.append(token)
                elif tokens:
                    break
            if len(tokens) < 2 or tokens[0].lower_ in PERSON_ROLES:
                return None
            return Span(doc, tokens[0].i, tokens[-1].i + 1, label="Person")
        if label == "Company":
            while start < end - 1 and (doc[start].lower_ in LEADING_NOISE or doc[start].ent_id_):
                start += 1
            if start >= end - 1 or doc[start].lower_ in self.suffixes:
                return None
            if doc[start].is_sent_start and doc[start].lower_ in LEADING_NOISE:
                return None
        return Span(doc, start, end, label=label)


NAME_PART_RE = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$")


@Language.factory("cgt_names")
def make_name_finder(nlp: Language, name: str) -> NameFinder:
    return NameFinder(nlp, name)
