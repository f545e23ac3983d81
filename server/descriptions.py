"""The SPARQL Service Description and the VoID description, built as triples.

Both are data about this server (its URLs, formats, counts), so they are
built per request from the request's own root URL and serialized in the
negotiated RDF format like any other graph.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.vocab import RDF_TYPE, XSD
from server.formats import DATASET_FORMATS, GRAPH_FORMATS, RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
FORMATS = "http://www.w3.org/ns/formats/"

_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "nq": "N-Quads",
    "trig": "TriG",
    "jsonld": "JSON-LD",
    "rdf": "RDF_XML",
}


def _sd(local: str) -> NamedNode:
    return NamedNode(SD + local)


def _void(local: str) -> NamedNode:
    return NamedNode(VOID + local)


def service_description(endpoint: str, void_url: str) -> list[Triple]:
    service = NamedNode(endpoint)
    dataset = BlankNode()
    default_graph = BlankNode()
    triples = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), service),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        Triple(service, _sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, _sd("Graph")),
        Triple(
            dataset,
            NamedNode(DCTERMS + "description"),
            Literal(
                "The default graph is the union of the article graphs; each article's facts are in the named graph whose IRI is the article's IRI."
            ),
        ),
        Triple(dataset, NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), NamedNode(void_url)),
    ]
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        if fmt.token in _FORMAT_IRIS:
            triples.append(Triple(service, _sd("resultFormat"), NamedNode(FORMATS + _FORMAT_IRIS[fmt.token])))
    return triples


def void_description(
    root: str,
    base_iri: str,
    triples: int,
    classes: list[tuple[str, int]],
    properties: list[tuple[str, int]],
) -> list[Triple]:
    dataset = NamedNode(root + "/.well-known/void#dataset")
    out = [
        Triple(dataset, RDF_TYPE, _void("Dataset")),
        Triple(dataset, NamedNode(DCTERMS + "title"), Literal("Astana KG")),
        Triple(dataset, _void("sparqlEndpoint"), NamedNode(root + "/sparql")),
        Triple(dataset, _void("uriSpace"), Literal(base_iri)),
        Triple(dataset, _void("triples"), Literal(str(triples), datatype=NamedNode(XSD + "integer"))),
    ]
    out += [Triple(dataset, _void("dataDump"), NamedNode(f"{root}/export.{fmt.extension}")) for fmt in DATASET_FORMATS]
    for kind, items in (("class", classes), ("property", properties)):
        for iri, count in items:
            partition = BlankNode()
            out += [
                Triple(dataset, _void(f"{kind}Partition"), partition),
                Triple(partition, _void(kind), NamedNode(iri)),
                Triple(
                    partition,
                    _void("entities" if kind == "class" else "triples"),
                    Literal(str(count), datatype=NamedNode(XSD + "integer")),
                ),
            ]
    return out
