"""Deal records (collaboration, acquisition, investment): one per real-world deal of a document,
merged over every sentence that states it, with party roles, money terms, a typed date and a status.

Terms come from the DealValue figures of the deal's sentences: the words just before an amount
say which term it is ("upfront", "in equity", "up to ... in milestones", "total"); an amount in a
sentence about a price per share or per ADS is that price, never the deal's value. Amounts in
other currencies get a US-dollar value from the fixed rate table ontology/patterns/usd_rates.tsv.

Across documents a deal is one node: its IRI is minted from its broad kind, its parties and its year
(kg.namespaces.deal_iri), so every source that dates it to the same year writes the same node. A source
that gives no year joins the deal after the build (`merge_yearless_deals`): a yearless mention of a deal
joins the only dated deal of the same broad kind and parties in the store; when the store holds several
(two deals of those parties in different years) or none, it stays a deal of its own, without a date.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kg.dates import DATE, dateline, iso_date
from kg.errors import UserError
from kg.model import DEAL_VALUE_FLOOR, Deal, DealParty, DealTerm, Figure, Relation, Span
from kg.namespaces import deal_iri, local_name
from kg.ontology import ONTOLOGY_DIR, load_schema, vocabulary_links

if TYPE_CHECKING:
    from kg.store import Store

DEALS_PATTERNS = ONTOLOGY_DIR / "patterns" / "deals.toml"

TOPIC = re.compile(
    r"\b(?:to develop|to co-develop|to manufacture|to commercialise|to commercialize|focused on|focusing on|aimed at|for the development of|on the development of|covering|around|on|for|to)\s+((?:(?!\b(?:in|for|with|worth|valued|under|which|that|and will)\b)[^,.;()])+)",
    re.I,
)
PER_SHARE = re.compile(r"\bper (?:share|ordinary share|common share|ADS|American depositary share)\b|\ba share\b", re.I)
TERM_CUES = (
    ("upfront", re.compile(r"\bup-?\s?front\b|\binitial payment\b|\b(?:payable|paid|due) (?:at|on) (?:the )?closing\b", re.I)),
    # "equity value" is what a buyer pays for all the shares (a total), not an equity investment
    ("equity", re.compile(r"\bequity\b(?!\s+value)|\bstake\b", re.I)),
    # "up to" alone is a deal's potential total ("agreed to spend up to $1.2 billion to acquire"); with milestone
    # words or "eligible" it is the milestones ("eligible to receive up to $900 million", "up to $2.6 billion in milestones")
    ("milestones", re.compile(r"\bmilestones?\b|\beligible\b[^.;]{0,30}\bup to\b|\b(?:development|regulatory|commercial|sales)[- ](?:based )?payments?\b", re.I)),
    ("total", re.compile(r"\btotal\b|\baggregate\b|\bworth\b|\bvalued at\b|\bup to\b", re.I)),
)
CONTINGENT = re.compile(r"\bCVRs?\b|\bcontingent value rights?\b", re.I)
"""Words before an amount that make it what a contingent value right may pay: neither paid at closing nor the total."""
NEW_SHARES_AFTER = re.compile(r"\s*(?:\w+\s+)?in (?:new|newly[- ]issued) (?:[\w-]+\s+){0,3}?(?:stock|shares)\b", re.I)
"""Words right after an amount that make it newly issued shares the payer takes ('$225 million in new Sangamo stock'): the
equity term (not '$2 billion in cash and stock', what a buyer pays)."""
OPTION_PAYMENT = re.compile(r"\s*(?:more|extra|additional)\b[^.;]{0,30}?\bif\b", re.I)
"""Words right after an amount that make it a payment on a condition ('could add $35 million more if it exercises an
option on another'): neither the upfront nor the total."""
NOT_A_TERM = re.compile(r"\s*(?:of\s+|in\s+)?(?:net cash|cash on hand|cash and (?:cash )?equivalents|in revenue|revenue|of revenue|in sales|sales)\b", re.I)
"""Words right after an amount that make it something the target has or earns, not something the deal pays."""
STATUS_CUES = (
    ("terminated", re.compile(r"\b(?:terminat\w*|walk(?:ed)? away|called off|abandon\w*)\b", re.I)),
    ("completed", re.compile(r"\b(?:complet\w*|closed|closing of|finali[sz]ed)\b", re.I)),
    ("proposed", re.compile(r"\b(?:propos\w*|offer(?:ed|s)? to|bid)\b", re.I)),
    ("announced", re.compile(r"\b(?:announc\w*|agreed|agreement|entered into|signed|will acquire|to acquire|acquired|acquires|formed|invest\w*|raised|led)\b", re.I)),
)


def deals_from(
    relations: tuple[Relation, ...],
    figures: tuple[Figure, ...],
    labels: dict[str, str] | None = None,
    sentences: Sequence[Span] = (),
    mentions: Mapping[str, Sequence[Span]] | None = None,
    text: str = "",
    products: Collection[str] = (),
    companies: Collection[str] = (),
) -> tuple[Deal, ...]:
    """One Deal per deal a document states: deal relations of the same kind between the same companies
    are one deal, whatever the number of sentences that state it.

    `sentences` (the document's, in order) let terms stated in the sentences after a deal's own reach
    it; `mentions` (where each entity is named) let the words around a party give its role in a licence
    or supply deal; `text` gives the paragraph and the dateline a deal is dated by when its sentences
    state no date; `products` (the IRIs of the named products) tell a licence of a product from a collaboration;
    `companies` (the IRIs of the companies named) tell where the story of a document's one deal ends.
    """
    labels = labels or {}
    mentions = mentions or {}
    schema, patterns = load_schema(), deal_patterns()
    product_mentions = [m for iri in products for m in mentions.get(iri, ())]
    grouped: dict[tuple, list[Relation]] = {}
    for relation in relations:
        broad = schema.stated_by(relation.predicate)
        if broad is None:
            continue
        parties = (relation.subject, relation.object)
        key = (broad.name, frozenset(parties) if broad.roles[0] == broad.roles[1] else parties)
        if key in grouped and SEPARATE_DEAL.search(relation.evidence.text):
            key = (*key, relation.evidence.start)  # 'X also entered into a separate agreement to supply ... to Y'
        grouped.setdefault(key, []).append(relation)
    grouped = _rounds(grouped, patterns)
    values: dict[int, list[Figure]] = {}
    for figure in figures:
        if figure.measure == "DealValue":
            values.setdefault(figure.evidence.start, []).append(figure)
    parties_stating = _parties_by_sentence(grouped)
    after = _sentences_after(grouped, sentences, patterns.terms_reach)
    if len(grouped) == 1:
        (only,) = grouped
        after[only] = _far_terms(grouped, only, sentences, after.get(only, ()), mentions, companies)
    roles_after = _sentences_after(grouped, sentences, patterns.roles_reach)
    deals = []
    for key, stated in grouped.items():
        broad = schema.deal_kinds[key[0]]
        stated.sort(key=lambda r: r.evidence.start)
        first = stated[0]
        sentences_of_deal = tuple(dict.fromkeys(r.evidence for r in stated))
        following = after.get(key, ())
        named = [m for iri in (first.subject, first.object) for m in mentions.get(iri, ())]
        # the next sentences with words of terms, and further ones that also name a party ('Novartis will pay Legend')
        stating_terms = tuple(s for s in dict.fromkeys((*following, *(s for s in roles_after.get(key, ()) if _names_one_of(s, named))))
                              if patterns.terms_sentence.search(s.text))
        # where the deal's own sentences name no narrower kind, the sentences of its terms may ('... to obtain the
        # exclusive licence')
        own = {first.subject, first.object}
        rivals = [m for s in sentences_of_deal + stating_terms for iri in parties_stating.get(s.start, frozenset()) - own
                  for m in mentions.get(iri, ()) if s.start <= m.start < s.end]
        terms = _terms(sentences_of_deal + stating_terms, values, [m for iri in own for m in mentions.get(iri, ())], rivals)
        kind = next((cue.kind for read in (sentences_of_deal, stating_terms) for cue in patterns.kinds
                     if cue.broader == broad.name and _kind_fits(cue, read, terms, first.evidence, product_mentions,
                                                                 sentences_of_deal + stating_terms)), broad.name)
        if _is_round(key):
            iris = (*dict.fromkeys(r.subject for r in stated), first.object)
            roles = {iri: broad.roles[0] for iri in iris[:-1]} | {first.object: broad.roles[1]}
            announced = _round_sentences(first, sentences, patterns, mentions, set(iris[:-1]))
            sentences_of_deal = tuple(dict.fromkeys((*announced, *sentences_of_deal)))
        else:
            iris = (first.subject, first.object)
            roles = (_roles_read(kind, iris, sentences_of_deal + roles_after.get(key, ()), mentions)
                     or _licensor_by_product(kind, iris, first.evidence, relations, mentions, products)
                     or dict(zip(iris, broad.roles)))
        parties = tuple(DealParty(iri, labels.get(iri, iri), roles[iri]) for iri in iris)
        deals.append(Deal(
            kind=kind,
            parties=parties,
            predicate=first.predicate,
            date=_date(sentences_of_deal, text),
            terms=terms if iris == (first.subject, first.object) and not _is_round(key) else _terms(
                sentences_of_deal + stating_terms, values, [m for iri in iris for m in mentions.get(iri, ())], rivals),
            status=_status(sentences_of_deal),
            topic=next((t for t in (_topic(s.text) for s in sentences_of_deal) if t), None) if broad.name == "Collaboration" else None,
            evidence=first.evidence,
            sources=sentences_of_deal,
        ))
    deals.extend(_rounds_without_investors(deals, sentences, values, mentions, labels, companies, patterns, text))
    return tuple(deals)


def _rounds_without_investors(deals: list[Deal], sentences: Sequence[Span], values: Mapping[int, list[Figure]],
                              mentions: Mapping[str, Sequence[Span]], labels: Mapping[str, str], companies: Collection[str],
                              patterns: DealPatterns, text: str) -> list[Deal]:
    """A financing round a sentence announces without naming an investor ('Century Therapeutics raised US$ 250 million
    through a financing round', 'ElevateBio has raised a $525 million Series C'): a deal of the raiser alone, the last
    company named before the raise verb, when the sentence states the round's amount and it is not money raised to date;
    none where the document has that company's round already."""
    funded = {p.iri for deal in deals if (broader_kind(deal.kind) or deal.kind) == "Investment" for p in deal.parties if p.role == "investee"}
    found = []
    for sentence in sentences:
        raise_ = patterns.raise_verb.search(sentence.text)
        if raise_ is None or not values.get(sentence.start) or not patterns.round_sentence.search(sentence.text) \
                or patterns.raised_to_date.search(sentence.text):
            continue
        named = sorted((m.start, iri) for iri in companies for m in mentions.get(iri, ()) if sentence.start <= m.start < sentence.start + raise_.start())
        if not named or named[-1][1] in funded:
            continue
        raiser = named[-1][1]
        terms = _terms((sentence,), values, list(mentions.get(raiser, ())), [])
        found.append(Deal(kind="Investment", parties=(DealParty(raiser, labels.get(raiser, raiser), "investee"),), predicate="investsIn",
                          date=_date((sentence,), text), terms=terms, status=_status((sentence,)), topic=None, evidence=sentence,
                          sources=(sentence,)))
        funded.add(raiser)
    return found


def _far_terms(grouped: dict[tuple, list[Relation]], key: tuple, sentences: Sequence[Span], near: tuple[Span, ...],
               mentions: Mapping[str, Sequence[Span]], companies: Collection[str]) -> tuple[Span, ...]:
    """A document of one deal may state its terms anywhere after it ('The upfront and milestone payments will be up
    to ...'): the sentences after the near ones, up to the first that names a company other than its parties (there
    another deal's story begins: 'Kestrel and Amberlight announced a licence ... Amberlight will pay EUR 25 million')."""
    parties = {iri for relation in grouped[key] for iri in (relation.subject, relation.object)}
    others = [m for iri in companies if iri not in parties for m in mentions.get(iri, ())]
    far = []
    for sentence in _sentences_after(grouped, sentences, len(sentences)).get(key, ())[len(near):]:
        if any(sentence.start <= m.start < sentence.end for m in others):
            break
        far.append(sentence)
    return (*near, *far)


def _licensor_by_product(kind: str, iris: tuple[str, str], first: Span, relations: tuple[Relation, ...],
                         mentions: Mapping[str, Sequence[Span]], products: Collection[str]) -> dict[str, str] | None:
    """A licence (or an option to one) whose words give no roles: the party that develops the product its first sentence
    names is the licensor ('Spark ... a licensing agreement with Novartis to commercialize its gene therapy Luxturna'),
    when exactly one party does, by the vocabulary's developers, else by what the document says."""
    licensed = {k for cue in deal_patterns().roles if cue.role == "licensor" or cue.other == "licensor" for k in (cue.kind, *cue.also)}
    if kind not in licensed or iris[0] == iris[1]:
        return None  # (a licence, and the kinds its role cues also read: an option to one)
    named = {iri for iri in products if any(_inside(m, first) for m in mentions.get(iri, ()))}
    curated = vocabulary_links("develops", reverse=True)
    developers = {company for product in named for company in curated.get(product, ()) if company in iris} or {
        r.subject for r in relations if r.predicate == "develops" and r.object in named and r.subject in iris}
    if len(developers) != 1:
        return None
    (licensor,) = developers
    return {licensor: "licensor", next(iri for iri in iris if iri != licensor): "licensee"}


def _kind_fits(cue: KindCue, sentences: tuple[Span, ...], terms: tuple[DealTerm, ...], first: Span, products: Sequence[Span],
               all_sentences: tuple[Span, ...] = ()) -> bool:
    """Whether a narrower kind's cue fits a deal: its words in one of `sentences`, and, where the cue asks for them,
    one of its money terms among the deal's, a named product in the deal's first sentence and none of its `unless`
    words in any of the deal's sentences (`all_sentences`)."""
    if cue.terms and cue.terms.isdisjoint(term.name for term in terms):
        return False
    if cue.product_named and not any(_inside(mention, first) for mention in products):
        return False
    if cue.unless is not None and any(cue.unless.search(s.text) for s in all_sentences or sentences):
        return False
    return any(cue.cue.search(s.text) for s in sentences)


SEPARATE_DEAL = re.compile(r"\ba separate (?:\w+ )?(?:agreement|deal|contract)\b", re.I)
"""Words that make a sentence about two parties already in a deal state another deal between them (that sentence's
deal only: 'the new agreement' may be the same one)."""


def _names_one_of(sentence: Span, mentions: Sequence[Span]) -> bool:
    """Whether one of `mentions` lies inside the sentence."""
    return any(_inside(m, sentence) for m in mentions)


def _inside(mention: Span, sentence: Span) -> bool:
    return sentence.start <= mention.start and mention.end <= sentence.end


@dataclass(frozen=True)
class RoleCue:
    """One [[role]] of ontology/patterns/deals.toml: the words around a party's name that give its role."""

    kind: str
    role: str
    other: str
    before: re.Pattern | None
    after: re.Pattern | None
    also: frozenset[str] = frozenset()
    """Further deal kinds whose parties the cue gives roles to."""


@dataclass(frozen=True)
class KindCue:
    """One [[kind]] of ontology/patterns/deals.toml: the words that make a deal of a broad kind one of a narrower kind."""

    kind: str
    broader: str
    cue: re.Pattern
    terms: frozenset[str] = frozenset()
    """Money terms of which the deal must state one ('upfront', 'milestones'), or none asked for."""
    product_named: bool = False
    """Whether the deal's first sentence must name a product."""
    unless: re.Pattern | None = None
    """Words that, in any of the deal's sentences, keep it of its broad kind ('co-develop and co-commercialise')."""


@dataclass(frozen=True)
class DealPatterns:
    """ontology/patterns/deals.toml compiled: role cues, narrower-kind cues (in file order: the first that
    fits wins), the reach of terms stated after a deal (in sentences) and the words of such a sentence."""

    roles: tuple[RoleCue, ...]
    kinds: tuple[KindCue, ...]
    terms_reach: int
    terms_sentence: re.Pattern
    round_name: re.Pattern
    round_sentence: re.Pattern
    round_reach: int
    roles_reach: int
    """Sentences after a deal's own that may still give its parties' roles ('Under the contract, X has exclusive rights')."""
    raise_verb: re.Pattern
    """The verbs of a raise ('has raised', 'closed a $67 million Series B'), before which the raiser is named."""
    raised_to_date: re.Pattern
    """Words that make an amount raised all the money a company has raised, not one round."""
    round_reference: re.Pattern
    """How a sentence that speaks of a round announced before opens: 'The financing was co-led by', 'This Series B round'."""


@functools.lru_cache(maxsize=4)
def deal_patterns(path: Path = DEALS_PATTERNS) -> DealPatterns:
    """The deal patterns, each kind they name checked against the deal kinds of ontology/cgt.ttl (UserError
    naming the file and the kind when cgt.ttl does not declare it, or declares it as a broad kind)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    schema = load_schema()
    kinds = {kind: schema.deal_kind(kind, str(path)) for entry in (*data.get("role", ()), *data.get("kind", ()))
             for kind in (entry["kind"], *entry.get("also", ()))}
    for entry in data.get("kind", ()):
        if kinds[entry["kind"]].broader is None:
            raise UserError(f"{path}: [[kind]] {entry['kind']!r} is a broad deal kind; a cue names a narrower one (a subclass of a broad kind)")
    roles = tuple(
        RoleCue(
            entry["kind"], entry["role"], entry["other"],
            re.compile(entry["before"], re.I) if "before" in entry else None,
            re.compile(entry["after"], re.I) if "after" in entry else None,
            frozenset(entry.get("also", ())),
        )
        for entry in data.get("role", ())
    )
    cues = tuple(KindCue(entry["kind"], kinds[entry["kind"]].broader, re.compile(entry["cue"], re.I),
                         frozenset(entry.get("terms", ())), bool(entry.get("product_named", False)),
                         re.compile(entry["unless"], re.I) if "unless" in entry else None) for entry in data.get("kind", ()))
    terms, rounds = data["terms"], data["rounds"]
    return DealPatterns(
        roles, cues, int(terms["terms_reach"]), re.compile(terms["terms_sentence"], re.I),
        re.compile(rounds["round_name"], re.I), re.compile(rounds["round_sentence"], re.I), int(rounds["round_reach"]),
        int(terms.get("roles_reach", terms["terms_reach"])),
        re.compile(rounds["raise_verb"], re.I), re.compile(rounds["raised_to_date"], re.I), re.compile(rounds["round_reference"], re.I),
    )


def _roles_read(kind: str, iris: tuple[str, str], sentences: tuple[Span, ...], mentions: Mapping[str, Sequence[Span]]) -> dict[str, str] | None:
    """The roles of a licence's or a supply deal's two parties, read from the words around the first
    name of either that a role cue fits; None when no cue fits (the parties stay partners)."""
    cues = [cue for cue in deal_patterns().roles if kind == cue.kind or kind in cue.also]
    if not cues or iris[0] == iris[1]:
        return None
    for sentence in sentences:
        named = [(m, iri) for iri in iris for m in mentions.get(iri, ()) if _inside(m, sentence)]
        for cue in cues:
            for mention, iri in sorted(named, key=lambda pair: pair[0].start):
                before = sentence.text[max(0, mention.start - sentence.start - 80) : mention.start - sentence.start]
                after = sentence.text[mention.end - sentence.start : mention.end - sentence.start + 160]
                # 'inked a deal with Sarepta to manufacture ...': after 'with', what follows is the other party's doing
                after_counts = not WITH_BEFORE.search(before)
                if (cue.before and cue.before.search(before)) or (cue.after and after_counts and cue.after.search(after)):
                    other = iris[1] if iri == iris[0] else iris[0]
                    return {iri: cue.role, other: cue.other}
    return None


ROUND = "round"
"""Marks the grouping key of a financing round: ("Investment", (ROUND, investee, round name or None))."""


def _rounds(grouped: dict[tuple, list[Relation]], patterns: DealPatterns) -> dict[tuple, list[Relation]]:
    """Investments of a document in one company are one financing round with all its investors, unless their
    sentences name different rounds ("Series B", "Series C")."""
    merged: dict[tuple, list[Relation]] = {}
    for key, stated in grouped.items():
        if key[0] != "Investment":
            merged[key] = stated
            continue
        investee = stated[0].object
        names = {m.group(0).lower() for r in stated if (m := patterns.round_name.search(r.evidence.text))}
        name = next(iter(names)) if len(names) == 1 else None
        same = [k for k in merged if _is_round(k) and k[1][1] == investee and (k[1][2] is None or name is None or k[1][2] == name)]
        target = same[0] if same else (key[0], (ROUND, investee, name))
        if name is not None and target[1][2] is None:  # the round is named now: rename its key
            merged[(key[0], (ROUND, investee, name))] = merged.pop(target, [])
            target = (key[0], (ROUND, investee, name))
        merged.setdefault(target, []).extend(stated)
    return merged


def _is_round(key: tuple) -> bool:
    return isinstance(key[1], tuple) and key[1][0] == ROUND


def _round_sentences(first: Relation, sentences: Sequence[Span], patterns: DealPatterns,
                     mentions: Mapping[str, Sequence[Span]], investors: set[str]) -> tuple[Span, ...]:
    """The sentence that announces a round ("EdiGene closed a $67 million Series B"): the last of the few before
    the round's first investor sentence that tells of a raise and names the investee, or no company of the round's
    investors ("The Belgian company secured a capital increase ..."), or none."""
    def names(iri: str, sentence: Span) -> bool:
        return any(sentence.start <= m.start and m.end <= sentence.end for m in mentions.get(iri, ()))

    earlier = [s for s in sentences if s.end <= first.evidence.start]
    # an investor sentence on 'the financing' ('The financing was co-led by ...', 'A and B co-led the round') may come
    # paragraphs after the sentence that announced it, which names the investee
    far = patterns.round_reference.search(first.evidence.text) is not None
    near = len(earlier) - patterns.round_reach
    return tuple(
        s for k, s in enumerate(earlier) if patterns.round_sentence.search(s.text)
        and (names(first.object, s) or not any(names(investor, s) for investor in investors) if k >= near
             else far and names(first.object, s))
    )[-1:]


def identifying_parties(deal: Deal) -> tuple[str, ...]:
    """The parties that make a deal the same deal in every source: a financing round is the company that raised it
    (sources name different investors of one round), any other deal all its parties."""
    if (broader_kind(deal.kind) or deal.kind) == "Investment":
        investees = tuple(p.iri for p in deal.parties if p.role == "investee")
        if investees:
            return investees
    return tuple(p.iri for p in deal.parties)


WITH_BEFORE = re.compile(r"\b(?:with|and)\s+(?:the\s+)?$", re.I)


def _sentences_after(grouped: dict[tuple, list[Relation]], sentences: Sequence[Span], reach: int) -> dict[tuple, tuple[Span, ...]]:
    """The `reach` sentences after a deal's own that state no deal (blank lines not counted), each given to the
    latest deal stated before it: they may state its terms or its parties' roles without naming the deal ("Under
    the terms of the agreement, ...", "Catalent will manufacture ...")."""
    stating: dict[int, tuple] = {}
    for key, stated in grouped.items():
        for relation in stated:
            stating[relation.evidence.start] = key
    found: dict[tuple, list[Span]] = {}
    current, distance = None, 0
    for sentence in sentences:
        if not sentence.text.strip():
            continue
        if sentence.start in stating:
            current, distance = stating[sentence.start], 0
            continue
        distance += 1
        if current is not None and distance <= reach:
            found.setdefault(current, []).append(sentence)
    return {key: tuple(spans) for key, spans in found.items()}


def _date(sentences: tuple[Span, ...], text: str) -> str | None:
    """The deal's date: the most precise date of its sentences, else a full date of the paragraph of its first
    sentence, else the document's dateline."""
    dates = [iso_date(match.group(0)) for sentence in sentences for match in DATE.finditer(sentence.text)]
    date = max((d for d in dates if d), key=len, default=None)
    if date or not text:
        return date
    low = text.rfind("\n\n", 0, sentences[0].start) + 1
    high = text.find("\n\n", sentences[0].end)
    high = len(text) if high < 0 else high
    around = [d for m in DATE.finditer(text[low:high]) if (d := iso_date(m.group(0))) and len(d) >= 7]
    return max(around, key=len, default=None) or dateline(text)


def _terms(sentences: tuple[Span, ...], values: dict[int, list[Figure]], party_mentions: Sequence[Span] = (),
           rival_mentions: Sequence[Span] = ()) -> tuple[DealTerm, ...]:
    """The money terms the deal's sentences state (`values`: DealValue figures by sentence start), the first of each name kept;
    in a sentence of clauses split by semicolons, only the amounts of a clause that names a party ('signed a $2-billion
    deal with Quell; acquired gene therapies from Pfizer for up to $1 billion': the second amount is another deal's).
    Where a sentence states other deals too (`rival_mentions`: where their parties are named in it), an amount is this
    deal's when a party of this deal is the last one named before it ('Roche bought Spark for $4.8 billion and Biogen
    paid $800 million to acquire Nightstar')."""
    found: dict[str, DealTerm] = {}
    plain_total = False
    for sentence in sentences:
        parts_from = None  # '$475 million in milestones, including up to $300 million for ...': the parts are no terms
        for figure in values.get(sentence.start, ()):
            if not _in_a_party_clause(sentence, figure, party_mentions) or not _named_last(sentence, figure, party_mentions, rival_mentions):
                continue
            written = _amount_match(sentence.text, figure)
            if parts_from is not None and written is not None and written.start() >= parts_from:
                continue
            name, cued = _term_name(sentence.text, figure)
            if name is None:
                continue
            if name == "milestones" and written is not None:
                parts = PARTS_OF_THE_AMOUNT.match(sentence.text, written.end())
                parts_from = parts.end() if parts else parts_from
            term = DealTerm(name, figure.value, figure.unit, usd_value(figure.value, figure.unit, figure.year), sentence)
            if name == "total" and cued and plain_total:
                found["total"], plain_total = term, False  # 'bring the total value of the deal to $477.6 million'
            elif name == "total" and "total" in found and "upfront" not in found and _potential_total(sentence.text, figure, found["total"]):
                # '$1.0 billion at closing ..., a total deal value of up to $1.5 billion': the first is paid at closing
                found["upfront"] = replace(found["total"], name="upfront")
                found["total"] = term
            elif name not in found:
                found[name] = term
                plain_total = plain_total or name == "total" and not cued
        if "per_share" not in found and (price := _per_share_price(sentence)):
            found["per_share"] = price
    return tuple(found.values())


PARTS_OF_THE_AMOUNT = re.compile(r"[^;.$€£¥]{0,40}?,\s*(?:including|of which|comprising)\b", re.I)
"""Words right after the milestones that open the list of their parts ('in milestone payments, including up to ...')."""


@functools.lru_cache(maxsize=1)
def _price_pattern() -> re.Pattern:
    """A currency symbol or code (ontology/patterns/figures.toml) right before a plain amount with no scale word."""
    from kg.nlp.figures import load_figure_patterns  # here, not at the top: kg.deals is loaded without spaCy after a build

    symbols = sorted(load_figure_patterns().currencies, key=len, reverse=True)
    return re.compile(r"(?<![\w$])(" + "|".join(map(re.escape, symbols)) + r")\s?(\d[\d,]*(?:\.\d+)?)(?![\d.,]*\s*(?:million|billion|bn|mn|m|b)\b)", re.I)


def _per_share_price(sentence: Span) -> DealTerm | None:
    """The price per share or per ADS a deal sentence states ("$114.50 per share"): the figure reader leaves such
    amounts out, since they are never a deal's value, but the deal keeps them as its per_share term."""
    from kg.nlp.figures import load_figure_patterns

    patterns = load_figure_patterns()
    for match in _price_pattern().finditer(sentence.text):
        if patterns.cues["per_share_after"].match(sentence.text[match.end() :]):
            value, currency = float(match.group(2).replace(",", "")), patterns.currencies[match.group(1).lower()]
            if value < DEAL_VALUE_FLOOR:
                return DealTerm("per_share", value, currency, usd_value(value, currency, None), sentence)
    return None


def _term_name(sentence: str, figure: Figure) -> tuple[str | None, bool]:
    """Which term an amount is, and whether words said so: the words right after it ("$75 million upfront",
    "$30 million in equity"), else those right before it ("up to $2.6 billion in milestones"), else the total
    by default. None for an amount no deal pays ("$500 million net cash" the target holds)."""
    if figure.value < DEAL_VALUE_FLOOR and PER_SHARE.search(sentence):
        return "per_share", True
    before, after = _amount_context(sentence, figure)
    if NOT_A_TERM.match(after) or CONTINGENT.search(before) or OPTION_PAYMENT.match(after):
        return None, True
    if NEW_SHARES_AFTER.match(after):
        return "equity", True
    for window in (after, before):
        for name, cue in TERM_CUES:
            if cue.search(window):
                return name, True
    return "total", False


@functools.lru_cache(maxsize=1)
def _amount_pattern() -> re.Pattern:
    """An amount as a deal sentence writes it: a currency symbol or code before the number ('US$591.6 million'), or a
    currency word after it ('667.7 billion won'), the words of ontology/patterns/figures.toml."""
    from kg.nlp.figures import load_figure_patterns

    words = sorted((w for w in load_figure_patterns().currencies if w.isalpha()), key=len, reverse=True)
    after = "|".join(map(re.escape, words))
    return re.compile(r"(?:(?:US\$|\$|€|£|¥|₩|\b(?-i:[A-Z]{3})\s?)\s?(?P<number>\d[\d,.]*)\s*(?P<scale>billion|million|bn|mn|m|b)?\b"
                      rf"|\b(?P<number_before>\d[\d,.]*)\s*(?P<scale_before>billion|million|bn|mn)?\s+(?:{after})\b)", re.I)


def _potential_total(sentence: str, figure: Figure, stated: DealTerm) -> bool:
    """A larger amount said to be what the deal is worth 'up to' (with contingent payments) than the total stated before it."""
    before, _ = _amount_context(sentence, figure)
    return figure.unit == stated.currency and figure.value > stated.value and re.search(r"\bup to\b", before[-30:], re.I) is not None


SCALES = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6}


