"""The schema in one place: deal and event kinds and their colours come from ontology/cgt.ttl (kg.ontology.load_schema)
and a kind added there (with the words that name it in patterns/deals.toml of the same folder) reaches extraction,
the graph, the canned queries and the network page without a line of code."""

from __future__ import annotations

import json
import shutil

import pytest
from rdflib import Graph
from rdflib.namespace import RDFS

from conftest import ONTOLOGY, kg_env, run_kg_script, stderr_lines
from kg.errors import UserError
from kg.model import PREDICATES, TOP_LEVEL_TYPES
from kg.namespaces import CGT, local_name
from kg.ontology import COLOUR, load_schema
from test_viz import page_payload

JOINT_VENTURE = """
cgt:JointVenture a owl:Class ; rdfs:subClassOf cgt:Collaboration ;
    rdfs:label "Joint venture"@en ;
    rdfs:comment "Two companies found a company they own together."@en ;
    cgt:colour "#123456" .
"""
JOINT_VENTURE_CUE = """
[[kind]]
kind = "JointVenture"
cue = '''\\bjoint venture\\b'''
"""
ARTICLE = "In March 2021 Bluebird Bio and Regeneron Pharmaceuticals formed a joint venture to develop gene therapies for sickle cell disease.\n"


def _ontology_copy(tmp_path, ttl_extra: str = "", toml_extra: str = ""):
    copy = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, copy)
    with (copy / "cgt.ttl").open("a", encoding="utf-8") as handle:
        handle.write(ttl_extra)
    deals = copy / "patterns" / "deals.toml"
    deals.write_text(toml_extra + deals.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def _rows(stdout: str) -> list[dict[str, str]]:
    """The rows of `kg query -f json` output (SPARQL JSON results) as plain values."""
    return [{name: cell["value"] for name, cell in row.items()} for row in json.loads(stdout)["results"]["bindings"]]


def test_every_deal_and_event_kind_of_the_ontology_has_a_colour():
    ontology = Graph().parse(ONTOLOGY / "cgt.ttl")
    schema = load_schema()
    for root, kinds in (("Deal", schema.deal_kinds), ("RegulatoryEvent", schema.event_kinds)):
        declared = {local_name(c) for c in ontology.transitive_subjects(RDFS.subClassOf, CGT[root])} - {root}
        assert declared == set(kinds)
        assert all(COLOUR.fullmatch(kind.colour) for kind in kinds.values())
    colours = [kind.colour for kind in (*schema.deal_kinds.values(), *schema.event_kinds.values())]
    assert len(set(colours)) == len(colours)
    assert schema.deal_kinds["Licensing"].broader == "Collaboration" and schema.deal_kinds["Merger"].broader == "Acquisition"
    assert schema.stated_by("acquires").roles == ("acquirer", "target") and schema.stated_by("develops") is None


def test_every_entity_type_and_relation_the_page_draws_has_its_colour_in_the_ontology():
    schema = load_schema()
    assert all(COLOUR.fullmatch(schema.colour(name) or "") for name in (*TOP_LEVEL_TYPES, "Entity", *PREDICATES, "partOf"))
    assert schema.colour("acquires") == schema.colour("Acquisition")  # a relation and the deal kind it states look alike


def test_a_colour_that_is_not_rrggbb_is_one_clear_error(tmp_path):
    copy = _ontology_copy(tmp_path, JOINT_VENTURE.replace("#123456", "blue"))
    with pytest.raises(UserError, match=r"cgt:JointVenture has the colour 'blue', not #rrggbb"):
        load_schema(copy)


def test_a_kind_without_a_colour_is_one_clear_error(tmp_path):
    copy = _ontology_copy(tmp_path, JOINT_VENTURE.replace(' ;\n    cgt:colour "#123456" .', " ."))
    with pytest.raises(UserError, match=r"cgt:JointVenture \(a kind of Deal\) has no cgt:colour"):
        load_schema(copy)


def test_a_kind_added_to_the_ontology_reaches_extraction_graph_queries_and_page(tmp_path):
    env = kg_env(KG_ONTOLOGY=str(_ontology_copy(tmp_path, JOINT_VENTURE, JOINT_VENTURE_CUE)))
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "venture.txt").write_text(ARTICLE, encoding="utf-8")
    extracted = run_kg_script("extract", "--json", "--model", "rules", articles / "venture.txt", env=env)
    assert extracted.returncode == 0, extracted.stderr
    (deal,) = json.loads(extracted.stdout)["deals"]
    assert (deal["kind"], deal["date"], [p["role"] for p in deal["parties"]]) == ("JointVenture", "2021-03", ["partner", "partner"])
    store = tmp_path / "store"
    assert run_kg_script("build", articles, "--store", store, "--model", "rules", env=env).returncode == 0
    typed = run_kg_script("query", "-f", "json", "--store", store, env=env,
                          *["SELECT ?kind WHERE { ?d a cgt:JointVenture ; a ?kind } ORDER BY ?kind"])
    assert [local_name(row["kind"]) for row in _rows(typed.stdout)] == ["Collaboration", "Deal", "JointVenture"]
    listed = run_kg_script("query", "deals", "-f", "json", "--store", store, env=env)
    assert [row["kind"] for row in _rows(listed.stdout)] == ["Joint venture"]
    page = tmp_path / "deals.html"
    assert run_kg_script("viz", "--deals", "-o", page, "--store", store, env=env).returncode == 0
    payload = page_payload(page)
    assert {"name": "JointVenture", "color": "#123456"}.items() <= payload["predicates"][0].items()
    assert [e["color"] for e in payload["edges"]] == ["#123456"]


def test_a_pattern_naming_a_kind_the_ontology_lacks_is_one_clear_error(tmp_path):
    env = kg_env(KG_ONTOLOGY=str(_ontology_copy(tmp_path, toml_extra=JOINT_VENTURE_CUE)))
    (tmp_path / "venture.txt").write_text(ARTICLE, encoding="utf-8")
    failed = run_kg_script("extract", "--json", "--model", "rules", tmp_path / "venture.txt", env=env)
    assert failed.returncode == 1
    (line,) = stderr_lines(failed)
    assert "deals.toml: 'JointVenture' is not a subclass of cgt:Deal in ontology/cgt.ttl (kinds: Acquisition, Merger" in line


def test_the_charts_draw_deal_and_event_kinds_in_their_ontology_colours(tmp_path, rules_nlp):
    from conftest import opened, seeded_store
    from kg.build import build
    from kg.web.charts import deals_chart, regulatory_chart

    (tmp_path / "news.txt").write_text(
        "Roche agreed to acquire Spark Therapeutics for about $4.3 billion in February 2019.\n\n"
        "The FDA approved Casgevy for sickle cell disease in December 2023.\n\n"
        "In 2021 Bluebird Bio and Regeneron Pharmaceuticals entered into a license agreement for gene therapies.\n",
        encoding="utf-8",
    )
    schema = load_schema()
    with opened(seeded_store(tmp_path / "store")) as store:
        build([tmp_path / "news.txt"], store, rules_nlp)
        deals, regulatory = deals_chart(store).data, regulatory_chart(store).data
    assert {(k["kind"], k["colour"]) for k in deals["kinds"]} == {("Acquisition", schema.colour("Acquisition")), ("Licensing", schema.colour("Licensing"))}
    assert regulatory["colours"] == {"approval": schema.colour("Approval"), "designation": schema.colour("DesignationGrant")}
    assert [p["kind"] for p in regulatory["points"]] == ["approval"]
