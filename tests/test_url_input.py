"""`kg build URL`: a page served on loopback is fetched, kept with its address and built like a file;
no network, a refusal and a wrong content type each give one line."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import opened, run_kg, seeded_store, stderr_lines
from kg.store import stored_documents

PAGE = b"""<html><head><title>Gilead buys Kite</title></head><body><nav>Home | News</nav><article>
<p>Gilead Sciences acquired Kite Pharma in 2017 for USD 11.9 billion, adding a CAR T-cell therapy maker.</p>
<p>Yescarta, developed by Kite Pharma, was approved by the FDA in 2017.</p></article></body></html>"""


class Pages(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/news/kite":
            body, kind, status = PAGE, "text/html; charset=utf-8", 200
        elif self.path == "/image":
            body, kind, status = b"\x89PNG", "image/png", 200
        else:
            body, kind, status = b"not here", "text/plain", 404
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_cache(tmp_path, monkeypatch):
    """$KG_WEB_CACHE for the in-process `kg build` of this test (read at each fetch)."""
    monkeypatch.setenv("KG_WEB_CACHE", str(tmp_path / "web"))
    return tmp_path / "web"


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_url_is_fetched_kept_and_built_once(site, tmp_path, web_cache):
    store = seeded_store(tmp_path / "store")
    first = run_kg("build", f"{site}/news/kite", "--store", store, "--model", "rules")
    assert first.returncode == 0, first.stderr
    again = run_kg("build", f"{site}/news/kite", "--store", store, "--model", "rules")
    assert "0 new, 0 changed, 1 unchanged" in again.stdout
    with opened(store) as graph_store:
        (document,) = stored_documents(graph_store)
        sources = [str(r[0]) for r in graph_store.query(f"SELECT ?u WHERE {{ <{document.iri}> dcterms:source ?u }}")]
        title = str(next(iter(graph_store.query(f"SELECT ?t WHERE {{ <{document.iri}> dcterms:title ?t }}")))[0])
    assert sources == [f"{site}/news/kite"] and title == "Gilead buys Kite"
    assert document.path.startswith(str(web_cache))


@pytest.mark.parametrize("path, message", [("/missing", "answered 404"), ("/image", "image/png")])
def test_a_refused_or_wrong_page_is_one_line(site, tmp_path, web_cache, path, message):
    process = run_kg("build", f"{site}{path}", "--store", tmp_path / "store", "--model", "rules")
    assert process.returncode == 1 and len(stderr_lines(process)) == 1 and message in process.stderr


def test_no_network_is_said_clearly(tmp_path, web_cache):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = run_kg("build", f"http://127.0.0.1:{port}/news", "--store", tmp_path / "store", "--model", "rules")
    assert process.returncode == 1 and len(stderr_lines(process)) == 1
    assert "cannot connect" in process.stderr and "http://127.0.0.1" in process.stderr
