"""Long documents: extraction time of one article of 65 KB to 2 MB, next to bare spaCy on the same text.

The article is the corpus articles joined and repeated (cut at a blank line before the size). Extraction
should grow linearly with the length of a document: the growth factor, seconds per KB at the largest size
over seconds per KB at the smallest, is about 1 when it does. Each pipeline and size runs in its own process,
so its peak memory (taken after the extraction, before the bare run) is its own. Times are CPU seconds of
that process, the best of as many runs as fit in a few seconds, so other work on the machine does not count
in them. Bare spaCy is the same
engine without cgt-kg: a blank English pipeline with a sentencizer for rules, the model alone otherwise,
run over the same pieces of at most 100,000 characters the model gets inside cgt-kg. Results go to
bench/results.md.

    cd bench && ../.venv/bin/python long_document_bench.py [--sizes 65000 260000 1000000 2000000] [--model NAME]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

from extraction_bench import words_per_second
from results import record
from store_bench import peak_memory_mb

ROOT = Path(__file__).resolve().parent.parent
SIZES = [65_000, 260_000, 1_000_000, 2_000_000]
BUDGET = 10.0


def long_article(size: int):
    """The corpus articles (corpus/*.md and *.txt) joined by blank lines and repeated, cut at the last blank
    line within `size` bytes, as one SourceDocument."""
    from kg.model import SourceDocument
    from kg.sources import read_source

    articles = [read_source(path).text.strip() for path in sorted(ROOT.glob("corpus/*")) if path.suffix in (".md", ".txt")]
    joined, total = [], 0
    while total <= size:
        joined.extend(articles)
        total += sum(len(article.encode()) + 2 for article in articles)
    data = "\n\n".join(joined).encode()[:size]
    text = data[: data.rfind(b"\n\n")].decode()
    return SourceDocument("long-article.md", "long article", hashlib.sha256(text.encode()).hexdigest(), text)


def cpu_seconds(run) -> float:
    """The least CPU time of `run()` over as many runs as fit in BUDGET seconds (one at least)."""
    times = []
    while not times or sum(times) + min(times) < BUDGET:
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def bare_pipeline(name: str):
    """The engine cgt-kg runs on, without cgt-kg: the model alone, or a blank English pipeline with a sentencizer."""
    import spacy

    from kg.nlp.pipeline import RULES_ONLY

    if name != RULES_ONLY:
        return spacy.load(name)
    bare = spacy.blank("en")
    bare.add_pipe("sentencizer")
    return bare


def worker(name: str, size: int) -> dict:
    """Time one pipeline on one article: cgt-kg extraction (with its peak memory), then bare spaCy."""
    from kg.extract import extract_documents
    from kg.nlp.pipeline import CHUNK_CHARS, load_pipeline, text_pieces

    full, bare = load_pipeline(name), bare_pipeline(name)
    warm_up = long_article(65_000)
    list(extract_documents([warm_up], full))
    list(bare.pipe(text_pieces(warm_up.text, CHUNK_CHARS), batch_size=1))
    article = long_article(size)
    extraction = cpu_seconds(lambda: list(extract_documents([article], full)))
    peak = peak_memory_mb()
    bare_seconds = cpu_seconds(lambda: list(bare.pipe(text_pieces(article.text, CHUNK_CHARS), batch_size=1)))
    return {"kb": len(article.text.encode()) / 1000, "words": len(article.text.split()),
            "extraction": extraction, "bare": bare_seconds, "peak_mb": peak}


def run_worker(name: str, size: int) -> dict:
    command = [sys.executable, __file__, "--worker", name, "--size", str(size)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).parent, timeout=3600)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def growth(runs: list[dict], key: str) -> float:
    """Seconds per KB at the largest size over seconds per KB at the smallest: 1 for linear work."""
    return (runs[-1][key] / runs[-1]["kb"]) / (runs[0][key] / runs[0]["kb"])


def main() -> None:
    from kg.nlp.pipeline import RULES_ONLY, resolve_model_name

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="article sizes in bytes")
    parser.add_argument("--model", default=None)
    parser.add_argument("--worker")
    parser.add_argument("--size", type=int)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.size)))
        return
    rows, growth_rows = [], []
    for name in dict.fromkeys((RULES_ONLY, resolve_model_name(args.model))):
        runs = [run_worker(name, size) for size in sorted(args.sizes)]
        for run in runs:
            rows.append(
                f"| {name} | {run['kb']:,.0f} KB | {run['words']:,} | {run['bare']:.2f} | {run['extraction']:.2f} | "
                f"{words_per_second(run['extraction'], run['words']):,.0f} | {run['extraction'] / run['bare']:.1f}x | "
                f"{run['extraction'] / run['kb'] * 1000:.1f} | {run['peak_mb']:,.0f} MB |"
            )
            print(rows[-1], flush=True)
        growth_rows.append(f"| {name} | {runs[0]['kb']:,.0f} KB to {runs[-1]['kb']:,.0f} KB | "
                           f"{growth(runs, 'extraction'):.2f} | {growth(runs, 'bare'):.2f} |")
        print(growth_rows[-1], flush=True)
    record(
        "Long documents",
        "| pipeline | article | words | bare spaCy (CPU s) | cgt-kg extraction (CPU s) | cgt-kg (words/s) | extraction / bare | "
        "extraction, ms per KB | peak memory, extraction |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        + "\n".join(rows)
        + "\n\n| pipeline | sizes | growth factor, extraction (ms per KB, largest / smallest) | growth factor, bare spaCy |\n"
        "| --- | --- | ---: | ---: |\n" + "\n".join(growth_rows),
        "One article of the corpus articles joined and repeated; each pipeline and size in its own process; "
        "CPU seconds, the best of the runs that fit in 10 s. "
        "Bare spaCy runs over the same pieces of at most 100,000 characters that cgt-kg gives the model.",
    )


if __name__ == "__main__":
    main()
