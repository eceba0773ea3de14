"""Relation finder: typed entity pairs in a sentence, linked by the words between them.

The rules are data (ontology/patterns/relations.toml). Entities joined by
coordination form one group, so a relation to "leukemia and lymphoma" holds for
each member.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import (entities_between, lower_words, once_per_document, orth_words, parenthesised, sentences_of, span_text, string_ids,
                    text_of, token_offsets, tokens_with)
from kg.ontology import ONTOLOGY_DIR, load_vocabulary, rule_precision

MACROS = {
    "{DET}": r"(?:(?:the|a|an|its|their|his|her|our)\s+)?",
    # What opens a product's description after its name, past a bracketed other name: ", an", ", which is a", " is a"
    # ("Carvykti (ciltacabtagene autoleucel) is a BCMA-directed ... immunotherapy indicated for").
    "{DESCRIBED_AS}": r"\s*(?:\((?:[^()<>]|<Therapy>){0,60}\)\s*)?(?:,\s*(?:is |was |which is |that is )?|(?:is|was)\s+)(?:an? |the )?",
    "{W}": r"(?:[^\s<>]+\s+){0,3}",
    "{WS}": r"(?:[^\s<>]+\s+){0,8}",
    # What may stand between a party and its verb: a short clause in commas, or a description that may name others
    # ("SK Inc., the holding company of <Company>, said ..."), then what the party said it did ("said Sunday that it").
    # A ticker or other name in brackets may come first ("Halden Bio PLC (LON:HDB), a CDMO, has ...").
    "{APPOS}": r"(?:\([^()<>]{1,40}\)\s*)?(?:,\s*(?:(?:the|a|an)\s+[^;()]{0,110}?|[^<>]{0,80}?),\s*)?",
    "{PLEASED}": r"(?:is|are)\s+(?:pleased|delighted|proud|happy|excited|thrilled)\s+to\s+announce",
    "{SAID}": r"(?:(?:announced|said|confirmed|disclosed|reported|{PLEASED})\s+(?:(?:on\s+)?[A-Z][a-z]+day\s+|today\s+|this week\s+|yesterday\s+)?(?:that\s+)?(?:it\s+|the company\s+)?)?",
    # Up to three plain words, none of them "for": "develop the production process for X" is a service to X's owner.
    "{W_NOT_FOR}": r"(?:(?!for\s)[^\s<>]+\s+){0,3}",
    # The verbs a first verb shares its object with: "develop, manufacture and commercialize", "co-develop and co-commercialise".
    "{AND_VERBS}": r"(?:\s*,\s*(?:co-?)?[a-z]+){0,3}(?:,?\s+and\s+(?:co-?)?[a-z]+)?",
    # When a thing was done, between a verb and its object: "partnered this month with", "signed last year a ...".
    "{WHEN}": r"(?:(?:this|last|next|earlier this|later this) (?:month|week|year|quarter|spring|summer|autumn|fall|winter)|in (?:early |late |mid-)?(?:[A-Z][a-z]+ )?(?:19|20)\d\d|on [A-Z][a-z]+day|earlier|recently),?\s+",
    # The patients and stage a therapy's disease is written with: "adult patients with moderate to severe", "relapsed/refractory",
    # "adult and pediatric patients with".
    "{DISEASE_QUALIFIERS}": r"(?:(?:(?:the|a|an|its|their)\s+)|adult |adults with |paediatric |pediatric |(?:and|or|and/or) (?=\w+ (?:patients|children|adults)\b)|{PATIENTS}|certain |some |eligible "
                            r"|relapsed or refractory |relapsed/refractory |r/r |(?:mild|moderate)(?: to (?:moderate|severe))? |severe |advanced "
                            r"|early-stage |late-stage |rare |inherited |transfusion-dependent "
                            r"|(?:unresectable|inoperable|metastatic|recurrent|locally advanced)(?: or| and| and/or)? )*",
    # Patients described before their disease: "patients at least 12 years old with", "adult patients with".
    "{PATIENTS}": r"(?:patients|people|children|adults|infants)\s+(?:(?:aged|at least|over|under|older|younger|than|\d+|years?|months?|old|and|or|of|age|who|are)\s+){0,6}with\s+",
    # A description of a product: plain words, commas and the technologies, modalities and delivery methods
    # it names ("an autologous, armoured GPC3-targeted <Therapy>"), never a sentence or clause break.
    "{DESC}": r"(?:[^<>.;:()]|<(?:Technology|Therapy|DeliveryMethod|Disease)>|\((?:[^()<>]|<(?:Technology|Therapy|DeliveryMethod)>){0,40}\)){0,140}?",
    # What a company is, written before its name ("Singapore government investment firm", "US company"): plain
    # words and the places they name, after "led by", "from" or a comma of a list.
    "{ORG_DESC}": r"(?:(?:[^\s<>]+|<(?:Country|Region)>)\s+){0,6}?",
    # The same, which may also name the product's developer ("a CAR-T treatment developed by <Company>, targeting").
    "{DESC_BY}": r"(?:[^<>.;:()]|<(?:Technology|Therapy|DeliveryMethod|Company)>|\((?:[^()<>]|<(?:Technology|Therapy|DeliveryMethod)>){0,40}\)){0,160}?",
}
INCLUDED = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:[^,;.()<>]{0,60}?,\s*(?:including|such as|notably|e\.g\.,?)|,?\s*(?:known as|called|namely)"
                      r"|\s+(?:like|such as|including|especially|particularly)\s+(?:[a-z][a-z/-]*\s+){0,2}"
                      r"|\s+(?:due to|caused by|secondary to|resulting from)\s+(?:an?\s+|the\s+)?"
                      r"|,\s*(?:an?|one)\s+(?!(?:[a-z-]+\s+){0,2}?(?:years?|months?|weeks?|days?|decades?|after|before|since)\b)"
                      r"(?:[a-z-]+\s+){0,2}?(?:form of\s+|type of\s+|kind of\s+)?)\s*", re.I)
"""The words between a disease and the diseases listed as part of it, naming it more closely or saying what it is: ',
including', ' after two lines of therapy, such as', ' known as', ' like refractory/relapsed', ', a chronic' ('Primary
Biliary Cholangitis, a chronic liver disease'), ' due to' ('vision loss due to inherited retinal dystrophy')."""
TREATED_AFTER_PRODUCT = re.compile(r"\s+for\s+(?:the\s+)?(?:treatment of\s+)?")
"""The words between a listed product and what it is for: 'UCART123 for acute myeloid leukemia'."""
SET_REACH = 3
"""Sentences beyond one per product in which the products of a counted set may be named."""
LISTING = re.compile(r"\binclud(?:e|es|ed|ing)\b|:", re.I)
"""A sentence that lists products rather than naming one: 'The newly added medicines include A, B and C'."""
COORDINATION = re.compile(r"\s*\)?\s*(?:,|,?\s*and|,?\s*or|&|/|,?\s*as well as|,?\s*along with)\s*", re.I)
INCLUDED_PRODUCTS = re.compile(r"\s*(?:\([^()]*\)\s*)?,?\s*(?:including|such as|notably|namely|like|e\.g\.,?)\s+|\s+", re.I)
"""The words between a modality and the first of the products listed as its members: ', including', ' such as', or
none ('Novartis gene therapy products Luxturna and Zolgensma', 'its CAR-T therapy Kymriah')."""
BRACKETED_ALIAS = re.compile(r"\s*\(\s*")
"""A list member may carry its abbreviation in brackets ('diffuse large B-cell lymphoma (DLBCL), FL and MCL'); a company
in brackets after another is its owner or its ticker's, never a list member."""
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
    nearest_only: bool = False
    """Relate only the nearest member of each group: an apposition right after a coordination describes its last
    member ('Pfizer and Beam, a company developing medicines through base editing')."""


@dataclass(frozen=True)
class DependencyRule:
    """One relation shape over the parse: entity types and the trigger words on the path between them."""

    name: str
    predicate: str
    left: frozenset[str]
    right: frozenset[str]
    left_class: frozenset[str] | None
    right_class: frozenset[str] | None
    triggers: frozenset[str]
    edges: frozenset[str]
    symmetric: bool
    confidence: float
    blockers: frozenset[str] = frozenset()
    """Words that, between the two names, make the trigger's reading wrong ('develop the process for X')."""