def _amount_match(sentence: str, figure: Figure) -> re.Match | None:
    """Where the figure's amount is written in its sentence (the amount of that value, else the first with its leading
    digits), None when it is not found."""
    leading = f"{figure.value:,.0f}".split(",")[0][:2] if figure.value >= 1 else ""
    found = [(m, m.group("number") or m.group("number_before"), m.group("scale") or m.group("scale_before")) for m in _amount_pattern().finditer(sentence)]
    candidates = [(m, number, scale) for m, number, scale in found if leading and number.replace(",", "").startswith(leading)]
    for match, written, scale_word in candidates:
        try:
            number = float(written.replace(",", "").rstrip("."))
        except ValueError:
            continue
        scale = SCALES.get((scale_word or "").lower(), 1)
        if abs(number * scale - figure.value) <= 0.01 * figure.value:
            return match
    return candidates[0][0] if candidates else None


def _amount_context(sentence: str, figure: Figure) -> tuple[str, str]:
    """The words just before and just after the figure's amount in its sentence ('' when it is not found)."""
    match = _amount_match(sentence, figure)
    if match is None:
        return "", ""
    start, end = match.start(), match.end()
    restated = RESTATED.search(sentence, max(0, start - 50), start)
    if restated is not None and ")" in sentence[end:]:
        # '$22.50 per share (or an aggregate of approximately $880 million) payable at closing': the amount a
        # parenthesis restates says what the words around the parenthesis say
        start, end = restated.start(), sentence.index(")", end) + 1
        return sentence[max(0, start - 60) : start], _up_to_a_comma(_words_after(sentence, end))  # (the amount before is the one restated)
    restatement = PARENTHESIS_AFTER.match(sentence, end)
    if restatement is not None:
        end = restatement.end()  # '637.7 million won (US$565 million) in milestone payments': read past the restatement
    return sentence[max(0, start - 40, _end_of_the_amount_before(sentence, start)) : start], _up_to_a_comma(_words_after(sentence, end))


