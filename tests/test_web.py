"""The web explorer of `kg serve`: pages over a real server (httpx), and a walk through them in
headless Chromium (Playwright driving the Debian chromium package) that leaves screenshots in out/."""

from __future__ import annotations

import hashlib
import json
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
    page = fetch(server, "/query", canned="collaborations")
    assert page.status_code == 200
    assert "Which companies collaborate" in page.text
    assert '<a href="/entity/biogen"' in page.text and '<a href="/entity/ginkgo-bioworks"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_query_page_lists_every_canned_query(server):
    from kg.queries import canned_queries

    page = fetch(server, "/query").text
    for canned in canned_queries():
        assert f'<option value="{canned.name}"' in page


def test_iri_results_link_to_entity_and_document_pages(server):
    page = fetch(server, "/query", query="SELECT ?a ?doc WHERE { GRAPH ?doc { ?a cgt:acquires cgtid:avexis } }").text
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
    page = fetch(server, "/query", query=query).text
    frame = re.search(r'<iframe class="network" src="([^"]+)"', page)
    assert frame, "no network for an edge result"
    network = fetch(server, frame.group(1).replace("&amp;", "&"))
    assert network.status_code == 200
    assert "new vis.Network" in network.text and "AveXis" in network.text
    assert "frame-ancestors 'self'" in network.headers["content-security-policy"]


def test_other_results_have_no_network(server):
    assert "<iframe" not in fetch(server, "/query", canned="acquisitions").text


def test_network_query_is_never_a_file_name(server):
    page = fetch(server, "/network", query="/etc/passwd")
    assert page.status_code == 400
    assert "root:" not in page.text and "SPARQL syntax error" in page.text


def test_bad_query_shows_the_parser_message(server):
    page = fetch(server, "/query", query="SELECT * WHERE { ?s ?p } </textarea><script>window.__xss=5</script>")
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


@pytest.mark.parametrize("path", ["/entity/no-such-thing", "/entity/..%2F..%2Fetc%2Fpasswd", "/entity/Biogen", "/document/123", "/network/entity/no-such-thing",
                                  "/record/0123456789abcdef01234567", "/record/..%2Fetc", "/record/xyz"])
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
        ("/", {}),
        ("/query", {"canned": "acquisitions"}),
        ("/query", {"query": "SELECT ?label ?alias WHERE { cgtid:evil-bio skos:prefLabel ?label ; skos:altLabel ?alias }"}),
        ("/browse/Company", {}),
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


# --------------------------------------------------------------------------- the explorer: home, browse, downloads, charts, suggestions


def test_home_gives_an_overview_with_links(server):
    page = fetch(server, "/")
    assert page.status_code == 200
    text = page.text
    assert f'<a href="{DEALS_DOCUMENT}"' in text and "Biogen and Ginkgo Bioworks team up on AAV manufacturing" in text
    assert 'href="/browse/Company"' in text and 'href="/browse/Deal"' in text
    assert 'href="/charts"' in text and 'href="/query"' in text and 'href="/graph"' in text
    latest = text.split("Latest deals and regulatory events")[1].split("</table>")[0]
    assert "Acquisition" in latest and '<a href="/entity/novartis"' in latest and "2018" in latest
    companies = text.split("Most connected companies")[1].split("</table>")[0]
    assert '<a href="/entity/novartis"' in companies and 'href="/network/entity/novartis"' in companies


@pytest.mark.parametrize("view", ["graph", "deals"])
def test_network_pictures_of_the_whole_graph(server, view):
    frame = fetch(server, "/graph", view=view)
    assert frame.status_code == 200 and f'src="/network/{view}"' in frame.text
    network = fetch(server, f"/network/{view}")
    assert network.status_code == 200
    assert "new vis.Network" in network.text and "AveXis" in network.text
    assert "frame-ancestors 'self'" in network.headers["content-security-policy"]


