"""`kg validate`: the store's integrity (each triple once; tie cube, statistics, entities graph exact) and SHACL.

Both run wherever the store is (embedded or remote, `kg.stores.QueryEngine`),
over the graphs the writer writes.

Integrity comes first because it is what the writer guarantees: every triple
in exactly one graph, a cube and statistics equal to a from-scratch
aggregation of the ties and articles, and an entities graph equal to what the
ledger says the stored articles contribute. Then the union of the data graphs
is checked against `ontology/shapes.ttl` with pyshacl, without RDFS inference
on purpose: the shapes target every event class explicitly, and owlrl's inference corrupts
`xsd:gMonthDay` literals for the rest of the process (partial dates would then
fail).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph
import pyshacl
import rdflib

from kg import cube, tallies
from kg.config import ontology_file
from kg.export import statements
from kg.ledger import Ledger
from kg.stores import QueryEngine
from kg.vocab import ONTOLOGY_GRAPH, cube_graph, entities_graph, stats_graph
from kg.writer import graph_labels


@dataclass
class ValidationReport:
    conforms: bool
    text: str
    triples: int
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def integrity(store: QueryEngine, ledger: Ledger, base_iri: str) -> list[str]:
    """What breaks the writer's guarantees, one line each (empty when none).

    A store whose last write was interrupted is consistent (readers see the
    state before that batch) but its ledger is one batch ahead, so the entities
    graph is then compared by the next writer, after it finished the batch.
    """
    problems = []
    ours = f"GRAPH ?g {{ ?s ?p ?o }} FILTER({store.own_graphs()})"
    total = store.count(f"SELECT (COUNT(*) AS ?n) {{ {ours} }}")
    distinct = store.count(f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?p ?o {{ {ours} }} }}")
    if total != distinct:
        problems.append(f"{total - distinct} triples are stated in more than one graph")
    cubes, stats = cube.CubeWriter(base_iri), tallies.StatsWriter(base_iri)
    derived = (
        (
            cube_graph(base_iri),
            cubes.triples(cube.recompute(store.select)),
            cubes.dataset_triples(),
            "the tie cube differs from the ties",
        ),
        (
            stats_graph(base_iri),
            stats.triples(tallies.recompute(store.select)),
            stats.dataset_triples(),
            "the statistics differ from the articles",
        ),
    )
    for graph, expected, dataset, differs in derived:
        found = {f"{q.subject} {q.predicate} {q.object} ." for q in store.quads(graph)}
        found -= {*dataset, graph_labels(base_iri)[graph]}
        if found != expected:
            problems.append(
                f"{differs} in the store: {len(found - expected)} observation triples too many, "
                f"{len(expected - found)} missing"
            )
    if ledger.pending():
        return problems
    stored = {f"{q.subject} {q.predicate} {q.object} ." for q in store.quads(entities_graph(base_iri))}
    contributed = {f"{s} {p} {o} ." for s, p, o in ledger.entity_triples()}
    contributed.add(graph_labels(base_iri)[entities_graph(base_iri)])
    if stored != contributed:
        problems.append(
            f"the entities graph differs from what the stored articles describe: "
            f"{len(stored - contributed)} triples too many, {len(contributed - stored)} missing"
        )
    return problems


def validate(store: QueryEngine, ledger: Ledger | None = None) -> ValidationReport:
    """Integrity (when the store has a ledger, i.e. was written by `kg ingest`), then SHACL over the data graphs."""
    base_iri = ledger.meta("base_iri") if ledger is not None else None
    problems = integrity(store, ledger, base_iri) if ledger is not None and base_iri is not None else []
    quads = (q for q in store.quads() if q.graph_name != pyoxigraph.NamedNode(ONTOLOGY_GRAPH))
    data = rdflib.Graph()
    data.parse(
        data=pyoxigraph.serialize(statements(quads, keep_graphs=False), format=pyoxigraph.RdfFormat.N_TRIPLES),
        format="nt",
    )
    shapes = rdflib.Graph().parse(data=ontology_file("shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    ontology = rdflib.Graph().parse(data=ontology_file("akg.ttl").read_text(encoding="utf-8"), format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    text = "".join(f"Integrity: {problem}\n" for problem in problems) + ("" if conforms else text)
    notes = (
        ["the last write was interrupted; the next `kg ingest` or `kg remove` finishes it"]
        if ledger is not None and ledger.pending()
        else []
    )
    return ValidationReport(bool(conforms) and not problems, text, len(data), problems, notes)
