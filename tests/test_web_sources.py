"""Web inputs read for real: feeds, sitemaps, pages and misbehaving routes on a local site; HTML files; WARC.

No NLP here: these tests look at the articles the readers yield (text,
metadata, skips). The graph side is in tests/test_watch.py.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import shutil
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from kg.config import Settings
from kg.readers import InputError, ReadReport, check_inputs, iter_articles
from tests.web_site import (
    BIG,
    BORDER,
    GAS,
    GRAIN,
    LOOP,
    MISSING,
    PAGES,
    PRIVATE,
    ROGUN,
    RUSSIAN,
    SLOW,
    TALKS,
    VIDEO,
    Site,
    build_outlet,
)

# What each page's extracted text must hold, and the boilerplate around it that it must not.
MUST = {
    TALKS: [
        "Kassym-Jomart Tokayev met Japanese Prime Minister Fumio Kishida",
        "rare earth metals",
        "Trans-Caspian International Transport Route",
        "Japan Bank for International Cooperation",
    ],
    GRAIN: ["record 8.5 million tonnes of wheat", "Bakhtiyor Rahimov", "shrinking Aral Sea"],
    BORDER: ["State Customs Service of Kyrgyzstan", "Akylbek Japarov", "Asian Development Bank"],
    ROGUN: ["Rogun hydropower plant", "CASA-1000"],
    GAS: ["10 billion cubic metres", "Ding Xuexiang"],
}
MUST_NOT = [
    "Advertisement",
    "Sponsored",
    "cookies",
    "Cheap flights",
    "Steppe Bank",
    "Subscribe",
    "Most read",
    "penalty shootout",
    "Comments",
    "nurlan_77",
    "wages go up",
    "visa-free",
    "Join the discussion",
    "All rights reserved",
    "Newsletter",
    "Latest news",
    "Print version",
    "Views:",
    "Popular",
    "Horse games",
    "Share on",
    "Photo: Akorda",
    "Read more",
    "Sign up",
]


def web_settings(**given: object) -> Settings:
    """The fetch policy the tests use: 127.0.0.1 allowed, no politeness delay, short timeouts, a 1 MB cap."""
    options = {
        "allow_private": True,
        "delay": 0.0,
        "read_timeout": 0.5,
        "retries": 1,
        "backoff": 0.05,
        "max_bytes": 1_000_000,
    }
    return Settings.build(**{**options, **given})


@pytest.fixture(scope="module")
def site():
    with Site() as site:
        build_outlet(site)
        yield site


@pytest.fixture(scope="module")
def from_feeds(site):
    """Everything the outlet's RSS and Atom feeds and its sitemap index lead to, read once."""
    report = ReadReport()
    inputs = [site.url("/feeds/world.rss"), site.url("/feeds/energy.atom"), site.url("/sitemap-index.xml")]
    articles = {a.url.removeprefix(site.base): a for a in iter_articles(inputs, web_settings(), report)}
    return articles, report


def test_text_is_the_article_not_the_boilerplate(from_feeds):
    articles, _ = from_feeds
    assert set(articles) == set(MUST)
    for path, words in MUST.items():
        text = articles[path].text
        assert all(word in text for word in words), (path, text)
        assert not [word for word in MUST_NOT if word in text], (path, text)
        assert not text.startswith(articles[path].title)  # the headline is kept apart


def test_metadata_from_json_ld_from_markup_and_from_the_feed(site, from_feeds):
    articles, _ = from_feeds
    talks = articles[TALKS]  # JSON-LD NewsArticle, OpenGraph, canonical link; fetched through a tracking URL
    assert (talks.title, talks.published, talks.publisher, talks.language) == (
        "Kazakhstan and Japan Agree to Expand Cooperation on Critical Minerals",
        dt.date(2024, 3, 4),
        "The Steppe Herald",
        "en",
    )
    assert talks.url == site.url(TALKS) and talks.origin == site.url("/feeds/world.rss")
    assert "utm_source" in talks.source
    grain = articles[GRAIN]  # no metadata at all: headline from <h1>, date from the feed as written (UTC+5)
    assert (grain.title, grain.published, grain.publisher) == (
        "Uzbekistan Expects Record Wheat Harvest as Irrigation Reform Pays Off",
        dt.date(2024, 3, 5),
        None,
    )
    assert articles[GAS].origin == site.url("/feeds/energy.atom")  # an Atom feed with relative links


