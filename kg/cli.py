"""The `kg` command line: parse arguments, call one library function, print the answer."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from kg.errors import UserError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
def app() -> None:
    """cgt-kg: build, query and explore a knowledge graph of the cell and gene therapy market."""


class _Console:
    """A rich Console made on first use: commands that print plain text (query, stats) never import rich."""

    def __init__(self, **options):
        self._options = options
        self._console = None

    def __getattr__(self, name: str):
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


out = _Console(width=None if sys.stdout.isatty() else 160)
err = _Console(stderr=True, soft_wrap=True)
CELL_WIDTH = 48
TABLE_ROWS = 500
"""Most rows `kg query` prints as a table; a longer result says how many more and points to -f csv."""


def Table(*headers, **options):
    """A rich Table (rich.table is imported by the commands that draw one)."""
    from rich.table import Table as RichTable

    return RichTable(*headers, **options)


def escape(text: str) -> str:
    """Text with rich markup escaped, for the commands that print through rich."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)

store_option = click.option("--store", help="Store path, or http(s) URL of a SPARQL endpoint. Default: $KG_STORE or ./.kg/store.")
model_option = click.option("--model", help="Installed spaCy pipeline to use, or 'rules' for no model. Default: en_core_web_sm if installed.")
DEFAULT_MIN_CONFIDENCE = 0.4
"""Chosen with `kg eval --thresholds`: relation F1 at or within a point of its best in both modes (README)."""
min_confidence_option = click.option(
    "--min-confidence", type=click.FloatRange(0.0, 1.0), default=DEFAULT_MIN_CONFIDENCE, show_default=True,
    help="Leave out relations and figures below this confidence (a rule's measured precision, lowered for weak evidence).")


def _flag(name: str, help: str, *short: str):
    return click.option(name, *short, is_flag=True, default=False, help=help)


@app.command()
@click.argument("arguments", nargs=-1, required=True, metavar="PATH_OR_URL...")
@store_option
@model_option
@min_confidence_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes for extraction (each loads the pipeline once).")
@_flag("--verbose", "Print each document as it is stored.", "-v")
@click.option("--dask", metavar="SCHEDULER", help="Extract on a Dask cluster (tcp://host:port) and bulk-load the N-Quads partitions.")
@_flag("--prune", "Remove stored documents below the given folders whose files no longer exist.")
def build(arguments: tuple[str, ...], store: str | None, model: str | None, min_confidence: float, jobs: int,
          verbose: bool, dask: str | None, prune: bool) -> None:
    """Extract every new or changed article and merge it into the store.

    PATH_OR_URL: files or folders of .txt, .md, .html and .pdf articles, or http(s) URLs of pages.
    """
    """Extract every new or changed article and merge it into the store."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.build import build as run_build
    from kg.fetch import local_paths
    from kg.sources import find_sources
    from kg.store import open_store

    paths = local_paths(arguments)
    total = len(list(find_sources(paths)))
    if dask:
        from kg.cluster import build_on_dask

        graph_store = open_store(store)
        try:
            summary = build_on_dask(paths, graph_store, dask, model, min_confidence, prune=prune)
        finally:
            graph_store.close()
        _print_build_summary(summary, graph_store.location)
        return
    graph_store = open_store(store)
    try:
        with Progress(
            TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True, disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("build", total=total)
            def done(source) -> None:
                progress.advance(task)
                if verbose:
                    out.print(f"stored {source.path}", highlight=False)

            summary = run_build(paths, graph_store, model, min_confidence, on_document=done, jobs=jobs, prune=prune)
    finally:
        graph_store.close()
    _print_build_summary(summary, graph_store.location)


def _print_build_summary(summary, location: str) -> None:
    """The build's one-screen report; exit status 1 when some file could not be read."""
    for problem in summary.problems:
        err.print(f"[yellow]skipped[/yellow] {escape(problem)}", highlight=False)
    for note in summary.notes:
        err.print(f"[dim]note[/dim] {escape(note)}", highlight=False)
    more = "".join(
        f", {count} {what}" for count, what in
        ((summary.moved, "moved"), (summary.duplicates, "duplicate"), (summary.removed, "removed"), (len(summary.problems), "unreadable"))
        if count
    )
    out.print(
        f"documents: {summary.new} new, {summary.changed} changed, {summary.skipped} unchanged{more}\n"
        f"extracted: {summary.entities} entities, {summary.relations} relations, {summary.figures} figures\n"
        f"store: {summary.triples_text} triples in {location}",
        highlight=False,
    )
    if summary.problems:
        raise SystemExit(1)


