"""Deal records: one per real-world deal of a document, parties with roles, money terms (never a
per-share price as the value), typed dates, status and US-dollar values; through both pipelines."""

from __future__ import annotations

import pytest

from conftest import extract_text
from kg.dates import iso_date
from kg.deals import usd_value
from kg.namespaces import CGTID
from kg.rdf import typed_date

ROCHE = (
    "Roche agreed to acquire Spark Therapeutics for $114.50 per share, or about $4.3 billion, in February 2019. "
    "Roche completed its acquisition of Spark Therapeutics in December 2019."
)


def _deals(nlp, text, kind):
    return [deal for deal in extract_text(nlp, text).deals if deal.kind == kind]


def test_an_acquisition_stated_twice_is_one_deal_with_roles_value_and_status(nlp):
    (deal,) = _deals(nlp, ROCHE, "Acquisition")
    assert [(p.label, p.role) for p in deal.parties] == [("Roche", "acquirer"), ("Spark Therapeutics", "target")]
    assert deal.value is not None and deal.value.value == pytest.approx(4.3e9)
    assert all(term.value >= 1_000_000 for term in deal.terms if term.name != "per_share")
    assert (deal.date, deal.status, len(deal.sources)) == ("2019-02", "completed", 2)
    assert deal.to_json()["terms"]["total"]["usd"] == pytest.approx(4.3e9)


def test_an_investment_in_euros_has_a_dollar_value(nlp):
    (deal,) = _deals(nlp, "Sanofi invested EUR 100 million in Lunaris Bio in 2021.", "Investment")
    assert [(p.label, p.role) for p in deal.parties] == [("Sanofi", "investor"), ("Lunaris Bio", "investee")]
    assert (deal.value.currency, deal.value.usd) == ("EUR", pytest.approx(118_000_000))
    assert deal.date == "2021"


def test_a_collaboration_has_partners_and_its_month(nlp):
    (deal,) = _deals(nlp, "Vertex Pharmaceuticals and CRISPR Therapeutics entered into a collaboration in October 2015.", "Collaboration")
    assert {p.role for p in deal.parties} == {"partner"} and deal.date == "2015-10"


@pytest.mark.parametrize("text, iso", [
    ("December 1, 2019", "2019-12-01"), ("1 Dec 2019", "2019-12-01"), ("Feb. 25, 2019", "2019-02-25"),
    ("May 2021", "2021-05"), ("Sept 2020", "2020-09"), ("2019", "2019"), ("no date", None),
])
def test_dates_keep_their_precision(text, iso):
    assert iso_date(text) == iso


def test_typed_dates_sort_in_sparql_order():
    assert [str(typed_date(d).datatype).rsplit("#", 1)[-1] for d in ("2019-12-01", "2019-12", "2019")] == ["date", "gYearMonth", "gYear"]


def test_dollar_values_use_the_rate_of_the_year_or_the_nearest():
    assert usd_value(100, "USD", None) == 100
    assert usd_value(100, "EUR", 2022) == pytest.approx(105)
    assert usd_value(100, "EUR", 1990) == usd_value(100, "EUR", 2012)
    assert usd_value(100, "XYZ", 2020) is None


@pytest.mark.parametrize("sentence, kind", [
    ("Biogen entered into a license agreement with Sangamo Therapeutics in 2020.", "Licensing"),
    ("Haneul Biologics and Solenne Therapeutics signed a manufacturing partnership in 2024.", "Supply"),
    ("Biogen and Ginkgo Bioworks formed a collaboration in May 2021.", "Collaboration"),
    ("Halden Bio formed a joint venture with Talmor Pharma in 2021. The deal includes an option to include additional "
     "products.", "Collaboration"),
    ("Halden Bio formed a partnership with Talmor Pharma in 2021. The deal gives Talmor Pharma an option to license "
     "HLD-12.", "Option"),
    ("Halden Bio signed a partnership agreement with Talmor Pharma in 2021, with an option to terminate the "
     "agreement.", "Collaboration"),
    ("Halden Bio formed a partnership with Talmor Pharma in 2021. The companies hold exclusive rights of first "
     "negotiation.", "Collaboration"),
])
def test_a_collaboration_names_its_narrower_kind(nlp, sentence, kind):
    deals = extract_text(nlp, sentence).deals
    assert [deal.kind for deal in deals] == [kind]


LICENCE = (
    "Paris, 14 June 2022 -- Cellectis and Servier signed an exclusive license agreement for an allogeneic CAR T candidate.\n\n"
    "Under the terms of the agreement, Cellectis will receive an upfront payment of $60 million and is eligible for up to "
    "$900 million in milestones."
)


def test_a_licence_reads_licensor_and_licensee_and_takes_terms_from_the_next_sentence(nlp):
    (deal,) = _deals(nlp, LICENCE, "Licensing")
    assert {p.label: p.role for p in deal.parties} == {"Cellectis": "licensor", "Servier": "licensee"}
    assert (deal.term("upfront").value, deal.term("milestones").value) == (pytest.approx(6e7), pytest.approx(9e8))
    assert deal.date == "2022-06-14"


