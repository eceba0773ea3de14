"""Golden scores: extraction of corpus/ against its gold annotations stays above measured floors.

The floors sit two points under the scores measured when they were set (rules mode, min confidence
0.4: entities micro 0.945, relations micro 0.814, figures micro 0.942; `kg eval corpus/ --model rules`).
A change that costs more than that fails here; one that gains should raise the floor.
"""

from __future__ import annotations

import pytest

from conftest import CORPUS
from kg.cli import DEFAULT_MIN_CONFIDENCE
from kg.consistency import growth_checks, implied_cagr
from kg.evaluate import evaluate

FLOORS = {"entities": (0.92, 0.92), "relations": (0.79, 0.78), "figures": (0.92, 0.87)}
"""Per part: (micro F1, macro F1) floors for rules mode."""


@pytest.fixture(scope="module")
def corpus_scores(rules_nlp):
    return evaluate([CORPUS], rules_nlp, DEFAULT_MIN_CONFIDENCE)


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_corpus_f1_stays_above_its_floor(corpus_scores, part):
    micro, macro = FLOORS[part]
    score = getattr(corpus_scores, part)
    assert score.f1 >= micro, f"{part} micro F1 {score.f1:.3f} < floor {micro} (P {score.precision:.3f}, R {score.recall:.3f})"
    assert corpus_scores.macro_f1(part) >= macro, f"{part} macro F1 {corpus_scores.macro_f1(part):.3f} < floor {macro}"


def test_every_corpus_article_is_scored(corpus_scores):
    articles = {path.name for path in CORPUS.iterdir() if path.name.endswith(".gold.json")}
    assert len(corpus_scores.documents) == len(articles)


def test_implied_cagr_turns_start_into_end():
    rate = implied_cagr(100.0, 200.0, 5)
    assert rate == pytest.approx(14.87, abs=0.01)
    assert 100.0 * (1 + rate / 100) ** 5 == pytest.approx(200.0)


def test_growth_check_flags_a_stated_rate_its_own_sizes_contradict(rules_nlp):
    from conftest import extract_text

    agreeing = "The market was valued at USD 10 billion in 2020 and will reach USD 20 billion by 2025, a CAGR of 14.9% from 2020 to 2025."
    wrong = "The market was valued at USD 10 billion in 2020 and will reach USD 20 billion by 2025, a CAGR of 25% from 2020 to 2025."
    for text, agrees in ((agreeing, True), (wrong, False)):
        extraction = extract_text(rules_nlp, text)
        (check,) = growth_checks(extraction.figures, text)
        assert check.implied == pytest.approx(14.87, abs=0.01)
        assert check.agrees is agrees, text


def test_growth_check_needs_both_sizes_in_the_paragraph(rules_nlp):
    from conftest import extract_text

    text = "The market was valued at USD 10 billion in 2020.\n\nIt will grow at a CAGR of 14.9% from 2020 to 2025, reaching USD 20 billion by 2025."
    extraction = extract_text(rules_nlp, text)
    assert growth_checks(extraction.figures, text) == ()
