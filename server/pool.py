"""A supervised pool of query worker processes, so that a timeout really stops the work.

pyoxigraph cannot cancel a running query, and a thread cannot be killed, so
queries run in long-lived worker processes (`server.engine`). A request leases
an idle worker, sends it a job and waits for the reply until its deadline; if
the deadline passes, the worker is killed (SIGKILL), the request fails with
`Timeout`, and a replacement is started in the background. Workers are kept
alive between requests and talk over a pipe, so a request costs two small
pickled messages and a bytes transfer, not a process start.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from multiprocessing.connection import Connection
from pathlib import Path

from server.engine import Job, Reply, worker_main


class PoolError(Exception):
    """The job could not be answered; `status` and the message say how to tell the client."""

    status = 500


class Timeout(PoolError):
    status = 503


class Busy(PoolError):
    status = 503


class WorkerDied(PoolError):
    status = 500


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    def receive(self, deadline: float | None) -> object:
        self._wait(deadline)
        return self.conn.recv()

    def receive_bytes(self, deadline: float | None) -> bytes:
        self._wait(deadline)
        return self.conn.recv_bytes()

    def _wait(self, deadline: float | None) -> None:
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not self.conn.poll(remaining):
            raise Timeout("query timed out")

    def kill(self) -> None:
        with suppress(Exception):
            self.process.kill()
        with suppress(Exception):
            self.conn.close()
        self.process.join(5)


class WorkerPool:
    def __init__(self, store_path: Path, size: int = 4, initializer: Callable[[], None] | None = None) -> None:
        self.store_path = store_path
        self.initializer = initializer
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        starting = [self._spawn() for _ in range(size)]  # start in parallel, then wait for each
        for worker in starting:
            self._idle.put(self._ready(worker))

    def _start(self) -> _Worker:
        return self._ready(self._spawn())

    def _ready(self, worker: _Worker) -> _Worker:
        """Wait until the worker has imported everything and can answer at once (it says "ready")."""
        if not worker.conn.poll(60) or worker.conn.recv() != "ready":
            raise WorkerDied("a query worker did not start")
        return worker

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_main, args=(child, str(self.store_path), self.initializer), name="kg-query-worker", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _lease(self, deadline: float) -> _Worker:
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise Busy("all query workers are busy; retry later") from None

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            self._discard(worker, replace=False)
        else:
            self._idle.put(worker)

    def _discard(self, worker: _Worker, replace: bool = True) -> None:
        """Kill a worker that timed out or broke and start its replacement off the request path."""
        with self._lock:
            self._all.discard(worker)

        def replace_it() -> None:
            worker.kill()
            if replace and not self._closed:
                try:
                    self._idle.put(self._start())
                except PoolError:
                    if not self._closed:  # a pool shrinking by one is worth a line on stderr
                        raise

        threading.Thread(target=replace_it, name="kg-worker-replacer", daemon=True).start()

    def run(self, job: Job, timeout: float) -> tuple[Reply, bytes]:
        """Run a job to completion within `timeout` seconds (waiting for a free worker included)."""
        reply, chunks = self.stream(job, timeout, body_deadline=True)
        return reply, b"".join(chunks)

    def stream(self, job: Job, timeout: float, body_deadline: bool = False) -> tuple[Reply, Iterator[bytes]]:
        """The reply within `timeout`, then the body chunks as the worker produces them.

        With `body_deadline` the whole body must arrive before the deadline too
        (and is read eagerly); otherwise only the first message has one, which
        suits exports that take as long as the data is large.
        """
        deadline = time.monotonic() + timeout
        worker = self._lease(deadline)
        try:
            worker.conn.send(job)
            reply = worker.receive(deadline)
            if not isinstance(reply, Reply):
                raise WorkerDied(f"unexpected message from worker: {reply!r}")
            if body_deadline:
                chunks = list(iter(lambda: worker.receive_bytes(deadline), b""))
                self._release(worker)
                return reply, iter(chunks)
        except (EOFError, OSError) as error:
            self._discard(worker)
            raise WorkerDied(f"query worker died: {error}") from error
        except BaseException:
            self._discard(worker)
            raise
        return reply, self._body(worker)

    def _body(self, worker: _Worker) -> Iterator[bytes]:
        finished = False
        try:
            while chunk := worker.receive_bytes(None):
                yield chunk
            finished = True
        except (EOFError, OSError) as error:
            # Raising (not returning) makes the WSGI server drop the connection, so the
            # client sees an incomplete transfer instead of a short but "complete" body.
            raise WorkerDied(f"query worker died mid-body: {error}") from error
        finally:
            if finished:
                self._release(worker)
            else:
                self._discard(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
