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
        pytest.param("SK Group will then hold 70% of shares in Yposkesi.", id="percent-of-shares-held"),
        pytest.param("The founders will possess 25% shares while the rest is held by Bpifrance.", id="percent-shares-held"),
    ],
)
def test_percentages_without_share_cue_are_not_shares(nlp, sentence):
    extraction = extract_text(nlp, sentence)
    assert [f.to_json() for f in extraction.figures if f.measure == "Share"] == []


# (sentence, measure, value, unit, year): shapes of real writing, one per row
REAL_SHAPES = [
    pytest.param("Astellas agreed to a $3-billion deal to buy Audentes Therapeutics.", "DealValue", 3e9, "USD", None, id="hyphenated-billion"),
    pytest.param("Novartis signed a $750million licence agreement with Avexis.", "DealValue", 7.5e8, "USD", None, id="glued-million"),
    pytest.param("Pfizer paid $1.7billion to acquire the company.", "DealValue", 1.7e9, "USD", None, id="glued-billion"),
    pytest.param("Promethera has completed a Series B financing round, generating proceeds of €23.6m.", "DealValue", 23.6e6, "EUR", None, id="scale-before-full-stop"),
    pytest.param("Vertex pays $105M to kick off a gene editing pact with CRISPR Therapeutics.", "DealValue", 1.05e8, "USD", None, id="upper-case-m"),
    pytest.param(
        "The market is set to escalate from its 2022 valuation of USD 14.2 billion to an estimated USD 117.1 billion by 2032.",
        "MarketSize", 14.2e9, "USD", 2022, id="year-of-its-own-clause",
    ),
    pytest.param("The MHLW evaluated 47 pharmaceutical products for the designation.", "Count", 47, "count", None, id="count-of-products"),
    pytest.param("Two Phase 3 trials and a long-term follow-up study are ongoing.", "Count", 2, "count", None, id="count-across-phase-label"),
    pytest.param("The FDA has received 187 requests and issued 70, which means that some are not public.", "Count", 70, "count", None, id="count-by-ellipsis"),
    pytest.param("The startup will move two of its programs into clinical trials.", "Count", 2, "count", None, id="count-of-its"),
    pytest.param("Of these, 318 are in Phase 1.", "Count", 318, "count", None, id="count-of-these"),
    pytest.param("Since the landmark approvals of Kymriah and Yescarta in 2017, there have been a total of 10 approved products.",
                 "Count", 10, "count", None, id="count-since-a-year"),
    pytest.param("There are 11 late-stage candidates slated for potential approval in 2024 or later.", "Count", 11, "count", None,
                 id="count-slated-for-a-year"),
]


@pytest.mark.parametrize("sentence, measure, value, unit, year", REAL_SHAPES)
def test_real_shapes(nlp, sentence, measure, value, unit, year):
    extraction = extract_text(nlp, sentence)
    found = [(f.measure, f.value, f.unit, f.year) for f in extraction.figures]
    matches = _matching(extraction, measure, value)
    assert len(matches) == 1, f"expected one {measure} of {value}; got {found}"
    assert (matches[0].unit, matches[0].year) == (unit, year), found


