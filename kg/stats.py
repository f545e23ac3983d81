"""What the store holds, counted with SPARQL where the store is (embedded or remote)."""

from __future__ import annotations

from collections.abc import Iterator

from kg.stores import QueryEngine

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


def collect(store: QueryEngine) -> Iterator[tuple[str, int]]:
    """(label, count) pairs, quads first, then entities, then events by type."""
    yield "quads", len(store)
    yield "named graphs", len(store.graph_names())
    for label, query in _COUNTS:
        yield label, store.count(query)
    for solution in store.select(_BY_TYPE):
        yield f"  events: {solution['type'].value}", int(solution["n"].value)
