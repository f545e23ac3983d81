"""Content negotiation: the RFC 9110 algorithm, and what real clients' Accept headers get from the server."""

from __future__ import annotations

import pytest
import requests

from fixtures.server_harness import build_store, serving
from server import formats
from server.negotiation import choose

CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
# rdflib's SPARQLConnector (returnFormat xml / json) and its Graph.parse for RDF.
RDFLIB_XML = "application/sparql-results+xml"
RDFLIB_GRAPH = "application/rdf+xml, text/turtle;q=0.9, application/n-triples;q=0.8, */*;q=0.1"
JENA_SELECT = "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.7, text/csv;q=0.5, application/json;q=0.2, application/xml;q=0.2, */*;q=0.1"
JENA_GRAPH = "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,application/rdf+xml;q=0.7,*/*;q=0.3"
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"
SPARQLWRAPPER_XML = "application/sparql-results+xml"
SPARQLWRAPPER_CSV = "text/csv"
SPARQLWRAPPER_TURTLE = "application/turtle,text/turtle"
SPARQLWRAPPER_JSONLD = "application/ld+json,application/x-json+ld"

SELECT_CASES = [
    (CHROME, "text/html"),
    (FIREFOX, "text/html"),
    (CURL, "application/sparql-results+json"),
    (None, "application/sparql-results+json"),
    (RDFLIB_XML, "application/sparql-results+xml"),
    (JENA_SELECT, "application/sparql-results+json"),
    (SPARQLWRAPPER_JSON, "application/sparql-results+json"),
    (SPARQLWRAPPER_XML, "application/sparql-results+xml"),
    (SPARQLWRAPPER_CSV, "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/*;q=0.5, text/csv;q=0.4", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
]
CONSTRUCT_CASES = [
    (CHROME, "text/html"),
    (FIREFOX, "text/html"),
    (CURL, "text/turtle"),
    (RDFLIB_GRAPH, "application/rdf+xml"),
    (JENA_GRAPH, "text/turtle"),
    (SPARQLWRAPPER_TURTLE, "text/turtle"),
    (SPARQLWRAPPER_JSONLD, "application/ld+json"),
    ("application/n-quads", "application/n-quads"),
    ("application/trig", "application/trig"),
    ("application/n-triples", "application/n-triples"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("negotiation") / "store"))


@pytest.mark.parametrize(("accept", "expected"), SELECT_CASES)
def test_select_negotiation(server, accept, expected):
    headers = {"Accept": accept} if accept is not None else {"Accept": ""}
    response = requests.get(
        server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers=headers
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("accept", "expected"), CONSTRUCT_CASES)
def test_construct_negotiation(server, accept, expected):
    response = requests.get(
        server.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize("token", ["json", "xml", "csv", "tsv", "html"])
def test_format_override_beats_accept(server, token):
    response = requests.get(
        server.url + "/sparql", params={"query": "ASK {}", "output": token}, headers={"Accept": CHROME}
    )
    assert response.headers["Content-Type"].split(";")[0] == formats.by_name(token, formats.RESULT_FORMATS).media_type


def test_unit_rules():
    offered = formats.RESULT_FORMATS
    assert choose("text/csv;q=0.5, text/tab-separated-values;q=0.6", offered).token == "tsv"
    assert choose("text/csv, */*;q=0", offered).token == "csv"
    assert choose("image/png", offered) is None
    assert choose("text/*;q=0.2, text/csv;q=0", offered).token == "tsv"  # the specific q=0 excludes csv only
    assert choose("garbage", offered) is None
