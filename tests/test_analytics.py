"""The RDF -> networkx projection (kg/graph.py), the analytics on it (kg/analytics.py) and their commands.

The projection and the measures are checked on a small hand-made graph whose centralities and
shortest chain are known; the commands run through the real `kg` script on a store built by
`kg.build.build` from articles written here.
"""

from __future__ import annotations

import csv
import math

import networkx as nx
import numpy as np
import pytest
from rdflib import Dataset, Graph

from conftest import opened, run_kg, seeded_store, stderr_lines
from kg.analytics import HUB_CLASSES, centrality, find_communities, hub_class, pagerank, rank_entities, shortest_chain, undirected
from kg.build import build
from kg.errors import UserError
from kg.graph import entity_graph, find_entity, neighbourhood, query_graph, write_graph_file
from kg.namespaces import CGTID, ONTOLOGY_GRAPH
from kg.ontology import ONTOLOGY_DIR
from kg.rdf import named_graph

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

HAND_MADE = """
@prefix cgt: <https://w3id.org/cgt-kg/ontology#> .
@prefix cgtid: <https://w3id.org/cgt-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix doc: <https://w3id.org/cgt-kg/doc/> .
@prefix st: <https://w3id.org/cgt-kg/statement/> .

<https://w3id.org/cgt-kg/graph/vocabulary> {
  cgtid:testland a cgt:Country ; skos:prefLabel "Testland"@en .
  cgtid:alpha a cgt:Company ; skos:prefLabel "Alpha Bio"@en ; skos:altLabel "Alpha"@en, "Alpha Bio Inc."@en ;
      cgt:headquarteredIn cgtid:testland .
}
doc:one {
  doc:one a cgt:Document ; dcterms:title "Alpha buys Gamma" ; cgt:path "one.md" .
  cgtid:beta a cgt:Company ; skos:prefLabel "Beta Cells"@en .
  cgtid:gamma a cgt:Company ; skos:prefLabel "Gamma Gene"@en .
  cgtid:alpha cgt:collaboratesWith cgtid:beta ; cgt:acquires cgtid:gamma .
  st:one a rdf:Statement ; rdf:subject cgtid:alpha ; rdf:predicate cgt:collaboratesWith ; rdf:object cgtid:beta ;
      cgt:evidenceText "Alpha Bio and Beta Cells formed a collaboration." ; cgt:confidence 0.8 ; prov:wasDerivedFrom doc:one .
  st:two a rdf:Statement ; rdf:subject cgtid:alpha ; rdf:predicate cgt:acquires ; rdf:object cgtid:gamma ;
      cgt:evidenceText "Alpha Bio acquired Gamma Gene." ; cgt:confidence 0.9 ; prov:wasDerivedFrom doc:one .
}
doc:two {
  doc:two a cgt:Document ; dcterms:title "Alpha's pipeline" ; cgt:path "two.md" .
  cgtid:alphacel a cgt:TherapyProduct ; skos:prefLabel "Alphacel"@en .
  cgtid:test-syndrome a cgt:Disease ; skos:prefLabel "Test syndrome"@en .
  cgtid:alpha cgt:develops cgtid:alphacel .
  cgtid:alphacel cgt:treats cgtid:test-syndrome .
  cgtid:beta cgt:collaboratesWith cgtid:alpha .
  st:three a rdf:Statement ; rdf:subject cgtid:alpha ; rdf:predicate cgt:develops ; rdf:object cgtid:alphacel ;
      cgt:evidenceText "Alpha Bio develops Alphacel." ; cgt:confidence 0.75 ; prov:wasDerivedFrom doc:two .
  st:four a rdf:Statement ; rdf:subject cgtid:alphacel ; rdf:predicate cgt:treats ; rdf:object cgtid:test-syndrome ;
      cgt:evidenceText "Alphacel treats Test syndrome." ; cgt:confidence 0.7 ; prov:wasDerivedFrom doc:two .
  st:five a rdf:Statement ; rdf:subject cgtid:beta ; rdf:predicate cgt:collaboratesWith ; rdf:object cgtid:alpha ;
      cgt:evidenceText "Beta Cells partners with Alpha Bio." ; cgt:confidence 0.6 ; prov:wasDerivedFrom doc:two .
}
"""
ALPHA, BETA, GAMMA = str(CGTID["alpha"]), str(CGTID["beta"]), str(CGTID["gamma"])
TESTLAND, ALPHACEL, SYNDROME = str(CGTID["testland"]), str(CGTID["alphacel"]), str(CGTID["test-syndrome"])

