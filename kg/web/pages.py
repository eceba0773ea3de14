"""The explorer's pages as Starlette routes: the home overview, browse lists, charts, the query page
(with CSV and JSON downloads), entity and document pages, search, and the network frames.

Every page renders a Jinja2 template with autoescaping on, and is sent with a Content
Security Policy that allows no inline script. Networks are the `kg viz` page itself
(kg/viz.py: same view, same script, vis-network from the pyvis package), served at
/network and shown in a frame; that page carries its data inline, so it alone may run
inline script, and only inside the explorer's own frames.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from kg.errors import UserError, close_names
from kg.graph import query_graph
from kg.queries import CannedQuery, canned_queries
from kg.sparql import ProtocolError, SparqlService
from kg.sparql_text import readable_query_error
from kg.viz import View, build_view, deal_view, network_payload, render_page
from kg.web.charts import CHARTS, chart
from kg.web.explorer import (
    LabelIndex,
    ResultView,
    document_iri_of,
    document_page,
    entity_iri,
    entity_page,
    label_index,
    record_iri,
    record_page,
    result_view,
)
from kg.web.overview import browse, browse_names, browse_spec, overview
from kg.web.schema import ontology_schema

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(env=jinja2.Environment(loader=jinja2.FileSystemLoader(WEB_DIR / "templates"), autoescape=True))
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
NETWORK_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
}
EXAMPLE_QUERY = "SELECT ?company ?partner WHERE {\n  ?a cgt:collaboratesWith ?b .\n  ?a skos:prefLabel ?company . ?b skos:prefLabel ?partner .\n}\nLIMIT 50\n"


class GenerationCache:
    """One view of the store, built once per store generation (after an update or a build, again)."""

    def __init__(self, service: SparqlService, build):
        self._service = service
        self._build = build
        self._lock = threading.Lock()
        self._cached: tuple[int, object] | None = None

    def get(self):
        """The view for the store as the readers see it now."""
        generation = self._service.generation
        with self._lock:
            if self._cached is None or self._cached[0] != generation:
                self._cached = (generation, self._build(self._service.store()))
            return self._cached[1]


class LabelCache(GenerationCache):
    """The label index of the store: labels, aliases, classes and document titles, for search and links;
    and the home page's overview, which changes only when the store does.
    Both are first built in the background as the server starts (with the page templates compiled), so the
    first page after a fresh build or start does not wait for them."""

    def __init__(self, service: SparqlService):
        super().__init__(service, label_index)
        self.overview = GenerationCache(service, lambda store: overview(store, self.index()))
        threading.Thread(target=self._warm, name="kg-label-index", daemon=True).start()

    def _warm(self) -> None:
        try:
            self.overview.get()  # builds the label index first
            self.index().spellings  # noqa: B018 - what search compares a typo with, before the first search
            for template in TEMPLATES.env.list_templates(extensions=["html"]):
                TEMPLATES.env.get_template(template)
        except Exception:  # noqa: BLE001 - a server stopped while starting; the first page that needs them builds them
            pass

    def index(self) -> LabelIndex:
        """Labels, aliases, classes and document titles, for search and links."""
        return self.get()


def render(request: Request, template: str, context: dict, status: int = 200) -> Response:
    """A page from a template, with the explorer's security headers."""
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status, headers=PAGE_HEADERS)


def _state(request: Request) -> tuple[SparqlService, LabelCache]:
    return request.app.state.service, request.app.state.labels


RESERVED_PARAMETERS = ("query", "canned")


@dataclass(frozen=True)
class QueryRequest:
    """What the query page was asked: the canned query (if any) with its parameter values, and the text to run."""

    canned: CannedQuery | None
    values: dict[str, str]
    text: str | None
    error: str | None = None
    status: int = 200
    suggestions: tuple[str, ...] = ()


def read_query_request(request: Request) -> QueryRequest:
    """The query in the URL: `query=` text, or `canned=NAME` with its parameters by name (a misspelled name
    or a bad value is an error with a "did you mean")."""
    params = request.query_params
    name, text = params.get("canned", ""), params.get("query")
    if not name:
        return QueryRequest(None, {}, text)
    canned = {q.name: q for q in canned_queries()}
    chosen = canned.get(name)
    if chosen is None:
        close = close_names(name, canned)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return QueryRequest(None, {}, text, f"there is no canned query named {name!r}{hint}", 404, tuple(close))
    values = {p.name: params[p.name].strip() for p in chosen.parameters if params.get(p.name, "").strip()}
    try:
        bound = chosen.with_parameters(values)
    except UserError as error:
        return QueryRequest(chosen, values, text, str(error), 400)
    return QueryRequest(chosen, values, text if text is not None and text.strip() else bound)


