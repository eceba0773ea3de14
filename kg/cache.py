"""On-disk cache of what is compiled from ontology/: values kept as pickles keyed by a fingerprint of their inputs.

Compiling the vocabulary (parsing the Turtle files, deriving every surface form, tokenizing 14,000 names)
takes seconds; reading the result back takes milliseconds. A cached value is stored under a key that hashes
every file it was compiled from and the code that compiled it, so an edited vocabulary or pattern file, or
another version of the code, spaCy or rdflib, is compiled again instead of read stale.

The cache lives in `$KG_CACHE` if set, else `$XDG_CACHE_HOME/cgt-kg`, else `~/.cache/cgt-kg`; it holds the
KEEP newest entries of each kind, a few MB each. A file that cannot be read back (truncated, written by another
version) is compiled again and replaced; a folder that cannot be written is skipped, and the value is
compiled in memory as it was before the cache. Entries are pickles: the folder must be as trusted as the
Python environment itself. `logging` at DEBUG level tells each entry read and compiled.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent
KEEP = 4
"""Entries kept of each kind (the newest): a few ontology versions, or checkouts, side by side."""
log = logging.getLogger(__name__)
ENGINES = ("spacy", "rdflib")
"""Libraries whose objects or behaviour a cached value depends on."""


def cache_dir() -> Path:
    """Where cached values live: $KG_CACHE, else $XDG_CACHE_HOME/cgt-kg, else ~/.cache/cgt-kg."""
    if os.environ.get("KG_CACHE"):
        return Path(os.environ["KG_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cgt-kg"


def fingerprint(files: Mapping[str, Path], *parts: str) -> str:
    """sha256 over the names and bytes of `files` (name -> path: the same files elsewhere give the same key), the
    given `parts`, and the Python and engine versions."""
    digest = hashlib.sha256()
    for name, path in sorted(files.items()):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    engines = "; ".join(f"{name} {version(name)}" for name in ENGINES)
    digest.update(f"{'; '.join(parts)}; Python {sys.version}; {engines}".encode())
    return digest.hexdigest()


def files_under(folder: Path, *names: str, suffix: str = "", prefix: str = "") -> dict[str, Path]:
    """The files `names` of `folder` (a file or a whole subfolder; every file of `folder` when none is named),
    keyed by `prefix` and their path in `folder` ('nlp/figures.py'), for a fingerprint."""
    found = {}
    for path in [folder / name for name in names] or [folder]:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and file.name.endswith(suffix):
                found[prefix + file.relative_to(folder).as_posix()] = file
    return found


def code_files(*names: str) -> dict[str, Path]:
    """The source files of the kg modules or packages `names` ('ontology.py', 'nlp'), for a fingerprint."""
    return files_under(PACKAGE, *names, suffix=".py", prefix="kg/")


def cached(name: str, key: str, compile_value: Callable[[], T]) -> T:
    """The value stored as `name` under `key`, else `compile_value()`, stored for the next process.

    The file is written next to its final name and renamed into place, so a process reading it at the same
    time sees the old file or the new one, never half of one; older files of the same name are removed.
    """
    folder = cache_dir()
    path = folder / f"{name}-{key[:40]}.pickle"
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
        log.debug("cache: read %s from %s", name, path)
        return value
    except FileNotFoundError:
        pass
    except Exception as error:  # noqa: BLE001  (whatever unpickling a damaged file raises: compiled again)
        log.debug("cache: %s unreadable (%s), compiled again", path, error)
    start = time.perf_counter()
    value = compile_value()
    log.debug("cache: compiled %s in %.2f s", name, time.perf_counter() - start)
    _store(folder, path, name, value)
    return value


def _store(folder: Path, path: Path, name: str, value: object) -> None:
    """Write `value` to `path` atomically and drop all but the KEEP newest files of `name`; give up quietly when
    the folder is not writable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        entries = sorted(folder.glob(f"{name}-*.pickle"), key=lambda entry: entry.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as error:
        log.debug("cache: %s not written (%s)", path, error)
