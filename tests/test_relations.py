"""Relation shapes, in rules-only mode and with the statistical model.

Each sentence is preceded by a neutral sentence so that evidence offsets are not trivially 0.
"""

from __future__ import annotations

import pytest

from conftest import extract_text
from kg.model import PREDICATES
from kg.namespaces import CGTID

PREFIX = "Here is the news. "


def iri(local: str) -> str:
    return str(CGTID[local])


def _related(extraction, predicate: str, subject: str | None = None, object: str | None = None) -> set[str]:
    """Local names of what a relation links to the given subject (its objects) or object (its subjects)."""
    if subject is not None:
        return {r.object.rsplit("/", 1)[-1] for r in extraction.relations if r.predicate == predicate and r.subject == iri(subject)}
    return {r.subject.rsplit("/", 1)[-1] for r in extraction.relations if r.predicate == predicate and r.object == iri(object)}


def _describe(extraction) -> list[tuple[str, str, str, str]]:
    short = lambda i: i.rsplit("/", 1)[-1]  # noqa: E731
    return [(short(r.subject), r.predicate, short(r.object), r.rule) for r in extraction.relations]


# (sentence, subject, predicate, object)
SHAPES = [
    pytest.param("Novartis acquired AveXis in 2018.", "novartis", "acquires", "avexis", id="acquired"),
    pytest.param("AveXis was acquired by Novartis in 2018.", "novartis", "acquires", "avexis", id="was-acquired-by"),
    pytest.param("Novartis completed its acquisition of AveXis in May 2018.", "novartis", "acquires", "avexis", id="completed-acquisition-of"),
    pytest.param("Aldenbrook Pharma AG intends to acquire 100% of the securities with voting rights of Orinthe Genetics, Inc.",
                 "aldenbrook-pharma", "acquires", "orinthe-genetics", id="acquire-all-securities-of"),
    pytest.param("Aldenbrook Pharma AG launched a tender offer for Orinthe Genetics, Inc.", "aldenbrook-pharma", "acquires",
                 "orinthe-genetics", id="tender-offer-for"),
    pytest.param("Halden Bio's technology platform enables the production of human cells, including induced pluripotent stem "
                 "cells, at scale.", "halden-bio", "usesTechnology", "ipsc", id="platform-makes"),
    pytest.param("Halden Bio, established in 2019, is known for production of plasmid DNA.", "halden-bio", "usesTechnology",
                 "plasmid-dna", id="known-for-production-of"),
    pytest.param("The most recently approved ORN-101 (orinocabtagene autoleucel) in February 2024 by the NMPA treats myeloma.",
                 "orn-101", "approvedBy", "nmpa", id="recently-approved-by"),
    pytest.param("Halden Bio will pay Orinthe Genetics $70 million upfront for the rights.", "halden-bio", "collaboratesWith",
                 "orinthe-genetics", id="pays-upfront"),
    pytest.param("Quillhaven Bio, which specializes in developing immunotherapies, can elect to co-commercialize the candidates.",
                 "quillhaven-bio", "develops", "immunotherapy", id="specializes-in-developing"),
    pytest.param("The publicly traded Quillhaven Bio focuses on developing gene therapies for rare diseases.",
                 "quillhaven-bio", "develops", "gene-therapy", id="focuses-on-developing"),
    pytest.param("Aldenbrook Pharma AG agreed to buy Orinthe Genetics, a Leuven, Belgium-headquartered biopharmaceutical company "
                 "developing a portfolio of gene therapies.", "orinthe-genetics", "develops", "gene-therapy", id="company-developing-past-a-place"),
    pytest.param("Aldenbrook Pharma AG, the holding company of Swiss group Talmor Holdings, said Sunday that it has invested "
                 "$350 million in Orinthe Genetics, Inc.", "aldenbrook-pharma", "investsIn", "orinthe-genetics", id="said-it-invested-in"),
    pytest.param(
        "Aldenbrook Pharma AG has completed its acquisition of Orinthe Genetics, Inc., a gene therapy company.",
        "aldenbrook-pharma", "acquires", "orinthe-genetics", id="minted-companies-acquisition",
    ),
    pytest.param(
        "Biogen and Ginkgo Bioworks formed a collaboration to develop gene therapies.",
        "biogen", "collaboratesWith", "ginkgo-bioworks", id="x-and-y-formed-collaboration",
    ),
    pytest.param(
        "Pfizer entered into a license agreement with Helixmith for its gene therapy.",
        "pfizer", "collaboratesWith", "helixmith", id="license-agreement-with",
    ),
    pytest.param(
        "Amgen led a Series B financing in Lunaris Bio.", "amgen", "investsIn", "lunaris-bio", id="led-series-b-in",
    ),
    pytest.param(
        "Lunaris Bio raised $80 million in a Series B round led by Amgen.",
        "amgen", "investsIn", "lunaris-bio", id="raised-round-led-by",
    ),
    pytest.param("Kymriah, developed by Novartis, was the first CAR-T therapy.", "novartis", "develops", "kymriah", id="developed-by"),
    pytest.param("Novartis's Kymriah is a CAR-T therapy.", "novartis", "develops", "kymriah", id="possessive-develops"),
    pytest.param("The FDA approved Kymriah in 2017.", "kymriah", "approvedBy", "fda", id="agency-approved"),
    pytest.param("Kymriah was approved by the FDA in 2017.", "kymriah", "approvedBy", "fda", id="approved-by-agency"),
    pytest.param("Kymriah was approved in Japan in 2019.", "kymriah", "approvedIn", "japan", id="approved-in-country"),
    pytest.param("MLT-204 is being tested for acute myeloid leukemia.", "mlt-204", "treats", "acute-myeloid-leukemia", id="product-for-disease"),
    pytest.param("MLT-204 for acute myeloid leukemia showed durable responses.", "mlt-204", "treats", "acute-myeloid-leukemia", id="product-np-for-disease"),
    pytest.param("MLT-204 received RMAT designation in 2024.", "mlt-204", "grantedDesignation", "rmat-designation", id="received-designation"),
    pytest.param("Medicines can join the EMA's PRIME scheme early.", "prime-scheme", "regulatedBy", "ema", id="agency-possessive-scheme"),
    pytest.param(
        "Japan has implemented the Act on the Safety of Regenerative Medicine.",
        "act-on-the-safety-of-regenerative-medicine", "appliesIn", "japan", id="country-implemented-law",
    ),
    pytest.param(
        "Lunaris Bio plc, based in Oxford, United Kingdom, develops cell therapies.",
        "lunaris-bio", "headquarteredIn", "united-kingdom", id="based-in-city-country",
    ),
    pytest.param(
        "Lunaris Bio is developing a gene therapy based on AAV vectors.",
        "gene-therapy", "usesTechnology", "aav-vector", id="therapy-based-on-technology",
    ),
    pytest.param(
        "Lunaris Bio is developing an AAV-based gene therapy.",
        "aav-gene-therapy", "usesTechnology", "aav-vector", id="technology-based-therapy",
    ),
    # Shapes measured on the real-text dev set (corpus/real), written here with names of our own.
    pytest.param("The regulator granted approval of MLT-204 to Halden Biotherapeutics.", "halden-biotherapeutics", "develops", "mlt-204", id="approval-granted-to-holder"),
    pytest.param("Approval of MLT-204 was granted to Halden Biotherapeutics.", "halden-biotherapeutics", "develops", "mlt-204", id="approval-was-granted-to-holder"),
    pytest.param(
        "Halden Biotherapeutics Inc. HLDB announced that the European Commission (EC) has granted conditional approval to MLT-204 for adults.",
        "halden-biotherapeutics", "develops", "mlt-204", id="announced-decision-after-ticker",
    ),
    pytest.param(
        "Halden Biotherapeutics (HLDB), a company focused on gene therapies, on Tuesday said the U.S. Food and Drug Administration or "
        "FDA has granted Fast Track designation to MLT-204.",
        "halden-biotherapeutics", "develops", "mlt-204", id="announced-decision-on-a-weekday",
    ),
    pytest.param(
        "Halden Biotherapeutics said on Thursday that it will begin a Phase II trial of its autologous CAR T-cell therapy MLT-204 in adults.",
        "halden-biotherapeutics", "develops", "mlt-204", id="its-product",
    ),
    pytest.param(
        "Halden Biotherapeutics and Orinthe Genetics, a biotechnology company developing precision genetic medicines through base "
        "editing, announced an exclusive four-year research collaboration on Jan. 10.",
        "halden-biotherapeutics", "collaboratesWith", "orinthe-genetics", id="group-past-a-long-apposition",
    ),
    pytest.param(
        "Talmor Bio has signed a new licence and supply agreement with Quillhaven Pharma’s company, Orinthe Genetics to use its platform.",
        "talmor-bio", "collaboratesWith", "orinthe-genetics", id="parents-company-named-after-it",
    ),
    pytest.param(
        "The approval of MLT-204 follows a priority review and FDA Breakthrough Therapy designation last year.",
        "breakthrough-therapy-designation", "regulatedBy", "fda", id="agency-name-before-designation",
    ),
    pytest.param(
        "The alliance will use Halden Biotherapeutics’ capsid engineering know-how to find new vectors.",
        "halden-biotherapeutics", "usesTechnology", "capsid-engineering", id="possessive-technology",
    ),
    pytest.param(
        "Talmor Bio and Orinthe Genetics, a biotechnology company developing genetic medicines through base editing, announced a pact.",
        "orinthe-genetics", "usesTechnology", "base-editing", id="described-through-technology",
    ),
    pytest.param(
        "Quillvane is a biotechnology company developing potentially disease-modifying AAV gene therapies for adults.",
        "quillvane", "develops", "aav-gene-therapy", id="name-said-to-be-a-company-developing",
    ),
    pytest.param(
        "Orinthe has raised US$85 million in a round led by Singapore government investment firm Quillhaven Holdings.",
        "quillhaven", "headquarteredIn", "singapore", id="country-before-company-noun",
    ),
    pytest.param(
        "The drug was developed by Orinthe Genetics, now a subsidiary of Halden Biotherapeutics as a result of its $11.9 billion acquisition in 2017.",
        "halden-biotherapeutics", "acquires", "orinthe-genetics", id="now-a-subsidiary-of",
    ),
    pytest.param(
        "MLT-204, developed by Halden Biotherapeutics and Orinthe Genetics, represents the first approval of its kind.",
        "halden-biotherapeutics", "collaboratesWith", "orinthe-genetics", id="co-developers",
    ),
    pytest.param(
        "The European Commission (EC) has granted conditional marketing authorisation (CMA) to MLT-204 in adults.",
        "conditional-marketing-authorisation", "regulatedBy", "european-commission", id="agency-acronym-then-grants",
    ),
    pytest.param(
        "The medicines include Halden Biotherapeutics’ allogeneic Epstein-Barr virus-specific cytotoxic T lymphocytes (MLT-204), "
        "which is intended to treat lymphoma.",
        "halden-biotherapeutics", "develops", "mlt-204", id="possessive-description-then-code",
    ),
    pytest.param("Philadelphia-based Halden Biotherapeutics agreed to the deal.", "halden-biotherapeutics", "headquarteredIn", "united-states", id="city-based"),
    pytest.param("South San Francisco-based Halden Biotherapeutics grew.", "halden-biotherapeutics", "headquarteredIn", "united-states", id="multiword-city-based"),
    pytest.param("Shanghai biotech Orinthe Genetics raised money.", "orinthe-genetics", "headquarteredIn", "china", id="city-before-company-noun"),
    pytest.param(
        "The European Medicines Agency has granted priority medicines and advanced therapy medicinal product designations for MLT-204.",
        "mlt-204", "grantedDesignation", "prime-scheme", id="designations-coordinated-for-product",
    ),
    pytest.param(
        "Talmor Bio develops MLT-204 for acute lymphoblastic leukemia, which is its lead program, being developed in partnership with Halden Biotherapeutics.",
        "halden-biotherapeutics", "develops", "mlt-204", id="developed-in-partnership-with",
    ),
    pytest.param(
        "Talmor Bio will acquire all outstanding shares, including the roughly 12.2% of shares of Orinthe Genetics currently held by Halden Biotherapeutics.",
        "halden-biotherapeutics", "investsIn", "orinthe-genetics", id="shares-held-by",
    ),
    pytest.param("Halden Biotherapeutics’ MLT-204 entered a phase 2 trial.", "halden-biotherapeutics", "develops", "mlt-204", id="bare-apostrophe-possessive"),
    pytest.param(
        "The second candidate, MLT-204, is an allogeneic CAR-T treatment developed by Halden Biotherapeutics, targeting acute myeloid leukemia.",
        "halden-biotherapeutics", "develops", "mlt-204", id="described-then-developed-by",
    ),
    pytest.param(
        "The second candidate, MLT-204, is an allogeneic CAR-T treatment developed by Halden Biotherapeutics, targeting acute myeloid leukemia.",
        "mlt-204", "treats", "acute-myeloid-leukemia", id="described-then-targeting",
    ),
    pytest.param("Talmor Pharma made an offer for Orinthe Genetics, a Leuven, Belgium-headquartered biopharmaceutical company.",
                 "orinthe-genetics", "headquarteredIn", "belgium", id="described-city-country-headquartered"),
    pytest.param("Japan Approves Halden Bio's Gene Therapy HLD-12 to Treat SMA", "hld-12", "approvedIn", "japan",
                 id="headline-place-approves"),
    pytest.param("HLD-12 is the first CAR T cell therapy approved for the treatment of multiple myeloma in Japan.",
                 "hld-12", "approvedIn", "japan", id="approved-for-a-disease-in-a-place"),
    pytest.param(
        "The FDA granted orphan drug designation to HLD-12 (Orinthe Genetics), an ex vivo autologous hematopoietic stem "
        "cell (HSC) gene therapy in development for the treatment of moderate to severe Crohn's disease.",
        "hld-12", "treats", "crohns-disease", id="description-past-an-owner-in-brackets",
    ),
    pytest.param(
        "The FDA granted RMAT designation to HLD-14, its off-the-shelf, iPSC-derived CAR T-cell therapy currently in "
        "Phase 1 development for the treatment of systemic lupus erythematosus.",
        "hld-14", "treats", "systemic-lupus-erythematosus", id="description-with-commas-between-modifiers",
    ),
    pytest.param(
        "Talmorcel (talmocabtagene autoleucel) is a B-cell maturation antigen (BCMA)-directed genetically modified "
        "autologous T-cell immunotherapy indicated for the treatment of adult patients with multiple myeloma.",
        "talmorcel", "treats", "multiple-myeloma", id="long-copular-description-indicated-for",
    ),
    pytest.param(
        "MLT-204, an investigational gene therapy designed to treat Huntington's disease, entered the clinic.",
        "mlt-204", "treats", "huntingtons-disease", id="apposition-designed-to-treat",
    ),
    pytest.param(
        "Orinthe Genetics, a clinical-stage biotech company developing CAR-T cell therapies, opened a plant.",
        "orinthe-genetics", "develops", "car-t-cell-therapy", id="company-described-developing",
    ),
    pytest.param(
        "Aldenbrook Pharma, which has focused on oncology for years, is paying $40 million while taking a $20 million equity stake in Orinthe Genetics.",
        "aldenbrook-pharma", "investsIn", "orinthe-genetics", id="taking-equity-stake-in",
    ),
    pytest.param(
        "Aldenbrook Pharma grew its pipeline last year with the $300 million takeout of Orinthe Genetics.",
        "aldenbrook-pharma", "acquires", "orinthe-genetics", id="takeout-of",
    ),
    pytest.param("In Japan, the Act on the Safety of Regenerative Medicine regulates clinics.", "act-on-the-safety-of-regenerative-medicine", "appliesIn", "japan", id="in-place-frame"),
    pytest.param("Aldenbrook Pharma also partnered this month with Orinthe Genetics to co-develop MLT-204.", "aldenbrook-pharma", "collaboratesWith", "orinthe-genetics", id="partnered-when-with"),
    pytest.param("Aldenbrook Pharma has since signed a $2 billion deal with Orinthe Genetics.", "aldenbrook-pharma", "collaboratesWith", "orinthe-genetics", id="since-signed-deal-with"),
    pytest.param("Halden Biotherapeutics’ only wholly owned cell therapy programme is MLT-204, a preclinical CAR-T.", "halden-biotherapeutics", "develops", "mlt-204", id="possessive-programme-is"),
    pytest.param("The deal covers gene therapy candidates in Halden Biotherapeutics’ pipeline.", "halden-biotherapeutics", "develops", "gene-therapy", id="candidates-in-pipeline"),
    pytest.param("Aldenbrook Pharma will work with Orinthe Genetics to use its TALEN platform.", "orinthe-genetics", "usesTechnology", "talen", id="company-its-technology-platform"),
    pytest.param("Halden Biotherapeutics received approval for MLT-204 in 2024.", "halden-biotherapeutics", "develops", "mlt-204", id="received-approval-for"),
    pytest.param(
        "Aldenbrook Pharma announced today that it has entered into a definitive merger agreement to acquire Orinthe Genetics.",
        "aldenbrook-pharma", "acquires", "orinthe-genetics", id="definitive-agreement-to-acquire",
    ),
    pytest.param("Gene editing startup Orinthe Genetics raised $40 million.", "orinthe-genetics", "usesTechnology", "gene-editing", id="technology-startup-name"),
    pytest.param("Aldenbrook Pharma bought the CRISPR-Cas9 pioneer Orinthe Genetics.", "orinthe-genetics", "usesTechnology", "crispr-cas9", id="technology-pioneer-name"),
    pytest.param("The Danish cell therapy company Halden Biotherapeutics hired staff.", "halden-biotherapeutics", "develops", "cell-therapy", id="modality-company-name"),
    pytest.param("Aldenbrook Pharma partnered this month with Orinthe Genetics to co-develop MLT-204.", "aldenbrook-pharma", "develops", "mlt-204", id="partnered-to-co-develop"),
    pytest.param("Orinthe Genetics got a $40 million upfront payment in a 2022 deal with Halden Bio AG and an initial $41 million "
                 "from a 2021 agreement with Aldenbrook Pharma Inc.", "orinthe-genetics", "collaboratesWith", "aldenbrook-pharma",
                 id="received-under-deal"),
    pytest.param("Halden Bio, Inc. announced that they have obtained conditional approval from the Japanese Ministry of Health, "
                 "Labour and Welfare (MHLW) for MLT-204 to treat patients with critical limb ischemia.", "halden-bio", "develops",
                 "mlt-204", id="obtained-approval-from-agency-for"),
    pytest.param("The Brazilian Health Regulatory Agency (ANVISA) recently granted marketing authorization for Orinthe Genetics "
                 "gene therapy products ORN-310 and ORN-311.", "orn-311", "approvedBy", "anvisa", id="authorization-for-company-products"),
    pytest.param("Orinthe Genetics, Inc., a U.S. clinical-stage biotechnology company focused on cell therapies, announced results.",
                 "orinthe-genetics", "headquarteredIn", "united-states", id="described-by-country"),
    pytest.param("The European Medicines Agency has given priority medicines, or PRIME, status to ORN-310, a gene therapy.",
                 "prime-scheme", "regulatedBy", "ema", id="agency-has-given-status"),
    pytest.param("The program will leverage Orinthe Genetics’ proprietary in-vivo delivery technologies, which use lipid "
                 "nanoparticles to deliver editors.", "orinthe-genetics", "usesTechnology", "lipid-nanoparticles",
                 id="technologies-which-use"),
    pytest.param("The agency granted marketing authorization for Orinthe Genetics gene therapy products.", "orinthe-genetics",
                 "develops", "gene-therapy", id="company-compound"),
    pytest.param("Orinthe Genetics, Inc., a clinical-stage biotechnology company focused on developing and launching the first "
                 "curative targeted cell therapies for patients with lupus, announced results.", "orinthe-genetics", "develops",
                 "cell-therapy", id="company-described-long"),
    pytest.param("Orinthe Genetics has ORN-310 in phase 2 development for lymphoma.", "orinthe-genetics", "develops", "orn-310", id="has-in-phase"),
    pytest.param("The Halden Group (Halden Co., Ltd. and Halden, Inc.) (TOKYO:4592), a scientific leader in gene therapy for rare "
                 "diseases, announced results.", "halden", "develops", "gene-therapy", id="described-as-a-leader-in"),
    pytest.param("Aldenbrook Pharma signed a $2 billion deal with Orinthe Genetics to develop Treg cell therapies.", "orinthe-genetics", "develops", "regulatory-t-cell-therapy", id="deal-to-develop-modality"),
    pytest.param(
        "Aldenbrook Pharma, which has long focused on its cystic fibrosis drug franchise in recent years, is paying $75 million in an "
        "upfront investment while taking a $30 million equity stake in Orinthe Genetics.",
        "aldenbrook-pharma", "investsIn", "orinthe-genetics", id="stake-after-long-apposition",
    ),
    pytest.param("Halden Biotherapeutics said that China's National Medical Products Administration has approved the NDA for MLT-204.",
                 "halden-biotherapeutics", "develops", "mlt-204", id="announced-a-countrys-agency-decision"),
    pytest.param("Janssen Pharmaceutical Companies of Johnson & Johnson said it entered into a license agreement with Orinthe Genetics.",
                 "janssen", "collaboratesWith", "orinthe-genetics", id="companies-of-parent"),
]


