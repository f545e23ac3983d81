"""The one door to the store for every view: checks, worker pool, generations, and the guarded write path.

Views never touch pyoxigraph or the pool directly. Everything a query must pass
before it reaches a worker (length, nesting depth, refused keywords, dataset
rules, timeout bounds) is decided here, once, so `/sparql`, `/api/...` and
`/resource/...` cannot drift apart. Every job is sent on behalf of a client
(its address), against which the pool counts its limits.

The store is the embedded one or a triple store over HTTP; the service and
its pool are the same for both, and only the engine the workers run differs
(`engine_for`). For a remote store the text scan here is the only fence
against federation, so it also refuses the ways out such stores add.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph

from kg.config import Settings
from kg.logs import shorten
from server import formats, sparql_text
from server.engine import Dataset, DumpJob, EngineFactory, EventsJob, QueryJob, Reply, SnapshotEngine, UpdateJob
from server.formats import Format
from server.generation import GenerationWatch
from server.negotiation import not_acceptable_message
from server.pool import Body, PoolError, Timeout, WorkerPool

if TYPE_CHECKING:
    from kg.eventdata import Selection
    from server.remote import StoreProbe

log = logging.getLogger(__name__)

#: Keywords that would make the server fetch from the network: a second fence behind `server.sandbox` (the only
#: one for a remote store, which evaluates queries itself).
REFUSED_IN_QUERIES = ("SERVICE",)
REFUSED_IN_UPDATES = ("SERVICE", "LOAD")
#: What a remote store would run besides, that reaches the network or the store's machine: Virtuoso's pragmas
#: (`DEFINE get:soft` makes its sponger fetch FROM IRIs) and its SQL functions, built in (`bif:http_get`,
#: predeclared, or under any prefix bound to `<bif:>`) or stored procedures (`sql:`). Nothing of ours uses them.
REFUSED_ON_REMOTE_STORES = ("DEFINE",)
REFUSED_NAMESPACES_ON_REMOTE_STORES = ("bif:", "sql:")


class ServiceError(Exception):
    """A request the service cannot answer as asked: the HTTP status, and when to retry if retrying helps."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after

    @classmethod
    def from_pool(cls, error: PoolError) -> ServiceError:
        return cls(error.status, str(error), error.retry_after)


@dataclass(frozen=True)
class Answer:
    reply: Reply
    body: bytes


def engine_for(settings: Settings) -> EngineFactory:
    """What the query workers run: a snapshot of the embedded store, or a client of the remote one."""
    if settings.remote is None:
        return functools.partial(SnapshotEngine, settings.store)
    from server.remote import RemoteEngine

    return functools.partial(RemoteEngine, settings.remote, settings.base_iri)


