"""Ingest throughput and canned-query latency per backend: the embedded store, Oxigraph server, Virtuoso.

    python tests/bench/bench_remote.py [--articles 10000] [--batch-size 1000] [--runs 9] [--backends ...] [--no-http]

The corpus is `--articles` synthetic articles (`tests/fixtures/synthetic_events.py`:
persons with offices, meetings, visits, aid and signings with their ties,
places and dates, mapped by the real graph builder; no spaCy), committed in
batches of `--batch-size` through `kg.ingest.open_writer` exactly as `kg
ingest` writes (ledger, entities graph, tie cube, search index, then the
store). Servers are started as the tests start them
(`tests/fixtures/triplestores.py`) in a temporary directory. Then every canned
query without required parameters is timed with its defaults:

* directly, `--runs` times through `kg.stores.open_reader` (in a child process
  killed at `SLOW` s, since pyoxigraph cannot stop a query), and
* over HTTP, `--runs` times through a `kg serve` process on that store
  (`--timeout SLOW`, the answer as SPARQL JSON).

A store without `LATERAL` (Virtuoso) runs the queries' portable forms
(`queries/portable`), as `kg serve` does. Each cell is the median; "error"
means the store rejected the query, "> 30 s" that it ran out of time. The machine's load average is printed before and after, since the
servers share its cores with whatever else runs there.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures import synthetic_events
from fixtures.server_harness import kg_serve
from fixtures.triplestores import oxigraph_server, virtuoso_server
from kg.config import Settings, queries_dir
from kg.ingest import open_writer
from kg.records import ArticleRecord
from kg.remote import QueryTimeoutError, RemoteStoreError
from kg.stores import open_reader, reads_lateral
from server import sparql_text
from server.canned import load_queries

#: A query is not repeated once its runs took this long (seconds); the stores and `kg serve` stop it there too.
SLOW = 30.0
CREDENTIALS = ("KG_STORE_USER", "KG_STORE_PASSWORD")


@contextlib.contextmanager
def backend(name: str, directory: Path) -> Iterator[tuple[Settings, list[str]]]:
    """The store's settings for the writer and reader, and the options that name it to `kg serve`."""
    if name == "embedded":
        yield Settings.build(store=directory / "store"), ["--store", str(directory / "store")]
        return
    start = oxigraph_server(directory, timeout_s=int(SLOW)) if name == "oxigraph" else virtuoso_server(directory)
    with start as store:
        if store.password:  # the writer reads its credentials from the environment, as `kg ingest` does
            os.environ |= {"KG_STORE_USER": store.user or "", "KG_STORE_PASSWORD": store.password}
        try:
            state = directory / "state"
            yield Settings.build(store=store.url, store_type=store.kind, state_dir=state), store.options(state)
        finally:
            for key in CREDENTIALS:
                os.environ.pop(key, None)


def canned(settings: Settings) -> dict[str, str]:
    """Every canned query without required parameters, as the server runs it with its defaults on that store."""
    texts = {}
    for query in load_queries(queries_dir(), portable=not reads_lateral(settings)).values():
        if not any(p.required for p in query.parameters):
            text, bindings = query.bind({})
            texts[query.name] = sparql_text.replace_variables(text, {k: str(v) for k, v in bindings.items()})
    return texts


def measure(name: str, records: list[ArticleRecord], batch_size: int, runs: int, http: bool) -> dict[str, str]:
    row: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory(prefix=f"kg-bench-{name}-") as directory,
        backend(name, Path(directory)) as (settings, options),
    ):
        started = time.perf_counter()
        quads = 0
        with open_writer(settings) as writer:
            for start in range(0, len(records), batch_size):
                quads += writer.commit(records[start : start + batch_size]).quads
        seconds = time.perf_counter() - started
        row["ingest"] = f"{len(records) / seconds:,.0f} articles/s ({quads / seconds:,.0f} quads/s, {seconds:.0f} s)"
        for query, text in canned(settings).items():
            row[query] = timed(settings, text, runs)
        if http:
            with kg_serve(*options, "--timeout", str(SLOW), log=Path(directory) / "serve.log") as served:
                for query in canned(settings):
                    row[f"http {query}"] = timed_http(served.url, query, runs)
    print(f"{name}: {row}", file=sys.stderr, flush=True)
    return row


def timed(settings: Settings, text: str, runs: int) -> str:
    """The median of up to `runs` runs, in a child process killed at `SLOW` s (pyoxigraph cannot stop a query)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_runs, args=(child, settings, text, runs), daemon=True)
    process.start()
    answer = parent.recv() if parent.poll(SLOW + 30) else f"> {SLOW:g} s"
    process.kill()
    process.join()
    return answer


def _runs(conn: Connection, settings: Settings, text: str, runs: int) -> None:
    times: list[float] = []
    try:
        with open_reader(settings) as engine:
            while len(times) < runs and sum(times) < SLOW:
                begun = time.perf_counter()
                result = engine.query(text, timeout=SLOW)
                sum(1 for _ in result)  # type: ignore[attr-defined]
                times.append(time.perf_counter() - begun)
    except QueryTimeoutError:
        conn.send(f"> {SLOW:g} s")
        return
    except (RemoteStoreError, SyntaxError, OSError):
        conn.send("error")
        return
    conn.send(_median(times, runs))


def timed_http(url: str, query: str, runs: int) -> str:
    """The median time of `GET /api/{query}` (SPARQL JSON, body read) over up to `runs` runs."""
    times: list[float] = []
    while len(times) < runs and sum(times) < SLOW:
        begun = time.perf_counter()
        response = requests.get(
            f"{url}/api/{query}", headers={"Accept": "application/sparql-results+json"}, timeout=SLOW + 30
        )
        if response.status_code != 200:
            return f"> {SLOW:g} s" if response.status_code == 503 else "error"
        times.append(time.perf_counter() - begun)
    return _median(times, runs)


def _median(times: list[float], runs: int) -> str:
    return f"{statistics.median(times) * 1000:,.0f} ms" + (f" ({len(times)} runs)" if len(times) < runs else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--backends", default="embedded,oxigraph,virtuoso")
    parser.add_argument("--no-http", dest="http", action="store_false", help="Skip the runs through `kg serve`.")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", file=sys.stderr, flush=True)
    records = list(synthetic_events.records(args.articles))
    names = args.backends.split(",")
    rows = {name: measure(name, records, args.batch_size, args.runs, args.http) for name in names}
    print(f"load average after: {os.getloadavg()}", file=sys.stderr, flush=True)
    keys = list(dict.fromkeys(key for row in rows.values() for key in row))
    print(f"| {args.articles:,} articles | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for key in keys:
        label = (
            "ingest (writer)"
            if key == "ingest"
            else (f"`{key[5:]}` p50 over HTTP" if key.startswith("http ") else f"`{key}` p50")
        )
        print(f"| {label} | " + " | ".join(rows[name].get(key, "–") for name in names) + " |")


if __name__ == "__main__":
    main()