@app.command()
@click.argument("targets", nargs=-1, required=True, metavar="DOCUMENT...")
@store_option
def remove(targets: tuple[str, ...], store: str | None) -> None:
    """Remove documents and every fact read from them from the store (one transaction).

    DOCUMENT: a file or folder path, a document IRI or its sha256 (8+ leading hex digits).
    """
    from kg.build import remove_documents
    from kg.store import open_store

    graph_store = open_store(store, create=False)
    try:
        removed = remove_documents(graph_store, targets)
        triples = graph_store.count()
    finally:
        graph_store.close()
    for document in removed:
        out.print(f"removed {document.path} ({document.sha256[:12]})", highlight=False)
    out.print(f"store: {triples} triples in {graph_store.location}", highlight=False)


@app.command()
@click.argument("arguments", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per document (JSON Lines).")
@model_option
@min_confidence_option
def extract(arguments: tuple[str, ...], as_json: bool, model: str | None, min_confidence: float) -> None:
    """Run extraction without touching the store and print what was found.

    PATH_OR_URL: articles to read (.txt, .md, .html, .pdf), folders of them, or http(s) URLs.
    """
    from kg.build import read_sources
    from kg.extract import extract_documents
    from kg.nlp.pipeline import load_pipeline

    from kg.fetch import local_paths

    problems: list[str] = []
    sources = read_sources(local_paths(arguments), problems)
    for problem in problems:
        err.print(f"[yellow]skipped[/yellow] {escape(problem)}", highlight=False)
    nlp = load_pipeline(model)
    for extraction in extract_documents(sources, nlp, min_confidence=min_confidence):
        if as_json:
            sys.stdout.write(json.dumps(extraction.to_json(), ensure_ascii=False) + "\n")
            continue
        _print_extraction(extraction)
    if problems:
        raise SystemExit(1)


def _print_extraction(extraction) -> None:
    out.rule(f"{extraction.document.path}  ({extraction.document.title})")
    table = Table("type", "label", "mentions", "salience", title="entities")
    for entity in extraction.entities:
        table.add_row(entity.type, entity.label, str(len(entity.mentions)), f"{entity.salience:.2f}")
    out.print(table)
    labels = {e.iri: e.label for e in extraction.entities}
    table = Table("subject", "predicate", "object", "confidence", title="relations")
    for relation in extraction.relations:
        table.add_row(labels.get(relation.subject, relation.subject), relation.predicate,
                      labels.get(relation.object, relation.object), f"{relation.confidence:.2f}")
    out.print(table)
    table = Table("measure", "value", "unit", "year", "period", "forecast", "measures", title="figures")
    for figure in extraction.figures:
        table.add_row(figure.measure, f"{figure.value:,.10g}", figure.unit, str(figure.year or ""),
                      figure.period or "", "yes" if figure.forecast else "", figure.measures)
    out.print(table)


@app.command()
@click.argument("sparql")
@click.option("--format", "-f", "fmt", default="table", show_default=True, help="table, csv, tsv, json, xml, or ttl for CONSTRUCT/DESCRIBE.")
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE", help="A parameter of a canned query (see `kg queries`), e.g. --param company=Biogen --param since=2019.")
@store_option
def query(sparql: str, fmt: str, param: tuple[str, ...], store: str | None) -> None:
    """Run a SPARQL query over the whole graph.

    SPARQL: SPARQL text, a .rq file, or the name of a canned query (see `kg queries`).
    """
    from kg.queries import FORMATS, format_result, resolve_query, result_rows, serialized_result

    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    canned = resolve_query(sparql)
    values = dict(_parameter(text) for text in param or ())
    text = canned.with_parameters(values)
    if fmt != "table":
        data = _read_store(store, lambda graph_store: serialized_result(graph_store, text, fmt))
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
        sys.stdout.flush()
        return
    from kg.store import Solutions

    answer = _read_store(store, lambda graph_store: graph_store.answer(text))
    if not isinstance(answer, Solutions):
        sys.stdout.write(format_result(answer).rstrip("\n") + "\n")
        return
    columns, rows = result_rows(answer, limit=TABLE_ROWS)
    shown = [[_readable_number(cell) for cell in row] for row in rows]
    total = len(answer.rows)
    count = f"{total} row{'s' if total != 1 else ''}"
    more = f" (the first {TABLE_ROWS} shown; -f csv prints them all)" if total > TABLE_ROWS else ""
    _print_rows(columns, shown, canned.question, count + more)
    if total == 0 and values:
        _hint_unknown_names(canned, values, store)


def _hint_unknown_names(canned, values: dict[str, str], store: str | None) -> None:
    """Say on standard error which given name matches no entity, and the close ones (an empty answer is often a typo)."""
    from kg.queries import ENTITY_LABELS, unknown_names

    if not any(p.takes_a_name and p.name in values for p in canned.parameters):
        return
    labels = _read_store(store, lambda graph_store: [row[0].value for row in graph_store.answer(ENTITY_LABELS).rows])
    for line in unknown_names(canned, values, labels):
        err.print(escape(line), highlight=False)


def _display_path(path: str) -> str:
    """A document's path as a person reads it here: relative to the working folder when it lies below it."""
    if not path or "://" in path:
        return path
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise UserError(f"--param {text!r}: write it as NAME=VALUE, e.g. --param company=Biogen")
    return name.strip(), value.strip()


def _print_rows(columns: list[str], rows: list[list[str]], title: str = "", footer: str = "") -> None:
    """Rows as plain text in aligned columns, each cell on one line and cut to CELL_WIDTH characters."""
    cells = [[_one_line(cell) for cell in row] for row in [columns, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = [title] if title else []
    lines.append("  ".join(cell.ljust(width) for cell, width in zip(cells[0], widths)).rstrip())
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells[1:]]
    if footer:
        lines.append(footer)
    sys.stdout.write("\n".join(lines) + "\n")


def _one_line(cell: str) -> str:
    return _clip(" ".join(cell.split()) if any(c in cell for c in "\n\r\t") else cell, CELL_WIDTH)


def _clip(text: str, width: int) -> str:
    """Text cut to `width` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _readable_number(cell: str) -> str:
    """A plain number of five or more digits with thousands separators, for people (csv and json keep raw values)."""
    if re.fullmatch(r"-?\d{5,}(?:\.\d+)?", cell):
        whole, _, fraction = cell.partition(".")
        return f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return cell


@app.command("queries")
def list_queries() -> None:
    """List the canned analyst questions in queries/."""
    from kg.queries import canned_queries

    table = Table("name", "question", "parameters")
    for canned in canned_queries():
        table.add_row(canned.name, canned.question, "\n".join(f"{p.name}: {p.description}" for p in canned.parameters))
    out.print(table)


@app.command()
@store_option
def stats(store: str | None) -> None:
    """Counts of documents, triples, entities by class and facts by predicate."""
    from kg.stats import graph_stats

    numbers = _read_store(store, graph_stats)
    sys.stdout.write(f"documents: {numbers.documents}\ntriples: {numbers.triples}\n")
    for title, counts in (("entities by class", numbers.classes), ("facts by predicate", numbers.predicates)):
        sys.stdout.write("\n")
        _print_rows(["name", "extracted", "reference"], [[name, str(a), str(b)] for name, (a, b) in counts.items()], title)


@app.command()
@click.option("--format", "-f", "fmt", default="trig", show_default=True, help="ttl, trig, nq, nt or jsonld.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write; default standard output.")
@store_option
def export(fmt: str, output: Path | None, store: str | None) -> None:
    """Write the whole graph in an RDF format."""
    from kg.store import EXPORT_FORMATS

    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    data = _read_store(store, lambda graph_store: graph_store.export(fmt))
    if output:
        output.write_bytes(data)
        err.print(f"wrote {len(data):,} bytes to {output}", highlight=False)
    else:
        sys.stdout.buffer.write(data)


@app.command()
@store_option
def validate(store: str | None) -> None:
    """Check the graph against the SHACL shapes in ontology/shapes.ttl."""
    from kg.validate import validate_store

    violations = _read_store(store, validate_store)
    if not violations:
        out.print("the graph conforms to ontology/shapes.ttl")
        return
    table = Table("focus node", "property", "problem", title=f"{len(violations)} SHACL violations")
    for violation in violations:
        table.add_row(violation.focus, violation.path, violation.message)
    out.print(table)
    raise SystemExit(1)


READ_ATTEMPTS = 4
"""How many times a read-only command opens the store again when a running writer compacted its files away under it."""


def _read_store(store: str | None, read):
    """Open the store read-only, return `read(store)` and close the store again; read again, on fresh files, when a
    writer working on the store at the same time removed the files the read-only view had open."""
    import time

    from kg.store import StoreChangedWhileRead, open_store

    for attempt in range(READ_ATTEMPTS):
        try:
            graph_store = open_store(store, create=False, read_only=True)
            try:
                return read(graph_store)
            finally:
                graph_store.close()
        except StoreChangedWhileRead:
            if attempt == READ_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _load_entity_graph(store: str | None):
    from kg.graph import entity_graph

    return _read_store(store, entity_graph)


@app.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("out/graph.html"), show_default=True, help="HTML file to write.")
@click.option("--include-reference/--no-reference", default=True, show_default=True, help="Draw the vocabulary's reference facts too.")
@click.option("--focus", help="Draw the neighbourhood of this entity (label, alias or IRI, any case).")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True, help="With --focus: how many relations away to draw (the page carries one more, for double-click).")
@click.option("--query", help="Draw the result of a CONSTRUCT (or a SELECT of ?s ?p ?o): a .rq file, SPARQL text or a canned query name.")
@click.option("--size-by", default="degree", show_default=True, help="Node size: degree or pagerank.")
@_flag("--hubs", "Draw countries, regions, agencies, modalities and technologies as nodes (the page has the same switch).")
@_flag("--deals", "Draw the company deal network: one edge per deal, width by value, colour by kind, a year slider.")
@store_option
def viz(output: Path, include_reference: bool, focus: str | None, hops: int, query: str | None, size_by: str,
        hubs: bool, deals: bool, store: str | None) -> None:
    """Write the network page: the whole graph, a neighbourhood (--focus), a query's result (--query) or the deal network (--deals)."""
    from kg.viz import build_view, deal_view, uses_physics, write_network_page

    if size_by not in ("degree", "pagerank"):
        raise UserError(f"unknown --size-by {size_by!r}; choose degree or pagerank")
    if deals and (focus or query):
        raise UserError("--deals draws every deal: leave out --focus and --query")
    view = _read_store(
        store, lambda graph_store: deal_view(graph_store) if deals else build_view(
            graph_store, focus=focus, hops=hops, query=query, include_reference=include_reference, size_by=size_by, hubs=hubs)
    )
    path = write_network_page(view.graph, output, view.title, drawn=view.drawn, sizes=view.sizes, focus=view.focus,
                              hubs=view.hubs, deals=view.deals, deal_network=view.deal_network)
    drawn = view.drawn_graph
    more = f"; {view.carried} more carried for double-click" if view.carried else ""
    layout = "" if uses_physics(drawn.number_of_nodes()) else "; large graph: positions precomputed, physics off"
    out.print(f"wrote {path} ({drawn.number_of_nodes()} nodes, {drawn.number_of_edges()} edges{more}{layout})", highlight=False)


@app.command()
@click.option("--by", default="degree", show_default=True, help="degree, pagerank or betweenness.")
@click.option("--type", "entity_type", help="Only entities of this class (e.g. Company, TherapyProduct).")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True, help="How many to list.")
@_flag("--hubs", "Rank countries, regions, agencies, modalities and technologies too, and count the links to them.")
@store_option
def rank(by: str, entity_type: str | None, limit: int, hubs: bool, store: str | None) -> None:
    """The most central entities of the graph (hubs such as countries and agencies left out unless --hubs)."""
    from kg.analytics import rank_entities

    ranked = rank_entities(_load_entity_graph(store), by=by, entity_type=entity_type, limit=limit, hubs=hubs)
    table = Table("#", "entity", "type", by, "relations", title=f"most central entities by {by}" + (f" ({entity_type})" if entity_type else ""))
    for position, item in enumerate(ranked, 1):
        table.add_row(str(position), escape(item.label), item.type, f"{item.score:.4f}", str(item.relations))
    out.print(table)


@app.command()
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True, help="How many groups to list, largest first.")
@store_option
def communities(limit: int, store: str | None) -> None:
    """Groups of densely linked entities (Louvain, fixed seed), with the relations that bind each."""
    from kg.analytics import find_communities

    named = 8
    groups = find_communities(_load_entity_graph(store))
    table = Table("#", "size", "members (most connected first)", "bound by", title=f"{len(groups)} communities")
    for position, group in enumerate(groups[:limit], 1):
        names = ", ".join(member.label for member in group.members[:named])
        more = f" and {len(group.members) - named} more" if len(group.members) > named else ""
        bound = ", ".join(f"{predicate} {count}" for predicate, count in group.predicates)
        table.add_row(str(position), str(len(group.members)), escape(names + more), bound)
    out.print(table)


