"""Writes one benchmark's table into bench/results.md under its own heading, keeping the others."""

from __future__ import annotations

import platform
import re
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"


def record(heading: str, table: str, note: str = "") -> None:
    """Replace (or add) the section `## heading` of bench/results.md with a fresh table."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\nWritten by `make bench`.\n"
    when = time.strftime("%Y-%m-%d")
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    section = f"## {heading}\n\n{table}\n\n_{note} Measured {when} on {machine}._\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
