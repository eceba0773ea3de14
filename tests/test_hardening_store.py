"""Issue 9, the data side: no lost or stale documents (paths, moves, deletions), inputs that are not
articles (links out of the folder, devices, pipes, deep HTML), damaged or full stores, orphan
workers, and readers that never lock each other out. Real stores on disk, the real console script."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pytest

from conftest import CORPUS, kg_env, kg_executable, opened, run_kg, seeded_store, stderr_lines
from kg.build import build, remove_documents
from kg.errors import UserError
from kg.namespaces import mint_entity
from kg.sources import find_sources, read_source
from kg.store import stored_documents

ARTICLE = "Novartis acquired AveXis in 2018. Zolgensma, developed by AveXis, treats spinal muscular atrophy.\n"
OTHER = "Gilead Sciences acquired Kite Pharma in 2017.\n"
EDITED = "Novartis acquired AveXis in 2018. Biogen collaborates with Ginkgo Bioworks.\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _subjects(store, predicate: str) -> set[str]:
    """Local names of the subjects of a predicate in the document graphs (not the vocabulary)."""
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?g a cgt:Document . ?s cgt:{predicate} ?o }} }}")
    return {str(row[0]).rsplit("/", 1)[-1] for row in rows}


def test_the_same_folder_built_from_two_directories_is_one_set_of_documents(tmp_path, rules_nlp):
    folder = tmp_path / "articles"
    _write(folder / "a.txt", ARTICLE)
    store_path = seeded_store(tmp_path / "store")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = run_kg("build", folder, "--store", store_path, "--model", "rules", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    _write(folder / "a.txt", EDITED)
    second = run_kg("build", Path("..") / "articles", "--store", store_path, "--model", "rules", cwd=elsewhere)
    assert second.returncode == 0, second.stderr
    assert "1 changed" in second.stdout
    with opened(store_path) as store:
        documents = stored_documents(store)
        developers = _subjects(store, "develops")
    assert len(documents) == 1 and documents[0].path == str((folder / "a.txt").resolve())
    assert "avexis" not in developers, "a fact only the old version stated is still in the store"


def test_a_moved_folder_keeps_its_documents_and_an_edit_replaces_the_old_version(tmp_path, rules_nlp):
    old = tmp_path / "old"
    _write(old / "a.txt", ARTICLE)
    _write(old / "b.txt", OTHER)
    with opened(seeded_store(tmp_path / "store")) as store:
        build([old], store, rules_nlp)
        new = tmp_path / "new"
        shutil.move(old, new)
        _write(new / "a.txt", EDITED)
        summary = build([new], store, rules_nlp)
        documents = stored_documents(store)
        acquirers = _subjects(store, "acquires")
        developers = _subjects(store, "develops")
    assert (summary.moved, summary.changed, summary.new) == (1, 1, 0), summary
    assert sorted(d.path for d in documents) == sorted(str((new / n).resolve()) for n in ("a.txt", "b.txt"))
    assert "avexis" not in developers, "a fact only the old version stated is still in the store"
    assert {"novartis", "gilead-sciences"} <= acquirers


def test_deleted_articles_are_pruned_and_reported_before(tmp_path, rules_nlp):
    folder = tmp_path / "articles"
    _write(folder / "a.txt", ARTICLE)
    gone = _write(folder / "b.txt", OTHER)
    with opened(seeded_store(tmp_path / "store")) as store:
        build([folder], store, rules_nlp)
        gone.unlink()
        kept = build([folder], store, rules_nlp)
        assert len(stored_documents(store)) == 2
        assert any("--prune" in note for note in kept.notes)
        pruned = build([folder], store, rules_nlp, prune=True)
        documents = stored_documents(store)
        acquirers = _subjects(store, "acquires")
    assert pruned.removed == 1
    assert [Path(d.path).name for d in documents] == ["a.txt"]
    assert "gilead-sciences" not in acquirers


def test_kg_remove_by_path_and_by_sha(tmp_path, rules_nlp):
    folder = tmp_path / "articles"
    a = _write(folder / "a.txt", ARTICLE)
    _write(folder / "b.txt", OTHER)
    store_path = seeded_store(tmp_path / "store")
    with opened(store_path) as store:
        build([folder], store, rules_nlp)
        with pytest.raises(UserError, match="nothing was removed"):
            remove_documents(store, [str(tmp_path / "no-such.txt")])
        assert len(stored_documents(store)) == 2
        (b,) = [d for d in stored_documents(store) if d.path.endswith("b.txt")]
    process = run_kg("remove", b.sha256[:12], "--store", store_path)
    assert process.returncode == 0, process.stderr
    assert "removed" in process.stdout
    process = run_kg("remove", a, "--store", store_path)
    assert process.returncode == 0, process.stderr
    with opened(store_path) as store:
        assert stored_documents(store) == []
        assert store.query("ASK { GRAPH ?g { cgtid:novartis cgt:acquires ?x } }").askAnswer is False
    process = run_kg("remove", "0123456789abcdef", "--store", store_path)
    assert process.returncode == 1 and len(stderr_lines(process)) == 1


def test_names_in_other_scripts_stay_distinct(rules_nlp):
    assert mint_entity("Пульсар Therapeutics") != mint_entity("Орбита Therapeutics")
    assert mint_entity("Kolon TissueGene").endswith("/kolon-tissuegene")


def test_a_link_out_of_the_folder_is_skipped_and_named(tmp_path):
    folder = tmp_path / "articles"
    _write(folder / "a.txt", ARTICLE)
    secret = _write(tmp_path / "secret.txt", "a private note\n")
    (folder / "leak.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(folder / "a.txt")
    problems: list[str] = []
    found = list(find_sources([folder], problems))
    assert sorted(p.name for p in found) == ["a.txt", "inside.txt"]
    assert len(problems) == 1 and "leak.txt" in problems[0] and "outside the folder" in problems[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading_it():
    started = time.monotonic()
    with pytest.raises(UserError, match="device"):
        read_source(Path("/dev/zero"))
    assert time.monotonic() - started < 5


def test_a_named_pipe_is_refused_without_waiting(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    finished: list = []
    run = threading.Thread(target=lambda: finished.append(run_kg("extract", pipe, "--model", "rules")), daemon=True)
    run.start()
    run.join(60)
    if run.is_alive():  # it waits for a writer: open one that writes nothing, so that the run sees the end and stops
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        run.join(60)
        pytest.fail("kg extract waited for a named pipe to be written")
    (process,) = finished
    assert process.returncode == 1
    assert "named pipe" in process.stderr and "Traceback" not in process.stderr


@pytest.mark.parametrize("depth", [300, 5000])
def test_deeply_nested_html_keeps_its_text(tmp_path, depth):
    page = tmp_path / "deep.html"
    body = "<div>" * depth + "<p>Novartis acquired AveXis in 2018 for USD 8.7 billion.</p>" + "</div>" * depth
    page.write_text(f"<html><head><title>Deep</title></head><body>{body}</body></html>", encoding="utf-8")
    source = read_source(page)
    assert "Novartis acquired AveXis" in source.text


def _damaged_store(tmp_path: Path, rules_nlp, damage) -> Path:
    folder = tmp_path / "articles"
    _write(folder / "a.txt", ARTICLE)
    store_path = seeded_store(tmp_path / "store")
    with opened(store_path) as store:
        build([folder], store, rules_nlp)
    damage(store_path)
    return store_path


def _empty_current(store: Path) -> None:
    (store / "CURRENT").write_text("")


def _flip_a_bit(store: Path) -> None:
    table = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0x10
    table.write_bytes(bytes(data))


def _truncate_a_table(store: Path) -> None:
    table = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    with table.open("r+b") as handle:
        handle.truncate(100)


@pytest.mark.parametrize("damage", [_empty_current, _flip_a_bit, _truncate_a_table])
def test_a_damaged_store_gives_one_line(tmp_path, rules_nlp, damage):
    store_path = _damaged_store(tmp_path, rules_nlp, damage)
    for command in (["stats"], ["query", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"]):
        process = run_kg(*command, "--store", store_path)
        assert process.returncode != 0 or damage is _flip_a_bit
        if process.returncode:
            assert process.returncode == 1 and len(stderr_lines(process)) == 1, process.stderr
            assert "Traceback" not in process.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 64 MB tmpfs (needs root; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_gives_one_line_and_keeps_what_was_stored(tmp_path, small_disk):
    store_path = small_disk / "store"
    first = run_kg("build", CORPUS / "a03_rmat_designation_news.txt", "--store", store_path, "--model", "rules")
    if first.returncode != 0:
        pytest.skip("the small disk is too small for even one article here")
    filler = small_disk / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
    process = run_kg("build", CORPUS, "--store", store_path, "--model", "rules")
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    assert "disk is full" in process.stderr
    filler.unlink()
    stats = run_kg("stats", "--store", store_path)
    assert stats.returncode == 0, stats.stderr
    assert "documents: 1" in stats.stdout or "documents: " in stats.stdout


def test_readers_never_wait_for_a_writer_or_each_other(tmp_path, rules_nlp):
    folder = tmp_path / "articles"
    _write(folder / "a.txt", ARTICLE)
    store_path = seeded_store(tmp_path / "store")
    with opened(store_path) as store:
        build([folder], store, rules_nlp)
        readers = [subprocess.Popen([kg_executable(), "stats", "--store", str(store_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=kg_env()) for _ in range(2)]
        results = [reader.communicate(timeout=120) for reader in readers]
    assert [reader.returncode for reader in readers] == [0, 0], results
    assert all("documents: 1" in stdout for stdout, _ in results)


def test_build_workers_die_with_a_killed_build(tmp_path):
    folder = tmp_path / "articles"
    for number in range(40):
        _write(folder / f"a{number:02d}.txt", ARTICLE.replace("2018", str(1980 + number)) * 20)
    process = subprocess.Popen(
        [kg_executable(), "build", str(folder), "--store", str(seeded_store(tmp_path / "store")), "--model", "rules", "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=kg_env(),
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 90
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
        workers = [child for child in parent.children(recursive=True) if "spawn_main" in " ".join(child.cmdline())]
        time.sleep(0.1)
    if len(workers) < 2:
        process.kill()
        pytest.skip("the build ended before its workers could be seen")
    process.send_signal(signal.SIGKILL)
    process.wait()
    gone, alive = psutil.wait_procs(workers, timeout=30)
    alive = [worker for worker in alive if _running(worker)]
    for orphan in alive:
        orphan.kill()
    assert not alive, f"{len(alive)} worker(s) outlived the killed build"



def _running(process: psutil.Process) -> bool:
    """True for a process that still runs (an exited one that nobody has reaped yet does not)."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_read_only_command_reads_again_when_a_writer_compacted_files_away_under_it(built_store):
    """RocksDB's read-only view fails with 'Corruption: ... .sst: No such file' when a writer compacts at that moment:
    that engine error is told apart from real damage, and the read-only commands open the store again."""
    from kg.cli import READ_ATTEMPTS, _read_store
    from kg.store import StoreChangedWhileRead, _store_error

    vanished = RuntimeError("Corruption: IO error: No such file or directory: While open a file for random read: S/000012.sst")
    moved = _store_error("S", "read", vanished, read_only=True)
    damaged = [_store_error("S", "read", RuntimeError("Corruption: block checksum mismatch"), read_only=True),
               _store_error("S", "write", vanished)]  # a writer's missing file is damage: nobody else compacts its store
    assert isinstance(moved, StoreChangedWhileRead) and not any(isinstance(d, StoreChangedWhileRead) for d in damaged)
    calls = []

    def read(store):
        calls.append(store.count())
        if len(calls) < 2:
            raise moved
        return calls[-1]

    assert _read_store(str(built_store.path), read) > 0 and len(calls) == 2
    calls.clear()
    with pytest.raises(StoreChangedWhileRead):
        _read_store(str(built_store.path), lambda store: (calls.append(1), (_ for _ in ()).throw(moved)))
    assert len(calls) == READ_ATTEMPTS
