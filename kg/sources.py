"""Reads source files into `SourceDocument` records: decoding, HTML reduction, titles, limits.

Every problem a user can fix (undecodable bytes, a binary or empty file, a file over
the size limit) raises `UserError` with the file's path in the message.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import UserError
from kg.model import SourceDocument

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
UNREAD_DOCUMENTS = (".doc", ".docx", ".rtf", ".odt", ".pages", ".epub", ".ppt", ".pptx", ".xls", ".xlsx")
"""Document formats a folder may hold that are not read: each one is named when a build skips it."""
MAX_BYTES = 2_000_000
"""Largest file read, in bytes (2 MB, a few hundred pages of text: far beyond any article)."""


def find_sources(paths: list[Path], problems: list[str] | None = None) -> Iterator[Path]:
    """Every article under the given files and folders, sorted; gold, hidden and README files left out.

    Inside a folder, a link to a file outside that folder is skipped (and named in `problems`):
    building a folder reads that folder. A file named on the command line is read wherever it is.
    """
    for path in paths:
        if not path.exists():
            raise UserError(f"{path}: no such file or folder")
        if not path.is_dir():
            yield path
            continue
        root = path.resolve()
        for child in _walk(path, problems):
            if child.is_symlink() and not is_inside(child.resolve(), root):
                if problems is not None:
                    problems.append(f"{child}: a link to {child.resolve()}, outside the folder {path}; name that file itself to read it")
                continue
            yield child


def _walk(folder: Path, problems: list[str] | None = None) -> Iterator[Path]:
    """Files with an article suffix below a folder, sorted, without following links to folders;
    documents in formats that are not read are named in `problems`."""
    found = []
    for directory, subfolders, files in os.walk(folder, followlinks=False):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in files:
            candidate = Path(directory) / name
            if name.startswith(".") or name.upper().startswith("README."):
                continue
            suffix = Path(name).suffix.lower()
            if suffix in SUFFIXES:
                found.append(candidate)
            elif suffix in UNREAD_DOCUMENTS and problems is not None:
                problems.append(f"{candidate}: {suffix} files are not read; save it as PDF, HTML or text")
    return iter(sorted(found))


def is_inside(path: Path, root: Path) -> bool:
    """True when a path is a folder or file itself or lies below it."""
    return path == root or root in path.parents


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UserError for pipes, devices, folders and larger files.

    The file is opened without blocking and checked after opening, so a named pipe cannot
    hang a build and a device that claims size 0 (/dev/zero) is never read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror or error})") from error
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = "a named pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
            raise UserError(f"{path}: is {kind}, not a file of text")
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise UserError(f"{path}: cannot read ({error.strerror or error})") from error
    if len(data) > limit:
        raise UserError(f"{path}: file is over the {limit:,}-byte limit for one article")
    return data


def read_source(path: Path) -> SourceDocument:
    """Read one file as a SourceDocument; HTML is reduced to its main text."""
    data = read_bytes(path)
    if path.suffix.lower() == ".pdf":
        text, title = pdf_text(data, path)
        return SourceDocument(path=str(path), title=title or guess_title(text, path), sha256=hashlib.sha256(data).hexdigest(), text=text)
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


def pdf_text(data: bytes, path: Path) -> tuple[str, str | None]:
    """The text of a PDF's pages, one paragraph per line block, and its title from the metadata.

    pypdf: pure Python, maintained by the py-pdf project, no system libraries to install; its text
    extraction keeps reading order well enough for reports and press releases.
    """
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about damaged files become our one line

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UserError(f"{path}: the PDF is encrypted; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"{path}: cannot read the PDF ({error})") from error
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        raise UserError(f"{path}: the PDF has no text layer (a scan?); run OCR on it first")
    return text, (str(title).strip() or None) if title else None


def html_main_text(html: str) -> tuple[str, str | None]:
    """The main text and title of an HTML page (boilerplate, scripts and menus removed).

    The page is parsed with no depth limit (libxml2 otherwise stops at 256 levels and drops
    the rest); when trafilatura finds no main text in a very deep page, the visible text of
    the body is taken instead.
    """
    import trafilatura
    from lxml import etree
    from lxml.html import HTMLParser as LxmlParser, fromstring

    try:
        tree = fromstring(html.encode("utf-8"), parser=LxmlParser(huge_tree=True, encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return "", None
    text = trafilatura.extract(tree, include_comments=False, include_tables=True, favor_recall=True) or ""
    if not text.strip():
        text = visible_text(html)
    metadata = trafilatura.extract_metadata(tree)
    return text, (metadata.title if metadata and metadata.title else None)


class _VisibleText(HTMLParser):
    """Collects the text a browser would show, one paragraph per block element."""

    HIDDEN = {"script", "style", "noscript", "template", "head", "title"}
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.pieces.append(data)


def visible_text(html: str) -> str:
    """The visible text of a page read with the standard library's tokenizer, which keeps no tree
    and so has no depth limit: the fallback for pages too deep for the main-text extractor."""
    reader = _VisibleText()
    reader.feed(html)
    reader.close()
    paragraphs = (re.sub(r"\s+", " ", block).strip() for block in "".join(reader.pieces).split("\n"))
    return "\n\n".join(p for p in paragraphs if p)


def guess_title(text: str, path: Path) -> str:
    """The first Markdown heading or the first line of the text, else the file name."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return re.sub(r"^#+\s*", "", line)[:200]
    return path.stem
