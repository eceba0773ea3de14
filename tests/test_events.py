"""Regulatory events from relation shortcuts: one approval per product and agency, the jurisdiction
of the same sentence, the approval type and date of its sentences, designations per product."""

from __future__ import annotations

from kg.events import events_from
from kg.model import Relation, Span
from kg.namespaces import CGTID


def _relation(subject, predicate, obj, sentence: str, start: int) -> Relation:
    return Relation(str(CGTID[subject]), predicate, str(CGTID[obj]), 0.9, Span(sentence, start, start + len(sentence)), "test")


FDA = "The FDA granted accelerated approval to Amtagvi for advanced melanoma in February 2024."
EC = "In January 2024 the European Commission granted Amtagvi a conditional marketing authorisation in the European Union."
RMAT = "Amtagvi received RMAT designation in 2019."


def test_one_approval_per_agency_with_its_own_place_type_and_date():
    relations = (
        _relation("amtagvi", "approvedBy", "fda", FDA, 0),
        _relation("amtagvi", "treats", "melanoma", FDA, 0),
        _relation("amtagvi", "approvedBy", "european-commission", EC, 100),
        _relation("amtagvi", "approvedIn", "european-union", EC, 100),
        _relation("amtagvi", "grantedDesignation", "rmat", RMAT, 300),
    )
    events = {(e.kind, e.agency or e.designation): e for e in events_from(relations)}
    fda = events[("Approval", str(CGTID["fda"]))]
    # no place stated: the jurisdiction is the agency's own (cgt:jurisdiction of the FDA in the vocabulary)
    assert (fda.approval_type, fda.date, fda.jurisdiction, fda.indications) == ("accelerated", "2024-02", str(CGTID["united-states"]), (str(CGTID["melanoma"]),))
    ec = events[("Approval", str(CGTID["european-commission"]))]
    assert (ec.approval_type, ec.date, ec.jurisdiction) == ("conditional marketing authorisation", "2024-01", str(CGTID["european-union"]))
    rmat = events[("DesignationGrant", str(CGTID["rmat"]))]
    assert (rmat.date, rmat.agency) == ("2019", None)
    assert len(events) == 3


def test_a_place_joins_the_approval_of_its_agency():
    """'Approved in the U.S.' and 'the FDA granted approval' in two sentences are one approval; a place no
    agency of the document decides for stays an approval of its own."""
    in_us = "Amtagvi was approved in the United States in February 2024."
    in_japan = "Amtagvi was approved in Japan in 2025."
    relations = (
        _relation("amtagvi", "approvedIn", "united-states", in_us, 0),
        _relation("amtagvi", "approvedBy", "fda", FDA, 200),
        _relation("amtagvi", "approvedIn", "japan", in_japan, 400),
    )
    events = sorted(events_from(relations), key=lambda e: e.evidence.start)
    assert [(e.agency, e.jurisdiction) for e in events] == [
        (str(CGTID["fda"]), str(CGTID["united-states"])), (None, str(CGTID["japan"]))]
    assert len(events[0].sources) == 2


def test_the_same_approval_in_two_sentences_is_one_event():
    second = "Amtagvi was approved by the FDA for melanoma."
    relations = (_relation("amtagvi", "approvedBy", "fda", FDA, 0), _relation("amtagvi", "approvedBy", "fda", second, 120))
    (event,) = events_from(relations)
    assert len(event.sources) == 2 and event.date == "2024-02"


def test_a_place_without_an_agency_is_an_approval_there():
    sentence = "Kymriah was approved in Canada in 2018."
    (event,) = events_from((_relation("kymriah", "approvedIn", "canada", sentence, 0),))
    assert (event.agency, event.jurisdiction, event.approval_type, event.date) == (None, str(CGTID["canada"]), "standard", "2018")


def test_each_place_a_sentence_without_an_agency_names_is_an_approval_there():
    sentence = "Casgevy was previously approved in the United Kingdom and Bahrain."
    events = events_from((_relation("casgevy", "approvedIn", "united-kingdom", sentence, 0),
                          _relation("casgevy", "approvedIn", "bahrain", sentence, 0)))
    assert sorted(e.jurisdiction for e in events) == sorted([str(CGTID["united-kingdom"]), str(CGTID["bahrain"])])


def test_it_after_a_product_is_the_product_an_earlier_approval_was_given_to(nlp):
    from conftest import extract_text

    text = ("Casgevy, developed by Vertex Pharmaceuticals, is the first gene-editing medicine approved in the United States "
            "(it was previously approved in the United Kingdom and Bahrain). The MFDS said that it has approved Kymriah.")
    extraction = extract_text(nlp, text)
    places = {e.jurisdiction for e in extraction.events if e.product == str(CGTID["casgevy"])}
    assert {str(CGTID["united-kingdom"]), str(CGTID["bahrain"])} <= places, extraction.events
    assert not [e for e in extraction.events if e.product == str(CGTID["kymriah"]) and e.agency is None and e.jurisdiction is None]


