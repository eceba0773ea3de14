"""`kg serve`'s server answers queries while `kg build`, a process of its own, adds documents through it: no error,
no half document."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from conftest import run_kg, seeded_store
from test_server import running_server

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
PER_DOCUMENT = """
SELECT ?doc (COUNT(DISTINCT ?st) AS ?statements) WHERE {
  GRAPH ?doc { ?doc a cgt:Document . OPTIONAL { ?st a rdf:Statement } }
} GROUP BY ?doc
"""


BUILT = 6
"""Articles of corpus/ the build writes through the server: enough for many queries to run beside it."""


def snapshot(http: httpx.Client, url: str) -> dict[str, int]:
    response = http.post(url, data={"query": PER_DOCUMENT}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return {row["doc"]["value"]: int(row["statements"]["value"]) for row in response.json()["results"]["bindings"]}


def test_readers_see_whole_documents_while_a_build_writes_through_the_server(tmp_path):
    store = seeded_store(tmp_path / "store")
    articles = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".md", ".txt"))[:BUILT]
    first = articles[:1]
    assert run_kg("build", *first, "--store", store, "--model", "rules").returncode == 0
    env = dict(os.environ, KG_STORE_TOKEN="s3cret")
    with running_server(store, allow_update=True, token="s3cret") as server, httpx.Client(timeout=60) as http:
        url = server.url + "sparql"
        before = snapshot(http, url)
        assert len(before) == 1
        build = subprocess.Popen([KG, "build", *map(str, articles), "--store", url, "--model", "rules"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        seen = []
        while build.poll() is None:
            seen.append(snapshot(http, url))
        out, err = build.communicate()
        assert build.returncode == 0, err
        final = snapshot(http, url)
    assert len(final) == len(articles)
    assert len(seen) >= 2, "the build ended before any query ran beside it"
    counts = [len(s) for s in seen]
    assert counts == sorted(counts), "a document disappeared while the build ran"
    for view in seen:
        for document, statements in view.items():
            assert statements == final[document], f"{document} was seen half written"