@dataclass(frozen=True)
class RelationCues:
    """The cue words of the relation finder, from the [cues] table of relations.toml or the component's config."""

    clause_breaks: frozenset[str]
    clause_words: frozenset[str]
    agent_prepositions: frozenset[str]
    raised_things: frozenset[str]
    stated_technology: re.Pattern
    anaphors: dict[str, str]
    new_referent_words: frozenset[str]
    raise_verbs: frozenset[str]
    trial_approval: re.Pattern
    grant_verbs: frozenset[str] = frozenset()
    described_member: re.Pattern | None = None
    counted_products: re.Pattern | None = None
    """'two cutting-edge experimental therapies', 'three new treatments': a counted set of products named afterwards."""
    set_counts: dict[str, int] | None = None
    """How many products each count word of `counted_products` stands for ('several' is three)."""
    report_verbs: frozenset[str] = frozenset()
    """'said', 'announced': a trigger right after the party they report on is that party's own verb."""
    approve_verbs: frozenset[str] = frozenset()
    """Verbs of an agency's approval of a counted set of products named afterwards ('the FDA approved two therapies')."""
    receiving_words: frozenset[str] = frozenset()
    """Words after 'it' that make it the product a designation right after goes to ('it received orphan designation')."""
    numbered_labels: frozenset[str] = frozenset()
    """Words before a number that make it a label ('a Phase 1 gene therapy'), not a count."""
    qualified_member: re.Pattern | None = None
    """What joins two diseases of a list when the second is qualified by its patients or stage ('and adult relapsed')."""
    investor_anaphors: frozenset[str] = frozenset()
    """Nouns for the investors of the last financing that open a sentence listing them ('Other investors are A, B')."""
    investor_modifiers: frozenset[str] = frozenset()
    """Words that may stand before such a noun ('other', 'existing')."""
    financing_nouns: frozenset[str] = frozenset()
    """Nouns for a financing whose sources a sentence may list ('The round was led by', 'This new funding comes from')."""
    list_ends: frozenset[str] = frozenset()
    """Words after which a sentence listing investors goes on to something else ('... from A before B acquired C')."""
    investor_partner_nouns: frozenset[str] = frozenset()
    """Nouns joined to the investors a sentence opens on ('Existing investors and partners')."""
    joining_verbs: frozenset[str] = frozenset()
    """Verbs after which those investors are listed ('Existing investors also participated, including A and B')."""
    joined_list_openers: frozenset[str] = frozenset()
    """Words that may stand between such a verb and the first investor listed ('participated in the round, including')."""
    elided_subject_verbs: frozenset[str] | None = None
    """Verbs of deals after which a clause behind a semicolon shares the sentence's opening company."""
    round_nouns: frozenset[str] = frozenset()
    """Nouns for a financing round (the round_anaphors): 'X announced a $65 million Series A-1 financing' raised money."""
    joint_work: re.Pattern | None = None
    """A pair anaphor and then a verb of development ('The pair first teamed up in 2017 to find and develop'): the two
    companies named last work on the therapy that follows."""
    pair_words: frozenset[str] = frozenset()
    """The last words of the pair anaphors ('pair', 'companies'): a sentence without one is not read for `joint_work`."""

    @classmethod
    def from_config(cls, cues: dict[str, list[str] | dict[str, int]]) -> RelationCues:
        """The lists of a config; the technology words become one pattern ('AAV-based')."""
        words = {name: frozenset(w.lower() for w in cues[name])
                 for name in ("clause_words", "agent_prepositions", "raised_things", "new_referent_words", "raise_verbs", "grant_verbs",
                              "report_verbs", "approve_verbs", "receiving_words", "numbered_labels", "investor_anaphors",
                              "investor_modifiers", "financing_nouns", "list_ends", "investor_partner_nouns", "joining_verbs",
                              "joined_list_openers")
                 if name in cues}
        stated = "|".join(re.escape(w) for w in cues["stated_technology"])
        anaphors = ({w: "Company" for w in cues["company_anaphors"]} | {w: "TherapyProduct" for w in cues["product_anaphors"]}
                    | {w: ROUND for w in cues["round_anaphors"]})
        trial = "|".join(re.escape(w) for w in cues["trial_approval_words"])
        heads = "|".join(re.escape(w) for w in sorted({*cues["company_anaphors"], *cues.get("company_description_heads", [])}))
        described = re.compile(rf"\s*(?:,|,?\s*and)\s+(?:the\s+)?(?:[\w.'’-]+\s+){{0,5}}?(?:{heads})\s+", re.I)
        set_counts = {word.lower(): int(number) for word, number in cues.get("set_counts", {}).items()}
        counts = "|".join(re.escape(w) for w in set_counts)
        nouns = "|".join(re.escape(w) for w in cues.get("set_product_nouns", []))
        counted = re.compile(rf"\b({counts})\s+(?:[\w-]+\s+){{0,3}}?(?:{nouns})\b", re.I) if counts and nouns else None
        qualifiers = "|".join(re.escape(w) for w in sorted(cues.get("disease_list_qualifiers", []), key=len, reverse=True))
        qualified = re.compile(rf"\s*\)?\s*(?:,|,?\s*and|,?\s*or)\s+(?:(?:{qualifiers})(?:\s+(?:or|and)\s+|\s+|\s*/\s*|\s*,\s*))+", re.I) if qualifiers else None
        pairs = "|".join(re.escape(w) for w in cues.get("pair_anaphors", []))
        work = "|".join(re.escape(w) for w in cues.get("joint_work_verbs", []))
        joint_work = re.compile(rf"\b(?:{pairs})\b[^.;:]{{0,100}}?\b(?:{work})\b", re.I) if pairs and work else None
        pair_words = frozenset(w.split()[-1].lower() for w in cues.get("pair_anaphors", []))
        return cls(clause_breaks=frozenset(cues["clause_breaks"]), joint_work=joint_work, pair_words=pair_words, stated_technology=re.compile(rf"-?\b(?:{stated})\b", re.I),
                   anaphors=anaphors, trial_approval=re.compile(rf"\b(?:{trial})\b", re.I), described_member=described,
                   counted_products=counted, set_counts=set_counts, qualified_member=qualified, elided_subject_verbs=frozenset(cues["elided_subject_verbs"]) if "elided_subject_verbs" in cues else None,
                   round_nouns=frozenset(w.lower() for w in cues["round_anaphors"]),
                   **words)


@dataclass(frozen=True)
class RelationMention:
    """A relation between two entity spans of a document, before resolution to IRIs."""

    subject: Span
    predicate: str
    object: Span
    sentence: Span
    rule: str
    confidence: float


@dataclass
class CountedSet:
    """A designation granted to, or an approval of, a counted set of products not yet named ('two experimental
    therapies'): `designation` is the designation, or the approving agency when `predicate` is approvedBy."""

    designation: Span
    granting: Span
    """The sentence that grants it."""
    left: int
    """Products still to be named."""
    sentences_left: int
    given: set[str] = field(default_factory=set)
    """The products (entity id or lower-case text) that received it already."""
    predicate: str = "grantedDesignation"


def _compile(pattern: str | None) -> re.Pattern | None:
    if pattern is None:
        return None
    while any(macro in pattern for macro in MACROS):  # a macro may hold another ({DISEASE_QUALIFIERS} holds {PATIENTS})
        for macro, expansion in MACROS.items():
            pattern = pattern.replace(macro, expansion)
    return re.compile(pattern, re.I)


def _classes(item: dict, key: str) -> frozenset[str] | None:
    return frozenset(item[key]) if key in item else None


@functools.lru_cache(maxsize=1)
def _rule_data() -> dict:
    with open(ONTOLOGY_DIR / "patterns" / "relations.toml", "rb") as handle:
        return tomllib.load(handle)


@functools.lru_cache(maxsize=1)
def load_dependency_rules() -> tuple[DependencyRule, ...]:
    """The [[dependency]] rules of ontology/patterns/relations.toml."""
    return tuple(
        DependencyRule(
            name=item["name"],
            predicate=item["predicate"],
            left=frozenset(item["left"]),
            right=frozenset(item["right"]),
            left_class=_classes(item, "left_class"),
            right_class=_classes(item, "right_class"),
            triggers=frozenset(item.get("triggers", ())),
            edges=frozenset(item.get("edges", ())),
            symmetric=item.get("symmetric", False),
            confidence=item["confidence"],
            blockers=frozenset(item.get("blockers", ())),
        )
        for item in _rule_data().get("dependency", [])
    )


@functools.lru_cache(maxsize=1)
def load_rules() -> tuple[RelationRule, ...]:
    """The [[rule]] token-pattern rules of ontology/patterns/relations.toml, compiled."""
    data = _rule_data()
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
            left_class=_classes(item, "left_class"),
            right_class=_classes(item, "right_class"),
            context_before=_compile(item.get("context_before")),
            context_after=_compile(item.get("context_after")),
            nearest_only=item.get("nearest_only", False),
        )
        for item in data["rule"]
    )


def rule_priors() -> dict[str, float]:
    """The confidence each relation rule states in relations.toml (window readings of a dependency rule at its
    discount): what calibration smooths a rule's measured precision toward."""
    priors = {rule.name: rule.confidence for rule in load_rules()}
    for rule in load_dependency_rules():
        priors[rule.name] = rule.confidence
        priors[rule.name.replace(".dep", ".window")] = rule.confidence * WINDOW_DISCOUNT
    return priors


PARTY_TYPES = ("Company", "Agency")
"""Names in brackets after one of these are its owner or its ticker's, never the next member of its list."""


def _list_goes_on(text: str, last: Span, ent: Span, kind: str, qualified_member: re.Pattern | None) -> bool:
    """Whether `ent` is the next member of the list `last` ends, by the text between them (`coordination_groups`)."""
    gap = text[last.end_char : ent.start_char]
    if kind in PARTY_TYPES:
        return not gap.lstrip().startswith(")") and bool(COORDINATION.fullmatch(gap))
    if COORDINATION.fullmatch(gap) or (kind == "Disease" and qualified_member is not None and qualified_member.fullmatch(gap)):
        return True
    return bool(BRACKETED_ALIAS.fullmatch(gap)) and text[ent.end_char : ent.end_char + 1] == ")"


def coordination_groups(doc: Doc, ents: list[Span], type_of, described_member: re.Pattern | None = None,
                        qualified_member: re.Pattern | None = None) -> list[list[Span]]:
    """Entities of one type joined by 'and', 'or' or commas, as groups in text order. With `described_member`,
    a company list goes on over members written with what they are ('A, Japanese investment fund B, US company C
    and Belgian fund D'), the places in those descriptions left out of the group; with `qualified_member`, a list of
    diseases goes on over the patients or stage a member is qualified by ('B-cell ALL and adult relapsed/refractory DLBCL')."""
    groups: list[list[Span]] = []
    for ent in ents:
        if groups:
            last = groups[-1][-1]
            kind = type_of(ent.label_)
            if type_of(last.label_) == kind and _list_goes_on(text_of(doc), last, ent, kind, qualified_member):
                groups[-1].append(ent)
                continue
            if described_member is not None and ent.label_ == "Company":
                places = 0
                while places < len(groups) - 1 and all(type_of(e.label_) in ("Country", "Region") for e in groups[-1 - places]):
                    places += 1
                company = groups[-1 - places][-1]
                if company.label_ == "Company" and described_member.fullmatch(text_of(doc)[company.end_char : ent.start_char]):
                    del groups[len(groups) - places :]
                    groups[-1].append(ent)
                    continue
        groups.append([ent])
    return groups


CLOSING_BRACKET = re.compile(r"\s*\)")


def _past_closing_bracket(doc: Doc, name: Span) -> int:
    """Where the words after a name start: past the closing bracket when the name is the other name of one before it
    in brackets ('Oxford Biomedica PLC (LON:OXB), a CDMO, has expanded ...')."""
    closing = CLOSING_BRACKET.match(text_of(doc), name.end_char)
    return closing.end() if closing and name.start > 0 and doc[name.start - 1].text in ("(", ":") else name.end_char


def masked_text(doc: Doc, start_char: int, end_char: int, ents: list[Span], type_of) -> str:
    """The text between two offsets with each entity of `ents` (in text order) in it replaced by <Type> (a regulation by its class)."""
    pieces, cursor, text = [], start_char, text_of(doc)
    for ent in entities_between(ents, start_char, end_char):
        pieces.append(text[cursor : ent.start_char])
        top = type_of(ent.label_)
        pieces.append(f"<{ent.label_ if top == 'Regulation' else top}>")
        cursor = ent.end_char
    pieces.append(text[cursor:end_char])
    return WHITESPACE_RUN.sub(" ", "".join(pieces))


WHITESPACE_RUN = re.compile(r"\s+")


