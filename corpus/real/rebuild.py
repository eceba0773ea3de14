"""Rebuild the real-text evaluation set from its pointers, and check its gold files.

The texts themselves are not in the repository: each pointer (pointers/NAME.json) names a
public page, the excerpt of it that was kept (.excerpts/NAME.txt, git-ignored, saved exactly as
the search tool returned it), the first and last words of the kept passage, its word count and
the SHA-256 of its whitespace-normalised text.

    python corpus/real/rebuild.py [--out build/real]   # write OUT/{dev,test}/NAME.txt and NAME.gold.json
    python corpus/real/rebuild.py --check              # verify every gold file against its kept text
    python corpus/real/rebuild.py --table              # regenerate the table of texts in README.md
    python corpus/real/rebuild.py --save NAME < excerpt  # keep one excerpt (raw text or a JSON string)

Standard library only. Problems are printed one line each, naming the file; the script goes on
and exits with status 1 at the end if there was any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
POINTERS = HERE / "pointers"
EXCERPTS = HERE / ".excerpts"
GOLD = HERE / "gold"
README = HERE / "README.md"
REPO = HERE.parent.parent

TYPES = {"Company", "Agency", "Regulation", "Region", "Country", "Therapy", "Technology", "Disease",
         "EndUser", "DeliveryMethod", "Person"}
PREDICATES = {"collaboratesWith", "acquires", "investsIn", "develops", "approvedBy", "approvedIn", "treats",
              "grantedDesignation", "regulatedBy", "appliesIn", "headquarteredIn", "usesTechnology"}
MEASURES = {"MarketSize", "CAGR", "Share", "Count", "DealValue"}
EVENT_KINDS = {"Approval", "Designation", "Clearance", "Withdrawal"}
SPLITS = {"dev", "test"}
TABLE_START = "<!-- table:start -->"
TABLE_END = "<!-- table:end -->"


def normalise(text: str) -> str:
    return " ".join(text.split())


def digest(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def load_pointers() -> list[dict]:
    pointers = []
    for path in sorted(POINTERS.glob("*.json")):
        pointer = json.loads(path.read_text(encoding="utf-8"))
        pointer["_path"] = path
        pointers.append(pointer)
    return pointers


def cut(excerpt: str, trim: dict) -> str | None:
    """The kept text: from the first occurrence of trim.start through the first trim.end after it."""
    start = excerpt.find(trim["start"])
    if start < 0:
        return None
    end = excerpt.find(trim["end"], start)
    if end < 0:
        return None
    return excerpt[start:end + len(trim["end"])]


def kept_text(pointer: dict) -> tuple[str | None, str | None]:
    """(kept text, None) or (None, the problem)."""
    name = pointer["name"]
    source = EXCERPTS / f"{name}.txt"
    if not source.exists():
        return None, f"{source.relative_to(REPO)}: missing excerpt"
    text = cut(source.read_text(encoding="utf-8"), pointer["trim"])
    if text is None:
        return None, f"{source.relative_to(REPO)}: trim markers of {name} not found"
    if len(text.split()) != pointer["words"]:
        return None, f"{source.relative_to(REPO)}: {len(text.split())} words, pointer says {pointer['words']}"
    if digest(text) != pointer["sha256"]:
        return None, f"{source.relative_to(REPO)}: sha256 mismatch with {pointer['_path'].name}"
    return text, None


def text_and_gold(pointer: dict) -> tuple[str | None, Path, str | None]:
    """The kept text of a pointer and its gold file, or the one-line problem that stops it."""
    text, problem = kept_text(pointer)
    gold = GOLD / f"{pointer['name']}.gold.json"
    if not problem and not gold.exists():
        problem = f"{gold.relative_to(REPO)}: missing gold file"
    return text, gold, problem


def rebuild(out: Path) -> int:
    pointers = load_pointers()
    problems, counts = 0, {"dev": 0, "test": 0}
    for pointer in pointers:
        name, split = pointer["name"], pointer.get("split")
        if split not in SPLITS:
            print(f"{pointer['_path'].relative_to(REPO)}: split must be dev or test, not {split!r}")
            problems += 1
            continue
        text, gold, problem = text_and_gold(pointer)
        if problem:
            print(problem)
            problems += 1
            continue
        target = out / split
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
        shutil.copyfile(gold, target / f"{name}.gold.json")
        counts[split] += 1
    done = counts["dev"] + counts["test"]
    print(f"rebuilt {done} of {len(pointers)} texts (dev {counts['dev']}, test {counts['test']}) into {out}")
    return 1 if problems else 0


def check_gold(name: str, text: str, data: dict) -> list[str]:
    """Every way the gold file of one text disagrees with the text or with the conventions."""
    where = f"corpus/real/gold/{name}.gold.json"
    problems = []

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(f"{where}: {message}")

    need(data.get("document") == f"{name}.txt", f"document should be {name}.txt, not {data.get('document')!r}")
    labels = {}
    for entity in data.get("entities", []):
        label = entity.get("label")
        need(label not in labels, f"entity {label!r} listed twice")
        labels[label] = entity.get("type")
        need(entity.get("type") in TYPES, f"entity {label!r} has unknown type {entity.get('type')!r}")
        need(bool(entity.get("mentions")), f"entity {label!r} has no mentions")
        for mention in entity.get("mentions", []):
            need(mention in text, f"mention {mention!r} of {label!r} is not in the text")
    for relation in data.get("relations", []):
        triple = f"{relation.get('subject')} {relation.get('predicate')} {relation.get('object')}"
        need(relation.get("predicate") in PREDICATES, f"relation {triple}: unknown predicate")
        need(relation.get("subject") in labels, f"relation {triple}: subject is not an entity label")
        need(relation.get("object") in labels, f"relation {triple}: object is not an entity label")
        need(bool(relation.get("evidence")) and relation["evidence"] in text, f"relation {triple}: evidence not in the text")
    for figure in data.get("figures", []):
        what = f"figure {figure.get('measure')} {figure.get('value')} ({figure.get('subject')})"
        need(figure.get("measure") in MEASURES, f"{what}: unknown measure")
        need(isinstance(figure.get("value"), (int, float)), f"{what}: value is not a number")
        unit = figure.get("unit")
        need(unit in {"percent", "count"} or (isinstance(unit, str) and len(unit) == 3 and unit.isupper()),
             f"{what}: unit should be percent, count or an ISO 4217 code")
        need(figure.get("measure") not in {"CAGR", "Share"} or unit == "percent", f"{what}: CAGR and Share are in percent")
        need(figure.get("measure") != "Count" or unit == "count", f"{what}: a Count has unit count")
        need(figure.get("year") is None or isinstance(figure.get("year"), int), f"{what}: year is an integer or null")
        period = figure.get("period")
        need(period is None or (isinstance(period, str) and len(period.split("-")) == 2), f"{what}: period is START-END or null")
        need(isinstance(figure.get("forecast"), bool), f"{what}: forecast is true or false")
        need(bool(figure.get("evidence")) and figure["evidence"] in text, f"{what}: evidence not in the text")
    need(isinstance(data.get("deals"), list), "deals should be a list (empty unless the text announces a deal)")
    for deal in data.get("deals", []) or []:
        evidence = deal.get("evidence")
        need(evidence is None or evidence in text, f"deal {deal}: evidence not in the text")
    need(isinstance(data.get("events"), list), "events should be a list")
    for event in data.get("events", []) or []:
        what = f"event {event.get('kind')} {event.get('product')}"
        need(event.get("kind") in EVENT_KINDS, f"{what}: unknown kind")
        for field in ("product", "agency", "jurisdiction", "indication", "designation"):
            value = event.get(field)
            need(value is None or value in labels, f"{what}: {field} {value!r} is not an entity label")
        need(event.get("kind") != "Designation" or event.get("designation"), f"{what}: a Designation names its designation")
        need(bool(event.get("evidence")) and event["evidence"] in text, f"{what}: evidence not in the text")
    return problems


def check() -> int:
    pointers = load_pointers()
    problems = 0
    for pointer in pointers:
        name = pointer["name"]
        text, gold, problem = text_and_gold(pointer)
        if problem:
            print(problem)
            problems += 1
            continue
        try:
            data = json.loads(gold.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            print(f"{gold.relative_to(REPO)}: not valid JSON ({error})")
            problems += 1
            continue
        for line in check_gold(name, text, data):
            print(line)
            problems += 1
    names = {p["name"] for p in pointers}
    for gold in sorted(GOLD.glob("*.gold.json")):
        if gold.name[: -len(".gold.json")] not in names:
            print(f"{gold.relative_to(REPO)}: gold file without a pointer")
            problems += 1
    print(f"checked {len(pointers)} texts: {problems} problem(s)")
    return 1 if problems else 0


def table() -> int:
    rows = ["| name | split | kind | publisher | words |", "| --- | --- | --- | --- | --- |"]
    pointers = load_pointers()
    for p in pointers:
        rows.append(f"| {p['name']} | {p['split']} | {p['kind']} | {p.get('publisher') or ''} | {p['words']} |")
    total = sum(p["words"] for p in pointers)
    dev = sum(1 for p in pointers if p["split"] == "dev")
    rows.append("")
    rows.append(f"{len(pointers)} texts (dev {dev}, test {len(pointers) - dev}), {total} words in all.")
    block = "\n".join([TABLE_START, *rows, TABLE_END])
    readme = README.read_text(encoding="utf-8") if README.exists() else ""
    if TABLE_START in readme and TABLE_END in readme:
        head, rest = readme.split(TABLE_START, 1)
        _, tail = rest.split(TABLE_END, 1)
        readme = head + block + tail
    else:
        readme = readme.rstrip("\n") + "\n\n## Texts\n\n" + block + "\n"
    README.write_text(readme, encoding="utf-8")
    print(f"README.md table: {len(pointers)} texts")
    return 0


def save(name: str, raw: str) -> int:
    """Keep the excerpt of one pointer, read as the search tool gave it, and say whether it matches."""
    pointers = {p["name"]: p for p in load_pointers()}
    if name not in pointers:
        print(f"{name}: no pointer of that name in {POINTERS.relative_to(REPO)}")
        return 1
    excerpt = raw.strip()
    if excerpt.startswith('"'):
        try:
            excerpt = json.loads(excerpt)
        except json.JSONDecodeError as error:
            print(f"{name}: the excerpt looks like a JSON string but does not parse ({error})")
            return 1
    EXCERPTS.mkdir(exist_ok=True)
    target = EXCERPTS / f"{name}.txt"
    target.write_text(excerpt, encoding="utf-8")
    _, problem = kept_text(pointers[name])
    print(problem or f"{target.relative_to(REPO)}: kept, matches its pointer")
    return 1 if problem else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/real"), help="where to write dev/ and test/ (default build/real)")
    parser.add_argument("--check", action="store_true", help="verify the gold files against the kept texts")
    parser.add_argument("--table", action="store_true", help="regenerate the table of texts in README.md")
    parser.add_argument("--save", metavar="NAME", help="keep the excerpt of pointer NAME, read from standard input")
    args = parser.parse_args()
    if args.save:
        return save(args.save, sys.stdin.read())
    if args.check:
        return check()
    if args.table:
        return table()
    return rebuild(args.out)


if __name__ == "__main__":
    sys.exit(main())
