"""Every canned query in queries/ runs on the demo graph (corpus/) and returns a known answer."""

from __future__ import annotations


import pytest

from conftest import opened, seeded_store
from kg.queries import canned_queries, result_rows

# For each canned query: a row (as display strings) that must appear in its answer.
# The facts come from corpus/ articles (extracted) or from the vocabulary (reference).
KNOWN_ANSWERS = {
    "collaborations": {"company": "Biogen", "partner": "Ginkgo Bioworks", "date": "2021-05"},
    "acquisitions": {"acquirer": "Novartis", "target": "AveXis", "value": "8700000000", "unit": "USD", "value_usd": "8700000000", "date": "2018"},
    "designations_by_agency": {"agency": "U.S. Food and Drug Administration"},
    "regulations_by_place": {"place": "Japan", "regulation": "Act on the Safety of Regenerative Medicine", "region": "Asia Pacific"},
    "approved_by_disease": {"disease": "B-cell acute lymphoblastic leukemia", "therapy": "Kymriah", "agency": "U.S. Food and Drug Administration", "year": "2017"},
    "market_size_over_time": {"unit": "USD", "value": "14200000000", "year": "2023"},
    "growth_rates": {"value": "24", "period": "2023-2032"},
    "entity_facts": {"subject": "Biogen", "predicate": "collaboratesWith", "object": "Ginkgo Bioworks"},
    "companies_by_deals": {"company": "Novartis"},
    "deals": {"kind": "Acquisition", "value_usd": "8700000000", "date": "2018"},
    "deals_per_year": {"year": "2018", "kind": "Acquisition", "deals": "1", "value_usd": "8700000000"},
    "company_dossier": {"name": "Biogen", "section": "deal", "fact": "Collaboration with Ginkgo Bioworks (partner)", "date": "2021-05"},
    "approvals": {"product": "Amtagvi", "agency": "U.S. Food and Drug Administration", "type": "accelerated", "date": "2024-02"},
    "designations": {"product": "HLV-204", "date": "2025-02-11"},
    "pipeline_by_phase": {"stage": "Phase 3", "product": "Invossa", "indication": "knee osteoarthritis"},
    "therapies_by_modality": {"modality": "CAR T-cell therapy"},
    "documents_mentioning": {},
    "main_companies": {"company": "Aldenbrook Pharma"},
    "headquarters_by_country": {"country": "United States"},
    "investments": {"investor": "Northwind Ventures", "company": "Nimbrae Therapeutics"},
    "designated_therapies": {"therapy": "HLV-204", "designation": "Orphan Drug designation"},
    # c01 says USD 15.8 billion in 2023 and USD 52.0 billion by 2030 (18.55% a year) but states 25.6%
    "inconsistent_growth_rates": {"stated": "25.6", "implied": "18.55", "startValue": "15800000000"},
    # a01 and c01 give different sizes for the global market in 2023
    "conflicting_figures": {"measure": "MarketSize", "market": "global", "year": "2023"},
}


@pytest.fixture(scope="module")
def demo_store(built_store):
    """The session's corpus store (the demo graph), read only."""
    with opened(built_store.path, read_only=True) as store:
        yield store


def test_every_canned_query_has_a_known_answer():
    assert {q.name for q in canned_queries()} == set(KNOWN_ANSWERS)


def test_every_canned_query_states_its_question():
    for canned in canned_queries():
        assert canned.question.endswith("?") or "?" in canned.question, canned.name


@pytest.mark.parametrize("canned", canned_queries(), ids=lambda q: q.name)
def test_canned_query_returns_known_answer(demo_store, canned):
    columns, rows = result_rows(demo_store.answer(canned.sparql))
    assert rows, f"{canned.name} returned no rows"
    expected = KNOWN_ANSWERS[canned.name]
    assert set(expected) <= set(columns)
    records = [dict(zip(columns, row)) for row in rows]
    assert any(all(record[k] == v for k, v in expected.items()) for record in records), records[:5]


def test_designations_by_agency_lists_fda_programmes(demo_store):
    canned = next(q for q in canned_queries() if q.name == "designations_by_agency")
    columns, rows = result_rows(demo_store.answer(canned.sparql))
    fda = next(dict(zip(columns, r)) for r in rows if r[0] == "U.S. Food and Drug Administration")
    for name in ("Regenerative Medicine Advanced Therapy designation", "Fast Track designation", "Breakthrough Therapy designation"):
        assert name in fda["designations"]


def test_therapies_by_modality_counts_car_t_products(demo_store):
    canned = next(q for q in canned_queries() if q.name == "therapies_by_modality")
    columns, rows = result_rows(demo_store.answer(canned.sparql))
    car_t = next(dict(zip(columns, r)) for r in rows if r[0] == "CAR T-cell therapy")
    assert {"Kymriah", "Yescarta", "Carvykti"} <= set(car_t["names"].split(", "))
    assert int(car_t["products"]) == len(car_t["names"].split(", "))