def test_a_supply_deal_reads_who_manufactures_for_whom(nlp):
    text = "Lonza signed a manufacturing agreement with Mesoblast. Lonza will manufacture remestemcel-L for Mesoblast at its Singapore site."
    (deal,) = _deals(nlp, text, "Supply")
    assert {p.label: p.role for p in deal.parties} == {"Lonza": "supplier", "Mesoblast": "customer"}


def test_a_licence_no_cue_reads_keeps_partners(nlp):
    (deal,) = _deals(nlp, "Cellectis and Servier signed a license agreement in 2019.", "Licensing")
    assert {p.role for p in deal.parties} == {"partner"}


def test_a_value_in_a_later_sentence_about_something_else_is_not_a_term(nlp):
    text = "Cellectis and Servier signed an exclusive license agreement in 2019. The global CAR T market reached $3 billion in 2022."
    (deal,) = _deals(nlp, text, "Licensing")
    assert deal.terms == ()


def test_a_deal_without_a_date_of_its_own_takes_the_dateline(nlp):
    text = "BOSTON, Jan. 9, 2023 /PRNewswire/ -- Some news.\n\nSanofi invested $100 million in Lunaris Bio."
    (deal,) = _deals(nlp, text, "Investment")
    assert deal.date == "2023-01-09"


DATED = "Roche agreed to acquire Spark Therapeutics for about $4.3 billion in February 2019.\n"
YEARLESS = "Spark Therapeutics is now part of Roche: Roche acquired Spark Therapeutics to grow in gene therapy.\n"
LATER = "Roche acquired Spark Therapeutics again in 2023, after a spin-out.\n"
ROCHE_SPARK = """
SELECT ?deal (SAMPLE(?when) AS ?date) (COUNT(DISTINCT ?doc) AS ?sources) WHERE {
  ?deal a cgt:Acquisition ; cgt:acquirer cgtid:roche ; cgt:target cgtid:spark-therapeutics ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?deal cgt:dealDate ?when }
} GROUP BY ?deal ORDER BY ?date
"""


def _roche_spark(store) -> list[tuple[str | None, int]]:
    return [(None if row.date is None else str(row.date), int(row.sources)) for row in store.query(ROCHE_SPARK)]


def test_a_yearless_mention_joins_the_only_dated_deal_of_its_parties_and_stays_apart_when_there_are_several(tmp_path, rules_nlp):
    from conftest import opened
    from kg.build import build, remove_documents

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "yearless.txt").write_text(YEARLESS, encoding="utf-8")
    with opened(tmp_path / "store", create=True) as store:
        build([articles], store, rules_nlp)
        assert _roche_spark(store) == [(None, 1)]
        (articles / "dated.txt").write_text(DATED, encoding="utf-8")
        build([articles], store, rules_nlp)
        assert _roche_spark(store) == [("2019-02", 2)]
        (articles / "later.txt").write_text(LATER, encoding="utf-8")
        build([articles], store, rules_nlp)
        assert sorted(_roche_spark(store), key=str) == sorted([(None, 1), ("2019-02", 1), ("2023", 1)], key=str)
        remove_documents(store, [str(articles / "later.txt")])
        assert _roche_spark(store) == [("2019-02", 2)]


OTHER_VALUE = "In 2019 Roche completed its acquisition of Spark Therapeutics for $4.8 billion.\n"
DEAL_VALUES = "SELECT DISTINCT ?usd WHERE { ?deal a cgt:Acquisition ; cgt:acquirer cgtid:roche ; cgt:usdValue ?usd } ORDER BY ?usd"


def test_a_deal_value_rejected_and_then_accepted_comes_back_without_re_extraction_and_a_rebuild_keeps_it_out_meanwhile(tmp_path, rules_nlp):
    from conftest import opened
    from kg.build import build
    from kg.review import decide, review_items

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "dated.txt").write_text(DATED, encoding="utf-8")
    (articles / "other.txt").write_text(OTHER_VALUE, encoding="utf-8")
    with opened(tmp_path / "store", create=True) as store:
        build([articles], store, rules_nlp)
        values = lambda: [float(row.usd) for row in store.query(DEAL_VALUES)]  # noqa: E731
        assert values() == [4.3e9, 4.8e9]
        (item,) = [i for i in review_items(store) if i.reason.startswith("another source") and float(i.object) == 4.8e9]
        decide(store, [item.id], "rejected")
        assert values() == [4.3e9]
        assert build([articles], store, rules_nlp, min_confidence=0.01).skipped == 0  # read again by another extractor
        assert values() == [4.3e9]
        decide(store, [item.id], "accepted")
        assert values() == [4.3e9, 4.8e9]
        assert store.query("ASK { GRAPH ?g { ?deal cgt:usdValue 4800000000.0 ; prov:wasDerivedFrom ?g } }").askAnswer


