"""Feeds (RSS 0.9x–2.0, Atom) and sitemaps (plain, news, index): the links they list, with what they say.

Feeds are parsed by feedparser, which copes with the ill-formed XML, odd
encodings and a dozen date formats real feeds have; it is always handed a
stream, never a string, because a string that looks like a URL or a file
name would make it open one itself, outside the fetch policy. Sitemaps are
plain XML read by lxml with entities and network access off.

A link's `version` is whatever the listing says about when the item last
changed (Atom `updated`, RSS `pubDate`, sitemap `lastmod`): `kg watch`
refetches a page it has seen only when that changes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from kg.sources.page import Hints
from kg.sources.record import as_iri, written_date

_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_PROLOGUE = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.DOTALL | re.IGNORECASE)
KINDS = {b"rss": "feed", b"feed": "feed", b"RDF": "feed", b"urlset": "sitemap", b"sitemapindex": "sitemap"}
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Link:
    url: str
    version: str | None = None  # changes when the listing says the item changed
    hints: Hints = Hints()
    is_listing: bool = False  # a sitemap named by a sitemap index


def kind(body: bytes) -> str | None:
    """ "feed" or "sitemap" from the document's root element; None for anything else (an HTML page)."""
    head = body[:8192].lstrip(b"\xef\xbb\xbf")
    head = _PROLOGUE.sub(b"", head, count=1)  # anchored at the start, and it may be empty
    root = _ROOT.match(head)
    return KINDS.get(root.group(2)) if root else None


def links(body: bytes, base: str | None) -> list[Link]:
    """The links of a feed or sitemap, resolved against `base`.

    Raises ValueError saying what is wrong with a document that is neither.
    """
    found = kind(body)
    if found == "feed":
        return _feed_links(body, base)
    if found == "sitemap":
        return _sitemap_links(body, base)
    raise ValueError("not an RSS/Atom feed or a sitemap")


def _resolved(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    return as_iri(urljoin(base, url.strip()) if base else url.strip())


def _feed_links(body: bytes, base: str | None) -> list[Link]:
    """Entries' links with their titles and dates.

    The feed's own title is not taken as the publisher: it names a feed
    ("The Herald » World"), and a wrong publisher is worse than none.
    """
    import feedparser

    headers = {"content-location": base} if base else {}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"unreadable feed: {parsed.get('bozo_exception')}")
    found = []
    for entry in parsed.entries:
        url = _resolved(
            entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith("http") else None), base
        )
        if url is None:
            continue
        # dict.get: feedparser's own get() maps a missing "updated" to "published", with a DeprecationWarning
        updated, published_text = dict.get(entry, "updated"), dict.get(entry, "published")
        published = written_date(published_text) or written_date(updated)
        hints = Hints(title=" ".join(entry.get("title", "").split()) or None, published=published)
        found.append(Link(url, updated or published_text, hints))
    return found


def _sitemap_links(body: bytes, base: str | None) -> list[Link]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"malformed sitemap XML: {error}") from error
    index = etree.QName(root).localname == "sitemapindex"
    found = []
    for entry in root:
        if not isinstance(entry.tag, str):  # comments, processing instructions
            continue
        fields = {
            etree.QName(node).localname: (node.text or "").strip() for node in entry.iter() if isinstance(node.tag, str)
        }
        url = _resolved(fields.get("loc"), base)
        if url is None:
            continue
        published = written_date(fields.get("publication_date"))
        hints = Hints(title=fields.get("title") or None, published=published, publisher=fields.get("name") or None)
        found.append(Link(url, fields.get("lastmod") or fields.get("publication_date") or None, hints, index))
    return found