class RelationFinder:
    """Applies the relation rules to every pair of entity groups in every sentence."""

    def __init__(self, cues: RelationCues):
        self.cues = cues
        self.rules = load_rules()
        self.dependency_rules = load_dependency_rules()
        self.vocabulary = load_vocabulary()
        self.type_of = self.vocabulary.type_of
        self.precision = rule_precision()
        self.pair_rules: dict[tuple[str, str], tuple[RelationRule, ...]] = {}
        self.window_rules: dict[tuple[str, str], tuple] = {}

    def _pair_rules(self, left_type: str, right_type: str) -> tuple[RelationRule, ...]:
        """The token-pattern rules (not group rules) from an entity of one type to one of another, in rule order."""
        key = (left_type, right_type)
        if key not in self.pair_rules:
            self.pair_rules[key] = tuple(r for r in self.rules if not r.group_scope and left_type in r.left and right_type in r.right)
        return self.pair_rules[key]

    def _base(self, name: str, default: float) -> float:
        """A rule's confidence before distance penalties: its measured precision when known."""
        return self.precision.get(name, default)

    def __call__(self, doc: Doc) -> Doc:
        found: dict[tuple, RelationMention] = {}
        doc_ents, parsed = doc.ents, doc.has_annotation("DEP")
        last_named: dict[str, Span] = {}
        named_companies: list[Span] = []  # every company named so far, in text order (the pair of _joint_work)
        granted_set: list[CountedSet] = []  # a designation granted to products still to be named
        for sentence in sentences_of(doc)[1]:
            ents = entities_between(doc_ents, sentence.start_char, sentence.end_char)
            for mention in self._granted_set_members(doc, sentence, ents, granted_set):
                found.setdefault((mention.subject.start, mention.predicate, mention.object.start), mention)
            if not ents and not _tokens_in(sentence, _anaphor_openers(doc)):
                continue  # nothing named and nothing to stand in for a name
            referred = self._anaphors(doc, sentence, ents, last_named)
            elided = self._elided_subjects(doc, sentence, ents, referred)
            referred.update(elided)
            _remember_first_named(ents, last_named)
            raiser = _raiser(sentence, ents, self.cues)
            if raiser is not None:
                last_named[ROUND] = raiser
            fields = []
            if referred:
                fields = list(self._fields_of_stand_ins(sentence, ents, referred))
                covered = {i for stand_in, _ in referred.values() for i in range(stand_in.start, stand_in.end)}
                ents = sorted([*(e for e in ents if e.start not in covered), *(stand_in for stand_in, _ in referred.values())], key=lambda e: e.start)
            groups = coordination_groups(doc, ents, self.type_of, self.cues.described_member, self.cues.qualified_member)
            described = apposed_modalities(doc, ents)
            candidates = [m for group in groups if len(group) > 1 for m in self._match_group(doc, sentence, ents, group)]
            candidates.extend(self._embedded_technologies(doc, sentence, ents))
            candidates.extend(fields)
            candidates.extend(self._nationalities(doc, sentence, ents, set(referred)))
            candidates.extend(self._table_row(doc, sentence, ents))
            candidates.extend(self._listed_investors(doc, sentence, ents, last_named.get(ROUND)))
            candidates.extend(self._joint_work(doc, sentence, ents, named_companies))
            named_companies.extend(e for e in ents if e.label_ == "Company")
            for i, left in enumerate(groups):
                for k in range(i + 1, len(groups)):
                    right = groups[k]
                    if right[0].start - left[-1].end > MAX_GAP_TOKENS:
                        break
                    candidates.extend(self._match(doc, sentence, ents, left, right, described))
            if parsed:
                candidates.extend(self._match_dependencies(sentence, ents))
            else:
                candidates.extend(self._match_windows(doc, sentence, ents, groups))
            if described:
                candidates = _transfer_appositions(described, candidates, self.precision)
            parents = parents_in_apposition(doc, ents)
            if parents:
                candidates = _to_described_children(parents, candidates)
            if any(ent.label_ == "TherapyProduct" for ent in ents):
                candidates = [m for m in candidates if not _modality_beside_product(m)]
            candidates = [m for m in candidates if not self._counted_modality(doc, m)]
            candidates = _respectively(sentence, groups, candidates)
            candidates = [m for m in candidates if m.rule != COMPOUND_RULE or self.cues.stated_technology.search(m.subject.text)]
            if elided:  # a shared subject is only the subject, and only of what a rule reads from its own clause
                candidates = [m for m in candidates if not (m.object.start in elided or m.subject.start in elided and _loosely_read(m))]
            if referred:
                candidates = list(_to_antecedents(candidates, referred))
            candidates = [m for m in candidates if not self._trial_approval(doc, m)]
            candidates = _without_vaguer_partnerships(candidates)
            if any(m.predicate == "develops" for m in candidates):
                candidates = self._to_listed_products(doc, ents, candidates)
            if any(m.predicate == "treats" for m in candidates):
                candidates = self._to_included_diseases(doc, ents, groups, candidates)
            for mention in candidates:
                key = (mention.subject.start, mention.predicate, mention.object.start)
                if key not in found or found[key].confidence < mention.confidence:
                    found[key] = mention
            if raiser is None and _tokens_in(sentence, _words_at(doc, "round_nouns", self.cues.round_nouns)):
                # 'Syncona has committed $25 million to Quell in a Series B financing': the round is Quell's
                invested = next((m.object for m in candidates if m.predicate == "investsIn" and m.object.label_ == "Company"
                                 and not _loosely_read(m)), None)
                if invested is not None:
                    last_named[ROUND] = invested
        doc._.cgt_relations = sorted(found.values(), key=lambda m: (m.sentence.start, m.subject.start, m.object.start))
        return doc

    def _granted_set_members(self, doc: Doc, sentence: Span, ents: list[Span], pending: list[CountedSet]) -> list[RelationMention]:
        """'The FDA has granted breakthrough therapy designation to two experimental therapies. One of the therapies
        recognized is uniQure's AMT-130 ... The second therapy, BCB-276, ...': a designation granted to a counted
        set of products that the sentence does not name goes to the products the next sentences name, one a
        sentence (all of a sentence that lists them: 'include A, B and C'), as many as were counted, each once.
        The evidence runs from the granting sentence to the naming one. `pending` holds the set still open."""
        products = [e for e in ents if e.label_ == "TherapyProduct"]
        mentions = []
        if pending and span_text(sentence).strip():
            counted = pending[0]
            products = [p for p in products if (p.ent_id_ or p.text.lower()) not in counted.given]
            counted.given.update(p.ent_id_ or p.text.lower() for p in products)
            if products and counted.predicate == "approvedBy" and self.cues.trial_approval.search(span_text(sentence)):
                products = []  # 'Since then, A and B have entered Phase 1 trials': the approved ones are other products
            if products:
                evidence = doc[counted.granting.start : sentence.end]
                name = "designation.counted-set" if counted.predicate == "grantedDesignation" else "approved.counted-set"
                listing = LISTING.search(span_text(sentence))
                for product in products[: counted.left if listing else 1]:
                    mentions.append(RelationMention(product, counted.predicate, counted.designation, evidence, name, self.precision.get(name, 0.7)))
                counted.left -= len(mentions)
            counted.sentences_left -= 1
            if counted.left <= 0 or counted.sentences_left <= 0:
                pending.clear()
        if products or self.cues.counted_products is None:
            return mentions
        designations = [e for e in ents if e.label_ == "Designation"]
        agencies = [e for e in ents if self.type_of(e.label_) == "Agency"]
        count = self.cues.counted_products.search(span_text(sentence)) if designations or agencies else None
        if count and designations and any(t.lower_ in self.cues.grant_verbs for t in sentence):
            number = self.cues.set_counts[count.group(1).lower()]
            pending[:] = [CountedSet(designations[0], sentence, number, number + SET_REACH)]
        elif count and agencies and any(t.lower_ in self.cues.approve_verbs for t in sentence):
            # 'Today, the FDA approved two gene therapies ... Casgevy, developed by ...': the approval goes to them
            number = self.cues.set_counts[count.group(1).lower()]
            pending[:] = [CountedSet(agencies[0], sentence, number, number + SET_REACH, predicate="approvedBy")]
        return mentions

    def _to_included_diseases(self, doc: Doc, ents: list[Span], groups: list[list[Span]], candidates: list[RelationMention]) -> list[RelationMention]:
        """'approved for large B-cell lymphoma ..., including diffuse large B-cell lymphoma, primary mediastinal large
        B-cell lymphoma and high grade B-cell lymphoma': what treats a disease treats the diseases listed as included in it."""
        text = text_of(doc)
        by_end = {}
        for k, group in enumerate(groups[:-1]):
            gap = text[group[-1].end_char : groups[k + 1][0].start_char]
            if self.type_of(group[-1].label_) == "Disease" and all(self.type_of(e.label_) == "Disease" for e in groups[k + 1]) \
                    and INCLUDED.fullmatch(gap):
                by_end[group[-1].start] = groups[k + 1]
        if not by_end:
            return candidates
        included = []
        for mention in candidates:
            if mention.predicate == "treats" and mention.object.start in by_end and not _loosely_read(mention):
                name = mention.rule + "+included"
                for disease in by_end[mention.object.start]:
                    included.append(RelationMention(mention.subject, "treats", disease, mention.sentence, name, self.precision.get(name, mention.confidence * 0.9)))
        return candidates + included

    def _to_listed_products(self, doc: Doc, ents: list[Span], candidates: list[RelationMention]) -> list[RelationMention]:
        """'candidates including UCART123 for AML, UCART22 for B-ALL and UCARTCS1 for multiple myeloma': the company
        that develops the first product of a list whose members each say what they treat develops every one."""
        text = text_of(doc)
        position = {ent.start: k for k, ent in enumerate(ents)}
        listed: list[RelationMention] = []
        for mention in candidates:
            if mention.predicate != "develops" or mention.object.label_ != "TherapyProduct" or _loosely_read(mention):
                continue
            k = position.get(mention.object.start)
            while k is not None:
                k += 1  # past the product's diseases: ' for <Disease>', ' for <Disease> and <Disease>'
                if k < len(ents) and TREATED_AFTER_PRODUCT.fullmatch(text[ents[k - 1].end_char : ents[k].start_char]) \
                        and self.type_of(ents[k].label_) == "Disease":
                    while k + 1 < len(ents) and self.type_of(ents[k + 1].label_) == "Disease" and COORDINATION.fullmatch(text[ents[k].end_char : ents[k + 1].start_char]):
                        k += 1
                    k += 1
                else:
                    break
                if k < len(ents) and ents[k].label_ == "TherapyProduct" and COORDINATION.fullmatch(text[ents[k - 1].end_char : ents[k].start_char]):
                    name = mention.rule + "+list"
                    listed.append(RelationMention(mention.subject, "develops", ents[k], mention.sentence, name, self.precision.get(name, mention.confidence * 0.95)))
                else:
                    break
        return candidates + listed

    def _trial_approval(self, doc: Doc, mention: RelationMention) -> bool:
        """An approval whose words between product and agency or place name a trial, an IND or a plan: not the product's."""
        if mention.predicate not in ("approvedBy", "approvedIn") or mention.sentence.start > mention.subject.start:
            return False
        first, last = sorted((mention.subject, mention.object), key=lambda e: e.start)
        return bool(self.cues.trial_approval.search(text_of(doc)[first.end_char : last.start_char]))

    def _listed_investors(self, doc: Doc, sentence: Span, ents: list[Span], raiser: Span | None) -> Iterator[RelationMention]:
        """'Other investors are A, funds advised by B, C and founding investor D', 'This new funding comes from existing
        investor A, and also adds new investors B and C': a sentence that opens with the investors of the financing
        named before, or with the financing and where it comes from, lists them, so every company it names invests in
        the raiser."""
        if raiser is None or not ents:
            return
        lowers, i = lower_words(doc), _first_word(sentence)
        first = self._financing_sources(doc, sentence, ents, i)
        name, confidence = (FINANCING_SOURCES_RULE, self._base(FINANCING_SOURCES_RULE, 0.75)) if first is not None else (
            LISTED_INVESTORS_RULE, self._base(LISTED_INVESTORS_RULE, LISTED_INVESTORS_CONFIDENCE))
        if first is None:
            while i + 1 < sentence.end and (lowers[i] in self.cues.investor_modifiers or lowers[i] in ("and", "co", "-")):
                i += 1  # 'New and co-lead investors include A' (the tokenizer splits 'co-lead')
            if i + 1 >= sentence.end or lowers[i] not in self.cues.investor_anaphors:
                return
            verb = i + 1
            if verb + 2 < sentence.end and lowers[verb] == "and" and lowers[verb + 1] in self.cues.investor_partner_nouns:
                verb += 2  # 'Existing investors and partners also participated, including A'
            while verb + 1 < sentence.end and lowers[verb] in ("also", "all", "have", "has", "had"):
                verb += 1
            if lowers[verb] in LISTING_VERBS:
                openers = LIST_OPENERS
            elif lowers[verb] in self.cues.joining_verbs:
                openers = LIST_OPENERS | self.cues.joined_list_openers  # 'participated in the round, including A'
            else:
                return
            first = next((ent for ent in ents if ent.label_ == "Company" and ent.start > verb), None)
            if first is None or not all(lowers[k] in openers for k in range(verb + 1, first.start)):
                return  # the list starts right after the verb ('Other investors are wary of X' lists no one)
        # the list ends where a clause about one of its members begins ('Novartis, which licensed the therapy from
        # Spark') or the sentence goes on to something else ('... from Foo Ventures before Pfizer acquired Bar Capital')
        end = next((k for k in range(first.end, sentence.end - 1)
                    if lowers[k] == "," and lowers[k + 1] in RELATIVE_WORDS or lowers[k] in self.cues.list_ends), sentence.end)
        for ent in ents:
            if ent.label_ == "Company" and i < ent.start < end and (ent.ent_id_ or ent.text) != (raiser.ent_id_ or raiser.text):
                yield RelationMention(ent, "investsIn", raiser, sentence, name, confidence)

    def _joint_work(self, doc: Doc, sentence: Span, ents: list[Span], named: list[Span]) -> Iterator[RelationMention]:
        """'The pair first teamed up in 2017 to find and develop gene therapies for hearing loss': a pair anaphor, a
        verb of development and the therapy right after it, with no company named before it in the sentence, say that
        the two companies named last (in earlier sentences) both work on it."""
        lowers = lower_words(doc)
        if self.cues.joint_work is None or not named or not any(lowers[i] in self.cues.pair_words for i in range(sentence.start, sentence.end)):
            return
        found = self.cues.joint_work.search(sentence.text)
        if found is None or any(e.label_ == "Company" and e.start_char < sentence.start_char + found.start() for e in ents):
            return  # 'Pfizer and Sangamo said the pair will develop': the pair is named in the sentence itself
        pair: list[Span] = []
        for company in reversed(named):
            if all((company.ent_id_ or company.text) != (other.ent_id_ or other.text) for other in pair):
                pair.append(company)
            if len(pair) == 2:
                break
        verb_end = sentence.start_char + found.end()
        therapy = next((e for e in ents if e.start_char >= verb_end and self.type_of(e.label_) == "Therapy"), None)
        if len(pair) < 2 or therapy is None or therapy.start_char - verb_end > JOINT_WORK_CHARS \
                or any(e.label_ == "Company" and sentence.start_char + found.start() <= e.start_char < therapy.start_char for e in ents):
            return
        confidence = self._base(JOINT_WORK_RULE, 0.7)
        for company in pair:
            yield RelationMention(company, "develops", therapy, sentence, JOINT_WORK_RULE, confidence)

    def _financing_sources(self, doc: Doc, sentence: Span, ents: list[Span], i: int) -> Span | None:
        """The first company of a sentence that opens on the financing ('The round', 'This new funding'; not an
        offering, whose underwriters are no investors) and then says where it comes from ('comes from', 'was led by',
        'included'); None for any other sentence."""
        lowers = lower_words(doc)
        if lowers[i] not in ("the", "this", "that", "its"):
            return None
        noun = next((k for k in range(i + 1, min(i + 4, sentence.end)) if lowers[k] in self.cues.financing_nouns), None)
        first = next((ent for ent in ents if ent.label_ == "Company" and noun is not None and ent.start > noun), None)
        if first is None or first.start - noun > 8:
            return None
        words = {lowers[k] for k in range(noun + 1, first.start)}
        return first if words & (self.cues.agent_prepositions | self.cues.investor_anaphors | {"led"}) else None

    def _antecedent_in_sentence(self, doc: Doc, sentence: Span, ents: list[Span], at: int) -> Span | None:
        """The company 'the company' at `at` stands for in its own sentence, else None (then the company named last in
        an earlier sentence): when it is the object of another company's verb ('... Sangamo's SB-525, Pfizer will pay
        the California-based company $70 million'), the company named before that subject; else the one company the
        sentence opens on ('Voyager's bet ... pays off as the company banks $175 million from a collaboration with
        Neurocrine'), not one in a phrase ('Despite Pfizer's ...') nor an apposition ('Orinthe, the French
        manufacturer,'). None after a report ('Pfizer said the company': the window reads that one)."""
        before = [e for e in ents if e.label_ == "Company" and e.end <= at]
        if not before or (at > sentence.start and lower_words(doc)[at - 1] in self.cues.report_verbs | {"that"}):
            return None
        subject = before[-1]
        if len(before) >= 2 and not any(t.is_punct for t in doc[subject.end : at]) and at - subject.end <= 5:
            earlier = [e for e in before[:-1] if (e.ent_id_ or e.text) != (subject.ent_id_ or subject.text)]
            if earlier:
                return earlier[-1]
        if len({e.ent_id_ or e.text for e in before}) != 1 or before[0].start != _first_word(sentence):
            return None
        return None if all(t.is_punct for t in doc[subject.end : at]) else subject

    def _anaphors(self, doc: Doc, sentence: Span, ents: list[Span], last_named: dict[str, Span]) -> dict[int, tuple[Span, Span]]:
        """'the Swiss drugmaker', 'the candidate': by start token, a stand-in span typed as the company or product
        named last in an earlier sentence (its first company or product), paired with that name."""
        inside = {i for ent in ents for i in range(ent.start, ent.end)}
        referred: dict[int, tuple[Span, Span]] = {}
        lowers = lower_words(doc)
        for i in _tokens_in(sentence, _anaphor_openers(doc)):
            if lowers[i] == "it" and "TherapyProduct" in last_named and (
                    i > sentence.start and lowers[i - 1] in self.cues.grant_verbs
                    or i + 1 < sentence.end and lowers[i + 1] in self.cues.receiving_words
                    and not (i > sentence.start and lowers[i - 1] in self.cues.report_verbs)):  # 'said it received': the company
                # 'the FDA granted it RMAT designation', 'in 2021, it received orphan designation from the EMA'
                if any(e.label_ == "Designation" and i < e.start <= i + 6 for e in ents):
                    product = last_named["TherapyProduct"]  # 'the FDA granted it RMAT designation'
                    referred[i] = (Span(doc, i, i + 1, label=product.label_, span_id=product.ent_id_), product)
                continue
            if lowers[i] == "it" and _passive_approval_after(lowers, i, sentence.end, self.cues.approve_verbs):
                # 'Casgevy ... (it was previously approved in the United Kingdom)': the product named last
                product = next((e for e in reversed(ents) if e.label_ == "TherapyProduct" and e.end <= i), last_named.get("TherapyProduct"))
                if product is not None:
                    referred[i] = (Span(doc, i, i + 1, label=product.label_, span_id=product.ent_id_), product)
                continue
            if lowers[i] not in ("the", "this") or i in inside:
                continue
            token = doc[i]
            end = token.i
            while end + 1 < min(token.i + 6, sentence.end):
                end += 1
                word = doc[end]
                if end in inside:
                    field = self._field_before_anaphor(doc, ents, end)
                    if field is not None:
                        end = field  # 'the Belgian cell therapy company': the modality says what the company works on
                        continue
                    stand_in = self._modality_anaphor(doc, sentence, token, end, ents, last_named)
                    if stand_in is not None:
                        referred[stand_in.start] = (stand_in, last_named["TherapyProduct"])
                    break
                hyphen = word.text == "-" and not doc[end - 1].whitespace_ and not word.whitespace_  # 'the California-based company'
                if (word.is_punct and not hyphen) or word.lower_ in self.cues.new_referent_words:
                    break
                label = self.cues.anaphors.get(word.lower_)
                if lowers[i] == "this" and label != "TherapyProduct":
                    label = None  # 'this one-time therapy' is the product named last; 'this round', 'this company' vary
                following = doc[end + 1] if end + 1 < sentence.end else None
                named_next = any(e.start in (end + 1, end + 2) and e.label_ == label for e in ents)
                if following is not None and following.lower_ in self.cues.anaphors:
                    continue
                in_sentence = self._antecedent_in_sentence(doc, sentence, ents, token.i) if label == "Company" else None
                if label and (label in last_named or in_sentence is not None) and not named_next and (
                    following is None or not (following.is_alpha and (following.pos_ in ("NOUN", "PROPN") or following.is_title))
                ):
                    antecedent = in_sentence or last_named[label]
                    stand_in = Span(doc, token.i, end + 1, label=antecedent.label_, span_id=antecedent.ent_id_)
                    referred[stand_in.start] = (stand_in, antecedent)
                    break
        return referred

    def _elided_subjects(self, doc: Doc, sentence: Span, ents: list[Span], referred: dict[int, tuple[Span, Span]]) -> dict[int, tuple[Span, Span]]:
        """'The pharma has since signed a deal with Quell ...; acquired ... from Pfizer ...; and last month, formed an
        alliance with Cellectis': a clause after a semicolon that opens on a verb of deals shares the company that
        opens the sentence. The semicolon and the words before that verb stand in for the company."""
        if self.cues.elided_subject_verbs is None or ";" not in span_text(sentence):
            return {}
        named = sorted([*ents, *(stand_in for stand_in, _ in referred.values())], key=lambda e: e.start)
        opener = next((e for e in named if e.start - sentence.start <= 3), None)
        if opener is None or self.type_of(opener.label_) != "Company":
            return {}
        antecedent = referred[opener.start][1] if opener.start in referred else opener
        inside = {i for e in named for i in range(e.start, e.end)}
        elided: dict[int, tuple[Span, Span]] = {}
        for k in range(opener.end, sentence.end - 1):
            if doc[k].text != ";":
                continue
            verb = next((v for v in range(k + 1, min(k + 9, sentence.end)) if doc[v].lower_ in self.cues.elided_subject_verbs), None)
            if verb is None or inside.intersection(range(k, verb)) or any(doc[t].text in (";", ".") for t in range(k + 1, verb)):
                continue
            words = [doc[t].lower_ for t in range(k + 1, verb)]
            # only 'and', 'then' and a short time phrase ended by a comma may stand before the verb
            if words and not (words[0] in ("and", "then") or "," in words):
                continue
            stand_in = Span(doc, k, verb, label=antecedent.label_, span_id=antecedent.ent_id_)
            elided[k] = (stand_in, antecedent)
        return elided

    def _fields_of_stand_ins(self, sentence: Span, ents: list[Span], referred: dict[int, tuple[Span, Span]]):
        """'the Belgian cell therapy company', 'the gene editing firm', 'the California-based company': the modality a
        company stand-in names is what the company develops, the technology what it uses, the place where it is based
        (the stand-in is then read as its antecedent)."""
        for stand_in, _ in referred.values():
            if stand_in.label_ != "Company":
                continue
            for ent in ents:
                if stand_in.start <= ent.start and ent.end <= stand_in.end:
                    kind = self.type_of(ent.label_)
                    if kind in ("Therapy", "Technology", *PLACE_TYPES):
                        predicate, name = (("develops", FIELD_RULE) if kind == "Therapy" else ("usesTechnology", FIELD_TECHNOLOGY_RULE)
                                           if kind == "Technology" else ("headquarteredIn", FIELD_PLACE_RULE))
                        yield RelationMention(stand_in, predicate, ent, sentence, name, self._base(name, 0.75))

    def _field_before_anaphor(self, doc: Doc, ents: list[Span], start: int) -> int | None:
        """The last token of a modality, technology, disease or place starting at `start` that a company anaphor
        noun follows ('cell therapy company', 'gene editing firm', 'U.S. company'), or of a place and its '-based'
        ('the California-based company'), else None."""
        ent = next((e for e in ents if e.start == start), None)
        if ent is None or ent.end >= len(doc):
            return None
        kind = self.type_of(ent.label_)
        if kind in PLACE_TYPES and ent.end + 1 < len(doc) and doc[ent.end].text == "-" and doc[ent.end + 1].lower_ in BASED_WORDS:
            return ent.end + 1
        if kind not in ("Therapy", "Technology", "Disease", *PLACE_TYPES):
            return None
        return ent.end - 1 if self.cues.anaphors.get(doc[ent.end].lower_) == "Company" else None

    def _modality_anaphor(self, doc: Doc, sentence: Span, the, start: int, ents: list[Span], last_named: dict[str, Span]) -> Span | None:
        """'The innovative CAR T-cell therapy from Fosun Kite ...' after 'Yescarta ...', 'granted this gene therapy RMAT
        designation': a definite modality, not followed by a product's name or a noun it modifies ('the gene therapy
        market'), stands for the product named last in an earlier sentence."""
        modality = next((e for e in ents if e.start == start), None)
        if modality is None or modality.label_ != "TherapyModality" or "TherapyProduct" not in last_named:
            return None
        following = doc[modality.end] if modality.end < sentence.end else None
        named_after = any(e.start == modality.end for e in ents)  # 'granted this gene therapy RMAT designation'
        if following is not None and not (following.is_punct or following.is_stop or named_after) or any(
                e.start in (modality.end, modality.end + 1) and e.label_ == "TherapyProduct" for e in ents):
            return None
        product = last_named["TherapyProduct"]
        return Span(doc, the.i, modality.end, label=product.label_, span_id=product.ent_id_)

    def _context_holds(self, rule, doc, sentence, ents, first: Span, last: Span) -> bool:
        if rule.context_before is not None and not rule.context_before.search(masked_text(doc, sentence.start_char, first.start_char, ents, self.type_of)):
            return False
        return rule.context_after is None or bool(rule.context_after.search(masked_text(doc, last.end_char, sentence.end_char, ents, self.type_of)))

    def _counted_modality(self, doc: Doc, mention: RelationMention) -> bool:
        """'the FDA approved two gene therapies to treat sickle cell disease': a modality counted by a number stands
        for products, which the approval, designation or indication is of, not the modality."""
        subject = mention.subject
        if mention.predicate not in PRODUCT_FIRST_PREDICATES - {"usesTechnology"} or subject.label_ != "TherapyModality" or subject.start == 0:
            return False
        before = doc[subject.start - 1]
        if before.lower_ in (self.cues.set_counts or {}):
            return True
        return before.is_digit and not (subject.start > 1 and doc[subject.start - 2].lower_ in self.cues.numbered_labels)

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
                        yield RelationMention(a, rule.predicate, b, sentence, rule.name, self._base(rule.name, rule.confidence))

    def _match_dependencies(self, sentence: Span, ents: list[Span]):
        """Relations read off the parse: a trigger word on the shortest path between two entities."""
        owner = {i: ent for ent in ents for i in range(ent.start, ent.end)}
        for a in ents:
            for b in ents:
                if a is b or (a.ent_id_ and a.ent_id_ == b.ent_id_):
                    continue
                type_a, type_b = self.type_of(a.label_), self.type_of(b.label_)
                rules = [
                    r for r in self.dependency_rules
                    if type_a in r.left and type_b in r.right
                    and (r.left_class is None or a.label_ in r.left_class)
                    and (r.right_class is None or b.label_ in r.right_class)
                    and (not (r.symmetric or type_a == type_b) or a.start < b.start or not r.symmetric)
                ]
                if not rules:
                    continue
                if self._across_clauses(sentence, a, b):
                    continue
                path = dependency_path(a.root, b.root)
                if path is None or _joins_clauses(path, self.cues.clause_words):
                    continue
                inner = [t for t in path if owner.get(t.i) not in (a, b)]
                if len(_counted_arcs(path)) > MAX_PATH_ARCS or _blocked(inner, owner, a, b, self.type_of):
                    continue
                arcs = _counted_arcs(path)
                for rule in rules:
                    if rule.blockers and any(t.lower_ in rule.blockers or any(c.lower_ in rule.blockers for c in t.children if c.dep_ in ("compound", "amod"))
                                             for t in inner):
                        continue  # a blocker on the path or modifying a word of it ('a merger deal with')
                    direct = rule.edges and len(path) == 2 and path[0].dep_ in rule.edges | {"compound"} and path[0].head == path[1]
                    trigger = next((t for t in inner if t.lemma_.lower() in rule.triggers or t.lower_ in rule.triggers), None)
                    if not direct and trigger is None:
                        continue
                    if type_a == type_b and not rule.symmetric and not _is_agent(a, b, trigger, self.cues):
                        continue
                    if type_a != type_b and _agent_of_another_verb(a, trigger):
                        continue
                    confidence = self._base(rule.name, rule.confidence) * max(0.5, 1 - 0.05 * max(0, len(arcs) - 3))
                    yield RelationMention(a, rule.predicate, b, sentence, rule.name, confidence)

    def _table_row(self, doc: Doc, sentence: Span, ents: list[Span]):
        """A row of a pipeline table ('LMSC Longeveron Alzheimer's disease Phase I ... www.longeveron.com'): a line
        that is no sentence (no final full stop) and names one product, its sponsor, its indications and a phase,
        or a line under a table's header (`_table_rows`).
        The sponsor develops the product and the product treats each indication."""
        under_header = sentence.start in _table_rows(doc)
        if len(sentence) > 60 or not under_header and not any(e.label_ == "TherapyProduct" for e in ents):
            return
        text = span_text(sentence).strip()
        if not under_header and (text.endswith((".", "?", "!", '"', "”")) or not PIPELINE_PHASE.search(text)):
            return
        if under_header:  # the row is its line, which a parser may have cut into sentences
            whole = text_of(doc)
            line_start = whole.rfind("\n", 0, sentence.start_char) + 1
            line_end = whole.find("\n", sentence.start_char)
            ents = entities_between(doc.ents, line_start, line_end if line_end >= 0 else len(whole))
        products = [e for e in ents if e.label_ == "TherapyProduct"]
        companies = [e for e in ents if e.label_ == "Company"]
        diseases = [e for e in ents if self.type_of(e.label_) == "Disease"]
        if len(products) != 1 or len(companies) > 1 or not (companies or diseases):
            return
        product = products[0]
        confidence = self._base(TABLE_RULE, 0.6)
        for company in companies:
            yield RelationMention(company, "develops", product, sentence, TABLE_RULE, confidence)
        for disease in diseases:
            yield RelationMention(product, "treats", disease, sentence, TABLE_RULE, confidence)

    def _nationalities(self, doc: Doc, sentence: Span, ents: list[Span], stand_ins: set[int]):
        """'the Swiss drugmaker Roche', 'Roche, the Swiss drugmaker,', 'French CDMO ABL Europe' and an anaphor such as
        'the Japanese drugmaker' (a stand-in for the company named before), and 'Philadelphia-based Spark', 'the
        Shanghai-based firm', 'Boston biotech X': the nationality word or the city says where the company is based
        (ontology/patterns/demonyms.txt, cities.txt)."""
        owner = {i: ent for ent in ents for i in range(ent.start, ent.end)}
        for ent in ents:
            if ent.label_ != "Company":
                continue
            if ent.start in stand_ins:
                # the anaphor itself, when it opens the sentence ('The Japanese drugmaker also gains ...') or names
                # a city's base ('the Shanghai-based firm said')
                based = any(doc[k].lower_ == "based" and doc[k - 1].text == "-" for k in range(ent.start + 1, ent.end))
                words = range(ent.start, ent.end) if ent.start == sentence.start or based else range(0)
            else:
                words = [*self._based_before(doc, sentence, ent), *self._described_before(doc, sentence, ent, owner),
                         *self._described_after(doc, sentence, ent, owner)]
            for i in words:
                found = self._place_at(doc, i, sentence.end) if doc[i].text[:1].isupper() else None
                if found is not None and (i not in owner or ent.start in stand_ins):
                    place, end = found
                    where = Span(doc, i, end, label="Country", span_id=place)
                    yield RelationMention(ent, "headquarteredIn", where, sentence, NATIONALITY_RULE, self._base(NATIONALITY_RULE, 0.8))
                    break

    def _place_at(self, doc: Doc, i: int, limit: int) -> tuple[str, int] | None:
        """The country a nationality word or a city's name starting at token `i` names, with where the name ends
        ('Swiss', 'Philadelphia', 'South San Francisco')."""
        place = self.vocabulary.demonym_places.get(doc[i].lower_)
        if place is not None:
            return place, i + 1
        for length in (3, 2, 1):
            if i + length <= limit:
                city = self.vocabulary.city_places.get(" ".join(t.lower_ for t in doc[i : i + length]))
                if city is not None:
                    return city, i + length
        return None

    def _based_before(self, doc: Doc, sentence: Span, ent: Span) -> range:
        """The place of 'Philadelphia-based' or 'South San Francisco-based' right before a company's name: a name
        that ends right before the hyphen ('In Tokyo, Boston-based X' is based in Boston; 'Dublin, Ohio-based' names
        no place of the list)."""
        end = ent.start
        if end - 2 <= sentence.start or doc[end - 1].lower_ != "based" or doc[end - 2].text != "-":
            return range(0)
        for start in range(max(sentence.start, end - 5), end - 2):
            found = self._place_at(doc, start, end - 2)
            if found is not None and found[1] == end - 2:
                return range(start, start + 1)
        return range(0)

    def _described_before(self, doc: Doc, sentence: Span, ent: Span, owner: dict) -> range:
        """The words of '(the) Swiss drugmaker' right before a company's name, ending in a company noun; else none."""
        end = ent.start
        if end - 1 < sentence.start or self.cues.anaphors.get(doc[end - 1].lower_) != "Company":
            return range(0)
        start = end - 1
        while start > sentence.start and end - start < 5 and start - 1 not in owner and not doc[start - 1].is_punct and doc[start - 1].lower_ not in ("the", "a", "an"):
            start -= 1
        return range(start, end - 1)

    def _described_after(self, doc: Doc, sentence: Span, ent: Span, owner: dict) -> range:
        """The words of ', the Swiss drugmaker,' right after a company's name; else none."""
        i = ent.end
        if i + 2 >= sentence.end or doc[i].text != "," or doc[i + 1].lower_ not in ("the", "a", "an"):
            return range(0)
        for end in range(i + 2, min(i + 7, sentence.end)):
            if end in owner or doc[end].is_punct:
                return range(0)
            if self.cues.anaphors.get(doc[end].lower_) == "Company":
                return range(i + 2, end)
        return range(0)

    def _across_clauses(self, sentence: Span, a: Span, b: Span) -> bool:
        """A semicolon or dash between two names puts them in different clauses ('signed a deal with Quell ...;
        acquired gene therapies from Pfizer ...; formed an alliance with Cellectis'): the parse may join them, the
        sentence does not."""
        first, second = (a, b) if a.start < b.start else (b, a)
        return any(token.text in self.cues.clause_breaks for token in sentence.doc[first.end : second.start])

    def _embedded_technologies(self, doc: Doc, sentence: Span, ents: list[Span]):
        """'an AAV-based gene therapy', 'lentiviral gene therapy': the technology named inside a therapy's name
        (kept when the name states it, 'AAV-based', or when the therapy describes a product in apposition;
        a bare 'lentiviral gene therapy' only names a modality)."""
        text, offsets, words = text_of(doc), token_offsets(doc), orth_words(doc)
        for ent in ents:
            if self.type_of(ent.label_) != "Therapy" or len(ent) < 2:
                continue
            for end in range(min(ent.start + 3, ent.end - 1), ent.start, -1):  # the first one to three words, not all
                if doc[end - 1].is_punct:
                    continue  # 'AAV2-based': the name is 'AAV2', not 'AAV2-'
                concept = self.vocabulary.lookup(text[offsets[ent.start] : offsets[end - 1] + len(words[end - 1])])
                if concept is not None and concept.type == "Technology":
                    technology = Span(doc, ent.start, end, label="Technology", span_id=concept.iri)
                    yield RelationMention(ent, "usesTechnology", technology, sentence, COMPOUND_RULE, self._base(COMPOUND_RULE, 0.8))
                    break

    def _match_windows(self, doc: Doc, sentence: Span, ents: list[Span], groups: list[list[Span]]):
        """Without a parse: the dependency rules' trigger words between two entity groups of one clause."""
        if len(ents) < 2:
            return  # no pair to read
        member_group = {id(ent): k for k, group in enumerate(groups) for ent in group}
        member_group.update((id(ent), -1 - i) for i, ent in enumerate(ents) if id(ent) not in member_group)  # places of a described list
        inside, lowers, stops = parenthesised(doc), lower_words(doc), self._clause_stops(doc)
        appositions = [(a.end, _apposition_after(doc, a, sentence.end)) for a in ents]
        for i, a in enumerate(ents):
            after_apposition = appositions[i][1]
            # a name inside another's apposition ('SK Inc., the holding company of SK Group, said it invested in CBM')
            # is no party to what the sentence goes on to say
            enclosing_end = next((end for start, end in appositions[:i] if start <= a.start and a.end < end), None)
            for j in range(i + 1, len(ents)):
                b = ents[j]
                if enclosing_end is not None and b.start >= enclosing_end:
                    break
                # what the sentence says past an apposition it says of the name before it: the words and names
                # of the apposition are no part of that reading
                apposed = after_apposition if b.start >= after_apposition else a.end
                if b.start - apposed > WINDOW_TOKENS:
                    break
                if member_group[id(a)] == member_group[id(b)]:
                    continue
                type_a, type_b = self.type_of(a.label_), self.type_of(b.label_)
                if not (self._window_rules(type_a, type_b) or self._window_rules(type_b, type_a)):
                    continue  # no rule reads either way between these types
                stop = bisect_left(stops, a.end)
                if stop < len(stops) and stops[stop] < b.start and any(k not in inside for k in stops[stop:bisect_left(stops, b.start)]):
                    continue
                between = [k for k in range(apposed, b.start) if k not in inside]
                blockers = {self.type_of(e.label_) for e in ents[i + 1 : j]
                            if member_group[id(e)] not in (member_group[id(a)], member_group[id(b)]) and e.start >= apposed}
                words = {lowers[k] for k in between}
                if b.end < sentence.end and words.isdisjoint(self.cues.report_verbs):  # 'Legend said Novartis acquired'
                    words.add(lowers[b.end])
                passive = "by" in words
                for first, second in ((a, b), (b, a)):
                    type_1, type_2 = self.type_of(first.label_), self.type_of(second.label_)
                    if type_1 in blockers or type_2 in blockers:
                        continue
                    for rule, inflections in self._window_rules(type_1, type_2):
                        if (rule.left_class and first.label_ not in rule.left_class) or (rule.right_class and second.label_ not in rule.right_class):
                            continue
                        if type_1 == type_2 and not rule.symmetric and (first is a) == passive:
                            continue
                        if type_1 == type_2 and rule.symmetric and first is b:
                            continue
                        trigger = words & inflections
                        if rule.blockers and _blocked_reading([lowers[k] for k in between] + ([lowers[b.end]] if b.end < sentence.end else []),
                                                              trigger, rule.blockers, second is b):
                            continue
                        possessive = "poss" in rule.edges and [lowers[k] for k in between] in (["'s"], ["’s"]) and first is b
                        if trigger or possessive:
                            name = rule.name.replace(".dep", ".window")
                            confidence = self._base(name, rule.confidence * WINDOW_DISCOUNT) * max(0.5, 1 - 0.03 * max(0, len(between) - 4))
                            yield RelationMention(first, rule.predicate, second, sentence, name, confidence)

    def _window_rules(self, left_type: str, right_type: str) -> tuple[tuple[DependencyRule, frozenset[str]], ...]:
        """The dependency rules from one type to another, each with the inflected forms of its triggers (once per pair)."""
        key = (left_type, right_type)
        if key not in self.window_rules:
            self.window_rules[key] = tuple((rule, _inflections(rule.triggers)) for rule in self.dependency_rules
                                           if left_type in rule.left and right_type in rule.right)
        return self.window_rules[key]

    def _clause_stops(self, doc: Doc) -> list[int]:
        """The tokens of the document that end a clause (clause words, semicolons, dashes), in order: a window
        reading does not cross one. Found once per document."""
        stops = doc.user_data.get("cgt_clause_stops")
        if stops is None:
            ends = self.cues.clause_words | self.cues.clause_breaks
            stops = doc.user_data["cgt_clause_stops"] = [i for i, word in enumerate(lower_words(doc)) if word in ends]
        return stops

    def _match(self, doc, sentence, ents, left, right, described):
        """Relations between two groups from the token-pattern rules; where a rule wants a product, a modality
        in apposition to one ('Luxturna is a gene therapy approved in ...') speaks for it."""
        left_type, right_type = self.type_of(left[0].label_), self.type_of(right[0].label_)
        rules = self._pair_rules(left_type, right_type)
        between = masked_text(doc, _past_closing_bracket(doc, left[-1]), right[0].start_char, ents, self.type_of) if rules else ""
        gap = right[0].start - left[-1].end
        for rule in rules:
            if not rule.between.fullmatch(between):
                continue
            if not self._context_holds(rule, doc, sentence, ents, left[0], right[-1]):
                continue
            confidence = self._base(rule.name, rule.confidence) * max(0.5, 1 - 0.015 * max(0, gap - 6))
            for a in (a for named in (left[-1:] if rule.nearest_only else left) for a in _of_class(named, rule.left_class, described)):
                for b in (b for named in (right[:1] if rule.nearest_only else right) for b in _of_class(named, rule.right_class, described)):
                    if a.ent_id_ and a.ent_id_ == b.ent_id_:
                        continue
                    subject, obj = (b, a) if rule.reverse else (a, b)
                    yield RelationMention(subject, rule.predicate, obj, sentence, rule.name, confidence)