@pytest.mark.parametrize(
    "sentence, measure",
    [
        pytest.param("Astellas will acquire Audentes Therapeutics for $60 per share in cash.", "DealValue", id="per-share-price"),
        pytest.param("Roche will pay US $9.00 per share in cash at closing.", "DealValue", id="per-share-us-dollar"),
        pytest.param("Holders receive $12.50 per ADS in the tender offer.", "DealValue", id="per-ads-price"),
        pytest.param("After the acquisition the company expects earnings of $2.10 per diluted share in 2025.", "DealValue", id="per-share-guidance"),
        pytest.param("The offer is a premium of 60% to the closing price of the company's shares.", "Share", id="premium"),
        pytest.param("Shares of the company rose 12% after the acquisition was announced.", "Share", id="share-price-rise"),
        pytest.param("The approval was announced on April 24 and 25 by the agency.", "Count", id="day-of-month"),
        pytest.param("The decree divided the field into four categories of regenerative medicine.", "Count", id="categories"),
        pytest.param("It is approved after two or more lines of systemic therapy.", "Count", id="lines-of-therapy"),
        pytest.param("The vector is amenable to exon 45 skipping.", "Count", id="exon-label"),
        pytest.param("The company now has four technology platforms.", "Count", id="platforms"),
        pytest.param("The data wiped 45% off Uniqure's share price.", "Share", id="share-price-move"),
        pytest.param("The market accounted for a 22% increase in manufacturing capacity.", "Share", id="increase"),
        pytest.param("Tumours had to express the protein in at least 10 percent of cells.", "Share", id="percent-of-cells"),
        pytest.param("CMT1A accounts for about 40% of all CMT patients.", "Share", id="percent-of-patients"),
        pytest.param("Brantwell invested US$ 60 million in exchange for a 12% equity stake.", "Share", id="equity-stake"),
        pytest.param("Dangdai, which with its 11.7% stake was the company's top investor, joined the bid.", "Share", id="stake-held"),
        pytest.param("Takeda intends to acquire 100% of the securities of TiGenix.", "Share", id="securities-bought"),
        pytest.param("The deals account for 22.5 percent of the company's total sales.", "Share", id="part-of-own-sales"),
        pytest.param("Lilly shares gained 20% this year, while the S&P 500 has fallen 23%.", "Share", id="index-move"),
        pytest.param("Dry AMD represents 85 to 90% of all age-related macular degeneration cases.", "Share", id="percent-of-cases"),
        pytest.param("The contract sum amounts to 565% of the company's most recent yearly sales.", "Share", id="over-a-hundred-percent"),
        pytest.param("Patients with the disease number 31 million, about 25% of the total population.", "Share", id="percent-of-population"),
        pytest.param("We will pay 50 percent of the total technology export amount to Halden Bio.", "Share", id="percent-of-a-payment"),
        pytest.param("Orinthe will have access to a new 7,800 m2 commercial manufacturing centre.", "Count", id="area-of-a-site"),
        pytest.param("The two companies have now extended the terms of their agreement to 2028.", "Count", id="the-two-companies"),
        pytest.param("This was followed by a five-year commercial supply agreement, which Halden signed.", "Count", id="five-year-agreement"),
        pytest.param("The deal puts in place a five year Clinical Supply Agreement with Orinthe.", "Count", id="five-year-no-hyphen"),
        pytest.param("The therapy, developed by Halden after its acquisition, will carry a list price of $373,000 per one-time infusion.", "DealValue", id="price-per-infusion"),
    ],
)
def test_not_a_figure_of_that_measure(nlp, sentence, measure):
    extraction = extract_text(nlp, sentence)
    assert [f.to_json() for f in extraction.figures if f.measure == measure] == []


