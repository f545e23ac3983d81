"""What a query worker process does: evaluate a job against the store, serialize with pyoxigraph, reply with bytes.

This module runs inside the supervised worker processes (see `server.pool`),
never in the web server: a query that runs too long is stopped by killing its
process, which is the only way to stop pyoxigraph mid-query.

`Engine` is the server's one query-engine interface, and holds everything
that does not depend on where the data is: the job types, the reply protocol,
serialization in every format, row caps, exports and event data. Its two
implementations say how to evaluate, dump and update:

* `SnapshotEngine`, for the embedded store: each worker holds its own
  read-only snapshot and re-opens it when the job carries a newer generation
  than the one it opened (`kg ingest` bumps it after writing). SPARQL Updates
  run here too (on a briefly opened read-write store), because a worker is
  where the network is out of reach: before it says it is ready, a worker
  takes away its own ability to open network sockets (`server.sandbox`), so
  neither `SERVICE` nor `LOAD` can fetch anything.
* `server.remote.RemoteEngine`, for a triple store over HTTP (`kg serve
  --store http://…`): the store evaluates, the worker relays, within the job's
  deadline.

Each job runs on a fresh thread with a large stack: Oxigraph parses and
evaluates recursively, and a query within the length limit but with, say,
5,000 chained `BIND`s or 10,000 `+` overflows the main thread's 8 MiB stack
and kills the process. The stack is only reserved address space; pages are
committed as used and returned when the job's thread ends.

The reply to a job is one `Reply` message followed by body chunks and an empty
chunk. Results are capped and fully serialized before the reply is sent, so the
web server knows the status before it sends headers.
"""

from __future__ import annotations

import itertools
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph

from kg import jsonld
from kg.vocab import PREFIXES
from server import formats
from server.sandbox import Fence, deny_network

if TYPE_CHECKING:
    from kg.eventdata import Selection
    from kg.eventdata.ties import Select
    from kg.remote import Result

CHUNK = 256 * 1024
#: Stack of a job's thread: enough for any query of up to 100,000 characters (measured: 256 MiB suffices).
JOB_STACK = 512 * 1024 * 1024


@dataclass(frozen=True)
class Dataset:
    """The protocol's RDF dataset.

    Given graph lists win (`default-graph-uri`, `named-graph-uri`); otherwise the
    default graph is the union of the named graphs (`union`), unless the query
    chose its own dataset with `FROM`/`FROM NAMED` (`union=False`).
    """

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union: bool = True


@dataclass(frozen=True)
class QueryJob:
    generation: int
    query: str
    dataset: Dataset = field(default_factory=Dataset)
    results_format: str | None = None  # wire token used if the query is SELECT or ASK
    graph_format: str | None = None  # wire token used if the query is CONSTRUCT or DESCRIBE
    row_limit: int = 10_000
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint's URL)
    #: When the answer is due (`time.monotonic()`, the same clock in every process): the pool stops the job then,
    #: and a remote engine stops waiting for the store a moment before, and tells the store.
    deadline: float | None = None


@dataclass(frozen=True)
class DumpJob:
    generation: int
    format: str
    graph: str | None = None  # one named graph, else the whole dataset


@dataclass(frozen=True)
class EventsJob:
    """The store's ties as event data (`kg.eventdata`), streamed like a dump from one snapshot."""

    generation: int
    layout: str  # a key of kg.eventdata.LAYOUTS
    selection: Selection


@dataclass(frozen=True)
class UpdateJob:
    text: str
    base_iri: str | None = None
    deadline: float | None = None  # as QueryJob's


Job = QueryJob | DumpJob | EventsJob | UpdateJob


@dataclass(frozen=True)
class Ready:
    """A worker's first message: it can take jobs, and what keeps it off the network (see `server.sandbox`)."""

    pid: int
    fence: Fence
    note: str


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str = "text/plain; charset=utf-8"
    form: str = ""  # "results" or "graph"
    truncated: bool = False
    message: str = ""