TABLE_COLUMNS = re.compile(r"\b(?:(?:drug|product|brand|applicant|sponsor|company)\s+name|sponsor|applicant|developer|"
                           r"(?:intended\s+)?indications?(?:\s*\(s\))?|(?:development\s+)?phase|status|modality)\b", re.I)
"""The column names of a table of products: a line that names two of them is a table's header."""
TABLE_HEADER_WORD = re.compile(r"\b(?:Sponsor|Applicant|Developer|Indications?|(?:Drug|Product|Brand|Company) Name)\b", re.I)
"""A column name one of a table header's two must be: a text without one has no table of products."""
TABLE_ROW_TOKENS = 40
"""A line longer than this, or one that ends in a full stop, is prose: it ends the table above it."""


@once_per_document
def _table_rows(doc: Doc) -> frozenset[int]:
    """The first tokens of the lines that follow a table header ('Product Name Intended Indication(s) Applicant
    Name'), up to the first line of prose: the rows of a table of products, with or without a phase column."""
    rows, open_table = [], False
    if TABLE_HEADER_WORD.search(text_of(doc)) is None:
        return frozenset()  # no line can be a header
    for sentence in sentences_of(doc)[1]:
        text = span_text(sentence).strip()
        if not text:
            continue
        if len(sentence) <= TABLE_ROW_TOKENS and len({m.group(0).lower() for m in TABLE_COLUMNS.finditer(text)}) >= 2 \
                and not text.endswith("."):
            open_table = True
        elif _is_prose(sentence, text) or len(sentence) > TABLE_ROW_TOKENS:
            open_table = False
        elif open_table:
            rows.append(sentence.start)
    return frozenset(rows)


