"""Fuzzing the SPARQL endpoint: random query strings, parameters and headers never give a 500 or a crash."""

from __future__ import annotations

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.sparql import Limits
from test_server import build_test_store, running_server

SPARQL_WORDS = st.sampled_from([
    "SELECT", "*", "WHERE", "{", "}", "?s", "?p", "?o", "CONSTRUCT", "ASK", "DESCRIBE", "FILTER", "(", ")", "OPTIONAL",
    "UNION", "GRAPH", "cgt:Company", "a", ".", ";", "LIMIT", "10", "ORDER BY", "COUNT", "GROUP BY", "<", ">", '"x"',
    "INSERT DATA", "DELETE", "PREFIX", "cgtid:biogen", "BIND", "VALUES", "SERVICE", "<http://example.org/>", "\u0000", "é",
])
QUERY_TEXT = st.one_of(st.text(max_size=300), st.lists(SPARQL_WORDS, max_size=25).map(" ".join))
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
ACCEPT = st.one_of(st.none(), HEADER_TEXT, st.sampled_from([
    "application/sparql-results+json", "text/csv", "text/turtle", "*/*", "application/xml;q=0.1, text/html", ";;;q=x",
]))
CONTENT_TYPE = st.one_of(st.none(), HEADER_TEXT, st.sampled_from([
    "application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update", "multipart/form-data",
]))
PARAM_NAMES = st.sampled_from(["query", "update", "default-graph-uri", "named-graph-uri", "format", "x", ""])


def test_random_requests_never_fail_the_server(tmp_path_factory, rules_nlp):
    location = build_test_store(tmp_path_factory.mktemp("fuzz"), rules_nlp)
    with running_server(location, limits=Limits(timeout=2.0)) as server, httpx.Client(base_url=server.url, timeout=30) as http:

        @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(
            method=st.sampled_from(["GET", "POST"]),
            params=st.lists(st.tuples(PARAM_NAMES, QUERY_TEXT), max_size=3),
            body=st.one_of(QUERY_TEXT, st.binary(max_size=200)),
            accept=ACCEPT,
            content_type=CONTENT_TYPE,
        )
        def one_request(method, params, body, accept, content_type):
            headers = {}
            if accept and accept.strip():
                headers["Accept"] = accept.strip()
            if content_type and content_type.strip():
                headers["Content-Type"] = content_type.strip()
            payload = body.encode("utf-8") if isinstance(body, str) else body
            response = http.request(method, "/sparql", params=params, headers=headers,
                                    content=payload if method == "POST" else None)
            assert response.status_code < 500 or response.status_code == 503, (response.status_code, response.text[:300])

        one_request()
        assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200
