"""The network page (kg/viz.py): what it carries, that it is offline, its views, large graphs, and the page
itself in a real headless Chromium (bench/screenshots.py drives it), including hostile article text."""

from __future__ import annotations

import json
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from conftest import ROOT, opened, run_kg, stderr_lines
from kg.graph import Evidence, neighbourhood
from kg.namespaces import CGTID, DOC
from kg.viz import (
    PHYSICS_NODE_LIMIT,
    PREDICATE_COLOURS,
    REFERENCE_COLOUR,
    TYPE_COLOURS,
    build_view,
    uses_physics,
    network_payload,
    write_network_page,
)
from test_analytics import build_articles

sys.path.insert(0, str(ROOT / "bench"))
from screenshots import chromium, open_page  # noqa: E402
from viz_bench import synthetic_graph  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

HOSTILE_ARTICLE = """# <script>window.__xss = "title"</script> O'Brien deal <img src=x onerror="window.__xss = 'title-img'">

O'Brien Cell Therapeutics acquired Roche in 2020 <img src=x onerror="alert('evidence')">.

Biogen and Ginkgo Bioworks formed a collaboration in May 2021 <script>alert("collab")</script> to develop "AAV" vectors.
"""
ARTICLES = {
    "hostile.md": HOSTILE_ARTICLE,
    "deals.md": "# Deals\n\nNovartis acquired AveXis in 2018 for USD 8.7 billion.\n\n"
    "Nerolis Therapeutics acquired Quantara Bio in 2022 for USD 400 million.\n",
}
BIOGEN, GINKGO, OBRIEN = str(CGTID["biogen"]), str(CGTID["ginkgo-bioworks"]), str(CGTID["o-brien-cell-therapeutics"])
UNITED_STATES = str(CGTID["united-states"])
HOSTILE = {
    "label": '<img src=x onerror="window.__xss = 1; alert(1)">',
    "alias": '"><script>window.__xss = 2</script>',
    "other": "</script><script>window.__xss = 3</script>",
    "evidence": '<svg onload="window.__xss = 4">',
    "title": "<iframe src=javascript:alert(5)></iframe>",
    "predicate": "<img src=x onerror=alert(6)>",
    "page": "</title><script>window.__xss = 7</script>",
}
COUNT = "kgNetwork.body.data.{}.length"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, rules_nlp):
    return build_articles(tmp_path_factory.mktemp("viz"), ARTICLES, rules_nlp)


@pytest.fixture(scope="module")
def whole(store_path):
    with opened(store_path) as store:
        return build_view(store)


@pytest.fixture(scope="module")
def focus(store_path):
    with opened(store_path) as store:
        return build_view(store, focus="biogen", hops=1)


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def page_payload(path: Path) -> dict:
    """The data a written page carries, read back from its script."""
    return json.loads(re.search(r"^const data = (.*);$", path.read_text(encoding="utf-8"), re.M).group(1))


# ---------------------------------------------------------------------------- payload and page


def test_nodes_and_edges_are_styled_by_class_predicate_and_kind(whole):
    payload = network_payload(whole.graph, sizes=whole.sizes)
    nodes = {n["id"]: n for n in payload["nodes"]}
    assert nodes[BIOGEN]["color"] == TYPE_COLOURS["Company"] and nodes[BIOGEN]["label"] == "Biogen"
    assert nodes[OBRIEN]["aliases"] == ["O'Brien"]
    assert all(n["value"] == whole.sizes[n["id"]] and n["shown"] for n in payload["nodes"])
    edges = {(e["from"], e["to"], e["predicate"], e["reference"]): e for e in payload["edges"]}
    collaboration = edges[(BIOGEN, GINKGO, "collaboratesWith", False)]
    assert collaboration["arrows"] == "" and collaboration["width"] > 1
    assert collaboration["color"] == PREDICATE_COLOURS["collaboratesWith"]
    assert collaboration["evidence"][0]["text"].startswith("Biogen and Ginkgo Bioworks formed a collaboration")
    assert collaboration["evidence"][0]["path"].endswith("hostile.md")
    headquarters = edges[(BIOGEN, UNITED_STATES, "headquarteredIn", True)]
    assert headquarters == {**headquarters, "arrows": "to", "color": REFERENCE_COLOUR, "width": 1, "evidence": [], "confidence": None}
    assert {t["name"] for t in payload["types"]} == {n["type"] for n in payload["nodes"]}
    assert sum(p["count"] for p in payload["predicates"]) == len(payload["edges"])
    assert payload["physics"] == uses_physics(len(payload["nodes"])) and not payload["expandable"]


