"""Figure parser: amounts of money, percentages and counts, with their year or period.

Amounts are found by a token Matcher; what an amount measures (market size, CAGR,
share, count, deal value) and when (year, period, forecast) are read from the
words of its sentence.
"""

from __future__ import annotations

import functools
import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.dates import YEAR, dateline_year, paragraph_year_before
from kg.errors import UserError
from kg.model import DEAL_VALUE_FLOOR
from kg.nlp import AnchoredMatcher, blank_lines_of, once_per_document, paragraph_around, sentence_at, span_text, text_of
from kg.ontology import ONTOLOGY_DIR

FIGURE_PATTERNS = ONTOLOGY_DIR / "patterns" / "figures.toml"
MONTH_WORDS = {
    m.lower() for m in "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
}
THAT_YEAR = re.compile(r"\b(?:that|the same) year\b", re.I)
THIS_YEAR = re.compile(r"\bthis year\b", re.I)
"""'this year' is the year the document was written (its dateline), not the last year it named."""
AS_OF_WORDS = r"\bas (?:of|at) "
AS_OF = re.compile(AS_OF_WORDS + r"(?:the end of )?(?:[A-Z][a-z]+\.? )?(?:\d{1,2},? )?((?:19|20)\d\d)\b", re.I)
AS_OF_START = re.compile(AS_OF_WORDS, re.I)
PERIOD = re.compile(
    r"\b((?:19|20)\d\d)\s*(?:-|–|—|to|through|and|until)\s*((?:19|20)\d\d|\d\d)\b"
)
NUMBER = r"\d[\d,]*(?:\.\d+)?"
COUNT_BREAKS = {
    # words that end the phrase after a number before it names what is counted
    "in", "on", "at", "for", "with", "to", "by", "from", "than", "that", "which", "who", "are", "is", "were", "was",
    "have", "has", "had", "be", "been", "will", "the", "a", "an", "of", "per", "as", "into", "over", "under",
}
ELLIPSIS_FOLLOWERS = {",", ".", ";", ":", ")", ""}
ANAPHORS = {"them", "these", "those"}
CLAUSE_OPENING = re.compile(r";|\b(?:while|but|whereas)\b|\band (?:is|are|was|were|has|have|had|will|now)\b", re.I)
OF_THESE = re.compile(r"\s*(?:of|among) (?:these|those|them)\b", re.I)


BARE_MARKET = re.compile(r"(?:(?:the|this|that|its|their|overall|whole|entire|total|same)\s+)*market", re.I)
"""A market phrase that names no market ('the market', 'this market'): the market is the one named before."""
CLAUSE_BEFORE_MARKET = re.compile(r"^.*\b(?:that|which|while|whereas|says|said|forecasts|expects|estimates|projects|predicts|notes)\s+", re.I)


def _market_words(match: re.Match) -> tuple[str, int]:
    """The words of a market phrase after any clause that leads into it ('Halcyon forecasts that the market' -> 'the
    market'), and where they start."""
    words = match.group(1)
    kept = CLAUSE_BEFORE_MARKET.sub("", words)
    start = match.start(1) + len(words) - len(kept)
    stripped = kept.lstrip()
    return stripped.rstrip(), start + len(kept) - len(stripped)


def _phrases_of_sentence(doc: Doc, phrase: re.Pattern, sentence: Span) -> list[re.Match]:
    """The matches of the market `phrase` over the whole of `sentence`, found once per sentence."""
    known = doc.user_data.setdefault("cgt_sentence_market_phrases", {})
    if sentence.start_char not in known:
        known[sentence.start_char] = list(phrase.finditer(text_of(doc), sentence.start_char, sentence.end_char))
    return known[sentence.start_char]


