"""The anchored token matcher finds exactly what spaCy's Matcher finds over the whole document, in its order."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from conftest import corpus_articles
from kg.nlp import AnchoredMatcher

WORDS = ["Dr.", "Jane", "Smith", ",", "M.D.", "Ph.D.", "CEO", "said", "by", "the", "AB-101", "-", "derived", "iPSC",
         "T", "cells", "stem", "therapy", "$", "12", "million", "%", "per", "cent", "\n", "."]
SHAPES = {
    "Person": [
        [{"LOWER": {"IN": ["dr.", "prof."]}}, {"TEXT": {"REGEX": r"^[A-Z][a-z]+$"}}, {"TEXT": {"REGEX": r"^[A-Z][a-z]+$"}, "OP": "?"}],
        [{"TEXT": {"REGEX": r"^[A-Z][a-z]+$"}}, {"ORTH": ","}, {"LOWER": {"IN": ["m.d.", "ph.d.", ","]}, "OP": "*"}, {"LOWER": "ceo"}],
        [{"LOWER": "by"}, {"TEXT": {"REGEX": r"^[A-Z][a-z]+$"}}, {"IS_SPACE": True}],
    ],
    "Product": [
        [{"TEXT": {"REGEX": r"^[A-Z]{2}-\d+$"}}],
        [{"TEXT": {"REGEX": r"^[A-Za-z0-9]{2,}$"}}, {"ORTH": "-"}, {"LOWER": "derived"}, {"LOWER": {"IN": ["t", "stem"]}, "OP": "+"}, {"LOWER": "cells"}],
    ],
    "Amount": [
        [{"ORTH": "$", "OP": "?"}, {"LIKE_NUM": True}, {"LOWER": {"IN": ["million", "%"]}}],
        [{"LIKE_NUM": True}, {"LOWER": "per"}, {"LOWER": "cent"}],
    ],
}


@pytest.fixture(scope="module")
def matchers(rules_nlp):
    return [rules_nlp.get_pipe("cgt_names").matcher, rules_nlp.get_pipe("cgt_figures").matcher, AnchoredMatcher(rules_nlp.vocab, SHAPES)]


def test_anchored_matches_are_the_whole_document_matches_on_the_corpus(rules_nlp, matchers):
    found = 0
    for path in corpus_articles():
        doc = rules_nlp.make_doc(path.read_text(encoding="utf-8"))
        for matcher in matchers:
            matches = matcher(doc)
            assert matches == matcher.matcher(doc), path.name
            found += len(matches)
    assert found > 100  # the shapes do occur: the comparison is not between two empty lists


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=80))
def test_anchored_matches_are_the_whole_document_matches_on_any_words(rules_nlp, matchers, words):
    doc = Doc(rules_nlp.vocab, words=words)
    for matcher in matchers:
        assert matcher(doc) == matcher.matcher(doc)


def test_a_pattern_with_no_word_it_needs_reads_the_whole_document(rules_nlp):
    matcher = AnchoredMatcher(rules_nlp.vocab, {"Maybe": [[{"LOWER": "gene", "OP": "?"}, {"IS_DIGIT": True}]]})
    doc = Doc(rules_nlp.vocab, words=["gene", "1", "and", "2"])
    assert [(start, end) for _, start, end in matcher(doc)] == [(start, end) for _, start, end in matcher.matcher(doc)]
    assert len(matcher(doc)) == 3
