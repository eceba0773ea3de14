"""The one module that knows the storage backend: an embedded Oxigraph store or a remote SPARQL server.

Both sit behind the small `Store` interface. Queries run on the backend's own
engine; `answer` gives its solutions as the engine's own terms (no rdflib: the
path of `kg query` and `kg stats`), `query` the same answer as an rdflib `Result`
for the code that works in rdflib terms (kg.store_rdflib, imported on first use).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Union

import pyoxigraph as ox

from kg.errors import UserError
from kg.iris import PREFIX_IRIS, RDF_TYPE, REJECTED_GRAPH, sparql_prologue
from kg.sandbox import run_on_deep_stack
from kg.sparql_text import check_length, names_own_dataset, readable_query_error, unescape_codepoints

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.query import Result

DEFAULT_LOCATION = ".kg/store"
EXPORT_FORMATS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "trig": ("application/trig", ox.RdfFormat.TRIG),
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", None),
}


@dataclass(frozen=True)
class ResultFormat:
    """A serialization the backend writes natively, as the SPARQL protocol names it."""

    media_type: str
    iri: str
    graph: bool
    """True for the RDF formats of CONSTRUCT and DESCRIBE results, False for SELECT and ASK results."""


def _result_format(ox_format, graph: bool) -> ResultFormat:
    return ResultFormat(ox_format.media_type.split(";")[0], ox_format.iri, graph)


_SOLUTION_FORMATS = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)
_GRAPH_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML)
RESULT_FORMATS = tuple(_result_format(f, False) for f in _SOLUTION_FORMATS) + tuple(_result_format(f, True) for f in _GRAPH_FORMATS)
"""What query results can be written as, in the order a server prefers them (first of each kind is the default)."""


@dataclass(frozen=True)
class SerializedResult:
    """A query result already written in one format by the backend, cut to a number of rows if asked."""

    kind: str
    """SELECT, ASK or CONSTRUCT (DESCRIBE results are graphs too and say CONSTRUCT)."""
    media_type: str
    data: bytes
    truncated: bool = False


@dataclass(frozen=True)
class Solutions:
    """The solutions of a SELECT query as the engine gives them: its variables, and rows of Oxigraph terms
    (None where a variable is unbound), each row indexable by position or variable name."""

    variables: tuple[str, ...]
    rows: Sequence[ox.QuerySolution]


Answer = Union[Solutions, bool, list]
"""What a query answers: Solutions (SELECT), a bool (ASK) or a list of Oxigraph triples (CONSTRUCT, DESCRIBE)."""


class SparqlSyntaxError(UserError):
    """A query or update the SPARQL parser refuses; the message gives the line and column."""


class UnacceptableFormat(UserError):
    """The result kind of a query has no serialization among the formats the caller accepts."""


class StoreChangedWhileRead(UserError):
    """A read-only view of the store whose files a running writer compacted away under it: opening it again reads the
    new files (kg.cli reads again a few times before it gives this as the error)."""


@dataclass(frozen=True)
class StoredDocument:
    """One document version in the store."""

    iri: str
    path: str
    sha256: str
    extractor: str | None = None
    """The fingerprint of the extractor that read it (None in stores written before it was recorded)."""
    text_key: str | None = None
    """The SHA-256 of its folded text (SourceDocument.text_key; None in stores written before it was recorded)."""


class Store(Protocol):
    """What cgt-kg needs from a quad store."""

    location: str

    def answer(self, sparql: str) -> Answer: ...

    def query(self, sparql: str) -> Result: ...

    def update(self, sparql: str) -> None: ...

    def serialize_query(self, sparql: str, solutions_type: str | None, graph_type: str | None, max_rows: int | None = None,
                        default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()) -> SerializedResult: ...

    def write_graph(self, name: URIRef, quads: list[ox.Quad], drop: tuple[URIRef, ...] = ()) -> None: ...

    def replace_graph(self, graph: Graph, drop: tuple[URIRef, ...] = ()) -> None: ...

    def drop_graphs(self, graphs: tuple[URIRef, ...]) -> None: ...

    def documents(self, paths: Iterable[str] = (), hashes: Iterable[str] = (), text_keys: Iterable[str] = ()) -> list[StoredDocument]: ...

    def documents_below(self, folders: Iterable[str]) -> list[StoredDocument]: ...

    def graph_size(self, graph: URIRef) -> int: ...

    def is_empty(self) -> bool: ...

    def count(self) -> int: ...

    def export(self, fmt: str) -> bytes: ...

    def close(self) -> None: ...


def default_location() -> str:
    """Where the store lives unless --store says otherwise: $KG_STORE or ./.kg/store."""
    return os.environ.get("KG_STORE", DEFAULT_LOCATION)


def open_store(location: str | None = None, *, create: bool = True, read_only: bool = False) -> Store:
    """Open the embedded store at a path, or a remote SPARQL endpoint at an http(s) URL."""
    location = location or default_location()
    if is_remote(location):
        return RemoteStore(location)
    return EmbeddedStore(location, create=create, read_only=read_only)


def is_remote(location: str) -> bool:
    """True when a --store value names a SPARQL endpoint rather than a folder."""
    return location.startswith(("http://", "https://"))


def _syntax_error(error: Exception, sparql: str | None) -> SparqlSyntaxError:
    """The engine's syntax error as one line a person can act on (an unknown prefix named with the ones we
    know, never the parser's lists of character ranges), for the CLI and the endpoint alike."""
    message = str(error).replace("\n", " ")
    return SparqlSyntaxError(f"SPARQL syntax error: {readable_query_error(sparql, message) if sparql else message}")