@dataclass(frozen=True)
class FigurePatterns:
    """The words figures are read with, as ontology/patterns/figures.toml lists them."""

    currencies: dict[str, str]
    currency_prefixes: tuple[str, ...]
    unstated_currency: str
    scales: dict[str, float]
    word_numbers: dict[str, int]
    counted_nouns: frozenset[str]
    not_after: frozenset[str]
    cues: dict[str, re.Pattern]
    measure_units: frozenset[str] = frozenset()
    duration_words: frozenset[str] = frozenset()
    party_nouns: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=8)
def load_figure_patterns(path: str | Path = FIGURE_PATTERNS) -> FigurePatterns:
    """Read a figure pattern file (ontology/patterns/figures.toml by default); each error names the file."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        currencies = dict(data["currencies"])
        prefixes = tuple(currencies.pop("currency_prefixes"))
        unstated = currencies.pop("unstated_currency")
        return FigurePatterns(
            currencies=currencies,
            currency_prefixes=prefixes,
            unstated_currency=unstated,
            scales={word: float(scale) for word, scale in data["scales"].items()},
            word_numbers=dict(data["word_numbers"]),
            counted_nouns=frozenset(data["counts"]["counted_nouns"]),
            not_after=frozenset(data["counts"]["not_after"]),
            measure_units=frozenset(data["counts"].get("measure_units", [])),
            duration_words=frozenset(data["counts"].get("duration_words", [])),
            party_nouns=frozenset(data["counts"].get("party_nouns", [])),
            cues={name: re.compile(pattern, re.I) for name, pattern in data["cues"].items()},
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, re.error) as error:
        raise UserError(f"{path}: cannot read figure patterns ({error!r}); fix the file or restore it from git") from error


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
    measures: str
    measures_start: int | None
    """What the figure measures ("global cell therapy market") and where that phrase starts in the text;
    None when the sentence names no market and `measures` is its start."""


def parse_number(text: str, scale: float = 1) -> float | None:
    """'1,300' -> 1300.0, ('14.2', 1e9) -> 14200000000.0 exactly; None for words and malformed numbers."""
    cleaned = text.replace(",", "").replace("\u2009", "")
    try:
        return float(Decimal(cleaned) * Decimal(int(scale)))
    except InvalidOperation:
        return None


class FigureParser:
    """Matcher-driven parser of money, percentages and counts, reading the words of `patterns`."""

    def __init__(self, nlp: Language, patterns: FigurePatterns):
        self.patterns = patterns
        scales = "|".join(sorted(map(re.escape, patterns.scales), key=len, reverse=True))
        self.glued = re.compile(rf"^({NUMBER})({scales})\.?$", re.I)
        currency = {"LOWER": {"IN": sorted(patterns.currencies)}}
        number = {"TEXT": {"REGEX": rf"^{NUMBER}$"}}
        glued = {"TEXT": {"REGEX": self.glued.pattern}}
        scale = {"LOWER": {"IN": sorted(patterns.scales) + sorted(f"{word}." for word in patterns.scales)}, "OP": "?"}
        hyphen = {"ORTH": "-", "OP": "?"}
        shapes = {
            "money": [
                [currency, number, hyphen, scale],
                [currency, glued],
                [number, scale, {"LOWER": {"IN": ["us", "u.s."]}, "OP": "?"}, currency],
            ],
            # "estimated at around 2.6 billion in 2020": an amount whose currency goes unsaid
            "unstated": [[number, {"LOWER": {"IN": ["million", "billion", "trillion"]}}]],
            "percent": [
                [number, {"ORTH": "%"}],
                [number, {"LOWER": {"IN": ["percent", "pct"]}}],
                [number, {"LOWER": "per"}, {"LOWER": "cent"}],
            ],
            "count": [[number], [{"LOWER": {"IN": sorted(patterns.word_numbers)}}]],
        }
        self.matcher = AnchoredMatcher(nlp.vocab, shapes)

    def __call__(self, doc: Doc) -> Doc:
        matches = _longest_first([(doc.vocab.strings[match_id], start, end) for match_id, start, end in self.matcher(doc)])
        ents = doc.ents  # spaCy builds a Span per entity at every access
        in_entity = {i for ent in ents for i in range(ent.start, ent.end)}
        amount_starts = [start for kind, start, _ in matches if kind != "count"]
        therapy_ends = {ent.end for ent in ents if ent.label_ in THERAPY_LABELS}
        figures, clause_start, counted_in = [], {}, set()
        for kind, start, end in matches:
            span, sentence = doc[start:end], sentence_at(doc, start)
            if kind == "count":
                if start in in_entity or not self._is_count(doc, start, sentence.start in counted_in, therapy_ends):
                    continue
                counted_in.add(sentence.start)
            following = bisect_left(amount_starts, end)
            next_amount = doc[amount_starts[following]] if following < len(amount_starts) else None
            clause_end = next_amount.idx if next_amount is not None and next_amount.idx < sentence.end_char else sentence.end_char
            figure = self._figure(doc, kind, span, clause_start.get(sentence.start, sentence.start_char), clause_end)
            clause_start[sentence.start] = span.end_char
            if figure is not None:  # every statement is kept: restatements are merged at extraction, deals read each
                figures.append(figure)
        doc._.cgt_figures = _cagr_periods(figures)
        return doc

    def _figure(self, doc: Doc, kind: str, span: Span, clause_start: int, clause_end: int) -> FigureMention | None:
        cues = self.patterns.cues
        sentence = sentence_at(doc, span.start)
        text = span_text(sentence)
        tail = text_of(doc)[span.end_char : sentence.end_char]
        head = text_of(doc)[sentence.start_char : span.start_char]
        value = self._value(span, kind)
        if value is None:
            return None
        own_tail, own_head = text_of(doc)[span.end_char : clause_end], text_of(doc)[clause_start : span.start_char]
        period = _period(tail) or None
        said_before = PERIOD.search(head)
        if period is None and said_before and not (kind == "percent" and len(set(YEAR.findall(head[said_before.end() :]))) >= 2):
            # "Forecast 2022-2026 ..., the market is to grow from $0.69 billion in 2021 to $0.80 billion in 2022 at a CAGR of
            # 14.8%": the years of the market sizes said after the period (see _cagr_periods) are the CAGR's
            period = _period(head) or None
        other_date = cues["not_figure_year_before"]
        if kind == "count":
            year = _year(_clause_tail(tail), _clause_head(head), other_date) or _reference_year(doc, span, kind, cues)
        else:
            year = _year(own_tail, own_head, other_date) or _year(tail, head, other_date)
            if year is None and period is None:
                year = _reference_year(doc, span, kind, cues)
        # a projection is said next to its own number: "... was valued at X in 2023 and is expected to reach Y by 2032"
        year_after = YEAR.search(tail[:20])
        local = text_of(doc)[clause_start : span.end_char] + tail[: year_after.end() if year_after else 12]
        forecast = bool(cues["forecast"].search(local)) and (year is not None or period is not None)
        measures, measures_start = self._measures(doc, span)
        if kind == "unstated":
            if not cues["market_first"].search(text):
                return None
            return FigureMention("MarketSize", value, self.patterns.unstated_currency, year, None, forecast, span, sentence, "figure.MarketSize", measures, measures_start)
        if kind == "money":
            if cues["per_share_after"].match(tail) or cues["held_not_paid_after"].match(tail) or cues["per_unit_after"].match(tail):
                return None  # a price per share, or cash the company holds ('$500 million net cash'): no deal's worth
            unit = next(self.patterns.currencies[t.lower_] for t in span if t.lower_ in self.patterns.currencies)
            measure = "DealValue" if cues["deal"].search(text) and not cues["market_first"].search(text) else "MarketSize"
            if measure == "DealValue" and value < DEAL_VALUE_FLOOR:
                return None  # 'closed the trading session at $113.90': a share price, no deal's worth
            if measure == "MarketSize" and not cues["market"].search(text):
                return None
            return FigureMention(measure, value, unit, year, None, forecast and measure == "MarketSize", span, sentence, f"figure.{measure}", measures, measures_start)
        if kind == "percent":
            if cues["not_share_after"].match(tail) or cues["not_share_before"].search(head):
                return None
            growth = cues["cagr"].search(text) or _period(tail[:30])
            if growth and not cues["share"].search(text_of(doc)[span.end_char : span.end_char + 40]):
                return FigureMention("CAGR", value, "percent", None, period, bool(period) and forecast, span, sentence, "figure.CAGR", measures, measures_start)
            if value <= 100 and (cues["share"].search(text) or cues["share_after"].match(tail)):  # '565% of its sales' is no share
                return FigureMention("Share", value, "percent", year, None, forecast, span, sentence, "figure.Share", measures, measures_start)
            return None
        return FigureMention("Count", value, "count", year, None, forecast, span, sentence, "figure.Count", measures, measures_start)

    def _value(self, span: Span, kind: str) -> float | None:
        """The plain number an amount states: '$1.7billion' -> 1.7e9, '€23.6m.' -> 23600000, 'three' -> 3."""
        scales = self.patterns.scales
        for token in span:
            glued = self.glued.match(token.text) if kind == "money" else None
            if glued:
                return parse_number(glued.group(1), scales[glued.group(2).lower()])
        number = next((t for t in span if re.match(r"^\d", t.text)), span[0])
        if number.lower_ in self.patterns.word_numbers:
            return self.patterns.word_numbers[number.lower_]
        scale = next((scales[t.lower_.rstrip(".")] for t in span if t.lower_.rstrip(".") in scales), 1) if kind in ("money", "unstated") else 1
        return parse_number(number.text, scale)

    def _measures(self, doc: Doc, span: Span) -> tuple[str, int | None]:
        """The market phrase a figure measures and where it starts: the last one before the figure in its
        sentence, else the sentence's last; else the start of the sentence and None."""
        sentence = sentence_at(doc, span.start)
        phrase = self.patterns.cues["market_phrase"]
        found = list(phrase.finditer(text_of(doc), sentence.start_char, span.start_char))
        found = found or _phrases_of_sentence(doc, phrase, sentence)
        named = [m for m in found if not BARE_MARKET.fullmatch(_market_words(m)[0])]
        if named or not found:
            found = named
        if found and not named or not found:
            earlier = self._earlier_market(doc, sentence)  # 'Halcyon forecasts that the market will reach ...', 'it is projected ...'
            if earlier is not None:
                return earlier
        if not found:
            return span_text(sentence)[:80], None
        return _market_words(found[-1])

    def _earlier_market(self, doc: Doc, sentence: Span) -> tuple[str, int] | None:
        """The market the paragraph named last before this sentence (at most MARKET_REACH sentences back), for a
        figure whose own sentence says only 'the market' or 'it'; worked out once per sentence."""
        known = doc.user_data.setdefault("cgt_earlier_market", {})
        if sentence.start_char not in known:
            known[sentence.start_char] = self._earlier_market_of(doc, sentence)
        return known[sentence.start_char]

    def _earlier_market_of(self, doc: Doc, sentence: Span) -> tuple[str, int] | None:
        phrase = self.patterns.cues["market_phrase"]
        text = text_of(doc)
        paragraph_start = text.rfind("\n\n", 0, sentence.start_char) + 1
        low = max(paragraph_start, sentence.start_char - 600)
        before = [m for m in phrase.finditer(text, low, sentence.start_char) if not BARE_MARKET.fullmatch(_market_words(m)[0])]
        return _market_words(before[-1]) if before else None

    def _is_count(self, doc: Doc, i: int, after_count: bool, therapy_ends: set[int]) -> bool:
        """A bare number is a Count when it names a thing the domain counts ("47 products", "two of its programs"),
        or, after a count in its sentence, stands for one ("received 187 requests and issued 70")."""
        token = doc[i]
        previous = doc[i - 1] if i > 0 else None
        following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        if _is_year(token) or "." in token.text or following in MONTH_WORDS or following in self.patterns.scales \
                or following in self.patterns.measure_units or following in self.patterns.duration_words \
                or following == "-" and i + 2 < len(doc) and doc[i + 2].lower_ in self.patterns.duration_words:
            return False  # 'a five-year supply agreement' states how long, not how many
        if previous is not None and previous.lower_ == "the" and self._names_parties(doc, i):
            return False  # 'the two companies signed': the deal's parties, not a count of companies
        if previous is not None and (previous.lower_ in self.patterns.not_after or previous.lower_ in MONTH_WORDS
                                     or previous.like_num or previous.text in ("+", "#", "-", "/")):
            return False
        if previous is not None and previous.is_title and not previous.is_sent_start and previous.lower_ not in self.patterns.word_numbers:
            return False
        if token.whitespace_ == "" and following not in ELLIPSIS_FOLLOWERS and following != "+":
            return False
        if self._names_counted_thing(doc, i, therapy_ends):
            return True
        # a number standing for the things counted just before it: "issued 70,", "5 of them", "Of these, 318 are ..."
        of_them = following == "of" and i + 2 < len(doc) and doc[i + 2].lower_ in ANAPHORS
        stands_alone = following in ELLIPSIS_FOLLOWERS or following in COUNT_BREAKS
        return after_count and (following in ELLIPSIS_FOLLOWERS or of_them) or stands_alone and OF_THESE.match(span_text(sentence_at(doc, i))) is not None

    def _names_parties(self, doc: Doc, i: int) -> bool:
        """Whether the number is followed by a word for the parties a text is about ('the two companies')."""
        return i + 1 < len(doc) and doc[i + 1].lower_ in self.patterns.party_nouns

    def _names_counted_thing(self, doc: Doc, i: int, therapy_ends: set[int]) -> bool:
        """The words after a number, up to a break, end in a counted noun or a therapy's name."""
        j, end = i + 1, min(len(doc), i + 8)
        if j < end and doc[j].text == "+":
            j += 1
        if j + 1 < end and doc[j].lower_ == "of" and (doc[j + 1].lower_ in ("its", "the", "their", "these", "those") or doc[j + 1].like_num):
            j += 2
        while j < end:
            token = doc[j]
            if token.text == "(":
                close = next((k for k in range(j, min(len(doc), j + 12)) if doc[k].text == ")"), None)
                if close is None:
                    return False
                j = close + 1
                continue
            if token.lower_ in self.patterns.counted_nouns:
                return True
            if j + 1 in therapy_ends and (j + 1 == len(doc) or not doc[j + 1].is_alpha or doc[j + 1].lower_ in COUNT_BREAKS):
                return True
            label = token.like_num and doc[j - 1].lower_ in self.patterns.not_after
            if token.lower_ in COUNT_BREAKS or token.like_num and not label or (token.is_punct and token.text != "-"):
                return False
            j += 1
        return False


