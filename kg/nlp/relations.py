"""Relation finder: typed entity pairs in a sentence, linked by the words between them.

The rules are data (ontology/patterns/relations.toml). Entities joined by
coordination form one group, so a relation to "leukemia and lymphoma" holds for
each member.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.ontology import ONTOLOGY_DIR, load_vocabulary

MACROS = {
    "{DET}": r"(?:(?:the|a|an|its|their|his|her|our)\s+)?",
    "{W}": r"(?:[^\s<>]+\s+){0,3}",
    "{WS}": r"(?:[^\s<>]+\s+){0,8}",
}
COORDINATION = re.compile(r"\s*(?:,|,?\s*and|,?\s*or|&|/|,?\s*as well as|,?\s*along with)\s*", re.I)
MAX_GAP_TOKENS = 40


@dataclass(frozen=True)
class RelationRule:
    """One relation shape: entity types on both sides and the words that must lie between."""

    name: str
    predicate: str
    left: frozenset[str]
    right: frozenset[str]
    between: re.Pattern | None
    group_scope: bool
    reverse: bool
    confidence: float
    left_class: frozenset[str] | None
    right_class: frozenset[str] | None
    context_before: re.Pattern | None
    context_after: re.Pattern | None


@dataclass(frozen=True)
class RelationMention:
    """A relation between two entity spans of a document, before resolution to IRIs."""

    subject: Span
    predicate: str
    object: Span
    sentence: Span
    rule: str
    confidence: float


def _compile(pattern: str | None, anchored: bool = True) -> re.Pattern | None:
    if pattern is None:
        return None
    for macro, expansion in MACROS.items():
        pattern = pattern.replace(macro, expansion)
    return re.compile(pattern, re.I)


@functools.lru_cache(maxsize=1)
def load_rules() -> tuple[RelationRule, ...]:
    """Read ontology/patterns/relations.toml into compiled rules."""
    with open(ONTOLOGY_DIR / "patterns" / "relations.toml", "rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        RelationRule(
            name=item["name"],
            predicate=item["predicate"],
            left=frozenset(item["left"]),
            right=frozenset(item["right"]),
            between=_compile(item.get("between")),
            group_scope=item.get("scope") == "group",
            reverse=item.get("reverse", False),
            confidence=item["confidence"],
            left_class=frozenset(item["left_class"]) if "left_class" in item else None,
            right_class=frozenset(item["right_class"]) if "right_class" in item else None,
            context_before=_compile(item.get("context_before")),
            context_after=_compile(item.get("context_after")),
        )
        for item in data["rule"]
    )


def coordination_groups(doc: Doc, ents: list[Span], type_of) -> list[list[Span]]:
    """Entities of one type joined by 'and', 'or' or commas, as groups in text order."""
    groups: list[list[Span]] = []
    for ent in ents:
        if groups:
            last = groups[-1][-1]
            gap = doc.text[last.end_char : ent.start_char]
            if type_of(last.label_) == type_of(ent.label_) and COORDINATION.fullmatch(gap):
                groups[-1].append(ent)
                continue
        groups.append([ent])
    return groups


def masked_text(doc: Doc, start_char: int, end_char: int, ents: list[Span], type_of) -> str:
    """The text between two offsets with each entity in it replaced by <Type>."""
    pieces, cursor = [], start_char
    for ent in ents:
        if ent.start_char >= start_char and ent.end_char <= end_char:
            pieces.append(doc.text[cursor : ent.start_char])
            pieces.append(f"<{type_of(ent.label_)}>")
            cursor = ent.end_char
    pieces.append(doc.text[cursor:end_char])
    return re.sub(r"\s+", " ", "".join(pieces))


class RelationFinder:
    """Applies the relation rules to every pair of entity groups in every sentence."""

    def __init__(self):
        self.rules = load_rules()
        self.type_of = load_vocabulary().type_of

    def __call__(self, doc: Doc) -> Doc:
        found: dict[tuple, RelationMention] = {}
        for sentence in doc.sents:
            ents = list(sentence.ents)
            groups = coordination_groups(doc, ents, self.type_of)
            candidates = [m for group in groups if len(group) > 1 for m in self._match_group(doc, sentence, ents, group)]
            for i, left in enumerate(groups):
                for right in groups[i + 1 :]:
                    if right[0].start - left[-1].end > MAX_GAP_TOKENS:
                        break
                    candidates.extend(self._match(doc, sentence, ents, left, right))
            for mention in candidates:
                key = (mention.subject.start, mention.predicate, mention.object.start)
                if key not in found or found[key].confidence < mention.confidence:
                    found[key] = mention
        doc._.cgt_relations = sorted(found.values(), key=lambda m: (m.sentence.start, m.subject.start, m.object.start))
        return doc

    def _context_holds(self, rule, doc, sentence, ents, first: Span, last: Span) -> bool:
        before = masked_text(doc, sentence.start_char, first.start_char, ents, self.type_of)
        after = masked_text(doc, last.end_char, sentence.end_char, ents, self.type_of)
        return (rule.context_before is None or bool(rule.context_before.search(before))) and (
            rule.context_after is None or bool(rule.context_after.search(after))
        )

    def _match_group(self, doc, sentence, ents, group):
        """Relations among the members of one coordination ("A and B formed a partnership")."""
        group_type = self.type_of(group[0].label_)
        for rule in self.rules:
            if not rule.group_scope or group_type not in rule.left:
                continue
            if not self._context_holds(rule, doc, sentence, ents, group[0], group[-1]):
                continue
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if a.ent_id_ != b.ent_id_ or not a.ent_id_:
                        yield RelationMention(a, rule.predicate, b, sentence, rule.name, rule.confidence)

    def _match(self, doc, sentence, ents, left, right):
        left_type, right_type = self.type_of(left[0].label_), self.type_of(right[0].label_)
        between = masked_text(doc, left[-1].end_char, right[0].start_char, ents, self.type_of)
        gap = right[0].start - left[-1].end
        for rule in self.rules:
            if rule.group_scope or left_type not in rule.left or right_type not in rule.right:
                continue
            if not rule.between.fullmatch(between):
                continue
            if not self._context_holds(rule, doc, sentence, ents, left[0], right[-1]):
                continue
            confidence = rule.confidence * max(0.5, 1 - 0.015 * max(0, gap - 6))
            for a in left:
                if rule.left_class and a.label_ not in rule.left_class:
                    continue
                for b in right:
                    if rule.right_class and b.label_ not in rule.right_class:
                        continue
                    if a.ent_id_ and a.ent_id_ == b.ent_id_:
                        continue
                    subject, obj = (b, a) if rule.reverse else (a, b)
                    yield RelationMention(subject, rule.predicate, obj, sentence, rule.name, confidence)


@Language.factory("cgt_relations")
def make_relation_finder(nlp: Language, name: str) -> RelationFinder:
    if not Doc.has_extension("cgt_relations"):
        Doc.set_extension("cgt_relations", default=None)
    return RelationFinder()
