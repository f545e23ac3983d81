"""Progress that people can read: a bar with rate and ETA on a terminal, a log line every few seconds otherwise."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType

log = logging.getLogger("kg.ingest")


class IngestProgress:
    """Called with (articles done, articles in all) after each batch; use as a context manager."""

    def __init__(self, *, quiet: bool = False, every: float = 5.0) -> None:
        self.quiet = quiet
        self.every = every
        self.bar = None
        self.started = time.monotonic()
        self.last_log = 0.0

    def __enter__(self) -> IngestProgress:
        if not self.quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit="article", file=sys.stderr, smoothing=0.1)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.close()

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.total = total
            self.bar.update(done - self.bar.n)
            return
        now = time.monotonic()
        if now - self.last_log >= self.every or done >= total:
            self.last_log = now
            elapsed = now - self.started
            rate = done / elapsed if elapsed > 0 else 0.0
            eta = (total - done) / rate if rate > 0 else float("nan")
            log.info(
                "ingest: %d/%d articles (%.0f%%), %.1f articles/s, ETA %.0f s",
                done,
                total,
                100 * done / max(total, 1),
                rate,
                eta,
            )
