"""Merge articles into the store: skip what is already there, replace what changed, one transaction per document."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from kg.errors import UserError
from kg.fetch import source_url
from kg.model import SourceDocument
from kg.models import resolve_model_name
from kg.namespaces import CGT, ONTOLOGY_GRAPH, REJECTED_GRAPH, VOCABULARY_GRAPH
from kg.ontology import ONTOLOGY_DIR, load_vocabulary
from kg.rdf import document_quads, named_graph
from kg.sources import find_sources, is_inside, read_bytes, read_source
from kg.store import Store, StoredDocument, graph_fingerprint, stored_documents

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass
class BuildSummary:
    """What one `kg build` run did."""

    new: int = 0
    changed: int = 0
    skipped: int = 0
    moved: int = 0
    removed: int = 0
    duplicates: int = 0
    entities: int = 0
    relations: int = 0
    figures: int = 0
    added: int | None = 0
    """Net change in the store's quads made by this run, counted over the graphs it wrote or dropped
    (None when the run counted the whole store instead)."""
    triples: int | None = None
    """The store's quads after the run, when known without a pass over the store (a build into an empty
    store, or a run that counted them); `kg stats` counts them otherwise."""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the run decided that a user may want to know (a moved file, the same text in two files)."""

    @property
    def triples_text(self) -> str:
        """The store's size as a build reports it: the total when known, else the change ('+631')."""
        return str(self.triples) if self.triples is not None else f"{self.added:+d}"


def stored_path(path: Path) -> str:
    """A path as stored: absolute and resolved, so the same file is the same document from any working directory."""
    return str(path.resolve())


EXTRACTOR_SOURCES = ("nlp", "extract.py", "resolve.py", "deals.py", "consistency.py", "rdf.py", "ontology.py", "model.py")
"""The parts of the kg package whose code decides what is extracted and how it is written."""


