"""Deal and event scoring of `kg eval`: a deal counts as right only with kind, parties, roles, year and value all right."""

from __future__ import annotations

from kg.evaluate import GoldEntity, event_is_right, deal_is_right
from kg.model import Deal, DealParty, DealTerm, RegulatoryEvent, Span
from kg.namespaces import CGTID

SPAN = Span("x", 0, 1)
GOLD_ENTITIES = {
    "Legend Biotech": GoldEntity("Legend Biotech", "Company", frozenset({str(CGTID["legend-biotech"])})),
    "Janssen": GoldEntity("Janssen", "Company", frozenset({str(CGTID["janssen"])})),
}
GOLD = {
    "kind": "Licensing",
    "parties": [{"label": "Legend Biotech", "role": "licensor"}, {"label": "Janssen", "role": "licensee"}],
    "terms": {"upfront": {"value": 350_000_000, "currency": "USD"}, "total": None},
    "date": "2017-12-22",
}


def _deal(kind="Licensing", roles=("licensor", "licensee"), value=350_000_000.0, date="2017-12", name="upfront"):
    parties = (DealParty(str(CGTID["legend-biotech"]), "Legend Biotech", roles[0]), DealParty(str(CGTID["janssen"]), "Janssen", roles[1]))
    terms = (DealTerm(name, value, "USD", value, SPAN),) if value is not None else ()
    return Deal(kind, parties, "collaboratesWith", date, terms, "announced", None, SPAN)


def test_a_deal_right_in_every_part_counts():
    assert deal_is_right(_deal(), GOLD, GOLD_ENTITIES)
    assert deal_is_right(_deal(value=355_000_000.0), GOLD, GOLD_ENTITIES), "within 3%"


def test_a_wrong_kind_role_year_or_value_does_not():
    assert not deal_is_right(_deal(kind="Collaboration"), GOLD, GOLD_ENTITIES)
    assert not deal_is_right(_deal(roles=("partner", "partner")), GOLD, GOLD_ENTITIES)
    assert not deal_is_right(_deal(date="2018"), GOLD, GOLD_ENTITIES)
    assert not deal_is_right(_deal(value=400_000_000.0), GOLD, GOLD_ENTITIES)
    assert not deal_is_right(_deal(value=None), GOLD, GOLD_ENTITIES)


def test_a_per_share_price_is_never_the_value():
    assert not deal_is_right(_deal(value=350_000_000.0, name="per_share"), GOLD, GOLD_ENTITIES)
    no_value = {**GOLD, "terms": {}}
    assert deal_is_right(_deal(value=21.5, name="per_share"), no_value, GOLD_ENTITIES)
    assert not deal_is_right(_deal(value=60_000_000.0), no_value, GOLD_ENTITIES), "a value the text does not state"



def test_the_equity_a_strategic_investment_buys_is_its_value():
    gold = {**GOLD, "terms": {"equity": {"value": 43_130_000, "currency": "USD"}}}
    assert _deal(value=43_130_000.0, name="equity").value.value == 43_130_000.0
    assert deal_is_right(_deal(value=43_130_000.0, name="equity"), gold, GOLD_ENTITIES)
    assert deal_is_right(_deal(value=43_130_000.0, name="total"), gold, GOLD_ENTITIES)
    assert not deal_is_right(_deal(value=None), gold, GOLD_ENTITIES)

EVENT_ENTITIES = {
    label: GoldEntity(label, type_, frozenset({str(CGTID[local])}))
    for label, type_, local in (
        ("CT041", "Therapy", "ct041"), ("European Medicines Agency", "Agency", "ema"), ("PRIME scheme", "Regulation", "prime-scheme"),
        ("orphan designation", "Regulation", "orphan-drug-designation"), ("China", "Country", "china"),
        ("National Medical Products Administration", "Agency", "nmpa"),
    )
}


def _event(kind, agency=None, jurisdiction=None, designation=None):
    return RegulatoryEvent(kind, str(CGTID["ct041"]), agency and str(CGTID[agency]), jurisdiction and str(CGTID[jurisdiction]),
                           designation and str(CGTID[designation]), (), None, None, SPAN)


def test_a_designation_grant_is_judged_by_its_designation():
    gold = {"kind": "Designation", "product": "CT041", "agency": "European Medicines Agency", "designation": "PRIME scheme"}
    assert event_is_right(_event("DesignationGrant", designation="prime-scheme"), gold, EVENT_ENTITIES)
    assert not event_is_right(_event("DesignationGrant", designation="orphan-drug-designation"), gold, EVENT_ENTITIES)
    assert not event_is_right(_event("Approval", agency="ema"), gold, EVENT_ENTITIES)


def test_an_approval_is_judged_by_the_agency_or_jurisdiction_the_gold_names():
    by_agency = {"kind": "Approval", "product": "CT041", "agency": "National Medical Products Administration", "jurisdiction": "China"}
    assert event_is_right(_event("Approval", agency="nmpa"), by_agency, EVENT_ENTITIES)
    assert event_is_right(_event("Approval", jurisdiction="china"), by_agency, EVENT_ENTITIES)
    assert not event_is_right(_event("Approval", agency="ema"), by_agency, EVENT_ENTITIES)
    assert not event_is_right(_event("Clearance", agency="nmpa"), by_agency, EVENT_ENTITIES)


def test_the_value_is_right_when_the_total_or_the_upfront_matches_the_stated_total_or_upfront():
    both = {**GOLD, "terms": {"upfront": {"value": 70_000_000, "currency": "USD"}, "total": {"value": 545_000_000, "currency": "USD"}}}
    assert deal_is_right(_deal(value=70_000_000.0), both, GOLD_ENTITIES), "the upfront, though the text states a total too"
    assert deal_is_right(_deal(value=545_000_000.0, name="total"), both, GOLD_ENTITIES)
    assert deal_is_right(_deal(value=350_000_000.0, name="upfront"), GOLD, GOLD_ENTITIES)
    assert not deal_is_right(_deal(value=475_000_000.0, name="milestones"), both, GOLD_ENTITIES), "milestones are no headline value"
    assert not deal_is_right(_deal(value=2.6e9, name="total"), GOLD, GOLD_ENTITIES)
