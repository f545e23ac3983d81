"""The single writer: commits batches of article records so that readers see all of a batch or none of it.

One batch is one unit of all-or-nothing, across exceptions, Ctrl-C, SIGTERM and
SIGKILL (or power loss):

1. In one SQLite transaction the ledger (`kg.ledger`) takes the batch — old
   versions of replaced articles forgotten, new ones remembered, reference
   counts, cube cells and statistics tallies adjusted, the search index
   updated — and records the
   *store change* that follows as a pending record.
2. The store applies that change: for the embedded store one Oxigraph
   transaction, which a reader sees entirely or not at all.
3. The pending record is deleted and the store's generation bumped, so
   servers re-open their snapshots.

A crash after 1 leaves the pending record: the next writer re-applies it first
(`recover`); changes are idempotent, so it does not matter whether step 2 had
happened. SIGINT and SIGTERM arriving during the three steps wait until they
are done, so an interrupted ingest always stops on a batch boundary.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph
from pyoxigraph import Literal

from kg import cube, tallies
from kg.config import ontology_file
from kg.ledger import NAME_PREDICATES, RESTATE, WRITTEN, Ledger, LedgerError, StoreChange, Triple
from kg.records import ArticleRecord
from kg.vocab import AKG, ONTOLOGY_GRAPH, RDF, RDFS, cube_graph, entities_graph, stats_graph

SKOLEM_PREFIX = "https://w3id.org/astana-kg/.well-known/genid/"
_TYPE = f"<{RDF}type>"
#: The store is compacted once the articles written (added, replaced, removed) since it last was reach this many,
#: and this share of the articles it holds (`Writer.compact_if_due`).
COMPACT_MIN = 10_000
COMPACT_SHARE = 0.25

log = logging.getLogger("kg.writer")


class Backend(Protocol):
    """Where the graph lives: the embedded Oxigraph store, or a remote SPARQL store."""

    def apply(self, change: StoreChange) -> None: ...

    def bump_generation(self) -> None: ...

    def compact(self) -> None:
        """Drop what earlier writes deleted or replaced, so that reads no longer step over it."""


@dataclass
class BatchResult:
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    missing: int = 0  # removals of articles the store does not hold
    quads: int = 0


class Writer:
    def __init__(self, backend: Backend, ledger: Ledger, base_iri: str) -> None:
        self.backend = backend
        self.ledger = ledger
        self.base_iri = base_iri
        self.entities = entities_graph(base_iri)
        self.cube_graph = cube_graph(base_iri)
        self.cube = cube.CubeWriter(base_iri)
        self.stats_graph = stats_graph(base_iri)
        self.stats = tallies.StatsWriter(base_iri)
        found = ledger.meta("base_iri")
        if found is not None and found != base_iri:
            raise LedgerError(
                f"this store holds resources minted under {found}; give --base-iri {found} or use another store"
            )
        self.recover()
        self.restate()
        self.compact_if_due()

    def recover(self) -> int:
        """Finish the store side of batches a crashed writer committed to the ledger only."""
        pending = self.ledger.pending()
        for pending_id, change in pending:
            self.backend.apply(change)
            with self.ledger.transaction():
                self.ledger.done(pending_id)
        if pending:
            self.backend.bump_generation()
        return len(pending)

    def restate(self) -> None:
        """State the statistics graph whole from the ledger's tallies, once, when an upgrade asks for it.

        The ledger upgrade from schema 2 does (`Ledger._upgrade`): that release's writer stated coarser
        mention tiers, and the writer otherwise rewrites only the observations a batch changes.
        """
        if self.ledger.meta(RESTATE) != "stats":
            return

        def plan() -> StoreChange:
            self.ledger.delete_meta(RESTATE)
            lines = [
                *self.stats.dataset_triples(),
                graph_labels(self.base_iri)[self.stats_graph],
                *sorted(self.stats.triples(self.ledger.all_tallies())),
            ]
            return StoreChange(graphs={self.stats_graph: "".join(line + "\n" for line in lines)})

        self._write(plan)

    def stored_hash(self, iri: str) -> str | None:
        stored = self.ledger.article(iri)
        return None if stored is None else stored.hash

    def commit(self, records: Sequence[ArticleRecord] = (), removals: Sequence[str] = ()) -> BatchResult:
        """Write one batch: these articles added or replaced, those removed; all of it or nothing."""
        result = BatchResult()
        self._write(lambda: self._plan(records, removals, result))
        self.compact_if_due()
        return result

    def compact_if_due(self) -> bool:
        """Compact the store once the articles written since it last was reach `COMPACT_SHARE` of those it holds.

        Every batch rewrites observations of the cube and statistics graphs and reference-counted entity
        triples, and each rewrite leaves the old version in RocksDB until a compaction drops it; look-ups
        step over all of them. A store grown to 100,000 articles in batches of 1,000 answered its canned
        queries up to twice as slowly as once compacted. Compacting costs time in proportion to the store
        (about 20 s at 100,000 articles), so it waits until a share of the store has been written: a
        constant cost per article written, and a bounded debt for readers.
        """
        written = int(self.ledger.meta(WRITTEN) or 0)
        if written < max(COMPACT_MIN, COMPACT_SHARE * self.ledger.article_count()):
            return False
        log.info("compacting the store", extra={"fields": {"articles_written_since_last": written}})
        self.backend.compact()  # interrupted, it is done again by the next writer: the count stays
        with self.ledger.transaction():
            self.ledger.set_meta(WRITTEN, "0")
        self.backend.bump_generation()  # readers re-open on the compacted files
        return True

    def _write(self, plan: Callable[[], StoreChange]) -> None:
        """The ledger's side of `plan()` with its store change as a pending record, then the change applied."""
        with deferred_signals():
            with self.ledger.transaction():
                change = plan()
                pending_id = self.ledger.add_pending(change) if change else None
            if pending_id is not None:
                self.backend.apply(change)
                with self.ledger.transaction():
                    self.ledger.done(pending_id)
                self.backend.bump_generation()

    def _plan(self, records: Sequence[ArticleRecord], removals: Sequence[str], result: BatchResult) -> StoreChange:
        change = StoreChange()
        references: dict[Triple, int] = {}
        cells: dict[cube.Key, cube.Measures] = {}
        counts: dict[tallies.Key, int] = {}

        def forget(iri: str) -> bool:
            old = self.ledger.forget_article(iri)
            if old is None:
                return False
            for triple, delta in old.triples.items():
                references[triple] = references.get(triple, 0) + delta
            for cell, measures in old.cells.items():
                cells[cell] = cube.add(cells.get(cell, cube.ZERO), measures, -1)
            for tally, n in old.tallies.items():
                counts[tally] = counts.get(tally, 0) - n
            return True

        for iri in removals:
            if forget(iri):
                change.drop.append(iri)
                result.removed += 1
            else:
                result.missing += 1
        for record in records:
            if self.stored_hash(record.iri) == record.content_hash:
                result.unchanged += 1
                continue
            if forget(record.iri):
                result.replaced += 1
            else:
                result.new += 1
            contributed, tallied = dict(record.cells), dict(record.tallies)
            self.ledger.remember_article(
                record.iri,
                record.content_hash,
                record.source,
                record.entities,
                contributed,
                tallied,
                record.headline,
                record.body,
            )
            for triple in record.entities:
                references[triple] = references.get(triple, 0) + 1
            for cell, measures in contributed.items():
                cells[cell] = cube.add(cells.get(cell, cube.ZERO), measures)
            for tally, n in tallied.items():
                counts[tally] = counts.get(tally, 0) + n
            change.graphs[record.iri] = record.triples
            result.quads += record.quads

        appeared, gone = self.ledger.adjust_references(references)
        change.insert[self.entities] = [_line(triple) for triple in appeared]
        change.delete[self.entities] = [_line(triple) for triple in gone]
        self.ledger.reindex_entities({s for s, p, _ in appeared + gone if p in NAME_PREDICATES or p == _TYPE})
        for sign, triples in ((1, appeared), (-1, gone)):  # entities are counted as their type triple comes and goes
            for _, p, o in triples:
                if p == _TYPE and o.startswith(f"<{AKG}"):
                    tally = ("class", o[len(AKG) + 1 : -1], "")
                    counts[tally] = counts.get(tally, 0) + sign
        self._plan_cube(cells, change)
        self._plan_stats(counts, change)
        self._plan_ontology(change)
        written = result.new + result.replaced + result.removed
        self.ledger.set_meta(WRITTEN, str(int(self.ledger.meta(WRITTEN) or 0) + written))
        return change

    def _plan_cube(self, deltas: dict[cube.Key, cube.Measures], change: StoreChange) -> None:
        pairs = {(a, b) for a, b, _, _ in deltas}
        before = self.ledger.pair_cells(pairs)
        after = dict(before)
        for key, measures in deltas.items():
            after[key] = cube.add(after.get(key, cube.ZERO), measures)
        self.ledger.set_cells({key: after[key] for key in deltas})
        only = cube.affected(deltas)
        old, new = self.cube.triples(before, only), self.cube.triples(after, only)
        change.delete[self.cube_graph] = [line + "\n" for line in sorted(old - new)]
        change.insert[self.cube_graph] = [line + "\n" for line in sorted(new - old)]

    def _plan_stats(self, deltas: dict[tallies.Key, int], change: StoreChange) -> None:
        """Add the batch's tallies to the totals and replace the observations whose totals changed."""
        changed = {key: n for key, n in deltas.items() if n}
        before = self.ledger.tallies(tallies.observation_keys(changed))
        after = {key: n + changed.get(key, 0) for key, n in before.items()}
        self.ledger.set_tallies({key: after[key] for key in changed})
        old, new = self.stats.triples(before), self.stats.triples(after)
        change.delete[self.stats_graph] = [line + "\n" for line in sorted(old - new)]
        change.insert[self.stats_graph] = [line + "\n" for line in sorted(new - old)]

    def _plan_ontology(self, change: StoreChange) -> None:
        """Load the ontology (and the cube's data sets) when the store does not hold this release's."""
        text = ontology_ntriples()
        digest = hashlib.sha256((text + self.base_iri).encode()).hexdigest()
        if self.ledger.meta("ontology") == digest:
            return
        self.ledger.set_meta("ontology", digest)
        self.ledger.set_meta("base_iri", self.base_iri)
        change.graphs[ONTOLOGY_GRAPH] = text
        change.insert.setdefault(self.cube_graph, []).extend(line + "\n" for line in self.cube.dataset_triples())
        change.insert.setdefault(self.stats_graph, []).extend(line + "\n" for line in self.stats.dataset_triples())
        for graph, line in graph_labels(self.base_iri).items():
            change.insert.setdefault(graph, []).append(line + "\n")