WORDS_AFTER = 80
"""Enough for a list that describes an amount ('in additional development, regulatory and commercial milestones')."""


def _words_after(sentence: str, end: int) -> str:
    """The next WORDS_AFTER characters after an amount, up to the next amount ('$20 million in 2023, rising to $50 million
    in milestone payments': the milestones are the second amount's)."""
    following = _amount_pattern().search(sentence, end)
    return sentence[end : min(end + WORDS_AFTER, following.start() if following else len(sentence))]


EARLY_LIST_COMMA = 32
"""A comma this close after an amount separates the words of a list that describes it ('in additional development,
regulatory and commercial milestones'), not the amount from another clause."""


def _up_to_a_comma(words: str) -> str:
    """The words after an amount that are its own (`words` is the next WORDS_AFTER characters): up to a semicolon or a comma
    that opens another clause ('667.7 billion won, including an upfront payment of ...': the upfront is another
    amount's); else 25 characters, or all of them when a list's commas come early ('$1.01 billion in clinical,
    regulatory, and commercial milestone payments')."""
    own = OTHER_CLAUSE.split(words, maxsplit=1)[0]
    if len(own) < len(words):
        return own
    return words if "," in words[:EARLY_LIST_COMMA] else words[:25]


def _end_of_the_amount_before(sentence: str, start: int) -> int:
    """Where the amount before the one at `start` ends (0 if none): the words before an amount are its own only
    after it ('$100 million in an upfront payment and up to $1.01 billion': 'upfront' is the first amount's)."""
    last = None
    for last in _amount_pattern().finditer(sentence, 0, start):
        pass
    return last.end() if last is not None else 0


