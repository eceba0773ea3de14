"""spaCy components of cgt-kg, assembled by `kg.nlp.pipeline.load_pipeline`."""

from __future__ import annotations

from spacy.tokens import Doc


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
