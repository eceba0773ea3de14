"""Figure parser: amounts of money, percentages and counts, with their year or period.

Amounts are found by a token Matcher; what an amount measures (market size, CAGR,
share, count, deal value) and when (year, period, forecast) are read from the
words of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

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
COUNTED_NOUNS = [
    "candidates", "therapies", "trials", "products", "programs", "programmes", "assets", "companies",
    "developers", "sites", "suites", "facilities", "approvals", "studies", "centers", "centres",
    "treatments", "agreements", "deals", "biotechs", "startups", "start-ups",
]
APPROXIMATORS = ["more", "over", "nearly", "around", "about", "approximately", "almost", "some", "roughly", "than", "just", "under", "up", "to"]
FORECAST_CUES = re.compile(
    r"\b(?:will|expected|projected|forecast|forecasted|anticipated|estimated to (?:reach|grow|be)|poised|set to|"
    r"likely to|could reach|to reach|is to|predicted|by (?:the end of )?(?:19|20)\d\d)\b",
    re.I,
)
YEAR = re.compile(r"\b(?:FY\s?)?((?:19|20)\d\d)\b")
PERIOD = re.compile(
    r"\b((?:19|20)\d\d)\s*(?:-|–|—|to|through|and|until)\s*((?:19|20)\d\d|\d\d)\b"
)
DEAL_WORDS = re.compile(
    r"\b(?:acqui\w+|deal|upfront|up-front|milestones?|financing|raised?|raising|round|invest\w*|agreement|licen[cs]\w*|"
    r"collaborat\w*|partnership|purchase[ds]?|buy|bought|merger|stake|funding|series [a-e]|tender offer|consideration)\b",
    re.I,
)
MARKET_WORDS = re.compile(r"\b(?:market|revenue|revenues|sales|valued|worth|industry|spending|segment)\b", re.I)
CAGR_WORDS = re.compile(r"\b(?:cagr|compound annual growth|annual growth rate|annually|grow(?:th|ing)? at|a year)\b", re.I)
SHARE_WORDS = re.compile(r"\b(?:share|accounted for|accounts for|account for|of (?:the )?(?:global |total )?(?:market|revenue|sales))\b", re.I)


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


def parse_number(text: str) -> float | None:
    """'1,300' -> 1300.0, '14.2' -> 14.2; None for words and malformed numbers."""
    cleaned = text.replace(",", "").replace("\u2009", "")
    try:
        return float(cleaned)
    except ValueError:
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
        self.matcher.add("count", [
            [number, {"IS_ALPHA": True, "IS_STOP": False, "OP": "{0,2}"}, {"LOWER": {"IN": COUNTED_NOUNS}}],
        ])

    def __call__(self, doc: Doc) -> Doc:
        matches = []
        for match_id, start, end in self.matcher(doc):
            matches.append((doc.vocab.strings[match_id], start, end))
        matches = _longest_first(matches)
        figures = []
        for kind, start, end in matches:
            figure = self._figure(doc, kind, doc[start:end])
            if figure is not None:
                figures.append(figure)
        doc._.cgt_figures = figures
        return doc

    def _figure(self, doc: Doc, kind: str, span: Span) -> FigureMention | None:
        sentence = span.sent
        text = sentence.text
        tail = doc.text[span.end_char : sentence.end_char]
        head = doc.text[sentence.start_char : span.start_char]
        number_token = next(t for t in span if re.match(r"^\d", t.text))
        value = parse_number(number_token.text)
        if value is None:
            return None
        if _is_year(number_token) and kind == "count":
            return None
        period = _period(tail) or _period(head) or None
        year = _year(tail, head, span)
        forecast = bool(FORECAST_CUES.search(text)) and (year is not None or period is not None)
        if kind == "money":
            unit = next(CURRENCIES[t.lower_] for t in span if t.lower_ in CURRENCIES)
            value *= next((SCALES[t.lower_] for t in span if t.lower_ in SCALES), 1)
            measure = "DealValue" if DEAL_WORDS.search(text) and not _market_first(text) else "MarketSize"
            if measure == "MarketSize" and not MARKET_WORDS.search(text):
                return None
            return FigureMention(measure, value, unit, year, None, forecast and measure == "MarketSize", span, sentence, f"figure.{measure}")
        if kind == "percent":
            if CAGR_WORDS.search(text) and not SHARE_WORDS.search(doc.text[span.end_char : span.end_char + 40]):
                return FigureMention("CAGR", value, "percent", None, period, bool(period) and forecast, span, sentence, "figure.CAGR")
            if SHARE_WORDS.search(text):
                return FigureMention("Share", value, "percent", year, None, forecast, span, sentence, "figure.Share")
            return None
        return FigureMention("Count", value, "count", year, None, forecast, span, sentence, "figure.Count")


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


def _year(tail: str, head: str, span: Span) -> int | None:
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