OTHER_CLAUSE = re.compile(r";|,\s*(?=including\b|plus\b|which\b|while\b|with\b|for\b|as well\b|and (?:an?|up to|the)\b)", re.I)
"""Where the words after an amount turn to another one: a semicolon, or a comma before 'including', 'plus', ..."""


PARENTHESIS_AFTER = re.compile(r"\s*\([^()]{0,60}\)")
"""A parenthesis right after an amount, which restates it ('(US$565 million)')."""


RESTATED = re.compile(r"\((?:or|i\.e\.,?|that is,?)?\s*(?:an? )?(?:aggregate|total)?\s*(?:of\s+)?(?:approximately|about|around|roughly)?\s*$", re.I)
"""The opening of a parenthesis that restates an amount right before it in other terms: '(or an aggregate of approximately'."""


def _parties_by_sentence(grouped: dict[tuple, list[Relation]]) -> dict[int, frozenset[str]]:
    """The parties of the deals each sentence states, by the sentence's start."""
    parties: dict[int, set[str]] = {}
    for stated in grouped.values():
        for relation in stated:
            parties.setdefault(relation.evidence.start, set()).update((relation.subject, relation.object))
    return {start: frozenset(iris) for start, iris in parties.items()}


def _named_last(sentence: Span, figure: Figure, party_mentions: Sequence[Span], rival_mentions: Sequence[Span]) -> bool:
    """Whether, of the companies of the deals a sentence states, one of this deal's is named last before the amount
    (or, with none before it, first after it). True when the sentence states no other deal."""
    rivals = [m.start for m in rival_mentions if sentence.start <= m.start < sentence.end and not _aside(sentence.text, m.start - sentence.start)]
    match = _amount_match(sentence.text, figure) if rivals else None
    if match is None:
        return True
    at = sentence.start + match.start()
    named = sorted([(m.start, True) for m in party_mentions if sentence.start <= m.start < sentence.end] + [(start, False) for start in rivals])
    before = [own for start, own in named if start < at]
    return before[-1] if before else next((own for start, own in named if start > at), True)


