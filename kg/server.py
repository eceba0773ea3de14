"""`kg serve`: the SPARQL 1.1 Protocol endpoint at /sparql and the web explorer at /.

A Starlette app on uvicorn. The protocol itself (reading requests, formats, limits,
updates) is kg/sparql.py; the pages are kg/web/. This module binds the socket, puts
the two behind one app and runs it.
"""

from __future__ import annotations

import ipaddress
import socket

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.errors import UserError
from kg.sparql import WORKERS, Limits, ProtocolError, SparqlService, read_operation
from kg.graph import entity_graph
from kg.web.pages import GenerationCache, LabelCache, explorer_routes, protocol_error_page

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_BODY_BYTES = 10_000_000
"""Largest request body read (10 MB): a query or an INSERT DATA of some tens of thousands of triples."""
LOOPBACK_HOST_HEADERS = ["127.0.0.1", "localhost", "[::1]"]


def is_loopback(host: str) -> bool:
    """True when a --host value only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, allow_update: bool) -> str | None:
    """The warning to print when updates are accepted from other machines, None otherwise."""
    if allow_update and not is_loopback(host):
        return (
            f"--host {host} with --allow-update: other machines can change the graph with the token, "
            "which travels in clear over HTTP; put a TLS proxy in front or serve on 127.0.0.1"
        )
    return None


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ProtocolError(413, f"the request body is over {MAX_BODY_BYTES:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def sparql_endpoint(request: Request) -> Response:
    """/sparql: queries (GET or POST), updates (POST), and the service description (GET without a query)."""
    service: SparqlService = request.app.state.service
    method = "GET" if request.method == "HEAD" else request.method
    params = request.query_params.multi_items()
    accept = request.headers.get("accept")
    try:
        if method == "GET" and not any(name in ("query", "update") for name, _ in params):
            answer = service.description(str(request.url.replace(query="")), accept)
        else:
            operation = read_operation(method, request.headers.get("content-type"), params, await _body(request))
            answer = await run_in_threadpool(service.answer, operation, accept, request.headers.get("authorization"))
    except ProtocolError as error:
        answer = error.answer()
    headers = {"Vary": "Accept", **dict(answer.headers)}
    return Response(answer.body, answer.status, headers=headers, media_type=answer.media_type)


def create_app(service: SparqlService, host: str = DEFAULT_HOST) -> Starlette:
    """The app: /sparql and the explorer over one service.

    Bound to loopback it answers only requests addressed to a loopback name, so a web
    page cannot reach it through a DNS name that resolves to 127.0.0.1.
    """
    app = Starlette(
        routes=[Route("/sparql", sparql_endpoint, methods=["GET", "POST"]), *explorer_routes()],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_HOST_HEADERS if is_loopback(host) else ["*"])],
        exception_handlers={ProtocolError: protocol_error_page},
    )
    app.state.service = service
    app.state.labels = LabelCache(service)
    app.state.entity_graph = GenerationCache(service, entity_graph)
    return app


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (port 0 picks a free one); UserError when the address is taken or wrong."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        bound = socket.create_server((host, port), family=family)
        # asyncio sets TCP_NODELAY only on sockets made with proto=IPPROTO_TCP (create_server makes proto 0); the
        # connections accepted here inherit it, so a response's head and body are not held 40 ms by Nagle + delayed ACK
        bound.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return bound
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port} ({error.strerror or error}); choose another --host or --port") from error


class KgServer:
    """A bound socket, the SPARQL service over a store, and the uvicorn server answering on them."""

    def __init__(
        self,
        location: str,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        limits: Limits = Limits(),
        allow_update: bool = False,
        token: str | None = None,
        workers: int = WORKERS,
    ):
        self.host = host
        self.socket = listen(host, port)
        try:
            self.service = SparqlService(location, limits, allow_update, token, workers)
        except BaseException:
            self.socket.close()
            raise
        config = uvicorn.Config(create_app(self.service, host), log_level="warning", lifespan="off", timeout_graceful_shutdown=5)
        self._uvicorn = uvicorn.Server(config)

    @property
    def url(self) -> str:
        """The address of the explorer; the endpoint is this plus `sparql`."""
        port = self.socket.getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}/"

    @property
    def started(self) -> bool:
        return self._uvicorn.started

    def run(self) -> None:
        """Answer requests until stopped (Ctrl+C, or `stop` from another thread), then stop the workers."""
        try:
            self._uvicorn.run(sockets=[self.socket])
        finally:
            self.service.close()
            self.socket.close()

    def stop(self) -> None:
        """Ask the server to finish its requests and return from `run`."""
        self._uvicorn.should_exit = True
