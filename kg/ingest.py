"""`kg ingest` and `kg remove`: stream articles through the NLP in parallel and into the store in batches.

The input is read twice. A first streaming pass validates every record and
mints its IRI, so a bad line or two records with the same IRI stop the run
before anything is written (`InputError`, naming both lines). The second pass
skips articles the store already holds with the same content hash
("unchanged": a rerun after a crash continues where it stopped, and yesterday's
feed re-ingested costs nothing), sends the others through the NLP — in this
process, in `--processes` worker processes, or on a Dask cluster — and hands
their records, in input order, to the single writer, one all-or-nothing batch
of `--batch-size` articles at a time. Memory holds a bounded window of
articles in flight and one batch, whatever the size of the input.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from kg.config import Settings
from kg.iris import article_key
from kg.ledger import LEDGER_FILE, Ledger
from kg.pipeline import Failure, Pipeline, fingerprint
from kg.readers import Article, InputError
from kg.records import ArticleRecord, content_hash
from kg.store import StoreError
from kg.stores import open_backend
from kg.writer import Writer

log = logging.getLogger("kg.ingest")

#: Articles per task sent to a worker: enough for `nlp.pipe` batching, small enough to keep all busy.
CHUNK = 64
#: Unless told how many processes to use, fewer articles than this are read in this process:
#: starting workers (each loads the model) would cost more than it saves.
PARALLEL_FROM = 4 * CHUNK

Articles = Callable[[], Iterable[Article]]


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    quads: int = 0
    batches: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        parts = [f"{self.new} new", f"{self.replaced} replaced", f"{self.unchanged} unchanged"]
        if self.removed:
            parts.append(f"{self.removed} removed")
        parts.append(f"{len(self.failed)} failed")
        return (
            f"{', '.join(parts)} of {self.read} articles; {self.quads} quads written in "
            f"{self.batches} batches, {self.seconds:.1f} s"
        )


class Progress(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


# -- the store side -------------------------------------------------------------------------------


@contextmanager
def open_writer(settings: Settings) -> Iterator[Writer]:
    """The store and its ledger, opened for writing (one writer at a time), with any crashed batch finished."""
    with open_backend(settings) as backend:
        ledger = Ledger(settings.store / LEDGER_FILE)
        try:
            backend.adopt(ledger)
            yield Writer(backend, ledger, settings.base_iri)
        finally:
            ledger.close()


def article_iri(settings: Settings, article: Article) -> str:
    return f"{settings.base_iri}article/{article_key(article.id, article.url, article.title)}"


# -- ingest ---------------------------------------------------------------------------------------


def validate(articles: Articles, settings: Settings, writer: Writer | None = None) -> tuple[int, int]:
    """Read everything once: (articles, articles to process), or `InputError` on a bad record or a shared IRI.

    With a `writer`, articles its store holds with the same content hash are
    not "to process".
    """
    first_seen: dict[str, str] = {}
    count = todo = 0
    stamp = fingerprint(settings)
    for article in articles():
        iri = article_iri(settings, article)
        if iri in first_seen:
            raise InputError(
                article.source,
                0,
                f"same article IRI {iri} as {first_seen[iri]}; give each article its own id, or remove the duplicate",
            )
        first_seen[iri] = article.source
        count += 1
        if writer is None or writer.stored_hash(iri) != content_hash(article, stamp):
            todo += 1
    return count, todo


def ingest(
    articles: Articles | Sequence[Article],
    settings: Settings,
    *,
    pipeline: Pipeline | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Validate, then extract and write in batches; `pipeline` (already loaded) forces in-process NLP."""
    started = time.perf_counter()
    source: Articles = (lambda: articles) if isinstance(articles, Sequence) else articles
    stamp = fingerprint(settings)
    with open_writer(settings) as writer:
        read, todo = validate(source, settings, writer)
        summary = IngestSummary(read=read, unchanged=read - todo)
        changed = (
            article
            for article in source()
            if writer.stored_hash(article_iri(settings, article)) != content_hash(article, stamp)
        )
        done = summary.unchanged
        for batch in _batches(_records(changed, todo, settings, pipeline), settings.ingest.batch_size):
            records = [item for item in batch if isinstance(item, ArticleRecord)]
            for failure in (item for item in batch if isinstance(item, Failure)):
                log.error(
                    "%s: extraction failed, article skipped (%s); please report it", failure.source, failure.error
                )
                summary.failed.append(failure)
            result = writer.commit(records)
            summary.new += result.new
            summary.replaced += result.replaced
            summary.unchanged += result.unchanged
            summary.quads += result.quads
            summary.batches += 1
            done += len(batch)
            if progress is not None:
                progress(done, summary.read)
    summary.seconds = time.perf_counter() - started
    return summary


