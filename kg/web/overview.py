"""The explorer's home and browse pages, read from any Store: what the graph holds at a glance
(documents, counts by type, the latest deals and regulatory events, the most connected companies)
and lists of one type narrowed by filters whose values are drawn from the graph itself.

Each page is a handful of grouped queries (never one query per entity); the rows come back as
the cells of kg.web.explorer, so they link, sort and download like query results.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlencode

from rdflib import Literal, URIRef

from kg.errors import close_names
from kg.model import TOP_LEVEL_TYPES
from kg.namespaces import CGT
from kg.store import Store
from kg.web.explorer import Cell, LabelIndex, document_url, linked_rows, term_cell
from kg.web.schema import ontology_schema

LATEST_LIMIT = 12
TOP_COMPANIES = 10


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """Rows of cells under named columns: what a browse list or an overview section draws and downloads."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def table(result, index: LabelIndex, columns: tuple[str, ...] | None = None, link: str | None = None) -> Table:
    """A SELECT result as a table of cells, in the order of `columns` (default: the query's own); the `link`
    column links to the page of the row's ?x deal or event."""
    names = columns or tuple(str(v) for v in result.vars or [])
    return Table(names, linked_rows(result, index, names, link))


# --------------------------------------------------------------------------- the home page


@dataclass(frozen=True)
class TypeCount:
    """How many things of one type the graph holds, and the page that lists them."""

    name: str
    count: int
    url: str


@dataclass(frozen=True)
class DocumentRow:
    """A source document on the home page: what it is, when it was read, its latest dated fact, what was read from it."""

    title: Cell
    kind: str
    format: str
    read: str
    latest: str
    facts: int
    figures: int
    deals: int
    events: int


@dataclass(frozen=True)
class Overview:
    """Everything the home page shows."""

    entity_counts: tuple[TypeCount, ...]
    record_counts: tuple[TypeCount, ...]
    documents: tuple[DocumentRow, ...]
    latest: Table
    companies: Table


