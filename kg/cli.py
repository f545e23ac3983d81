"""The `kg` command: ingest, query, export, stats, validate, serve, eval, bench."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, ClassVar

import click

from kg.config import DEFAULT_STORE, STORE_TYPES, FetchSettings, IngestSettings, ServerSettings, Settings, default
from kg.ledger import LedgerError
from kg.logs import log_options
from kg.readers import InputError
from kg.store import StoreError
from kg.stores import QueryEngine, open_reader, store_exists


def _shown(section: type, name: str) -> str:
    return str(default(section, name))


# Where the store is: a directory, or a triple store's address and (where the store type does not say) endpoints.
_STORE_OPTIONS = [
    click.option(
        "--store",
        "store",
        default=None,
        show_default=DEFAULT_STORE,
        help="Oxigraph store directory, or the SPARQL query endpoint http(s)://… of a triple store (env KG_STORE).",
    ),
    click.option(
        "--store-type",
        type=click.Choice(list(STORE_TYPES)),
        default=None,
        show_default="sparql",
        help="Kind of remote store: its update and Graph Store endpoints and dialect (env KG_STORE_TYPE).",
    ),
    click.option(
        "--update-endpoint",
        default=None,
        help="SPARQL Update endpoint of a remote store, if not the store type's (env KG_UPDATE_ENDPOINT).",
    ),
    click.option(
        "--graph-store-endpoint",
        default=None,
        help="Graph Store Protocol endpoint of a remote store, if not the store type's (env KG_GRAPH_STORE_ENDPOINT).",
    ),
    click.option(
        "--state-dir",
        default=None,
        help="Directory of a remote store's ledger  [default: data/HOST-PORT-PATH] (env KG_STATE_DIR).",
    ),
]


def _store_option(command: Callable) -> Callable:
    return functools.reduce(lambda wrapped, option: option(wrapped), reversed(_STORE_OPTIONS), command)


_base_option = click.option(
    "--base-iri",
    default=None,
    show_default=_shown(Settings, "base_iri"),
    help="IRI prefix of minted resources (env KG_BASE_IRI).",
)
_model_option = click.option(
    "--model",
    default=None,
    show_default=_shown(Settings, "model"),
    help="spaCy pipeline package (env KG_MODEL), e.g. en_core_web_trf.",
)


class Duration(click.ParamType):
    """A time span: seconds, or a number with s, m, h or d ("90", "30s", "15m", "1.5h", "1d")."""

    name = "duration"
    _UNITS: ClassVar[dict[str, int]] = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(value))
        if not match:
            self.fail(f"{value!r} is not a duration such as 90, 30s, 15m or 1h", param, ctx)
        return float(match.group(1)) * self._UNITS[match.group(2)]


# Options of everything that reads articles from the web: `kg ingest` and `kg watch` take the same ones.
_READING_OPTIONS = [
    click.option(
        "--max-chars",
        type=int,
        default=None,
        show_default=_shown(IngestSettings, "max_chars"),
        help="Longer article bodies are split into parts of at most this many characters.",
    ),
    click.option(
        "--contact",
        default=None,
        help="E-mail or URL put in the User-Agent, so site owners can reach you (env KG_CONTACT).",
    ),
    click.option(
        "--delay",
        type=Duration(),
        default=None,
        show_default=_shown(FetchSettings, "delay"),
        help="Pause between two requests to one host (a robots.txt Crawl-delay may raise it).",
    ),
    click.option(
        "--connect-timeout", type=Duration(), default=None, show_default=_shown(FetchSettings, "connect_timeout")
    ),
    click.option(
        "--read-timeout",
        type=Duration(),
        default=None,
        show_default=_shown(FetchSettings, "read_timeout"),
        help="Longest silence while reading a response.",
    ),
    click.option(
        "--total-timeout",
        type=Duration(),
        default=None,
        show_default=_shown(FetchSettings, "total_timeout"),
        help="Longest time for a whole response.",
    ),
    click.option(
        "--max-bytes",
        type=int,
        default=None,
        show_default=_shown(FetchSettings, "max_bytes"),
        help="Larger responses (and WARC records, HTML files) are skipped.",
    ),
    click.option("--max-redirects", type=int, default=None, show_default=_shown(FetchSettings, "max_redirects")),
    click.option(
        "--retries",
        type=int,
        default=None,
        show_default=_shown(FetchSettings, "retries"),
        help="Further tries after a network error, a timeout, 429 or 5xx.",
    ),
    click.option(
        "--backoff",
        type=Duration(),
        default=None,
        show_default=_shown(FetchSettings, "backoff"),
        help="Wait before the first retry, doubled for each further one.",
    ),
    click.option(
        "--allow-private",
        is_flag=True,
        default=None,
        help="Fetch from loopback and private addresses too (refused by default).",
    ),
    click.option(
        "--language",
        default=None,
        show_default=_shown(FetchSettings, "language"),
        help="Web articles in other languages (ISO 639-1, detected from the text) are skipped.",
    ),
]


def _reading_options(command: Callable) -> Callable:
    return functools.reduce(lambda wrapped, option: option(wrapped), reversed(_READING_OPTIONS), command)


def _settings(**given: object) -> Settings:
    """The settings for this command: options given, else the environment, else the defaults (kg.config)."""
    try:
        return Settings.build(**given)
    except ValueError as error:
        raise click.UsageError(str(error)) from error


def _reader(settings: Settings) -> QueryEngine:
    try:
        return open_reader(settings)
    except StoreError as error:
        raise click.ClickException(str(error)) from error


class _Commands(click.Group):
    """Every failure a user can cause or meet is one line saying what and what to do; `--debug` shows the traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (InputError, StoreError, LedgerError) as error:
            if _debugging(ctx):
                raise
            raise click.ClickException(str(error)) from error
        except OSError as error:
            if _debugging(ctx):
                raise
            where = f" {error.filename}" if error.filename else ""
            raise click.ClickException(
                f"cannot use{where}: {error.strerror or error} (check the path and its permissions)"
            ) from error
        except Exception as error:
            if _debugging(ctx):
                raise
            raise click.ClickException(
                f"{type(error).__name__}: {error} — run `kg --debug …` for the traceback, "
                "and please report it if the input looks fine"
            ) from error


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get("debug"))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, envvar="KG_DEBUG", help="Show the full traceback of an error (env KG_DEBUG).")
def main(debug: bool) -> None:
    """Astana KG: news articles in, a linked-data knowledge graph out."""


