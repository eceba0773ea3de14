"""`kg serve` next to `oxigraph serve` on the same store: queries per second with N concurrent clients.

Both servers run as their own processes on 127.0.0.1 over one store (corpus/ built in rules mode, or
a synthetic store of `--quads` quads), read-only, every named graph in the default graph. The clients
(httpx, one thread each, in this process) send the 17 canned queries in turn, POST form-encoded,
JSON results, for `--seconds` per round; the rounds alternate between the servers; each server's best
and median rounds are reported. Results go to bench/results.md.

    python bench/serve_bench.py [--clients 10] [--seconds 10] [--rounds 4] [--quads 0]
"""

from __future__ import annotations

import argparse
import shutil
from collections import Counter
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from endpoint_bench import client_loop
from results import record
from synthetic import synthetic_nquads

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_store(location: Path, quads: int) -> int:
    """corpus/ built into a fresh store (or `quads` synthetic quads bulk-loaded); returns its quad count."""
    from kg.build import build, load_reference_layers
    from kg.nlp.pipeline import load_pipeline
    from kg.store import open_store

    store = open_store(str(location))
    try:
        if quads:
            nquads = location.parent / "synthetic.nq"
            synthetic_nquads(nquads, quads)
            store.bulk_load(nquads)
            load_reference_layers(store)
        else:
            build([ROOT / "corpus"], store, load_pipeline("rules"))
        return store.count()
    finally:
        store.close()


def start_server(name: str, location: Path, port: int) -> subprocess.Popen:
    """One server process on 127.0.0.1:port over the store, answering queries once this returns."""
    if name == "kg serve":
        command = [str(BIN / "kg"), "serve", "--store", str(location), "--port", str(port)]
    else:
        command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/{'sparql' if name == 'kg serve' else 'query'}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{name} did not answer within 120 s")


def load_round(url: str, queries: list[str], clients: int, seconds: float) -> dict:
    """`clients` threads sending the queries in turn for `seconds`: answered, queries/s, p50, p99, errors by kind
    (an HTTP status, or the client's exception: ReadTimeout past its 30 s)."""
    latencies: list[float] = []
    errors: list = []
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(url, queries, deadline, latencies, errors)) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "answered": len(ordered), "rate": len(ordered) / elapsed, "errors": Counter(map(str, errors)),
        "p50": statistics.median(ordered) if ordered else float("nan"),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan"),
    }


SERVERS = ("kg serve", "oxigraph serve-read-only")


def _errors(results: list[dict]) -> str:
    """The errors of all rounds: their number, and how many of each kind ('3 (503: 2, ReadTimeout: 1)')."""
    kinds = sum((r["errors"] for r in results), Counter())
    return f"{sum(kinds.values())} ({', '.join(f'{kind}: {n}' for kind, n in sorted(kinds.items()))})" if kinds else "0"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=4, help="rounds per server, alternating")
    parser.add_argument("--quads", type=int, default=0, help="a synthetic store of about this many quads instead of corpus/")
    args = parser.parse_args()
    from kg.namespaces import sparql_prologue
    from kg.queries import canned_queries

    queries = [sparql_prologue() + q.sparql for q in canned_queries()]
    folder = Path(tempfile.mkdtemp(prefix="kg-serve-bench-"))
    try:
        location = folder / "store"
        quads = build_store(location, args.quads)
        rounds: dict[str, list[dict]] = {name: [] for name in SERVERS}
        for round_number in range(args.rounds):
            for name in SERVERS if round_number % 2 == 0 else SERVERS[::-1]:
                port = free_port()
                process = start_server(name, location, port)
                try:
                    url = f"http://127.0.0.1:{port}/{'sparql' if name == 'kg serve' else 'query'}"
                    load_round(url, queries, args.clients, min(3.0, args.seconds))  # warm-up
                    result = load_round(url, queries, args.clients, args.seconds)
                finally:
                    process.terminate()
                    process.wait(30)
                print(name, result, flush=True)
                rounds[name].append(result)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    best = {name: max(results, key=lambda r: r["rate"]) for name, results in rounds.items()}
    median = {name: statistics.median(r["rate"] for r in results) for name, results in rounds.items()}
    anchor = SERVERS[1]
    rows = [
        f"| {name} | {args.clients} | {quads:,} | {r['answered']:,} | {r['rate']:,.1f} | {r['p50'] * 1000:.1f} ms | "
        f"{r['p99'] * 1000:.1f} ms | {_errors(rounds[name])} | {r['rate'] / best[anchor]['rate']:.2f}x | "
        f"{median[name]:,.1f} | {median[name] / median[anchor]:.2f}x |"
        for name, r in best.items()
    ]
    print("\n".join(rows))
    record(
        "Endpoint: kg serve next to oxigraph serve" + (f", {quads:,} synthetic quads" if args.quads else ""),
        "| server | clients | quads | queries answered (best round) | queries/s | p50 | p99 | errors (all rounds) | / oxigraph serve | "
        "median round, queries/s | / oxigraph serve, medians |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows),
        f"All {len(queries)} canned queries in turn, POST form-encoded, JSON results, both servers as processes on "
        f"127.0.0.1 over the same store ({'synthetic' if args.quads else 'corpus/, rules mode'}), read-only, union default "
        f"graph; clients in one process (httpx, a thread each); {args.rounds} alternating rounds of {args.seconds:g} s per "
        "server after a warm-up; the best round of each, and the median rounds.",
    )


if __name__ == "__main__":
    main()
