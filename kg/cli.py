"""The `kg` command line: parse arguments, call one library function, print the answer."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import UserError

app = typer.Typer(
    help="cgt-kg: build, query and explore a knowledge graph of the cell and gene therapy market.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)
CELL_WIDTH = 48

StoreOption = Annotated[
    Optional[str],
    typer.Option("--store", help="Store path, or http(s) URL of a SPARQL endpoint. Default: $KG_STORE or ./.kg/store."),
]
ModelOption = Annotated[
    Optional[str],
    typer.Option("--model", help="Installed spaCy pipeline to use, or 'rules' for no model. Default: en_core_web_sm if installed."),
]
DEFAULT_MIN_CONFIDENCE = 0.5
"""Chosen with `kg eval --thresholds`: the best relation F1 in both modes on corpus/ (see README)."""
MinConfidence = Annotated[float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Leave out relations and figures below this confidence (a rule's measured precision, lowered for weak evidence).")]


@app.command()
def build(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of .txt, .md and .html articles.")],
    store: StoreOption = None,
    model: ModelOption = None,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for extraction (each loads the pipeline once).")] = 1,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print each document as it is stored.")] = False,
) -> None:
    """Extract every new or changed article and merge it into the store."""
    from kg.build import build as run_build
    from kg.nlp.pipeline import load_pipeline
    from kg.sources import find_sources
    from kg.store import open_store

    total = len(list(find_sources(paths)))
    nlp = load_pipeline(model)
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

            summary = run_build(paths, graph_store, nlp, min_confidence, on_document=done, jobs=jobs)
    finally:
        graph_store.close()
    for problem in summary.problems:
        err.print(f"[yellow]skipped[/yellow] {escape(problem)}", highlight=False)
    out.print(
        f"documents: {summary.new} new, {summary.changed} changed, {summary.skipped} unchanged"
        f"{f', {len(summary.problems)} unreadable' if summary.problems else ''}\n"
        f"extracted: {summary.entities} entities, {summary.relations} relations, {summary.figures} figures\n"
        f"store: {summary.triples} triples in {graph_store.location}",
        highlight=False,
    )
    if summary.problems:
        raise typer.Exit(1)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Articles to read (.txt, .md, .html) or folders of them.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per document (JSON Lines).")] = False,
    model: ModelOption = None,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
) -> None:
    """Run extraction without touching the store and print what was found."""
    from kg.build import read_sources
    from kg.extract import extract_documents
    from kg.nlp.pipeline import load_pipeline

    problems: list[str] = []
    sources = read_sources(files, problems)
    for problem in problems:
        err.print(f"[yellow]skipped[/yellow] {escape(problem)}", highlight=False)
    nlp = load_pipeline(model)
    for extraction in extract_documents(sources, nlp, min_confidence=min_confidence):
        if as_json:
            sys.stdout.write(json.dumps(extraction.to_json(), ensure_ascii=False) + "\n")
            continue
        _print_extraction(extraction)
    if problems:
        raise typer.Exit(1)


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
def query(
    sparql: Annotated[str, typer.Argument(help="SPARQL text, a .rq file, or the name of a canned query (see `kg queries`).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv, json, xml, or ttl for CONSTRUCT/DESCRIBE.")] = "table",
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over the whole graph."""
    from kg.queries import FORMATS, format_result, resolve_query, result_rows
    from kg.store import open_store

    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    canned = resolve_query(sparql)
    graph_store = open_store(store, create=False)
    try:
        result = graph_store.query(canned.sparql)
    finally:
        graph_store.close()
    if fmt == "table" and result.type == "SELECT":
        columns, rows = result_rows(result)
        table = Table(title=canned.question or None)
        for column in columns:
            table.add_column(column, max_width=CELL_WIDTH, overflow="ellipsis", no_wrap=True)
        for row in rows:
            table.add_row(*row)
        out.print(table)
        out.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")
    else:
        sys.stdout.write(format_result(result, fmt).rstrip("\n") + "\n")