@main.command()
@click.argument("paths", nargs=-1, required=True)  # not click.Path: it would turn https:// into https:/
@_store_option
@_base_option
@_model_option
@_reading_options
@click.option(
    "--batch-size",
    type=int,
    default=None,
    show_default=_shown(IngestSettings, "batch_size"),
    help="Articles per all-or-nothing write.",
)
@click.option("--processes", type=int, default=None, help="NLP worker processes  [default: all cores].")
@click.option("--dask", default=None, help="Run the NLP on this Dask scheduler, e.g. tcp://host:8786 (env KG_DASK).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or progress lines.")
@log_options
def ingest(paths: tuple[str, ...], quiet: bool, **options: object) -> None:
    """Extract articles from files, directories and URLs into the store.

    Files: seed-format .txt, .jsonl, saved .html pages, .warc/.warc.gz archives,
    RSS/Atom feeds and sitemaps (.xml, .rss, .atom; the pages they link to are
    fetched). URLs: an article page, a feed or a sitemap.

    Everything is read and checked first: a bad line stops the ingest with
    `file:line: problem` before anything is written. Articles are then written
    in batches, each all-or-nothing; articles already stored unchanged are
    skipped, so running the same command again after a crash completes it.
    Pages that cannot be used (HTTP errors, other languages, no article text)
    are skipped, each named on stderr, and counted.
    """
    from kg.ingest import ingest as run_ingest
    from kg.nlp import check_model
    from kg.progress import IngestProgress
    from kg.spool import articles_of

    settings = _settings(**options)
    check_model(settings.model)
    try:
        with articles_of(paths, settings) as (source, report), IngestProgress(quiet=quiet) as progress:
            summary = run_ingest(source, settings, progress=progress)
    except InputError as error:
        raise click.ClickException(f"{error} — nothing was written") from error
    if report.skipped or report.warnings:
        click.echo(f"Reading: {report}.", err=True)
    click.echo(f"Ingested {summary}; store {settings.location}.")
    if summary.failed:
        sys.exit(1)


