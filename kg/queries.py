"""Canned analyst questions (queries/*.rq) and the formatting of query results."""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import UserError, close_names
from kg.iris import PREFIX_IRIS, XSD_INTEGER, short_iri
from kg.sparql_text import SparqlTextError, keywords, tokens

if TYPE_CHECKING:
    from kg.store import Answer, Solutions

QUERIES_DIR = Path(os.environ.get("KG_QUERIES", Path(__file__).resolve().parent.parent / "queries"))
FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl")


@dataclass(frozen=True)
class QueryParameter:
    """A value a canned query takes (`# param NAME: what it is` in the .rq file); it binds ?NAME."""

    name: str
    description: str

    @property
    def numeric(self) -> bool:
        """A year or a number (given as an integer literal) rather than a name (a string literal)."""
        return bool(re.search(r"\b(?:year|number|count)\b", self.description, re.I))

    @property
    def takes_a_name(self) -> bool:
        """The value is an entity's name ("a company, as labelled"), which a misspelling makes match nothing."""
        return "labelled" in self.description


ENTITY_LABELS = "SELECT DISTINCT ?label WHERE { ?e skos:prefLabel|skos:altLabel|rdfs:label ?label }"


def unknown_names(canned: CannedQuery, values: dict[str, str], labels: list[str]) -> list[str]:
    """For a canned query that found nothing: one line for each name given to it that no entity is called, with the
    names spelled close to it ("no entity is called 'Novartsi' (company); did you mean Novartis?")."""
    known = {label.casefold() for label in labels}
    lines = []
    for parameter in canned.parameters:
        value = values.get(parameter.name, "")
        if not value or not parameter.takes_a_name or value.casefold() in known:
            continue
        close = close_names(value, labels)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        lines.append(f"no entity is called {value!r} ({parameter.name}){hint}")
    return lines


PARAMETER_LINE = re.compile(r"^#\s*param\s+([A-Za-z_]\w*)\s*:\s*(.+)$", re.M)


@dataclass(frozen=True)
class CannedQuery:
    """A SPARQL query in queries/, with the plain-English question on its first line and its parameters."""

    name: str
    question: str
    sparql: str
    path: Path
    parameters: tuple[QueryParameter, ...] = ()

    def with_parameters(self, values: dict[str, str]) -> str:
        """The query with each given parameter bound, by a VALUES block at the start of its WHERE clause;
        parameters not given stay unbound (the query then lists everything). UserError for unknown names."""
        known = {p.name: p for p in self.parameters}
        for name in values:
            if name not in known:
                close = close_names(name, known, n=1)
                hint = f"; did you mean {close[0]}?" if close else (f"; it takes {', '.join(known)}" if known else "; it takes none")
                raise UserError(f"the query {self.name!r} has no parameter {name!r}{hint}")
        if not values:
            return self.sparql
        bindings = " ".join(f"VALUES ?{name} {{ {_parameter_term(known[name], value)} }}" for name, value in values.items())
        position = _where_brace(self.sparql)
        return self.sparql[: position + 1] + " " + bindings + " " + self.sparql[position + 1 :]


def _parameter_term(parameter: QueryParameter, value: str) -> str:
    if parameter.numeric:
        if not re.fullmatch(r"-?\d+", value.strip()):
            raise UserError(f"parameter {parameter.name} takes a whole number ({parameter.description}), not {value!r}")
        return str(ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD_INTEGER)))
    return str(ox.Literal(value))


def _where_brace(sparql: str) -> int:
    """The offset of the brace that opens a query's WHERE clause, found among its tokens."""
    after_where = False
    for token in tokens(sparql):
        if token.kind == "NAME" and token.text.upper() == "WHERE":
            after_where = True
        elif token.text == "{" and after_where:
            return token.start
    raise UserError("a query with parameters needs a WHERE clause")


def canned_queries(directory: Path = QUERIES_DIR) -> list[CannedQuery]:
    """Every canned query, sorted by name."""
    return [load_query_file(path) for path in sorted(directory.glob("*.rq"))]


