"""kg/evaluate.py on hand-made scores: the reliability buckets and the macro average."""

from __future__ import annotations

import pytest

from kg.evaluate import DocumentScore, Evaluation, RuleTally, Score, measured_precision, reliability


def test_reliability_buckets_compare_claimed_and_observed():
    tally = RuleTally()
    for confidence, correct in [(0.45, False), (0.48, True), (0.91, True), (0.95, True), (0.99, False)]:
        tally.record("relation", "rule.a", confidence, correct)
    tally.record("figure", "figure.b", 0.85, True)
    rows = {(row.kind, row.low): row for row in reliability(tally)}
    assert set(rows) == {("relation", 0.4), ("relation", 0.9), ("figure", 0.8)}
    low = rows[("relation", 0.4)]
    assert (low.count, low.claimed, low.observed) == (2, pytest.approx(0.465), 0.5)
    high = rows[("relation", 0.9)]
    assert (high.count, high.observed, high.high) == (3, pytest.approx(2 / 3), 1.0)
    assert measured_precision(tally)["rule.a"] == {"precision": round(4 / 7, 3), "correct": 3, "found": 5}
    # smoothed toward the rule's own stated confidence: seen once and wrong, a 0.9 rule is not thrown out
    once = RuleTally()
    once.record("relation", "rule.b", 0.9, False)
    assert measured_precision(once, {"rule.b": 0.9})["rule.b"]["precision"] == round(1.8 / 3, 3)
    assert measured_precision(once)["rule.b"]["precision"] == round(1 / 3, 3)
    # a reading derived from a rule starts from that rule's confidence
    derived = RuleTally()
    derived.record("relation", "rule.b+apposition+included", 0.8, False)
    assert measured_precision(derived, {"rule.b": 0.9})["rule.b+apposition+included"]["precision"] == round(1.8 / 3, 3)


def test_macro_f1_averages_documents_that_have_items():
    def document(tp, system, gold):
        return DocumentScore("d", Score(), Score(tp, system, gold), Score())

    evaluation = Evaluation([document(1, 1, 1), document(0, 1, 1), document(0, 0, 0)], Score(), Score(1, 2, 2), Score(), RuleTally())
    assert evaluation.macro_f1("relations") == 0.5
    assert evaluation.macro_f1("figures") == 1.0


def test_a_gold_figure_stated_twice_counts_once_as_extraction_keeps_it(tmp_path):
    import json

    from kg.evaluate import load_gold
    from kg.ontology import load_vocabulary

    figure = {"measure": "DealValue", "value": 3e9, "unit": "USD", "year": None, "period": None, "forecast": False}
    gold = {"document": "a.txt", "entities": [], "relations": [],
            "figures": [{**figure, "evidence": "a $3-billion deal"}, {**figure, "evidence": "approximately $3 billion"},
                        {**figure, "year": 2019, "evidence": "in 2019, $3 billion"}]}
    path = tmp_path / "a.gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    # (the undated statements restate the dated one, as extraction reads them)
    assert [(f["value"], f["year"]) for f in load_gold(path, load_vocabulary())["figures"]] == [(3e9, 2019)]


def test_one_statement_of_each_figure_is_kept_and_an_undated_restatement_of_a_dated_one_is_dropped():
    from kg.extract import one_per_statement

    rows = [("CAGR", 18.9, "percent", None, "2026-2035", "a"), ("CAGR", 18.9, "percent", None, None, "b"),
            ("CAGR", 18.9, "percent", None, "2026-2035", "c"), ("Count", 3.0, "count", None, None, "d")]
    kept = one_per_statement(rows, lambda row: row[:5])
    assert [row[5] for row in kept] == ["a", "d"]
