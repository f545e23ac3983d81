"""One HTML page in, one article out: main text and metadata with trafilatura, language with py3langid.

Real pages are mostly navigation, advertising, comments and footers;
trafilatura keeps the article's own paragraphs and reads the headline, date,
canonical URL and site name from JSON-LD, OpenGraph and the markup. What it
cannot find may come from where the page was found (`Hints`: the feed item's
date and title, the sitemap's publication name, the WARC record's date).
The language is judged from the extracted text itself, since templates
declare `lang="en"` on every page whatever it holds.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kg.config import FetchSettings, IngestSettings
from kg.sources.record import Article, Skipped, as_iri, clean, written_date

# trafilatura logs every page it discards; the reader reports skips itself, once, with the reason.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

LANGUAGE_NAMES = {"en": "English"}


@dataclass(frozen=True)
class Hints:
    """What the place a page was found says about it, used where the page itself is silent."""

    title: str | None = None
    published: dt.date | None = None
    publisher: str | None = None


def extract(
    html: bytes,
    *,
    url: str | None,
    source: str,
    origin: str | None,
    charset: str | None = None,
    hints: Hints = Hints(),
    fetch: FetchSettings,
    limits: IngestSettings,
) -> Article:
    """The article of a page, or `Skipped` saying why there is none (no text, other language, no headline)."""
    import py3langid
    import trafilatura

    document = trafilatura.bare_extraction(
        _decoded(html, charset),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # only dates the page states as its publication date, never guesses from the text
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if isinstance(document, dict):  # only with as_dict=True
        raise TypeError("trafilatura.bare_extraction returned a dict, not a Document")
    text = _body(document.text or "", document.title) if document is not None else ""
    if document is None or len(text) < fetch.min_text_chars:
        raise Skipped(source, "no article text", f"{len(text)} characters of main text")
    language = str(py3langid.classify(text)[0])
    if language != fetch.language:
        raise Skipped(source, f"not {LANGUAGE_NAMES.get(fetch.language, fetch.language)}", f"language {language}")
    title = " ".join((document.title or hints.title or "").split())
    if not title:
        raise Skipped(source, "no headline")
    if len(title) > limits.max_title_chars:
        raise Skipped(source, "headline too long", f"{len(title):,} characters")
    return Article(
        title=title,
        text=text,
        source=source,
        url=_url(document.url, url),
        published=written_date(document.date) or hints.published,
        publisher=_publisher(document.sitename, url) or hints.publisher,
        origin=origin,
        language=language,
    )


def _decoded(html: bytes, charset: str | None) -> str | bytes:
    """Text in the charset the server declared; without one trafilatura detects it from the bytes."""
    if charset:
        try:
            return html.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            pass
    return html


def _body(text: str, title: str | None) -> str:
    """The main text without the headline trafilatura keeps as its first line (the graph has it apart)."""
    lines = [line.strip() for line in clean(text).split("\n") if line.strip()]
    if lines and title and " ".join(lines[0].split()) == " ".join(title.split()):
        lines = lines[1:]
    return "\n".join(lines)


def _url(canonical: str | None, fetched: str | None) -> str | None:
    """The page's canonical URL if it is a usable http(s) IRI, else the URL it was fetched from."""
    for candidate in (canonical, fetched):
        if candidate and (iri := as_iri(candidate)):
            return iri
    return None


def _publisher(sitename: str | None, url: str | None) -> str | None:
    """The site's name; trafilatura falls back to the host name, which names no publisher."""
    name = " ".join((sitename or "").split())
    host = urlsplit(url).netloc.lower() if url else ""
    return name if name and name.lower() not in (host, host.removeprefix("www.")) else None


# Browsers' "Save page as" leaves the page's address in a comment ("mark of the web").
_SAVED_FROM = re.compile(rb"<!-- saved from url=\(\d+\)(https?://[^\s>]+?) ?-->")


def read_html_file(path: Path, *, fetch: FetchSettings, limits: IngestSettings) -> Article:
    """A saved article page; its URL is the page's canonical link, else the address the browser noted."""
    size = path.stat().st_size
    if size > fetch.max_bytes:
        raise Skipped(str(path), "too large", f"{size:,} bytes, the cap is {fetch.max_bytes:,}")
    html = path.read_bytes()
    saved_from = _SAVED_FROM.search(html[:4096])
    url = saved_from.group(1).decode("ascii", "replace") if saved_from else None
    return extract(html, url=url, source=str(path), origin=str(path), fetch=fetch, limits=limits)