THERAPY_LABELS = ("Therapy", "TherapyModality", "TherapyProduct")


def _cagr_periods(figures: list[FigureMention]) -> list[FigureMention]:
    """A CAGR that states no period spans the years of the market sizes of its sentence
    ("2.6 billion in 2020 ... about 25 billion in 2027 with a CAGR of 33.82%" is 2020-2027)."""
    done = []
    for figure in figures:
        if figure.measure == "CAGR" and figure.period is None:
            sizes = [f for f in figures if f.measure == "MarketSize" and f.sentence == figure.sentence and f.year]
            years = sorted({f.year for f in sizes})
            if len(years) == 1 and sizes[0].forecast:
                # "... to $0.80 billion in 2022. The market is expected to reach $1.38 billion in 2026 at a CAGR of 14.8%":
                # a projection grows from the latest size stated before it
                before = [f.year for f in figures if f.measure == "MarketSize" and f.year and f.span.end <= figure.sentence.start
                          and _market_key(f.measures) == _market_key(sizes[0].measures)]  # (of the same market)
                years = [max(before), *years] if before and max(before) < years[0] else years
            if len(years) >= 2:
                forecast = any(f.forecast for f in sizes)
                figure = replace(figure, period=f"{years[0]}-{years[-1]}", forecast=forecast)
        done.append(figure)
    return done


