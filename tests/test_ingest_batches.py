"""Batched ingest: upfront validation, injective IRIs, honest counts, `kg remove`, and the same store three ways."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg.bench import generate_corpus
from kg.cli import main
from kg.config import Settings
from kg.ingest import ingest
from kg.readers import read_articles
from kg.store import KnowledgeStore
from kg.vocab import PREFIXES

RES = "https://w3id.org/astana-kg/resource/"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def dump(store: Path) -> set[pyoxigraph.Quad]:
    with KnowledgeStore(store, read_only=True) as opened:
        return set(opened.oxigraph)


def articles(store: Path) -> set[str]:
    with KnowledgeStore(store, read_only=True) as opened:
        return {
            row["a"].value
            for row in opened.oxigraph.query(
                "SELECT ?a { ?a a akg:Article }", use_default_graph_as_union=True, prefixes=PREFIXES
            )
        }


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_jsonl(
        tmp_path_factory.mktemp("corpus") / "corpus.jsonl",
        [{"id": a.id, "title": a.title, "text": a.text} for a in generate_corpus(40, seed=3)],
    )


def test_a_bad_last_line_means_nothing_is_written_even_with_small_batches(corpus, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(corpus.read_text(encoding="utf-8") + '{"title": "no text"}\n', encoding="utf-8")
    code, output = run("ingest", str(bad), "--store", str(tmp_path / "store"), "--batch-size", "5", "-q")
    assert code != 0 and f"{bad}:41" in output and "nothing was written" in output
    assert not (tmp_path / "store").exists() or not articles(tmp_path / "store")


def test_two_records_with_one_iri_are_an_error_naming_both(tmp_path):
    path = write_jsonl(
        tmp_path / "dup.jsonl",
        [
            {"id": "x-1", "title": "First", "text": "Kazakhstan and France met."},
            {"id": "x-2", "title": "Second", "text": "Kazakhstan and China met."},
            {"id": "x-1", "title": "Third", "text": "Kazakhstan and Japan met."},
        ],
    )
    code, output = run("ingest", str(path), "--store", str(tmp_path / "store"), "-q")
    assert code != 0
    assert f"{path}:3" in output and f"{path}:1" in output


def test_ids_that_differ_get_different_iris(tmp_path, pipeline):
    """Non-ASCII ids, ids differing only in punctuation or case: each is its own article."""
    ids = ["жаңалық", "статья", "A.1", "a-1", "a.1", "news 7", "news/7"]
    path = write_jsonl(
        tmp_path / "ids.jsonl",
        [
            {"id": key, "title": f"Item {n}", "text": f"Kazakhstan and France met on day {n}."}
            for n, key in enumerate(ids)
        ],
    )
    summary = ingest(read_articles([path]), Settings.build(store=tmp_path / "store"), pipeline=pipeline)
    assert summary.new == len(ids)
    found = articles(tmp_path / "store")
    assert len(found) == len(ids)
    assert RES + "article/жаңалық" in found and RES + "article/A.1" in found


def test_summary_counts_new_replaced_and_unchanged(tmp_path, pipeline):
    store = tmp_path / "store"
    first = write_jsonl(
        tmp_path / "day1.jsonl",
        [
            {
                "id": "d1",
                "title": "Tokayev Meets Macron",
                "text": "Kazakh President Tokayev met French President Macron.",
            },
            {"id": "d2", "title": "Trade Grows", "text": "Trade between Kazakhstan and China grew by 10 percent."},
        ],
    )
    second = write_jsonl(
        tmp_path / "day2.jsonl",
        [
            {
                "id": "d1",
                "title": "Tokayev Meets Macron",
                "text": "Kazakh President Tokayev met French President Macron.",
            },
            {"id": "d2", "title": "Trade Grows Fast", "text": "Trade between Kazakhstan and China grew by 12 percent."},
            {"id": "d3", "title": "Aid to Kenya", "text": "Germany sent humanitarian aid to Kenya."},
        ],
    )
    settings = Settings.build(store=store)
    assert (ingest(read_articles([first]), settings, pipeline=pipeline).new) == 2
    summary = ingest(read_articles([second]), settings, pipeline=pipeline)
    assert (summary.new, summary.replaced, summary.unchanged) == (1, 1, 1)
    assert "Trade Grows Fast" in json.dumps([str(q) for q in dump(store)])


def test_remove_drops_the_article_and_what_only_it_described(tmp_path, pipeline):
    store = tmp_path / "store"
    path = write_jsonl(
        tmp_path / "two.jsonl",
        [
            {
                "id": "r1",
                "title": "Japan and Uzbekistan",
                "text": "Japanese Prime Minister Fumio Kishida met Uzbek President Shavkat Mirziyoyev in Tashkent.",
            },
            {"id": "r2", "title": "Kenya", "text": "Germany sent humanitarian aid to Kenya."},
        ],
    )
    ingest(read_articles([path]), Settings.build(store=store), pipeline=pipeline)
    reference = tmp_path / "reference"
    ingest(read_articles([path])[1:], Settings.build(store=reference), pipeline=pipeline)
    code, output = run("remove", "r1", "--store", str(store))
    assert code == 0 and "Removed 1 of 1" in output, output
    assert dump(store) == dump(reference)  # no trace of r1, its persons or countries left
    code, _ = run("validate", "--store", str(store))
    assert code == 0


@pytest.mark.slow
def test_one_process_two_processes_and_a_dask_cluster_give_the_same_store(corpus, tmp_path, pipeline):
    from distributed import LocalCluster

    single = tmp_path / "single"
    ingest(lambda: read_articles([corpus]), Settings.build(store=single, batch_size=16), pipeline=pipeline)
    code, output = run(
        "ingest", str(corpus), "--store", str(tmp_path / "two"), "--processes", "2", "--batch-size", "7", "-q"
    )
    assert code == 0, output
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        code, output = run(
            "ingest", str(corpus), "--store", str(tmp_path / "dask"), "--dask", cluster.scheduler_address, "-q"
        )
    assert code == 0, output
    assert dump(single) == dump(tmp_path / "two") == dump(tmp_path / "dask")
