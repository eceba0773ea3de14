"""Issue 9, the endpoint side: no request reaches another service through the read-only
endpoint, deep or huge queries never crash the engine, memory is bounded, one store
version is served, and FROM means what SPARQL says. Real servers on loopback, real listeners."""

from __future__ import annotations

import os
import re
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_kg, stderr_lines
from kg.build import build
from kg.sparql import VERSION_CHECK_INTERVAL, Limits, Operation, ProtocolError, SparqlService, refuse_remote_access
from kg.sparql_text import MAX_QUERY_CHARS, keywords, names_own_dataset
from kg.store import open_store
from test_server import build_test_store, running_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class Listener:
    """A TCP listener on a free loopback port that counts the connections it accepts (and answers none)."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.socket.close()


@contextmanager
def listener() -> Iterator[Listener]:
    watching = Listener()
    try:
        yield watching
    finally:
        watching.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, rules_nlp) -> Path:
    return build_test_store(tmp_path_factory.mktemp("harden"), rules_nlp)


@pytest.fixture(scope="module")
def server(store_path):
    with running_server(store_path, limits=Limits(timeout=5.0, max_rows=50, max_memory=300 * 2**20)) as running:
        yield running


def bypasses(port: int) -> list[str]:
    """Queries that fooled the old text filter, each naming a listener on loopback."""
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT ?x WHERE {{ VALUES ?v {{ cgt:a\\' }} SERVICE <{url}> {{ ?x ?y ?z }} }} # '",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?v {{ 1 }} SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def test_the_old_bypass_reads_as_service():
    query = "SELECT ?x WHERE { VALUES ?v { cgt:a\\' } SERVICE <http://127.0.0.1:1/sparql> { ?x ?y ?z } } # '"
    assert "SERVICE" in keywords(query)
    with pytest.raises(ProtocolError):
        refuse_remote_access(query)


def test_without_isolation_any_remote_word_is_refused():
    with pytest.raises(ProtocolError):
        refuse_remote_access("SELECT * WHERE { ?s ?p 'service' }", isolated=False)
    refuse_remote_access("SELECT * WHERE { ?s ?p 'service' }", isolated=True)


def test_workers_have_no_network(server):
    assert server.service.isolated


def test_no_route_reaches_a_listener(server):
    with listener() as watching, httpx.Client(base_url=server.url, timeout=30) as http:
        for query in bypasses(watching.port):
            for path in ("/sparql", "/", "/network"):
                response = http.get(path, params={"query": query})
                assert response.status_code != 500, (path, response.text)
        time.sleep(0.3)
        assert watching.connections == 0


TRICKY = st.sampled_from([
    "cgt:a\\'", "cgt:b\\\"", "cgt:c\\#", "# a comment '\n", "# \"\n", "'a \\' b'", '"x \\" y"', "'''q ' '' q'''",
    '"""d " "" d"""', "<http://x/#'>", "<urn:a'b>", "?v", "$w", "_:b1", "{", "}", "(", ")", "[", "]", ".", ";", ",",
    "VALUES ?v {", "1", "1e3", "FILTER(", "BIND(1 AS ?q)", "OPTIONAL {", "UNION", "GRAPH ?g {", "cgt:x", ":y",
    "\\u0053ERVICE", "\\u004cOAD", "sErViCe", "SILENT", "#", "\n", "@en", "^^xsd:string", "<", ">",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(prefix=st.lists(TRICKY, max_size=12), middle=st.lists(TRICKY, max_size=6), suffix=st.lists(TRICKY, max_size=12), form=st.sampled_from(["SELECT * WHERE {", "ASK {", "CONSTRUCT { ?s ?p ?o } WHERE {", ""]), keyword=st.sampled_from(["SERVICE", "SERVICE SILENT", "LOAD", "service", "\\u0053ERVICE"]))
def test_fuzzed_queries_never_reach_loopback(fuzz_target, prefix, middle, suffix, form, keyword):
    service, watching = fuzz_target
    target = f"<http://127.0.0.1:{watching.port}/sparql>"
    query = " ".join([form, *prefix, keyword, target, "{", *middle, "?s ?p ?o", "}", *suffix, "}" if form else ""])
    try:
        service.answer(Operation("query", query), None, None)
    except ProtocolError as error:
        assert error.status != 500 or "stopped unexpectedly" not in str(error)
    assert watching.connections == 0, query


@pytest.fixture(scope="module")
def fuzz_target(store_path):
    service = SparqlService(str(store_path), Limits(timeout=5.0), workers=2)
    with listener() as watching:
        try:
            yield service, watching
        finally:
            service.close()
    assert watching.connections == 0


def test_deeply_nested_query_is_answered_by_the_server(server):
    deep = "SELECT * WHERE { " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000 + " } LIMIT 1"
    with httpx.Client(base_url=server.url, timeout=30) as http:
        response = http.post("/sparql", content=deep, headers={"content-type": "application/sparql-query"})
        assert response.status_code == 200, response.text
        again = http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert again.status_code == 200


def test_deeply_nested_query_from_the_cli(store_path):
    deep = "SELECT (COUNT(*) AS ?n) WHERE { " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000 + " }"
    process = run_kg("query", deep, "--store", store_path, "-f", "csv")
    assert process.returncode == 0, process.stderr
    assert int(process.stdout.splitlines()[1]) > 0


