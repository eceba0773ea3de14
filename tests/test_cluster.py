"""Distributed extraction on a real Dask LocalCluster on loopback gives the same graph as a local build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import seeded_store
from kg.build import build
from kg.nlp.pipeline import load_pipeline
from kg.store import open_store

distributed = pytest.importorskip("distributed", reason="the 'cluster' extra (dask[distributed]) is not installed")

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def graph_facts(store) -> set[tuple[str, str, str]]:
    rows = store.query("SELECT ?s ?p ?o WHERE { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }")
    return {(str(s), str(p), str(o)) for s, p, o in rows}


ARTICLES = 12
"""Articles of corpus/ built both ways: more than one partition (kg.cluster.PARTITION_SIZE), so both workers get one."""


def test_dask_build_matches_a_local_build_and_is_idempotent(tmp_path):
    from kg.cluster import PARTITION_SIZE, build_on_dask

    articles = tmp_path / "articles"
    articles.mkdir()
    for path in sorted([*CORPUS.glob("*.md"), *CORPUS.glob("*.txt")])[:ARTICLES]:
        shutil.copy(path, articles / path.name)
    assert ARTICLES > PARTITION_SIZE
    local = open_store(str(seeded_store(tmp_path / "local")), create=False)  # the dask store is built from nothing
    remote = open_store(str(tmp_path / "dask"))
    try:
        build([articles], local, load_pipeline("rules"))
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            first = build_on_dask([articles], remote, cluster.scheduler_address, "rules")
            again = build_on_dask([articles], remote, cluster.scheduler_address, "rules")
        assert first.new == ARTICLES
        assert again.new == 0 and again.skipped == first.new
        assert remote.count() == local.count() == first.triples  # a first build reports the total, as a local one
        assert again.added == 0
        assert graph_facts(remote) == graph_facts(local)
    finally:
        local.close()
        remote.close()


def test_unreachable_scheduler_is_a_clear_error_and_the_store_is_untouched(tmp_path):
    from kg.cluster import build_on_dask
    from kg.errors import UserError

    store = open_store(str(tmp_path / "store"))
    try:
        with pytest.raises(UserError, match="Dask scheduler at tcp://127.0.0.1:9"):
            build_on_dask([CORPUS], store, "tcp://127.0.0.1:9", "rules", connect_timeout=1)
        assert store.is_empty()
    finally:
        store.close()
