"""Load test: many clients mixing canned queries, /sparql, pages and exports, a few of them hostile.

    .venv/bin/python tests/bench/load_server.py [--clients 64] [--seconds 60] [--articles 1000] [--store DIR]

Runs `kg serve` as a real process on a synthetic store (tests/fixtures/synthetic_events.py)
and drives it from `--clients` clients, each from its own loopback address
(127.0.0.10 and up), so the per-client limits apply as they would to real
clients. One client in eight is hostile: cartesian products, SERVICE, deep
nesting, over-long queries, updates without a token, exports cut off
mid-stream; it ignores Retry-After. The others follow it (sleeping at most
2 s), as a well-behaved client does.

Reported: requests, req/s, statuses, p50/p99 latency of the normal requests,
the share of 503/429 per 10 s, and the resident memory of the server and its
workers at the start, the peak and the end. After the load, every normal kind
of request must answer 200 again within a few seconds (no lasting 503s).

`run_load` is also imported by tests/test_server_load.py, which runs a short
version in the default test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.server_harness import session  # noqa: E402

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
FIRST_CLIENT = 10  # clients connect from 127.0.0.10, .11, ...


@dataclass(frozen=True)
class Kind:
    """One kind of request and the statuses that are right for it (besides 429 and 503, always possible)."""

    name: str
    send: Callable[[requests.Session, str], int]
    expected: frozenset[int] = frozenset({200})


def _get(path: str, **params: str) -> Callable[[requests.Session, str], int]:
    return lambda client, url: client.get(url + path, params=params, timeout=60).status_code


def _post(path: str, **data: str) -> Callable[[requests.Session, str], int]:
    return lambda client, url: client.post(url + path, data=data, timeout=60).status_code


def _head(path: str) -> Callable[[requests.Session, str], int]:
    return lambda client, url: client.head(url + path, timeout=60).status_code


def _cut_stream(path: str) -> Callable[[requests.Session, str], int]:
    """Start a download, read 64 KB, reset the connection: the server must give the export's worker back."""

    def send(client: requests.Session, url: str) -> int:
        adapter = client.get_adapter(url)
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection(
            (host, int(port)), timeout=60, source_address=(getattr(adapter, "address", "127.0.0.1"), 0)
        ) as raw:
            raw.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            received = b""
            while len(received) < 64 * 1024 and (chunk := raw.recv(65536)):
                received += chunk
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return int(received[9:12] or 0)

    return send


def normal_kinds(url: str) -> list[Kind]:
    """What browsing users and API clients do: the canned queries that need no parameter, SPARQL, pages, exports.

    Only the kinds the idle server answers (200) are kept: a canned query that
    times out even alone on this store is a fact about the store, not load.
    """
    catalogue = requests.get(url + "/api", headers={"Accept": "application/json"}, timeout=60).json()
    canned = [
        Kind(f"api/{q['name']}", _get(f"/api/{q['name']}", format="json"))
        for q in catalogue
        if not any(p["required"] and not p["default"] for p in q["parameters"])
    ]
    graphs_query = {"query": "SELECT ?g WHERE { GRAPH ?g {} } LIMIT 20"}
    answer = requests.get(url + "/sparql", params=graphs_query, timeout=60).json()
    graphs = [b["g"]["value"] for b in answer["results"]["bindings"]]
    slugs = [g.rpartition("/article/")[2] for g in graphs if "/article/" in g] or ["missing"]
    kinds = [
        *canned,
        Kind("sparql ASK", _get("/sparql", query="ASK { ?s ?p ?o }")),
        Kind("sparql SELECT", _get("/sparql", query="SELECT * WHERE { ?s ?p ?o } LIMIT 50", format="csv")),
        Kind("sparql COUNT", _post("/sparql", query="SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")),
        Kind("sparql CONSTRUCT", _get("/sparql", query="CONSTRUCT WHERE { ?s ?p ?o } LIMIT 100", format="ttl")),
        Kind("page home", _get("/", format="html")),
        Kind("page resource", _get("/resource/country/KZ", format="html")),
        Kind(
            "export article",
            lambda client, url: client.get(f"{url}/export/article/{random.choice(slugs)}.ttl", timeout=60).status_code,
        ),
        Kind("export dataset", _get("/export.nt")),  # heavy: may be refused (503/429 with Retry-After), as any request
        Kind("healthz", _get("/healthz")),
        Kind("static", _get("/static/app.css")),
    ]
    client = session(FIRST_CLIENT)
    answered = [kind for kind in kinds if kind.send(client, url) == 200]
    if left_out := sorted({kind.name for kind in kinds} - {kind.name for kind in answered}):
        print(f"left out (no 200 from the idle server): {', '.join(left_out)}", flush=True)
    return answered


HOSTILE = [
    Kind("cartesian product", _get("/sparql", query=CARTESIAN), frozenset()),  # only ever stopped: 503 or 429
    Kind(
        "SERVICE behind a CR comment",
        _get("/sparql", query="SELECT * { # x\rSERVICE <http://127.0.0.1:1/> { } }"),
        frozenset({400}),
    ),
    Kind("10,000 nested groups", _post("/sparql", query="ASK " + "{" * 10_000 + "}" * 10_000), frozenset({400})),
    Kind("over-long query", _post("/sparql", query="ASK {} #" + "x" * 200_000), frozenset({413})),
    Kind("javascript: IRI", _get("/sparql", query='SELECT (IRI("javascript:alert(1)") AS ?x) {}', format="html")),
    Kind("update without token", _post("/sparql", update="DROP ALL"), frozenset({403})),
    Kind("update by GET", _get("/sparql", update="DROP ALL"), frozenset({400})),
    Kind("missing export", _get("/export/article/no-such-article.ttl"), frozenset({404})),
    Kind("HEAD export", _head("/export.nq")),
    Kind("export cut off", _cut_stream("/export.nq")),
]


