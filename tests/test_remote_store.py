"""Bring your own triple store: ingest into, read from and check real Oxigraph server and Virtuoso processes.

Every test here runs once per store (`remote_store`; the Virtuoso runs are
marked `virtuoso`) against an emptied store, and compares with the embedded
store holding the same articles: same canned-query rows, same export, the same
integrity and SHACL verdict, and the same behaviour on re-ingest and after a
crash mid-batch.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kg.remote
import kg.validate
from fixtures.canned_cases import argument_sets, every_row_of
from fixtures.synthetic_events import build_store
from fixtures.synthetic_events import records as synthetic_records
from fixtures.triplestores import RunningStore
from kg.config import Settings, queries_dir
from kg.ingest import ingest, open_writer
from kg.ledger import LEDGER_FILE, Ledger, LedgerError
from kg.pipeline import Pipeline
from kg.readers import read_articles
from kg.remote import QueryTimeoutError, RemoteBackend, RemoteStore, RemoteStoreError
from kg.store import KnowledgeStore, StoreError
from kg.stores import open_reader, reads_lateral
from kg.validate import validate
from server.canned import load_queries

SEEDS = Path(__file__).parent.parent / "seeds"
KG = [sys.executable, "-m", "kg"]
SYNTHETIC_ARTICLES = 300


def remote_settings(store: RunningStore, state_dir: Path) -> Settings:
    return Settings.build(store=store.url, store_type=store.kind, state_dir=state_dir)


def checked(settings: Settings) -> kg.validate.ValidationReport:
    """`kg validate` of a remote store: integrity against its ledger, then SHACL."""
    with open_reader(settings) as remote, Ledger(settings.store / LEDGER_FILE, read_only=True) as ledger:
        return validate(remote, ledger)


@pytest.fixture
def writer_credentials(remote_store: RunningStore, monkeypatch: pytest.MonkeyPatch) -> RunningStore:
    """The store, with its writer's credentials in this process's environment (as `kg` reads them)."""
    for key, value in remote_store.environment().items():
        if key.startswith("KG_STORE_"):
            monkeypatch.setenv(key, value)
    return remote_store


@pytest.fixture
def seeded(writer_credentials: RunningStore, tmp_path: Path, pipeline: Pipeline) -> tuple[RunningStore, Settings]:
    """The remote store holding the seeds, written through `kg.ingest` as `kg ingest` does."""
    remote_store = writer_credentials
    settings = remote_settings(remote_store, tmp_path / "state")
    summary = ingest(list(read_articles([SEEDS])), settings, pipeline=pipeline)
    assert (summary.new, summary.failed) == (50, [])
    return remote_store, settings


def differing_rows(settings: Settings, local_path: Path) -> dict[str, list[tuple[dict[str, str], int, object]]]:
    """Each canned query, for every parameter set of `argument_sets`, as the remote store answers it (in its
    portable form where it has no `LATERAL`) against the embedded store at `local_path`: the sets that differ,
    with the store's error or a few rows missing and in excess."""
    main = load_queries(queries_dir())
    remote_forms = load_queries(queries_dir(), portable=not reads_lateral(settings))
    differing: dict[str, list[tuple[dict[str, str], int, object]]] = {}
    with (
        KnowledgeStore(local_path, read_only=True) as local,
        open_reader(settings) as remote,
        Ledger(local_path / LEDGER_FILE, read_only=True) as ledger,
    ):
        for name, query in main.items():
            for arguments in argument_sets(query):
                expected = every_row_of(local, query, query, arguments, ledger.matches)
                try:
                    found: object = every_row_of(remote, query, remote_forms[name], arguments, ledger.matches)
                except RemoteStoreError as error:
                    found = str(error)[:300]
                if isinstance(found, list) and found != expected:  # the rows missing, then those in excess
                    found = (
                        [row for row in expected if row not in found][:2],
                        [row for row in found if row not in expected][:2],
                    )
                if found != expected:
                    differing.setdefault(name, []).append((arguments, len(expected), found))
    return differing


def test_canned_queries_give_the_embedded_store_rows(seeded: tuple[RunningStore, Settings], seeds_store: Path) -> None:
    _, settings = seeded
    assert differing_rows(settings, seeds_store) == {}