def test_bad_sources_are_reported_by_name_and_counted_and_nothing_is_lost(site, from_feeds, caplog):
    _, report = from_feeds
    assert report.skipped == {
        "not English": 1,
        "no article text": 1,
        "disallowed by robots.txt": 1,
        "HTTP 404": 1,
        "timeout": 1,
        "redirect loop": 1,
        "too large": 1,
    }
    # the RSS feed lists 11 items: 4 articles and 7 skips, each accounted for
    assert len(MUST) - 1 + report.skipped.total() == 11


def test_robots_txt_is_honoured(site, from_feeds):
    assert not site.hits(PRIVATE)
    assert site.hits("/robots.txt")


def test_a_500_that_recovers_is_retried(site, from_feeds):
    assert len(site.hits(ROGUN)) == 2
    assert len(site.hits(SLOW)) == 2  # a timeout is retried too, then given up


def test_every_request_is_polite(site, from_feeds):
    agents = {r.headers.get("user-agent") for r in site.requests}
    assert len(agents) == 1 and agents.pop().startswith("astana-kg/")


def test_each_skip_is_logged_with_its_url(site, caplog):
    report = ReadReport()
    with caplog.at_level("WARNING", logger="kg.sources"):
        list(iter_articles([site.url(p) for p in (RUSSIAN, VIDEO, MISSING, LOOP, BIG)], web_settings(), report))
    assert f"skipped {site.url(RUSSIAN)}: not English (language ru)" in caplog.text
    assert f"skipped {site.url(VIDEO)}: no article text" in caplog.text
    assert f"skipped {site.url(MISSING)}: HTTP 404" in caplog.text
    assert f"skipped {site.url(LOOP)}: redirect loop" in caplog.text
    assert f"skipped {site.url(BIG)}: too large (over the cap of 1,000,000 bytes)" in caplog.text


def test_one_page_reached_twice_is_one_article(site):
    report = ReadReport()
    articles = list(iter_articles([site.url(TALKS), site.url(TALKS + "?ref=home")], web_settings(), report))
    assert len(articles) == 1 and report.skipped == {"duplicate": 1}


def test_news_sitemap_names_the_publication(site):
    (grain, gas) = iter_articles([site.url("/sitemap-news.xml")], web_settings())
    assert grain.publisher == "Caspian Daily"  # the page names none
    assert gas.publisher == "Ashgabat Business Review"  # the page's own name wins


def test_a_saved_feed_file_is_followed(tmp_path, site):
    feed = tmp_path / "world.xml"
    feed.write_bytes(site.routes["/feeds/world.rss"].body)
    check_inputs([feed])
    titles = [a.title for a in iter_articles([feed], web_settings())]
    assert "Kyrgyzstan Opens New Border Crossing With China" in titles


def test_a_gzipped_sitemap_file(tmp_path, site):
    path = tmp_path / "sitemap.xml.gz"
    path.write_bytes(gzip.compress(site.routes["/sitemap-news.xml"].body))
    assert [a.url for a in iter_articles([path], web_settings())] == [site.url(GRAIN), site.url(GAS)]


def test_listing_files_that_are_neither_feed_nor_sitemap_are_input_errors(tmp_path):
    (tmp_path / "notes.xml").write_text("<?xml version='1.0'?><notes><note>hi</note></notes>")
    with pytest.raises(InputError, match=r"notes\.xml: not an RSS/Atom feed or a sitemap"):
        check_inputs([tmp_path / "notes.xml"])
    (tmp_path / "cut.xml").write_text("<urlset><url><loc>https://x.example/a</loc></url>")
    with pytest.raises(InputError, match="malformed sitemap XML"):
        check_inputs([tmp_path / "cut.xml"])


