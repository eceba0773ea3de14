"""spaCy components of cgt-kg, assembled by `kg.nlp.pipeline.load_pipeline`."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from spacy.tokens import Doc, Span


def text_of(doc: Doc) -> str:
    """The document's text, built once: spaCy rebuilds `doc.text` from its tokens on every access."""
    text = doc.user_data.get("cgt_text")
    if text is None:
        text = doc.user_data["cgt_text"] = doc.text
    return text


def parenthesised(doc: Doc) -> frozenset[int]:
    """Indices of the tokens that lie inside parentheses, computed once per document."""
    inside = doc.user_data.get("cgt_parenthesised")
    if inside is None:
        depth, indices = 0, set()
        for token in doc:
            if token.text == ")":
                depth = max(0, depth - 1)
            if depth:
                indices.add(token.i)
            if token.text == "(":
                depth += 1
        inside = doc.user_data["cgt_parenthesised"] = frozenset(indices)
    return inside


def entities_between(ents: Sequence[Span], start_char: int, end_char: int) -> list[Span]:
    """The entities of `ents` (non-overlapping, in text order) that lie between two offsets, found by bisection.

    A sentence's entities without `sentence.ents`, which rebuilds the whole document's
    entity list on every call and so makes a loop over sentences quadratic.
    """
    first = bisect_left(ents, start_char, key=lambda ent: ent.start_char)
    last = bisect_right(ents, end_char, key=lambda ent: ent.end_char)
    return list(ents[first:last])