def _market_key(measures: str) -> str:
    """A market's name as two figures of it may write it ('The viral vectors market', 'the viral vectors market')."""
    return re.sub(r"^(?:the|a|an)\s+", "", measures.strip().lower())


def _clause_tail(tail: str) -> str:
    """The rest of a figure's own clause: up to the next semicolon, 'while' or comma, not a comma of a list of what it
    counts ('4,000 cell, gene, and RNA therapies in development as of Q1 2024')."""
    return CLAUSE_TAIL_END.split(tail, maxsplit=1)[0]


CLAUSE_TAIL_END = re.compile(r";|\bwhile\b|,(?!\s*(?:[\w-]+\s*,\s*)*(?:and|or)\s)(?!\s*(?:and|or)\s)")
"""Where a figure's own clause ends: a semicolon, 'while', or a comma that does not go on to the next member of a list."""


def _clause_head(head: str) -> str:
    """The start of a figure's own clause: after the last semicolon, 'while', 'but' or 'and' opening a new verb."""
    return CLAUSE_OPENING.split(head)[-1]


def _reference_year(doc: Doc, span: Span, kind: str, cues: dict[str, re.Pattern]) -> int | None:
    """The year a figure without its own year refers to: an 'as of' date earlier in its paragraph, or for deals
    the dateline, unless the sentence dates the deal from another time ("two years after the first round")."""
    paragraph_start, _ = paragraph_around(blank_lines_of(doc), len(text_of(doc)), span.start_char)
    as_of = _last_as_of(text_of(doc), _as_of_starts(doc), paragraph_start, span.start_char)
    if as_of is not None:
        return as_of
    sentence = sentence_at(doc, span.start)
    if THIS_YEAR.search(span_text(sentence)):
        return _dateline_year(doc)
    if THAT_YEAR.search(span_text(sentence)):
        return paragraph_year_before(text_of(doc), sentence.start_char)
    if kind in ("money", "percent") and cues["deal"].search(span_text(sentence)) and not cues["relative_time"].search(span_text(sentence)):
        previous = _previous_sentence(doc, span)
        years = _stated_years(span_text(previous), cues["not_figure_year_before"]) if previous is not None else []
        return years[-1] if years else _dateline_year(doc)
    return None


