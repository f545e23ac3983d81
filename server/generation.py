"""Cheap freshness check: the store generation, re-read from disk at most every `interval` seconds.

`kg ingest` bumps a counter file after each write; jobs carry the generation
they were sent under and workers re-open their read-only snapshot when it
changes. Re-reading a tiny file on every request would be cheap too, but the
interval keeps a hot server from hammering the filesystem.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from kg.store import read_generation

log = logging.getLogger(__name__)


class GenerationWatch:
    def __init__(self, store_path: Path, interval: float = 0.5) -> None:
        self.store_path = store_path
        self.interval = interval
        self._lock = threading.Lock()
        self._value = read_generation(store_path)
        self._checked = time.monotonic()

    def current(self) -> int:
        now = time.monotonic()
        if now - self._checked >= self.interval:
            with self._lock:
                if now - self._checked >= self.interval:
                    self._read(now)
        return self._value

    def refresh(self) -> int:
        """Re-read now (after this process wrote the store itself)."""
        with self._lock:
            self._read(time.monotonic())
        return self._value

    def _read(self, now: float) -> None:
        value = read_generation(self.store_path)
        if value != self._value:
            log.info(
                "the store was written: workers re-open it on their next query",
                extra={"fields": {"store": str(self.store_path), "generation": value, "was": self._value}},
            )
        self._value = value
        self._checked = now
