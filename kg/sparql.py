"""The SPARQL 1.1 Protocol over the store: read a request, choose a format, run it within limits.

`kg serve` answers /sparql with `SparqlService.answer`, and the web explorer runs its own
queries through `SparqlService.query`, so both obey the same limits. Queries run in
worker processes that hold the store open read-only: a query past the time limit is
stopped by ending its process while the other workers keep answering. An update waits
for the running queries, closes every reader, runs in a process that opens the store
for writing (one transaction), and the readers reopen on the new data.
"""

from __future__ import annotations

import hmac
import multiprocessing
import os
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.query import Result

from kg.errors import UserError
from kg.namespaces import SD
from kg.sandbox import exit_with_parent, isolate_from_network, resident_bytes
from kg.sparql_text import SparqlTextError, check_length, keywords, unescape_codepoints
from kg.store import (
    JSON_RESULTS,
    N_TRIPLES,
    RESULT_FORMATS,
    SerializedResult,
    SparqlSyntaxError,
    UnacceptableFormat,
    is_remote,
    open_store,
)
from kg.store_rdflib import result_from_serialized


FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
"""Set, as Virtuoso does, to the row limit when a result was cut to it."""
WORKERS = max(4, min(8, os.cpu_count() or 2))
"""Query worker processes: at least four, so one runaway query never holds up the others, and more than the
cores, so no core idles while the server passes a finished answer on and hands a worker the next query."""
ACCEPT_ALIASES = {"application/json": JSON_RESULTS}


@dataclass(frozen=True)
class Limits:
    """How long a query or update may run, and how many rows a query result may carry."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_memory: int = 1 << 30
    """Bytes a query worker may hold while it answers (1 GiB); past it the query is stopped."""


@dataclass(frozen=True)
class Operation:
    """One query or update read from a protocol request, with its RDF dataset."""

    kind: str
    """'query' or 'update'."""
    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the endpoint sends back: status, body, media type and extra headers."""

    status: int
    body: bytes
    media_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class QueryOutcome:
    """A query result for the explorer: the rdflib Result and whether it was cut to the row limit."""

    result: Result
    truncated: bool