ARTICLES = {
    "consolidation.md": "# Consolidation in gene therapy\n\n"
    "Nerolis Therapeutics acquired Quantara Bio in 2022 for USD 400 million.\n\n"
    "Novartis acquired AveXis in 2018 for USD 8.7 billion.\n",
    "vectors.md": "# Vector partnerships\n\n"
    "Quantara Bio and Velmora Genomics formed a collaboration to develop AAV vectors.\n\n"
    "Biogen and Ginkgo Bioworks formed a collaboration in May 2021 to develop a new manufacturing platform.\n",
}


def build_articles(folder, articles: dict[str, str], nlp):
    """A store built by `kg.build.build` from articles written into `folder`; returns the store path."""
    sources = folder / "articles"
    sources.mkdir()
    for name, text in articles.items():
        (sources / name).write_text(text, encoding="utf-8")
    path = seeded_store(folder / "store")
    with opened(path) as store:
        summary = build([sources], store, nlp)
    assert not summary.problems and summary.new == len(articles), summary
    return path


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    """The entity graph of the hand-made store (with and without reference facts)."""
    path = tmp_path_factory.mktemp("hand-made") / "store"
    data = Dataset()
    data.parse(data=HAND_MADE, format="trig")
    with opened(path, create=True) as store:
        store.replace_graph(named_graph(Graph().parse(ONTOLOGY_DIR / "cgt.ttl"), ONTOLOGY_GRAPH))
        for context in data.graphs():
            if len(context):
                store.replace_graph(named_graph(context, context.identifier))
        yield store


@pytest.fixture(scope="module")
def graph(hand_made):
    return entity_graph(hand_made)


@pytest.fixture(scope="module")
def article_store(tmp_path_factory, rules_nlp):
    return build_articles(tmp_path_factory.mktemp("analytics"), ARTICLES, rules_nlp)


# ---------------------------------------------------------------------------- projection


def test_nodes_carry_label_class_and_aliases(graph):
    assert set(graph) == {ALPHA, BETA, GAMMA, TESTLAND, ALPHACEL, SYNDROME}
    assert graph.nodes[ALPHA] == {"label": "Alpha Bio", "type": "Company", "cls": "Company", "aliases": ("Alpha", "Alpha Bio Inc.")}
    assert graph.nodes[ALPHACEL]["type"] == "Therapy" and graph.nodes[ALPHACEL]["cls"] == "TherapyProduct"


def test_a_symmetric_fact_stated_both_ways_is_one_edge_with_both_sentences(graph):
    edges = [(s, o, data) for s, o, data in graph.edges(data=True) if data["predicate"] == "collaboratesWith"]
    assert len(edges) == 1
    (_, _, data), = edges
    assert [e.text for e in data["evidence"]] == ["Alpha Bio and Beta Cells formed a collaboration.", "Beta Cells partners with Alpha Bio."]
    assert data["confidence"] == 0.8 and not data["reference"]
    assert [e.title for e in data["evidence"]] == ["Alpha buys Gamma", "Alpha's pipeline"]
    assert data["evidence"][0].path == "one.md"


def test_reference_facts_are_marked_and_can_be_left_out(graph, hand_made):
    reference = graph.get_edge_data(ALPHA, TESTLAND)
    assert list(reference) == [("headquarteredIn", "reference")]
    assert reference[("headquarteredIn", "reference")] == {
        "predicate": "headquarteredIn", "reference": True, "evidence": (), "confidence": None}
    without = entity_graph(hand_made, include_reference=False)
    assert TESTLAND not in without and without.number_of_edges() == graph.number_of_edges() - 1


@pytest.mark.parametrize("text", ["Alpha Bio", "alpha bio", "ALPHA", "alpha bio inc.", ALPHA, "cgtid:alpha"])
def test_find_entity_by_label_alias_or_iri(graph, text):
    assert find_entity(graph, text) == ALPHA


def test_find_entity_names_close_matches(graph):
    with pytest.raises(UserError, match=r"'Alpah Bio'.*close matches: Alpha Bio"):
        find_entity(graph, "Alpah Bio")
    with pytest.raises(UserError, match="kg rank"):
        find_entity(graph, "zzz")


def test_neighbourhood_follows_relations_both_ways(graph):
    assert neighbourhood(graph, SYNDROME, 2) == {SYNDROME: 0, ALPHACEL: 1, ALPHA: 2}