@main.command()
@click.argument("articles", nargs=-1, required=True)
@_store_option
@_base_option
def remove(articles: tuple[str, ...], **options: object) -> None:
    """Remove articles (by IRI, or by the id they were ingested with); entities and the tie cube follow."""
    from kg.ingest import remove as run_remove

    summary = run_remove(articles, _settings(**options))
    click.echo(f"Removed {summary.removed} of {len(articles)} articles.")


@main.command()
@click.argument("query")
@_store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv", "xml"]),
    default="table",
    show_default=True,
    help="Results format (json = SPARQL 1.1 Query Results JSON).",
)
def query(query: str, fmt: str, **options: object) -> None:
    """Run a SPARQL query (text, or @file.rq) over the union of the graphs, or over the graphs its FROM names."""
    from kg.results import write_results
    from server.sparql_text import keywords

    text = _read_query(query)
    with _reader(_settings(**options)) as engine:
        try:
            results = engine.query(text, prefixes=True, union="FROM" not in keywords(text))
        except SyntaxError as error:
            raise click.ClickException(f"SPARQL syntax error: {error}") from error
        write_results(results, fmt, sys.stdout)


def _read_query(argument: str) -> str:
    """The query text, or the contents of `@file.rq`."""
    if not argument.startswith("@"):
        return argument
    path = Path(argument[1:])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise click.ClickException(f"cannot read the query file {path}: {reason}") from error


EVENT_FORMATS = ("gdelt-events", "gdelt-mentions", "plover", "icews")


@main.command()
@_store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdf", *EVENT_FORMATS]),
    default="trig",
    show_default=True,
    help="An RDF format, or the ties as event data: GDELT 2.0 events or mentions, PLOVER JSONL, ICEWS.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@click.option("--country", help="Event data: ties with this country (ISO 3166-1 alpha-2) on either side.")
@click.option("--since", help="Event data: events on or after this day (YYYY-MM-DD).")
@click.option("--until", help="Event data: events on or before this day (YYYY-MM-DD).")
@click.option("--type", "tie_type", help="Event data: ties of this type (Meeting, Visit, ..., Agreement).")
def export(
    fmt: str,
    output: Path | None,
    country: str | None,
    since: str | None,
    until: str | None,
    tie_type: str | None,
    **options: object,
) -> None:
    """Serialise the whole store (quad formats keep one graph per article), or its ties as event data.

    Event data has one row per tie (dyad), in order of day; ties without a
    CAMEO code or a day are left out. The rows stream: memory stays flat
    whatever the size of the store.
    """
    filters = {"country": country, "since": since, "until": until, "type": tie_type}
    if fmt not in EVENT_FORMATS:
        if any(filters.values()):
            raise click.UsageError("--country, --since, --until and --type select ties: use them with an event format")
        from kg.export import write

        with _reader(_settings(**options)) as engine, _output(output) as handle:
            write(engine.quads(), fmt, handle)
        summary = fmt
    else:
        from kg.eventdata import Selection, SelectionError
        from kg.eventdata import export as write_events

        try:
            selection = Selection.parse(**filters)
        except SelectionError as error:
            raise click.UsageError(str(error)) from error
        with _reader(_settings(**options)) as engine, _output(output) as handle:
            summary = f"{write_events(engine.select, fmt, selection, handle)} rows"
    if output is not None:
        click.echo(f"Wrote {output} ({summary})", err=True)


@contextmanager
def _output(path: Path | None) -> Iterator[BinaryIO]:
    """The file to write, or standard output."""
    if path is None:
        yield sys.stdout.buffer
        return
    with open(path, "wb") as handle:
        yield handle


@main.command()
@_store_option
def stats(**options: object) -> None:
    """Counts of articles, entities, events by type, agreements and bilateral ties."""
    from kg.stats import collect

    with _reader(_settings(**options)) as engine:
        for label, value in collect(engine):
            click.echo(f"{label:<28}{value:>10}")


@main.command()
@_store_option
def validate(**options: object) -> None:
    """Check the store's integrity and its SHACL shapes; exit 1 with a report on violations."""
    from kg.ledger import LEDGER_FILE, Ledger
    from kg.validate import validate as run_validation

    settings = _settings(**options)
    ledger_path = settings.store / LEDGER_FILE
    with _reader(settings) as engine:
        if ledger_path.exists():
            with Ledger(ledger_path, read_only=True) as ledger:
                report = run_validation(engine, ledger)
        else:
            report = run_validation(engine)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    if report.conforms:
        click.echo(
            f"Conforms: {report.triples} triples are each in one graph, the tie cube, the statistics and "
            "the entities graph are exact, and they satisfy ontology/shapes.ttl."
        )
        return
    click.echo(report.text)
    sys.exit(1)


