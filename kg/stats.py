"""What the store holds, read from the statistics the writer maintains (`kg.tallies`), wherever the store is.

Counting with SPARQL (`COUNT(DISTINCT ?x)` per class) reads every resource of
the class, so `kg stats` would grow with the archive; the statistics graph
holds the totals, one observation per class, kept exact on every write. It is
read through `kg.stores.QueryEngine`, so the embedded store and a remote one
answer alike. Events are the resources of the `akg:Event` subclasses (ties
carry `akg:cameoCode` too, so the code cannot tell them apart).
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.stores import QueryEngine
from kg.vocab import EVENT_TYPES

#: What `kg stats` lists first, by the class counted.
LISTED = (
    ("articles", "Article"),
    ("persons", "Person"),
    ("countries", "Country"),
    ("organizations", "Organization"),
    ("agreements", "Agreement"),
    ("bilateral ties", "Tie"),
)
_COUNTS = """SELECT ?class ?n {
    ?dataset qb:structure akg:CountsByClassStructure . ?o qb:dataSet ?dataset ; akg:countedClass ?class ;
        akg:resourceCount ?n }"""


def counts(store: QueryEngine) -> dict[str, int]:
    """Resources per akg: class, by local name (classes without resources are absent)."""
    return {row["class"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in store.select(_COUNTS)}


def collect(store: QueryEngine) -> Iterator[tuple[str, int]]:
    """(label, count) pairs: articles and entities, then events, in total and by type (most frequent first)."""
    found = counts(store)
    for label, cls in LISTED:
        yield label, found.get(cls, 0)
    events = sorted(((found[t], t) for t in EVENT_TYPES if t in found), key=lambda item: (-item[0], item[1]))
    yield "events", sum(n for n, _ in events)
    for n, event_type in events:
        yield f"  events: {event_type}", n
