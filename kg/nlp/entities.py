"""Entity components: sentence breaks at layout, and names that are not in the vocabulary.

`cgt_vocabulary` (an EntityRuler fed from ontology/) finds every known name first.
`cgt_names` then adds what the vocabulary cannot know, from the shapes of names:
people (titles, roles, bylines, quotes), new companies (a head word such as
"Therapeutics" or a legal suffix), product codes and INN generic names, brands
followed by their generic name in parentheses, diseases ("... leukemia"),
agencies ("... Agency") and acts ("... Act"); abbreviations a text defines
("Committee for Advanced Therapies (CAT)") and short forms of companies it named
in full ("Nimbrae" after "Nimbrae Therapeutics GmbH") become aliases in that text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

import numpy
from spacy.attrs import IDX, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRuler, Sentencizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp import AnchoredMatcher, lower_words, orth_words, sentence_at, span_text, string_ids, text_of, tokens_with
from kg.ontology import NOT_AN_ENTITY, ONTOLOGY_DIR, load_vocabulary

PROPER_WORD = {"TEXT": {"REGEX": r"^(?:[A-ZÀ-ÖØ-Þ](?:[^\W_]|[0-9'’.-])*|[a-z]+[A-Z][A-Za-z0-9]*|[0-9][A-Za-z][A-Za-z0-9]*|[A-Z]+)$"}}
"""A word that can be part of a name: capitalised (any Latin letters after: 'Mérieux'), camel case, a digit-led code, an acronym."""
PRODUCT_CODE = (
    r"^(?:[A-Z][A-Za-z]{1,5}-[0-9]{1,5}[A-Za-z]?|[A-Z]{2,6}[0-9]{3,5}[A-Za-z]?|[A-Z]{4,6}[0-9]{2}[A-Za-z]?|[A-Z]{2,5}-[A-Z]?[0-9]{2,4}-[0-9]{1,3}"
    r"|[A-Z][a-z]+[A-Z]{2,}[0-9]{1,3}|[A-Z]{2,4}-[A-Z]|[A-Z][0-9]{4,5})$"
)
CODE_PREFIX = {"TEXT": {"REGEX": r"^[A-Z]{1,5}$"}, "SPACY": False}
CODE_HYPHEN = {"ORTH": "-", "SPACY": False}
CODE_SERIAL = r"^[A-Z]{1,5}[0-9]{1,4}$"
"""Codes the tokenizer splits at a hyphen: 'C-CAR031', 'NSR-REP1', 'LCAR-B38M', 'DS-5141b', 'HB-adMSC', 'KNK-ID-101', 'TBI-1301-A'."""
SPLIT_CODES = [
    [CODE_PREFIX, CODE_HYPHEN, {"TEXT": {"REGEX": CODE_SERIAL}}],
    [CODE_PREFIX, CODE_HYPHEN, {"TEXT": {"REGEX": CODE_SERIAL}, "SPACY": False}, {"TEXT": {"REGEX": r"^[A-Za-z]$"}}],
    [{"TEXT": {"REGEX": PRODUCT_CODE}, "SPACY": False}, {"TEXT": {"REGEX": r"^[a-z]$"}}],
    [{"TEXT": {"REGEX": r"^[A-Z]{2,5}$"}, "SPACY": False}, CODE_HYPHEN, {"TEXT": {"REGEX": r"^[a-z]{1,3}[A-Z]{2,5}s?$"}}],
    # three parts ('KNK-ID-101'), and a variant letter after a code ('TBI-1301-A')
    [CODE_PREFIX, CODE_HYPHEN, {"TEXT": {"REGEX": PRODUCT_CODE}}],
    [{"TEXT": {"REGEX": PRODUCT_CODE}, "SPACY": False}, CODE_HYPHEN, {"TEXT": {"REGEX": r"^[A-Z]$"}}],
]
INN_STEM = r"^[a-z]{4,}(?:cel|vec|leucel|temcel)$"
INN_GENE = r"^[a-z]{4,}gene$"
INN_ANTIBODY = r"^[a-z]{4,}(?:mab|cept)$"
"""Monoclonal antibodies and fusion proteins by their INN stem ('rituximab', 'aducanumab'), named beside cell and gene therapies."""
NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿā-ž]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿā-ž]+)?"
"""A capitalised word of a person's name, accented letters included ('Günther', 'Héon', 'Łukasz')."""
NAME_PART = {"TEXT": {"REGEX": rf"^{NAME_WORD}$"}}
INITIAL = {"TEXT": {"REGEX": r"^[A-Z]\.?$"}, "OP": "?"}
THIRD_NAME_PART = {"TEXT": {"REGEX": rf"^{NAME_WORD}$"}, "OP": "?"}
"""A third part of a name ('Dong Hyun Jang', 'Mary Ann Smith'): the longest match keeps it."""
INITIAL_DOT = {"ORTH": ".", "OP": "?"}
PROPER_RE = re.compile(PROPER_WORD["TEXT"]["REGEX"])
ABBREVIATION = re.compile(r"[A-Z][A-Za-z0-9&-]{1,9}")
"""A short form a text defines in brackets right after a name: 'Oxford Biomedica (OXB)'."""
PRODUCT_CODE_RE = re.compile(PRODUCT_CODE)
NAME_PART_RE = re.compile(rf"^{NAME_WORD}$")
WORDS_FILE = ONTOLOGY_DIR / "patterns" / "entity_words.toml"


@dataclass(frozen=True)
class EntityWords:
    """The domain words of the name finder, from ontology/patterns/entity_words.toml or the component's config."""

    person_titles: frozenset[str]
    person_roles: frozenset[str]
    person_role_heads: frozenset[str]
    speech_verbs: frozenset[str]
    leading_noise: frozenset[str]
    disease_noise: frozenset[str]
    company_nouns: frozenset[str]
    company_verbs: frozenset[str]
    common_word_suffixes: frozenset[str]
    not_person_words: frozenset[str]
    trial_nouns: frozenset[str] = frozenset()
    person_degrees: frozenset[str] = frozenset()
    cell_types: frozenset[str] = frozenset()
    cell_product_heads: frozenset[str] = frozenset()
    law_heads: frozenset[str] = frozenset()
    policy_heads: frozenset[str] = frozenset()
    weak_regulation_heads: frozenset[str] = frozenset()
    company_name_heads: frozenset[str] = frozenset()
    company_of_heads: frozenset[str] = frozenset()
    disease_qualifiers: frozenset[str] = frozenset()
    company_name_tails: frozenset[str] = frozenset()
    product_name_heads: frozenset[str] = frozenset()
    platform_words: frozenset[str] = frozenset()
    calendar_words: frozenset[str] = frozenset()
    market_words: frozenset[str] = frozenset()
    platform_nouns: frozenset[str] = frozenset()
    stock_exchanges: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, words: dict[str, list[str]]) -> EntityWords:
        """The lists of a config, lower-cased; the vocabulary's demonyms join the leading noise."""
        lists = {name: frozenset(w.lower() for w in words[name]) for name in cls.__dataclass_fields__ if name in words}
        lists["leading_noise"] |= {line.lower() for line in load_vocabulary().demonyms}
        return cls(**lists)


def default_entity_words() -> dict[str, list[str]]:
    """The name finder's word lists as shipped in ontology/patterns/entity_words.toml."""
    with open(WORDS_FILE, "rb") as handle:
        return tomllib.load(handle)


MODEL_LABELS = {"PERSON": "Person"}
DESCRIBED_COMPANY = "DescribedCompany"
"""Match label of a name right after a company noun ('investment firm Temasek'): a Company, found in rules mode too."""
DESCRIBED_PRODUCT = "DescribedProduct"
"""Match label of a camel-case brand right after a product noun ('the liver disease treatment HepaStem')."""
INVESTOR_NAME = "InvestorName"
"""Candidate label of a name a financing sentence lists as an investor ('Investors in the round include X')."""
INVESTOR_CUE_IDS = string_ids(["include", "includes", "included", "including", "by", "are", "were", "from"])
ROUND_WORDS = re.compile(r"\b(?:round|financing|funding|series [a-h]\b|seed)", re.I)
JOINING_THE_ROUND = re.compile(r"\b(?:joining|participating in|taking part in) (?:the|this) (?:[\w-]+ ){0,2}(?:round|financing)$")
INVESTOR_NOUNS = frozenset({"investor", "investors", "backers", "participants"})
SAID_COMPANY = "SaidCompany"
"""Candidate label of a name a sentence says is a company ('Prevail is a biotechnology company')."""
LISTED_COMPANY = "ListedCompany"
"""Candidate label of a name right before its stock ticker ('Medtronic (NYSE:MDT)'): a company, one word or more."""
BRAND_MARK = "BrandMark"
"""Match label of a capitalised word right before a trade mark sign ('CybroCell™', 'KYMRIAH®'): a product's brand,
or a technology's when a platform word follows ('the FasTCAR™ platform')."""
PLATFORM_NAME = "PlatformName"
"""Match label of a brand-shaped name right before a platform noun ('its LentiVector platform'): a technology."""
POSSESSIVES = frozenset({"its", "their", "'s", "’s", "our"})
NOT_BRANDS = frozenset({"phase", "trial", "trials", "study", "studies", "program", "programme", "portfolio", "pipeline",
                        "platform", "candidate", "data", "results", "approval", "application", "efficacy", "safety",
                        "treatment", "therapy", "patients", "findings", "analysis", "dosing"})