APPOSITION_TOKENS = 14
"""The longest passive clause in apposition after a name ('Casgevy, developed by CRISPR Therapeutics and Vertex
Pharmaceuticals,') that the window reading looks past."""


def _apposition_after(doc: Doc, name: Span, limit: int) -> int:
    """Where the words after `name` that bear on it start: past a passive clause or a description in apposition
    ('Casgevy, developed by Vertex, represents ...', 'SK Inc., the holding company of SK Group, said ...': what Vertex
    did or SK Group is no part of what the name does), else right after the name."""
    start, words, lowers = name.end, orth_words(doc), lower_words(doc)
    if start + 2 >= limit or words[start] != ",":
        return start
    passive = lowers[start + 1].endswith("ed") and lowers[start + 2] == "by"
    if not (passive or lowers[start + 1] in ("the", "a", "an")):
        return start
    for k in range(start + 1, min(limit, start + APPOSITION_TOKENS + 1)):
        if words[k] in (";", "(", ")") or words[k] == "." and (k + 1 >= limit or doc[k + 1].is_sent_start):
            return start
        if words[k] == "," and not (k + 1 < limit and (doc[k + 1].ent_type or doc[k + 1].is_title)):  # 'in Kyoto, Japan, said'
            return k + 1
    return start


def _is_prose(sentence: Span, text: str) -> bool:
    """A sentence of more than a dozen words that ends in a full stop of its own (not the one of a name: 'CO.,LTD.')."""
    if len(sentence) <= 12 or not text.endswith((".", "?", "!")):
        return False
    last = next((t for t in reversed(sentence) if not t.is_space), None)
    return last is None or not last.ent_type_


