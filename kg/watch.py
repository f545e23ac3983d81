"""`kg watch`: keep the graph current from feeds, sitemaps and pages, politely, across restarts.

Each poll (every `--every`):

1. every source is fetched with a conditional GET (ETag, Last-Modified); a
   feed or sitemap that changed puts its new links, and the links whose
   listed date changed, in the queue; a source that is a page is itself a
   candidate; a sitemap index queues its sitemaps the same way;
2. queued pages are fetched (conditionally, when seen before) and extracted
   in small batches; each batch is deduplicated by canonical URL and by
   content hash, written through `write_articles`, and only then marked done
   in the state, in one SQLite transaction.

The state (SQLite, next to the store: `data/kg.watch.sqlite`) holds the
validators of every source, the queue, and the content hash of every article
written. A restart therefore neither refetches nor re-ingests: a link stays
queued until its batch is written, a written article is not written again
unless its text changed, and an edited article replaces its graph (IRIs are
minted from the canonical URL). A crash between a store write and the state
commit only means that batch is fetched and written again: the same graphs,
replaced by themselves.

Failures never end the loop. Network errors, timeouts, 429 and 5xx are
retried in place (`--retries`, `--backoff`), then at later polls with a
doubling gap, and given up after `MAX_FAILURES`; 4xx, robots.txt refusals,
non-English pages and pages without text are skipped for good (until the
listing shows a new date for them). Everything is logged and counted.
SIGTERM and SIGINT stop the loop cleanly: no page is fetched after the
signal, the batch in hand is written and committed, then the process exits 0.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from kg.config import Settings
from kg.fetch import Fetcher, FetchError, Response
from kg.ingest import ingest
from kg.pipeline import Pipeline
from kg.readers import ReadReport, split_long
from kg.sources import listing
from kg.sources.listing import Link
from kg.sources.page import Hints, extract
from kg.sources.record import Article, Skipped, written_date
from kg.sources.web import body_of

log = logging.getLogger("kg.watch")

MAX_FAILURES = 6  # transient failures of one URL, at growing gaps, before it is given up
MAX_GAP = 24 * 3600.0  # the longest wait before retrying a failed URL

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    role TEXT NOT NULL,            -- source (given by the user), listing (a sitemap of an index), page
    origin TEXT,                   -- the listing that named it
    hints TEXT,                    -- JSON: title, published, publisher from the listing
    etag TEXT, last_modified TEXT, -- validators of the last successful fetch
    status TEXT NOT NULL DEFAULT 'due',  -- due, done, skipped, failed
    failures INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,          -- canonical URL: the article's identity
    hash TEXT NOT NULL,            -- of what the graph records, so an unchanged page is not written again
    page TEXT NOT NULL,
    written REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_hash ON articles (hash);
CREATE TABLE IF NOT EXISTS listed (  -- what each listing last said about each link: listings may disagree
    listing TEXT NOT NULL,
    url TEXT NOT NULL,
    version TEXT,
    PRIMARY KEY (listing, url)
);
"""


def state_path(store: Path) -> Path:
    """The state file, next to the store (not inside it: the store directory belongs to Oxigraph)."""
    return store.with_name(store.name + ".watch.sqlite")


def write_articles(settings: Settings, pipeline: Pipeline, articles: list[Article]) -> str:
    """Ingest these articles into the store; the one place `kg watch` writes.

    The store is opened for each batch only, so `kg ingest` can write between
    batches and `kg serve` sees each batch as soon as it is committed.
    """
    return str(ingest(articles, settings, pipeline=pipeline))


@dataclass
class Candidate:
    """A fetched page on its way to the store: its article, or why it has none."""

    url: str
    response: Response | None = None
    article: Article | None = None
    skipped: Skipped | None = None