def test_kg_extract_json_prints_each_deal_as_issue_11_says(tmp_path):
    import json
    import re

    from conftest import run_kg

    article = tmp_path / "deals.txt"
    article.write_text(
        "Janssen entered into a worldwide collaboration and license agreement with Legend Biotech in December 2017. "
        "Under the terms of the agreement, Janssen will pay Legend Biotech $350 million upfront and up to $1.2 billion in milestones.\n\n"
        + ROCHE + " Sanofi invested EUR 100 million in Lunaris Bio in 2021.\n",
        encoding="utf-8",
    )
    printed = run_kg("extract", "--json", "--model", "rules", article)
    assert printed.returncode == 0, printed.stderr
    deals = {deal["kind"]: deal for deal in json.loads(printed.stdout)["deals"]}
    assert set(deals) == {"Licensing", "Acquisition", "Investment"}
    for deal in deals.values():
        assert {"kind", "parties", "terms", "date", "status", "evidence"} <= set(deal)
        assert all(set(party) == {"id", "label", "role"} for party in deal["parties"])
        assert list(deal["terms"]) == ["upfront", "equity", "milestones", "total", "per_share"]
        assert all(term is None or set(term) == {"value", "currency", "usd"} for term in deal["terms"].values())
        assert re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", deal["date"]) and deal["status"] in ("proposed", "announced", "completed", "terminated")
        assert deal["evidence"]["text"] in article.read_text(encoding="utf-8")
    licence, acquisition, investment = deals["Licensing"], deals["Acquisition"], deals["Investment"]
    assert [(p["label"], p["role"]) for p in licence["parties"]] == [("Janssen", "licensee"), ("Legend Biotech", "licensor")]
    assert (licence["terms"]["upfront"]["usd"], licence["terms"]["milestones"]["usd"], licence["terms"]["total"]) == (3.5e8, 1.2e9, None)
    assert acquisition["terms"]["per_share"] == {"value": 114.5, "currency": "USD", "usd": 114.5}  # kept, never the value
    assert acquisition["terms"]["total"]["usd"] == 4.3e9 and (acquisition["date"], acquisition["status"]) == ("2019-02", "completed")
    assert investment["terms"]["total"] == {"value": 1e8, "currency": "EUR", "usd": pytest.approx(1.18e8)} and investment["date"] == "2021"


ROUND = (
    "Lunaris Bio closed a $60 million Series B financing in March 2022. The financing round was led by Halden Capital, "
    "and supported by Orinthe Ventures and Brantwell Partners. Previous investors such as Sanofi also joined the round."
)


def test_a_financing_round_is_one_deal_with_every_investor_and_the_terms_of_its_announcement(nlp):
    (deal,) = _deals(nlp, ROUND, "Investment")
    assert [(p.label, p.role) for p in deal.parties] == [
        ("Halden Capital", "investor"), ("Orinthe Ventures", "investor"), ("Brantwell Partners", "investor"),
        ("Sanofi", "investor"), ("Lunaris Bio", "investee")]
    assert (deal.value.value, deal.date) == (pytest.approx(60_000_000), "2022-03")


def test_rounds_of_different_names_stay_apart(nlp):
    text = "In 2020 Halden Capital led the Series A round of Lunaris Bio. In 2022 Sanofi led the Series B round of Lunaris Bio."
    deals = _deals(nlp, text, "Investment")
    assert sorted(tuple(p.label for p in d.parties if p.role == "investor") for d in deals) == [("Halden Capital",), ("Sanofi",)]


def test_two_sources_naming_different_investors_of_one_round_write_one_deal(tmp_path, rules_nlp):
    from conftest import opened
    from kg.build import build

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(ROUND + "\n", encoding="utf-8")
    (articles / "b.txt").write_text("In March 2022 Lunaris Bio raised $60 million in a Series B round led by Halden Capital.\n", encoding="utf-8")
    with opened(tmp_path / "store", create=True) as store:
        build([articles], store, rules_nlp)
        rows = list(store.query("SELECT DISTINCT ?deal WHERE { ?deal a cgt:Investment ; cgt:investee ?who . ?who skos:prefLabel|rdfs:label ?name FILTER(STR(?name) = 'Lunaris Bio') }"))
    assert len(rows) == 1


def test_up_to_alone_is_a_potential_total_and_with_milestone_words_the_milestones(nlp):
    (acquisition,) = _deals(nlp, "In 2023 Aldenbrook Pharma agreed to spend up to $1.2 billion to acquire Orinthe Genetics.", "Acquisition")
    assert [t.name for t in acquisition.terms] == ["total"]
    (licence,) = _deals(nlp, "In 2023 Halden Bio licensed its vector to Orinthe Genetics, and Halden Bio is eligible to receive up to $900 million.", "Licensing")
    assert [t.name for t in licence.terms] == ["milestones"]


def test_a_cdmo_named_as_such_is_the_supplier_whoever_the_infinitive_belongs_to(nlp):
    (deal,) = _deals(nlp, "In 2023 CDMO giant Catalent inked a supply deal with Sarepta Therapeutics to manufacture its gene therapy.", "Supply")
    assert [(p.label, p.role) for p in deal.parties] == [("Catalent", "supplier"), ("Sarepta Therapeutics", "customer")]