def _run_query(service: SparqlService, labels: "LabelCache", text: str) -> ResultView:
    outcome = service.query(text, service.limits.max_rows)
    return result_view(outcome.result, outcome.truncated, labels.index())


async def query_page(request: Request) -> Response:
    """The SPARQL editor, the canned questions with their parameters, and the result of the query in the URL."""
    service, labels = _state(request)
    asked = read_query_request(request)
    context: dict = {"canned": canned_queries(), "chosen": asked.canned, "values": asked.values, "view": None, "name_hints": (),
                     "error": asked.error, "question": asked.canned.question if asked.canned else None}
    status = asked.status
    context["ran"] = asked.error is None and bool(asked.text and asked.text.strip())
    if context["ran"]:
        try:
            context["view"] = await run_in_threadpool(_run_query, service, labels, asked.text)
        except ProtocolError as error:
            context["error"], status = readable_query_error(asked.text, str(error)), error.status
    if context["view"] is not None and not context["view"].rows and asked.canned is not None:
        context["name_hints"] = await run_in_threadpool(lambda: name_hints(asked, labels.index()))
    context["query"] = asked.text if asked.text is not None else EXAMPLE_QUERY
    context["downloads"] = download_links(request) if context["view"] is not None else None
    context["max_rows"] = service.limits.max_rows
    context["schema_prefixes"] = list(ontology_schema().prefixes)
    context["error_links"] = [(name, f"/query?canned={name}") for name in asked.suggestions]
    return render(request, "query.html", context, status)


@dataclass(frozen=True)
class NameHint:
    """A canned query's parameter value that names no entity, with the same query for each entity spelled close to it."""

    parameter: str
    value: str
    links: tuple[tuple[str, str], ...]


def name_hints(asked: QueryRequest, index: LabelIndex) -> tuple[NameHint, ...]:
    """For a canned query that found nothing: each parameter that takes a name "as labelled" whose value is no
    entity's label or alias, with links to the query run with the close names instead ("Novartsi" -> Novartis)."""
    hints = []
    for parameter in asked.canned.parameters:
        value = asked.values.get(parameter.name, "")
        if not value or "labelled" not in parameter.description or index.names(value):
            continue
        close = list(dict.fromkeys(hit.label for hit in index.search(value, limit=5)))[:3]
        links = tuple((label, "/query?" + urlencode({"canned": asked.canned.name, **asked.values, parameter.name: label})) for label in close)
        hints.append(NameHint(parameter.name, value, links))
    return tuple(hints)


def download_links(request: Request) -> dict[str, str]:
    """The CSV and JSON downloads of the table on this page: the same path with .csv or .json, the same parameters."""
    query = f"?{request.url.query}" if request.url.query else ""
    path = request.url.path.rstrip("/") or "/query"
    return {fmt: f"{path}.{fmt}{query}" for fmt in ("csv", "json")}


