"""Entity recognition and resolution, in rules-only mode and with the statistical model.

Every case runs through both pipelines (the `nlp` fixture is parametrised "rules"/"model").
"""

from __future__ import annotations

import pytest

from conftest import extract_text
from kg.model import TOP_LEVEL_TYPES
from kg.namespaces import CGTID



def _entity(extraction, local: str):
    iri = str(CGTID[local])
    return next((e for e in extraction.entities if e.iri == iri), None)


def _describe(extraction) -> list[tuple[str, str, list[str]]]:
    return [(e.iri.rsplit("/", 1)[-1], e.cls, [m.text for m in e.mentions]) for e in extraction.entities]


# (sentence, expected local name, top-level type, most specific class, surface text of the mention)
VOCABULARY_FORMS = [
    pytest.param("Novartis reported strong sales of its gene therapies.", "novartis", "Company", "Company", "Novartis", id="pref-label"),
    pytest.param("Shares of NOVARTIS rose on Monday.", "novartis", "Company", "Company", "NOVARTIS", id="upper-case"),
    pytest.param("Patients with Acute Myeloid Leukemia were enrolled.", "acute-myeloid-leukemia", "Disease", "Disease", "Acute Myeloid Leukemia", id="title-case"),
    pytest.param("Trials in acute myeloid leukaemias are ongoing.", "acute-myeloid-leukemia", "Disease", "Disease", "acute myeloid leukaemias", id="uk-spelling-plural"),
    pytest.param("Several non viral vectors are in development.", "non-viral-vectors", "Technology", "Technology", "non viral vectors", id="hyphen-as-space"),
    pytest.param("Sales of CAR T cell therapies grew fast.", "car-t-cell-therapy", "Therapy", "TherapyModality", "CAR T cell therapies", id="car-t-plural"),
    pytest.param("The first CAR-T was approved in 2017.", "car-t-cell-therapy", "Therapy", "TherapyModality", "CAR-T", id="car-t-short"),
    pytest.param("Tumour-infiltrating lymphocyte therapy is growing.", "tumor-infiltrating-lymphocyte-therapy", "Therapy", "TherapyModality", "Tumour-infiltrating lymphocyte therapy", id="uk-hyphen"),
    pytest.param("Pfizer developed a gene therapy for haemophilia B in adults.", "hemophilia-b", "Disease", "Disease", "haemophilia B", id="haemophilia-uk"),
    pytest.param("Pfizer developed a gene therapy for hemophilia B in adults.", "hemophilia-b", "Disease", "Disease", "hemophilia B", id="hemophilia-us"),
    pytest.param(
        "Pfizer developed a gene therapy for hemophilia B.",
        "hemophilia-b", "Disease", "Disease", "hemophilia B",
        id="name-ending-in-capital-letter-at-sentence-end",
    ),
    pytest.param("The U.S. market is the largest.", "united-states", "Country", "Country", "U.S.", id="us-abbreviation"),
    pytest.param("Medicines can join the EMA's PRIME scheme early.", "ema", "Agency", "Agency", "EMA", id="possessive-agency"),
    pytest.param("Medicines can join the EMA's PRIME scheme early.", "prime-scheme", "Regulation", "Designation", "PRIME scheme", id="possessive-designation"),
    pytest.param("Novartis AG reported results for the quarter.", "novartis", "Company", "Company", "Novartis AG", id="legal-suffix-ag"),
    pytest.param("Helixmith Co., Ltd. announced a phase 3 trial.", "helixmith", "Company", "Company", "Helixmith Co., Ltd.", id="legal-suffix-co-ltd"),
    pytest.param("Kolon TissueGene filed an application.", "kolon-tissuegene", "Company", "Company", "Kolon TissueGene", id="camel-case-company"),
    pytest.param("Kymriah was the first approved CAR-T product.", "kymriah", "Therapy", "TherapyProduct", "Kymriah", id="product-brand"),
    pytest.param("Patients received tisagenlecleucel in the trial.", "kymriah", "Therapy", "TherapyProduct", "tisagenlecleucel", id="product-inn-alt-label"),
    pytest.param("The FDA granted the product RMAT designation.", "rmat-designation", "Regulation", "Designation", "RMAT designation", id="designation"),
    pytest.param("Japan passed the Act on the Safety of Regenerative Medicine in 2013.", "act-on-the-safety-of-regenerative-medicine", "Regulation", "Law", "Act on the Safety of Regenerative Medicine", id="law"),
    pytest.param("Most infusions happen in hospitals.", "hospitals", "EndUser", "EndUser", "hospitals", id="end-user"),
    pytest.param("The product is given by intravenous infusion.", "intravenous-infusion", "DeliveryMethod", "DeliveryMethod", "intravenous infusion", id="delivery-method"),
    pytest.param("Demand is rising in Asia Pacific.", "asia-pacific", "Region", "Region", "Asia Pacific", id="region"),
    pytest.param("Demand is rising in the Asia-Pacific region.", "asia-pacific", "Region", "Region", "Asia-Pacific region", id="region-alt-label"),
    pytest.param("Revenue in oncology grew.", "oncology", "Disease", "TherapeuticArea", "oncology", id="therapeutic-area"),
    pytest.param("The company opened a plant in Scotland.", "scotland", "Country", "Country", "Scotland", id="uk-nation"),
    pytest.param("Kestrel Bio is based in Suzhou, Jiangsu Province, China.", "jiangsu", "Region", "Region", "Jiangsu Province", id="province"),
    pytest.param("Biotechs in New England raised more.", "new-england", "Region", "Region", "New England", id="new-england-is-not-england"),
    pytest.param("The trial enrols children with mucopolysaccharidosis type 1 (MPS1).", "mucopolysaccharidosis-type-i", "Disease",
                 "Disease", "mucopolysaccharidosis type 1", id="arabic-numeral-for-roman-type"),
]


