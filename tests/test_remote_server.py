"""`kg serve` over a remote store: the endpoint, API, exports and pages, read from real Oxigraph server and Virtuoso.

Each backend (the Virtuoso runs are marked `virtuoso`) is emptied, given the
seeds (read by the real pipeline) and synthetic articles with dated ties (for
event data), written by the real writer, and served by a real `kg serve
--store http://…` process with the credentials in its environment, as a
deployment runs it. The embedded store holding the same records, served
in-process, is the reference: canned queries (on Virtuoso, their portable
forms), exports, event data, resource descriptions and pages must match it.
"""

from __future__ import annotations

import concurrent.futures
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph
import pytest
import requests
from test_remote_store import SEEDS, remote_settings

from fixtures import synthetic_events
from fixtures.canned_cases import argument_sets, every_row
from fixtures.server_harness import BASE, Canary, RunningServer, ServeProcess, kg_serve, serving, session, start_server
from fixtures.triplestores import RunningStore, free_port
from kg.config import Settings, queries_dir
from kg.ingest import open_writer
from kg.pipeline import Failure, Pipeline
from kg.readers import read_articles
from kg.records import ArticleRecord
from kg.remote import DIALECTS
from server.canned import load_queries
from server.engine import DumpJob
from server.remote import RemoteEngine

TOKEN = "remote-write-token"
JSON = "application/sparql-results+json"
#: Past any timeout a test gives: 3 joins of every triple with every other.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: How a query stopped at its timeout is answered: by its worker, which stopped waiting for the store (or for
#: Virtuoso, whose anytime answer says it ran out of time), or by the pool, which stopped the worker.
TIMED_OUT = re.compile(r"took longer than (its|the) timeout|ran out of time|query timed out")


@dataclass
class Served:
    store: RunningStore
    server: ServeProcess

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def backend(self) -> str:
        """How errors and /healthz name the store."""
        return f"{DIALECTS[self.store.kind].name} at {self.store.url}"


@pytest.fixture(scope="module")
def records(pipeline: Pipeline) -> list[ArticleRecord]:
    """What both stores hold: the seeds, and synthetic articles whose ties make event data (few seed ties do)."""
    seeds = [record for record in pipeline.records(read_articles([SEEDS])) if not isinstance(record, Failure)]
    assert len(seeds) == 50
    return seeds + list(synthetic_events.records(40))


