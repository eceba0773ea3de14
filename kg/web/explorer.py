"""What the explorer pages show, read from any Store: labels for search, result tables,
entity pages and document pages. (Networks are `kg viz` pages, see kg/web/pages.py.)

Pure functions over query results: they return frozen records that the templates render
(Jinja2 with autoescaping, so article text is never markup). The queries run through
whatever Store they are given; `kg serve` gives them the worker pool of kg/sparql.py.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import quote
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.query import Result

from kg.errors import UserError
from kg.graph import GRAPH_PREDICATES, entity_attributes
from kg.namespaces import CGT, CGTID, DOC, EVENT, VOCABULARY_GRAPH, local_name
from kg.queries import short_term
from kg.sources import read_source
from kg.store import Store

ENTITY_ID = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
"""Local names of entities: kg.namespaces.slug keeps letters of every script, joined by `-`."""
DOCUMENT_ID = re.compile(r"[0-9a-f]{64}")
RECORD_ID = re.compile(r"[0-9a-f]{8,64}")
"""Local names of deals, regulatory events and deal terms (kg.rdf names them by a hash)."""
SEARCH_LIMIT = 10
FUZZY_CUTOFF = 0.75
"""How close (difflib ratio) a name must be to count as a typo of the text searched for ("Biogn" -> "biogen" is 0.91)."""


# --------------------------------------------------------------------------- links


def entity_iri(entity_id: str) -> URIRef | None:
    """The entity IRI an /entity/{id} page shows, None when the id cannot be one."""
    return CGTID[entity_id] if ENTITY_ID.fullmatch(entity_id) else None


def document_iri_of(sha256: str) -> URIRef | None:
    """The document IRI a /document/{sha256} page shows, None when the id is not a sha256."""
    return DOC[sha256] if DOCUMENT_ID.fullmatch(sha256) else None


def entity_url(iri: str) -> str | None:
    """The explorer page of an entity IRI, None for IRIs outside the entity namespace."""
    local = str(iri)[len(CGTID):] if str(iri).startswith(str(CGTID)) else ""
    return f"/entity/{quote(local)}" if ENTITY_ID.fullmatch(local) else None


def entity_network_url(iri: str) -> str | None:
    """The network frame of an entity's neighbourhood, None for IRIs outside the entity namespace."""
    page = entity_url(iri)
    return page and "/network" + page


def record_iri(record_id: str) -> URIRef | None:
    """The deal, event or term IRI a /record/{id} page shows, None when the id cannot be one."""
    return EVENT[record_id] if RECORD_ID.fullmatch(record_id) else None


def record_url(iri: str) -> str | None:
    """The explorer page of a deal, regulatory event or deal term, None for other IRIs."""
    local = str(iri)[len(EVENT):] if str(iri).startswith(str(EVENT)) else ""
    return f"/record/{local}" if RECORD_ID.fullmatch(local) else None


def document_url(iri: str) -> str | None:
    """The explorer page of a document IRI, None for other IRIs."""
    local = str(iri)[len(DOC):] if str(iri).startswith(str(DOC)) else ""
    return f"/document/{local}" if DOCUMENT_ID.fullmatch(local) else None


def external_url(iri: str) -> str | None:
    """An IRI as a link out of the explorer, only when it is http(s) (never javascript: or data:)."""
    return str(iri) if re.match(r"https?://", str(iri)) else None


# --------------------------------------------------------------------------- labels and search


@dataclass(frozen=True)
class EntityRecord:
    """An entity as search and links know it."""

    iri: str
    label: str
    type: str
    """The top-level class (Company, Therapy, ...)."""
    cls: str
    """The most specific class (TherapyProduct, Designation, ...)."""
    aliases: tuple[str, ...]

    @property
    def url(self) -> str | None:
        return entity_url(self.iri)

    @property
    def network_url(self) -> str | None:
        return entity_network_url(self.iri)


@dataclass(frozen=True)
class SearchHit:
    """One search suggestion; `alias` is the alias that matched when the label did not."""

    label: str
    cls: str
    url: str
    alias: str | None


