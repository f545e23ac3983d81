"""The writer's ledger: what each stored article contributed, and the full-text index, in SQLite beside the store.

The store itself cannot say which article put a shared triple into the
entities graph, or how much it added to a cube cell, yet both must stay exact
when an article is replaced or removed. The ledger keeps, per article, its
content hash (so unchanged articles are skipped), the ids of the entity
triples it contributes, its cube cells and its statistics tallies
(`kg.tallies`); per entity triple a reference count; per cube cell and per
tally its totals; and FTS5 indexes for search: of entity names, of
headlines, and of headlines with article text. Every query here is an index
look-up: the cost of a write depends on the batch, never on the size of the
store.

A ledger an older release wrote is upgraded when it is first opened for
writing, in one transaction (`Ledger._upgrade`); a reader of a ledger not yet
upgraded can read it, but not search it.

Crash safety (see `kg.writer`): a batch is applied to the ledger together with
a *pending* record holding the store change it implies, in one SQLite
transaction; the change is then applied to the store, and the pending record
deleted. Whoever opens the ledger for writing first re-applies any pending
change (every change is idempotent), so the store catches up with the ledger.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg import cube
from kg.tallies import Key as TallyKey
from kg.vocab import AKG, RDF, RDFS, SCHEMA

LEDGER_FILE = "kg-ledger.sqlite3"
#: Meta key naming a derived graph the next writer must state whole from the ledger ("stats"), set by an upgrade.
RESTATE = "restate"
#: Meta key: articles written (added, replaced, removed) since the store was last compacted (`kg.writer`).
WRITTEN = "written_since_compaction"
SCHEMA_VERSION = "3"  # 2: statistics tallies; 3: entity names and headlines in their own indexes, `article.doc`

Triple = tuple[str, str, str]
#: Entity kinds the search index lists, by their `rdf:type` (as an N-Triples term).
SEARCH_KINDS = {f"<{AKG}{kind}>": kind for kind in ("Person", "Country", "Organization", "Place")}
#: Predicates whose values name an entity in the search index.
NAME_PREDICATES = (f"<{SCHEMA}name>", f"<{RDFS}label>", f"<{SCHEMA}alternateName>")
_TYPE = f"<{RDF}type>"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article (
    iri TEXT PRIMARY KEY, hash TEXT NOT NULL, source TEXT NOT NULL,
    entities BLOB NOT NULL, cells TEXT NOT NULL, tallies TEXT NOT NULL,
    doc INTEGER NOT NULL) WITHOUT ROWID;  -- doc: the rowid of its rows in `search` and `headlines`
CREATE TABLE IF NOT EXISTS triple (
    id INTEGER PRIMARY KEY, s TEXT NOT NULL, p TEXT NOT NULL, o TEXT NOT NULL, refs INTEGER NOT NULL,
    UNIQUE (s, p, o));
CREATE TABLE IF NOT EXISTS cell (
    a TEXT NOT NULL, b TEXT NOT NULL, month TEXT NOT NULL, type TEXT NOT NULL,
    ties INTEGER NOT NULL, scored INTEGER NOT NULL, tenths INTEGER NOT NULL,
    agreements INTEGER NOT NULL, cents INTEGER NOT NULL,
    PRIMARY KEY (a, b, month, type)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tally (
    kind TEXT NOT NULL, first TEXT NOT NULL, second TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (kind, first, second)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS name_doc (iri TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    iri UNINDEXED, kind UNINDEXED, label, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE VIRTUAL TABLE IF NOT EXISTS headlines USING fts5(
    label, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5(
    iri UNINDEXED, kind UNINDEXED, label, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
"""