@pytest.mark.parametrize("sentence, subject, predicate, obj", SHAPES)
def test_relation_shape(nlp, sentence, subject, predicate, obj):
    text = PREFIX + sentence
    extraction = extract_text(nlp, text)
    expected = (iri(subject), predicate, iri(obj))
    matches = [r for r in extraction.relations if (r.subject, r.predicate, r.object) == expected]
    assert matches, f"{expected} not found; got {_describe(extraction)}"
    relation = matches[0]
    assert relation.evidence.text == sentence
    assert text[relation.evidence.start : relation.evidence.end] == relation.evidence.text
    assert relation.evidence.start == len(PREFIX)
    assert 0.0 < relation.confidence <= 1.0
    assert relation.rule


# Natural variants of the shapes above, as articles write them.
VARIANTS = [
    pytest.param("Novartis has agreed to acquire AveXis for $8.7 billion.", "novartis", "acquires", "avexis", id="agreed-to-acquire"),
    pytest.param("Novartis's acquisition of AveXis closed in 2018.", "novartis", "acquires", "avexis", id="possessive-acquisition"),
    pytest.param(
        "AveXis, which was acquired by Novartis in 2018, makes Zolgensma.", "novartis", "acquires", "avexis", id="relative-clause-passive",
    ),
    pytest.param(
        "Biogen and Ginkgo Bioworks announced a strategic collaboration in 2021.",
        "biogen", "collaboratesWith", "ginkgo-bioworks", id="x-and-y-announced-collaboration",
    ),
    pytest.param("Biogen signed a licensing deal with Ginkgo Bioworks.", "biogen", "collaboratesWith", "ginkgo-bioworks", id="licensing-deal-with"),
    pytest.param(
        "Lunaris Bio closed a $50 million Series A financing led by Amgen.", "amgen", "investsIn", "lunaris-bio", id="financing-led-by",
    ),
    pytest.param("The European Commission approved Kymriah in 2018.", "kymriah", "approvedBy", "european-commission", id="commission-approved"),
    pytest.param("Kymriah received FDA approval in 2017.", "kymriah", "approvedBy", "fda", id="received-agency-approval"),
    pytest.param("Zolgensma was approved in the European Union in 2020.", "zolgensma", "approvedIn", "european-union", id="approved-in-region"),
    pytest.param(
        "MLT-204 received Fast Track designation from the FDA.", "mlt-204", "grantedDesignation", "fast-track-designation", id="fast-track",
    ),
    pytest.param(
        "Sakuragi Regenerative Co., Ltd., headquartered in Osaka, Japan, develops SKR-201.",
        "sakuragi-regenerative", "headquarteredIn", "japan", id="headquartered-in-city-country",
    ),
    pytest.param(
        "Sakuragi Regenerative Co., Ltd., headquartered in Osaka, Japan, develops SKR-201.",
        "sakuragi-regenerative", "develops", "skr-201", id="develops-after-apposition",
    ),
    pytest.param("ORN-310 uses an engineered AAV vector to deliver the gene.", "orn-310", "usesTechnology", "aav-vector", id="uses-technology"),
    pytest.param(
        "Approved products include Kymriah (Novartis) and Yescarta (Kite Pharma).",
        "kite-pharma", "develops", "yescarta", id="product-parenthesised-developer",
    ),
    pytest.param("Kymriah, Novartis’s flagship product, was launched in 2017.", "novartis", "develops", "kymriah", id="product-apposed-possessive"),
    pytest.param(
        "Takeda signed a license agreement with Japan's Astellas Pharma.",
        "astellas-pharma", "headquarteredIn", "japan", id="country-possessive-company",
    ),
    pytest.param(
        "Kymriah, a CAR-T therapy, received approval from Japan's Ministry of Health, Labour and Welfare in 2019.",
        "kymriah", "approvedBy", "mhlw", id="apposed-modality-approval-from-country-agency",
    ),
    pytest.param(
        "Zolgensma is the first gene therapy approved in Japan for spinal muscular atrophy.",
        "zolgensma", "approvedIn", "japan", id="product-is-modality-approved-in",
    ),
    pytest.param(
        "The European Commission conditionally approved Zynteglo in 2019.",
        "zynteglo", "approvedBy", "european-commission", id="agency-conditionally-approved",
    ),    pytest.param(
        "Roche is buying Spark Therapeutics. The Swiss drugmaker also acquired Poseida Therapeutics.",
        "roche", "acquires", "poseida-therapeutics", id="anaphor-the-company-noun",
    ),
    pytest.param(
        "Lunaris Bio is testing MLT-204. In 2020, the therapy received orphan drug designation.",
        "mlt-204", "grantedDesignation", "orphan-drug-designation", id="anaphor-the-therapy",
    ),
    pytest.param(
        "The FDA granted Roctavian orphan drug designation in 2016.",
        "roctavian", "grantedDesignation", "orphan-drug-designation", id="ditransitive-granted-designation",
    ),
    pytest.param(
        "Lunaris Bio has raised $67 million in a Series B. The financing round was led by Amgen.",
        "amgen", "investsIn", "lunaris-bio", id="anaphor-round-led-by",
    ),
    pytest.param(
        "Lunaris Bio has raised $67 million. The round was led by Amgen, and supported by Kunlun Capital and Alwin Capital.",
        "alwin-capital", "investsIn", "lunaris-bio", id="round-supported-by-every-conjunct",
    ),
    pytest.param(
        "Lunaris Bio has raised $67 million. Previous investors such as IDG Capital and Huagai Capital also joined the round.",
        "huagai-capital", "investsIn", "lunaris-bio", id="investors-joined-the-round",
    ),
]

