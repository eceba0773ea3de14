"""Property test: any text goes through extraction without error, and every offset indexes the text."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.extract import extraction_of
from kg.model import TOP_LEVEL_TYPES, SourceDocument
from kg.nlp.pipeline import pipeline_description

# Pieces that steer the extractor into its interesting paths: names, suffixes, amounts, layout.
FRAGMENTS = st.sampled_from(
    [
        "Novartis AG", "Helixmith Co., Ltd.", "Lunaris Bio plc", "acquired", "was acquired by", " and ", ", ",
        "USD 14.2 billion", "$1.8bn", "24%", "CAGR", "2023-2032", "by 2032", "1,300 candidates", "MLT-204",
        "ovanocogene sarpavec", "the EMA's PRIME scheme", "haemophilia B", "CAR-T", "U.S.", "Kymriah", "FDA",
        "\n\n# ", "\n- ", "\r\n", "\t", ". ", "'s", "’s", "(", ")", "—", "🧬", "日本", "Ünïcødé", "\u200b", "\x00",
        "\x0b", "\x0c", "\x1c", "\u2028", "\u00a0", "   ", "\ufeff",
    ]
)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
MIXED = st.lists(st.one_of(FRAGMENTS, ANY_TEXT, st.text(alphabet=" \t\r\n", max_size=5)), max_size=40).map("".join)
# Long lines: plain words up to 600 times, entity-bearing phrases up to 100 times (one long sentence
# with hundreds of entities; test_many_mentions_in_one_sentence_stay_fast bounds the time it takes).
LONG_LINE = st.one_of(
    st.builds(lambda word, n: (word + " ") * n, st.sampled_from(["gene", "x" * 50, "日本", "$1.8bn"]), st.integers(50, 600)),
    st.builds(lambda word, n: (word + " ") * n, st.sampled_from(["Novartis acquired AveXis", "Kymriah for leukemia,"]), st.integers(5, 100)),
)
TEXTS = st.one_of(ANY_TEXT, MIXED, LONG_LINE, st.just(""), st.text(alphabet=" \t\r\n\x0b\x0c\u2028\u00a0", max_size=50))


def _check(text: str, extraction) -> None:
    for entity in extraction.entities:
        assert entity.type in TOP_LEVEL_TYPES
        for mention in entity.mentions:
            assert 0 <= mention.start <= mention.end <= len(text)
            assert text[mention.start : mention.end] == mention.text
    spans = [r.evidence for r in extraction.relations] + [f.evidence for f in extraction.figures] + [d.evidence for d in extraction.deals]
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start : span.end] == span.text
    ids = {e.iri for e in extraction.entities}
    for relation in extraction.relations:
        assert relation.subject in ids and relation.object in ids


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=TEXTS)
@example(text="")
@example(text="   \n\t  ")
@example(text="\x00\x01\x02 Novartis AG acquired AveXis.\x7f")
@example(text="Novartis AG acquired AveXis, Inc. for $1.8bn.\r\n\r\n# Heading\r\nThe EMA's PRIME scheme.")
@example(text="A" * 5000)
def test_extraction_never_fails_and_offsets_index_the_text(rules_nlp, vocabulary, text):
    source = SourceDocument("random.txt", "random", hashlib.sha256(text.encode("utf-8")).hexdigest(), text)
    doc = rules_nlp(text)
    assert doc.text == text
    extraction = extraction_of(source, doc, vocabulary, pipeline_description(rules_nlp), 0.0)
    _check(text, extraction)
    assert extraction.to_json()["document"]["path"] == "random.txt"


def test_many_mentions_in_one_sentence_stay_fast(rules_nlp):
    """400 mentions in one unpunctuated 3.6 KB line must take seconds, not minutes (the test gives up after 15 s)."""
    answer: list = []

    def extract() -> None:
        started = time.perf_counter()
        doc = rules_nlp("Novartis " * 400)
        answer.append((len(doc.ents), time.perf_counter() - started))

    worker = threading.Thread(target=extract, daemon=True)
    worker.start()
    worker.join(timeout=15)
    if worker.is_alive():
        pytest.fail("extraction of 400 mentions in one sentence took more than 15 s")
    ((mentions, seconds),) = answer
    assert mentions == 400
    assert seconds < 10
