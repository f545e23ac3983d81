"""Logs an operator can use: an access line per request, records of timeouts, workers and store re-opens.

In-process servers are checked through pytest's `caplog` (standard
`logging`, structured fields in `record.fields`); `kg serve --log-format
json` is checked as a real process, line by line. Queries appear cut short,
and the write token never appears, whatever the request.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import time

import pytest
import requests

from fixtures.server_harness import build_store, kg_serve, serving, session
from kg.config import LogSettings, Settings
from kg.logs import JsonFormatter, TextFormatter, configure

TOKEN = "T0k3n-never-in-logs"
OTHER = "an0ther-secret-guess"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("logs") / "store"), write_token=TOKEN)


def fields(record: logging.LogRecord) -> dict:
    return getattr(record, "fields", {})


def wait_for(caplog, predicate, timeout: float = 5.0) -> list[logging.LogRecord]:
    """Records matching `predicate`, waiting for them: an access line is written once the body is sent."""
    deadline = time.monotonic() + timeout
    while not (found := [r for r in caplog.records if predicate(r)]):
        assert time.monotonic() < deadline, [(r.name, r.getMessage(), fields(r)) for r in caplog.records]
        time.sleep(0.02)
    return found


def test_one_access_line_per_request(server, caplog):
    caplog.set_level(logging.INFO, logger="server.access")
    client = session(9)
    ok = client.get(server.url + "/sparql", params={"query": "ASK {}"})
    missing = client.get(server.url + "/export/article/missing.ttl")
    export = client.get(server.url + "/export.nq", headers={"Accept-Encoding": "identity"})
    head = client.head(server.url + "/healthz")
    expected = [
        ("GET", "/sparql?query=ASK+%7B%7D", ok),
        ("GET", "/export/article/missing.ttl", missing),
        ("GET", "/export.nq", export),
        ("HEAD", "/healthz", head),
    ]
    for method, path, response in expected:
        (line,) = wait_for(
            caplog,
            lambda r, m=method, p=path: (
                r.name == "server.access" and (fields(r)["method"], fields(r)["path"]) == (m, p)
            ),
        )
        logged = fields(line)
        assert logged["status"] == response.status_code
        assert logged["bytes"] == len(response.content)
        assert logged["client"] == "127.0.0.9" and 0 < logged["ms"] < 10_000
    assert fields(wait_for(caplog, lambda r: fields(r).get("path") == "/export.nq")[0])["bytes"] > 1000


def test_timeouts_replaced_workers_and_store_reopens_are_recorded(server, caplog):
    caplog.set_level(logging.INFO, logger="server")
    server.settle()
    killed = server.worker_pids()
    assert requests.get(server.url + "/sparql", params={"query": CARTESIAN, "timeout": "0.2"}).status_code == 503
    (timeout,) = wait_for(caplog, lambda r: r.getMessage() == "query timed out; stopping its worker")
    pid = fields(timeout)["pid"]
    assert timeout.levelno == logging.WARNING and fields(timeout)["job"] == CARTESIAN and pid in killed
    wait_for(caplog, lambda r: r.getMessage().startswith("stopping query worker") and fields(r)["pid"] == pid)
    wait_for(caplog, lambda r: r.getMessage() == "query worker started")
    server.settle()
    update = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert requests.post(server.url + "/sparql", data={"update": update}, headers=auth).status_code == 204
    (written,) = wait_for(caplog, lambda r: r.getMessage().startswith("the store was written"))
    assert fields(written)["generation"] == fields(written)["was"] + 1
    requests.get(server.url + "/sparql", params={"query": "ASK {}"})
    wait_for(
        caplog,
        lambda r: (
            r.getMessage() == "worker opened the store" and fields(r)["generation"] == fields(written)["generation"]
        ),
    )


def test_queries_are_logged_cut_short(server, caplog):
    caplog.set_level(logging.DEBUG, logger="server")
    long_query = "ASK { ?s ?p ?o } # " + "padding " * 800
    assert requests.get(server.url + "/sparql", params={"query": long_query}).status_code == 200
    (answered,) = wait_for(
        caplog, lambda r: r.getMessage() == "query answered" and fields(r)["query"].startswith("ASK")
    )
    assert len(fields(answered)["query"]) == LogSettings.query_chars and fields(answered)["query"].endswith("…")
    # The previous test's last request (ASK {}) may be logged late, inside this test: match this query only.
    (access,) = wait_for(
        caplog,
        lambda r: r.name == "server.access" and fields(r)["path"].startswith("/sparql?query=ASK+%7B+%3Fs+%3Fp"),
    )
    assert len(fields(access)["path"]) == LogSettings.query_chars


def test_the_write_token_is_never_logged(server, caplog):
    caplog.set_level(logging.DEBUG)
    url = server.url
    update = "INSERT DATA { GRAPH <http://example.org/t> { <http://example.org/s> <http://example.org/p> 2 } }"
    for token in (TOKEN, OTHER):
        auth = {"Authorization": f"Bearer {token}"}
        requests.post(url + "/sparql", data={"update": update}, headers=auth)
        direct = {**auth, "Content-Type": "application/sparql-update"}
        requests.post(url + "/sparql", data=update.encode(), headers=direct)
        requests.put(
            url + "/rdf-graphs",
            params={"graph": "http://example.org/t"},
            data=b"<http://e/s> <http://e/p> 1 .",
            headers={**auth, "Content-Type": "text/turtle"},
        )
        requests.get(url + "/sparql", params={"query": "ASK {}"}, headers=auth)
        requests.post(url + "/sparql", data={"update": "LOAD <http://127.0.0.1:1/x>"}, headers=auth)
    wait_for(caplog, lambda r: r.name == "server.access" and fields(r)["path"] == "/sparql?query=ASK+%7B%7D")
    time.sleep(0.2)
    for formatter in (TextFormatter(), JsonFormatter()):
        text = "\n".join(formatter.format(record) for record in caplog.records)
        assert "update applied" in text and "server.access" in text
        assert TOKEN not in text and OTHER not in text
    assert TOKEN not in repr(server.app.kg.settings)


def test_json_and_text_formats():
    root = logging.getLogger()
    level = root.level
    try:
        for fmt in ("json", "text"):
            stream = io.StringIO()
            configure("debug", fmt, stream)
            configure("debug", fmt, stream)  # configuring twice does not double the lines
            logged = {"method": "GET", "path": "/a b", "ms": 1.5}
            logging.getLogger("server.access").info("request", extra={"fields": logged})
            (line,) = stream.getvalue().splitlines()
            if fmt == "json":
                record = json.loads(line)
                assert {key: record[key] for key in ("level", "logger", "msg", *logged)} == {
                    "level": "info",
                    "logger": "server.access",
                    "msg": "request",
                    **logged,
                }
                assert record["ts"].endswith("+00:00")
            else:
                assert line.endswith('server.access: request method=GET path="/a b" ms=1.5')
    finally:
        for handler in [h for h in root.handlers if h.get_name() == "kg"]:
            root.removeHandler(handler)
        root.setLevel(level)


def test_kg_serve_logs_json_lines_without_the_token(tmp_path):
    store = build_store(tmp_path / "store")
    log = tmp_path / "serve.log"
    with kg_serve(
        "--store", str(store), "--write-token", TOKEN, "--log-format", "json", "--log-level", "debug", log=log
    ) as served:
        update = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"
        for token in (TOKEN, OTHER):
            requests.post(served.url + "/sparql", data={"update": update}, headers={"Authorization": f"Bearer {token}"})
        requests.get(served.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines if not line.startswith("Astana KG serving")]
    assert len(records) == len(lines) - 1, lines
    access = [r for r in records if r["logger"] == "server.access"]
    assert {(r["method"], r["path"].split("?")[0], r["status"]) for r in access} >= {
        ("GET", "/healthz", 200),
        ("POST", "/sparql", 204),
        ("POST", "/sparql", 403),
        ("GET", "/sparql", 200),
    }
    assert any(r["msg"] == "serving" and r["network_fence"] in ("seccomp", "netns") for r in records)
    assert TOKEN not in log.read_text() and OTHER not in log.read_text()


def test_kg_ingest_takes_the_log_options(tmp_path):
    """The options parse and apply (a missing input file then fails the ingest as usual, before spaCy loads)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "ingest",
            str(tmp_path / "missing.jsonl"),
            "--store",
            str(tmp_path / "store"),
            "--log-level",
            "debug",
            "--log-format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "kg", "ingest", "x", "--log-format", "xml"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "log-format" in bad.stderr
    assert "secret" not in repr(Settings.build(write_token="secret"))
