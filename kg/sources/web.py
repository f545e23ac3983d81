"""URLs and listing files for `kg ingest`: fetch, tell a feed or sitemap from a page, follow, extract.

A URL may name an article page, a feed or a sitemap (the body decides, not
the Content-Type, which servers get wrong): listings are followed to their
pages, sitemap indexes to their sitemaps, up to `MAX_DEPTH` levels and never
twice to one URL. Every failure on the way is a skip, reported and counted:
one dead link must not stop a feed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import FetchSettings, IngestSettings
from kg.fetch import Fetcher, Response, gunzip
from kg.sources import listing
from kg.sources.listing import GZIP_MAGIC, Link
from kg.sources.page import extract
from kg.sources.record import Article, InputError, ReadReport, Skipped

MAX_DEPTH = 3  # a URL → a sitemap index → a sitemap → its pages


def body_of(response: Response, max_bytes: int) -> bytes:
    """The document a response carries, a gzipped sitemap (`sitemap.xml.gz`) unpacked within the cap."""
    if response.body.startswith(GZIP_MAGIC):
        return gunzip(response.url, response.body, max_bytes)
    return response.body


def listing_file_links(path: Path, max_bytes: int) -> list[Link]:
    """The links of a feed or sitemap saved as a file; anything else there is an `InputError`."""
    data = path.read_bytes()
    try:
        data = gunzip(str(path), data, max_bytes) if data.startswith(GZIP_MAGIC) else data
        return listing.links(data, None)
    except (ValueError, Skipped) as error:
        raise InputError(path, 0, str(error)) from error


@dataclass
class Crawl:
    """One ingest's walk over URLs and listings, sharing a fetcher (per-host timing, robots.txt) and a memory."""

    fetch: FetchSettings
    limits: IngestSettings
    report: ReadReport
    fetcher: Fetcher = field(init=False)
    visited: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.fetcher = Fetcher(self.fetch)

    def url(self, url: str) -> Iterator[Article]:
        """The article at `url`, or the articles of the feed or sitemap there."""
        yield from self._visit(Link(url), origin=url, depth=0)

    def links(self, links: list[Link], origin: str) -> Iterator[Article]:
        """The articles a listing (read from `origin`) links to."""
        for link in links:
            yield from self._visit(link, origin, depth=1)

    def _visit(self, link: Link, origin: str, depth: int) -> Iterator[Article]:
        if link.url in self.visited:
            return
        self.visited.add(link.url)
        try:
            response = self.fetcher.get(link.url)
            body = body_of(response, self.fetch.max_bytes)
            if listing.kind(body) is None:
                yield extract(
                    body,
                    url=response.url,
                    source=link.url,
                    origin=origin,
                    charset=response.charset,
                    hints=link.hints,
                    fetch=self.fetch,
                    limits=self.limits,
                )
                return
            if depth >= MAX_DEPTH:
                raise Skipped(link.url, "listings nested too deep", f"more than {MAX_DEPTH} levels")
            try:
                children = listing.links(body, response.url)
            except ValueError as error:
                raise Skipped(link.url, "unreadable listing", str(error)) from error
        except Skipped as skipped:
            self.report.skip(skipped)
            return
        for child in children:
            yield from self._visit(child, link.url, depth + 1)