def graph_labels(base_iri: str) -> dict[str, str]:
    """The shared graphs' own descriptions (a graph IRI is a resource too, and dereferences), by graph."""
    labels = {
        entities_graph(base_iri): "Entities: the one description of every person, country, organisation, "
        "role and place",
        cube_graph(base_iri): "Tie statistics per country pair, month and type (RDF Data Cube)",
        stats_graph(base_iri): "Dataset statistics: resources per class, per day, and mentions per entity "
        "(RDF Data Cube)",
    }
    return {graph: f"<{graph}> <{RDFS}label> {Literal(label, language='en')} ." for graph, label in labels.items()}


def _line(triple: Triple) -> str:
    return f"{triple[0]} {triple[1]} {triple[2]} .\n"


def ontology_ntriples() -> str:
    """The OWL ontology as N-Triples, blank nodes skolemised to IRIs numbered in parse order.

    SPARQL `INSERT DATA` would give blank nodes fresh ids on every load; the
    ontology must be the very same triples each time it is written.
    """
    stable: dict[pyoxigraph.BlankNode, pyoxigraph.NamedNode] = {}

    def fixed(term: object) -> object:
        if isinstance(term, pyoxigraph.BlankNode):
            return stable.setdefault(term, pyoxigraph.NamedNode(f"{SKOLEM_PREFIX}ontology-{len(stable)}"))
        return term

    triples = pyoxigraph.parse(ontology_file("akg.ttl").read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    return "".join(f"{fixed(t.subject)} {t.predicate} {fixed(t.object)} .\n" for t in triples)


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done, then deliver the first to the handler in place before."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda number, _frame: received.append(number))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for number in received[:1]:
        signal.raise_signal(number)  # now handled as the process would have: KeyboardInterrupt, a stop flag, exit
