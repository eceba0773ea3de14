"""`kg serve` as a SPARQL 1.1 Protocol endpoint: a real uvicorn server on a free loopback port,
a store built from short articles, and real clients (SPARQLWrapper, rdflib's SERVICE, httpx, raw HTTP)."""

from __future__ import annotations

import csv
import io
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SKOS
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper

from conftest import kg_env, kg_executable, run_kg, seeded_store
from kg.namespaces import CGT, CGTID
from kg.queries import canned_queries
from kg.server import KgServer
from kg.sparql import SD, Limits, ProtocolError, negotiate, read_operation, refuse_remote_access

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ARTICLES = {
    "deals.md": """# Biogen and Ginkgo Bioworks team up on AAV manufacturing

Biogen and Ginkgo Bioworks formed a collaboration in May 2021 to develop a new manufacturing platform for gene therapies.

Novartis acquired AveXis for USD 8.7 billion in 2018. Zolgensma, developed by AveXis, treats spinal muscular atrophy.

The global cell and gene therapy market was valued at USD 14.2 billion in 2023 and is expected to grow at a CAGR of 24% from 2023 to 2032.
""",
    "hostile.md": """# <img src=x onerror="window.__xss=1"> Kite & "Gilead" <b>news</b>

Gilead Sciences acquired Kite Pharma <script>window.__xss=2</script> for USD 11.9 billion in 2017.

Yescarta, developed by Kite Pharma, was approved by the FDA in 2017.
""",
}
TIMEOUT = 2.0
MAX_ROWS = 50
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TOKEN = "test-token-5f2c"


def build_test_store(folder: Path, nlp) -> Path:
    """A store built from ARTICLES (written to `folder`) with kg.build, closed again."""
    from kg.build import build
    from kg.store import open_store

    articles = folder / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    location = seeded_store(folder / "store")
    store = open_store(str(location), create=False)
    try:
        summary = build([articles], store, nlp)
    finally:
        store.close()
    assert summary.new == len(ARTICLES) and not summary.problems
    return location


@contextmanager
def running_server(location: Path, **options) -> Iterator[KgServer]:
    """A KgServer on a free 127.0.0.1 port, answering in a thread until the block ends."""
    server = KgServer(str(location), port=0, **options)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.stop()
        thread.join(30)
        assert not thread.is_alive()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, rules_nlp) -> Path:
    return build_test_store(tmp_path_factory.mktemp("serve"), rules_nlp)


@pytest.fixture(scope="module")
def server(store_path) -> Iterator[KgServer]:
    with running_server(store_path, limits=Limits(timeout=TIMEOUT, max_rows=MAX_ROWS)) as running:
        yield running


@pytest.fixture(scope="module")
def endpoint(server) -> str:
    return server.url + "sparql"


def canned(name: str) -> str:
    return next(q.sparql for q in canned_queries() if q.name == name)


def wrapper(endpoint: str, query: str, return_format: str, method: str = "GET", request_method: str = URLENCODED) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


# --------------------------------------------------------------------------- SPARQLWrapper


@pytest.mark.parametrize(
    "method, request_method",
    [("GET", URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)],
    ids=["get", "post-form", "post-direct"],
)
def test_sparqlwrapper_json(endpoint, method, request_method):
    answer = wrapper(endpoint, canned("collaborations"), JSON, method, request_method).queryAndConvert()
    assert answer["head"]["vars"][:2] == ["company", "partner"]
    pairs = {(b["company"]["value"], b["partner"]["value"]) for b in answer["results"]["bindings"]}
    assert ("Biogen", "Ginkgo Bioworks") in pairs


def test_sparqlwrapper_xml(endpoint):
    document = wrapper(endpoint, canned("acquisitions"), XML).queryAndConvert()
    values = {node.firstChild.data for node in document.getElementsByTagName("literal")}
    assert {"Novartis", "AveXis", "Gilead Sciences", "Kite Pharma"} <= values