@dataclass
class Watcher:
    sources: list[str]
    settings: Settings
    counts: Counter[str] = field(default_factory=Counter)  # this poll's
    totals: Counter[str] = field(default_factory=Counter)  # since the start, skips included
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.fetcher = Fetcher(self.settings.fetch)
        self.report = ReadReport()  # this poll's skips and warnings
        path = state_path(self.settings.store)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(path.with_suffix(path.suffix + ".lock"), "w")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise RuntimeError(f"another `kg watch` is running on {self.settings.store}") from error
        self.db = sqlite3.connect(path, isolation_level=None)  # transactions are explicit, one per step
        self.db.executescript(SCHEMA)
        self._pipeline: Pipeline | None = None

    # -- the loop ------------------------------------------------------------------
    def run(self, once: bool = False) -> None:
        """Poll until SIGTERM or SIGINT (or once); a failure of any kind is logged and the loop goes on."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        self.pipeline()  # load spaCy now: a bad --model should fail at start, not at the first new article
        log.info(
            "watching %d source(s) every %s; state in %s",
            len(self.sources),
            _duration(self.settings.fetch.every),
            state_path(self.settings.store),
        )
        number = 0
        while not self.stopping.is_set():
            number += 1
            started = time.monotonic()
            self.counts, self.report = Counter(), ReadReport()
            try:
                self.poll()
            except Exception:  # the loop must outlive anything one poll can throw
                self.counts["poll errors"] += 1
                log.exception("poll %d failed; trying again at the next poll", number)
            log.info("poll %d done: %s", number, self.summary())
            self.totals.update(self.counts)
            self.totals.update({f"skipped ({reason})": n for reason, n in self.report.skipped.items()})
            if once:
                break
            self.stopping.wait(max(0.0, self.settings.fetch.every - (time.monotonic() - started)))
        log.info("stopped after %d poll(s): %s", number, _listed(self.totals))
        self.db.close()
        self._lock.close()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        log.info("%s: stopping after the batch in hand", signal.Signals(signum).name)
        self.stopping.set()

    def summary(self) -> str:
        return f"{_listed(self.counts)}; {self.report}"

    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(self.settings)
            self._pipeline.nlp  # noqa: B018 - load the model
        return self._pipeline

    def poll(self) -> None:
        """One round: the sources, the sitemaps they named, then the queued pages, batch by batch."""
        candidates: list[Candidate] = []
        for url in self.sources:
            if self.stopping.is_set():
                break
            self._remember(url, role="source")
            candidates.extend(self._listing(url, depth=0))
        for url in self._due("listing"):
            if self.stopping.is_set():
                break
            candidates.extend(self._listing(url, depth=1))
        self._write(candidates)  # pages given as sources, fetched already
        while not self.stopping.is_set() and (batch := self._due("page", self.settings.fetch.watch_batch)):
            self._write([self._page(url) for url in batch if not self.stopping.is_set()])

    # -- listings ------------------------------------------------------------------------
    def _listing(self, url: str, depth: int) -> Iterator[Candidate]:
        """Fetch a source or a child sitemap; queue its links, or yield it as a page if it is one."""
        response = self._fetch(url)
        if response is None or response.not_modified:
            return
        try:
            body = body_of(response, self.settings.fetch.max_bytes)
            if listing.kind(body) is None:
                if depth == 0:  # a page given as a source: watched itself
                    yield self._candidate(url, response, body)
                    return
                raise Skipped(url, "not a feed or sitemap")
            links = listing.links(body, response.url)
        except (Skipped, ValueError) as error:
            skipped = error if isinstance(error, Skipped) else Skipped(url, "unreadable listing", str(error))
            self._settle(url, skipped=skipped)
            return
        with self.db:  # the listing's validators and its queued links, together
            self.db.execute("BEGIN")
            for link in links:
                if link.is_listing and depth > 0:
                    self.report.skip(Skipped(link.url, "listings nested too deep"))
                    continue
                self._queue(link, origin=url)
            self._settle(url, response=response)

    def _queue(self, link: Link, origin: str) -> None:
        """Queue a link that is new, or whose date in this listing changed; leave the rest alone.

        Versions are kept per listing: a feed and a sitemap that list one page
        with different dates must not make it look changed at every poll.
        """
        hints = json.dumps(
            {
                "title": link.hints.title,
                "publisher": link.hints.publisher,
                "published": link.hints.published.isoformat() if link.hints.published else None,
            }
        )
        said = self.db.execute(
            "SELECT version FROM listed WHERE listing = ? AND url = ?", (origin, link.url)
        ).fetchone()
        self.db.execute(
            "INSERT OR REPLACE INTO listed (listing, url, version) VALUES (?, ?, ?)", (origin, link.url, link.version)
        )
        if self.db.execute("SELECT 1 FROM urls WHERE url = ?", (link.url,)).fetchone() is None:
            self.db.execute(
                "INSERT INTO urls (url, role, origin, hints) VALUES (?, ?, ?, ?)",
                (link.url, "listing" if link.is_listing else "page", origin, hints),
            )
            self.counts["queued"] += 1
        elif said is not None and said[0] != link.version:
            self.db.execute(
                "UPDATE urls SET hints = ?, status = 'due', failures = 0, next_try = 0 WHERE url = ?", (hints, link.url)
            )
            self.counts["queued again (listing changed)"] += 1

    # -- pages ---------------------------------------------------------------------------
    def _page(self, url: str) -> Candidate:
        response = self._fetch(url)
        if response is None:
            return Candidate(url)
        if response.not_modified:
            return Candidate(url, response)
        try:
            return self._candidate(url, response, body_of(response, self.settings.fetch.max_bytes))
        except Skipped as skipped:
            return Candidate(url, response, skipped=skipped)

    def _candidate(self, url: str, response: Response, body: bytes) -> Candidate:
        row = self.db.execute("SELECT origin, hints FROM urls WHERE url = ?", (url,)).fetchone()
        origin, hints = (row[0] or url, _hints(row[1])) if row else (url, Hints())
        try:
            article = extract(
                body,
                url=response.url,
                source=url,
                origin=origin,
                charset=response.charset,
                hints=hints,
                fetch=self.settings.fetch,
                limits=self.settings.ingest,
            )
        except Skipped as skipped:
            return Candidate(url, response, skipped=skipped)
        return Candidate(url, response, article)

    def _write(self, candidates: list[Candidate]) -> None:
        """Deduplicate a batch, write its new and changed articles, then record it all: the store first."""
        fetched = [c for c in candidates if c.response is not None]
        if not fetched:
            return
        accepted: dict[str, tuple[str, str]] = {}  # canonical URL -> (content hash, page URL)
        articles: list[Article] = []
        for candidate in fetched:
            if candidate.article is None:
                continue
            canonical, digest = candidate.article.url or candidate.url, _content_hash(candidate.article)
            verdict = self._verdict(canonical, digest, accepted)
            if verdict.startswith("duplicate"):
                candidate.skipped = Skipped(candidate.url, "duplicate", verdict)
                continue
            self.counts[verdict] += 1
            if verdict != "unchanged":
                accepted[canonical] = (digest, candidate.url)
                articles.extend(split_long(candidate.article, self.settings.ingest.max_chars, self.report))
        if articles:
            log.info(
                "writing %d article(s): %s", len(articles), write_articles(self.settings, self.pipeline(), articles)
            )
        with self.db:
            self.db.execute("BEGIN")
            for candidate in fetched:
                self._settle(candidate.url, response=candidate.response, skipped=candidate.skipped)
            self.db.executemany(
                "INSERT OR REPLACE INTO articles (url, hash, page, written) VALUES (?, ?, ?, ?)",
                [(url, digest, page, time.time()) for url, (digest, page) in accepted.items()],
            )

    def _verdict(self, canonical: str, digest: str, batch: dict[str, tuple[str, str]]) -> str:
        """new, replaced, unchanged, or "duplicate of …" (same canonical URL or same text as another article)."""
        known = self.db.execute("SELECT hash FROM articles WHERE url = ?", (canonical,)).fetchone()
        if known and known[0] == digest:
            return "unchanged"
        twin = self.db.execute("SELECT url FROM articles WHERE hash = ? AND url != ?", (digest, canonical)).fetchone()
        first = (
            twin[0]
            if twin
            else next((url for url, (other, _) in batch.items() if url == canonical or other == digest), None)
        )
        if first:
            return f"duplicate of {first}"
        return "replaced" if known else "new"

    # -- fetching and bookkeeping -------------------------------------------------------------
    def _fetch(self, url: str) -> Response | None:
        """A conditional GET with the validators of the last success; a failure is recorded, None returned."""
        row = self.db.execute("SELECT etag, last_modified FROM urls WHERE url = ?", (url,)).fetchone()
        etag, last_modified = row if row else (None, None)
        self.counts["fetched"] += 1
        try:
            response = self.fetcher.get(url, etag=etag, last_modified=last_modified)
        except FetchError as error:
            self._settle(url, skipped=error)
            return None
        if response.not_modified:
            self.counts["not modified"] += 1
        return response

    def _settle(self, url: str, *, response: Response | None = None, skipped: Skipped | None = None) -> None:
        """Record the outcome for a URL: done (with validators), skipped for good, or failed for now."""
        if skipped is None:
            assert response is not None
            self.db.execute(
                "UPDATE urls SET status = 'done', failures = 0, reason = NULL, "
                "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) WHERE url = ?",
                (response.headers.get("etag"), response.headers.get("last-modified"), url),
            )
            return
        if not (isinstance(skipped, FetchError) and skipped.transient):
            self.report.skip(skipped)
            self.db.execute("UPDATE urls SET status = 'skipped', reason = ? WHERE url = ?", (str(skipped), url))
            return
        failures, role = self.db.execute("SELECT failures, role FROM urls WHERE url = ?", (url,)).fetchone()
        failures += 1
        gap = min(self.settings.fetch.every * 2 ** (failures - 1), MAX_GAP)
        given_up = failures >= MAX_FAILURES and role != "source"  # sources are polled whatever happens
        self.counts["failed for good" if given_up else "failed, will retry"] += 1
        log.warning(
            "%s: %s", "giving up on" if given_up else f"failure {failures}, retrying in {_duration(gap)}", skipped
        )
        self.db.execute(
            "UPDATE urls SET status = ?, failures = ?, next_try = ?, reason = ? WHERE url = ?",
            ("skipped" if given_up else "failed", failures, time.time() + gap, str(skipped), url),
        )

    def _remember(self, url: str, role: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO urls (url, role, status) VALUES (?, ?, 'done')", (url, role))

    def _due(self, role: str, limit: int = -1) -> list[str]:
        rows = self.db.execute(
            "SELECT url FROM urls WHERE role = ? AND (status = 'due' OR (status = 'failed' AND "
            "next_try <= ?)) ORDER BY rowid LIMIT ?",
            (role, time.time(), limit),
        )
        return [url for (url,) in rows]


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing"


def _content_hash(article: Article) -> str:
    """A digest of what the graph records of an article (not where it was found), to tell an edit."""
    fields = [article.title, article.text, str(article.published), str(article.publisher), str(article.language)]
    return hashlib.sha256("\0".join(fields).encode()).hexdigest()


def _hints(text: str | None) -> Hints:
    data = json.loads(text) if text else {}
    return Hints(
        title=data.get("title"), publisher=data.get("publisher"), published=written_date(data.get("published"))
    )


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