def remove(keys: Iterable[str], settings: Settings) -> IngestSummary:
    """Remove articles by IRI or by id (as given at ingest); the entities graph and cube follow."""
    started = time.perf_counter()
    iris = [
        key if key.startswith(("http://", "https://")) else f"{settings.base_iri}article/{article_key(key, None, key)}"
        for key in keys
    ]
    summary = IngestSummary(read=len(iris))
    with open_writer(settings) as writer:
        result = writer.commit(removals=iris)
    missing = result.missing
    if missing:
        log.warning("%d of the given articles are not in the store", missing)
    summary.removed, summary.batches, summary.seconds = result.removed, 1, time.perf_counter() - started
    return summary


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# -- the NLP side ---------------------------------------------------------------------------------


def _records(
    articles: Iterable[Article], count: int, settings: Settings, pipeline: Pipeline | None
) -> Iterator[ArticleRecord | Failure]:
    """Records in input order, from wherever the NLP runs (`count` articles)."""
    processes = settings.ingest.processes or (os.cpu_count() or 1 if count >= PARALLEL_FROM else 1)
    if pipeline is not None or (settings.ingest.dask is None and processes == 1):
        yield from (pipeline or _pipeline(settings)).records(articles)
        return
    if settings.ingest.dask is not None:
        yield from _on_dask(articles, count, settings)
    else:
        yield from _on_processes(articles, count, settings, processes)


@lru_cache(maxsize=1)
def _pipeline(settings: Settings) -> Pipeline:
    """The pipeline of this process, loaded on first use: once per worker process, whatever the tasks."""
    return Pipeline(settings)


def process_chunk(settings: Settings, articles: list[Article]) -> list[ArticleRecord | Failure]:
    """One task: a chunk of articles through this process's pipeline (a worker process or a Dask worker)."""
    return list(_pipeline(settings).records(articles))


def _in_order(
    submit: Callable[[list[Article]], Any], chunks: Iterable[list[Article]], window: int
) -> Iterator[ArticleRecord | Failure]:
    """Keep `window` tasks in flight and yield their results in submission order (bounded memory)."""
    in_flight: deque[Any] = deque()
    for chunk in chunks:
        in_flight.append(submit(chunk))
        if len(in_flight) >= window:
            yield from in_flight.popleft().result()
    while in_flight:
        yield from in_flight.popleft().result()


def _chunks(articles: Iterable[Article], count: int, workers: int) -> Iterator[list[Article]]:
    """Tasks of up to `CHUNK` articles, smaller when the input is small so every worker gets some."""
    return _batches(articles, max(1, min(CHUNK, -(-count // (2 * workers)))))


def _on_processes(
    articles: Iterable[Article], count: int, settings: Settings, workers: int
) -> Iterator[ArticleRecord | Failure]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # never fork a process holding RocksDB and SQLite handles
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from _in_order(
            lambda chunk: pool.submit(process_chunk, settings, chunk), _chunks(articles, count, workers), 3 * workers
        )


def _on_dask(articles: Iterable[Article], count: int, settings: Settings) -> Iterator[ArticleRecord | Failure]:
    try:
        from distributed import Client
    except ImportError as error:
        raise StoreError("--dask needs the dask extra: pip install 'astana-kg[dask]'") from error
    with Client(settings.ingest.dask) as client:
        workers = max(1, sum(client.nthreads().values()))
        log.info("ingest: extraction on the Dask cluster at %s (%d worker threads)", settings.ingest.dask, workers)
        yield from _in_order(
            lambda chunk: client.submit(process_chunk, settings, chunk, pure=False),
            _chunks(articles, count, workers),
            3 * workers,
        )