def test_an_overlong_query_is_one_line(store_path, tmp_path):
    huge = tmp_path / "huge.rq"
    huge.write_text("SELECT * WHERE { " + "{" * (MAX_QUERY_CHARS // 2) + " ?s ?p ?o " + "}" * (MAX_QUERY_CHARS // 2) + " }")
    process = run_kg("query", huge, "--store", store_path)
    assert process.returncode == 1
    assert len(stderr_lines(process)) == 1 and "over the limit" in process.stderr and "Traceback" not in process.stderr


def test_a_cartesian_product_is_stopped_by_the_memory_ceiling(server):
    product = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?i"
    with httpx.Client(base_url=server.url, timeout=60) as http:
        started = time.monotonic()
        response = http.get("/sparql", params={"query": product})
        assert response.status_code == 503
        assert "max-memory" in response.text or "timeout" in response.text
        assert time.monotonic() - started < 30
        assert http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_network_page_of_a_query_obeys_max_rows(server):
    construct = "CONSTRUCT { ?a <http://example.org/p> ?b } WHERE { ?a ?x ?y . ?b ?z ?w . FILTER(isIRI(?a) && isIRI(?b)) }"
    with httpx.Client(base_url=server.url, timeout=60) as http:
        response = http.get("/network", params={"query": construct})
    assert response.status_code == 200
    drawn = re.findall(r'\\?"predicate\\?":\s*\\?"p\\?"', response.text)
    assert 0 < len(drawn) <= 50, response.text[:3000]


def _count(store, query: str) -> int:
    return int(next(iter(store.query(query)))[0])


def test_from_is_honoured_and_an_unknown_graph_is_empty(store_path):
    store = open_store(str(store_path), read_only=True)
    try:
        graph = _first_document_graph(store)
        whole = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        in_graph = _count(store, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
        in_nothing = _count(store, "SELECT (COUNT(*) AS ?n) FROM <urn:no-such-graph> WHERE { ?s ?p ?o }")
        direct = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    finally:
        store.close()
    assert 0 < in_graph == direct < whole
    assert in_nothing == 0


def _first_document_graph(store) -> str:
    return str(next(iter(store.query("SELECT ?g WHERE { GRAPH ?g { ?g a cgt:Document } } ORDER BY ?g LIMIT 1")))[0])


def test_names_own_dataset_reads_tokens_not_text():
    assert names_own_dataset("select * from <urn:g> where { ?s ?p ?o }")
    assert names_own_dataset("SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }")
    assert not names_own_dataset("SELECT * WHERE { ?s <urn:FROM> 'FROM' } # FROM")


def test_inline_query_with_a_full_iri_runs(store_path):
    process = run_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/cgt-kg/ontology#Document> }", "--store", store_path, "-f", "csv")
    assert process.returncode == 0, process.stderr
    assert int(process.stdout.splitlines()[1]) == 2


def test_a_read_only_server_serves_one_version_after_a_build(tmp_path, rules_nlp):
    location = build_test_store(tmp_path, rules_nlp)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    more = tmp_path / "more"
    more.mkdir()
    (more / "new.txt").write_text("Astellas acquired Audentes Therapeutics in 2019 for USD 3 billion.\n", encoding="utf-8")
    with running_server(location, limits=Limits(timeout=1.0)) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        def answer() -> int:
            response = http.get("/sparql", params={"query": count}, headers={"accept": "text/csv"})
            assert response.status_code == 200, response.text
            return int(response.text.splitlines()[1])

        before = answer()
        store = open_store(str(location))
        try:
            build([more], store, rules_nlp)
            expected = store.count()
        finally:
            store.close()
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        assert http.get("/sparql", params={"query": runaway}).status_code == 503
        time.sleep(0.5)
        answers = {answer() for _ in range(20)}
    assert answers == {expected} and expected > before


COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _served_count(service: SparqlService) -> int:
    return int(next(iter(service.query(COUNT_QUADS, None).result))[0])


def test_a_query_whose_reader_stopped_is_answered_by_another(store_path):
    service = SparqlService(str(store_path), Limits(timeout=5.0), workers=1)
    try:
        expected = _served_count(service)
        for pid in service.pids:
            os.kill(pid, signal.SIGKILL)
        assert _served_count(service) == expected
    finally:
        service.close()


def test_readers_move_to_a_new_version_only_once_its_writer_has_closed(tmp_path, rules_nlp):
    location = build_test_store(tmp_path, rules_nlp)
    service = SparqlService(str(location), Limits(timeout=5.0), workers=2)
    try:
        before = _served_count(service)
        writer = open_store(str(location))
        try:
            writer.update("INSERT DATA { GRAPH <urn:kg-test:g> { <urn:kg-test:a> <urn:kg-test:b> 'written' } }")
            time.sleep(VERSION_CHECK_INTERVAL * 2)
            assert {_served_count(service) for _ in range(4)} == {before}
        finally:
            writer.close()
        time.sleep(VERSION_CHECK_INTERVAL * 2)
        assert {_served_count(service) for _ in range(4)} == {before + 1}
    finally:
        service.close()
