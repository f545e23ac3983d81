"""Serialise the store: every format the CLI and the server offer, from pyoxigraph.

Quad formats (N-Quads, TriG, JSON-LD) keep one named graph per article;
triple formats (Turtle, N-Triples, RDF/XML) carry the union of the graphs, each
statement once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyoxigraph

from kg import jsonld
from kg.vocab import PREFIXES

#: format name → (pyoxigraph format or None for our JSON-LD, keeps graphs, media type)
FORMATS = {
    "ttl": (pyoxigraph.RdfFormat.TURTLE, False, "text/turtle"),
    "nt": (pyoxigraph.RdfFormat.N_TRIPLES, False, "application/n-triples"),
    "rdf": (pyoxigraph.RdfFormat.RDF_XML, False, "application/rdf+xml"),
    "nq": (pyoxigraph.RdfFormat.N_QUADS, True, "application/n-quads"),
    "trig": (pyoxigraph.RdfFormat.TRIG, True, "application/trig"),
    "jsonld": (None, True, "application/ld+json"),
}


def statements(quads: Iterable[pyoxigraph.Quad], keep_graphs: bool) -> Iterator:
    """Quads as they are, or their triples once each."""
    if keep_graphs:
        yield from quads
        return
    seen: set[pyoxigraph.Triple] = set()
    for quad in quads:
        if quad.triple not in seen:
            seen.add(quad.triple)
            yield quad.triple


def write(quads: Iterable[pyoxigraph.Quad], format_name: str, output: BinaryIO) -> None:
    """Serialise `quads` in `format_name` (a key of FORMATS) to a binary stream."""
    rdf_format, keep_graphs, _ = FORMATS[format_name]
    data = statements(quads, keep_graphs)
    if rdf_format is None:
        output.write(jsonld.serialize(data))
    else:
        pyoxigraph.serialize(data, output, format=rdf_format, prefixes=PREFIXES)