class ProtocolError(Exception):
    """A request the endpoint refuses, with the HTTP status that says why."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.status = status
        self.headers = headers

    def answer(self) -> Answer:
        """The error as a plain-text response."""
        return Answer(self.status, (str(self) + "\n").encode("utf-8"), "text/plain; charset=utf-8", self.headers)


# --------------------------------------------------------------------------- reading requests


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the request body is not UTF-8 (byte {error.start})") from error


def read_operation(method: str, content_type: str | None, params: list[tuple[str, str]], body: bytes) -> Operation:
    """The query or update a request carries (SPARQL 1.1 Protocol 2.1 and 2.2: GET, form POST, direct POST)."""
    media = (content_type or "").split(";")[0].strip().lower()
    fields: dict[str, list[str]] = defaultdict(list)
    for name, value in params:
        fields[name].append(value)
    if method == "POST" and media == FORM:
        for name, value in parse_qsl(_decode(body), keep_blank_values=True):
            fields[name].append(value)
    elif method == "POST" and media in (QUERY_BODY, UPDATE_BODY):
        if fields["query"] or fields["update"]:
            raise ProtocolError(400, f"a {media} request carries its operation in the body, not in a query or update parameter")
        fields["query" if media == QUERY_BODY else "update"].append(_decode(body))
    elif method == "POST":
        raise ProtocolError(415, f"POST a query as {QUERY_BODY}, an update as {UPDATE_BODY}, or either as {FORM}")
    queries, updates = fields["query"], fields["update"]
    if method == "GET" and updates:
        raise ProtocolError(400, "an update must be sent with POST")
    if len(queries) + len(updates) != 1:
        raise ProtocolError(400, "send exactly one query or one update")
    if updates:
        if fields["using-graph-uri"] or fields["using-named-graph-uri"]:
            raise ProtocolError(400, "using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
        return Operation("update", updates[0])
    for iri in fields["default-graph-uri"] + fields["named-graph-uri"]:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*", iri):
            raise ProtocolError(400, f"{iri!r} is not an absolute IRI")
    return Operation("query", queries[0], tuple(fields["default-graph-uri"]), tuple(fields["named-graph-uri"]))


def negotiate(accept: str | None, graph: bool) -> str | None:
    """The media type to answer in: the client's preferred format among RESULT_FORMATS for
    solutions (graph=False) or graphs (graph=True); the default when Accept is absent, None
    when the client accepts none of them."""
    formats = [f.media_type for f in RESULT_FORMATS if f.graph == graph]
    if not accept or not accept.strip():
        return formats[0]
    ranges = []
    for position, item in enumerate(accept.split(",")):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        ranges.append((ACCEPT_ALIASES.get(media, media) if not graph else media, quality, position))
    best = None
    for preference, media_type in enumerate(formats):
        kind = media_type.split("/")[0]
        matching = [
            (specificity, quality, position)
            for media, quality, position in ranges
            for specificity, pattern in ((3, media_type), (2, kind + "/*"), (1, "*/*"))
            if media == pattern
        ]
        if not matching:
            continue
        specificity, quality, position = max(matching, key=lambda m: m[0])
        if quality <= 0:
            continue
        rank = (quality, specificity, -position, -preference)
        if best is None or rank > best[0]:
            best = (rank, media_type)
    return best[1] if best else None


_ANY_REMOTE_WORD = re.compile(r"(?<![A-Za-z])(SERVICE|LOAD)", re.I)


def refuse_remote_access(sparql: str, isolated: bool = True) -> None:
    """Refuse SERVICE and LOAD, which make the engine fetch a URL, with a readable message.

    In isolated workers (no network) this is only courtesy, read from the query's keywords (lexed only
    when the words stand somewhere in the text);
    where the workers could not be isolated, any SERVICE or LOAD in the text, even inside a
    string or a comment, is refused, since no reading of the text is proof against the engine's.
    """
    found = [match.group(1).upper() for match in _ANY_REMOTE_WORD.finditer(unescape_codepoints(sparql))]
    if isolated and found:
        try:
            found = sorted(keywords(sparql) & {"SERVICE", "LOAD"})
        except SparqlTextError:
            found = []
    if found:
        raise ProtocolError(400, f"{found[0]} is not allowed here: this endpoint does not fetch other URLs")


# --------------------------------------------------------------------------- worker processes


class QueryTimeout(Exception):
    """A query or update ran out of time (or an update found the readers busy until its time ran out)."""


class ServerBusy(Exception):
    """No query worker became free within QUEUE_WAIT seconds."""


QUEUE_WAIT = 60.0
"""Seconds a query may wait for a free worker; its own --timeout starts once one takes it."""


class WorkerFailure(Exception):
    """A worker process could not open the store, or died."""


READY_WAIT = 60.0
"""Seconds a new reader may take to open the store before the query handed to it gives up."""


class QueryOutOfMemory(Exception):
    """A query made its worker hold more memory than the server's --max-memory."""


MEMORY_POLL = 0.05
"""Seconds between two looks at a busy worker's memory."""


def _worker_main(connection, location: str, writable: bool) -> None:
    """A worker process: leave the network, open the store, then answer (method, args) requests until the pipe closes."""
    isolated = isolate_from_network()
    exit_with_parent()
    try:
        _answer_requests(connection, location, writable, isolated)
    except (EOFError, OSError):
        pass  # the server closed the pipe: nothing left to answer


