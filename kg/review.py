"""The review queue: extracted facts an analyst should look at, and the decisions taken on them.

A fact is put up for review when it contradicts the curated vocabulary (a headquarters other than the
curated one), contradicts another source (two values for one deal, an approval and a trial clearance of one
product by one agency in one year) or sits below a confidence. Each has
a short id from its triple. `reject` moves the triple and its evidence statements out of the documents'
graphs into REJECTED_GRAPH, which queries, pictures and exports leave out; `accept` keeps it and takes it
off the queue. Decisions live in REVIEW_GRAPH, which builds never touch, and are applied again after
every build, so a re-extracted document does not bring a rejected fact back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from rdflib import Literal
from rdflib.term import Node

from kg.errors import UserError
from kg.namespaces import ONTOLOGY_GRAPH, REJECTED_GRAPH, REVIEW, REVIEW_GRAPH, VOCABULARY_GRAPH
from kg.store import Store

DEFAULT_REVIEW_CONFIDENCE = 0.5
PROTECTED_GRAPHS = (REJECTED_GRAPH, REVIEW_GRAPH, VOCABULARY_GRAPH, ONTOLOGY_GRAPH)


@dataclass(frozen=True)
class ReviewItem:
    """One fact up for review, with why, how sure the extractor was, and where it was read."""

    id: str
    reason: str
    subject: Node
    predicate: Node
    object: Node
    fact: str
    confidence: float | None
    evidence: str
    status: str

    def to_json(self) -> dict:
        return {
            "id": self.id, "reason": self.reason, "fact": self.fact, "subject": str(self.subject),
            "predicate": str(self.predicate), "object": str(self.object), "confidence": self.confidence,
            "evidence": self.evidence, "status": self.status,
        }


def fact_id(subject: Node, predicate: Node, obj: Node) -> str:
    """A short id of a fact, the same in every build: a digest of its triple."""
    return hashlib.sha256(" ".join(t.n3() for t in (subject, predicate, obj)).encode("utf-8")).hexdigest()[:10]


FINDERS = {
    "headquarters differs from the curated one": """
        SELECT ?s ?p ?o ?conf ?evidence (CONCAT(STR(?sl), " headquartered in ", STR(?ol), " (curated: ", STR(?cl), ")") AS ?fact) WHERE {
          BIND (cgt:headquarteredIn AS ?p)
          GRAPH ?g { ?s ?p ?o . ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cgt:confidence ?conf ; cgt:evidenceText ?evidence }
          FILTER (?g != <%(vocabulary)s>)
          GRAPH <%(vocabulary)s> { ?s ?p ?curated }
          FILTER (?o != ?curated)
          FILTER NOT EXISTS { ?o cgt:partOf+ ?curated } FILTER NOT EXISTS { ?curated cgt:partOf+ ?o }
          ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol . ?curated skos:prefLabel ?cl .
        }""",
    "another source gives this deal another value": """
        SELECT ?s ?p ?o ?evidence (CONCAT("deal valued at ", STR(?o), " USD; another source: ", STR(?other)) AS ?fact) WHERE {
          BIND (cgt:usdValue AS ?p)
          GRAPH ?g { ?s a cgt:Deal ; ?p ?o ; cgt:evidenceText ?evidence }
          GRAPH ?h { ?s ?p ?other }
          FILTER (?g != ?h && ABS(?o - ?other) > 0.03 * ?o)
        }""",
    "an approval and a trial clearance of one product by one agency in one year": """
        SELECT ?s ?p ?o ?evidence (CONCAT(STR(?pl), " approved by ", STR(?al), " in ", STR(YEAR(?when)), "; a trial clearance too") AS ?fact) WHERE {
          BIND (rdf:type AS ?p) BIND (cgt:Approval AS ?o)
          ?s a cgt:Approval ; cgt:product ?product ; cgt:agency ?agency ; cgt:eventDate ?when ; cgt:evidenceText ?evidence .
          ?clearance a cgt:Clearance ; cgt:product ?product ; cgt:agency ?agency ; cgt:eventDate ?cleared .
          FILTER (YEAR(?when) = YEAR(?cleared))
          ?product skos:prefLabel ?pl . ?agency skos:prefLabel ?al .
        }""",
    "low confidence": """
        SELECT ?s ?p ?o ?conf ?evidence (CONCAT(STR(?sl), " ", REPLACE(STR(?p), "^.*#", ""), " ", STR(?ol)) AS ?fact) WHERE {
          GRAPH ?g { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cgt:confidence ?conf ; cgt:evidenceText ?evidence }
          FILTER (?conf < %(threshold)s)
          OPTIONAL { ?s skos:prefLabel ?sl } OPTIONAL { ?o skos:prefLabel ?ol }
        }""",
}


def decisions(store: Store) -> dict[str, str]:
    """Every decision taken: fact id -> accepted or rejected."""
    rows = store.query(f"SELECT ?id ?decision WHERE {{ GRAPH <{REVIEW_GRAPH}> {{ ?d cgt:reviewId ?id ; cgt:decision ?decision }} }}")
    return {str(row[0]): str(row[1]) for row in rows}


def review_items(store: Store, threshold: float = DEFAULT_REVIEW_CONFIDENCE, include_decided: bool = False) -> list[ReviewItem]:
    """The facts up for review (one item per fact, its first reason), pending ones only unless `include_decided`."""
    decided = decisions(store)
    items: dict[str, ReviewItem] = {}
    for reason, sparql in FINDERS.items():
        query = sparql % {"vocabulary": VOCABULARY_GRAPH, "threshold": repr(float(threshold))}
        for row in store.query(query):
            values = row.asdict()
            s, p, o = values["s"], values["p"], values["o"]
            key = fact_id(s, p, o)
            status = decided.get(key, "pending")
            if key in items or (status != "pending" and not include_decided):
                continue
            confidence = float(values["conf"]) if values.get("conf") is not None else None
            items[key] = ReviewItem(key, reason, s, p, o, str(values.get("fact") or ""), confidence, str(values.get("evidence") or ""), status)
    if include_decided:
        items.update({item.id: item for item in rejected_items(store) if item.id not in items})
    return sorted(items.values(), key=lambda item: (item.reason, item.fact))


def rejected_items(store: Store) -> list[ReviewItem]:
    """The facts analysts rejected, as the review graph records them."""
    rows = store.query(
        f"SELECT ?id ?s ?p ?o ?reason ?fact ?evidence WHERE {{ GRAPH <{REVIEW_GRAPH}> {{ ?d cgt:reviewId ?id ; cgt:decision \"rejected\" ; "
        "rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cgt:reviewReason ?reason ; cgt:evidenceText ?evidence ; rdfs:label ?fact } }"
    )
    return [ReviewItem(str(r[0]), str(r[4]), r[1], r[2], r[3], str(r[5]), None, str(r[6]), "rejected") for r in rows]


def decide(store: Store, ids: list[str], decision: str, note: str | None = None, threshold: float = DEFAULT_REVIEW_CONFIDENCE) -> list[ReviewItem]:
    """Record `decision` (accepted or rejected) for the items of these ids (or unique id prefixes) and
    apply it; UserError names an id that is no item."""
    known = {item.id: item for item in review_items(store, threshold, include_decided=True)}
    chosen = []
    for wanted in ids:
        matches = [key for key in known if key.startswith(wanted.lower())]
        if len(matches) != 1:
            problem = "matches several items" if matches else "is not an item of the review queue (`kg review --all` lists them)"
            raise UserError(f"review id {wanted!r} {problem}")
        chosen.append(known[matches[0]])
    when = Literal(datetime.now(timezone.utc).replace(microsecond=0))
    for item in chosen:
        node = REVIEW[item.id]
        comment = f"; rdfs:comment {Literal(note).n3()}" if note else ""
        store.update(
            f"DELETE WHERE {{ GRAPH <{REVIEW_GRAPH}> {{ <{node}> ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{REVIEW_GRAPH}> {{ <{node}> a cgt:ReviewDecision ; cgt:reviewId {Literal(item.id).n3()} ; "
            f"cgt:decision {Literal(decision).n3()} ; cgt:reviewReason {Literal(item.reason).n3()} ; rdfs:label {Literal(item.fact).n3()} ; "
            f"cgt:evidenceText {Literal(item.evidence).n3()} ; rdf:subject {item.subject.n3()} ; rdf:predicate {item.predicate.n3()} ; "
            f"rdf:object {item.object.n3()} ; dcterms:created {when.n3()} {comment} }} }}"
        )
        if decision == "accepted":
            _restore(store, item)
    apply_decisions(store)
    return chosen


def apply_decisions(store: Store) -> None:
    """Move every rejected fact (and its evidence statements) out of the documents' graphs into REJECTED_GRAPH,
    noting each graph it left (cgt:removedFrom), so that accepting it puts it back there."""
    protected = ", ".join(f"<{g}>" for g in PROTECTED_GRAPHS)
    store.update(
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o . ?st ?sp ?so }} }} INSERT {{ GRAPH <{REJECTED_GRAPH}> {{ ?s ?p ?o . ?st ?sp ?so . ?d cgt:removedFrom ?g }} }} WHERE {{ "
        f"GRAPH <{REVIEW_GRAPH}> {{ ?d cgt:decision \"rejected\" ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} "
        f"GRAPH ?g {{ ?s ?p ?o OPTIONAL {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ?sp ?so }} }} "
        f"FILTER (?g NOT IN ({protected})) }}"
    )


def _restore(store: Store, item: ReviewItem) -> None:
    """Put an accepted, earlier rejected fact back into the stored documents' graphs it was moved out of (a fact
    without evidence statements too, such as a deal's value), with its statements; all in one transaction."""
    s, p, o = (t.n3() for t in (item.subject, item.predicate, item.object))
    node = f"<{REVIEW[item.id]}>"
    store.update(
        f"INSERT {{ GRAPH ?doc {{ {s} {p} {o} }} }} WHERE {{ GRAPH <{REJECTED_GRAPH}> {{ {node} cgt:removedFrom ?doc }} GRAPH ?doc {{ ?doc a cgt:Document }} }} ;\n"
        f"DELETE {{ GRAPH <{REJECTED_GRAPH}> {{ {s} {p} {o} . ?st ?sp ?so }} }} INSERT {{ GRAPH ?doc {{ {s} {p} {o} . ?st ?sp ?so }} }} WHERE {{ "
        f"GRAPH <{REJECTED_GRAPH}> {{ ?st rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ; prov:wasDerivedFrom ?doc ; ?sp ?so }} }} ;\n"
        f"DELETE WHERE {{ GRAPH <{REJECTED_GRAPH}> {{ {node} cgt:removedFrom ?doc }} }} ;\n"
        f"DELETE DATA {{ GRAPH <{REJECTED_GRAPH}> {{ {s} {p} {o} }} }}"
    )