@dataclass(frozen=True)
class LabelIndex:
    """Every entity by IRI and by lower-cased label, and every document title."""

    entities: dict[str, EntityRecord]
    by_label: dict[str, str]
    documents: dict[str, str]
    """Document IRI -> title."""
    by_title: dict[str, str]

    @cached_property
    def spellings(self) -> dict[str, tuple[tuple[EntityRecord, str | None], ...]]:
        """Lower-cased labels, aliases and their words of four letters or more -> the entities (and alias) they name
        (built on first use: search needs it, a page of links does not)."""
        return spellings_of(self.entities.values())

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Entities whose label or alias contains the text (exact names first, then prefixes, word starts and
        the rest), then, when those are fewer than `limit`, names that are close to it (typos: "Biogn")."""
        exact = self._containing(text, limit)
        if len(exact) >= limit:
            return exact
        found = {hit.url for hit in exact}
        return exact + [hit for hit in self.close_to(text, limit) if hit.url not in found][: limit - len(exact)]

    def names(self, text: str) -> bool:
        """Whether the text is exactly (case aside) the label or an alias of an entity."""
        needle = text.strip().lower()
        return any(record.label.lower() == needle or (alias or "").lower() == needle for record, alias in self.spellings.get(needle, ()))

    def close_to(self, text: str, limit: int = SEARCH_LIMIT, cutoff: float = FUZZY_CUTOFF) -> list[SearchHit]:
        """Entities whose label, alias or a word of them is spelled close to the text (difflib ratio), closest first."""
        needle = text.strip().lower()
        if not needle:
            return []
        names = self.spellings
        scored: dict[str, tuple[float, SearchHit]] = {}
        for name in difflib.get_close_matches(needle, list(names), n=limit * 4, cutoff=cutoff):
            score = difflib.SequenceMatcher(None, needle, name).ratio()
            for record, alias in names[name]:
                hit = SearchHit(record.label, record.cls, record.url, alias)
                if record.url not in scored or scored[record.url][0] < score:
                    scored[record.url] = (score, hit)
        ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].alias is not None, pair[1].label.lower()))
        return [hit for _, hit in ranked[:limit]]

    def _containing(self, text: str, limit: int) -> list[SearchHit]:
        needle = text.strip().lower()
        if not needle:
            return []
        ranked = []
        for record in self.entities.values():
            names = [(record.label, None)] + [(alias, alias) for alias in record.aliases]
            best = None
            for position, (name, alias) in enumerate(names):
                lowered = name.lower()
                if needle not in lowered:
                    continue
                rank = 0 if lowered == needle else 1 if lowered.startswith(needle) else 2 if re.search(rf"\b{re.escape(needle)}", lowered) else 3
                candidate = (rank, position > 0, alias)
                best = candidate if best is None or candidate[:2] < best[:2] else best
            if best is not None and record.url:
                ranked.append((best[0], best[1], record.label.lower(), SearchHit(record.label, record.cls, record.url, best[2])))
        ranked.sort(key=lambda item: item[:3])
        return [hit for *_, hit in ranked[:limit]]


TITLES_QUERY = "SELECT ?doc ?title WHERE { ?doc a cgt:Document ; dcterms:title ?title }"


def label_index(store: Store) -> LabelIndex:
    """Labels, aliases and classes of every entity (as kg.graph reads them), and the titles of every document."""
    entities = {
        iri: EntityRecord(iri, data["label"], data["type"], data["cls"], tuple(data["aliases"]))
        for iri, data in entity_attributes(store).items()
    }
    by_label: dict[str, str] = {}
    for record in sorted(entities.values(), key=lambda r: r.iri):
        by_label.setdefault(record.label.lower(), record.iri)
    documents = {str(row[0]): str(row[1]) for row in store.query(TITLES_QUERY)}
    by_title = {title: iri for iri, title in sorted(documents.items())}
    return LabelIndex(entities, by_label, documents, by_title)


def spellings_of(records) -> dict[str, tuple[tuple[EntityRecord, str | None], ...]]:
    """Every way of writing each entity that search compares a typo with: its label, its aliases, and their longer words."""
    found: dict[str, list[tuple[EntityRecord, str | None]]] = {}
    for record in records:
        if not record.url:
            continue
        for name, alias in [(record.label, None), *((a, a) for a in record.aliases)]:
            for key in {name.lower(), *re.findall(r"\w[\w-]{3,}", name.lower())}:
                found.setdefault(key, []).append((record, alias))
    return {key: tuple(value) for key, value in found.items()}


# --------------------------------------------------------------------------- result tables


@dataclass(frozen=True)
class Cell:
    """One value as shown: its text, the page it links to, the full IRI on hover, and the raw value
    (what CSV and JSON downloads and column sorting use; None for an empty cell)."""

    text: str
    href: str | None = None
    title: str | None = None
    raw: str | int | float | bool | None = None
    parts: tuple["Cell", ...] = ()
    """A list of names in one value ("AveXis (target) | Novartis (acquirer)"), each part linked on its own."""

    @property
    def numeric(self) -> bool:
        return isinstance(self.raw, (int, float)) and not isinstance(self.raw, bool)


def raw_value(term) -> str | int | float | bool | None:
    """A term's value for downloads and sorting: numbers and booleans as themselves, everything else as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value
        if isinstance(value, (float, Decimal)):
            return float(value)
    return str(term)