def test_old_query_links_go_on_to_the_query_page(server):
    page = fetch(server, "/", canned="acquisitions")
    assert page.status_code == 303 and page.headers["location"] == "/query?canned=acquisitions"


def test_browse_filters_are_drawn_from_the_graph(server):
    page = fetch(server, "/browse/Deal")
    assert page.status_code == 200
    assert '<option value="https://w3id.org/cgt-kg/ontology#Acquisition">Acquisition (2)</option>' in page.text
    narrowed = fetch(server, "/browse/Deal", kind="https://w3id.org/cgt-kg/ontology#Acquisition", year="2018").text
    rows = narrowed.split("<tbody>")[1].split("</tbody>")[0]
    assert '<a href="/entity/avexis" title="https://w3id.org/cgt-kg/id/avexis">AveXis</a> | <a href="/entity/novartis"' in rows
    assert "Kite" not in rows and "8,700,000,000" in rows
    ignored = fetch(server, "/browse/Deal", kind="not-in-the-graph").text
    assert "Kite" in ignored.split("<tbody>")[1]
    assert "no Deal here has deal kind “not-in-the-graph”, so the list is not narrowed by it" in ignored


def test_browse_filters_take_labels_and_suggest_close_values(server):
    by_label = fetch(server, "/browse/Deal", kind="acquisition", year="2018").text
    assert "AveXis" in by_label.split("<tbody>")[1] and "Kite" not in by_label.split("<tbody>")[1]
    assert '<option value="https://w3id.org/cgt-kg/ontology#Acquisition" selected>' in by_label
    typo = fetch(server, "/browse/Deal", kind="Acquisiton", year="2018").text
    assert "did you mean <a href=\"/browse/Deal?kind=https%3A%2F%2Fw3id.org%2Fcgt-kg%2Fontology%23Acquisition&amp;year=2018\">Acquisition</a>?" in typo


def test_browse_an_unknown_type_suggests_one(server):
    page = fetch(server, "/browse/Compnay")
    assert page.status_code == 404
    assert "did you mean Company?" in page.text and '<a href="/browse/Company">' in page.text


def test_query_downloads_are_raw_values(server):
    listed = fetch(server, "/query.csv", canned="acquisitions")
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("text/csv")
    assert 'filename="acquisitions.csv"' in listed.headers["content-disposition"]
    lines = listed.text.splitlines()
    assert lines[0].startswith("acquirer,target,value_usd")
    assert "Novartis,AveXis,8700000000," in listed.text
    records = fetch(server, "/query.json", query="SELECT ?a ?v WHERE { ?a cgt:acquires cgtid:avexis . BIND (8700000000 AS ?v) }").json()
    assert records == [{"a": "https://w3id.org/cgt-kg/id/novartis", "v": 8700000000}]
    assert fetch(server, "/query.json", query="ASK { ?s ?p ?o }").json() == {"boolean": True}
    assert fetch(server, "/query.xml", canned="acquisitions").status_code == 404


def test_browse_downloads_keep_the_filters(server):
    page = fetch(server, "/browse/Deal", year="2017").text
    assert 'href="/browse/Deal.csv?year=2017"' in page
    listed = fetch(server, "/browse/Deal.csv", year="2017").text.splitlines()
    assert listed[0] == "date,kind,parties,value_usd,status,sources"
    assert len(listed) == 2 and "Gilead Sciences | Kite Pharma" in listed[1] and ",11900000000," in listed[1]


def test_each_name_in_a_list_links_to_its_entity(server):
    rows = fetch(server, "/query", canned="deals", company="Novartis").text.split("<tbody>")[1].split("</tbody>")[0]
    assert '<a href="/entity/avexis" title="https://w3id.org/cgt-kg/id/avexis">AveXis (target)</a> | <a href="/entity/novartis"' in rows
    listed = fetch(server, "/query.csv", canned="deals", company="Novartis").text
    assert "AveXis (target) | Novartis (acquirer)" in listed  # downloads keep the value as it is


