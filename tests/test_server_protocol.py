"""SPARQL 1.1 Protocol over real HTTP: query forms, dataset parameters, formats, errors, limits, CORS, SD."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph
import pytest
import requests

from fixtures.server_harness import BASE, build_store, serving

COUNT_ARTICLES = (
    "PREFIX akg: <https://w3id.org/astana-kg/ontology#> SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a akg:Article }"
)
CONSTRUCT = (
    "CONSTRUCT { ?c <http://example.org/code> ?code } WHERE { ?c <https://w3id.org/astana-kg/ontology#isoCode> ?code }"
)


TOKEN = "protocol-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("protocol") / "store"), row_limit=5, write_token=TOKEN)


def n_of(response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_direct_post_agree(server):
    url = server.url + "/sparql"
    get = requests.get(url, params={"query": COUNT_ARTICLES})
    form = requests.post(url, data={"query": COUNT_ARTICLES})
    direct = requests.post(url, data=COUNT_ARTICLES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert [r.status_code for r in (get, form, direct)] == [200, 200, 200]
    assert get.headers["Content-Type"].startswith("application/sparql-results+json")
    assert n_of(get) == n_of(form) == n_of(direct) == 3


def test_default_graph_is_union_and_dataset_parameters(server):
    url = server.url + "/sparql"
    one = BASE + "article/grain-harvest"
    assert n_of(requests.get(url, params={"query": COUNT_ARTICLES, "default-graph-uri": one})) == 1
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert n_of(requests.get(url, params={"query": named})) == 7  # 3 articles, entities, cube, statistics, ontology
    assert (
        n_of(requests.get(url, params={"query": named, "named-graph-uri": [one, BASE + "article/france-visit"]})) == 2
    )
    from_query = (
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) FROM <{one}> WHERE {{ ?a a <https://w3id.org/astana-kg/ontology#Article> }}"
    )
    assert n_of(requests.get(url, params={"query": from_query})) == 1


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("html", "text/html"),
    ],
)
def test_select_formats(server, fmt, media_type):
    query = "SELECT DISTINCT ?code WHERE { ?c <https://w3id.org/astana-kg/ontology#isoCode> ?code } ORDER BY ?code"
    response = requests.get(server.url + "/sparql", params={"query": query, "format": fmt})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    assert "Accept" in response.headers["Vary"]
    if fmt == "csv":
        assert [row[0] for row in csv.reader(io.StringIO(response.text))] == ["code", "CN", "FR", "KZ"]
    elif fmt in ("json", "xml", "tsv"):
        parsed = pyoxigraph.parse_query_results(
            response.content, format=pyoxigraph.QueryResultsFormat.from_media_type(media_type)
        )
        assert {s["code"].value for s in parsed} == {"CN", "FR", "KZ"}
    else:
        assert "<table>" in response.text and "KZ" in response.text


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "rdf"])
def test_construct_formats_reparse(server, fmt):
    response = requests.get(server.url + "/sparql", params={"query": CONSTRUCT, "format": fmt})
    assert response.status_code == 200
    rdf_format = pyoxigraph.RdfFormat.from_media_type(response.headers["Content-Type"].split(";")[0])
    quads = list(pyoxigraph.parse(response.content, format=rdf_format))
    assert {q.object.value for q in quads} == {"CN", "FR", "KZ"}


def test_ask(server):
    response = requests.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.json() == {"head": {}, "boolean": True}


def test_syntax_error_is_400_with_position(server):
    response = requests.get(server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "1:" in response.text  # line:column from Oxigraph's parser


def test_relative_iris_resolve_against_the_endpoint_url(server):
    """SPARQL 1.1 Protocol: the service decides the base IRI; ours is the URL the query was sent to."""
    relative = {"query": "CONSTRUCT { <s> <p> 1 } WHERE {}", "format": "nt"}
    construct = requests.get(server.url + "/sparql", params=relative)
    assert construct.status_code == 200, construct.text
    (triple,) = pyoxigraph.parse(construct.content, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert (triple.subject.value, triple.predicate.value) == (server.url + "/s", server.url + "/p")
    select = requests.post(server.url + "/sparql", data={"query": "SELECT ?x WHERE { BIND(<other#x> AS ?x) }"})
    assert select.json()["results"]["bindings"][0]["x"]["value"] == server.url + "/other#x"
    with_base = {"query": "BASE <http://e.org/a/> SELECT ?x WHERE { BIND(<b> AS ?x) }"}
    own_base = requests.get(server.url + "/sparql", params=with_base)
    assert own_base.json()["results"]["bindings"][0]["x"]["value"] == "http://e.org/a/b"  # the query's BASE wins


def test_an_update_sent_with_get_is_refused(server):
    """Updates must be POSTed (protocol section 2.2): GET ?update= is a 400, not the service description."""
    update = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
        response = requests.get(server.url + "/sparql", params={"update": update}, headers=headers)
        assert response.status_code == 400 and "POST" in response.text
    ask = requests.get(server.url + "/sparql", params={"query": "ASK { <http://example.org/s> ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_exactly_one_query(server):
    assert requests.get(server.url + "/sparql", params={"query": ["ASK {}", "ASK {}"]}).status_code == 400


def test_query_length_limit(server):
    long_query = "ASK {} #" + "x" * 100_001
    assert requests.post(server.url + "/sparql", data={"query": long_query}).status_code == 413


def test_service_refused_even_in_disguise(server):
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "select * { service silent <http://x/> {} }",
    ):
        response = requests.get(server.url + "/sparql", params={"query": query})
        assert response.status_code == 400 and "SERVICE" in response.text
    harmless = 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }  # SERVICE in a comment'
    assert requests.get(server.url + "/sparql", params={"query": harmless}).status_code == 200


def test_row_cap_is_announced(server):
    many = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    response = requests.get(server.url + "/sparql", params={"query": many, "format": "csv"})
    assert response.status_code == 200 and response.headers["X-SPARQL-Truncated"] == "true"
    assert len(list(csv.reader(io.StringIO(response.text)))) == 1 + 5
    few = requests.get(server.url + "/sparql", params={"query": many + " LIMIT 5"})
    assert "X-SPARQL-Truncated" not in few.headers and len(few.json()["results"]["bindings"]) == 5
    construct = requests.get(server.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert construct.headers["X-SPARQL-Truncated"] == "true" and len(construct.text.strip().splitlines()) == 5


def test_406_names_what_is_available(server):
    response = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "application/sparql-results+json" in response.text
    construct = requests.get(server.url + "/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert construct.status_code == 406 and "text/turtle" in construct.text


def test_cors_for_reads(server):
    response = requests.get(
        server.url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://elsewhere.example"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = requests.options(
        server.url + "/sparql", headers={"Origin": "http://e.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" not in preflight.headers["Access-Control-Allow-Headers"]


def test_service_description_for_rdf_clients_and_page_for_browsers(server):
    rdf = requests.get(server.url + "/sparql", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 200
    triples = list(pyoxigraph.parse(rdf.content, format=pyoxigraph.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.predicate.value == sd + "endpoint" for t in triples)
    assert any(t.object.value.endswith("/.well-known/void") for t in triples)
    page = requests.get(
        server.url + "/sparql", headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    )
    assert page.headers["Content-Type"].startswith("text/html") and "<form" in page.text


def test_healthz(server):
    response = requests.get(server.url + "/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_exports_stream_and_gzip(server):
    plain = requests.get(server.url + "/export.nq")
    assert plain.status_code == 200
    quads = list(pyoxigraph.parse(plain.content, format=pyoxigraph.RdfFormat.N_QUADS))
    assert len(quads) == len(pyoxigraph.Store.read_only(str(server.store))) > 1000  # every quad of the store
    gz = requests.get(server.url + "/export.ttl", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert len(list(pyoxigraph.parse(gz.content, format=pyoxigraph.RdfFormat.TURTLE))) > 0  # requests decompressed it
    jsonld = requests.get(server.url + "/export.jsonld")
    assert isinstance(json.loads(jsonld.content), (list, dict))
    article = requests.get(server.url + "/export/article/grain-harvest.ttl")
    assert article.status_code == 200 and b"Grain" in article.content
    assert requests.get(server.url + "/export/article/nope.ttl").status_code == 404
