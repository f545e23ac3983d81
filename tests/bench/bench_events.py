"""Benchmark the event-data exports: rows per second and peak memory at 10,000 and 100,000 ties (by hand).

    .venv/bin/python tests/bench/bench_events.py [--articles 4000 40000] [--layouts gdelt-events plover]
        [--work DIR] [--max-growth 64]

Stores are built from synthetic articles (`tests/fixtures/synthetic_events.py`:
the real mapping and writer, no spaCy; about 2.5 ties per article) in `--work`,
or reused from there when a previous run built them. Each export runs
`kg export` in a child process, which reports its own peak RSS (VmHWM); the
output goes to /dev/null.

Reading a bigger store costs memory in RocksDB itself (index and filter blocks
of more and larger files), whatever reads it. So each store is also streamed
as N-Quads (`kg export --format nq`, the dump that holds nothing), and the
figure that must stay flat is an export's peak above that baseline: what the
export itself holds. With `--max-growth` the script exits 1 when that figure
grows by more than so many MiB from the smallest store to the largest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.synthetic_events import build_store  # noqa: E402


def store_for(work: Path, articles: int) -> tuple[Path, int]:
    """A synthetic store of `articles` articles (built once, then reused) and its number of ties."""
    path = work / f"synthetic-{articles}"
    if not path.exists():
        started = time.perf_counter()
        build_store(path, articles)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", flush=True)
    store = pyoxigraph.Store.read_only(str(path))
    ties = next(
        iter(
            store.query(
                "SELECT (COUNT(?t) AS ?n) WHERE { ?t a <https://w3id.org/astana-kg/ontology#Tie> }",
                use_default_graph_as_union=True,
            )
        )
    )[0]
    return path, int(ties.value)


#: Runs `kg` in the child and reports the child's own peak RSS (VmHWM, which restarts at exec; the rusage
#: maxrss would carry over the bench's own size from the fork).
PROBE = """import sys
from kg.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    status = open("/proc/self/status").read()
    print("peak", status.split("VmHWM:")[1].split()[0], file=sys.stderr)
"""


def run_export(store: Path, layout: str) -> tuple[int | None, float, float]:
    """(rows written, seconds, peak RSS in MiB) of `kg export --format layout` in a child process."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", PROBE, "export", "--store", str(store), "--format", layout, "-o", os.devnull],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"kg export failed: {child.stderr}")
    wrote = next(line for line in child.stderr.splitlines() if line.startswith("Wrote"))
    peak = next(line for line in child.stderr.splitlines() if line.startswith("peak"))
    count = wrote.rsplit("(", 1)[-1].split()[0]  # "Wrote /dev/null (1234 rows)", or "(nq)"
    return int(count) if count.isdigit() else None, seconds, int(peak.split()[1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[4000, 40000])
    parser.add_argument("--layouts", nargs="+", default=["gdelt-events", "gdelt-mentions", "plover", "icews"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench-events"))
    parser.add_argument(
        "--max-growth",
        type=float,
        default=None,
        help="MiB an export's own memory may grow from the smallest store to the largest, else exit 1",
    )
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    print(
        f"{'store ties':>10} {'layout':>15} {'rows':>8} {'seconds':>8} {'rows/s':>8} {'peak RSS MiB':>13} "
        f"{'above nq dump':>14}"
    )
    own: dict[int, float] = {}  # ties in store -> the largest peak of an export above the baseline
    for articles in options.articles:
        path, ties = store_for(options.work, articles)
        _rows, seconds, baseline = run_export(path, "nq")
        print(f"{ties:>10,} {'nq (baseline)':>15} {'':>8} {seconds:>8.1f} {'':>8} {baseline:>13.0f}", flush=True)
        for layout in options.layouts:
            rows, seconds, peak = run_export(path, layout)
            own[ties] = max(own.get(ties, float("-inf")), peak - baseline)
            print(
                f"{ties:>10,} {layout:>15} {rows or 0:>8,} {seconds:>8.1f} {(rows or 0) / seconds:>8,.0f} "
                f"{peak:>13.0f} {peak - baseline:>+14.0f}",
                flush=True,
            )
    small, large = min(own), max(own)
    growth = own[large] - own[small]
    print(
        f"an export's own memory: {own[small]:+.0f} MiB at {small:,} ties, {own[large]:+.0f} MiB at {large:,} ties "
        f"(x{large / small:.1f} ties, {growth:+.0f} MiB)"
    )
    if options.max_growth is not None and growth > options.max_growth:
        print(f"an export's own memory grew by more than {options.max_growth:g} MiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
