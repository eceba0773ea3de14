"""Assembles the spaCy pipeline: an installed model (or none) plus the cgt-kg components.

The same components run in both modes. With a statistical model they also use its
parse and named entities; rules-only mode runs on `spacy.blank("en")`.
"""

from __future__ import annotations

import functools
import gc
import itertools
import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_prefix_regex, compile_suffix_regex

from kg.errors import UserError
from kg.models import RULES_ONLY, resolve_model_name
from kg.nlp import entities, figures, relations  # noqa: F401  (registers the cgt_* factories)
from kg.ontology import entity_ruler_patterns, load_vocabulary


CHUNK_CHARS = 100_000
"""Longest text the components before ours see at once: the parser needs about 1 GB per 100,000 words of one Doc."""
WHOLE_TEXT_COMPONENTS = ("cgt_vocabulary", "cgt_names", "cgt_figures", "cgt_relations")
"""Our components read the whole text at once (a name a text defines holds everywhere in it)."""
BREAKS = ("\n\n", "\n", " ")
WHITESPACE = re.compile(r"\s*")

CURRENCY_PREFIXES = figures.load_figure_patterns().currency_prefixes
"""Currency codes written against a number ("USD14.2"), from ontology/patterns/figures.toml."""


def _customise_tokenizer(nlp: Language) -> None:
    """Split '1.8bn' and 'USD14.2' so amounts and currencies are tokens of their own."""
    suffixes = [r"(?<=[0-9])(?:bn|mn|tn|m|b|k)(?=$)", r"(?<=^[A-Z])\.$", *nlp.Defaults.suffixes]
    prefixes = [rf"{code}(?=[0-9])" for code in CURRENCY_PREFIXES] + list(nlp.Defaults.prefixes)
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    # "hemophilia B." at the end of a sentence: a capital letter and a full stop are two tokens
    nlp.tokenizer.rules = {text: rule for text, rule in nlp.tokenizer.rules.items() if not re.fullmatch(r"[A-Z]\.", text)}
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


@functools.lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    """Load the named spaCy pipeline (or rules-only) and add the cgt-kg components, once per process."""
    name = resolve_model_name(model)
    if name == RULES_ONLY:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(name)
        except OSError as error:
            raise UserError(
                f"spaCy pipeline {name!r} is not installed: install it (pip install 'cgt-kg[model]') "
                f"or pass --model rules"
            ) from error
    _customise_tokenizer(nlp)
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("cgt_line_breaks", before=first) if first else nlp.add_pipe("cgt_line_breaks")
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    vocabulary = load_vocabulary()
    ruler = nlp.add_pipe(
        "cgt_vocabulary_ruler",
        name="cgt_vocabulary",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": False},
    )
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(entity_ruler_patterns(vocabulary, lambda text: [t.text for t in nlp.make_doc(text)]))
    nlp.add_pipe("cgt_names")
    nlp.add_pipe("cgt_figures")
    nlp.add_pipe("cgt_relations")
    nlp.meta["cgt_model"] = name
    # The vocabulary graphs and the pipeline live as long as the process: left to the cyclic collector, each of
    # its full passes walks their 250,000 objects again (0.16 s) while documents are extracted.
    gc.freeze()
    return nlp


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
            yield from nlp.pipe(run, as_tuples=True, batch_size=batch_size)


def parse_long_text(nlp: Language, text: str) -> Doc:
    """One Doc for a text of any length: the tokenizer and the layout and model components see one piece
    of it at a time (`text_pieces`), joined into one Doc for our components, so memory stays flat."""
    piecewise = [name for name in nlp.pipe_names if name not in WHOLE_TEXT_COMPONENTS]
    with nlp.select_pipes(enable=piecewise):
        pieces = list(nlp.pipe(text_pieces(text, CHUNK_CHARS), batch_size=1))
    doc = Doc.from_docs(pieces, ensure_whitespace=False, exclude=["user_data", "tensor"])
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
