"""End-to-end checks of the foundation through the `kg` command line (in process) and a real store on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, corpus_articles, run_kg, seeded_store

ARTICLES = len(corpus_articles())
TOP_LEVEL = {"Company", "Agency", "Regulation", "Region", "Country", "Therapy", "Technology", "Disease", "EndUser", "DeliveryMethod", "Person"}


def kg(*args: str, cwd: Path = ROOT):
    return run_kg(*args, cwd=cwd)


@pytest.fixture
def corpus_store(built_store) -> str:
    """The session's corpus store, read only."""
    return str(built_store.path)


def test_second_build_changes_nothing(built_store, store_copy):
    before = kg("stats", "--store", str(store_copy))
    again = kg("build", str(CORPUS), "--store", str(store_copy), *built_store.options)
    assert again.returncode == 0
    assert f"0 new, 0 changed, {ARTICLES} unchanged" in again.stdout
    assert "store: +0 triples" in again.stdout, again.stdout
    assert kg("stats", "--store", str(store_copy)).stdout == before.stdout


def test_changed_file_replaces_its_old_version(tmp_path):
    article = tmp_path / "news.txt"
    article.write_text("Novartis acquired AveXis in 2018.\n", encoding="utf-8")
    store = str(seeded_store(tmp_path / "store"))
    assert kg("build", str(article), "--store", store, "--model", "rules").returncode == 0
    article.write_text("Pfizer acquired Amgen in 2030.\n", encoding="utf-8")
    rebuilt = kg("build", str(article), "--store", store, "--model", "rules")
    assert "1 changed" in rebuilt.stdout
    answer = kg("query", "SELECT ?a ?t WHERE { ?a cgt:acquires ?t }", "--store", store, "-f", "csv")
    rows = answer.stdout.strip().splitlines()[1:]
    assert rows == ["https://w3id.org/cgt-kg/id/pfizer,https://w3id.org/cgt-kg/id/amgen"]
    docs = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?d a cgt:Document }", "--store", store, "-f", "csv")
    assert docs.stdout.strip().splitlines()[1] == "1"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("latin1.txt", "Caf\xe9 therapy".encode("latin-1"), "not UTF-8"),
        ("blob.md", b"\x00\x01\x02binary", "binary"),
        ("empty.txt", b"   \n", "no text"),
    ],
)
def test_bad_file_is_named_and_others_still_go_in(tmp_path, name, content, message):
    (tmp_path / "good.txt").write_text("Biogen and Ginkgo Bioworks formed a collaboration.", encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    store = str(seeded_store(tmp_path / "store"))
    result = kg("build", str(tmp_path), "--store", store, "--model", "rules")
    assert result.returncode == 1
    assert name in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert "1 new" in result.stdout
    answer = kg("query", "ASK { cgtid:biogen cgt:collaboratesWith cgtid:ginkgo-bioworks }", "--store", store, "-f", "csv")
    assert answer.stdout.strip() == "true"


def test_oversized_file_is_refused_by_name(tmp_path):
    from kg.sources import MAX_BYTES

    big = tmp_path / "huge report.md"
    big.write_bytes(b"word " * (MAX_BYTES // 5 + 10))
    result = kg("extract", str(big), "--json", "--model", "rules")
    assert result.returncode == 1
    assert "huge report.md" in result.stderr and "limit" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_sparql_is_one_line_with_position(corpus_store):
    result = kg("query", "SELECT * WHERE { ?s ?p }", "--store", corpus_store)
    assert result.returncode == 1
    assert "SPARQL syntax error" in result.stderr and "1:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_store_is_a_clear_error(tmp_path):
    result = kg("query", "collaborations", "--store", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "nowhere" in result.stderr and "kg build" in result.stderr


@pytest.mark.parametrize("model", ["rules", None])
def test_extract_json_contract(model):
    path = CORPUS / "a06_collaboration_manufacturing.md"
    args = ["extract", str(path), "--json"] + (["--model", model] if model else [])
    result = kg(*args)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    text = path.read_text(encoding="utf-8")
    assert set(record["document"]) == {"id", "path", "title", "sha256"}
    assert record["entities"], "no entities"
    for entity in record["entities"]:
        assert entity["type"] in TOP_LEVEL
        assert entity["id"].startswith("https://w3id.org/cgt-kg/id/")
        assert 0 <= entity["salience"] <= 1
        for mention in entity["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
    saliences = [e["salience"] for e in record["entities"]]
    assert saliences == sorted(saliences, reverse=True)
    for relation in record["relations"]:
        evidence = relation["evidence"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert 0 < relation["confidence"] <= 1
    assert any(
        r["predicate"] == "collaboratesWith"
        and {r["subject"], r["object"]} == {"https://w3id.org/cgt-kg/id/biogen", "https://w3id.org/cgt-kg/id/ginkgo-bioworks"}
        for r in record["relations"]
    )
    for figure in record["figures"]:
        assert set(figure) >= {"measure", "value", "unit", "year", "period", "forecast", "subject", "evidence"}


def test_query_formats(corpus_store):
    as_json = json.loads(kg("query", "collaborations", "--store", corpus_store, "-f", "json").stdout)
    assert as_json["head"]["vars"][:2] == ["company", "partner"]
    assert as_json["results"]["bindings"]
    as_tsv = kg("query", "collaborations", "--store", corpus_store, "-f", "tsv").stdout.splitlines()
    assert as_tsv[0].split("\t")[:2] == ["?company", "?partner"]
    turtle = kg("query", "CONSTRUCT { ?a cgt:collaboratesWith ?b } WHERE { ?a cgt:collaboratesWith ?b }", "--store", corpus_store).stdout
    from rdflib import Graph

    assert len(Graph().parse(data=turtle, format="turtle")) >= 1


def test_viz_writes_a_page(corpus_store, tmp_path):
    page = tmp_path / "graph.html"
    result = kg("viz", "--store", corpus_store, "-o", str(page))
    assert result.returncode == 0
    html = page.read_text(encoding="utf-8")
    assert "Ginkgo Bioworks" in html and "collaboratesWith" in html
