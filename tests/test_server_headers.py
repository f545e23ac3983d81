"""Every response carries the security headers, and no page holds inline script, style or event handlers.

The policy itself is proven in a browser (tests/test_ui_browser.py fails on
any violation Chromium reports); here the headers are checked on every kind
of response — pages, API results, static files, exports, errors, refusals,
preflights — and the pages' markup is checked for what a strict policy
would block.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import requests

from fixtures.server_harness import build_store, serving

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = [
    "/",
    "/search?q=kaz",
    "/query",
    "/query?query=ASK%20%7B%7D",
    "/ties",
    "/ties?a=FR&b=KZ",
    "/ties/pair?a=FR&b=KZ",
    "/api",
    "/api/bilateral-ties?country=KZ",
    "/resource/country/KZ",
    "/resource/article/tokayev-meets-xi",
    "/sparql",
    "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%203&format=html",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("headers") / "store"), query_timeout=1)


def assert_secure_headers(response: requests.Response) -> None:
    headers = response.headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["style-src"].startswith("'self'") and "unsafe-inline" not in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_every_kind_of_response_carries_the_security_headers(server):
    url = server.url
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    responses = {
        "page": requests.get(url + "/", headers=BROWSER),
        "results": requests.get(url + "/sparql", params={"query": "ASK {}"}),
        "graph": requests.get(url + "/resource/country/KZ", headers={"Accept": "text/turtle"}),
        "static": requests.get(url + "/static/app.css"),
        "vendored": requests.get(url + "/static/vendor/yasgui/yasgui.min.js"),
        "export": requests.get(url + "/export.trig"),
        "HEAD": requests.head(url + "/export.nq"),
        "health": requests.get(url + "/healthz"),
        "openapi": requests.get(url + "/api/openapi.json"),
        "not found": requests.get(url + "/no/such/page"),
        "bad query": requests.get(url + "/sparql", params={"query": "SELECT"}),
        "not acceptable": requests.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}),
        "too long": requests.post(url + "/sparql", data={"query": "ASK {} #" + "x" * 100_001}),
        "timeout": requests.get(url + "/sparql", params={"query": slow}),
        "forbidden": requests.post(url + "/sparql", data={"update": "CLEAR ALL"}),
        "method": requests.delete(url + "/sparql"),
        "preflight": requests.options(
            url + "/sparql", headers={"Origin": "http://e.example", "Access-Control-Request-Method": "POST"}
        ),
    }
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "page": 200,
        "results": 200,
        "graph": 200,
        "static": 200,
        "vendored": 200,
        "export": 200,
        "HEAD": 200,
        "health": 200,
        "openapi": 200,
        "not found": 404,
        "bad query": 400,
        "not acceptable": 406,
        "too long": 413,
        "timeout": 503,
        "forbidden": 403,
        "method": 405,
        "preflight": 200,
    }
    for name, response in responses.items():
        try:
            assert_secure_headers(response)
        except (AssertionError, KeyError) as error:
            raise AssertionError(f"{name}: {error!r} in {dict(response.headers)}") from error


class _InlineCode(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, <style> elements, style attributes, on* handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self._in_script = True
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name, _ in attrs if name == "style" or name.startswith("on")]
        self.found += [
            f"{tag} href={value}"
            for name, value in attrs
            if name == "href" and (value or "").lower().startswith("javascript:")
        ]

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_script_or_style(server, path):
    response = requests.get(server.url + path, headers=BROWSER)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html"), response.text[:300]
    parser = _InlineCode()
    parser.feed(response.text)
    assert not parser.found, parser.found