def test_sparqlwrapper_csv(endpoint):
    data = wrapper(endpoint, "SELECT ?acquirer ?target WHERE { ?a cgt:acquires ?t . ?a skos:prefLabel ?acquirer . ?t skos:prefLabel ?target } ORDER BY ?acquirer", CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["acquirer", "target"]
    assert ["Novartis", "AveXis"] in rows[1:] and ["Gilead Sciences", "Kite Pharma"] in rows[1:]


def test_sparqlwrapper_construct_turtle(endpoint):
    data = wrapper(endpoint, "CONSTRUCT { ?a cgt:acquires ?t } WHERE { ?a cgt:acquires ?t }", TURTLE).queryAndConvert()
    graph = Graph().parse(data=data.decode("utf-8") if isinstance(data, bytes) else data, format="turtle")
    assert (CGTID["novartis"], CGT.acquires, CGTID["avexis"]) in graph


def test_sparqlwrapper_ask(endpoint):
    assert wrapper(endpoint, "ASK { cgtid:biogen cgt:collaboratesWith cgtid:ginkgo-bioworks }", JSON).queryAndConvert()["boolean"] is True


# --------------------------------------------------------------------------- other formats, with httpx


@pytest.mark.parametrize(
    "accept, rdflib_format",
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_construct_formats(endpoint, accept, rdflib_format):
    response = httpx.post(endpoint, data={"query": "DESCRIBE cgtid:novartis"}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=rdflib_format)
    assert (CGTID["novartis"], CGT.acquires, CGTID["avexis"]) in graph


def test_tsv_results(endpoint):
    response = httpx.get(endpoint, params={"query": "SELECT ?p WHERE { cgtid:novartis ?p cgtid:avexis }"}, headers={"Accept": "text/tab-separated-values"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert response.text.splitlines() == ["?p", f"<{CGT.acquires}>"]


def test_accept_with_quality_values(endpoint):
    response = httpx.get(endpoint, params={"query": "ASK {}"}, headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")


def test_dataset_parameters_choose_the_default_graph(endpoint):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s cgt:acquires ?o }"
    everything = httpx.get(endpoint, params={"query": query}, headers={"Accept": "text/csv"}).text.split()
    vocabulary = httpx.get(endpoint, params={"query": query, "default-graph-uri": "https://w3id.org/cgt-kg/graph/vocabulary"},
                           headers={"Accept": "text/csv"}).text.split()
    assert int(everything[1]) > 0 and int(vocabulary[1]) < int(everything[1])


# --------------------------------------------------------------------------- rdflib SERVICE


def test_rdflib_service_clause_queries_the_server(endpoint):
    ex = Namespace("http://example.org/watchlist#")
    local = Graph()
    local.add((ex.me, ex.follows, CGTID["biogen"]))
    local.add((ex.me, ex.follows, CGTID["novartis"]))
    rows = local.query(
        f"""
        PREFIX ex: <{ex}>
        PREFIX skos: <{SKOS}>
        SELECT ?company ?label WHERE {{
          ex:me ex:follows ?company .
          SERVICE <{endpoint}> {{ ?company skos:prefLabel ?label }}
        }}
        """
    )
    assert {(row.company, str(row.label)) for row in rows} >= {(CGTID["biogen"], "Biogen"), (CGTID["novartis"], "Novartis")}


# --------------------------------------------------------------------------- service description


def test_service_description(endpoint):
    response = httpx.get(endpoint)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (None, SD.endpoint, URIRef(endpoint)) in graph
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (None, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph


# --------------------------------------------------------------------------- errors, curl-style


def raw_request(server: KgServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are on a socket, as curl would; the status, headers and body of the answer."""
    host, port = server.socket.getsockname()[:2]
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(request)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def post(path: str, content_type: str, body: bytes, host: str = "127.0.0.1") -> bytes:
    head = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def get(path: str, *extra: str) -> bytes:
    return ("\r\n".join([f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *extra]) + "\r\n\r\n").encode()


def test_syntax_error_is_400_with_the_parser_message(server):
    status, headers, body = raw_request(server, post("/sparql", "application/sparql-query", b"SELECT * WHERE { ?s ?p }"))
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    assert b"SPARQL syntax error: error at 1:" in body


def test_update_is_refused_when_read_only(server):
    status, _, body = raw_request(server, post("/sparql", "application/sparql-update", b"INSERT DATA { <http://a> <http://b> 1 }"))
    assert status == 403 and b"read-only" in body
    status, _, _ = raw_request(server, post("/sparql", "application/x-www-form-urlencoded", b"update=CLEAR+ALL"))
    assert status == 403
    assert httpx.get(server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/csv"}).text.strip() == "true"


@pytest.mark.parametrize(
    "request_bytes, status, words",
    [
        (post("/sparql", "text/plain", b"SELECT * {}"), 415, b"application/sparql-query"),
        (post("/sparql", "application/x-www-form-urlencoded", b"default-graph-uri=x"), 400, b"exactly one"),
        (post("/sparql", "application/x-www-form-urlencoded", b"query=ASK{}&query=ASK{}"), 400, b"exactly one"),
        (get("/sparql?update=CLEAR+ALL"), 400, b"POST"),
        (get("/sparql?query=SELECT+*+WHERE+%7B%7D", "Accept: text/turtle"), 406, b"application/sparql-results+json"),
        (get("/sparql?query=SELECT+*+WHERE+%7B+SERVICE+%3Chttp%3A%2F%2F127.0.0.1%3A9%2F%3E+%7B+%3Fs+%3Fp+%3Fo+%7D+%7D"), 400, b"SERVICE is not allowed"),
        (post("/sparql", "application/sparql-query", b"SELECT * WHERE { ?s ?p ?o }", host="evil.example"), 400, b"host"),
        (post("/sparql", "application/sparql-query", b"\xff\xfe"), 400, b"UTF-8"),
    ],
    ids=["content-type", "no-query", "two-queries", "update-by-get", "not-acceptable", "service", "foreign-host", "not-utf8"],
)
def test_protocol_errors(server, request_bytes, status, words):
    got, _, body = raw_request(server, request_bytes)
    assert got == status, body
    assert words.lower() in body.lower()


def test_oversized_body_is_413(server):
    from kg.server import MAX_BODY_BYTES

    status, _, _ = raw_request(server, post("/sparql", "application/sparql-query", b"#" * (MAX_BODY_BYTES + 1)))
    assert status == 413


# --------------------------------------------------------------------------- limits


def test_runaway_query_is_stopped_while_others_are_served(server, endpoint):
    before = set(server.service.pids)
    outcome = {}

    def runaway():
        started = time.monotonic()
        response = httpx.post(endpoint, content=RUNAWAY, headers={"Content-Type": "application/sparql-query"}, timeout=60)
        outcome.update(status=response.status_code, text=response.text, seconds=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    for _ in range(3):
        response = httpx.get(endpoint, params={"query": "ASK { cgtid:novartis cgt:acquires cgtid:avexis }"}, headers={"Accept": "text/csv"})
        assert response.text.strip() == "true"
        assert not outcome, "a fast query waited for the runaway one"
    thread.join(60)
    assert outcome["status"] == 503, outcome
    assert "stopped after" in outcome["text"] and "--timeout" in outcome["text"]
    assert TIMEOUT * 0.9 <= outcome["seconds"] < TIMEOUT + 3
    stopped = before - set(server.service.pids)
    assert len(stopped) == 1, "the runaway query's worker was not ended"
    pid = stopped.pop()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]:
        assert time.monotonic() < deadline, f"worker {pid} still runs"
        time.sleep(0.05)
    assert len(server.service.pids) == len(before)


def test_long_results_are_cut_with_a_header(endpoint):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    response = httpx.get(endpoint, params={"query": query})
    assert response.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    as_csv = httpx.get(endpoint, params={"query": query}, headers={"Accept": "text/csv"})
    assert as_csv.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert len(as_csv.text.strip().splitlines()) == MAX_ROWS + 1
    graph = httpx.get(endpoint, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
    assert graph.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert len(graph.text.strip().splitlines()) == MAX_ROWS
    short = httpx.get(endpoint, params={"query": "SELECT ?s WHERE { ?s cgt:acquires ?o }"})
    assert "x-sparql-maxrows" not in short.headers


def test_a_result_of_exactly_the_row_limit_is_whole(endpoint):
    for limit, cut in ((MAX_ROWS, False), (MAX_ROWS + 1, True)):
        response = httpx.get(endpoint, params={"query": f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {limit}"}, headers={"Accept": "text/tab-separated-values"})
        assert ("x-sparql-maxrows" in response.headers) == cut
        assert len(response.text.splitlines()) == MAX_ROWS + 1


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g a cgt:Document } GRAPH ?g { ?a ?b ?c . ?d ?e ?f } }"
"""A query that takes a while on the test store (a cross product inside each document graph) but ends."""


def test_queued_queries_that_run_within_the_timeout_are_answered(store_path):
    workers = 2
    # the query's own time is measured first, on a server of its own; the timeout is then set well above
    # it, so that under a loaded machine a query that runs within it is not stopped, while the queue made
    # below keeps the last clients waiting several timeouts: only a timeout that counts the wait fails
    with running_server(store_path, limits=Limits(timeout=60, max_rows=MAX_ROWS), workers=1) as running:
        times = []
        for _ in range(4):  # the first run warms the store; the fastest of the others is the query's own time (a
            started = time.monotonic()  # busy machine only ever makes one slower, and a slow one makes the queue too short)
            assert httpx.post(running.url + "sparql", data={"query": SLOW}, timeout=60).status_code == 200
            times.append(time.monotonic() - started)
        alone = min(times[1:])
    timeout = max(1.0, 6 * alone)
    count = workers * (int(3 * timeout / alone) + 2)
    outcomes: list[tuple[int, float]] = []
    with running_server(store_path, limits=Limits(timeout=timeout, max_rows=MAX_ROWS), workers=workers) as running:
        endpoint = running.url + "sparql"

        def ask() -> None:
            begun = time.monotonic()
            response = httpx.post(endpoint, data={"query": SLOW}, timeout=120)
            outcomes.append((response.status_code, time.monotonic() - begun))

        clients = [threading.Thread(target=ask) for _ in range(count)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(120)
    assert [status for status, _ in outcomes] == [200] * count
    assert max(seconds for _, seconds in outcomes) > 1.2 * timeout, "no query waited past the timeout: the test shows nothing"


# --------------------------------------------------------------------------- updates


@pytest.fixture(scope="module")
def writable_server(store_path, tmp_path_factory) -> Iterator[KgServer]:
    copy = tmp_path_factory.mktemp("writable") / "store"
    shutil.copytree(store_path, copy)
    with running_server(copy, limits=Limits(timeout=TIMEOUT), allow_update=True, token=TOKEN) as running:
        yield running


def test_update_needs_the_token(writable_server):
    endpoint = writable_server.url + "sparql"
    update = {"update": "INSERT DATA { cgtid:lunaris-bio skos:prefLabel 'Lunaris Bio' }"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = httpx.post(endpoint, data=update, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
    ask = {"query": "ASK { cgtid:lunaris-bio ?p ?o }"}
    assert httpx.get(endpoint, params=ask, headers={"Accept": "text/csv"}).text.strip() == "false"


def test_update_with_the_token_changes_what_queries_see(writable_server):
    endpoint = writable_server.url + "sparql"
    search = writable_server.url + "api/search"
    assert httpx.get(search, params={"q": "lunaris"}).json() == []
    client = SPARQLWrapper(endpoint, updateEndpoint=endpoint)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { GRAPH <urn:test> { cgtid:lunaris-bio a cgt:Company ; skos:prefLabel 'Lunaris Bio'@en } }")
    assert client.query().response.status == 204
    reader = wrapper(endpoint, "SELECT ?label WHERE { cgtid:lunaris-bio skos:prefLabel ?label }", JSON)
    assert [b["label"]["value"] for b in reader.queryAndConvert()["results"]["bindings"]] == ["Lunaris Bio"]
    assert [hit["label"] for hit in httpx.get(search, params={"q": "lunaris"}).json()] == ["Lunaris Bio"]
    bad = httpx.post(endpoint, content=b"INSERT DATA { <http://a> }", headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400 and "error at 1:" in bad.text
    load = httpx.post(endpoint, data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert load.status_code == 400 and "LOAD is not allowed" in load.text


def test_service_description_lists_update_when_allowed(writable_server):
    graph = Graph().parse(data=httpx.get(writable_server.url + "sparql").text, format="turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in graph


# --------------------------------------------------------------------------- the protocol functions


@pytest.mark.parametrize(
    "accept, graph, expected",
    [
        (None, False, "application/sparql-results+json"),
        (None, True, "text/turtle"),
        ("application/json", False, "application/sparql-results+json"),
        ("text/csv", True, None),
        ("text/*", False, "text/csv"),
        ("application/n-triples;q=0.4, text/turtle;q=0.3", True, "application/n-triples"),
        ("text/tab-separated-values, */*;q=0.1", False, "text/tab-separated-values"),
        ("application/sparql-results+json;q=0", False, None),
    ],
)
def test_negotiate(accept, graph, expected):
    assert negotiate(accept, graph) == expected


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s <http://example.org/service#x> 'SERVICE' } # SERVICE",
        "SELECT ?service WHERE { ?service a cgt:LOAD }",
        'SELECT * WHERE { ?s ?p """ a LOAD\nSERVICE """ }',
    ],
)
def test_service_and_load_inside_names_and_strings_are_fine(query):
    refuse_remote_access(query)


@pytest.mark.parametrize("query", ["SELECT * { SERVICE <http://x> { ?s ?p ?o } }", "select * { service silent ?x { } }", "LOAD <http://x>", "INSERT DATA {};load <http://x>"])
def test_service_and_load_are_refused(query):
    with pytest.raises(ProtocolError):
        refuse_remote_access(query)


def test_read_operation_direct_post_keeps_dataset_parameters():
    operation = read_operation("POST", "application/sparql-query; charset=utf-8", [("named-graph-uri", "urn:g")], b"ASK {}")
    assert (operation.kind, operation.text, operation.named_graphs) == ("query", "ASK {}", ("urn:g",))


# --------------------------------------------------------------------------- the command


@pytest.fixture
def never_serves(monkeypatch):
    """For an in-process `kg serve` that must be refused: should it start serving instead, the test fails at once
    (rather than waiting for a server that never stops)."""

    def serve(server: KgServer) -> None:
        server.service.close()
        server.socket.close()
        raise AssertionError("kg serve started serving")

    monkeypatch.setattr(KgServer, "run", serve)


def test_serve_refuses_updates_without_a_token(store_path, never_serves, monkeypatch):
    monkeypatch.delenv("KG_SERVE_TOKEN", raising=False)
    process = run_kg("serve", "--store", store_path, "--allow-update", "--port", "0")
    assert process.returncode == 1
    assert process.stderr.strip().splitlines() == ["error: --allow-update needs a token: pass --token or set KG_SERVE_TOKEN"]


def test_serve_refuses_a_missing_store(tmp_path, never_serves):
    process = run_kg("serve", "--store", tmp_path / "nowhere", "--port", "0")
    assert process.returncode == 1
    assert "nowhere" in process.stderr and "kg build" in process.stderr and "Traceback" not in process.stderr


@pytest.mark.parametrize(
    "host, allow_update, warns",
    [("127.0.0.1", True, False), ("::1", True, False), ("localhost", True, False), ("0.0.0.0", False, False),
     ("0.0.0.0", True, True), ("192.168.1.20", True, True), ("kg.example.org", True, True)],
)
def test_exposure_warning(host, allow_update, warns):
    from kg.server import exposure_warning

    assert (exposure_warning(host, allow_update) is not None) == warns


def test_serve_command_answers_and_stops_on_ctrl_c(store_path):
    process = subprocess.Popen(
        [kg_executable(), "serve", "--store", str(store_path), "--port", "0", "--allow-update"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=kg_env(KG_SERVE_TOKEN=TOKEN),
    )
    try:
        banner = process.stdout.readline()
        assert "SPARQL endpoint" in banner and "updates need the token" in banner, banner
        port = int(banner.split("http://127.0.0.1:")[1].split("/")[0])
        response = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { cgtid:biogen ?p ?o }"}, headers={"Accept": "text/csv"})
        assert response.text.strip() == "true"
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
        errors = process.stderr.read()
        assert "warning" not in errors and "Traceback" not in errors, errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