@dataclass
class StoreChange:
    """What one batch does to the store; applying it twice is the same as once.

    `graphs` replace whole named graphs (N-Triples text), `drop` removes
    graphs, `delete`/`insert` remove and add single triples (N-Triples lines)
    of shared graphs. Backends apply drops, then deletes, then inserts.
    """

    graphs: dict[str, str] = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    delete: dict[str, list[str]] = field(default_factory=dict)
    insert: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.graphs or self.drop or any(self.delete.values()) or any(self.insert.values()))

    def dumps(self) -> bytes:
        return zlib.compress(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL), 1)

    @staticmethod
    def loads(payload: bytes) -> StoreChange:
        change = pickle.loads(zlib.decompress(payload))
        assert isinstance(change, StoreChange)
        return change


@dataclass(frozen=True)
class Forgotten:
    """What a removed article had contributed: entity triples (-1 each), cube cells and tallies."""

    triples: dict[Triple, int]
    cells: dict[cube.Key, cube.Measures]
    tallies: dict[TallyKey, int]


@dataclass(frozen=True)
class StoredArticle:
    iri: str
    hash: str
    source: str


class LedgerError(RuntimeError):
    """The ledger cannot be used; the message says why and what to do."""


class Ledger:
    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        try:
            if read_only:
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
                self.schema = self.meta("schema")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
                try:  # the tables and any upgrade in one transaction: a ledger is either as it was, or upgraded
                    self.db.executescript("BEGIN IMMEDIATE;" + _DDL)
                    self._check_version()
                    self.db.execute("COMMIT")
                except BaseException:
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    self.db.close()
                    raise
                self.schema = SCHEMA_VERSION
        except sqlite3.Error as error:
            raise LedgerError(f"cannot open the ledger {self.path}: {error}") from error

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_version(self) -> None:
        found = self.meta("schema")
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif found == "2":
            self._upgrade()
            self.set_meta("schema", SCHEMA_VERSION)
        elif found != SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path} has ledger schema {found}, this release reads {SCHEMA_VERSION} (and upgrades 2): "
                "ingest your inputs into a new store (--store), or use the release that wrote it"
            )

    def _upgrade(self) -> None:
        """Schema 2 → 3, within the caller's transaction: entity rows move from `search` to `names`, each
        article's headline is indexed in `headlines` too, and each article gets `doc`, the rowid of its row in
        `search` (and now in `headlines`).

        Schema 2 kept entity names and articles in one FTS5 table, so ranking a common word read every article
        that has it, finding the articles with a word in the headline read those with it in the text too, and
        an article's row could only be deleted by a scan for its IRI. `search` is read once, without the
        article text; everything else is a look-up by key or rowid.
        """
        self.db.execute("ALTER TABLE article ADD COLUMN doc INTEGER NOT NULL DEFAULT 0")
        self.set_meta(RESTATE, "stats")  # schema 2's writer stated coarser mention tiers (`kg.tallies.mention_tier`)
        self.set_meta(WRITTEN, str(self.article_count()))  # and never compacted the store
        for doc, iri, kind, label in self.db.execute("SELECT rowid, iri, kind, label FROM search").fetchall():
            if kind == "Article":
                self.db.execute("UPDATE article SET doc = ? WHERE iri = ?", (doc, iri))
                self.db.execute("INSERT INTO headlines (rowid, label) VALUES (?, ?)", (doc, label))
            else:
                self.db.execute("DELETE FROM search WHERE rowid = ?", (doc,))
                self._index_names(iri, kind, label)

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- reading ----------------------------------------------------------------------------------

    def article(self, iri: str) -> StoredArticle | None:
        row = self.db.execute("SELECT iri, hash, source FROM article WHERE iri = ?", (iri,)).fetchone()
        return None if row is None else StoredArticle(*row)

    def article_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM article").fetchone()[0])

    def cells(self) -> dict[cube.Key, cube.Measures]:
        """Every cube cell (for checks; the writer reads only the pairs it touches)."""
        return {tuple(row[:4]): tuple(row[4:]) for row in self.db.execute("SELECT * FROM cell")}

    def entity_triples(self) -> Iterator[Triple]:
        yield from self.db.execute("SELECT s, p, o FROM triple")

    @property
    def searchable(self) -> bool:
        """Whether `search` works: not for a reader of a ledger an older release wrote, until a writer upgrades it."""
        if self.schema != SCHEMA_VERSION:  # read again: the upgrade may have happened since this reader opened
            self.schema = self.meta("schema")
        return self.schema == SCHEMA_VERSION

    def search(self, text: str, limit: int = 20, kinds: Iterable[str] = ()) -> list[tuple[str, str, str]]:
        """(iri, kind, label) of the best `limit` matches, best first; every word must match, as a prefix.

        Entities whose names match come first, ranked by bm25 (equal scores by IRI): their index grows with
        the entities, not with the archive. Then articles, in tiers: every word in the headline (`headlines`,
        which holds no text, so a name found only in texts costs nothing here), every word in the headline or
        text (`search`), then the same again with words that only begin one of the article's (a word being
        typed); newest first within a tier. Reading stops once `limit` are found, so when whole words fill
        the page a search costs the same at any archive size; a prefix tier reads every article with a word
        so begun. Articles are not ranked by bm25: its weights count, at every search, each article that has
        a word, and a common word is in most of them. Results for a larger `limit` begin with those for a
        smaller one, so pages are stable.
        """
        words = search_words(text)
        if not words:
            return []
        if not self.searchable:
            raise LedgerError(
                f"{self.path} has ledger schema {self.schema}, which this release cannot search; "
                f"the next write (kg ingest, kg remove, kg watch) upgrades it"
            )
        kinds = tuple(kinds) or (*SEARCH_KINDS.values(), "Article")
        entity_kinds = [kind for kind in kinds if kind != "Article"]
        found: list[tuple[str, str, str]] = []
        if entity_kinds:
            found += self.db.execute(
                f"SELECT iri, kind, label FROM names WHERE names MATCH ? AND kind IN "
                f"({','.join('?' * len(entity_kinds))}) ORDER BY bm25(names, 0, 0, 1.0), iri LIMIT ?",
                (fts_query(words), *entity_kinds, limit),
            ).fetchall()
        if "Article" not in kinds:
            return found
        docs: list[int] = []  # rowids in `search` and `headlines` alike
        whole, begun = fts_query(words, prefix=False), fts_query(words)
        for table, query in (("headlines", whole), ("search", whole), ("headlines", begun), ("search", begun)):
            wanted = limit - len(found) - len(docs)
            if wanted <= 0:
                break
            # Earlier tiers ended short, so they are all in `docs`: this many rows hold `wanted` new ones.
            rows = self.db.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?",
                (query, wanted + len(docs)),
            ).fetchall()
            taken = set(docs)
            docs += [doc for (doc,) in rows if doc not in taken][:wanted]
        for doc in docs:
            iri, label = self.db.execute("SELECT iri, label FROM search WHERE rowid = ?", (doc,)).fetchone()
            found.append((iri, "Article", label))
        return found

    def matches(self, text: str, limit: int, kinds: tuple[str, ...] = ()) -> list[tuple[str, int]]:
        """`search` as a canned query's full-text parameter takes it (`server.canned.FullText`): (iri, rank), rank 1
        the best. Pass it to `CannedQuery.bind` to run `search-labels` on any store written with this ledger."""
        return ranked(iri for iri, _kind, _label in self.search(text, limit, kinds))

    def pending(self) -> list[tuple[int, StoreChange]]:
        return [(row[0], StoreChange.loads(row[1])) for row in self.db.execute("SELECT id, payload FROM pending")]

    # -- writing ----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def delete_meta(self, key: str) -> None:
        self.db.execute("DELETE FROM meta WHERE key = ?", (key,))

    def add_pending(self, change: StoreChange) -> int:
        cursor = self.db.execute("INSERT INTO pending (payload) VALUES (?)", (change.dumps(),))
        return int(cursor.lastrowid or 0)

    def done(self, pending_id: int) -> None:
        self.db.execute("DELETE FROM pending WHERE id = ?", (pending_id,))

    def forget_article(self, iri: str) -> Forgotten | None:
        """Remove an article; its entity triples (with -1 each), cube cells and tallies, or None if not stored."""
        row = self.db.execute("SELECT entities, cells, tallies, doc FROM article WHERE iri = ?", (iri,)).fetchone()
        if row is None:
            return None
        self.db.execute("DELETE FROM article WHERE iri = ?", (iri,))
        self.db.execute("DELETE FROM search WHERE rowid = ?", (row[3],))  # by rowid: other columns are a scan
        self.db.execute("DELETE FROM headlines WHERE rowid = ?", (row[3],))
        ids = array("q")
        ids.frombytes(row[0])
        triples: dict[Triple, int] = {}
        for triple_id in ids:
            found = self.db.execute("SELECT s, p, o FROM triple WHERE id = ?", (triple_id,)).fetchone()
            triples[tuple(found)] = -1
        return Forgotten(triples, _cells_from_json(row[1]), {tuple(key): n for *key, n in json.loads(row[2])})

    def remember_article(
        self,
        iri: str,
        hash_: str,
        source: str,
        triples: Iterable[Triple],
        cells: Mapping[cube.Key, cube.Measures],
        counts: Mapping[TallyKey, int],
        headline: str,
        body: str,
    ) -> None:
        """Record an article; `adjust_references` must then be given its triples with +1 each."""
        ids = array("q", (self._triple_id(triple) for triple in triples))
        doc = self.db.execute(
            "INSERT INTO search (iri, kind, label, body) VALUES (?, 'Article', ?, ?)", (iri, headline, body)
        ).lastrowid
        self.db.execute("INSERT INTO headlines (rowid, label) VALUES (?, ?)", (doc, headline))
        self.db.execute(
            "INSERT INTO article VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                iri,
                hash_,
                source,
                ids.tobytes(),
                _cells_to_json(cells),
                json.dumps([[*key, n] for key, n in sorted(counts.items())], separators=(",", ":")),
                doc,
            ),
        )

    def _triple_id(self, triple: Triple) -> int:
        self.db.execute("INSERT OR IGNORE INTO triple (s, p, o, refs) VALUES (?, ?, ?, 0)", triple)
        return int(self.db.execute("SELECT id FROM triple WHERE s = ? AND p = ? AND o = ?", triple).fetchone()[0])

    def adjust_references(self, deltas: Mapping[Triple, int]) -> tuple[list[Triple], list[Triple]]:
        """Apply reference-count changes; the triples that appear (0 → n) and disappear (n → 0)."""
        appeared, gone = [], []
        for triple, delta in deltas.items():
            if delta == 0:
                continue
            row = self.db.execute("SELECT refs FROM triple WHERE s = ? AND p = ? AND o = ?", triple).fetchone()
            before = 0 if row is None else int(row[0])
            after = before + delta
            if after < 0:
                raise LedgerError(f"reference count of {' '.join(triple)} would drop below zero")
            if after == 0:
                self.db.execute("DELETE FROM triple WHERE s = ? AND p = ? AND o = ?", triple)
            else:
                self.db.execute(
                    "INSERT INTO triple (s, p, o, refs) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (s, p, o) DO UPDATE SET refs = excluded.refs",
                    (*triple, after),
                )
            if before == 0 and after > 0:
                appeared.append(triple)
            elif before > 0 and after == 0:
                gone.append(triple)
        return appeared, gone

    def reindex_entities(self, subjects: Iterable[str]) -> None:
        """Rebuild the search rows of these entities from their current names."""
        for subject in subjects:
            iri = subject[1:-1]
            row = self.db.execute("SELECT doc FROM name_doc WHERE iri = ?", (iri,)).fetchone()
            if row is not None:
                self.db.execute("DELETE FROM names WHERE rowid = ?", row)
                self.db.execute("DELETE FROM name_doc WHERE iri = ?", (iri,))
            kinds = [
                SEARCH_KINDS[o]
                for (o,) in self.db.execute("SELECT o FROM triple WHERE s = ? AND p = ?", (subject, _TYPE))
                if o in SEARCH_KINDS
            ]
            if not kinds:
                continue
            names = sorted(
                {
                    _literal_text(o)
                    for (o,) in self.db.execute(
                        f"SELECT o FROM triple WHERE s = ? AND p IN ({','.join('?' * len(NAME_PREDICATES))})",
                        (subject, *NAME_PREDICATES),
                    )
                }
            )
            self._index_names(iri, kinds[0], " · ".join(names))

    def _index_names(self, iri: str, kind: str, label: str) -> None:
        doc = self.db.execute("INSERT INTO names (iri, kind, label) VALUES (?, ?, ?)", (iri, kind, label)).lastrowid
        self.db.execute("INSERT INTO name_doc VALUES (?, ?)", (iri, doc))

    def pair_cells(self, pairs: Iterable[tuple[str, str]]) -> dict[cube.Key, cube.Measures]:
        cells: dict[cube.Key, cube.Measures] = {}
        for a, b in pairs:
            for row in self.db.execute("SELECT * FROM cell WHERE a = ? AND b = ?", (a, b)):
                cells[tuple(row[:4])] = tuple(row[4:])
        return cells

    def all_tallies(self) -> dict[TallyKey, int]:
        """Every tally's total (to state the statistics graph whole)."""
        return {(kind, first, second): n for kind, first, second, n in self.db.execute("SELECT * FROM tally")}

    def tallies(self, keys: Iterable[TallyKey]) -> dict[TallyKey, int]:
        """The current totals of these tallies (0 for those never counted)."""
        found = {}
        for key in keys:
            row = self.db.execute("SELECT n FROM tally WHERE kind = ? AND first = ? AND second = ?", key).fetchone()
            found[key] = 0 if row is None else int(row[0])
        return found

    def set_tallies(self, totals: Mapping[TallyKey, int]) -> None:
        for key, n in totals.items():
            if n < 0:
                raise LedgerError(f"tally {key} would drop below zero")
            if n:
                self.db.execute("INSERT OR REPLACE INTO tally VALUES (?, ?, ?, ?)", (*key, n))
            else:
                self.db.execute("DELETE FROM tally WHERE kind = ? AND first = ? AND second = ?", key)

    def set_cells(self, cells: Mapping[cube.Key, cube.Measures]) -> None:
        for key, measures in cells.items():
            if measures[0] > 0:
                self.db.execute("INSERT OR REPLACE INTO cell VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (*key, *measures))
            else:
                self.db.execute("DELETE FROM cell WHERE a = ? AND b = ? AND month = ? AND type = ?", key)


def search_words(text: str) -> list[str]:
    """The words of a search text (letters and digits; at most 12)."""
    return "".join(c if c.isalnum() else " " for c in text).split()[:12]


def fts_query(words: Iterable[str], prefix: bool = True) -> str:
    """Words (`search_words`) as a safe FTS5 query: each a quoted term, a prefix unless `prefix` is false; all
    required."""
    star = "*" if prefix else ""
    return " ".join(f'"{word}"{star}' for word in words)


def ranked(iris: Iterable[str]) -> list[tuple[str, int]]:
    """IRIs best first, each with its rank (1 the best)."""
    return [(iri, rank) for rank, iri in enumerate(iris, start=1)]


def _literal_text(term: str) -> str:
    """The lexical form of an N-Triples literal (names are plain or language-tagged strings)."""
    if not term.startswith('"'):
        return term
    return str(json.loads(term[: term.rindex('"') + 1], strict=False))  # N-Triples escapes are JSON's


def _cells_to_json(cells: Mapping[cube.Key, cube.Measures]) -> str:
    return json.dumps([[*key, *measures] for key, measures in sorted(cells.items())], separators=(",", ":"))


def _cells_from_json(text: str) -> dict[cube.Key, cube.Measures]:
    return {tuple(row[:4]): tuple(row[4:]) for row in json.loads(text)}