def load_query_file(path: Path) -> CannedQuery:
    """Read a .rq file; its first comment line is the question it answers."""
    try:
        sparql = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read query file ({error})") from error
    first = next((line for line in sparql.splitlines() if line.strip()), "")
    question = first.lstrip("#").strip() if first.startswith("#") else ""
    parameters = tuple(QueryParameter(name, description.strip()) for name, description in PARAMETER_LINE.findall(sparql))
    return CannedQuery(path.stem, question, sparql, path, parameters)


QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
CANNED_NAME = re.compile(r"[A-Za-z_][\w-]*")


def _is_sparql(text: str) -> bool:
    if CANNED_NAME.fullmatch(text):
        return False  # a bare name is never a query: no need to run the lexer on it
    try:
        return bool(keywords(text) & set(QUERY_FORMS))
    except SparqlTextError:
        return any(word in text.upper() for word in QUERY_FORMS)


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def resolve_query(query: str) -> CannedQuery:
    """SPARQL text, a path to a .rq file, or the name of a canned query -> the query to run.

    Text that reads as a SPARQL query is run as it is, whatever characters it holds (a full
    IRI has slashes); a file is read only when the text is not a query.
    """
    if _is_sparql(query) and not _is_file(query):
        return CannedQuery("inline", "", query, Path("-"))
    if query.endswith(".rq") or os.sep in query:
        path = Path(query)
        if not path.is_file():
            raise UserError(f"{query}: no such query file")
        return load_query_file(path)
    canned = {q.name: q for q in canned_queries()}
    if query in canned:
        return canned[query]
    if not _is_sparql(query):
        close = close_names(query, canned)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `kg queries` lists the canned ones"
        raise UserError(f"{query!r} is neither SPARQL nor a canned query name{hint}")
    return CannedQuery("inline", "", query, Path("-"))


def short_term(term) -> str:
    """An rdflib term for people: a prefixed name for IRIs in our namespaces, plain text for literals."""
    if term is None:
        return ""
    from rdflib import URIRef

    return short_iri(str(term)) if isinstance(term, URIRef) else str(term)


def display_term(term) -> str:
    """An engine term for people, as `short_term` shows an rdflib one (a quoted triple in its N-Triples form)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return short_iri(term.value)
    return term.value if isinstance(term, (ox.Literal, ox.BlankNode)) else str(term)


def _full_term(term) -> str:
    """An engine term as written in full: IRIs unshortened."""
    return "" if term is None else term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)


def result_rows(answer: Solutions, short: bool = True, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Column names and rows of a SELECT answer (the first `limit` rows when given), IRIs shortened to prefixed names for people."""
    show = display_term if short else _full_term
    rows = [[show(term) for term in row] for row in itertools.islice(answer.rows, limit)]
    return list(answer.variables), rows


SOLUTION_MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
}
"""How `kg query -f FMT` writes SELECT and ASK results: the SPARQL 1.1 result formats, written by the engine."""
GRAPH_MEDIA_TYPES = {
    "ttl": "text/turtle",
    "json": "application/ld+json",
    "xml": "application/rdf+xml",
    "csv": "application/n-triples",
    "tsv": "application/n-triples",
}
"""How `kg query -f FMT` writes CONSTRUCT and DESCRIBE results (csv and tsv give N-Triples, one triple a line)."""


def format_result(answer: Answer) -> str:
    """A CONSTRUCT or DESCRIBE answer as Turtle (written by the engine), an ASK answer as true or false: what the
    table format prints for them."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    return ox.serialize(answer, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_IRIS).decode("utf-8")


def serialized_result(store, sparql: str, fmt: str) -> bytes:
    """A query's result in format `fmt` (csv, tsv, json, xml, ttl), written by the store's engine straight from
    its solutions; ASK results print as true or false in csv and tsv."""
    from kg.store import UnacceptableFormat

    try:
        answer = store.serialize_query(sparql, SOLUTION_MEDIA_TYPES.get(fmt), GRAPH_MEDIA_TYPES.get(fmt))
    except UnacceptableFormat:
        raise UserError(f"-f {fmt} is for CONSTRUCT and DESCRIBE results; a SELECT or ASK result prints as "
                        f"{', '.join(['table', *SOLUTION_MEDIA_TYPES])}") from None
    return answer.data