def readable_number(value: int | float) -> str:
    """A number for people: thousands separators from five digits on (2019 stays a year), at most ten significant digits."""
    if abs(value) < 10_000:
        return f"{value:.10g}" if isinstance(value, float) else str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.10g}"


def term_cell(term, index: LabelIndex) -> Cell:
    """A term as a cell: entities and documents (by IRI, label or title) link to their pages, numbers are
    formatted for reading and keep their raw value."""
    cell = _term_cell(term, index)
    raw = raw_value(term)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Cell(readable_number(raw), cell.href, cell.title, raw)
    return Cell(cell.text, cell.href, cell.title, raw, cell.parts)


LIST_SEPARATOR = " | "
"""How the canned queries and browse lists join several names in one value (GROUP_CONCAT)."""
ROLE = re.compile(r"^(?P<name>.+?) \((?P<role>[^()]+)\)$")


def _named_cell(text: str, index: LabelIndex) -> Cell | None:
    """A name, or a name with its role in brackets ("AveXis (target)"), as a link to its entity; None when no entity has that label."""
    for name in (text, ROLE.match(text) and ROLE.match(text)["name"]):
        iri = index.by_label.get(name.lower()) if name else None
        if iri is not None:
            return Cell(text, entity_url(iri), iri)
    return None


def _term_cell(term, index: LabelIndex) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, URIRef):
        record = index.entities.get(str(term))
        if record is not None or entity_url(term):
            return Cell(record.label if record else short_term(term), entity_url(term), str(term))
        if document_url(term):
            return Cell(index.documents.get(str(term), short_term(term)), document_url(term), str(term))
        return Cell(short_term(term), record_url(term), str(term))
    if isinstance(term, BNode):
        return Cell(f"_:{term}")
    text = str(term)
    if text.lower() in index.by_label:
        return Cell(text, entity_url(index.by_label[text.lower()]), index.by_label[text.lower()])
    if text in index.by_title:
        return Cell(text, document_url(index.by_title[text]), index.by_title[text])
    if LIST_SEPARATOR in text:
        parts = tuple(_named_cell(part, index) or Cell(part) for part in text.split(LIST_SEPARATOR))
        if any(part.href for part in parts):
            return Cell(text, parts=parts)
    return Cell(text)


@dataclass(frozen=True)
class ResultView:
    """A query result ready to draw: a table or an ASK answer; `edges` when `kg viz --query` can draw it as a network."""

    kind: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    boolean: bool | None
    truncated: bool
    edges: bool


def result_view(result: Result, truncated: bool, index: LabelIndex) -> ResultView:
    """A query result as a table of cells; CONSTRUCT results and SELECTs of ?s ?p ?o are edges too."""
    if result.type == "ASK":
        return ResultView("ASK", (), (), bool(result.askAnswer), truncated, False)
    if result.type == "CONSTRUCT":
        columns = ("subject", "predicate", "object")
        rows = tuple(tuple(term_cell(t, index) for t in triple) for triple in sorted(result.graph))
        return ResultView("CONSTRUCT", columns, rows, None, truncated, bool(rows))
    columns = tuple(str(v) for v in result.vars or [])
    rows = tuple(tuple(term_cell(row[i], index) for i in range(len(columns))) for row in result)
    return ResultView("SELECT", columns, rows, None, truncated, bool(rows) and {"s", "p", "o"} <= set(columns))


