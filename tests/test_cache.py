"""The compiled vocabulary cache (kg.cache): a second process reads what the first compiled, an edited file of
ontology/ is compiled again, a damaged cache file is compiled again without a traceback. Each run is a real
`kg extract` in its own process, with KG_ONTOLOGY pointing at a copy of ontology/ and KG_CACHE at a temp folder."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys

import pytest

from conftest import CLI_TIMEOUT, ONTOLOGY, kg_env
from kg.nlp.pipeline import _compile_ruler_patterns, ruler_patterns
from kg.ontology import _compile_vocabulary, load_vocabulary

SENTENCE = "Novartis acquired Quendrix in 2024.\n"
KINDS = {"vocabulary", "reference", "schema", "patterns-rules"}
DRIVER = """
import logging, sys
logging.basicConfig(level=logging.DEBUG, format="%(name)s %(message)s", stream=sys.stderr)
from kg.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
else:
    code = 0
print("turtle parsed:", "rdflib.plugins.parsers.notation3" in sys.modules, file=sys.stderr)
sys.exit(code)
"""
QUENDRIX = """
cgtid:zz-cache-test-company a cgt:Company, skos:Concept ;
    skos:prefLabel "Quendrix"@en ;
    skos:inScheme cgtid:scheme-companies .
"""


def extract(tmp_path, ontology, cache) -> tuple[subprocess.CompletedProcess, dict]:
    """`kg extract --json --model rules` of SENTENCE in a process of its own, logging what the cache does."""
    article = tmp_path / "news.txt"
    article.write_text(SENTENCE, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, "extract", str(article), "--json", "--model", "rules"],
        capture_output=True, text=True, timeout=CLI_TIMEOUT, cwd=tmp_path,
        env=kg_env(KG_ONTOLOGY=str(ontology), KG_CACHE=str(cache)),
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run, json.loads(run.stdout)


def compiled(run: subprocess.CompletedProcess) -> set[str]:
    return {line.split()[3] for line in run.stderr.splitlines() if line.startswith("kg.cache cache: compiled ")}


def read(run: subprocess.CompletedProcess) -> set[str]:
    return {line.split()[3] for line in run.stderr.splitlines() if line.startswith("kg.cache cache: read ")}


def entity_ids(record: dict) -> set[str]:
    return {entity["id"] for entity in record["entities"]}


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A copy of ontology/ and a cache folder filled by one `kg extract`, with that run's output."""
    folder = tmp_path_factory.mktemp("warm")
    ontology, cache = folder / "ontology", folder / "cache"
    shutil.copytree(ONTOLOGY, ontology)
    run, record = extract(folder, ontology, cache)
    assert compiled(run) == KINDS and "turtle parsed: True" in run.stderr
    return cache, record


@pytest.fixture
def copies(warm, tmp_path):
    """This test's own copies of ontology/ and of the warm cache (the cache's keys hold file contents, not paths)."""
    cache, _ = warm
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    shutil.copytree(cache, tmp_path / "cache")
    return tmp_path / "ontology", tmp_path / "cache"


def test_second_process_reads_what_the_first_compiled(warm, copies, tmp_path):
    ontology, cache = copies
    run, record = extract(tmp_path, ontology, cache)
    assert compiled(run) == set()
    assert read(run) == KINDS
    assert "turtle parsed: False" in run.stderr
    assert record["entities"] == warm[1]["entities"] and record["relations"] == warm[1]["relations"]


@pytest.mark.parametrize("edit", ["vocabulary/companies.ttl", "patterns/company_heads.txt"])
def test_an_edited_file_of_the_ontology_is_compiled_again(warm, copies, tmp_path, edit):
    ontology, cache = copies
    with (ontology / edit).open("a", encoding="utf-8") as handle:
        handle.write(QUENDRIX if edit.endswith(".ttl") else "Quendrixworks\n")
    run, record = extract(tmp_path, ontology, cache)
    assert {"vocabulary", "patterns-rules"} <= compiled(run)
    known = "https://w3id.org/cgt-kg/id/zz-cache-test-company"
    assert (known in entity_ids(record)) == edit.endswith(".ttl")
    assert known not in entity_ids(warm[1])
    again, _ = extract(tmp_path, ontology, cache)
    assert compiled(again) == set(), "the edited folder's entries were not kept"


def test_a_damaged_cache_file_is_compiled_again_without_a_traceback(warm, copies, tmp_path):
    ontology, cache = copies
    entries = sorted(cache.glob("*.pickle"))
    assert {entry.name.rsplit("-", 1)[0] for entry in entries} == KINDS
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    run, record = extract(tmp_path, ontology, cache)
    assert compiled(run) == KINDS
    assert record["entities"] == warm[1]["entities"]
    for entry in sorted(cache.glob("*.pickle")):
        with entry.open("rb") as handle:
            pickle.load(handle)


def test_what_is_read_back_equals_what_is_compiled(rules_nlp, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE", str(tmp_path / "cache"))
    first = load_vocabulary.__wrapped__(ONTOLOGY)
    assert list((tmp_path / "cache").glob("vocabulary-*.pickle")), "nothing was written"
    assert load_vocabulary.__wrapped__(ONTOLOGY) == first == _compile_vocabulary(ONTOLOGY)
    assert ruler_patterns(rules_nlp, "rules") == ruler_patterns(rules_nlp, "rules") == _compile_ruler_patterns(rules_nlp)


def test_a_cache_folder_that_cannot_be_written_is_skipped(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("KG_CACHE", str(blocked))
    assert load_vocabulary.__wrapped__(ONTOLOGY) == _compile_vocabulary(ONTOLOGY)
    assert blocked.read_text(encoding="utf-8").startswith("a file")
