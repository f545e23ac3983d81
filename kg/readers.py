"""The one way articles come in: `iter_articles` for every input kind, `check_inputs` to validate first.

Inputs are files, directories and URLs:

| input | read by |
| --- | --- |
| `.txt` (seed format), `.jsonl` | `kg.sources.textfiles` |
| `.html`, `.htm`, `.xhtml` (saved pages) | `kg.sources.page` |
| `.warc`, `.warc.gz` | `kg.sources.warc` |
| `.xml`, `.xml.gz`, `.rss`, `.atom` (feeds and sitemaps; linked pages are fetched) | `kg.sources.web` |
| `http(s)://…` (a page, a feed or a sitemap) | `kg.sources.web` |

A directory means every file of those kinds in it, recursively, in name order.

Two kinds of trouble, two treatments. Bad local input (a malformed JSONL
line, a seed item with a missing blank line, a URL with `|`, a truncated
WARC) is an `InputError` naming `file:line`; `check_inputs` finds it in a
streaming pass that fetches nothing and keeps nothing, so an ingest can run
it before its first write. Items that have to be left out (a 404, a page in
another language, one without article text, a page seen twice) are skipped:
logged by name and counted in the `ReadReport`.

Within one input, two records with the same id, the same URL or (with
neither) the same headline are an error naming both lines; two web pages
with the same canonical URL or the same text are one article, the second
skipped as a duplicate. Article bodies over `max_chars` are split into
parts (see `split_long`).

`Article`, `InputError`, `ReadReport` (from `kg.sources.record`) and the
two text readers are re-exported here, the import path the rest of the code
uses.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.config import IngestSettings, Settings
from kg.sources.record import Article, InputError, ReadReport, Skipped, url_problem
from kg.sources.textfiles import read_jsonl, read_seed_text

__all__ = [
    "Article",
    "InputError",
    "ReadReport",
    "check_inputs",
    "iter_articles",
    "read_articles",
    "read_jsonl",
    "read_seed_text",
    "split_long",
]

KINDS = {
    ".txt": "seed",
    ".jsonl": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".xml": "listing",
    ".xml.gz": "listing",
    ".rss": "listing",
    ".atom": "listing",
}
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# Where a long body is best cut, best first: a paragraph, a sentence, a word.
_BREAKS = (re.compile(r"\n"), re.compile(r"[.!?…][\"'”’)\]]*\s"), re.compile(r"\s"))


@dataclass(frozen=True)
class Input:
    kind: str  # a value of KINDS, or "url"
    location: str  # a path or a URL

    @property
    def path(self) -> Path:
        return Path(self.location)


def plan(inputs: Iterable[str | Path]) -> Iterator[Input]:
    """Each input file or URL with its kind; directories expanded. Unknown or missing paths are errors."""
    for raw in inputs:
        text = str(raw)
        if _URL.match(text):
            yield Input("url", text)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if _kind(p) and p.is_file())
            if not found:
                raise InputError(path, 0, f"directory holds no file to read ({', '.join(KINDS)})")
            yield from (Input(_kind(p) or "", str(p)) for p in found)
        elif path.is_file():
            if not _kind(path):
                raise InputError(
                    path,
                    0,
                    f"unsupported file type {path.suffix!r} (use {', '.join(KINDS)}, or a directory or an http(s) URL)",
                )
            yield Input(_kind(path) or "", str(path))
        else:
            raise InputError(path, 0, "no such file or directory")


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    return next((KINDS[s] for s in sorted(KINDS, key=len, reverse=True) if name.endswith(s)), None)


def check_inputs(inputs: Iterable[str | Path], settings: Settings | None = None) -> None:
    """Validate everything that can be validated without fetching; raise `InputError` at the first problem.

    Streams: memory holds one record (and the keys of the records seen, for
    duplicates), whatever the size of the input.
    """
    from kg.sources.warc import check_warc
    from kg.sources.web import listing_file_links

    settings = settings or Settings()
    seen = _Seen()
    for item in plan(inputs):
        if item.kind in ("seed", "jsonl"):
            for article in _text_records(item, settings.ingest):
                seen.record(article)
        elif item.kind == "warc":
            check_warc(item.path)
        elif item.kind == "listing":
            listing_file_links(item.path, settings.fetch.max_bytes)
        elif item.kind == "url" and (problem := url_problem(item.location)):
            raise InputError(item.location, 0, f"cannot be fetched: it {problem}")


def iter_articles(
    inputs: Iterable[str | Path], settings: Settings | None = None, report: ReadReport | None = None
) -> Iterator[Article]:
    """Every article of the inputs, in order, bodies over `max_chars` split; skips go to `report`.

    Raises `InputError` for bad local input (run `check_inputs` first to get
    it before anything is done with the articles).
    """
    from kg.sources.warc import read_warc
    from kg.sources.web import Crawl, listing_file_links

    settings = settings or Settings()
    report = report if report is not None else ReadReport()
    fetch, limits = settings.fetch, settings.ingest
    seen = _Seen()
    crawl: Crawl | None = None
    for item in plan(inputs):
        if item.kind in ("seed", "jsonl"):
            articles = _text_records(item, limits)
        elif item.kind == "html":
            articles = _html_file(item.path, settings, report)
        elif item.kind == "warc":
            articles = read_warc(item.path, fetch=fetch, limits=limits, report=report)
        else:
            crawl = crawl or Crawl(fetch, limits, report)
            if item.kind == "url":
                articles = crawl.url(item.location)
            else:
                articles = crawl.links(listing_file_links(item.path, fetch.max_bytes), item.location)
        for article in articles:
            if item.kind in ("seed", "jsonl"):
                seen.record(article)
            elif repeat := seen.repeat(article):
                report.skip(repeat)
                continue
            yield from split_long(article, limits.max_chars, report)


def read_articles(
    inputs: Iterable[str | Path], settings: Settings | None = None, report: ReadReport | None = None
) -> list[Article]:
    """Every article, after a validation pass over the whole input: for callers that want them all at once."""
    inputs = list(inputs)
    check_inputs(inputs, settings)
    return list(iter_articles(inputs, settings, report))


def _text_records(item: Input, limits: IngestSettings) -> Iterator[Article]:
    reader = read_jsonl if item.kind == "jsonl" else read_seed_text
    return reader(item.path, limits)


def _html_file(path: Path, settings: Settings, report: ReadReport) -> Iterator[Article]:
    from kg.sources.page import read_html_file

    try:
        yield read_html_file(path, fetch=settings.fetch, limits=settings.ingest)
    except Skipped as skipped:
        report.skip(skipped)


class _Seen:
    """What one input has yielded so far, by key, to name both places of a duplicate.

    Keys are digests, so memory stays small per record however long a headline is.
    """

    def __init__(self) -> None:
        self.first: dict[bytes, str] = {}

    def record(self, article: Article) -> None:
        """A record of the user's own files: a duplicate is an error naming both lines."""
        for what, value in _keys(article):
            if first := self._add(what, value, article.source):
                path, _, line = article.source.rpartition(":")
                raise InputError(path, int(line), f"duplicate {what} {value[:80]!r}: first at {first}")

    def repeat(self, article: Article) -> Skipped | None:
        """A page from the web: one seen already under its canonical URL or with the same text is skipped."""
        digest = hashlib.sha256(f"{article.title}\n\n{article.text}".encode()).hexdigest()
        for what, value in (("URL", article.url), ("text", digest)):
            if value and (first := self._add(what, value, article.source)):
                return Skipped(article.source, "duplicate", f"same {what} as {first}")
        return None

    def _add(self, what: str, value: str, source: str) -> str | None:
        """The source that had this key first, or None after remembering `source` as the first."""
        key = hashlib.blake2b(f"{what}\0{value}".encode(), digest_size=16).digest()
        first = self.first.get(key)
        if first is None:
            self.first[key] = source
        return first