FACTS_QUERY = """SELECT ?subject ?relation ?object ?evidence ?confidence ?document WHERE {
  ?st a rdf:Statement ; rdf:subject ?subject ; rdf:predicate ?relation ; rdf:object ?object ;
      cgt:evidenceText ?evidence ; cgt:confidence ?confidence ; prov:wasDerivedFrom ?document .
}
ORDER BY DESC(?confidence)
"""
RECORD_TYPES = {
    "Document": ("Documents", "#documents"),
    "Deal": ("Deals", "/browse/Deal"),
    "RegulatoryEvent": ("Regulatory events", "/browse/RegulatoryEvent"),
    "MarketFigure": ("Market figures", "/query?canned=market_size_over_time"),
    "DevelopmentStage": ("Development stages", "/query?canned=pipeline_by_phase"),
}
"""Records counted on the home page: label and the page that lists them."""
RECORD_COUNTS_QUERY = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) (COUNT(DISTINCT ?st) AS ?statements) WHERE {
  { VALUES ?class { %s } ?x a ?class } UNION { ?st a rdf:Statement }
}
GROUP BY ?class
"""
DOCUMENTS_QUERY = """
SELECT ?doc ?title ?path ?source ?read ?latest ?facts ?figures ?deals ?events WHERE {
  ?doc a cgt:Document ; cgt:path ?path .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:source ?source }
  OPTIONAL { ?doc prov:generatedAtTime ?read }
  OPTIONAL { SELECT ?doc (COUNT(?st) AS ?facts) WHERE { ?st a rdf:Statement ; prov:wasDerivedFrom ?doc } GROUP BY ?doc }
  OPTIONAL { SELECT ?doc (COUNT(?f) AS ?figures) WHERE { ?f a cgt:MarketFigure ; prov:wasDerivedFrom ?doc } GROUP BY ?doc }
  OPTIONAL { SELECT ?doc (COUNT(DISTINCT ?d) AS ?deals) WHERE { ?d a cgt:Deal ; prov:wasDerivedFrom ?doc } GROUP BY ?doc }
  OPTIONAL { SELECT ?doc (COUNT(DISTINCT ?e) AS ?events) WHERE { ?e a cgt:RegulatoryEvent ; prov:wasDerivedFrom ?doc } GROUP BY ?doc }
  OPTIONAL { SELECT ?doc (MAX(STR(?when)) AS ?latest) WHERE {
    ?r prov:wasDerivedFrom ?doc ; cgt:dealDate|cgt:eventDate ?when } GROUP BY ?doc }
}
ORDER BY DESC(?latest) ?title
"""
MOST_SPECIFIC = """?x a ?class . ?class rdfs:subClassOf+ %(base)s ; rdfs:label ?classLabel .
  FILTER NOT EXISTS { ?x a ?narrower . ?narrower rdfs:subClassOf ?class . FILTER (?narrower != ?class) }"""
LATEST_QUERY = """
SELECT ?x ?date ?kind (SAMPLE(?first) AS ?who) (SAMPLE(?second) AS ?with) (SAMPLE(?text) AS ?evidence) (SAMPLE(?doc) AS ?document) WHERE {
  { SELECT ?x (MAX(STR(?when)) AS ?date) WHERE {
      { ?x a cgt:Deal ; cgt:dealDate ?when } UNION { ?x a cgt:RegulatoryEvent ; cgt:eventDate ?when } }
    GROUP BY ?x ORDER BY DESC(?date) LIMIT %(limit)d }
  { %(deal)s } UNION { %(event)s }
  BIND (STR(?classLabel) AS ?kind)
  OPTIONAL { ?x cgt:acquirer|cgt:investor|cgt:partner|cgt:product ?first }
  OPTIONAL { ?x cgt:target|cgt:investee|cgt:partner|cgt:agency|cgt:inJurisdiction|cgt:designation ?second FILTER (!BOUND(?first) || ?second != ?first) }
  OPTIONAL { ?x cgt:evidenceText ?text }
  OPTIONAL { ?x prov:wasDerivedFrom ?doc }
}
GROUP BY ?x ?date ?kind
ORDER BY DESC(?date) ?kind
""" % {"limit": LATEST_LIMIT, "deal": MOST_SPECIFIC % {"base": "cgt:Deal"}, "event": MOST_SPECIFIC % {"base": "cgt:RegulatoryEvent"}}
COMPANIES_QUERY = """
SELECT ?company ?connections ?deals ?documents WHERE {
  { SELECT ?company (COUNT(DISTINCT ?other) AS ?connections) WHERE {
      ?company a cgt:Company .
      { ?st rdf:subject ?company ; rdf:object ?other } UNION { ?st rdf:object ?company ; rdf:subject ?other }
      ?st a rdf:Statement . ?other a ?otherClass .
    } GROUP BY ?company }
  OPTIONAL { SELECT ?company (COUNT(DISTINCT ?deal) AS ?deals) WHERE { ?deal a cgt:Deal ; cgt:party ?company } GROUP BY ?company }
  OPTIONAL { SELECT ?company (COUNT(DISTINCT ?doc) AS ?documents) WHERE { ?doc cgt:hasMention ?m . ?m cgt:entity ?company } GROUP BY ?company }
}
ORDER BY DESC(?connections) DESC(?deals) LIMIT %d
""" % TOP_COMPANIES


def _int(term) -> int:
    return int(term) if term is not None else 0


KIND_WORDS = {
    "market report": re.compile(r"\b(market|outlook|forecasts?|sizes?)\b", re.I),
    "deal news": re.compile(r"\b(acqui\w*|buy\w*|deals?|licen[cs]\w*|raises?|collaborat\w*|partner\w*|invest\w*|mergers?|series [a-e])\b", re.I),
    "regulatory news": re.compile(r"\b(approv\w*|designations?|authori[sz]\w*|clearances?|rmat|fast[- ]track|prime)\b", re.I),
}
"""Words of a title that say what kind of document it is; its counts decide between the kinds its title names, or among all when it names none."""


def document_kind(facts: int, figures: int, deals: int, events: int, title: str = "") -> str:
    """What a document mostly reports: a market report (figures), deal news, regulatory news; the title's words first
    ("... Outlook", "... completes acquisition of ..."), then what was read from it."""
    weights = {"market report": figures, "deal news": deals * 3, "regulatory news": events * 3}
    named = [kind for kind, words in KIND_WORDS.items() if words.search(title)]
    if named:
        return max(named, key=lambda kind: weights[kind])
    kind, weight = max(weights.items(), key=lambda item: item[1])
    return kind if weight else ("article" if facts else "no facts read")


def _document_row(row, index: LabelIndex) -> DocumentRow:
    counts = [_int(row[name]) for name in ("facts", "figures", "deals", "events")]
    suffix = PurePath(str(row.path)).suffix.lstrip(".").lower() or "text"
    title = str(row.title) if row.title is not None else str(row.path)
    return DocumentRow(
        Cell(title, document_url(row.doc), str(row.source or row.path), title),
        document_kind(*counts, title=title),
        "web page" if row.source is not None else suffix,
        str(row.read or "")[:10],
        str(row.latest or ""),
        *counts,
    )


def overview(store: Store, index: LabelIndex) -> Overview:
    """The home page: counts by type, the documents, the latest dated deals and events, the most connected companies."""
    by_type = Counter(record.type for record in index.entities.values())
    entity_counts = tuple(TypeCount(name, by_type[name], f"/browse/{name}") for name in TOP_LEVEL_TYPES if by_type[name])
    counted = {str(row["class"]): _int(row.n) for row in store.query(RECORD_COUNTS_QUERY % " ".join(CGT[n].n3() for n in RECORD_TYPES)) if row["class"] is not None}
    statements = sum(_int(row.statements) for row in store.query(RECORD_COUNTS_QUERY % ""))
    record_counts = tuple(TypeCount(label, counted.get(str(CGT[name]), 0), url) for name, (label, url) in RECORD_TYPES.items())
    record_counts += (TypeCount("Facts with evidence", statements, "/query?" + urlencode({"query": FACTS_QUERY})),)
    documents = tuple(_document_row(row, index) for row in store.query(DOCUMENTS_QUERY))
    latest = table(store.query(LATEST_QUERY), index, ("date", "kind", "who", "with", "evidence", "document"), link="kind")
    companies = table(store.query(COMPANIES_QUERY), index, ("company", "connections", "deals", "documents"))
    return Overview(entity_counts, record_counts, documents, latest, companies)


# --------------------------------------------------------------------------- browse by type


@dataclass(frozen=True)
class BrowseFilter:
    """A way to narrow a list: `clause` binds ?v (the value a user picks) for the listed thing ?x."""

    name: str
    label: str
    clause: str


@dataclass(frozen=True)
class BrowseSpec:
    """What /browse/{name} lists: a grouped query over ?x (with %(match)s where the type and filters go) and its filters."""

    name: str
    title: str
    match: str
    select: str
    columns: tuple[str, ...]
    filters: tuple[BrowseFilter, ...]


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class FilterView:
    """A filter as the page draws it: its options (drawn from the graph, with counts) and the one chosen."""

    name: str
    label: str
    options: tuple[FilterOption, ...]
    chosen: str
    unknown: str = ""
    """A value asked for that the graph does not offer (the list is then not narrowed by it), with its close options."""
    close: tuple[FilterOption, ...] = ()


@dataclass(frozen=True)
class BrowsePage:
    spec: BrowseSpec
    filters: tuple[FilterView, ...]
    table: Table


YEAR_OF_DEAL = BrowseFilter("year", "year", "?x cgt:dealDate ?when BIND (YEAR(?when) AS ?v)")
DEAL_KIND = BrowseFilter("kind", "deal kind", "?x a ?v . ?v rdfs:subClassOf+ cgt:Deal")
FILTERS = {
    "Company": (
        BrowseFilter("jurisdiction", "headquarters", "?x cgt:headquarteredIn ?v"),
        BrowseFilter("modality", "modality", "?x cgt:develops ?product . ?product cgt:modality ?v"),
        BrowseFilter("kind", "deal kind", "?deal cgt:party ?x ; a ?v . ?v rdfs:subClassOf+ cgt:Deal"),
        BrowseFilter("year", "deal year", "?deal cgt:party ?x ; cgt:dealDate ?when BIND (YEAR(?when) AS ?v)"),
    ),
    "Therapy": (
        BrowseFilter("modality", "modality", "?x cgt:modality ?v"),
        BrowseFilter("jurisdiction", "approved in", "?x cgt:approvedIn ?v"),
        BrowseFilter("year", "approval year", "?x cgt:approvalYear ?v"),
    ),
    "Regulation": (BrowseFilter("jurisdiction", "applies in", "?x cgt:appliesIn ?v"),),
}
ENTITY_SELECT = """
SELECT ?x ?class ?documents ?facts WHERE {
  { SELECT ?x (SAMPLE(?cls) AS ?class) WHERE {
    %(match)s
  } GROUP BY ?x }
  OPTIONAL { SELECT ?x (COUNT(DISTINCT ?doc) AS ?documents) WHERE { ?doc cgt:hasMention ?m . ?m cgt:entity ?x } GROUP BY ?x }
  OPTIONAL { SELECT ?x (COUNT(DISTINCT ?st) AS ?facts) WHERE { { ?st rdf:subject ?x } UNION { ?st rdf:object ?x } ?st a rdf:Statement } GROUP BY ?x }
}
ORDER BY DESC(?facts) DESC(?documents)
"""
BROWSE_RECORDS = {
    "Deal": BrowseSpec(
        "Deal", "Deals", "?x a cgt:Deal .",
        """