@dataclass
class Report:
    seconds: float
    clients: int
    kinds: list[Kind]  # the normal kinds of request sent
    normal: list[tuple[float, float, str, int]] = field(default_factory=list)  # (start offset, latency, kind, status)
    hostile: list[tuple[str, int]] = field(default_factory=list)
    wrong: Counter = field(default_factory=Counter)  # (kind, status) pairs not expected for the kind
    rss: list[tuple[float, int]] = field(default_factory=list)  # (offset, KiB)

    def summary(self) -> str:
        latencies = sorted(latency for _, latency, _, status in self.normal if status == 200)
        total = len(self.normal) + len(self.hostile)
        statuses = Counter(status for *_, status in self.normal) + Counter(status for _, status in self.hostile)
        refused = [
            sum(1 for start, _, _, status in self.normal if status in (429, 503) and w <= start < w + 10)
            / max(1, sum(1 for start, *_ in self.normal if w <= start < w + 10))
            for w in range(0, int(self.seconds), 10)
        ]
        answered = "no normal request succeeded"
        if latencies:
            p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
            answered = (
                f"normal requests answered 200: {len(latencies)}, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
            )
        lines = [
            f"{self.clients} clients, {self.seconds:.0f} s: {total} requests ({total / self.seconds:.1f}/s), "
            f"statuses {dict(sorted(statuses.items()))}",
            answered,
            "share of normal requests refused (429/503) per 10 s: " + ", ".join(f"{share:.0%}" for share in refused),
            f"unexpected statuses: {dict(self.wrong) or 'none'}",
        ]
        if self.rss:
            peak = max(kib for _, kib in self.rss)
            lines.append(
                f"server + workers RSS: start {self.rss[0][1] / 1024:.0f} MiB, peak {peak / 1024:.0f} MiB, "
                f"end {self.rss[-1][1] / 1024:.0f} MiB"
            )
        return "\n".join(lines)


def run_load(url: str, clients: int, seconds: float, memory: Callable[[], int] | None = None) -> Report:
    """Drive the server at `url`; one client in eight is hostile. `memory` gives the server's RSS (KiB) to sample."""
    normal = normal_kinds(url)
    report = Report(seconds, clients, normal)
    lock = threading.Lock()
    started = time.monotonic()
    stop = started + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        http = session(FIRST_CLIENT + n)
        hostile = n % 8 == 7
        kinds = HOSTILE if hostile else normal
        while time.monotonic() < stop:
            kind = rng.choice(kinds)
            begun = time.monotonic()
            try:
                status, failure = kind.send(http, url), ""
            except (requests.RequestException, OSError) as error:
                status, failure = 0, type(error).__name__
            elapsed = time.monotonic() - begun
            with lock:
                if hostile:
                    report.hostile.append((kind.name, status))
                else:
                    report.normal.append((begun - started, elapsed, kind.name, status))
                if status not in kind.expected and status not in (429, 503):
                    report.wrong[(kind.name, status, failure)] += 1
            if not hostile and status in (429, 503):
                time.sleep(min(2.0, rng.uniform(0.5, 2.0)))  # Retry-After says 1-2 s; spread the retries

    def sample() -> None:
        while memory is not None and time.monotonic() < stop:
            report.rss.append((time.monotonic() - started, memory()))
            time.sleep(1.0)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    threads.append(threading.Thread(target=sample, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if memory is not None:
        report.rss.append((time.monotonic() - started, memory()))
    return report


def recovers(url: str, kinds: list[Kind], within: float = 15.0) -> dict[str, int]:
    """After the load: every kind answers 200 again (retrying until `within`); the kinds that never did."""
    deadline = time.monotonic() + within
    pending = {kind.name: kind for kind in kinds}
    http = session(FIRST_CLIENT)
    last: dict[str, int] = {}
    while pending and time.monotonic() < deadline:
        for name, kind in list(pending.items()):
            last[name] = kind.send(http, url)
            if last[name] == 200:
                del pending[name]
        time.sleep(0.2)
    return {name: last[name] for name in pending}


def tree_rss(pid: int) -> int:
    """Resident memory (KiB) of a process and all its descendants (the server, its fork server, its workers)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


def start_server(store: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`kg serve` as a real process on a free port, logging (warnings up) to a file."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port), "--log-level", "warning"],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if requests.get(url + "/healthz", timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"kg serve exited: {log.read_text()}")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    store = args.store
    if store is None:
        from fixtures.synthetic_events import build_store

        store = Path(tempfile.mkdtemp()) / "store"
        build_store(store, args.articles)
        print(f"synthetic store: {args.articles} articles at {store}")
    log = store.parent / "load-server.log"
    process, url = start_server(store, log)
    try:
        report = run_load(url, args.clients, args.seconds, memory=lambda: tree_rss(process.pid))
        print(report.summary())
        stuck = recovers(url, report.kinds)
        print("after the load: every kind answers 200" if not stuck else f"after the load, still failing: {stuck}")
        print("health:", requests.get(url + "/healthz", timeout=10).json()["pool"])
        errors = [line for line in log.read_text().splitlines() if re.search(r"\b(ERROR|Traceback)\b", line)]
        print(
            f"server log: {len(log.read_text().splitlines())} lines, {len(errors)} errors"
            + "".join(f"\n  {line}" for line in errors[:10])
        )
    finally:
        process.terminate()
        process.wait(20)


if __name__ == "__main__":
    main()