def test_an_ind_clearance_is_a_clearance_not_an_approval(nlp):
    from conftest import extract_text

    text = "The FDA cleared the IND for CTX001, so CRISPR Therapeutics may begin a Phase 1 trial in sickle cell disease."
    events = extract_text(nlp, text).events
    assert [(e.kind, e.agency) for e in events] == [("Clearance", str(CGTID["fda"]))]
    assert events[0].product == str(CGTID["casgevy"])


def test_a_trial_plan_approved_for_the_product_named_before_is_a_clearance(nlp):
    from conftest import extract_text

    text = "Glybera is an AAV gene therapy. In April, the company's clinical trial plan was approved by the MFDS."
    (event,) = extract_text(nlp, text).events
    assert (event.kind, event.product) == ("Clearance", str(CGTID["glybera"]))


def test_a_withdrawn_authorisation_is_a_withdrawal_with_its_year(nlp):
    from conftest import extract_text

    text = "The European Commission withdrew the marketing authorisation of Glybera in 2017 at the request of its maker."
    (event,) = extract_text(nlp, text).events
    assert (event.kind, event.product, event.date) == ("Withdrawal", str(CGTID["glybera"]), "2017")


def test_a_modality_gets_no_approval_of_its_own(nlp):
    from conftest import extract_text

    extraction = extract_text(nlp, "In 2017 the first gene therapy was approved by the FDA. Luxturna was approved by the FDA in December 2017.")
    assert [e.product.rsplit("/", 1)[-1] for e in extraction.events if e.kind == "Approval"] == ["luxturna"]


def test_a_trial_cleared_by_two_agencies_is_a_clearance_of_each_and_a_new_name_is_found_again(nlp):
    from conftest import extract_text

    text = ("Halden Bio develops its liver disease treatment HepaStem. The company obtained the first authorisations from "
            "the British (MHRA) and Belgian (AFMPS) regulatory authorities to begin the phase I/II clinical study of HepaStem.")
    events = extract_text(nlp, text).events
    assert {(e.kind, e.product, e.agency) for e in events} == {
        ("Clearance", str(CGTID["hepastem"]), str(CGTID["mhra"])), ("Clearance", str(CGTID["hepastem"]), str(CGTID["federal-agency-for-medicines-and-health-products"]))}


def test_an_approval_stated_in_words_without_agency_or_place_is_an_event(nlp):
    from conftest import extract_text

    text = ("Since the landmark approvals of Kymriah and Yescarta in 2017, ten products were approved. Carvykti obtained "
            "approval in 2022. Eleven candidates are slated for potential approval in 2024, including Aucatzyl. "
            "A further payment is due on approval of Zolgensma in Japan.")
    approvals = {(e.product.rsplit("/", 1)[-1], e.date) for e in extract_text(nlp, text).events if e.kind == "Approval"}
    assert {("kymriah", "2017"), ("yescarta", "2017"), ("carvykti", "2022")} <= approvals, approvals
    assert not {p for p, _ in approvals} & {"aucatzyl", "zolgensma"}, approvals


def test_an_approval_in_words_in_a_relative_clause_is_in_the_one_country_its_sentence_names(nlp):
    from conftest import extract_text

    text = ("With this approval, Halden Bio is now the only company in Japan with two approved CAR T cell therapies: the "
            "CD19-directed Breyanzi, which received approval in March 2021, and another one.")
    approvals = [e for e in extract_text(nlp, text).events if e.kind == "Approval"]
    assert [(e.product, e.jurisdiction, e.date) for e in approvals] == [(str(CGTID["breyanzi"]), str(CGTID["japan"]), "2021-03")], approvals


def test_the_country_a_company_is_based_in_is_no_approvals_jurisdiction(nlp):
    from conftest import extract_text

    text = "Halden Bio, based in Germany, said that Breyanzi, which received approval in March 2021, sells well."
    approvals = [e for e in extract_text(nlp, text).events if e.kind == "Approval"]
    assert [(e.product, e.jurisdiction) for e in approvals] == [(str(CGTID["breyanzi"]), None)], approvals


def test_the_approval_of_a_product_an_agency_approved_is_that_approval(nlp):
    from conftest import extract_text

    text = "The FDA approved Amtagvi for advanced melanoma. The approval of Amtagvi represents years of research."
    approvals = [e for e in extract_text(nlp, text).events if e.kind == "Approval"]
    assert [(e.agency, e.product) for e in approvals] == [(str(CGTID["fda"]), str(CGTID["amtagvi"]))], approvals
