"""Articles named by URL: fetched with httpx, kept as files with their address beside them.

`kg build URL` saves the page in the web cache folder (`$KG_WEB_CACHE`, default ./.kg/web) as
`<sha256 of the URL>.html` (or `.pdf`, `.txt` by the answer's content type) with a `.url` file holding
the address, then builds the saved file like any other: rebuilding is idempotent, and the document
records the URL as its `dcterms:source`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kg.errors import UserError
from kg.sources import MAX_BYTES

TIMEOUT = 30.0
SUFFIX_BY_TYPE = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf", "text/plain": ".txt", "text/markdown": ".md"}


def is_url(text: str) -> bool:
    """True when a command-line argument names a web page rather than a file."""
    return text.startswith(("http://", "https://"))


def web_cache() -> Path:
    """Where fetched pages are kept."""
    return Path(os.environ.get("KG_WEB_CACHE", ".kg/web")).resolve()


def fetch(url: str, folder: Path | None = None) -> Path:
    """The saved copy of a web page (fetched now, following redirects, at most MAX_BYTES); UserError with
    the reason when there is no network, the server refuses, or the answer is not an article."""
    import httpx

    folder = folder or web_cache()
    try:
        with httpx.Client(follow_redirects=True, timeout=TIMEOUT, headers={"user-agent": "cgt-kg"}) as client, client.stream("GET", url) as answer:
            if answer.status_code >= 400:
                raise UserError(f"{url}: the server answered {answer.status_code} {answer.reason_phrase}")
            media = answer.headers.get("content-type", "text/html").split(";")[0].strip().lower()
            suffix = SUFFIX_BY_TYPE.get(media)
            if suffix is None:
                raise UserError(f"{url}: the page is {media}, not HTML, PDF or text")
            body = bytearray()
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise UserError(f"{url}: the page is over the {MAX_BYTES:,}-byte limit for one article")
    except httpx.ConnectError as error:
        raise UserError(f"{url}: cannot connect ({error}); check the network, or save the page and build the file") from error
    except httpx.TimeoutException as error:
        raise UserError(f"{url}: no answer within {TIMEOUT:g} s; try again, or save the page and build the file") from error
    except httpx.HTTPError as error:
        raise UserError(f"{url}: cannot fetch ({error})") from error
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    saved = folder / f"{name}{suffix}"
    saved.write_bytes(bytes(body))
    saved.with_name(saved.name + ".url").write_text(url + "\n", encoding="utf-8")
    return saved


def source_url(path: Path) -> str | None:
    """The address a saved page was fetched from, when it is one."""
    marker = path.with_name(path.name + ".url")
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None


def local_paths(arguments: list[str]) -> list[Path]:
    """Command-line arguments as files and folders: URLs are fetched and stand for their saved copy."""
    return [fetch(argument) if is_url(argument) else Path(argument) for argument in arguments]