@pytest.fixture(scope="module", params=["oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def served(
    request: pytest.FixtureRequest, records: list[ArticleRecord], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The backend holding the records (written with the writer's credentials), served by `kg serve`."""
    store: RunningStore = request.getfixturevalue(f"{request.param}_store")
    store.clear()
    state = tmp_path_factory.mktemp(f"{store.kind}-state")
    env = store.environment()
    with pytest.MonkeyPatch.context() as patch:
        for key in ("KG_STORE_USER", "KG_STORE_PASSWORD"):
            if key in env:
                patch.setenv(key, env[key])
        with open_writer(remote_settings(store, state)) as writer:
            writer.commit(records)
    with kg_serve(
        *store.options(state), "--workers", "2", "--write-token", TOKEN, log=state / "serve.log", env=env
    ) as server:
        yield Served(store, server)


@pytest.fixture(scope="module")
def embedded(records: list[ArticleRecord], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The reference: the embedded store with the same records, served in-process."""
    path = tmp_path_factory.mktemp("embedded") / "store"
    with open_writer(Settings.build(store=path)) as writer:
        writer.commit(records)
    yield from serving(path)


def solutions(response: requests.Response) -> list[tuple[str, ...]]:
    """SELECT rows from SPARQL JSON, as sorted tuples of N-Triples terms (the query's order is not compared)."""
    result = pyoxigraph.parse_query_results(response.content, format=pyoxigraph.QueryResultsFormat.JSON)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [variable.value for variable in result.variables]
    return sorted(tuple("" if row[name] is None else str(row[name]) for name in names) for row in result)


def triples(response: requests.Response, fmt: pyoxigraph.RdfFormat) -> set[str]:
    assert response.status_code == 200, response.text[:500]
    return {str(statement) for statement in pyoxigraph.parse(response.content, format=fmt)}


def test_canned_queries_over_http_give_the_embedded_servers_rows(served: Served, embedded: RunningServer) -> None:
    """Every canned query, for each parameter alone and all of them (`argument_sets`), page after page."""

    def page_rows(server: str, name: str, arguments: dict[str, str], page: int) -> list[tuple[str, ...]]:
        params = {**arguments, "page": str(page)}
        response = requests.get(f"{server}/api/{name}", params=params, headers={"Accept": JSON}, timeout=60)
        assert response.status_code == 200, (server, name, params, response.text[:300])
        return solutions(response)

    differing = []
    for name, query in load_queries(queries_dir()).items():
        for arguments in argument_sets(query):
            expected = every_row(query, partial(page_rows, embedded.url, name, arguments))
            found = every_row(query, partial(page_rows, served.url, name, arguments))
            if found != expected:
                missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
                differing.append((name, arguments, len(expected), len(found), missing[:2], extra[:2]))
    assert differing == []


def test_sparql_protocol_select_construct_and_ask_with_format_negotiation(
    served: Served, embedded: RunningServer
) -> None:
    select = "SELECT ?article ?headline WHERE { ?article a akg:Article ; schema:headline ?headline }"
    prologue = "PREFIX akg: <https://w3id.org/astana-kg/ontology#> PREFIX schema: <https://schema.org/>\n"
    rows = {}
    for server in (served.url, embedded.url):
        response = requests.post(server + "/sparql", data={"query": prologue + select}, headers={"Accept": JSON})
        assert response.status_code == 200 and response.headers["Content-Type"] == JSON
        rows[server] = solutions(response)
    assert len(rows[served.url]) == 90 and rows[served.url] == rows[embedded.url]
    for accept, head, row in (
        ("application/sparql-results+xml", '<variable name="article"/>', "<result>"),
        ("text/csv", "article,headline", "\n"),
        ("text/tab-separated-values", "?article", "\n"),
    ):
        response = requests.get(served.url + "/sparql", params={"query": prologue + select}, headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(accept)
        assert head in response.text and response.text.count(row) >= 90, accept
    html = requests.get(served.url + "/sparql", params={"query": prologue + select}, headers={"Accept": "text/html"})
    assert html.status_code == 200 and "<table" in html.text

    construct = prologue + "CONSTRUCT { ?c ?p ?o } WHERE { ?c a akg:Country ; ?p ?o }"
    graphs = {}
    for server in (served.url, embedded.url):
        response = requests.get(server + "/sparql", params={"query": construct}, headers={"Accept": "text/turtle"})
        graphs[server] = triples(response, pyoxigraph.RdfFormat.TURTLE)
    assert graphs[served.url] and graphs[served.url] == graphs[embedded.url]
    ntriples = requests.get(served.url + "/sparql", params={"query": construct, "format": "nt"})
    assert triples(ntriples, pyoxigraph.RdfFormat.N_TRIPLES) == graphs[embedded.url]
    jsonld = requests.get(
        served.url + "/sparql", params={"query": construct}, headers={"Accept": "application/ld+json"}
    )
    assert jsonld.status_code == 200 and "@context" in jsonld.json()

    for ask, answer in (("ASK { ?a a akg:Article }", True), ("ASK { ?a a akg:Unicorn }", False)):
        response = requests.get(served.url + "/sparql", params={"query": prologue + ask})
        assert response.status_code == 200 and response.json()["boolean"] is answer

    article = rows[served.url][0][0].strip("<>")  # an article's IRI names its graph
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    in_one_graph = [
        requests.get(
            server + "/sparql", params={"query": count, "default-graph-uri": article}, headers={"Accept": JSON}
        ).json()["results"]["bindings"][0]["n"]["value"]
        for server in (served.url, embedded.url)
    ]
    assert in_one_graph[0] == in_one_graph[1] and int(in_one_graph[0]) > 10


def test_the_row_cap_holds_and_is_announced(served: Served) -> None:
    """10,000 rows (the server's cap, and Virtuoso's own, which only its header tells) and `X-SPARQL-Truncated`."""
    everything = "SELECT ?a ?s ?p ?o WHERE { ?a a <https://w3id.org/astana-kg/ontology#Article> . ?s ?p ?o }"
    capped = requests.get(served.url + "/sparql", params={"query": everything}, headers={"Accept": JSON})
    assert capped.status_code == 200 and capped.headers.get("X-SPARQL-Truncated") == "true"
    assert len(capped.json()["results"]["bindings"]) == 10_000
    whole = requests.get(served.url + "/sparql", params={"query": everything + " LIMIT 9999"}, headers={"Accept": JSON})
    assert whole.status_code == 200 and "X-SPARQL-Truncated" not in whole.headers
    assert len(whole.json()["results"]["bindings"]) == 9999


def test_service_and_store_extensions_are_refused_before_anything_is_forwarded(served: Served) -> None:
    """400 for each way out, and the canary sees nothing; the store itself would have gone there (the control)."""
    canary = Canary()
    try:
        ways_out = {
            "SERVICE": f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}",
            "glued SERVICE": f"PREFIX c: <{canary.url}> SELECT * WHERE {{ SERVICEc:x {{ ?s ?p ?o }} }}",
            "escaped SERVICE": f"SELECT * WHERE {{ \\u0053ERVICE <{canary.url}> {{ ?s ?p ?o }} }}",
            "Virtuoso's http_get": f'SELECT (bif:http_get("{canary.url}") AS ?x) WHERE {{ }}',
            "http_get by IRI": f'SELECT * WHERE {{ FILTER(<bif:http_get>("{canary.url}")) }}',
            "http_get by prefix": f'PREFIX f: <bif:> SELECT (f:http_get("{canary.url}") AS ?x) WHERE {{ }}',
            "sponger pragma": f'DEFINE get:soft "replace" SELECT * FROM <{canary.url}> WHERE {{ ?s ?p ?o }}',
        }
        for name, query in ways_out.items():
            response = requests.post(served.url + "/sparql", data={"query": query})
            assert response.status_code == 400 and "not allowed" in response.text, (name, response.text)
        load = requests.post(
            served.url + "/sparql",
            data={"update": f"LOAD <{canary.url}>"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert load.status_code == 400 and "LOAD" in load.text
        time.sleep(0.2)
        assert canary.connections == []
        control = ways_out["SERVICE" if served.store.kind == "oxigraph" else "Virtuoso's http_get"]
        requests.post(served.store.url, data={"query": control}, headers={"Accept": JSON}, timeout=30)
        time.sleep(0.2)
        assert canary.connections, "the store itself did not reach the canary: the test proves nothing"
    finally:
        canary.close()


#: A query every store answers at once.
QUICK = "SELECT ?article WHERE { ?article a <https://w3id.org/astana-kg/ontology#Article> } LIMIT 5"


def test_a_slow_query_times_out_while_others_are_served_and_the_client_limits_hold(served: Served) -> None:
    """Six cartesian products at once from one client, against the pool's limits (`ServerSettings`' defaults, 2
    workers):

    - two are refused at once: 4 requests per client may run or wait for a worker;
    - one takes the client's one long-running slot, leaves the pool and runs until its `timeout` passes on our side
      (503), well before the Oxigraph server's own `--timeout-s` (10 s);
    - the other three are stopped when they turn long-running (429), or, while the flood holds both workers, told
      after `queue_wait` that the workers are busy (503); every such refusal says when to retry.

    Another client meanwhile: once only the long-running query is left, each of its requests is answered (200:
    it found a worker within `queue_wait`), since that query runs outside the pool. Before that, the flood may hold
    both workers for up to twice `heavy_after`, as long as `queue_wait`, so the other client may also be told the
    workers are busy, and nothing worse. Bounds are loose for a loaded machine (the store shares its CPUs with the
    cartesian product); what they tell apart is seconds, not milliseconds.
    """
    other = session(22)
    began = time.monotonic()

    def cartesian() -> tuple[requests.Response, float, float]:
        """The answer, how long it took, and when (since `began`) it came."""
        started = time.monotonic()
        response = session(21).get(served.url + "/sparql", params={"query": CARTESIAN, "timeout": "5"}, timeout=30)
        return response, time.monotonic() - started, time.monotonic() - began

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        running = [pool.submit(cartesian) for _ in range(6)]
        time.sleep(0.3)
        quick = []  # the other client's answers: status, when sent (since `began`), seconds taken
        while not all(future.done() for future in running):
            sent = time.monotonic()
            response = other.get(served.url + "/sparql", params={"query": QUICK}, headers={"Accept": JSON}, timeout=30)
            assert response.status_code == 200 or (response.status_code == 503 and "busy" in response.text), (
                response.text
            )
            quick.append((response.status_code, round(sent - began, 2), round(time.monotonic() - sent, 2)))
        answers = [
            (
                response.status_code,
                response.text[:160],
                response.headers.get("Retry-After"),
                round(took, 2),
                round(ended, 2),
            )
            for response, took, ended in (future.result() for future in running)
        ]
    timed_out = [answer for answer in answers if answer[0] == 503 and TIMED_OUT.search(answer[1])]
    per_client = [answer for answer in answers if answer[0] == 429 and "per client" in answer[1]]
    stopped = [answer for answer in answers if answer not in timed_out + per_client]
    assert len(timed_out) == 1 and 4.5 < timed_out[0][3] < 9.5, answers
    assert len(per_client) == 2 and all(took < 3 for *_, took, _ in per_client), answers
    assert all(
        (status == 429 and "long-running" in text) or (status == 503 and "busy" in text) for status, text, *_ in stopped
    ), answers
    assert all(retry is not None and int(retry) >= 1 for _, _, retry, *_ in per_client + stopped), answers
    settled = max(ended for *_, ended in per_client + stopped)
    after = [(status, took) for status, sent, took in quick if sent > settled]
    assert len(after) >= 2 and all(status == 200 and took < 5 for status, took in after), (settled, quick)


def test_a_query_the_store_rejects_is_an_error_that_names_it(served: Served) -> None:
    response = requests.get(served.url + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y "})
    assert response.status_code == 400 and response.text.startswith(served.backend + ": query refused with HTTP 400")


def test_exports_of_the_dataset_and_of_one_article(served: Served, embedded: RunningServer) -> None:
    for path, fmt in (("/export.nq", pyoxigraph.RdfFormat.N_QUADS), ("/export.ttl", pyoxigraph.RdfFormat.TURTLE)):
        exported = triples(requests.get(served.url + path, timeout=120), fmt)
        assert exported == triples(requests.get(embedded.url + path, timeout=120), fmt), path
    gzipped = requests.get(served.url + "/export.trig", headers={"Accept-Encoding": "gzip"}, timeout=120)
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert len(triples(gzipped, pyoxigraph.RdfFormat.TRIG)) > 1000
    article = next(graph for graph in sorted(served.store.graphs()) if graph.startswith(BASE + "article/"))
    path = "/export/" + article.removeprefix(BASE)
    for extension, fmt in (("ttl", pyoxigraph.RdfFormat.TURTLE), ("nq", pyoxigraph.RdfFormat.N_QUADS)):
        one = triples(requests.get(f"{served.url}{path}.{extension}"), fmt)
        assert one and one == triples(requests.get(f"{embedded.url}{path}.{extension}"), fmt)
    assert requests.get(f"{served.url}/export/article/no-such-article.ttl").status_code == 404
    assert requests.head(f"{served.url}{path}.ttl").status_code == 200


def test_a_graph_name_reaches_the_store_only_as_a_checked_iri(
    served: Served, records: list[ArticleRecord], tmp_path: Path
) -> None:
    """A worker exporting one graph puts its name in queries (does it exist, how big, its triples). A name that
    ends the IRI and adds SPARQL of its own (here: ask about an existing graph, and comment out the rest, so a
    graph that does not exist would be found) is refused before anything is sent, whatever the view checked."""
    remote = remote_settings(served.store, tmp_path).remote
    assert remote is not None
    engine = RemoteEngine(remote, BASE)
    article = records[0].iri  # the name of its graph
    assert engine.missing(DumpJob(0, "nq", article)) is None
    assert engine.missing(DumpJob(0, "nq", BASE + "article/none")) == f"no graph {BASE}article/none"
    spliced = f"{article}> {{ ?s ?p ?o }} }} #"
    with pytest.raises(ValueError, match="IRI"):
        engine.missing(DumpJob(0, "nq", spliced))
    with pytest.raises(ValueError, match="IRI"):
        next(engine.store.quads(spliced))


def test_event_data_export(served: Served, embedded: RunningServer) -> None:
    for layout, filters in (("gdelt", {}), ("plover", {}), ("icews", {"country": "KZ", "type": "Meeting"})):
        exported = requests.get(f"{served.url}/export/events.{layout}", params=filters, timeout=120)
        reference = requests.get(f"{embedded.url}/export/events.{layout}", params=filters, timeout=120)
        assert exported.status_code == reference.status_code == 200, exported.text[:500]
        assert sorted(exported.text.splitlines()) == sorted(reference.text.splitlines()), layout
        assert exported.text.count("\n") > 2, layout
    assert requests.get(f"{served.url}/export/events.gdelt", params={"country": "Kazakhstan"}).status_code == 400


def test_a_resource_dereferences_as_html_and_turtle(served: Served, embedded: RunningServer) -> None:
    page = requests.get(served.url + "/resource/country/KZ", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Kazakhstan" in page.text and "/resource/article/" in page.text
    turtle = requests.get(served.url + "/resource/country/KZ", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    reference = requests.get(embedded.url + "/resource/country/KZ.ttl")
    assert triples(turtle, pyoxigraph.RdfFormat.TURTLE) == triples(reference, pyoxigraph.RdfFormat.TURTLE)
    assert requests.get(served.url + "/resource/country/XX", headers={"Accept": "text/turtle"}).status_code == 404
    for page, shown in (("/", "/resource/article/"), ("/ties", "Kazakhstan"), ("/ties/pair?a=KZ&b=CN", "China")):
        response = requests.get(served.url + page, headers={"Accept": "text/html"})
        assert response.status_code == 200 and shown in response.text, page


def test_writes_need_the_token_and_go_to_the_store(served: Served) -> None:
    graph = "http://example.org/written-through-kg-serve"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> 1 }} }}"
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        assert requests.post(served.url + "/sparql", data={"update": update}, headers=headers).status_code == 403
        put = requests.put(
            served.url + "/rdf-graphs",
            params={"graph": graph},
            headers={"Content-Type": "text/turtle", **headers},
            data="<http://example.org/s> <http://example.org/p> 2 .",
        )
        assert put.status_code == 403
    assert graph not in served.store.graphs()
    authorized = {"Authorization": f"Bearer {TOKEN}"}
    assert requests.post(served.url + "/sparql", data={"update": update}, headers=authorized).status_code == 204
    assert graph in served.store.graphs()
    drop = requests.post(served.url + "/sparql", data={"update": f"DROP SILENT GRAPH <{graph}>"}, headers=authorized)
    assert drop.status_code == 204 and graph not in served.store.graphs()


def test_health_names_the_backend(served: Served) -> None:
    health = requests.get(served.url + "/healthz").json()
    assert health["status"] == "ok" and health["backend"] == served.backend
    assert health["store"] == served.store.url and health["pool"]["fence"] == "text-scan"


def test_an_unreachable_store_fails_health_and_queries_with_its_name(tmp_path: Path) -> None:
    """No store at the address: /healthz says 503 and why; a query is a 502 naming the store, within its timeout."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    server = start_server(url, state_dir=tmp_path / "state", workers=1)
    try:
        health = requests.get(server.url + "/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["problem"].startswith(f"SPARQL store at {url}: ")
        started = time.monotonic()
        response = requests.get(server.url + "/sparql", params={"query": "ASK {}", "timeout": "2"}, timeout=30)
        assert response.status_code == 502 and response.text.startswith(f"SPARQL store at {url}: ")
        assert "cannot connect" in response.text and time.monotonic() - started < 4
        assert requests.get(server.url + "/healthz").json()["backend"] == f"SPARQL store at {url}"
    finally:
        server.stop()