def test_numbers_are_formatted_in_pages_and_raw_for_sorting(server):
    page = fetch(server, "/query", canned="acquisitions").text
    assert '<td class="number" data-sort="8700000000.0">8,700,000,000</td>' in page


@pytest.mark.parametrize("name", ["market_size", "deals", "regulatory"])
def test_charts_have_data_from_their_canned_queries(server, name):
    chart = fetch(server, f"/api/chart/{name}").json()
    assert chart["name"] == name and chart["query"]
    data = chart["data"]
    points = {"market_size": lambda: sum(len(s["points"]) for s in data["series"]),
              "deals": lambda: sum(sum(k["deals"]) for k in data["kinds"]),
              "regulatory": lambda: len(data["points"])}[name]()
    assert points > 0, data
    assert fetch(server, "/api/chart/nothing").status_code == 404


def test_schema_lists_our_classes_and_predicates_with_comments(server):
    schema = fetch(server, "/api/schema").json()
    acquires = next(t for t in schema["predicates"] if t["name"] == "cgt:acquires")
    assert acquires["comment"].startswith("A company buys") and acquires["domain"] == "cgt:Company"
    assert any(t["name"] == "cgt:Company" for t in schema["classes"])
    assert schema["prefixes"]["cgt"] == "https://w3id.org/cgt-kg/ontology#"


@pytest.mark.parametrize("typed, meant", [("Biogn", "Biogen"), ("ginko bioworks", "Ginkgo Bioworks"), ("Gilaed Sciences", "Gilead Sciences")])
def test_search_forgives_typos(server, typed, meant):
    hits = fetch(server, "/api/search", q=typed).json()
    assert hits and hits[0]["label"] == meant


def test_an_unknown_entity_suggests_close_ones(server):
    page = fetch(server, "/entity/biogn")
    assert page.status_code == 404
    assert "did you mean Biogen?" in page.text and '<a href="/entity/biogen">Biogen</a>' in page.text


def test_a_misspelled_canned_query_suggests_the_name(server):
    page = fetch(server, "/query", canned="colaborations")
    assert page.status_code == 404
    assert "did you mean collaborations?" in page.text and 'href="/query?canned=collaborations"' in page.text


def test_canned_parameters_are_form_fields(server):
    page = fetch(server, "/query", canned="deals", company="Novartis")
    assert page.status_code == 200
    assert '<input name="company" value="Novartis"' in page.text and '<input name="since" value=""' in page.text
    rows = page.text.split("<tbody>")[1].split("</tbody>")[0]
    assert "AveXis" in rows and "Kite" not in rows
    bad = fetch(server, "/query", canned="deals", since="last year")
    assert bad.status_code == 400 and "takes a whole number" in bad.text


def test_an_unknown_prefix_is_one_readable_line(server):
    page = fetch(server, "/query", query="SELECT * WHERE { ?s cgtx:acquires ?o }")
    assert page.status_code == 400
    error = page.text.split('class="error" role="alert">')[1].split("</p>")[0]
    assert error.startswith("unknown prefix &#39;cgtx:&#39; at 1:21; did you mean cgt:?")
    assert "\\u{" not in error and "..=" not in error and "\n" not in error


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
    page.goto("/query")
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
    page.goto("/query?" + str(httpx.QueryParams({"query": "CONSTRUCT { ?a cgt:acquires ?t } WHERE { ?a cgt:acquires ?t }"})))
    network_ready(page)
    labels = page.frame_locator("iframe.network").locator("body").evaluate("() => window.kgNetwork.body.data.nodes.get().map(n => n.label)")
    assert {"Novartis", "AveXis", "Gilead Sciences", "Kite Pharma"} <= set(labels)


def test_browser_never_runs_markup_from_the_graph(page):
    for path in (HOSTILE_DOCUMENT, "/entity/evil-bio", "/entity/kite-pharma", "/query?canned=acquisitions", "/", "/browse/Company"):
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