@pytest.mark.parametrize("sentence, local, type_, cls, surface", VOCABULARY_FORMS)
def test_vocabulary_form_resolves_to_concept(nlp, sentence, local, type_, cls, surface):
    extraction = extract_text(nlp, sentence)
    entity = _entity(extraction, local)
    assert entity is not None, f"{local} not found; got {_describe(extraction)}"
    assert (entity.type, entity.cls) == (type_, cls)
    assert entity.in_vocabulary
    assert surface in [m.text for m in entity.mentions]


def test_spelling_variants_in_one_text_are_one_entity(nlp):
    text = "Haemophilia B is rare. Gene therapies for hemophilia B are approved. Two haemophilia-B products exist."
    extraction = extract_text(nlp, text)
    entity = _entity(extraction, "hemophilia-b")
    assert entity is not None, _describe(extraction)
    assert {m.text for m in entity.mentions} >= {"Haemophilia B", "hemophilia B"}
    assert [e for e in extraction.entities if e.type == "Disease"] == [entity]


def test_company_and_suffixed_form_are_one_entity(nlp):
    text = "Novartis AG said on Monday that Novartis will expand. Novartis's plant opens in 2026."
    extraction = extract_text(nlp, text)
    companies = [e for e in extraction.entities if e.type == "Company"]
    assert [e.iri for e in companies] == [str(CGTID["novartis"])], _describe(extraction)
    assert len(companies[0].mentions) == 3


# (sentence, expected minted local name, class, surface text)
UNSEEN_NAMES = [
    pytest.param("Lunaris Bio plc, based in Oxford, United Kingdom, develops cell therapies.", "lunaris-bio", "Company", "Lunaris Bio plc", id="bio-plc"),
    pytest.param("Halden Biotherapeutics announced a phase 1 trial.", "halden-biotherapeutics", "Company", "Halden Biotherapeutics", id="head-word"),
    pytest.param("Orinthe Genetics, Inc. announced a trial.", "orinthe-genetics", "Company", "Orinthe Genetics, Inc.", id="comma-inc"),
    pytest.param("Aldenbrook Pharma AG bought a plant.", "aldenbrook-pharma", "Company", "Aldenbrook Pharma AG", id="pharma-ag"),
    pytest.param("Sakuragi Regenerative Co., Ltd. filed an application.", "sakuragi-regenerative", "Company", "Sakuragi Regenerative Co., Ltd.", id="co-ltd"),
    pytest.param("Results for MLT-204 were presented.", "mlt-204", "TherapyProduct", "MLT-204", id="product-code"),
    pytest.param("ORN-310 uses an engineered vector.", "orn-310", "TherapyProduct", "ORN-310", id="product-code-sentence-start"),
    pytest.param("Patients received ovanocogene sarpavec in the study.", "ovanocogene-sarpavec", "TherapyProduct", "ovanocogene sarpavec", id="inn-gene-vec"),
    pytest.param("The trial of solmetogene parvovec completed enrolment.", "solmetogene-parvovec", "TherapyProduct", "solmetogene parvovec", id="inn-parvovec"),
    pytest.param("Results for A7310 were presented.", "a7310", "TherapyProduct", "A7310", id="code-letter-digits"),
    pytest.param("Results for C-TAR042 were presented.", "c-tar042", "TherapyProduct", "C-TAR042", id="code-letter-hyphen-letters-digits"),
    pytest.param("Results for QSR-REP7 were presented.", "qsr-rep7", "TherapyProduct", "QSR-REP7", id="code-letters-hyphen-letters-digit"),
    pytest.param("Results for MCAR-B41M were presented.", "mcar-b41m", "TherapyProduct", "MCAR-B41M", id="code-hyphen-serial-letter"),
    pytest.param("Results for KT-4120b were presented.", "kt-4120b", "TherapyProduct", "KT-4120b", id="code-lowercase-suffix"),
    pytest.param("Results for HQ-adMSC were presented.", "hq-admsc", "TherapyProduct", "HQ-adMSC", id="code-mixed-case-cells"),
    pytest.param("Results for QNK-ID-207 were presented.", "qnk-id-207", "TherapyProduct", "QNK-ID-207", id="code-three-parts"),
    pytest.param("Results for TLB-4301-B were presented.", "tlb-4301-b", "TherapyProduct", "TLB-4301-B", id="code-variant-letter"),
    pytest.param("Patients with Progressive Familial Intrahepatic Cholestasis enrolled.", "progressive-familial-intrahepatic-cholestasis", "Disease", "Progressive Familial Intrahepatic Cholestasis", id="disease-in-title-case"),
    pytest.param("Patients had failed on rituximab before.", "rituximab", "TherapyProduct", "rituximab", id="antibody-inn"),
    pytest.param("Investors included Lilly Asia Ventures last year.", "lilly-asia-ventures", "Company", "Lilly Asia Ventures", id="known-names-before-head"),
    pytest.param("The round was led by 3H Health Investment last year.", "3h-health-investment", "Company", "3H Health Investment", id="digit-letter-name"),
    pytest.param("The round was joined by Halden Capital China last year.", "halden-capital-china", "Company", "Halden Capital China", id="head-then-country"),
    
]


