"""Which store the settings name, opened for reading or writing: one interface, two backends.

Like rdflib's store plugins, every command talks to a store through one
interface and `Settings` decides the implementation: the embedded Oxigraph
store (`kg.store.KnowledgeStore`, a directory) or a triple store over HTTP
(`kg.remote`, `--store http(s)://…`).

* Reading (`QueryEngine`): `kg query`, `kg export`, `kg stats`, `kg validate`.
  The server runs the same reads in its own way (supervised worker processes
  for the embedded store, see `server`), on the same two implementations.
* Writing (`kg.writer.Backend`): `kg ingest`, `kg remove`, `kg watch`, through
  `kg.ingest.open_writer`, with the ledger in `Settings.store` either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

import pyoxigraph

from kg.config import Settings
from kg.ledger import Ledger
from kg.store import KnowledgeStore
from kg.writer import Backend


class QueryEngine(Protocol):
    """Read access to a store, wherever it is."""

    @property
    def description(self) -> str:
        """The store as messages name it ("the embedded store data/kg", "Virtuoso at http://…")."""

    def query(self, text: str, *, timeout: float | None = None, prefixes: bool = False, union: bool = True) -> object:
        """A query over the union of the named graphs (`union`), or over the dataset its `FROM` clauses name
        (not `union`): pyoxigraph solutions, a boolean, or triples."""

    def select(self, text: str) -> Iterator[pyoxigraph.QuerySolution]:
        """Rows of a SELECT over the union of the named graphs, with the project's prefixes declared."""

    def count(self, text: str) -> int:
        """The number a `SELECT (COUNT(…) AS ?n)` query returns."""

    def graph_names(self) -> list[str]:
        """The graphs the writer writes, by IRI."""

    def quads(self, graph: str | None = None) -> Iterator[pyoxigraph.Quad]:
        """Every quad of one graph, or of every graph the writer writes."""

    def own_graphs(self, variable: str = "?g") -> str:
        """A SPARQL expression that holds for the graphs the writer writes (others may share a remote store)."""

    def __len__(self) -> int:
        """Quads in the graphs the writer writes."""

    def close(self) -> None: ...

    def __enter__(self) -> QueryEngine: ...

    def __exit__(self, *exc_info: object) -> None: ...


class WritableBackend(Backend, AbstractContextManager, Protocol):
    """A `kg.writer.Backend` that is opened and closed, and checks the ledger before the first write."""

    def adopt(self, ledger: Ledger) -> None: ...


def open_reader(settings: Settings) -> QueryEngine:
    """The store the settings name, for reading (the embedded store read-only: a snapshot as of now)."""
    if settings.remote is not None:
        from kg.remote import RemoteStore

        return RemoteStore(settings.remote, settings.base_iri)
    return KnowledgeStore(settings.store, read_only=True)


def open_backend(settings: Settings) -> WritableBackend:
    """The store the settings name, for writing; one writer at a time (RocksDB's lock, or a lock file)."""
    if settings.remote is not None:
        from kg.remote import RemoteBackend

        return RemoteBackend(settings.remote, settings.store, settings.base_iri)
    return KnowledgeStore(settings.store)


def reads_lateral(settings: Settings) -> bool:
    """Whether the store evaluates `LATERAL`, which the canned queries use so that a page costs the same at
    any archive size: Oxigraph does, embedded or as a server; other stores get their portable forms."""
    if settings.remote is None:
        return True
    from kg.remote import DIALECTS

    return DIALECTS[settings.remote.store_type].lateral


def store_exists(settings: Settings) -> bool:
    """Whether there is something to read: an embedded store's directory, or (assumed) a remote store."""
    return settings.remote is not None or settings.store.is_dir()
