"""One store, one writer at a time: an article written while the server runs is queryable within seconds."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph
import pytest
import requests

from fixtures.server_harness import BASE, build_store, serving
from kg.ledger import StoreChange
from kg.store import KnowledgeStore

ARTICLE = pyoxigraph.NamedNode(BASE + "article/late-news")
ASK = f"ASK {{ {ARTICLE} <https://schema.org/headline> ?h }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("concurrency") / "store"))


def test_ingest_while_serving_becomes_visible(server):
    url = server.url + "/sparql"
    assert requests.get(url, params={"query": ASK}).json()["boolean"] is False
    quad = pyoxigraph.Quad(
        ARTICLE, pyoxigraph.NamedNode("https://schema.org/headline"), pyoxigraph.Literal("Late news"), ARTICLE
    )
    # What `kg ingest` does: open read-write while the server's workers hold read-only snapshots.
    with ThreadPoolExecutor(4) as readers:
        load = [
            readers.submit(requests.get, url, params={"query": "SELECT * { ?s ?p ?o } LIMIT 50"}) for _ in range(20)
        ]
        with KnowledgeStore(server.store) as store:
            store.apply(StoreChange(graphs={ARTICLE.value: f"{quad.triple} .\n"}))
            store.bump_generation()
        assert [f.result().status_code for f in load] == [200] * 20, [f.result().text for f in load]
    written = time.monotonic()
    while not requests.get(url, params={"query": ASK}).json()["boolean"]:
        assert time.monotonic() - written < 5, "the new article did not become visible within 5 s"
        time.sleep(0.1)
