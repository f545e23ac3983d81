"""Linked data: every IRI under the base IRI dereferences as HTML and as RDF; suffixes, Link headers, 404s, VoID."""

from __future__ import annotations

import pyoxigraph
import pytest
import rdflib
import requests

from fixtures.server_harness import BASE, build_store, fixture_graphs, serving

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("linked") / "store"))


def minted_iris() -> set[str]:
    terms = {t for quads in fixture_graphs().values() for q in quads for t in (q.subject, q.object, q.graph_name)}
    return {t.value for t in terms if isinstance(t, pyoxigraph.NamedNode) and t.value.startswith(BASE)}


def local(server, iri: str) -> str:
    return server.url + "/resource/" + iri[len(BASE) :].partition("#")[0]


def test_every_minted_iri_dereferences_as_html_and_turtle(server):
    iris = minted_iris()
    assert len(iris) > 15
    for iri in sorted(iris):
        html = requests.get(local(server, iri), headers={"Accept": BROWSER})
        assert html.status_code == 200, iri
        assert html.headers["Content-Type"].startswith("text/html")
        turtle = requests.get(local(server, iri), headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
        graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
        document = iri.partition("#")[0]
        assert (rdflib.URIRef(document), None, None) in graph or (None, None, rdflib.URIRef(document)) in graph


def test_suffixes_and_alternate_links(server):
    for suffix, media_type, rdflib_format in [
        ("ttl", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("nt", "application/n-triples", "nt"),
        ("rdf", "application/rdf+xml", "xml"),
    ]:
        response = requests.get(f"{server.url}/resource/country/KZ.{suffix}")
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
        graph = rdflib.Graph().parse(data=response.text, format=rdflib_format)
        assert (
            rdflib.URIRef(BASE + "country/KZ"),
            rdflib.URIRef("https://w3id.org/astana-kg/ontology#isoCode"),
            rdflib.Literal("KZ"),
        ) in graph
    response = requests.get(server.url + "/resource/country/KZ")
    assert 'rel="alternate"; type="application/ld+json"' in response.headers["Link"]
    assert "Accept" in response.headers["Vary"]


def test_unknown_resource_is_404(server):
    assert requests.get(server.url + "/resource/country/ZZ").status_code == 404
    assert requests.get(server.url + "/resource/country/ZZ", headers={"Accept": BROWSER}).status_code == 404


def test_html_page_links_locally_and_shows_sources(server):
    page = requests.get(server.url + "/resource/country/KZ", headers={"Accept": BROWSER}).text
    assert "<h1>Kazakhstan</h1>" in page
    assert 'href="/resource/article/tokayev-meets-xi"' in page  # mapped from the w3id base IRI
    assert "Tokayev Meets Xi Jinping in Beijing" in page  # the article the fact comes from
    assert "Referenced by" in page and "involvesCountry" in page  # incoming links, grouped by property
    assert "https://w3id.org/astana-kg/resource/country/KZ" in page  # the canonical IRI is shown


def test_incoming_links_are_paged(server, monkeypatch):
    from server.views import linked_data

    monkeypatch.setattr(linked_data, "INCOMING_PAGE", 1)  # the server runs in this process
    mentions = "https://schema.org/mentions"
    first = requests.get(server.url + "/resource/country/KZ", headers={"Accept": BROWSER}).text
    assert "page 1 of 3" in first
    second = requests.get(
        server.url + "/resource/country/KZ", params={"in": mentions, "page": "2"}, headers={"Accept": BROWSER}
    ).text
    assert "page 2 of 3" in second and "previous" in second and "next" in second
    assert second.count('href="/resource/article/') >= 1


def test_void(server):
    response = requests.get(server.url + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = next(graph.subjects(rdflib.RDF.type, void.Dataset))
    assert str(graph.value(dataset, void.sparqlEndpoint)).endswith("/sparql")
    assert str(graph.value(dataset, void.uriSpace)) == BASE
    assert int(graph.value(dataset, void.triples)) > 50
    assert len(list(graph.objects(dataset, void.classPartition))) >= 5