class Links(HTMLParser):
    """Every URL-valued attribute of a page and the tags that would fetch something."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("src", "href", "srcset", "data", "action", "poster")]


def test_the_page_fetches_nothing(whole, tmp_path):
    page = write_network_page(whole.graph, tmp_path / "graph.html", "test", sizes=whole.sizes)
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    external = [url for url in parser.urls if re.match(r"\s*(https?:)?//", url, re.I)]
    assert external == []
    assert "link" not in parser.tags and "img" not in parser.tags and parser.tags.count("script") == 2
    assert "url(http" not in page.read_text(encoding="utf-8").replace(" ", "")


def test_focus_view_draws_the_hops_and_carries_one_more(whole, focus):
    distances = neighbourhood(whole.graph, BIOGEN, 2)
    assert focus.drawn == {node for node, d in distances.items() if d <= 1} >= {BIOGEN, GINKGO, UNITED_STATES}
    assert set(focus.graph) == set(distances) and len(focus.graph) > len(focus.drawn)
    assert focus.title == "cgt-kg: Biogen, 1 hop" and focus.focus == BIOGEN
    payload = network_payload(focus.graph, drawn=focus.drawn, sizes=focus.sizes, focus=focus.focus)
    assert {n["id"] for n in payload["nodes"] if n["shown"]} == focus.drawn
    assert payload["expandable"] and payload["focus"] == BIOGEN


def test_no_reference_leaves_out_the_vocabulary_facts(store_path):
    with opened(store_path) as store:
        view = build_view(store, include_reference=False)
    assert view.graph.number_of_edges() > 0
    assert not any(data["reference"] for *_, data in view.graph.edges(data=True))


def test_viz_command_focus_and_query(store_path, tmp_path):
    focus = run_kg("viz", "--focus", "BIOGEN", "--hops", "1", "-o", tmp_path / "biogen.html", "--store", store_path)
    assert focus.returncode == 0, focus.stderr
    assert re.search(r"wrote .*biogen\.html \(\d+ nodes, \d+ edges; \d+ more carried for double-click\)", focus.stdout)
    query = tmp_path / "acquisitions.rq"
    query.write_text("# Who acquired whom?\nCONSTRUCT { ?a cgt:acquires ?b } WHERE { ?a cgt:acquires ?b }\n", encoding="utf-8")
    drawn = run_kg("viz", "--query", query, "-o", tmp_path / "acquisitions.html", "--store", store_path)
    assert drawn.returncode == 0, drawn.stderr
    payload = page_payload(tmp_path / "acquisitions.html")
    assert {e["predicate"] for e in payload["edges"]} == {"acquires"}
    assert {n["label"] for n in payload["nodes"]} >= {"Nerolis Therapeutics", "Quantara Bio", "Novartis", "AveXis"}
    assert "Who acquired whom?" in (tmp_path / "acquisitions.html").read_text(encoding="utf-8")


def test_viz_command_unknown_focus_lists_close_matches(store_path, tmp_path):
    process = run_kg("viz", "--focus", "Biogn", "-o", tmp_path / "x.html", "--store", store_path)
    assert process.returncode == 1 and "Traceback" not in process.stderr
    (line,) = stderr_lines(process)
    assert "'Biogn'" in line and "close matches: Biogen" in line
    assert not (tmp_path / "x.html").exists()


def test_a_large_graph_gets_precomputed_positions_in_seconds(tmp_path):
    graph = synthetic_graph(20_000)
    start = time.perf_counter()
    page = write_network_page(graph, tmp_path / "large.html", "large")
    assert time.perf_counter() - start < 30  # about 6 s on the 2-core bench machine; quadratic code would take minutes
    payload = page_payload(page)
    assert not payload["physics"]
    positions = {(n["x"], n["y"]) for n in payload["nodes"]}
    assert len(positions) > 0.99 * len(payload["nodes"])
    small = network_payload(synthetic_graph(PHYSICS_NODE_LIMIT))
    assert small["physics"] and not any("x" in n for n in small["nodes"])


# ---------------------------------------------------------------------------- in the browser


def hostile_graph() -> nx.MultiDiGraph:
    """Every text a page shows, each one an attempt to run code."""
    graph = nx.MultiDiGraph()
    a, b = str(CGTID["hostile-a"]), str(CGTID["hostile-b"])
    graph.add_node(a, label=HOSTILE["label"], type="Company", cls="Company", aliases=(HOSTILE["alias"], "O'Brien \"Q\""))
    graph.add_node(b, label=HOSTILE["other"], type=HOSTILE["other"], cls=HOSTILE["label"], aliases=())
    evidence = Evidence(HOSTILE["evidence"], 0.9, str(DOC["x"]), HOSTILE["title"], "a\"b'<c>.md")
    graph.add_edge(a, b, key=("acquires", "extracted"), predicate="acquires", reference=False, evidence=(evidence,), confidence=0.9)
    graph.add_edge(b, a, key=(HOSTILE["predicate"], "extracted"), predicate=HOSTILE["predicate"], reference=False,
                   evidence=(evidence,), confidence=None)
    return graph


def show_everything(page) -> str:
    """Hover and click every node and edge the way vis-network reports it; the text all of it showed."""
    return page.evaluate("""() => {
      const shown = [];
      const emit = (name, params) => {
        kgNetwork.body.emitter.emit(name, { pointer: { DOM: { x: 20, y: 20 } }, ...params });
        shown.push(document.getElementById("tooltip").textContent, document.getElementById("details").textContent);
      };
      for (const id of kgNetwork.body.data.nodes.getIds()) { emit("hoverNode", { node: id }); emit("click", { nodes: [id], edges: [] }); }
      for (const id of kgNetwork.body.data.edges.getIds()) { emit("hoverEdge", { edge: id }); emit("click", { nodes: [], edges: [id] }); }
      return shown.join("\\n") + document.getElementById("side").textContent;
    }""")


def dom_position(page, node: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    point = page.evaluate("""id => {
      const p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);
      const box = document.getElementById("network").getBoundingClientRect();
      return [box.left + p.x, box.top + p.y];
    }""", node)
    return point[0], point[1]


def assert_nothing_ran(page, title: str) -> None:
    assert page.kg_dialogs == [] and page.kg_requests == [] and page.kg_errors == []
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.title") == title
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    handlers = page.evaluate("[...document.querySelectorAll('*')].flatMap(e => e.getAttributeNames()).filter(a => a.startsWith('on'))")
    assert handlers == []


def test_hostile_text_is_shown_as_text_and_never_runs(browser, whole, tmp_path):
    # the article facts alone: with the whole vocabulary drawn, nodes overlap and the pointer may land on another
    extracted = {n for a, b, d in whole.graph.edges(data=True) if not d["reference"] for n in (a, b)}
    article_page = write_network_page(whole.graph.subgraph(extracted).copy(), tmp_path / "articles.html", "articles", sizes=whole.sizes)
    with open_page(browser, article_page) as page:
        x, y = dom_position(page, OBRIEN)
        page.mouse.move(x, y)
        page.wait_for_selector("#tooltip", state="visible")
        assert "O'Brien Cell Therapeutics" in page.text_content("#tooltip")
        text = show_everything(page)
        assert_nothing_ran(page, "articles")
    assert """acquired Roche in 2020 <img src=x onerror="alert('evidence')">.""" in text
    assert """<script>window.__xss = "title"</script> O'Brien deal""" in text
    assert """<script>alert("collab")</script> to develop "AAV" vectors.""" in text

    hostile_page = write_network_page(hostile_graph(), tmp_path / "hostile.html", HOSTILE["page"])
    with open_page(browser, hostile_page) as page:
        text = show_everything(page)
        page.fill("#search", '"><script>')
        page.press("#search", "Enter")
        assert page.evaluate("kgNetwork.getSelectedNodes()") == [str(CGTID["hostile-a"])]
        assert_nothing_ran(page, HOSTILE["page"])
    for value in HOSTILE.values():
        assert value in text or value == HOSTILE["page"]


