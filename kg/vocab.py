"""The ontology contract as Python constants.

Every module that mints RDF takes its IRIs from here, so the public vocabulary
(`ontology/akg.ttl`) and the code cannot drift apart silently: a renamed term
is one edit here plus one in the ontology, and the SHACL tests catch the rest.
"""

from pyoxigraph import NamedNode

AKG = "https://w3id.org/astana-kg/ontology#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FOAF = "http://xmlns.com/foaf/0.1/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
WD = "http://www.wikidata.org/entity/"
QB = "http://purl.org/linked-data/cube#"

DEFAULT_BASE_IRI = "https://w3id.org/astana-kg/resource/"
ONTOLOGY_GRAPH = "https://w3id.org/astana-kg/ontology"

PREFIXES = {
    "akg": AKG,
    "schema": SCHEMA,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "foaf": FOAF,
    "sem": SEM,
    "nif": NIF,
    "wd": WD,
    "qb": QB,
}

#: The twelve event classes of the contract, keyed by their local name.
EVENT_TYPES = (
    "Meeting",
    "Visit",
    "Summit",
    "AgreementSigning",
    "Ratification",
    "Aid",
    "Trade",
    "Election",
    "Appointment",
    "Award",
    "Statement",
    "Cultural",
)


def entities_graph(base_iri: str) -> str:
    """The one graph holding the descriptions of persons, countries, organisations, roles and places."""
    return f"{base_iri}graph/entities"


def cube_graph(base_iri: str) -> str:
    """The graph of the tie statistics (`kg.cube`)."""
    return f"{base_iri}graph/cube"


def stats_graph(base_iri: str) -> str:
    """The graph of the dataset statistics (`kg.tallies`)."""
    return f"{base_iri}graph/stats"


def akg(local: str) -> NamedNode:
    return NamedNode(AKG + local)


def schema(local: str) -> NamedNode:
    return NamedNode(SCHEMA + local)


def prov(local: str) -> NamedNode:
    return NamedNode(PROV + local)


def nif(local: str) -> NamedNode:
    return NamedNode(NIF + local)


RDF_TYPE = NamedNode(RDF + "type")
RDFS_LABEL = NamedNode(RDFS + "label")
OWL_SAME_AS = NamedNode(OWL + "sameAs")
