"""Speed at scale (issue 10, item 4): every canned query over HTTP at 10,000 and 100,000 articles, and ingest cost.

    .venv/bin/python tests/bench/bench_scale.py [--sizes 10000 100000] [--runs 40] [--seconds 20] [--dir DIR]

Run by hand; pytest does not collect it. A store per size, in `--dir`
(kept, and reused by later runs), each grown from a copy of the smaller one:
synthetic extractions (`tests/fixtures/synthetic.py`: ~40 countries of skewed
frequency, recurring persons with roles, every event type over four years,
hub-and-spoke ties, agreements with USD amounts) go through the real
`GraphBuilder` and `Writer` in batches of 1,000, as `kg ingest` would write
them without the NLP (the writer compacts the store as it grows, see
`Writer.compact_if_due`). A reused store is first opened for writing, as the
next `kg ingest` would: that upgrades a ledger an older release wrote, and
compacts the store if that is due. At each size:

1. a real `kg serve` process on the store; for every canned query, p50 and p99
   of `--runs` sequential requests over HTTP with default parameters and, for
   queries that take a country, with `country=FR` (tie-evidence and
   tie-timeline: the pair KZ–FR; search-labels: articles only, a person's
   name, which is in few headlines, instead of the default's "kazakhstan",
   which is in most);
2. 8 concurrent clients on `bilateral-ties?country=FR` for `--seconds`, each
   from its own address (127.0.0.10-17), as the server's per-client limits
   expect of distinct clients;
3. ingest cost: the same 1,000 new articles committed into this store and into
   an empty one (the baseline, measured twice around it in the same run); the
   batch is removed again afterwards.

Ratios are printed against baselines of the same run (the smallest size, the
empty store), because this machine is shared and noisy; targets: p50 ≤ 300 ms at
100,000 articles, at most ×1.5 from 10,000 to 100,000, ≥ 50 requests/s with 8
clients, ingest into the big store ≤ 1.2× into an empty one. Results are also
written as JSON (`--json`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.server_harness import session  # noqa: E402
from fixtures.synthetic import records  # noqa: E402
from kg.config import Settings, queries_dir  # noqa: E402
from kg.ingest import open_writer  # noqa: E402
from server.canned import load_queries  # noqa: E402

BATCH = 1000
COUNTRY = "FR"
#: Parameters for "with a country filter": a pair where the query needs one, else the country.
COUNTRY_ARGS = {
    "tie-evidence": {"country": "KZ", "partner": COUNTRY},
    "tie-timeline": {"country": "KZ", "partner": COUNTRY},
    "entity-mentions": {"entity": f"https://w3id.org/astana-kg/resource/country/{COUNTRY}"},
    "search-labels": {"q": "Aigerim Bekova"},
}  # a name, in few headlines: every tier is read
#: Queries with required parameters and no default: what "default parameters" means for them. Search: articles
#: only (entities whose names have the word would fill the page) for a word in most of them.
DEFAULT_ARGS = {"search-labels": {"q": "kazakhstan", "kind": "Article"}}
THROUGHPUT = ("bilateral-ties", {"country": COUNTRY})


def grow(store: Path, start: int, stop: int) -> float:
    """Ingest synthetic articles [start, stop) in batches; seconds spent committing (generation excluded)."""
    spent = 0.0
    with open_writer(Settings.build(store=store)) as writer:
        generated = records(stop - start, start)
        done = start
        while batch := list(itertools.islice(generated, BATCH)):
            started = time.perf_counter()
            writer.commit(batch)
            spent += time.perf_counter() - started
            done += len(batch)
            if done % 10_000 == 0:
                print(f"  {done:,} articles, {spent:.0f} s committing", file=sys.stderr, flush=True)
    return spent


def ingest_seconds(store: Path, batch: list) -> float:
    """One all-or-nothing commit of `batch`, with the writer's opening (ledger, recovery) included."""
    started = time.perf_counter()
    with open_writer(Settings.build(store=store)) as writer:
        result = writer.commit(batch)
    assert result.new == len(batch), result
    return time.perf_counter() - started


def ingest_ratio(store: Path, first: int, scratch: Path) -> dict[str, float]:
    """1,000 more articles into `store` vs the same into an empty store (baseline before and after).

    The batch is removed again afterwards, so the store keeps its size for later runs.
    """
    batch = list(records(BATCH, first))
    empty = []
    for attempt in range(2):
        target = scratch / f"empty-{attempt}"
        shutil.rmtree(target, ignore_errors=True)
        empty.append(ingest_seconds(target, batch))
        shutil.rmtree(target)
        if attempt == 0:
            big = ingest_seconds(store, batch)
    with open_writer(Settings.build(store=store)) as writer:
        writer.commit(removals=[record.iri for record in batch])
    baseline = statistics.mean(empty)
    return {"empty_s": round(baseline, 2), "big_s": round(big, 2), "ratio": round(big / baseline, 2)}