@pytest.mark.parametrize("sentence, local, cls, surface", UNSEEN_NAMES)
def test_unseen_name_is_minted(nlp, sentence, local, cls, surface):
    extraction = extract_text(nlp, sentence)
    entity = _entity(extraction, local)
    assert entity is not None, f"{local} not found; got {_describe(extraction)}"
    assert entity.cls == cls
    assert entity.type == ("Therapy" if cls == "TherapyProduct" else cls)
    assert not entity.in_vocabulary
    assert [m.text for m in entity.mentions] == [surface]


def test_minted_company_label_has_no_legal_suffix(nlp):
    extraction = extract_text(nlp, "Lunaris Bio plc, based in Oxford, United Kingdom, develops cell therapies.")
    entity = _entity(extraction, "lunaris-bio")
    assert entity is not None
    assert entity.iri == "https://w3id.org/cgt-kg/id/lunaris-bio"
    assert entity.label == "Lunaris Bio"
    assert entity.type == "Company"


# Generic words and headings that must not become companies.
GENERIC = [
    pytest.param("Market Overview", id="heading-market-overview"),
    pytest.param("Media Contact", id="heading-media-contact"),
    pytest.param("## Leading Biotech Companies\n\nThe sector grew in 2024.", id="heading-leading-biotech"),
    pytest.param("The Biotech sector raised more money in 2024.", id="the-biotech-sector"),
    pytest.param("Pharmaceutical and Biotechnology Companies are key end users.", id="end-user-segment"),
    pytest.param("The Company said revenue grew.", id="the-company"),
    pytest.param("## About the Company\n\nWe develop medicines.", id="heading-about-company"),
    pytest.param("Big Pharma is investing in gene therapy.", id="big-pharma"),
    pytest.param("Chinese Biotech firms are raising money.", id="chinese-biotech"),
    pytest.param("## Emerging Biotech\n\nSmaller developers are growing.", id="heading-emerging-biotech"),
    pytest.param("### Top Pharma Deals of 2024\n\nDeal volume rose.", id="heading-top-pharma"),
    pytest.param("The Cell and Gene Therapy CDMO Market size was valued at USD 5.2 billion in 2025.", id="report-title-after-company-noun"),
    pytest.param("Approval was supported by data from a multicenter, single-arm Phase III clinical trial.", id="phase-after-single-arm"),
]


@pytest.mark.parametrize("text", GENERIC)
def test_generic_words_and_headings_are_not_companies(nlp, text):
    extraction = extract_text(nlp, text)
    companies = [e for e in extraction.entities if e.type == "Company"]
    assert companies == [], _describe(extraction)


PERSON_FALSE_POSITIVES = [
    pytest.param("The Company said Revenue grew in 2024.", id="the-company-said"),
    pytest.param("Market Overview", id="heading-market-overview"),
    pytest.param("Novartis said the trial met its goal.", id="company-said"),
    pytest.param("Key Findings\n\nThe sector grew in 2024.", id="heading-key-findings"),
    pytest.param("Researchers at Kyoto University said the trial met its goal.", id="university-said"),
    pytest.param("The drug treats Epstein-Barr virus infection in Dr. Lee's clinic.", id="name-before-virus"),
    pytest.param("Patients received humantakinogene hadenovec in the study.", id="lower-case-generic-name"),
]


@pytest.mark.parametrize("text", PERSON_FALSE_POSITIVES)
def test_generic_words_are_not_people(nlp, text):
    extraction = extract_text(nlp, text)
    people = [e for e in extraction.entities if e.type == "Person"]
    assert people == [], _describe(extraction)


def test_heading_is_not_a_person_with_the_model(model_nlp):
    """The statistical model's PERSON entities are kept; a report heading must not be one."""
    extraction = extract_text(model_nlp, "Global Biotech Outlook\n\nThe sector grew in 2024.")
    people = [e for e in extraction.entities if e.type == "Person"]
    assert people == [], _describe(extraction)


def test_hyphenated_given_name_is_one_person(rules_nlp):
    """'Choi Byung-ok': the tokenizer splits the given name at its hyphen; the person keeps all of it."""
    extraction = extract_text(rules_nlp, "The study will be supervised by a leading expert, Professor Choi Byung-ok.")
    people = [m.text for e in extraction.entities if e.type == "Person" for m in e.mentions]
    assert people == ["Choi Byung-ok"], _describe(extraction)


@pytest.mark.parametrize("text, local", [
    ('"We are pleased," said Dr. Matthias Kern, Chief Executive Officer of Aldenbrook Pharma.', "matthias-kern"),
    ('"We are delighted," said Dr. Christiane Brühlmann, CEO of Aldenbrook Pharma.', "christiane-bruhlmann"),
    ("As a result of the investment, Peter Zellweger, a partner at Talmor Capital, will join the board.", "peter-zellweger"),
])
def test_people_are_found(nlp, text, local):
    """With their titles, roles after an article, and accented letters in their names."""
    extraction = extract_text(nlp, text)
    person = _entity(extraction, local)
    assert person is not None, _describe(extraction)
    assert person.type == "Person"


def test_entity_record_fields_are_consistent(nlp):
    text = "Novartis AG acquired AveXis, Inc. in 2018. Kymriah treats leukaemia in the United States."
    extraction = extract_text(nlp, text)
    assert extraction.entities
    for entity in extraction.entities:
        assert entity.type in TOP_LEVEL_TYPES
        assert entity.iri.startswith(str(CGTID))
        assert 0.0 <= entity.salience <= 1.0
        for mention in entity.mentions:
            assert text[mention.start : mention.end] == mention.text
    assert len({e.iri for e in extraction.entities}) == len(extraction.entities)


