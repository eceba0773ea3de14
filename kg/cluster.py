"""Distributed extraction on a Dask cluster: documents go to the workers, N-Quads come back.

Each worker loads the spaCy pipeline once and turns a partition of articles into one
N-Quads file's worth of named graphs; the client writes each partition to disk and
bulk-loads it into the store through Oxigraph's fast path. The bulk loader is not
transactional, so a partition is loaded only once it has arrived whole.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from spacy.util import minibatch

from kg.build import (
    BuildSummary,
    apply_bookkeeping,
    count_extraction,
    extractor_fingerprint,
    finish_build,
    load_reference_layers,
    plan_build,
    read_sources,
)
from kg.errors import UserError
from kg.extract import extract_documents
from kg.model import Extraction, SourceDocument
from kg.models import resolve_model_name
from kg.nlp.pipeline import load_pipeline
from kg.rdf import document_graph
from kg.store import EmbeddedStore, Store

PARTITION_SIZE = 8


def graph_nquads(extraction: Extraction, extractor: str | None = None) -> str:
    """One document's named graph as N-Quads."""
    graph = document_graph(extraction, extractor=extractor)
    name = f"<{graph.identifier}>"
    lines = graph.serialize(format="nt").splitlines()
    return "".join(f"{line[:-1].rstrip()} {name} .\n" for line in lines if line.strip())


CONNECT_TIMEOUT = 10.0
"""Seconds `kg build --dask` tries to reach the scheduler before it says it cannot."""


def extract_partition(sources: list[SourceDocument], model: str | None, min_confidence: float, extractor: str | None = None) -> tuple[list[Extraction], str]:
    """Worker task: extract a partition of articles; return the records (for the summary) and their N-Quads."""
    extractions = list(extract_documents(sources, load_pipeline(model), min_confidence))
    return extractions, "".join(graph_nquads(e, extractor) for e in extractions)


def build_on_dask(
    paths: list[Path], store: Store, scheduler: str, model: str | None, min_confidence: float = 0.0, prune: bool = False,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> BuildSummary:
    """Extract new or changed articles on the Dask cluster at `scheduler` and bulk-load the results."""
    from distributed import Client, as_completed

    if not isinstance(store, EmbeddedStore):
        raise UserError("--dask loads N-Quads partitions with the embedded store's bulk loader: use a local --store path")
    try:  # before anything is planned or written, so an unreachable cluster leaves the store as it was
        client = Client(scheduler, timeout=f"{connect_timeout:g}s")
    except OSError as error:
        raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    with client, tempfile.TemporaryDirectory(prefix="kg-partitions-") as folder:
        summary = BuildSummary()
        empty = store.is_empty()
        reference = load_reference_layers(store) or 0
        extractor = extractor_fingerprint(resolve_model_name(model), min_confidence)
        plan = plan_build(read_sources(paths, summary.problems), store, roots=paths, extractor=extractor)
        apply_bookkeeping(plan, store, summary, prune)
        summary.skipped = len(plan.skipped)
        partitions = [list(p) for p in minibatch(plan.todo, size=PARTITION_SIZE)]
        futures = client.map(extract_partition, partitions, model=model, min_confidence=min_confidence, extractor=extractor, pure=False)
        for number, future in enumerate(as_completed(futures)):
            extractions, nquads = future.result()
            path = Path(folder) / f"part-{number:05d}.nq"
            path.write_text(nquads, encoding="utf-8")
            for extraction in extractions:
                stale = plan.stale(extraction.document)
                if stale:
                    store.drop_graphs(stale)
                count_extraction(summary, plan, extraction)
            store.bulk_load(path)
    finish_build(store, summary, plan)
    summary.added += reference
    if empty:
        summary.triples = summary.added
    return summary
