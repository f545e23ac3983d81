"""No request can make the server open a connection: SERVICE, LOAD, FROM and the dataset parameters.

A `Canary` listens on 127.0.0.1 and records every connection; each test
fails if anything reached it. Two fences are tested separately:

- over HTTP, every spelling of SERVICE and LOAD we know is refused (400) by
  the text scan, and FROM / FROM NAMED / `default-graph-uri` /
  `named-graph-uri` naming a remote graph read the local store only;
- jobs sent straight to the worker pool, past the text scan, show that the
  workers themselves cannot connect (seccomp or a network namespace);
- a worker whose kernel refuses both (simulated for real, with a seccomp
  filter that refuses `seccomp()` and `unshare()` to the worker) says so with
  an error in the log, and the text scan still refuses SERVICE.
"""

from __future__ import annotations

import ctypes
import errno
import json
import logging
import struct
import time

import pytest
import requests

from fixtures.server_harness import BASE, Canary, build_store, serving
from kg.config import Settings
from server.engine import Dataset, QueryJob, UpdateJob
from server.pool import WorkerPool
from server.service import engine_for

TOKEN = "ssrf-write-token"


@pytest.fixture
def canary():
    listener = Canary()
    yield listener
    time.sleep(0.1)  # a connection the worker made may still wait in the backlog: let it show
    listener.close()
    assert not listener.connections, f"something connected to the canary: {listener.connections}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("ssrf") / "store"), write_token=TOKEN)


def service_spellings(url: str) -> dict[str, str]:
    """Every way we know to write a SERVICE call to `url` (an IRI ending in /)."""
    host = url.removeprefix("http://").rstrip("/")
    port = host.rpartition(":")[2]
    escaped_port = "".join(f"\\u{ord(c):04X}" for c in port)
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} }}",
        "comment ended by CR": f"SELECT * WHERE {{ # hidden\rSERVICE <{url}x> {{ ?s ?p ?o }} }}",
        "comment ended by LF": f"SELECT * WHERE {{ # hidden\nSERVICE <{url}x> {{ ?s ?p ?o }} }}",
        "comment ended by CRLF": f"SELECT * WHERE {{ # hidden\r\nSERVICE <{url}x> {{ ?s ?p ?o }} }}",
        "PN_LOCAL escape": f"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\#x AS ?z) SERVICE <{url}y> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{url}x> {{ ?s ?p ?o }} }}",
        "mixed case": f"SeLeCt * WhErE {{ sErViCe <{url}x> {{ ?s ?p ?o }} }}",
        "SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{url}x> {{ ?s ?p ?o }} }}",
        "variable endpoint": f"SELECT * WHERE {{ BIND(<{url}x> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "VALUES endpoint": f"SELECT * WHERE {{ VALUES ?e {{ <{url}x> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "prefixed name": f"PREFIX r: <{url}> SELECT * WHERE {{ SERVICE r:x {{ ?s ?p ?o }} }}",
        "empty prefix": f"PREFIX : <{url}> SELECT * WHERE {{ SERVICE :x {{ ?s ?p ?o }} }}",
        "glued prefixed name": f"PREFIX r: <{url}> SELECT * WHERE {{ SERVICEr:x {{ ?s ?p ?o }} }}",
        "glued SILENT": f"SELECT * WHERE {{ SERVICESILENT<{url}x> {{ ?s ?p ?o }} }}",
        "glued to a boolean": f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}x> {{ }} }}",
        "glued to a number": f"SELECT * WHERE {{ ?s ?p 1SERVICE<{url}x> {{ }} }}",
        "tabs": f"SELECT * WHERE {{\tSERVICE\t<{url}x>\t{{ ?s ?p ?o }} }}",
        "keyword as \\u escapes": f"SELECT * WHERE {{ \\u0053ERVICE <{url}x> {{ ?s ?p ?o }} }}",
        "IRI with \\u escapes": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{escaped_port}/x> {{ ?s ?p ?o }} }}",
        "\\u0022 closing a string": f'SELECT * WHERE {{ BIND("\\u0022" AS ?x) SERVICE <{url}x> {{ }} }} #"""',
        "relative IRI with BASE": f"BASE <{url}> SELECT * WHERE {{ SERVICE <x> {{ ?s ?p ?o }} }}",
        "inside FILTER EXISTS": f"SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{url}x> {{ ?s ?p ?o }} }} }}",
        "inside OPTIONAL": f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}x> {{ ?s ?p ?o }} }} }}",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} }} }} }}",
        "ASK": f"ASK {{ SERVICE <{url}x> {{ }} }}",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} }}",
        "DESCRIBE": f"DESCRIBE ?s WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} }}",
    }


