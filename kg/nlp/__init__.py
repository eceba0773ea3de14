"""spaCy components of cgt-kg, assembled by `kg.nlp.pipeline.load_pipeline`."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy
from spacy.attrs import IDX, LOWER, ORTH
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

BLANK_LINE = re.compile(r"(?=\n\n)")
BRACKET_IDS = numpy.array(sorted({get_string_id("("), get_string_id(")")}), dtype=numpy.uint64)
T = TypeVar("T")


@dataclass(frozen=True)
class WordTest:
    """A Matcher predicate over a word's own text, `{"TEXT": {"REGEX": r}}` or `{"LOWER": {"IN": words}}`, as the
    lexeme flag spaCy stores once per word of the vocabulary: a Matcher checks a flag in C, a predicate in Python."""

    regex: str | None = None
    lower_in: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # compiled once: the test runs for every new word of the vocab, and `re.search` looks the pattern up each time
        object.__setattr__(self, "_search", re.compile(self.regex).search if self.regex is not None else None)

    def __call__(self, text: str) -> bool:
        if self._search is not None:
            return self._search(text) is not None
        return text.lower() in self.lower_in


def with_word_flags(vocab: Vocab, pattern: list[dict]) -> list[dict]:
    """A Matcher token pattern with each REGEX on TEXT and IN on LOWER replaced by a lexeme flag of `vocab`
    (one flag per distinct test, shared by every matcher of the vocab); where spaCy has no flag left, the
    predicate stays as it is."""
    converted = []
    for spec in pattern:
        spec = dict(spec)
        for attr, kind, make in (("TEXT", "REGEX", lambda v: WordTest(regex=v)), ("LOWER", "IN", lambda v: WordTest(lower_in=frozenset(v)))):
            value = spec.get(attr)
            if isinstance(value, dict) and list(value) == [kind]:
                flag = _word_flag(vocab, make(value[kind]))
                if flag is not None:
                    del spec[attr]
                    spec[flag] = True
        converted.append(spec)
    return converted


REPEAT_CAP = 10
"""The most words a repeated pattern element ('*', '+') is taken to cover when an `AnchoredMatcher` bounds the
stretch of text a match can span: a longer run is not read as one match."""


@dataclass(frozen=True)
class _Anchor:
    """A word a token pattern cannot match without, as one of the matcher's word tests (`test`), and how many
    words of a match can stand before and after it."""

    test: int
    before: int
    after: int


class AnchoredMatcher:
    """A token Matcher (word tests as lexeme flags, `with_word_flags`) that reads only the stretches of a document
    around the rarest word each pattern cannot do without: spaCy's Matcher makes a Token and tries every pattern
    at every word it reads, and most words of a text can be part of no match. The matches are those of the plain
    Matcher over the whole document, in its order, bar one whose repeated element runs past REPEAT_CAP words."""

    def __init__(self, vocab: Vocab, shapes: dict[str, list[list[dict]]]) -> None:
        self.matcher = Matcher(vocab, validate=False)  # the flags have no names to validate
        self.tests: list[tuple[str, int]] = []  # ("flag", flag), ("orth", string id) or ("lower", string id)
        self.anchors: list[list[_Anchor]] = []
        for label, patterns in shapes.items():
            converted = [with_word_flags(vocab, pattern) for pattern in patterns]
            self.matcher.add(label, converted)
            self.anchors.extend(self._anchors(pattern) for pattern in converted)
        self.kinds = {kind: numpy.array([value for k, value in self.tests if k == kind], dtype=numpy.uint64) for kind in ("flag", "orth", "lower")}
        order = [k for kind in ("flag", "orth", "lower") for k, test in enumerate(self.tests) if test[0] == kind]
        self.column = {test: column for column, test in enumerate(order)}

    def __len__(self) -> int:
        return len(self.matcher)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not all(self.anchors):
            return self.matcher(doc)  # a pattern with no word it needs: read every word
        present = numpy.hstack([
            (lexeme_flags(doc)[:, None] >> self.kinds["flag"][None, :]) & numpy.uint64(1) != 0,
            orth_ids(doc)[:, None] == self.kinds["orth"][None, :],
            lower_ids(doc)[:, None] == self.kinds["lower"][None, :],
        ])
        counts = present.sum(axis=0).tolist()
        chosen = {min(options, key=lambda a: counts[self.column[a.test]]) for options in self.anchors}
        starts, ends = [], []
        for anchor in chosen:
            positions = numpy.flatnonzero(present[:, self.column[anchor.test]])
            starts.append(positions - anchor.before)
            ends.append(positions + anchor.after + 1)
        matches = []
        for start, end in _joined(numpy.concatenate(starts), numpy.concatenate(ends), len(doc)):
            matches.extend((key, start + first, start + last) for key, first, last in self.matcher(doc[start:end]))
        return matches

    def _anchors(self, pattern: list[dict]) -> list[_Anchor]:
        """The words of a converted token pattern that every match has, each with the most words a match can hold
        before and after it; a pattern whose words are all optional or untold has none."""
        widths = [_widest(spec) for spec in pattern]
        anchors = []
        for k, spec in enumerate(pattern):
            if spec.get("OP") not in (None, "+", "1"):
                continue
            spread = REPEAT_CAP - 1 if spec.get("OP") == "+" else 0
            before, after = sum(widths[:k]) + spread, sum(widths[k + 1:]) + spread
            tests = [("flag", key) for key, value in spec.items() if isinstance(key, int) and value is True]
            tests += [(name.lower(), get_string_id(spec[name])) for name in ("ORTH", "LOWER") if isinstance(spec.get(name), str)]
            for test in tests:
                if test not in self.tests:
                    self.tests.append(test)
                anchors.append(_Anchor(self.tests.index(test), before, after))
        return anchors


def _widest(spec: dict) -> int:
    """The most words one pattern element can match."""
    op = spec.get("OP")
    return 0 if op == "!" else REPEAT_CAP if op in ("*", "+") or (op or "").startswith("{") else 1


def _joined(starts: numpy.ndarray, ends: numpy.ndarray, length: int) -> list[tuple[int, int]]:
    """The token ranges from `starts` to `ends` (cut to the document's `length`), the overlapping ones joined, in order."""
    order = numpy.argsort(starts, kind="stable")
    joined: list[tuple[int, int]] = []
    for start, end in zip(numpy.maximum(starts[order], 0).tolist(), numpy.minimum(ends[order], length).tolist()):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _word_flag(vocab: Vocab, test: WordTest) -> int | None:
    """The lexeme flag of `vocab` that holds `test`, added on first use; None when all 63 flags are taken."""
    for flag, getter in vocab.lex_attr_getters.items():
        if getter == test:
            return flag
    try:
        return vocab.add_flag(test)
    except ValueError:
        return None


def once_per_document(compute: Callable[[Doc], T]) -> Callable[[Doc], T]:
    """`compute(doc)`, worked out on the first call for a Doc and kept in its user_data for the next ones."""
    key = f"cgt_{compute.__name__}"

    @functools.wraps(compute)
    def cached(doc: Doc) -> T:
        value = doc.user_data.get(key)
        if value is None:
            value = doc.user_data[key] = compute(doc)
        return value

    cached.key = key  # type: ignore[attr-defined]
    return cached


def string_ids(words) -> numpy.ndarray:
    """The string ids (hashes) of `words`, as `Doc.to_array` gives ORTH and LOWER, for `tokens_with`."""
    return numpy.array(sorted({get_string_id(word) for word in words}), dtype=numpy.uint64)


def tokens_with(doc: Doc, attr: int, ids: numpy.ndarray) -> list[int]:
    """Indices of the tokens whose `attr` (ORTH, LOWER) is one of `ids` (`string_ids`), in text order: where
    a loop over every token would look words up in a set, one array operation over the document."""
    values = orth_ids(doc) if attr == ORTH else lower_ids(doc) if attr == LOWER else doc.to_array(attr)
    return _members(values, ids).tolist()


@once_per_document
def orth_ids(doc: Doc) -> numpy.ndarray:
    """Each token's ORTH id, read once per document: a word's text never changes once it is tokenized."""
    return doc.to_array(ORTH)


@once_per_document
def lexeme_flags(doc: Doc) -> numpy.ndarray:
    """Each token's lexeme flags as one 64-bit number (bit k is flag k), read once per document from its distinct
    words: `Doc.to_array` reads flags token by token, flag by flag."""
    words, index = numpy.unique(orth_ids(doc), return_inverse=True)
    vocab = doc.vocab
    return numpy.array([vocab[orth].flags for orth in words.tolist()], dtype=numpy.uint64)[index.reshape(-1)]


@once_per_document
def lower_ids(doc: Doc) -> numpy.ndarray:
    """Each token's LOWER id, read once per document (see `orth_ids`)."""
    return doc.to_array(LOWER)


def _members(values: numpy.ndarray, ids: numpy.ndarray) -> numpy.ndarray:
    """Indices of the `values` that are among the sorted `ids` (numpy.isin sorts both, slower on short arrays)."""
    if not len(ids):
        return numpy.flatnonzero(numpy.zeros(len(values), dtype=bool))
    found = numpy.minimum(numpy.searchsorted(ids, values), len(ids) - 1)
    return numpy.flatnonzero(ids[found] == values)


@once_per_document
def text_of(doc: Doc) -> str:
    """The document's text, built once: spaCy rebuilds `doc.text` from its tokens on every access."""
    return doc.text


def with_text(doc: Doc, text: str) -> Doc:
    """`doc`, told the text it was made from, so `text_of` need not join it back from the tokens."""
    doc.user_data[text_of.key] = text
    return doc


@once_per_document
def sentences_of(doc: Doc) -> tuple[list[int], list[Span]]:
    """The document's sentences and the token each starts at, built once: `span.sent` builds a new Span each time."""
    sentences = list(doc.sents)
    return [sentence.start for sentence in sentences], sentences


def sentence_at(doc: Doc, i: int) -> Span:
    """The sentence that holds token `i`, as `doc[i].sent` gives it, found by bisection."""
    starts, sentences = sentences_of(doc)
    return sentences[bisect_right(starts, i) - 1]


def span_text(span: Span) -> str:
    """`span.text`, cut from the document's text (`text_of`) instead of joined from its tokens."""
    return text_of(span.doc)[span.start_char : span.end_char]


@once_per_document
def parenthesised(doc: Doc) -> frozenset[int]:
    """Indices of the tokens that lie inside parentheses, computed once per document, visiting only the brackets."""
    depth, indices, after_last = 0, [], 0
    for i in tokens_with(doc, ORTH, BRACKET_IDS):
        if depth:
            indices.extend(range(after_last, i))
        bracket = doc[i].text
        if bracket == ")":
            depth = max(0, depth - 1)
        if depth:
            indices.append(i)
        if bracket == "(":
            depth += 1
        after_last = i + 1
    if depth:
        indices.extend(range(after_last, len(doc)))
    return frozenset(indices)


@once_per_document
def lower_words(doc: Doc) -> list[str]:
    """Each token's `lower_`, listed once per document: `token.lower_` builds a Token at every use."""
    strings = doc.vocab.strings
    return [strings[key] for key in lower_ids(doc).tolist()]


@once_per_document
def token_offsets(doc: Doc) -> list[int]:
    """Each token's character offset, listed once per document (`token.idx` builds a Token at every use)."""
    return doc.to_array(IDX).tolist()


@once_per_document
def orth_words(doc: Doc) -> list[str]:
    """Each token's `text`, listed once per document: `doc[i].text` builds a Token at every use."""
    strings = doc.vocab.strings
    return [strings[key] for key in orth_ids(doc).tolist()]


@once_per_document
def blank_lines_of(doc: Doc) -> list[int]:
    """`blank_lines` of the document's text, computed once per document."""
    return blank_lines(text_of(doc))


def entities_between(ents: Sequence[Span], start_char: int, end_char: int) -> list[Span]:
    """The entities of `ents` (non-overlapping, in text order) that lie between two offsets, found by bisection.

    A sentence's entities without `sentence.ents`, which rebuilds the whole document's
    entity list on every call and so makes a loop over sentences quadratic.
    """
    first = bisect_left(ents, start_char, key=lambda ent: ent.start_char)
    last = bisect_right(ents, end_char, key=lambda ent: ent.end_char)
    return list(ents[first:last])


def blank_lines(text: str) -> list[int]:
    """Where each blank line ('\\n\\n', overlapping ones too) starts in `text`, for `paragraph_around`."""
    return [match.start() for match in BLANK_LINE.finditer(text)]


def paragraph_around(breaks: list[int], length: int, offset: int) -> tuple[int, int]:
    """The paragraph around `offset`: from the last blank line of `breaks` that ends before it (else 0) to the
    next one at or after it (else `length`), as rfind and find of '\\n\\n' give them, without scanning the text."""
    before = bisect_right(breaks, offset - 2) - 1
    after = bisect_left(breaks, offset)
    return (breaks[before] if before >= 0 else 0, breaks[after] if after < len(breaks) else length)
