"""Reads source files into `SourceDocument` records: decoding, HTML reduction, titles, limits.

Every problem a user can fix (undecodable bytes, a binary or empty file, a file over
the size limit) raises `UserError` with the file's path in the message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import UserError
from kg.model import SourceDocument

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_BYTES = 2_000_000
"""Largest file read, in bytes (2 MB, a few hundred pages of text: far beyond any article)."""


def find_sources(paths: list[Path]) -> Iterator[Path]:
    """Every readable article under the given files and folders, sorted, skipping gold and hidden files."""
    for path in paths:
        if not path.exists():
            raise UserError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES and not _hidden(child, path):
                    yield child
        else:
            yield path


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_source(path: Path) -> SourceDocument:
    """Read one file as a SourceDocument; HTML is reduced to its main text."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"{path}: file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for one article")
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror or error})") from error
    if b"\x00" in data[:8192]:
        raise UserError(f"{path}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); convert it to UTF-8"
        ) from error
    title = None
    if path.suffix.lower() in (".html", ".htm"):
        text, title = html_main_text(text)
    if not text.strip():
        raise UserError(f"{path}: file has no text")
    return SourceDocument(
        path=str(path),
        title=title or guess_title(text, path),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )


def html_main_text(html: str) -> tuple[str, str | None]:
    """The main text and title of an HTML page (boilerplate, scripts and menus removed)."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True) or ""
    metadata = trafilatura.extract_metadata(html)
    return text, (metadata.title if metadata and metadata.title else None)


def guess_title(text: str, path: Path) -> str:
    """The first Markdown heading or the first line of the text, else the file name."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return re.sub(r"^#+\s*", "", line)[:200]
    return path.stem
