"""The ledger's full-text search (order, stable pages) and the upgrade of a ledger the previous release wrote.

Search order is what users see in the search page and autocomplete: entities
first, then articles by tier (every word in the headline, in the text, then
the same for words only begun), newest first. The upgrade runs on a real store's ledger
rewritten in schema 2 (`fixtures.old_ledger`): once upgraded it must search
exactly as a ledger written by this release, and keep deleting an article's
FTS row when the article is removed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fixtures import synthetic
from fixtures.old_ledger import coarse_mention_tiers, downgrade
from kg.config import Settings
from kg.ingest import open_writer
from kg.ledger import LEDGER_FILE, RESTATE, SCHEMA_VERSION, WRITTEN, Ledger, LedgerError
from kg.store import KnowledgeStore
from kg.validate import integrity
from kg.vocab import AKG, DEFAULT_BASE_IRI, RDF, SCHEMA

BASE = DEFAULT_BASE_IRI


def _article(ledger: Ledger, key: str, headline: str, body: str) -> str:
    iri = f"{BASE}article/{key}"
    ledger.remember_article(iri, key, "test", [], {}, {}, headline, body)
    return iri


def test_search_lists_entities_then_articles_by_tier_newest_first(tmp_path):
    with Ledger(tmp_path / LEDGER_FILE) as ledger, ledger.transaction():
        board = f"<{BASE}organization/astana-grain-board>"
        ledger.adjust_references(
            {(board, f"<{RDF}type>", f"<{AKG}Organization>"): 1, (board, f"<{SCHEMA}name>", '"Astana Grain Board"'): 1}
        )
        ledger.reindex_entities([board])
        in_text_old = _article(ledger, "a1", "Exports rise", "Grain leaves Astana by rail.")
        in_headline = _article(ledger, "a2", "Astana hosts grain forum", "Traders met.")
        in_text_new = _article(ledger, "a3", "Talks", "Shipments of grain from Astana.")
        started = _article(ledger, "a4", "Astanaport granaries", "Grainery opens.")  # words only begun
        _article(ledger, "a5", "Almaty weather", "Rain.")

    with Ledger(tmp_path / LEDGER_FILE, read_only=True) as ledger:
        found = [iri for iri, _kind, _label in ledger.search("astana grain", 10)]
        assert found == [board[1:-1], in_headline, in_text_new, in_text_old, started]  # "Grainery": begun only
        assert [iri for iri, *_ in ledger.search("astana", 10, kinds=["Article"])] == [
            in_headline,
            in_text_new,
            in_text_old,
            started,
        ]
        assert [iri for iri, *_ in ledger.search("astana gra", 10)] == [
            board[1:-1],
            started,
            in_headline,
            in_text_new,
            in_text_old,
        ]
        for limit in range(1, 6):  # a shorter list is the start of a longer one: pages never overlap or skip
            assert ledger.search("astana gra", limit) == ledger.search("astana gra", 10)[:limit]
        assert [kind for _iri, kind, _label in ledger.search("astana grain", 10, kinds=["Article"])] == ["Article"] * 4
        assert ledger.search("astana grain", 10, kinds=["Organization"]) == [
            (board[1:-1], "Organization", "Astana Grain Board")
        ]
        assert ledger.search('*) OR "', 10) == []  # words only: the text never reaches FTS5 syntax


@pytest.fixture
def store(tmp_path) -> Path:
    """A store of 60 synthetic articles written by the writer, in two batches."""
    path = tmp_path / "store"
    with open_writer(Settings.build(store=path)) as writer:
        generated = list(synthetic.records(60, seed=5))
        writer.commit(generated[:30])
        writer.commit(generated[30:])
    return path


QUERIES = ("kazakhstan", "aigerim", "kazakhstan energy", "kaz", "discuss (1", "president", "bekova")


def _searches(ledger: Ledger) -> dict[str, list]:
    return {text: ledger.search(text, 30) for text in QUERIES}


def test_a_schema_2_ledger_is_upgraded_when_opened_for_writing(store):
    path = store / LEDGER_FILE
    with Ledger(path, read_only=True) as ledger:
        expected = _searches(ledger)
        entities = ledger.db.execute("SELECT count(*) FROM names").fetchone()[0]
        assert all(expected.values()) and entities
    downgrade(path)
    assert coarse_mention_tiers(store)  # as that release's writer stated them

    with Ledger(path, read_only=True) as reader:
        assert not reader.searchable
        with pytest.raises(LedgerError, match=r"the next write .* upgrades it"):
            reader.search("kazakhstan")
        with open_writer(Settings.build(store=store)):  # what kg ingest, kg remove and kg watch open
            pass
        assert reader.searchable  # the same reader, once a writer has upgraded the file
        assert reader.meta(RESTATE) is None  # and has restated the statistics graph
        assert reader.meta(WRITTEN) == "60"  # every article counts as written since a compaction (there was none)
        assert _searches(reader) == expected
        assert reader.meta("schema") == SCHEMA_VERSION
        assert reader.db.execute("SELECT count(*) FROM search WHERE kind != 'Article'").fetchone()[0] == 0
        assert reader.db.execute("SELECT count(*) FROM names").fetchone()[0] == entities
        assert reader.db.execute("SELECT count(*) FROM name_doc").fetchone()[0] == entities
        assert (
            reader.db.execute(
                "SELECT count(*) FROM article a JOIN search s ON s.rowid = a.doc WHERE s.iri = a.iri"
            ).fetchone()[0]
            == reader.article_count()
            == 60
        )
        assert (
            reader.db.execute(
                "SELECT count(*) FROM article a JOIN search s ON s.rowid = a.doc "
                "JOIN headlines h ON h.rowid = a.doc WHERE h.label = s.label"
            ).fetchone()[0]
            == 60
        )

    with KnowledgeStore(store, read_only=True) as opened, Ledger(path, read_only=True) as ledger:
        assert integrity(opened, ledger, BASE) == []  # the statistics equal a from-scratch count again

    iri, headline = reader_first_article(path)
    with open_writer(Settings.build(store=store)) as writer:
        writer.commit(removals=[iri])
    with Ledger(path, read_only=True) as ledger:
        assert ledger.db.execute("SELECT count(*) FROM search WHERE iri = ?", (iri,)).fetchone()[0] == 0
        assert ledger.db.execute("SELECT count(*) FROM search").fetchone()[0] == 59
        assert ledger.db.execute("SELECT count(*) FROM headlines").fetchone()[0] == 59
        assert iri not in [found for found, *_ in ledger.search(headline, 30)]


def reader_first_article(path: Path) -> tuple[str, str]:
    with Ledger(path, read_only=True) as ledger:
        return ledger.db.execute("SELECT iri, label FROM search ORDER BY rowid LIMIT 1").fetchone()


def test_a_failed_upgrade_leaves_the_ledger_as_it_was(store):
    path = store / LEDGER_FILE
    downgrade(path)
    db = sqlite3.connect(path, isolation_level=None)
    before = db.execute("SELECT kind, count(*) FROM search GROUP BY kind ORDER BY kind").fetchall()
    # Fail in the middle of the upgrade, after the new tables exist and entity rows have moved.
    db.execute("CREATE TRIGGER refuse BEFORE UPDATE ON article BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(LedgerError, match="disk full"):
        Ledger(path)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert not {"names", "name_doc", "headlines"} & tables
    assert "doc" not in {row[1] for row in db.execute("PRAGMA table_info(article)")}
    assert db.execute("SELECT kind, count(*) FROM search GROUP BY kind ORDER BY kind").fetchall() == before
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
    db.execute("DROP TRIGGER refuse")
    db.close()
    with Ledger(path) as ledger:
        assert ledger.meta("schema") == SCHEMA_VERSION and ledger.search("kazakhstan")


def test_a_ledger_of_an_unknown_schema_is_refused(tmp_path):
    with Ledger(tmp_path / LEDGER_FILE) as ledger:
        ledger.set_meta("schema", "1")
    with pytest.raises(LedgerError, match="schema 1, this release reads"):
        Ledger(tmp_path / LEDGER_FILE)