def test_query_graph_keeps_evidence_and_adds_bare_edges(hand_made):
    acquisitions = query_graph(hand_made, "CONSTRUCT { ?a cgt:acquires ?b } WHERE { ?a cgt:acquires ?b }")
    (s, o, data), = acquisitions.edges(data=True)
    assert (s, o) == (ALPHA, GAMMA) and data["evidence"][0].text == "Alpha Bio acquired Gamma Gene."
    assert acquisitions.nodes[GAMMA]["label"] == "Gamma Gene"
    labels = query_graph(hand_made, "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p = skos:prefLabel || ?p = cgt:treats) }")
    assert [d["predicate"] for *_, d in labels.edges(data=True)] == ["treats"]
    mentions = query_graph(hand_made, "CONSTRUCT { ?d cgt:about ?e } WHERE { GRAPH ?d { ?e a cgt:Company } }")
    assert {d["predicate"] for *_, d in mentions.edges(data=True)} == {"about"}
    with pytest.raises(UserError, match="CONSTRUCT"):
        query_graph(hand_made, "ASK { ?s ?p ?o }")


# ---------------------------------------------------------------------------- measures


def test_degree_and_betweenness_on_the_hand_made_graph(graph):
    degree = centrality(graph, "degree")
    assert degree[ALPHA] == pytest.approx(4 / 5) and degree[ALPHACEL] == pytest.approx(2 / 5)
    assert degree[BETA] == degree[GAMMA] == degree[TESTLAND] == degree[SYNDROME] == pytest.approx(1 / 5)
    betweenness = centrality(graph, "betweenness")
    assert betweenness[ALPHA] == pytest.approx(9 / 10) and betweenness[ALPHACEL] == pytest.approx(4 / 10)
    assert betweenness[BETA] == 0


def test_pagerank_solves_the_pagerank_equation(graph):
    simple = undirected(graph)
    nodes = list(simple)
    weights = nx.to_numpy_array(simple, nodelist=nodes)
    transition = weights / weights.sum(axis=0)
    alpha, n = 0.85, len(nodes)
    exact = np.linalg.solve(np.eye(n) - alpha * transition, np.full(n, (1 - alpha) / n))
    ranks = pagerank(simple)
    assert [ranks[node] for node in nodes] == pytest.approx(exact.tolist(), abs=1e-8)
    assert math.isclose(sum(ranks.values()), 1.0)
    assert max(ranks, key=ranks.get) == ALPHA


def test_rank_filters_by_class_and_limits(graph):
    assert [r.label for r in rank_entities(graph, "degree", limit=2)] == ["Alpha Bio", "Alphacel"]
    companies = rank_entities(graph, "pagerank", entity_type="company")
    assert [r.label for r in companies] == ["Alpha Bio", "Beta Cells", "Gamma Gene"]
    assert companies[0].relations == 3  # the link to Testland is an attribute, not a relation that ranks
    assert [r.label for r in rank_entities(graph, entity_type="TherapyProduct")] == ["Alphacel"]
    with pytest.raises(UserError, match="types present: .*Company"):
        rank_entities(graph, entity_type="Vaccine")
    with pytest.raises(UserError, match="degree, pagerank, betweenness"):
        centrality(graph, "closeness")


def test_hubs_are_left_out_of_rankings_unless_asked_for(graph):
    assert TESTLAND not in {r.iri for r in rank_entities(graph, limit=10)}
    with_hubs = rank_entities(graph, limit=10, hubs=True)
    assert TESTLAND in {r.iri for r in with_hubs} and with_hubs[0].relations == 4
    assert [r.label for r in rank_entities(graph, entity_type="Country")] == ["Testland"]


@pytest.mark.parametrize("data, expected", [
    ({"type": "Country", "cls": "Country"}, "Country"),
    ({"type": "Agency", "cls": "Agency"}, "Agency"),
    ({"type": "Therapy", "cls": "TherapyModality"}, "TherapyModality"),
    ({"type": "Technology", "cls": "Technology"}, "Technology"),
    ({"type": "Therapy", "cls": "TherapyProduct"}, None),
    ({"type": "Company", "cls": "Company"}, None),
])
def test_hub_classes_come_from_the_class_of_a_node(data, expected):
    assert hub_class(data) == expected