"""Capitalised words a headline or a label may put after a product noun that are no brand ('Its Gene Therapy Trial')."""
CAMEL_NAME = re.compile(r"^(?!(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|Ph)[A-Z])[A-Z][a-z]+[A-Z][A-Za-z]*$")
"""A one-word name in camel case: 'DiscGenics', 'AskBio', 'BlueRock', 'MeiraGTx'; not a surname ('McCarthy', 'DeSantis')."""
AUXILIARIES = frozenset({"has", "have", "had", "will", "would", "also", "today", "recently", "previously", "is", "to"})
BUYING_VERBS = frozenset({"acquire", "acquired", "acquires", "acquiring", "buy", "buys", "bought", "buying"})
DEAL_PREPOSITIONS = frozenset({"with", "of", "in"})
DEAL_NOUNS = frozenset({"agreement", "deal", "partnership", "collaboration", "acquisition", "merger", "stake", "investment"})
"""'the deal with AskBio', 'its acquisition of BlueRock', 'a stake in DiscGenics': what a deal is made with."""
IRREGULAR_PAST = {"say": "said", "sell": "sold", "buy": "bought"}


CAMEL_WORD = re.compile(r"(?<![\w-])[A-Z][a-z]+[A-Z]")
"""Where a camel-case word may start in a text, for `CAMEL_NAME` to check on its token."""


def _tokens_at(doc: Doc, offsets: list[int]) -> list[int]:
    """The tokens that start at the character `offsets` (sorted; an offset inside a token finds none)."""
    if not offsets:
        return []
    starts = doc.to_array(IDX)
    found = numpy.searchsorted(starts, offsets)
    return [int(k) for k, offset in zip(found, offsets) if k < len(starts) and starts[k] == offset]


def _verb_forms(verb: str) -> tuple[str, ...]:
    """The forms a business verb takes after its subject: 'announce' -> announce, announces, announced, announcing."""
    stem = verb[:-1] if verb.endswith("e") else verb
    return (verb, verb + "s", IRREGULAR_PAST.get(verb, stem + "ed"), stem + "ing")


MAX_SENTENCE_TOKENS = 250
"""A sentence is started after this many tokens with no sentence end or line break: each figure and relation reads
its whole sentence, so one endless sentence (a table flattened to one line) would make extraction quadratic."""
SENTENCE_END_IDS = string_ids(Sentencizer.default_punct_chars)
"""The ORTH ids of the sentencizer's sentence-end characters."""
COPULA_IDS = string_ids(["is", "was", "remains"])
TRADE_MARK_IDS = string_ids(["®", "™"])
CAMEL_BRAND = re.compile(r"^[A-Z][a-z]+[A-Z][A-Za-z]*[a-z][A-Za-z]*$")
"""A brand written in camel case: 'HepaStem', 'CybroCell'."""
LINE_BREAK = re.compile("\n")


class VocabularyRuler(EntityRuler):
    """spaCy's EntityRuler, except that exact-case names (token patterns of ORTH only) are matched by a
    PhraseMatcher on ORTH, which costs the same for any number of names, where spaCy's token Matcher tries
    every pattern at every token; and the entities its matches overwrite are dropped in one pass: spaCy's
    own `set_annotations` refilters the entity list at every match, quadratic next to a model's entities."""

    def clear(self) -> None:
        """Reset all patterns, the exact-case names too."""
        super().clear()
        self.exact_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")

    def add_patterns(self, patterns: list[dict]) -> None:
        """Add patterns as EntityRuler does; a token pattern of ORTH values only goes to the exact-case PhraseMatcher."""
        if not hasattr(self, "exact_matcher"):
            self.exact_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        exact = [entry for entry in patterns if _exact_words(entry["pattern"]) is not None]
        super().add_patterns([entry for entry in patterns if _exact_words(entry["pattern"]) is None])
        for entry in exact:
            label = entry["label"]
            if "id" in entry:
                label = self._create_label(entry["label"], entry["id"])
                self._ent_ids[self.matcher._normalize_key(label)] = (entry["label"], entry["id"])
            self.token_patterns[label].append(entry["pattern"])
            self.exact_matcher.add(label, [Doc(self.nlp.vocab, words=_exact_words(entry["pattern"]))])

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The matches of all three matchers, longest first, as EntityRuler orders them (without its check that
        patterns exist, which counts every pattern at every call)."""
        matches = [*(self.matcher(doc) if len(self.matcher) else ()), *self.exact_matcher(doc), *self.phrase_matcher(doc)]
        final_matches = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final_matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    def set_annotations(self, doc: Doc, matches) -> None:
        """Add the matches (longest first) as entities where no longer match lies, as EntityRuler does."""
        new_entities, seen_tokens = [], set()
        for match_id, start, end in matches:
            if not self.overwrite and any(t.ent_type for t in doc[start:end]):
                continue
            if start not in seen_tokens and end - 1 not in seen_tokens:
                if match_id in self._ent_ids:
                    label, ent_id = self._ent_ids[match_id]
                    new_entities.append(Span(doc, start, end, label=label, span_id=ent_id))
                else:
                    new_entities.append(Span(doc, start, end, label=match_id))
                seen_tokens.update(range(start, end))
        # set_ents takes the Spans as they are, where `doc.ents = ...` builds each one again
        doc.set_ents([e for e in doc.ents if seen_tokens.isdisjoint(range(e.start, e.end))] + new_entities, default="outside")


def _exact_words(pattern) -> list[str] | None:
    """The words of a token pattern that only names exact token texts ([{"ORTH": "Kite"}]), else None."""
    if isinstance(pattern, list) and pattern and all(list(token) == ["ORTH"] and isinstance(token["ORTH"], str) for token in pattern):
        return [token["ORTH"] for token in pattern]
    return None


@Language.factory(
    "cgt_vocabulary_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={"phrase_matcher_attr": None, "validate": False, "overwrite_ents": False},
)
def make_vocabulary_ruler(nlp: Language, name: str, phrase_matcher_attr: str | None, validate: bool, overwrite_ents: bool) -> VocabularyRuler:
    """The vocabulary EntityRuler of `load_pipeline`, configured as spaCy's `entity_ruler` is."""
    return VocabularyRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr, validate=validate, overwrite_ents=overwrite_ents)


