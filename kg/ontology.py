"""Loads ontology/ (the OWL ontology and the SKOS vocabulary) and turns labels into patterns.

The vocabulary is data: every concept's preferred and alternative labels become
surface forms for the entity ruler, and every triple between concepts is a
reference fact that goes into the graph's vocabulary layer.

What is compiled from ontology/ (the Vocabulary, the Schema, the reference graph) is kept in the on-disk
cache of kg.cache, keyed by every file under the ontology folder and the code that reads them: the first
process parses the Turtle files, the next ones read the result back.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.cache import cached, code_files, files_under, fingerprint
from kg.errors import UserError
from kg.model import TOP_LEVEL_TYPES
from kg.namespaces import CGT, CGTID, ONTOLOGY_DIR, local_name



T = TypeVar("T")
NOT_AN_ENTITY = "NOT_AN_ENTITY"
"""Label of vocabulary terms that are not entities (a taxonomy root such as 'cell and gene therapy'):
matched so that no entity is found inside them, then dropped."""


@dataclass(frozen=True)
class Concept:
    """One entity of the reference vocabulary with every name it goes by."""

    iri: str
    label: str
    alt_labels: tuple[str, ...]
    cls: str
    type: str

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.alt_labels)


@dataclass(frozen=True)
class Vocabulary:
    """The loaded ontology and vocabulary, with lookups by IRI and by normalised name."""

    root: Path
    """The ontology folder it was compiled from."""
    concepts: dict[str, Concept]
    non_entities: tuple[str, ...]
    by_key: dict[str, str]
    class_types: dict[str, str]
    spelling: dict[str, str]
    company_suffixes: tuple[str, ...]
    company_heads: tuple[str, ...]
    disease_heads: tuple[str, ...]
    agency_heads: tuple[str, ...]
    not_products: tuple[str, ...]
    demonyms: tuple[str, ...]
    demonym_places: dict[str, str]
    """Nationality words with the country or region they name ('swiss' -> cgtid:switzerland), lower case."""
    city_places: dict[str, str] = field(default_factory=dict)
    """Each city of patterns/cities.txt (lower case, words joined by spaces) with its country's IRI."""

    @property
    def ontology(self) -> Graph:
        """ontology/cgt.ttl as an rdflib Graph, parsed on first use."""
        return ontology_graph(self.root)

    @property
    def reference(self) -> Graph:
        """The vocabulary's triples (ontology/vocabulary/*.ttl) as an rdflib Graph, read from the cache on first use."""
        return reference_graph(self.root)

    def lookup(self, name: str) -> Concept | None:
        """The concept a name refers to, ignoring case, spelling variant, hyphens and plural."""
        iri = self.by_key.get(name_key(name, self.spelling))
        return self.concepts.get(iri) if iri else None

    def type_of(self, cls: str) -> str:
        """The top-level type (one of TOP_LEVEL_TYPES) of a class local name."""
        return self.class_types.get(cls, cls)


def _read_lines(path: Path) -> list[str]:
    return [
        line.rstrip("\n")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _demonym_places(path: Path) -> dict[str, str]:
    """The words of demonyms.txt (or cities.txt) that name one country or region, with its IRI."""
    pairs = (line.split("\t") for line in _read_lines(path))
    return {pair[0].lower(): str(CGTID[pair[1].strip()]) for pair in pairs if len(pair) == 2 and pair[1].strip()}


def _spelling_table(path: Path) -> dict[str, str]:
    """UK -> US word map (both directions are generated from it where needed)."""
    table = {}
    for line in _read_lines(path):
        us, uk = line.split("\t")
        table[uk.lower()] = us.lower()
    return table


def _class_types(ontology: Graph) -> dict[str, str]:
    """Map every ontology class to the top-level type it falls under."""
    types: dict[str, str] = {}
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, URIRef):
            continue
        seen = set()
        current = cls
        while current is not None and current not in seen:
            seen.add(current)
            if local_name(current) in TOP_LEVEL_TYPES:
                types[local_name(cls)] = local_name(current)
                break
            current = next((p for p in ontology.objects(current, RDFS.subClassOf) if isinstance(p, URIRef)), None)
    return types