def hub_graph() -> nx.MultiDiGraph:
    """Two companies in one country and, the long way round, linked by a product and a disease."""
    graph = nx.MultiDiGraph()
    for node, cls in [("a", "Company"), ("b", "Company"), ("us", "Country"), ("p", "TherapyProduct"), ("d", "Disease"),
                      ("q", "TherapyProduct")]:
        graph.add_node(node, label=node.upper(), type="Therapy" if cls == "TherapyProduct" else cls, cls=cls, aliases=())
    for s, o, predicate in [("a", "us", "headquarteredIn"), ("b", "us", "headquarteredIn"), ("a", "p", "develops"),
                            ("p", "d", "treats"), ("q", "d", "treats"), ("b", "q", "develops")]:
        graph.add_edge(s, o, key=(predicate, "extracted"), predicate=predicate, reference=False, evidence=(), confidence=0.9)
    return graph


def test_a_chain_avoids_hubs_and_excluded_classes_and_can_be_sent_through_one():
    graph = hub_graph()
    assert [h.object_label for h in shortest_chain(graph, "a", "b")] == ["US", "US"]  # both headquartered there
    chain = shortest_chain(graph, "a", "b", exclude=HUB_CLASSES)
    assert [(h.subject, h.predicate, h.object) for h in chain] == [
        ("a", "develops", "p"), ("p", "treats", "d"), ("q", "treats", "d"), ("b", "develops", "q")]
    with pytest.raises(UserError, match="without passing through Country, Region, Agency, TherapyModality, Technology, Disease"):
        shortest_chain(graph, "a", "b", exclude=(*HUB_CLASSES, "Disease"))
    assert [h.object for h in shortest_chain(graph, "a", "b", via="Disease", exclude=HUB_CLASSES)][1] == "d"
    assert [h.object for h in shortest_chain(graph, "a", "b", via="Country", exclude=HUB_CLASSES)] == ["us", "us"]
    assert len(shortest_chain(graph, "us", "d", exclude=HUB_CLASSES)) == 3  # an end may be a hub
    with pytest.raises(UserError, match="no entity of type .Person."):
        shortest_chain(graph, "a", "b", via="Person")


def test_shortest_chain_has_the_evidence_of_each_hop(graph):
    hops = shortest_chain(graph, BETA, SYNDROME)
    assert [(h.subject_label, h.predicate, h.object_label) for h in hops] == [
        ("Beta Cells", "collaboratesWith", "Alpha Bio"),
        ("Alpha Bio", "develops", "Alphacel"),
        ("Alphacel", "treats", "Test syndrome"),
    ]
    assert [h.evidence[0].text for h in hops] == [
        "Alpha Bio and Beta Cells formed a collaboration.", "Alpha Bio develops Alphacel.", "Alphacel treats Test syndrome."]
    assert hops[2].evidence[0].title == "Alpha's pipeline"
    (hop,) = shortest_chain(graph, TESTLAND, ALPHA)
    assert hop.reference and hop.evidence == ()


def test_no_chain_is_a_user_error(hand_made):
    graph = entity_graph(hand_made, include_reference=False)
    graph.add_node(TESTLAND, label="Testland", type="Country", cls="Country", aliases=())
    with pytest.raises(UserError, match="no chain of relations links 'Beta Cells' and 'Testland'"):
        shortest_chain(graph, BETA, TESTLAND)


def test_communities_of_two_triangles_joined_by_one_edge():
    graph = nx.MultiDiGraph()
    names = "abcdef"
    for name in names:
        graph.add_node(name, label=name.upper(), type="Company", cls="Company", aliases=())
    for s, o, predicate in [("a", "b", "acquires"), ("b", "c", "acquires"), ("c", "a", "investsIn"),
                            ("d", "e", "collaboratesWith"), ("e", "f", "collaboratesWith"), ("f", "d", "collaboratesWith"),
                            ("c", "d", "investsIn")]:
        graph.add_edge(s, o, key=(predicate, "extracted"), predicate=predicate, reference=False, evidence=(), confidence=0.9)
    groups = find_communities(graph)
    assert sorted(sorted(m.iri for m in g.members) for g in groups) == [["a", "b", "c"], ["d", "e", "f"]]
    by_first = {min(m.iri for m in g.members): g for g in groups}
    assert by_first["a"].predicates == (("acquires", 2), ("investsIn", 1))
    assert by_first["d"].predicates == (("collaboratesWith", 3),)
    assert by_first["a"].members[0].iri == "c"  # the most connected member comes first
    assert find_communities(graph) == groups  # the seed is fixed


# ---------------------------------------------------------------------------- export