def test_filters_slider_and_search(browser, whole, tmp_path):
    page_file = write_network_page(whole.graph, tmp_path / "graph.html", "filters", sizes=whole.sizes)
    with open_page(browser, page_file) as page:
        nodes, edges = page.evaluate(COUNT.format("nodes")), page.evaluate(COUNT.format("edges"))
        assert (nodes, edges) == (whole.graph.number_of_nodes(), whole.graph.number_of_edges())
        page.uncheck('#types input[data-name="Country"]')
        countries = sum(d["type"] == "Country" for _, d in whole.graph.nodes(data=True))
        assert page.evaluate(COUNT.format("nodes")) == nodes - countries
        page.check('#types input[data-name="Country"]')
        page.uncheck('#predicates input[data-name="headquarteredIn"]')
        headquarters = sum(d["predicate"] == "headquarteredIn" for *_, d in whole.graph.edges(data=True))
        assert page.evaluate(COUNT.format("edges")) == edges - headquarters
        page.check('#predicates input[data-name="headquarteredIn"]')
        page.fill("#confidence", "0.8")
        page.dispatch_event("#confidence", "input")
        weak = sum(not d["reference"] and d["confidence"] < 0.8 for *_, d in whole.graph.edges(data=True))
        assert weak > 0 and page.evaluate(COUNT.format("edges")) == edges - weak
        page.fill("#search", "ginkgo bioworks")
        page.press("#search", "Enter")
        assert page.evaluate("kgNetwork.getSelectedNodes()") == [GINKGO]
        assert "Ginkgo Bioworks" in page.text_content("#details")
        assert page.kg_errors == []


def test_double_click_adds_the_carried_neighbours(browser, focus, tmp_path):
    page_file = write_network_page(focus.graph, tmp_path / "focus.html", focus.title, drawn=focus.drawn, sizes=focus.sizes,
                                   focus=focus.focus)
    with open_page(browser, page_file) as page:
        assert page.evaluate(COUNT.format("nodes")) == len(focus.drawn)
        assert page.evaluate("kgNetwork.getSelectedNodes()") == [BIOGEN]
        page.mouse.dblclick(*dom_position(page, UNITED_STATES))
        added = set(nx.all_neighbors(focus.graph, UNITED_STATES)) - focus.drawn
        assert added and page.evaluate(COUNT.format("nodes")) == len(focus.drawn) + len(added)
        assert "added" in page.text_content("#status")
        assert page.kg_errors == []
