"""`kg watch` and `kg ingest` from the web, as real processes against the fixture outlet on 127.0.0.1.

`kg watch` runs as a subprocess; the test changes the site between runs (a
feed gains items, an article is edited, a slow server recovers) and reads the
graph from the on-disk store after each clean SIGTERM stop.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.store import KnowledgeStore
from kg.vocab import PREFIXES
from kg.watch import state_path
from tests.test_web_sources import write_warc
from tests.web_site import (
    BORDER,
    GAS,
    GRAIN,
    PAGES,
    PRIVATE,
    ROGUN,
    RUSSIAN,
    SLOW,
    TALKS,
    Site,
    atom,
    build_outlet,
    rss,
)

pytestmark = pytest.mark.slow

KG = str(Path(sys.executable).with_name("kg"))
POLITE_BUT_QUICK = [
    "--allow-private",
    "--delay",
    "0",
    "--read-timeout",
    "0.5",
    "--retries",
    "1",
    "--backoff",
    "0.05",
    "--max-bytes",
    "1000000",
]
NEW_STORY = "/world/2024/03/08/trans-afghan-railway/"


def select(store: Path, query: str) -> list[tuple[str | None, ...]]:
    with KnowledgeStore(store, read_only=True) as kg_store:
        results = kg_store.oxigraph.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
        return [tuple(term.value if term is not None else None for term in row) for row in results]


def articles(store: Path) -> dict[str, tuple[str | None, ...]]:
    """URL → (headline, body, date, publisher name, primary source, language) of every article in the store."""
    rows = select(
        store,
        """SELECT ?url ?headline ?body ?date ?publisher ?origin ?language {
        ?a a akg:Article ; schema:url ?url ; schema:headline ?headline ; schema:articleBody ?body .
        OPTIONAL { ?a schema:datePublished ?date } OPTIONAL { ?a schema:publisher/schema:name ?publisher }
        OPTIONAL { ?a prov:hadPrimarySource ?origin } OPTIONAL { ?a schema:inLanguage ?language } }""",
    )
    return {row[0]: row[1:] for row in rows}


class Watch:
    """`kg watch` in a subprocess, its stderr read line by line so a test can wait for a poll to finish."""

    def __init__(self, site: Site, store: Path, sources: list[str], *extra: str) -> None:
        command = [KG, "watch", *(site.url(s) for s in sources), "--store", str(store), *POLITE_BUT_QUICK, *extra]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in the output of kg watch:\n{self.log}")

    def stop(self) -> int:
        """SIGTERM, then the exit code; the output up to the end is kept in `log`."""
        self.process.send_signal(signal.SIGTERM)
        self.wait_for("stopped after")
        return self.process.wait(timeout=60)

    @property
    def log(self) -> str:
        return "".join(self.lines)


@pytest.fixture
def site():
    with Site() as site:
        build_outlet(site)
        yield site


def test_watch_keeps_the_graph_current_across_restarts(site, tmp_path):
    store = tmp_path / "kg"
    sources = ["/feeds/world.rss", "/feeds/energy.atom", "/sitemap-index.xml"]

    # -- first run: everything new ----------------------------------------------------------------------
    watch = Watch(site, store, sources, "--every", "8")  # longer than a poll takes here
    watch.wait_for("poll 1 done")
    assert watch.stop() == 0
    assert "SIGTERM: stopping" in watch.log
    found = articles(store)
    assert set(found) == {site.url(p) for p in (TALKS, GRAIN, BORDER, ROGUN, GAS)}  # the 500 recovered
    headline, body, date, publisher, origin, language = found[site.url(TALKS)]
    assert (headline, date, publisher, origin, language) == (
        "Kazakhstan and Japan Agree to Expand Cooperation on Critical Minerals",
        "2024-03-04",
        "The Steppe Herald",
        site.url("/feeds/world.rss"),
        "en",
    )
    assert "Fumio Kishida" in body and "nurlan_77" not in body and "Advertisement" not in body
    assert found[site.url(GRAIN)][2:4] == ("2024-03-05", None)  # date from the feed; no publisher named
    assert "10 billion cubic metres" in found[site.url(GAS)][1]
    assert not site.hits(PRIVATE) and not site.hits(RUSSIAN + "x")
    for line in (
        "skipped " + site.url(RUSSIAN) + ": not English",
        "disallowed by robots.txt",
        "HTTP 404",
        "redirect loop",
        "too large",
        "no article text",
        f"failure 1, retrying in 8s: {site.url(SLOW)}",
    ):
        assert line in watch.log
    first_hits = {path: len(site.hits(path)) for path in (TALKS, GRAIN, BORDER, ROGUN, GAS)}

    # -- the site changes: a new story, the same story at a second address, an edited article ------------
    site.page(NEW_STORY, "afghan-rail.html")
    site.page("/syndicated/rail-copy", "afghan-rail.html")  # same page at another address
    site.add(
        "/feeds/world.rss",
        rss(
            site,
            [
                (
                    NEW_STORY,
                    "Uzbekistan, Afghanistan and Pakistan Sign Railway Framework Agreement",
                    "Fri, 08 Mar 2024 14:10:00 +0500",
                ),
                ("/syndicated/rail-copy", "Railway deal signed", "Fri, 08 Mar 2024 15:00:00 +0500"),
                (
                    TALKS + "?utm_source=rss&utm_medium=feed",
                    "Kazakhstan and Japan Agree to Expand Cooperation",
                    "Mon, 04 Mar 2024 09:30:00 +0500",
                ),
                (GRAIN, "Uzbekistan Expects Record Wheat Harvest", "Tue, 05 Mar 2024 02:00:00 +0500"),
            ],
        ),
        content_type="application/rss+xml",
    )
    site.page(GAS, "turkmen-gas-v2.html")
    site.add(
        "/feeds/energy.atom",
        atom(site, [(GAS, "Turkmenistan and China Sign Gas Supply Deal", "2024-03-06T08:00:00Z")]),
        content_type="application/atom+xml",
    )
    site.routes[SLOW].delay = 0.0  # the slow server recovers

    # -- second run, from the state file: only what changed is fetched and written -----------------------
    slow_hits = len(site.hits(SLOW))
    watch = Watch(site, store, sources, "--every", "1")
    watch.wait_for("poll 1 done")
    while len(site.hits(SLOW)) == slow_hits:  # the failed page is retried once its gap (8 s) has passed
        watch.wait_for(" done: ", timeout=60)
    watch.wait_for(" done: ")
    assert watch.stop() == 0
    found = articles(store)
    assert site.url("/world/2024/03/08/trans-afghan-railway/") in found
    assert site.url("/syndicated/rail-copy") not in found
    assert f"skipped {site.url('/syndicated/rail-copy')}: duplicate" in watch.log
    gas = found[site.url(GAS)][1]
    assert "12 billion cubic metres" in gas and "Correction:" in gas and "10 billion cubic metres a year" not in gas
    assert site.url(SLOW) in found  # nothing lost: retried at a later poll
    for path, hits in first_hits.items():
        assert len(site.hits(path)) == hits + (path == GAS), path  # nothing refetched but the edited article
    assert site.hits(GAS)[-1].headers.get("if-none-match")  # and that one conditionally
    assert site.hits("/sitemap-index.xml")[-1].headers.get("if-none-match") == site.routes["/sitemap-index.xml"].etag
    assert len(site.hits("/sitemap-news.xml")) == 1  # its date in the unchanged index did not change
    assert "1 replaced" in watch.log and "2 new" in watch.log

    # -- a graph per article: the edit replaced the old graph, it did not add one ------------------------
    rows = select(store, f"SELECT ?g {{ GRAPH ?g {{ ?g schema:url <{site.url(GAS)}> }} }}")
    assert len(rows) == 1
    assert state_path(store).exists() and state_path(store).parent == store.parent


def test_sigterm_mid_batch_writes_what_was_fetched_and_the_rest_follows(site, tmp_path):
    store = tmp_path / "kg"
    stories = [f"/slow-news/{n}" for n in range(4)]
    for number, path in enumerate(stories):
        page = (PAGES / "tajik-hydro.html").read_text().replace("second turbine", f"turbine number {number + 2}")
        site.add(path, page, delay=0.4)
    site.add(
        "/feeds/slow.rss",
        rss(site, [(p, f"Story {n}", "Fri, 08 Mar 2024 10:00:00 +0500") for n, p in enumerate(stories)]),
        content_type="application/rss+xml",
    )
    watch = Watch(site, store, ["/feeds/slow.rss"], "--every", "1h")
    deadline = time.monotonic() + 120
    while not site.hits(stories[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert watch.stop() == 0
    written = set(articles(store))
    assert 1 <= len(written) < 4  # the batch in hand was written, the rest was not fetched
    assert sum(len(site.hits(p)) for p in stories) == len(written)

    rerun = subprocess.run(
        [KG, "watch", site.url("/feeds/slow.rss"), "--store", str(store), "--once", *POLITE_BUT_QUICK],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert set(articles(store)) == {site.url(p) for p in stories}
    assert all(len(site.hits(p)) == 1 for p in stories)  # none fetched twice


def test_two_watchers_on_one_store_are_refused(site, tmp_path):
    store = tmp_path / "kg"
    watch = Watch(site, store, ["/feeds/energy.atom"], "--every", "1h")
    watch.wait_for("poll 1 done")
    second = subprocess.run(
        [KG, "watch", site.url("/feeds/energy.atom"), "--store", str(store), "--once", *POLITE_BUT_QUICK],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 1 and "another `kg watch` is running" in second.stderr
    assert watch.stop() == 0


def test_ingest_from_a_feed_url_and_a_warc_file(site, tmp_path):
    warc = tmp_path / "cc-news.warc.gz"
    write_warc(
        warc,
        [
            (
                "https://herald.example/rail",
                "200 OK",
                "text/html",
                (PAGES / "afghan-rail.html").read_bytes().replace(b"{{BASE}}", b"https://herald.example"),
            )
        ],
    )
    store = tmp_path / "kg"
    result = CliRunner().invoke(
        main,
        [
            "ingest",
            site.url("/feeds/energy.atom"),
            str(warc),
            site.url(RUSSIAN),
            "--store",
            str(store),
            "-q",
            *POLITE_BUT_QUICK,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Reading: skipped 1 (1 not English)" in result.output
    found = articles(store)
    assert found[site.url(GAS)][2:] == ("2024-03-05", "Ashgabat Business Review", site.url("/feeds/energy.atom"), "en")
    rail = found["https://herald.example/world/2024/03/08/trans-afghan-railway/"]
    assert rail[2:5] == ("2024-03-08", "The Steppe Herald", None)  # a WARC file is no http(s) source


def test_watch_refuses_sources_that_are_not_urls(tmp_path):
    result = CliRunner().invoke(main, ["watch", "feeds.xml", "--store", str(tmp_path / "kg")])
    assert result.exit_code == 2 and "is not an http(s) URL" in result.output