def test_figure_words_reach_the_component_through_its_config(tmp_path):
    import shutil

    import spacy

    from kg.nlp.figures import FIGURE_PATTERNS

    patterns = tmp_path / "figures.toml"
    shutil.copy(FIGURE_PATTERNS, patterns)
    patterns.write_text(patterns.read_text(encoding="utf-8").replace('"therapies",', '"therapies", "widgets",'), encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    parser = nlp.add_pipe("cgt_figures", config={"patterns": str(patterns)})
    assert "widgets" in parser.patterns.counted_nouns
    doc = nlp("The firm makes 12 widgets.")
    assert [(f.measure, f.value) for f in doc._.cgt_figures] == [("Count", 12)]


def test_a_restated_figure_is_one_figure(nlp):
    text = "Astellas agreed to a $3-billion deal to buy Audentes.\n\nThe deal values Audentes at $3 billion, the companies said."
    extraction = extract_text(nlp, text)
    assert [f.value for f in extraction.figures if f.measure == "DealValue"] == [3e9]


@pytest.mark.parametrize(
    "text, value, year",
    [
        pytest.param("Sarepta issued $1.2 billion in convertible senior notes due in 2027 to fund the rollout.", 1.2e9, None, id="maturity-is-not-its-year"),
        pytest.param("29.03.2012 - Promethera has completed a Series B financing round of €23.6m.", 23.6e6, 2012, id="numeric-dateline"),
        pytest.param("2024-11-26\n\nRoche will acquire Poseida for a total equity value of US$ 1.0 billion.", 1e9, 2024, id="iso-dateline"),
        pytest.param(
            "29.03.2012 - Promethera closed its round.\n\nIt comes two years after the first financing round, which raised €5.3m.",
            5.3e6, None, id="relative-time-is-not-the-dateline",
        ),
    ],
)
def test_deal_value_year(nlp, text, value, year):
    extraction = extract_text(nlp, text)
    (figure,) = _matching(extraction, "DealValue", value)
    assert figure.year == year


@pytest.mark.parametrize(
    "sentence, value, year",
    [
        pytest.param("At its October 2016 meeting, the committee also denied six PRIME requests.", 6, 2016, id="year-earlier-in-its-clause"),
        pytest.param("In 2021 there were more than 1,300 candidates in development.", 1300, 2021, id="year-opening-the-sentence"),
        pytest.param("NRX-417 received the designation in 2023 and is now in a Phase 2 study at 14 sites.", 14, None, id="year-of-another-clause"),
    ],
)
def test_count_year_is_its_own_clauses(nlp, sentence, value, year):
    extraction = extract_text(nlp, sentence)
    (figure,) = _matching(extraction, "Count", value)
    assert figure.year == year


def test_market_size_without_a_currency_and_the_cagr_between_its_years(nlp):
    sentence = (
        "The cell and gene therapy market was estimated at around 2.6 billion in 2020 and was projected "
        "to reach about 25 billion in 2027 with a CAGR of 33.82%."
    )
    extraction = extract_text(nlp, sentence)
    found = sorted((f.measure, f.value, f.unit, f.year, f.period) for f in extraction.figures)
    assert found == [
        ("CAGR", 33.82, "percent", None, "2020-2027"),
        ("MarketSize", 2.6e9, "USD", 2020, None),
        ("MarketSize", 2.5e10, "USD", 2027, None),
    ]


def test_cagrs_span_the_years_of_their_own_market_sizes_not_a_title_period(nlp):
    text = ("According to the Vector Supply Market Report 2022 - Global Forecast 2022-2026 published by Halden Research, the "
            "vector supply market is expected to grow from $0.69 billion in 2021 to $0.80 billion in 2022 at a CAGR of 15.9%. "
            "The vector supply market is expected to reach $1.38 billion in 2026 at a CAGR of 14.6%.")
    cagrs = sorted((f.value, f.period) for f in extract_text(nlp, text).figures if f.measure == "CAGR")
    assert cagrs == [(14.6, "2022-2026"), (15.9, "2021-2022")]


def test_an_undated_restatement_of_a_dated_figure_is_that_figure(nlp):
    text = ("The vector supply market was valued at USD 5.23 billion in 2025 and is expected to grow at a CAGR of 18.90% "
            "during 2026-2035.\n\nKey figures\n\nCAGR: 18.90%")
    cagrs = [(f.value, f.period) for f in extract_text(nlp, text).figures if f.measure == "CAGR"]
    assert cagrs == [(18.9, "2026-2035")]


def test_millions_of_patients_are_no_market_size(nlp):
    extraction = extract_text(nlp, "The disease affects more than 1.2 million patients worldwide.")
    assert [f.to_json() for f in extraction.figures] == []


@pytest.mark.parametrize("text", [
    pytest.param("The global gene therapy market reached USD 9 billion in 2023. Halcyon forecasts that the market will reach USD 52 billion by 2030.", id="the-market"),
    pytest.param("The global gene therapy market reached USD 9 billion in 2023. It is projected to reach USD 52 billion by 2030.", id="it-is-projected"),
])
def test_a_figure_of_the_market_named_before_measures_that_market(nlp, text):
    """'the market' and 'it' name no market: the figure measures the one the paragraph named last."""
    figures = [f for f in extract_text(nlp, text).figures if f.measure == "MarketSize"]
    assert [(f.value, f.measures) for f in figures] == [(9e9, "The global gene therapy market"), (52e9, "The global gene therapy market")]


def test_a_coordinated_market_name_keeps_both_parts(nlp):
    (figure,) = [f for f in extract_text(nlp, "The global cell and gene therapy market was valued at USD 15.8 billion in 2023.").figures]
    assert figure.measures == "The global cell and gene therapy market"


def test_dollar_currencies_of_asia_are_their_own(nlp):
    extraction = extract_text(nlp, "Halden Bio has raised US$85 million (S$114.8 million) in a series B round; "
                                   "Orinthe later raised HK$200 million and NT$1 billion in two more rounds.")
    assert {(f.value, f.unit) for f in extraction.figures if f.measure == "DealValue"} >= {
        (85e6, "USD"), (114.8e6, "SGD"), (200e6, "HKD"), (1e9, "TWD")}


def test_this_year_is_the_documents_year_and_that_year_the_last_one_named(nlp):
    before = "Halden Bio bought Orinthe Therapeutics in 2017. "
    this_year = extract_text(nlp, before + "Just this year, Talmor Pharma paid $800 million to acquire Quillhaven Therapeutics.")
    that_year = extract_text(nlp, before + "That same year, Talmor Pharma paid $800 million to acquire Quillhaven Therapeutics.")
    assert [f.year for f in this_year.figures if f.measure == "DealValue"] == [None]
    assert [f.year for f in that_year.figures if f.measure == "DealValue"] == [2017]


def test_a_count_takes_the_year_said_after_the_list_of_what_it_counts(nlp):
    text = ("The market is growing fast, with over 4,000 cell, gene, and RNA therapies in development as of Q1 2024, "
            "marking an 11% increase in Phase I programs.")
    counts = [f for f in extract_text(nlp, text).figures if f.measure == "Count" and f.value == 4000]
    assert counts and counts[0].year == 2024