PIPELINES = ("rules", "model")
KNOWN_FAILURES: dict[tuple[str, str], str] = {}
KNOWN_BACKWARDS: dict[tuple[str, str], str] = {}


def crossed(cases, known=KNOWN_FAILURES, keep_marks=True):
    """Every case under each pipeline, with strict xfail marks on the known (pipeline, case) failures."""
    for pipeline in PIPELINES:
        for case in cases:
            marks = list(case.marks) if keep_marks else []
            if (pipeline, case.id) in known:
                marks.append(pytest.mark.xfail(strict=True, reason=known[(pipeline, case.id)]))
            yield pytest.param(pipeline, *case.values, id=f"{pipeline}-{case.id}", marks=marks)


@pytest.mark.parametrize("pipeline, sentence, subject, predicate, obj", list(crossed(VARIANTS)))
def test_relation_variant(request, pipeline, sentence, subject, predicate, obj):
    nlp = request.getfixturevalue(f"{pipeline}_nlp")
    extraction = extract_text(nlp, sentence)
    expected = (iri(subject), predicate, iri(obj))
    assert expected in {(r.subject, r.predicate, r.object) for r in extraction.relations}, _describe(extraction)


@pytest.mark.parametrize(
    "pipeline, sentence, subject, predicate, obj",
    [p for p in crossed(SHAPES + VARIANTS, KNOWN_BACKWARDS, keep_marks=False) if p.values[3] != "collaboratesWith"],
)
def test_relation_is_not_also_read_backwards(request, pipeline, sentence, subject, predicate, obj):
    """A directed fact is never stated both ways by one sentence (Amgen invests in Lunaris Bio, not the reverse)."""
    nlp = request.getfixturevalue(f"{pipeline}_nlp")
    extraction = extract_text(nlp, sentence)
    assert (iri(obj), predicate, iri(subject)) not in {(r.subject, r.predicate, r.object) for r in extraction.relations}, _describe(extraction)


def test_coordinated_companies_give_one_collaboration(nlp):
    sentence = "Biogen and Ginkgo Bioworks formed a collaboration to develop gene therapies."
    extraction = extract_text(nlp, sentence)
    collaborations = [r for r in extraction.relations if r.predicate == "collaboratesWith"]
    assert len(collaborations) == 1, _describe(extraction)
    assert {collaborations[0].subject, collaborations[0].object} == {iri("biogen"), iri("ginkgo-bioworks")}


def test_coordinated_diseases_give_two_treats(nlp):
    sentence = "CAR-T therapies have shown success in leukemia and lymphoma."
    extraction = extract_text(nlp, sentence)
    treats = sorted((r.subject, r.object) for r in extraction.relations if r.predicate == "treats")
    assert treats == [(iri("car-t-cell-therapy"), iri("leukemia")), (iri("car-t-cell-therapy"), iri("lymphoma"))], _describe(extraction)
    for relation in extraction.relations:
        assert relation.evidence.text == sentence


