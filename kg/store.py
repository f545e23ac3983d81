"""The embedded, on-disk Oxigraph store, opened through pyoxigraph (and rdflib/oxrdflib for rdflib users).

rdflib users get a `Dataset` over the same store; everything on a hot path
(writes, counts, queries) talks to the `pyoxigraph.Store` underneath, because
oxrdflib silently falls back to rdflib's slow machinery for anything but a
plain query string.

Concurrency model: one process at a time may open a store read-write
(RocksDB's lock). Readers such as the server open it read-only, which shows a
snapshot taken at open time, and re-open when the *generation* changes: every
successful write bumps a counter file inside the store directory. A write
(`apply`) is one Oxigraph transaction, which a read-only opener sees entirely or
not at all; `kg.writer` makes batches of them crash-safe.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import rdflib
from oxrdflib import OxigraphStore

from kg.ledger import Ledger, LedgerError, StoreChange
from kg.vocab import PREFIXES

GENERATION_FILE = "kg-generation"


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why and what to do."""


class KnowledgeStore:
    """An on-disk Oxigraph store, usable as an rdflib `Dataset` and as `pyoxigraph.Store`."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.oxigraph = _open(self.path, read_only)
        self.dataset = rdflib.Dataset(store=OxigraphStore(store=self.oxigraph), default_union=True)

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store: pyoxigraph closes RocksDB when the last reference goes.

        Both references (ours and the rdflib Dataset's) must go, or a writer
        would stay open and a read-only opener could see half-compacted files.
        """
        if not self.read_only:
            self.oxigraph.flush()
        del self.dataset
        del self.oxigraph

    def __len__(self) -> int:
        return len(self.oxigraph)

    @property
    def description(self) -> str:
        return f"the embedded store {self.path}"

    def own_graphs(self, variable: str = "?g") -> str:
        """A SPARQL expression true for the graphs the writer writes: every graph of an embedded store."""
        return "true"

    def query(
        self, text: str, *, timeout: float | None = None, prefixes: bool = False, union: bool = True
    ) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples:
        """Evaluate a query over the union of the named graphs, or over its own `FROM` dataset (not `union`:
        Oxigraph ignores `FROM` when told to use the union), in this process (`timeout` is not enforced here:
        pyoxigraph cannot stop a query; the server runs queries in worker processes it can kill)."""
        return self.oxigraph.query(text, use_default_graph_as_union=union, prefixes=PREFIXES if prefixes else None)

    def graph_names(self) -> list[str]:
        return sorted(graph.value for graph in self.oxigraph.named_graphs() if isinstance(graph, pyoxigraph.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[pyoxigraph.Quad]:
        """Every quad of one named graph, or of the whole store."""
        return self.oxigraph.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph) if graph else None)

    def adopt(self, ledger: Ledger) -> None:
        """Refuse a store that holds graphs its ledger does not know (written by a release without a ledger)."""
        if ledger.meta("ontology") is None and any(True for _ in self.oxigraph.named_graphs()):
            raise LedgerError(
                f"{self.path} was written by an earlier release of kg without a ledger; "
                "ingest into a new store (--store)"
            )

    def select(self, query: str) -> Iterator[pyoxigraph.QuerySolution]:
        """Rows of a SELECT over the union of the graphs, with the project's prefixes predeclared."""
        result = self.oxigraph.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
        if not isinstance(result, pyoxigraph.QuerySolutions):
            raise TypeError(f"not a SELECT query: {query[:60]!r}")
        return iter(result)

    def count(self, query: str) -> int:
        """The single number a `SELECT (COUNT(…) AS ?n)` query returns."""
        term = next(self.select(query))["n"]
        return int(term.value) if term is not None else 0

    def apply(self, change: StoreChange) -> None:
        """Apply a batch's change in one transaction: drop graphs, replace graphs, delete, then insert triples."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        if change:
            self.oxigraph.update(sparql_update(change))
            self.oxigraph.flush()

    def generation(self) -> int:
        return read_generation(self.path)

    def bump_generation(self) -> None:
        """Tell read-only openers (the server) that they should re-open to see new data."""
        bump_generation(self.path)

    def compact(self) -> None:
        """Compact RocksDB whole: deleted and replaced versions are dropped (see `Writer.compact_if_due`)."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        self.oxigraph.optimize()


def bump_generation(path: Path) -> None:
    """Count a write in a store's (or a remote store's state) directory, atomically."""
    target = path / GENERATION_FILE
    scratch = target.with_suffix(".tmp")
    scratch.write_text(str(read_generation(path) + 1))
    os.replace(scratch, target)


def sparql_update(change: StoreChange) -> str:
    """The change as one SPARQL 1.1 Update request (its triples are N-Triples, which SPARQL reads as is)."""
    operations = [f"DROP SILENT GRAPH <{graph}>" for graph in [*change.drop, *change.graphs]]
    deletes = "".join(f"GRAPH <{graph}> {{\n{''.join(lines)}}}\n" for graph, lines in change.delete.items() if lines)
    if deletes:
        operations.append(f"DELETE DATA {{\n{deletes}}}")
    inserts = [f"GRAPH <{graph}> {{\n{text}}}\n" for graph, text in change.graphs.items() if text]
    inserts += [f"GRAPH <{graph}> {{\n{''.join(lines)}}}\n" for graph, lines in change.insert.items() if lines]
    if inserts:
        operations.append(f"INSERT DATA {{\n{''.join(inserts)}}}")
    return " ;\n".join(operations)


def read_generation(path: str | os.PathLike[str]) -> int:
    """The store's write counter; 0 for a store never written by `kg`."""
    try:
        return int((Path(path) / GENERATION_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return 0


def _open(path: Path, read_only: bool) -> pyoxigraph.Store:
    if read_only:
        if not path.is_dir():
            raise StoreError(f"no store at {path}: run `kg ingest` first")
        try:
            return pyoxigraph.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:  # RocksDB says RuntimeError for a store still being created
            raise StoreError(f"cannot open store {path} read-only: {error}") from error
    try:
        path.mkdir(parents=True, exist_ok=True)
        return pyoxigraph.Store(str(path))
    except (OSError, RuntimeError) as error:
        if "lock" in str(error).lower():
            raise StoreError(
                f"store {path} is open for writing by another process (another `kg ingest`?); "
                "only one writer at a time is possible"
            ) from error
        raise StoreError(f"cannot open store {path}: {error}") from error
