"""`/export/events.{gdelt,mentions,plover,icews}` over real HTTP: streamed by a query worker, 400 on bad filters.

The server runs on 127.0.0.1 with its supervised worker pool over a synthetic
store (`fixtures.synthetic_events`); every body is compared with `kg export`
of the same store and filters, so the endpoint and the CLI cannot drift apart.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from fixtures.server_harness import serving, session
from fixtures.synthetic_events import build_store
from kg.cli import main

LAYOUTS = {"gdelt": "gdelt-events", "mentions": "gdelt-mentions", "plover": "plover", "icews": "icews"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events-http") / "store"
    build_store(path, 200, seed=5)
    return path


@pytest.fixture(scope="module")
def server(store: Path):
    yield from serving(store)


def cli_export(store: Path, layout: str, **filters: str) -> bytes:
    args = ["export", "--store", str(store), "--format", layout]
    for name, value in filters.items():
        args += [f"--{name}", value]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("extension", sorted(LAYOUTS))
def test_each_layout_streams_what_kg_export_writes(server, store, extension):
    filters = {"country": "KZ", "since": "2023-02-01", "until": "2023-10-31"}
    response = requests.get(f"{server.url}/export/events.{extension}", params=filters, stream=True, timeout=60)
    assert response.status_code == 200
    assert response.headers.get("Transfer-Encoding") == "chunked" and "Content-Length" not in response.headers
    assert "attachment" in response.headers["Content-Disposition"]
    expected_type = "application/x-ndjson" if extension == "plover" else "text/tab-separated-values"
    assert response.headers["Content-Type"].startswith(expected_type)
    body = b"".join(response.iter_content(chunk_size=None))
    assert body == cli_export(store, LAYOUTS[extension], **filters)
    assert body.count(b"\n") > 1


def test_whole_exports_match_too(server, store):
    body = requests.get(f"{server.url}/export/events.gdelt", timeout=60).content
    assert body == cli_export(store, "gdelt-events") and body.count(b"\n") > 100


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=XX", "country must be"),
        ("country=KZ%22%20%7D%20DROP%20ALL%20%23", "country must be"),
        ("since=2023-02-30", "since must be a date"),
        ("since=20230201", "since must be a date"),
        ("since=2023-05-01&until=2023-04-01", "is after until"),
        ("type=Wedding", "type must be one of"),
        ("partner=FR", "unknown parameter 'partner'"),
    ],
)
def test_bad_parameters_are_400(server, query, message):
    response = requests.get(f"{server.url}/export/events.icews?{query}", timeout=30)
    assert response.status_code == 400
    assert message in response.text


def test_unknown_layout_is_404(server):
    response = requests.get(f"{server.url}/export/events.csv", timeout=30)
    assert response.status_code == 404 and "/export/events.gdelt" in response.text


def test_article_graphs_still_export(server):
    """/export/events.* must not shadow /export/{path}.{ext}, the per-article RDF export."""
    response = requests.get(f"{server.url}/export/article/syn-1.ttl", timeout=30)
    assert response.status_code == 200 and b"akg:Tie" in response.content


def test_concurrent_exports_and_queries(server, store):
    """Two clients' exports and a canned query at once: each gets its own worker, every answer is whole.

    (One client gets one heavy job at a time, see `server.pool`: the exports come from two addresses.)
    """
    expected = cli_export(store, "plover", type="Meeting")
    with ThreadPoolExecutor(3) as pool:
        exports = [
            pool.submit(
                lambda n=n: (
                    session(n).get(f"{server.url}/export/events.plover", params={"type": "Meeting"}, timeout=60).content
                )
            )
            for n in (2, 3)
        ]
        canned = pool.submit(lambda: requests.get(f"{server.url}/api/countries", params={"format": "json"}, timeout=60))
        assert [future.result() for future in exports] == [expected, expected]
        assert canned.result().status_code == 200


def test_pages_about_ties_link_the_four_layouts_with_their_filters(server):
    page = requests.get(f"{server.url}/ties", params={"country": "KZ", "type": "Visit"}, timeout=60).text
    links = re.findall(r'href="(/export/events\.[a-z]+\?[^"]*)"', page)
    assert sorted(re.match(r"/export/events\.([a-z]+)", link).group(1) for link in links) == sorted(LAYOUTS)
    assert all("country=KZ" in link and "type=Visit" in link for link in links)
    for link in links:
        assert requests.get(server.url + link.replace("&amp;", "&"), timeout=60).status_code == 200
    canned = requests.get(
        f"{server.url}/api/bilateral-ties", params={"country": "FR"}, headers={"Accept": "text/html"}, timeout=60
    ).text
    assert len(re.findall(r'href="/export/events\.[a-z]+\?country=FR"', canned)) == 4
    other = requests.get(f"{server.url}/api/top-entities", headers={"Accept": "text/html"}, timeout=60).text
    assert "/export/events." not in other