RELATIVE_CLAUSE = re.compile(r",\s*(?:whose|which|who|that|where)\b[^,]*$|\([^()]*$", re.I)
"""The open relative clause or bracket a name stands in: 'Spark Therapeutics, whose largest shareholder is Novartis'."""


def _aside(text: str, at: int) -> bool:
    """Whether offset `at` of a sentence's text stands in a relative clause or a bracket: a name there is no party to
    the sentence's deals."""
    return RELATIVE_CLAUSE.search(text, 0, at) is not None


def _in_a_party_clause(sentence: Span, figure: Figure, party_mentions: Sequence[Span]) -> bool:
    """False when the sentence has clauses split by semicolons, one of them names a party, and the amount stands in one that does not."""
    if ";" not in sentence.text:
        return True
    bounds = [0, *(i + 1 for i, c in enumerate(sentence.text) if c == ";"), len(sentence.text) + 1]
    clauses = list(zip(bounds, bounds[1:]))
    named = {k for k, (low, high) in enumerate(clauses) for m in party_mentions
             if sentence.start <= m.start < sentence.end and low <= m.start - sentence.start < high}
    match = _amount_match(sentence.text, figure)
    if not named or match is None:
        return True
    return any(low <= match.start() < high for k, (low, high) in enumerate(clauses) if k in named)