def test_canned_queries_give_the_embedded_store_rows_over_dated_ties(
    writer_credentials: RunningStore, tmp_path: Path
) -> None:
    """The synthetic archive has what the seeds lack: full dates, so months, cube slices and date ranges."""
    settings = remote_settings(writer_credentials, tmp_path / "state")
    build_store(tmp_path / "local", SYNTHETIC_ARTICLES)
    with open_writer(settings) as writer:
        writer.commit(list(synthetic_records(SYNTHETIC_ARTICLES)))
    assert differing_rows(settings, tmp_path / "local") == {}


def test_export_stats_and_validation_match_the_embedded_store(
    seeded: tuple[RunningStore, Settings], seeds_store: Path
) -> None:
    _, settings = seeded
    with KnowledgeStore(seeds_store, read_only=True) as local, open_reader(settings) as remote:
        assert {str(q) for q in remote.quads()} == {str(q) for q in local.quads()}
        assert len(remote) == len(local) and remote.graph_names() == local.graph_names()
    report = checked(settings)
    assert report.conforms, report.text
    assert report.problems == []


def test_reingest_is_idempotent_and_a_change_replaces_one_graph(
    seeded: tuple[RunningStore, Settings], pipeline: Pipeline
) -> None:
    store, settings = seeded
    articles = list(read_articles([SEEDS]))
    again = ingest(articles, settings, pipeline=pipeline)
    assert (again.new, again.replaced, again.unchanged, again.batches) == (0, 0, 50, 0)
    before = store.graphs()
    changed = [dataclasses.replace(articles[0], text=articles[0].text + " Kazakhstan and France met again.")]
    result = ingest(changed, settings, pipeline=pipeline)
    assert (result.new, result.replaced) == (0, 1)
    assert store.graphs() == before
    report = checked(settings)
    assert report.conforms, report.text


class _CrashAfterArticles(RemoteBackend):
    """Stops a batch as a crash would, after the article graphs are written and before the shared graphs are."""

    def _cube(self, deletes: list[str], inserts: list[str], graph: str) -> None:
        raise KeyboardInterrupt("crash")