def test_list_members_with_bracketed_abbreviations_are_all_treated(nlp):
    sentence = ("Breyanzi is approved for adults with diffuse large B-cell lymphoma (DLBCL), follicular lymphoma (FL) "
                "and mantle cell lymphoma.")
    treated = _related(extract_text(nlp, PREFIX + sentence), "treats", subject="breyanzi")
    assert {"large-b-cell-lymphoma", "follicular-lymphoma", "mantle-cell-lymphoma"} <= treated, treated


def test_a_bracketed_abbreviation_before_and_other_keeps_the_list_going(nlp):
    sentence = ("MLT-204 is a gene therapy for the treatment of wet age-related macular degeneration (wet AMD), diabetic "
                "retinopathy (DR) and other chronic retinal diseases.")
    treated = _related(extract_text(nlp, PREFIX + sentence), "treats", subject="mlt-204")
    assert {"diabetic-retinopathy", "chronic-retinal-diseases"} <= treated, treated


@pytest.mark.parametrize("verbs", ["co-develop and co-commercialise", "develop, manufacture and commercialize",
                                   "research, develop, manufacture, and license mesothelin-directed"])
def test_partners_develop_what_they_agreed_to_develop_and_sell(nlp, verbs):
    sentence = f"Halden Bio and Orinthe Genetics formed a collaboration to {verbs} MLT-204 for the treatment of lymphoma."
    developers = {r.subject for r in extract_text(nlp, PREFIX + sentence).relations if r.predicate == "develops" and r.object == iri("mlt-204")}
    assert developers == {iri("halden-bio"), iri("orinthe-genetics")}, developers


def test_what_is_said_of_a_modality_is_said_of_the_products_listed_as_its_members(nlp):
    text = (PREFIX + "The FDA has approved multiple AAV-based gene therapies, including Luxturna, Zolgensma, and Hemgenix, "
            "establishing precedents. Halden Bio develops cell therapies, such as MLT-204 and MLT-205, for lymphoma.")
    extraction = extract_text(nlp, text)
    assert _related(extraction, "approvedBy", object="fda") >= {"luxturna", "zolgensma", "hemgenix"}, _describe(extraction)
    assert {"mlt-204", "mlt-205"} <= _related(extraction, "develops", subject="halden-bio"), _describe(extraction)
    assert iri("gene-therapy") not in {r.subject for r in extraction.relations if r.predicate == "approvedBy"}, _describe(extraction)


@pytest.mark.parametrize("sentence, therapy, technology", [
    ("Lentiviral vectors are widely used for the delivery of cell therapies.", "cell-therapy", "lentiviral-vector"),
    ("Demand grew for AAV vectors, a popular technique to deliver gene therapy, last year.", "gene-therapy", "aav-vector"),
])
def test_a_technology_used_for_or_delivering_a_modality_is_one_it_uses(nlp, sentence, therapy, technology):
    """Read by a rule of its own, not only the weak window reading (below the default minimum confidence)."""
    found = [r for r in extract_text(nlp, PREFIX + sentence).relations
             if (r.subject, r.predicate, r.object) == (iri(therapy), "usesTechnology", iri(technology))]
    assert found and found[0].confidence >= 0.4, found


def test_who_commits_money_to_a_round_and_who_leads_it_alongside_others_invest_in_its_raiser(nlp):
    text = ("Talmor Capital Ltd has committed $25 million (£19 million) to Quillhaven Therapeutics in an up to $156 million "
            "Series B financing. Talmor Capital co-led the financing round alongside specialist global institutional "
            "investors Jeito Capital, Ridgeback Capital Investments and SV Health Investors.")
    extraction = extract_text(nlp, PREFIX + text)
    investors = _related(extraction, "investsIn", object="quillhaven-therapeutics")
    assert {"talmor-capital", "jeito-capital", "ridgeback-capital-investments", "sv-health-investors"} <= investors, _describe(extraction)
    assert not [e for e in extraction.entities if e.label.endswith(" co")], [e.label for e in extraction.entities]


def test_a_country_focus_in_a_description_is_no_headquarters(nlp):
    extraction = extract_text(nlp, PREFIX + "Orinthe Genetics, a China-focused biotechnology company, announced results.")
    assert not [r for r in extraction.relations if r.predicate == "headquarteredIn"], _describe(extraction)


def test_a_round_noun_far_after_announced_names_no_raiser(nlp):
    text = PREFIX + "Halden Bio announced results, and analysts expect a new round of layoffs. Talmor Capital led the round."
    extraction = extract_text(nlp, text)
    assert "talmor-capital" not in _related(extraction, "investsIn", object="halden-bio"), _describe(extraction)


def test_a_modality_right_before_product_names_speaks_for_them(nlp):
    text = PREFIX + "Orinthe Genetics markets the gene therapy products ORN-310 and ORN-311 in Europe."
    extraction = extract_text(nlp, text)
    assert {"orn-310", "orn-311"} <= _related(extraction, "develops", subject="orinthe-genetics"), _describe(extraction)


def test_the_window_reading_looks_past_a_passive_apposition(rules_nlp):
    """Rules mode only: the window reading (with a parser, the dependency path, whose reading of this shape is
    calibrated below the default minimum confidence)."""
    sentence = ("MLT-204, developed by Halden Biotherapeutics and Orinthe Genetics, represents the first-ever approval of a "
                "medicine of its kind in Japan.")
    assert "japan" in _related(extract_text(rules_nlp, PREFIX + sentence), "approvedIn", subject="mlt-204")


def test_a_company_in_brackets_after_another_is_not_a_list_member(nlp):
    extraction = extract_text(nlp, PREFIX + "Kite (Gilead) and Arcellx formed a collaboration on CAR T-cell therapy.")
    pairs = {frozenset((r.subject, r.object)) for r in extraction.relations if r.predicate == "collaboratesWith"}
    assert frozenset((iri("kite-pharma"), iri("gilead-sciences"))) not in pairs, _describe(extraction)


def test_acquisition_is_not_also_an_investment(nlp):
    extraction = extract_text(nlp, "Novartis acquired AveXis in 2018.")
    between = {r.predicate for r in extraction.relations if {r.subject, r.object} == {iri("novartis"), iri("avexis")}}
    assert between == {"acquires"}, _describe(extraction)


def test_passive_acquisition_keeps_the_buyer_as_subject(nlp):
    extraction = extract_text(nlp, "AveXis was acquired by Novartis in 2018.")
    acquisitions = [(r.subject, r.object) for r in extraction.relations if r.predicate == "acquires"]
    assert acquisitions == [(iri("novartis"), iri("avexis"))], _describe(extraction)


@pytest.mark.parametrize("text, designation, agency", [
    ("MLT-204 received RMAT designation from the FDA.", "rmat-designation", "fda"),
    ("The European Medicines Agency has given priority medicines, or PRIME, status to MLT-204, Halden Bio's gene therapy.",
     "prime-scheme", "ema"),
])
def test_designation_from_agency_gives_both_facts(nlp, text, designation, agency):
    extraction = extract_text(nlp, text)
    facts = {(r.subject, r.predicate, r.object) for r in extraction.relations}
    assert (iri("mlt-204"), "grantedDesignation", iri(designation)) in facts, _describe(extraction)
    assert (iri(designation), "regulatedBy", iri(agency)) in facts, _describe(extraction)


def test_unrelated_entities_in_one_sentence_give_no_relation(nlp):
    extraction = extract_text(nlp, "Novartis and the weather in Japan were both mentioned in the newsletter.")
    assert [r for r in extraction.relations if r.predicate in ("acquires", "investsIn", "develops")] == []


def test_relations_never_cross_sentences(nlp):
    text = "Novartis reported results. AveXis opened a new plant."
    extraction = extract_text(nlp, text)
    assert extraction.relations == (), _describe(extraction)


def test_relation_record_fields(nlp):
    text = PREFIX + "Novartis completed its acquisition of AveXis in May 2018. The FDA approved Kymriah for leukemia."
    extraction = extract_text(nlp, text)
    assert extraction.relations
    entities = {e.iri for e in extraction.entities}
    for relation in extraction.relations:
        assert relation.predicate in PREDICATES
        assert relation.subject in entities and relation.object in entities
        assert relation.subject != relation.object
        assert text[relation.evidence.start : relation.evidence.end] == relation.evidence.text
        record = relation.to_json()
        assert set(record) >= {"subject", "predicate", "object", "confidence", "evidence"}
        assert set(record["evidence"]) == {"text", "start", "end"}


def test_min_confidence_filters_relations(rules_nlp):
    from conftest import source_of
    from kg.extract import extract_documents

    text = "Novartis completed its acquisition of AveXis in May 2018."
    (everything,) = extract_documents([source_of(text)], rules_nlp)
    assert everything.relations
    top = max(r.confidence for r in everything.relations)
    (filtered,) = extract_documents([source_of(text)], rules_nlp, min_confidence=min(1.0, top + 0.01))
    assert filtered.relations == ()


def test_relation_cues_are_data_in_its_factory_config(rules_nlp):
    """The cue words reach cgt_relations through its config, from the [cues] table of relations.toml."""
    cues = rules_nlp.get_pipe_config("cgt_relations")["cues"]
    assert "while" in cues["clause_words"] and "based" in cues["stated_technology"]


def test_a_new_referent_is_not_an_anaphor(nlp):
    """'The second therapy, BCB-276, ...' names a new product: nothing it says goes to the one named before."""
    text = "Lunaris Bio is testing MLT-204. The second therapy, ORN-310, is being tested for acute myeloid leukemia."
    extraction = extract_text(nlp, text)
    assert (iri("mlt-204"), "treats", iri("acute-myeloid-leukemia")) not in {(r.subject, r.predicate, r.object) for r in extraction.relations}


@pytest.mark.parametrize("sentence", [
    pytest.param("The FDA cleared the IND for MLT-204 in 2024.", id="ind-clearance"),
    pytest.param("The FDA approved Lunaris Bio's plans to begin a Phase II trial of MLT-204.", id="trial-plans-approved"),
])
def test_a_trial_clearance_is_not_an_approval(nlp, sentence):
    extraction = extract_text(nlp, sentence)
    assert not [r for r in extraction.relations if r.predicate == "approvedBy"], _describe(extraction)


