"""rdflib views of the store's answers and rdflib graphs as the engine's quads: the bridge for the code that
works in rdflib terms (pages, analytics, review, build). kg.store imports it on first use, so reading
paths that need no rdflib (`kg query`, `kg stats`) never load it."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from kg.iris import XSD_STRING
from kg.store import Answer, SerializedResult, Solutions, UnacceptableFormat


def rdflib_result(answer: Answer) -> Result:
    """A store's answer as an rdflib Result (SELECT rows are converted only when read)."""
    if isinstance(answer, bool):
        result = Result("ASK")
        result.askAnswer = answer
        return result
    if not isinstance(answer, Solutions):
        result = Result("CONSTRUCT")
        graph = Graph()
        for triple in answer:
            graph.add((rdflib_term(triple.subject), rdflib_term(triple.predicate), rdflib_term(triple.object)))
        result.graph = graph
        return result
    result = Result("SELECT")
    result.vars = [Variable(name) for name in answer.variables]
    result.bindings = LazyBindings(answer.rows, result.vars, list(answer.variables))
    return result


class LazyBindings(Sequence):
    """A SELECT answer's rows, each turned into rdflib terms only when it is read: `kg query` shows the first 500 of a
    216,000-row answer and counts the rest, so converting every row first cost as much as running the query."""

    def __init__(self, solutions: Sequence, variables: list[Variable], names: list[str]):
        self._solutions, self._variables, self._names = solutions, variables, names
        self._rows: dict[int, dict] = {}

    def __len__(self) -> int:
        return len(self._solutions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._solutions)
        row = self._rows.get(index)
        if row is None:
            solution = self._solutions[index]
            row = self._rows[index] = {variable: rdflib_term(solution[name]) for variable, name in zip(self._variables, self._names)
                                       if solution[name] is not None}
        return row

    def __iter__(self):
        return (self[i] for i in range(len(self._solutions)))


def rdflib_term(term):
    """An Oxigraph term as the rdflib term it stands for."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise UnacceptableFormat(f"a result holds a term rdflib cannot represent ({type(term).__name__})")


def oxigraph_term(term):
    """An rdflib term as the Oxigraph term it stands for (a literal keeps its lexical form, language and datatype)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def graph_quads(graph: Graph) -> list[ox.Quad]:
    """The triples of an rdflib graph as Oxigraph quads in the graph it names (each distinct term made once)."""
    name = ox.NamedNode(str(graph.identifier))
    terms: dict = {}

    def term(value):
        made = terms.get(value)
        if made is None:
            made = terms[value] = oxigraph_term(value)
        return made

    return [ox.Quad(term(s), term(p), term(o), name) for s, p, o in graph]


def json_ld(data: bytes, rdf_format: str) -> bytes:
    """N-Quads or N-Triples as JSON-LD (written by rdflib's serializer)."""
    dataset = Dataset()
    dataset.parse(data=data.decode("utf-8"), format=rdf_format)
    return dataset.serialize(format="json-ld").encode("utf-8")


def result_from_serialized(answer: SerializedResult) -> Result:
    """An rdflib Result from a result the backend wrote as SPARQL JSON or N-Triples."""
    if answer.kind == "CONSTRUCT":
        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=answer.data.decode("utf-8"), format="nt")
        return result
    return Result.parse(io.BytesIO(answer.data), format="json")