@main.command()
@_store_option
@_base_option
@click.option("--host", default=None, show_default=_shown(ServerSettings, "host"))
@click.option("--port", default=None, type=int, show_default=_shown(ServerSettings, "port"))
@click.option(
    "--threads", default=None, type=int, show_default=_shown(ServerSettings, "threads"), help="Connection threads."
)
@click.option(
    "--workers", default=None, type=int, show_default=_shown(ServerSettings, "workers"), help="Query worker processes."
)
@click.option(
    "--write-token",
    default=None,
    help="Enable SPARQL Update / Graph Store writes for requests bearing this token (env KG_WRITE_TOKEN).",
)
@click.option(
    "--timeout",
    "query_timeout",
    default=None,
    type=float,
    show_default=_shown(ServerSettings, "query_timeout"),
    help="Query timeout in seconds.",
)
@click.option(
    "--row-limit",
    default=None,
    type=int,
    show_default=_shown(ServerSettings, "row_limit"),
    help="Maximum rows of a result.",
)
@click.option(
    "--trusted-proxy",
    default=None,
    help="Address of a reverse proxy in front: its X-Forwarded-For names the client (per-client limits).",
)
@log_options
def serve(**options: object) -> None:
    """Serve the store: SPARQL endpoint, canned-query API, exports and resource pages.

    A remote store (--store http(s)://…) is served the same way: queries go to it, read-only unless
    --write-token is given (updates then go to its update endpoint).
    """
    from server import serve as run_server

    settings = _settings(**options)
    if not store_exists(settings):
        raise click.ClickException(f"no store at {settings.location}: run `kg ingest` first")
    run_server(settings)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@_store_option
@_base_option
@_model_option
@_reading_options
@click.option(
    "--every",
    type=Duration(),
    default=None,
    show_default=_shown(FetchSettings, "every"),
    help="Time between two polls.",
)
@click.option("--once", is_flag=True, help="Poll once, then exit (for cron).")
@log_options
def watch(sources: tuple[str, ...], once: bool, **options: object) -> None:
    """Keep the graph current from feeds, sitemaps and article URLs, polling them every --every.

    Conditional GETs; new and changed articles are written in small batches;
    a state file next to the store (STORE.watch.sqlite) remembers what was
    seen, so a restart neither refetches nor re-ingests. Failures are logged,
    counted and retried with backoff; SIGTERM stops cleanly between batches.
    """
    from kg.sources.record import url_problem

    for source in sources:
        if problem := url_problem(source):
            raise click.UsageError(f"{source!r} {problem}: kg watch polls http(s) URLs of feeds, sitemaps or pages")
    settings = _settings(**options)
    from kg.watch import Watcher

    try:
        watcher = Watcher(list(sources), settings)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    watcher.run(once=once)


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_model_option
def evaluate(gold: Path, model: str) -> None:
    """Score extraction against a gold JSONL file: precision, recall, F1 per category."""
    from kg.evaluate import evaluate as run_evaluation

    click.echo(str(run_evaluation(gold, _settings(store=Path("unused"), model=model))))


@main.command()
@click.option("--articles", default=5000, show_default=True, help="Size of the generated corpus.")
@click.option("--runs", default=None, help="Process counts of the ingest runs, e.g. 1,2  [default: 1 and all cores].")
@click.option("--bare/--no-bare", default=True, show_default=True, help="Measure the bare nlp.pipe baseline.")
@click.option("--writer/--no-writer", default=True, show_default=True, help="Measure the writer alone.")
@_model_option
def bench(articles: int, runs: str | None, bare: bool, writer: bool, model: str | None) -> None:
    """Ingest throughput and peak memory against bare spaCy, with 1 and N processes; the writer's own ceiling."""
    import os

    try:
        counts = [int(part) for part in runs.split(",")] if runs else sorted({1, os.cpu_count() or 1})
    except ValueError:
        raise click.BadParameter(f"give process counts like 1,2, not {runs!r}", param_hint="--runs") from None
    if any(count < 1 for count in counts):
        raise click.BadParameter("process counts must be positive", param_hint="--runs")
    from kg.bench import run

    run(articles, _settings(model=model).model, counts, bare=bare, writer=writer, echo=click.echo)
