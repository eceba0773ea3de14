"""Screenshots in headless Chromium, for the README (docs/img/) and for tests: network pages, and the
explorer's pages served by `kg serve` over a store.

    .venv/bin/python bench/screenshots.py                      # out/graph.html, out/biogen.html -> docs/img/
    .venv/bin/python bench/screenshots.py PAGE.html OUT.png    # any page
    .venv/bin/python bench/screenshots.py --explorer [STORE]   # the explorer over STORE (default .kg/store) -> docs/img/explorer-*.png

`chromium()` and `open_page()` are what the tests and bench/viz_bench.py use to drive the browser:
the Debian Chromium at /usr/bin/chromium (or $KG_CHROMIUM), no network, the page loaded from a
file and waited on until vis-network reports a stable layout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PAGES = {"out/graph.html": "docs/img/graph.png", "out/biogen.html": "docs/img/biogen.png"}
EXPLORER_PAGES = {
    "/": "docs/img/explorer-home.png",
    "/charts": "docs/img/explorer-charts.png",
    "/browse/Deal": "docs/img/explorer-browse.png",
    "/query?canned=deals_per_year&since=2017": "docs/img/explorer-query.png",
    "/entity/novartis": "docs/img/serve-entity.png",
}
"""Explorer path -> README image; the charts page is waited on until every chart is drawn, a page with a
network until its layout is stable."""
EDITOR_IMAGE = "docs/img/explorer-editor.png"
"""The query editor completing `cgt:acq`."""


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (playwright Browser), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(browser, page_file: Path, width: int = 1400, height: int = 900, timeout_s: float = 120) -> Iterator[object]:
    """A page loaded from a file and laid out; any request beyond the file itself is refused and recorded
    in `page.kg_requests`, every dialog (alert, confirm) in `page.kg_dialogs`, script errors in `page.kg_errors`."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.kg_requests, page.kg_dialogs, page.kg_errors = [], [], []
    page.on("pageerror", lambda error: page.kg_errors.append(str(error)))
    url = Path(page_file).resolve().as_uri()

    def route(request_route):
        if request_route.request.url == url:
            request_route.continue_()
        else:
            page.kg_requests.append(request_route.request.url)
            request_route.abort()

    def dialog(box):
        page.kg_dialogs.append(box.message)
        box.dismiss()

    page.route("**/*", route)
    page.on("dialog", dialog)
    try:
        page.goto(url)
        page.wait_for_function("window.kgStableAt !== undefined", timeout=timeout_s * 1000, polling=100)
        yield page
    finally:
        context.close()


def screenshot(browser, page_file: Path, image: Path, width: int = 1400, height: int = 900) -> Path:
    """Save a PNG of a network page once its layout is stable."""
    with open_page(browser, page_file, width, height) as page:
        page.wait_for_timeout(300)
        image.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(image))
    return image


def explorer_screenshots(browser, base_url: str, pages: dict[str, str] = EXPLORER_PAGES, width: int = 1400, height: int = 900) -> list[Path]:
    """PNGs of explorer pages at `base_url`, each once its tables are laid out and its charts drawn."""
    written = []
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url)
    try:
        page = context.new_page()
        for path, image in pages.items():
            page.goto(path, wait_until="networkidle")
            for section in page.locator("section[data-chart]").all():
                section.locator("xpath=self::*[@data-state='drawn']").wait_for(timeout=30_000)
            if page.locator(".cm-editor").count() == 0 and page.locator("#query").count():
                page.locator(".cm-editor").wait_for(timeout=30_000)
            if page.locator("iframe.network").count():
                page.frame_locator("iframe.network").locator("body[data-state=ready]").wait_for(state="attached", timeout=60_000)
            written.append(_save(page, image, full_page=path == "/charts"))
        written.append(editor_completion(page, EDITOR_IMAGE))
    finally:
        context.close()
    return written


def editor_completion(page, image: str, typed: str = "SELECT ?company ?target WHERE {\n  ?company cgt:acq") -> Path:
    """The query page with `typed` in the editor and its completions open."""
    page.goto("/query")
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type(typed, delay=20)
    page.locator(".cm-tooltip-autocomplete").wait_for(timeout=30_000)
    return _save(page, image)


def _save(page, image: str, full_page: bool = False) -> Path:
    target = ROOT / image
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=full_page)
    return target


def serve_and_shoot(store: str) -> list[Path]:
    """Serve `store` on a free loopback port and take the explorer's README screenshots."""
    import threading
    import time

    from kg.server import KgServer

    server = KgServer(store, port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with chromium() as browser:
            return explorer_screenshots(browser, server.url)
    finally:
        server.stop()
        thread.join(timeout=30)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--explorer"]:
        for image in serve_and_shoot(argv[1] if len(argv) > 1 else str(ROOT / ".kg" / "store")):
            print(f"wrote {image}")
        return
    pairs = [(Path(argv[0]), Path(argv[1]))] if len(argv) == 2 else [(ROOT / a, ROOT / b) for a, b in PAGES.items()]
    with chromium() as browser:
        for page_file, image in pairs:
            print(f"wrote {screenshot(browser, page_file, image)}")


if __name__ == "__main__":
    main(sys.argv[1:])
