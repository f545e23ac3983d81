"""What the store holds, counted with native SPARQL."""

from __future__ import annotations

from collections.abc import Iterator

from kg.store import KnowledgeStore
from kg.vocab import PREFIXES

_COUNTS = (
    ("articles", "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a akg:Article }"),
    ("persons", "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a akg:Person }"),
    ("countries", "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a akg:Country }"),
    ("organizations", "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a akg:Organization }"),
    ("events", "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x akg:cameoCode|akg:isIntended ?c }"),
    ("agreements", "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a akg:Agreement }"),
    ("bilateral ties", """SELECT (COUNT(*) AS ?n) {
        { SELECT ?x (COUNT(DISTINCT ?c) AS ?k) { ?x akg:involvesCountry|akg:party ?c . ?c a akg:Country }
          GROUP BY ?x } FILTER(?k = 2) }"""),
)
_BY_TYPE = """SELECT ?type (COUNT(DISTINCT ?x) AS ?n) {
    ?x a ?class . ?class rdfs:subClassOf akg:Event . BIND(STRAFTER(STR(?class), "#") AS ?type)
} GROUP BY ?type ORDER BY DESC(?n)"""


def collect(store: KnowledgeStore) -> Iterator[tuple[str, int]]:
    """(label, count) pairs, quads first, then entities, then events by type."""
    yield "quads", len(store)
    yield "named graphs", sum(1 for _ in store.oxigraph.named_graphs())
    for label, query in _COUNTS:
        yield label, _count(store, query)
    for solution in store.oxigraph.query(_BY_TYPE, use_default_graph_as_union=True, prefixes=PREFIXES):
        yield f"  events: {solution['type'].value}", int(solution["n"].value)


def _count(store: KnowledgeStore, query: str) -> int:
    solution = next(iter(store.oxigraph.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)))
    return int(solution["n"].value)