def load_spellings(url: str) -> dict[str, str]:
    return {
        "LOAD": f"LOAD <{url}data.ttl>",
        "LOAD SILENT INTO GRAPH": f"load silent <{url}data.ttl> into graph <http://example.org/g>",
        "LOAD after a CR comment": f"# x\rLOAD <{url}data.ttl>",
        "SERVICE in an update": f"INSERT {{ GRAPH <http://example.org/g> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    }


SPELLINGS = list(service_spellings("http://127.0.0.1:1/"))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_service_is_refused_and_nothing_connects(server, canary, spelling):
    query = service_spellings(canary.url)[spelling]
    for response in (
        requests.get(server.url + "/sparql", params={"query": query}),
        requests.post(server.url + "/sparql", data={"query": query}),
    ):
        assert response.status_code == 400, (spelling, response.status_code, response.text)


def test_load_and_service_in_updates_are_refused_even_with_the_token(server, canary):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for name, update in load_spellings(canary.url).items():
        response = requests.post(server.url + "/sparql", data={"update": update}, headers=auth)
        assert response.status_code == 400, (name, response.text)


def test_remote_graphs_in_the_dataset_are_read_from_the_local_store(server, canary):
    """FROM, FROM NAMED and the protocol's graph parameters name graphs of the store, never addresses to fetch."""
    graph = canary.url + "graph"
    url = server.url + "/sparql"
    asks = [
        {"query": f"ASK FROM <{graph}> WHERE {{ ?s ?p ?o }}"},
        {"query": f"ASK FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": graph},
        {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": graph},
    ]
    for params in asks:
        response = requests.get(url, params=params)
        assert response.status_code == 200 and response.json()["boolean"] is False, params  # no such local graph
    local = {"query": "ASK { ?s ?p ?o }", "default-graph-uri": BASE + "article/grain-harvest"}
    assert requests.get(url, params=local).json()["boolean"]


# --- the workers' own fence, with the text scan out of the way ----------------------------------------


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("fence") / "store")
    settings = Settings.build(store=store, workers=1)
    pool = WorkerPool(engine_for(settings), settings.server)
    yield pool
    pool.close()


def run_query(pool: WorkerPool, query: str):
    job = QueryJob(1, query, Dataset(), "json", "ttl", 100, None)
    return pool.run(job, 10, "test")


def test_workers_cannot_open_network_connections(pool, canary):
    """Past the text scan, every spelling fails in the worker or yields nothing (SILENT), and connects nowhere."""
    assert pool.fence in ("seccomp", "netns")
    for spelling, query in service_spellings(canary.url).items():
        reply, body = run_query(pool, query)
        if reply.status == 200:  # SILENT, or a pattern that is empty before the call: nothing came back
            assert json.loads(body).get("results", {"bindings": []})["bindings"] in ([], [{}]), spelling
        else:
            assert reply.status in (400, 500), (spelling, reply)
    for name, update in load_spellings(canary.url).items():
        reply, _ = pool.run(UpdateJob(update), 10, "test", promote=False)
        assert reply.status in (400, 500) or "SILENT" in name.upper(), (name, reply)


# --- a kernel that refuses both fences ----------------------------------------------------------------

_SYSCALLS = {"x86_64": (0xC000003E, 317, 272), "aarch64": (0xC00000B7, 277, 97)}  # arch, seccomp, unshare


def refuse_fences() -> None:
    """Worker initializer: a seccomp filter refusing `seccomp()` and `unshare()`, as a locked-down container does.

    Runs in the worker before it tries to fence itself, so both of its attempts
    meet a real EPERM from the kernel.
    """
    import platform

    arch, nr_seccomp, nr_unshare = _SYSCALLS[platform.machine()]

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    eperm, allow = 0x00050000 | errno.EPERM, 0x7FFF0000
    program = b"".join(
        [
            op(0x20, 4),
            op(0x15, arch, 1, 0),
            op(0x06, allow),
            op(0x20, 0),
            op(0x15, nr_seccomp, 1, 0),
            op(0x15, nr_unshare, 0, 1),
            op(0x06, eperm),
            op(0x06, allow),
        ]
    )
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
    assert libc.prctl(22, 2, ctypes.byref(SockFprog(len(program) // 8, ctypes.addressof(buffer)))) == 0


def test_without_a_fence_the_pool_says_so_and_the_text_scan_still_refuses(tmp_path, canary, caplog):
    store = build_store(tmp_path / "store")
    with caplog.at_level(logging.ERROR, logger="server.pool"):
        running = serving(store, workers=1, worker_setup=refuse_fences)
        server = next(running)
        try:
            assert server.pool.fence is None
            assert any("can open network connections" in r.getMessage() for r in caplog.records)
            health = requests.get(server.url + "/healthz").json()
            assert health["pool"]["fence"] is None
            query = service_spellings(canary.url)["comment ended by CR"]
            assert requests.get(server.url + "/sparql", params={"query": query}).status_code == 400
        finally:
            running.close()
