"""The network page (kg/viz.py): what it carries, that it is offline, its views, large graphs, and the page
itself in a real headless Chromium (bench/screenshots.py drives it), including hostile article text."""

from __future__ import annotations

import base64
import json
import re
import struct
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pytest

from conftest import ROOT, opened, run_kg, stderr_lines
from kg.analytics import HUB_CLASSES, hub_class, without_classes
from kg.graph import Evidence, neighbourhood
from kg.namespaces import CGTID, DOC
from kg.ontology import load_schema
import kg.viz
from kg.viz import (
    CARRY_LIMIT,
    PHYSICS_NODE_LIMIT,
    REFERENCE_COLOUR,
    Citations,
    build_view,
    deal_view,
    first_drawn,
    uses_physics,
    network_payload,
    shown_paths,
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
    "Nerolis Therapeutics acquired Quantara Bio in 2022 for USD 400 million.\n\n"
    # a fact read loosely (a trigger word near the names), so the store holds facts of more than one confidence
    "Quantara Bio's lead candidate QB-101 showed durable responses in a trial, with most patients with acute myeloid "
    "leukemia in remission.\n",
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
    assert nodes[BIOGEN]["color"] == load_schema().colour("Company") and nodes[BIOGEN]["label"] == "Biogen"
    assert nodes[OBRIEN]["aliases"] == ["O'Brien"]
    assert all(n["value"] == whole.sizes[n["id"]] and n["shown"] for n in payload["nodes"])
    edges = {(e["from"], e["to"], e["predicate"], e["reference"]): e for e in payload["edges"]}
    collaboration = edges[(BIOGEN, GINKGO, "collaboratesWith", False)]
    assert collaboration["arrows"] == "" and collaboration["width"] > 1
    assert collaboration["color"] == load_schema().colour("collaboratesWith")
    assert collaboration["evidence"][0]["text"].startswith("Biogen and Ginkgo Bioworks formed a collaboration")
    document = payload["documents"][collaboration["evidence"][0]["doc"]]
    assert document["source"] == "articles/hostile.md" and Path(document["path"]).is_absolute()
    headquarters = edges[(BIOGEN, UNITED_STATES, "headquarteredIn", True)]
    assert headquarters == {**headquarters, "arrows": "to", "color": REFERENCE_COLOUR, "width": 1, "evidence": [], "confidence": None}
    assert {t["name"] for t in payload["types"]} == {n["type"] for n in payload["nodes"]}
    assert sum(p["count"] for p in payload["predicates"]) == len(payload["edges"])
    assert payload["physics"] == uses_physics(len(first_drawn(whole.graph, None, None, False))) and not payload["expandable"]
    assert nodes[UNITED_STATES]["hub"] == "Country" and UNITED_STATES in nodes[BIOGEN]["at"] and "hub" not in nodes[BIOGEN]
    countries = next(f for f in payload["facets"] if f["name"] == "Country")
    assert countries["values"][0]["id"] == UNITED_STATES and countries["values"][0]["count"] > 1


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


def test_focus_view_walks_past_hubs_and_carries_more_rings(whole, focus):
    core = without_classes(whole.graph, HUB_CLASSES, keep=[BIOGEN])
    distances = neighbourhood(core, BIOGEN, len(core))
    assert focus.drawn == {node for node, d in distances.items() if d <= 1} >= {BIOGEN, GINKGO}
    assert UNITED_STATES not in focus.drawn and UNITED_STATES in focus.graph  # carried as an attribute
    carried = {n for n in focus.graph if not hub_class(focus.graph.nodes[n])}
    assert {n for n, d in distances.items() if d <= 2} <= carried <= set(distances) and len(carried) <= CARRY_LIMIT
    assert focus.carried == len(carried) - len(focus.drawn) > 0
    assert focus.title == "cgt-kg: Biogen, 1 hop" and focus.focus == BIOGEN
    payload = network_payload(focus.graph, drawn=focus.drawn, sizes=focus.sizes, focus=focus.focus)
    assert {n["id"] for n in payload["nodes"] if n["shown"]} == focus.drawn
    assert payload["expandable"] and payload["focus"] == BIOGEN and not payload["hubs"]


def test_documents_are_shown_by_title_and_a_path_relative_to_their_folder():
    assert shown_paths(["/home/ann/cgt/corpus/a.md", "/home/ann/cgt/corpus/news/b.txt", "old/c.md"]) == {
        "/home/ann/cgt/corpus/a.md": "corpus/a.md", "/home/ann/cgt/corpus/news/b.txt": "corpus/news/b.txt", "old/c.md": "old/c.md"}
    assert shown_paths(["/srv/x/corpus/a.md", "/srv/x/build/dev/b.md"]) == {"/srv/x/corpus/a.md": "x/corpus/a.md",
                                                                            "/srv/x/build/dev/b.md": "x/build/dev/b.md"}
    cited = [
        Evidence("One.", 0.9, "doc:1", "Market report", "/home/ann/cgt/corpus/a.md"),
        Evidence("Two.", 0.8, "doc:2", "", "/home/ann/cgt/corpus/b.md"),
        Evidence("Three.", 0.7, "doc:3", "News", "/home/ann/.kg/web/0a1b.html", "https://example.org/news"),
        Evidence("Four.", 0.6, "doc:1", "Market report", "/home/ann/cgt/corpus/a.md"),
    ]
    citations = Citations()
    assert [citations.number(e) for e in cited] == [0, 1, 2, 0]
    assert citations.records() == [
        {"title": "Market report", "source": "corpus/a.md", "path": "/home/ann/cgt/corpus/a.md"},
        {"title": "b.md", "source": "corpus/b.md", "path": "/home/ann/cgt/corpus/b.md"},
        {"title": "News", "source": "https://example.org/news", "path": "/home/ann/.kg/web/0a1b.html"},
    ]


def test_a_focus_view_counts_the_neighbours_it_leaves_out(store_path, monkeypatch):
    monkeypatch.setattr(kg.viz, "CARRY_LIMIT", 0)  # carry the one ring past the drawn one, no more
    with opened(store_path) as store:
        view = build_view(store, focus="biogen", hops=1)
        whole_graph = build_view(store).graph
    beyond = {n: d["beyond"] for n, d in view.graph.nodes(data=True) if d.get("beyond")}
    assert beyond and set(beyond) <= set(view.graph) - view.drawn
    for node, count in beyond.items():
        outside = {m for m in nx.all_neighbors(whole_graph, node) if m not in view.graph and not hub_class(whole_graph.nodes[m])}
        assert count == len(outside) > 0
    payload = network_payload(view.graph, drawn=view.drawn, sizes=view.sizes, focus=view.focus)
    assert {n["id"]: n["beyond"] for n in payload["nodes"] if "beyond" in n} == beyond


def test_deal_view_links_the_parties_of_each_deal(store_path):
    with opened(store_path) as store:
        view = deal_view(store)
    assert [(d.kind, d.year) for d in view.deals] == [("Acquisition", 2022), ("Collaboration", 2021), ("Acquisition", 2020),
                                                      ("Acquisition", 2018)]
    payload = network_payload(view.graph, sizes=view.sizes, hubs=True, deals=view.deals, deal_network=True)
    edges = {(e["from"], e["to"]): e for e in payload["edges"]}
    avexis = edges[(str(CGTID["novartis"]), str(CGTID["avexis"]))]
    quantara = edges[(str(CGTID["nerolis-therapeutics"]), str(CGTID["quantara-bio"]))]
    collaboration = edges[(BIOGEN, GINKGO)]
    assert (avexis["color"], collaboration["color"]) == (load_schema().colour("Acquisition"), load_schema().colour("Collaboration"))
    assert avexis["width"] > quantara["width"] > collaboration["width"] and avexis["arrows"] == "to" and collaboration["arrows"] == ""
    assert avexis["deal"]["usd"] == 8.7e9 and avexis["deal"]["parties"][0] == {"id": str(CGTID["novartis"]), "label": "Novartis", "role": "acquirer"}
    assert "Novartis acquired AveXis" in avexis["evidence"][0]["text"]
    assert payload["years"] == [2018, 2022] and payload["deals"]


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


def test_a_large_graph_gets_precomputed_positions(tmp_path):
    graph = synthetic_graph(20_000)  # how long it takes is measured by bench/viz_bench.py
    page = write_network_page(graph, tmp_path / "large.html", "large")
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


def in_view_on_top(page, node: str) -> bool:
    """Move the view to the node (as a user would pan to it); whether a click there lands on it, not on a node over it."""
    return page.evaluate("""id => {
      kgNetwork.moveTo({ position: kgNetwork.getPositions([id])[id], animation: false });
      return kgNetwork.getNodeAt(kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id])) === id;
    }""", node)


def wait_until_still(page) -> None:
    """Wait until the browser's physics has stopped moving what a double-click added."""
    page.wait_for_function("""() => {
      const at = JSON.stringify(kgNetwork.getPositions());
      const still = window.__kgLastPositions === at;
      window.__kgLastPositions = at;
      return still;
    }""", polling=250, timeout=30_000)


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


def test_filters_slider_search_and_the_hub_switch(browser, whole, tmp_path):
    page_file = write_network_page(whole.graph, tmp_path / "graph.html", "filters", sizes=whole.sizes)
    with open_page(browser, page_file) as page:
        nodes, edges = page.evaluate(COUNT.format("nodes")), page.evaluate(COUNT.format("edges"))
        drawn = first_drawn(whole.graph, None, None, False)
        assert nodes == len(drawn) and UNITED_STATES not in page.evaluate("kgNetwork.body.data.nodes.getIds()")
        page.check("#hubs")
        assert page.evaluate(COUNT.format("nodes")) == whole.graph.number_of_nodes()
        edges_all = whole.graph.number_of_edges()
        assert page.evaluate(COUNT.format("edges")) == edges_all
        page.uncheck('#types input[data-name="Country"]')
        countries = sum(d["type"] == "Country" for _, d in whole.graph.nodes(data=True))
        assert page.evaluate(COUNT.format("nodes")) == whole.graph.number_of_nodes() - countries
        page.check('#types input[data-name="Country"]')
        page.uncheck('#predicates input[data-name="headquarteredIn"]')
        headquarters = sum(d["predicate"] == "headquarteredIn" for *_, d in whole.graph.edges(data=True))
        assert page.evaluate(COUNT.format("edges")) == edges_all - headquarters
        page.check('#predicates input[data-name="headquarteredIn"]')
        confidences = sorted(d["confidence"] for *_, d in whole.graph.edges(data=True) if d["confidence"] is not None)
        threshold = next(k / 20 for k in range(1, 21) if confidences[0] < k / 20)  # a slider step above the weakest fact
        assert confidences[-1] >= threshold, f"the store's facts all lie below one slider step: {confidences}"
        page.fill("#confidence", str(threshold))
        page.dispatch_event("#confidence", "input")
        weak = sum(c < threshold for c in confidences)
        assert 0 < weak < len(confidences) and page.evaluate(COUNT.format("edges")) == edges_all - weak
        page.fill("#confidence", "0")
        page.dispatch_event("#confidence", "input")
        page.uncheck("#hubs")
        assert (page.evaluate(COUNT.format("nodes")), page.evaluate(COUNT.format("edges"))) == (nodes, edges)
        page.select_option('#facets select[data-name="Country"]', UNITED_STATES)
        in_us = {n for n in drawn if whole.graph.has_edge(n, UNITED_STATES)}
        assert in_us and set(page.evaluate("kgNetwork.body.data.nodes.getIds()")) == in_us
        page.select_option('#facets select[data-name="Country"]', "")
        page.fill("#search", "ginkgo bioworks")
        page.press("#search", "Enter")
        assert page.evaluate("kgNetwork.getSelectedNodes()") == [GINKGO]
        assert "Ginkgo Bioworks" in page.text_content("#details")
        assert page.kg_errors == []


def drawn_label_size(page, node: str) -> float:
    """The size in screen pixels at which a node's label is drawn now (0: not drawn)."""
    return page.evaluate("""id => {
      const n = kgNetwork.body.nodes[id], size = n.labelModule.fontOptions.size * kgNetwork.getScale();
      return size >= n.options.scaling.label.drawThreshold - 1 ? Math.min(size, n.options.scaling.label.maxVisible) : 0;
    }""", node)


def focus_page(store_path, folder: Path, name: str, hops: int):
    """The focus view of one entity and the page written from it, as `kg viz --focus` writes it."""
    with opened(store_path) as store:
        view = build_view(store, focus=name, hops=hops)
    page = write_network_page(view.graph, folder / f"{name}.html", view.title, drawn=view.drawn, sizes=view.sizes,
                              focus=view.focus, deals=view.deals)
    return view, page


@pytest.fixture(scope="module")
def biogen_two_hops(store_path, tmp_path_factory):
    return focus_page(store_path, tmp_path_factory.mktemp("biogen"), "Biogen", 2)


def test_focus_view_is_centred_on_its_company_with_labels_and_no_country(browser, biogen_two_hops):
    view, page_file = biogen_two_hops
    with open_page(browser, page_file) as page:
        ids = set(page.evaluate("kgNetwork.body.data.nodes.getIds()"))
        assert BIOGEN in ids and GINKGO in ids
        assert not any(hub_class(view.graph.nodes[n]) for n in ids)
        box = page.evaluate("(() => { const b = document.getElementById('network').getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })()")
        x, y = dom_position(page, BIOGEN)
        assert abs(x - (box[0] + box[2] / 2)) < 0.1 * box[2] and abs(y - (box[1] + box[3] / 2)) < 0.1 * box[3]
        assert drawn_label_size(page, BIOGEN) >= 12 and drawn_label_size(page, GINKGO) >= 12
        assert page.kg_errors == []


def test_a_click_lists_the_facts_with_their_evidence_beside_the_picture(browser, biogen_two_hops):
    _, page_file = biogen_two_hops
    with open_page(browser, page_file) as page:
        page.mouse.click(*dom_position(page, GINKGO))
        details = page.text_content("#details")
        assert "Ginkgo Bioworks" in details and "collaboratesWith" in details
        assert "Biogen and Ginkgo Bioworks formed a collaboration in May 2021" in details and "hostile.md" in details
        assert "Country: United States" in details
        assert "Collaboration, 2021-05" in details and "Biogen (partner), Ginkgo Bioworks (partner)" in details  # its deal record
        top, bottom = page.evaluate("(() => { const b = document.querySelector('#details .fact').getBoundingClientRect(); return [b.top, b.bottom]; })()")
        assert 0 < top and bottom < 900  # visible without scrolling
        page.click("#details .fact button >> text=Biogen")
        assert page.evaluate("kgNetwork.getSelectedNodes()") == [BIOGEN]


def test_the_details_name_documents_by_title_and_relative_path_never_the_absolute_one(browser, biogen_two_hops, store_path):
    _, page_file = biogen_two_hops
    folder = (store_path.parent / "articles").resolve()
    with open_page(browser, page_file) as page:
        page.mouse.click(*dom_position(page, GINKGO))
        sources = page.evaluate("[...document.querySelectorAll('#details .source')].map(e => [e.textContent, e.title])")
        assert sources and all("(articles/hostile.md)" in text for text, _ in sources)  # Ginkgo's facts come from that article
        assert {tooltip for _, tooltip in sources} <= {str(folder / name) for name in ARTICLES}  # the full path on hover only
        shown = show_everything(page) + page.evaluate("document.body.innerText")
        assert str(folder) not in shown and str(store_path.parent) not in shown


@pytest.fixture(scope="module")
def novartis_one_hop(store_path, tmp_path_factory):
    return focus_page(store_path, tmp_path_factory.mktemp("novartis"), "Novartis", 1)


def test_the_double_click_hint_says_what_a_double_click_adds(browser, novartis_one_hop):
    view, page_file = novartis_one_hop
    avexis = str(CGTID["avexis"])
    neighbours = set(nx.all_neighbors(view.graph, avexis))
    hubs = {m for m in neighbours if hub_class(view.graph.nodes[m])}
    assert avexis in view.drawn and hubs and neighbours - hubs <= view.drawn  # all AveXis has left to show is hubs
    with open_page(browser, page_file) as page:
        page.mouse.click(*dom_position(page, avexis))
        hint = page.text_content("#details .expansion")
        assert hint.startswith("nothing to add by double-click; ") and "drawn when the hubs switch is on" in hint
        assert all(view.graph.nodes[h]["label"] in hint for h in hubs)
        drawn = page.evaluate(COUNT.format("nodes"))
        page.mouse.dblclick(*dom_position(page, avexis))
        assert page.evaluate(COUNT.format("nodes")) == drawn
        assert page.text_content("#status").endswith(f"nothing to add to AveXis{hint.removeprefix('nothing to add by double-click')}")

        page.check("#hubs")  # the hubs of what is drawn come with the switch
        wait_until_still(page)
        hubs_of_drawn = {m for n in view.drawn for m in nx.all_neighbors(view.graph, n) if hub_class(view.graph.nodes[m])}
        ids = set(page.evaluate("kgNetwork.body.data.nodes.getIds()"))
        assert hubs <= ids and ids == set(view.drawn) | hubs_of_drawn
        assert page.text_content("#details .expansion") == "nothing more to add: every neighbour is drawn"
        page.mouse.dblclick(*dom_position(page, avexis))
        assert page.evaluate(COUNT.format("nodes")) == len(ids) and "nothing to add to AveXis: every neighbour is drawn" in page.text_content("#status")

        added_hubs: set[str] = set()
        for _ in range(3):  # with hubs on, hubs are among what a double-click adds, and it adds as many as the hint says
            waiting = {n: set(nx.all_neighbors(view.graph, n)) - ids for n in sorted(ids)}
            ranked = sorted((n for n in waiting if waiting[n]), key=lambda n: (not any(hub_class(view.graph.nodes[m]) for m in waiting[n]), n))
            node = next(n for n in ranked if in_view_on_top(page, n))
            page.evaluate("id => kgNetwork.body.emitter.emit('click', { nodes: [id], edges: [] })", node)
            added = "its neighbour" if len(waiting[node]) == 1 else f"its {len(waiting[node])} neighbours"
            assert page.text_content("#details .expansion").startswith(f"double-click to add {added}")
            page.mouse.dblclick(*dom_position(page, node))
            now = set(page.evaluate("kgNetwork.body.data.nodes.getIds()"))
            assert now == ids | waiting[node]
            added_hubs |= {m for m in waiting[node] if hub_class(view.graph.nodes[m])}
            ids = now
            wait_until_still(page)
        assert added_hubs and page.kg_errors == []


def empty_canvas_point(page) -> tuple[float, float]:
    """A point of the canvas, in page coordinates, with no node or edge under it (the layout decides where that is)."""
    point = page.evaluate("""() => {
      const box = document.getElementById("network").getBoundingClientRect();
      for (let y = box.height - 20; y > 20; y -= 20)
        for (let x = box.width - 20; x > 20; x -= 20)
          if (kgNetwork.getNodeAt({ x, y }) === undefined && kgNetwork.getEdgeAt({ x, y }) === undefined) return [box.left + x, box.top + y];
      return null;
    }""")
    assert point is not None, "no empty spot on the canvas"
    return point[0], point[1]


def test_the_tooltip_goes_away_when_the_pointer_leaves(browser, biogen_two_hops):
    _, page_file = biogen_two_hops
    with open_page(browser, page_file) as page:
        x, y = dom_position(page, GINKGO)
        for away in [(100, 450), empty_canvas_point(page)]:  # the side panel, then canvas with nothing drawn under it
            page.mouse.move(x, y)
            page.wait_for_selector("#tooltip", state="visible")
            page.mouse.move(*away, steps=4)  # and no further move: leaving alone must hide the tooltip
            page.wait_for_selector("#tooltip", state="hidden", timeout=3000)


def test_double_click_adds_the_carried_neighbours_ring_after_ring(browser, focus, tmp_path):
    page_file = write_network_page(focus.graph, tmp_path / "focus.html", focus.title, drawn=focus.drawn, sizes=focus.sizes,
                                   focus=focus.focus)
    core = without_classes(focus.graph, HUB_CLASSES)
    with open_page(browser, page_file) as page:
        assert page.evaluate(COUNT.format("nodes")) == len(focus.drawn)
        assert page.evaluate("kgNetwork.getSelectedNodes()") == [BIOGEN]
        shown = set(focus.drawn)
        node = next(n for n in sorted(shown) if set(nx.all_neighbors(core, n)) - shown and in_view_on_top(page, n))
        added = set(nx.all_neighbors(core, node)) - shown
        page.mouse.click(*dom_position(page, node))
        hint = page.text_content("#details .expansion")
        assert hint.startswith("double-click to add its neighbour" if len(added) == 1 else f"double-click to add its {len(added)} neighbours")
        page.mouse.dblclick(*dom_position(page, node))
        shown |= added
        assert set(page.evaluate("kgNetwork.body.data.nodes.getIds()")) == shown
        assert "added" in page.text_content("#status")
        wait_until_still(page)
        # a node the first double-click drew can be expanded again, by exactly what its hint promises
        for node in sorted(shown - set(focus.drawn)):
            if not in_view_on_top(page, node):
                continue
            page.mouse.click(*dom_position(page, node))
            if page.evaluate("kgNetwork.getSelectedNodes()") != [node]:
                continue
            hint = page.text_content("#details .expansion")
            promised = re.match(r"double-click to add its (\d+ )?neighbours?", hint)
            if promised:
                break
        else:
            promised = None  # no node of the first ring could be clicked clear of the others this time
        if promised:
            before = set(page.evaluate("kgNetwork.body.data.nodes.getIds()"))
            page.mouse.dblclick(*dom_position(page, node))
            after = set(page.evaluate("kgNetwork.body.data.nodes.getIds()"))
            assert len(after - before) == int(promised.group(1) or 1)
            assert "added" in page.text_content("#status")
        assert page.kg_errors == []


def test_png_and_svg_export(browser, biogen_two_hops):
    _, page_file = biogen_two_hops
    with open_page(browser, page_file) as page:
        png = base64.b64decode(page.evaluate("kgExport.png()").split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
        width, height = struct.unpack(">II", png[16:24])
        assert width > 500 and height > 500
        svg = ElementTree.fromstring(page.evaluate("kgExport.svg()"))
        ns = "{http://www.w3.org/2000/svg}"
        assert len(svg.findall(f".//{ns}circle")) == page.evaluate(COUNT.format("nodes"))
        assert len(svg.findall(f".//{ns}line")) == page.evaluate(COUNT.format("edges"))
        assert "Biogen" in {t.text for t in svg.findall(f".//{ns}text")}
        with page.expect_download() as download:
            page.click("#export-png")
        assert download.value.suggested_filename == "cgt-kg.png"
        assert page.kg_errors == []


def test_deal_network_page_year_slider(browser, store_path, tmp_path):
    with opened(store_path) as store:
        view = deal_view(store)
    page_file = write_network_page(view.graph, tmp_path / "deals.html", view.title, sizes=view.sizes, hubs=True, deals=view.deals,
                                   deal_network=True)
    with open_page(browser, page_file) as page:
        assert page.evaluate(COUNT.format("edges")) == 4
        assert page.text_content("#predicates-title") == "Deal kinds"
        page.fill("#year", "2020")
        page.dispatch_event("#year", "input")
        assert page.evaluate(COUNT.format("edges")) == 2 and page.text_content("#year-value") == "2020"
        page.evaluate("kgNetwork.body.emitter.emit('click', { nodes: [], edges: [kgNetwork.body.data.edges.getIds()[0]] })")
        assert "Acquisition deal" in page.text_content("#details")
        assert page.kg_errors == []