def test_yearless_merging_after_a_build_reads_only_the_deals_of_the_parties_written(tmp_path, rules_nlp):
    """Adding one article must not read every deal of the store: merge_yearless_deals is narrowed to the parties
    of the graphs the build wrote or replaced."""
    from conftest import opened
    from kg.build import build
    from kg.deals import DEAL_MENTIONS, DEALS_OF_PARTIES, deal_parties

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "roche.txt").write_text(DATED, encoding="utf-8")
    (articles / "other.txt").write_text("In 2021 Biogen signed a collaboration with Ginkgo Bioworks.\n", encoding="utf-8")
    with opened(tmp_path / "store", create=True) as store:
        build([articles], store, rules_nlp)
        roche = [row for row in store.query("SELECT ?d WHERE { GRAPH ?d { ?d cgt:path ?p FILTER(CONTAINS(?p, 'roche')) } }")]
        parties = deal_parties(store, [str(roche[0][0])])
        narrowed = list(store.query(DEAL_MENTIONS % (DEALS_OF_PARTIES % " ".join(f"<{p}>" for p in parties))))
        everything = list(store.query(DEAL_MENTIONS % ""))
    assert {str(CGTID["roche"]), str(CGTID["spark-therapeutics"])} <= parties
    assert 0 < len(narrowed) < len(everything)


def test_an_amount_said_to_be_the_total_replaces_a_plain_one(nlp):
    text = ("Halden Bio has agreed to acquire Orinthe Genetics for $380 million. A contingent value right could add $1 per share. "
            "That would bring the total value of the deal to $470 million.")
    (deal,) = _deals(nlp, text, "Acquisition")
    assert deal.value.value == pytest.approx(470e6)
    assert deal.to_json()["terms"]["per_share"]["value"] == pytest.approx(1.0)


def test_a_share_price_or_the_targets_net_cash_is_no_deal_value(nlp):
    text = ("Orinthe Genetics closed the trading session at $113.90 before the deal was announced. "
            "Halden Bio will acquire Orinthe Genetics in an all-cash deal. The total equity value is $4.8 billion, "
            "which includes an estimated $500 million net cash expected at the deal close.")
    extraction = extract_text(nlp, text)
    assert not [f for f in extraction.figures if f.measure == "DealValue" and f.value < 10_000]
    assert 5e8 not in {f.value for f in extraction.figures}, "the target's net cash is no figure of the deal"
    (deal,) = [d for d in extraction.deals if d.kind in ("Acquisition", "Merger")]
    assert deal.value.value == pytest.approx(4.8e9)


def test_the_sentence_of_the_terms_can_say_the_deal_is_a_licence(nlp):
    text = ("Halden Bio has inked a deal with Orinthe Genetics for two CAR-T therapies. "
            "Halden Bio will pay USD245 million upfront to Orinthe Genetics to obtain the exclusive licensing to develop them.")
    (deal,) = _deals(nlp, text, "Licensing")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Bio", "licensee"), ("Orinthe Genetics", "licensor")}


def test_the_second_verb_of_a_partys_clause_reads_its_role(nlp):
    text = "In 2017, Halden Bio partnered with Chinese drugmaker Orinthe Genetics and gained a license to develop its CAR-T therapy."
    (deal,) = _deals(nlp, text, "Licensing")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Bio", "licensee"), ("Orinthe Genetics", "licensor")}


def test_an_amount_in_another_clause_of_the_sentence_is_another_deals(nlp):
    text = ("Talmor Bio has since signed a $2-billion deal with Orinthe Genetics to develop cell therapies; acquired a slate "
            "of gene therapies from Brisemont Pharma for up to $1 billion; and formed an alliance with Quillhaven.")
    deals = {frozenset(p.label for p in deal.parties): deal for deal in extract_text(nlp, text).deals}
    orinthe = deals[frozenset({"Talmor Bio", "Orinthe Genetics"})]
    assert orinthe.value.value == pytest.approx(2e9)
    quillhaven = deals.get(frozenset({"Talmor Bio", "Quillhaven"}))
    assert quillhaven is None or quillhaven.value is None


def test_an_up_to_total_with_contingent_payments_makes_the_first_total_the_amount_at_closing(nlp):
    text = ("Halden Bio will acquire Orinthe Genetics for $9.00 per share in cash at closing, representing a total equity value "
            "of approximately $1.0 billion, plus a contingent value right, representing a total deal value of up to approximately $1.5 billion.")
    (deal,) = _deals(nlp, text, "Acquisition")
    terms = deal.to_json()["terms"]
    assert terms["total"]["value"] == pytest.approx(1.5e9) and terms["upfront"]["value"] == pytest.approx(1.0e9)