# --------------------------------------------------------------------------- the explorer in a browser


@pytest.fixture(scope="module")
def demo_server(built_store) -> Iterator[KgServer]:
    """The explorer over the demo graph (corpus/ built once per session)."""
    with running_server(built_store.path, limits=Limits(timeout=20, max_rows=1000)) as running:
        yield running


@pytest.fixture
def demo_page(browser, demo_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=demo_server.url, accept_downloads=True)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None)
    yield opened
    context.close()
    assert not problems, problems


def test_browser_home_shows_the_demo_graph(demo_page, built_store):
    from conftest import opened
    from kg.web.overview import COMPANIES_QUERY

    with opened(built_store.path, read_only=True) as store:
        best_connected = str(next(iter(store.query(COMPANIES_QUERY)))[0])
    demo_page.goto("/")
    counts = {card.locator("span").inner_text(): int(card.locator("strong").inner_text().replace(",", ""))
              for card in demo_page.locator(".count-card").all()}
    assert counts["Documents"] == 18 and counts["Company"] > 50 and counts["Deals"] > 5
    assert demo_page.locator("table.documents tbody tr").count() == 18
    assert demo_page.locator("table.latest tbody tr").count() > 5
    first = demo_page.locator("table.companies tbody tr").first.locator("a").first
    assert first.get_attribute("href").rstrip("/").endswith(best_connected.rsplit("/", 1)[-1])  # the best connected company leads
    demo_page.screenshot(path=str(SCREENSHOTS / "explorer-home.png"))
    with demo_page.expect_navigation():
        demo_page.locator("table.documents tbody a").first.click()
    assert "/document/" in demo_page.url and demo_page.locator("mark").count() > 0


def test_browser_charts_draw_with_data(demo_page):
    demo_page.goto("/charts")
    for name in ("market_size", "deals", "regulatory", "pipeline"):
        demo_page.locator(f"section[data-chart={name}][data-state=drawn]").wait_for(timeout=15_000)
        points = demo_page.evaluate(f"() => window.kgCharts.{name}.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0)")
        assert points > 0, name
        painted = demo_page.evaluate(f"""() => {{
            const canvas = document.getElementById("chart-{name}");
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let drawn = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn += 1;
            return drawn;
        }}""")
        assert painted > 1000, name
    notes = demo_page.locator("section[data-chart=market_size] .chart-notes").inner_text()
    assert "Sources disagree on the global cell and gene therapy market in 2023" in notes
    demo_page.screenshot(path=str(SCREENSHOTS / "explorer-charts.png"), full_page=True)


def test_browser_downloads_a_csv(demo_page, tmp_path):
    demo_page.goto("/query?canned=acquisitions")
    with demo_page.expect_download() as pending:
        demo_page.locator("a.download", has_text="CSV").click()
    saved = tmp_path / pending.value.suggested_filename
    pending.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert pending.value.suggested_filename == "acquisitions.csv"
    assert lines[0].startswith("acquirer,target,value_usd")
    assert any(line.startswith("Novartis,AveXis,8700000000") for line in lines)
    with demo_page.expect_download() as pending:
        demo_page.locator("a.download", has_text="JSON").click()
    assert pending.value.suggested_filename == "acquisitions.json"
    records = json.loads(Path(pending.value.path()).read_text(encoding="utf-8"))
    assert {"acquirer": "Novartis", "target": "AveXis", "value_usd": 8700000000} in [
        {key: record[key] for key in ("acquirer", "target", "value_usd")} for record in records]


