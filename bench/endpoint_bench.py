"""Endpoint under load: concurrent clients send canned queries to `kg serve` on loopback.

A bounded run (clients x seconds, both small by default); reports throughput, p50 and p99
latency and errors. The server runs in this process on a free 127.0.0.1 port, over a store
built from corpus/. Results go to bench/results.md.

    python bench/endpoint_bench.py [--clients 10] [--seconds 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from kg.build import build
from kg.nlp.pipeline import load_pipeline
from kg.queries import canned_queries
from kg.server import KgServer
from kg.store import open_store

from results import record

ROOT = Path(__file__).resolve().parent.parent


def client_loop(url: str, queries: list[str], deadline: float, latencies: list, errors: list) -> None:
    with httpx.Client(timeout=30) as http:
        k = 0
        while time.monotonic() < deadline:
            query = queries[k % len(queries)]
            k += 1
            start = time.perf_counter()
            try:
                response = http.post(url, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
                if response.status_code != 200:
                    errors.append(response.status_code)
                    continue
            except httpx.HTTPError as error:
                errors.append(type(error).__name__)
                continue
            latencies.append(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-endpoint-") as folder:
        location = str(Path(folder) / "store")
        store = open_store(location)
        build([ROOT / "corpus"], store, load_pipeline("rules"))
        quads = store.count()
        store.close()
        server = KgServer(location, port=0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        url = server.url + "sparql"
        queries = [q.sparql for q in canned_queries()]
        latencies: list[float] = []
        errors: list = []
        deadline = time.monotonic() + args.seconds
        clients = [threading.Thread(target=client_loop, args=(url, queries, deadline, latencies, errors)) for _ in range(args.clients)]
        start = time.perf_counter()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - start
        server.stop()
        thread.join(timeout=30)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
    row = (
        f"| {args.clients} | {args.seconds:.0f} s | {quads:,} | {len(latencies):,} | {len(latencies) / elapsed:,.1f} | "
        f"{statistics.median(ordered) * 1000:.1f} ms | {p99 * 1000:.1f} ms | {len(errors)} |"
    )
    print(row)
    record(
        "Endpoint under load",
        "| clients | duration | quads | queries answered | queries/s | p50 | p99 | errors |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n" + row,
        f"All {len(queries)} canned queries in turn, POST form-encoded, JSON results, `kg serve` on 127.0.0.1 in the same process.",
    )


if __name__ == "__main__":
    main()