def test_conflicting_figures_pairs_the_two_global_estimates(demo_store):
    canned = next(q for q in canned_queries() if q.name == "conflicting_figures")
    columns, rows = result_rows(demo_store.answer(canned.sparql))
    records = [dict(zip(columns, r)) for r in rows]
    global_2023 = [r for r in records if (r["measure"], r["market"], r["year"]) == ("MarketSize", "global", "2023")]
    assert [(r["lowest"], r["highest"], r["documents"]) for r in global_2023] == [("14200000000", "15800000000", "2")]


@pytest.mark.parametrize("name, columns", [("acquisitions", ("acquirer", "target")), ("collaborations", ("company", "partner")), ("investments", ("investor", "company"))])
def test_deal_tables_have_one_row_per_deal(demo_store, name, columns):
    canned = next(q for q in canned_queries() if q.name == name)
    header, rows = result_rows(demo_store.answer(canned.sparql))
    pairs = [tuple(row[header.index(c)] for c in columns) + (row[header.index("date")][:4],) for row in rows]
    assert len(pairs) == len(set(pairs)), f"a deal is listed twice in {name}: {sorted(pairs)}"


def test_no_per_share_price_is_a_deal_value(demo_store):
    header, rows = result_rows(demo_store.answer(next(q for q in canned_queries() if q.name == "acquisitions").sparql))
    values = [float(row[header.index("value")]) for row in rows if row[header.index("value")]]
    assert values and min(values) >= 1_000_000, values


def _deals(store, **values):
    canned = next(q for q in canned_queries() if q.name == "deals")
    header, rows = result_rows(store.answer(canned.with_parameters(values)))
    return [dict(zip(header, row)) for row in rows]


def test_deals_take_a_company_and_a_year(demo_store):
    everything = _deals(demo_store)
    roche = _deals(demo_store, company="roche")
    recent = _deals(demo_store, since="2019")
    assert roche and all("Roche" in row["parties"] for row in roche) and len(roche) < len(everything)
    assert recent and all(row["date"] and int(row["date"][:4]) >= 2019 for row in recent) and len(recent) < len(everything)
    assert _deals(demo_store, company='Roche" } ?x ?y ?z . { "') == []


def test_deals_name_each_party_with_its_role(demo_store):
    (acquisition,) = [row for row in _deals(demo_store, company="Spark Therapeutics") if row["kind"] == "Acquisition"]
    assert set(acquisition["parties"].split(" | ")) == {"Roche (acquirer)", "Spark Therapeutics (target)"}


def test_a_company_dossier_lists_only_that_company_with_sources(demo_store):
    canned = next(q for q in canned_queries() if q.name == "company_dossier")
    header, rows = result_rows(demo_store.answer(canned.with_parameters({"company": "novartis"})))
    facts = [dict(zip(header, row)) for row in rows]
    assert {row["name"] for row in facts} == {"Novartis"}
    assert {"deal", "headquarters"} <= {row["section"] for row in facts}
    assert any(row["fact"] == "Acquisition with AveXis (acquirer)" and row["value_usd"] == "8700000000" for row in facts)
    assert all(row["sources"] for row in facts if row["section"] != "headquarters")


def test_a_misspelled_parameter_or_query_name_gets_a_suggestion():
    from kg.errors import UserError
    from kg.queries import resolve_query

    canned = next(q for q in canned_queries() if q.name == "deals")
    with pytest.raises(UserError, match="did you mean company"):
        canned.with_parameters({"compnay": "Biogen"})
    with pytest.raises(UserError, match="whole number"):
        canned.with_parameters({"since": "last year"})
    with pytest.raises(UserError, match="did you mean acquisitions"):
        resolve_query("acquisitons")


def test_collaborations_list_licences_whatever_roles_their_parties_have(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "licence.txt").write_text(
        "Cellectis and Servier signed an exclusive license agreement in 2019. Cellectis will receive an upfront payment of $60 million.\n",
        encoding="utf-8",
    )
    from kg.build import build

    with opened(seeded_store(tmp_path / "store")) as store:
        build([articles], store, "rules")
        canned = next(q for q in canned_queries() if q.name == "collaborations")
        header, rows = result_rows(store.answer(canned.sparql))
        assert [(row[header.index("company")], row[header.index("partner")], row[header.index("sources")]) for row in rows] == [("Cellectis", "Servier", "1")]
        (deal,) = _deals(store)
        assert set(deal["parties"].split(" | ")) == {"Cellectis (licensor)", "Servier (licensee)"}
