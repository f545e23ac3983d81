"""Benchmark the HTTP server (run by hand; pytest does not collect it).

    .venv/bin/python tests/bench/bench_server.py [--articles 2000] [--seconds 30] [--store DIR]

1. Latency: three canned queries over HTTP vs the same query text evaluated and
   serialized (SPARQL-JSON) directly with pyoxigraph in this process; medians
   and their ratio.
2. Throughput: 8 concurrent clients (127.0.0.10-17) for `--seconds`, requests/s,
   p50/p99 latency, errors.

Without `--store`, a synthetic store is generated from the server test fixture
(articles replicated with varied country pairs), so figures are reproducible.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.server_harness import BASE, fixture_graphs, session  # noqa: E402

from kg.config import queries_dir  # noqa: E402
from kg.store import KnowledgeStore  # noqa: E402
from server.canned import CannedQuery  # noqa: E402
from server.sparql_text import replace_variables  # noqa: E402

COUNTRIES = ["KZ", "CN", "FR", "US", "RU", "DE", "TR", "UZ", "KG", "TJ", "TM", "JP", "KR", "IN", "IT", "GB", "AE", "SA", "PL", "HU"]
QUERIES = [("top-entities", {}), ("bilateral-ties", {"country": "FR"}), ("ties-summary", {})]


def synthetic_store(path: Path, articles: int) -> None:
    template = fixture_graphs()
    rng = random.Random(7)
    graphs: dict = {}
    for n in range(articles):
        a, b = rng.sample(COUNTRIES, 2)
        for graph, quads in template.items():

            def rename(term):
                if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(BASE):
                    value = term.value.replace("country/KZ", f"country/{a}").replace("country/CN", f"country/{b}").replace("country/FR", f"country/{b}")
                    kind, _, rest = value[len(BASE):].partition("/")
                    if kind not in ("country", "person"):  # article/x -> article/n7-x, event/a1 -> event/n7-a1
                        value = f"{BASE}{kind}/n{n}-{rest}"
                    return pyoxigraph.NamedNode(value)
                if isinstance(term, pyoxigraph.Literal) and term.value in ("KZ", "CN", "FR"):
                    return pyoxigraph.Literal({"KZ": a, "CN": b, "FR": b}[term.value])
                return term

            new_graph = rename(graph)
            graphs.setdefault(new_graph, []).extend(pyoxigraph.Quad(rename(q.subject), q.predicate, rename(q.object), new_graph) for q in quads)
    with KnowledgeStore(path) as store:
        items = list(graphs.items())
        for start in range(0, len(items), 500):
            store.replace_graphs(dict(items[start : start + 500]))


def start_server(store: Path) -> tuple[subprocess.Popen, str]:
    code = (
        "from pathlib import Path\nfrom kg.config import Settings\nfrom server import serve\n"
        f"if __name__ == '__main__':\n    serve(Settings.build(store=Path({str(store)!r}), port=0))\n"
    )
    log = open(store.parent / "server.log", "w")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
    line = process.stdout.readline()
    url = re.search(r"http://[^/\s]+", line).group(0)
    threading.Thread(target=process.stdout.read, daemon=True).start()  # never let the pipe fill
    for _ in range(100):
        try:
            if requests.get(url + "/healthz", timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    return process, url


def median_ms(fn, runs: int) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def latency(url: str, store: Path, runs: int) -> None:
    direct = pyoxigraph.Store.read_only(str(store))
    http = requests.Session()
    print(f"{'query':16} {'rows':>6} {'direct ms':>10} {'HTTP ms':>9} {'ratio':>6}")
    for name, params in QUERIES:
        query = CannedQuery.from_file(queries_dir().joinpath(f"{name}.rq"))
        text, bindings = query.bind(params)
        text = replace_variables(text, {k: str(v) for k, v in bindings.items()})

        def run_direct():
            return direct.query(text, use_default_graph_as_union=True).serialize(format=pyoxigraph.QueryResultsFormat.JSON)

        rows = len(list(direct.query(text, use_default_graph_as_union=True)))
        d = median_ms(run_direct, runs)
        h = median_ms(lambda: http.get(f"{url}/api/{name}", params=params).content, runs)
        print(f"{name:16} {rows:6} {d:10.2f} {h:9.2f} {h / d:6.2f}")


def throughput(url: str, seconds: float, clients: int = 8) -> None:
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(i: int) -> None:
        client = session(10 + i)  # its own address: the server's per-client limits apply per client
        name, params = QUERIES[i % len(QUERIES)]
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = client.get(f"{url}/api/{name}", params=params)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    errors[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"{clients} clients, {wall:.1f} s: {len(latencies) / wall:.0f} req/s, p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99:.1f} ms, errors {errors[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    store = args.store
    if store is None:
        store = Path(tempfile.mkdtemp()) / "store"
        started = time.monotonic()
        synthetic_store(store, args.articles)
        print(f"synthetic store: {args.articles} articles, {len(pyoxigraph.Store.read_only(str(store)))} quads ({time.monotonic() - started:.1f} s)")
    process, url = start_server(store)
    try:
        latency(url, store, args.runs)
        throughput(url, args.seconds)
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
