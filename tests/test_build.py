"""`kg build` through the library: merging articles into the store, versions, bad input, evidence."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal

from conftest import CORPUS, corpus_articles, opened, resolve_stored_path, seeded_store
from kg.build import build, extractor_fingerprint, load_reference_layers
from kg.model import PREDICATES
from kg.namespaces import CGTID, ONTOLOGY_GRAPH, VOCABULARY_GRAPH, document_iri
from kg.sources import MAX_BYTES, read_source
from kg.store import stored_documents

PREDICATE_VALUES = " ".join(f"cgt:{p}" for p in PREDICATES)


def _rows(store, sparql: str) -> list[tuple]:
    return [tuple(row) for row in store.query(sparql)]


def _ask(store, sparql: str) -> bool:
    return bool(store.query(sparql).askAnswer)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- the corpus store


def test_corpus_build_summary(built_store):
    summary = built_store.summary
    assert summary.new == len(corpus_articles()) >= 16
    assert (summary.changed, summary.skipped, summary.problems) == (0, 0, [])
    assert summary.entities > 0 and summary.relations > 0 and summary.figures > 0
    assert summary.triples > 0


def test_rebuilding_the_corpus_is_idempotent(built_store, corpus_nlp):
    with opened(built_store.path) as store:
        before = store.count()
        documents_before = sorted((d.path, d.sha256) for d in stored_documents(store))
        summary = build([CORPUS], store, corpus_nlp)
        after = store.count()
        documents_after = sorted((d.path, d.sha256) for d in stored_documents(store))
    assert (summary.new, summary.changed, summary.skipped, summary.problems) == (0, 0, len(corpus_articles()), [])
    assert after == before == built_store.summary.triples
    assert (summary.added, summary.triples, summary.triples_text) == (0, None, "+0")
    assert documents_after == documents_before


def test_reference_layers_are_written_once(built_store):
    with opened(built_store.path) as store:
        assert load_reference_layers(store) is None
        assert _ask(store, f"ASK {{ GRAPH <{VOCABULARY_GRAPH}> {{ cgtid:novartis a cgt:Company }} }}")
        assert _ask(store, f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ cgt:Company a owl:Class }} }}")


def test_one_named_graph_per_document(built_store):
    with opened(built_store.path) as store:
        documents = stored_documents(store)
        graphs = {str(r[0]) for r in _rows(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert len(documents) == len(corpus_articles())
    assert {str(document_iri(d.sha256)) for d in documents} == {d.iri for d in documents}
    assert graphs == {d.iri for d in documents} | {str(VOCABULARY_GRAPH), str(ONTOLOGY_GRAPH)}


def test_document_node_carries_its_metadata(built_store):
    with opened(built_store.path) as store:
        rows = _rows(
            store,
            """SELECT ?doc ?title ?path ?sha ?when ?version WHERE { GRAPH ?doc {
                 ?doc a cgt:Document ; dcterms:title ?title ; cgt:path ?path ; cgt:sha256 ?sha ;
                      prov:generatedAtTime ?when ; cgt:extractorVersion ?version } }""",
        )
    assert len(rows) == len(corpus_articles())
    expected = {p.name: p for p in corpus_articles()}
    seen = set()
    for doc, title, path, sha, when, version in rows:
        file = resolve_stored_path(str(path))
        assert file.name in expected, f"stored path {path} is not a corpus article"
        seen.add(file.name)
        assert str(sha) == hashlib.sha256(expected[file.name].read_bytes()).hexdigest()
        assert str(doc) == str(document_iri(str(sha)))
        assert str(title).strip()
        assert isinstance(when, Literal) and when.datatype == rdflib.XSD.dateTime
        assert built_store.pipeline in str(version)
        assert re.search(r"cgt-kg \d+\.\d+", str(version))
    assert seen == set(expected)


def test_every_extracted_relation_has_an_evidence_statement(built_store):
    with opened(built_store.path) as store:
        total = _rows(
            store,
            f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {PREDICATE_VALUES} }} GRAPH ?g {{ ?g a cgt:Document . ?s ?p ?o }} }}",
        )[0][0]
        missing = _rows(
            store,
            f"""SELECT ?g ?s ?p ?o WHERE {{
                 VALUES ?p {{ {PREDICATE_VALUES} }}
                 GRAPH ?g {{
                   ?g a cgt:Document . ?s ?p ?o .
                   FILTER NOT EXISTS {{
                     ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                         cgt:evidenceText ?text ; cgt:startOffset ?start ; cgt:endOffset ?end ;
                         cgt:confidence ?confidence ; cgt:rule ?rule ; prov:wasDerivedFrom ?g .
                   }}
                 }} }}""",
        )
    assert int(total) > 0
    assert missing == []


def test_every_statement_is_complete_and_asserted(built_store):
    with opened(built_store.path) as store:
        broken = _rows(
            store,
            """SELECT ?st WHERE { GRAPH ?g { ?st a rdf:Statement .
                 FILTER NOT EXISTS { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s ?p ?o .
                                     ?st cgt:evidenceText ?t ; cgt:startOffset ?a ; cgt:endOffset ?b ;
                                         cgt:confidence ?c ; cgt:rule ?r ; prov:wasDerivedFrom ?g } } }""",
        )
        confidences = [float(r[0]) for r in _rows(store, "SELECT ?c WHERE { ?st a rdf:Statement ; cgt:confidence ?c }")]
    assert broken == []
    assert confidences and all(0.0 < c <= 1.0 for c in confidences)


def test_evidence_offsets_index_the_document_text(built_store):
    with opened(built_store.path) as store:
        rows = _rows(
            store,
            """SELECT ?path ?text ?start ?end WHERE { GRAPH ?g {
                 ?g cgt:path ?path . ?node prov:wasDerivedFrom ?g ; cgt:evidenceText ?text ;
                 cgt:startOffset ?start ; cgt:endOffset ?end } }""",
        )
    assert rows
    texts: dict[str, str] = {}
    wrong = []
    for path, text, start, end in rows:
        if str(path) not in texts:
            texts[str(path)] = read_source(resolve_stored_path(str(path))).text
        source = texts[str(path)]
        if source[int(start) : int(end)] != str(text):
            wrong.append((str(path), int(start), int(end), str(text)[:60]))
    assert wrong == []


def test_plain_select_sees_vocabulary_and_document_facts(built_store):
    with opened(built_store.path) as store:
        vocabulary = _rows(store, "SELECT ?c WHERE { cgtid:novartis cgt:headquarteredIn ?c }")
        documents = _rows(store, "SELECT ?d WHERE { ?d a cgt:Document }")
        # one pattern from a document graph joined with one from the vocabulary graph
        joined = _rows(
            store,
            "SELECT DISTINCT ?doc ?region WHERE { ?doc a cgt:Document ; schema:mentions ?country . ?country cgt:partOf ?region }",
        )
    assert [str(r[0]) for r in vocabulary] == [str(CGTID["switzerland"])]
    assert len(documents) == len(corpus_articles())
    assert joined, "no document mentions a country whose region the vocabulary knows"


# ---------------------------------------------------------------------------- versions


def test_changed_file_replaces_its_old_version(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    first = _write(articles / "deal.txt", "Novartis acquired AveXis in 2018.\n")
    _write(articles / "other.txt", "Pfizer entered into a license agreement with Helixmith.\n")
    store_path = tmp_path / "store"
    with opened(seeded_store(store_path)) as store:
        build([articles], store, rules_nlp)
        (old,) = [d for d in stored_documents(store) if d.path.endswith("deal.txt")]
        assert _ask(store, "ASK { cgtid:novartis cgt:acquires cgtid:avexis }")
        first.write_text("Amgen acquired Dendreon Pharmaceuticals in 2024.\n", encoding="utf-8")
        summary = build([articles], store, rules_nlp)
        versions = [d for d in stored_documents(store) if d.path.endswith("deal.txt")]
        old_graph_left = _ask(store, f"ASK {{ GRAPH <{old.iri}> {{ ?s ?p ?o }} }}")
        old_fact = _ask(store, "ASK { cgtid:novartis cgt:acquires cgtid:avexis }")
        new_fact = _ask(store, "ASK { cgtid:amgen cgt:acquires cgtid:dendreon-pharmaceuticals }")
        other_kept = _ask(store, "ASK { ?a cgt:collaboratesWith ?b }")
    assert (summary.new, summary.changed, summary.skipped) == (0, 1, 1)
    assert len(versions) == 1, versions
    assert versions[0].sha256 == hashlib.sha256(first.read_bytes()).hexdigest() != old.sha256
    assert not old_graph_left, "the old document graph is still in the store"
    assert not old_fact, "a fact only the old version stated is still in the store"
    assert new_fact
    assert other_kept


def test_identical_files_are_one_document_and_rebuild_as_unchanged(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    _write(articles / "a.txt", "Novartis acquired AveXis in 2018.\n")
    _write(articles / "copy of a.txt", "Novartis acquired AveXis in 2018.\n")
    with opened(seeded_store(tmp_path / "store")) as store:
        first = build([articles], store, rules_nlp)
        before = store.count()
        second = build([articles], store, rules_nlp)
        after = store.count()
        documents = stored_documents(store)
    assert after == before
    assert (first.new, first.duplicates) == (1, 1)
    assert (second.new, second.changed, second.skipped, second.duplicates) == (0, 0, 1, 1)
    assert len(documents) == 1
    assert any("the same text as" in note for note in second.notes)


def test_the_same_article_as_text_and_as_html_is_one_document_in_one_build_and_across_builds(tmp_path, rules_nlp):
    """The complaint of issue 12: the same article as .txt and .html counted every fact twice."""
    text = "Novartis acquired AveXis in 2018 for USD 8.7 billion.\n"
    page = "<html><head><title>News</title></head><body><p>Novartis acquired AveXis in 2018 for USD 8.7 billion.</p></body></html>\n"
    together = tmp_path / "together"
    _write(together / "a.txt", text)
    _write(together / "a.html", page)
    with opened(seeded_store(tmp_path / "store")) as store:
        first = build([together], store, rules_nlp)
        assert (first.new, first.duplicates) == (1, 1) and len(stored_documents(store)) == 1
        later = tmp_path / "later"
        _write(later / "b.html", page.replace("News", "Other headline"))
        second = build([later], store, rules_nlp)
        assert (second.new, second.duplicates) == (0, 1), second.notes
        assert any("the same text as" in note for note in second.notes)
        assert len(stored_documents(store)) == 1


def test_builds_of_the_same_input_are_deterministic(tmp_path, rules_nlp):
    files = sorted(CORPUS.glob("a0[1-3]_*"))
    files = [f for f in files if not f.name.endswith(".json")]
    counts = []
    for name in ("one", "two"):
        with opened(tmp_path / name, create=True) as store:
            build(files, store, rules_nlp)
            counts.append((store.count(), sorted(d.sha256 for d in stored_documents(store))))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------- bad input


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    bad = {
        "latin1.txt": b"Caf\xe9 Th\xe9rapeutiques acquired a rival.\n",
        "binary.txt": b"GIF89a\x00\x01\x00\x00\xff\xff" + bytes(range(256)),
        "empty.md": b"",
        "blank.md": b"  \n\t\n  \n",
        "huge.txt": b"Gene therapy. " * (MAX_BYTES // 14 + 10),
    }
    paths = {}
    for name, data in bad.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    assert paths["huge.txt"].stat().st_size > MAX_BYTES
    return paths


def test_bad_files_are_reported_by_name_and_good_ones_still_go_in(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    _write(articles / "good.txt", "Novartis acquired AveXis in 2018.\n")
    _write(articles / "good2.md", "# News\n\nPfizer entered into a license agreement with Helixmith.\n")
    bad = _bad_files(articles)
    with opened(seeded_store(tmp_path / "store")) as store:
        summary = build([articles], store, rules_nlp)
        stored = sorted(Path(d.path).name for d in stored_documents(store))
    assert stored == ["good.txt", "good2.md"]
    assert summary.new == 2
    assert len(summary.problems) == len(bad)
    for name in bad:
        assert sum(name in problem for problem in summary.problems) == 1, (name, summary.problems)


def test_bad_files_do_not_remove_what_is_stored(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    _write(articles / "good.txt", "Novartis acquired AveXis in 2018.\n")
    with opened(seeded_store(tmp_path / "store")) as store:
        build([articles], store, rules_nlp)
        assert _ask(store, "ASK { cgtid:novartis cgt:acquires cgtid:avexis }")
        before = store.count()
        documents_before = stored_documents(store)
        _bad_files(articles)
        # the good file itself goes bad: its stored version must survive
        (articles / "good.txt").write_bytes(b"Novartis acquired AveXis \xff\xfe in 2018.\n")
        summary = build([articles], store, rules_nlp)
        after = store.count()
        documents_after = stored_documents(store)
        fact = _ask(store, "ASK { cgtid:novartis cgt:acquires cgtid:avexis }")
    assert len(summary.problems) == 6
    assert any("good.txt" in p for p in summary.problems)
    assert after == before
    assert documents_after == documents_before
    assert fact


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("latin1.txt", b"Caf\xe9\n", ("UTF-8",)),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("binary",)),
        ("empty.txt", b"", ("no text",)),
        ("huge.txt", None, (f"{MAX_BYTES:,}",)),
    ],
)
def test_read_source_errors_name_the_file_and_the_problem(tmp_path, name, data, words):
    from kg.errors import UserError

    path = tmp_path / name
    path.write_bytes(data if data is not None else b"x" * (MAX_BYTES + 1))
    with pytest.raises(UserError) as caught:
        read_source(path)
    message = str(caught.value)
    assert str(path) in message
    assert "\n" not in message
    for word in words:
        assert word in message


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffNovartis acquired AveXis.".encode("utf-8"))
    assert read_source(path).text == "Novartis acquired AveXis."


def test_path_with_spaces_and_unicode(tmp_path, rules_nlp):
    folder = tmp_path / "market reports — 2024" / "Ünïcødé folder"
    article = _write(folder / "Gène thérapie 日本 report.md", "# Café news\n\nNovartis acquired AveXis in 2018.\n")
    with opened(seeded_store(tmp_path / "store with spaces")) as store:
        summary = build([tmp_path / "market reports — 2024"], store, rules_nlp)
        (document,) = stored_documents(store)
        path_literal = document.path.replace("\\", "\\\\").replace('"', '\\"')
        found = _rows(store, f'SELECT ?d WHERE {{ ?d cgt:path "{path_literal}" }}')
        fact = _ask(store, "ASK { cgtid:novartis cgt:acquires cgtid:avexis }")
        title = _rows(store, f"SELECT ?t WHERE {{ <{document.iri}> dcterms:title ?t }}")
    assert summary.new == 1 and summary.problems == []
    assert resolve_stored_path(document.path) == article.resolve()
    assert [str(r[0]) for r in found] == [document.iri]
    assert fact
    assert [str(r[0]) for r in title] == ["Café news"]


def test_hidden_files_and_gold_files_are_not_articles(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    _write(articles / "a.txt", "Novartis acquired AveXis.\n")
    _write(articles / "a.gold.json", '{"document": "a.txt"}\n')
    _write(articles / ".hidden" / "b.txt", "Pfizer acquired Amgen.\n")
    _write(articles / ".c.md", "Biogen acquired Helixmith.\n")
    with opened(seeded_store(tmp_path / "store")) as store:
        summary = build([articles], store, rules_nlp)
        names = [Path(d.path).name for d in stored_documents(store)]
    assert names == ["a.txt"]
    assert summary.problems == []


def test_a_changed_extractor_reads_stored_documents_again(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    _write(articles / "a.txt", "Novartis acquired AveXis in 2018.\n")
    with opened(seeded_store(tmp_path / "store")) as store:
        first = build([articles], store, rules_nlp, min_confidence=0.4)
        again = build([articles], store, rules_nlp, min_confidence=0.4)
        other = build([articles], store, rules_nlp, min_confidence=0.0)
        documents = stored_documents(store)
    assert (first.new, again.skipped, again.changed) == (1, 1, 0)
    assert (other.changed, other.skipped) == (1, 0)
    assert len(documents) == 1 and documents[0].extractor == extractor_fingerprint("rules", 0.0)


def test_the_extractor_fingerprint_follows_the_vocabulary(tmp_path):
    from kg.ontology import ONTOLOGY_DIR

    copy = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, copy)
    before = extractor_fingerprint("rules", 0.4, copy)
    companies = copy / "vocabulary" / "companies.ttl"
    companies.write_text(companies.read_text(encoding="utf-8").replace('"Biogen Idec"@en', '"Biogen Idec"@en, "Biogen Inc"@en'), encoding="utf-8")
    assert extractor_fingerprint("rules", 0.4, copy) != before
    assert extractor_fingerprint("rules", 0.4, ONTOLOGY_DIR) == extractor_fingerprint("rules", 0.4, ONTOLOGY_DIR)


def test_an_unchanged_rebuild_never_imports_spacy(tmp_path, rules_nlp):
    articles = tmp_path / "articles"
    _write(articles / "a.txt", "Novartis acquired AveXis in 2018.\n")
    with opened(seeded_store(tmp_path / "store")) as store:
        build([articles], store, rules_nlp)
    script = (
        "import sys; from pathlib import Path; from kg.build import build; from kg.store import open_store\n"
        f"store = open_store({str(tmp_path / 'store')!r})\n"
        f"summary = build([Path({str(articles)!r})], store, 'rules'); store.close()\n"
        "print(summary.skipped, 'spacy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]