# --------------------------------------------------------------------------- entity pages


@dataclass(frozen=True)
class Fact:
    """A relation touching an entity, with the sentence that states it (reference facts have none)."""

    subject: Cell
    predicate: str
    object: Cell
    evidence: str | None
    confidence: str | None
    document: Cell | None
    between_entities: bool = False

    @property
    def in_network(self) -> bool:
        """Whether the entity network of kg.graph draws this fact as an edge."""
        return self.between_entities and self.predicate in GRAPH_PREDICATES


@dataclass(frozen=True)
class FigureRow:
    """A market figure about an entity or stated in a document."""

    measure: str
    value: str
    unit: str
    year: str
    period: str
    forecast: bool
    evidence: str
    document: Cell | None


@dataclass(frozen=True)
class MentionRow:
    """How prominently a document mentions an entity."""

    cell: Cell
    salience: str
    count: str


@dataclass(frozen=True)
class EntityPage:
    """Everything the explorer shows about one entity."""

    record: EntityRecord
    definitions: tuple[str, ...]
    same_as: tuple[Cell, ...]
    facts: tuple[Fact, ...]
    figures: tuple[FigureRow, ...]
    mentions: tuple[MentionRow, ...]
    records: tuple[tuple[Cell, ...], ...] = ()
    """The deals and regulatory events it takes part in, one row each (RECORD_COLUMNS), the kind linked to the record's page."""

    @property
    def related(self) -> bool:
        """Whether the entity has neighbours to draw."""
        return any(fact.in_network for fact in self.facts)


DETAILS_QUERY = """
SELECT DISTINCT ?definition ?same WHERE {
  VALUES ?e { %(entity)s }
  { ?e skos:definition ?definition } UNION { ?e owl:sameAs ?same }
}
"""
STATEMENTS_QUERY = """
SELECT DISTINCT ?s ?p ?o ?evidence ?confidence ?doc ?start ?end WHERE {
  %(match)s
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      cgt:evidenceText ?evidence ; cgt:confidence ?confidence ; prov:wasDerivedFrom ?doc ;
      cgt:startOffset ?start ; cgt:endOffset ?end .
}
ORDER BY ?p ?s ?o ?doc ?start
"""
REFERENCE_QUERY = f"""
SELECT DISTINCT ?s ?p ?o ?evidence ?confidence ?doc WHERE {{
  VALUES ?e {{ %(entity)s }}
  GRAPH <{VOCABULARY_GRAPH}> {{ {{ ?e ?p ?o BIND (?e AS ?s) }} UNION {{ ?s ?p ?e BIND (?e AS ?o) }} }}
  FILTER (STRSTARTS(STR(?p), "{CGT}"))
}}
ORDER BY ?p ?s ?o
"""
FIGURES_QUERY = """
SELECT DISTINCT ?f ?measure ?value ?unit ?year ?period ?forecast ?evidence ?doc ?start ?end WHERE {
  %(match)s
  ?f a cgt:MarketFigure ; cgt:measure ?measure ; cgt:value ?value ; cgt:unit ?unit ;
     cgt:evidenceText ?evidence ; prov:wasDerivedFrom ?doc ; cgt:startOffset ?start ; cgt:endOffset ?end .
  OPTIONAL { ?f cgt:year ?year }
  OPTIONAL { ?f cgt:period ?period }
  OPTIONAL { ?f cgt:forecast ?forecast }
}
ORDER BY ?measure ?year ?value
"""
MENTIONS_QUERY = """
SELECT ?doc ?e ?salience ?count WHERE {
  %(match)s
  ?doc cgt:hasMention ?m . ?m cgt:entity ?e ; cgt:salience ?salience ; cgt:mentionCount ?count .
}
ORDER BY DESC(?salience)
"""


