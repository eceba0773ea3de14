"""Long and deep documents: extraction stays linear in their length, and sane on any shape of text.

The regression test counts the reads of the whole document (its entity list, which `span.ents`
rebuilds too, and the check for a parse) instead of timing anything: they must not grow with the
number of sentences. The fuzz test builds long documents of awkward shapes and checks that every
offset extraction returns lies in the text and points at the text it quotes.
"""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from conftest import extract_text, source_of
from kg.extract import extraction_of
from kg.nlp import pipeline
from kg.nlp.pipeline import pipeline_description, text_pieces
from kg.ontology import load_vocabulary

PARAGRAPH = (
    "Novartis acquired AveXis for USD 8.7 billion in 2018. The global gene therapy market was valued at "
    "USD 5.2 billion in 2023 and is expected to reach USD 21.4 billion by 2030, a CAGR of 22.4% from 2024 to 2030. "
    "Kite Pharma and Gilead Sciences formed a partnership to develop CAR-T therapies in Japan."
)
SCANS: Counter = Counter()


class ScanCountingDoc(Doc):
    """A Doc that counts the calls that read all of it: `doc.ents` (and so `span.ents`) and the parse check."""

    @property
    def ents(self):
        SCANS["ents"] += 1
        return Doc.ents.__get__(self)

    @ents.setter
    def ents(self, value):
        Doc.ents.__set__(self, value)

    def has_annotation(self, attr, *, require_complete=False):
        if attr == "DEP":
            SCANS["parse check"] += 1
        return Doc.has_annotation(self, attr, require_complete=require_complete)


def document_scans(nlp, text: str) -> Counter:
    """How often the pipeline and `extraction_of` read the whole document while extracting `text`."""
    SCANS.clear()
    tokens = nlp.make_doc(text)
    doc = ScanCountingDoc(nlp.vocab, words=[t.text for t in tokens], spaces=[bool(t.whitespace_) for t in tokens])
    for _, component in nlp.pipeline:
        doc = component(doc)
    extraction = extraction_of(source_of(text), doc, load_vocabulary(), pipeline_description(nlp), 0.0)
    assert extraction.relations and extraction.figures
    return Counter(SCANS)


def test_whole_document_reads_do_not_grow_with_the_document(nlp):
    short = document_scans(nlp, "\n\n".join([PARAGRAPH] * 4))
    long = document_scans(nlp, "\n\n".join([PARAGRAPH] * 40))
    assert long == short


def test_long_text_is_parsed_in_pieces_with_the_same_result(rules_nlp, monkeypatch):
    text = "\n\n".join(f"## Section {k}\n\n{PARAGRAPH}" for k in range(40))
    whole = extract_text(rules_nlp, text).to_json()
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 2_000)
    monkeypatch.setattr(rules_nlp, "max_length", 5_000)
    assert extract_text(rules_nlp, text).to_json() == whole


@given(st.text(alphabet="ab \n.", max_size=400), st.integers(min_value=1, max_value=60))
def test_text_pieces_join_back_and_stay_small(text, size):
    pieces = text_pieces(text, size)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= 2 * size for piece in pieces)
    cut_in_a_word = [piece for piece in pieces[:-1] if not piece[-1].isspace()]
    assert all(not any(c.isspace() for c in piece[:size]) for piece in cut_in_a_word)


NAMES = ["Novartis", "Kite Pharma", "Gilead Sciences", "bluebird bio", "the FDA", "the EMA", "CAR-T", "Zolgensma",
         "spinal muscular atrophy", "Lunaris Therapeutics", "Japan", "Europe", "ELV-301", "AAV", "Biogen"]
AMOUNTS = ["USD 1.2 billion", "$300 million", "€45m", "23.5%", "2,000", "JPY 10 billion", "1.8bn", "12 percent",
           "a CAGR of 21.4% from 2024 to 2030", "US$ 97.0 billion by 2032", "7", "1,300 patients"]
VERBS = ["acquired", "partnered with", "licensed", "invested in", "treats", "was approved by", "raised", "signed with"]


def sentence(rng: random.Random) -> str:
    return f"In {rng.randint(1990, 2035)}, {rng.choice(NAMES)} {rng.choice(VERBS)} {rng.choice(NAMES)} for {rng.choice(AMOUNTS)}."


BLOCKS = {
    "paragraphs": lambda rng, n: "\n\n".join(" ".join(sentence(rng) for _ in range(rng.randint(1, 6))) for _ in range(n)),
    "long sentence": lambda rng, n: " ".join(f"{rng.choice(NAMES)} {rng.choice(VERBS)} {rng.choice(AMOUNTS)}" for _ in range(n * 4)),
    "entity run": lambda rng, n: ", ".join(rng.choice(NAMES) for _ in range(n * 3)) + " and Biogen formed a partnership.",
    "deep markdown": lambda rng, n: "\n".join("> " * (k % 12) + "  " * k + "- " * (k % 5) + sentence(rng) for k in range(n)),
    "huge list": lambda rng, n: "\n".join(f"{k}. {rng.choice(NAMES)}: {rng.choice(AMOUNTS)}" for k in range(n * 3)),
    "punctuation": lambda rng, n: "\n".join(rng.choice("!?.;:-|*#>()$%,") * rng.randint(1, 120) for _ in range(n)),
    "repeated headings": lambda rng, n: "\n\n".join("## Market overview" for _ in range(n)),
    "numbers": lambda rng, n: " ".join(rng.choice(AMOUNTS + [str(rng.randint(0, 10**9)), f"{rng.random() * 100:.1f}%"]) for _ in range(n * 5)),
}
BLOCK = st.tuples(st.sampled_from(sorted(BLOCKS)), st.integers(min_value=10, max_value=120), st.integers(min_value=0, max_value=2**32))
MAX_CHARS = 40_000


def document(blocks: list[tuple[str, int, int]]) -> str:
    """The text of a drawn document: each block made from its own seed, cut at MAX_CHARS."""
    return "\n\n".join(BLOCKS[kind](random.Random(seed), n) for kind, n, seed in blocks)[:MAX_CHARS]


def quotes(text: str, span) -> bool:
    return 0 <= span.start <= span.end <= len(text) and text[span.start : span.end] == span.text


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(BLOCK, min_size=2, max_size=12))
def test_long_and_deep_documents_give_sane_extractions(rules_nlp, blocks):
    text = document(blocks)
    extraction = extract_text(rules_nlp, text)
    assert all(quotes(text, mention) for entity in extraction.entities for mention in entity.mentions)
    assert all(entity.iri and 0 <= entity.salience <= 1 for entity in extraction.entities)
    evidence = [r.evidence for r in extraction.relations] + [f.evidence for f in extraction.figures]
    evidence += [d.evidence for d in extraction.deals] + [c.cagr.evidence for c in extraction.growth_checks]
    assert all(quotes(text, span) and span.text.strip() == span.text for span in evidence)
    assert all(math.isfinite(f.value) for f in extraction.figures)
    assert all(0 < r.confidence <= 1 and r.subject != r.object for r in extraction.relations)


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_each_shape_alone(rules_nlp, kind):
    text = document([(kind, 120, 7)])
    extraction = extract_text(rules_nlp, text)
    assert all(quotes(text, mention) for entity in extraction.entities for mention in entity.mentions)
