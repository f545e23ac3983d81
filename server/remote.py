"""The server's query engine for a triple store over HTTP: `kg serve --store http(s)://…`.

The server keeps one query-engine interface (`server.engine.Engine`) and one
worker pool (`server.pool`); for a remote store each worker runs a
`RemoteEngine`, which sends the job to the store through `kg.remote` and turns
the answer, parsed by pyoxigraph as it arrives, into the same reply the
embedded store's workers give: the engine's serialization in every format,
its row caps (plus Virtuoso's own, which it announces in a header), its
exports and event data. So admission, per-client limits, heavy jobs,
timeouts and leases are the pool's, as for the embedded store.

What changes with the store's place:

* Timeouts: a job carries its deadline; the worker stops reading the store's
  answer a moment before it (and tells Virtuoso, in its `timeout`
  parameter, to stop too), so it answers 503 itself and stays in the pool. If
  it cannot, the pool kills it at the deadline as any worker.
* The network: workers must reach the store, so no sandbox closes them off.
  The fence against federation and fetching is the text scan in
  `server.service`, which refuses SERVICE, LOAD and the stores' own ways out
  before anything is forwarded (`REMOTE_FENCE` in `/healthz`).
* Errors: the store's refusals keep its message, prefixed with its name
  ("Virtuoso at http://…: …"): 400 when the store found the query wrong, 503
  when it ran out of time or was overloaded, 502 for everything else (the
  store failed, or answered what cannot be read).
* Updates (with the write token only, see `QueryService.authorize_write`) go
  to the store's update endpoint once, never retried: a user's update need not
  be idempotent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyoxigraph

from kg.config import RemoteSettings
from kg.export import statements
from kg.remote import QueryTimeoutError, RemoteStore, RemoteStoreError, Result
from kg.vocab import PREFIXES
from server.engine import ChunkWriter, Dataset, DumpJob, Engine, EventsJob, JobError, QueryJob, Reply, UpdateJob
from server.sandbox import Fence

if TYPE_CHECKING:
    from kg.eventdata.ties import Select

#: `/healthz`'s "fence" for a remote store: the text scan is what keeps queries from reaching the network.
REMOTE_FENCE = "text-scan"
#: Seconds before a job's deadline at which a worker stops waiting for the store and answers 503 itself.
MARGIN = 0.25
#: Store statuses that mean "not now", answered as 503: timeouts, overload, unavailability.
UNAVAILABLE = frozenset({408, 429, 503, 504})


def status_for(error: RemoteStoreError) -> int:
    """What to answer the client when the store refused or failed (see the module docstring)."""
    if isinstance(error, QueryTimeoutError) or error.status in UNAVAILABLE:
        return 503
    return 400 if error.status == 400 else 502


class RemoteEngine(Engine):
    """Runs the pool's jobs against a triple store over HTTP (one connection pool per worker process)."""

    def __init__(self, remote: RemoteSettings, base_iri: str) -> None:
        self.store = RemoteStore(remote, base_iri)

    def fence(self) -> tuple[Fence, str]:
        return REMOTE_FENCE, (
            f"queries are evaluated by {self.store.description}, so workers keep the network; "
            "SERVICE, LOAD and store extensions are refused by the text scan"
        )

    @contextmanager
    def evaluate(self, job: QueryJob) -> Iterator[tuple[Result, bool]]:
        with (
            self._relayed(),
            self.store.answer(
                _based(job.query, job.base_iri),
                timeout=_remaining(job.deadline),
                union=job.dataset.union,
                parameters=_protocol_dataset(job.dataset),
            ) as answer,
        ):
            yield answer

    def update(self, job: UpdateJob) -> Reply:
        deadline = None if job.deadline is None else job.deadline - MARGIN
        try:
            with self._relayed():
                self.store.client.update(_based(job.text, job.base_iri), "update", deadline=deadline, retry=False)
        except JobError as error:
            return Reply(error.status, message=error.message)
        return Reply(200)

    def missing(self, job: DumpJob | EventsJob) -> str | None:
        """The graph must exist; for the dataset and event data, the store must answer (else an error, not a 200).

        The graph's name goes into the query as a term pyoxigraph has
        validated and serialized, never as the string it came as: a `>` in it
        must not end the IRI and add patterns (a ValueError, raised before
        `_relayed`, which would call it the store's fault).
        """
        name = job.graph if isinstance(job, DumpJob) else None
        graph = None if name is None else pyoxigraph.NamedNode(name)
        with self._relayed():
            found = self.store.query("ASK {}" if graph is None else f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        return None if found else f"no graph {name}"

    def dump(self, job: DumpJob, fmt: pyoxigraph.RdfFormat, output: ChunkWriter) -> None:
        """The store's graphs as `kg export` reads them (paged, checked against their sizes), serialized here.

        One graph is written as the default graph, as the embedded store's
        `dump(from_graph=…)` writes it; the dataset in a triple format is the
        union of its graphs (the writer states each triple in one graph).
        """
        quads = self.store.quads(job.graph)
        if job.graph is not None:
            quads = (pyoxigraph.Quad(quad.subject, quad.predicate, quad.object) for quad in quads)
        rows = statements(quads, fmt.supports_datasets)
        pyoxigraph.serialize(rows, output, fmt, prefixes=PREFIXES)  # type: ignore[arg-type]  # any .write() will do

    def select(self, job: EventsJob) -> Select:
        return self.store.select

    @contextmanager
    def _relayed(self) -> Iterator[None]:
        """The store's failures (raised here or while its answer is read) as the replies they should be."""
        try:
            yield
        except RemoteStoreError as error:
            hint = "; simplify the query or add a LIMIT" if isinstance(error, QueryTimeoutError) else ""
            raise JobError(status_for(error), f"{error}{hint}") from None
        except (SyntaxError, ValueError) as error:  # pyoxigraph could not read the answer: the store's fault
            raise JobError(502, f"{self.store.description}: its answer cannot be read: {error}") from None


class StoreProbe:
    """Whether the store answers, for `/healthz`: asked at most once per `interval`, by one thread at a time.

    A health check runs no query in a worker (it would fail exactly when the
    workers are busy); this asks the store `ASK {}` from the web process with
    a short timeout, and every other caller meanwhile gets the last answer.
    """

    def __init__(self, remote: RemoteSettings, base_iri: str, timeout: float = 2.0, interval: float = 1.0) -> None:
        self.store = RemoteStore(remote, base_iri)
        self.timeout = timeout
        self.interval = interval
        self._lock = threading.Lock()
        self._checked = -interval
        self._problem: str | None = None

    def problem(self) -> str | None:
        """Why the store cannot be used, as of the last check, or None."""
        if time.monotonic() - self._checked >= self.interval and self._lock.acquire(blocking=False):
            try:
                self.store.query("ASK {}", timeout=self.timeout)
                self._problem = None
            except RemoteStoreError as error:
                self._problem = str(error)
            finally:
                self._checked = time.monotonic()
                self._lock.release()
        return self._problem

    def close(self) -> None:
        self.store.close()


def _remaining(deadline: float | None) -> float | None:
    """Seconds the store may take: until a moment before the job's deadline (the store gets no deadline without)."""
    return None if deadline is None else deadline - MARGIN - time.monotonic()


def _based(text: str, base_iri: str | None) -> str:
    """The text with a BASE in front, so relative IRIs resolve against the URL it was sent to, as on the embedded
    store (a BASE of the query's own comes later, and wins)."""
    if base_iri is None:
        return text
    try:
        return f"BASE {pyoxigraph.NamedNode(base_iri)}\n{text}"
    except ValueError:
        return text


def _protocol_dataset(dataset: Dataset) -> dict[str, str | list[str]] | None:
    """The request's `default-graph-uri` and `named-graph-uri`, passed on to the store as given."""
    parameters: dict[str, str | list[str]] = {}
    if dataset.default_graphs is not None:
        parameters["default-graph-uri"] = list(dataset.default_graphs)
    if dataset.named_graphs is not None:
        parameters["named-graph-uri"] = list(dataset.named_graphs)
    return parameters or None