def _drop_update(graphs: tuple[URIRef, ...]) -> str:
    """One update that drops these graphs."""
    return " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)


def _replace_graph_update(name: URIRef, quads: list[ox.Quad], drop: tuple[URIRef, ...]) -> str:
    """One update that replaces graph `name` with `quads` and drops the graphs in `drop`."""
    triples = ox.serialize([quad.triple for quad in quads], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return f"{_drop_update((name, *drop))} ;\nINSERT DATA {{ GRAPH <{name}> {{\n{triples}\n}} }}"


DOCUMENT_QUERY = (
    "SELECT ?doc ?path ?sha ?extractor ?key WHERE {{ {values} GRAPH ?doc {{ ?doc a cgt:Document ; cgt:path ?path ; cgt:sha256 ?sha "
    "OPTIONAL {{ ?doc cgt:extractorFingerprint ?extractor }} OPTIONAL {{ ?doc cgt:textKey ?key }} }} {filter} }}"
)
"""The stored document versions, narrowed by a VALUES clause or a FILTER (for backends without index lookups)."""


def _documents_from_rows(rows: Iterable[ox.QuerySolution]) -> list[StoredDocument]:
    return [StoredDocument(r[0].value, r[1].value, r[2].value, _value(r[3]), _value(r[4])) for r in rows]


def _value(term) -> str | None:
    """The lexical value of an Oxigraph term, None for an unbound variable."""
    return None if term is None else term.value


class _RdflibView:
    """What both backends derive from their `answer` and `write_graph`: rdflib results and rdflib graphs."""

    def query(self, sparql: str) -> Result:
        """`answer` as an rdflib Result; rows become rdflib terms only when they are read."""
        from kg.store_rdflib import rdflib_result

        return rdflib_result(self.answer(sparql))

    def replace_graph(self, graph: Graph, drop: tuple[URIRef, ...] = ()) -> None:
        """Write an rdflib graph (the ontology and vocabulary layers) as its named graph, as `write_graph` does."""
        from kg.store_rdflib import graph_quads

        self.write_graph(graph.identifier, graph_quads(graph), drop)


JSON_RESULTS = RESULT_FORMATS[0].media_type
N_TRIPLES = ox.RdfFormat.N_TRIPLES.media_type
TURTLE = ox.RdfFormat.TURTLE.media_type


class EmbeddedStore(_RdflibView):
    """An Oxigraph store on disk: no server, transactional writes, native SPARQL engine."""

    def __init__(self, location: str, create: bool = True, read_only: bool = False):
        self.location = location
        self._read_only = read_only
        path = Path(location)
        if (read_only or not create) and not path.exists():
            raise UserError(f"no graph store at {location}: run `kg build` first, or pass --store")
        try:
            if read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except (OSError, RuntimeError) as error:
            raise _store_error(location, "open", error, read_only) from error

    def answer(self, sparql: str) -> Answer:
        """Run a SPARQL query over the union of all graphs (or the query's own FROM dataset) and hold its whole
        answer in the engine's own terms."""
        check_length(sparql)
        return self._engine("query", _run_to_answer, self._store, sparql, self._dataset(sparql), sparql=sparql)

    def _dataset(self, sparql: str, include_rejected: bool = False) -> dict:
        """The default graph of a query: the union of all graphs but the rejected facts' graph (kg review),
        or none when the query names its own dataset with FROM."""
        if _names_own_dataset(sparql):
            return {}
        if include_rejected or not self._store.contains_named_graph(ox.NamedNode(REJECTED_GRAPH)):
            return {"use_default_graph_as_union": True}
        return {"default_graph": [g for g in self._store.named_graphs() if g.value != REJECTED_GRAPH]}

    def serialize_query(
        self,
        sparql: str,
        solutions_type: str | None,
        graph_type: str | None,
        max_rows: int | None = None,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
    ) -> SerializedResult:
        """Run a query and write its result natively: solutions and booleans as `solutions_type`,
        graphs as `graph_type` (media types of RESULT_FORMATS), at most `max_rows` solutions or triples.

        Without `default_graphs` the default graph is the union of all graphs; without
        `named_graphs` every named graph is visible to GRAPH.
        """
        check_length(sparql)
        dataset = {"default_graph": [ox.NamedNode(g) for g in default_graphs]} if default_graphs else self._dataset(sparql)
        if named_graphs:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._engine("query", _run_and_serialize, self._store, sparql, dataset, solutions_type, graph_type, max_rows, sparql=sparql)

    def _engine(self, action: str, function, *args, sparql: str | None = None):
        """Run an engine call, on a deep stack when it parses `sparql` (a query's nesting needs it; writing
        quads does not); the engine's I/O and corruption errors, and the syntax errors of the `sparql`,
        become one UserError."""
        try:
            return run_on_deep_stack(function, *args) if sparql is not None else function(*args)
        except SyntaxError as error:
            raise _syntax_error(error, sparql) from error
        except (OSError, RuntimeError) as error:
            raise _store_error(self.location, action, error, self._read_only) from error

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction: all of it is applied, or none."""
        self._engine("update", lambda: self._store.update(sparql, prefixes=PREFIX_IRIS), sparql=sparql)

    def write_graph(self, name: URIRef, quads: list[ox.Quad], drop: tuple[URIRef, ...] = ()) -> None:
        """Write one named graph from its typed quads (kg.rdf), replacing it, and remove the graphs in `drop`
        (older versions).

        A graph not stored yet (every new document version: its IRI is its content's hash) goes in
        through the engine's own `extend`, one transaction, with no text to parse; the old versions
        leave after it, so a reader sees the old or the new version, never neither. A graph stored
        already is replaced in one update (a reader never sees it half written).
        """
        if self._store.contains_named_graph(ox.NamedNode(str(name))):
            self.update(_replace_graph_update(name, quads, drop))
            return
        self._engine("write", self._store.extend, quads)
        if drop:
            self.drop_graphs(drop)

    def documents(self, paths: Iterable[str] = (), hashes: Iterable[str] = (), text_keys: Iterable[str] = ()) -> list[StoredDocument]:
        """The stored document versions recorded at these paths, with these sha256 hashes or these text keys:
        index lookups of each value, so the cost is that of the answer, not of the store."""
        found: dict[str, StoredDocument] = {}
        record = _document_record()
        for predicate, values in ((record.path, paths), (record.sha256, hashes), (record.text_key, text_keys)):
            for value in dict.fromkeys(values):
                for quad in self._store.quads_for_pattern(None, predicate, ox.Literal(value), None):
                    if quad.subject == quad.graph_name and quad.subject.value not in found:
                        document = self._document(quad.graph_name)
                        if document is not None:
                            found[document.iri] = document
        return list(found.values())

    def _document(self, graph: ox.NamedNode) -> StoredDocument | None:
        """The record of the document whose graph is `graph` (None when it is not a whole document record)."""

        def value(predicate: ox.NamedNode) -> str | None:
            return next((q.object.value for q in self._store.quads_for_pattern(graph, predicate, None, graph)), None)

        record = _document_record()
        path, sha256 = value(record.path), value(record.sha256)
        if path is None or sha256 is None or next(self._store.quads_for_pattern(graph, _RDF_TYPE, record.document, graph), None) is None:
            return None
        return StoredDocument(graph.value, path, sha256, value(record.extractor), value(record.text_key))

    def documents_below(self, folders: Iterable[str]) -> list[StoredDocument]:
        """The stored document versions whose paths start with one of these folder prefixes: one pass over the
        recorded paths (one per document), never over the quads."""
        prefixes = tuple(folders)
        if not prefixes:
            return []
        graphs = [q.graph_name for q in self._store.quads_for_pattern(None, _document_record().path, None, None) if q.subject == q.graph_name and q.object.value.startswith(prefixes)]
        return [document for document in map(self._document, dict.fromkeys(graphs)) if document is not None]

    def graph_size(self, graph: URIRef) -> int:
        """Number of quads in one named graph (an index range, not a pass over the store)."""
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))

    def is_empty(self) -> bool:
        """True when the store holds no quad at all."""
        return next(self._store.quads_for_pattern(None, None, None, None), None) is None

    def count(self) -> int:
        """Number of quads in the store: a pass over all of them (`kg stats`; a build counts only what it changed)."""
        return len(self._store)

    def drop_graphs(self, graphs: tuple[URIRef, ...]) -> None:
        """Remove named graphs (older versions of a document) in one transaction."""
        self.update(_drop_update(graphs))

    def bulk_load(self, path: Path) -> None:
        """Load an N-Quads file through Oxigraph's bulk loader: the fast path, not transactional
        (a file that stops half-way leaves half of it), so callers load whole, finished partitions."""
        try:
            self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as error:
            raise UserError(f"{path}: cannot bulk-load ({error})") from error
        except (OSError, RuntimeError) as error:
            raise _store_error(self.location, "write", error) from error

    def export(self, fmt: str) -> bytes:
        """The whole store in one RDF format (graph names kept where the format has them)."""
        if fmt == "jsonld":
            from kg.store_rdflib import json_ld

            return json_ld(self.export("nq"), "nquads")
        rdf_format = EXPORT_FORMATS[fmt][1]
        if fmt in ("ttl", "nt"):
            everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
            union = lambda: self._store.query(everything, **self._dataset(everything)).serialize(format=rdf_format)
            return self._engine("read", union)
        return self._engine("read", lambda: self._store.dump(format=rdf_format))

    def close(self) -> None:
        """Write what is buffered to disk and release the store."""
        try:
            if not self._read_only:
                self._engine("write", self._store.flush)
        finally:
            del self._store


def _run_and_serialize(store, sparql, dataset, solutions_type, graph_type, max_rows) -> SerializedResult:
    """Run a query and write its result (on the engine's thread: solutions are computed while written)."""
    answer = store.query(sparql, prefixes=PREFIX_IRIS, **dataset)
    kind = "CONSTRUCT" if isinstance(answer, ox.QueryTriples) else "ASK" if isinstance(answer, ox.QueryBoolean) else "SELECT"
    media_type = graph_type if kind == "CONSTRUCT" else solutions_type
    if media_type is None:
        offered = ", ".join(f.media_type for f in RESULT_FORMATS if f.graph == (kind == "CONSTRUCT"))
        raise UnacceptableFormat(f"a {kind} result cannot be written in any of the formats asked for; ask for one of {offered}")
    if kind == "CONSTRUCT":
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        triples, truncated = _first(answer, max_rows)
        return SerializedResult(kind, media_type, ox.serialize(triples, format=rdf_format, prefixes=PREFIX_IRIS), truncated)
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    if kind == "ASK" or max_rows is None:
        return SerializedResult(kind, media_type, answer.serialize(format=results_format))
    rows = _FirstRows(max_rows)
    try:
        answer.serialize(output=rows, format=ox.QueryResultsFormat.TSV)
    except _EnoughRows:
        pass
    data = rows.tsv()
    if results_format != ox.QueryResultsFormat.TSV:
        data = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV).serialize(format=results_format)
    return SerializedResult(kind, media_type, data, rows.truncated)


class _EnoughRows(Exception):
    """Raised into the engine's serializer to stop it once a result has more rows than asked for."""


class _FirstRows:
    """Where the engine writes solutions as SPARQL TSV (one line per row, newlines inside terms escaped):
    keeps the header and the first `limit` rows and stops the engine, and so the query, past them."""

    def __init__(self, limit: int):
        self._lines_left = limit + 1
        self._chunks: list[bytes] = []
        self.truncated = False

    def write(self, data) -> int:
        data = bytes(data)
        if self.truncated or not data:
            return len(data)  # the engine may flush its buffer again after it was stopped
        lines = data.count(b"\n")
        if lines < self._lines_left or (lines == self._lines_left and data.endswith(b"\n")):
            self._chunks.append(data)
            self._lines_left -= lines
            return len(data)
        end = -1
        for _ in range(self._lines_left):
            end = data.index(b"\n", end + 1)
        self._chunks.append(data[: end + 1])
        self.truncated = True
        raise _EnoughRows()

    def flush(self) -> None:
        pass

    def tsv(self) -> bytes:
        return b"".join(self._chunks)


def _run_to_answer(store, sparql: str, dataset: dict) -> Answer:
    """Run a query and hold its whole answer (on the engine's thread)."""
    return _held(store.query(sparql, prefixes=PREFIX_IRIS, **dataset))


def _held(answer) -> Answer:
    """An engine's answer (QuerySolutions, QueryBoolean or QueryTriples) read to its end."""
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    if isinstance(answer, ox.QueryTriples):
        return list(answer)
    return Solutions(tuple(v.value for v in answer.variables), list(answer))


@dataclass(frozen=True)
class _DocumentRecord:
    """The terms of a stored document's record, as the engine's terms."""

    document: ox.NamedNode
    path: ox.NamedNode
    sha256: ox.NamedNode
    extractor: ox.NamedNode
    text_key: ox.NamedNode


@functools.cache
def _document_record() -> _DocumentRecord:
    """The document record's terms, named through the closed cgt namespace (the build path, where rdflib is loaded)."""
    from kg.namespaces import CGT

    return _DocumentRecord(*(ox.NamedNode(str(CGT[name])) for name in ("Document", "path", "sha256", "extractorFingerprint", "textKey")))


_RDF_TYPE = ox.NamedNode(RDF_TYPE)


def _names_own_dataset(sparql: str) -> bool:
    """names_own_dataset, with the lexer run only when the text has the shape of a dataset clause somewhere
    (FROM, maybe NAMED, then an IRI or a prefixed name): the word "from" in a comment or a string costs nothing."""
    return DATASET_CLAUSE_SHAPE.search(unescape_codepoints(sparql)) is not None and names_own_dataset(sparql)


DATASET_CLAUSE_SHAPE = re.compile(r"\bFROM(?:\s|#[^\n]*\n)*(?:NAMED(?:\s|#[^\n]*\n)*)?(?:<|[^\s<>\"'{}()#]*:)", re.IGNORECASE)
"""FROM, maybe NAMED, then an IRI or a prefixed name, with any space or comment between, or none ('FROM<urn:g>')."""


def _store_error(location: str, action: str, error: Exception, read_only: bool = False) -> UserError:
    """One line for an engine failure: a full disk, a damaged store, a store in use."""
    message = str(error).replace("\n", " ").strip()
    if "No space left" in message or getattr(error, "errno", None) == 28:
        return UserError(f"cannot {action} the graph store at {location}: the disk is full; free some space and run the command again (what was stored before is intact)")
    if read_only and "Corruption" in message and "No such file" in message:
        return StoreChangedWhileRead(f"the graph store at {location} changed while it was read (a writer is compacting it); run the command again")
    if "Corruption" in message:
        return UserError(f"the graph store at {location} is damaged ({message[:200]}); build a new one with `kg build --store NEW_FOLDER`")
    if "lock" in message.lower():
        return UserError(f"the graph store at {location} is in use by another writer (a running `kg build` or `kg serve --allow-update`); wait for it, or read with a read-only command")
    return UserError(f"cannot {action} the graph store at {location}: {message[:300]}")


class RemoteStore(_RdflibView):
    """A SPARQL 1.1 Query and Update endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever), spoken to
    over the protocol (form-encoded POST); its answers are parsed by the engine's own result parsers."""

    def __init__(self, endpoint: str):
        self.location = endpoint
        self._update_endpoint = os.environ.get("KG_UPDATE_ENDPOINT") or (
            endpoint[: -len("/query")] + "/update" if endpoint.endswith("/query") else endpoint
        )
        token = os.environ.get("KG_STORE_TOKEN")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _post(self, action: str, url: str, form: dict, accept: str | None = None):
        """POST one protocol operation; a refused or failed one becomes one UserError line naming the endpoint."""
        import httpx

        headers = {**({"Accept": accept} if accept else {}), **self._headers}
        try:
            response = httpx.post(url, data=form, headers=headers, timeout=None)
        except httpx.HTTPError as error:
            raise UserError(f"{action} failed at {url}: {error}".splitlines()[0]) from error
        if response.status_code not in (200, 204):
            raise UserError(f"{action} failed at {url}: HTTP {response.status_code} {response.text.strip()[:300]}".splitlines()[0])
        return response

    def answer(self, sparql: str) -> Answer:
        """The endpoint's answer as SPARQL JSON or N-Triples, read by the engine's parsers into its terms."""
        result = self.serialize_query(sparql, JSON_RESULTS, f"{N_TRIPLES}, {TURTLE}")
        try:
            rdf_format = ox.RdfFormat.from_media_type(result.media_type) if result.media_type else None
            if rdf_format is not None:  # a graph, in whichever RDF syntax the endpoint chose
                return [quad.triple for quad in ox.parse(result.data, format=rdf_format)]
            results_format = ox.QueryResultsFormat.from_media_type(result.media_type) or ox.QueryResultsFormat.JSON
            return _held(ox.parse_query_results(result.data, format=results_format))
        except (SyntaxError, ValueError) as error:
            raise UserError(f"query failed at {self.location}: its answer ({result.media_type or 'no media type'}) cannot be read: {error}".splitlines()[0]) from error

    def serialize_query(self, sparql: str, solutions_type: str | None, graph_type: str | None, max_rows: int | None = None,
                        default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()) -> SerializedResult:
        """The endpoint's own serialisation of a query result, asked for by media type (max_rows is the endpoint's business)."""
        offered = ", ".join(media for media in (solutions_type, graph_type) if media)
        form = {"query": sparql_prologue() + sparql, "default-graph-uri": list(default_graphs), "named-graph-uri": list(named_graphs)}
        response = self._post("query", self.location, form, offered)
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        return SerializedResult(_remote_kind(media_type, graph_type, response.content), media_type, response.content)

    def update(self, sparql: str) -> None:
        self._post("update", self._update_endpoint, {"update": sparql_prologue() + sparql})

    def write_graph(self, name: URIRef, quads: list[ox.Quad], drop: tuple[URIRef, ...] = ()) -> None:
        self.update(_replace_graph_update(name, quads, drop))

    def drop_graphs(self, graphs: tuple[URIRef, ...]) -> None:
        self.update(_drop_update(graphs))

    def documents(self, paths: Iterable[str] = (), hashes: Iterable[str] = (), text_keys: Iterable[str] = ()) -> list[StoredDocument]:
        rows: list = []
        for variable, values in (("path", paths), ("sha", hashes), ("key", text_keys)):
            listed = " ".join(str(ox.Literal(value)) for value in dict.fromkeys(values))
            if listed:
                rows += self.answer(DOCUMENT_QUERY.format(values=f"VALUES ?{variable} {{ {listed} }}", filter="")).rows
        return list({document.iri: document for document in _documents_from_rows(rows)}.values())

    def documents_below(self, folders: Iterable[str]) -> list[StoredDocument]:
        tests = " || ".join(f"STRSTARTS(?path, {ox.Literal(folder)})" for folder in folders)
        return _documents_from_rows(self.answer(DOCUMENT_QUERY.format(values="", filter=f"FILTER ({tests})")).rows) if tests else []

    def graph_size(self, graph: URIRef) -> int:
        return _count(self.answer(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))

    def is_empty(self) -> bool:
        return not self.answer("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")

    def count(self) -> int:
        return _count(self.answer("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))

    def export(self, fmt: str) -> bytes:
        """The union of the endpoint's graphs as triples (graph names are not kept: the protocol query gives triples)."""
        triples = self.answer("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        if fmt == "jsonld":
            from kg.store_rdflib import json_ld

            return json_ld(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), "nt")
        rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.TURTLE
        return ox.serialize(triples, format=rdf_format, prefixes=None if fmt == "nt" else PREFIX_IRIS)

    def close(self) -> None:
        """Nothing to release: each operation is its own request."""


def _count(answer: Solutions) -> int:
    """The number a one-row COUNT query answers (0 when it answers no row)."""
    return int(answer.rows[0][0].value) if answer.rows and answer.rows[0][0] is not None else 0


def _remote_kind(media_type: str, graph_type: str | None, data: bytes) -> str:
    """SELECT, ASK or CONSTRUCT for an endpoint's answer, from its media type and the boolean forms of the result formats."""
    if graph_type and media_type and ox.RdfFormat.from_media_type(media_type) is not None:
        return "CONSTRUCT"  # a graph, in whichever of the offered RDF syntaxes the endpoint chose
    head = data[:400]
    return "ASK" if data.strip() in (b"true", b"false") or b'"boolean"' in head or b"<boolean>" in head else "SELECT"


def _first(items, limit: int | None) -> tuple[list, bool]:
    """The first `limit` items of an iterator (all when None) and whether more were left."""
    if limit is None:
        return list(items), False
    head = list(itertools.islice(items, limit + 1))
    return head[:limit], len(head) > limit


def stored_documents(store: Store) -> list[StoredDocument]:
    """Every document version the store holds, with its path and hash (a pass over every document: kg remove)."""
    return _documents_from_rows(store.answer(DOCUMENT_QUERY.format(values="", filter="")).rows)


def graph_fingerprint(store: Store, graph: URIRef) -> str | None:
    """The sha256 recorded on a named graph (the vocabulary layer), if any."""
    rows = store.answer(f"SELECT ?sha WHERE {{ GRAPH <{graph}> {{ <{graph}> cgt:fingerprint ?sha }} }}").rows
    return rows[0][0].value if rows else None