def test_name_finder_words_are_data_in_its_factory_config(rules_nlp):
    """The domain words reach cgt_names through its config, loaded from ontology/patterns/entity_words.toml."""
    import tomllib

    from kg.nlp.entities import WORDS_FILE

    with open(WORDS_FILE, "rb") as handle:
        shipped = tomllib.load(handle)
    assert rules_nlp.get_pipe_config("cgt_names")["words"] == shipped
    assert "drugmaker" in shipped["company_nouns"] and "patients" in shipped["disease_noise"]


def test_a_word_added_in_config_changes_what_is_found():
    """A leading-noise word given in the config is trimmed from the front of a new company name."""
    import spacy

    from kg.nlp.entities import default_entity_words

    words = default_entity_words()
    text = "Brightwater Lunaris Therapeutics raised money."
    found = []
    for extra in ([], ["brightwater"]):
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("cgt_names", config={"words": {**words, "leading_noise": words["leading_noise"] + extra}})
        found.append([ent.text for ent in nlp(text).ents])
    assert found == [["Brightwater Lunaris Therapeutics"], ["Lunaris Therapeutics"]]


@pytest.mark.parametrize("sentence, verb", [
    pytest.param("The engineered T cells recognize cancer in the body.", "recognize", id="recognize-cancer"),
    pytest.param("The modified cells attack tumor tissue directly.", "attack", id="attack-tumor"),
    pytest.param("The therapy may slow disease progression.", "slow", id="slow-disease"),
    pytest.param("It failed in patients with existing cancer therapies.", "existing", id="existing-cancer"),
])
def test_what_a_therapy_does_is_no_part_of_a_disease_name(nlp, sentence, verb):
    extraction = extract_text(nlp, sentence)
    diseases = [m.text for e in extraction.entities if e.type == "Disease" for m in e.mentions]
    assert not any(verb in d.split() for d in diseases), diseases


def test_a_known_company_and_a_country_name_the_companys_national_arm(nlp):
    """'Legend Biotech USA Inc.' is a mention of Legend Biotech (docs/CONVENTIONS.md), not a company plus the US."""
    extraction = extract_text(nlp, "Janssen signed a licence with Legend Biotech USA Inc. and Legend Biotech Ireland Limited.")
    legend = _entity(extraction, "legend-biotech")
    assert legend is not None and {m.text for m in legend.mentions} == {"Legend Biotech USA Inc.", "Legend Biotech Ireland Limited"}
    assert not {e.iri for e in extraction.entities} & {str(CGTID["united-states"]), str(CGTID["ireland"])}


def test_a_role_word_before_a_name_is_not_part_of_it(nlp):
    extraction = extract_text(nlp, "Results impressed FDA Commissioner Jane Holloway, who spoke on Monday.")
    assert _entity(extraction, "jane-holloway") is not None, _describe(extraction)


def test_a_title_case_heading_word_is_no_disease(nlp):
    extraction = extract_text(nlp, "Patients With Advanced Disease Enrolled In The Study")
    assert not [e for e in extraction.entities if e.type == "Disease"], _describe(extraction)


@pytest.mark.parametrize("text, name, cls", [
    pytest.param("Korea passed the Enforcement Decree of the Advanced Regenerative Bio Act in 2020.", "Enforcement Decree of the Advanced Regenerative Bio Act", "Law", id="decree-of-known-act"),
    pytest.param("China issued the Administrative Measures for Stem Cell Clinical Research in 2015.", "Administrative Measures for Stem Cell Clinical Research", "Law", id="measures-for"),
    pytest.param("The Japan Revitalization Strategy set the goal.", "Japan Revitalization Strategy", "Policy", id="country-strategy"),
    pytest.param("MHLW launched the Strategy of SAKIGAKE in 2014.", "Strategy of SAKIGAKE", "Policy", id="strategy-of"),
])
def test_laws_and_policies_by_their_head_word(nlp, text, name, cls):
    extraction = extract_text(nlp, text)
    assert (name, cls) in {(m.text, e.cls) for e in extraction.entities for m in e.mentions}, _describe(extraction)


def test_a_weak_head_in_a_short_phrase_is_no_policy(nlp):
    extraction = extract_text(nlp, "Key Measures were taken. Our Growth Strategy worked.")
    assert not [e for e in extraction.entities if e.type == "Regulation"], _describe(extraction)


def test_a_code_after_study_or_trial_names_the_study_not_a_product(nlp):
    extraction = extract_text(nlp, "Halden must deliver follow-up data from its ongoing pivotal study, HAL-2, and the trial (ORB-7) read out.")
    assert not [e for e in extraction.entities if e.cls == "TherapyProduct"], _describe(extraction)


@pytest.mark.parametrize("text, surface", [
    pytest.param("Surgeons transplanted iPSC-derived dopaminergic progenitor cells into the patients.", "iPSC-derived dopaminergic progenitor cells", id="derived-cells"),
    pytest.param("Halden Bio is developing a cardiomyocyte spheroid therapy for heart failure.", "cardiomyocyte spheroid therapy", id="spheroid-therapy"),
])
def test_a_product_named_only_by_what_it_is_made_of(nlp, text, surface):
    extraction = extract_text(nlp, text)
    assert surface in {m.text for e in extraction.entities if e.cls == "TherapyProduct" for m in e.mentions}, _describe(extraction)