SELECT ?x (SAMPLE(STR(?classLabel)) AS ?kind) (GROUP_CONCAT(DISTINCT ?partyName; separator=" | ") AS ?parties)
       (SAMPLE(?when) AS ?date) (SAMPLE(?usd) AS ?value_usd) (SAMPLE(?state) AS ?status) (COUNT(DISTINCT ?doc) AS ?sources) WHERE {
  %(match)s
  """ + MOST_SPECIFIC % {"base": "cgt:Deal"} + """
  OPTIONAL { ?x cgt:party ?party . ?party skos:prefLabel ?partyName }
  OPTIONAL { ?x cgt:dealDate ?when }
  OPTIONAL { ?x cgt:usdValue ?usd }
  OPTIONAL { ?x cgt:status ?state }
  OPTIONAL { ?x prov:wasDerivedFrom ?doc }
}
GROUP BY ?x
ORDER BY DESC(?date)
""",
        ("date", "kind", "parties", "value_usd", "status", "sources"),
        (YEAR_OF_DEAL, DEAL_KIND, BrowseFilter("jurisdiction", "party headquarters", "?x cgt:party ?party . ?party cgt:headquarteredIn ?v"),
         BrowseFilter("modality", "product modality", "?x cgt:party ?party . ?party cgt:develops ?product . ?product cgt:modality ?v")),
    ),
    "RegulatoryEvent": BrowseSpec(
        "RegulatoryEvent", "Approvals, designations, clearances and withdrawals", "?x a cgt:RegulatoryEvent .",
        """
