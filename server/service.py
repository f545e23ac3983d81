"""The one door to the store for every view: checks, worker pool, generations, and the guarded write path.

Views never touch pyoxigraph or the pool directly. Everything a query must pass
before it reaches a worker (length, refused keywords, dataset rules, timeout
bounds) is decided here, once, so `/sparql`, `/api/...` and `/resource/...`
cannot drift apart.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph

from kg.config import Settings
from kg.store import KnowledgeStore, StoreError
from server import formats, sparql_text
from server.engine import Dataset, DumpJob, EventsJob, QueryJob, Reply
from server.formats import Format
from server.generation import GenerationWatch
from server.negotiation import not_acceptable_message
from server.pool import PoolError, Timeout, WorkerPool

if TYPE_CHECKING:
    from kg.eventdata import Selection

#: Keywords that would make the server fetch from the network.
REFUSED_IN_QUERIES = {"SERVICE"}
REFUSED_IN_UPDATES = {"SERVICE", "LOAD"}


class ServiceError(Exception):
    """A request the service cannot answer as asked; `status` is the HTTP status to reply with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Answer:
    reply: Reply
    body: bytes


class QueryService:
    def __init__(self, settings: Settings, worker_initializer: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.config = config = settings.server
        self.generation = GenerationWatch(settings.store)
        self.pool = WorkerPool(settings.store, config.workers, worker_initializer)
        self._write_lock = threading.Lock()

    def close(self) -> None:
        self.pool.close()

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
        results_format: Format | None,
        graph_format: Format | None,
        dataset: Dataset = Dataset(),
        timeout: float | None = None,
        bindings: Mapping[str, pyoxigraph.NamedNode | pyoxigraph.Literal] | None = None,
    ) -> Answer:
        """Evaluate a query in a worker. `bindings` replace variables by terms (see `sparql_text`)."""
        if len(text) > self.config.max_query_length:
            raise ServiceError(413, f"query longer than {self.config.max_query_length} characters")
        words = sparql_text.keywords(text)
        if refused := words & REFUSED_IN_QUERIES:
            raise ServiceError(400, f"{', '.join(sorted(refused))} is not allowed: this endpoint makes no outbound requests")
        if bindings:
            text = sparql_text.replace_variables(text, {name: str(term) for name, term in bindings.items()})
        if "FROM" in words and dataset.default_graphs is None and dataset.named_graphs is None:
            dataset = Dataset(union=False)
        job = QueryJob(
            self.generation.current(),
            text,
            dataset,
            results_format.wire if results_format else None,
            graph_format.wire if graph_format else None,
            self.config.row_limit,
        )
        timeout = self.config.query_timeout if timeout is None else timeout
        try:
            reply, body = self.pool.run(job, timeout)
        except Timeout:
            raise ServiceError(503, f"query timed out after {timeout:g} s and was stopped; simplify it or add a LIMIT") from None
        except PoolError as error:
            raise ServiceError(error.status, str(error)) from None
        if reply.status == 406:
            offered = formats.RESULT_FORMATS if reply.form == formats.RESULTS else formats.GRAPH_FORMATS
            raise ServiceError(406, not_acceptable_message(offered))
        if reply.status != 200:
            raise ServiceError(reply.status, reply.message)
        return Answer(reply, body)

    def select(self, text: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, dict[str, str]]]:
        """SELECT rows as SPARQL-JSON binding dicts, for pages the server renders itself."""
        json_format = formats.by_name("json", formats.RESULT_FORMATS)
        answer = self.query(text, results_format=json_format, graph_format=None, bindings=bindings)
        return json.loads(answer.body)["results"]["bindings"]

    def dump(self, fmt: Format, graph: str | None = None) -> tuple[Reply, Iterator[bytes]]:
        return self._stream(DumpJob(self.generation.current(), fmt.wire, graph))

    def events(self, layout: str, selection: Selection) -> tuple[Reply, Iterator[bytes]]:
        """The selected ties as event data (`kg.eventdata`), streamed from one worker's snapshot."""
        return self._stream(EventsJob(self.generation.current(), layout, selection))

    def _stream(self, job: DumpJob | EventsJob) -> tuple[Reply, Iterator[bytes]]:
        """A long job's reply and body: the export timeout bounds the wait for its first message only."""
        try:
            reply, chunks = self.pool.stream(job, self.config.export_timeout)
        except PoolError as error:
            raise ServiceError(error.status, str(error)) from None
        if reply.status != 200:
            raise ServiceError(reply.status, reply.message)
        return reply, chunks

    def authorize_write(self, authorization: str | None) -> None:
        if self.config.write_token is None:
            raise ServiceError(403, "this server is read-only: start it with a write token to allow updates")
        if authorization != f"Bearer {self.config.write_token}":
            raise ServiceError(403, "updates need the header `Authorization: Bearer <write token>`")

    def update(self, text: str) -> None:
        """Run a SPARQL Update on a briefly opened read-write store, then bump the generation.

        The server holds no read-write handle (only one process may, and `kg
        ingest` needs it), so each update opens one; a concurrent ingest makes
        that fail, which is reported as a retryable 503.
        """
        if len(text) > self.config.max_query_length:
            raise ServiceError(413, f"update longer than {self.config.max_query_length} characters")
        if refused := sparql_text.keywords(text) & REFUSED_IN_UPDATES:
            raise ServiceError(400, f"{', '.join(sorted(refused))} is not allowed: this endpoint makes no outbound requests")
        with self._write_lock:
            try:
                store = KnowledgeStore(self.settings.store)
            except StoreError as error:
                raise ServiceError(503, f"store busy, retry: {error}") from None
            try:
                store.oxigraph.update(text)
                store.bump_generation()
            except SyntaxError as error:
                raise ServiceError(400, f"SPARQL syntax error: {error}") from None
            except (OSError, ValueError, RuntimeError) as error:
                raise ServiceError(400, f"update failed: {error}") from None
            finally:
                store.close()
        self.generation.refresh()
