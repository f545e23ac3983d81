"""Every path that leases a query worker gives it back, whatever happens; 50 of each, then the server still works.

Before, four requests of one kind (a 404 export, a HEAD export) each kept a
worker for good, and from then on every request answered 503. Here each kind
of outcome runs 50 times against a server with two workers, and afterwards
the pool must be back to full strength, idle, and answering normally:
error replies, HEAD, clients that disconnect mid-stream, timeouts, and
streamed bodies that are never read.
"""

from __future__ import annotations

import gc
import os
import socket
import struct

import pyoxigraph
import pytest
import requests

from fixtures.server_harness import BASE, build_store, serving
from kg.store import KnowledgeStore
from server.engine import DumpJob

ROUNDS = 50
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
BIG = pyoxigraph.NamedNode(BASE + "article/big")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The fixture articles plus one graph of ~10 MB as N-Quads, so a download takes long enough to cut short."""
    store = build_store(tmp_path_factory.mktemp("leases") / "store")
    text = pyoxigraph.NamedNode("https://schema.org/text")
    quads = [
        pyoxigraph.Quad(pyoxigraph.NamedNode(f"{BASE}thing/{i}"), text, pyoxigraph.Literal("x" * 60 + str(i)), BIG)
        for i in range(60_000)
    ]
    with KnowledgeStore(store) as kg_store:
        kg_store.oxigraph.bulk_extend(quads)
    yield from serving(store, workers=2)


def assert_serves_normally(server) -> None:
    """Full strength and idle, then a query, a page, a full export and /healthz all answer 200."""
    server.settle()
    url = server.url
    assert requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10).json()["boolean"] is True
    assert requests.get(url + "/api/countries", params={"format": "csv"}, timeout=10).status_code == 200
    export = requests.get(url + "/export/article/grain-harvest.nq", timeout=10)
    assert export.status_code == 200
    assert len(list(pyoxigraph.parse(export.content, format=pyoxigraph.RdfFormat.N_QUADS))) > 5
    assert requests.get(url + "/healthz", timeout=10).json()["status"] == "ok"
    server.settle()


def test_error_replies_give_the_worker_back(server):
    for _ in range(ROUNDS):
        assert requests.get(server.url + "/export/article/missing.ttl").status_code == 404
        assert requests.get(server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}).status_code == 400
        construct_as_csv = {"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"}
        assert requests.get(server.url + "/sparql", params=construct_as_csv).status_code == 406
    assert_serves_normally(server)


def test_head_never_keeps_a_worker(server):
    for _ in range(ROUNDS):
        assert requests.head(server.url + "/export.nq").status_code == 200
        assert requests.head(server.url + "/export/article/missing.nq").status_code == 404
        head = requests.head(server.url + "/export/article/grain-harvest.ttl")
        assert head.status_code == 200 and head.headers["Content-Type"].startswith("text/turtle") and not head.content
    assert_serves_normally(server)


def test_an_export_path_that_is_no_iri_is_404(server):
    for path in ("/export/article/a%20b.ttl", "/export/article/a%3Eb.nq", "/export/article/%7B%7D.ttl"):
        response = requests.get(server.url + path)
        assert response.status_code == 404, (path, response.text)
    assert_serves_normally(server)


def test_timeouts_stop_the_worker_and_the_pool_recovers(server):
    killed = set()
    for _ in range(ROUNDS):
        server.settle()  # an idle worker for each round: the 503 below is the timeout, not a busy pool
        before = server.worker_pids()
        response = requests.get(server.url + "/sparql", params={"query": CARTESIAN, "timeout": "0.1"})
        assert response.status_code == 503 and "timed out" in response.text
        killed |= before - server.worker_pids()
    assert len(killed) == ROUNDS
    assert_serves_normally(server)
    assert not [pid for pid in killed if _running(pid)], "a timed-out worker is still running"


def test_clients_that_disconnect_mid_stream_give_the_worker_back(server):
    host, port = server.url.removeprefix("http://").split(":")
    for round_ in range(ROUNDS):
        path = "/export.nq" if round_ % 2 else "/export/article/big.nq"
        with socket.create_connection((host, int(port))) as client:
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            received = b""
            while len(received) < 64 * 1024:
                received += client.recv(65536)
            assert received.startswith(b"HTTP/1.1 200")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not a clean close
        server.settle()
    assert_serves_normally(server)


def test_streamed_bodies_never_read_give_the_worker_back(server):
    pool = server.pool
    for round_ in range(ROUNDS):
        graph = None if round_ % 2 else BIG.value
        reply, body = pool.stream(DumpJob(1, "nq", graph), 10, "test", heavy=graph is None)
        assert reply.status == 200
        del body
        gc.collect()
        server.settle()
    assert_serves_normally(server)


def _running(pid: int) -> bool:
    """A live process (not a zombie) with this pid."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return os.path.exists(f"/proc/{pid}")
