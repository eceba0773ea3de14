"""Explorer home page load on the demo graph: `kg serve` over corpus/ built as `make demo` builds it
(the installed model, else rules), on a free 127.0.0.1 port in this process.

Measures the server's answer for / (the first request right after start, which waits for the label
index and overview the server builds as it starts, and then warm requests); `kg serve` started as a
process over the fresh build, as a user starts it (launch to its "serving" line, then the home's load in Chromium as its very first request); and
the page load in headless Chromium (navigation start to the load event, with the page's CSS and scripts).
Target: the home loads in Chromium in under 1 s (median), and the first / after a fresh build answers in
under 1 s. Bounded: a fixed number of requests. Results go to bench/results.md.

    python bench/explorer_bench.py [--requests 30] [--loads 10] [--store PATH]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from kg.build import build
from kg.nlp.pipeline import load_pipeline, pipeline_description
from kg.server import KgServer
from kg.store import open_store

from results import record
from screenshots import chromium

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.0
PAGES = ("/", "/charts", "/browse/Company", "/query?canned=acquisitions", "/static/explorer.css")
"""The last is a static file: the floor of the same server and client, for the pages above it."""


def build_demo(location: Path) -> tuple[int, str]:
    """corpus/ built into a fresh store at `location`; its quad count and the pipeline used."""
    nlp = load_pipeline(None)
    store = open_store(str(location))
    try:
        build([ROOT / "corpus"], store, nlp)
        return store.count(), pipeline_description(nlp)
    finally:
        store.close()


def timed_get(http: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    response = http.get(path)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed


def served_process(location: Path) -> tuple[float, float]:
    """`kg serve` launched as a process over `location`, as a user starts it, with Chromium already open:
    seconds from launch to its "serving" line, and the home's load in Chromium as the server's very first
    request (navigation start to load event, its CSS and scripts included). The process is stopped before returning."""
    kg = Path(sys.executable).with_name("kg")
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        process = subprocess.Popen([str(kg), "serve", "--store", str(location), "--port", "0"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = process.stdout.readline()
            up = time.perf_counter() - start
            found = re.search(r"at (http://\S+/) ", line)
            if not found:
                raise SystemExit(f"kg serve did not start: {line!r}")
            return up, load_time(context.new_page(), found.group(1))
        finally:
            process.terminate()
            process.wait(timeout=30)
            context.close()


def load_time(page, url: str) -> float:
    """Seconds from navigation start to the load event of `url` in a fresh page."""
    page.goto(url, wait_until="load")
    return page.evaluate("() => { const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd - t.startTime; }") / 1000


def page_loads(url: str, path: str, loads: int) -> list[float]:
    """Seconds from navigation start to the load event of `path` in Chromium, once per load (no cache)."""
    times = []
    with chromium() as browser:
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            times.append(load_time(context.new_page(), url.rstrip("/") + path))
            context.close()
    return times


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30, help="warm requests per page")
    parser.add_argument("--loads", type=int, default=10, help="page loads of the home in Chromium")
    parser.add_argument("--store", help="an existing store to serve instead of building corpus/")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-explorer-") as folder:
        location = Path(args.store) if args.store else Path(folder) / "store"
        if args.store:
            reading = open_store(str(location), create=False, read_only=True)
            quads, pipeline = reading.count(), "as built"
            reading.close()
        else:
            quads, pipeline = build_demo(location)
        process_up, process_first = served_process(location)
        server = KgServer(str(location), port=0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            rows = []
            with httpx.Client(base_url=server.url, timeout=60) as http:
                cold = timed_get(http, "/")
                for path in PAGES:
                    warm = sorted(timed_get(http, path) for _ in range(args.requests))
                    rows.append((path, warm))
            loads = sorted(page_loads(server.url, "/", args.loads))
        finally:
            server.stop()
            thread.join(timeout=30)
    home_load = statistics.median(loads)
    lines = ["| page | server, first request right after start | server p50 | server p95 | Chromium load p50 | Chromium load max |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for path, warm in rows:
        p95 = warm[min(len(warm) - 1, int(len(warm) * 0.95))]
        first = fmt(cold) if path == "/" else "-"
        browser = (fmt(home_load), fmt(loads[-1])) if path == "/" else ("-", "-")
        lines.append(f"| `{path}` | {first} | {fmt(statistics.median(warm))} | {fmt(p95)} | {browser[0]} | {browser[1]} |")
    verdict = "under" if home_load < TARGET_S else "OVER"
    first_verdict = "under" if max(cold, process_first) < TARGET_S else "OVER"
    note = (f"The demo graph ({quads:,} quads, {pipeline}); {args.requests} warm requests per page, {args.loads} home loads in "
            f"Debian Chromium (navigation start to load event, CSS and scripts included). Home {verdict} the {TARGET_S:g} s target. "
            f"`kg serve` as a process over the {'given store' if args.store else 'fresh build'}: its \"serving\" line {fmt(process_up)} "
            f"after launch, then the home, its very first request, loads in Chromium in {fmt(process_first)} ({first_verdict} {TARGET_S:g} s).")
    record("Explorer page load", "\n".join(lines), note)
    print("\n".join(lines))
    print(note)


if __name__ == "__main__":
    main()
