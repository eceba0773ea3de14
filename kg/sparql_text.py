"""SPARQL 1.1 as text: codepoint escapes, a lexer that follows the grammar's terminals, and the
few questions the store asks of a query before the engine runs it.

The lexer reads a query from left to right, taking at each position the terminal the
grammar defines there (IRIREF, prefixed names with their escapes, strings, comments, ...),
so a quote inside `ex:a\\'` or a `#` inside an IRI is never taken for the start of a
string or a comment. It answers questions of semantics (does the query name its own
dataset with FROM?), not of safety: what keeps untrusted queries off the network is
kg/sandbox.py, which runs the engine where there is no network.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.errors import UserError, close_names

MAX_QUERY_CHARS = 256_000
"""Longest query text accepted (256 k characters). The engine's parser recurses once per
nested group or operator; kg/sandbox.py gives it a stack that holds this much nesting."""

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_ECHAR = r"\\[tbnrf\\\"']"

_TERMINALS = [
    ("WS", r"[ \t\r\n]+"),
    ("COMMENT", r"#[^\r\n]*"),
    ("IRIREF", r'<[^<>"{}|^`\\\x00-\x20]*>'),
    ("STRING", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"),
    ("STRING", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'),
    ("STRING", f"'(?:[^'\\\\\\n\\r]|{_ECHAR})*'"),
    ("STRING", f'"(?:[^"\\\\\\n\\r]|{_ECHAR})*"'),
    ("PNAME", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("BNODE", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("VAR", f"[?$]{_VARNAME}"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("NUMBER", r"(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?"),
    ("NAME", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/!=<>^|?]"),
]
@functools.cache
def _lexer() -> re.Pattern:
    """The SPARQL token pattern, compiled on first use (20 ms: commands that never lex a query skip it)."""
    return re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_TERMINALS)))


@dataclass(frozen=True)
class Token:
    """One terminal of a query: its kind (IRIREF, STRING, PNAME, NAME, PUNCT, ...), text and offset."""

    kind: str
    text: str
    start: int


class SparqlTextError(UserError):
    """A query that cannot be read as SPARQL text (too long, or a character no terminal starts with)."""


def unescape_codepoints(text: str) -> str:
    """The query with its \\uXXXX and \\UXXXXXXXX escapes replaced, as SPARQL does before parsing (19.2)."""
    def replace(match: re.Match) -> str:
        value = int(match.group(1) or match.group(2), 16)
        return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else match.group(0)

    return _CODEPOINT.sub(replace, text)


def check_length(text: str) -> None:
    """SparqlTextError when a query is longer than MAX_QUERY_CHARS."""
    if len(text) > MAX_QUERY_CHARS:
        raise SparqlTextError(f"the query is {len(text):,} characters long, over the limit of {MAX_QUERY_CHARS:,}")


def tokens(text: str) -> list[Token]:
    """The terminals of a query, comments and white space left out; SparqlTextError where none fits."""
    check_length(text)
    text = unescape_codepoints(text)
    lexer = _lexer()
    found, position = [], 0
    while position < len(text):
        match = lexer.match(text, position)
        if match is None:
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
            raise SparqlTextError(f"SPARQL syntax error at {line}:{column}: unexpected {text[position]!r}")
        kind = re.sub(r"\d+$", "", match.lastgroup)
        if kind not in ("WS", "COMMENT"):
            found.append(Token(kind, match.group(), position))
        position = match.end()
    return found


def keywords(text: str) -> set[str]:
    """The upper-cased keywords of a query (SELECT, FROM, SERVICE, ...), names in IRIs, strings and comments left out."""
    return {token.text.upper() for token in tokens(text) if token.kind == "NAME"}


def names_own_dataset(text: str) -> bool:
    """True when a query sets its own RDF dataset with FROM or FROM NAMED (then it must not be overridden).

    A text the lexer cannot read is left to the engine, whose parser gives the better message.
    """
    try:
        return "FROM" in keywords(text)
    except SparqlTextError:
        return False


PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
CHARACTER_RANGES = re.compile(r"\[[^\[\]]*(?:\.\.|'\\u\{)[^\[\]]*\]|\['[^\]]{1,6}'\]|\[[^\[\]]*\|[^\[\]]*\]")


def unknown_prefixes(sparql: str) -> list[tuple[str, int]]:
    """Prefixed names whose prefix is neither predefined nor declared in the query, with their offsets."""
    try:
        found = tokens(sparql)
    except SparqlTextError:
        return []
    from kg.namespaces import PREFIXES

    declared = set(PREFIXES) | {m.group(1) or "" for m in PREFIX_DECLARATION.finditer(sparql)}
    unknown = []
    for token in found:
        if token.kind == "PNAME":
            prefix = token.text.split(":", 1)[0]
            if prefix not in declared:
                unknown.append((prefix, token.start))
    return unknown


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}"


def readable_query_error(sparql: str, message: str) -> str:
    """One line a person can act on: an unknown prefix with the close ones we know, else the parser's message
    without its lists of character ranges."""
    from kg.namespaces import PREFIXES

    unknown = unknown_prefixes(sparql)
    if unknown:
        prefix, offset = unknown[0]
        close = close_names(prefix, PREFIXES, n=1)
        hint = f"; did you mean {close[0]}:?" if close else ""
        return (f"unknown prefix '{prefix}:' at {_position(sparql, offset)}{hint} "
                f"(predefined: {', '.join(p + ':' for p in PREFIXES)}; declare others with PREFIX)")
    cleaned = CHARACTER_RANGES.sub("", message)
    cleaned = re.sub(r"Prefix not found,?\s*", "", cleaned)
    cleaned = re.sub(r"(?:,\s*)+(?=,|$)", "", re.sub(r"\s*,\s*(?:,\s*)+", ", ", cleaned)).strip().rstrip(",")
    cleaned = re.sub(r"expected one of\s*$", "the query cannot be read on from here (check quotes, brackets and names)", cleaned)
    return " ".join(cleaned.split())
