"""Store benchmark: load, size, memory and canned-query latency at 100k and 1M triples,
Oxigraph (our embedded store) next to rdflib's in-memory store, plus adding one article.

Each engine runs in its own process so peak memory is its own. Results go to bench/results.md.

    python bench/store_bench.py [--sizes 100000 1000000] [--rdflib-budget 300]
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


def worker_rdflib(nquads: Path, budget: float) -> dict:
    from rdflib import Dataset

    from kg.namespaces import PREFIXES

    dataset = Dataset(default_union=True)
    start = time.perf_counter()
    dataset.parse(nquads, format="nquads")
    load = time.perf_counter() - start
    latencies, spent = {}, 0.0
    for query in canned():
        if spent > budget:
            latencies[query.name] = None
            continue
        start = time.perf_counter()
        list(dataset.query(query.sparql, initNs=dict(PREFIXES)))
        elapsed = time.perf_counter() - start
        spent += elapsed
        latencies[query.name] = elapsed
    return {"load": load, "queries": latencies, "peak_mb": peak_memory_mb()}


def run_worker(engine: str, nquads: Path, workdir: Path, budget: float) -> dict:
    command = [sys.executable, __file__, "--worker", engine, "--nquads", str(nquads), "--workdir", str(workdir),
               "--rdflib-budget", str(budget)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).parent, timeout=3600)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def seconds(value: float | None) -> str:
    if value is None:
        return "not run (budget spent)"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rdflib-budget", type=float, default=300.0, help="seconds of rdflib query time per size")
    parser.add_argument("--worker")
    parser.add_argument("--nquads", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.worker == "oxigraph":
        print(json.dumps(worker_oxigraph(args.nquads, args.workdir)))
        return
    if args.worker == "rdflib":
        print(json.dumps(worker_rdflib(args.nquads, args.rdflib_budget)))
        return
    summary, latency_rows = [], []
    for size in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
        try:
            nquads = workdir / "synthetic.nq"
            quads = synthetic_nquads(nquads, size)
            ox = run_worker("oxigraph", nquads, workdir, args.rdflib_budget)
            rd = run_worker("rdflib", nquads, workdir, args.rdflib_budget)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        summary.append(
            f"| {quads:,} | {ox['load']:.1f} s | {rd['load']:.1f} s | {ox['disk_mb']:.0f} MB | "
            f"{ox['peak_mb']:.0f} MB | {rd['peak_mb']:.0f} MB | {ox['incremental']:.2f} s |"
        )
        for name, latency in ox["queries"].items():
            other = rd["queries"].get(name)
            ratio = f"{other / latency:,.0f}x" if other and latency else "-"
            latency_rows.append(f"| {quads:,} | {name} | {seconds(latency)} | {seconds(other)} | {ratio} |")
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
