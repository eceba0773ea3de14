"""Dates in article text: full dates, month-year and years, and the date an article is written on."""

from __future__ import annotations

import functools
import re

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
DATE = re.compile(
    rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}},\s+(?:19|20)\d\d|\d{{1,2}}\s+(?:{MONTHS})\.?,?\s+(?:19|20)\d\d|"
    rf"(?:{MONTHS})\.?\s+(?:19|20)\d\d|(?:19|20)\d\d)\b"
)
YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
DATELINE_CHARS = 1200


NUMERIC_DATE = re.compile(r"(?<![\d.])(?:\d{1,2}[./]\d{1,2}[./]((?:19|20)\d\d)|((?:19|20)\d\d)-\d\d-\d\d)(?![\d.]\d)")
"""A date in figures: "29.03.2012", "03/29/2012", "2012-03-29"."""


def dateline(text: str) -> str | None:
    """The first full date (day, month, year) near the top of an article, its dateline, at its stated precision
    (a numeric date that could be day-month or month-day gives its year only)."""
    return _dateline_in(text[:DATELINE_CHARS])


@functools.lru_cache(maxsize=64)
def _dateline_in(top: str) -> str | None:
    """`dateline` of the top of an article (each deal and figure of a document asks again)."""
    numeric = NUMERIC_DATE.search(top)
    for match in DATE.finditer(top[: numeric.start() if numeric else DATELINE_CHARS]):
        if re.search(r"\d{1,2}\D+(?:19|20)\d\d|(?:19|20)\d\d\D+\d{1,2}\b", match.group(0)) or re.match(r"\d{1,2}\s", match.group(0)):
            return iso_date(match.group(0))
    if numeric is None:
        return None
    return numeric.group(0) if numeric.group(2) else numeric.group(1)


def dateline_year(text: str) -> int | None:
    """The year of the article's dateline (`dateline`)."""
    found = dateline(text)
    return int(found[:4]) if found else None


def paragraph_year_before(text: str, offset: int) -> int | None:
    """The last year stated earlier in the same paragraph as `offset` ("As of March 2025, ...")."""
    start = text.rfind("\n\n", 0, offset)
    years = YEAR.findall(text[start + 1 if start >= 0 else 0 : offset])
    return int(years[-1]) if years else None


MONTH_NUMBERS = {name.lower(): number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")), 1) for name in names}


def iso_date(text: str) -> str | None:
    """A date as written ("December 1, 2019", "1 Dec 2019", "May 2021", "2019") at its stated precision:
    "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None when it is none of these."""
    year = YEAR.search(text)
    if year is None:
        return None
    month = next((MONTH_NUMBERS[w.lower()] for w in re.findall(r"[A-Za-z]+", text) if w.lower() in MONTH_NUMBERS), None)
    if month is None:
        return year.group(1)
    day = re.search(r"(?<!\d)(\d{1,2})(?!\d)", text.replace(year.group(1), ""))
    if day and 1 <= int(day.group(1)) <= 31:
        return f"{year.group(1)}-{month:02d}-{int(day.group(1)):02d}"
    return f"{year.group(1)}-{month:02d}"
