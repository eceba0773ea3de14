"""The one module that knows the storage backend: an embedded Oxigraph store or a remote SPARQL server.

Both sit behind the small `Store` interface. Queries run on the backend's own
engine and come back as rdflib `Result` objects, so terms, graphs and result
formats stay rdflib's everywhere else.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.query import Result

from kg.errors import UserError
from kg.namespaces import PREFIXES, sparql_prologue

DEFAULT_LOCATION = ".kg/store"
EXPORT_FORMATS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "trig": ("application/trig", ox.RdfFormat.TRIG),
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", None),
}


@dataclass(frozen=True)
class StoredDocument:
    """One document version in the store."""

    iri: str
    path: str
    sha256: str


class Store(Protocol):
    """What cgt-kg needs from a quad store."""

    location: str

    def query(self, sparql: str) -> Result: ...

    def replace_graph(self, graph: Graph, drop: tuple[URIRef, ...] = ()) -> None: ...

    def count(self) -> int: ...

    def export(self, fmt: str) -> bytes: ...

    def close(self) -> None: ...


def default_location() -> str:
    """Where the store lives unless --store says otherwise: $KG_STORE or ./.kg/store."""
    return os.environ.get("KG_STORE", DEFAULT_LOCATION)


def open_store(location: str | None = None, *, create: bool = True) -> Store:
    """Open the embedded store at a path, or a remote SPARQL endpoint at an http(s) URL."""
    location = location or default_location()
    if location.startswith(("http://", "https://")):
        return RemoteStore(location)
    return EmbeddedStore(location, create=create)


def _to_ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt")


def _syntax_error(error: Exception) -> UserError:
    return UserError(f"SPARQL syntax error: {error}".replace("\n", " "))


class EmbeddedStore:
    """An Oxigraph store on disk: no server, transactional writes, native SPARQL engine."""

    def __init__(self, location: str, create: bool = True):
        self.location = location
        path = Path(location)
        if not create and not path.exists():
            raise UserError(f"no graph store at {location}: run `kg build` first, or pass --store")
        try:
            path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(path))
        except OSError as error:
            raise UserError(f"cannot open the graph store at {location}: {error}") from error

    def query(self, sparql: str) -> Result:
        """Run a SPARQL query over the union of all graphs."""
        try:
            answer = self._store.query(sparql, use_default_graph_as_union=True, prefixes=_prefix_map())
        except SyntaxError as error:
            raise _syntax_error(error) from error
        if isinstance(answer, ox.QueryTriples):
            result = Result("CONSTRUCT")
            result.graph = Graph().parse(data=answer.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
            return result
        return Result.parse(io.BytesIO(answer.serialize(format=ox.QueryResultsFormat.JSON)), format="json")

    def replace_graph(self, graph: Graph, drop: tuple[URIRef, ...] = ()) -> None:
        """Write one named graph atomically, replacing it and removing the graphs in `drop`."""
        name = graph.identifier
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in (name, *drop))
        update = f"{drops}INSERT DATA {{ GRAPH <{name}> {{\n{_to_ntriples(graph)}\n}} }}"
        self._store.update(update)

    def count(self) -> int:
        """Number of quads in the store."""
        return len(self._store)

    def export(self, fmt: str) -> bytes:
        """The whole store in one RDF format (graph names kept where the format has them)."""
        if fmt == "jsonld":
            from rdflib import Dataset

            dataset = Dataset()
            dataset.parse(data=self.export("nq").decode("utf-8"), format="nquads")
            return dataset.serialize(format="json-ld").encode("utf-8")
        rdf_format = EXPORT_FORMATS[fmt][1]
        if fmt in ("ttl", "nt"):
            triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            return triples.serialize(format=rdf_format)
        return self._store.dump(format=rdf_format)

    def close(self) -> None:
        self._store.flush()
        del self._store


class RemoteStore:
    """A SPARQL 1.1 Query and Update endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever)."""

    def __init__(self, endpoint: str):
        from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

        self.location = endpoint
        update = os.environ.get("KG_UPDATE_ENDPOINT") or (
            endpoint[: -len("/query")] + "/update" if endpoint.endswith("/query") else endpoint
        )
        self._store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=update, returnFormat="json")

    def query(self, sparql: str) -> Result:
        try:
            return Graph(store=self._store).query(sparql_prologue() + sparql)
        except Exception as error:  # the server's message is the useful part
            raise UserError(f"query failed at {self.location}: {error}".splitlines()[0]) from error

    def replace_graph(self, graph: Graph, drop: tuple[URIRef, ...] = ()) -> None:
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in (graph.identifier, *drop))
        try:
            self._store.update(f"{drops}INSERT DATA {{ GRAPH <{graph.identifier}> {{\n{_to_ntriples(graph)}\n}} }}")
        except Exception as error:
            raise UserError(f"update failed at {self.location}: {error}".splitlines()[0]) from error

    def count(self) -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0][0]) if rows else 0

    def export(self, fmt: str) -> bytes:
        graph = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").graph
        return graph.serialize(format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}.get(fmt, "turtle")).encode()

    def close(self) -> None:
        self._store.close()


def _prefix_map() -> dict[str, str]:
    return {name: str(ns) for name, ns in PREFIXES.items()}


def stored_documents(store: Store) -> list[StoredDocument]:
    """Every document version the store holds, with its path and hash."""
    rows = store.query(
        "SELECT ?doc ?path ?sha WHERE { GRAPH ?doc { ?doc a cgt:Document ; cgt:path ?path ; cgt:sha256 ?sha } }"
    )
    return [StoredDocument(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def graph_fingerprint(store: Store, graph: URIRef) -> str | None:
    """The sha256 recorded on a named graph (the vocabulary layer), if any."""
    rows = list(store.query(f"SELECT ?sha WHERE {{ GRAPH <{graph}> {{ <{graph}> cgt:fingerprint ?sha }} }}"))
    return str(rows[0][0]) if rows else None