# -- saved pages ---------------------------------------------------------------------------------------
def test_a_folder_of_saved_pages(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    talks = (PAGES / "astana-japan-talks.html").read_text().replace("{{BASE}}", "https://herald.example")
    (folder / "talks.html").write_text(talks)
    grain = (PAGES / "uzbek-grain.html").read_text()
    (folder / "grain.htm").write_text("<!-- saved from url=(0038)https://caspian.example/news/grain-42 -->\n" + grain)
    shutil.copy(PAGES / "ru-article.html", folder / "russian.html")
    shutil.copy(PAGES / "video-only.html", folder / "video.html")
    (folder / "style.css").write_text("body { color: red }")
    report = ReadReport()
    grain_article, talks_article = iter_articles([folder], Settings(), report)
    assert talks_article.url == "https://herald.example/world/2024/03/04/kazakhstan-japan-critical-minerals/"
    assert talks_article.source == talks_article.origin == str(folder / "talks.html")
    assert grain_article.url == "https://caspian.example/news/grain-42"
    assert grain_article.published is None
    assert report.skipped == {"not English": 1, "no article text": 1}


# -- WARC ------------------------------------------------------------------------------------------------
def write_warc(path: Path, records: list[tuple[str, str, str, bytes]], compress: bool = True) -> None:
    """A WARC file of (URI, HTTP status, Content-Type, payload) responses, each after its request record."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests", "format": "WARC 1.1"}))
        for uri, status, content_type, payload in records:
            request = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=io.BytesIO(payload),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": "2024-03-06T07:45:00Z"},
                )
            )


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes().replace(b"{{BASE}}", b"https://herald.example")


@pytest.mark.parametrize("compress", [True, False])
def test_warc_every_html_response_is_an_article(tmp_path, compress):
    path = tmp_path / ("news.warc.gz" if compress else "news.warc")
    write_warc(
        path,
        [
            (
                "https://herald.example/talks?amp=1",
                "200 OK",
                "text/html; charset=utf-8",
                page("astana-japan-talks.html"),
            ),
            ("https://caspian.example/grain", "200 OK", "text/html", page("uzbek-grain.html")),
            ("https://vestnik.example/water", "200 OK", "text/html; charset=utf-8", page("ru-article.html")),
            ("https://herald.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"),
            ("https://herald.example/old", "404 Not Found", "text/html", b"<html><body>Not here</body></html>"),
        ],
        compress,
    )
    check_inputs([path])
    report = ReadReport()
    talks, grain = iter_articles([path], Settings(), report)
    assert talks.url == "https://herald.example/world/2024/03/04/kazakhstan-japan-critical-minerals/"  # canonical
    assert talks.published == dt.date(2024, 3, 4)  # the page's own date
    assert grain.url == "https://caspian.example/grain"  # the record's target URI
    assert grain.published == dt.date(2024, 3, 6)  # no date on the page: the capture date
    assert grain.source.startswith(f"{path}#<urn:uuid:") and grain.origin == str(path)
    assert all(word in grain.text for word in MUST[GRAIN])
    assert report.skipped == {"not English": 1, "HTTP 404": 1}  # the image is no article and no skip


def test_truncated_or_foreign_warc_files_stop_before_anything_is_read(tmp_path):
    path = tmp_path / "cut.warc.gz"
    write_warc(path, [(f"https://x.example/{n}", "200 OK", "text/html", page("tajik-hydro.html")) for n in range(3)])
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(InputError, match=r"cut\.warc\.gz: not a readable WARC file"):
        check_inputs([path])
    other = tmp_path / "notes.warc"
    other.write_text("these are my notes\nnot a web archive\n")
    with pytest.raises(InputError, match=r"notes\.warc: not a readable WARC file \(at byte 0\): Unknown archive"):
        check_inputs([other])
