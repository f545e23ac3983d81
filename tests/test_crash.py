"""A real `kg ingest` killed at many points, with a reader open all along: only whole batches, ever.

The ingest runs as a subprocess over 120 generated articles in batches of 20.
The test watches the ledger (read-only) to pick its moment — during the NLP,
inside a batch's write (a pending store change exists), between batches — and
sends SIGKILL, SIGINT or SIGTERM. Meanwhile a reader thread keeps re-opening
the store read-only, as the server does, and checks it only ever sees whole
batches and no triple twice. Afterwards the store opens, `kg validate`
passes, and running the same command again gives exactly the store of an
uninterrupted run.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg.bench import generate_corpus
from kg.cli import main
from kg.config import Settings
from kg.ingest import ingest
from kg.ledger import LEDGER_FILE
from kg.store import KnowledgeStore, StoreError

pytestmark = pytest.mark.slow
ARTICLES, BATCH = 120, 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for article in generate_corpus(ARTICLES, seed=11):
            handle.write(json.dumps({"id": article.id, "title": article.title, "text": article.text}) + "\n")
    return path


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory, pipeline) -> set[pyoxigraph.Quad]:
    """The store of an uninterrupted run."""
    store = tmp_path_factory.mktemp("reference") / "store"
    ingest(lambda: _read(corpus), Settings.build(store=store, batch_size=BATCH), pipeline=pipeline)
    return dump(store)


def _read(path: Path):
    from kg.readers import read_articles

    return read_articles([path])


def dump(store: Path) -> set[pyoxigraph.Quad]:
    with KnowledgeStore(store, read_only=True) as opened:
        return set(opened.oxigraph)


def ingest_command(corpus: Path, store: Path) -> list[str]:
    """The ingest every run of this test makes: small batches, one process, quiet."""
    options = ["--store", str(store), "--batch-size", str(BATCH), "--processes", "1", "-q"]
    return [sys.executable, "-m", "kg", "ingest", str(corpus), *options]


def start(corpus: Path, store: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ingest_command(corpus, store),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def ledger_state(store: Path) -> tuple[int, int] | None:
    """(articles, pending changes) as the ledger says, or None before it exists."""
    path = store / LEDGER_FILE
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1) as db:
            articles = db.execute("SELECT COUNT(*) FROM article").fetchone()[0]
            pending = db.execute("SELECT COUNT(*) FROM pending").fetchone()[0]
        return articles, pending
    except sqlite3.Error:
        return None


class Reader(threading.Thread):
    """Re-opens the store read-only in a loop and records anything but whole batches."""

    def __init__(self, store: Path) -> None:
        super().__init__(daemon=True)
        self.store, self.stop, self.seen, self.violations = store, threading.Event(), set(), []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with KnowledgeStore(self.store, read_only=True) as opened:
                    union = {"use_default_graph_as_union": True}
                    articles = int(
                        next(
                            iter(
                                opened.oxigraph.query(
                                    "SELECT (COUNT(*) AS ?n) { ?a a <https://w3id.org/astana-kg/ontology#Article> }",
                                    **union,
                                )
                            )
                        )["n"].value
                    )
                    total = next(iter(opened.oxigraph.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **union)))["n"]
                    distinct = next(
                        iter(
                            opened.oxigraph.query(
                                "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", **union
                            )
                        )
                    )["n"]
            except (StoreError, OSError):
                time.sleep(0.01)  # not created yet, or files renamed under us by a compaction: open again
                continue
            self.seen.add(articles)
            if articles % BATCH:
                self.violations.append(f"saw {articles} articles, not a whole number of batches")
            if total != distinct:
                self.violations.append(f"saw {total} triples but {distinct} distinct ones")
            time.sleep(0.02)


def wait_for(process: subprocess.Popen, store: Path, moment: str, timeout: float = 120) -> bool:
    """Poll the ledger until `moment`; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        state = ledger_state(store)
        if state is not None:
            articles, pending = state
            if moment == "nlp" and articles == 0:
                time.sleep(0.5)
                return process.poll() is None
            if moment == "write" and pending and articles <= ARTICLES - 3 * BATCH:  # batches still to come
                return True
            if moment == "between" and articles >= 2 * BATCH and not pending:
                return True
        time.sleep(0.001)
    return False


@pytest.mark.parametrize(
    ("sig", "moment"),
    [
        (signal.SIGKILL, "nlp"),
        (signal.SIGKILL, "write"),
        (signal.SIGKILL, "between"),
        (signal.SIGINT, "write"),
        (signal.SIGTERM, "write"),
    ],
)
def test_killed_ingest_leaves_whole_batches_and_a_rerun_completes_it(corpus, reference, tmp_path, sig, moment):
    store = tmp_path / "store"
    process = start(corpus, store)
    reader = Reader(store)
    reader.start()
    try:
        assert wait_for(process, store, moment), f"never reached {moment}: {process.communicate()[0]}"
        process.send_signal(sig)
        output, _ = process.communicate(timeout=60)
        assert process.returncode != 0, output
    finally:
        reader.stop.set()
        reader.join()
        if process.poll() is None:
            process.kill()
    assert not reader.violations, reader.violations[:3]
    assert reader.is_alive() is False and len(reader.seen) >= 1, "the reader never saw the store"
    if sig != signal.SIGKILL:  # asked to stop: the batch in progress finished first
        assert ledger_state(store)[1] == 0
    validation = CliRunner().invoke(main, ["validate", "--store", str(store)])
    assert validation.exit_code == 0, validation.output
    rerun = subprocess.run(
        ingest_command(corpus, store),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "unchanged" in rerun.stdout
    assert dump(store) == reference
