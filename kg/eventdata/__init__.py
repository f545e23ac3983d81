"""Event data out of the graph: GDELT 2.0 events and mentions, PLOVER JSONL and ICEWS, one row per tie.

Political scientists read bilateral relations from event data sets; the graph
already holds their content (dyads with CAMEO codes and Goldstein scores,
dates, actors and evidence offsets). `export` streams the ties a `Selection`
keeps in one of the `LAYOUTS`, in bounded memory:

* `kg.eventdata.ties` reads the ties with SPARQL, a few days at a time, into
  `EventRecord`s (dates, actors and their sectors, counts, provenance);
* `kg.eventdata.writers` turns records into each layout's lines;
* `kg.eventdata.codes` reads the code tables shipped in `kg/eventdata/data/`;
* `kg.eventdata.spans` finds sentence numbers and actor offsets in the text.

The CLI (`kg export --format gdelt-events ...`) and the server's query workers
(`/export/events.gdelt`) call `export` alike.
"""

from __future__ import annotations

from kg.eventdata.selection import TIE_TYPES, Selection, SelectionError
from kg.eventdata.ties import Select, TieReader
from kg.eventdata.writers import LAYOUTS, Layout, Sink

__all__ = ["LAYOUTS", "TIE_TYPES", "Layout", "Selection", "SelectionError", "export"]


def export(select: Select, layout: str, selection: Selection, output: Sink) -> int:
    """Write the selected ties in `layout` (a key of LAYOUTS); the number of rows written.

    `select(query)` runs a SELECT over the union of the store's graphs, wherever the store is: the
    embedded store (`KnowledgeStore.select`), a remote one (`kg.remote.RemoteStore.select`), or a
    query worker's snapshot.
    """
    return LAYOUTS[layout].write(TieReader(select, selection), output)