TAKEOVER_WITH_CVR = (
    "Halden Bio Inc. and Orinthe Genetics Inc. today announced a definitive agreement for Halden Bio to acquire Orinthe Genetics "
    "for $22.50 per share in cash (or an aggregate of approximately $880 million) payable at closing plus one non-tradable "
    "contingent value right (\"CVR\") worth up to $4.00 per share in cash (or an aggregate of approximately $160 million), "
    "for a total consideration of up to $26.50 per share in cash (or an aggregate of approximately $1.040 billion)."
)


def test_a_takeover_agreed_by_both_is_one_acquisition_and_no_partnership(nlp):
    extraction = extract_text(nlp, TAKEOVER_WITH_CVR)
    assert [d.kind for d in extraction.deals] == ["Acquisition"]
    assert not [r for r in extraction.relations if r.predicate == "collaboratesWith"]


def test_an_amount_restated_in_parentheses_takes_the_words_around_them_and_a_cvr_is_no_term(nlp):
    (deal,) = _deals(nlp, TAKEOVER_WITH_CVR, "Acquisition")
    terms = {t.name: t.value for t in deal.terms}
    assert terms == {"upfront": pytest.approx(8.8e8), "total": pytest.approx(1.04e9), "per_share": pytest.approx(22.5)}


TECHNOLOGY_EXPORT = (
    "Halden Biosciences announced on Nov. 19 that it has signed a technology export contract with multinational "
    "pharmaceutical company Quillpharma to launch Orinvex in Japan.\n\n"
    "The total contract amount is 667.7 billion won (US$591.6 million), including an upfront payment of 30 billion won "
    "(US$26.65 million) and 637.7 billion won (US$565 million) in milestone payments.\n\n"
    "The contract sum amounts to a large share of the company's yearly sales.\n\n"
    "Halden Biosciences is also entitled to royalties on net sales.\n\n"
    "Under the contract, Quillpharma has exclusive rights to research, develop and commercialize Orinvex in Japan."
)


def test_a_technology_export_contract_is_a_licence_with_terms_in_the_currency_written_first(nlp):
    (deal,) = _deals(nlp, TECHNOLOGY_EXPORT, "Licensing")
    terms = {t.name: (t.value, t.currency) for t in deal.terms}
    assert terms["total"] == (pytest.approx(6.677e11), "KRW")
    assert terms["upfront"] == (pytest.approx(3e10), "KRW")
    assert terms["milestones"] == (pytest.approx(6.377e11), "KRW")


def test_a_partys_role_is_read_a_few_sentences_after_the_deal(nlp):
    (deal,) = _deals(nlp, TECHNOLOGY_EXPORT, "Licensing")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Biosciences", "licensor"), ("Quillpharma", "licensee")}


REPORTED_RIGHTS = (
    "NEW YORK – Halden Bio on Monday said Orinthe Genetics acquired exclusive rights to develop certain cell therapies.\n\n"
    "Under the terms of the agreement, Orinthe may apply its platform. The platform is designed to help. "
    "The product would be the first of its kind.\n\n"
    "Orinthe Genetics will pay Halden Bio up to $100 million in an upfront payment and up to $1.01 billion in clinical, "
    "regulatory, and commercial milestone payments and tiered royalties."
)


def test_rights_a_company_reports_another_acquired_are_a_licence_with_terms_stated_later(nlp):
    (deal,) = _deals(nlp, REPORTED_RIGHTS, "Licensing")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Bio", "licensor"), ("Orinthe Genetics", "licensee")}
    terms = {t.name: t.value for t in deal.terms}
    assert terms == {"upfront": pytest.approx(1e8), "milestones": pytest.approx(1.01e9)}


def test_a_partnership_on_a_named_product_that_one_party_pays_for_is_a_licence(nlp):
    text = ("Halden Bio and Orinthe Genetics have partnered to develop and commercialise ORT-314, a gene therapy for wet AMD. "
            "Halden Bio will pay Orinthe Genetics a $370 million upfront payment with the potential for Orinthe Genetics to "
            "receive up to $1.38 billion in additional development, regulatory and commercial milestones.")
    (deal,) = _deals(nlp, text, "Licensing")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Bio", "licensee"), ("Orinthe Genetics", "licensor")}
    terms = deal.to_json()["terms"]
    assert (terms["upfront"]["value"], terms["milestones"]["value"], terms["total"]) == (370e6, 1.38e9, None)


def test_a_paid_research_collaboration_on_a_platform_stays_a_collaboration(nlp):
    text = ("Halden Bio and Orinthe Genetics formed a collaboration to develop capsids for gene therapy. "
            "Halden Bio will pay Orinthe Genetics $40 million upfront and up to $900 million in milestones.")
    assert _deals(nlp, text, "Collaboration") and not _deals(nlp, text, "Licensing")


def test_an_option_to_a_licence_gives_its_parties_the_licences_roles(nlp):
    text = ("Halden Bio announced a collaboration and option agreement with Orinthe Genetics. Halden Bio is eligible to receive "
            "up to $1.8 billion in milestones. Orinthe Genetics can exercise an option for an exclusive license to develop the candidates.")
    (deal,) = _deals(nlp, text, "Option")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Bio", "licensor"), ("Orinthe Genetics", "licensee")}


