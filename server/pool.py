"""A supervised pool of query worker processes: timeouts that stop the work, and capacity no client can take.

pyoxigraph cannot cancel a running query, and a thread cannot be killed, so
queries run in long-lived worker processes (`server.engine`). A request leases
an idle worker, sends it a job and waits for the reply until its deadline; if
the deadline passes, the worker is killed (SIGKILL), the request fails with
`Timeout`, and a replacement is started in the background. Workers are kept
alive between requests and talk over a pipe, so a request costs two small
pickled messages and a bytes transfer, not a process start. Workers are
forked from a fork server that has already imported `server.engine`, the
engine's module and the initializer's, so a replacement is ready in
milliseconds: timeouts and heavy queries replace workers often, and under
attack that must be cheap. What a worker runs is the pool's `engine`: a
snapshot of the embedded store, or a client of a remote store; the pool, and
everything below, is the same for both.

Every lease is a `Lease`, and `Lease.close` runs on every outcome (reply,
error, timeout, a streamed body read to the end, closed early or never read):
a worker whose job is finished goes back to the pool, any other is killed and
replaced. No request path can keep a worker.

Admission, so that a few clients cannot take the service away from everyone:

- at most `worker_requests` requests (the connection threads not reserved)
  may hold or wait for a worker at once, so threads stay free for `/healthz`
  and static files, which need no worker;
- at most `client_queries` of them per client (`TooMany`, 429);
- a request waits at most `queue_wait` seconds for an idle worker (`Busy`, 503).

Heavy jobs: a query still running after `heavy_after` seconds is heavy. Its
worker leaves the pool — a replacement starts at once, so the pool keeps its
size for everybody else — runs on at a lower CPU priority, and is stopped when
the job ends. At most `max_heavy` heavy jobs run at once, and `client_heavy`
per client; a query that turns heavy beyond that is stopped (503 or 429), and
its client's next queries are refused at once until the Retry-After it was
given has passed (a client that resends a cartesian product the moment it is
stopped would otherwise hold a pool worker for `heavy_after` seconds each
time). Whole-dataset exports are heavy from the start. Every refusal carries
a Retry-After.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from multiprocessing.connection import Connection

from kg.config import ServerSettings
from kg.logs import shorten
from server.engine import DumpJob, EngineFactory, Job, QueryJob, Ready, Reply, UpdateJob, worker_main

log = logging.getLogger(__name__)

#: How much a heavy query's worker yields the CPU to the others (nice value, 0-19).
HEAVY_NICE = 10
#: Seconds a worker may take to import everything and say it is ready.
START_TIMEOUT = 60


class PoolError(Exception):
    """The job could not be answered; `status`, the message and `retry_after` (seconds) say how to tell the client."""

    status = 500

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Timeout(PoolError):  # noqa: N818 - the name says what happened to the job
    status = 503


class Busy(PoolError):  # noqa: N818 - the name says what happened to the job
    status = 503


class TooMany(PoolError):  # noqa: N818 - the name says what happened to the job
    status = 429


class WorkerDied(PoolError):  # noqa: N818 - the name says what happened to the job
    status = 500


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.generation: int | None = None  # of the store snapshot it holds, as far as the pool knows

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def kill(self) -> None:
        with suppress(Exception):
            self.process.kill()
        with suppress(Exception):
            self.conn.close()
        self.process.join(5)


class Lease:
    """One request's claim on the pool, from admission until its worker is back (see `close`)."""

    def __init__(self, pool: WorkerPool, client: str, deadline: float | None) -> None:
        self.pool = pool
        self.client = client
        self.deadline = deadline
        self.worker: _Worker | None = None
        self.job: Job | None = None
        self.busy = False  # a job was sent and the end of its reply not yet read
        self.heavy = False
        self.started = 0.0
        self.closed = False

    def start(self, job: Job, *, promote: bool) -> Reply:
        """Send the job and wait for its reply; with `promote`, it may turn heavy on the way (see the module)."""
        assert self.worker is not None
        self.job = job
        self.started = time.monotonic()
        try:
            self.worker.conn.send(job)
            self.busy = True
            self._wait(self.deadline, promote)
            reply = self.worker.conn.recv()
        except (EOFError, OSError) as error:
            raise self.pool.died(self, error) from error
        if not isinstance(reply, Reply):
            raise WorkerDied(f"unexpected message from a query worker: {reply!r}")
        self.pool.note_generation(self.worker, job)
        return reply

    def chunk(self, deadline: float | None, *, promote: bool = False) -> bytes:
        """The next body chunk; b"" at the end, after which the worker is free again."""
        assert self.worker is not None
        try:
            self._wait(deadline, promote)
            data = self.worker.conn.recv_bytes()
        except (EOFError, OSError) as error:
            raise self.pool.died(self, error) from error
        if not data:
            self.busy = False
        return data

    def _wait(self, deadline: float | None, promote: bool) -> None:
        assert self.worker is not None
        while True:
            until = deadline
            if promote and not self.heavy:
                mark = self.started + self.pool.limits.heavy_after
                until = mark if until is None else min(until, mark)
            if self.worker.conn.poll(None if until is None else max(0.0, until - time.monotonic())):
                return
            if deadline is not None and time.monotonic() >= deadline:
                raise self.pool.timed_out(self)
            self.pool.promote(self)

    def close(self) -> None:
        self.pool.settle(self)

    def describe(self) -> str:
        """The job, for a log line: the query or update cut short, or the export."""
        job = self.job
        if isinstance(job, QueryJob):
            return shorten(job.query)
        if isinstance(job, UpdateJob):
            return "update: " + shorten(job.text)
        if isinstance(job, DumpJob):
            return f"export .{job.format} of {job.graph or 'the dataset'}"
        return "no job"