RECORD_COLUMNS = ("date", "kind", "role", "with", "value_usd", "evidence", "document")
RECORDS_QUERY = """
SELECT ?x ?kind ?role (SAMPLE(?when) AS ?date) (GROUP_CONCAT(DISTINCT ?otherName; separator=" | ") AS ?with)
       (SAMPLE(?usd) AS ?value_usd) (SAMPLE(?text) AS ?evidence) (SAMPLE(?doc) AS ?document) WHERE {
  %(match)s
  ?x ?roleProperty ?e . FILTER (?roleProperty != cgt:party)
  { ?x a cgt:Deal } UNION { ?x a cgt:RegulatoryEvent }
  ?x a ?class . ?class rdfs:label ?classLabel .
  FILTER NOT EXISTS { ?x a ?narrower . ?narrower rdfs:subClassOf+ ?class . FILTER (?narrower != ?class) }
  OPTIONAL { ?roleProperty rdfs:label ?roleLabel }
  BIND (STR(?classLabel) AS ?kind)
  BIND (COALESCE(STR(?roleLabel), REPLACE(STR(?roleProperty), "^.*[#/]", "")) AS ?role)
  OPTIONAL { ?x cgt:dealDate|cgt:eventDate ?when }
  OPTIONAL { ?x cgt:usdValue ?usd }
  OPTIONAL { ?x cgt:party|cgt:product|cgt:agency|cgt:inJurisdiction|cgt:designation ?other FILTER (?other != ?e) ?other skos:prefLabel ?otherName }
  OPTIONAL { ?x cgt:evidenceText ?text }
  OPTIONAL { ?x prov:wasDerivedFrom ?doc }
}
GROUP BY ?x ?kind ?role
ORDER BY DESC(?date) ?kind
"""


def linked_rows(result, index: LabelIndex, columns: tuple[str, ...], link: str | None = None) -> tuple[tuple[Cell, ...], ...]:
    """A SELECT result as rows of cells in the order of `columns`; the `link` column links to the page of the row's ?x record."""
    rows = []
    for row in result:
        cells = [term_cell(row[name], index) for name in columns]
        if link is not None and row["x"] is not None and record_url(row["x"]):
            at = columns.index(link)
            cells[at] = Cell(cells[at].text, record_url(row["x"]), str(row["x"]), cells[at].raw)
        rows.append(tuple(cells))
    return tuple(rows)


def _text(term) -> str:
    return "" if term is None else str(term)


def _fact(row, index: LabelIndex) -> Fact:
    """A fact from a row with ?s ?p ?o, and ?evidence ?confidence ?doc when it was extracted."""
    extracted = row.evidence is not None
    return Fact(term_cell(row.s, index), local_name(row.p), term_cell(row.o, index),
                str(row.evidence) if extracted else None, f"{float(row.confidence):.2f}" if extracted else None,
                term_cell(row.doc, index) if extracted else None, isinstance(row.s, URIRef) and isinstance(row.o, URIRef))


def _figure(row, index: LabelIndex) -> FigureRow:
    forecast = row.forecast is not None and row.forecast.toPython() is True
    return FigureRow(str(row.measure), f"{float(row.value):,.10g}", str(row.unit), _text(row.year), _text(row.period),
                     forecast, str(row.evidence), term_cell(row.doc, index))


def _mention(row, index: LabelIndex, column: str) -> MentionRow:
    return MentionRow(term_cell(row[column], index), f"{float(row.salience):.2f}", str(row["count"]))


def entity_page(store: Store, iri: URIRef, index: LabelIndex) -> EntityPage | None:
    """The facts, figures and mentions of one entity; None when the store has no such entity."""
    record = index.entities.get(str(iri))
    if record is None:
        return None
    entity = iri.n3()
    definitions, same_as = [], []
    for row in store.query(DETAILS_QUERY % {"entity": entity}):
        if row.definition is not None:
            definitions.append(str(row.definition))
        if row.same is not None:
            same_as.append(Cell(short_term(row.same), external_url(row.same), str(row.same)))
    about = f"VALUES ?e {{ {entity} }}"
    statements = STATEMENTS_QUERY % {"match": about + " { ?st rdf:subject ?e } UNION { ?st rdf:object ?e }"}
    figures = FIGURES_QUERY % {"match": about + " { ?f cgt:about ?e } UNION { ?f cgt:scope ?e } UNION { ?deal cgt:party ?e ; cgt:dealValue ?f }"}
    facts = [_fact(row, index) for query in (statements, REFERENCE_QUERY % {"entity": entity}) for row in store.query(query)]
    mentions = tuple(_mention(row, index, "doc") for row in store.query(MENTIONS_QUERY % {"match": about}))
    records = linked_rows(store.query(RECORDS_QUERY % {"match": about}), index, RECORD_COLUMNS, link="kind")
    return EntityPage(record, tuple(definitions), tuple(same_as), tuple(facts),
                      tuple(_figure(row, index) for row in store.query(figures)), mentions, records)


