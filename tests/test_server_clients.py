"""Real SPARQL clients against the server: SPARQLWrapper, rdflib's SPARQLStore; JSON-LD round-trips through rdflib."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, TURTLE, XML, SPARQLWrapper

from fixtures.server_harness import build_store, serving

CODES = "SELECT DISTINCT ?code WHERE { ?c <https://w3id.org/astana-kg/ontology#isoCode> ?code } ORDER BY ?code"
CONSTRUCT = """PREFIX akg: <https://w3id.org/astana-kg/ontology#>
CONSTRUCT { ?c akg:isoCode ?code ; a akg:Country ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }
WHERE { ?c akg:isoCode ?code ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("clients") / "store"))


def wrapper(server, fmt, query, method="GET"):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(server, method):
    data = wrapper(server, JSON, CODES, method)
    assert [b["code"]["value"] for b in data["results"]["bindings"]] == ["CN", "FR", "KZ"]


def test_sparqlwrapper_xml(server):
    document = wrapper(server, XML, CODES)
    assert sorted(node.firstChild.data for node in document.getElementsByTagName("literal")) == ["CN", "FR", "KZ"]


def test_sparqlwrapper_csv(server):
    rows = list(csv.reader(io.StringIO(wrapper(server, CSV, CODES).decode())))
    assert rows == [["code"], ["CN"], ["FR"], ["KZ"]]


def test_sparqlwrapper_construct_turtle(server):
    graph = rdflib.Graph().parse(data=wrapper(server, TURTLE, CONSTRUCT), format="turtle")
    assert {str(o) for o in graph.objects(None, rdflib.URIRef("https://w3id.org/astana-kg/ontology#isoCode"))} == {
        "CN",
        "FR",
        "KZ",
    }


def test_sparqlwrapper_construct_jsonld_round_trips(server):
    turtle = rdflib.Graph().parse(data=wrapper(server, TURTLE, CONSTRUCT), format="turtle")
    jsonld = wrapper(server, JSONLD, CONSTRUCT)
    graph = jsonld if isinstance(jsonld, rdflib.Graph) else rdflib.Graph().parse(data=jsonld, format="json-ld")
    assert len(graph) == len(turtle) > 0
    assert isomorphic(graph, turtle)


def test_jsonld_is_compacted_with_the_project_context_and_round_trips(server):
    """Every triple of the dataset (typed dates, decimals, IRIs, language-less strings) survives compaction."""
    query = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    jsonld = requests.get(server.url + "/sparql", params={"query": query, "format": "jsonld"})
    ntriples = requests.get(server.url + "/sparql", params={"query": query, "format": "nt"})
    document = jsonld.json()
    assert document["@context"]["headline"] == "schema:headline"
    assert any("headline" in node for node in document["@graph"])
    assert any(node.get("type") == "Country" for node in document["@graph"])
    compacted = rdflib.Graph().parse(data=jsonld.text, format="json-ld")
    reference = rdflib.Graph().parse(data=ntriples.text, format="nt")
    assert len(reference) > 100
    assert isomorphic(compacted, reference)


def test_rdflib_sparqlstore(server):
    store = SPARQLStore(server.url + "/sparql", returnFormat="xml")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(CODES))
    assert [str(row.code) for row in rows] == ["CN", "FR", "KZ"]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 9


def test_rdflib_evaluator_is_disabled_here():
    """The harness made rdflib's own SPARQL engine raise; every HTTP test above still passed."""
    from fixtures.server_harness import RdflibSparqlUsed

    with pytest.raises(RdflibSparqlUsed):
        rdflib.Graph().query("ASK {}")
