"""Merge articles into the store: skip what is already there, replace what changed, one transaction per document."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from spacy.language import Language

from kg.errors import UserError
from kg.extract import extract_documents
from kg.model import SourceDocument
from kg.namespaces import CGT, ONTOLOGY_GRAPH, VOCABULARY_GRAPH
from kg.ontology import ONTOLOGY_DIR, load_vocabulary
from kg.rdf import document_graph, named_graph
from kg.sources import find_sources, read_source
from kg.store import Store, graph_fingerprint, stored_documents


@dataclass
class BuildSummary:
    """What one `kg build` run did."""

    new: int = 0
    changed: int = 0
    skipped: int = 0
    entities: int = 0
    relations: int = 0
    figures: int = 0
    triples: int = 0
    problems: list[str] = field(default_factory=list)


def display_path(path: Path) -> str:
    """A path as stored: relative to the working directory when below it, else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)


def ontology_fingerprint(root: Path = ONTOLOGY_DIR) -> str:
    """sha256 over the ontology and vocabulary files, to reload the reference layers only when they change."""
    digest = hashlib.sha256()
    for path in [root / "cgt.ttl", *sorted((root / "vocabulary").glob("*.ttl"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_reference_layers(store: Store) -> bool:
    """Put the ontology and the vocabulary into their named graphs if they changed; True if written."""
    fingerprint = ontology_fingerprint()
    if graph_fingerprint(store, VOCABULARY_GRAPH) == fingerprint:
        return False
    vocabulary = load_vocabulary()
    store.replace_graph(named_graph(vocabulary.ontology, ONTOLOGY_GRAPH))
    reference = named_graph(vocabulary.reference, VOCABULARY_GRAPH)
    reference.add((VOCABULARY_GRAPH, CGT.fingerprint, Literal(fingerprint)))
    store.replace_graph(reference)
    return True


def read_sources(paths: list[Path], problems: list[str]) -> list[SourceDocument]:
    """Read every article under the paths; unreadable files are reported in `problems` and skipped."""
    sources = []
    for path in find_sources(paths):
        try:
            source = read_source(path)
        except UserError as error:
            problems.append(str(error))
            continue
        sources.append(SourceDocument(display_path(path), source.title, source.sha256, source.text))
    return sources


@dataclass
class BuildPlan:
    """Which articles need extracting, and which stored versions each one replaces."""

    todo: list[SourceDocument]
    skipped: list[SourceDocument]
    versions: dict[str, list[str]]

    def stale(self, source: SourceDocument) -> tuple[URIRef, ...]:
        """Graphs of older versions of this article's path, dropped when the new one is written."""
        return tuple(URIRef(iri) for iri in self.versions.get(source.path, []) if iri != source.iri)


def plan_build(sources: list[SourceDocument], store: Store) -> BuildPlan:
    """Skip articles whose content is stored already; everything else is extracted."""
    versions: dict[str, list[str]] = {}
    known_hashes = set()
    stored_contents = set()
    for stored in stored_documents(store):
        versions.setdefault(stored.path, []).append(stored.iri)
        known_hashes.add((stored.path, stored.sha256))
        stored_contents.add(stored.sha256)
    todo, skipped = [], []
    for source in sources:
        unchanged = (source.path, source.sha256) in known_hashes and len(versions.get(source.path, [])) == 1
        if unchanged or (source.path not in versions and source.sha256 in stored_contents):
            skipped.append(source)
        else:
            todo.append(source)
            stored_contents.add(source.sha256)
    return BuildPlan(todo, skipped, versions)


def count_extraction(summary: BuildSummary, plan: BuildPlan, extraction) -> None:
    """Add one stored extraction to the run's summary."""
    if extraction.document.path in plan.versions:
        summary.changed += 1
    else:
        summary.new += 1
    summary.entities += len(extraction.entities)
    summary.relations += len(extraction.relations)
    summary.figures += len(extraction.figures)


def build(
    paths: list[Path],
    store: Store,
    nlp: Language,
    min_confidence: float = 0.0,
    on_document: Callable[[SourceDocument], None] | None = None,
    jobs: int = 1,
) -> BuildSummary:
    """Extract every new or changed article under `paths` and merge it into the store, one transaction each."""
    summary = BuildSummary()
    load_reference_layers(store)
    sources = read_sources(paths, summary.problems)
    plan = plan_build(sources, store)
    summary.skipped = len(plan.skipped)
    for source in plan.skipped:
        if on_document:
            on_document(source)
    for extraction in extract_documents(plan.todo, nlp, min_confidence=min_confidence, jobs=jobs):
        store.replace_graph(document_graph(extraction), drop=plan.stale(extraction.document))
        count_extraction(summary, plan, extraction)
        if on_document:
            on_document(extraction.document)
    summary.triples = store.count()
    return summary