def test_a_modality_is_not_the_subject_beside_a_named_product(nlp):
    """A sentence that names a product says what it says of the product, even when the modality is not in plain apposition."""
    text = "The second therapy, MLT-204, is a chimeric antigen receptor T-cell (CAR-T) treatment targeting acute myeloid leukemia."
    extraction = extract_text(nlp, text)
    subjects = {r.subject for r in extraction.relations if r.predicate == "treats"}
    assert subjects <= {iri("mlt-204")}, _describe(extraction)


def test_definite_modality_refers_to_the_product_named_before(nlp):
    """'The ... CAR-T therapy from X' after a product was named speaks of that product."""
    extraction = extract_text(nlp, "Kymriah was approved in Japan in 2019. The innovative CAR-T therapy from Novartis is given once.")
    found = {(r.subject, r.predicate, r.object) for r in extraction.relations}
    assert (iri("novartis"), "develops", iri("kymriah")) in found, _describe(extraction)
    assert not any(r.subject == iri("car-t-cell-therapy") or r.object == iri("car-t-cell-therapy") for r in extraction.relations)


def test_a_definite_modality_before_a_noun_is_no_anaphor(nlp):
    extraction = extract_text(nlp, "Kymriah was approved in Japan in 2019. The CAR-T therapy market from Novartis grew.")
    assert (iri("novartis"), "develops", iri("kymriah")) not in {(r.subject, r.predicate, r.object) for r in extraction.relations}


def test_every_investor_of_a_round_led_and_supported(nlp):
    extraction = extract_text(
        nlp, "Lunaris Bio closed a $60 million Series B financing. The financing round was led by Halden Capital, "
        "and supported by Orinthe Ventures and Brantwell Partners.",
    )
    investors = {r.subject for r in extraction.relations if r.predicate == "investsIn" and r.object == iri("lunaris-bio")}
    assert investors == {iri("halden-capital"), iri("orinthe-ventures"), iri("brantwell-partners")}, _describe(extraction)
    assert not [r for r in extraction.relations if r.predicate == "collaboratesWith"], _describe(extraction)


def test_a_designation_is_never_read_as_another_agencys(nlp):
    """The vocabulary says whose scheme PRIME is; a sentence naming two agencies cannot give it to the other one."""
    extraction = extract_text(nlp, "In 2021 MLT-204 received RMAT designation from the FDA, and it received PRIME designation from the EMA.")
    regulated = {(r.subject, r.object) for r in extraction.relations if r.predicate == "regulatedBy"}
    assert (iri("prime-scheme"), iri("fda")) not in regulated
    assert (iri("rmat-designation"), iri("ema")) not in regulated


@pytest.mark.parametrize("text, company, country", [
    pytest.param("The Swiss drugmaker Roche said it would expand.", "roche", "switzerland", id="demonym-noun-name"),
    pytest.param("Halden Bio bought French CDMO Orinthe Biologics last year.", "orinthe-biologics", "france", id="demonym-cdmo-name"),
    pytest.param("Orinthe Biologics, the French manufacturer, agreed to the terms.", "orinthe-biologics", "france", id="name-comma-demonym-noun"),
    pytest.param("Astellas bought Audentes in 2019. The Japanese drugmaker also gains manufacturing know-how.", "astellas-pharma", "japan", id="demonym-anaphor"),
])
def test_a_nationality_word_says_where_a_company_is_based(nlp, text, company, country):
    extraction = extract_text(nlp, text)
    assert (iri(company), "headquarteredIn", iri(country)) in {(r.subject, r.predicate, r.object) for r in extraction.relations}, _describe(extraction)
    assert iri(country) in {e.iri for e in extraction.entities}


def test_a_nationality_word_of_something_else_says_nothing_of_a_company(nlp):
    extraction = extract_text(nlp, "Swiss regulators approved the drug that Roche developed.")
    assert not [r for r in extraction.relations if r.predicate == "headquarteredIn"], _describe(extraction)


def test_it_after_a_grant_verb_is_the_product_named_before(nlp):
    extraction = extract_text(nlp, "MLT-204 showed durable responses. The FDA granted it RMAT designation last month.")
    assert (iri("mlt-204"), "grantedDesignation", iri("rmat-designation")) in {(r.subject, r.predicate, r.object) for r in extraction.relations}, _describe(extraction)


def test_names_in_clauses_a_semicolon_parts_are_not_paired(nlp):
    extraction = extract_text(nlp, "Aldenbrook Pharma signed a deal with Orinthe Genetics; acquired gene therapies from Pfizer; and formed an alliance with Halden Biotherapeutics.")
    assert (iri("aldenbrook-pharma"), "acquires", iri("halden-biotherapeutics")) not in {(r.subject, r.predicate, r.object) for r in extraction.relations}, _describe(extraction)


def test_evidence_leaves_out_a_markdown_heading_marker(nlp):
    text = "# Novartis acquired AveXis in 2018\n\nThe deal closed in May.\n"
    extraction = extract_text(nlp, text)
    (relation,) = [r for r in extraction.relations if r.predicate == "acquires"]
    assert relation.evidence.text.startswith("Novartis acquired AveXis")
    assert text[relation.evidence.start : relation.evidence.end] == relation.evidence.text


def test_a_designation_applies_only_where_the_vocabulary_says(nlp):
    extraction = extract_text(nlp, "MLT-204 was filed under Japan's Fast Track designation rules last year.")
    assert (iri("fast-track-designation"), "appliesIn", iri("japan")) not in {(r.subject, r.predicate, r.object) for r in extraction.relations}


def test_a_pipeline_table_row_says_who_develops_what_for_which_disease(nlp):
    text = ("Drug Name Sponsor Indication Development Phase\n\n"
            "MLT-204 Halden Biotherapeutics acute myeloid leukemia Phase I/II (allogeneic CAR-T) Boston, MA www.halden.example\n")
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations}
    assert (iri("halden-biotherapeutics"), "develops", iri("mlt-204")) in found
    assert (iri("mlt-204"), "treats", iri("acute-myeloid-leukemia")) in found


def test_a_line_under_a_table_header_is_a_row_without_a_phase(nlp):
    text = ("The products designated this year are listed below.\n\n"
            "Product Name Intended Indication(s) Applicant Name\n"
            "MLT-204 acute myeloid leukemia Halden Biotherapeutics Ltd.\n"
            "ORN-310 Duchenne muscular dystrophy Orinthe Pharma K.K.\n\n"
            "Talmor said in a statement that it is preparing ORN-310 for the clinic in Japan next year.\n")
    found = {(r.subject, r.predicate, r.object, r.rule) for r in extract_text(nlp, text).relations}
    assert (iri("halden-biotherapeutics"), "develops", iri("mlt-204"), "table.row") in found
    assert (iri("orn-310"), "treats", iri("duchenne-muscular-dystrophy"), "table.row") in found
    assert not [f for f in found if f[3] == "table.row" and "talmor" in f[0]]


def test_a_sentence_with_a_phase_is_no_table_row(nlp):
    extraction = extract_text(nlp, "Halden Biotherapeutics said MLT-204 and ORN-310 entered Phase 2 for acute myeloid leukemia.")
    assert not [r for r in extraction.relations if r.rule == "table.row"]


@pytest.mark.parametrize("sentence", [
    pytest.param("Outside the United States, MLT-204 is commercialized by Aldenbrook Pharma under a license agreement.", id="commercialised-by-licensee"),
    pytest.param("Under the agreement, Aldenbrook Pharma will develop the production process for MLT-204.", id="develops-a-process-for"),
    pytest.param("Aldenbrook Pharma manufactures MLT-204 at its plant.", id="manufacturer"),
])
def test_a_licensee_or_manufacturer_is_no_developer(nlp, sentence):
    extraction = extract_text(nlp, sentence)
    assert (iri("aldenbrook-pharma"), "develops", iri("mlt-204")) not in {(r.subject, r.predicate, r.object) for r in extraction.relations}, _describe(extraction)


def test_a_merger_deal_is_no_partnership(nlp):
    extraction = extract_text(nlp, "Orinthe Genetics announced a definitive merger deal with Halden Biotherapeutics on Monday.")
    assert not [r for r in extraction.relations if r.predicate == "collaboratesWith"], _describe(extraction)
    assert "Collaboration" not in {d.kind for d in extraction.deals}


def test_a_takeover_written_as_a_merger_agreement_is_an_acquisition_and_companies_that_merge_a_merger(nlp):
    takeover = extract_text(nlp, "Halden Biotherapeutics entered into a definitive merger agreement to acquire Orinthe Genetics.")
    assert [d.kind for d in takeover.deals] == ["Acquisition"], _describe(takeover)
    merger = extract_text(nlp, "Halden Biotherapeutics agreed to merge with Orinthe Genetics in an all-stock merger.")
    assert [d.kind for d in merger.deals] == ["Merger"], _describe(merger)


def test_every_product_of_a_list_of_candidates_is_developed_by_the_company(nlp):
    text = ("Halden Biotherapeutics currently has three product candidates in Phase I trials including MLT-204 for acute "
            "myeloid leukemia, MLT-305 for multiple myeloma and MLT-406 for B-cell lymphoma.")
    extraction = extract_text(nlp, text)
    assert {"mlt-204", "mlt-305", "mlt-406"} <= _related(extraction, "develops", subject="halden-biotherapeutics"), _describe(extraction)


def test_a_designation_granted_to_a_counted_set_goes_to_the_products_named_next(nlp):
    text = ("The FDA has granted Breakthrough Therapy designation to two experimental gene therapies.\n\n"
            "One of the therapies recognised is Halden Biotherapeutics' MLT-204, an AAV gene therapy. MLT-204 is given once.\n\n"
            "The second therapy, MLT-305, is a CAR-T treatment developed by Orinthe Genetics. Halden also develops MLT-406.")
    extraction = extract_text(nlp, text)
    designated = _related(extraction, "grantedDesignation", object="breakthrough-therapy-designation")
    assert {"mlt-204", "mlt-305"} <= designated and "mlt-406" not in designated, _describe(extraction)