def _status(sentences: tuple[Span, ...]) -> str | None:
    """The furthest stage any sentence reports: terminated, completed, proposed or announced."""
    for status, cue in STATUS_CUES:
        if any(cue.search(s.text) for s in sentences):
            return status
    return None


@functools.lru_cache(maxsize=1)
def usd_rates(path: Path = ONTOLOGY_DIR / "patterns" / "usd_rates.tsv") -> dict[str, dict[int, float]]:
    """US dollars per unit, by currency and year, from the documented rate table."""
    lines = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header, rows = lines[0], lines[1:]
    return {currency: {int(row[0]): float(row[i]) for row in rows} for i, currency in enumerate(header) if i}


def usd_value(value: float, currency: str, year: int | None) -> float | None:
    """An amount in US dollars at the table's rate for its year (the nearest year the table has)."""
    if currency == "USD":
        return value
    rates = usd_rates().get({"RMB": "CNY"}.get(currency, currency))
    if not rates:
        return None
    nearest = min(rates, key=lambda known: abs(known - (year or max(rates))))
    return round(value * rates[nearest], 2)


def _topic(sentence: str) -> str | None:
    after = re.split(r"\b(?:collaboration|partnership|alliance|agreement|deal|joint venture)\b", sentence, maxsplit=1, flags=re.I)
    if len(after) < 2:
        return None
    match = TOPIC.search(after[1])
    return match.group(1).strip() if match else None