SELECT ?x (SAMPLE(STR(?classLabel)) AS ?kind) (SAMPLE(?p) AS ?product) (SAMPLE(?a) AS ?agency) (SAMPLE(?j) AS ?jurisdiction)
       (SAMPLE(?d) AS ?designation) (SAMPLE(?when) AS ?date) (COUNT(DISTINCT ?doc) AS ?sources) WHERE {
  %(match)s
  """ + MOST_SPECIFIC % {"base": "cgt:RegulatoryEvent"} + """
  OPTIONAL { ?x cgt:product ?p }
  OPTIONAL { ?x cgt:agency ?a }
  OPTIONAL { ?x cgt:inJurisdiction ?j }
  OPTIONAL { ?x cgt:designation ?d }
  OPTIONAL { ?x cgt:eventDate ?when }
  OPTIONAL { ?x prov:wasDerivedFrom ?doc }
}
GROUP BY ?x
ORDER BY DESC(?date)
""",
        ("date", "kind", "product", "agency", "jurisdiction", "designation", "sources"),
        (BrowseFilter("year", "year", "?x cgt:eventDate ?when BIND (YEAR(?when) AS ?v)"),
         BrowseFilter("kind", "kind", "?x a ?v . ?v rdfs:subClassOf+ cgt:RegulatoryEvent"),
         BrowseFilter("jurisdiction", "jurisdiction", "?x cgt:inJurisdiction ?v"),
         BrowseFilter("modality", "modality", "?x cgt:product ?product . ?product cgt:modality ?v")),
    ),
}
OPTIONS_QUERY = """
SELECT ?v (COUNT(DISTINCT ?x) AS ?n) WHERE {
  %(match)s
  %(clause)s
}
GROUP BY ?v
ORDER BY DESC(?n) ?v
"""


def browse_names() -> tuple[str, ...]:
    """Every name /browse/{name} lists: the top-level entity types, then deals and regulatory events."""
    return (*TOP_LEVEL_TYPES, *BROWSE_RECORDS)


def browse_spec(name: str) -> BrowseSpec | None:
    """What /browse/{name} lists, None for a name that is neither an entity type nor a browsed record."""
    if name in BROWSE_RECORDS:
        return BROWSE_RECORDS[name]
    if name not in TOP_LEVEL_TYPES:
        return None
    match = f"VALUES ?type {{ {CGT[name].n3()} }} ?x a ?cls . ?cls rdfs:subClassOf* ?type ."
    return BrowseSpec(name, name, match, ENTITY_SELECT, ("x", "class", "documents", "facts"), FILTERS.get(name, ()))


def _chosen_option(value: str, options: tuple[FilterOption, ...]) -> FilterOption | None:
    """The option a filter value names: its value (an IRI, a year), or, typed by hand, its label or the IRI's last part
    ("CAR T-cell therapy", "car-t-cell-therapy"); None when the graph offers no such option."""
    lowered = value.strip().lower()
    for option in options:
        if option.value == value:
            return option
    for option in options:
        if lowered in (option.label.lower(), option.value.rsplit("/", 1)[-1].lower()):
            return option
    return None


def _option_term(value: str) -> str:
    """The SPARQL term of an option's value."""
    return URIRef(value).n3() if value.startswith(("http://", "https://")) else Literal(int(value)).n3() if value.lstrip("-").isdigit() else Literal(value).n3()