def _depth(ontology: Graph, cls: URIRef) -> int:
    depth = 0
    while (parent := ontology.value(cls, RDFS.subClassOf)) is not None and depth < 10:
        cls = parent
        depth += 1
    return depth


def name_key(name: str, spelling: dict[str, str]) -> str:
    """A name folded for lookup: case, UK spelling, hyphens, punctuation, a leading 'the', plural."""
    text = re.sub(r"['’]s\b", "", name.lower())
    words = re.findall(r"[a-z0-9]+", text)
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    words = [spelling.get(w, w) for w in words]
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


def singular(word: str) -> str:
    """A crude English singular for the last word of a name ('therapies' -> 'therapy')."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "sis")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "ses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def plural(word: str) -> str:
    """The regular English plural of a word ('therapy' -> 'therapies')."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


SERIAL_AND = re.compile(r"(,\s[^,]+?)\sand\s")
TYPE_NUMERAL = re.compile(r"\b(type|grade|stage|phase|class)\s+(IV|I{1,3}|[1-4])\b", re.I)
"""A numbered kind in a name ('mucopolysaccharidosis type I', 'type 1 diabetes' is no match: the number must follow)."""
ROMAN_ARABIC = {"I": "1", "II": "2", "III": "3", "IV": "4"}
ARABIC_ROMAN = {arabic: roman for roman, arabic in ROMAN_ARABIC.items()}


def _other_numeral(match: re.Match) -> str:
    """The same numbered kind in the other numerals ('type I' <-> 'type 1')."""
    number = match.group(2)
    other = ROMAN_ARABIC.get(number.upper()) or ARABIC_ROMAN.get(number)
    return f"{match.group(1)} {other}"
"""The last two members of a list in a name, which writers also join with a serial comma."""


def surface_forms(label: str, spelling: dict[str, str], countable: bool) -> set[str]:
    """Every way a writer spells a label: UK/US, hyphen or space, with or without a serial comma, a numbered kind in
    Roman or Arabic numerals ('type I', 'type 1'), and the plural if countable."""
    us_to_uk = {us: uk for uk, us in spelling.items()}
    forms = {label}
    for table in (spelling, us_to_uk):
        swapped = " ".join(_swap_case(w, table) for w in label.split(" "))
        forms.add(swapped)
    for form in list(forms):
        forms.add(TYPE_NUMERAL.sub(_other_numeral, form))  # 'mucopolysaccharidosis type 1' for '... type I'
    for form in list(forms):
        forms.add(SERIAL_AND.sub(r"\1, and ", form))  # 'Health, Labour, and Welfare' for 'Health, Labour and Welfare'
        forms.add(form.replace(", and ", " and "))
    for form in list(forms):
        forms.add(form.replace("-", " "))
        words = form.split(" ")
        if 2 <= len(words) <= 4:
            for i in range(len(words) - 1):
                forms.add(" ".join(words[:i]) + (" " if i else "") + "-".join(words[i : i + 2]) + (" " if i + 2 < len(words) else "") + " ".join(words[i + 2 :]))
    if countable:
        for form in list(forms):
            last = re.search(r"([A-Za-z]+)$", form)
            if last and last.group(1).islower() and len(last.group(1)) > 2:
                forms.add(form[: last.start()] + plural(last.group(1)))
    return {f.strip() for f in forms if f.strip()}


def _swap_case(word: str, table: dict[str, str]) -> str:
    swapped = table.get(word.lower())
    if swapped is None:
        return word
    return swapped.capitalize() if word[:1].isupper() else swapped


def _capitalised_word(label: str) -> bool:
    """One word of letters, capitalised and in lower case after: 'Transgene', 'Novartis' (not 'argenx', 'uniQure')."""
    return label.isalpha() and label[0].isupper() and label[1:].islower()


def is_case_sensitive(label: str) -> bool:
    """Short all-capital names (FDA, PRIME, iPSC) only match as written, so 'prime' is not PRIME."""
    letters = re.sub(r"[^A-Za-z]", "", label)
    return 0 < len(letters) <= 6 and sum(c.isupper() for c in letters) >= 2 and " " not in label.strip()


