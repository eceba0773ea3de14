"""Figures: money, growth rates, shares and counts, normalised to value, unit, year or period."""

from __future__ import annotations

import pytest

from conftest import extract_text
from kg.model import MEASURES
from kg.namespaces import CGTID

# (sentence, measure, value, unit, year, period, forecast)
FIGURES = [
    pytest.param(
        "The global cell and gene therapy market was valued at USD 14.2 billion in 2023.",
        "MarketSize", 14_200_000_000, "USD", 2023, None, False, id="usd-billion",
    ),
    pytest.param(
        "The Asia Pacific market was valued at US$ 2.35 billion in 2023.",
        "MarketSize", 2_350_000_000, "USD", 2023, None, False, id="us-dollar-sign-space",
    ),
    pytest.param(
        "Sales of CAR-T therapies reached $1.8bn in 2023.",
        "MarketSize", 1_800_000_000, "USD", 2023, None, False, id="dollar-bn-glued",
    ),
    pytest.param(
        "The European gene therapy market was worth EUR 300 million in 2022.",
        "MarketSize", 300_000_000, "EUR", 2022, None, False, id="eur-million",
    ),
    pytest.param(
        "The market is projected to grow at a 24% Compound Annual Growth Rate (CAGR) from 2023 to 2032.",
        "CAGR", 24, "percent", None, "2023-2032", True, id="cagr-spelled-out-from-to",
    ),
    pytest.param(
        "The market is expected to expand at a CAGR of 19.6% over 2024-2031.",
        "CAGR", 19.6, "percent", None, "2024-2031", True, id="cagr-over-period",
    ),
    pytest.param(
        "More than 1,300 candidates are in clinical development worldwide.",
        "Count", 1300, "count", None, None, False, id="count-thousands-separator",
    ),
    pytest.param(
        "The market is expected to reach USD 40.1 billion by 2032.",
        "MarketSize", 40_100_000_000, "USD", 2032, None, True, id="forecast-by-year",
    ),
    pytest.param(
        "Under the terms of the agreement, Aldenbrook paid $1.2 billion upfront in cash.",
        "DealValue", 1_200_000_000, "USD", None, None, False, id="deal-upfront",
    ),
    pytest.param(
        "North America accounted for 48.3% of the global market in 2023.",
        "Share", 48.3, "percent", 2023, None, False, id="share",
    ),
]


def _matching(extraction, measure, value):
    return [f for f in extraction.figures if f.measure == measure and f.value == pytest.approx(value, rel=1e-9)]


@pytest.mark.parametrize("sentence, measure, value, unit, year, period, forecast", FIGURES)
def test_figure_is_normalised(nlp, sentence, measure, value, unit, year, period, forecast):
    extraction = extract_text(nlp, sentence)
    found = [(f.measure, f.value, f.unit, f.year, f.period, f.forecast) for f in extraction.figures]
    matches = _matching(extraction, measure, value)
    assert len(matches) == 1, f"expected one {measure} of {value}; got {found}"
    figure = matches[0]
    assert (figure.unit, figure.year, figure.period, figure.forecast) == (unit, year, period, forecast), found
    assert len(extraction.figures) == 1, f"one figure expected in the sentence; got {found}"


@pytest.mark.parametrize("sentence, measure, value, unit, year, period, forecast", FIGURES)
def test_figure_json_contract(nlp, sentence, measure, value, unit, year, period, forecast):
    extraction = extract_text(nlp, sentence)
    records = [f.to_json() for f in extraction.figures if f.measure == measure]
    assert records, [f.to_json() for f in extraction.figures]
    record = records[0]
    assert record["measure"] in MEASURES
    assert record["value"] == value
    assert isinstance(record["value"], int) == float(value).is_integer()
    assert record["unit"] == unit and record["year"] == year and record["period"] == period
    assert record["forecast"] is forecast
    evidence = record["evidence"]
    assert evidence["text"] == sentence
    assert sentence[evidence["start"] : evidence["end"]] == evidence["text"]


@pytest.mark.parametrize(
    "sentence, value",
    [
        pytest.param("The market was valued at USD 2.01 billion in 2023.", 2_010_000_000, id="2.01-billion"),
        pytest.param("The market was valued at USD 1.07 billion in 2023.", 1_070_000_000, id="1.07-billion"),
        pytest.param("The market was valued at USD 2.05 million in 2023.", 2_050_000, id="2.05-million"),
    ],
)
def test_scaled_amount_is_an_exact_plain_number(rules_nlp, sentence, value):
    extraction = extract_text(rules_nlp, sentence)
    (figure,) = [f for f in extraction.figures if f.measure == "MarketSize"]
    assert figure.to_json()["value"] == value
    assert isinstance(figure.to_json()["value"], int)


def test_figure_subject_is_the_region_of_the_market(nlp):
    extraction = extract_text(nlp, "The Asia Pacific market was valued at US$ 2.35 billion in 2023.")
    (figure,) = extraction.figures
    assert figure.subject == str(CGTID["asia-pacific"])
    assert "market" in figure.measures


def test_deal_value_is_about_a_company_not_a_place(nlp):
    extraction = extract_text(nlp, "Novartis agreed to acquire AveXis for $8.7 billion in cash.")
    deals = [f for f in extraction.figures if f.measure == "DealValue"]
    assert len(deals) == 1, [f.to_json() for f in extraction.figures]
    assert deals[0].value == pytest.approx(8_700_000_000)
    assert deals[0].subject in (str(CGTID["novartis"]), str(CGTID["avexis"]))


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The company was founded in 2015.", id="year"),
        pytest.param("The trial enrolled patients in Phase 2 in March 2024.", id="phase-and-date"),
        pytest.param("The FDA approved the product on August 30, 2017.", id="date"),
    ],
)
def test_years_dates_and_labels_are_not_figures(nlp, sentence):
    extraction = extract_text(nlp, sentence)
    assert [f.to_json() for f in extraction.figures] == []


def test_observed_and_projected_values_in_one_sentence(nlp):
    sentence = "The global market was valued at USD 18.13 billion in 2024 and is projected to reach USD 97.33 billion by 2033."
    extraction = extract_text(nlp, sentence)
    found = sorted((f.measure, round(f.value), f.year, f.forecast) for f in extraction.figures)
    assert found == [("MarketSize", 18_130_000_000, 2024, False), ("MarketSize", 97_330_000_000, 2033, True)]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The market grew 12 percent in 2023.", id="one-year-growth"),
        pytest.param("The overall response rate was 82% in the phase 2 trial.", id="response-rate"),
    ],
)
def test_percentages_without_share_cue_are_not_shares(nlp, sentence):
    extraction = extract_text(nlp, sentence)
    assert [f.to_json() for f in extraction.figures if f.measure == "Share"] == []
