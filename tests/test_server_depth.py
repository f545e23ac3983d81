"""Queries nested too deeply for the engine are refused before it sees them, and no query can crash a worker.

Oxigraph parses and evaluates recursively: 10,000 nested groups (about 20 KB)
used to overflow a worker's stack, kill it and answer 500. Brackets nested
deeper than `max_query_depth` are now a 400 from the text scan; what nests
without brackets (`!!!…`, long chains of MINUS or `||`) is evaluated on a job
thread with a stack large enough for any query within the length limit.
"""

from __future__ import annotations

import pytest
import requests

from fixtures.server_harness import build_store, serving

LEVELS = 10_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("depth") / "store"), max_query_depth=100)


def post(server, query: str) -> requests.Response:
    return requests.post(server.url + "/sparql", data={"query": query}, timeout=60)


def test_ten_thousand_nested_levels_are_refused_with_400_and_no_worker_dies(server):
    workers = server.worker_pids()
    deep = {
        "groups": "SELECT * WHERE " + "{" * LEVELS + "}" * LEVELS,
        "parentheses": "SELECT * WHERE { FILTER(" + "(" * LEVELS + "true" + ")" * LEVELS + ") }",
        "blank nodes": "PREFIX : <http://e/> SELECT * WHERE { ?s ?p " + "[ :p " * LEVELS + "1" + " ]" * LEVELS + " }",
        "subqueries": "SELECT * WHERE " + "{ SELECT * WHERE " * 2000 + "{}" + "}" * 2000,
    }
    for name, query in deep.items():
        response = post(server, query)
        assert response.status_code == 400 and "nested" in response.text, (name, response.status_code, response.text)
    assert server.worker_pids() == workers


def test_the_depth_limit_is_inclusive(server):
    assert post(server, "ASK " + "{" * 100 + "}" * 100).json()["boolean"] is True
    assert post(server, "ASK " + "{" * 101 + "}" * 101).status_code == 400


def test_deep_recursion_without_brackets_is_answered_and_no_worker_dies(server):
    """Each of these killed a worker on the 8 MiB main-thread stack; the job thread's stack holds them."""
    workers = server.worker_pids()
    chains = {
        "negations": "ASK { FILTER(" + "!" * LEVELS + "true) }",
        "disjunctions": "ASK { FILTER(" + " || ".join(["false"] * LEVELS) + " || true) }",
        "MINUS chain": "ASK { ?s ?p ?o " + " ".join(["MINUS { <http://e/x> <http://e/y> ?o }"] * 2000) + " }",
    }
    for name, query in chains.items():
        response = post(server, query)
        assert response.status_code == 200 and response.json()["boolean"] is True, (name, response.text[:200])
    assert server.worker_pids() == workers