def serve(store: Path) -> tuple[subprocess.Popen, str]:
    """A real `kg serve` process (default threads and workers) on a free port; its log beside the store."""
    command = [str(Path(sys.executable).with_name("kg")), "serve", "--store", str(store), "--port", "0"]
    with open(store.parent / f"serve-{store.name}.log", "w") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
    assert process.stdout is not None
    url = re.search(r"http://[^/\s]+", process.stdout.readline()).group(0)  # type: ignore[union-attr]
    threading.Thread(target=process.stdout.read, daemon=True).start()  # never let the pipe fill
    for _ in range(300):
        try:
            if requests.get(url + "/healthz", timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("kg serve did not come up")


def latency(session: requests.Session, url: str, name: str, args: dict[str, str], runs: int) -> dict[str, float]:
    """p50 and p99 (ms) of sequential requests for SPARQL JSON, after one warm-up; rows of the answer."""
    samples = []
    rows = 0
    for attempt in range(runs + 1):
        started = time.perf_counter()
        response = session.get(f"{url}/api/{name}", params={**args, "format": "json"}, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{name} {args}: {response.status_code} {response.text[:200]}")
        if attempt:
            samples.append(elapsed)
        rows = len(response.json()["results"]["bindings"])
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return {"p50": round(statistics.median(samples), 1), "p99": round(p99, 1), "rows": rows}


def throughput(url: str, seconds: float, clients: int = 8) -> dict[str, float]:
    name, args = THROUGHPUT
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(n: int) -> None:
        http = session(10 + n)  # its own address: the server's per-client limits apply per client
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = http.get(f"{url}/api/{name}", params={**args, "format": "json"}, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += response.status_code != 200

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies.sort()
    return {
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50": round(statistics.median(latencies) * 1000, 1),
        "p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "errors": errors[0],
    }


def measure(store: Path, runs: int, seconds: float) -> dict:
    queries = load_queries(queries_dir())
    process, url = serve(store)
    try:
        session = requests.Session()
        results: dict = {"queries": {}}
        for name, query in queries.items():
            takes = {p.name for p in query.parameters}
            default = DEFAULT_ARGS.get(name, {})
            entry = {"default": latency(session, url, name, default, runs)}
            if name in COUNTRY_ARGS or "country" in takes:
                filtered = {**default, **COUNTRY_ARGS.get(name, {"country": COUNTRY})}
                entry["country"] = latency(session, url, name, filtered, runs)
            results["queries"][name] = entry
            print(f"  {name:16} {json.dumps(entry)}", file=sys.stderr, flush=True)
        results["throughput"] = throughput(url, seconds)
        return results
    finally:
        process.terminate()
        process.wait(30)


def report(results: dict[int, dict], sizes: list[int]) -> str:
    small, big = sizes[0], sizes[-1]
    lines = [
        "| canned query | params | rows | "
        + " | ".join(f"p50 / p99 at {n:,} (ms)" for n in sizes)
        + f" | p50 ×{big // small} |",
        "| --- | --- | ---: | " + " | ".join("---:" for _ in sizes) + " | ---: |",
    ]
    for name, entry in results[big]["queries"].items():
        for variant, measured in entry.items():
            at = [results[n]["queries"][name][variant] for n in sizes]
            cells = [f"{m['p50']:.0f} / {m['p99']:.0f}" for m in at]
            growth = measured["p50"] / results[small]["queries"][name][variant]["p50"]
            given = (
                DEFAULT_ARGS.get(name, {})
                if variant == "default"
                else {**DEFAULT_ARGS.get(name, {}), **COUNTRY_ARGS.get(name, {"country": COUNTRY})}
            )
            params = "&".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in given.items()) or "defaults"
            lines.append(f"| {name} | {params} | {measured['rows']} | {' | '.join(cells)} | {growth:.2f} |")
    lines.append("")
    for n in sizes:
        t, i = results[n]["throughput"], results[n]["ingest"]
        lines.append(
            f"{n:,} articles: 8 clients on bilateral-ties?country={COUNTRY}: {t['requests_per_s']} req/s "
            f"(p50 {t['p50']} ms, p99 {t['p99']} ms, {t['errors']} errors); ingest of 1,000 more: "
            f"{i['big_s']} s vs {i['empty_s']} s into an empty store, ratio {i['ratio']}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--dir", type=Path, help="where to build the store (default: a temporary directory)")
    parser.add_argument("--json", type=Path, help="write the measurements here too")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    previous: Path | None = None
    for size in sorted(args.sizes):
        store = work / f"store-{size}"
        if store.is_dir():
            print(f"reusing {store}", file=sys.stderr, flush=True)
            with open_writer(Settings.build(store=store)):  # as the next `kg ingest` would: a batch a killed run
                pass  # left is finished, a ledger an older release wrote upgraded, a compaction due done
        else:
            start = 0
            if previous is not None:  # grow a copy of the smaller store
                shutil.copytree(previous, store)
                start = int(previous.name.rsplit("-", 1)[1])
            print(f"growing a store to {size:,} articles", file=sys.stderr, flush=True)
            seconds = grow(store, start, size)
            print(f"committing took {seconds:.0f} s", file=sys.stderr, flush=True)
        previous = store
        print(f"measuring at {size:,} articles", file=sys.stderr, flush=True)
        results[size] = measure(store, args.runs, args.seconds)
        results[size]["ingest"] = ingest_ratio(store, 10_000_000 + size, work)
        print(f"  ingest {results[size]['ingest']}", file=sys.stderr, flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    print(report(results, sorted(args.sizes)))


if __name__ == "__main__":
    main()