class QueryService:
    def __init__(self, settings: Settings, worker_initializer: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.config = config = settings.server
        self.generation = GenerationWatch(settings.store)  # `kg ingest` counts its writes there, for either store
        self.pool = WorkerPool(engine_for(settings), config, worker_initializer)
        self._write_lock = threading.Lock()
        self._probe: StoreProbe | None = None
        if settings.remote is not None:
            from server.remote import StoreProbe

            self._probe = StoreProbe(settings.remote, settings.base_iri)
            self.backend = self._probe.store.description
        else:
            self.backend = f"the embedded store {settings.store}"

    def close(self) -> None:
        self.pool.close()
        if self._probe is not None:
            self._probe.close()

    def effective_timeout(self, requested: str | None) -> float:
        """The server's timeout, or the request's `timeout` (seconds) if that is lower."""
        if requested is None or requested == "":
            return self.config.query_timeout
        try:
            value = float(requested.removesuffix("s"))
        except ValueError:
            raise ServiceError(400, f"timeout must be a number of seconds, not {requested!r}") from None
        if not value > 0:
            raise ServiceError(400, "timeout must be positive")
        return min(value, self.config.query_timeout)

    def query(
        self,
        text: str,
        *,
        client: str,
        results_format: Format | None,
        graph_format: Format | None,
        dataset: Dataset | None = None,
        timeout: float | None = None,
        bindings: Mapping[str, pyoxigraph.NamedNode | pyoxigraph.Literal] | None = None,
        base_iri: str | None = None,
    ) -> Answer:
        """Evaluate a query in a worker. `bindings` replace variables by terms (see `sparql_text`)."""
        self._check(text, "query", REFUSED_IN_QUERIES)
        if bindings:
            text = sparql_text.replace_variables(text, {name: str(term) for name, term in bindings.items()})
        dataset = dataset or Dataset()
        if "FROM" in sparql_text.keywords(text) and dataset.default_graphs is None and dataset.named_graphs is None:
            dataset = Dataset(union=False)
        timeout = self.config.query_timeout if timeout is None else timeout
        started = time.monotonic()
        job = QueryJob(
            self.generation.current(),
            text,
            dataset,
            results_format.wire if results_format else None,
            graph_format.wire if graph_format else None,
            self.config.row_limit,
            base_iri,
            started + timeout,
        )
        try:
            reply, body = self.pool.run(job, timeout, client)
        except Timeout:
            message = f"query timed out after {timeout:g} s and was stopped; simplify it or add a LIMIT"
            raise ServiceError(503, message) from None
        except PoolError as error:
            raise ServiceError.from_pool(error) from None
        log.debug(
            "query answered",
            extra={
                "fields": {
                    "client": client,
                    "status": reply.status,
                    "ms": round((time.monotonic() - started) * 1000, 1),
                    "bytes": len(body),
                    "query": shorten(text),
                }
            },
        )
        if reply.status == 406:
            offered = formats.RESULT_FORMATS if reply.form == formats.RESULTS else formats.GRAPH_FORMATS
            raise ServiceError(406, not_acceptable_message(offered))
        if reply.status != 200:
            raise ServiceError(reply.status, reply.message)
        return Answer(reply, body)

    def _check(self, text: str, kind: str, refused: tuple[str, ...]) -> None:
        """What a query or update must pass before a worker sees it: length, nesting, no outbound requests."""
        if len(text) > self.config.max_query_length:
            raise ServiceError(413, f"{kind} longer than {self.config.max_query_length} characters")
        if (depth := sparql_text.depth(text)) > (limit := self.config.max_query_depth):
            raise ServiceError(400, f"{kind} nested {depth} brackets deep; at most {limit} are allowed")
        namespaces: tuple[str, ...] = ()
        if self.settings.remote is not None:
            refused += REFUSED_ON_REMOTE_STORES
            namespaces = REFUSED_NAMESPACES_ON_REMOTE_STORES
        found = [word for word in refused if sparql_text.mentions_keyword(text, word)]
        found += [
            f"{namespace} functions" for namespace in namespaces if sparql_text.mentions_namespace(text, namespace)
        ]
        if found:
            raise ServiceError(400, f"{', '.join(found)} is not allowed: this endpoint makes no outbound requests")

    def select(
        self, text: str, bindings: Mapping[str, Any] | None = None, *, client: str
    ) -> list[dict[str, dict[str, str]]]:
        """SELECT rows as SPARQL-JSON binding dicts, for pages the server renders itself."""
        json_format = formats.by_name("json", formats.RESULT_FORMATS)
        answer = self.query(text, client=client, results_format=json_format, graph_format=None, bindings=bindings)
        return json.loads(answer.body)["results"]["bindings"]

    def dump(self, fmt: Format, graph: str | None = None, *, client: str) -> tuple[Reply, Body]:
        """Stream the dataset or one graph; the whole dataset is a heavy job from the start (see `server.pool`)."""
        return self._stream(DumpJob(self.generation.current(), fmt.wire, graph), client, heavy=graph is None)

    def events(self, layout: str, selection: Selection, *, client: str) -> tuple[Reply, Body]:
        """The selected ties as event data (`kg.eventdata`), streamed from one worker's snapshot; a heavy job."""
        return self._stream(EventsJob(self.generation.current(), layout, selection), client, heavy=True)

    def _stream(self, job: DumpJob | EventsJob, client: str, *, heavy: bool) -> tuple[Reply, Body]:
        """A long job's reply and body: the export timeout bounds the wait for its first message only."""
        try:
            reply, chunks = self.pool.stream(job, self.config.export_timeout, client, heavy=heavy)
        except PoolError as error:
            raise ServiceError.from_pool(error) from None
        if reply.status != 200:
            raise ServiceError(reply.status, reply.message)
        return reply, chunks

    def authorize_write(self, authorization: str | None) -> None:
        if self.config.write_token is None:
            raise ServiceError(403, "this server is read-only: start it with a write token to allow updates")
        if authorization != f"Bearer {self.config.write_token}":
            raise ServiceError(403, "updates need the header `Authorization: Bearer <write token>`")

    def update(self, text: str, *, client: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in a worker (off the network, like queries), then re-read the generation.

        Updates run one at a time and are never stopped for being long-running
        (only by `update_timeout`): the client holds the write token.
        """
        self._check(text, "update", REFUSED_IN_UPDATES)
        timeout = self.config.update_timeout
        with self._write_lock:
            try:
                job = UpdateJob(text, base_iri, time.monotonic() + timeout)
                reply, _ = self.pool.run(job, timeout, client, promote=False)
            except Timeout:
                raise ServiceError(503, f"update timed out after {timeout:g} s and was stopped") from None
            except PoolError as error:
                raise ServiceError.from_pool(error) from None
        if reply.status != 200:
            raise ServiceError(reply.status, reply.message)
        log.info("update applied", extra={"fields": {"client": client, "update": shorten(text)}})
        self.generation.refresh()

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Whether the service can answer, and why: the store is there (a remote one answers) and the pool has
        workers. Runs no query in a worker."""
        pool = self.pool.stats()
        if self._probe is not None:
            problem = self._probe.problem()
        else:
            problem = None if self.settings.store.is_dir() else f"no store at {self.settings.store}"
        details = {
            "generation": self.generation.current(),
            "store": self.settings.location,
            "backend": self.backend,
            "pool": pool,
        }
        if problem is not None:
            details["problem"] = problem
        return problem is None and bool(pool["workers"]), details
