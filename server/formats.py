"""The serializations the server speaks, each with its media types, short name and pyoxigraph format.

One table drives content negotiation, the `format`/`output` override, file
suffixes and the 406 message, so adding a format is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph

RESULTS = "results"  # SELECT and ASK
GRAPH = "graph"  # CONSTRUCT and DESCRIBE, resource descriptions, exports


@dataclass(frozen=True)
class Format:
    token: str
    kind: str
    media_types: tuple[str, ...]  # the first is the one announced in Content-Type
    extension: str
    #: The format the worker produces: the format itself, or what the HTML view renders from.
    wire: str
    aliases: tuple[str, ...] = ()  # extra names accepted by `format=` (SPARQLWrapper, Fuseki)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def is_html(self) -> bool:
        return self.token == "html"

    @property
    def rdf(self) -> pyoxigraph.RdfFormat:
        """The RDF format the worker writes (for a graph format)."""
        fmt = _OXIGRAPH[self.wire]
        if not isinstance(fmt, pyoxigraph.RdfFormat):
            raise TypeError(f"{self.token} is not a graph format")
        return fmt

    @property
    def results(self) -> pyoxigraph.QueryResultsFormat:
        """The results format the worker writes (for a results format)."""
        fmt = _OXIGRAPH[self.wire]
        if not isinstance(fmt, pyoxigraph.QueryResultsFormat):
            raise TypeError(f"{self.token} is not a results format")
        return fmt


_OXIGRAPH: dict[str, pyoxigraph.RdfFormat | pyoxigraph.QueryResultsFormat] = {
    "json": pyoxigraph.QueryResultsFormat.JSON,
    "xml": pyoxigraph.QueryResultsFormat.XML,
    "csv": pyoxigraph.QueryResultsFormat.CSV,
    "tsv": pyoxigraph.QueryResultsFormat.TSV,
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nq": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    "rdf": pyoxigraph.RdfFormat.RDF_XML,
}

_HTML_TYPES = ("text/html", "application/xhtml+xml")

# Order matters: on a tie (e.g. `*/*`) the earlier format wins.
RESULT_FORMATS = (
    Format(
        "json",
        RESULTS,
        ("application/sparql-results+json", "application/json", "text/javascript", "application/javascript"),
        "srj",
        "json",
    ),
    Format("xml", RESULTS, ("application/sparql-results+xml", "application/xml", "text/xml"), "srx", "xml"),
    Format("csv", RESULTS, ("text/csv",), "csv", "csv"),
    Format("tsv", RESULTS, ("text/tab-separated-values",), "tsv", "tsv"),
    Format("html", RESULTS, _HTML_TYPES, "html", "json"),
)

GRAPH_FORMATS = (
    Format(
        "ttl",
        GRAPH,
        ("text/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
        "ttl",
        "ttl",
        ("turtle", "n3"),
    ),
    Format("nt", GRAPH, ("application/n-triples", "text/plain"), "nt", "nt", ("ntriples", "n-triples")),
    Format("nq", GRAPH, ("application/n-quads",), "nq", "nq", ("nquads", "n-quads")),
    Format("trig", GRAPH, ("application/trig",), "trig", "trig"),
    Format("jsonld", GRAPH, ("application/ld+json", "application/json"), "jsonld", "jsonld", ("json-ld", "json")),
    Format(
        "rdf",
        GRAPH,
        ("application/rdf+xml", "application/xml", "text/xml"),
        "rdf",
        "rdf",
        ("xml", "rdfxml", "rdf+xml", "rdf/xml"),
    ),
    Format("html", GRAPH, _HTML_TYPES, "html", "nt"),
)

#: What a single resource or an export can be: one graph, triples only where the format has no graphs.
TRIPLE_FORMATS = tuple(f for f in GRAPH_FORMATS if f.token in ("ttl", "jsonld", "nt", "rdf"))
DATASET_FORMATS = tuple(f for f in GRAPH_FORMATS if f.token in ("ttl", "nt", "nq", "trig", "jsonld"))
#: What a page of data (a resource, the service description) is offered as: Turtle first, so `*/*` (curl)
#: gets data, and HTML, which browsers ask for explicitly.
PAGE_FORMATS = (*TRIPLE_FORMATS, *(f for f in GRAPH_FORMATS if f.token == "html"))


def by_name(name: str, formats: tuple[Format, ...]) -> Format | None:
    """The format a `format=`/`output=` value names: a token, an alias or a media type."""
    name = name.strip().lower()
    for fmt in formats:
        if name == fmt.token or name in fmt.aliases or name in fmt.media_types:
            return fmt
    return None


def by_extension(extension: str, formats: tuple[Format, ...]) -> Format | None:
    return next((fmt for fmt in formats if fmt.extension == extension), None)