def extractor_fingerprint(model: str, min_confidence: float, root: Path = ONTOLOGY_DIR) -> str:
    """sha256 over all that shapes an extraction: the code of the extracting modules, the ontology,
    vocabulary and patterns, the spaCy pipeline and its installed version, and the confidence cut-off.

    A stored document read under another fingerprint is stale and is read again by the next build.
    """
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    files = [path for name in EXTRACTOR_SOURCES for path in sorted((package / name).rglob("*.py") if (package / name).is_dir() else [package / name])]
    files += sorted(path for path in root.rglob("*") if path.is_file() and path.suffix in (".ttl", ".txt", ".tsv", ".toml", ".json"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        installed = version(model.replace("_", "-")) if model != "rules" else ""
    except PackageNotFoundError:
        installed = "?"
    spacy_version = version("spacy")
    digest.update(f"{model} {installed}; spaCy {spacy_version}; min confidence {min_confidence:g}".encode())
    return digest.hexdigest()


def ontology_fingerprint(root: Path = ONTOLOGY_DIR) -> str:
    """sha256 over the ontology and vocabulary files, to reload the reference layers only when they change."""
    digest = hashlib.sha256()
    for path in [root / "cgt.ttl", *sorted((root / "vocabulary").glob("*.ttl"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_reference_layers(store: Store) -> int | None:
    """Put the ontology and the vocabulary into their named graphs if they changed; the net change in
    quads if written, None if they were current."""
    fingerprint = ontology_fingerprint()
    if graph_fingerprint(store, VOCABULARY_GRAPH) == fingerprint:
        return None
    before = _sizes(store, REFERENCE_GRAPHS)
    vocabulary = load_vocabulary()
    store.replace_graph(named_graph(vocabulary.ontology, ONTOLOGY_GRAPH))
    reference = named_graph(vocabulary.reference, VOCABULARY_GRAPH)
    reference.add((VOCABULARY_GRAPH, CGT.fingerprint, Literal(fingerprint)))
    store.replace_graph(reference)
    return _growth(store, before)


REFERENCE_GRAPHS = (ONTOLOGY_GRAPH, VOCABULARY_GRAPH)


def _sizes(store: Store, graphs) -> dict[URIRef, int]:
    """Quads in each of these graphs (index ranges of the graphs only)."""
    return {graph: store.graph_size(graph) for graph in graphs}


def _growth(store: Store, before: dict[URIRef, int]) -> int:
    """How many quads the graphs of `before` gained since it was taken (negative when they lost some)."""
    return sum(store.graph_size(graph) for graph in before) - sum(before.values())


def read_sources(paths: list[Path], problems: list[str]) -> list[SourceDocument]:
    """Read every article under the paths; unreadable files are reported in `problems` and skipped."""
    sources = []
    for path in find_sources(paths, problems):
        try:
            source = read_source(path)
        except UserError as error:
            problems.append(str(error))
            continue
        sources.append(SourceDocument(stored_path(path), source.title, source.sha256, source.text, source_url(path)))
    return sources


@dataclass(frozen=True)
class Move:
    """A stored document whose file now lives at another path, recognised by its content."""

    iri: str
    old_path: str
    new_path: str


@dataclass
class BuildPlan:
    """Which articles need extracting, which stored versions each one replaces, what moved and what is gone."""

    todo: list[SourceDocument]
    skipped: list[SourceDocument]
    versions: dict[str, list[str]]
    moves: list[Move] = field(default_factory=list)
    duplicates: list[tuple[SourceDocument, str]] = field(default_factory=list)
    """Articles whose text is stored already under another path that still holds it, with that path."""
    gone: list[str] = field(default_factory=list)
    """Graphs of stored documents below the built folders whose files no longer exist (removed with --prune)."""
    renamed: dict[str, str] = field(default_factory=dict)
    """New path -> old path, for edited articles in a folder that moved."""

    before: dict[URIRef, int] = field(default_factory=dict)
    """Quads in each graph the run writes or drops, as they were before it (apply_bookkeeping), to count what it changed."""
    dropped_parties: set[str] = field(default_factory=set)
    """The deal parties of the graphs the run replaces or drops (apply_bookkeeping): their yearless mentions may move."""

    def touched(self, prune: bool) -> list[URIRef]:
        """Every graph this run may write or drop: the new versions, the versions they replace, the rejected facts'
        graph (kg review), and with `prune` the documents whose files are gone."""
        stale = [graph for source in self.todo for graph in self.stale(source)]
        return [*(URIRef(source.iri) for source in self.todo), *stale, *(map(URIRef, self.gone) if prune else ()), REJECTED_GRAPH]

    def stale(self, source: SourceDocument) -> tuple[URIRef, ...]:
        """Graphs of older versions of this article (at its path, or at its path before its folder moved)."""
        paths = (source.path, self.renamed.get(source.path))
        return tuple(URIRef(iri) for path in paths if path for iri in self.versions.get(path, []) if iri != source.iri)


def _normalised(path: str) -> str:
    """A stored path as an absolute one (stores written by older versions kept relative paths)."""
    return path if os.path.isabs(path) else str(Path(path).resolve())


def _present(path: str, sha256: str) -> bool:
    """True when the file at a stored path still exists with the stored content."""
    try:
        return hashlib.sha256(read_bytes(Path(path))).hexdigest() == sha256
    except UserError:
        return False


def _stored_forms(path: str) -> list[str]:
    """The paths a document may be recorded under: absolute, and relative to the working directory as older
    versions stored it."""
    relative = os.path.relpath(path)
    return [path] if relative.startswith("..") else [path, relative]


def _folder_prefixes(roots: list[Path]) -> list[str]:
    """Path prefixes of the stored documents below the folders among `roots` (absolute and older relative forms)."""
    prefixes = []
    for root in roots:
        if root.is_dir():
            relative = os.path.relpath(root)
            prefixes += [os.path.join(str(root), ""), "" if relative == "." else os.path.join(relative, "")]
    return [prefix for prefix in prefixes if not prefix.startswith("..")]


def _same_text_elsewhere(source: SourceDocument, by_text: dict[str, list[StoredDocument]], seen_paths: set[str]) -> bool:
    """Whether another file, still there, is stored with this article's text (another format of it: a .txt of
    the .html page, the page fetched from its URL)."""
    return any(_normalised(d.path) != source.path and (_normalised(d.path) in seen_paths or Path(_normalised(d.path)).exists())
               for d in by_text.get(source.text_key, ()))


def plan_build(
    sources: list[SourceDocument], store: Store, roots: list[Path] | tuple[Path, ...] = (), extractor: str | None = None
) -> BuildPlan:
    """Skip articles whose content is stored already; recognise moved files and folders by content;
    everything else is extracted, and so is every article stored by another `extractor` (fingerprint).
    Stored documents below `roots` whose files are gone are listed.

    The store is asked only about these articles' paths and contents (index lookups), and, for folders
    among `roots`, about the paths recorded below them: never for every stored document.
    """
    resolved_roots = [root.resolve() for root in roots]
    stored = store.documents(
        paths=[form for path in [*(s.path for s in sources), *map(str, resolved_roots)] for form in _stored_forms(path)],
        hashes=[source.sha256 for source in sources],
        text_keys=[source.text_key for source in sources],
    )
    stored += store.documents_below(_folder_prefixes(resolved_roots))
    versions: dict[str, list[str]] = {}
    by_content: dict[str, list[StoredDocument]] = {}
    by_text: dict[str, list[StoredDocument]] = {}
    known_hashes = set()

    def know(documents: list[StoredDocument]) -> None:
        for document in documents:
            path = _normalised(document.path)
            if document.iri in versions.get(path, []):
                continue
            versions.setdefault(path, []).append(document.iri)
            if extractor is None or document.extractor == extractor:
                known_hashes.add((path, document.sha256))
            by_content.setdefault(document.sha256, []).append(document)
            if document.text_key:
                by_text.setdefault(document.text_key, []).append(document)

    know(stored)
    plan = BuildPlan([], [], versions)
    seen_paths = {source.path for source in sources}
    claimed: dict[str, str] = {}
    folder_moves: dict[str, str] = {}
    for source in sources:
        if (source.path, source.sha256) in known_hashes and len(versions.get(source.path, [])) == 1:
            plan.skipped.append(source)
        elif source.sha256 in claimed or source.text_key in claimed:
            plan.duplicates.append((source, claimed.get(source.sha256) or claimed[source.text_key]))
        elif source.path not in versions and source.sha256 not in by_content and _same_text_elsewhere(source, by_text, seen_paths):
            plan.duplicates.append((source, _normalised(by_text[source.text_key][0].path)))
        elif source.path not in versions and source.sha256 in by_content:
            earlier = by_content[source.sha256][0]
            old_path = _normalised(earlier.path)
            if extractor is not None and earlier.extractor != extractor:
                plan.todo.append(source)
            elif old_path not in seen_paths and not _present(old_path, earlier.sha256):
                plan.moves.append(Move(earlier.iri, old_path, source.path))
                folder_moves.setdefault(str(Path(old_path).parent), str(Path(source.path).parent))
            else:
                plan.duplicates.append((source, old_path))
        else:
            plan.todo.append(source)
        claimed.setdefault(source.sha256, source.path)
        claimed.setdefault(source.text_key, source.path)
    moved_from = {move.old_path for move in plan.moves}
    candidates: dict[str, str] = {}
    for source in plan.todo:
        if source.path in versions:
            continue
        for old_folder, new_folder in folder_moves.items():
            if Path(source.path).parent == Path(new_folder):
                candidates[source.path] = str(Path(old_folder) / Path(source.path).name)
    if candidates:
        know(store.documents(paths=[form for path in candidates.values() for form in _stored_forms(path)]))
    for new_path, old_path in candidates.items():
        if old_path in versions and old_path not in seen_paths and not Path(old_path).exists():
            plan.renamed[new_path] = old_path
    accounted = seen_paths | moved_from | set(plan.renamed.values())
    for path, iris in versions.items():
        if path in accounted or not any(is_inside(Path(path), root) for root in resolved_roots):
            continue
        if not Path(path).exists():
            plan.gone.extend(iris)
    return plan


MOVE_UPDATE = """
DELETE {{ GRAPH {doc} {{ {doc} cgt:path ?old }} }}
INSERT {{ GRAPH {doc} {{ {doc} cgt:path {path} }} }}
WHERE {{ GRAPH {doc} {{ {doc} cgt:path ?old }} }}
"""


def apply_bookkeeping(plan: BuildPlan, store: Store, summary: BuildSummary, prune: bool) -> None:
    """Record moved files at their new paths, and with `prune` remove the documents whose files are gone.

    First notes the size of every graph the run will write or drop (plan.before), so finish_build counts
    only what changed."""
    plan.before = _sizes(store, plan.touched(prune))
    from kg.deals import deal_parties

    plan.dropped_parties = deal_parties(store, [graph for graph, size in plan.before.items() if size])
    for move in plan.moves:
        store.update(MOVE_UPDATE.format(doc=URIRef(move.iri).n3(), path=Literal(move.new_path).n3()))
        summary.notes.append(f"moved {move.old_path} -> {move.new_path} (same text; not extracted again)")
    summary.moved = len(plan.moves)
    for source, other in plan.duplicates:
        summary.notes.append(f"{source.path}: the same text as {other}; stored once")
    summary.duplicates = len(plan.duplicates)
    for new_path, old_path in plan.renamed.items():
        summary.notes.append(f"{new_path}: replaces {old_path} (its folder moved)")
    if plan.gone and prune:
        store.drop_graphs(tuple(URIRef(iri) for iri in plan.gone))
        summary.removed = len(plan.gone)
    elif plan.gone:
        summary.notes.append(f"{len(plan.gone)} stored document(s) below the built folders no longer exist on disk; `kg build --prune` removes them")


def count_extraction(summary: BuildSummary, plan: BuildPlan, extraction) -> None:
    """Add one stored extraction to the run's summary."""
    if extraction.document.path in plan.versions or extraction.document.path in plan.renamed:
        summary.changed += 1
    else:
        summary.new += 1
    summary.entities += len(extraction.entities)
    summary.relations += len(extraction.relations)
    summary.figures += len(extraction.figures)


def build(
    paths: list[Path],
    store: Store,
    nlp: Language | str | None,
    min_confidence: float = 0.0,
    on_document: Callable[[SourceDocument], None] | None = None,
    jobs: int = 1,
    prune: bool = False,
) -> BuildSummary:
    """Extract every new or changed article under `paths` and merge it into the store, one transaction each;
    moved files keep their facts, and with `prune` documents whose files are gone are removed.

    `nlp` is a loaded pipeline, or the name of one (None: the default): a named pipeline is loaded
    only when the plan finds something to extract, so an unchanged rebuild never loads spaCy.
    """
    summary = BuildSummary()
    empty = store.is_empty()
    reference = load_reference_layers(store) or 0
    sources = read_sources(paths, summary.problems)
    model = resolve_model_name(nlp) if nlp is None or isinstance(nlp, str) else nlp.meta.get("cgt_model", "rules")
    extractor = extractor_fingerprint(model, min_confidence)
    plan = plan_build(sources, store, roots=paths, extractor=extractor)
    apply_bookkeeping(plan, store, summary, prune)
    summary.skipped = len(plan.skipped)
    for source in plan.skipped:
        if on_document:
            on_document(source)
    if plan.todo:
        from kg.extract import extract_documents
        from kg.nlp.pipeline import load_pipeline

        pipeline = load_pipeline(model) if nlp is None or isinstance(nlp, str) else nlp
        for extraction in extract_documents(plan.todo, pipeline, min_confidence=min_confidence, jobs=jobs):
            written = document_quads(extraction, extractor=extractor)
            store.write_graph(written.name, written.quads, drop=plan.stale(extraction.document))
            count_extraction(summary, plan, extraction)
            if on_document:
                on_document(extraction.document)
    finish_build(store, summary, plan)
    summary.added += reference
    if empty:
        summary.triples = summary.added
    return summary


def finish_build(store: Store, summary: BuildSummary, plan: BuildPlan | None = None) -> BuildSummary:
    """After documents were written: join yearless deal mentions to their dated deal (kg.deals.merge_yearless_deals),
    keep the facts analysts rejected out of them again (kg review), and count
    what the run changed in the graphs of `plan` (without a plan, count the whole store)."""
    from kg.deals import deal_parties, merge_yearless_deals
    from kg.review import apply_decisions

    if plan is None or plan.todo or plan.dropped_parties:
        touched = None if plan is None else deal_parties(store, [source.iri for source in plan.todo]) | plan.dropped_parties
        merge_yearless_deals(store, touched)
        apply_decisions(store)
    if plan is None:
        summary.added, summary.triples = None, store.count()
    else:
        summary.added = _growth(store, plan.before)
    return summary


def remove_documents(store: Store, targets: list[str]) -> list[StoredDocument]:
    """Remove stored documents named by file or folder path, document IRI or sha256 (a prefix of 8 or more
    hex digits will do), in one transaction; UserError naming any target that matches nothing."""
    stored = stored_documents(store)
    chosen: dict[str, StoredDocument] = {}
    for target in targets:
        matches = [document for document in stored if _names(target, document)]
        if not matches:
            raise UserError(f"{target}: no stored document has this path, IRI or sha256 (`kg query documents_mentioning` lists them); nothing was removed")
        chosen.update((document.iri, document) for document in matches)
    if chosen:
        from kg.deals import deal_parties, merge_yearless_deals

        parties = deal_parties(store, list(chosen))
        store.drop_graphs(tuple(URIRef(iri) for iri in chosen))
        merge_yearless_deals(store, parties)
    return sorted(chosen.values(), key=lambda document: document.path)


def _names(target: str, document: StoredDocument) -> bool:
    """True when a `kg remove` target names a stored document: its IRI, sha256 (or prefix), file, or a folder above it."""
    if target in (document.iri, document.sha256) or (len(target) >= 8 and document.sha256.startswith(target.lower())):
        return True
    try:
        wanted = Path(target).resolve()
    except (OSError, ValueError):
        return False
    return is_inside(Path(_normalised(document.path)), wanted)