def broader_kind(kind: str) -> str | None:
    """The broad kind a narrower deal kind refines (Licensing -> Collaboration), by ontology/cgt.ttl; None for a broad kind."""
    return load_schema().deal_kind(kind, "deal record").broader


DEAL_MENTIONS = """
SELECT ?g ?deal ?broad (GROUP_CONCAT(DISTINCT STR(?who); separator=" ") AS ?parties) (COUNT(?date) AS ?dates) WHERE {
  %s
  GRAPH ?g { ?g a cgt:Document . ?deal a cgt:Deal ; a ?broad ; cgt:party ?party
             OPTIONAL { ?deal cgt:investee ?investee } OPTIONAL { ?deal cgt:dealDate ?date } }
  BIND(COALESCE(?investee, ?party) AS ?who)
  ?broad rdfs:subClassOf cgt:Deal .
}
GROUP BY ?g ?deal ?broad
"""
"""Each document's deal records: the document, the deal node, its broad kind, its identifying parties (a round's
investee, as `identifying_parties`), whether it is dated there. `%s` narrows it to the deals of some parties."""

DEALS_OF_PARTIES = "{ SELECT DISTINCT ?deal WHERE { VALUES ?someone { %s } GRAPH ?any { ?deal cgt:party ?someone } } }"
PARTIES_IN_GRAPHS = "SELECT DISTINCT ?party WHERE { VALUES ?g { %s } GRAPH ?g { ?deal a cgt:Deal ; cgt:party ?party } }"