def test_the_two_sides_of_an_agreement_one_of_which_will_produce_for_the_other_are_a_supply_deal(nlp):
    text = "Under an agreement with San Diego-based Orinthe Genetics, Halden Bio will produce ORN-101, an NK cell therapy, for a trial."
    (deal,) = _deals(nlp, text, "Supply")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Bio", "supplier"), ("Orinthe Genetics", "customer")}


def test_a_product_the_two_co_develop_keeps_its_paid_partnership_a_collaboration(nlp):
    text = ("Halden Bio and Orinthe Genetics have entered a global strategic collaboration to co-develop and co-commercialise "
            "ORN-101 for multiple myeloma. Orinthe Genetics will receive an upfront cash payment of $225 million. "
            "The companies will share commercialisation costs for ORN-101.")
    assert _deals(nlp, text, "Collaboration") and not _deals(nlp, text, "Licensing")


LUMEXA = ("Halden Bio said it has entered into a licensing agreement with Orinthe Genetics to develop and commercialize its "
          "gene therapy Lumexa outside the United States for $105 million upfront. "
          "Halden Bio also entered into a separate agreement to manufacture and supply investigational Lumexa to Orinthe Genetics.")


def test_a_separate_agreement_of_the_same_parties_is_another_deal_and_a_supplier_supplies_to_its_customer(nlp):
    (supply,) = _deals(nlp, LUMEXA, "Supply")
    assert {(p.label, p.role) for p in supply.parties} == {("Halden Bio", "supplier"), ("Orinthe Genetics", "customer")}
    assert _deals(nlp, LUMEXA, "Licensing")


def test_the_developer_the_vocabulary_gives_for_the_licensed_product_is_the_licensor(nlp):
    text = ("Orinthe Genetics said it has entered into a licensing agreement with Spark Therapeutics to commercialize its gene "
            "therapy Luxturna outside the United States for $105 million upfront.")
    (licence,) = _deals(nlp, text, "Licensing")
    assert {(p.label, p.role) for p in licence.parties} == {("Spark Therapeutics", "licensor"), ("Orinthe Genetics", "licensee")}


def test_the_new_agreement_is_the_same_deal_and_an_option_stays_an_option(nlp):
    text = ("Halden Bio and Orinthe Genetics signed a collaboration agreement. Under the new agreement, Halden Bio will pay "
            "Orinthe Genetics $70 million upfront.")
    assert len(_deals(nlp, text, "Collaboration")) == 1
    option = ("Halden Bio entered into an exclusive option agreement with Orinthe Genetics to develop ORN-525. "
              "Halden Bio will pay Orinthe Genetics $20 million upfront.")
    assert _deals(nlp, option, "Option") and not _deals(nlp, option, "Licensing")


def test_the_company_an_anaphor_names_is_not_the_subject_paying_it_and_the_parts_of_milestones_are_no_terms(nlp):
    text = ("In exchange for long-term global commercialization rights for Orinthe Genetics’ lead gene therapy candidate ORN-525, "
            "Halden Bio will pay the California-based company $70 million upfront and up to $475 million in milestone "
            "payments, including up to $300 million for the development of ORN-525 and up to $175 million for other candidates.")
    (deal,) = _deals(nlp, text, "Licensing")
    assert {(p.label, p.role) for p in deal.parties} == {("Halden Bio", "licensee"), ("Orinthe Genetics", "licensor")}
    terms = deal.to_json()["terms"]
    assert (terms["upfront"]["value"], terms["milestones"]["value"], terms["total"]) == (70e6, 475e6, None), terms


def test_an_amount_restated_for_a_second_deal_reaches_that_deal_and_the_figure_is_stored_once(nlp):
    text = ("Halden Bio agreed to acquire Orinthe Therapeutics for EUR 520 million in 2021. "
            "In 2021, Talmor Pharma also signed an exclusive license agreement with Quillhaven Therapeutics worth EUR 520 million.")
    extraction = extract_text(nlp, text)
    by_kind = {deal.kind: deal for deal in extraction.deals}
    assert by_kind["Acquisition"].value.value == pytest.approx(5.2e8)
    assert by_kind["Licensing"].value.value == pytest.approx(5.2e8)
    assert by_kind["Licensing"].value.evidence.text.startswith("In 2021, Talmor Pharma")
    assert [(f.measure, f.value) for f in extraction.figures].count(("DealValue", 5.2e8)) == 1


def test_in_a_sentence_of_several_deals_each_amount_goes_to_the_deal_named_last_before_it(nlp):
    text = ("This year, Halden Bio bought Orinthe Therapeutics for $4.8 billion and Talmor Pharma paid $800 million to "
            "acquire Quillhaven Therapeutics, while Aldenbrook Pharma signed a deal with Norvane Therapeutics.")
    deals = {tuple(p.label for p in deal.parties): deal for deal in extract_text(nlp, text).deals}
    values = {parties: deal.value and deal.value.value for parties, deal in deals.items()}
    assert values[("Halden Bio", "Orinthe Therapeutics")] == pytest.approx(4.8e9)
    assert values[("Talmor Pharma", "Quillhaven Therapeutics")] == pytest.approx(8e8)
    assert all(value is None for parties, value in values.items() if "Aldenbrook Pharma" in parties)


