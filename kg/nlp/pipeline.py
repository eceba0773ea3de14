"""Assembles the spaCy pipeline: an installed model (or none) plus the cgt-kg components.

The same components run in both modes. With a statistical model they also use its
parse and named entities; rules-only mode runs on `spacy.blank("en")`. The entity ruler's
patterns are compiled from ontology/ once and read back from the on-disk cache (kg.cache)
by later processes, for each pipeline (the tokenizer decides how a name is split).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from kg.cache import code_files, fingerprint
from kg.errors import UserError
from kg.models import RULES_ONLY, resolve_model_name
from kg.nlp import entities, figures, relations, with_text  # noqa: F401  (registers the cgt_* factories)
from kg.namespaces import ONTOLOGY_DIR
from kg.ontology import compiled, entity_ruler_patterns, load_vocabulary


CHUNK_CHARS = 100_000
"""Longest text the components before ours see at once: the parser needs about 1 GB per 100,000 words of one Doc."""
WHOLE_TEXT_COMPONENTS = ("cgt_vocabulary", "cgt_names", "cgt_figures", "cgt_relations")
"""Our components read the whole text at once (a name a text defines holds everywhere in it)."""
BREAKS = ("\n\n", "\n", " ")
WHITESPACE = re.compile(r"\s*")

TOKENIZER_INFIXES = r"(?<=[A-Za-z]\.)-(?=[a-z])|(?<=[A-Z]):(?=[0-9])"
"""A hyphen after an abbreviation's full stop and before a word ('U.K.-based', 'U.S.-listed'), as between words, and
the colon of a numeric stock ticker ('(TSE:4528)'), as before letters."""
CURRENCY_PREFIXES = figures.load_figure_patterns().currency_prefixes
"""Currency codes written against a number ("USD14.2"), from ontology/patterns/figures.toml."""


def customised_tokenizer(nlp: Language, base: Tokenizer | None = None) -> Tokenizer:
    """The tokenizer `base` (a model's, as loaded; None for the language's defaults), except that '1.8bn' and
    'USD14.2' split so amounts and currencies are tokens of their own, and 'B.' is two tokens ("hemophilia B." at
    the end of a sentence), and 'U.K.-based' and 'TSE:4528' split as 'Boston-based' and 'NYSE:MDT' do (the base's
    own infixes are kept). Built in one go: each of a tokenizer's setters loads its 6,700 special cases again."""
    defaults = nlp.Defaults
    suffixes = [r"(?<=[0-9])(?:bn|mn|tn|m|b|k)(?=$)", r"(?<=^[A-Z])\.$", *defaults.suffixes]
    prefixes = [rf"{code}(?=[0-9])" for code in CURRENCY_PREFIXES] + list(defaults.prefixes)
    rules = base.rules if base is not None else defaults.tokenizer_exceptions
    return Tokenizer(
        nlp.vocab,
        rules={text: rule for text, rule in rules.items() if not re.fullmatch(r"[A-Z]\.", text)},
        prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=re.compile(f"{base.infix_finditer.__self__.pattern}|{TOKENIZER_INFIXES}").finditer if base is not None
        else compile_infix_regex([*defaults.infixes, TOKENIZER_INFIXES]).finditer,
        token_match=(base or defaults).token_match,
        url_match=(base or defaults).url_match,
        faster_heuristics=base.faster_heuristics if base is not None else True,
    )


@spacy.registry.tokenizers("cgt_tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """The tokenizer of rules mode as a spaCy config names it: the language's defaults, customised (so that
    `spacy.blank` builds one tokenizer, not its default one and then ours)."""
    return customised_tokenizer


@functools.lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    """Load the named spaCy pipeline (or rules-only) and add the cgt-kg components, once per process."""
    name = resolve_model_name(model)
    collecting = gc.isenabled()
    # Assembling makes 300,000 objects that live as long as the process: the cyclic collector's passes over them
    # cost a third of the load while they are made, and 0.16 s per full pass while documents are extracted; so it
    # is off while they are made, and they are frozen out of its sight afterwards.
    gc.disable()
    try:
        nlp = _assemble(name)
        load_vocabulary().reference  # read with every document's events: made here, it is frozen with the rest
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    return nlp


def _assemble(name: str) -> Language:
    """The spaCy pipeline `name` (or a blank one for rules) with the cgt-kg components and the vocabulary."""
    if name == RULES_ONLY:
        nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "cgt_tokenizer.v1"}}})
    else:
        try:
            nlp = spacy.load(name)
        except OSError as error:
            raise UserError(
                f"spaCy pipeline {name!r} is not installed: install it (pip install 'cgt-kg[model]') "
                f"or pass --model rules"
            ) from error
        nlp.tokenizer = customised_tokenizer(nlp, nlp.tokenizer)
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("cgt_line_breaks", before=first) if first else nlp.add_pipe("cgt_line_breaks")
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe(
        "cgt_vocabulary_ruler",
        name="cgt_vocabulary",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": False},
    )
    # Our components before the ruler's names: the lexeme flags their matchers add are set on every word the
    # vocab holds at that moment, and the 14,000 names below make it five times larger.
    nlp.add_pipe("cgt_names")
    nlp.add_pipe("cgt_figures")
    nlp.add_pipe("cgt_relations")
    compiled_patterns = ruler_patterns(nlp, name)
    with nlp.select_pipes(enable=[]), phrases_replayed(nlp, compiled_patterns.phrases):
        ruler.add_patterns(compiled_patterns.patterns)
    nlp.meta["cgt_model"] = name
    return nlp


@dataclass(frozen=True)
class RulerPatterns:
    """The entity ruler's patterns for one pipeline, with the words and spaces its tokenizer gives each phrase."""

    patterns: list[dict]
    phrases: dict[str, tuple[list[str], list[bool]]]