def test_what_treats_a_disease_treats_the_diseases_listed_as_included_in_it(nlp):
    text = ("MLT-204 is approved for adults with large B-cell lymphoma after two lines of therapy, including primary "
            "mediastinal large B-cell lymphoma and follicular lymphoma.")
    extraction = extract_text(nlp, text)
    treated = _related(extraction, "treats", subject="mlt-204")
    assert {"large-b-cell-lymphoma", "primary-mediastinal-b-cell-lymphoma", "follicular-lymphoma"} <= treated, _describe(extraction)


def test_a_modality_from_a_company_standing_for_a_product_treats_what_follows(nlp):
    text = ("Halden Biotherapeutics won approval for MLT-204 in China. The innovative CAR T-cell therapy from Halden "
            "Biotherapeutics is approved as a second-line treatment of adult patients with relapsed or refractory multiple myeloma.")
    extraction = extract_text(nlp, text)
    assert "multiple-myeloma" in _related(extraction, "treats", subject="mlt-204"), _describe(extraction)


def test_a_clause_after_a_semicolon_that_opens_on_a_deal_verb_shares_the_sentences_company(nlp):
    text = ("Aldenbrook Pharma has since signed a $2 billion deal with Orinthe Genetics; bought two gene therapies from "
            "Brisemont Bio for $1 billion; and last month, formed a broad strategic alliance with Quillhaven Therapeutics.")
    extraction = extract_text(nlp, text)
    partners = _related(extraction, "collaboratesWith", subject="aldenbrook-pharma") | _related(extraction, "collaboratesWith", object="aldenbrook-pharma")
    assert {"orinthe-genetics", "quillhaven-therapeutics"} <= partners, _describe(extraction)
    found = {(r.subject, r.predicate, r.object) for r in extraction.relations}
    assert (iri("orinthe-genetics"), "acquires", iri("aldenbrook-pharma")) not in found, _describe(extraction)


def test_buying_shares_is_an_investment_not_an_acquisition(nlp):
    extraction = extract_text(nlp, "In addition, Brantwell Therapeutics will purchase US$ 25 million of newly issued Qianlan Biotherapeutics shares, giving it a 4.9% stake.")
    found = {(r.subject, r.predicate, r.object) for r in extraction.relations}
    assert (iri("brantwell-therapeutics"), "acquires", iri("qianlan-biotherapeutics")) not in found, _describe(extraction)


def test_every_investor_of_a_described_list_invests_in_the_round(nlp):
    text = ("Lunaris Bio completed a Series B financing round of EUR 30 million. The Belgian cell therapy company secured "
            "the capital increase from its new investors, among them Amgen, Dutch investment fund Korvane Capital, "
            "US company Talmor and Danish venture capital fund Quillhaven.")
    extraction = extract_text(nlp, text)
    assert {"amgen", "korvane-capital", "talmor", "quillhaven"} <= _related(extraction, "investsIn", object="lunaris-bio"), _describe(extraction)


def test_those_taking_part_in_the_round_invest_in_its_raiser(nlp):
    text = ("Lunaris Bio has raised $85 million through a Series B round led by Singapore investment firm Temasek Holdings. "
            "Also taking part in the financing round were Korvane Capital and Quillhaven Partners.")
    extraction = extract_text(nlp, text)
    assert {"temasek", "korvane-capital", "quillhaven-partners"} <= _related(extraction, "investsIn", object="lunaris-bio"), _describe(extraction)
    assert not [r for r in extraction.relations if r.predicate == "collaboratesWith"], _describe(extraction)


def test_the_company_announcing_an_agencys_decision_on_a_product_develops_it(nlp):
    text = ("Halden Biotherapeutics, a clinical-stage company focused on rare diseases, today announced that the U.S. Food and "
            "Drug Administration (FDA) has granted Regenerative Medicine Advanced Therapy (RMAT) designation to MLT-204.")
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations}
    assert (iri("halden-biotherapeutics"), "develops", iri("mlt-204")) in found
    assert (iri("mlt-204"), "grantedDesignation", iri("rmat-designation")) in found


def test_a_parent_named_in_apposition_is_not_the_party(nlp):
    extraction = extract_text(nlp, "Halden Bio, owned by US drug developer Pfizer, signed a collaboration agreement with Orinthe Genetics.")
    found = {(r.subject, r.object) for r in extraction.relations if r.predicate == "collaboratesWith"}
    assert found == {(iri("halden-bio"), iri("orinthe-genetics"))}, _describe(extraction)


def test_a_verb_after_a_reported_party_is_that_partys_own(nlp):
    extraction = extract_text(nlp, "Halden Biotherapeutics on Monday said Orinthe Genetics acquired exclusive rights to develop its CAR-T therapies.")
    assert not [r for r in extraction.relations if r.predicate == "acquires"], [(r.subject, r.predicate, r.object, r.rule) for r in extraction.relations]
    assert not [d for d in extraction.deals if d.kind == "Acquisition"]


def test_a_serotype_named_in_a_therapy_is_the_technology_without_its_hyphen(nlp):
    extraction = extract_text(nlp, "MLT-204, an AAV2-based gene therapy, entered the clinic.")
    used = [r for r in extraction.relations if r.predicate == "usesTechnology" and r.object == iri("aav-vector")]
    assert used
    assert "AAV2-" not in {m.text for e in extraction.entities for m in e.mentions}


def test_a_parent_named_before_its_company_is_not_the_party(nlp):
    text = "Talmor Bio has signed a new licence and supply agreement with Quillhaven Pharma’s company, Orinthe Genetics to use its platform."
    found = {(r.subject, r.object) for r in extract_text(nlp, text).relations if r.predicate == "collaboratesWith"}
    assert not {pair for pair in found if iri("quillhaven-pharma") in pair}, found


def test_an_apposition_after_a_coordination_describes_its_last_member(nlp):
    text = "Talmor Bio and Orinthe Genetics, a biotechnology company developing genetic medicines through base editing, announced a pact."
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations}
    assert (iri("talmor-bio"), "usesTechnology", iri("base-editing")) not in found


def test_a_counted_modality_stands_for_products_not_for_itself(nlp):
    found = {(r.subject, r.predicate) for r in extract_text(nlp, "Today, the FDA approved two gene therapies to treat sickle cell disease.").relations}
    assert not {pair for pair in found if pair[0] == iri("gene-therapy")}, found


def test_it_before_a_receiving_verb_is_the_product_named_before(nlp):
    text = ("Halden Bio will begin a trial of MLT-204 in gastric cancer. In 2020, the therapy received orphan drug designation "
            "from the US Food and Drug Administration, and in 2021, it received orphan medicinal product designation from the "
            "European Medicines Agency.")
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations}
    assert (iri("mlt-204"), "grantedDesignation", iri("eu-orphan-designation")) in found


def test_what_treats_a_disease_treats_the_disease_it_is_known_as(nlp):
    text = "The agency has approved MLT-204 for patients with blood cancer known as B-cell lymphoma."
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations}
    assert (iri("mlt-204"), "treats", iri("b-cell-lymphoma")) in found, found


def test_the_investors_a_financing_sentence_lists_are_companies_that_invest(nlp):
    text = ("Halden Bio has raised £50m in its series B. Investors in the round include Orinthe Ventures, the technology "
            "transfer office of a university. Also joining the round are Quillhaven Perpetual and Talmor Investment Management. "
            "The trial was led by John Smith.")
    extraction = extract_text(nlp, text)
    investors = {r.subject for r in extraction.relations if r.predicate == "investsIn" and r.object == iri("halden-bio")}
    assert {iri("orinthe-ventures"), iri("quillhaven-perpetual")} <= investors, investors
    assert "John Smith" not in {e.label for e in extraction.entities if e.type == "Company"}


def test_what_treats_a_disease_treats_what_an_apposition_says_it_is(nlp):
    text = "The medicines include Halden Bio’s MLT-204, which is intended to treat Primary Biliary Cholangitis, a chronic liver disease."
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations}
    assert (iri("mlt-204"), "treats", iri("liver-diseases")) in found, found


def test_an_approval_of_a_counted_set_goes_to_the_products_named_next(nlp):
    text = ("Today, the FDA approved two gene therapies to treat sickle cell disease.\n\n"
            "MLT-204, developed by Halden Bio, is the first of its kind. ORN-310, developed by Orinthe Genetics, joins it.\n\n"
            "Later on, QX-9 entered a trial.")
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations if r.predicate == "approvedBy"}
    assert found == {(iri("mlt-204"), "approvedBy", iri("fda")), (iri("orn-310"), "approvedBy", iri("fda"))}, found


@pytest.mark.parametrize("sentence, subject, predicate, obj", [
    pytest.param("Gilead Sciences acquired biotech company Orinthe Genetics for $11.9 billion.", "gilead-sciences", "acquires", "orinthe-genetics", id="acquired-biotech-company"),
    pytest.param("In Tokyo, Boston-based Halden Biotherapeutics presented new data.", "halden-biotherapeutics", "headquarteredIn", "united-states", id="city-right-before-based"),
    pytest.param("Halden Biotherapeutics is testing a Phase 1 gene therapy for hemophilia B.", "gene-therapy", "treats", "hemophilia-b", id="phase-number-is-no-count"),
])
def test_a_newer_rule_leaves_an_older_reading_alone(nlp, sentence, subject, predicate, obj):
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, sentence).relations}
    assert (iri(subject), predicate, iri(obj)) in found, found