@app.command()
@click.argument("source")
@click.argument("target")
@click.option("--via", help="Pass through at least one entity of this class (e.g. TherapyProduct, Disease).")
@click.option("--exclude-type", multiple=True, help="Never pass through entities of this class (repeatable).")
@_flag("--hubs", "Let the chain pass through countries, regions, agencies, modalities and technologies.")
@store_option
def path(source: str, target: str, via: str | None, exclude_type: tuple[str, ...], hubs: bool, store: str | None) -> None:
    """The shortest chain of relations between two entities, each hop with its evidence (not through hubs unless --hubs).

    SOURCE and TARGET: entities by label, alias or IRI.
    """
    from kg.analytics import HUB_CLASSES, shortest_chain
    from kg.graph import find_entity

    graph = _load_entity_graph(store)
    exclude = tuple(dict.fromkeys([*(() if hubs else HUB_CLASSES), *(exclude_type or [])]))
    hops = shortest_chain(graph, find_entity(graph, source), find_entity(graph, target), via=via, exclude=exclude)
    if not hops:
        out.print("both names are the same entity")
    for position, hop in enumerate(hops, 1):
        out.print(f"[bold]{position}. {escape(hop.subject_label)}[/bold] {hop.predicate} [bold]{escape(hop.object_label)}[/bold]")
        if hop.reference:
            out.print("   reference fact (vocabulary)", style="dim")
        for evidence in hop.evidence[:1]:
            out.print(f"   \u201c{escape(evidence.text)}\u201d", highlight=False)
            more = f"; {len(hop.evidence) - 1} more sentences" if len(hop.evidence) > 1 else ""
            confidence = f", confidence {evidence.confidence:.2f}" if evidence.confidence is not None else ""
            out.print(f"   {escape(evidence.title or evidence.document)} ({escape(_display_path(evidence.path))}){confidence}{more}", style="dim", highlight=False)