def test_browser_editor_completes_our_predicates(demo_page):
    demo_page.goto("/query")
    editor = demo_page.locator(".cm-content")
    editor.wait_for()
    editor.click()
    demo_page.keyboard.press("Control+a")
    demo_page.keyboard.press("Delete")
    demo_page.keyboard.type("SELECT ?a ?t WHERE { ?a cgt:acq", delay=30)
    option = demo_page.locator(".cm-tooltip-autocomplete li", has_text="cgt:acquires")
    option.wait_for(timeout=10_000)
    assert demo_page.locator(".cm-tooltip-autocomplete").inner_text().count("cgt:acqui") >= 1
    demo_page.screenshot(path=str(SCREENSHOTS / "explorer-editor.png"))
    option.click()
    demo_page.keyboard.type(" ?t }", delay=10)
    assert demo_page.evaluate("() => window.kgEditor.state.doc.toString()") == "SELECT ?a ?t WHERE { ?a cgt:acquires ?t }"
    keyword = demo_page.locator(".cm-line span", has_text="SELECT").first
    assert keyword.evaluate("(span) => getComputedStyle(span).color") != editor.evaluate("(e) => getComputedStyle(e).color"), "no syntax highlighting"
    with demo_page.expect_navigation():
        demo_page.keyboard.press("Control+Enter")
    assert "Novartis" in demo_page.locator("table.result").inner_text()
    history = demo_page.locator("#history button.history-entry").all_inner_texts()
    assert history and history[0].startswith("SELECT ?a ?t WHERE { ?a cgt:acquires ?t }")


def test_browser_a_sort_click_reorders_rows(demo_page):
    demo_page.goto("/query?canned=acquisitions")
    table = demo_page.locator("table.result")
    column = [c.inner_text().strip() for c in table.locator("thead th").all()].index("value_usd")

    def values() -> list[float]:
        texts = table.locator(f"tbody tr td:nth-child({column + 1})").all_inner_texts()
        return [float(text.replace(",", "")) for text in texts if text.strip()]

    before = values()
    table.locator("thead th button", has_text="value_usd").click()
    ascending = values()
    table.locator("thead th button", has_text="value_usd").click()
    descending = values()
    assert ascending == sorted(before) and descending == sorted(before, reverse=True) and ascending != before
    assert table.locator("thead th[aria-sort=descending]").inner_text().startswith("value_usd")


def test_browser_browse_filters_and_pages(demo_page):
    demo_page.goto("/browse/Company")
    rows = demo_page.locator("table.result tbody tr:visible")
    assert rows.count() == 50
    assert "page 1 of" in demo_page.locator(".pager").inner_text()
    demo_page.locator(".pager button", has_text="next").click()
    assert "page 2 of" in demo_page.locator(".pager").inner_text()
    with demo_page.expect_navigation():
        demo_page.select_option("select[name=jurisdiction]", value="https://w3id.org/cgt-kg/id/switzerland")
        demo_page.locator("form.filters button").click()
    assert "jurisdiction=" in demo_page.url
    assert demo_page.locator("table.result tbody a", has_text="Novartis").count() == 1
    demo_page.screenshot(path=str(SCREENSHOTS / "explorer-browse.png"))


def test_search_finds_aliases_and_typos_in_the_demo_graph(demo_server):
    kymriah = fetch(demo_server, "/api/search", q="tisagenlecleucel").json()[0]
    assert (kymriah["label"], kymriah["alias"]) == ("Kymriah", "tisagenlecleucel")
    assert fetch(demo_server, "/api/search", q="Kymriah").json()[0]["label"] == "Kymriah"
    assert fetch(demo_server, "/api/search", q="Biogn").json()[0]["label"] == "Biogen"
    assert fetch(demo_server, "/api/search", q="Novartsi").json()[0]["label"] == "Novartis"


def test_browse_without_a_type_goes_to_companies(server):
    page = fetch(server, "/browse")
    assert page.status_code == 303 and page.headers["location"] == "/browse/Company"