def test_exclusive_rights_make_a_licence_and_a_one_deal_document_states_its_terms_anywhere_after_it(nlp):
    text = ("Talmor Pharma has entered into an agreement with Halden Bio for co-development and exclusive sales rights in "
            "Japan for Halden Bio's HLD-12. Halden Bio will manufacture the product. The trial will start soon. "
            "Patients will be enrolled at ten sites. The regulator has been informed. Sales are expected in 2027. "
            "The upfront and milestone payments will be up to a maximum total amount of approximately 6.3 billion yen.")
    (deal,) = extract_text(nlp, text).deals
    assert deal.kind == "Licensing"
    assert {p.label: p.role for p in deal.parties} == {"Talmor Pharma": "licensee", "Halden Bio": "licensor"}
    assert (deal.value.value, deal.value.currency) == (pytest.approx(6.3e9), "JPY")


def test_a_document_of_two_deals_keeps_far_terms_to_neither(nlp):
    text = ("Talmor Pharma signed a license agreement with Halden Bio. Aldenbrook Pharma acquired Orinthe Therapeutics. "
            "The trial will start soon. Patients will be enrolled at ten sites. The regulator has been informed. "
            "The upfront payment will be $50 million.")
    assert all(deal.value is None for deal in extract_text(nlp, text).deals)


def test_a_one_deal_documents_far_terms_stop_where_another_companys_story_begins(nlp):
    text = ("Halden Bio and Talmor Pharma formed a collaboration in May 2021. The work went well. The teams met often. "
            "The plant was built. Aldenbrook Pharma and Orinthe Therapeutics later announced a licence. "
            "The agreement is worth up to EUR 300 million in total.")
    deals = [deal for deal in extract_text(nlp, text).deals if {p.label for p in deal.parties} == {"Halden Bio", "Talmor Pharma"}]
    assert [deal.value for deal in deals] == [None]


def test_a_rival_named_in_a_relative_clause_does_not_take_the_amount(nlp):
    text = ("Halden Bio agreed to acquire Orinthe Therapeutics, whose largest shareholder is Talmor Pharma, for $4.8 "
            "billion, while Talmor Pharma bought Quillhaven Therapeutics.")
    deals = {tuple(p.label for p in deal.parties): deal for deal in extract_text(nlp, text).deals}
    assert deals[("Halden Bio", "Orinthe Therapeutics")].value.value == pytest.approx(4.8e9)


def test_who_pays_upfront_is_the_licensee_and_new_shares_it_takes_are_equity(nlp):
    text = ("Talmor Pharma and Halden Bio announced a broad global licensing collaboration deal to develop several compounds. "
            "Talmor Pharma is plunking down $350 million up front, with $125 million a license fee payment and $225 million "
            "in new Halden Bio stock. Halden Bio will be eligible for up to $2.37 billion in various milestone payments.")
    (deal,) = extract_text(nlp, text).deals
    assert {p.label: p.role for p in deal.parties} == {"Talmor Pharma": "licensee", "Halden Bio": "licensor"}
    terms = {term.name: term.value for term in deal.terms}
    assert terms == {"upfront": pytest.approx(3.5e8), "equity": pytest.approx(2.25e8), "milestones": pytest.approx(2.37e9)}


def test_a_round_announced_paragraphs_before_its_investors_keeps_its_amount_and_in_licensing_from_keeps_roles(nlp):
    text = ("QuillGene, a gene editing startup focused on liver disorders, this week announced a $65 million Series A-1 "
            "financing.\n\nThe company works with a university programme. Its founder led a trial in 1999. The trial "
            "was halted.\n\nQuillGene licensed the TALON nuclease for QHV-506 from Halden Bio.\n\n"
            "The financing was co-led by Talmor Capital and Orinthe Ventures with participation from existing investors "
            "Aldenbrook Partners.")
    deals = extract_text(nlp, text).deals
    (round_,) = [d for d in deals if d.kind == "Investment"]
    assert {p.label: p.role for p in round_.parties}["QuillGene"] == "investee"
    assert round_.value is not None and round_.value.value == pytest.approx(6.5e7)
    (licence,) = [d for d in deals if d.kind == "Licensing"]
    assert {p.label: p.role for p in licence.parties} == {"QuillGene": "licensee", "Halden Bio": "licensor"}


def test_a_payment_on_a_condition_is_no_total_and_research_funding_is_no_investment(nlp):
    text = ("Talmor Pharma announced a research deal to develop a pair of treatments with Halden Bio. Talmor Pharma will pay "
            "Halden Bio $40 million upfront to develop one initial program and could add $35 million more if it exercises "
            "an option on another. The startup will also receive R&D funding from Talmor Pharma for the work.")
    extraction = extract_text(nlp, text)
    (deal,) = extraction.deals
    assert {term.name: term.value for term in deal.terms} == {"upfront": pytest.approx(4e7)}
    assert not [r for r in extraction.relations if r.predicate == "investsIn"], [(r.subject, r.rule) for r in extraction.relations]