@app.command("export-graph")
@click.option("--format", "-f", "fmt", default="graphml", show_default=True, help="graphml, gexf (Gephi) or csv (a nodes and an edges file).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write; for csv, X.csv becomes X.nodes.csv and X.edges.csv. Default out/graph.FORMAT.")
@store_option
def export_graph(fmt: str, output: Path | None, store: str | None) -> None:
    """Write the entity graph (nodes, relations, evidence) for Gephi, networkx or a spreadsheet."""
    from kg.graph import write_graph_file

    graph = _load_entity_graph(store)
    for written in write_graph_file(graph, fmt, output):
        out.print(f"wrote {written}", highlight=False)
    out.print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", highlight=False)


@app.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; anything but a loopback address lets other machines in.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on (0 picks a free one).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds a query or update may run before it is stopped (answer 503).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True, help="Most rows (or triples) a query result carries; longer results are cut and say so in a header.")
@click.option("--max-memory", type=click.IntRange(min=64), default=1024, show_default=True, metavar="MB", help="Megabytes a query worker may hold while it answers; a query past it is stopped (answer 503).")
@_flag("--allow-update", "Accept SPARQL Update requests that carry the token.")
@click.option("--token", envvar="KG_SERVE_TOKEN", help="Bearer token every update must send. Default: $KG_SERVE_TOKEN.")
def serve(store: str | None, host: str, port: int, timeout: float, max_rows: int, max_memory: int,
          allow_update: bool, token: str | None) -> None:
    """Serve the graph: a SPARQL 1.1 endpoint at /sparql and the web explorer at /."""
    from kg.server import KgServer, exposure_warning
    from kg.sparql import Limits
    from kg.store import default_location

    warning = exposure_warning(host, allow_update)
    if warning:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    server = KgServer(store or default_location(), host, port, Limits(timeout, max_rows, max_memory * 2**20), allow_update, token)
    mode = "updates need the token" if allow_update else "read-only"
    if not server.service.isolated:
        err.print("[yellow]warning:[/yellow] query workers could not leave the network (no network namespaces here); "
                  "any query whose text contains SERVICE or LOAD is refused instead", highlight=False)
    # one line, never wrapped at the terminal's width: scripts and logs read the address from it
    out.print(f"serving {server.service.location} at {server.url} (SPARQL endpoint {server.url}sparql, {mode}); Ctrl+C stops",
              highlight=False, soft_wrap=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass


@app.group("review", invoke_without_command=True)
@store_option
@click.option("--below", type=click.FloatRange(0.0, 1.0), default=0.5, show_default=True, help="Put facts below this confidence up for review.")
@click.option("--all", "everything", is_flag=True, help="List accepted and rejected facts too.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@click.pass_context
def review_list(ctx: click.Context, store: str | None, below: float, everything: bool, as_json: bool) -> None:
    """The review queue: facts that contradict the vocabulary or another source, or sit below a confidence.

    With no command, list the facts up for review (`kg review accept|reject ID...` decides).
    """
    if ctx.invoked_subcommand:
        ctx.obj = {"store": store, "below": below}
        return
    from kg.review import review_items

    items = _read_store(store, lambda graph_store: review_items(graph_store, below, include_decided=everything))
    if as_json:
        out.print_json(json.dumps([item.to_json() for item in items]))
        return
    table = Table("id", "status", "reason", "fact", "confidence", "evidence", title=f"review queue ({len(items)} facts)")
    for item in items:
        confidence = f"{item.confidence:.2f}" if item.confidence is not None else ""
        table.add_row(item.id, item.status, item.reason, escape(item.fact), confidence, escape(_clip(item.evidence, 70)))
    out.print(table)


def _decide(ctx: click.Context, ids: list[str], decision: str, store: str | None, note: str | None) -> None:
    from kg.review import decide
    from kg.store import open_store

    options = ctx.obj or {}
    graph_store = open_store(store or options.get("store"), create=False)
    try:
        chosen = decide(graph_store, ids, decision, note, options.get("below", 0.5))
    finally:
        graph_store.close()
    for item in chosen:
        out.print(f"{decision}: {item.id} {item.fact}", highlight=False)


@review_list.command("accept")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@store_option
@click.option("--note", help="Why.")
@click.pass_context
def review_accept(ctx: click.Context, ids: tuple[str, ...], store: str | None, note: str | None) -> None:
    """Keep these facts and take them off the queue (a rejected one comes back)."""
    _decide(ctx, ids, "accepted", store, note)


@review_list.command("reject")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@store_option
@click.option("--note", help="Why.")
@click.pass_context
def review_reject(ctx: click.Context, ids: tuple[str, ...], store: str | None, note: str | None) -> None:
    """Reject these facts: they leave queries, pictures and exports, and stay out after rebuilds."""
    _decide(ctx, ids, "rejected", store, note)


@app.command("eval")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@model_option
@min_confidence_option
@_flag("--verbose", "List every miss and spurious item.", "-v")
@_flag("--by-rule", "Show each rule's measured precision.")
@_flag("--calibrate", "Write each rule's measured precision to ontology/patterns/rule_precision.json, where extraction reads its confidences.")
@_flag("--thresholds", "Show relation and figure F1 at several --min-confidence values.")
@click.option("--reliability", "reliability_table", is_flag=True, help="Show claimed confidence against observed precision per confidence bucket.")
def evaluate_command(paths: tuple[Path, ...], model: str | None, min_confidence: float, verbose: bool, by_rule: bool,
                     calibrate: bool, thresholds: bool, reliability_table: bool) -> None:
    """Score extraction against the gold annotations: precision, recall and F1.

    PATH: articles or folders with NAME.gold.json annotations (default corpus/).
    """
    paths = paths or (Path("corpus"),)
    from kg.evaluate import evaluate, measured_precision, reliability
    from kg.nlp.pipeline import load_pipeline, pipeline_description
    from kg.ontology import RULE_PRECISION

    nlp = load_pipeline(model)
    result = evaluate(paths, nlp, min_confidence)
    table = Table("document", "entities P/R/F1", "relations P/R/F1", "figures P/R/F1",
                  title=f"extraction quality ({pipeline_description(nlp)}, min confidence {min_confidence})")
    cell = lambda s: f"{s.precision:.2f} / {s.recall:.2f} / {s.f1:.2f}"
    for document in result.documents:
        table.add_row(Path(document.path).name, cell(document.entities), cell(document.relations), cell(document.figures))
    table.add_section()
    table.add_row("overall (micro)", cell(result.entities), cell(result.relations), cell(result.figures), style="bold")
    table.add_row("mean of documents (macro F1)", *(f"{result.macro_f1(part):.2f}" for part in ("entities", "relations", "figures")))
    out.print(table)
    if result.deals.gold or result.events.gold:
        out.print(
            f"deals: {result.deals.tp} of {result.deals.gold} right (kind, parties and roles, year, value), {result.deals.system} deal records; "
            f"regulatory events: {result.events.tp} of {result.events.gold} right, {result.events.system} found",
            highlight=False,
        )
    if reliability_table:
        rows = Table("kind", "confidence", "items", "claimed", "observed", title="does confidence mean what it says?")
        for row in reliability(result.rules):
            rows.add_row(row.kind, f"{row.low:.1f}-{row.high:.1f}", str(row.count), f"{row.claimed:.2f}", f"{row.observed:.2f}")
        out.print(rows)
    if by_rule or calibrate:
        from kg.nlp.relations import rule_priors

        measured = measured_precision(result.rules, rule_priors())
        rules = Table("rule", "correct", "found", "smoothed precision", title="extraction rules")
        for rule, item in measured.items():
            rules.add_row(rule, str(item["correct"]), str(item["found"]), f"{item['precision']:.2f}")
        out.print(rules)
    if calibrate:
        merged = json.loads(RULE_PRECISION.read_text(encoding="utf-8")) if RULE_PRECISION.exists() else {}
        merged.update(measured)
        RULE_PRECISION.write_text(json.dumps(dict(sorted(merged.items())), indent=1) + "\n", encoding="utf-8")
        out.print(f"wrote {len(measured)} rule precisions to {RULE_PRECISION}", highlight=False)
    if thresholds:
        table = Table("min confidence", "relations P/R/F1", "figures P/R/F1", title="confidence thresholds")
        for threshold in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            scored = evaluate(paths, nlp, threshold)
            table.add_row(f"{threshold:.1f}", cell(scored.relations), cell(scored.figures))
        out.print(table)
    if verbose:
        for document in result.documents:
            out.rule(Path(document.path).name)
            for line in document.misses:
                out.print(f"[red]miss[/red]     {escape(line)}", highlight=False)
            for line in document.spurious:
                out.print(f"[yellow]spurious[/yellow] {escape(line)}", highlight=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app on `argv` (default: the command line), turning a user's mistake into one line and exit code 1."""
    try:
        app.main(args=argv, prog_name="kg")
    except UserError as error:
        err.print(f"[bold red]error:[/bold red] {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(1)
