"""Start-up benchmark: `kg --help`, `kg stats` and `kg query NAME` on a one-article store, next to a bare
pyoxigraph script that opens the same store, runs the same query and prints its rows, in the same run.

Each command runs RUNS times, interleaved with the others so that a busy machine weighs on all alike;
the table gives medians. Results go to bench/results.md.

    python bench/startup_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import record

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-startup-") as folder:
        store = str(small_store(Path(folder)))
        commands = {
            "bare pyoxigraph script (open, query, print)": [sys.executable, "-c", BARE, store, str(ROOT / "queries" / f"{QUERY}.rq")],
            "kg --help": [KG, "--help"],
            "kg stats": [KG, "stats", "--store", store],
            f"kg query {QUERY}": [KG, "query", QUERY, "--store", store],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=folder)
                times[name].append(time.perf_counter() - start)
    bare = statistics.median(times[next(iter(commands))])
    rows = []
    for name, samples in times.items():
        median = statistics.median(samples)
        rows.append(f"| {name} | {median * 1000:.0f} ms | {min(samples) * 1000:.0f} ms | {median / bare:.1f}x | {'yes' if median < 0.3 else 'no'} |")
        print(rows[-1], flush=True)
    record(
        "Start-up",
        "| command | median | fastest | / bare pyoxigraph | < 0.3 s |\n| --- | --- | --- | --- | --- |\n" + "\n".join(rows),
        f"A one-article store (rules mode); {args.runs} runs of each command, interleaved; wall time of the whole process.",
    )


if __name__ == "__main__":
    main()