# --------------------------------------------------------------------------- deal and event pages


@dataclass(frozen=True)
class RecordPage:
    """A deal, regulatory event or deal term: what it says, its terms, and the sentences and documents it was read from."""

    iri: str
    kind: str
    title: str
    properties: tuple[tuple[str, tuple[Cell, ...]], ...]
    """(what, values) in the order of the ontology's labels: acquirer, target, value, date, ..."""
    terms: tuple[tuple[Cell, ...], ...]
    """One row per deal term, TERM_COLUMNS."""
    facts: tuple[Fact, ...]
    evidence: tuple[str, ...]
    documents: tuple[Cell, ...]


TERM_COLUMNS = ("term", "value", "unit", "value_usd")
DEAL_OR_EVENT_QUERY = "SELECT ?p ?o WHERE { VALUES ?x { %(record)s } ?x ?p ?o }"
RECORD_KIND_QUERY = """
SELECT ?label WHERE {
  VALUES ?x { %(record)s }
  ?x a ?class . ?class rdfs:label ?label .
  FILTER NOT EXISTS { ?x a ?narrower . ?narrower rdfs:subClassOf+ ?class . FILTER (?narrower != ?class) }
}
"""
TERMS_QUERY = """
SELECT ?term ?value ?unit ?value_usd WHERE {
  VALUES ?x { %(record)s }
  ?x cgt:term ?t . ?t cgt:termName ?term .
  OPTIONAL { ?t cgt:value ?value } OPTIONAL { ?t cgt:unit ?unit } OPTIONAL { ?t cgt:usdValue ?value_usd }
}
ORDER BY ?term
"""
SHOWN_APART = {str(RDF.type), str(CGT["evidenceText"]), str(CGT["assertion"]), str(CGT["term"]), "http://www.w3.org/ns/prov#wasDerivedFrom"}
TITLE_ROLES = ("acquirer", "target", "investor", "investee", "licensor", "licensee", "partner", "supplier", "customer", "party",
               "product", "agency", "in jurisdiction", "designation")
"""Whose names a record's title gives, in this order (up to three)."""
"""A record's predicates the page shows in their own sections (kind, evidence, terms, documents), not in its table."""


def record_page(store: Store, iri: URIRef, index: LabelIndex) -> RecordPage | None:
    """The page of one deal, regulatory event or deal term; None when the store has no such record."""
    from kg.web.schema import ontology_schema

    record = iri.n3()
    rows = list(store.query(DEAL_OR_EVENT_QUERY % {"record": record}))
    if not rows:
        return None
    schema = ontology_schema()
    kinds = sorted(str(row.label) for row in store.query(RECORD_KIND_QUERY % {"record": record}))
    values: dict[str, dict[tuple, Cell]] = {}
    evidence, documents = [], []
    for row in rows:  # a record read from several documents states its values once per document graph
        predicate = str(row.p)
        if predicate == str(CGT["evidenceText"]):
            evidence.append(str(row.o))
        elif predicate == "http://www.w3.org/ns/prov#wasDerivedFrom":
            documents.append(term_cell(row.o, index))
        elif predicate not in SHOWN_APART:
            cell = term_cell(row.o, index)
            values.setdefault(schema.label(predicate) or local_name(URIRef(predicate)), {})[(cell.text, cell.href)] = cell
    named = {key for what, cells in values.items() if what != "party" for key in cells}
    if "party" in values:  # the parties are listed under their roles (acquirer, target, ...); those with none stay
        values["party"] = {key: cell for key, cell in values["party"].items() if key not in named}
    properties = tuple((what, tuple(sorted(cells.values(), key=lambda c: c.text))) for what, cells in sorted(values.items()) if cells)
    kind = kinds[0] if kinds else "Record"
    when = next((cells[0].text for what, cells in properties if what in ("deal date", "event date")), "")
    by_role = dict(properties)
    who = list(dict.fromkeys(cell.text for role in TITLE_ROLES for cell in by_role.get(role, ())))[:3]
    title = kind + (f", {when}" if when else "") + (f": {', '.join(who)}" if who else "")
    terms = linked_rows(store.query(TERMS_QUERY % {"record": record}), index, TERM_COLUMNS)
    statements = STATEMENTS_QUERY % {"match": f"VALUES ?x {{ {record} }} ?x cgt:assertion ?st ."}
    facts = tuple(_fact(row, index) for row in store.query(statements))
    return RecordPage(str(iri), kind, title, properties, terms, facts, tuple(sorted(set(evidence))),
                      tuple(sorted({c.href: c for c in documents}.values(), key=lambda c: c.text)))