class JobError(Exception):
    """A job an engine cannot answer: the status to reply with, and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _CapReached(Exception):  # noqa: N818 - a signal, not an error
    """Raised from inside a serializer to stop it once the row cap is reached."""


class _LineCap:
    """A write target that keeps the first `lines` lines and then stops the writer."""

    def __init__(self, lines: int) -> None:
        self.remaining = lines
        self.parts: list[bytes] = []
        self.truncated = False

    def write(self, data: bytes) -> int:
        count = data.count(b"\n")
        if count < self.remaining:
            self.remaining -= count
            self.parts.append(bytes(data))
            return len(data)
        cut = -1
        for _ in range(self.remaining):
            cut = data.index(b"\n", cut + 1)
        self.parts.append(bytes(data[: cut + 1]))
        self.remaining = 0
        # More bytes than the cap allows, or a full line still to come, means more rows exist.
        self.truncated = len(data) > cut + 1
        if self.truncated:
            raise _CapReached
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes its writer when done; everything is already kept."""


class Engine(ABC):
    """Answers jobs, whatever the store: implementations evaluate, dump and update; the rest is shared here."""

    @abstractmethod
    def fence(self) -> tuple[Fence, str]:
        """Keep this worker off the network as far as the store allows (before the first job); (fence, how)."""

    def unavailable(self) -> str | None:
        """Why no query can be answered now (no store yet), or None."""
        return None

    @abstractmethod
    def evaluate(self, job: QueryJob) -> AbstractContextManager[tuple[Result, bool]]:
        """The query's result, readable inside the block, and whether the store itself cut it short.

        Failures the client should see as such raise `JobError`; pyoxigraph's
        own errors are mapped by `_query`.
        """

    @abstractmethod
    def update(self, job: UpdateJob) -> Reply: ...

    @abstractmethod
    def missing(self, job: DumpJob | EventsJob) -> str | None:
        """Why an export cannot start (no such graph), checked before it replies 200; JobError if it cannot tell."""

    @abstractmethod
    def dump(self, job: DumpJob, fmt: pyoxigraph.RdfFormat, output: ChunkWriter) -> None:
        """Write the graph, or the dataset (its union, in a triple format), to `output`."""

    @abstractmethod
    def select(self, job: EventsJob) -> Select:
        """How event data reads the store: a SELECT over the union of the graphs, with the project's prefixes."""

    def handle(self, job: Job, send: Callable[[Reply], None], send_bytes: Callable[[bytes], None]) -> None:
        if isinstance(job, UpdateJob):
            send(self.update(job))
            send_bytes(b"")
            return
        if (reason := self.unavailable()) is not None:
            send(Reply(503, message=reason))
            send_bytes(b"")
            return
        if isinstance(job, (DumpJob, EventsJob)):
            self._export(job, send, send_bytes)
        else:
            reply, body = self._query(job)
            send(reply)
            for start in range(0, len(body), CHUNK):
                send_bytes(body[start : start + CHUNK])
        send_bytes(b"")

    def _query(self, job: QueryJob) -> tuple[Reply, bytes]:
        try:
            with self.evaluate(job) as (result, cut):
                if isinstance(result, (pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean)):
                    reply, body = self._results(result, job)
                else:
                    reply, body = self._graph(result, job)
        except JobError as error:
            return Reply(error.status, message=error.message), b""
        except SyntaxError as error:
            return Reply(400, message=f"SPARQL syntax error: {error}"), b""
        except (ValueError, TypeError, RuntimeError) as error:
            return Reply(400, message=f"query rejected: {error}"), b""
        except OSError as error:
            return Reply(500, message=f"query evaluation failed: {error}"), b""
        return (replace(reply, truncated=True) if cut and reply.status == 200 else reply), body

    def _results(
        self, result: pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean, job: QueryJob
    ) -> tuple[Reply, bytes]:
        if job.results_format is None:
            return Reply(406, form=formats.RESULTS), b""
        target = formats.by_name(job.results_format, formats.RESULT_FORMATS)
        assert target is not None
        fmt = target.results
        if isinstance(result, pyoxigraph.QueryBoolean):
            return Reply(200, target.media_type, formats.RESULTS), _written(result.serialize(format=fmt))
        # Serialize to TSV (one row a line) until the cap, then re-serialize the kept rows natively.
        cap = _LineCap(job.row_limit + 1)  # + the header line
        try:
            result.serialize(cap, format=pyoxigraph.QueryResultsFormat.TSV)  # type: ignore[arg-type]  # pyoxigraph writes to any .write(); its stub says IO[bytes]
        except Exception:  # pyoxigraph re-raises _CapReached wrapped or not, depending on where it hit
            if not cap.truncated:
                raise
        tsv = b"".join(cap.parts)
        if fmt != pyoxigraph.QueryResultsFormat.TSV:
            tsv = _written(
                pyoxigraph.parse_query_results(tsv, format=pyoxigraph.QueryResultsFormat.TSV).serialize(format=fmt)
            )
        return Reply(200, target.media_type, formats.RESULTS, cap.truncated), tsv

    def _graph(self, triples: Iterator[pyoxigraph.Triple], job: QueryJob) -> tuple[Reply, bytes]:
        if job.graph_format is None:
            return Reply(406, form=formats.GRAPH), b""
        target = formats.by_name(job.graph_format, formats.GRAPH_FORMATS)
        assert target is not None
        kept = list(itertools.islice(triples, job.row_limit + 1))
        truncated = len(kept) > job.row_limit
        return Reply(200, target.media_type, formats.GRAPH, truncated), serialize_triples(kept[: job.row_limit], target)

    def _export(
        self, job: DumpJob | EventsJob, send: Callable[[Reply], None], send_bytes: Callable[[bytes], None]
    ) -> None:
        """An RDF dump or event data: checked first (a 404 or the store's failure is a reply), then streamed."""
        try:
            problem = self.missing(job)
        except JobError as error:
            send(Reply(error.status, message=error.message))
            return
        if problem is not None:
            send(Reply(404, message=problem))
            return
        writer = ChunkWriter(send_bytes)
        if isinstance(job, DumpJob):
            target = formats.by_name(job.format, formats.GRAPH_FORMATS)
            assert target is not None
            send(Reply(200, target.media_type, formats.GRAPH))
            self.dump(job, target.rdf, writer)
        else:
            from kg.eventdata import LAYOUTS, export  # imported by the first such job, not at worker start

            send(Reply(200, LAYOUTS[job.layout].media_type))
            export(self.select(job), job.layout, job.selection, writer)
        writer.flush()


