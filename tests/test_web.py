"""The web explorer of `kg serve`: pages over a real server (httpx), and a walk through them in
headless Chromium (Playwright driving the Debian chromium package) that leaves screenshots in out/."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Literal

from kg.server import KgServer
from kg.sparql import Limits
from kg.store import open_store
from test_server import ARTICLES, build_test_store, running_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "out"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HOSTILE_LABEL = '<img src=x onerror="window.__xss=3">Evil Bio'
HOSTILE_ALIAS = "</script><script>window.__xss=4</script>"
RAW_MARKUP = ("<script>window.__xss", "<img src=x", "<b>news</b>")
HOSTILE_DOCUMENT = "/document/" + hashlib.sha256(ARTICLES["hostile.md"].encode("utf-8")).hexdigest()
DEALS_DOCUMENT = "/document/" + hashlib.sha256(ARTICLES["deals.md"].encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def server(tmp_path_factory, rules_nlp) -> Iterator[KgServer]:
    """The explorer over the test articles, plus an entity whose label and alias are markup."""
    location = build_test_store(tmp_path_factory.mktemp("web"), rules_nlp)
    store = open_store(str(location), create=False)
    try:
        store.update(
            "INSERT DATA { GRAPH <urn:hostile> { cgtid:evil-bio a cgt:Company ; "
            f"skos:prefLabel {Literal(HOSTILE_LABEL, lang='en').n3()} ; skos:altLabel {Literal(HOSTILE_ALIAS, lang='en').n3()} ; "
            "cgt:collaboratesWith cgtid:kite-pharma } }"
        )
    finally:
        store.close()
    with running_server(location, limits=Limits(timeout=10, max_rows=1000)) as running:
        yield running


def fetch(server: KgServer, path: str, **params) -> httpx.Response:
    """GET a path of the server (an empty `params` would make httpx drop the query string of `path`)."""
    return httpx.get(server.url.rstrip("/") + path, params=params or None, timeout=30)


# --------------------------------------------------------------------------- pages, over HTTP


def test_query_page_runs_a_canned_query(server):
    page = fetch(server, "/", canned="collaborations")
    assert page.status_code == 200
    assert "Which companies collaborate" in page.text
    assert '<a href="/entity/biogen"' in page.text and '<a href="/entity/ginkgo-bioworks"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_query_page_lists_every_canned_query(server):
    from kg.queries import canned_queries

    page = fetch(server, "/").text
    for canned in canned_queries():
        assert f'<option value="{canned.name}"' in page


def test_iri_results_link_to_entity_and_document_pages(server):
    page = fetch(server, "/", query="SELECT ?a ?doc WHERE { GRAPH ?doc { ?a cgt:acquires cgtid:avexis } }").text
    assert '<a href="/entity/novartis" title="https://w3id.org/cgt-kg/id/novartis">Novartis</a>' in page
    assert f'<a href="{DEALS_DOCUMENT}"' in page


@pytest.mark.parametrize(
    "query",
    [
        "CONSTRUCT { ?a <https://w3id.org/cgt-kg/ontology#acquires> ?t } WHERE { ?a cgt:acquires ?t }",
        "SELECT ?s ?p ?o WHERE { VALUES ?p { cgt:acquires } ?s ?p ?o }",
    ],
    ids=["construct", "select-spo"],
)
def test_edge_results_are_drawn_by_the_viz_page(server, query):
    page = fetch(server, "/", query=query).text
    frame = re.search(r'<iframe class="network" src="([^"]+)"', page)
    assert frame, "no network for an edge result"
    network = fetch(server, frame.group(1).replace("&amp;", "&"))
    assert network.status_code == 200
    assert "new vis.Network" in network.text and "AveXis" in network.text
    assert "frame-ancestors 'self'" in network.headers["content-security-policy"]


def test_other_results_have_no_network(server):
    assert "<iframe" not in fetch(server, "/", canned="acquisitions").text


def test_network_query_is_never_a_file_name(server):
    page = fetch(server, "/network", query="/etc/passwd")
    assert page.status_code == 400
    assert "root:" not in page.text and "SPARQL syntax error" in page.text


def test_bad_query_shows_the_parser_message(server):
    page = fetch(server, "/", query="SELECT * WHERE { ?s ?p } </textarea><script>window.__xss=5</script>")
    assert page.status_code == 400
    assert "error at 1:" in page.text
    assert "</textarea><script>" not in page.text


def test_entity_page_shows_facts_with_evidence_and_sources(server):
    page = fetch(server, "/entity/avexis")
    assert page.status_code == 200
    text = page.text
    assert "<h1>AveXis" in text and ">Company<" in text
    assert "Novartis acquired AveXis for USD 8.7 billion in 2018." in text
    assert f'<a href="{DEALS_DOCUMENT}"' in text
    assert "DealValue" in text and "8,700,000,000" in text
    assert 'src="/network/entity/avexis"' in text
    neighbourhood = fetch(server, "/network/entity/avexis")
    assert neighbourhood.status_code == 200 and "Novartis" in neighbourhood.text


def test_entity_page_shows_aliases(server):
    hits = fetch(server, "/api/search", q="FDA").json()
    fda = next(h for h in hits if h["alias"] == "FDA")
    page = fetch(server, fda["url"]).text
    assert '<span class="alias">FDA</span>' in page
    assert "Yescarta" in page


def test_document_page_marks_the_evidence(server):
    page = fetch(server, DEALS_DOCUMENT)
    assert page.status_code == 200
    assert "<h1>Biogen and Ginkgo Bioworks team up on AAV manufacturing</h1>" in page.text
    assert "<mark>Novartis acquired AveXis for USD 8.7 billion in 2018.</mark>" in page.text


@pytest.mark.parametrize("path", ["/entity/no-such-thing", "/entity/..%2F..%2Fetc%2Fpasswd", "/entity/Biogen", "/document/123", "/network/entity/no-such-thing"])
def test_unknown_pages_are_404(server, path):
    assert fetch(server, path).status_code == 404


def test_search_suggests_labels_and_aliases(server):
    hits = fetch(server, "/api/search", q="ginkgo").json()
    assert hits[0] == {"label": "Ginkgo Bioworks", "cls": "Company", "url": "/entity/ginkgo-bioworks", "alias": None}
    assert fetch(server, "/api/search", q="").json() == []
    page = fetch(server, "/search", q="kite").text
    assert '<a href="/entity/kite-pharma">Kite Pharma</a>' in page


@pytest.mark.parametrize(
    "path, params",
    [
        ("/", {"canned": "acquisitions"}),
        ("/", {"query": "SELECT ?label ?alias WHERE { cgtid:evil-bio skos:prefLabel ?label ; skos:altLabel ?alias }"}),
        ("/entity/kite-pharma", {}),
        ("/entity/evil-bio", {}),
        (HOSTILE_DOCUMENT, {}),
        ("/search", {"q": "evil"}),
    ],
)
def test_text_from_articles_is_escaped(server, path, params):
    page = fetch(server, path, **params)
    assert page.status_code == 200
    for markup in RAW_MARKUP:
        assert markup not in page.text, (markup, path)
    assert "&lt;" in page.text


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("the Debian chromium package is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None)
    opened.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield opened
    context.close()
    assert not problems, problems


def network_ready(page, timeout: float = 30_000) -> None:
    page.frame_locator("iframe.network").locator("body[data-state=ready]").wait_for(state="attached", timeout=timeout)


def test_browser_runs_a_canned_query_and_opens_an_entity(page):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto("/")
    with page.expect_navigation():
        page.select_option("#canned", "collaborations")
    page.wait_for_selector("table.result")
    assert page.locator("h1").inner_text() == "Which companies collaborate, on what, and when (one row per deal)?"
    assert "Ginkgo Bioworks" in page.locator("table.result").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "serve-query.png"), full_page=True)

    with page.expect_navigation():
        page.locator("table.result a", has_text="Biogen").first.click()
    assert page.url.endswith("/entity/biogen")
    assert page.locator("h1").inner_text().startswith("Biogen")
    assert "formed a collaboration in May 2021" in page.locator("table.facts").inner_text()
    network_ready(page)
    page.screenshot(path=str(SCREENSHOTS / "serve-entity.png"), full_page=True)

    with page.expect_navigation():
        page.locator("table.facts a", has_text="Biogen and Ginkgo Bioworks team up").first.click()
    assert page.locator("mark", has_text="Novartis acquired AveXis").count() == 1


def test_browser_search_box_suggests_and_opens(page):
    page.goto("/")
    page.locator("#search").press_sequentially("ginkg", delay=20)
    suggestion = page.locator("#suggestions a", has_text="Ginkgo Bioworks")
    suggestion.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "serve-search.png"))
    with page.expect_navigation():
        suggestion.click()
    assert page.url.endswith("/entity/ginkgo-bioworks")


def test_browser_draws_a_construct_result(page):
    page.goto("/?" + httpx.QueryParams({"query": "CONSTRUCT { ?a cgt:acquires ?t } WHERE { ?a cgt:acquires ?t }"}).__str__())
    network_ready(page)
    labels = page.frame_locator("iframe.network").locator("body").evaluate("() => window.kgNetwork.body.data.nodes.get().map(n => n.label)")
    assert {"Novartis", "AveXis", "Gilead Sciences", "Kite Pharma"} <= set(labels)


def test_browser_never_runs_markup_from_the_graph(page):
    for path in (HOSTILE_DOCUMENT, "/entity/evil-bio", "/entity/kite-pharma", "/?canned=acquisitions"):
        page.goto(path)
        if page.locator("iframe.network").count():
            network_ready(page)
        assert page.evaluate("() => window.__xss") is None, path
        for frame in page.frames:
            assert frame.evaluate("() => window.__xss") is None, path
    page.locator("#search").press_sequentially("evil", delay=20)
    page.locator("#suggestions a").first.wait_for()
    assert page.locator("#suggestions a").first.inner_text() == HOSTILE_LABEL
    assert page.evaluate("() => window.__xss") is None
