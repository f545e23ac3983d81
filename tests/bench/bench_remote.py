"""Ingest throughput and canned-query latency per backend: the embedded store, Oxigraph server, Virtuoso.

    python tests/bench/bench_remote.py [--articles 10000] [--batch-size 1000] [--runs 15] [--backends ...]

The corpus is the 50 seed articles run once through the real pipeline, then
copied under new article IRIs until it holds `--articles` articles (the
writer's whole path runs for each copy: ledger, entities, tie cube, search
index, then the store), committed in batches of `--batch-size` through
`kg.ingest.open_writer` exactly as `kg ingest` writes. Servers are started as
the tests start them (`tests/fixtures/triplestores.py`) in a temporary
directory. Then every canned query (default parameters) is run `--runs` times
through `kg.stores.open_reader` and its median reported; "error" means the
store rejected it (see VIRTUOSO_DEVIATIONS in tests/test_remote_store.py).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures.triplestores import RunningStore, oxigraph_server, virtuoso_server
from kg.bench import _renamed
from kg.config import Settings, queries_dir
from kg.ingest import open_writer
from kg.pipeline import Failure, Pipeline
from kg.readers import read_articles
from kg.records import ArticleRecord
from kg.remote import QueryTimeoutError, RemoteStoreError
from kg.stores import open_reader
from server import sparql_text
from server.canned import load_queries

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
#: A query is not repeated once its runs took this long (seconds); remote stores are also stopped at it.
SLOW = 30.0


def corpus(size: int) -> Iterator[ArticleRecord]:
    template = [r for r in Pipeline(Settings(store=Path("unused"))).records(read_articles([SEEDS]))
                if not isinstance(r, Failure)]
    for number in range(size):
        yield _renamed(template[number % len(template)], f"copy{number // len(template)}-")


@contextlib.contextmanager
def backend(name: str, directory: Path) -> Iterator[tuple[Settings, RunningStore | None]]:
    if name == "embedded":
        yield Settings.build(store=directory / "store"), None
        return
    start = oxigraph_server if name == "oxigraph" else virtuoso_server
    with start(directory) as store, contextlib.ExitStack() as env:
        if store.password:
            import os

            os.environ |= {"KG_STORE_USER": store.user or "", "KG_STORE_PASSWORD": store.password}
            env.callback(lambda: [os.environ.pop(key, None) for key in ("KG_STORE_USER", "KG_STORE_PASSWORD")])
        yield Settings.build(store=store.url, store_type=store.kind, state_dir=directory / "state"), store


def measure(name: str, records: list[ArticleRecord], batch_size: int, runs: int) -> dict[str, str]:
    row: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix=f"kg-bench-{name}-") as directory, \
            backend(name, Path(directory)) as (settings, _):
        started = time.perf_counter()
        quads = 0
        with open_writer(settings) as writer:
            for start in range(0, len(records), batch_size):
                quads += writer.commit(records[start : start + batch_size]).quads
        seconds = time.perf_counter() - started
        row["ingest"] = f"{len(records) / seconds:,.0f} articles/s ({quads / seconds:,.0f} quads/s, {seconds:.0f} s)"
        for query in load_queries(queries_dir()).values():
            if not any(p.required for p in query.parameters):
                text, bindings = query.bind({})
                text = sparql_text.replace_variables(text, {k: str(v) for k, v in bindings.items()})
                row[query.name] = timed(settings, text, runs)
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
    conn.send(f"{statistics.median(times) * 1000:,.0f} ms" + (f" ({len(times)} runs)" if len(times) < runs else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--backends", default="embedded,oxigraph,virtuoso")
    args = parser.parse_args()
    records = list(corpus(args.articles))
    names = args.backends.split(",")
    rows = {name: measure(name, records, args.batch_size, args.runs) for name in names}
    keys = list(dict.fromkeys(key for row in rows.values() for key in row))
    print(f"| {args.articles:,} articles | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for key in keys:
        label = "ingest (writer)" if key == "ingest" else f"`{key}` p50"
        print(f"| {label} | " + " | ".join(rows[name].get(key, "–") for name in names) + " |")


if __name__ == "__main__":
    main()
