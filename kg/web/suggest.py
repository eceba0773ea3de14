""""Did you mean" for the explorer: close names among a list (canned queries, prefixes), and a SPARQL
error in one readable line (an unknown prefix named with the prefixes we know, never the parser's
list of Unicode character ranges)."""

from __future__ import annotations

import difflib
import re

from kg.namespaces import PREFIXES
from kg.sparql_text import SparqlTextError, tokens

PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
CHARACTER_RANGES = re.compile(r"\[[^\[\]]*(?:\.\.|'\\u\{)[^\[\]]*\]|\['[^\]]{1,6}'\]|\[[^\[\]]*\|[^\[\]]*\]")


def close_names(name: str, choices, n: int = 3) -> list[str]:
    """The choices that contain the name or are spelled close to it, best first."""
    lowered = name.lower()
    containing = [c for c in choices if lowered and lowered in c.lower()]
    return list(dict.fromkeys(containing + difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)))[:n]


def unknown_prefixes(sparql: str) -> list[tuple[str, int]]:
    """Prefixed names whose prefix is neither predefined nor declared in the query, with their offsets."""
    try:
        found = tokens(sparql)
    except SparqlTextError:
        return []
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