def deal_parties(store: Store, graphs) -> set[str]:
    """The parties of the deal records in these document graphs (index lookups): what a change to those graphs
    can make merge_yearless_deals do."""
    listed = " ".join(f"<{graph}>" for graph in graphs)
    return {str(row[0]) for row in store.query(PARTIES_IN_GRAPHS % listed)} if listed else set()


def merge_yearless_deals(store: Store, parties: set[str] | None = None) -> int:
    """Move each yearless deal mention of a document (a deal node its graph gives no date) to the deal it is a mention
    of: the only dated deal of the same broad kind and parties in the store, else its own yearless node (so one
    that joined a deal goes back when a second dated deal of those parties arrives or the dated source leaves).
    With `parties` (those of the graphs a build wrote or dropped, `deal_parties`), only their deals are looked at,
    so adding one article does not read every deal of the store. Returns how many mentions moved."""
    if parties is not None and not parties:
        return 0
    narrowed = DEALS_OF_PARTIES % " ".join(f"<{party}>" for party in sorted(parties)) if parties else ""
    mentions = [(row.g, row.deal, local_name(row.broad), tuple(sorted(str(row.parties).split())), int(row.dates))
                for row in store.query(DEAL_MENTIONS % narrowed)]
    dated: dict[tuple, set] = {}
    for _, deal, broad, parties, dates in mentions:
        if dates:
            dated.setdefault((broad, parties), set()).add(deal)
    moves = []
    for graph, deal, broad, parties, dates in mentions:
        if dates:
            continue
        candidates = dated.get((broad, parties), set())
        target = next(iter(candidates)) if len(candidates) == 1 else deal_iri(broad, parties, None)
        if str(target) != str(deal):
            moves.append(_rename_update(graph, deal, target))
    if moves:
        store.update(" ;\n".join(moves))
    return len(moves)


def _rename_update(graph, old, new) -> str:
    """A SPARQL update that renames node `old` to `new` within one named graph, as subject and as object."""
    g, o, n = f"<{graph}>", f"<{old}>", f"<{new}>"
    return (f"DELETE {{ GRAPH {g} {{ {o} ?p ?x }} }} INSERT {{ GRAPH {g} {{ {n} ?p ?x }} }} WHERE {{ GRAPH {g} {{ {o} ?p ?x }} }} ;\n"
            f"DELETE {{ GRAPH {g} {{ ?s ?p {o} }} }} INSERT {{ GRAPH {g} {{ ?s ?p {n} }} }} WHERE {{ GRAPH {g} {{ ?s ?p {o} }} }}")