class SnapshotEngine(Engine):
    """The embedded store, read from a read-only snapshot in this worker, which the network fence closes off."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.store: pyoxigraph.Store | None = None
        self.generation: int | None = None

    def fence(self) -> tuple[Fence, str]:
        return deny_network()

    def unavailable(self) -> str | None:
        return None if self.store_path.is_dir() else f"no store at {self.store_path}: run `kg ingest` first"

    def _store(self, generation: int) -> pyoxigraph.Store:
        if self.store is None or generation != self.generation:
            self.store = None  # release the old snapshot before opening the new one
            self.store = pyoxigraph.Store.read_only(str(self.store_path))
            self.generation = generation
        return self.store

    def evaluate(self, job: QueryJob) -> AbstractContextManager[tuple[Result, bool]]:
        store = self._store(job.generation)
        options: dict = {}
        if job.dataset.default_graphs is not None:
            options["default_graph"] = [pyoxigraph.NamedNode(g) for g in job.dataset.default_graphs]
        elif job.dataset.union:
            options["use_default_graph_as_union"] = True
        if job.dataset.named_graphs is not None:
            options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in job.dataset.named_graphs]
        return nullcontext((store.query(job.query, base_iri=job.base_iri, **options), False))

    def update(self, job: UpdateJob) -> Reply:
        """Apply a SPARQL Update on the store opened read-write for just this job, then bump its generation.

        Only one process may hold the store read-write and `kg ingest` needs it
        too, so the handle is not kept; a concurrent ingest makes opening fail,
        which the client may retry. This worker's own snapshot is let go first.
        """
        from kg.store import KnowledgeStore, StoreError  # rdflib: imported on the first update, not at start-up

        self.store = self.generation = None
        try:
            store = KnowledgeStore(self.store_path)
        except StoreError as error:
            return Reply(503, message=f"store busy, retry: {error}")
        try:
            store.oxigraph.update(job.text, base_iri=job.base_iri)
            store.bump_generation()
        except SyntaxError as error:
            return Reply(400, message=f"SPARQL syntax error: {error}")
        except (ValueError, TypeError, RuntimeError) as error:
            return Reply(400, message=f"update failed: {error}")
        except OSError as error:
            return Reply(500, message=f"update failed: {error}")
        finally:
            store.close()
        return Reply(200)

    def missing(self, job: DumpJob | EventsJob) -> str | None:
        graph = job.graph if isinstance(job, DumpJob) else None
        if graph is not None and not self._store(job.generation).contains_named_graph(pyoxigraph.NamedNode(graph)):
            return f"no graph {graph}"
        return None

    def dump(self, job: DumpJob, fmt: pyoxigraph.RdfFormat, output: ChunkWriter) -> None:
        store = self._store(job.generation)
        if job.graph is None and not fmt.supports_datasets:
            # A triple format cannot hold graphs: the union, streamed. The writer states each triple in one
            # graph only (kg.writer), so no memory of what was written is needed, whatever the store's size.
            union = (quad.triple for quad in store.quads_for_pattern(None, None, None, None))
            pyoxigraph.serialize(union, output, fmt, prefixes=PREFIXES)  # type: ignore[arg-type]  # pyoxigraph writes to any .write(); its stub says IO[bytes]
        else:
            graph = pyoxigraph.NamedNode(job.graph) if job.graph else None
            store.dump(output, fmt, from_graph=graph, prefixes=PREFIXES)  # type: ignore[arg-type]  # pyoxigraph writes to any .write(); its stub says IO[bytes]

    def select(self, job: EventsJob) -> Select:
        store = self._store(job.generation)
        return lambda query: _solutions(store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES))


def _written(body: bytes | None) -> bytes:
    """What pyoxigraph returns when it is given no output: bytes (its stub says bytes or None)."""
    if body is None:
        raise TypeError("pyoxigraph wrote to an output instead of returning bytes")
    return body


def _solutions(result: object) -> pyoxigraph.QuerySolutions:
    assert isinstance(result, pyoxigraph.QuerySolutions)
    return result


class ChunkWriter:
    """Buffers pyoxigraph's small writes into pipe-sized chunks."""

    def __init__(self, send_bytes: Callable[[bytes], None]) -> None:
        self.send_bytes = send_bytes
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self.send_bytes(bytes(self.buffer))
            self.buffer.clear()