@functools.lru_cache(maxsize=4)
def ontology_graph(root: Path = ONTOLOGY_DIR) -> Graph:
    """ontology/cgt.ttl parsed once per process (the schema and the vocabulary both read it)."""
    try:
        return Graph().parse(Path(root) / "cgt.ttl")
    except (OSError, SyntaxError, ValueError) as error:
        raise UserError(f"cannot load the ontology from {root}: {error}") from error


@dataclass(frozen=True)
class Kind:
    """A deal kind or a regulatory event kind: a subclass of cgt:Deal or cgt:RegulatoryEvent in ontology/cgt.ttl."""

    name: str
    label: str
    colour: str
    broader: str | None
    """The broad kind a narrower one refines (Licensing -> Collaboration); None for a broad kind."""
    stated_by: str | None = None
    """On a broad deal kind: the relation whose statement is a deal of this kind (acquires)."""
    roles: tuple[str, str] | None = None
    """On a broad deal kind: the roles of that relation's subject and object (acquirer, target)."""


@dataclass(frozen=True)
class Schema:
    """The kinds of deals and regulatory events the ontology declares, and the colour of every class and relation
    that is drawn, in one place: extraction, the graph, the network page and the charts all take them from here."""

    deal_kinds: dict[str, Kind]
    event_kinds: dict[str, Kind]
    colours: dict[str, str]
    """Local name -> cgt:colour of every term that has one: top-level entity classes, relations, deal and event kinds."""

    def colour(self, name: str) -> str | None:
        """The colour of a class or relation (Company, acquires, Licensing), None for a term drawn in no colour of its own."""
        return self.colours.get(name)

    def deal_kind(self, name: str, where: str) -> Kind:
        """The deal kind of that name; UserError naming `where` (the file or input that named it) when cgt.ttl has none."""
        return _known(self.deal_kinds, name, "Deal", where)

    def event_kind(self, name: str, where: str) -> Kind:
        """The regulatory event kind of that name; UserError naming `where` when cgt.ttl has none."""
        return _known(self.event_kinds, name, "RegulatoryEvent", where)

    def stated_by(self, predicate: str) -> Kind | None:
        """The broad deal kind a relation states (acquires -> Acquisition), None for a relation that states no deal."""
        return next((k for k in self.deal_kinds.values() if k.stated_by == predicate), None)


COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _known(kinds: dict[str, Kind], name: str, root_class: str, where: str) -> Kind:
    if name not in kinds:
        raise UserError(f"{where}: {name!r} is not a subclass of cgt:{root_class} in ontology/cgt.ttl (kinds: {', '.join(kinds)})")
    return kinds[name]


def _kinds(ontology: Graph, root_class: str, root: Path) -> dict[str, Kind]:
    """Every subclass of cgt:`root_class`, broad kinds first, each with its colour (UserError when one has none)."""
    top = CGT[root_class]
    kinds = []
    for cls in set(ontology.transitive_subjects(RDFS.subClassOf, top)) - {top}:
        chain = [cls]
        while (parent := ontology.value(chain[-1], RDFS.subClassOf)) is not None and parent != top and len(chain) < 10:
            chain.append(parent)
        colour = str(ontology.value(cls, CGT.colour) or "")
        if not colour:
            raise UserError(f"{root / 'cgt.ttl'}: cgt:{local_name(cls)} (a kind of {root_class}) has no cgt:colour")
        subject, obj = ontology.value(cls, CGT.subjectRole), ontology.value(cls, CGT.objectRole)
        stated_by = ontology.value(cls, CGT.statedBy)
        kinds.append(Kind(
            name=local_name(cls),
            label=str(ontology.value(cls, RDFS.label) or local_name(cls)),
            colour=colour,
            broader=local_name(chain[-1]) if len(chain) > 1 else None,
            stated_by=local_name(stated_by) if stated_by is not None else None,
            roles=(local_name(subject), local_name(obj)) if subject is not None and obj is not None else None,
        ))
    kinds.sort(key=lambda k: (k.broader or k.name, k.broader is not None, k.name))
    return {k.name: k for k in kinds}


