"""The README flow with real processes: `kg ingest`, `kg serve`, then `kg ingest` again while serving."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
import requests

from fixtures.server_harness import kg_serve
from tests.conftest import FIXTURES

KG = [sys.executable, "-m", "kg"]


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def served(tmp_path):
    store = tmp_path / "store"
    assert kg("ingest", "-q", str(FIXTURES / "articles.jsonl"), "--store", str(store)).returncode == 0
    with kg_serve("--store", str(store), log=tmp_path / "serve.log") as server:
        yield server.url, store, server.process, server.log


def count(base: str) -> int:
    response = requests.get(
        base + "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_serve_answers_and_prints_where_to_look(served):
    base, _, _, log = served
    assert count(base) > 100
    assert base in log.read_text()


def test_ingest_while_serving_is_visible_within_five_seconds(served, tmp_path):
    base, store, _, _ = served
    late = tmp_path / "late.jsonl"
    late.write_text(
        json.dumps(
            {
                "id": "late-1",
                "title": "France and Kenya Sign Two Agreements",
                "text": "PARIS – France and Kenya signed two agreements on energy on Monday.",
            }
        )
        + "\n"
    )
    before = count(base)
    result = kg("ingest", "-q", str(late), "--store", str(store))
    assert result.returncode == 0, result.stderr
    written = time.monotonic()
    query = 'ASK { ?a <https://schema.org/identifier> "late-1" }'
    while not requests.get(base + "/sparql", params={"query": query}, timeout=10).json()["boolean"]:
        assert time.monotonic() - written < 5, "the new article did not become visible within 5 s"
        time.sleep(0.2)
    assert count(base) > before


def test_sigterm_stops_the_server_and_its_workers(served):
    """Only the server gets the signal (as from a service manager); it must take its workers down."""
    _, _, process, _ = served
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    deadline = time.monotonic() + 10
    while _alive(process.pid):
        assert time.monotonic() < deadline, "query workers outlived the server"
        time.sleep(0.2)


def _alive(group: int) -> list[str]:
    """Processes of the server's session that are still running (zombies excluded)."""
    listing = subprocess.run(["ps", "-o", "pid=,stat=", "-g", str(group)], capture_output=True, text=True).stdout
    return [line for line in listing.splitlines() if line.split() and not line.split()[1].startswith("Z")]
