"""The persistent Oxigraph store, opened through rdflib (oxrdflib) and pyoxigraph.

rdflib users get a `Dataset` over the same store; everything on a hot path
(writes, counts, queries) talks to the `pyoxigraph.Store` underneath, because
oxrdflib silently falls back to rdflib's slow machinery for anything but a
plain query string.

Concurrency model: one process at a time may open a store read-write
(RocksDB's lock). Readers such as the server open it read-only, which shows a
snapshot taken at open time, and re-open when the *generation* changes: every
successful write bumps a counter file inside the store directory. Writes are
all-or-nothing (see `KnowledgeStore.replace_graphs`), across crashes too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph
import rdflib
from oxrdflib import OxigraphStore

GENERATION_FILE = "kg-generation"
JOURNAL_FILE = "kg-journal"


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why and what to do."""


class KnowledgeStore:
    """An on-disk Oxigraph store, usable as an rdflib `Dataset` and as `pyoxigraph.Store`."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.oxigraph = _open(self.path, read_only)
        self.dataset = rdflib.Dataset(store=OxigraphStore(store=self.oxigraph), default_union=True)
        if not read_only:
            self._recover()

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

    def replace_graphs(self, graphs: Mapping[pyoxigraph.NamedNode, Sequence[pyoxigraph.Quad]]) -> None:
        """Replace each named graph by the given quads: all of them, or none.

        Graphs new to the store go through pyoxigraph's bulk loader (several
        times faster and leaner than a transaction), guarded by a journal
        that names them before the first quad is written: if anything fails,
        they are dropped again — at once on an exception, or by the next
        writer to open the store after a crash. Graphs that already exist are
        dropped and re-inserted in one SPARQL Update, which Oxigraph runs as
        one transaction. Graphs not named here are never touched, which is
        what makes re-ingesting an article idempotent.
        """
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        existing = [graph for graph in graphs if self.oxigraph.contains_named_graph(graph)]
        new = [graph for graph in graphs if graph not in set(existing)]
        self._write_journal(new)
        try:
            if new:
                self.oxigraph.bulk_extend(quad for graph in new for quad in graphs[graph])
            if existing:
                operations = [f"DROP SILENT GRAPH {graph}" for graph in existing]
                data = " ".join(_quad_to_sparql(quad) for graph in existing for quad in graphs[graph])
                operations.append(f"INSERT DATA {{ {data} }}")
                self.oxigraph.update(" ;\n".join(operations))
            self.oxigraph.flush()
        except BaseException:
            self._recover()
            raise
        self._journal.unlink(missing_ok=True)
        self.bump_generation()

    @property
    def _journal(self) -> Path:
        return self.path / JOURNAL_FILE

    def _write_journal(self, graphs: Iterable[pyoxigraph.NamedNode]) -> None:
        scratch = self._journal.with_suffix(".tmp")
        scratch.write_text("".join(f"{graph.value}\n" for graph in graphs), encoding="utf-8")
        os.replace(scratch, self._journal)

    def _recover(self) -> None:
        """Drop the graphs an unfinished write was creating (named in the journal)."""
        if not self._journal.exists():
            return
        for line in self._journal.read_text(encoding="utf-8").splitlines():
            self.oxigraph.remove_graph(pyoxigraph.NamedNode(line))
        self._journal.unlink()

    def generation(self) -> int:
        return read_generation(self.path)

    def bump_generation(self) -> None:
        """Tell read-only openers (the server) that they should re-open to see new data."""
        target = self.path / GENERATION_FILE
        scratch = target.with_suffix(".tmp")
        scratch.write_text(str(self.generation() + 1))
        os.replace(scratch, target)


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
        except OSError as error:
            raise StoreError(f"cannot open store {path} read-only: {error}") from error
    path.mkdir(parents=True, exist_ok=True)
    try:
        return pyoxigraph.Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreError(
                f"store {path} is open for writing by another process (another `kg ingest`?); "
                "only one writer at a time is possible"
            ) from error
        raise StoreError(f"cannot open store {path}: {error}") from error


def _quad_to_sparql(quad: pyoxigraph.Quad) -> str:
    """One quad as a SPARQL `INSERT DATA` fragment (pyoxigraph terms print as N-Triples)."""
    triple = f"{quad.subject} {quad.predicate} {quad.object} ."
    if isinstance(quad.graph_name, pyoxigraph.DefaultGraph):
        return triple
    return f"GRAPH {quad.graph_name} {{ {triple} }}"
