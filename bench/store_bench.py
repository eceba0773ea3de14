"""Store benchmark: load, size, memory and canned-query latency at 100k and 1M triples,
Oxigraph (our embedded store) next to rdflib's in-memory store, plus adding one article to each
store next to the bare pyoxigraph write of the same quads.

Each engine runs in its own process so peak memory is its own. Then, in one run, `kg build`'s
per-document write path next to pyoxigraph's own `extend` of the same quads, and `kg query` (printing
included) next to a bare pyoxigraph script. Results go to bench/results.md.

    python bench/store_bench.py [--sizes 100000 1000000] [--rdflib-timeout 120] [--documents 360]
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

import pyoxigraph as ox

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
    added = add_one_article(store, article, nlp)
    count = store.count()
    store.close()
    return {"load": load, "queries": latencies, **added, "quads": count,
            "disk_mb": directory_mb(store_path), "peak_mb": peak_memory_mb()}


def add_one_article(store, article: Path, nlp) -> dict:
    """Seconds to add one article: the whole `kg build`, the same build without its extraction (plan,
    write, counting), and bare pyoxigraph `remove_graph` + `extend` of the same quads (best of 3 each)."""
    from kg.build import build, extractor_fingerprint, load_reference_layers, read_sources
    from kg.extract import extract_documents
    from kg.rdf import document_quads

    load_reference_layers(store)  # as in a store kg built: the synthetic one has no fingerprint on its vocabulary
    extracting, building, bare = [], [], []
    for _ in range(3):
        start = time.perf_counter()
        (extraction,) = extract_documents(read_sources([article], []), nlp)
        extracting.append(time.perf_counter() - start)
        written = document_quads(extraction, extractor=extractor_fingerprint("rules", 0.0))
        store.drop_graphs((written.name,))
        start = time.perf_counter()
        summary = build([article], store, nlp)
        building.append(time.perf_counter() - start)
        assert summary.new == 1 and summary.added == len(written.quads), summary
        store._store.remove_graph(ox.NamedNode(str(written.name)))
        start = time.perf_counter()
        store._store.extend(written.quads)
        bare.append(time.perf_counter() - start)
    return {"incremental": min(building), "incremental_write": min(building) - min(extracting), "bare_write": min(bare),
            "article_quads": len(written.quads)}


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


def document_quads_of_copies(count: int) -> tuple[list, float]:
    """`count` documents' quads as `kg build` writes them (kg.rdf): the corpus articles read once in rules mode,
    each copy a document of its own (its own hash, so its own graph, mentions, statements and figures); and
    the seconds kg.rdf took to build them."""
    import dataclasses
    import hashlib

    from kg.build import read_sources
    from kg.extract import extract_documents
    from kg.nlp.pipeline import load_pipeline
    from kg.rdf import document_quads

    sources = read_sources([ROOT / "corpus"], [])
    extractions = list(extract_documents(sources, load_pipeline("rules")))
    copies = []
    for k in range(count):
        extraction = extractions[k % len(extractions)]
        sha = hashlib.sha256(f"{extraction.document.sha256} copy {k}".encode()).hexdigest()
        copies.append(dataclasses.replace(extraction, document=dataclasses.replace(extraction.document, sha256=sha)))
    start = time.perf_counter()
    documents = [document_quads(copy) for copy in copies]
    return documents, time.perf_counter() - start


WRITE_PATHS = ("kg write_graph (quads from kg.rdf, extend)", "INSERT DATA text (the path before extend)", "bare pyoxigraph remove_graph + extend")


def timed_writes(documents: list, workdir: Path) -> dict[str, float]:
    """Seconds each write path takes to write every document, one transaction each, into a fresh store of
    its own. The paths take turns document by document (in rotating order), so a busy moment of the
    machine falls on all of them alike."""
    from kg.build import load_reference_layers
    from kg.store import _replace_graph_update, open_store

    stores = {}
    for path in WRITE_PATHS:
        stores[path] = open_store(str(workdir / path.split()[0]))
        load_reference_layers(stores[path])
    timings = dict.fromkeys(WRITE_PATHS, 0.0)
    for k, written in enumerate(documents):
        for path in WRITE_PATHS[k % 3:] + WRITE_PATHS[: k % 3]:
            store = stores[path]
            start = time.perf_counter()
            if path.startswith("bare"):
                store._store.remove_graph(ox.NamedNode(str(written.name)))
                store._store.extend(written.quads)
            elif path.startswith("INSERT"):
                store.update(_replace_graph_update(written.name, written.quads, ()))
            else:
                store.write_graph(written.name, written.quads)
            timings[path] += time.perf_counter() - start
    for store in stores.values():
        store.close()
    return timings


def writes_and_queries(documents: int, workdir: Path) -> tuple[list[str], list[str]]:
    """Per-document writes: kg's write_graph, the INSERT DATA text it used before, and bare pyoxigraph
    remove_graph + extend of the same quads (prepared beforehand, taking turns document by document);
    then kg query against a bare script."""
    written, building = document_quads_of_copies(documents)
    total = sum(len(w.quads) for w in written)
    timings = timed_writes(written, workdir)
    bare = timings[WRITE_PATHS[-1]]
    writes = [f"| {documents:,} | {total:,} | {name} | {timings[name]:.2f} s | {timings[name] / bare:.2f}x |" for name in WRITE_PATHS]
    writes.append(f"| {documents:,} | {total:,} | building the quads from the extractions (kg.rdf document_quads, before any write) | {building:.2f} s | |")
    store = str(workdir / "kg")
    queries = []
    for query, fmt in (("main_companies", "table"), ("main_companies", "csv"), ("headquarters_by_country", "table"),
                       ("documents_mentioning", "table"), ("documents_mentioning", "csv")):
        path = ROOT / "queries" / f"{query}.rq"
        kg_times, bare_times = [], []
        for _ in range(REPEATS):
            for command, sink in (([str(Path(sys.executable).parent / "kg"), "query", query, "-f", fmt, "--store", store], kg_times),
                                  ([sys.executable, "-c", BARE_QUERY, store, str(path)], bare_times)):
                start = time.perf_counter()
                printed = subprocess.run(command, check=True, capture_output=True).stdout
                sink.append(time.perf_counter() - start)
        lines = printed.count(b"\n")
        kg_median, bare_median = statistics.median(kg_times), statistics.median(bare_times)
        queries.append(f"| {total:,} | {query} | {fmt} | {lines:,} | {seconds(kg_median)} | {seconds(bare_median)} | {kg_median / bare_median:.2f}x |")
    return writes, queries


BARE_QUERY = """
import sys, pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
for solution in store.query(open(sys.argv[2]).read(), use_default_graph_as_union=True):
    print("\t".join("" if term is None else term.value for term in solution))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000], help="store sizes (none: only the write and query comparison)")
    parser.add_argument("--documents", type=int, default=360, help="document graphs written one by one (0: skip)")
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
    if args.documents:
        workdir = Path(tempfile.mkdtemp(prefix="kg-bench-writes-"))
        try:
            writes, queries = writes_and_queries(args.documents, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        print("\n".join(writes + queries), flush=True)
        record(
            "Store: per-document writes and kg query",
            "| documents | quads | write path | time | / bare pyoxigraph |\n| --- | --- | --- | --- | --- |\n" + "\n".join(writes)
            + "\n\n| quads | canned query | `-f` | lines printed | `kg query` (process, printing included) | bare pyoxigraph script (prints each row) | kg / bare |\n"
            "| --- | --- | --- | --- | --- | --- | --- |\n" + "\n".join(queries),
            "The corpus articles read once in rules mode, written one document (one transaction) at a time, each copy a graph "
            "of its own, into one fresh store per write path, the paths taking turns document by document; the bare anchor "
            "gets the same quads prepared beforehand. Queries: medians of 5 runs of each process, same run.",
        )
    if not args.sizes:
        return
    summary, latency_rows, article_rows = [], [], []
    for size in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
        try:
            nquads = workdir / "synthetic.nq"
            quads = synthetic_nquads(nquads, size)
            oxi = run_worker("oxigraph", nquads, workdir, args.rdflib_timeout)
            rd = run_worker("rdflib", nquads, workdir, args.rdflib_timeout)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        summary.append(
            f"| {quads:,} | {oxi['load']:.1f} s | {rd['load']:.1f} s | {oxi['disk_mb']:.0f} MB | "
            f"{oxi['peak_mb']:.0f} MB | {rd['peak_mb']:.0f} MB | {oxi['incremental']:.2f} s |"
        )
        article_rows.append(
            f"| {quads:,} | {oxi['article_quads']:,} | {oxi['incremental'] * 1000:.0f} ms | {oxi['incremental_write'] * 1000:.1f} ms | "
            f"{oxi['bare_write'] * 1000:.1f} ms | {oxi['incremental_write'] / oxi['bare_write']:.1f}x |"
        )
        for name, latency in oxi["queries"].items():
            other = rd["queries"].get(name)
            ratio = f"{other / latency:,.0f}x" if other and latency else "-"
            latency_rows.append(f"| {quads:,} | {name} | {seconds(latency)} | {seconds(other, args.rdflib_timeout)} | {ratio} |")
        print(summary[-1], article_rows[-1], sep="\n", flush=True)
    record(
        "Store: adding one article",
        "| store quads | article quads | `kg build` of the article | of which not extraction (plan, write, count) | "
        "bare pyoxigraph remove_graph + extend | kg / bare |\n| --- | --- | --- | --- | --- | --- |\n" + "\n".join(article_rows),
        "One corpus article (rules mode) built into each synthetic store; best of 3 runs each. *Not extraction* is the build "
        "less the article's extraction timed alone; the plan asks the store only about the article's path and hash and the "
        "build counts only the graphs it wrote; what still grows with the store is the merge of yearless deal mentions "
        "(kg.deals.merge_yearless_deals, run after every build, which reads every deal record of the store). The whole "
        "`kg build` also reads the article and hashes the extractor's files.",
    )
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