def ruler_patterns(nlp: Language, name: str) -> RulerPatterns:
    """The vocabulary's entity ruler patterns as `nlp` tokenizes them, from the cache when neither ontology/,
    the code nor the pipeline `name` (and its version) changed."""
    code = fingerprint(code_files("nlp/pipeline.py", "nlp/figures.py"))
    return compiled(f"patterns-{name}", ONTOLOGY_DIR, lambda: _compile_ruler_patterns(nlp), name, nlp.meta.get("version", ""), code)


def _compile_ruler_patterns(nlp: Language) -> RulerPatterns:
    patterns = entity_ruler_patterns(load_vocabulary(), lambda text: [t.text for t in nlp.make_doc(text)])
    texts = [entry["pattern"] for entry in patterns if isinstance(entry["pattern"], str)]
    phrases = {text: ([t.text for t in doc], [bool(t.whitespace_) for t in doc]) for text, doc in zip(texts, nlp.tokenizer.pipe(texts))}
    return RulerPatterns(patterns, phrases)


@contextlib.contextmanager
def phrases_replayed(nlp: Language, phrases: dict[str, tuple[list[str], list[bool]]]) -> Iterator[None]:
    """While open, `nlp` makes the Doc of each text of `phrases` from its recorded words and spaces, without
    running the tokenizer (which spends most of its time on the prefixes and suffixes of new words); other texts
    are tokenized as before."""
    tokenizer = nlp.tokenizer

    def replay(text: str) -> Doc:
        known = phrases.get(text)
        return tokenizer(text) if known is None else Doc(nlp.vocab, words=known[0], spaces=known[1])

    nlp.tokenizer = replay
    try:
        yield
    finally:
        nlp.tokenizer = tokenizer


def pipeline_description(nlp: Language) -> str:
    """A short name of the pipeline for provenance: the model and its version, or 'rules'."""
    name = nlp.meta.get("cgt_model", RULES_ONLY)
    if name == RULES_ONLY:
        return f"rules (spaCy {spacy.__version__})"
    return f"{name} {nlp.meta.get('version', '')}".strip()


def parse(nlp: Language, pairs: Iterable[tuple[str, object]], batch_size: int) -> Iterator[tuple[Doc, object]]:
    """`nlp.pipe(pairs, as_tuples=True)`, except that a text over CHUNK_CHARS is parsed by `parse_long_text`."""
    for long, run in itertools.groupby(pairs, key=lambda pair: len(pair[0]) > CHUNK_CHARS):
        if long:
            yield from ((parse_long_text(nlp, text), context) for text, context in run)
        else:
            docs = ((with_text(nlp.make_doc(text), text), context) for text, context in run)
            yield from nlp.pipe(docs, as_tuples=True, batch_size=batch_size)


def parse_long_text(nlp: Language, text: str) -> Doc:
    """One Doc for a text of any length: the tokenizer and the layout and model components see one piece
    of it at a time (`text_pieces`), joined into one Doc for our components, so memory stays flat."""
    piecewise = [name for name in nlp.pipe_names if name not in WHOLE_TEXT_COMPONENTS]
    with nlp.select_pipes(enable=piecewise):
        pieces = list(nlp.pipe(text_pieces(text, CHUNK_CHARS), batch_size=1))
    doc = with_text(Doc.from_docs(pieces, ensure_whitespace=False, exclude=["user_data", "tensor"]), text)
    for name, component in nlp.pipeline:
        if name in WHOLE_TEXT_COMPONENTS:
            doc = component(doc)
    return doc


def text_pieces(text: str, size: int) -> list[str]:
    """`text` cut into consecutive pieces of about `size` characters (at most twice that) that join back into it."""
    pieces, start = [], 0
    while len(text) - start > size:
        end = _piece_end(text, start, size)
        pieces.append(text[start:end])
        start = end
    return pieces + [text[start:]] if start < len(text) else pieces


def _piece_end(text: str, start: int, size: int) -> int:
    """Where the piece from `start` ends: after the whitespace that follows its last blank line, else line break,
    else space, where the tokenizer splits anyway (and a blank line starts a sentence anyway); else at `size`."""
    for mark in BREAKS:
        found = text.rfind(mark, start, start + size)
        if found >= start:
            return WHITESPACE.match(text, found + len(mark), start + 2 * size).end()
    return start + size