@Language.component("cgt_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence at blank lines, headings and bullets, so layout never glues two facts, and
    after MAX_SENTENCE_TOKENS tokens without an end."""
    if len(doc) < 2:
        return doc
    after_end = [i + 1 for i in tokens_with(doc, ORTH, SENTENCE_END_IDS) if i + 1 < len(doc)]
    layout = [i for i in _after_line_breaks(doc) if _layout_break_before(doc, doc[i])]
    starts = _cut_long_runs(layout, after_end, len(doc))
    inside = [i for i in after_end if _abbreviation_before(doc, i) and i not in layout]
    if starts or inside:
        # one write for all: `token.is_sent_start = True` scans the whole document for a parse each time
        sent_starts = doc.to_array(SENT_START).astype("int64")  # -1: no start
        sent_starts[starts] = 1
        sent_starts[inside] = -1
        doc.from_array(SENT_START, sent_starts.view(numpy.uint64))  # spaCy reads the bits back as -1
    return doc


NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "vol", "fig", "figs", "approx", "ref", "vs"})
"""Words whose full stop before a number ends no sentence: "South Korea's No. 3 conglomerate", "Fig. 2"."""
LABEL_NOUNS = frozenset({"series", "cohort", "phase", "part", "class", "arm", "group", "type", "stage", "grade", "round",
                         "tranche", "wave", "tier", "category", "level", "section", "appendix", "annex", "schedule", "plan"})
"""Nouns a letter labels ('a Series B.', 'Cohort A.'): the full stop after that letter may end a sentence."""


def _abbreviation_before(doc: Doc, i: int) -> bool:
    """Whether token `i` follows the full stop of an abbreviation written before a number ('No. 3') or of a
    middle initial before a name ('T. Rowe Price'; not 'I', 'V' or 'X', which end 'Phase I.')."""
    stop, word = doc[i - 1], doc[i - 2] if i >= 2 else None
    if word is None or stop.text != "." or word.whitespace_:
        return False
    if word.lower_ in NUMBER_ABBREVIATIONS:
        return doc[i].like_num
    if not (len(word.text) == 1 and word.is_upper and word.text not in "IVX" and doc[i].is_title and not doc[i].is_stop):
        return False
    if i >= 3 and doc[i - 3].lower_ in LABEL_NOUNS:
        return False  # 'raised $50 million in a Series B. Investors included ...': the letter labels the round
    # a name goes on after the initial ('T. Rowe Price') or began before it ('Jeffrey D. Marrazzo'); 'series B. Investors in' ends
    return (i + 1 < len(doc) and doc[i + 1].is_title and not doc[i + 1].is_stop) or (i >= 3 and doc[i - 3].is_title and not doc[i - 3].is_stop)


def _after_line_breaks(doc: Doc) -> list[int]:
    """The tokens that follow a token with a line break in it: the only ones a layout break can come before."""
    offsets = [match.start() for match in LINE_BREAK.finditer(text_of(doc))]
    following = numpy.searchsorted(doc.to_array(IDX), offsets, side="right").tolist()
    return sorted({i for i in following if 1 <= i < len(doc)})


def _cut_long_runs(layout: list[int], after_end: list[int], length: int) -> list[int]:
    """The `layout` starts (in order), and a start wherever MAX_SENTENCE_TOKENS tokens pass with neither a start
    nor a sentence end (the tokens `after_end` follow one)."""
    starts, last, at_layout = [], 0, set(layout)
    for position in sorted({*layout, *after_end, length}):
        while position - last > MAX_SENTENCE_TOKENS:
            last += MAX_SENTENCE_TOKENS
            starts.append(last)
        if position in at_layout:
            starts.append(position)
        last = position
    return starts


def _layout_break_before(doc: Doc, token) -> bool:
    """Whether the line break before `token` ends a paragraph, a heading or a sentence, or starts a list item."""
    previous = doc[token.i - 1]
    text_before = previous.text_with_ws
    if "\n" not in text_before:
        return False
    line_start = token.text[:1] in "#*-•>|" or token.like_num and token.i + 1 < len(doc) and doc[token.i + 1].text in ".)"
    blank_line = text_before.count("\n") >= 2
    last_word = doc[previous.i - 1] if previous.is_space and previous.i > 0 else previous
    ended = last_word.text[-1:] in ".!?:;"
    heading = _line_of(doc, last_word).lstrip().startswith("#") or (
        not ended and len(_line_of(doc, last_word)) < 80 and (token.is_title or token.is_upper and len(token) > 1)
    )  # a short line before a capitalised word or a code ('MLT-204 ...' under a table's header)
    return bool(blank_line or line_start or ended or heading)


def _line_of(doc: Doc, token) -> str:
    text = text_of(doc)
    start = text.rfind("\n", 0, token.idx) + 1
    end = text.find("\n", token.idx)
    return text[start : end if end != -1 else len(text)]


def is_heading(sentence: Span) -> bool:
    """A Markdown heading, or a short line in Title Case: where capitals say nothing about names."""
    text = span_text(sentence)
    if text.lstrip().startswith("#"):
        return True
    if text.rstrip().endswith("."):
        return False
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.is_title or t.is_upper for t in words) >= 0.75 * len(words)


class KeptNames:
    """The names kept so far, in the order they were kept, with the names covering each token:
    what overlaps a span is looked up by its own tokens, not by scanning every name kept."""

    def __init__(self, spans: list[Span]):
        self.order: dict[int, Span] = {}
        self.covering: dict[int, list[Span]] = {}
        for span in spans:
            self.add(span)

    def add(self, span: Span) -> None:
        """Keep `span`."""
        self.order[id(span)] = span
        for i in range(span.start, span.end):
            self.covering.setdefault(i, []).append(span)

    def remove(self, span: Span) -> None:
        """Drop a kept span."""
        del self.order[id(span)]
        for i in range(span.start, span.end):
            self.covering[i] = [k for k in self.covering[i] if k is not span]

    def overlapping(self, span: Span) -> list[Span]:
        """The kept names that share a token with `span`."""
        return list({id(k): k for i in range(span.start, span.end) for k in self.covering.get(i, ())}.values())

    def spans(self) -> list[Span]:
        """The kept names, in the order they were kept."""
        return list(self.order.values())


def _narrower_disease(span: Span, kept: KeptNames, taken: set[int], type_of, qualifiers: frozenset[str] = frozenset()) -> None:
    """'cervical cancer' names a narrower disease than the 'cancer' (oncology) inside it, and 'lupus
    nephritis' than 'lupus': a longer disease name replaces the known disease names it contains; not when
    the words before the known name only qualify it ('a chronic liver disease' is liver disease)."""
    overlapping = kept.overlapping(span)
    inside = [k for k in overlapping if span.start <= k.start and k.end <= span.end and len(k) < len(span)]
    if not inside or len(inside) < len(overlapping) or any(type_of(k.label_) != "Disease" for k in inside):
        return
    if inside[-1].end == span.end and all(t.lower_ in qualifiers for t in span.doc[span.start : inside[0].start]):
        return
    for k in inside:
        kept.remove(k)
    taken.difference_update(i for k in inside for i in range(k.start, k.end))


WIDER_NAME_PARTS = {"Company": ("Company", "Country", "Region", "Disease"), "TherapyProduct": ("Technology", "Therapy"),
                    "Law": ("Regulation", "Country", "Region", "Therapy", "Disease", "Technology"),
                    "Policy": ("Regulation", "Country", "Region", "Therapy", "Disease", "Technology")}
OF_NAME_HEADS = frozenset({"university", "bank", "institute", "college", "school", "academy", "hospital", "foundation"})
"""Words that an institution's name goes on after with 'of' ('University of Tokyo Edge Capital Partners')."""
FUND_NUMERALS = frozenset({"II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"})
"""Roman numerals that number a fund after its head word ('Mirai Creation Fund III', 'Axil Capital Partners II')."""
LEGAL_NAME_PARTS = ("Company", "Country", "Region", "Disease", "Therapy", "Technology")
"""Known names a company name that ends in a legal form may contain: 'Japan Regenerative Medicine Co., Ltd.'."""
"""Known names a longer new name may contain: 'Lilly Asia Ventures' (a company and a region before a head word),
'Enforcement Decree of the Advanced Regenerative Bio Act', 'Japan Revitalization Strategy', a fund named
after a disease ('the JDRF T1D Fund')."""


def _wider_name(span: Span, kept: KeptNames, taken: set[int], type_of, legal_name: bool = False) -> None:
    """A new company, law or policy name built around a head word beyond the known names it contains is one name,
    not its parts: 'Lilly Asia Ventures' is not Eli Lilly plus Asia, 'Japan Revitalization Strategy' not Japan. A
    company name that ends in its legal form (`legal_name`) is one name whatever it contains ('Japan Regenerative
    Medicine Co., Ltd.')."""
    overlapping = kept.overlapping(span)
    inside = [k for k in overlapping if span.start <= k.start and k.end <= span.end and len(k) < len(span)]
    parts = LEGAL_NAME_PARTS if legal_name else WIDER_NAME_PARTS[span.label_]
    if not inside or len(inside) < len(overlapping) or any(type_of(k.label_) not in parts for k in inside):
        return
    for k in inside:
        kept.remove(k)
        for token in k:
            token.ent_id = 0  # else the new span would take the identity of the known name at its root
    taken.difference_update(i for k in inside for i in range(k.start, k.end))


def _regional_subsidiaries(doc: Doc, known: list[Span], type_of, suffixes: set[str]) -> list[Span]:
    """A known company followed at once by a country ('Biogen Japan', 'Legend Biotech USA Inc.') is that company's
    national arm, which names the company (not the country), when no capitalised word follows the country."""
    by_start = {span.start: span for span in known}
    joined, absorbed = [], set()
    for span in known:
        if id(span) in absorbed:
            continue
        country = by_start.get(span.end)
        after = country.end if country is not None else None
        if (span.label_ == "Company" and country is not None and type_of(country.label_) == "Country"
                and doc[span.end - 1].whitespace_ and doc[span.end - 1].text not in (",", ")")
                and not (after < len(doc) and doc[after].is_title and not doc[after].is_sent_start and doc[after].lower_ not in suffixes)):
            for token in country:
                token.ent_id = 0
            # the parent's national arm is a mention of the parent (docs/CONVENTIONS.md), not a country of its own
            joined.append(Span(doc, span.start, country.end, label="Company", kb_id=span.kb_id_, span_id=span.id_ or span.ent_id_))
            absorbed.add(id(country))
            continue
        joined.append(span)
    return joined


def _short_names_join_full_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """A one-word company name that begins a longer company name of the same text is that company
    ('Brantwell' and 'Brantwell Therapeutics'), wherever in the text the two appear."""
    full_names = {}
    for span in spans:
        if span.label_ == "Company" and len(span) >= 2 and span[0].is_title:
            full_names.setdefault(span[0].text, span)
    joined = []
    for span in spans:
        full = full_names.get(span.text) if span.label_ == "Company" and len(span) == 1 and not span.kb_id_ else None
        if full is not None:
            span = Span(doc, span.start, span.end, label="Company", kb_id=full.kb_id_ or full.text, span_id=full.id_ or full.ent_id_)
        joined.append(span)
    return joined


def _acts_as_company(ent: Span, words: EntityWords) -> bool:
    """The statistical model's ORG is taken as a company only when the sentence treats it as one:
    the subject of a business verb, or in apposition with 'a ... company/developer/firm'."""
    if len(ent.text) <= 4 and ent.text.isupper() or ent.text.lower().startswith("the ") or not ent[0].is_title:
        return False
    head = ent.root
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in words.company_verbs:
        return True
    following = ent.doc[ent.end : ent.end + 8]
    if len(following) > 1 and following[0].text == ",":
        for token in following[1:]:
            if token.text in (",", ".", ";"):
                break
            if token.lower_ in words.company_nouns:
                return True
    return False


def _title_case_name(doc: Doc, start: int, end: int, noise: frozenset[str]) -> bool:
    """'Primary Biliary Cholangitis': every word capitalised, head word included, at least one word before the head
    that is more than a modifier ('Advanced Disease' in a title-case heading is none), and the name ends there (no
    capitalised word after it, as in 'Huntington Disease Society'): a disease written in title case."""
    after = doc[end] if end < len(doc) else None
    return (end - start >= 2 and all(t.is_title or t.text == "-" for t in doc[start:end])
            and any(t.lower_ not in noise and t.is_alpha for t in doc[start : end - 1])
            and not (after is not None and after.is_title))


def _confirmed_outside_headings(spans: list[Span]) -> list[Span]:
    """New company names seen only in headings ('Top Pharma Deals') are not trusted; named in body text they are."""
    heading_at: dict[int, bool] = {}  # by sentence start: a long sentence is read once, not once per name
    in_heading = []
    for span in spans:
        sentence = span.sent
        if sentence.start not in heading_at:
            heading_at[sentence.start] = is_heading(sentence)
        in_heading.append(heading_at[sentence.start])
    texts = [span_text(span) for span in spans]
    in_body = {text for text, heading in zip(texts, in_heading) if not heading}
    return [span for span, text, heading in zip(spans, texts, in_heading) if text in in_body or not heading]


DISEASE_MODIFIER = re.compile(r"^(?:(?![A-Za-z]*[a-z][A-Z])[A-Za-z][A-Za-z0-9]*|-|'s|’s)$")
"""A word that may open a disease name before its head word: not a brand in camel case ('FibroGenesis
intervertebral disc degeneration' names a sponsor, then a disease)."""


def _brand_marks(doc: Doc) -> list[tuple[str, int, int]]:
    """A one-word brand of three letters or more right before a trade mark sign ('CybroCell™', 'KYMRIAH®'; not the
    last word of a longer name, 'Sleeping Beauty™', 'G-Rex®'), found from the signs (rare) rather than tried at every word."""
    return [(BRAND_MARK, i - 1, i + 1) for i in tokens_with(doc, ORTH, TRADE_MARK_IDS)
            if i > 0 and len(doc[i - 1]) >= 3 and PROPER_RE.match(doc[i - 1].text)
            and not (i > 1 and (doc[i - 2].text == "-" or doc[i - 2].is_title and doc[i - 2].whitespace_))]  # not 'Sleeping Beauty™', 'G-Rex®'


PLATFORM_OPENERS = POSSESSIVES | {"the", "proprietary", "novel", "own"}
"""The words a brand-shaped name before a platform noun follows ('its LentiVector platform', "Capsigen's TRADE platform")."""
BRAND_SHAPE = re.compile(r"^(?:[A-Z][a-z]+[A-Z][A-Za-z]*|[a-z]+[A-Z][A-Za-z]*|[A-Z]{4,8})$")
"""A word shaped like a brand, not like a common word: camel case ('LentiVector', 'synNotch'), or four capitals or more
('TRACER'; not the acronyms 'GMP', 'CMC', 'ADC')."""


def _platform_names(doc: Doc, platform_noun_ids: frozenset[int]) -> list[tuple[str, int, int]]:
    """A brand-shaped name right before a platform noun (entity_words.toml platform_nouns), after a determiner or a
    possessive ('its LentiVector platform', 'the T-Charge platform', 'Capsigen's TRADE platform'): a technology, found
    from the nouns."""
    found = []
    for i in tokens_with(doc, LOWER, platform_noun_ids):
        if i >= 4 and doc[i - 2].text == "-" and doc[i - 3].is_upper and len(doc[i - 3]) <= 2 and doc[i - 1].is_title \
                and not doc[i - 3].whitespace_ and not doc[i - 2].whitespace_:
            start = i - 3  # 'T-Charge'
        elif i >= 2 and BRAND_SHAPE.match(doc[i - 1].text):
            start = i - 1
        else:
            continue
        if start > 0 and doc[start - 1].lower_ in PLATFORM_OPENERS:
            found.append((PLATFORM_NAME, start, i))
    return found


def _after_taken(doc: Doc, span: Span, taken: set[int]) -> Span | None:
    """The part of a name after the words another name has taken, when a name of two words or more is left."""
    start = span.start
    while start < span.end and start in taken:
        start += 1
    if span.end - start < 2 or not PROPER_RE.match(doc[start].text) or doc[start].is_punct:
        return None
    return Span(doc, start, span.end, label=span.label_)


def _proper_run_start(doc: Doc, end: int, limit: int = 6) -> int:
    """Where the run of capitalised words (joined by '&', or by 'of' after a word such as 'University': 'The
    University of Tokyo Edge Capital Partners') that ends just before `end` starts."""
    start = end
    while start > 0 and end - start < limit:
        previous = doc[start - 1]
        if PROPER_RE.match(previous.text) and not previous.is_space:
            start -= 1
        elif previous.text == "&" and start > 1 and PROPER_RE.match(doc[start - 2].text):
            start -= 1
        elif previous.lower_ == "of" and start > 1 and doc[start - 2].lower_ in OF_NAME_HEADS and end - start < limit - 2:
            start -= 1
        else:
            break
    return start


def _proper_run_end(doc: Doc, start: int, limit: int = 8) -> int:
    """Where the run of capitalised words (joined by 'and', ',' or '&') that begins at `start` ends."""
    end = start
    while end < len(doc) and end - start < limit:
        token = doc[end]
        if PROPER_RE.match(token.text):
            end += 1
        elif token.text in ("and", "&", ",") and end + 1 < len(doc) and PROPER_RE.match(doc[end + 1].text) and end > start:
            end += 1
        else:
            break
    return end


REPEATED_LABELS = ("TherapyProduct", "Company")
"""New names (found by their shape, not in the vocabulary) that a document names again without the words around
them that found them the first time: 'its liver disease treatment HepaStem ... the phase I/II study of HepaStem'."""


def _repeated_names(doc: Doc, kept: list[Span]) -> list[Span]:
    """Every later bare occurrence of a new product or company name the finder kept, as the same kind of name:
    names of two words or more, or one word of a shape no common word has (camel case, a digit, four capitals).
    Found in the text (one search for all names), not token by token."""
    names: dict[str, str] = {}
    text = text_of(doc)
    lowered = {}
    for span in kept:
        if span.label_ in REPEATED_LABELS and not span.ent_id_ and len(span) <= 4:
            if len(span) > 1 or re.search(r"[a-z][A-Z]|\d|^[A-Z]{4,}$", span.text):
                names.setdefault(span.text, span.label_)
            elif span.text[:1].isupper() and span.text[1:].islower() and len(span.text) > 3 and not span[0].is_sent_start:
                # a capitalised word the text never writes in lower case ('company Mundipharma'), again where no
                # sentence starts with it
                lowered.setdefault(span.text, span.label_)
    longer = {span.text for span in kept if len(span) > 1}
    for name, label in lowered.items():
        short_form = any(other.startswith(name + " ") for other in longer)  # 'Kestrel' of 'Kestrel Vector Sciences'
        if not short_form and re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", text) is None:
            names.setdefault(name, label)
    if not names:
        return []
    # a model's own entity (no vocabulary id) that the finder did not keep claims nothing: it is dropped anyway
    found, claimed = [], {i for span in [*kept, *(e for e in doc.ents if e.ent_id_)] for i in range(span.start, span.end)}
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    for match in re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", text):  # one pass for all names, longest first
        name = match.group(0)
        span = doc.char_span(match.start(), match.end())
        if span is None or name in lowered and span[0].is_sent_start:
            continue
        if claimed.isdisjoint(range(span.start, span.end)):
            found.append(Span(doc, span.start, span.end, label=names[name]))
            claimed.update(range(span.start, span.end))
    return found


def _listed_names(doc: Doc, end: int, noise: frozenset[str], limit: int = 6) -> list[tuple[int, int]]:
    """The names listed after a name that ends at `end` (', B, and C', ' and B'): runs of capitalised words,
    a hyphen allowed inside one ('AFM-Telethon'), each after a comma or 'and'; the list ends at anything else,
    and at a word of `noise` ('and Danish venture capital fund Quillhaven' starts a new description)."""
    names: list[tuple[int, int]] = []
    while len(names) < limit and end < len(doc):
        at = end
        if doc[at].text == ",":
            at += 1
        if at < len(doc) and doc[at].lower_ in ("and", "&"):
            at += 1
        if at == end or at >= len(doc) or not PROPER_RE.match(doc[at].text) or doc[at].is_sent_start or doc[at].lower_ in noise:
            break
        stop = at + 1
        while stop < len(doc) and stop - at < 4 and (PROPER_RE.match(doc[stop].text) or (
                doc[stop].text == "-" and not doc[stop - 1].whitespace_ and stop + 1 < len(doc) and PROPER_RE.match(doc[stop + 1].text))):
            stop += 2 if doc[stop].text == "-" else 1
        if stop < len(doc) and doc[stop].text in ("-", "'s", "’s"):
            break  # 'Basel-based', 'Novartis's': a word about a name, not a listed name
        names.append((at, stop))
        end = stop
    return names


class NameFinder:
    """Finds people, companies, products, diseases, agencies and laws that the vocabulary does not list."""

    def __init__(self, nlp: Language, words: EntityWords):
        vocabulary = load_vocabulary()
        self.vocabulary = vocabulary
        self.words = words
        suffixes = sorted({s.lower().rstrip(".") for s in vocabulary.company_suffixes})
        self.suffixes = set(suffixes) | {s + "." for s in suffixes}
        self.not_products = re.compile("|".join(f"(?:{p})" for p in vocabulary.not_products))
        self.matcher = AnchoredMatcher(nlp.vocab, {
            "Person": [
                [{"LOWER": {"IN": sorted(words.person_titles)}}, NAME_PART, INITIAL, INITIAL_DOT, NAME_PART, THIRD_NAME_PART],
                # 'Peter Marks, M.D., Ph.D., director', 'Chen Zhui, co-founder', 'Peter Zippelius, a partner at': degrees,
                # an article and 'co-' before the role
                [NAME_PART, INITIAL, INITIAL_DOT, NAME_PART, THIRD_NAME_PART, {"ORTH": ","},
                 {"LOWER": {"IN": sorted(words.person_degrees | {",", "co", "-", "a", "an", "the"})}, "OP": "*"}, {"LOWER": {"IN": sorted(words.person_roles)}}],
                [{"LOWER": {"IN": sorted(words.speech_verbs)}}, NAME_PART, INITIAL, INITIAL_DOT, NAME_PART, THIRD_NAME_PART],
                [NAME_PART, INITIAL, INITIAL_DOT, NAME_PART, THIRD_NAME_PART, {"LOWER": {"IN": sorted(words.speech_verbs)}}],
                [{"LOWER": {"IN": sorted(words.person_role_heads)}}, NAME_PART, INITIAL, INITIAL_DOT, NAME_PART, THIRD_NAME_PART],
                # 'Roche CEO, Severin Schwan': an acronym title, a comma, then the name
                [{"LOWER": {"IN": sorted(words.person_role_heads)}, "IS_UPPER": True}, {"ORTH": ","}, NAME_PART, INITIAL, INITIAL_DOT, NAME_PART, THIRD_NAME_PART],
                [{"LOWER": "by"}, NAME_PART, INITIAL, INITIAL_DOT, NAME_PART, THIRD_NAME_PART, {"IS_SPACE": True}],
            ],
            "TherapyProduct": [
                [{"TEXT": {"REGEX": PRODUCT_CODE}}],
                *SPLIT_CODES,
                [{"TEXT": {"REGEX": INN_GENE}, "OP": "?"}, {"TEXT": {"REGEX": INN_STEM}}],
                [{"TEXT": {"REGEX": r"^[a-z]{4,}leucel$"}}, {"ORTH": "-"}, {"ORTH": "T"}],
                [{"TEXT": {"REGEX": INN_ANTIBODY}}],
                # products named only by what they are: 'iPSC-derived dopaminergic progenitor cells',
                # 'a cardiomyocyte spheroid therapy' (cell words and heads in entity_words.toml)
                [{"TEXT": {"REGEX": r"^[A-Za-z0-9]{2,}$"}}, {"ORTH": "-"}, {"LOWER": {"IN": ["derived", "based"]}},
                 {"LOWER": {"IN": sorted(words.cell_types)}, "OP": "+"}, {"LOWER": {"IN": sorted(words.cell_product_heads)}}],
                [{"LOWER": {"IN": sorted(words.cell_types)}, "OP": "+"}, {"LOWER": {"IN": sorted(words.cell_product_heads - {"cells"})}},
                 {"LOWER": {"IN": ["therapy", "therapies", "product", "products"]}, "OP": "?"}],
            ],
        })
        # Names that end in a telling word are found from that word backwards (cheaper than
        # open-ended Matcher patterns): "Lunaris Bio", "Helixmith Co., Ltd.", "acute myeloid leukemia".
        self.company_heads = set(vocabulary.company_heads)
        self.disease_heads = {h.lower() for h in vocabulary.disease_heads}
        self.agency_heads = set(vocabulary.agency_heads)
        self.type_of = vocabulary.type_of
        self.exchanges = {name.upper() for name in words.stock_exchanges}
        self.anchor_texts = string_ids({*self.company_heads, *self.agency_heads, "Ministry", "Department"})
        self.regulation_heads = words.law_heads | words.policy_heads
        self.anchor_lowers = string_ids({*self.suffixes, *self.disease_heads, *self.regulation_heads, *words.stock_exchanges})
        self.product_head_ids = string_ids(words.product_name_heads)
        self.platform_noun_ids = string_ids(words.platform_nouns)
        self.company_noun_ids = string_ids(words.company_name_heads | words.company_of_heads)
        self.business_verbs = frozenset(form for verb in words.company_verbs for form in _verb_forms(verb))
        self.not_first_name_words = words.calendar_words | words.person_role_heads | words.person_titles | words.leading_noise | words.market_words

    def _anchored(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Candidate names that end in a company head word or legal suffix, a disease, agency or act word, or stand
        right before a stock ticker ('Medtronic (NYSE:MDT)')."""
        candidates = []
        for i in sorted({*tokens_with(doc, ORTH, self.anchor_texts), *tokens_with(doc, LOWER, self.anchor_lowers)}):
            token = doc[i]
            if token.text in self.company_heads and i > 0:
                end = i + 2 if i + 1 < len(doc) and doc[i + 1].text in FUND_NUMERALS else i + 1  # 'Mirai Creation Fund III'
                candidates.append(("Company", _proper_run_start(doc, i), self._regional_end(doc, end)))
            elif token.text.upper() in self.exchanges and 1 < i < len(doc) - 1 and doc[i - 1].text == "(" and doc[i + 1].text == ":":
                start = _proper_run_start(doc, i - 1)  # 'Medtronic (NYSE:MDT)': a listed company's name before its ticker
                while start < i - 1 and (doc[start].lower_ in self.words.leading_noise or doc[start].is_stop):
                    start += 1  # 'Today Medtronic (NYSE:MDT)'
                if start < i - 1:
                    candidates.append((LISTED_COMPANY, start, i - 1))
            elif self._is_suffix(doc, i) and i > 0 and not (token.is_lower and token.lower_ in self.words.common_word_suffixes):
                before = i - 1 if doc[i - 1].text == "," else i
                candidates.append(("Company", _proper_run_start(doc, before, limit=8), i + 1))
            elif token.lower_ in self.disease_heads and i > 0 and not (i + 1 < len(doc) and doc[i + 1].text == "-" and not token.whitespace_):
                start = i  # (not 'disease-modifying', where the head word is part of a modifier)
                while (start > 0 and i - start < 5 and DISEASE_MODIFIER.match(doc[start - 1].text)
                       and doc[start - 1].lower_ not in self.words.disease_noise - {"-", "'s", "’s"} and not doc[start - 1].is_stop):
                    start -= 1
                while token.is_title and start > 0 and i - start < 5 and doc[start - 1].is_title and not doc[start - 1].is_stop:
                    start -= 1  # a name in title case keeps its first word: 'Progressive Familial Intrahepatic Cholestasis'
                candidates.append(("Disease", start, i + 1))
            elif token.text in self.agency_heads and i > 0:
                end = i + 1
                if end < len(doc) and doc[end].lower_ in ("of", "for") and end + 1 < len(doc) and PROPER_RE.match(doc[end + 1].text):
                    end = _proper_run_end(doc, end + 1)
                candidates.append(("Agency", _proper_run_start(doc, i), end))
            elif token.text in ("Ministry", "Department") and i + 2 < len(doc) and doc[i + 1].lower_ == "of":
                candidates.append(("Agency", i, _proper_run_end(doc, i + 2)))
            elif token.is_title and token.lower_ in self.regulation_heads:
                candidate = self._regulation_name(doc, i)
                if candidate is not None:
                    candidates.append(candidate)
        # an anchor word alone is no name ('Therapeutics'); a name before its ticker is one in one word
        return [(label, start, end) for label, start, end in candidates if end - start >= 2 or label == LISTED_COMPANY]

    def _described_companies(self, doc: Doc) -> list[tuple[str, int, int]]:
        """A name right after a noun that says what the company is ('drugmaker Pfizer', 'French CDMO ABL Europe', 'a
        subsidiary of Institut Mérieux', 'the founding shareholders AFM-Telethon'): each (label, noun, end of name)
        with one to three capitalised words (a hyphen allowed after the first), as a token Matcher of those shapes
        would give them, found from the nouns."""
        candidates = []
        for i in tokens_with(doc, LOWER, self.company_noun_ids):
            head = doc[i]
            if head.lower_ in self.words.company_of_heads and head.is_lower and i + 1 < len(doc) and doc[i + 1].lower_ == "of":
                first = i + 2
            elif head.lower_ in self.words.company_name_heads and (head.is_lower or head.is_upper and len(head) >= 3):
                first = i + 1
            else:
                continue
            if first >= len(doc) or not PROPER_RE.match(doc[first].text) or doc[first].lower_ in self.not_first_name_words \
                    or doc[first].lower_ in NOT_BRANDS or i > 0 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_:
                continue  # (nor 'single-arm Phase III trial': the noun ends a compound, and 'Phase' opens no name)
            ends, at = [first + 1], first + 1
            if at < len(doc) and doc[at].text == "-":  # 'AFM-Telethon': the hyphen may end a candidate too
                ends.append(at + 1)
                at += 1
            k = at
            while k < len(doc) and k < at + 2 and PROPER_RE.match(doc[k].text):
                k += 1
                ends.append(k)
            candidates.extend((DESCRIBED_COMPANY, i, end) for end in ends)
        return candidates

    def _described_products(self, doc: Doc) -> list[tuple[str, int, int]]:
        """A brand right after a noun for a product, found from the nouns (product_name_heads): in camel case ('the liver
        disease treatment HepaStem'), or any capitalised word when a possessive opens the phrase and the noun is in lower
        case ('its gene therapy Luxturna', 'Spark's lead candidate Voretigene'; not "FDA's Division of Drug Information")."""
        return [(DESCRIBED_PRODUCT, i, i + 2) for i in tokens_with(doc, LOWER, self.product_head_ids)
                if i + 1 < len(doc) and (CAMEL_BRAND.match(doc[i + 1].text) or doc[i].is_lower and self._owned_brand(doc, i))]

    def _may_be_brand(self, word) -> bool:
        """Whether a capitalised word may be a brand by its shape and words alone: a word of letters, longer than
        three, and none of the words that open sentences or name dates ('Results', 'Efficacy', 'Phase', 'March')."""
        return (word.is_alpha and len(word) > 3 and word.lower_ not in NOT_BRANDS
                and word.lower_ not in self.words.calendar_words | self.words.leading_noise)

    def _owned_brand(self, doc: Doc, head: int) -> bool:
        """Whether the word after the product noun at `head` is a brand its possessor gives ('its gene therapy Lumexa')."""
        brand = doc[head + 1]
        if not (brand.is_title and not brand.is_stop and not brand.is_sent_start and self._may_be_brand(brand)):
            return False
        if head + 2 < len(doc) and (doc[head + 2].is_title or doc[head + 2].like_num):
            return False  # 'its gene therapy Program Director Jane Morrow', 'its cell therapy Phase 2 study': no brand
        return any(t.lower_ in POSSESSIVES for t in doc[max(0, head - 4) : head])

    def _investor_names(self, doc: Doc) -> list[tuple[str, int, int]]:
        """The names a financing sentence lists as its investors ('Investors in the round include Imperial Innovations',
        'Also joining the round are Invesco Perpetual and Woodford Investment Management', 'a round led by Temasek'):
        a run of capitalised words after the cue, and the names listed after it."""
        candidates = []
        lowers = lower_words(doc)
        for i in tokens_with(doc, LOWER, INVESTOR_CUE_IDS):
            word, after = lowers[i], i + 1
            if word == "by":
                if not (i > 0 and lowers[i - 1] == "led" and ROUND_WORDS.search(" ".join(lowers[max(0, i - 6) : i - 1]))):
                    continue  # 'a series B round led by X', not 'the trial, which received funding ..., was led by X'
            elif word in ("are", "were"):  # 'Also joining the round are X', 'Other investors are X'
                if not (JOINING_THE_ROUND.search(" ".join(lowers[max(0, i - 6) : i])) or INVESTOR_NOUNS & set(lowers[max(0, i - 2) : i])):
                    continue
            elif word == "from":
                if i == 0 or lowers[i - 1] != "participation":
                    continue
            elif not INVESTOR_NOUNS & set(lowers[max(0, i - 6) : i]):
                continue
            while after < len(doc) and (lowers[after] in self.words.leading_noise or lowers[after] == "the"):
                after += 1
            stop = after
            while stop < len(doc) and stop - after < 4 and PROPER_RE.match(doc[stop].text) and not doc[stop].is_sent_start:
                stop += 1
            if stop > after and not doc[after].ent_id_:
                candidates.append((INVESTOR_NAME, after, stop))
            candidates.extend((INVESTOR_NAME, s, e) for s, e in _listed_names(doc, stop, self.words.leading_noise) if not doc[s].ent_id_)
        return candidates

    def _said_to_be_companies(self, doc: Doc) -> list[tuple[str, int, int]]:
        """'Prevail is a biotechnology company developing ...': the capitalised name a sentence says is a company
        (a company noun within a few words after 'is a')."""
        candidates = []
        for i in tokens_with(doc, LOWER, COPULA_IDS):
            if i == 0 or i + 2 >= len(doc) or doc[i + 1].lower_ not in ("a", "an"):
                continue
            window = range(i + 2, min(len(doc), i + 7))
            head = next((k for k in window if doc[k].lower_ in self.words.company_name_heads), None)
            if head is None or any(doc[k].is_punct and doc[k].text != "-" for k in range(i + 2, head)):
                continue
            after = doc[head + 1] if head + 1 < len(doc) else None
            if after is not None and after.is_alpha and after.is_lower and not (after.lower_.endswith(("ing", "ed")) or after.is_stop):
                continue  # 'Boston is a biotech hub': the company noun does not end the phrase
            start = _proper_run_start(doc, i, limit=4)
            while start < i and (doc[start].is_stop or doc[start].lower_ in self.words.leading_noise):
                start += 1
            if start < i and not doc[i - 1].ent_id_:
                candidates.append((SAID_COMPANY, start, i))
        return candidates

    def _acting_camel_names(self, doc: Doc) -> list[tuple[str, int, int]]:
        """'DiscGenics announced ...', 'AskBio said ...', 'agreed to acquire BlueRock': a one-word name in camel case
        that does what only a company does (a business verb right after it) or is what a deal is made with."""
        candidates = []
        for i in _tokens_at(doc, [m.start() for m in CAMEL_WORD.finditer(text_of(doc))]):
            token = doc[i]  # (the words are found in the text: a loop over every token would cost a Token each)
            if not CAMEL_NAME.match(token.text) or token.ent_id_ or token.ent_type_ == NOT_AN_ENTITY:
                continue
            after = next((t for t in doc[token.i + 1 : token.i + 4] if not (t.is_punct or t.lower_ in AUXILIARIES)), None)
            before = [t.lower_ for t in doc[max(0, token.i - 2) : token.i]]
            if (after is not None and after.lower_ in self.business_verbs) or (before and before[-1] in BUYING_VERBS) or (
                    len(before) == 2 and before[1] in DEAL_PREPOSITIONS and before[0] in DEAL_NOUNS):
                candidates.append((SAID_COMPANY, token.i, token.i + 1))
        return candidates

    def _describes_a_named_product(self, doc: Doc, start: int, end: int) -> bool:
        """'HS-001, a cardiomyocyte spheroid therapy' and 'the cardiomyocyte spheroid therapy HS-001' describe the named
        product; the description is no product of its own."""
        apposed = start >= 3 and doc[start - 1].lower_ in ("a", "an", "the") and doc[start - 2].text == ","
        named_after = end < len(doc) and (PRODUCT_CODE_RE.fullmatch(doc[end].text) is not None or doc[end].is_title and not doc[end].is_sent_start)
        return apposed or named_after

    def _names_a_study(self, doc: Doc, start: int) -> bool:
        """A code right after 'study' or 'trial' (a comma between allowed) is the study's name: 'its pivotal study, SANFIL-2'."""
        before = start - 2 if start >= 2 and doc[start - 1].text in (",", "(") else start - 1
        return before >= 0 and doc[before].lower_ in self.words.trial_nouns

    def _regulation_name(self, doc: Doc, i: int) -> tuple[str, int, int] | None:
        """A law or policy named around its head word: 'the Advanced Regenerative Bio Act', 'Enforcement Decree of
        the Advanced Regenerative Bio Act', 'Administrative Measures for Stem Cell Clinical Research', 'Japan
        Revitalization Strategy', 'Strategy of SAKIGAKE'. A weak head (measures, guidelines, strategy, plan) needs
        three words or more: 'Key Measures' is a heading."""
        head = doc[i].lower_
        start = _proper_run_start(doc, i)
        while start > 1 and doc[start - 1].lower_ in ("on", "of", "for", "and") and PROPER_RE.match(doc[start - 2].text):
            start = _proper_run_start(doc, start - 1)
        end = i + 1
        if end + 1 < len(doc) and doc[end].lower_ == "of" and re.fullmatch(r"(?:19|20)\d\d", doc[end + 1].text):
            end += 2
        else:
            while end + 1 < len(doc) and doc[end].lower_ in ("of", "for", "on") and end - start < 16:
                k = end + 2 if doc[end + 1].lower_ == "the" and end + 2 < len(doc) else end + 1
                if not (PROPER_RE.match(doc[k].text) or doc[k].is_upper and doc[k].is_alpha):
                    break
                end = _proper_run_end(doc, k)  # 'Act on the Safety and Support of Advanced Regenerative Medicine ...'
        while start < i and doc[start].lower_ in self.words.leading_noise:
            start += 1
        if head in self.words.weak_regulation_heads and end - start < 3:
            return None
        return ("Policy" if head in self.words.policy_heads else "Law", start, end)

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents
        known = [self._with_suffix(doc, ent) for ent in _regional_subsidiaries(doc, [ent for ent in ents if ent.ent_id_], self.type_of, self.suffixes)]
        taken = {i for span in known for i in range(span.start, span.end)}
        # a generic word is no name by itself, but may be part of one ('Wuhan Dangdai Science & Technology Industries Group')
        taken |= {i for ent in ents if ent.label_ == NOT_AN_ENTITY and not (len(ent) == 1 and ent[0].is_title)
                  for i in range(ent.start, ent.end)}
        found: dict[str, list[Span]] = {}
        described: set[tuple[int, int]] = set()
        matches = [(doc.vocab.strings[m], start, end) for m, start, end in self.matcher(doc)]
        found_by_words = (self._anchored(doc) + self._said_to_be_companies(doc) + self._acting_camel_names(doc) + _brand_marks(doc) + _platform_names(doc, self.platform_noun_ids) + self._described_products(doc)
                          + self._described_companies(doc) + self._investor_names(doc))
        for label, start, end in matches + found_by_words:
            if label == DESCRIBED_PRODUCT:
                if not doc[start + 1].ent_id_:  # not a known name (a model ORG or PRODUCT may be this brand)
                    found.setdefault("TherapyProduct", []).append(Span(doc, start + 1, end, label="TherapyProduct"))
                continue
            if label == BRAND_MARK:
                if not doc[start].ent_id_:
                    brand = "Technology" if end < len(doc) and doc[end].lower_ in self.words.platform_words else "TherapyProduct"
                    found.setdefault(brand, []).append(Span(doc, start, start + 1, label=brand))
                continue
            if label == PLATFORM_NAME:
                if not any(t.ent_id_ for t in doc[start:end]):
                    found.setdefault("Technology", []).append(Span(doc, start, end, label="Technology"))
                continue
            if label in (SAID_COMPANY, INVESTOR_NAME, LISTED_COMPANY):  # one word will do: the sentence says what it is
                found.setdefault("Company", []).append(Span(doc, start, end, label="Company"))
                continue
            if label == DESCRIBED_COMPANY:
                label, start = "Company", start + (2 if doc[start + 1].lower_ == "of" else 1)  # the noun before the name is no part of it
                if doc[end - 1].text == "-":
                    continue
                # the names listed after the first one share its noun: 'shareholders AFM-Telethon, Genethon, and CECS'
                found.setdefault(label, []).extend(Span(doc, s, e, label=label) for s, e in _listed_names(doc, end, self.words.leading_noise))
                described.add((start, end))
                if end - start == 1 or (end - start == 3 and doc[start + 1].text == "-"):
                    # a one-word name, which _trim would take for a stray word: 'US company ATMI'
                    if not (doc[start].is_sent_start or doc[start].lower_ in self.suffixes):
                        found.setdefault(label, []).append(Span(doc, start, end, label=label))
                    continue
            span = self._trim(doc, label, start, end)
            if span is not None:
                found.setdefault(label, []).append(span)
        found.setdefault("Person", []).extend(
            Span(doc, ent.start, ent.end, label=MODEL_LABELS[ent.label_])
            for ent in ents
            if ent.label_ in MODEL_LABELS and len(ent) >= 2 and not any(t.lower_ in self.words.leading_noise for t in ent)
            and ent[-1].text not in self.company_heads and ent[-1].lower_ not in self.suffixes and self._may_be_person(doc, ent)
            and not any(start < ent.end and ent.start < end for start, end in described)  # 'startup Korvane-Talmor'
        )
        found.setdefault("Company", []).extend(
            Span(doc, ent.start, ent.end, label="Company") for ent in ents if ent.label_ == "ORG" and _acts_as_company(ent, self.words)
        )
        found["Company"] = _confirmed_outside_headings(found["Company"])
        kept_names = KeptNames(known)
        for label in ("Person", "TherapyProduct", "Technology", "Agency", "Law", "Policy", "Company", "Disease"):
            for span in filter_spans(found.get(label, [])):
                if label == "Disease":
                    _narrower_disease(span, kept_names, taken, self.type_of, self.words.disease_qualifiers)
                elif label == "Company" and (any(t.text in self.company_heads for t in span[1:]) or (span.start, span.end) in described
                                             or span[-1].lower_ in self.suffixes  # 'Hitachi Chemical Co., Ltd.' beyond Hitachi
                                             ) or label in ("Law", "Policy") or (
                        label == "TherapyProduct" and len(span) >= 3):  # 'AAV-hTERT', 'iPSC-derived ... cells' over AAV, iPSC
                    _wider_name(span, kept_names, taken, self.type_of, legal_name=label == "Company" and span[-1].lower_ in self.suffixes)
                if label == "Company" and span.start in taken:
                    span = _after_taken(doc, span, taken)  # 'AAV-hTERT Libella Gene Therapeutics': a product, then its sponsor
                if span is not None and taken.isdisjoint(range(span.start, span.end)):
                    kept_names.add(span)
                    taken.update(range(span.start, span.end))
        kept = self._brands(doc, kept_names.spans(), taken)
        kept.extend(self._owners(doc, kept, taken))
        kept.extend(self._aliases(doc, kept, taken))
        kept.extend(self._elided_heads(doc, kept, taken))
        kept = _short_names_join_full_names(doc, kept)
        kept.extend(_repeated_names(doc, kept))
        doc.set_ents(sorted(kept, key=lambda s: s.start), default="outside")
        return doc

    def _may_be_person(self, doc: Doc, ent: Span) -> bool:
        """Whether a model PERSON can be one: every word capitalised, no word of institutions, headings or diseases,
        no disease word nor a stock ticker right after it ('Epstein-Barr virus'), and not a whole heading line ('Key Findings')."""
        if any(t.is_alpha and t.is_lower and doc[t.i - 1].text != "-" for t in ent):
            return False
        if any(t.lower_ in self.words.not_person_words or t.lower_ in self.disease_heads for t in ent):
            return False
        if ent.end < len(doc) and (doc[ent.end].lower_ in self.disease_heads or doc[ent.end].lower_ in self.words.not_person_words):
            return False
        if ent.end + 1 < len(doc) and doc[ent.end].text == "(" and doc[ent.end + 1].text.upper() in self.exchanges:
            return False  # a stock ticker follows a company ('Brellin Gentech (TSE: 4599)')
        sentence = ent.sent
        return not (is_heading(sentence) or sentence.text.strip() == ent.text)

    def _regional_end(self, doc: Doc, end: int) -> int:
        """The end of a company name stretched over a country right after it ('Sequoia Capital China'),
        when no capitalised word follows the country."""
        if end >= len(doc) or doc[end].ent_iob_ != "B" or self.type_of(doc[end].ent_type_) != "Country" or not doc[end - 1].whitespace_:
            return end
        after = end + 1
        while after < len(doc) and doc[after].ent_iob_ == "I":
            after += 1
        return end if after < len(doc) and doc[after].is_title and not doc[after].is_sent_start else after

    def _is_suffix(self, doc: Doc, i: int) -> bool:
        """Whether token i is a legal form after a name ('Inc.', 'Co., Ltd.'): not the first part of a hyphenated word
        ('Syncona co-led the round')."""
        return doc[i].lower_ in self.suffixes and not (i + 1 < len(doc) and doc[i + 1].text == "-" and not doc[i].whitespace_)

    def _with_suffix(self, doc: Doc, ent: Span) -> Span:
        """Stretch a known company over its legal suffix and the sector words of its full name: 'Novartis' ->
        'Novartis AG', 'Janssen' -> 'Janssen Pharmaceutical Company' (a word of company_name_tails only when a
        suffix or another such word ends the name: 'Janssen Pharmaceutical Company', not 'Pfizer Pharma's')."""
        if ent.label_ != "Company":
            return ent
        end = ent.end
        while end < len(doc):
            tail = end
            while tail < len(doc) and doc[tail].lower_ in self.words.company_name_tails and doc[tail].is_title:
                tail += 1
            if tail > end and tail < len(doc) and self._is_suffix(doc, tail):
                end = tail + 1
            elif self._is_suffix(doc, end):
                end += 1
            elif doc[end].text == "," and end + 1 < len(doc) and self._is_suffix(doc, end + 1):
                end += 2
            else:
                break
        return Span(doc, ent.start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_) if end > ent.end else ent

    def _trim(self, doc: Doc, label: str, start: int, end: int) -> Span | None:
        """Drop leading and generic words from a candidate name; None if no name is left."""
        if label == "Person":
            tokens = []
            while start < end and doc[start].lower_ in self.words.person_role_heads | self.words.person_titles:
                start += 1  # 'Commissioner Scott Gottlieb' is Scott Gottlieb
            for token in doc[start:end]:
                if (NAME_PART_RE.match(token.text) or re.fullmatch(r"[A-Z]\.?|\.", token.text)) and token.lower_ not in self.words.leading_noise:
                    tokens.append(token)
                elif tokens:
                    break
            for k in range(len(tokens) - 1, 0, -1):
                if tokens[k].text == "." and len(tokens[k - 1].text) > 1:  # a full stop after a word ends a sentence:
                    tokens = tokens[k + 1 :]  # 'announced Tuesday. Kenji Yasukawa, CEO' names Kenji Yasukawa
                    break
            if len(tokens) < 2 or tokens[0].lower_ in self.words.person_roles or tokens[-1].text in self.company_heads:
                return None
            end = tokens[-1].i + 1
            if end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_ and doc[end + 1].is_alpha:
                end += 2  # a hyphenated given name the tokenizer split: 'Choi Byung-ok'
            person = Span(doc, tokens[0].i, end, label="Person")
            return person if self._may_be_person(doc, person) else None
        if label == "TherapyProduct" and (self.not_products.fullmatch(doc[start].text) or self.not_products.fullmatch(doc[start:end].text)):
            return None
        if label == "TherapyProduct" and self._names_a_study(doc, start):
            return None
        if label == "TherapyProduct" and doc[end - 1].lower_ in self.words.cell_product_heads | {"therapy", "therapies", "product", "products"} \
                and self._describes_a_named_product(doc, start, end):
            return None
        if label in ("Company", "Agency", "Law", "Policy"):
            while label == "Company" and start < end - 2 and PRODUCT_CODE_RE.fullmatch(doc[start].text):
                start += 1  # a table row: 'MLT-204 Halden Biotherapeutics ...' names a product, then its sponsor
            suffix_inside = [t.i for t in doc[start : end - 1] if t.lower_ in self.suffixes and t.is_title
                             and doc[t.i + 1].lower_ not in self.suffixes and doc[t.i + 1].text != ","]
            if suffix_inside:  # 'Biogen Japan Ltd. Pfizer China Biotech': a name ends at its legal form
                start = suffix_inside[-1] + 1
            while start < end - 1 and (doc[start].lower_ in self.words.leading_noise or doc[start].ent_id_
                                       and not (label in WIDER_NAME_PARTS and self.type_of(doc[start].ent_type_) in WIDER_NAME_PARTS[label]
                                                and (label != "Company" or any(t.text in self.company_heads for t in doc[start + 1 : end]))
                                                or label == "Company" and doc[end - 1].lower_ in self.suffixes and self.type_of(doc[start].ent_type_) in LEGAL_NAME_PARTS)):
                start += 1
            if start >= end - 1 or doc[start].lower_ in self.suffixes or doc[start].is_lower:
                return None
        if label == "Disease":
            titled = _title_case_name(doc, start, end, self.words.disease_noise) and not doc[start].is_sent_start
            start = self._past_hyphenated_noise(doc, start, end)
            while start < end - 1 and not titled and (doc[start].lower_ in self.words.disease_noise or self._foreign(doc[start]) or doc[start].is_stop
                                       or doc[start].pos_ in ("VERB", "ADP", "DET", "PRON", "ADV", "NUM", "AUX")):
                start = self._past_hyphenated_noise(doc, start + 1, end)
            if start >= end - 1 or any(self._foreign(t) for t in doc[start:end]) or doc[start].text in ("-", "'s", "’s"):
                return None
            if any(t.is_sent_start for t in doc[start + 1 : end]) or (
                    any(t.is_title for t in doc[start:end - 1]) and not doc[start].is_sent_start
                    and not any(t.text in ("'s", "’s") for t in doc[start:end]) and not _title_case_name(doc, start, end, self.words.disease_noise)):
                return None
        return Span(doc, start, end, label=label)

    def _past_hyphenated_noise(self, doc: Doc, start: int, end: int) -> int:
        """`start`, or the token after a hyphenated noise word that starts there ('a life-threatening disease')."""
        if start + 2 < end and doc[start + 1].text == "-" and f"{doc[start].lower_}-{doc[start + 2].lower_}" in self.words.disease_noise:
            return start + 3
        return start

    def _foreign(self, token) -> bool:
        """A token of a known entity that is not a disease (a disease name may contain a broader one)."""
        return bool(token.ent_id_) and self.type_of(token.ent_type_) != "Disease"

    def _brands(self, doc: Doc, spans: list[Span], taken: set[int]) -> list[Span]:
        """A capitalised brand right before its generic name or code in parentheses, 'Sanvoryn (ELV-301,
        dalmogene parvovec)': the brand is a product, and the names in the parentheses are that product. At the start
        of a sentence too ('Carvykti (ciltacabtagene autoleucel) is ...'), when the word may be a brand ('Results' is
        none). A new generic name in brackets right after a product's code is that product ('ORN-310 (solmetogene
        parvovec)')."""
        names: dict[int, str] = {}
        unnamed = {span.start for span in spans if span.label_ == "TherapyProduct" and not span.ent_id_}
        covered = {i for span in spans for i in range(span.start, span.end)}
        product_ending = {span.end: span for span in spans if span.label_ == "TherapyProduct"}
        for span in spans:
            if span.label_ != "TherapyProduct" or span.start < 2 or doc[span.start - 1].text != "(":
                continue
            code = product_ending.get(span.start - 1)
            if code is not None and span.start in unnamed:
                names[span.start] = code.text  # 'ORN-310 (solmetogene parvovec)': the generic name of that product (a name, resolved as one)
                continue
            brand = doc[span.start - 2]
            if brand.is_title and not brand.is_stop and (brand.i not in taken or brand.ent_type_ == "TherapyProduct") and (
                    not brand.is_sent_start or brand.i in taken or self._may_be_brand(brand)):
                name = names.setdefault(brand.i, brand.text if brand.i not in taken else "")
                close = next((t.i for t in doc[span.start : span.start + 12] if t.text == ")"), span.end)
                for start in unnamed.intersection(range(span.start, close)):
                    names[start] = name or brand.text
        relabelled = []
        for span in spans:
            if span.start in names and span.label_ == "TherapyProduct" and not span.ent_id_ and names[span.start]:
                span = Span(doc, span.start, span.end, label="TherapyProduct", kb_id=names[span.start])
            relabelled.append(span)
        for i, name in names.items():
            if name and i not in taken and i not in covered:
                relabelled.append(Span(doc, i, i + 1, label="TherapyProduct", kb_id=name))
                taken.add(i)
        return relabelled

    def _owners(self, doc: Doc, spans: list[Span], taken: set[int]) -> list[Span]:
        """The possessor of a product is its company: 'ImmunoACT's NexCAR19', 'Fosun Kite's axi-cel'."""
        owners = []
        for span in spans:
            if span.label_ != "TherapyProduct" or span.start < 2 or doc[span.start - 1].lower_ not in ("'s", "’s", "'"):
                continue
            end = start = span.start - 1
            while start > 0 and PROPER_RE.match(doc[start - 1].text) and (start - 1) not in taken and not doc[start - 1].is_sent_start:
                start -= 1
            if start > 0 and (start - 1) not in taken and doc[start - 1].is_sent_start and PROPER_RE.match(doc[start - 1].text) and doc[start - 1].lower_ not in self.words.leading_noise:
                start -= 1
            while start < end and doc[start].lower_ in self.words.leading_noise:
                start += 1
            if start < end:
                owners.append(Span(doc, start, end, label="Company"))
                taken.update(range(start, end))
        return owners

    def _aliases(self, doc: Doc, spans: list[Span], taken: set[int]) -> list[Span]:
        """Other mentions of an entity by the abbreviation the text defined, the first word of a company,
        or a brand name the text introduced with its generic name."""
        aliases: dict[str, Span] = {}
        words = orth_words(doc)
        for span in spans:
            end = span.end
            if end + 2 < len(words) and words[end] == "(" and words[end + 2] == ")" and ABBREVIATION.fullmatch(words[end + 1]):
                aliases.setdefault(words[end + 1], span)
            if span.label_ == "Company" and len(span) >= 2:
                first = span[0]
                if first.is_title and not first.is_stop and first.lower_ not in self.words.leading_noise and len(first) > 2 and first.lower_ not in self.suffixes:
                    aliases.setdefault(first.text, span)
            if span.label_ == "TherapyProduct" and span.kb_id_ and len(span) == 1 and span[0].is_title:
                aliases.setdefault(span.text, span)  # a brand found once is that product everywhere
        found = []
        for i in tokens_with(doc, ORTH, string_ids(aliases)) if aliases else ():
            token, span = doc[i], aliases[doc[i].text]
            if token.i in taken:
                continue
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if span.label_ == "Company" and following is not None and following.is_title and not following.is_sent_start:
                continue
            name = span.kb_id_ or span.text
            found.append(Span(doc, token.i, token.i + 1, label=span.label_, kb_id=name, span_id=span.id_))
            taken.add(token.i)
        return found

    def _elided_heads(self, doc: Doc, spans: list[Span], taken: set[int]) -> list[Span]:
        """The names a list gives by their first word only, sharing the last member's head ('gastric, GEJ and
        pancreatic cancers', 'breast or ovarian cancer', 'viral or non-viral vectors', 'autologous and allogeneic
        cell therapies'): each such word is its own disease, technology or therapy when the vocabulary knows it with
        that head (a disease's head is its disease word; a technology's or therapy's the words after its first)."""
        found = []
        for span in spans:
            i = span.start - 1
            if i < 1 or doc[i].lower_ not in ("and", "or"):
                continue
            kind = self.type_of(span.label_)
            if kind == "Disease":
                heads = [span[-1].text] if span[-1].lower_ in self.disease_heads else []
            elif kind in ("Technology", "Therapy") and len(span) >= 2:
                heads = [span[k:].text for k in range(1, len(span)) if span[k].is_alpha]  # longest first
            else:
                continue
            if not heads:
                continue
            i -= 1 if doc[i - 1].text == "," else 0
            while i >= 1:
                word = doc[i - 1]
                if word.i in taken or not (word.is_alpha or word.is_upper) or word.is_stop:
                    break
                named = next(((f"{word.text} {head}", concept) for head in heads
                              if (concept := self.vocabulary.lookup(f"{word.text} {head}")) is not None and concept.type == kind), None)
                if named is None:
                    break
                found.append(Span(doc, word.i, word.i + 1, label=named[1].cls, kb_id=named[0]))
                taken.add(word.i)
                if i < 3 or doc[i - 2].text != ",":
                    break
                i -= 2
        return found


@Language.factory("cgt_names", default_config={"words": default_entity_words()})
def make_name_finder(nlp: Language, name: str, words: dict[str, list[str]]) -> NameFinder:
    return NameFinder(nlp, EntityWords.from_config(words))