# --------------------------------------------------------------------------- document pages


@dataclass(frozen=True)
class Passage:
    """A stretch of a document's text, marked when a fact or figure was read from it."""

    text: str
    marked: bool


@dataclass(frozen=True)
class DocumentPage:
    """A source document: its record, what was extracted from it, and its text when the file is still there."""

    iri: str
    title: str
    path: str
    extracted: str
    extractor: str
    facts: tuple[Fact, ...]
    figures: tuple[FigureRow, ...]
    mentions: tuple[MentionRow, ...]
    passages: tuple[Passage, ...]
    text_problem: str | None


RECORD_QUERY = """
SELECT ?title ?path ?sha ?time ?extractor WHERE {
  VALUES ?doc { %(document)s }
  ?doc a cgt:Document ; cgt:path ?path ; cgt:sha256 ?sha .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc prov:generatedAtTime ?time }
  OPTIONAL { ?doc cgt:extractorVersion ?extractor }
}
"""


def passages(text: str, spans: list[tuple[int, int]]) -> tuple[Passage, ...]:
    """The text cut into plain and marked passages; overlapping spans merge into one mark."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans if s < e):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, cursor = [], 0
    for start, end in merged:
        if start > cursor:
            pieces.append(Passage(text[cursor:start], False))
        pieces.append(Passage(text[start:end], True))
        cursor = end
    if cursor < len(text):
        pieces.append(Passage(text[cursor:], False))
    return tuple(pieces)


def source_text(path: str, sha256: str) -> tuple[str | None, str | None]:
    """The text of a stored document read again from its file, or why it cannot be shown.

    The file is shown only when its bytes still hash to the document's sha256, so a path
    in the graph can never make the server show any other file.
    """
    try:
        source = read_source(Path(path))
    except UserError as error:
        return None, f"the source file is not available ({error})"
    if source.sha256 != sha256:
        return None, f"{path} has changed since it was read; rebuild to see its current text"
    return source.text, None


def document_page(store: Store, iri: URIRef, index: LabelIndex) -> DocumentPage | None:
    """What was extracted from one document, with its text and the evidence marked; None when unknown."""
    rows = list(store.query(RECORD_QUERY % {"document": iri.n3()}))
    if not rows:
        return None
    record = rows[0]
    match = f"VALUES ?doc {{ {iri.n3()} }}"
    statement_rows = list(store.query(STATEMENTS_QUERY % {"match": match}))
    figure_rows = list(store.query(FIGURES_QUERY % {"match": match}))
    mentions = tuple(_mention(row, index, "e") for row in store.query(MENTIONS_QUERY % {"match": match}))
    text, problem = source_text(str(record.path), str(record.sha))
    spans = [(int(row.start), int(row.end)) for row in (*statement_rows, *figure_rows)]
    return DocumentPage(
        str(iri), _text(record.title) or str(record.path), str(record.path), _text(record.time), _text(record.extractor),
        tuple(_fact(row, index) for row in statement_rows), tuple(_figure(row, index) for row in figure_rows),
        mentions, passages(text, spans) if text else (), problem,
    )
