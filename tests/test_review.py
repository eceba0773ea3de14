"""The review queue on a real store: facts that contradict the vocabulary are listed, a rejected fact leaves
queries and exports and stays out when its document is extracted again, an accepted one comes back."""

from __future__ import annotations

import pytest

from conftest import opened, run_kg, seeded_store, stderr_lines
from kg.build import build
from kg.errors import UserError
from kg.review import decide, review_items

ARTICLE = "Vertex Pharmaceuticals, headquartered in Switzerland, develops Casgevy with CRISPR Therapeutics.\n"
HQ = "SELECT ?x WHERE { cgtid:vertex-pharmaceuticals cgt:headquarteredIn ?x }"


def _places(store) -> set[str]:
    return {str(row[0]).rsplit("/", 1)[-1] for row in store.query(HQ)}


@pytest.fixture
def store_with_a_contradiction(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "vertex.txt").write_text(ARTICLE, encoding="utf-8")
    with opened(seeded_store(tmp_path / "store")) as store:
        build([articles], store, rules_nlp)
        yield store, articles


def test_a_headquarters_against_the_vocabulary_is_up_for_review(store_with_a_contradiction):
    store, _ = store_with_a_contradiction
    (item,) = [i for i in review_items(store) if i.reason.startswith("headquarters")]
    assert "Switzerland" in item.fact and "curated: United States" in item.fact and item.status == "pending"
    assert "headquartered in Switzerland" in item.evidence


def test_a_rejected_fact_leaves_queries_and_exports_and_survives_re_extraction(store_with_a_contradiction, rules_nlp):
    store, articles = store_with_a_contradiction
    (item,) = [i for i in review_items(store) if i.reason.startswith("headquarters")]
    assert _places(store) == {"switzerland", "united-states"}
    decide(store, [item.id[:6]], "rejected", "Vertex is in Boston")
    assert _places(store) == {"united-states"}
    assert b"/vertex-pharmaceuticals> <https://w3id.org/cgt-kg/ontology#headquarteredIn> <https://w3id.org/cgt-kg/id/switzerland>" not in store.export("nt")
    assert item.id not in {i.id for i in review_items(store)}
    assert [i.status for i in review_items(store, include_decided=True) if i.id == item.id] == ["rejected"]
    again = build([articles], store, rules_nlp, min_confidence=0.01)  # another extractor: the document is read again
    assert again.skipped == 0
    assert _places(store) == {"united-states"}
    decide(store, [item.id], "accepted")
    assert _places(store) == {"switzerland", "united-states"}


def test_an_unknown_id_is_one_clear_error(store_with_a_contradiction):
    store, _ = store_with_a_contradiction
    with pytest.raises(UserError, match="review id 'nope' is not an item"):
        decide(store, ["nope"], "rejected")


def test_the_cli_lists_rejects_and_names_a_bad_id(tmp_path, rules_nlp):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "vertex.txt").write_text(ARTICLE, encoding="utf-8")
    location = str(seeded_store(tmp_path / "store"))
    with opened(location) as store:
        build([tmp_path / "articles"], store, rules_nlp)
        (item,) = [i for i in review_items(store) if i.reason.startswith("headquarters")]
    listed = run_kg("review", "--store", location)
    assert listed.returncode == 0 and item.id in listed.stdout
    rejected = run_kg("review", "reject", item.id, "--store", location, "--note", "wrong place")
    assert rejected.returncode == 0 and f"rejected: {item.id}" in rejected.stdout
    bad = run_kg("review", "accept", "nope", "--store", location)
    assert bad.returncode == 1 and stderr_lines(bad) == ["error: review id 'nope' is not an item of the review queue (`kg review --all` lists them)"]


def test_an_approval_and_a_clearance_of_one_product_in_one_year_are_put_up_together(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "approval.txt").write_text("The FDA approved Casgevy for sickle cell disease in December 2023.\n", encoding="utf-8")
    (articles / "clearance.txt").write_text("In March 2023 the FDA cleared the IND for CTX001, so a Phase 1 trial may begin.\n", encoding="utf-8")
    with opened(seeded_store(tmp_path / "store")) as store:
        build([articles], store, rules_nlp)
        (item,) = [i for i in review_items(store) if i.reason.startswith("an approval and a trial clearance")]
        assert item.fact.startswith("Casgevy approved by") and "2023" in item.fact
        decide(store, [item.id], "rejected")
        assert not store.query("ASK { ?e a cgt:Approval ; cgt:product cgtid:casgevy }").askAnswer
