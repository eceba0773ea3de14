"""Bad input gets one clear line naming it, and nothing already stored is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_kg, seeded_store


def kg(*args: str, cwd: Path):
    return run_kg(*args, cwd=cwd)


@pytest.fixture
def store_with_one_article(tmp_path) -> Path:
    good = tmp_path / "good.md"
    good.write_text("Biogen and Ginkgo Bioworks formed a collaboration in May 2021.\n", encoding="utf-8")
    done = kg("build", str(good), "--store", str(seeded_store(tmp_path / "store")), "--model", "rules", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / "store"


def still_there(store: Path, cwd: Path) -> None:
    answer = kg("query", "ASK { cgtid:biogen cgt:collaboratesWith cgtid:ginkgo-bioworks }", "--store", str(store), "-f", "csv", cwd=cwd)
    assert answer.stdout.strip() == "true", answer.stderr


def test_a_200_megabyte_file_is_refused_by_name(tmp_path, store_with_one_article):
    huge = tmp_path / "huge market report.txt"
    with huge.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    result = kg("build", str(huge), "--store", str(store_with_one_article), "--model", "rules", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "huge market report.txt" in lines[0] and "limit" in lines[0]
    still_there(store_with_one_article, tmp_path)


def test_html_scripts_are_not_read_as_article_text(tmp_path, store_with_one_article):
    page = tmp_path / "news é ü.html"
    page.write_text(
        "<html><head><title>Deal news</title><script>var x = 'Pfizer acquired Amgen';</script></head>"
        "<body><nav>Home | About</nav><article><h1>Deal news</h1><p>Novartis acquired AveXis in 2018 for about "
        "$8.7 billion, gaining a gene therapy for spinal muscular atrophy.</p><p>The deal closed in May 2018.</p>"
        "</article><script>document.write('Roche acquired Spark Therapeutics')</script></body></html>",
        encoding="utf-8",
    )
    result = kg("build", str(page), "--store", str(store_with_one_article), "--model", "rules", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    acquisitions = kg("query", "SELECT ?a ?t WHERE { ?a cgt:acquires ?t }", "--store", str(store_with_one_article), "-f", "csv", cwd=tmp_path)
    rows = acquisitions.stdout.strip().splitlines()[1:]
    assert rows == ["https://w3id.org/cgt-kg/id/novartis,https://w3id.org/cgt-kg/id/avexis"]
    still_there(store_with_one_article, tmp_path)


def test_a_query_file_with_a_syntax_error_names_the_position(tmp_path, store_with_one_article):
    broken = tmp_path / "broken.rq"
    broken.write_text("# Which companies?\nSELECT ?c WHERE {\n  ?c a cgt:Company \n", encoding="utf-8")
    result = kg("query", str(broken), "--store", str(store_with_one_article), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SPARQL syntax error" in lines[0] and "4:" in lines[0]
    assert "Traceback" not in result.stderr


def test_an_unknown_prefix_is_named_with_the_close_one_we_know(tmp_path, store_with_one_article):
    result = kg("query", "SELECT ?c WHERE { ?c a cgtx:Company }", "--store", str(store_with_one_article), cwd=tmp_path)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "unknown prefix 'cgtx:' at 1:24; did you mean cgt:?" in line and "\\u" not in line and "'['" not in line


def test_an_unknown_entity_name_is_reported_with_close_matches(tmp_path, store_with_one_article):
    result = kg("viz", "--focus", "Biogenn", "--store", str(store_with_one_article), "-o", str(tmp_path / "f.html"), cwd=tmp_path)
    assert result.returncode == 1
    assert "Biogenn" in result.stderr and "Biogen" in result.stderr.replace("Biogenn", "")
    assert "Traceback" not in result.stderr