def test_a_batch_cut_short_is_finished_by_the_next_writer(
    writer_credentials: RunningStore,
    tmp_path: Path,
    pipeline: Pipeline,
    seeds_store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = remote_settings(writer_credentials, tmp_path / "state")
    records = list(pipeline.records(read_articles([SEEDS])))
    with monkeypatch.context() as patch:
        patch.setattr(kg.remote, "RemoteBackend", _CrashAfterArticles)
        with pytest.raises(KeyboardInterrupt), open_writer(settings) as writer:
            writer.commit(records)
    with open_writer(settings) as writer:
        assert writer.ledger.pending() == []
    with KnowledgeStore(seeds_store, read_only=True) as local, open_reader(settings) as remote:
        assert {str(q) for q in remote.quads()} == {str(q) for q in local.quads()}
    assert checked(settings).conforms


def test_one_ledger_per_store_and_one_writer_per_ledger(seeded: tuple[RunningStore, Settings], tmp_path: Path) -> None:
    store, settings = seeded
    with (
        pytest.raises(LedgerError, match="another ledger"),
        open_writer(dataclasses.replace(settings, store=tmp_path / "elsewhere")),
    ):
        pass
    with open_writer(settings), pytest.raises(StoreError, match="one writer at a time"), open_writer(settings):
        pass
    store.clear()
    with pytest.raises(LedgerError, match="emptied"), open_writer(settings):
        pass


def test_cli_against_the_store_keeps_credentials_out_of_every_output(
    remote_store: RunningStore, tmp_path: Path
) -> None:
    """`kg ingest`/`query`/`export` through the CLI with --debug logging; a wrong password fails cleanly."""
    options = remote_store.options(tmp_path / "state")
    env = remote_store.environment()
    seed = tmp_path / "one.jsonl"
    seed.write_text(
        '{"id": "a1", "title": "Kazakhstan and France sign a trade deal", '
        '"text": "Kazakhstan and France signed a trade agreement worth $1 billion in Astana."}\n'
    )
    outputs = []
    count = "SELECT (COUNT(*) AS ?n) { ?s a akg:Article }"
    for command in (
        ["ingest", str(seed), "--quiet", *options],
        ["query", count, "--format", "csv", *options],
        ["stats", *options],
        ["export", "--format", "nq", *options],
    ):
        run = subprocess.run(
            [*KG, "--debug", *command], env=env | {"KG_DEBUG": "1"}, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout + run.stderr)
    assert "\n1" in outputs[1]
    assert "a1" in outputs[3]
    if remote_store.password:
        wrong = env | {"KG_STORE_PASSWORD": "not-" + remote_store.password}
        seed.write_text('{"id": "a2", "title": "Kazakhstan and Hungary meet", "text": "Their ministers met."}\n')
        run = subprocess.run(
            [*KG, "ingest", str(seed), "--quiet", *options], env=wrong, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 1 and "401" in run.stderr
        outputs.append(run.stdout + run.stderr)
        assert not any(remote_store.password in output for output in outputs)


def test_debug_logs_of_a_write_hold_no_credentials(
    writer_credentials: RunningStore, tmp_path: Path, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    """Every logger at DEBUG (ours, requests', urllib3's) while articles are written: no secret in any record."""
    caplog.set_level(logging.DEBUG)
    settings = remote_settings(writer_credentials, tmp_path / "state")
    assert ingest(list(read_articles([SEEDS]))[:3], settings, pipeline=pipeline).new == 3
    assert "PUT " in caplog.text and "POST " in caplog.text
    if writer_credentials.password:
        pair = f"{writer_credentials.user}:{writer_credentials.password}".encode()
        for secret in (writer_credentials.password, base64.b64encode(pair).decode()):
            assert secret not in caplog.text


def test_credentials_from_a_netrc_file(remote_store: RunningStore, tmp_path: Path) -> None:
    if not remote_store.password:
        pytest.skip("this store asks for no credentials")
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {remote_store.user} password {remote_store.password}\n")
    netrc.chmod(0o600)
    env = {key: value for key, value in remote_store.environment().items() if not key.startswith("KG_STORE_")}
    seed = tmp_path / "one.jsonl"
    seed.write_text('{"id": "n1", "title": "Kazakhstan hosts a summit", "text": "Leaders met in Astana."}\n')
    run = subprocess.run(
        [*KG, "ingest", str(seed), "--quiet", *remote_store.options(tmp_path / "state")],
        env=env | {"NETRC": str(netrc)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert remote_store.password not in run.stdout + run.stderr


def test_a_query_past_its_timeout_is_abandoned(seeded: tuple[RunningStore, Settings]) -> None:
    _, settings = seeded
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with open_reader(settings) as remote:
        assert isinstance(remote, RemoteStore)
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError):
            remote.query(heavy, timeout=1.0)
        assert time.monotonic() - started < 5


def test_an_unreachable_store_is_named_and_retried_a_bounded_number_of_times(tmp_path: Path) -> None:
    from fixtures.triplestores import free_port

    settings = Settings.build(store=f"http://127.0.0.1:{free_port()}/sparql", state_dir=tmp_path)
    remote = dataclasses.replace(settings.remote, retries=1, backoff=0.1)
    started = time.monotonic()
    with RemoteStore(remote, settings.base_iri) as store, pytest.raises(RemoteStoreError) as raised:
        store.count("SELECT (COUNT(*) AS ?n) {}")
    assert "SPARQL store at http://127.0.0.1:" in str(raised.value) and "2 tries" in str(raised.value)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"store": "http://user:secret@127.0.0.1:1/sparql"}, "no credentials"),
        ({"store": "data/kg", "update_endpoint": "http://127.0.0.1:1/update"}, "remote store only"),
        ({"store": "http://127.0.0.1:1/sparql", "store_type": "fuseki"}, "store-type must be one of"),
    ],
)
def test_store_settings_refuse_nonsense_without_echoing_secrets(options: dict[str, str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as raised:
        Settings.build(**options)
    assert "secret" not in str(raised.value)


def test_store_types_name_their_endpoints_and_the_state_directory() -> None:
    virtuoso = Settings.build(store="http://db.example:8890/sparql", store_type="virtuoso")
    assert virtuoso.remote is not None and virtuoso.store == Path("data/db.example-8890-sparql")
    assert (virtuoso.remote.update_endpoint, virtuoso.remote.graph_store_endpoint) == (
        "http://db.example:8890/sparql-auth",
        "http://db.example:8890/sparql-graph-crud-auth",
    )
    oxigraph = Settings.build(store="https://kg.example/query", store_type="oxigraph", state_dir="/var/lib/kg")
    assert oxigraph.remote is not None and oxigraph.store == Path("/var/lib/kg")
    assert oxigraph.remote.graph_store_endpoint == "https://kg.example/store"
    generic = Settings.build(store="https://kg.example/ds/sparql", graph_store_endpoint="https://kg.example/ds/data")
    assert generic.remote is not None and generic.remote.update_endpoint == "https://kg.example/ds/sparql"
    assert Settings.build(store="data/kg").remote is None
