"""Faults lose nothing: a killed build, a remote SPARQL server as the store."""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.query import Result

from conftest import run_kg, seeded_store
from kg.build import build
from kg.errors import UserError
from kg.nlp.pipeline import load_pipeline
from kg.queries import canned_queries, result_rows, serialized_result
from kg.store import open_store, stored_documents

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BIN = Path(sys.executable).parent


def corpus_copies(folder: Path, rounds: int) -> list[Path]:
    """Distinct articles made from the corpus (each copy gets its own first line, so its own hash)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(rounds):
        for article in sorted(CORPUS.glob("*.md")):
            target = folder / f"{article.stem}-{k}.md"
            target.write_text(f"Edition {k}\n\n" + article.read_text(encoding="utf-8"), encoding="utf-8")
            paths.append(target)
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_killed_build_keeps_finished_documents_and_rerun_completes(tmp_path):
    articles = corpus_copies(tmp_path / "articles", rounds=2)
    store = seeded_store(tmp_path / "store")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    command = [str(BIN / "kg"), "build", str(tmp_path / "articles"), "--store", str(store), "--model", "rules", "-v"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    stored = []
    for line in process.stdout:
        if line.startswith("stored "):
            stored.append(line.split(" ", 1)[1].strip())
        if len(stored) >= 4:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the build finished before it could be killed"

    graph_store = open_store(str(store), create=False)
    try:
        documents = stored_documents(graph_store)
        paths = {d.path for d in documents}
        assert set(stored) <= paths < {str(p) for p in articles}
        for document in documents:
            statements = graph_store.query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{document.iri}> {{ ?s a rdf:Statement }} }}"
            )
            assert int(next(iter(statements))[0]) > 0, document.path
    finally:
        graph_store.close()

    rerun = run_kg(*command[1:])
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(documents)} unchanged" in rerun.stdout

    fresh = seeded_store(tmp_path / "fresh")
    once = run_kg(*command[1:4], str(fresh), *command[5:])
    assert once.returncode == 0
    killed_store, fresh_store = open_store(str(store), create=False), open_store(str(fresh), create=False)
    try:
        assert len(stored_documents(killed_store)) == len(articles)
        assert killed_store.count() == fresh_store.count()
    finally:
        killed_store.close()
        fresh_store.close()


@pytest.fixture
def oxigraph_server(tmp_path):
    executable = shutil.which("oxigraph") or str(BIN / "oxigraph")
    if not Path(executable).exists():
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    port = free_port()
    process = subprocess.Popen(
        [executable, "serve", "--location", str(tmp_path / "server-data"), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("oxigraph server did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_remote_sparql_server_gives_the_same_answers_as_the_embedded_store(tmp_path, oxigraph_server):
    nlp = load_pipeline("rules")
    articles = [CORPUS / name for name in ("a01_market_overview.md", "a06_collaboration_manufacturing.md", "b04_casgevy_approval.md")]
    embedded = open_store(str(tmp_path / "embedded"))
    remote = open_store(oxigraph_server + "/query")
    try:
        for store in (embedded, remote):
            summary = build(articles, store, nlp)
            assert summary.new == 3
        again = build(articles, remote, nlp)
        assert again.skipped == 3 and again.new == 0
        assert remote.count() == embedded.count()
        for canned in canned_queries():
            if canned.name in ("collaborations", "acquisitions", "approved_by_disease", "therapies_by_modality", "entity_facts"):
                remote_rows = sorted(result_rows(remote.answer(canned.sparql))[1])
                embedded_rows = sorted(result_rows(embedded.answer(canned.sparql))[1])
                assert remote_rows == embedded_rows, canned.name
        for fmt in ("csv", "json", "ttl"):  # kg query -f FMT: each engine writes the result itself
            sparql = "CONSTRUCT { ?s cgt:developedBy ?o } WHERE { ?s cgt:developedBy ?o }" if fmt == "ttl" else {c.name: c for c in canned_queries()}["collaborations"].sparql
            written = [serialized_result(store, sparql, fmt) for store in (remote, embedded)]
            assert len(set(map(_parsed_rows_or_graph(fmt), written))) == 1, fmt
        assert serialized_result(remote, "ASK { ?s a cgt:Company }", "csv").strip() == b"true"
        with pytest.raises(UserError, match=r"^query failed at .*: HTTP 400") as refused:  # the endpoint's refusal, one line
            serialized_result(remote, "SELECT ?s WHERE { ?s ", "csv")
        assert "\n" not in str(refused.value)
    finally:
        embedded.close()
        remote.close()


def _parsed_rows_or_graph(fmt: str):
    """What a written result says, whatever the order and the engine's spelling of it."""
    def parse(data: bytes):
        if fmt == "ttl":
            return frozenset(Graph().parse(data=data.decode("utf-8"), format="turtle"))
        result = Result.parse(io.BytesIO(data), format=fmt)
        return frozenset(tuple(sorted((str(k), str(v)) for k, v in row.asdict().items())) for row in result)
    return parse
