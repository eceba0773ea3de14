"""The explorer's charts, each drawn from a canned query in queries/ (the same rows `kg query NAME`
prints): market size over time per market and source, deals per year by kind and value, approvals
and designations on a timeline by jurisdiction, and the pipeline by phase. Deal and event kinds are drawn
in their colours of ontology/cgt.ttl (kg.ontology.load_schema), as on the network page.

Each function returns plain data (years, values, labels) that /api/chart/{name} sends as JSON and
kg/web/static/charts.js hands to Chart.js; no chart logic is duplicated in the browser beyond drawing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass

from kg.errors import UserError
from kg.ontology import load_schema
from kg.queries import QUERIES_DIR, CannedQuery, load_query_file
from kg.store import Store

CHART_UNIT = "USD"
"""Market sizes are drawn in one currency, the one most figures use; the others are listed beside the chart."""


@dataclass(frozen=True)
class Chart:
    """One chart: what it answers, the canned query it is drawn from, and its data for Chart.js."""

    name: str
    title: str
    query: str
    data: dict

    def to_json(self) -> dict:
        return asdict(self)


def _canned(name: str) -> CannedQuery:
    """The canned query a chart is drawn from (its one file read, not every file of queries/)."""
    path = QUERIES_DIR / f"{name}.rq"
    if not path.is_file():
        raise UserError(f"the chart needs the canned query {name!r}, which is not in queries/")
    return load_query_file(path)


def _rows(store: Store, name: str) -> list:
    return list(store.query(_canned(name).sparql))


def decimal_year(value) -> float | None:
    """A date as it is typed in the graph (2019, 2019-12, 2019-12-05) as a fractional year, for a time axis."""
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(value or ""))
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    return round(year + (month - 1) / 12 + (day - 1) / 365, 3)


def market_name(text: str) -> str:
    """A market as its sentences name it, without the article and the case that differ between sources."""
    return re.sub(r"^(?:the|a)\s+", "", text.strip(), flags=re.I).rstrip(".").lower()


def market_size_chart(store: Store) -> Chart:
    """Market size by year, one line per market and source document, so two sources' estimates of one
    market and year stand side by side; `conflicts` lists those that disagree."""
    series: dict[tuple[str, str], list[dict]] = defaultdict(list)
    other_units: dict[str, int] = defaultdict(int)
    by_point: dict[tuple[str, int], set[tuple[float, str]]] = defaultdict(set)
    for row in _rows(store, "market_size_over_time"):
        if row.year is None:
            continue
        if str(row.unit) != CHART_UNIT:
            other_units[str(row.unit)] += 1
            continue
        market, document, year, value = market_name(str(row.market)), str(row.document), int(row.year), float(row.value)
        series[(market, document)].append({"x": year, "y": value, "forecast": str(row.forecast) == "true"})
        by_point[(market, year)].add((value, document))
    conflicts = [
        {"market": market, "year": year, "estimates": [{"value": v, "document": d} for v, d in sorted(found)]}
        for (market, year), found in sorted(by_point.items()) if len({v for v, _ in found}) > 1
    ]
    data = {
        "unit": CHART_UNIT,
        "series": [{"market": m, "document": d, "points": sorted(p, key=lambda point: point["x"])} for (m, d), p in sorted(series.items())],
        "conflicts": conflicts,
        "other_units": dict(sorted(other_units.items())),
    }
    return Chart("market_size", "Market size over time, per market and source", "market_size_over_time", data)


def deals_chart(store: Store) -> Chart:
    """Deals per year stacked by kind, with the summed US-dollar value of those whose value is known (None for a year
    with no known value, so the line has a gap rather than a zero)."""
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    values: dict[int, float] = defaultdict(float)
    for row in _rows(store, "deals_per_year"):
        if row.year is None:
            continue
        year = int(row.year)
        counts[str(row.kind)][year] = int(row.deals)
        if row.value_usd is not None and int(row.with_value):
            values[year] += float(row.value_usd)
    years = sorted({year for per_kind in counts.values() for year in per_kind})
    colours = {kind.label: kind.colour for kind in load_schema().deal_kinds.values()}
    data = {
        "years": years,
        "kinds": [{"kind": kind, "colour": colours.get(kind), "deals": [per_kind.get(y, 0) for y in years]} for kind, per_kind in sorted(counts.items())],
        "value_usd": [values.get(y) for y in years],
    }
    return Chart("deals", "Deals per year by kind, and their value", "deals_per_year", data)


PLACE_QUERY = """
SELECT ?name (SAMPLE(?placeName) AS ?place) WHERE {
  { ?x cgt:appliesIn|cgt:jurisdiction ?p } UNION { ?x cgt:regulatedBy ?agency . ?agency cgt:jurisdiction ?p }
  ?x skos:prefLabel ?name . ?p skos:prefLabel ?placeName .
}
GROUP BY ?name
"""


def regulatory_chart(store: Store) -> Chart:
    """Approvals (from `approvals`) and designations (from `designations`) as points on a time axis, one row per
    jurisdiction: the approval's own, else its agency's; the place a designation applies in, else its agency's."""
    places = {str(row.name): str(row.place) for row in store.query(PLACE_QUERY)}
    points = []
    for row in _rows(store, "approvals"):
        when = decimal_year(row.date)
        if when is not None:
            where = str(row.place or places.get(str(row.agency), row.agency or "unknown"))
            points.append({"x": when, "date": str(row.date), "jurisdiction": where, "kind": "approval",
                           "label": f"{row.product}: {row.type or 'approval'}" + (f" ({row.agency})" if row.agency else "")})
    for row in _rows(store, "designations"):
        when = decimal_year(row.date)
        if when is not None:
            points.append({"x": when, "date": str(row.date), "jurisdiction": places.get(str(row.designation), "unknown"),
                           "kind": "designation", "label": f"{row.product}: {row.designation}"})
    jurisdictions = sorted({p["jurisdiction"] for p in points}, key=lambda j: (-sum(p["jurisdiction"] == j for p in points), j))
    schema = load_schema()
    data = {"jurisdictions": jurisdictions, "points": sorted(points, key=lambda p: (p["x"], p["label"])),
            "colours": {"approval": schema.colour("Approval"), "designation": schema.colour("DesignationGrant")}}
    return Chart("regulatory", "Approvals and designations over time, by jurisdiction", "approvals", data)


def pipeline_chart(store: Store) -> Chart:
    """How many products are in each development phase (from `pipeline_by_phase`), with their names."""
    products: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, "pipeline_by_phase"):
        products[str(row.stage)].add(str(row.product))
    phases = sorted(products, key=_phase_order)
    data = {"phases": phases, "products": [len(products[p]) for p in phases], "names": [sorted(products[p]) for p in phases]}
    return Chart("pipeline", "Pipeline by phase", "pipeline_by_phase", data)


def _phase_order(phase: str) -> tuple:
    """Phases in the order a product goes through them: preclinical, Phase 1, 1/2, 2, 3, then the rest by name."""
    lowered = phase.lower()
    if "preclinical" in lowered:
        return (0, lowered)
    number = re.search(r"(\d)(?:\s*/\s*(\d))?|\b(i{1,3})\b", lowered)
    if number:
        first = int(number[1]) if number[1] else len(number[3])
        return (first + (0.5 if number[2] else 0), lowered)
    return (9, lowered)


CHARTS = {"market_size": market_size_chart, "deals": deals_chart, "regulatory": regulatory_chart, "pipeline": pipeline_chart}


def chart(store: Store, name: str) -> Chart | None:
    """The chart of that name drawn from the store, None for an unknown name."""
    build = CHARTS.get(name)
    return build(store) if build else None