def _answer_requests(connection, location: str, writable: bool, isolated: bool) -> None:
    try:
        store = open_store(location, create=False, read_only=not writable)
    except UserError as error:
        connection.send(("failed", str(error)))
        return
    connection.send(("ready", isolated))
    methods = {"serialize_query": store.serialize_query, "update": store.update}
    try:
        while True:
            method, args = connection.recv()
            try:
                reply = ("ok", methods[method](*args))
            except SparqlSyntaxError as error:
                reply = ("syntax", str(error))
            except UnacceptableFormat as error:
                reply = ("format", str(error))
            except Exception as error:  # the engine's message is what the client needs to see
                reply = ("error", f"{type(error).__name__}: {error}")
            connection.send(reply)
    finally:
        store.close()


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.store"])
    return context


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, location: str, writable: bool, max_memory: int | None = None):
        context = _context()
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, location, writable), daemon=True)
        self.process.start()
        child.close()
        self.max_memory = max_memory
        self.ready = False
        self.isolated = False

    def _receive(self, deadline: float, watch_memory: bool = True):
        """The worker's next reply; QueryTimeout past the deadline, QueryOutOfMemory past max_memory
        (watched while it answers, not while it opens the store)."""
        while not self.connection.poll(max(0.0, min(MEMORY_POLL, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise QueryTimeout()
            if watch_memory and self.max_memory and resident_bytes(self.process.pid) > self.max_memory:
                raise QueryOutOfMemory()
        try:
            return self.connection.recv()
        except (EOFError, OSError) as error:
            raise WorkerFailure("a query worker stopped unexpectedly") from error

    def wait_ready(self, deadline: float) -> None:
        """Block until the worker has opened the store; WorkerFailure with its reason if it could not."""
        if self.ready:
            return
        status, message = self._receive(deadline, watch_memory=False)
        if status != "ready":
            raise WorkerFailure(message)
        self.ready, self.isolated = True, bool(message)

    def call(self, method: str, args: tuple, timeout: float) -> tuple[str, object]:
        """Run one store method in the worker once it has opened the store (within READY_WAIT);
        QueryTimeout if it does not answer within `timeout` seconds from then."""
        self.wait_ready(time.monotonic() + READY_WAIT)
        try:
            self.connection.send((method, args))
        except OSError as error:
            raise WorkerFailure("a query worker stopped unexpectedly") from error
        return self._receive(time.monotonic() + timeout)

    def stop(self) -> None:
        """Close the pipe so the worker closes the store and exits; wait for it."""
        self.connection.close()
        self.process.join(10)
        if self.process.is_alive():
            self.kill()

    def kill(self) -> None:
        """End the worker at once, whatever it is running."""
        self.process.kill()
        self.process.join()
        self.connection.close()


def store_version(location: str) -> tuple:
    """What changes on disk whenever another process writes to the store: the names, sizes and
    times of its CURRENT, MANIFEST and write-ahead log files. Cheap: one directory listing."""
    try:
        entries = sorted(
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(location)
            if entry.name == "CURRENT" or entry.name.startswith("MANIFEST-") or entry.name.endswith(".log")
        )
    except OSError:
        return ()
    return tuple(entries)


VERSION_CHECK_INTERVAL = 0.2
"""Seconds between two looks at the store's files for a write made by another process."""


def being_written(location: str) -> bool:
    """True while a process holds the store open for writing: the engine's LOCK file is locked, as
    /proc/locks shows (read there rather than by opening the file, which would release a lock this
    process holds). A reader opened now could miss files the writer is replacing, or see half a build.
    False where /proc/locks cannot be read."""
    try:
        lock = os.stat(os.path.join(location, "LOCK"))
        with open("/proc/locks", encoding="ascii") as table:
            held = table.read()
    except OSError:
        return False
    file_id = f"{os.major(lock.st_dev):02x}:{os.minor(lock.st_dev):02x}:{lock.st_ino}"
    return any(file_id in line.split() for line in held.splitlines())


class QueryPool:
    """Reader processes over one store, all on the same version of it, and the writer that runs
    updates while no reader is open.

    A `kg build` into a served store is seen by every reader at once, once it has finished: when
    the store's files have changed and no process holds it open for writing, the idle readers are
    replaced together and busy ones retire when they finish, so a replaced reader never answers
    from a newer version than the others. A query whose reader stops (or cannot open the store)
    is run once more on another reader.
    """

    def __init__(self, location: str, workers: int = WORKERS, startup_timeout: float = 60.0, max_memory: int | None = None):
        self.location = location
        self.size = workers
        self.max_memory = max_memory
        self.generation = 0
        """Goes up whenever the readers move to a new version of the store, so cached views know they are stale."""
        self._lock = threading.Condition()
        self._version = store_version(location)
        self._checked = time.monotonic()
        self._idle = self._readers(workers)
        self._busy: set[_Worker] = set()
        self._retiring: set[_Worker] = set()
        self._updating = False
        self._closed = False
        deadline = time.monotonic() + startup_timeout
        try:
            for worker in self._idle:
                worker.wait_ready(deadline)
        except (WorkerFailure, QueryTimeout, QueryOutOfMemory) as error:
            self.close()
            raise UserError(str(error) or f"the store at {location} did not open in {startup_timeout:.0f} s") from error

    def _readers(self, count: int) -> list[_Worker]:
        return [_Worker(self.location, writable=False, max_memory=self.max_memory) for _ in range(count)]

    @property
    def isolated(self) -> bool:
        """True when every reader runs without network (see kg/sandbox.py)."""
        with self._lock:
            workers = [w for w in (*self._idle, *self._busy) if w.ready]
        return bool(workers) and all(w.isolated for w in workers)

    @property
    def pids(self) -> list[int]:
        """Process ids of the reader processes alive now."""
        with self._lock:
            return [w.process.pid for w in (*self._idle, *self._busy) if w.process.is_alive()]

    def _follow_store(self, force: bool = False) -> tuple[bool, list[_Worker]]:
        """Under the lock: when the store changed on disk, put new readers in place of the idle ones.

        Returns whether it changed and the old idle readers, which the caller stops outside the lock.
        """
        now = time.monotonic()
        if self._updating or (not force and now - self._checked < VERSION_CHECK_INTERVAL):
            return False, []
        self._checked = now
        version = store_version(self.location)
        if version == self._version or being_written(self.location):
            return False, []
        self._version = version
        retired, self._idle = self._idle, self._readers(self.size)
        self._retiring |= self._busy
        self.generation += 1
        return True, retired

    def _acquire(self, deadline: float) -> _Worker:
        with self._lock:
            _, retired = self._follow_store()
            while self._updating or not self._idle:
                if self._closed:
                    raise WorkerFailure("the server is stopping")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServerBusy()
                self._lock.wait(remaining)
            worker = self._idle.pop()
            self._busy.add(worker)
        for old in retired:
            old.stop()
        return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        retired: list[_Worker] = []
        with self._lock:
            retiring = worker in self._retiring
            self._busy.discard(worker)
            self._retiring.discard(worker)
            if healthy and not retiring:
                self._idle.append(worker)
            elif not (retiring or self._updating or self._closed):
                # a reader ended past its limits: its replacement must open the version the others have
                changed, retired = self._follow_store(force=True)
                if not changed:
                    self._idle.extend(self._readers(1))
            self._lock.notify_all()
        if not healthy:
            worker.kill()
        elif retiring:
            worker.stop()
        for old in retired:
            old.stop()

    def run(self, method: str, args: tuple, timeout: float) -> tuple[str, object]:
        """Run a store method in a free reader for at most `timeout` seconds of its own (the wait for a free
        reader, up to QUEUE_WAIT, is not counted); a reader past its time or the memory limit is ended and
        replaced. A reader that stops or cannot open the store is replaced and the method run once more."""
        started = time.monotonic()
        try:
            return self._run_once(method, args, timeout)
        except WorkerFailure:
            left = timeout - (time.monotonic() - started)
            if self._closed or left <= 0:
                raise
            return self._run_once(method, args, left)

    def _run_once(self, method: str, args: tuple, timeout: float) -> tuple[str, object]:
        worker = self._acquire(time.monotonic() + QUEUE_WAIT)
        healthy = False
        try:
            reply = worker.call(method, args, timeout)
            healthy = True
            return reply
        finally:
            self._release(worker, healthy)

    def update(self, sparql: str, deadline: float) -> tuple[str, object]:
        """Run an update in a writer process once no reader holds the store, then reopen the readers."""
        with self._lock:
            while self._updating:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout()
                self._lock.wait(remaining)
            self._updating = True
            while self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._updating = False
                    self._lock.notify_all()
                    raise QueryTimeout()
                self._lock.wait(remaining)
            readers, self._idle = self._idle, []
        try:
            for reader in readers:
                reader.stop()
            writer = _Worker(self.location, writable=True)
            try:
                return writer.call("update", (sparql,), max(0.0, deadline - time.monotonic()))
            except QueryTimeout:
                writer.kill()
                raise
            finally:
                writer.stop()
        finally:
            with self._lock:
                if not self._closed:
                    self._idle = self._readers(self.size)
                self._version = store_version(self.location)
                self._updating = False
                self.generation += 1
                self._lock.notify_all()

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._idle = [*self._idle, *self._busy], []
            self._lock.notify_all()
        for worker in workers:
            worker.kill()


# --------------------------------------------------------------------------- the service


class PooledStore:
    """The read side of the Store interface over a SparqlService, for code that takes a Store (kg.graph)."""

    def __init__(self, service: SparqlService, max_rows: int | None = None):
        self.location = service.location
        self._service = service
        self._max_rows = max_rows

    def query(self, sparql: str) -> Result:
        """Run a query with the service's time and memory limits, cut to this store's row limit (if any)."""
        return self._service.query(sparql, max_rows=self._max_rows).result


class SparqlService:
    """A store answered over the SPARQL 1.1 Protocol, with time and row limits and guarded updates."""

    def __init__(self, location: str, limits: Limits = Limits(), allow_update: bool = False, token: str | None = None, workers: int = WORKERS):
        if is_remote(location):
            raise UserError(f"kg serve serves a store folder; {location} is already a SPARQL endpoint, query it directly")
        if allow_update and not token:
            raise UserError("--allow-update needs a token: pass --token or set KG_SERVE_TOKEN")
        self.location = location
        self.limits = limits
        self.allow_update = allow_update
        self._token = token
        self._pool = QueryPool(location, workers, max_memory=limits.max_memory)

    @property
    def generation(self) -> int:
        """Changes when the readers move to a new version of the store: views cached under an older value are stale."""
        return self._pool.generation

    @property
    def isolated(self) -> bool:
        """True when queries run in workers without network access."""
        return self._pool.isolated

    @property
    def pids(self) -> list[int]:
        """Process ids of the query workers."""
        return self._pool.pids

    def store(self, max_rows: int | None = None) -> PooledStore:
        """This service as a read-only Store; results cut to `max_rows` when given (for queries users write)."""
        return PooledStore(self, max_rows)

    def _deadline(self) -> float:
        return time.monotonic() + self.limits.timeout

    def _timeout_error(self, what: str) -> ProtocolError:
        return ProtocolError(503, f"the {what} was stopped after {self.limits.timeout:g} s (the server's --timeout); narrow it or add a LIMIT")

    def _memory_error(self) -> ProtocolError:
        return ProtocolError(503, f"the query was stopped when it held over {self.limits.max_memory // 2**20:,} MB (the server's --max-memory); narrow it or add a LIMIT")

    def _run_query(self, operation: Operation, solutions_type: str | None, graph_type: str | None, max_rows: int | None) -> SerializedResult:
        try:
            check_length(operation.text)
        except SparqlTextError as error:
            raise ProtocolError(413, str(error)) from error
        refuse_remote_access(operation.text, isolated=self.isolated)
        args = (operation.text, solutions_type, graph_type, max_rows, operation.default_graphs, operation.named_graphs)
        try:
            status, payload = self._pool.run("serialize_query", args, self.limits.timeout)
        except QueryTimeout as error:
            raise self._timeout_error("query") from error
        except ServerBusy as error:
            raise ProtocolError(503, f"the server is busy: no query worker was free within {QUEUE_WAIT:g} s; try again") from error
        except QueryOutOfMemory as error:
            raise self._memory_error() from error
        except WorkerFailure as error:
            raise ProtocolError(503, f"the query could not be answered: {error}; try again") from error
        return _checked(status, payload)

    def query(self, sparql: str, max_rows: int | None) -> QueryOutcome:
        """Run a query for the explorer, as an rdflib Result; ProtocolError when it fails."""
        answer = self._run_query(Operation("query", sparql), JSON_RESULTS, N_TRIPLES, max_rows)
        return QueryOutcome(result_from_serialized(answer), answer.truncated)

    def answer(self, operation: Operation, accept: str | None, authorization: str | None) -> Answer:
        """Answer one protocol operation: the serialized result of a query, or 204 after an update."""
        if operation.kind == "update":
            return self._update(operation.text, authorization)
        solutions_type, graph_type = negotiate(accept, graph=False), negotiate(accept, graph=True)
        if solutions_type is None and graph_type is None:
            raise ProtocolError(406, "no result format acceptable: ask for one of " + ", ".join(f.media_type for f in RESULT_FORMATS))
        answer = self._run_query(operation, solutions_type, graph_type, self.limits.max_rows)
        headers = ((MAX_ROWS_HEADER, str(self.limits.max_rows)),) if answer.truncated else ()
        return Answer(200, answer.data, _with_charset(answer.media_type), headers)

    def _update(self, sparql: str, authorization: str | None) -> Answer:
        if not self.allow_update:
            raise ProtocolError(403, "this endpoint is read-only; start `kg serve --allow-update --token ...` to accept updates")
        scheme, _, credentials = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(credentials.strip().encode(), self._token.encode()):
            raise ProtocolError(401, "updates need the server's token: send 'Authorization: Bearer TOKEN'", (("WWW-Authenticate", 'Bearer realm="kg"'),))
        refuse_remote_access(sparql, isolated=self.isolated)
        try:
            status, payload = self._pool.update(sparql, self._deadline())
        except QueryTimeout as error:
            raise self._timeout_error("update") from error
        except WorkerFailure as error:
            raise ProtocolError(503, f"the update could not be run: {error}; try again") from error
        _checked(status, payload)
        return Answer(204, b"")

    def description(self, endpoint: str, accept: str | None) -> Answer:
        """The SPARQL 1.1 Service Description of this endpoint, in an RDF format the client accepts."""
        media_type = negotiate(accept, graph=True)
        if media_type is None:
            raise ProtocolError(406, "the service description is RDF: ask for one of " + ", ".join(f.media_type for f in RESULT_FORMATS if f.graph))
        graph = Graph()
        graph.bind("sd", SD)
        service = BNode()
        graph.add((service, RDF.type, SD.Service))
        graph.add((service, SD.endpoint, URIRef(endpoint)))
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
        if self.allow_update:
            graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
        for result_format in RESULT_FORMATS:
            graph.add((service, SD.resultFormat, URIRef(result_format.iri)))
        dataset, default = BNode(), BNode()
        graph.add((service, SD.defaultDataset, dataset))
        graph.add((dataset, RDF.type, SD.Dataset))
        graph.add((dataset, SD.defaultGraph, default))
        graph.add((default, RDF.type, SD.Graph))
        return Answer(200, graph.serialize(format=media_type, encoding="utf-8"), _with_charset(media_type))

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.close()


def _checked(status: str, payload):
    """The payload of a worker's successful reply; ProtocolError with the right status otherwise."""
    if status == "ok":
        return payload
    code = {"syntax": 400, "format": 406}.get(status, 500)
    raise ProtocolError(code, str(payload))


def _with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type
