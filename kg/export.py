"""Serialise the store: every format the CLI and the server offer, from pyoxigraph.

Quad formats (N-Quads, TriG, JSON-LD) keep the named graphs (one per article,
the entities, the tie cube, the ontology); triple formats (Turtle, N-Triples,
RDF/XML) carry their union.
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
    """Quads as they are, or their triples, streamed: the writer states each triple in one graph only, so a
    triple format needs no memory of what it already wrote (a store of any size exports in constant memory)."""
    if keep_graphs:
        yield from quads
        return
    for quad in quads:
        yield quad.triple


def write(quads: Iterable[pyoxigraph.Quad], format_name: str, output: BinaryIO) -> None:
    """Serialise `quads` in `format_name` (a key of FORMATS) to a binary stream."""
    rdf_format, keep_graphs, _ = FORMATS[format_name]
    data = statements(quads, keep_graphs)
    if rdf_format is None:
        output.write(jsonld.serialize(data))
    else:
        pyoxigraph.serialize(data, output, format=rdf_format, prefixes=PREFIXES)
