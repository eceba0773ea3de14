"""Store benchmark: load, size, memory and canned-query latency at 100k and 1M triples,
Oxigraph (our embedded store) next to rdflib's in-memory store, plus adding one article.

Each engine runs in its own process so peak memory is its own. Results go to bench/results.md.

    python bench/store_bench.py [--sizes 100000 1000000] [--rdflib-timeout 120]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import record
from synthetic import synthetic_nquads

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5
TIMEOUT = 60.0


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def canned() -> list:
    from kg.queries import canned_queries

    return canned_queries()


def worker_oxigraph(nquads: Path, workdir: Path) -> dict:
    from kg.build import build
    from kg.nlp.pipeline import load_pipeline
    from kg.store import open_store

    store_path = workdir / "oxigraph"
    store = open_store(str(store_path))
    start = time.perf_counter()
    store.bulk_load(nquads)
    load = time.perf_counter() - start
    latencies = {}
    for query in canned():
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            list(store.query(query.sparql))
            times.append(time.perf_counter() - start)
        latencies[query.name] = statistics.median(times)
    nlp = load_pipeline("rules")
    article = workdir / "new-article.md"
    article.write_text((ROOT / "corpus" / "a06_collaboration_manufacturing.md").read_text(encoding="utf-8"), encoding="utf-8")
    start = time.perf_counter()
    build([article], store, nlp)
    incremental = time.perf_counter() - start
    count = store.count()
    store.close()
    return {"load": load, "queries": latencies, "incremental": incremental, "quads": count,
            "disk_mb": directory_mb(store_path), "peak_mb": peak_memory_mb()}


def _timed_rdflib_query(dataset, sparql: str, answer) -> None:
    from kg.namespaces import PREFIXES

    start = time.perf_counter()
    list(dataset.query(sparql, initNs=dict(PREFIXES)))
    answer.put(time.perf_counter() - start)


def worker_rdflib(nquads: Path, timeout: float) -> dict:
    """Load into rdflib's memory store, then run each query in a forked child stopped after `timeout` s."""
    import multiprocessing

    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    start = time.perf_counter()
    dataset.parse(nquads, format="nquads")
    load = time.perf_counter() - start
    context = multiprocessing.get_context("fork")
    latencies = {}
    for query in canned():
        answer = context.Queue()
        child = context.Process(target=_timed_rdflib_query, args=(dataset, query.sparql, answer))
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.kill()
            child.join()
            latencies[query.name] = None
        else:
            latencies[query.name] = answer.get()
    return {"load": load, "queries": latencies, "peak_mb": peak_memory_mb()}


def run_worker(engine: str, nquads: Path, workdir: Path, budget: float) -> dict:
    command = [sys.executable, __file__, "--worker", engine, "--nquads", str(nquads), "--workdir", str(workdir),
               "--rdflib-timeout", str(budget)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).parent, timeout=3600)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def seconds(value: float | None, timeout: float = TIMEOUT) -> str:
    if value is None:
        return f"stopped after {timeout:.0f} s"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rdflib-timeout", type=float, default=TIMEOUT, help="seconds before an rdflib query is stopped")
    parser.add_argument("--worker")
    parser.add_argument("--nquads", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.worker == "oxigraph":
        print(json.dumps(worker_oxigraph(args.nquads, args.workdir)))
        return
    if args.worker == "rdflib":
        print(json.dumps(worker_rdflib(args.nquads, args.rdflib_timeout)))
        return
    summary, latency_rows = [], []
    for size in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
        try:
            nquads = workdir / "synthetic.nq"
            quads = synthetic_nquads(nquads, size)
            ox = run_worker("oxigraph", nquads, workdir, args.rdflib_timeout)
            rd = run_worker("rdflib", nquads, workdir, args.rdflib_timeout)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        summary.append(
            f"| {quads:,} | {ox['load']:.1f} s | {rd['load']:.1f} s | {ox['disk_mb']:.0f} MB | "
            f"{ox['peak_mb']:.0f} MB | {rd['peak_mb']:.0f} MB | {ox['incremental']:.2f} s |"
        )
        for name, latency in ox["queries"].items():
            other = rd["queries"].get(name)
            ratio = f"{other / latency:,.0f}x" if other and latency else "-"
            latency_rows.append(f"| {quads:,} | {name} | {seconds(latency)} | {seconds(other, args.rdflib_timeout)} | {ratio} |")
        print(summary[-1], flush=True)
    record(
        "Store",
        "| quads | load, Oxigraph bulk | load, rdflib memory | Oxigraph on disk | peak memory, Oxigraph | "
        "peak memory, rdflib | add one article (Oxigraph) |\n| --- | --- | --- | --- | --- | --- | --- |\n"
        + "\n".join(summary)
        + "\n\n| quads | canned query | Oxigraph (median of 5) | rdflib memory (one run) | rdflib / Oxigraph |\n"
        "| --- | --- | --- | --- | --- |\n" + "\n".join(latency_rows),
        "Synthetic N-Quads shaped like `kg build` output (bench/synthetic.py); each engine in its own process.",
    )


if __name__ == "__main__":
    main()