NATIONALITY_RULE = "headquartered.nationality"
FIELD_RULE = "develops.anaphor-field"
FIELD_TECHNOLOGY_RULE = "technology.anaphor-field"
FIELD_PLACE_RULE = "headquartered.anaphor-place"
PLACE_TYPES = ("Country", "Region")
BASED_WORDS = frozenset({"based", "headquartered"})
"""The words after a place and a hyphen that make it where a company is based ('the California-based company')."""
TABLE_RULE = "table.row"
PIPELINE_PHASE = re.compile(r"\b(?:Phase\s*(?:[1-4]|I{1,3}V?)(?:\s*/\s*(?:[1-4]|I{1,3}V?))?[ab]?|Pre-?clinical|IND-enabling|Registrational|Pivotal|Approved|Marketed|BLA filed|MAA filed)\b")
"""A development phase as a pipeline table writes it, which makes a line without a full stop a table row."""
PRODUCT_FIRST_PREDICATES = {"treats", "usesTechnology", "grantedDesignation", "approvedBy", "approvedIn"}
COMPOUND_RULE = "technology.compound"
MAX_PATH_ARCS = 6
WINDOW_TOKENS = 20
WINDOW_DISCOUNT = 0.85
TRANSPARENT_ARCS = {"conj", "cc", "appos", "compound", "flat", "punct", "det", "amod", "nmod"}