@once_per_document
def _dateline_year(doc: Doc) -> int | None:
    """`dateline_year` of the document's text, worked out once per document."""
    return dateline_year(text_of(doc))


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
    start = sentence_at(doc, span.start).start
    if start == 0 or "\n\n" in doc[start - 1].text_with_ws:
        return None
    return sentence_at(doc, start - 1)


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


def _year(tail: str, head: str, other_date: re.Pattern) -> int | None:
    """The year a figure refers to: the first one after it in the sentence, else the last one before."""
    for text, pick in ((tail, 0), (head, -1)):
        years = _stated_years(text, other_date)
        if years:
            return years[pick]
    return None


def _stated_years(text: str, other_date: re.Pattern) -> list[int]:
    """The years of a text that can date a figure: not the ends of a period, not a date `other_date`
    names ("notes due in 2027")."""
    return [
        int(m.group(1)) for m in YEAR.finditer(text)
        if not PERIOD.search(text[max(0, m.start() - 12) : m.end() + 12]) and not other_date.search(text, 0, m.start())
    ]


@Language.factory("cgt_figures", default_config={"patterns": str(FIGURE_PATTERNS)})
def make_figure_parser(nlp: Language, name: str, patterns: str) -> FigureParser:
    """The figure parser, reading the words of the pattern file `patterns` (ontology/patterns/figures.toml)."""
    if not Doc.has_extension("cgt_figures"):
        Doc.set_extension("cgt_figures", default=None)
    return FigureParser(nlp, load_figure_patterns(patterns))
