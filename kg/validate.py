"""SHACL validation of the whole store against `ontology/shapes.ttl`.

Runs without RDFS inference on purpose: the shapes target every event class
explicitly, and owlrl's inference corrupts `xsd:gMonthDay` literals for the
rest of the process (partial dates would then fail).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph
import pyshacl
import rdflib

from kg.config import ontology_file
from kg.export import statements
from kg.store import KnowledgeStore
from kg.vocab import ONTOLOGY_GRAPH


@dataclass
class ValidationReport:
    conforms: bool
    text: str
    triples: int


def validate(store: KnowledgeStore) -> ValidationReport:
    """Validate the union of the article graphs (the ontology graph is the schema, not data)."""
    quads = (q for q in store.oxigraph.quads_for_pattern(None, None, None, None)
             if q.graph_name != pyoxigraph.NamedNode(ONTOLOGY_GRAPH))
    data = rdflib.Graph()
    data.parse(data=pyoxigraph.serialize(statements(quads, keep_graphs=False),
                                         format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    shapes = rdflib.Graph().parse(data=ontology_file("shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    ontology = rdflib.Graph().parse(data=ontology_file("akg.ttl").read_text(encoding="utf-8"), format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    return ValidationReport(bool(conforms), text, len(data))