def _keys(article: Article) -> list[tuple[str, str]]:
    keys = [("id", article.id), ("URL", article.url)]
    if not article.id and not article.url:
        keys.append(("headline", article.title))
    return [(what, value) for what, value in keys if value]


def split_long(article: Article, max_chars: int, report: ReadReport) -> list[Article]:
    """An article whose body is over `max_chars`, as parts that each fit; a warning names it and its size.

    Splitting keeps every word in the graph (truncating would silently drop
    the end of a long report). Part 1 keeps the article's identity, so its
    IRI is what it would be unsplit; part n > 1 gets the id
    `{id, else URL, else headline}#part-n`, a deterministic IRI of its own.
    Bodies are cut at the last paragraph break in the second half of the
    window, else the last sentence end, else the last space.
    """
    if len(article.text) <= max_chars:
        return [article]
    texts = _cut(article.text, max_chars)
    report.warn(
        article.source,
        f"article body is {len(article.text):,} characters, over the --max-chars limit of "
        f"{max_chars:,}: split into {len(texts)} parts",
    )
    key = article.id or article.url or article.title
    return [replace(article, text=texts[0])] + [
        replace(article, text=text, id=f"{key}#part-{number}", source=f"{article.source} (part {number})")
        for number, text in enumerate(texts[1:], start=2)
    ]


def _cut(text: str, limit: int) -> list[str]:
    parts, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = limit
        for pattern in _BREAKS:
            ends = [match.end() for match in pattern.finditer(window, limit // 2)]
            if ends:
                cut = ends[-1]
                break
        parts.append(window[:cut].strip())
        start += cut
    parts.append(text[start:].strip())
    return [part for part in parts if part]
