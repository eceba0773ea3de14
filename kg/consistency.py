"""Does a stated growth rate agree with the start and end sizes the same text gives?

A report that says "USD 14.2 billion in 2023 ... USD 97.0 billion by 2032 ... a CAGR
of 23.8%" implies a rate of its own; when the two differ by more than one
percentage point, an analyst wants to know.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from kg.model import Figure
from kg.nlp import blank_lines, paragraph_around

TOLERANCE_POINTS = 1.0


@dataclass(frozen=True)
class GrowthCheck:
    """A stated CAGR, the two market sizes it spans, the rate they imply, and whether the two agree."""

    cagr: Figure
    start: Figure
    end: Figure
    implied: float

    @property
    def agrees(self) -> bool:
        return abs(self.implied - self.cagr.value) <= TOLERANCE_POINTS

    def to_json(self) -> dict:
        return {
            "stated": self.cagr.value,
            "implied": round(self.implied, 2),
            "agrees": self.agrees,
            "period": self.cagr.period,
            "start": {"value": self.start.value, "unit": self.start.unit, "year": self.start.year},
            "end": {"value": self.end.value, "unit": self.end.unit, "year": self.end.year},
            "evidence": self.cagr.evidence.to_json(),
        }


def implied_cagr(start: float, end: float, years: int) -> float:
    """The compound annual growth rate, in percent, that turns `start` into `end` over `years`."""
    return ((end / start) ** (1 / years) - 1) * 100


def _same_market(size: Figure, cagr: Figure) -> bool:
    """Figures about the same market: the same subject, or one of them with no subject of its own."""
    return size.subject == cagr.subject or size.subject is None or cagr.subject is None


def growth_checks(figures: tuple[Figure, ...], text: str) -> tuple[GrowthCheck, ...]:
    """Check every CAGR with a period against market sizes of the same paragraph, unit and subject."""
    checks = []
    sizes = [f for f in figures if f.measure == "MarketSize" and f.year is not None and f.value > 0]
    by_offset = sorted(range(len(sizes)), key=lambda k: sizes[k].evidence.start)
    offsets = [sizes[k].evidence.start for k in by_offset]
    breaks = blank_lines(text)
    for cagr in figures:
        if cagr.measure != "CAGR" or not cagr.period:
            continue
        first, last = (int(y) for y in cagr.period.split("-"))
        low, high = paragraph_around(breaks, len(text), cagr.evidence.start)
        in_paragraph = sorted(by_offset[bisect_left(offsets, low) : bisect_right(offsets, high)])
        near = [sizes[k] for k in in_paragraph if _same_market(sizes[k], cagr)]
        starts = [f for f in near if f.year in (first - 1, first)]
        ends = [f for f in near if f.year == last and f.unit in {s.unit for s in starts}]
        for end in ends:
            start = next(s for s in starts if s.unit == end.unit)
            years = end.year - start.year
            if years > 0:
                checks.append(GrowthCheck(cagr, start, end, implied_cagr(start.value, end.value, years)))
                break
    return tuple(checks)