@functools.lru_cache(maxsize=4)
def compiled_key(root: Path = ONTOLOGY_DIR) -> str:
    """The cache key of what is compiled from `root`: every file under it and the code that reads them."""
    return fingerprint(files_under(Path(root)) | code_files("ontology.py", "cache.py", "namespaces.py", "model.py"))


def compiled(kind: str, root: Path, compile_value: Callable[[], T], *depends_on: str) -> T:
    """`compile_value()` for the ontology folder `root`, through the on-disk cache; `depends_on` names what else
    the value depends on (a pipeline and its version), part of its key."""
    key = hashlib.sha256("\0".join((compiled_key(Path(root)), *depends_on)).encode()).hexdigest()
    return cached(kind, key, compile_value)


@functools.lru_cache(maxsize=4)
def load_schema(root: Path = ONTOLOGY_DIR) -> Schema:
    """The deal and event kinds of ontology/cgt.ttl and every colour it gives, read once per process, from the
    cache when cgt.ttl is unchanged (UserError naming the term when a kind has no colour or a colour is not #rrggbb)."""
    return compiled("schema", Path(root), lambda: _compile_schema(Path(root)))


def _compile_schema(root: Path) -> Schema:
    ontology = ontology_graph(Path(root))
    colours = {local_name(term): str(colour) for term, colour in ontology.subject_objects(CGT.colour)}
    wrong = sorted(name for name, colour in colours.items() if not COLOUR.fullmatch(colour))
    if wrong:
        raise UserError(f"{Path(root) / 'cgt.ttl'}: cgt:{wrong[0]} has the colour {colours[wrong[0]]!r}, not #rrggbb")
    return Schema(_kinds(ontology, "Deal", Path(root)), _kinds(ontology, "RegulatoryEvent", Path(root)), dict(sorted(colours.items())))


@functools.lru_cache(maxsize=4)
def reference_graph(root: Path = ONTOLOGY_DIR) -> Graph:
    """ontology/vocabulary/*.ttl as one rdflib Graph, once per process, from the cache when they are unchanged."""
    return compiled("reference", Path(root), lambda: _parse_reference(Path(root)))


def _parse_reference(root: Path) -> Graph:
    try:
        reference = Graph()
        for path in sorted((root / "vocabulary").glob("*.ttl")):
            reference.parse(path)
    except (OSError, SyntaxError, ValueError) as error:
        raise UserError(f"cannot load the ontology from {root}: {error}") from error
    return reference


@functools.lru_cache(maxsize=4)
def load_vocabulary(root: Path = ONTOLOGY_DIR) -> Vocabulary:
    """The concepts and word lists of ontology/, once per process, from the cache when no file of it changed
    (an entry compiled from a copy of the same files elsewhere serves too: its graphs are read from `root`)."""
    return replace(compiled("vocabulary", Path(root), lambda: _compile_vocabulary(Path(root))), root=Path(root))