def test_a_description_beside_a_named_product_is_no_product_of_its_own(nlp):
    extraction = extract_text(nlp, "Halden Bio is developing HS-001, a cardiomyocyte spheroid therapy for heart failure.")
    assert [e.label for e in extraction.entities if e.cls == "TherapyProduct"] == ["HS-001"], _describe(extraction)


@pytest.mark.parametrize("text, name", [
    pytest.param("The round drew US company Talmor and others.", "Talmor", id="one-word"),
    pytest.param("Backers include investment firm Korvane Capital Partners.", "Korvane Capital Partners", id="several-words"),
    pytest.param("Talmor bought the German CRO Quillhaven for an undisclosed sum.", "Quillhaven", id="upper-case-noun"),
    pytest.param("Lunaris Bio, a unit of Établissements Rémond, opened a plant.", "Établissements Rémond", id="unit-of-accented"),
    pytest.param("The plant belongs to startup Korvane-Talmor.", "Korvane-Talmor", id="hyphenated"),
])
def test_a_name_right_after_a_company_noun_is_a_company(nlp, text, name):
    extraction = extract_text(nlp, "Here is the news. " + text)
    assert ("Company", name) in {(e.type, e.label) for e in extraction.entities}


def test_the_names_listed_after_a_company_noun_are_companies(nlp):
    extraction = extract_text(nlp, "Here is the news. Its backers, the investors Korvane-Talmor, Quillhaven, and Brisemont, kept 30%.")
    companies = {e.label for e in extraction.entities if e.type == "Company"}
    assert {"Korvane-Talmor", "Quillhaven", "Brisemont"} <= companies, _describe(extraction)


def test_a_list_after_a_company_noun_ends_at_a_new_description(nlp):
    extraction = extract_text(nlp, "Here is the news. The round drew US company Talmor and Danish fund Quillhaven, and Basel-based Brisemont.")
    companies = {e.label for e in extraction.entities if e.type == "Company"}
    assert not companies & {"Danish", "Basel"}, _describe(extraction)


def test_a_described_name_keeps_the_region_word_it_ends_in(nlp):
    extraction = extract_text(nlp, "Here is the news. Talmor agreed to buy French CDMO Quillhaven Europe, for 15 million euros.")
    assert ("Company", "Quillhaven Europe") in {(e.type, e.label) for e in extraction.entities}, _describe(extraction)
    assert ("Region", "Europe") not in {(e.type, e.label) for e in extraction.entities}


def test_a_qualifier_before_a_known_disease_names_no_new_disease(nlp):
    extraction = extract_text(nlp, "Here is the news. MLT-204 is meant for a chronic liver disease in adults.")
    diseases = {(e.label, tuple(m.text for m in e.mentions)) for e in extraction.entities if e.type == "Disease"}
    assert diseases == {("liver diseases", ("liver disease",))}, _describe(extraction)


def test_a_known_company_keeps_the_sector_words_of_its_full_name(nlp):
    extraction = extract_text(nlp, "Here is the news. The Janssen Pharmaceutical Companies and Vertex Pharmaceutical Company opened sites.")
    companies = {(e.label, tuple(m.text for m in e.mentions)) for e in extraction.entities if e.type == "Company"}
    assert companies == {("Janssen", ("Janssen Pharmaceutical Companies",)), ("Vertex Pharmaceuticals", ("Vertex Pharmaceutical Company",))}, _describe(extraction)


def test_a_full_stop_after_a_word_ends_the_sentence_before_a_name(nlp):
    extraction = extract_text(nlp, "Here is the news. The deal was announced Tuesday. Jane Morrow, CEO of the buyer, said so.")
    assert {e.label for e in extraction.entities if e.type == "Person"} == {"Jane Morrow"}, _describe(extraction)


def test_a_camel_case_brand_after_a_product_noun_is_a_product(nlp):
    extraction = extract_text(nlp, "Here is the news. Halden Bio is testing its liver disease treatment HepaStem in adults.")
    assert ("TherapyProduct", "HepaStem") in {(e.cls, e.label) for e in extraction.entities}, _describe(extraction)


def test_a_weekday_or_role_after_a_company_noun_is_no_company(nlp):
    extraction = extract_text(nlp, "Here is the news. The company Tuesday said the company CEO Jane Doe would stay.")
    assert not {e.label for e in extraction.entities if e.type == "Company"} & {"Tuesday", "CEO Jane Doe", "CEO"}


def test_a_trade_marked_name_is_a_brand_or_a_platform(nlp):
    extraction = extract_text(nlp, "Here is the news. Halden Bio makes OrinCell™ with its TalmoCAR® platform for knee pain.")
    found = {(e.type, e.label) for e in extraction.entities}
    assert {("Therapy", "OrinCell"), ("Technology", "TalmoCAR")} <= found, _describe(extraction)


def test_a_table_row_names_a_product_then_its_sponsor(nlp):
    extraction = extract_text(nlp, "Drug Name Sponsor Indication Development Phase\n\n"
                                   "AAV-hQLX Orinthe Gene Therapeutics Alzheimer's disease Phase I (gene therapy) Austin, TX\n\n"
                                   "QuillCell™ DiscoGenica intervertebral disc degeneration Phase II cell therapy Houston, TX\n")
    labels = {(e.type, e.label) for e in extraction.entities}
    assert {("Company", "Orinthe Gene Therapeutics"), ("Therapy", "AAV-hQLX"), ("Therapy", "QuillCell")} <= labels, _describe(extraction)
    assert not [label for type_, label in labels if type_ == "Disease" and "DiscoGenica" in label], _describe(extraction)


