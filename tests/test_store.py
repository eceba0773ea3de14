"""The Store's lookups a build plans with, on a real embedded store: stored documents by path, by
content and below a folder, graph sizes, and the change a build reports next to the exact total."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from rdflib import URIRef

from conftest import CORPUS, opened, seeded_store
from kg.build import build, stored_path
from kg.store import stored_documents

ARTICLES = ("a01_market_overview.md", "a06_collaboration_manufacturing.md")


def _articles(folder: Path) -> list[Path]:
    folder.mkdir()
    for name in ARTICLES:
        shutil.copy(CORPUS / name, folder / name)
    return sorted(folder.iterdir())


def test_documents_are_found_by_path_content_and_folder(tmp_path, rules_nlp):
    first, second = _articles(tmp_path / "articles")
    with opened(tmp_path / "store", create=True) as store:
        assert store.is_empty()
        build([first.parent], store, rules_nlp)
        everything = {d.path: d for d in stored_documents(store)}
        assert set(everything) == {stored_path(first), stored_path(second)}
        (by_path,) = store.documents(paths=[stored_path(first), "/nowhere/else.md"])
        (by_hash,) = store.documents(hashes=[everything[stored_path(second)].sha256])
        assert (by_path, by_hash) == (everything[stored_path(first)], everything[stored_path(second)])
        assert store.documents(paths=[stored_path(first)], hashes=[by_path.sha256]) == [by_path]
        below = store.documents_below([os.path.join(stored_path(first.parent), "")])
        assert sorted(below, key=lambda d: d.path) == sorted(everything.values(), key=lambda d: d.path)
        assert store.documents_below([str(tmp_path / "other") + os.sep]) == []
        assert not store.is_empty()


def test_a_build_reports_what_it_added_and_the_graphs_add_up_to_the_total(tmp_path, rules_nlp):
    first, second = _articles(tmp_path / "articles")
    with opened(tmp_path / "store", create=True) as store:
        fresh = build([first], store, rules_nlp)
        assert fresh.triples == fresh.added == store.count()
        more = build([second], store, rules_nlp)
        assert more.new == 1 and more.triples is None
        assert more.added == store.graph_size(URIRef(store.documents(paths=[stored_path(second)])[0].iri)) > 0
        assert fresh.triples + more.added == store.count()
        first.write_text(first.read_text(encoding="utf-8") + "\nNovartis acquired AveXis in 2018.\n", encoding="utf-8")
        changed = build([first], store, rules_nlp)
        assert changed.changed == 1 and len(store.documents(paths=[stored_path(first)])) == 1
        assert fresh.triples + more.added + changed.added == store.count()


def test_a_document_stored_under_a_relative_path_is_still_found(tmp_path, rules_nlp, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (article, _) = _articles(tmp_path / "articles")
    with opened(seeded_store(tmp_path / "store")) as store:
        build([article], store, rules_nlp)
        (document,) = stored_documents(store)
        relative = os.path.relpath(article)
        store.update(f'DELETE {{ GRAPH <{document.iri}> {{ <{document.iri}> cgt:path ?p }} }} INSERT {{ GRAPH <{document.iri}> {{ '
                     f'<{document.iri}> cgt:path "{relative}" }} }} WHERE {{ GRAPH <{document.iri}> {{ <{document.iri}> cgt:path ?p }} }}')
        assert [d.path for d in stored_documents(store)] == [relative]
        again = build([article], store, rules_nlp)
        assert (again.new, again.changed, again.skipped, again.added) == (0, 0, 1, 0)
        article.write_text(article.read_text(encoding="utf-8") + "\nNovartis acquired AveXis in 2018.\n", encoding="utf-8")
        edited = build([article], store, rules_nlp)
        assert edited.changed == 1 and len(stored_documents(store)) == 1
