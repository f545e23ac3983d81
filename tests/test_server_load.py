"""A short load test in the default suite: 16 clients for 6 s, two of them hostile (tests/bench/load_server.py).

The 64-client, 60-second run is `python tests/bench/load_server.py` (its
figures are in the README). Here: no request gets a status its kind should
not get (429 and 503 with Retry-After are allowed under load), normal clients
do get answers, and afterwards every kind answers 200 again and the pool is
back to full strength.
"""

from __future__ import annotations

import pytest

from bench.load_server import recovers, run_load
from fixtures.server_harness import build_store, serving


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("load") / "store"), workers=2, query_timeout=3)


@pytest.mark.slow
def test_short_mixed_load_with_hostile_clients(server):
    report = run_load(server.url, clients=16, seconds=6)
    print("\n" + report.summary())
    assert not report.wrong, report.wrong
    assert sum(1 for *_, status in report.normal if status == 200) > 100
    assert report.hostile
    assert recovers(server.url, report.kinds) == {}
    server.settle(timeout=30)
