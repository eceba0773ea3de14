"""Synthetic but realistic data for benchmarks: articles for extraction, N-Quads for the store.

Articles are assembled from sentence shapes our corpus uses, filled with vocabulary
entities and invented company and product names. The N-Quads follow exactly the
graph shape `kg build` writes (document node, mentions, relations with rdf:Statement
evidence, figures), so store benchmarks measure the queries analysts really run.
"""

from __future__ import annotations

import random
from pathlib import Path

from kg.model import PREDICATES
from kg.namespaces import CGT, CGTID, DOC, FIGURE, MENTION, STATEMENT, VOCABULARY_GRAPH
from kg.ontology import load_vocabulary

SYLLABLES = ["lu", "na", "ris", "vel", "to", "ka", "mi", "dor", "sa", "ven", "qui", "lo", "tre", "an", "bel", "or"]
HEADS = ["Therapeutics", "Bio", "Biosciences", "Genomics", "Pharma", "Biotherapeutics"]
SHAPES = [
    "{company} acquired {company2} for ${value} million in {year}.",
    "{company} and {company2} formed a collaboration to develop {modality} for {disease}.",
    "{investor} led a ${value} million Series B financing in {company}.",
    "{company}'s lead candidate {product}, an {modality} for {disease}, received {designation} from the {agency}.",
    "{product}, developed by {company}, was approved by the {agency} for {disease} in {year}.",
    "{company}, based in {country}, is developing {product} for {disease}.",
    "The {region} {modality} market was valued at USD {size} billion in {year} and is expected to reach USD {size2} billion by {year2}, a CAGR of {cagr}% from {year} to {year2}.",
    "{country} has implemented the {law}, which the {agency} enforces.",
]


def invented_name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{word} {rng.choice(HEADS)}"


def _labels(cls_types: set[str]) -> list[str]:
    vocabulary = load_vocabulary()
    return sorted(c.label for c in vocabulary.concepts.values() if c.cls in cls_types)


def synthetic_articles(count: int, seed: int = 7, sentences: int = 14) -> list[str]:
    """`count` articles of market and deal news over the vocabulary and invented names."""
    rng = random.Random(seed)
    pools = {
        "company": _labels({"Company"}), "modality": _labels({"TherapyModality"}), "disease": _labels({"Disease"}),
        "designation": _labels({"Designation"}), "agency": _labels({"Agency"}), "country": _labels({"Country"}),
        "region": _labels({"Region"}), "law": _labels({"Law"}), "product": _labels({"TherapyProduct"}),
    }
    articles = []
    for _ in range(count):
        lines = []
        for _ in range(sentences):
            year = rng.randint(2015, 2025)
            size = round(rng.uniform(1, 20), 1)
            fill = {key: rng.choice(values) for key, values in pools.items()}
            fill.update(
                company=rng.choice([invented_name(rng), fill["company"]]),
                company2=invented_name(rng),
                investor=invented_name(rng).split()[0] + " Ventures",
                product=rng.choice([f"{rng.choice('ABCDEFGHKLMNPRSTVX')}{rng.choice('ABCDEFGHKLMNPRSTVX')}"
                                    f"{rng.choice('ABCDEFGHKLMNPRSTVX')}-{rng.randint(100, 999)}", fill["product"]]),
                value=rng.randint(20, 900), year=year, year2=year + rng.randint(5, 9), size=size,
                size2=round(size * rng.uniform(2, 6), 1), cagr=round(rng.uniform(8, 30), 1),
            )
            lines.append(rng.choice(SHAPES).format(**fill))
        articles.append("# Market and deal news\n\n" + " ".join(lines) + "\n")
    return articles


def _iri(term) -> str:
    return f"<{term}>"


