"""Heavy queries cannot take the service away from everyone else.

Clients are told apart by address (`session(n)` connects from 127.0.0.n).
The rules under test (see `server.pool`): `/healthz` and static files need no
worker and always find a connection thread; a request waits briefly for a
worker, then gets 503 with Retry-After; a client has a bounded number of
requests in flight (429); a query running past `heavy_after` leaves the pool,
which replaces its worker, and only `max_heavy` such queries run at once,
`client_heavy` per client. The last test measures it: 4 clients hammering
the server with cartesian products while 8 others browse, p99 under 1 s.
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
import requests

from fixtures.server_harness import build_store, serving, session

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def cartesian(url: str, n: int, **params) -> requests.Response:
    return session(n).get(url + "/sparql", params={"query": CARTESIAN, **params}, timeout=30)


def timed(call) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def retry_after(response: requests.Response) -> int:
    return int(response.headers["Retry-After"])


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory):
    """Two workers, queries never promoted (heavy_after > timeout): what happens when every worker is taken."""
    store = build_store(tmp_path_factory.mktemp("busy") / "store")
    yield from serving(
        store,
        workers=2,
        threads=6,
        reserved_threads=2,
        heavy_after=30,
        query_timeout=3,
        queue_wait=1.0,
        client_queries=2,
    )


def test_health_and_static_files_answer_while_every_worker_and_queue_slot_is_taken(busy_server):
    url = busy_server.url
    with ThreadPoolExecutor(4) as clients:
        running = [clients.submit(cartesian, url, n) for n in (2, 3)]  # both workers, for 3 s
        time.sleep(0.3)
        waiting = [
            clients.submit(timed, lambda n=n: session(n).get(url + "/sparql", params={"query": "ASK {}"}))
            for n in (4, 5)
        ]  # the queue: 4 requests may hold or wait for a worker (6 threads - 2)
        time.sleep(0.3)
        over, elapsed = timed(lambda: session(6).get(url + "/sparql", params={"query": "ASK {}"}))
        assert over.status_code == 503 and retry_after(over) >= 1 and elapsed < 0.5  # at once, not after a wait
        health, elapsed = timed(lambda: requests.get(url + "/healthz"))
        assert health.status_code == 200 and elapsed < 0.5
        assert health.json()["pool"]["requests"] == 4 and health.json()["pool"]["idle"] == 0
        static, elapsed = timed(lambda: requests.get(url + "/static/app.css"))
        assert static.status_code == 200 and elapsed < 0.5
        for future in waiting:  # waited queue_wait (1 s) for a worker, then told when to come back
            response, elapsed = future.result()
            assert response.status_code == 503 and retry_after(response) >= 1 and 0.8 < elapsed < 2.0
        for future in running:
            assert future.result().status_code == 503 and "timed out" in future.result().text
    busy_server.settle()
    assert requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_one_client_has_a_bounded_number_of_requests_in_flight(busy_server):
    url = busy_server.url
    with ThreadPoolExecutor(2) as clients:
        running = [clients.submit(cartesian, url, 7) for _ in range(2)]
        time.sleep(0.3)
        third, elapsed = timed(lambda: session(7).get(url + "/sparql", params={"query": "ASK {}"}))
        assert third.status_code == 429 and retry_after(third) >= 1 and elapsed < 0.5
        assert all(future.result().status_code == 503 for future in running)
    busy_server.settle()


@pytest.fixture(scope="module")
def heavy_server(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("heavy") / "store")
    yield from serving(store, workers=2, heavy_after=0.5, max_heavy=2, client_heavy=1, query_timeout=6, queue_wait=1.5)


def test_heavy_queries_leave_the_pool_and_are_limited_per_client_and_in_all(heavy_server):
    url = heavy_server.url
    with ThreadPoolExecutor(4) as clients:
        twice = [clients.submit(cartesian, url, 2) for _ in range(2)]  # one client, two heavy queries
        done, running = wait(twice, timeout=15, return_when=FIRST_COMPLETED)
        (refused,) = done  # after heavy_after, the first leaves the pool; the second is stopped: 1 per client
        assert refused.result().status_code == 429 and "a client may run 1" in refused.result().text
        assert retry_after(refused.result()) >= 1
        again, elapsed = timed(lambda: session(2).get(url + "/sparql", params={"query": "ASK {}"}))
        assert again.status_code == 429 and elapsed < 0.5 and retry_after(again) >= 1  # until its Retry-After
        others = [clients.submit(cartesian, url, n) for n in (3, 4)]  # two more clients, one heavy query each
        done, _ = wait(others, timeout=15, return_when=FIRST_COMPLETED)
        (busy,) = done  # one takes the second heavy slot; the other is stopped: 2 at once
        assert busy.result().status_code == 503 and "long-running queries are running" in busy.result().text
        assert retry_after(busy.result()) >= 1
        deadline = time.monotonic() + 5
        while (health := requests.get(url + "/healthz").json()["pool"])["idle"] < 2:  # replacements are starting
            assert time.monotonic() < deadline, health
            time.sleep(0.05)
        assert health["heavy"] == 2 and health["workers"] == 2 + 2
        quick, elapsed = timed(lambda: session(5).get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}))
        assert quick.status_code == 200 and elapsed < 0.5  # the pool still has its two workers for everyone else
        for future in [*running, *(f for f in others if f is not busy)]:
            assert future.result().status_code == 503 and "timed out" in future.result().text
    heavy_server.settle()


@pytest.fixture(scope="module")
def default_server(tmp_path_factory):
    """The default limits (4 workers, heavy after 1 s, 2 heavy at once, 1 per client); a 5 s timeout ends it sooner."""
    yield from serving(build_store(tmp_path_factory.mktemp("load") / "store"), workers=4, query_timeout=5)


NORMAL = [
    ("/sparql", {"query": "ASK { ?s ?p ?o }"}),
    ("/sparql", {"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20", "format": "csv"}),
    ("/api/countries", {"format": "json"}),
    ("/resource/country/KZ", {"format": "ttl"}),
    ("/healthz", {}),
    ("/static/app.css", {}),
]


@pytest.mark.slow
def test_four_cartesian_clients_leave_eight_normal_clients_a_p99_under_a_second(default_server):
    url, seconds = default_server.url, 20.0
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[tuple[str, int]] = []
    heavy_statuses: list[int] = []
    lock = threading.Lock()

    def hostile(n: int) -> None:  # ignores Retry-After: resends after 0.1 s
        client = session(n)
        while time.monotonic() < stop:
            response = client.get(url + "/sparql", params={"query": CARTESIAN}, timeout=30)
            with lock:
                heavy_statuses.append(response.status_code)
            time.sleep(0.1)

    def normal(n: int) -> None:
        client = session(n)
        index = n
        while time.monotonic() < stop:
            path, params = NORMAL[index % len(NORMAL)]
            index += 1
            response, elapsed = timed(
                lambda path=path, params=params: client.get(url + path, params=params, timeout=30)
            )
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    failures.append((path, response.status_code))

    threads = [threading.Thread(target=hostile, args=(n,)) for n in range(2, 6)]
    threads += [threading.Thread(target=normal, args=(n,)) for n in range(10, 18)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    print(
        f"\n8 normal clients beside 4 cartesian ones, {seconds:g} s: {len(latencies)} requests, "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; heavy answers {sorted(set(heavy_statuses))}"
    )
    assert not failures, failures[:10]
    assert p99 < 1.0, f"p99 {p99:.2f} s"
    assert len(latencies) > 200
    default_server.settle(timeout=30)
