"""Figure parser: amounts of money, percentages and counts, with their year or period.

Amounts are found by a token Matcher; what an amount measures (market size, CAGR,
share, count, deal value) and when (year, period, forecast) are read from the
words of its sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from kg.nlp import blank_lines_of, once_per_document, paragraph_around, text_of
from kg.dates import YEAR, dateline_year, paragraph_year_before

CURRENCIES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD", "dollar": "USD", "us-dollar": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pounds": "GBP",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY",
    "cny": "CNY", "rmb": "CNY", "yuan": "CNY",
    "krw": "KRW", "₩": "KRW", "won": "KRW",
    "chf": "CHF", "francs": "CHF",
    "aud": "AUD", "a$": "AUD", "cad": "CAD", "c$": "CAD", "inr": "INR", "₹": "INR", "rupees": "INR",
}
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12,
}
NOT_COUNTED = {
    # time, measurement and multiplier words: "12 months", "2,000-litre", "3 times"
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minutes", "decade",
    "decades", "times", "fold", "x", "litre", "litres", "liter", "liters", "l", "ml", "mg", "kg", "g", "km",
    "miles", "square", "sq", "ft", "-", "/", "%", "percent", "per", "pct", "st", "nd", "rd", "th",
}
NOT_AFTER = {
    # words that make the next number a label, not a count: "Phase 1", "fiscal 2023", "No. 1394"
    "phase", "fiscal", "fy", "no", "no.", "number", "series", "grade", "stage", "type", "class", "part",
    "article", "chapter", "section", "version", "q1", "q2", "q3", "q4", "h1", "h2", "covid", "-", "aged", "age",
    "cd", "il", "gen", "top", "about:", "page", "table", "figure", "regulation", "act",
}
WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
MONTH_WORDS = {
    m.lower() for m in "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
}
THAT_YEAR = re.compile(r"\b(?:that|the same|this) year\b", re.I)
AS_OF_WORDS = r"\bas (?:of|at) "
AS_OF = re.compile(AS_OF_WORDS + r"(?:the end of )?(?:[A-Z][a-z]+\.? )?(?:\d{1,2},? )?((?:19|20)\d\d)\b", re.I)
AS_OF_START = re.compile(AS_OF_WORDS, re.I)
FORECAST_CUES = re.compile(
    r"\b(?:will|expected|projected|forecast|forecasted|anticipated|estimated to (?:reach|grow|be)|poised|set to|"
    r"likely to|could reach|to reach|is to|predicted|by (?:the end of )?(?:19|20)\d\d)\b",
    re.I,
)
PERIOD = re.compile(
    r"\b((?:19|20)\d\d)\s*(?:-|–|—|to|through|and|until)\s*((?:19|20)\d\d|\d\d)\b"
)
DEAL_WORDS = re.compile(
    r"\b(?:acqui\w+|deal|upfront|up-front|milestones?|financing|raised?|raising|round|invest\w*|agreement|licen[cs]\w*|"
    r"collaborat\w*|partnership|purchase[ds]?|buy|bought|merger|stake|funding|series [a-e]|tender offer|consideration)\b",
    re.I,
)
MARKET_WORDS = re.compile(r"\b(?:market|revenue|revenues|sales|valued|worth|industry|spending|segment|reach|reached|reaching|generated?)\b", re.I)
CAGR_WORDS = re.compile(r"\b(?:cagr|compound annual growth|annual growth rate|annually|grow(?:th|ing)? at|a year)\b", re.I)
SHARE_AFTER = re.compile(r"\s*(?:of\b|stake|share|equity|interest)", re.I)
SHARE_WORDS = re.compile(r"\b(?:share|shares|stake|accounted for|accounts for|account for|made up|make up|makes up|represented|represents|comprised|of (?:the )?(?:global |total )?(?:market|revenue|sales))\b", re.I)


@dataclass(frozen=True)
class FigureMention:
    """A figure as found in a sentence, before its subject is resolved to an entity."""

    measure: str
    value: float
    unit: str
    year: int | None
    period: str | None
    forecast: bool
    span: Span
    sentence: Span
    rule: str


def parse_number(text: str, scale: float = 1) -> float | None:
    """'1,300' -> 1300.0, ('14.2', 1e9) -> 14200000000.0 exactly; None for words and malformed numbers."""
    cleaned = text.replace(",", "").replace("\u2009", "")
    try:
        return float(Decimal(cleaned) * Decimal(int(scale)))
    except InvalidOperation:
        return None


class FigureParser:
    """Matcher-driven parser of money, percentages and counts."""

    def __init__(self, nlp: Language):
        currency = {"LOWER": {"IN": sorted(CURRENCIES)}}
        number = {"TEXT": {"REGEX": r"^\d[\d,]*(?:\.\d+)?$"}}
        scale = {"LOWER": {"IN": sorted(SCALES)}}
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("money", [
            [currency, number, dict(scale, OP="?")],
            [number, dict(scale, OP="?"), {"LOWER": {"IN": ["us", "u.s."]}, "OP": "?"}, currency],
        ])
        self.matcher.add("percent", [
            [number, {"ORTH": "%"}],
            [number, {"LOWER": {"IN": ["percent", "pct"]}}],
            [number, {"LOWER": "per"}, {"LOWER": "cent"}],
        ])
        self.matcher.add("count", [[number], [{"LOWER": {"IN": sorted(WORD_NUMBERS)}}]])

    def __call__(self, doc: Doc) -> Doc:
        matches = []
        for match_id, start, end in self.matcher(doc):
            matches.append((doc.vocab.strings[match_id], start, end))
        matches = _longest_first(matches)
        in_entity = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        figures, seen, clause_start = [], set(), {}
        for kind, start, end in matches:
            if kind == "count" and (start in in_entity or not _is_count(doc, start)):
                continue
            span = doc[start:end]
            figure = self._figure(doc, kind, span, clause_start.get(span.sent.start, span.sent.start_char))
            clause_start[span.sent.start] = span.end_char
            if figure is None:
                continue
            key = (figure.measure, figure.value, figure.unit, figure.year, figure.period)
            if key not in seen:
                seen.add(key)
                figures.append(figure)
        doc._.cgt_figures = figures
        return doc

    def _figure(self, doc: Doc, kind: str, span: Span, clause_start: int) -> FigureMention | None:
        sentence = span.sent
        text = sentence.text
        tail = text_of(doc)[span.end_char : sentence.end_char]
        head = text_of(doc)[sentence.start_char : span.start_char]
        number_token = next((t for t in span if re.match(r"^\d", t.text)), span[0])
        scale = next((SCALES[t.lower_] for t in span if t.lower_ in SCALES), 1) if kind == "money" else 1
        value = WORD_NUMBERS.get(number_token.lower_) or parse_number(number_token.text, scale)
        if value is None:
            return None
        period = _period(tail) or _period(head) or None
        year = _year(tail[:40] if kind == "count" else tail, "" if kind == "count" else head)
        if year is None and period is None or kind == "count":
            year = year or _reference_year(doc, span, kind)
        # a projection is said next to its own number: "... was valued at X in 2023 and is expected to reach Y by 2032"
        year_after = YEAR.search(tail[:20])
        local = text_of(doc)[clause_start : span.end_char] + tail[: year_after.end() if year_after else 12]
        forecast = bool(FORECAST_CUES.search(local)) and (year is not None or period is not None)
        if kind == "money":
            unit = next(CURRENCIES[t.lower_] for t in span if t.lower_ in CURRENCIES)
            measure = "DealValue" if DEAL_WORDS.search(text) and not _market_first(text) else "MarketSize"
            if measure == "MarketSize" and not MARKET_WORDS.search(text):
                return None
            return FigureMention(measure, value, unit, year, None, forecast and measure == "MarketSize", span, sentence, f"figure.{measure}")
        if kind == "percent":
            growth = CAGR_WORDS.search(text) or _period(tail[:30])
            if growth and not SHARE_WORDS.search(text_of(doc)[span.end_char : span.end_char + 40]):
                return FigureMention("CAGR", value, "percent", None, period, bool(period) and forecast, span, sentence, "figure.CAGR")
            if SHARE_WORDS.search(text) or SHARE_AFTER.match(tail):
                return FigureMention("Share", value, "percent", year, None, forecast, span, sentence, "figure.Share")
            return None
        return FigureMention("Count", value, "count", year, None, forecast, span, sentence, "figure.Count")


def _is_count(doc: Doc, i: int) -> bool:
    """A bare number counts things unless it is a year, a date, a label or a measurement."""
    token = doc[i]
    previous = doc[i - 1].lower_ if i > 0 else ""
    following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    if _is_year(token) or previous in NOT_AFTER or previous in MONTH_WORDS or following in MONTH_WORDS:
        return False
    if previous in ("+", "#") or doc[i - 1].like_num and i > 0 or following[:1].isdigit() or "." in token.text:
        return False
    if i > 0 and doc[i - 1].is_title and not doc[i - 1].is_sent_start and doc[i - 1].lower_ not in MONTH_WORDS:
        return False
    if following in NOT_COUNTED or (i + 2 < len(doc) and doc[i + 2].lower_ in NOT_COUNTED - {"-", "/"}) or following in SCALES or following in CURRENCIES or following.startswith("-"):
        return False
    if token.lower_ in WORD_NUMBERS:
        nouns = [t for t in doc[i + 1 : i + 4] if t.is_alpha]
        return bool(nouns) and any(t.lower_.endswith("s") and not t.is_stop for t in nouns[:3])
    return not (token.whitespace_ == "" and following not in (",", ".", ";", ":", ")", "")) and token.text.replace(",", "").replace(".", "", 1).isdigit()


def _reference_year(doc: Doc, span: Span, kind: str) -> int | None:
    """The year a figure without its own year refers to: an 'as of' date earlier in its paragraph, or for deals the dateline."""
    paragraph_start, _ = paragraph_around(blank_lines_of(doc), len(text_of(doc)), span.start_char)
    as_of = _last_as_of(text_of(doc), _as_of_starts(doc), paragraph_start, span.start_char)
    if as_of is not None:
        return as_of
    if THAT_YEAR.search(span.sent.text):
        return paragraph_year_before(text_of(doc), span.sent.start_char)
    if kind in ("money", "percent") and DEAL_WORDS.search(span.sent.text):
        previous = _previous_sentence(doc, span)
        years = YEAR.findall(previous.text) if previous is not None else []
        return int(years[-1]) if years else dateline_year(text_of(doc))
    return None


@once_per_document
def _as_of_starts(doc: Doc) -> list[int]:
    """Where 'as of' or 'as at' starts in the text: the only places an AS_OF date can start."""
    return [match.start() for match in AS_OF_START.finditer(text_of(doc))]


def _last_as_of(text: str, starts: list[int], low: int, high: int) -> int | None:
    """The year of the last AS_OF date between two offsets, as `AS_OF.findall(text[low:high])[-1]` gives it,
    trying only the `starts` in between, from the last (one date never holds the start of another)."""
    for k in range(bisect_left(starts, high) - 1, bisect_left(starts, low) - 1, -1):
        match = AS_OF.match(text, starts[k], high)
        if match:
            return int(match.group(1))
    return None


def _previous_sentence(doc: Doc, span: Span) -> Span | None:
    """The sentence before the figure's, when both are in one paragraph (a deal's value often follows its date)."""
    start = span.sent.start
    if start == 0 or "\n\n" in doc[start - 1].text_with_ws:
        return None
    return doc[start - 1].sent


def _longest_first(matches: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Keep non-overlapping matches, longest first (money wins over a count on the same number)."""
    kept: list[tuple[str, int, int]] = []
    taken: set[int] = set()
    for kind, start, end in sorted(matches, key=lambda m: (-(m[2] - m[1]), m[1])):
        if taken.isdisjoint(range(start, end)):
            kept.append((kind, start, end))
            taken.update(range(start, end))
    return sorted(kept, key=lambda m: m[1])


def _is_year(token) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", token.text))


def _period(text: str) -> str | None:
    match = PERIOD.search(text)
    if not match:
        return None
    start, end = match.group(1), match.group(2)
    if len(end) == 2:
        end = start[:2] + end
    return f"{start}-{end}" if int(end) > int(start) else None


def _year(tail: str, head: str) -> int | None:
    """The year a figure refers to: the first one after it in the sentence, else the last one before."""
    for text, pick in ((tail, 0), (head, -1)):
        years = [m.group(1) for m in YEAR.finditer(text) if not PERIOD.search(text[max(0, m.start() - 12) : m.end() + 12])]
        if years:
            return int(years[pick])
    return None


def _market_first(text: str) -> bool:
    """True when the sentence is about a market's size and only mentions deals in passing."""
    return bool(re.search(r"\bmarket\b[^.]*\b(?:valued|size|worth|reach|revenue)", text, re.I))


@Language.factory("cgt_figures")
def make_figure_parser(nlp: Language, name: str) -> FigureParser:
    if not Doc.has_extension("cgt_figures"):
        Doc.set_extension("cgt_figures", default=None)
    return FigureParser(nlp)