@app.command("queries")
def list_queries() -> None:
    """List the canned analyst questions in queries/."""
    from kg.queries import canned_queries

    table = Table("name", "question")
    for canned in canned_queries():
        table.add_row(canned.name, canned.question)
    out.print(table)


@app.command()
def stats(store: StoreOption = None) -> None:
    """Counts of documents, triples, entities by class and facts by predicate."""
    from kg.stats import graph_stats
    from kg.store import open_store

    graph_store = open_store(store, create=False)
    try:
        numbers = graph_stats(graph_store)
    finally:
        graph_store.close()
    out.print(f"documents: {numbers.documents}\ntriples: {numbers.triples}", highlight=False)
    for title, counts in (("entities by class", numbers.classes), ("facts by predicate", numbers.predicates)):
        table = Table("name", "extracted", "reference", title=title)
        for name, (extracted, reference) in counts.items():
            table.add_row(name, str(extracted), str(reference))
        out.print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, trig, nq, nt or jsonld.")] = "trig",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write; default standard output.")] = None,
    store: StoreOption = None,
) -> None:
    """Write the whole graph in an RDF format."""
    from kg.store import EXPORT_FORMATS, open_store

    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    graph_store = open_store(store, create=False)
    try:
        data = graph_store.export(fmt)
    finally:
        graph_store.close()
    if output:
        output.write_bytes(data)
        err.print(f"wrote {len(data):,} bytes to {output}", highlight=False)
    else:
        sys.stdout.buffer.write(data)


@app.command()
def validate(store: StoreOption = None) -> None:
    """Check the graph against the SHACL shapes in ontology/shapes.ttl."""
    from kg.store import open_store
    from kg.validate import validate_store

    graph_store = open_store(store, create=False)
    try:
        violations = validate_store(graph_store)
    finally:
        graph_store.close()
    if not violations:
        out.print("the graph conforms to ontology/shapes.ttl")
        return
    table = Table("focus node", "property", "problem", title=f"{len(violations)} SHACL violations")
    for violation in violations:
        table.add_row(violation.focus, violation.path, violation.message)
    out.print(table)
    raise typer.Exit(1)


@app.command()
def viz(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("out/graph.html"),
    include_reference: Annotated[bool, typer.Option("--include-reference/--no-reference", help="Draw the vocabulary's reference facts too.")] = True,
    store: StoreOption = None,
) -> None:
    """Write the network page of the graph."""
    from kg.graph import entity_graph
    from kg.store import open_store
    from kg.viz import write_network_page

    graph_store = open_store(store, create=False)
    try:
        graph = entity_graph(graph_store, include_reference=include_reference)
    finally:
        graph_store.close()
    path = write_network_page(graph, output)
    out.print(f"wrote {path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)", highlight=False)


@app.command("eval")
def evaluate_command(
    paths: Annotated[list[Path], typer.Argument(help="Articles or folders with NAME.gold.json annotations.")] = [Path("corpus")],
    model: ModelOption = None,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss and spurious item.")] = False,
    by_rule: Annotated[bool, typer.Option("--by-rule", help="Show each rule's measured precision.")] = False,
    calibrate: Annotated[bool, typer.Option("--calibrate", help="Write each rule's measured precision to ontology/patterns/rule_precision.json, where extraction reads its confidences.")] = False,
    thresholds: Annotated[bool, typer.Option("--thresholds", help="Show relation and figure F1 at several --min-confidence values.")] = False,
) -> None:
    """Score extraction against the gold annotations: precision, recall and F1."""
    from kg.evaluate import evaluate, measured_precision
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
    table.add_row("overall", cell(result.entities), cell(result.relations), cell(result.figures), style="bold")
    out.print(table)
    if by_rule or calibrate:
        measured = measured_precision(result.rules)
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


def main() -> None:
    """Entry point: run the app, turning a user's mistake into one line and exit code 1."""
    try:
        app()
    except UserError as error:
        err.print(f"[bold red]error:[/bold red] {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(1)