@pytest.mark.parametrize("sentence, subject, predicate, obj", [
    pytest.param("In Tokyo, Boston-based Halden Biotherapeutics presented new data.", "halden-biotherapeutics", "headquarteredIn", "japan", id="city-elsewhere-in-sentence"),
    pytest.param("MLT-204 will be sold in Japan by the drugmaker Halden Biotherapeutics.", "halden-biotherapeutics", "headquarteredIn", "japan", id="country-then-preposition"),
    pytest.param("Halden Biotherapeutics said Orinthe Genetics acquired exclusive rights to MLT-204 from Talmor Bio.", "halden-biotherapeutics", "collaboratesWith", "orinthe-genetics", id="rights-from-a-third"),
    pytest.param("COVID-19 vaccines developed by Pfizer and Moderna use mRNA.", "pfizer", "collaboratesWith", "moderna", id="class-of-products-developed-by"),
    pytest.param("Halden Biotherapeutics was acquired last year by a company developing AAV gene therapies.", "halden-biotherapeutics", "develops", "aav-gene-therapy", id="acquired-by-a-company-developing"),
    pytest.param("Halden Biotherapeutics’ shares fell after a competing drug (MLT-204) succeeded in a trial.", "halden-biotherapeutics", "develops", "mlt-204", id="possessive-then-competing-drug"),
    pytest.param("Halden Bio tested MLT-204 last year. The company said it has received orphan drug designation for ORN-310.", "mlt-204", "grantedDesignation", "orphan-drug-designation", id="said-it-has-received"),
    pytest.param("It was approved for acute myeloid leukemia, a year after its lymphoma approval of MLT-204.", "mlt-204", "treats", "lymphoma", id="a-year-after"),
])
def test_a_shape_of_this_round_does_not_misfire(nlp, sentence, subject, predicate, obj):
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, sentence).relations}
    assert (iri(subject), predicate, iri(obj)) not in found, found


def test_a_designation_and_other_plans_give_the_later_product_nothing(rules_nlp):
    found = {(r.subject, r.predicate, r.object) for r in extract_text(rules_nlp, "ORN-310 won RMAT designation and the team filed plans for MLT-204.").relations}
    assert (iri("mlt-204"), "grantedDesignation", iri("rmat-designation")) not in found, found


def test_products_said_to_enter_trials_after_a_counted_approval_are_not_the_approved_ones(nlp):
    text = "In 2017 the FDA approved two CAR-T therapies. Since then, MLT-204 and ORN-310 have entered Phase 1 trials."
    assert not [r for r in extract_text(nlp, text).relations if r.predicate == "approvedBy"]


def test_a_partnership_is_of_the_product_nearest_before_it(rules_nlp):
    text = "MLT-204 showed a benefit, while ORN-310 is being developed in partnership with Halden Biotherapeutics."
    found = {(r.subject, r.predicate, r.object) for r in extract_text(rules_nlp, text).relations}
    assert (iri("halden-biotherapeutics"), "develops", iri("orn-310")) in found
    assert (iri("halden-biotherapeutics"), "develops", iri("mlt-204")) not in found, found


def test_the_field_a_company_anaphor_names_is_what_the_company_develops(nlp):
    text = "Halden Biotherapeutics made news on Monday. The Belgian cell therapy company announced a new plant."
    found = {(r.subject, r.predicate, r.object) for r in extract_text(nlp, text).relations}
    assert (iri("halden-biotherapeutics"), "develops", iri("cell-therapy")) in found, found


def test_an_agreement_of_another_kind_with_a_company_is_no_takeover(nlp):
    extraction = extract_text(nlp, PREFIX + "Quillhaven Bio has entered into a license agreement with Talmor Therapeutics for its AAV capsids.")
    assert not [r for r in extraction.relations if r.predicate == "acquires"], _describe(extraction)


def test_a_company_inside_anothers_apposition_is_no_party_to_what_follows(nlp):
    extraction = extract_text(nlp, PREFIX + "Halden Holdings Inc., the holding company of Korea's No. 2 conglomerate Talmor Group, said "
                                            "Sunday that it has invested $350 million in Orinthe Genetics Inc.")
    investors = {r.subject for r in extraction.relations if r.predicate == "investsIn"}
    assert iri("talmor-group") not in investors, _describe(extraction)
    assert investors == {iri("halden")}, _describe(extraction)


def test_a_sentence_opening_with_other_investors_lists_investors_in_the_round_named_before(nlp):
    text = ("Halden Bio has raised $148 million in a Series C financing. The round was led by Orinthe Capital. "
            "Other investors are Talmor Ventures, funds and accounts advised by T. Rowe Price Associates, an undisclosed fund "
            "and founding investor Quillhaven Partners.")
    investors = _related(extract_text(nlp, text), "investsIn", object="halden-bio")
    assert {"orinthe-capital", "talmor-ventures", "quillhaven-partners"} <= investors, investors


def test_new_and_co_lead_investors_list_investors_in_the_round_named_before(nlp):
    text = ("Halden Bio announced today that it has closed a €16.5 million Series A financing. Talmor Partners led this "
            "financing round. New and co-lead investors include Orinthe Capital, through its Innobio fund, and Quill Ventures.")
    investors = _related(extract_text(nlp, text), "investsIn", object="halden-bio")
    assert {"orinthe-capital", "quill-ventures"} <= investors, investors


def test_announced_the_closing_of_a_round_names_its_raiser(nlp):
    text = ("Halden Bio, a clinical-stage biotechnology company, today announced the closing of a $14 million Series C round. "
            "The financing was led by Talmor Capital Inc., with participation from Quill Ventures.")
    investors = _related(extract_text(nlp, text), "investsIn", object="halden-bio")
    assert {"talmor-capital", "quill-ventures"} <= investors, investors


def test_investors_wary_of_a_company_list_no_one(nlp):
    text = "Halden Bio has raised $148 million in a Series C financing. Other investors are wary of Orinthe Genetics after its trial."
    assert "orinthe-genetics" not in _related(extract_text(nlp, text), "investsIn", object="halden-bio")


def test_a_list_of_diseases_goes_on_over_the_patients_or_stage_of_a_member(nlp):
    sentence = "Breyanzi is approved for adults with follicular lymphoma and adult relapsed or refractory mantle cell lymphoma."
    treated = _related(extract_text(nlp, PREFIX + sentence), "treats", subject="breyanzi")
    assert {"follicular-lymphoma", "mantle-cell-lymphoma"} <= treated, treated


def test_a_hyphenated_description_after_the_stands_for_the_company_named_before(nlp):
    text = "Orinthe Genetics develops ORN-101. The California-based company is headquartered in the United States."
    assert "united-states" in _related(extract_text(nlp, PREFIX + text), "headquarteredIn", subject="orinthe-genetics")


def test_what_treats_a_disease_treats_the_diseases_it_gives_as_examples(nlp):
    sentence = ("CAR T-cell therapy has shown efficacy in treating hematological malignancies like refractory/relapsed "
                "acute lymphoblastic leukemia and follicular lymphoma.")
    treated = _related(extract_text(nlp, PREFIX + sentence), "treats", subject="car-t-cell-therapy")
    assert {"acute-lymphoblastic-leukemia", "follicular-lymphoma"} <= treated, treated


def test_an_offer_or_merger_agreement_with_a_company_names_no_buyer(nlp):
    extraction = extract_text(nlp, PREFIX + "Orinthe Genetics has entered into an offer agreement with Aldenbrook Pharma AG.")
    assert not [r for r in extraction.relations if r.predicate == "acquires"], _describe(extraction)


def test_more_than_an_amount_keeps_the_deal_verb(nlp):
    extraction = extract_text(nlp, PREFIX + "Vertex said it would pay more than $900 million to license the therapy from Sangamo Therapeutics.")
    assert [r for r in extraction.relations if r.predicate == "collaboratesWith"], _describe(extraction)


def test_a_company_in_brackets_before_a_list_is_no_member_of_it(nlp):
    extraction = extract_text(nlp, PREFIX + "Kite (now part of Gilead Sciences), Orinthe Genetics and Talmor Therapeutics formed a consortium.")
    pairs = {frozenset((r.subject, r.object)) for r in extraction.relations if r.predicate == "collaboratesWith"}
    assert frozenset((iri("gilead-sciences"), iri("orinthe-genetics"))) not in pairs, _describe(extraction)


def test_the_investors_listed_are_not_the_companies_a_clause_about_one_names(nlp):
    text = ("Halden Bio has raised $148 million in a Series C financing. "
            "Other investors include Novartis, which licensed a therapy from Spark Therapeutics.")
    investors = _related(extract_text(nlp, text), "investsIn", object="halden-bio")
    assert "spark-therapeutics" not in investors, investors


def test_two_lists_related_respectively_are_related_member_by_member(nlp):
    text = PREFIX + "NexCAR19 (actalycabtagene autoleucel) and Fucaso were approved in India and China, respectively, in 2023."
    extraction = extract_text(nlp, text)
    places = {(r.subject.rsplit("/", 1)[-1], r.object.rsplit("/", 1)[-1]) for r in extraction.relations if r.predicate == "approvedIn"}
    assert ("nexcar19", "india") in places and ("fucaso", "china") in places, places
    assert ("nexcar19", "china") not in places and ("fucaso", "india") not in places, places


def test_a_long_description_that_names_a_company_on_the_way_is_no_apposition(nlp):
    text = (PREFIX + "Beyond the supply of HLD-12, the deal calls for Orinthe Genetics to support several gene therapy "
            "candidates for Duchenne muscular dystrophy.")
    assert "hld-12" not in _related(extract_text(nlp, text), "treats", object="duchenne-muscular-dystrophy")


def test_the_company_stands_for_the_one_company_named_before_it_in_its_sentence(nlp):
    text = (PREFIX + "Halden Bio’s bet on its capsid technology continues to pay off as the company banks $175 million "
            "from a strengthened collaboration with long-term partner Orinthe Genetics.")
    assert "orinthe-genetics" in _related(extract_text(nlp, text), "collaboratesWith", subject="halden-bio") | _related(
        extract_text(nlp, text), "collaboratesWith", object="halden-bio")


def test_a_sentence_that_opens_on_the_financing_and_says_where_it_comes_from_lists_its_investors(nlp):
    text = ("Halden Bio has raised a $525 million Series C round of financing. This new funding comes from existing "
            "investor Talmor Capital, and also adds new investors Quillhaven Ventures and Aldenbrook Partners.")
    assert {"talmor-capital", "quillhaven-ventures", "aldenbrook-partners"} <= _related(
        extract_text(nlp, text), "investsIn", object="halden-bio")