def test_history_keeps_only_the_queries_that_ran(browser, demo_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=demo_server.url)
    demo_page = context.new_page()  # its own page: the misspelled name and the bad prefix are answered 404 and 400, as they should be
    errors: list[str] = []
    demo_page.on("pageerror", lambda error: errors.append(str(error)))
    for path in ("/query", "/query?canned=colaborations", "/query?canned=acquisitions", "/query?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20cgtx%3Aa%20%3Fo%20%7D"):
        demo_page.goto(path)
        demo_page.locator(".cm-editor").wait_for()
    history = demo_page.locator("#history button.history-entry").all_inner_texts()
    assert len(history) == 2, history  # not the example the page opens with, nor a misspelled canned name
    assert history[0].startswith("SELECT * WHERE { ?s cgtx:a ?o }")
    assert history[1].startswith("acquisitions: SELECT") and "# " not in history[1] and "PREFIX" not in history[1]
    demo_page.locator("#history button.history-entry").nth(1).click()
    assert demo_page.evaluate("() => window.kgEditor.state.doc.toString()").startswith("# Which")
    context.close()
    assert not errors, errors


NOVARTIS = "https://w3id.org/cgt-kg/id/novartis"
AVEXIS = "https://w3id.org/cgt-kg/id/avexis"


def frame_of(page, path: str):
    page.frame_locator("iframe.network").locator("body[data-state=ready]").wait_for(state="attached", timeout=60_000)
    return next(f for f in page.frames if f.url.endswith(path))


def on_screen(page, frame, node: str) -> tuple[float, float]:
    """Where a node of the network frame is drawn, in the explorer page's coordinates."""
    box = page.locator("iframe.network").bounding_box()
    x, y = frame.evaluate("""id => { const r = document.getElementById("network").getBoundingClientRect();
      const p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]); return [r.left + p.x, r.top + p.y]; }""", node)
    return box["x"] + x, box["y"] + y


def test_browser_company_focus_view_in_the_explorer(demo_page):
    """The entity page of a company at 1400x900: the company in the middle of its picture with its partners,
    products and deals, no country node, labels legible, and a click lists a node's facts beside the picture."""
    demo_page.goto("/entity/novartis")
    frame = frame_of(demo_page, "/network/entity/novartis")
    nodes = {n["id"]: n for n in frame.evaluate("() => kgNetwork.body.data.nodes.get().map(n => ({id: n.id, label: n.label, cls: n.cls, hub: n.hub}))")}
    labels = {n["label"] for n in nodes.values()}
    assert {"Novartis", "AveXis", "Zolgensma", "Kymriah"} <= labels, labels
    assert "Switzerland" not in labels and not any(n["hub"] for n in nodes.values())
    canvas = demo_page.locator("iframe.network").bounding_box()
    network_box = frame.evaluate("() => { const r = document.getElementById('network').getBoundingClientRect(); return [r.left, r.width, r.top, r.height]; }")
    x, y = on_screen(demo_page, frame, NOVARTIS)
    assert abs(x - (canvas["x"] + network_box[0] + network_box[1] / 2)) < 0.1 * network_box[1]
    assert abs(y - (canvas["y"] + network_box[2] + network_box[3] / 2)) < 0.1 * network_box[3]
    for node in (NOVARTIS, AVEXIS):
        size = frame.evaluate("id => kgNetwork.body.nodes[id].labelModule.fontOptions.size * kgNetwork.getScale()", node)
        assert size >= 12, (node, size)
    assert "Acquisition, 2018" in frame.locator("#details").inner_text()  # the company's deals, listed from the start

    demo_page.mouse.click(*on_screen(demo_page, frame, AVEXIS))
    details = frame.locator("#details")
    text = details.inner_text()
    assert text.startswith("AveXis") and "Country: United States" in text
    assert "Novartis acquired AveXis" in text and "develops" in text
    fact = frame.locator("#details .fact").first.bounding_box()
    assert fact["y"] + fact["height"] < 900 and fact["x"] > x  # visible without scrolling, beside the picture
    demo_page.screenshot(path=str(SCREENSHOTS / "explorer-focus.png"))