@functools.lru_cache(maxsize=64)
def _inflections(lemmas: frozenset[str]) -> frozenset[str]:
    """Regular English forms of trigger lemmas, for matching without a lemmatizer."""
    forms = set()
    for lemma in lemmas:
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        forms |= {lemma, lemma + "s", lemma + "es", lemma + "d", lemma + "ed", stem + "ing", stem + "ed"}
        if lemma.endswith("y"):
            forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    return frozenset(forms)


APPOSITION_OPENING = r"\s*(?:\([^()]*\)\s*)?(?:,|—|–|:|\bis|\bwas|\bremains|\bbecame)\s*(?:(?:an?|the|its|their|his|her|our|one)\s+)?"
SHORT_APPOSITION = re.compile(APPOSITION_OPENING + r"(?:(?:[^\s<>,.;()]|\.(?=\S))+\s+){0,5}$", re.I)
"""The words from a product to the modality that describes it: 'Zolgensma, a gene therapy', 'Engensis (VM202),
Helixmith’s flagship gene therapy', 'ABO-102, Abeona Therapeutics Inc.'s gene therapy'."""
APPOSITION = re.compile(APPOSITION_OPENING + r"(?:(?!(?:but|while|than|with|by|from|versus|vs|unlike|not|instead|rather|compared"
                        r"|which|that|who)\s)(?:[^\s<>,.;()]|\((?!which |that |who )[^()<>]{1,24}\))+,?\s+){0,10}$", re.I)
"""A longer description, which may hold bracketed abbreviations and names only technologies, other names of the
product and the like on the way ('a melanoma-associated antigen A4 (or MAGE-A4)-directed ... immunotherapy'): 'Carvykti (cilta-cel) is a B-cell maturation antigen (BCMA)-directed genetically
modified autologous T-cell immunotherapy', 'FT819, its off-the-shelf, iPSC-derived CAR T-cell therapy'; no new clause
or second thing ('than', 'with', 'by', 'unlike', ', which')."""
OPEN_BRACKET_AFTER_NAME = re.compile(r"\s*\([^()]*")
"""The words from a name into the bracket right after it, still open ('OTL-203 (')."""


ROUND = "round"
"""The anaphor kind of 'the financing round': it stands for the company that raised it."""


ANNOUNCED_ROUND_TOKENS = 12
"""How many tokens after 'announced' a financing noun may come for the sentence to announce a round."""


def _raiser(sentence: Span, ents: list[Span], cues: RelationCues) -> Span | None:
    """The company a sentence says raised money ('Edigene has raised RMB450 million', 'iECURE announced a $65 million
    Series A-1 financing'): the last one before the verb."""
    doc = sentence.doc
    verb = next(iter(_tokens_in(sentence, _words_at(doc, "raise_verbs", cues.raise_verbs))), None)
    if verb is None:
        reported = next(iter(_tokens_in(sentence, _words_at(doc, "report_verbs", cues.report_verbs))), None)
        rounds = _tokens_in(sentence, _words_at(doc, "round_nouns", cues.round_nouns))
        # the round is what was announced: its noun within a few words ('announced a $65 million Series A-1 financing';
        # not 'announced results, and analysts expect a new round of layoffs')
        lowers = lower_words(doc)
        verb = reported if reported is not None and any(
            reported < k <= reported + ANNOUNCED_ROUND_TOKENS
            and not any(lowers[j] in cues.clause_breaks or lowers[j] in cues.clause_words or lowers[j] == "," for j in range(reported, k))
            for k in rounds) else None
    if verb is None:
        return None
    return next((e for e in reversed(ents) if e.label_ == "Company" and e.end <= verb), None)


def _remember_first_named(ents: list[Span], last_named: dict[str, Span]) -> None:
    """Record in `last_named` the sentence's first company and first product (`ents` in text order)."""
    seen: set[str] = set()
    for ent in ents:
        label = ent.label_
        if label in ("Company", "TherapyProduct") and label not in seen:
            last_named[label] = ent
        seen.add(label)


ANAPHOR_OPENERS = frozenset({"it", "the", "this"})
"""The words an anaphor of `RelationFinder._anaphors` starts at ('the company', 'this one-time therapy'): only these
tokens are visited."""


JOINT_WORK_RULE = "develops.pair"
JOINT_WORK_CHARS = 60
"""How far after the verb of `_joint_work` its therapy may be named ('develop potential gene therapies')."""
LISTED_INVESTORS_RULE = "invests.investors-are"
LISTED_INVESTORS_CONFIDENCE = 0.85
RELATIVE_WORDS = frozenset({"which", "who", "whose", "that", "where"})
FINANCING_SOURCES_RULE = "invests.financing-from"
LISTING_VERBS = frozenset({"are", "were", "include", "includes", "included", "comprise", "comprised", "also"})
LIST_OPENERS = frozenset({"the", "a", "an", "also", "include", "including", "founding", "existing", "new", "lead", "investor", "investors"})


def _passive_approval_after(lowers: list[str], i: int, end: int, approve_verbs: frozenset[str]) -> bool:
    """Whether 'it' at `i` is what an approval was given to: 'it was (previously|also) approved', 'it has been authorised'."""
    k = i + 1
    if k < end and lowers[k] in ("was", "is", "has", "had", "have"):
        k += 1
        if lowers[k - 1] in ("has", "had", "have"):  # 'it has approved Yescarta': the agency's own act
            if not (k < end and lowers[k] == "been"):
                return False
            k += 1
        while k < end and lowers[k] in ("previously", "also", "already", "first", "since", "recently", "conditionally", "fully"):
            k += 1
        return k < end and lowers[k] in approve_verbs
    return False


RESPECTIVELY = frozenset({"respectively"})


def _respectively(sentence: Span, groups: list[list[Span]], candidates: list[RelationMention]) -> list[RelationMention]:
    """'NexCAR19 and Fucaso were approved in India and China, respectively': two lists of one length related member
    by member, not each with each."""
    if not _tokens_in(sentence, _words_at(sentence.doc, "respectively", RESPECTIVELY)):
        return candidates
    text = text_of(sentence.doc)
    index, sizes = {}, {}
    for k, group in enumerate(groups):
        slot = 0
        for i, ent in enumerate(group):  # a name's abbreviation or code in brackets takes its slot ('NexCAR19 (actalycabtagene ...)')
            if i and not BRACKETED_ALIAS.fullmatch(text[group[i - 1].end_char : ent.start_char]):
                slot += 1
            index[ent.start] = (k, slot)
        sizes[k] = slot + 1
    kept = []
    for mention in candidates:
        left, right = index.get(mention.subject.start), index.get(mention.object.start)
        if left and right and left[0] != right[0] and sizes[left[0]] == sizes[right[0]] > 1 and left[1] != right[1]:
            continue
        kept.append(mention)
    return kept


def _first_word(sentence: Span) -> int:
    """The first token of a sentence that is no space or punctuation."""
    return next((t.i for t in sentence if not (t.is_space or t.is_punct)), sentence.start)


def _anaphor_openers(doc: Doc) -> list[int]:
    """The tokens of the document that may open an anaphor ('it', 'the', 'this'), in order, found once per document."""
    return _words_at(doc, "anaphor_openers", ANAPHOR_OPENERS)


def _words_at(doc: Doc, name: str, words: frozenset[str]) -> list[int]:
    """The tokens of the document whose lower-case form is one of `words`, in order, found once per document
    (kept in its user_data under `name`)."""
    key = f"cgt_words_at_{name}"
    found = doc.user_data.get(key)
    if found is None:
        found = doc.user_data[key] = tokens_with(doc, LOWER, string_ids(words))
    return found


def _tokens_in(sentence: Span, indices: list[int]) -> list[int]:
    """The indices of the sorted `indices` that lie inside `sentence`, found by bisection."""
    return indices[bisect_left(indices, sentence.start) : bisect_left(indices, sentence.end)]


SPECIFIC_DEAL_PREDICATES = {"investsIn", "acquires"}


def _without_vaguer_partnerships(candidates: list[RelationMention]) -> list[RelationMention]:
    """A collaboration read only from nearby trigger words says less than an investment or acquisition a rule
    read between the same two companies ('investors ... also joined the round'), two investors in one
    round are not partners, and two companies of which one acquires the other in the sentence are not
    partners either: keep the specific reading."""
    specific = {frozenset((m.subject.start, m.object.start)) for m in candidates if m.predicate in SPECIFIC_DEAL_PREDICATES}
    acquisitions = [m for m in candidates if m.predicate == "acquires"]
    investors = {m.subject.start for m in candidates if m.predicate == "investsIn" and not _loosely_read(m)}
    return [m for m in candidates if not (
        m.predicate == "collaboratesWith" and _loosely_read(m)
        and (frozenset((m.subject.start, m.object.start)) in specific or {m.subject.start, m.object.start} <= investors)
        or m.predicate == "investsIn" and _loosely_read(m) and {m.subject.start, m.object.start} <= investors
        # 'Lilly and Prevail announced a definitive agreement for Lilly to acquire Prevail': one takeover, no partnership
        or m.predicate == "collaboratesWith" and any(_same_pair(m, acquisition) for acquisition in acquisitions)
    )]


def _same_pair(a: RelationMention, b: RelationMention) -> bool:
    """Whether two relations join the same two entities, in either order."""
    return (_same_entity(a.subject, b.subject) and _same_entity(a.object, b.object)
            or _same_entity(a.subject, b.object) and _same_entity(a.object, b.subject))


def _same_entity(a: Span, b: Span) -> bool:
    """Whether two mentions name one entity: the same id, or, for names the vocabulary does not know, one name
    the start of the other ('Halden Bio Inc.' and 'Halden Bio')."""
    if a.ent_id_ or b.ent_id_:
        return a.ent_id_ == b.ent_id_
    first, second = sorted((a.text.lower(), b.text.lower()), key=len)
    return second == first or second.startswith(first + " ")


def _loosely_read(mention: RelationMention) -> bool:
    """Read from a trigger word near or on the parse path between two names, not from a pattern of the words between."""
    return mention.rule.endswith((".window", ".dep"))


def _blocked_reading(words: list[str], triggers: set[str], blockers: frozenset[str], object_last: bool) -> bool:
    """Whether the words between two names undo a trigger's reading: a blocker word ('commercialized', 'marketed'),
    or 'for' after the trigger when the object comes last ('develop the production process for X'; not 'a therapy
    for leukaemia developed by Y')."""
    if any(word in blockers for word in words if word != "for"):
        return True
    if "for" not in blockers or not object_last:
        return False
    first = next((i for i, word in enumerate(words) if word in triggers), None)
    return first is not None and "for" in words[first + 1 :]


def _to_antecedents(candidates: list[RelationMention], referred: dict[int, tuple[Span, Span]]):
    """Mentions with each stand-in for an anaphor replaced by the name it refers to."""
    stand_ins = {pair[0].start: pair for pair in referred.values()}
    for mention in candidates:
        subject, obj = mention.subject, mention.object
        if subject.start in stand_ins and stand_ins[subject.start][0] == subject:
            subject = stand_ins[subject.start][1]
        if obj.start in stand_ins and stand_ins[obj.start][0] == obj:
            obj = stand_ins[obj.start][1]
        if subject.ent_id_ and subject.ent_id_ == obj.ent_id_:
            continue
        yield RelationMention(subject, mention.predicate, obj, mention.sentence, mention.rule, mention.confidence)