def test_a_one_word_company_found_by_its_description_is_found_again(nlp):
    extraction = extract_text(nlp, "Halden Bio signed a deal with pharmaceutical company Quillpharma for Japan.\n\n"
                                   "Under the contract, Quillpharma has exclusive rights to the product.")
    (company,) = [e for e in extraction.entities if e.label == "Quillpharma"]
    assert len(company.mentions) == 2, _describe(extraction)



def test_a_disease_word_inside_a_hyphenated_modifier_heads_no_disease(nlp):
    extraction = extract_text(nlp, "Here is the news. Halden Bio is a company developing potentially disease-modifying gene therapies for adults.")
    assert not [e for e in extraction.entities if e.type == "Disease"], _describe(extraction)


def test_a_name_a_sentence_says_is_a_company_is_one(nlp):
    extraction = extract_text(nlp, "Quillvane is a biotechnology company in Boston. It is a company. This is a firm.")
    assert {e.label for e in extraction.entities if e.type == "Company"} == {"Quillvane"}, _describe(extraction)


@pytest.mark.parametrize("text", [
    "It treats a life-threatening disease in adults.",
    "It is meant for a devastating disease of the young.",
])
def test_what_is_said_of_a_generic_disease_word_names_no_disease(nlp, text):
    extraction = extract_text(nlp, "Here is the news. " + text)
    assert not [e for e in extraction.entities if e.type == "Disease"], _describe(extraction)


def test_words_of_emphasis_or_comparison_are_no_part_of_a_disease_name(nlp):
    extraction = extract_text(nlp, "Here is the news. It has higher cytokine release syndrome rates, particularly hematologic "
                                   "malignancies, and its cells tackle infectious diseases.")
    labels = {e.label for e in extraction.entities if e.type == "Disease"}
    assert labels == {"cytokine release syndrome", "hematologic malignancies", "infectious disease"}, _describe(extraction)


def test_degrees_and_co_may_stand_between_a_name_and_its_role(rules_nlp):
    extraction = extract_text(rules_nlp, '"It works," Jane Morrow, M.D., Ph.D., director of the agency, said. '
                                         '"We agree," Li Qiang, co-founder of Halden Bio, said.')
    assert {"Jane Morrow", "Li Qiang"} <= {e.label for e in extraction.entities if e.type == "Person"}, _describe(extraction)


def test_a_role_before_a_name_may_be_a_head_or_an_acronym_title_and_comma(rules_nlp):
    extraction = extract_text(rules_nlp, 'Halden research and development head Jane Morrow, Jr. said it works. '
                                         '"It is a big step," stated Orinthe CEO, Li Qiang. Its president, Worldwide Research, spoke.')
    people = {e.label for e in extraction.entities if e.type == "Person"}
    assert {"Jane Morrow", "Li Qiang"} <= people and "Worldwide Research" not in people, _describe(extraction)


@pytest.mark.parametrize("text, name", [
    pytest.param("Boston is a biotech hub with many startups.", "Boston", id="city-is-a-hub"),
    pytest.param("The trial, which received funding from the NIH, was led by Jane Doe.", "Jane Doe", id="led-by-outside-a-round"),
    pytest.param("Halden uses its Sleeping Beauty™ transposon in the clinic.", "Beauty", id="last-word-of-a-marked-name"),
])
def test_a_name_shape_of_this_round_does_not_misfire(nlp, text, name):
    extraction = extract_text(nlp, "Here is the news. " + text)
    assert name not in {e.label for e in extraction.entities if e.type in ("Company", "Therapy")}, _describe(extraction)


def test_a_list_that_shares_one_head_word_names_each_disease(nlp):
    extraction = extract_text(nlp, "Here is the news. Orinthe treats patients with gastric, GEJ and pancreatic cancers; "
                                   "Talmor studies breast or ovarian cancer.")
    labels = {e.label for e in extraction.entities if e.type == "Disease"}
    assert {"gastric cancer", "pancreatic cancer", "breast cancer", "ovarian cancer"} <= labels, _describe(extraction)
    assert "gastroesophageal junction adenocarcinoma" in labels, _describe(extraction)


def test_a_list_that_shares_one_head_names_each_technology_and_therapy(nlp):
    extraction = extract_text(nlp, "Here is the news. Genes go in through viral or non-viral vectors. The market covers "
                                   "autologous and allogeneic cell therapies.")
    labels = {e.label for e in extraction.entities}
    assert {"viral vectors", "non-viral vectors", "autologous cell therapy", "allogeneic cell therapy"} <= labels, _describe(extraction)


def test_a_word_before_a_shared_head_that_names_no_known_disease_stays_plain(nlp):
    extraction = extract_text(nlp, "Here is the news. Trials enrolled patients with advanced and metastatic cancers.")
    assert {m.text for e in extraction.entities for m in e.mentions if e.type == "Disease"} <= {"metastatic cancers", "cancers"}, _describe(extraction)


@pytest.mark.parametrize("abbreviation", ["No.", "Fig."])
def test_the_full_stop_of_an_abbreviation_before_a_number_ends_no_sentence(nlp, abbreviation):
    text = f"Here is the news. Halden Bio, the {abbreviation} 3 developer in Korea, works with Orinthe Genetics. It ends. {abbreviation} 5 is next."
    doc = nlp(text)
    sentences = [s.text for s in doc.sents]
    assert f"Halden Bio, the {abbreviation} 3 developer in Korea, works with Orinthe Genetics." in sentences, sentences
    assert f"{abbreviation} 5 is next." in sentences, sentences