def table_csv(columns, rows) -> str:
    """A table as CSV with the raw values (full IRIs, unformatted numbers)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_csv_value(cell.raw) for cell in row] for row in rows)
    return out.getvalue()


def _csv_value(raw) -> str | int | float:
    """A raw value as CSV writes it: empty for none, a whole number without its `.0`."""
    if raw is None:
        return ""
    return int(raw) if isinstance(raw, float) and raw.is_integer() else raw


def table_records(columns, rows) -> list[dict]:
    """A table as JSON records with the raw values (numbers as numbers, null for an empty cell)."""
    return [{column: cell.raw for column, cell in zip(columns, row)} for row in rows]


def download(columns, rows, fmt: str, name: str) -> Response:
    """A table as a file to save: CSV or JSON records, named after the page."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"', "X-Content-Type-Options": "nosniff"}
    if fmt == "csv":
        return Response(table_csv(columns, rows), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(json.dumps(table_records(columns, rows), ensure_ascii=False, indent=1), media_type="application/json", headers=headers)


async def query_download(request: Request) -> Response:
    """/query.csv and /query.json: the result of the query in the URL, raw values, cut to the server's --max-rows."""
    service, labels = _state(request)
    fmt = request.path_params["format"]
    if fmt not in ("csv", "json"):
        return JSONResponse({"error": f"no download as .{fmt}; choose /query.csv or /query.json"}, 404)
    asked = read_query_request(request)
    if asked.error is not None or not (asked.text or "").strip():
        return JSONResponse({"error": asked.error or "no query given: pass query= or canned="}, asked.status if asked.error else 400)
    try:
        view = await run_in_threadpool(_run_query, service, labels, asked.text)
    except ProtocolError as error:
        return JSONResponse({"error": readable_query_error(asked.text, str(error))}, error.status)
    if view.kind == "ASK":
        return JSONResponse({"boolean": view.boolean})
    return download(view.columns, view.rows, fmt, asked.canned.name if asked.canned else "query")


async def home(request: Request) -> Response:
    """The overview: documents, counts by type, the latest deals and events, the most connected companies, links in.
    An old link with `query=` or `canned=` goes on to the query page."""
    if any(name in request.query_params for name in RESERVED_PARAMETERS):
        return RedirectResponse(f"/query?{request.url.query}", status_code=303)
    _, labels = _state(request)
    page = await run_in_threadpool(labels.overview.get)
    return render(request, "home.html", {"page": page, "canned": canned_queries()})


def _split_format(name: str) -> tuple[str, str | None]:
    for fmt in ("csv", "json"):
        if name.endswith("." + fmt):
            return name[: -len(fmt) - 1], fmt
    return name, None


async def browse_page(request: Request) -> Response:
    """/browse/{type}: every item of one type, narrowed by filters drawn from the graph; .csv and .json download it."""
    service, labels = _state(request)
    name, fmt = _split_format(request.path_params["name"])
    spec = browse_spec(name)
    if spec is None:
        close = close_names(name, browse_names())
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return render(request, "missing.html", {"message": f"nothing to browse called {name!r}{hint}",
                                                 "links": [(c, f"/browse/{c}") for c in close]}, 404)
    chosen = {key: value for key, value in request.query_params.items() if value}
    page = await run_in_threadpool(lambda: browse(service.store(), spec, chosen, labels.index()))
    if fmt:
        return download(page.table.columns, page.table.rows, fmt, name)

    def filter_url(filter_name: str, value: str) -> str:
        """This list with one filter set to `value`, the others as they are."""
        return f"/browse/{spec.name}?{urlencode({**chosen, filter_name: value})}"

    return render(request, "browse.html", {"page": page, "types": browse_names(), "downloads": download_links(request), "filter_url": filter_url})


async def charts_page(request: Request) -> Response:
    """The charts, drawn in the browser from /api/chart/{name}."""
    canned = {q.name: q for q in canned_queries()}
    return render(request, "charts.html", {"charts": CHARTS, "canned": canned})


async def chart_api(request: Request) -> Response:
    """The data of one chart, from its canned query."""
    service, _ = _state(request)
    name = request.path_params["name"]
    if name not in CHARTS:
        return JSONResponse({"error": f"no chart named {name!r}; the charts are {', '.join(CHARTS)}"}, 404)
    drawn = await run_in_threadpool(lambda: chart(service.store(), name))
    return JSONResponse(drawn.to_json())


async def schema_api(request: Request) -> Response:
    """The prefixes, classes and predicates the editor completes and the sidebar lists."""
    return JSONResponse(ontology_schema().to_json(), headers={"Cache-Control": "max-age=300"})


async def _record_page(request: Request, iri, build, template: str, missing: str) -> Response:
    """The page of one thing in the graph, built by `build(store, iri, labels)`; 404 when there is no such thing."""
    service, labels = _state(request)
    page = None
    if iri is not None:
        page = await run_in_threadpool(lambda: build(service.store(), iri, labels.index()))
    if page is None:
        return render(request, "missing.html", {"message": missing}, 404)
    return render(request, template, {"page": page})


async def entity(request: Request) -> Response:
    """Everything the graph says about one entity; for an unknown one, the entities spelled close to it."""
    entity_id = request.path_params["id"]
    response = await _record_page(request, entity_iri(entity_id), entity_page, "entity.html", f"no entity {entity_id!r} in the graph")
    if response.status_code != 404:
        return response
    _, labels = _state(request)
    hits = (await run_in_threadpool(labels.index)).search(entity_id.replace("-", " "), limit=5)
    message = f"no entity {entity_id!r} in the graph" + (f"; did you mean {hits[0].label}?" if hits else "")
    return render(request, "missing.html", {"message": message, "links": [(h.label, h.url) for h in hits]}, 404)


async def record(request: Request) -> Response:
    """One deal, regulatory event or deal term: its parties and values, its terms, and the sentences it was read from."""
    iri = record_iri(request.path_params["id"])
    return await _record_page(request, iri, record_page, "record.html", "no deal or regulatory event with that id in the graph")


async def document(request: Request) -> Response:
    """One source document: what was read from it, and its text with the evidence marked."""
    iri = document_iri_of(request.path_params["sha256"])
    return await _record_page(request, iri, document_page, "document.html", "no such document in the graph")


async def search_page(request: Request) -> Response:
    """Entities matching the search box, as a page (what the box shows without JavaScript)."""
    _, labels = _state(request)
    text = request.query_params.get("q", "")
    hits = (await run_in_threadpool(labels.index)).search(text, limit=100)
    return render(request, "search.html", {"q": text, "hits": hits})


async def search_api(request: Request) -> Response:
    """Suggestions for the search box: label, class, page and the alias that matched."""
    _, labels = _state(request)
    hits = (await run_in_threadpool(labels.index)).search(request.query_params.get("q", ""))
    return JSONResponse([{"label": h.label, "cls": h.cls, "url": h.url, "alias": h.alias} for h in hits])


async def network(request: Request) -> Response:
    """The `kg viz` page of an entity's neighbourhood (/network/entity/{id}) or of a query's edges (/network?query=)."""
    service: SparqlService = request.app.state.service
    entity_id = request.path_params.get("id")
    iri = entity_iri(entity_id) if entity_id is not None else None
    if entity_id is not None and iri is None:
        return render(request, "missing.html", {"message": f"no entity {entity_id!r} in the graph"}, 404)

    def page() -> str:
        if iri is not None:
            return view_page(build_view(service.store(), focus=str(iri), hops=1))
        # the text goes to query_graph, not build_view: a query is never taken for a file name or a canned name here;
        # its result is cut to --max-rows, and the entity graph it is matched against is the cached one
        text = request.query_params.get("query", "")
        graph = query_graph(service.store(max_rows=service.limits.max_rows), text, full=request.app.state.entity_graph.get())
        return render_page(network_payload(graph), "cgt-kg: query result")

    try:
        return HTMLResponse(await run_in_threadpool(page), headers=NETWORK_HEADERS)
    except UserError as error:
        return render(request, "missing.html", {"message": str(error)}, 404)


def view_page(view: View) -> str:
    """The `kg viz` page of a view, as `kg viz` writes it."""
    payload = network_payload(view.graph, drawn=view.drawn, sizes=view.sizes, focus=view.focus, hubs=view.hubs,
                              deals=view.deals, deal_network=view.deal_network)
    return render_page(payload, view.title)


async def whole_network(request: Request) -> Response:
    """The `kg viz` page of the whole graph (/network/graph) or of the company deal network (/network/deals)."""
    service: SparqlService = request.app.state.service
    deals = request.url.path.endswith("/deals")
    html = await run_in_threadpool(lambda: view_page(deal_view(service.store()) if deals else build_view(service.store())))
    return HTMLResponse(html, headers=NETWORK_HEADERS)


async def network_frame(request: Request) -> Response:
    """A network page inside the explorer: the whole graph or the deal network, with the explorer's header."""
    which = request.query_params.get("view", "graph")
    which = which if which in ("graph", "deals") else "graph"
    return render(request, "network.html", {"which": which})


async def protocol_error_page(request: Request, error: ProtocolError) -> Response:
    """A page for a query of the explorer that failed (timeout, stopped worker)."""
    return render(request, "missing.html", {"message": str(error)}, error.status)


def explorer_routes() -> list:
    """The explorer's routes; the app's state carries `service` and `labels`."""
    return [
        Route("/", home, name="home"),
        Route("/query", query_page, name="query"),
        Route("/query.{format:str}", query_download, name="query_download"),
        Route("/browse", lambda request: RedirectResponse("/browse/Company", status_code=303), name="browse_types"),
        Route("/browse/{name}", browse_page, name="browse"),
        Route("/charts", charts_page, name="charts"),
        Route("/graph", network_frame, name="graph"),
        Route("/api/chart/{name}", chart_api, name="chart_api"),
        Route("/api/schema", schema_api, name="schema_api"),
        Route("/entity/{id}", entity, name="entity"),
        Route("/document/{sha256}", document, name="document"),
        Route("/record/{id}", record, name="record"),
        Route("/search", search_page, name="search"),
        Route("/api/search", search_api, name="search_api"),
        Route("/network", network, name="query_network"),
        Route("/network/entity/{id}", network, name="entity_network"),
        Route("/network/graph", whole_network, name="graph_network"),
        Route("/network/deals", whole_network, name="deal_network"),
        Mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static"),
    ]