DESCRIPTION_LABELS = frozenset({"TherapyProduct", "TherapyModality", "Technology", "DeliveryMethod", "Disease"})
"""What a product's description may name on the way to its modality ('Casgevy, a CRISPR-Cas9 gene therapy')."""


def _of_class(named: Span, wanted: frozenset[str] | None, described: dict[int, tuple[Span, ...]]) -> tuple[Span, ...]:
    """The entities that stand for `named` where a rule wants one of class `wanted`: itself, else the products a
    modality is said of (in apposition or listed after it), else none."""
    return (named,) if wanted is None or named.label_ in wanted else described.get(named.start, ())


def apposed_modalities(doc: Doc, ents: list[Span]) -> dict[int, tuple[Span, ...]]:
    """Start token of each modality in apposition to a product ('Zolgensma, a gene therapy'), mapped to the product,
    and of each modality the products it includes are listed after ('AAV gene therapies, including Luxturna and
    Zolgensma'), mapped to them."""
    described: dict[int, tuple[Span, ...]] = {}
    text = text_of(doc)
    for k, modality in enumerate(ents[:-1]):
        if modality.label_ == "TherapyModality" and ents[k + 1].label_ == "TherapyProduct" \
                and INCLUDED_PRODUCTS.fullmatch(text[modality.end_char : ents[k + 1].start_char]):
            members = [ents[k + 1]]
            for member in ents[k + 2 :]:
                if member.label_ != "TherapyProduct" or not COORDINATION.fullmatch(text[members[-1].end_char : member.start_char]):
                    break
                members.append(member)
            described[modality.start] = tuple(members)
    for k, product in enumerate(ents):
        if product.label_ != "TherapyProduct":
            continue
        plain = True  # only what a description names on the way so far
        for modality in ents[k + 1 : k + 4]:
            words = text[product.end_char : modality.start_char]
            if modality.label_ == "TherapyModality" and (SHORT_APPOSITION.fullmatch(words) or plain and APPOSITION.fullmatch(words)):
                described.setdefault(modality.start, (product,))
                break
            # a name in the bracket right after the product ('OTL-203 (Orchard Therapeutics), an ex vivo ... gene
            # therapy') is another name of it or its owner, not a thing the description goes on to
            plain = plain and (modality.label_ in DESCRIPTION_LABELS or OPEN_BRACKET_AFTER_NAME.fullmatch(words) is not None)
    return described


def _transfer_appositions(described: dict[int, tuple[Span, ...]], candidates: list[RelationMention], precision: dict[str, float]) -> list[RelationMention]:
    """'Zolgensma, a gene therapy for spinal muscular atrophy': what the sentence says of the modality in
    apposition to a product, it says of the product. (Who develops such a modality develops the product: the rules
    that want a product read the apposed modality as it, in `_match`.)"""
    transferred = list(candidates)
    for mention in candidates:
        if mention.predicate not in PRODUCT_FIRST_PREDICATES:
            continue
        name = mention.rule + "+apposition"
        for product in described.get(mention.subject.start, ()):
            transferred.append(RelationMention(product, mention.predicate, mention.object, mention.sentence,
                                               name, precision.get(name, mention.confidence * 0.95)))
    return transferred


PARENT_APPOSITION = re.compile(
    r"\s*,\s*(?:which is\s+|itself\s+)?(?:wholly[- ]|majority[- ])?(?:owned by|a (?:unit|subsidiary|division|part|arm|member) of|part of"
    r"|(?:the|a) [\w-]+ (?:unit|arm|subsidiary|division) of)\s+(?:[^\s<>,]+\s+){0,6}?$", re.I)
"""The words between a company and its parent written in apposition: 'Janssen Biotech, owned by US drug developer'."""
CHILD_AFTER_PARENT = re.compile(r"\s*(?:'s|’s)\s+(?:[\w-]+\s+){0,2}?(?:company|unit|subsidiary|division|arm|affiliate)\s*,?\s*"
                                r"|\s+(?:subsidiary|unit|division|affiliate)\s+", re.I)
"""The words between a parent and the company of its that a sentence is about: '’s company, ', ' subsidiary '."""


def parents_in_apposition(doc: Doc, ents: list[Span]) -> dict[int, Span]:
    """Companies named in an apposition as another's parent ('Janssen Biotech, owned by ... Johnson & Johnson, said'),
    by start token, each with the company the apposition describes: what the clause goes on to say is said of that one."""
    parents: dict[int, Span] = {}
    companies = [e for e in ents if e.label_ == "Company"]
    for child, parent in zip(companies, companies[1:]):
        closed = parent.end < len(doc) and doc[parent.end].text == ","
        between = text_of(doc)[child.end_char : parent.start_char]
        if closed and PARENT_APPOSITION.fullmatch(between) or (child[-1].lower_ in ("company", "companies") and between == " of "):
            parents[parent.start] = child  # ... or 'Janssen Pharmaceutical Companies of Johnson & Johnson'
        elif CHILD_AFTER_PARENT.fullmatch(between):
            first, second = child, parent  # here the first name is the parent: 'Bristol-Myers Squibb’s company, Juno'
            parents[first.start] = second
    return parents


def _to_described_children(parents: dict[int, Span], candidates: list[RelationMention]) -> list[RelationMention]:
    """Relations of a parent named in apposition belong to the company it describes; none joins the two."""
    moved = []
    for mention in candidates:
        subject, obj = mention.subject, mention.object
        if parents.get(subject.start, subject).start == obj.start or parents.get(obj.start, obj).start == subject.start:
            continue  # 'Bristol-Myers Squibb’s company, Juno Therapeutics' states no deal between the two
        if subject.start in parents and parents[subject.start].start != obj.start:
            subject = parents[subject.start]
        if obj.start in parents and parents[obj.start].start != subject.start:
            obj = parents[obj.start]
        moved.append(mention if (subject, obj) == (mention.subject, mention.object) else replace(mention, subject=subject, object=obj))
    return moved


def _modality_beside_product(mention: RelationMention) -> bool:
    """In a sentence that names a product, a modality ('Kymriah, a CAR T-cell therapy for ...') describes the
    product: the product, not the modality, is the subject of what the sentence says."""
    return mention.predicate in PRODUCT_FIRST_PREDICATES and mention.subject.label_ == "TherapyModality"


def dependency_path(a, b) -> list | None:
    """Tokens on the shortest path from token a to token b in the parse tree, ends included."""
    up = [a, *a.ancestors]
    down = [b, *b.ancestors]
    position = {t.i: k for k, t in enumerate(down)}
    for k, token in enumerate(up):
        if token.i in position:
            return up[: k + 1] + list(reversed(down[: position[token.i]]))
    return None


def _joins_clauses(path: list, clause_words) -> bool:
    """Whether a dependency path runs from one clause into another: through a verb coordinated with another verb
    that has a subject of its own, not a pronoun ('A bought B for $4.8 billion and C paid $800 million to acquire D'), or into a
    clause opened by one of the clause words ('while', 'whereas', 'although'). The parser joins the clauses; what each
    says stays in it."""
    for first, second in zip(path, path[1:]):
        child = first if first.head == second else second
        if child.pos_ not in ("VERB", "AUX"):
            continue
        if child.dep_ == "conj" and child.head.pos_ in ("VERB", "AUX") and any(
                c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON" for c in child.children):  # 'and it treats': the same subject
            return True
        if child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in clause_words for c in child.children):
            return True
    return False


def _counted_arcs(path: list) -> list:
    """Arcs that make two entities far apart; coordination and apposition do not."""
    arcs = []
    for first, second in zip(path, path[1:]):
        child = first if first.head == second else second
        if child.dep_ not in TRANSPARENT_ARCS:
            arcs.append(child.dep_)
    return arcs


def _blocked(inner: list, owner: dict, a: Span, b: Span, type_of) -> bool:
    """True when another entity of one of the two types sits on the path as a party of its own."""
    for token in inner:
        other = owner.get(token.i)
        if other is None or other is a or other is b:
            continue
        if other.root.dep_ in ("appos", "conj", "compound") or token != other.root:
            continue
        if type_of(other.label_) in (type_of(a.label_), type_of(b.label_)):
            return True
    return False


def _is_agent(a: Span, b: Span, trigger, cues: RelationCues) -> bool:
    """Whether a, rather than b, is the doer of the trigger: its subject, possessor, or the object of 'by'."""
    def role(entity: Span) -> str:
        token = entity.root
        while token.head != token and token.dep_ in ("conj", "appos", "compound"):
            token = token.head
        clause = _clause_on(token, trigger)
        if clause is not None:
            return clause
        if token.dep_ == "pobj":
            if token.head.lower_ == "by":
                return "passive-agent"
            return "agent" if token.head.lower_ in cues.agent_prepositions else "patient"
        if token.dep_ == "poss":
            return "patient" if token.head.lemma_.lower() in cues.raised_things else "agent"
        if token.dep_ in ("nsubj", "agent"):
            return "agent"
        if token.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "dative"):
            return "patient"
        return "unknown"

    role_a, role_b = role(a), role(b)
    if "passive-agent" in (role_a, role_b) and role_a != role_b:
        return role_a == "passive-agent"
    if role_a == "agent" and role_b != "agent":
        return True
    if role_b == "agent" and role_a != "agent":
        return False
    if role_a == role_b == "agent":
        return False  # two doers (co-investors, co-acquirers): neither acts on the other
    return a.start < b.start and role_a != "patient"


def _agent_of_another_verb(entity: Span, trigger) -> bool:
    """'a round led by Arch to advance TSL-112': Arch is the agent of 'led', not of 'advance'."""
    token = entity.root
    if trigger is None or token.dep_ != "pobj" or token.head.lower_ != "by":
        return False
    return trigger not in (token.head, token.head.head)


def _clause_on(token, trigger) -> str | None:
    """The role of a noun modified by a clause built on the trigger: 'AveXis, which was acquired by ...'
    (the relative pronoun's role) or 'AveXis, acquired by ...' (a passive participle: the patient)."""
    if trigger is None:
        return None
    verb = trigger
    while verb.head != verb and verb.dep_ not in ("relcl", "acl") and verb.head != token:
        verb = verb.head
    if verb.head != token or verb.dep_ not in ("relcl", "acl"):
        return None
    if verb.dep_ == "acl":
        return "patient" if verb.tag_ == "VBN" else "agent"
    pronoun = next((c for c in verb.children if c.lower_ in ("which", "that", "who")), None)
    if pronoun is None:
        return None
    return "patient" if pronoun.dep_ in ("nsubjpass", "dobj") else "agent" if pronoun.dep_ == "nsubj" else None


@Language.factory("cgt_relations", default_config={"cues": _rule_data()["cues"]})
def make_relation_finder(nlp: Language, name: str, cues: dict[str, list[str] | dict[str, int]]) -> RelationFinder:
    if not Doc.has_extension("cgt_relations"):
        Doc.set_extension("cgt_relations", default=None)
    return RelationFinder(RelationCues.from_config(cues))