def test_a_round_that_names_no_investor_is_a_deal_of_its_raiser(nlp):
    text = ("In July 2019, Orinthe Genetics raised US$ 250 million through a financing round to develop induced pluripotent "
            "stem cells. Halden Bio signed a license agreement with Talmor Pharma.")
    deals = extract_text(nlp, text).deals
    (round_,) = [d for d in deals if d.kind == "Investment"]
    assert [(p.label, p.role) for p in round_.parties] == [("Orinthe Genetics", "investee")]
    assert (round_.value.value, round_.date) == (pytest.approx(2.5e8), "2019-07")
    assert not [d for d in deals if d.kind == "Investment" and any(p.label in ("Halden Bio", "Talmor Pharma") for p in d.parties)]


def test_a_round_without_investors_validates_and_a_one_party_acquisition_does_not():
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import PROV, RDF

    from kg.namespaces import CGT
    from kg.validate import validate_graph

    graph, document = Graph(), URIRef("https://w3id.org/cgt-kg/doc/" + "0" * 64)
    for kind in ("Investment", "Acquisition"):
        node = URIRef(f"https://w3id.org/cgt-kg/event/{kind}")
        graph.add((node, RDF.type, CGT[kind]))
        graph.add((node, CGT.party, URIRef("https://w3id.org/cgt-kg/id/orinthe-genetics")))
        graph.add((node, PROV.wasDerivedFrom, document))
    graph.add((document, RDF.type, CGT.Document))
    graph.add((document, CGT.sha256, Literal("0" * 64)))
    failing = {(v.focus.rsplit("/", 1)[-1], v.message) for v in validate_graph(graph) if "party" in v.path}
    assert failing == {("Acquisition", "a deal needs two parties")}, failing


@pytest.mark.parametrize("text", [
    "Halden Bio has raised more than $300 million in funding to date, the company said.",
    "Halden Bio announced it had closed its manufacturing site for lack of funding.",
])
def test_money_raised_to_date_or_a_closed_site_is_no_round(nlp, text):
    assert not [d for d in extract_text(nlp, text).deals if d.kind == "Investment"]


def test_who_hands_over_its_rights_is_no_licensee_and_a_grant_is_no_investment(nlp):
    text = ("Talmor Pharma signed a license agreement with Halden Bio. Talmor Pharma will hand over its rights to MLT-204. "
            "Pfizer provided $10 million to Halden Bio to support research.")
    extraction = extract_text(nlp, text)
    roles = {p.label: p.role for d in extraction.deals if d.kind == "Licensing" for p in d.parties}
    assert roles.get("Talmor Pharma") != "licensee", roles
    assert not [r for r in extraction.relations if r.predicate == "investsIn" and "pfizer" in r.subject], extraction.relations


def test_who_can_exercise_opt_in_rights_is_an_options_licensee(nlp):
    text = ("Halden Bio announced a strategic collaboration and option agreement with Talmor Pharma to develop novel cell "
            "therapies. Talmor Pharma can exercise opt-in rights and assumes sole responsibility for further development.")
    (deal,) = [d for d in extract_text(nlp, text).deals if d.kind == "Option"]
    assert {p.label: p.role for p in deal.parties} == {"Halden Bio": "licensor", "Talmor Pharma": "licensee"}


def test_a_round_the_investors_sentence_refers_to_gives_its_amount_sentences_later(nlp):
    text = ("Halden Bio has closed an oversubscribed $114 million Series B round to fund its islet therapy. The "
            "Cambridge, Mass.-based company said it plans to use the funds for trials. It also plans new programmes. "
            "Talmor Ventures and Quillhaven Capital co-led the round.")
    (round_,) = _deals(nlp, text, "Investment")
    assert [(p.label, p.role) for p in round_.parties] == [
        ("Talmor Ventures", "investor"), ("Quillhaven Capital", "investor"), ("Halden Bio", "investee")]
    assert round_.value is not None and round_.value.value == pytest.approx(1.14e8)


@pytest.mark.parametrize("text, licensor, licensee", [
    ("Halden Bio has signed a licensing agreement with Talmor Pharma worth $900 million. Talmor Pharma has licensed the "
     "rights to use Halden Bio's R200 vector for one genetic target.", "Halden Bio", "Talmor Pharma"),
    ("Halden Bio said that HLD-12, a gene therapy developed by Halden Bio and licensed by Talmor Pharma, was approved "
     "under a licence agreement between the two companies.", "Halden Bio", "Talmor Pharma"),
])
def test_who_licensed_the_rights_to_use_or_licensed_a_product_developed_by_another_is_the_licensee(nlp, text, licensor, licensee):
    (deal,) = _deals(nlp, text, "Licensing")
    assert {(p.label, p.role) for p in deal.parties} == {(licensor, "licensor"), (licensee, "licensee")}