class Body:
    """The chunks of a streamed reply.

    Read to the end, it gives the worker back; closed early (client gone,
    HEAD, an error) or dropped unread, it has the worker stopped. WSGI servers
    call `close` on every response body; `__del__` covers the rest.
    """

    def __init__(self, lease: Lease | None) -> None:
        self._lease = lease

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        lease = self._lease
        if lease is None:
            raise StopIteration
        try:
            data = lease.chunk(None)
        except BaseException:
            self.close()
            raise
        if not data:
            self.close()
            raise StopIteration
        return data

    def close(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.close()

    def __del__(self) -> None:
        self.close()


class WorkerPool:
    def __init__(
        self, engine: EngineFactory, limits: ServerSettings, initializer: Callable[[], None] | None = None
    ) -> None:
        """Workers that run `engine()` (see `server.engine`), started before this returns."""
        self.engine = engine
        self.limits = limits
        self.initializer = initializer
        self.fence: str | None = None  # what keeps the workers off the network (server.sandbox)
        self._context = multiprocessing.get_context("forkserver")
        preload = ["server.engine", getattr(engine, "func", engine).__module__]  # the engine class's (a partial's)
        self._context.set_forkserver_preload(preload + ([initializer.__module__] if initializer else []))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._requests = 0
        self._by_client: Counter[str] = Counter()
        self._heavy: set[Lease] = set()
        self._cooling: dict[str, float] = {}  # client -> until when its queries are refused (see `promote`)
        self._fence_reported = False
        starting = [self._spawn() for _ in range(limits.workers)]  # start in parallel, then wait for each
        for worker in starting:
            self._idle.put(self._ready(worker))

    # --- running jobs ---------------------------------------------------------------------------

    def run(self, job: Job, timeout: float, client: str, *, promote: bool = True) -> tuple[Reply, bytes]:
        """Run a job to completion within `timeout` seconds (waiting for a free worker included)."""
        lease = self.lease(client, timeout)
        try:
            reply = lease.start(job, promote=promote)
            body = b"".join(iter(lambda: lease.chunk(lease.deadline, promote=promote), b""))
        finally:
            lease.close()
        return reply, body

    def stream(self, job: Job, timeout: float, client: str, *, heavy: bool) -> tuple[Reply, Body]:
        """The reply within `timeout`, then the body as the worker produces it (no deadline: exports).

        A `heavy` job runs outside the pool from the start. A reply other than
        200 has no body: the worker is given back at once.
        """
        lease = self.lease(client, timeout)
        lease.job = job
        try:
            if heavy:
                self.promote(lease)
            reply = lease.start(job, promote=False)
            if reply.status != 200:
                while lease.chunk(lease.deadline):
                    pass
                lease.close()
                return reply, Body(None)
        except BaseException:
            lease.close()
            raise
        return reply, Body(lease)

    def lease(self, client: str, timeout: float) -> Lease:
        """Admit the request and hand it an idle worker, or refuse (see the module docstring)."""
        limits = self.limits
        deadline = time.monotonic() + timeout
        with self._lock:
            if self._closed:
                raise Busy("the server is shutting down")
            if self._requests >= limits.worker_requests:
                raise Busy("the server is answering as many queries as it can; retry shortly", retry_after=1)
            now = time.monotonic()
            if (until := self._cooling.get(client, 0.0)) > now:
                raise TooMany(
                    "a long-running query of this client was stopped a moment ago; retry later",
                    retry_after=math.ceil(until - now),
                )
            self._cooling.pop(client, None)
            if self._by_client[client] >= limits.client_queries:
                raise TooMany(
                    f"at most {limits.client_queries} requests per client may run or wait for a query at once",
                    retry_after=1,
                )
            self._requests += 1
            self._by_client[client] += 1
        lease = Lease(self, client, deadline)
        try:
            lease.worker = self._idle.get(timeout=min(timeout, limits.queue_wait))
        except queue.Empty:
            lease.close()
            raise Busy("all query workers are busy; retry shortly", retry_after=math.ceil(limits.queue_wait)) from None
        return lease

    def promote(self, lease: Lease) -> None:
        """Make the lease heavy: its worker leaves the pool and is replaced, or the job is refused."""
        limits = self.limits
        with self._lock:
            if len(self._heavy) >= limits.max_heavy:
                error: PoolError | None = Busy(
                    f"{limits.max_heavy} long-running queries are running already; this one was stopped after "
                    f"{limits.heavy_after:g} s: retry later",
                    retry_after=self._heavy_retry(),
                )
            elif sum(other.client == lease.client for other in self._heavy) >= limits.client_heavy:
                error = TooMany(
                    f"a client may run {limits.client_heavy} long-running queries at once; this one was stopped "
                    f"after {limits.heavy_after:g} s: retry later",
                    retry_after=self._heavy_retry(lease.client),
                )
            else:
                self._heavy.add(lease)
                lease.heavy = True
                error = None
            if error is not None:
                now = time.monotonic()
                self._cooling = {client: until for client, until in self._cooling.items() if until > now}
                self._cooling[lease.client] = now + (error.retry_after or 1)
        worker = lease.worker
        assert worker is not None
        if error is not None:
            log.warning("refused a long-running job: %s", error, extra=_fields(lease, job=lease.describe()))
            raise error
        self._in_background(kill=None, start=True)
        with suppress(OSError):  # lowering a priority needs no privilege; failing only costs fairness
            os.setpriority(os.PRIO_PROCESS, worker.pid or 0, HEAVY_NICE)
        log.info(
            "long-running job moves out of the pool; a new worker takes its place",
            extra=_fields(lease, job=lease.describe()),
        )

    def _heavy_retry(self, client: str | None = None) -> int:
        """Seconds until a heavy slot (the client's, or any) should be free: the nearest heavy deadline."""
        now = time.monotonic()
        ends = [
            lease.deadline - now
            for lease in self._heavy
            if lease.deadline is not None and (client is None or lease.client == client)
        ]
        return max(1, math.ceil(min(ends, default=self.limits.query_timeout)))

    def timed_out(self, lease: Lease) -> Timeout:
        log.warning("query timed out; stopping its worker", extra=_fields(lease, job=lease.describe()))
        return Timeout("query timed out")

    def died(self, lease: Lease, error: BaseException) -> WorkerDied:
        worker = lease.worker
        code = worker.process.exitcode if worker is not None else None
        log.error("query worker died: %s", error, extra=_fields(lease, exit=code, job=lease.describe()))
        return WorkerDied(f"query worker died: {error}")

    def note_generation(self, worker: _Worker, job: Job) -> None:
        """Log a worker's store (re-)open: it opens a snapshot whenever a job carries a generation it has not seen."""
        generation = getattr(job, "generation", None)
        if generation is None:
            worker.generation = None  # an update let go of its snapshot
        elif worker.generation != generation:
            log.info(
                "worker opened the store",
                extra={"fields": {"pid": worker.pid, "generation": generation, "was": worker.generation}},
            )
            worker.generation = generation

    def settle(self, lease: Lease) -> None:
        """Give the lease's worker back if its job is finished, else stop it; free the admission slots."""
        with self._lock:
            if lease.closed:
                return
            lease.closed = True
            self._requests -= 1
            self._by_client[lease.client] -= 1
            if not self._by_client[lease.client]:
                del self._by_client[lease.client]
            self._heavy.discard(lease)
        worker = lease.worker
        if worker is None:
            return
        if lease.heavy:  # its replacement started when it turned heavy
            self._stop(worker, "its long-running job ended", replace=False)
        elif lease.busy:
            self._stop(worker, "its job was abandoned", replace=True)
        elif self._closed:
            self._stop(worker, "the pool is closed", replace=False)
        else:
            self._idle.put(worker)

    # --- workers ----------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_main, args=(child, self.engine, self.initializer), name="kg-query-worker", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> _Worker:
        """Wait until the worker has imported everything and fenced itself off the network (it says `Ready`)."""
        try:
            message = worker.conn.recv() if worker.conn.poll(START_TIMEOUT) else None
        except (EOFError, OSError):  # it died, or the pool closed meanwhile
            message = None
        if not isinstance(message, Ready):
            self._stop(worker, "it did not start", replace=False)
            raise WorkerDied("a query worker did not start")
        self.fence = message.fence
        if message.fence is None and not self._fence_reported:
            log.error(
                "query workers can open network connections (%s): the kernel refused seccomp and network "
                "namespaces, so only the SPARQL text scan stops SERVICE and LOAD",
                message.note,
            )
            self._fence_reported = True
        log.debug("query worker ready", extra={"fields": {"pid": message.pid, "fence": message.fence}})
        return worker

    def _stop(self, worker: _Worker, reason: str, *, replace: bool) -> None:
        """Kill a worker off the request path; with `replace`, start its successor."""
        with self._lock:
            self._all.discard(worker)
        log.info("stopping query worker: %s", reason, extra={"fields": {"pid": worker.pid}})
        self._in_background(kill=worker, start=replace)

    def _in_background(self, *, kill: _Worker | None, start: bool) -> None:
        """Kill a worker and/or start a new pool worker, in a thread: neither belongs on a request's path."""

        def work() -> None:
            if kill is not None:
                kill.kill()
            if not start or self._closed:
                return
            try:
                worker = self._ready(self._spawn())
            except Exception as error:  # in a thread, nobody else would see it; after close(), it is expected
                if not self._closed:
                    log.error("could not start a query worker: %s; the pool shrinks by one", error)
                return
            log.info("query worker started", extra={"fields": {"pid": worker.pid}})
            self._idle.put(worker)

        threading.Thread(target=work, name="kg-worker-replacer", daemon=True).start()

    # --- state --------------------------------------------------------------------------------------

    def stats(self) -> dict[str, int | str | None]:
        """What `/healthz` reports: worker processes, idle ones, heavy jobs, requests in flight, the network fence."""
        with self._lock:
            return {
                "workers": len(self._all),
                "idle": self._idle.qsize(),
                "heavy": len(self._heavy),
                "requests": self._requests,
                "fence": self.fence,
            }

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


def _fields(lease: Lease, **more: object) -> dict[str, dict[str, object]]:
    """Structured fields of a log line about a lease (see `kg.logs`)."""
    worker = lease.worker
    return {"fields": {"client": lease.client, "pid": worker.pid if worker else None, **more}}
