"""A small news site on 127.0.0.1 for the web tests: fixture pages, feeds, sitemaps and misbehaving routes.

The site is a real HTTP server in a thread of the test process, so `kg watch`
running as a subprocess fetches from it over TCP, and a test can change a page
or a feed between two polls. Every request is logged (path and headers), so
tests can assert what was fetched and what was not (robots.txt, conditional
requests). Pages carry an ETag and a Last-Modified date and answer 304 to a
matching conditional request, as real sites do.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).parent / "fixtures" / "web"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer 500 to this many requests before answering normally
    delay: float = 0.0  # seconds before answering
    modified: float = field(default_factory=time.time)
    length: bool = True  # send Content-Length (else the body ends when the connection closes)
    drip: float = 0.0  # seconds between 1 KB pieces of the body: a server that answers, slowly

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes, **options: object) -> Route:
        """Serve `body` at `path` ({{BASE}} in it becomes this site's address); replaces what was there."""
        data = body.replace("{{BASE}}", self.base).encode() if isinstance(body, str) else body
        with self._lock:
            route = self.routes[path] = Route(data, **options)
        return route

    def page(self, path: str, fixture: str, **options: object) -> Route:
        return self.add(path, (PAGES / fixture).read_text(encoding="utf-8"), **options)

    def redirect(self, path: str, target: str, status: int = 302) -> Route:
        return self.add(path, b"", status=status, headers={"Location": target})

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append(Request(handler.path, {k.lower(): v for k, v in handler.headers.items()}))
            route = self.routes.get(handler.path.split("?")[0])  # like real sites, ignore tracking parameters
            failing = route is not None and route.fail_first > 0
            if failing:
                route.fail_first -= 1
        if route is None:
            return _send(handler, 404, {"Content-Type": "text/html"}, b"<html><body><h1>Not found</h1></body></html>")
        if route.delay:
            time.sleep(route.delay)
        if failing:
            return _send(handler, 500, {"Content-Type": "text/html"}, b"<html><body>Internal error</body></html>")
        headers = {
            "Content-Type": route.content_type,
            "ETag": route.etag,
            "Last-Modified": email.utils.formatdate(route.modified, usegmt=True),
            **route.headers,
        }
        if route.status == 200 and handler.headers.get("If-None-Match") == route.etag:
            return _send(handler, 304, {"ETag": route.etag}, b"")
        _send(handler, route.status, headers, route.body, length=route.length, drip=route.drip)


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: dict[str, str],
    body: bytes,
    length: bool = True,
    drip: float = 0.0,
) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        for start in range(0, len(body), 1024 if drip else max(len(body), 1)):
            handler.wfile.write(body[start : start + (1024 if drip else len(body))])
            handler.wfile.flush()
            time.sleep(drip)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, size cap): expected here
        pass


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API
            site._answer(self)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    return Handler


# -- the fixture outlet ----------------------------------------------------------------------------------
TALKS = "/world/2024/03/04/kazakhstan-japan-critical-minerals/"
GRAIN = "/economy/uzbek-grain.html"
BORDER = "/region/kyrgyz-border"
RUSSIAN = "/ru/water-agreement"
GAS = "/energy/turkmen-gas"
ROGUN = "/energy/rogun"
VIDEO = "/video/eagles"
PRIVATE = "/private/staff-notes"
SLOW, LOOP, BIG, MISSING = "/slow", "/loop/a", "/big", "/gone"


