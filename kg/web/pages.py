"""The explorer's pages as Starlette routes: the query page, entity and document pages, search,
and the network frames.

Every page renders a Jinja2 template with autoescaping on, and is sent with a Content
Security Policy that allows no inline script. Networks are the `kg viz` page itself
(kg/viz.py: same view, same script, vis-network from the pyvis package), served at
/network and shown in a frame; that page carries its data inline, so it alone may run
inline script, and only inside the explorer's own frames.
"""

from __future__ import annotations

import threading
from pathlib import Path

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from kg.errors import UserError
from kg.graph import query_graph
from kg.queries import canned_queries
from kg.sparql import ProtocolError, SparqlService
from kg.viz import build_view, network_payload, render_page
from kg.web.explorer import (
    LabelIndex,
    document_iri_of,
    document_page,
    entity_iri,
    entity_page,
    label_index,
    result_view,
)

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
    """The label index of the store: labels, aliases, classes and document titles, for search and links."""

    def __init__(self, service: SparqlService):
        super().__init__(service, label_index)

    def index(self) -> LabelIndex:
        """Labels, aliases, classes and document titles, for search and links."""
        return self.get()


def render(request: Request, template: str, context: dict, status: int = 200) -> Response:
    """A page from a template, with the explorer's security headers."""
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status, headers=PAGE_HEADERS)


def _state(request: Request) -> tuple[SparqlService, LabelCache]:
    return request.app.state.service, request.app.state.labels


async def query_page(request: Request) -> Response:
    """The query editor, the canned questions, and the result of the query in the URL."""
    service, labels = _state(request)
    canned = canned_queries()
    name = request.query_params.get("canned", "")
    text = request.query_params.get("query")
    context: dict = {"canned": canned, "selected": name, "question": None, "view": None, "error": None}
    status = 200
    if text is None and name:
        chosen = next((q for q in canned if q.name == name), None)
        if chosen is None:
            context["error"], status = f"there is no canned query named {name!r}", 404
        else:
            text, context["question"] = chosen.sparql, chosen.question
    if text and text.strip():
        def run():
            outcome = service.query(text, service.limits.max_rows)
            return result_view(outcome.result, outcome.truncated, labels.index())

        try:
            context["view"] = await run_in_threadpool(run)
        except ProtocolError as error:
            context["error"], status = str(error), error.status
    context["query"] = text if text is not None else EXAMPLE_QUERY
    context["max_rows"] = service.limits.max_rows
    return render(request, "query.html", context, status)


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
    """Everything the graph says about one entity."""
    entity_id = request.path_params["id"]
    return await _record_page(request, entity_iri(entity_id), entity_page, "entity.html", f"no entity {entity_id!r} in the graph")


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
            view = build_view(service.store(), focus=str(iri), hops=1)
            return render_page(network_payload(view.graph, drawn=view.drawn, sizes=view.sizes, focus=view.focus), view.title)
        # the text goes to query_graph, not build_view: a query is never taken for a file name or a canned name here;
        # its result is cut to --max-rows, and the entity graph it is matched against is the cached one
        text = request.query_params.get("query", "")
        graph = query_graph(service.store(max_rows=service.limits.max_rows), text, full=request.app.state.entity_graph.get())
        return render_page(network_payload(graph), "cgt-kg: query result")

    try:
        return HTMLResponse(await run_in_threadpool(page), headers=NETWORK_HEADERS)
    except UserError as error:
        return render(request, "missing.html", {"message": str(error)}, 404)


async def protocol_error_page(request: Request, error: ProtocolError) -> Response:
    """A page for a query of the explorer that failed (timeout, stopped worker)."""
    return render(request, "missing.html", {"message": str(error)}, error.status)


def explorer_routes() -> list:
    """The explorer's routes; the app's state carries `service` and `labels`."""
    return [
        Route("/", query_page, name="query"),
        Route("/entity/{id}", entity, name="entity"),
        Route("/document/{sha256}", document, name="document"),
        Route("/search", search_page, name="search"),
        Route("/api/search", search_api, name="search_api"),
        Route("/network", network, name="query_network"),
        Route("/network/entity/{id}", network, name="entity_network"),
        Mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static"),
    ]
