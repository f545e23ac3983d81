"""The `kg` command: ingest, query, export, stats, validate, serve, eval, bench."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.config import IngestSettings, ServerSettings, Settings, default
from kg.ledger import LedgerError
from kg.readers import InputError, read_articles
from kg.store import KnowledgeStore, StoreError
from kg.vocab import PREFIXES

def _shown(section: type, name: str) -> str:
    return str(default(section, name))


_store_option = click.option(
    "--store", "store", type=click.Path(file_okay=False, path_type=Path), default=None,
    show_default=_shown(Settings, "store"), help="Oxigraph store directory (env KG_STORE).")
_base_option = click.option(
    "--base-iri", default=None, show_default=_shown(Settings, "base_iri"),
    help="IRI prefix of minted resources (env KG_BASE_IRI).")
_model_option = click.option(
    "--model", default=None, show_default=_shown(Settings, "model"),
    help="spaCy pipeline package (env KG_MODEL), e.g. en_core_web_trf.")


def _settings(**given: object) -> Settings:
    """The settings for this command: options given, else the environment, else the defaults (kg.config)."""
    try:
        return Settings.build(**given)
    except ValueError as error:
        raise click.UsageError(str(error)) from error


def _open(settings: Settings, *, read_only: bool) -> KnowledgeStore:
    try:
        return KnowledgeStore(settings.store, read_only=read_only)
    except StoreError as error:
        raise click.ClickException(str(error)) from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Astana KG: news articles in, a linked-data knowledge graph out."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@_base_option
@_model_option
@click.option("--batch-size", type=int, default=None, show_default=_shown(IngestSettings, "batch_size"),
              help="Articles per all-or-nothing write.")
@click.option("--processes", type=int, default=None, help="NLP worker processes  [default: all cores].")
@click.option("--dask", default=None, help="Run the NLP on this Dask scheduler, e.g. tcp://host:8786 (env KG_DASK).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or progress lines.")
def ingest(paths: tuple[Path, ...], quiet: bool, **options: object) -> None:
    """Extract articles from seed-format .txt and .jsonl files (or directories) into the store.

    Everything is read and checked first: a bad line stops the ingest with
    `file:line: problem` before anything is written. Articles are then written
    in batches, each all-or-nothing; articles already stored unchanged are
    skipped, so running the same command again after a crash completes it.
    """
    from kg.ingest import ingest as run_ingest
    from kg.nlp import check_model
    from kg.progress import IngestProgress

    settings = _settings(**options)
    try:
        check_model(settings.model)
        with IngestProgress(quiet=quiet) as progress:
            summary = run_ingest(lambda: read_articles(paths), settings, progress=progress)
    except InputError as error:
        raise click.ClickException(f"{error} — nothing was written") from error
    except (StoreError, LedgerError, RuntimeError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Ingested {summary}; store {settings.store}.")
    if summary.failed:
        sys.exit(1)


@main.command()
@click.argument("articles", nargs=-1, required=True)
@_store_option
@_base_option
def remove(articles: tuple[str, ...], **options: object) -> None:
    """Remove articles (by IRI, or by the id they were ingested with); entities and the tie cube follow."""
    from kg.ingest import remove as run_remove

    try:
        summary = run_remove(articles, _settings(**options))
    except (StoreError, LedgerError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Removed {summary.removed} of {len(articles)} articles.")


@main.command()
@click.argument("query")
@_store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml"]), default="table",
              show_default=True, help="Results format (json = SPARQL 1.1 Query Results JSON).")
def query(query: str, store: Path, fmt: str) -> None:
    """Run a SPARQL query (text, or @file.rq) over the union of the article graphs."""
    from kg.results import write_results

    text = Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query
    with _open(_settings(store=store), read_only=True) as kg_store:
        try:
            results = kg_store.oxigraph.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as error:
            raise click.ClickException(f"SPARQL syntax error: {error}") from error
        write_results(results, fmt, sys.stdout)


@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdf"]), default="trig",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
def export(store: Path, fmt: str, output: Path | None) -> None:
    """Serialise the whole store; quad formats keep one graph per article."""
    from kg.export import write

    with _open(_settings(store=store), read_only=True) as kg_store:
        quads = kg_store.oxigraph.quads_for_pattern(None, None, None, None)
        if output is None:
            write(quads, fmt, sys.stdout.buffer)
        else:
            with open(output, "wb") as handle:
                write(quads, fmt, handle)
            click.echo(f"Wrote {output}", err=True)


@main.command()
@_store_option
def stats(store: Path) -> None:
    """Counts of articles, entities, events by type, agreements and bilateral ties."""
    from kg.stats import collect

    with _open(_settings(store=store), read_only=True) as kg_store:
        for label, value in collect(kg_store):
            click.echo(f"{label:<28}{value:>10}")


@main.command()
@_store_option
def validate(store: Path) -> None:
    """Check the store's integrity and its SHACL shapes; exit 1 with a report on violations."""
    from kg.ledger import LEDGER_FILE, Ledger
    from kg.validate import validate as run_validation

    settings = _settings(store=store)
    ledger_path = settings.store / LEDGER_FILE
    with _open(settings, read_only=True) as kg_store:
        if ledger_path.exists():
            with Ledger(ledger_path, read_only=True) as ledger:
                report = run_validation(kg_store, ledger)
        else:
            report = run_validation(kg_store)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    if report.conforms:
        click.echo(f"Conforms: {report.triples} triples are each in one graph, the tie cube, the statistics and "
                   "the entities graph are exact, and they satisfy ontology/shapes.ttl.")
        return
    click.echo(report.text)
    sys.exit(1)


@main.command()
@_store_option
@_base_option
@click.option("--host", default=None, show_default=_shown(ServerSettings, "host"))
@click.option("--port", default=None, type=int, show_default=_shown(ServerSettings, "port"))
@click.option("--threads", default=None, type=int, show_default=_shown(ServerSettings, "threads"),
              help="Connection threads.")
@click.option("--workers", default=None, type=int, show_default=_shown(ServerSettings, "workers"),
              help="Query worker processes.")
@click.option("--write-token", default=None,
              help="Enable SPARQL Update / Graph Store writes for requests bearing this token (env KG_WRITE_TOKEN).")
@click.option("--timeout", "query_timeout", default=None, type=float,
              show_default=_shown(ServerSettings, "query_timeout"), help="Query timeout in seconds.")
@click.option("--row-limit", default=None, type=int, show_default=_shown(ServerSettings, "row_limit"),
              help="Maximum rows of a result.")
def serve(**options: object) -> None:
    """Serve the store: SPARQL endpoint, canned-query API, exports and resource pages."""
    from server import serve as run_server

    settings = _settings(**options)
    if not settings.store.is_dir():
        raise click.ClickException(f"no store at {settings.store}: run `kg ingest` first")
    run_server(settings)


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_model_option
def evaluate(gold: Path, model: str) -> None:
    """Score extraction against a gold JSONL file: precision, recall, F1 per category."""
    from kg.evaluate import evaluate as run_evaluation

    click.echo(str(run_evaluation(gold, _settings(store=Path("unused"), model=model))))


@main.command()
@click.option("--articles", default=5000, show_default=True, help="Size of the generated corpus.")
@_model_option
def bench(articles: int, model: str) -> None:
    """Whole-pipeline throughput as a ratio to bare spaCy `nlp.pipe`, and peak memory."""
    from kg.bench import run

    run(articles, model, echo=click.echo)