def test_graphml_and_gexf_read_back(graph, tmp_path):
    (graphml,) = write_graph_file(graph, "graphml", tmp_path / "g.graphml")
    back = nx.read_graphml(graphml)
    assert set(back) == set(graph) and back.number_of_edges() == graph.number_of_edges()
    assert back.nodes[ALPHA]["aliases"] == "Alpha; Alpha Bio Inc." and back.nodes[ALPHACEL]["class"] == "TherapyProduct"
    acquires = [d for _, _, d in back.edges(data=True) if d["label"] == "acquires"]
    assert acquires == [{"label": "acquires", "direction": "directed", "kind": "extracted", "evidence": "Alpha Bio acquired Gamma Gene.",
                         "documents": "Alpha buys Gamma", "confidence": 0.9, "id": "acquires/extracted"}]
    (gexf,) = write_graph_file(graph, "gexf", tmp_path / "g.gexf")
    assert nx.read_gexf(gexf).number_of_nodes() == graph.number_of_nodes()
    with pytest.raises(UserError, match="graphml, gexf, csv"):
        write_graph_file(graph, "dot", tmp_path / "g.dot")


# ---------------------------------------------------------------------------- commands


def test_rank_command(article_store):
    process = run_kg("rank", "--type", "Company", "--by", "pagerank", "--limit", "3", "--store", article_store)
    assert process.returncode == 0, process.stderr
    rows = [line.split("│")[1:-1] for line in process.stdout.splitlines() if line.startswith("│")]
    assert "pagerank" in process.stdout and len(rows) == 3
    assert all(cells[2].strip() == "Company" for cells in rows)
    scores = [float(cells[3]) for cells in rows]
    assert scores == sorted(scores, reverse=True)
    everything = run_kg("rank", "--limit", "50", "--store", article_store)
    types = {line.split("│")[3].strip() for line in everything.stdout.splitlines() if line.startswith("│")}
    assert types and not types & {"Country", "Region", "Agency", "Technology"}


def test_communities_command(article_store):
    process = run_kg("communities", "--store", article_store)
    assert process.returncode == 0, process.stderr
    assert "communities" in process.stdout and "headquarteredIn" in process.stdout


def test_path_command_prints_evidence_and_source(article_store):
    process = run_kg("path", "Nerolis Therapeutics", "velmora genomics", "--store", article_store)
    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    assert lines[0] == "1. Nerolis Therapeutics acquires Quantara Bio"
    assert "Nerolis Therapeutics acquired Quantara Bio in 2022 for USD 400 million." in lines[1]
    assert "Consolidation in gene therapy" in lines[2] and "consolidation.md" in lines[2]
    assert lines[3] == "2. Quantara Bio collaboratesWith Velmora Genomics"
    assert "Quantara Bio and Velmora Genomics formed a collaboration" in lines[4] and "vectors.md" in lines[5]


def test_path_command_leaves_hubs_out_unless_asked(article_store):
    process = run_kg("path", "Biogen", "Novartis", "--store", article_store)
    assert process.returncode == 0, process.stderr
    assert "headquarteredIn" not in process.stdout  # the long way, through products and diseases of the vocabulary
    process = run_kg("path", "Biogen", "Novartis", "--exclude-type", "Therapy", "--store", article_store)
    assert process.returncode == 1 and "without passing through Country, Region, Agency, TherapyModality, Technology, Therapy" in process.stderr
    process = run_kg("path", "Biogen", "Novartis", "--hubs", "--store", article_store)
    assert process.returncode == 0, process.stderr
    assert "headquarteredIn" in process.stdout


def test_path_to_an_unknown_entity_is_one_line(article_store):
    process = run_kg("path", "Biogen", "Novartiss", "--store", article_store)
    assert process.returncode == 1 and "Traceback" not in process.stderr
    (line,) = stderr_lines(process)
    assert "Novartiss" in line and "Novartis" in line


def test_export_graph_csv_command(article_store, tmp_path):
    process = run_kg("export-graph", "--format", "csv", "-o", tmp_path / "g.csv", "--store", article_store)
    assert process.returncode == 0, process.stderr
    with (tmp_path / "g.nodes.csv").open(encoding="utf-8") as handle:
        nodes = list(csv.DictReader(handle))
    with (tmp_path / "g.edges.csv").open(encoding="utf-8") as handle:
        edges = list(csv.DictReader(handle))
    assert {"Biogen", "Ginkgo Bioworks"} <= {n["Label"] for n in nodes}
    collaboration = next(e for e in edges if e["Label"] == "collaboratesWith")
    assert collaboration["Type"] == "undirected" and collaboration["kind"] == "extracted"
    assert "Biogen and Ginkgo Bioworks formed a collaboration" in collaboration["evidence"]
