"""The fetch policy against a real server on 127.0.0.1: addresses, schemes, redirects, caps, robots, pacing."""

from __future__ import annotations

import gzip
import time

import pytest

from kg.config import FetchSettings
from kg.fetch import Fetcher, FetchError
from tests.web_site import Site


def fetcher(**given: object) -> Fetcher:
    options = {"allow_private": True, "delay": 0.0, "read_timeout": 0.5, "retries": 0, "max_bytes": 100_000}
    return Fetcher(FetchSettings(**{**options, **given}))


@pytest.fixture
def site():
    with Site() as site:
        site.add(
            "/robots.txt",
            "User-agent: *\nDisallow: /private/\n\nUser-agent: astana-kg\nDisallow: /no-kg/\nCrawl-delay: 1\n",
            content_type="text/plain",
        )
        site.add("/a", "<html><body><p>hello</p></body></html>")
        yield site


def fails(call, reason: str) -> FetchError:
    with pytest.raises(FetchError) as raised:
        call()
    assert raised.value.reason.startswith(reason), raised.value
    return raised.value


def test_loopback_is_refused_unless_allowed_and_nothing_is_sent(site):
    error = fails(lambda: fetcher(allow_private=False).get(site.url("/a")), "private address")
    assert "127.0.0.1 (loopback)" in error.detail and "--allow-private" in error.detail
    fails(lambda: fetcher(allow_private=False).get(site.url("/a").replace("127.0.0.1", "localhost")), "private address")
    assert site.requests == []
    assert fetcher().get(site.url("/a")).status == 200


def test_every_redirect_hop_is_checked(site):
    port = site.base.rsplit(":", 1)[1]
    site.redirect("/to-file", "file:///etc/passwd")
    site.redirect("/to-nowhere", f"http://0.0.0.0:{port}/a")  # never a host address, even with --allow-private
    site.redirect("/to-private", "/no-kg/x")  # our group in robots.txt disallows /no-kg/
    assert (
        "after a redirect to file:///etc/passwd"
        in fails(lambda: fetcher().get(site.url("/to-file")), "not http(s): file").detail
    )
    assert (
        "0.0.0.0 (not a host address)"
        in fails(lambda: fetcher().get(site.url("/to-nowhere")), "private address").detail
    )
    fails(lambda: fetcher().get(site.url("/to-private")), "disallowed by robots.txt")
    assert not site.hits("/no-kg/x")


def test_redirects_are_followed_within_bounds(site):
    site.redirect("/r1", "/r2", status=301)
    site.redirect("/r2", "/a", status=308)
    assert fetcher().get(site.url("/r1")).url == site.url("/a")
    fails(lambda: fetcher(max_redirects=1).get(site.url("/r1")), "too many redirects")


def test_user_agent_names_the_tool_and_the_contact(site):
    fetcher(contact="newsroom-data@example.org").get(site.url("/a"))
    agent = site.hits("/a")[0].headers["user-agent"]
    assert agent.startswith("astana-kg/") and "+https://w3id.org/astana-kg/" in agent
    assert agent.endswith("; newsroom-data@example.org)")


def test_robots_txt_groups_for_this_tool_and_crawl_delay(site):
    site.add("/no-kg/page", "<p>x</p>")
    site.add("/b", "<p>b</p>")
    client = fetcher()
    fails(lambda: client.get(site.url("/no-kg/page")), "disallowed by robots.txt")
    started = time.monotonic()
    client.get(site.url("/a"))
    client.get(site.url("/b"))
    assert time.monotonic() - started >= 1  # Crawl-delay: 1 though the setting says 0
    assert len(site.hits("/robots.txt")) == 1  # read once, cached


def test_requests_to_one_host_are_spaced(site):
    site.add("/robots.txt", "", content_type="text/plain")
    client = fetcher(delay=0.25)
    started = time.monotonic()
    for _ in range(3):
        client.get(site.url("/a"))
    assert time.monotonic() - started >= 0.5


def test_robots_txt_missing_allows_and_unreachable_disallows_for_now(site):
    del site.routes["/robots.txt"]
    assert fetcher().get(site.url("/a")).status == 200
    site.add("/robots.txt", "", status=503)
    error = fails(lambda: fetcher().get(site.url("/a")), "robots.txt unreachable")
    assert error.transient and error.source == site.url("/a") and "HTTP 503" in error.detail
    assert len(site.hits("/a")) == 1


def test_conditional_get(site):
    first = fetcher().get(site.url("/a"))
    again = fetcher().get(site.url("/a"), etag=first.headers["etag"], last_modified=first.headers["last-modified"])
    assert again.not_modified and again.body == b""
    assert site.hits("/a")[1].headers["if-none-match"] == first.headers["etag"]
    assert "if-modified-since" in site.hits("/a")[1].headers


def test_size_cap_with_and_without_content_length_and_for_gzip(site):
    site.add("/declared", b"x" * 200_000)
    site.add("/streamed", b"x" * 200_000, length=False)
    site.add("/bomb", gzip.compress(b"\0" * 5_000_000), headers={"Content-Encoding": "gzip"})
    site.add("/small-gzip", gzip.compress(b"<p>fine</p>"), headers={"Content-Encoding": "gzip"})
    assert "200,000 bytes" in fails(lambda: fetcher().get(site.url("/declared")), "too large").detail
    fails(lambda: fetcher().get(site.url("/streamed")), "too large")
    assert "once decompressed" in fails(lambda: fetcher().get(site.url("/bomb")), "too large").detail
    assert fetcher().get(site.url("/small-gzip")).body == b"<p>fine</p>"


def test_timeouts_and_retries_with_backoff(site):
    site.add("/slow", "<p>late</p>", delay=1.5)
    started = time.monotonic()
    error = fails(lambda: fetcher(retries=2, backoff=0.1).get(site.url("/slow")), "timeout")
    assert error.transient and len(site.hits("/slow")) == 3
    assert time.monotonic() - started >= 0.5 * 3 + 0.1 + 0.2
    site.add("/flaky", "<p>ok</p>", fail_first=2)
    assert fetcher(retries=2, backoff=0.05).get(site.url("/flaky")).status == 200
    site.add("/gone", "", status=410)
    assert not fails(lambda: fetcher(retries=2).get(site.url("/gone")), "HTTP 410").transient
    assert len(site.hits("/gone")) == 1  # a permanent error is not retried


def test_a_slow_drip_hits_the_total_timeout(site):
    site.add("/drip", b"x" * 40_000, drip=0.05)  # every piece within the read timeout, the whole in 2 s
    started = time.monotonic()
    error = fails(lambda: fetcher(total_timeout=0.5, read_timeout=1).get(site.url("/drip")), "timeout")
    assert "over 0.5 s" in error.detail and time.monotonic() - started < 1.5


def test_connection_refused_is_a_transient_network_error():
    with Site() as site:
        url = site.url("/a")
    error = fails(lambda: fetcher().get(url), "robots.txt unreachable")  # robots.txt is asked for first
    assert error.transient and "network error: ConnectionRefusedError" in error.detail