def serialize_triples(triples: list[pyoxigraph.Triple], target: formats.Format) -> bytes:
    """Triples in the target format (quads in the default graph for dataset formats; JSON-LD compacted)."""
    fmt = target.rdf
    items: list = triples
    if fmt.supports_datasets:
        items = [pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples]
    body = _written(pyoxigraph.serialize(items, format=fmt, prefixes=PREFIXES))
    return jsonld.compact_bytes(body) if fmt == pyoxigraph.RdfFormat.JSON_LD else body


#: Makes a worker's engine, in the worker (picklable: it is sent to the fork server).
EngineFactory = Callable[[], Engine]


def worker_main(conn: Connection, make_engine: EngineFactory, initializer: Callable[[], None] | None) -> None:
    """Entry point of a worker process: fence off the network as the engine allows, then answer jobs until the
    pipe closes."""
    if initializer is not None:
        initializer()
    engine = make_engine()
    fence, note = engine.fence()
    threading.stack_size(JOB_STACK)
    conn.send(Ready(os.getpid(), fence, note))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        runner = threading.Thread(target=_answer, args=(engine, job, conn), name="kg-job")
        runner.start()
        runner.join()


def _answer(engine: Engine, job: Job, conn: Connection) -> None:
    replied = False

    def send(reply: Reply) -> None:
        nonlocal replied
        replied = True
        conn.send(reply)

    try:
        engine.handle(job, send, conn.send_bytes)
    except Exception as error:
        if replied:  # mid-stream: dying is the only way to tell the parent the body is incomplete
            os._exit(1)
        conn.send(Reply(500, message=f"{type(error).__name__}: {error}"))
        conn.send_bytes(b"")