def rss(site: Site, items: list[tuple[str, str, str]], title: str = "The Steppe Herald – World") -> str:
    """An RSS 2.0 feed of (path, title, RFC 822 date) items, as WordPress writes them."""
    entries = "".join(
        f"""<item><title>{headline}</title><link>{site.url(path)}</link>
        <guid isPermaLink="false">{path}</guid><pubDate>{date}</pubDate>
        <dc:creator><![CDATA[Desk]]></dc:creator><category><![CDATA[World]]></category>
        <description><![CDATA[<p>{headline} &#8230;</p>]]></description></item>"""
        for path, headline, date in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>{title}</title><atom:link href="{site.url("/feeds/world.rss")}" rel="self" type="application/rss+xml"/>
<link>{site.base}/</link><description>News from Central Asia</description><language>en-GB</language>
<lastBuildDate>Tue, 05 Mar 2024 10:00:00 +0500</lastBuildDate>{entries}</channel></rss>"""


def atom(site: Site, entries: list[tuple[str, str, str]]) -> str:
    """An Atom feed of (path, title, updated) entries, links relative to the feed (resolved by xml:base)."""
    body = "".join(
        f"""<entry><title type="html">{headline}</title><link rel="alternate" type="text/html"
        href="{path.lstrip("/")}"/><id>tag:abr.example,2024:{path}</id><updated>{updated}</updated>
        <published>2024-03-05T09:00:00+05:00</published><author><name>ABR</name></author>
        <summary>{headline}</summary></entry>"""
        for path, headline, updated in entries
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{site.base}/"><title>Ashgabat Business Review: Energy</title>
<id>tag:abr.example,2024:energy</id><updated>2024-03-05T10:00:00Z</updated>{body}</feed>"""


def news_sitemap(site: Site, items: list[tuple[str, str, str]], name: str = "Caspian Daily") -> str:
    """A Google News sitemap of (path, title, publication date) items."""
    urls = "".join(
        f"""<url><loc>{site.url(path)}</loc><lastmod>{date}</lastmod><news:news><news:publication>
        <news:name>{name}</news:name><news:language>en</news:language></news:publication>
        <news:publication_date>{date}</news:publication_date><news:title>{headline}</news:title></news:news></url>"""
        for path, headline, date in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>"""


def sitemap_index(site: Site, paths: list[str]) -> str:
    maps = "".join(f"<sitemap><loc>{site.url(p)}</loc><lastmod>2024-03-05</lastmod></sitemap>" for p in paths)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>"""


def big_page(size: int) -> str:
    paragraph = "<p>Kazakhstan and Uzbekistan discussed water, energy and transport at length once more.</p>\n"
    return (
        "<html><body><article><h1>A Page Larger Than the Cap</h1>"
        + paragraph * (size // len(paragraph) + 1)
        + "</article></body></html>"
    )


def build_outlet(site: Site) -> None:
    """The fixture outlet: pages (good, broken, foreign, empty, private), misbehaving routes, feeds, sitemaps."""
    site.add(
        "/robots.txt",
        "User-agent: *\nDisallow: /private/\n\nSitemap: {{BASE}}/sitemap-index.xml\n",
        content_type="text/plain",
    )
    site.page(TALKS, "astana-japan-talks.html")
    site.page(GRAIN, "uzbek-grain.html", content_type="text/html")
    site.page(BORDER, "kyrgyz-broken.html", content_type="text/html")
    site.page(RUSSIAN, "ru-article.html")
    site.page(GAS, "turkmen-gas-v1.html")
    site.page(ROGUN, "tajik-hydro.html", fail_first=1)
    site.page(VIDEO, "video-only.html")
    site.page(PRIVATE, "private-story.html")
    third_turbine = (
        (PAGES / "tajik-hydro.html")
        .read_text(encoding="utf-8")
        .replace("Second", "Third")
        .replace("second", "third")
        .replace("1,200", "1,800")
    )
    site.add(SLOW, third_turbine, delay=3.0)
    site.redirect(LOOP, "/loop/b")
    site.redirect("/loop/b", LOOP)
    site.add(BIG, big_page(2_000_000), length=False)
    site.add(
        "/feeds/world.rss",
        rss(
            site,
            [
                (
                    TALKS + "?utm_source=rss&utm_medium=feed",
                    "Kazakhstan and Japan Agree to Expand Cooperation",
                    "Mon, 04 Mar 2024 09:30:00 +0500",
                ),
                (GRAIN, "Uzbekistan Expects Record Wheat Harvest", "Tue, 05 Mar 2024 02:00:00 +0500"),
                (BORDER, "Kyrgyzstan Opens New Border Crossing With China", "Thu, 07 Mar 2024 08:00:00 +0600"),
                (RUSSIAN, "Казахстан и Узбекистан подписали соглашение", "Tue, 05 Mar 2024 12:00:00 +0500"),
                (ROGUN, "Tajikistan Completes Second Turbine at Rogun Dam", "Wed, 06 Mar 2024 10:00:00 +0500"),
                (VIDEO, "Watch: Eagle Hunters Festival", "Wed, 06 Mar 2024 11:00:00 +0500"),
                (PRIVATE, "Staff notes", "Wed, 06 Mar 2024 12:00:00 +0500"),
                (MISSING, "A story that was taken down", "Wed, 06 Mar 2024 13:00:00 +0500"),
                (SLOW, "A story on a slow server", "Wed, 06 Mar 2024 14:00:00 +0500"),
                (LOOP, "A story behind a redirect loop", "Wed, 06 Mar 2024 15:00:00 +0500"),
                (BIG, "A story larger than the cap", "Wed, 06 Mar 2024 16:00:00 +0500"),
            ],
        ),
        content_type="application/rss+xml; charset=utf-8",
    )
    site.add(
        "/feeds/energy.atom",
        atom(site, [(GAS, "Turkmenistan and China Sign Gas Supply Deal", "2024-03-05T10:00:00Z")]),
        content_type="application/atom+xml",
    )
    site.add(
        "/sitemap-news.xml",
        news_sitemap(
            site,
            [
                (GRAIN, "Uzbekistan Expects Record Wheat Harvest", "2024-03-05"),
                (GAS, "Turkmenistan and China Sign Gas Supply Deal", "2024-03-05T09:00:00+05:00"),
            ],
        ),
        content_type="application/xml",
    )
    site.add("/sitemap-index.xml", sitemap_index(site, ["/sitemap-news.xml"]), content_type="application/xml")