def _literal(value, datatype: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"' + (f"^^<http://www.w3.org/2001/XMLSchema#{datatype}>" if datatype else "")


def synthetic_nquads(path: Path, triples: int, seed: int = 11) -> int:
    """Write about `triples` quads shaped like `kg build` output (plus the vocabulary); return the count."""
    rng = random.Random(seed)
    vocabulary = load_vocabulary()
    concepts = list(vocabulary.concepts.values())
    invented = [CGTID[f"synthetic-company-{k}"] for k in range(max(100, triples // 200))]
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    written = 0
    with path.open("w", encoding="utf-8") as out:
        graph = _iri(VOCABULARY_GRAPH)
        for s, p, o in vocabulary.reference:
            object_text = o.n3()
            out.write(f"{s.n3()} {p.n3()} {object_text} {graph} .\n")
            written += 1
        for company in invented:
            out.write(f"{_iri(company)} {rdf_type} {_iri(CGT.Company)} {graph} .\n")
            out.write(f"{_iri(company)} {label} {_literal(company.split('/')[-1])} {graph} .\n")
            written += 2
        d = 0
        while written < triples:
            d += 1
            doc = _iri(DOC[f"{d:064x}"])
            quads = [
                (doc, rdf_type, _iri(CGT.Document)),
                (doc, "<http://purl.org/dc/terms/title>", _literal(f"Synthetic article {d}")),
                (doc, _iri(CGT.path), _literal(f"synthetic/{d}.md")),
                (doc, _iri(CGT.sha256), _literal(f"{d:064x}")),
                (doc, "<http://www.w3.org/ns/prov#generatedAtTime>", _literal("2026-01-01T00:00:00Z", "dateTime")),
                (doc, _iri(CGT.extractorVersion), _literal("synthetic")),
            ]
            entities = [rng.choice(concepts).iri for _ in range(12)] + [str(rng.choice(invented)) for _ in range(6)]
            for k, entity in enumerate(entities):
                mention = _iri(MENTION[f"{d}-{k}"])
                quads += [
                    (doc, "<https://schema.org/mentions>", _iri(entity)),
                    (doc, _iri(CGT.hasMention), mention),
                    (mention, rdf_type, _iri(CGT.Mention)),
                    (mention, _iri(CGT.entity), _iri(entity)),
                    (mention, _iri(CGT.salience), _literal(round(rng.random(), 3), "decimal")),
                ]
            for k in range(10):
                subject, obj = _iri(rng.choice(invented)), _iri(rng.choice(entities))
                predicate = _iri(CGT[rng.choice(PREDICATES)])
                statement = _iri(STATEMENT[f"{d}-{k}"])
                quads += [
                    (subject, predicate, obj),
                    (statement, rdf_type, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement>"),
                    (statement, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>", subject),
                    (statement, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate>", predicate),
                    (statement, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>", obj),
                    (statement, _iri(CGT.evidenceText), _literal(f"Sentence {k} of article {d}.")),
                    (statement, _iri(CGT.confidence), _literal(round(rng.uniform(0.5, 1), 2), "decimal")),
                    (statement, _iri(CGT.rule), _literal("synthetic")),
                    (statement, "<http://www.w3.org/ns/prov#wasDerivedFrom>", doc),
                ]
            for k in range(3):
                figure = _iri(FIGURE[f"{d}-{k}"])
                year = rng.randint(2018, 2032)
                quads += [
                    (figure, rdf_type, _iri(CGT.MarketFigure)),
                    (figure, _iri(CGT.measure), _literal(rng.choice(["MarketSize", "CAGR", "Share", "Count"]))),
                    (figure, _iri(CGT.value), _literal(round(rng.uniform(1, 1000), 1), "decimal")),
                    (figure, _iri(CGT.unit), _literal("USD")),
                    (figure, _iri(CGT.year), _literal(year, "integer")),
                    (figure, _iri(CGT.forecast), _literal(str(year > 2025).lower(), "boolean")),
                    (figure, _iri(CGT.measures), _literal("synthetic market")),
                    (figure, "<http://www.w3.org/ns/prov#wasDerivedFrom>", doc),
                ]
            for s, p, o in quads:
                out.write(f"{s} {p} {o} {doc} .\n")
            written += len(quads)
    return written