def _compile_vocabulary(root: Path) -> Vocabulary:
    """Parse ontology/cgt.ttl and ontology/vocabulary/*.ttl and derive every lookup of the Vocabulary."""
    ontology = ontology_graph(root)
    reference = reference_graph(root)
    spelling = _spelling_table(root / "patterns" / "spelling.tsv")
    class_types = _class_types(ontology)
    concepts: dict[str, Concept] = {}
    for subject in set(reference.subjects(SKOS.prefLabel, None)):
        classes = [c for c in reference.objects(subject, RDF.type) if local_name(c) in class_types]
        if not classes:
            continue
        cls = max(classes, key=lambda c: _depth(ontology, CGT[local_name(c)]))
        label = str(reference.value(subject, SKOS.prefLabel))
        alts = tuple(sorted({str(a) for a in reference.objects(subject, SKOS.altLabel)} - {label}))
        concepts[str(subject)] = Concept(str(subject), label, alts, local_name(cls), class_types[local_name(cls)])
    non_entities = tuple(sorted(
        str(label)
        for subject in set(reference.subjects(SKOS.prefLabel, None)) if str(subject) not in concepts
        for label in (*reference.objects(subject, SKOS.prefLabel), *reference.objects(subject, SKOS.altLabel))
    ))
    by_key: dict[str, str] = {}
    ordered = sorted(concepts.values(), key=lambda c: c.iri)
    for concept in ordered:
        for name in concept.alt_labels:
            by_key.setdefault(name_key(name, spelling), concept.iri)
    for concept in ordered:
        by_key[name_key(concept.label, spelling)] = concept.iri
    by_key.pop("", None)
    return Vocabulary(
        root=root,
        concepts=concepts,
        non_entities=non_entities,
        by_key=by_key,
        class_types=class_types,
        spelling=spelling,
        company_suffixes=tuple(_read_lines(root / "patterns" / "company_suffixes.txt")),
        company_heads=tuple(_read_lines(root / "patterns" / "company_heads.txt")),
        disease_heads=tuple(_read_lines(root / "patterns" / "disease_heads.txt")),
        agency_heads=tuple(_read_lines(root / "patterns" / "agency_heads.txt")),
        not_products=tuple(_read_lines(root / "patterns" / "not_products.txt")),
        demonyms=tuple(line.split("\t")[0] for line in _read_lines(root / "patterns" / "demonyms.txt")),
        demonym_places=_demonym_places(root / "patterns" / "demonyms.txt"),
        city_places=_demonym_places(root / "patterns" / "cities.txt"),
    )


RULE_PRECISION = ONTOLOGY_DIR / "patterns" / "rule_precision.json"


@functools.lru_cache(maxsize=16)
def vocabulary_links(predicate: str, reverse: bool = False) -> dict[str, frozenset[str]]:
    """For one predicate of the vocabulary (ontology/vocabulary/), each subject with the objects it states for it, or
    with `reverse` each object with its subjects ('luxturna' -> the companies that cgt:develops it)."""
    found: dict[str, set[str]] = {}
    for subject, obj in load_vocabulary().reference.subject_objects(CGT[predicate]):
        key, value = (obj, subject) if reverse else (subject, obj)
        found.setdefault(str(key), set()).add(str(value))
    return {key: frozenset(values) for key, values in found.items()}


@functools.lru_cache(maxsize=1)
def rule_precision() -> dict[str, float]:
    """Measured precision of each extraction rule (written by `kg eval --calibrate`), used as its confidence."""
    if not RULE_PRECISION.exists():
        return {}
    return {rule: item["precision"] for rule, item in json.loads(RULE_PRECISION.read_text(encoding="utf-8")).items()}


def entity_ruler_patterns(vocabulary: Vocabulary, tokenize: Callable[[str], list[str]]) -> list[dict]:
    """EntityRuler patterns for every surface form of every concept, labelled by class, id = IRI."""
    patterns = []
    countable = {"TherapyModality", "Technology", "EndUser", "Disease", "TherapeuticArea", "Designation"}
    for concept in vocabulary.concepts.values():
        forms: set[str] = set()
        for name in concept.labels:
            if is_case_sensitive(name):
                patterns.append({"label": concept.cls, "id": concept.iri, "pattern": [{"ORTH": t} for t in tokenize(name)]})
            elif concept.cls == "Company" and _capitalised_word(name):
                # a one-word company name written in lower case is a common word ('a transgene' is not Transgene)
                patterns.extend({"label": concept.cls, "id": concept.iri, "pattern": [{"ORTH": t} for t in tokenize(written)]}
                                for written in (name, name.upper()))
            else:
                forms |= surface_forms(name, vocabulary.spelling, concept.cls in countable)
        patterns.extend({"label": concept.cls, "id": concept.iri, "pattern": form} for form in sorted(forms))
    blocked = {form for name in vocabulary.non_entities for form in surface_forms(name, vocabulary.spelling, True)}
    patterns.extend({"label": NOT_AN_ENTITY, "pattern": form} for form in sorted(blocked))
    return patterns