@pytest.mark.parametrize("title, kind", [
    ("Asia Pacific Cell and Gene Therapy Outlook", "market report"),
    ("Vector supply deals: how developers are tackling the manufacturing bottleneck", "deal news"),
    ("Aldenbrook Pharma completes acquisition of Orinthe Genetics, adding in vivo AAV platform", "deal news"),
    ("Casgevy becomes the first CRISPR medicine to win approval", "regulatory news"),
])
def test_home_names_each_document_kind(demo_server, title, kind):
    documents = fetch(demo_server, "/").text.split('class="documents')[1].split("</table>")[0]
    row = next(r for r in documents.split("<tr>") if f">{title}</a>" in r)
    assert f"<td>{kind}</td>" in row, row


def test_a_deal_has_a_page_with_its_parties_terms_and_evidence(server):
    entity = fetch(server, "/entity/avexis").text
    records = entity.split("Deals and regulatory events (")[1].split("</table>")[0]
    link = re.search(r'<a href="(/record/[0-9a-f]+)" title="https://w3id.org/cgt-kg/event/[0-9a-f]+">Acquisition</a>', records)
    assert link and "<td>target</td>" in records and '<a href="/entity/novartis"' in records and "8,700,000,000" in records
    page = fetch(server, link.group(1))
    assert page.status_code == 200
    text = page.text
    assert "<h1>Acquisition, 2018: Novartis, AveXis" in text
    assert '<th scope="row">acquirer</th><td><a href="/entity/novartis"' in text and '<th scope="row">target</th><td><a href="/entity/avexis"' in text
    assert "“Novartis acquired AveXis for USD 8.7 billion in 2018.”" in text and f'<a href="{DEALS_DOCUMENT}"' in text
    browse_rows = fetch(server, "/browse/Deal").text.split("<tbody>")[1]
    home_latest = fetch(server, "/").text.split("Latest deals and regulatory events")[1].split("</table>")[0]
    assert link.group(1) in browse_rows and link.group(1) in home_latest  # the kind of each deal links to its page


def test_the_home_follows_an_update(tmp_path, rules_nlp):
    """The overview is cached per store generation: an update shows on the next home page."""
    location = build_test_store(tmp_path, rules_nlp)
    with running_server(location, limits=Limits(timeout=10), allow_update=True, token="t0ken") as running:
        before = fetch(running, "/").text
        assert "Lunaris Bio" not in before
        update = ("INSERT DATA { GRAPH <urn:test> { cgtid:lunaris-bio a cgt:Company ; skos:prefLabel 'Lunaris Bio'@en . "
                  "<https://w3id.org/cgt-kg/event/0123456789abcdef01234567> a cgt:Acquisition , cgt:Deal ; cgt:acquirer cgtid:lunaris-bio ; "
                  "cgt:party cgtid:lunaris-bio ; cgt:dealDate '2099'^^xsd:gYear } }")
        answer = httpx.post(running.url + "sparql", data={"update": update}, headers={"Authorization": "Bearer t0ken"})
        assert answer.status_code == 204, answer.text
        latest = fetch(running, "/").text.split("Latest deals and regulatory events")[1].split("</table>")[0]
        assert '<a href="/entity/lunaris-bio"' in latest and 'href="/record/0123456789abcdef01234567"' in latest


def test_a_canned_query_with_a_misspelled_name_suggests_the_entity(server):
    page = fetch(server, "/query", canned="deals", company="Novartsi", since="2015").text
    hint = page.split('class="did-you-mean" role="status">')[1].split("</p>")[0]
    assert hint.startswith("no entity is called “Novartsi” (company); did you mean ")
    assert '<a href="/query?canned=deals&amp;company=Novartis&amp;since=2015">Novartis</a>' in hint
    assert 'role="status"' not in fetch(server, "/query", canned="deals", company="Novartis").text  # a known name: no hint
    assert 'role="status"' not in fetch(server, "/query", canned="deals", company="novartis ag").text  # an alias, any case
