"""WARC and .warc.gz files (Common Crawl's CC-NEWS, or your own crawls): every HTML response is one article.

An article keeps the record's target URI (unless the page names a canonical
URL) and, when the page states no publication date, the record's capture
date: news crawls capture pages within hours of publication. Records that
are not HTML responses (requests, metadata, images, DNS, revisits) are no
articles and are passed over without a word; HTML responses that are not a
200, exceed the size cap or hold no English article are skipped and reported.
A file that is not a WARC or is cut short is an `InputError`, found by the
validation pass before anything is written.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kg.config import FetchSettings, IngestSettings
from kg.sources.page import Hints, extract
from kg.sources.record import Article, InputError, ReadReport, Skipped, written_date

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, *, fetch: FetchSettings, limits: IngestSettings, report: ReadReport) -> Iterator[Article]:
    """The articles of a WARC file, in record order."""
    for record, source in _responses(path):
        http = record.http_headers
        content_type = http.get_header("Content-Type", "")
        if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            continue
        try:
            if http.get_statuscode() != "200":
                raise Skipped(source, f"HTTP {http.get_statuscode()}")
            body = record.content_stream().read(fetch.max_bytes + 1)
            if len(body) > fetch.max_bytes:
                raise Skipped(source, "too large", f"over the cap of {fetch.max_bytes:,} bytes")
            charset = content_type.partition("charset=")[2].strip(" \"'") or None
            hints = Hints(published=written_date(record.rec_headers.get_header("WARC-Date")))
            yield extract(
                body,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                source=source,
                origin=str(path),
                charset=charset,
                hints=hints,
                fetch=fetch,
                limits=limits,
            )
        except Skipped as skipped:
            report.skip(skipped)


def check_warc(path: Path) -> None:
    """Read the whole file, so a truncated or foreign file stops an ingest before anything is written.

    warcio stops quietly at a cut-off gzip member, so a compressed file is
    also decompressed to its end here, which is where truncation shows.
    """
    for _ in _responses(path):
        pass
    with open(path, "rb") as stream:
        if stream.read(2) != b"\x1f\x8b":
            return
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error) as error:
        raise InputError(path, 0, f"not a readable WARC file: {error}") from error


def _responses(path: Path) -> Iterator[tuple[ArcWarcRecord, str]]:
    """The response records that carry HTTP headers, each with its location for messages."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.format != "warc":
                    raise InputError(
                        path, 0, f"not a WARC file (a record at byte {records.offset} reads as {record.format!r})"
                    )
                if record.rec_type == "response" and record.http_headers is not None:
                    yield record, f"{path}#{record.rec_headers.get_header('WARC-Record-ID')}"
        except InputError:
            raise
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
            raise InputError(path, 0, f"not a readable WARC file (at byte {records.offset}): {error}") from error