def test_a_generic_word_may_be_part_of_a_company_name(nlp):
    extraction = extract_text(nlp, "Here is the news. Halden Bio received a $43 million investment from Wuhan Talmor Science & "
                                   "Technology Industries Group, a conglomerate.")
    companies = {m.text for e in extraction.entities if e.type == "Company" for m in e.mentions}
    assert "Wuhan Talmor Science & Technology Industries Group" in companies, _describe(extraction)
    assert not [e for e in extraction.entities if e.label == "Technology"], _describe(extraction)


def test_a_middle_initial_ends_no_sentence_but_a_series_letter_may(nlp):
    doc = nlp("Funds advised by T. Rowe Price Associates took part. Halden Bio closed its series B. Investors in the round include Orinthe.")
    sentences = [s.text.strip() for s in doc.sents]
    assert "Funds advised by T. Rowe Price Associates took part." in sentences, sentences
    assert "Investors in the round include Orinthe." in sentences, sentences


def test_a_capitalised_word_after_a_possessed_product_noun_is_a_brand(nlp):
    extraction = extract_text(nlp, "Here is the news. Halden Bio will commercialize its gene therapy Lumexa in Europe. "
                                   "Its gene therapy Program Director Jane Morrow spoke.")
    labels = {e.label for e in extraction.entities if e.cls == "TherapyProduct"}
    assert "Lumexa" in labels and "Program" not in labels, _describe(extraction)


def test_a_camel_case_word_that_does_business_or_is_dealt_with_is_a_company(nlp):
    extraction = extract_text(nlp, "Here is the news. TalmorGen announced a financing. Halden Bio agreed to acquire OrinBio "
                                   "for $600 million. The deal with QuillCell closed. VexaStem was approved in 2020.")
    companies = {e.label for e in extraction.entities if e.type == "Company"}
    assert {"TalmorGen", "OrinBio", "QuillCell"} <= companies and "VexaStem" not in companies, _describe(extraction)


def test_a_letter_that_labels_a_round_may_end_a_sentence(nlp):
    doc = nlp("Halden Bio raised $50 million in a Series B. Investors included Orinthe Capital Partners.")
    assert "Investors included Orinthe Capital Partners." in [s.text.strip() for s in doc.sents]


@pytest.mark.parametrize("text", ["McCarthy said the company will grow.", "Governor DeSantis signed the bill.",
                                  "Halden Bio will present data on its cell therapy Phase 2 study in Boston."])
def test_surnames_and_labels_are_no_camel_case_company_or_brand(nlp, text):
    extraction = extract_text(nlp, "Here is the news. " + text)
    assert not {e.label for e in extraction.entities if e.type == "Company"} & {"McCarthy", "DeSantis"}, _describe(extraction)
    assert "Phase" not in {e.label for e in extraction.entities}, _describe(extraction)


@pytest.mark.parametrize("written", ["Ministry of Health, Labour, and Welfare", "Ministry of Health, Labor and Welfare"])
def test_a_name_written_with_or_without_a_serial_comma_is_the_same_concept(nlp, written):
    extraction = extract_text(nlp, f"Japan's {written} approved the therapy in 2023.")
    assert _entity(extraction, "mhlw").mentions[0].text.endswith(written)


def test_a_generic_name_in_brackets_after_a_product_code_is_that_product(nlp):
    extraction = extract_text(nlp, "Orinthe's lead candidate, ORN-731 (talmogene parvovec), is a gene therapy.")
    products = [e for e in extraction.entities if e.cls == "TherapyProduct"]
    assert [sorted(m.text for m in e.mentions) for e in products] == [["ORN-731", "talmogene parvovec"]]


def test_the_prior_and_conditioning_therapies_an_indication_names_are_therapies(nlp):
    extraction = extract_text(nlp, "Patients had received a proteasome inhibitor, an immunomodulatory agent and an anti-CD38 "
                                   "antibody, and were given fludarabine and cyclophosphamide before the infusion.")
    therapies = {e.iri.rsplit("/", 1)[-1] for e in extraction.entities if e.type == "Therapy"}
    assert {"proteasome-inhibitor", "immunomodulatory-drugs", "anti-cd38-antibody", "fludarabine", "cyclophosphamide"} <= therapies


@pytest.mark.parametrize("opening", ["Results", "Efficacy"])
def test_a_common_word_opening_a_sentence_before_a_code_in_brackets_is_no_brand(nlp, opening):
    extraction = extract_text(nlp, f"{opening} (ELV-301, dalmogene parvovec) were presented at the meeting.")
    assert opening.lower() not in {e.label.lower() for e in extraction.entities}


def test_a_one_word_company_name_in_lower_case_is_a_common_word(nlp):
    """'a transgene' is no mention of Transgene (a company in the vocabulary); 'Transgene' and 'TRANSGENE' are."""
    lower = extract_text(nlp, "The vector delivers a transgene to the liver.")
    assert "Transgene" not in {e.label for e in lower.entities}, _describe(lower)
    for written in ("Transgene", "TRANSGENE"):
        named = extract_text(nlp, f"{written} announced results for its vector platform.")
        assert "Transgene" in {e.label for e in named.entities if e.type == "Company"}, _describe(named)