def _close_options(value: str, options: tuple[FilterOption, ...]) -> tuple[FilterOption, ...]:
    """The options spelled close to a value the graph does not offer (by label, or by the IRI's last part)."""
    names = {}
    for option in options:
        names.setdefault(option.label, option)
        names.setdefault(option.value.rsplit("/", 1)[-1], option)
    return tuple(dict.fromkeys(names[name] for name in close_names(value.rsplit("/", 1)[-1], names)))


def _option(term, count, index: LabelIndex) -> FilterOption:
    """A filter value with its label: an entity's label, a class's local name (Acquisition), a year as it is."""
    text = str(term)
    label = (ontology_schema().label(text) or text[len(str(CGT)):]) if text.startswith(str(CGT)) else term_cell(term, index).text
    return FilterOption(text, label, _int(count))


def browse(store: Store, spec: BrowseSpec, chosen: dict[str, str], index: LabelIndex) -> BrowsePage:
    """A list of one type, narrowed by the chosen filters; each filter's options are drawn from the graph
    (with how many items each would keep), and a value the graph does not offer is ignored."""
    views, clauses = [], []
    for spec_filter in spec.filters:
        rows = store.query(OPTIONS_QUERY % {"match": spec.match, "clause": spec_filter.clause})
        options = tuple(_option(row.v, row.n, index) for row in rows if row.v is not None)
        value = chosen.get(spec_filter.name, "")
        option = _chosen_option(value, options) if value else None
        if option is None:
            close = _close_options(value, options) if value else ()
            views.append(FilterView(spec_filter.name, spec_filter.label, options, "", value, close))
            continue
        views.append(FilterView(spec_filter.name, spec_filter.label, options, option.value))
        clauses.append(f"FILTER EXISTS {{ {spec_filter.clause} FILTER (?v = {_option_term(option.value)}) }}")
    query = spec.select % {"match": spec.match + "\n  " + "\n  ".join(clauses)}
    result = table(store.query(query), index, spec.columns, link=None if spec.columns[0] == "x" else "kind")
    if spec.columns[0] == "x":
        schema = ontology_schema()
        rows = tuple((row[0], Cell(schema.label(row[1].title or "") or row[1].text, None, row[1].title, row[1].raw), *row[2:]) for row in result.rows)
        result = Table((spec.name.lower(),) + spec.columns[1:], rows)
    return BrowsePage(spec, tuple(views), result)