def test_a_financing_used_for_work_with_a_partner_names_no_investor(nlp):
    text = ("Halden Bio has raised a $525 million Series C round of financing. The funding will be used to expand "
            "its partnership with Orinthe Genetics.")
    assert "orinthe-genetics" not in _related(extract_text(nlp, text), "investsIn", object="halden-bio")


def test_a_party_with_its_ticker_in_brackets_and_an_apposition_still_reads_its_verb(nlp):
    text = (PREFIX + "Halden Bio PLC (LON:HDB), a global cell and gene therapy CDMO, has announced it has expanded its "
            "strategic partnership with Orinthe Genetics.")
    extraction = extract_text(nlp, text)
    assert "orinthe-genetics" in _related(extraction, "collaboratesWith", subject="halden-bio") | _related(
        extraction, "collaboratesWith", object="halden-bio")


def test_who_develops_the_modality_in_apposition_to_a_product_develops_the_product(nlp):
    text = PREFIX + "The agency has given PRIME status to HLD-12, Halden Therapeutics Inc.'s gene therapy for a metabolic disorder."
    assert "hld-12" in _related(extract_text(nlp, text), "develops", subject="halden-therapeutics")


def test_a_three_word_technology_inside_the_modality_that_describes_a_product_is_the_products(nlp):
    text = PREFIX + "The FDA approved TLM-19, the first chimeric antigen receptor (CAR) T cell therapy for mantle cell lymphoma."
    assert "chimeric-antigen-receptor" in _related(extract_text(nlp, text), "usesTechnology", subject="tlm-19")


@pytest.mark.parametrize("second", [
    "This offering was underwritten by Talmor Securities and Quillhaven Capital.",
    "That funding came from Talmor Ventures before Orinthe Pharma acquired Quillhaven Capital.",
])
def test_underwriters_and_a_later_clause_are_no_investors_of_the_financing(nlp, second):
    text = "Halden Bio has raised a $525 million Series C round of financing. " + second
    investors = _related(extract_text(nlp, text), "investsIn", object="halden-bio")
    assert not investors & {"talmor-securities", "quillhaven-capital", "orinthe-pharma"}


def test_the_company_does_not_stand_for_a_company_named_in_a_fronted_phrase(nlp):
    text = ("Halden Bio cut 120 jobs in March. Following the end of its Orinthe Genetics deal, the company signed a "
            "collaboration with Talmor Pharma.")
    extraction = extract_text(nlp, text)
    assert "talmor-pharma" not in _related(extraction, "collaboratesWith", subject="orinthe-genetics") | _related(
        extraction, "collaboratesWith", object="orinthe-genetics")


def test_a_description_that_turns_to_another_thing_describes_no_product(nlp):
    text = PREFIX + "HLD-12, which uses lentiviral vectors, unlike AAV gene therapies, is a CAR-T product for lymphoma."
    assert "aav-vector" not in _related(extract_text(nlp, text), "usesTechnology", subject="hld-12")


def test_the_giant_stands_for_the_company_named_before(nlp):
    text = ("Halden Bio will pay $1.7 billion for Orinthe Genetics. The unit has grown since the life sciences giant's "
            "acquisition of Talmor Pharma in 2017.")
    assert "talmor-pharma" in _related(extract_text(nlp, text), "acquires", subject="halden-bio")


def test_an_advisory_committee_that_recommends_or_endorses_a_product_does_not_approve_it(nlp):
    text = (PREFIX + "The CHMP endorsed HLD-12 in June. The Committee for Medicinal Products for Human Use recommended "
            "HLD-12 for patients with haemophilia A.")
    assert "chmp" not in _related(extract_text(nlp, text), "approvedBy", subject="hld-12")


def test_existing_investors_who_participated_including_a_list_invest_in_the_round(nlp):
    text = ("Halden Bio has closed a $114 million Series B round. Talmor Ventures and Quillhaven Capital co-led the round. "
            "Existing investors and partners also participated, including Orinthe Pharma, Brellin Capital and the Kestrel Fund.")
    investors = _related(extract_text(nlp, text), "investsIn", object="halden-bio")
    assert {"talmor-ventures", "quillhaven-capital", "orinthe-pharma", "brellin-capital", "kestrel-fund"} <= investors


@pytest.mark.parametrize("sentence, acquired", [
    ("Halden Bio has snapped up Orinthe Genetics for $90 million.", True),
    ("Halden Bio last month said it would pay $1.7 billion for Orinthe Genetics and its vector plants.", True),
    ("In 2017, Halden Bio paid $950 million in cash for Orinthe Genetics.", True),
    ("Halden Bio will pay $25 million for a stake in Orinthe Genetics.", False),
    ("Halden Bio paid $25 million for Orinthe Genetics shares in the offering.", False),
    ("The agreement gives Halden Bio the exclusive right to purchase Orinthe Genetics.", False),
    ("Halden Bio holds an option to acquire Orinthe Genetics after the trial.", False),
])
def test_what_buys_a_company_and_what_only_might(nlp, sentence, acquired):
    """Snapping up a company or paying money for it buys it; a stake, a right or an option to buy does not."""
    found = "orinthe-genetics" in _related(extract_text(nlp, PREFIX + sentence), "acquires", subject="halden-bio")
    assert found == acquired


def test_a_company_pleased_to_announce_an_approval_develops_the_product(nlp):
    text = "Halden Bio is pleased to announce that Health Canada has approved HLD-12 for retinal dystrophy."
    assert "hld-12" in _related(extract_text(nlp, text), "develops", subject="halden-bio")


@pytest.mark.parametrize("sentence, modality", [
    ("Halden Bio said it will bring its gene therapy into the clinic next year.", True),
    ("Halden Bio said it will bring its gene therapy HLD-12 into the clinic next year.", False),
    ("Halden Bio is bringing its gene therapy technology to the partnership.", False),
    ("Halden Bio licensed its vector platform for its application in gene therapy to Talmor.", False),
])
def test_its_modality_is_the_work_of_the_company_named_before(nlp, sentence, modality):
    developed = _related(extract_text(nlp, PREFIX + sentence), "develops", subject="halden-bio")
    assert ("gene-therapy" in developed) == modality


@pytest.mark.parametrize("second, both", [
    ("The pair first teamed up in 2017 to find and develop gene therapies for hearing loss.", True),
    ("The two companies will co-develop cell therapies for solid tumours.", True),
    ("The pair said Talmor Pharma will develop gene therapies for hearing loss.", False),
    ("Talmor Pharma and Kestrel Bio said the pair will develop gene therapies for hearing loss.", False),
])
def test_the_pair_that_develops_a_therapy_is_the_two_companies_named_last(nlp, second, both):
    extraction = extract_text(nlp, "Halden Bio agreed to acquire Orinthe Genetics for $90 million. " + second)
    developers = _related(extraction, "develops", object="gene-therapy") | _related(extraction, "develops", object="cell-therapy")
    assert ({"halden-bio", "orinthe-genetics"} <= developers) == both


def test_a_product_for_adult_and_pediatric_patients_with_a_disease_due_to_another_treats_both(nlp):
    text = ("Health Canada has approved HLD-12 (tenarogene zelvec), a one-time gene therapy for the treatment of adult and "
            "pediatric patients with vision loss due to inherited retinal dystrophy.")
    treated = _related(extract_text(nlp, text), "treats", subject="hld-12")
    assert {"vision-loss", "inherited-retinal-dystrophy"} <= treated, treated


def test_a_place_abbreviation_before_based_is_the_companys_headquarters_not_its_name(nlp):
    extraction = extract_text(nlp, "Last year, Halden Bio bought U.K.-based Orinthe Genetics to expand its plants.")
    assert "orinthe-genetics" in _related(extraction, "acquires", subject="halden-bio")
    assert "united-kingdom" in _related(extraction, "headquarteredIn", subject="orinthe-genetics")


@pytest.mark.parametrize("sentence", [
    "HLD-12 uses modified adeno-associated virus of serotype 5 to deliver a working gene into liver cells.",
    "HLD-12, based on a recombinant adeno-associated virus vector, can deliver the gene into liver cells.",
    "HLD-12 is a gene therapy comprised of an AAV vector given by subretinal injection.",
])
def test_a_product_that_uses_or_is_made_of_a_modified_vector_uses_that_technology(nlp, sentence):
    assert "aav-vector" in _related(extract_text(nlp, PREFIX + sentence), "usesTechnology", subject="hld-12")


@pytest.mark.parametrize("text, place", [
    ("Halden Bio is a Massachusetts-based gene therapy company.", "massachusetts"),
    ("Halden Bio and Orinthe Genetics are both headquartered in Massachusetts, in the United States.", "massachusetts"),
    ("Halden Bio is a biotechnology company headquartered in Cambridge, Massachusetts, United States.", "united-states"),
    ("Halden Bio develops HLD-12 for hemophilia A. Under the deal, Talmor Pharma will pay the California-based company "
     "$70 million upfront.", "california"),
])
def test_a_state_or_province_is_where_a_company_is_based(nlp, text, place):
    assert place in _related(extract_text(nlp, text), "headquarteredIn", subject="halden-bio")


def test_the_place_based_company_still_stands_for_the_company_named_before(nlp):
    text = ("Halden Bio develops HLD-12 for hemophilia A. Under the licence, Talmor Pharma will pay the California-based "
            "company $70 million upfront.")
    partners = _related(extract_text(nlp, text), "collaboratesWith", subject="talmor-pharma") | _related(
        extract_text(nlp, text), "collaboratesWith", object="talmor-pharma")
    assert "halden-bio" in partners


@pytest.mark.parametrize("second", [
    "The FDA granted this one-time gene therapy RMAT designation in 2024.",
    "The FDA granted the gene therapy RMAT designation in 2024.",
])
def test_this_therapy_stands_for_the_product_named_before(nlp, second):
    text = "Halden Bio develops HLD-12 for hemophilia A. " + second
    assert "rmat-designation" in _related(extract_text(nlp, text), "grantedDesignation", subject="hld-12")