def test_a_brand_shaped_name_before_a_platform_noun_is_a_technology_named_by_its_brand(nlp):
    text = ("Here is the news. Orinthe licensed its QuillVector platform to Halden Bio. It is the first use of the "
            "T-Spark platform. Talmor's TRAVEL platform will be used. Halden Bio expanded its GMP platform and its ADC technology.")
    extraction = extract_text(nlp, text)
    technologies = {e.label for e in extraction.entities if e.type == "Technology"}
    assert {"QuillVector", "T-Spark", "TRAVEL"} <= technologies, _describe(extraction)
    assert not {"GMP", "ADC"} & technologies, _describe(extraction)


def test_a_technology_named_with_its_platform_noun_is_the_brand():
    from kg.ontology import load_vocabulary
    from kg.resolve import resolve_name

    vocabulary = load_vocabulary()
    assert resolve_name("QuillVector® platform", "Technology", vocabulary).iri == resolve_name("QuillVector", "Technology", vocabulary).iri
    assert resolve_name("AAV vectors", "Technology", vocabulary).label == "AAV vector"


def test_a_disease_is_named_without_its_stage_and_an_antigen_named_after_one_is_no_disease(nlp):
    text = ("Here is the news. The FDA approved QLT-401, a melanoma-associated antigen A4 (or MAGE-A4)-directed genetically "
            "modified autologous T cell immunotherapy, for adults with unresectable or metastatic synovial sarcoma. "
            "It was discussed on FDA's Division of Drug Information podcast.")
    extraction = extract_text(nlp, text)
    diseases = {e.label for e in extraction.entities if e.type == "Disease"}
    assert diseases == {"synovial sarcoma"}, _describe(extraction)
    assert "Information" not in {e.label for e in extraction.entities}, _describe(extraction)
    treated = {(r.subject.rsplit("/", 1)[-1], r.object.rsplit("/", 1)[-1]) for r in extraction.relations if r.predicate == "treats"}
    assert ("qlt-401", "synovial-sarcoma") in treated, treated


@pytest.mark.parametrize("text", [
    "QLT-401 is designed to improve disease activity in patients with lupus.",
    "There are no options that achieve durable disease remission.",
    "Steroids are given to reduce disease burden, which can leave patients with continued disease activity.",
])
def test_a_disease_word_before_a_measure_of_it_names_no_disease(nlp, text):
    extraction = extract_text(nlp, text)
    assert not [e.label for e in extraction.entities if e.type == "Disease" and "disease" in e.label], _describe(extraction)


@pytest.mark.parametrize("text, disease", [
    ("The mission is meant to help over 3 million cancer survivors by 2033.", None),
    ("Patients who develop cancer after the infusion were excluded from the similar disease studies.", None),
    ("Researchers aim to enhance cancer therapeutics with new vectors.", None),
    ("The deal covers an undisclosed neurological disease target.", "neurological disorders"),
])
def test_counts_and_verbs_before_a_disease_word_are_no_part_of_its_name(nlp, text, disease):
    extraction = extract_text(nlp, text)
    diseases = {e.label for e in extraction.entities if e.type == "Disease"}
    assert not [d for d in diseases if d.split()[0] in ("million", "enhance", "undisclosed", "develop", "similar")], _describe(extraction)
    if disease:
        assert disease in diseases, _describe(extraction)


@pytest.mark.parametrize("text, name, not_names", [
    # a name before its stock ticker is a company, one word or more, without the words before it
    ("Existing investors joined, including Quorvexa (NYSE:QVX) and others.", "Quorvexa", set()),
    ("Today Zentrova (Nasdaq: ZNT) said its trial met its goal.", "Zentrova", {"Today Zentrova"}),
    ("Shares of Brellin Gentech (TSE: 4599) rose 12%.", "Brellin Gentech", {"Shares of Brellin Gentech"}),
    ("Kestrel Gentech (TSE:4599) said it would build a plant.", "Kestrel Gentech", set()),
    # a name that ends in its legal form is one company, whatever known names it holds
    ("Hitachi Chemical Co., Ltd. announced the deal on Monday.", "Hitachi Chemical", {"Chemical", "Co., Ltd."}),
    ("Additionally, Metcela acquired Japan Regenerative Medicine Co., Ltd. in April 2022.", "Japan Regenerative Medicine", {"Co., Ltd.", "Co."}),
    # a fund keeps the numeral after its head word
    ("New investors include the Kestrel Creation Fund III and others.", "Kestrel Creation Fund III", {"Kestrel Creation Fund"}),
    # an institution's name goes on after 'of'
    ("Existing investors are The University of Brellin Edge Capital Partners Co., Ltd. and others.",
     "University of Brellin Edge Capital Partners", {"University", "Brellin Edge Capital Partners"}),
])
def test_names_the_sentence_makes_one_company(nlp, text, name, not_names):
    extraction = extract_text(nlp, text)
    companies = {e.label for e in extraction.entities if e.type == "Company"}
    assert name in companies and not companies & not_names, _describe(extraction)


def test_co_before_a_hyphen_ends_no_company_name(nlp):
    extraction = extract_text(nlp, "Brindle Healthcare Investments co-led the round with Quorvexa Capital.")
    companies = {e.label for e in extraction.entities if e.type == "Company"}
    assert "Brindle Healthcare Investments" in companies, _describe(extraction)


def test_a_fund_named_after_a_disease_is_one_company(nlp):
    extraction = extract_text(nlp, "Investors include the Brindle T1D Fund and the Quorvexa Parkinson's disease Fund.")
    companies = {e.label for e in extraction.entities if e.type == "Company"}
    assert "Brindle T1D Fund" in companies, _describe(extraction)
