"""The writer on a real on-disk store, fed synthetic article records (no NLP): exactness under any sequence of writes.

Records are built by `kg.records.assemble` from hand-made triples in the
contract's shape (articles, entity descriptions, `akg:Tie`s with their event or
agreement), so the entities graph, the tie cube and the search index can be
checked against what the current articles say, after any sequence of ingest,
re-ingest and remove.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

import kg.writer
from kg import cube, tallies
from kg.config import Settings
from kg.ingest import open_writer
from kg.ledger import LEDGER_FILE, WRITTEN, Ledger
from kg.readers import Article
from kg.records import ArticleRecord, assemble
from kg.store import KnowledgeStore, read_generation
from kg.vocab import AKG, PREFIXES, RDF, SCHEMA, XSD, cube_graph, entities_graph, stats_graph
from kg.writer import graph_labels

BASE = "https://w3id.org/astana-kg/resource/"
COUNTRIES = ("FR", "KZ", "CN", "US")
TYPES = ("Meeting", "Visit", "Agreement", "Aid")
PERSONS = ("Aigerim Bek", "Jean Dupont", "Li Wei")


@dataclass(frozen=True)
class TieSpec:
    pair: tuple[str, str]
    type: str
    day: int | None  # None: the tie has no date of its own
    goldstein: str | None
    usd: str | None


@dataclass(frozen=True)
class ArticleSpec:
    key: str
    version: int
    persons: tuple[str, ...]
    ties: tuple[TieSpec, ...]
    published: dt.date | None


def node(local: str) -> NamedNode:
    return NamedNode(BASE + local)


def record(spec: ArticleSpec) -> ArticleRecord:
    """An article record with the given persons and ties, as the mapping would write them."""
    article = Article(
        title=f"Article {spec.key} v{spec.version}",
        text=repr(spec),
        source=f"test:{spec.key}",
        id=spec.key,
        published=spec.published,
    )
    iri = node(f"article/{spec.key}")
    a, akg, schema = NamedNode(RDF + "type"), (lambda x: NamedNode(AKG + x)), (lambda x: NamedNode(SCHEMA + x))
    triples = [(iri, a, akg("Article")), (iri, schema("headline"), Literal(article.title))]
    if spec.published:
        triples.append(
            (iri, schema("datePublished"), Literal(spec.published.isoformat(), datatype=NamedNode(XSD + "date")))
        )
    entities = []
    for name in spec.persons:
        person = node("person/" + name.lower().replace(" ", "-"))
        triples.append((iri, schema("mentions"), person))
        entities += [(person, a, akg("Person")), (person, schema("name"), Literal(name))]
    for number, tie in enumerate(spec.ties, start=1):
        owner = node(f"{'agreement' if tie.type == 'Agreement' else 'event'}/{spec.key}-{number}")
        tie_iri = node(f"tie/{spec.key}-{number}-{tie.pair[0]}-{tie.pair[1]}")
        triples += [
            (iri, akg("reports"), owner),
            (owner, a, akg(tie.type)),
            (tie_iri, a, akg("Tie")),
            (tie_iri, akg("tieOf"), owner),
            (tie_iri, akg("tieType"), Literal(tie.type)),
            (tie_iri, NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), iri),
        ]
        for code in tie.pair:
            country = node(f"country/{code}")
            triples.append((tie_iri, akg("between"), country))
            entities += [(country, a, akg("Country")), (country, schema("name"), Literal(f"Country {code}"))]
        if tie.day is not None:
            triples.append(
                (
                    tie_iri,
                    schema("startDate"),
                    Literal(f"2024-0{1 + tie.day % 3}-1{tie.day % 10}", datatype=NamedNode(XSD + "date")),
                )
            )
        if tie.goldstein is not None:
            triples.append((tie_iri, akg("goldstein"), Literal(tie.goldstein, datatype=NamedNode(XSD + "decimal"))))
        if tie.usd is not None:
            amount = node(f"amount/{spec.key}-{number}")
            triples += [
                (owner, akg("value"), amount),
                (amount, schema("currency"), Literal("USD")),
                (amount, schema("value"), Literal(tie.usd, datatype=NamedNode(XSD + "decimal"))),
            ]
    return assemble(article, iri, triples, entities, "test")


pairs = st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(COUNTRIES)).filter(lambda p: p[0] != p[1])
ties = st.builds(
    TieSpec,
    pairs,
    st.sampled_from(TYPES),
    st.one_of(st.none(), st.integers(0, 9)),
    st.one_of(st.none(), st.sampled_from(["1.9", "-2.5", "7.4", "0.0"])),
    st.one_of(st.none(), st.sampled_from(["1000000", "2500000.50"])),
)
articles = st.builds(
    ArticleSpec,
    st.sampled_from(["a1", "a2", "a3", "a4", "a5"]),
    st.integers(0, 3),
    st.lists(st.sampled_from(PERSONS), max_size=2, unique=True).map(tuple),
    st.lists(ties, max_size=3).map(tuple),
    st.one_of(st.none(), st.just(dt.date(2024, 5, 2))),
)
#: A step: ingest these articles (later ones replace earlier ones with the same key), or remove these keys.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("ingest"), st.lists(articles, min_size=1, max_size=4)),
        st.tuples(
            st.just("remove"), st.lists(st.sampled_from(["a1", "a2", "a3", "a9"]), min_size=1, max_size=2, unique=True)
        ),
    ),
    min_size=1,
    max_size=5,
)


def write(store: Path, step: tuple) -> None:
    kind, items = step
    with open_writer(Settings.build(store=store)) as writer:
        if kind == "remove":
            writer.commit(removals=[BASE + "article/" + key for key in items])
        else:
            latest = {spec.key: spec for spec in items}
            writer.commit([record(spec) for spec in latest.values()])


def graph_triples(store: Path, graph: str) -> set[str]:
    with KnowledgeStore(store, read_only=True) as opened:
        return {
            f"{q.subject} {q.predicate} {q.object} ."
            for q in opened.oxigraph.quads_for_pattern(None, None, None, NamedNode(graph))
        }


def recomputed_cube(store: Path) -> dict[cube.Key, cube.Measures]:
    with KnowledgeStore(store, read_only=True) as opened:
        return cube.recompute(lambda q: opened.oxigraph.query(q, use_default_graph_as_union=True, prefixes=PREFIXES))


def recomputed_stats(store: Path) -> dict[tallies.Key, int]:
    with KnowledgeStore(store, read_only=True) as opened:
        return tallies.recompute(lambda q: opened.oxigraph.query(q, use_default_graph_as_union=True, prefixes=PREFIXES))


def expected_entities(current: dict[str, ArticleSpec]) -> set[str]:
    return {f"{s} {p} {o} ." for spec in current.values() for s, p, o in record(spec).entities}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_entities_cube_and_index_stay_exact_after_any_writes(tmp_path_factory, history):
    store = tmp_path_factory.mktemp("prop") / "store"
    current: dict[str, ArticleSpec] = {}
    for step in history:
        write(store, step)
        kind, items = step
        if kind == "remove":
            for key in items:
                current.pop(key, None)
        else:
            current.update({spec.key: spec for spec in items})
        # The entities graph is exactly the union of what the current articles contribute.
        assert graph_triples(store, entities_graph(BASE)) - _labels() == expected_entities(current)
        # The cube equals a from-scratch aggregation of the ties in the store, and so does the ledger.
        cells = recomputed_cube(store)
        writer = cube.CubeWriter(BASE)
        observations = graph_triples(store, cube_graph(BASE)) - set(writer.dataset_triples()) - _labels()
        assert observations == writer.triples(cells)
        # So do the statistics: counts per class and per day, mentions per entity.
        stats = tallies.StatsWriter(BASE)
        assert graph_triples(store, stats_graph(BASE)) - set(stats.dataset_triples()) - _labels() == stats.triples(
            recomputed_stats(store)
        )
        with Ledger(store / LEDGER_FILE, read_only=True) as ledger:
            assert ledger.cells() == cells
            assert {iri for iri, *_ in ledger.search("article", 50, kinds=["Article"])} == {
                BASE + "article/" + key for key in current
            }
        # Every triple once: the union default graph has no duplicates.
        with KnowledgeStore(store, read_only=True) as opened:
            rows = opened.oxigraph.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", use_default_graph_as_union=True)
            distinct = opened.oxigraph.query(
                "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", use_default_graph_as_union=True
            )
            assert next(iter(rows))["n"] == next(iter(distinct))["n"]


def _labels() -> set[str]:
    """The graphs' own labels, written once with the ontology."""
    return set(graph_labels(BASE).values())


def test_cube_cells_add_up(tmp_path):
    """Two articles with ties in the same cell: counts, Goldstein sum and mean, agreements and USD."""
    meeting = TieSpec(("KZ", "FR"), "Meeting", 1, "1.9", None)
    first = ArticleSpec("a1", 0, (), (meeting, TieSpec(("FR", "KZ"), "Agreement", 1, None, "1000000")), None)
    second = ArticleSpec("a2", 0, (), (TieSpec(("FR", "KZ"), "Meeting", 1, "-2.5", None),), None)
    write(tmp_path / "s", ("ingest", [first, second]))
    with KnowledgeStore(tmp_path / "s", read_only=True) as opened:
        rows = {
            row["type"].value: (
                row["n"].value,
                row["sum"].value,
                row["mean"].value if row["mean"] else None,
                row["agreements"].value,
                row["usd"].value,
            )
            for row in opened.oxigraph.query(
                """SELECT ?type ?n ?sum ?mean ?agreements ?usd {
                         ?o qb:dataSet ?d ; akg:firstCountry ?a ; akg:secondCountry ?b ;
                            akg:month "2024-02"^^xsd:gYearMonth ; akg:tieType ?type ; akg:tieCount ?n ;
                            akg:goldsteinSum ?sum ; akg:agreementsSigned ?agreements ; akg:usdValue ?usd .
                         OPTIONAL { ?o akg:goldsteinMean ?mean } }""",
                use_default_graph_as_union=True,
                prefixes=PREFIXES,
            )
        }
    assert rows == {"Meeting": ("2", "-0.6", "-0.3", "0", "0"), "Agreement": ("1", "0", None, "1", "1000000")}


def test_a_crash_after_the_ledger_is_finished_by_the_next_writer(tmp_path):
    """The ledger commits a batch with its pending store change; if the store never got it, recovery applies it."""
    store = tmp_path / "store"
    spec = ArticleSpec("a1", 0, ("Li Wei",), (TieSpec(("KZ", "CN"), "Visit", 2, "1.9", None),), None)

    class CrashError(Exception):
        pass

    with open_writer(Settings.build(store=store)) as writer:

        def crash(change):
            raise CrashError

        writer.backend.apply = crash  # type: ignore[method-assign]
        with pytest.raises(CrashError):
            writer.commit([record(spec)])
    with KnowledgeStore(store, read_only=True) as opened:
        assert not opened.oxigraph.contains_named_graph(node("article/a1"))  # readers still see the old state
    with open_writer(Settings.build(store=store)):
        pass  # opening for writing finishes the batch
    reference = tmp_path / "reference"
    write(reference, ("ingest", [spec]))
    assert dump(store) == dump(reference)
    with Ledger(store / LEDGER_FILE, read_only=True) as ledger:
        assert ledger.pending() == []


def test_unchanged_records_are_skipped_and_changed_ones_replaced(tmp_path):
    store = tmp_path / "store"
    spec = ArticleSpec("a1", 0, ("Li Wei",), (), None)
    with open_writer(Settings.build(store=store)) as writer:
        assert writer.commit([record(spec)]).new == 1
        assert writer.commit([record(spec)]).unchanged == 1
        result = writer.commit([record(ArticleSpec("a1", 1, ("Jean Dupont",), (), None))])
    assert (result.new, result.replaced) == (0, 1)
    names = graph_triples(store, entities_graph(BASE))
    assert any("Jean Dupont" in line for line in names) and not any("Li Wei" in line for line in names)


def dump(store: Path) -> set[pyoxigraph.Quad]:
    with KnowledgeStore(store, read_only=True) as opened:
        return set(opened.oxigraph)


def test_the_store_is_compacted_once_a_share_of_it_has_been_written(tmp_path, monkeypatch):
    """Rewritten cube, statistics and entity triples leave old versions that reads step over until a compaction.

    The thresholds are lowered so that a small store reaches them; the compaction itself is RocksDB's.
    """
    monkeypatch.setattr(kg.writer, "COMPACT_MIN", 50)
    store = tmp_path / "store"
    specs = [
        ArticleSpec(
            f"a{n}",
            0,
            PERSONS[n % 3 :],
            (TieSpec(("KZ", COUNTRIES[n % 4 or 1]), TYPES[n % 4], n % 28, "1.9", None),),
            None,
        )
        for n in range(80)
    ]

    def sst_files() -> set[str]:
        return {path.name for path in store.glob("*.sst")}

    with open_writer(Settings.build(store=store)) as writer:
        writer.commit([record(spec) for spec in specs[:40]])  # 40 written: not yet
        assert writer.ledger.meta(WRITTEN) == "40"
        writer.commit([record(dataclasses.replace(spec, version=1)) for spec in specs[:20]])  # 60 (20 replaced)
        assert writer.ledger.meta(WRITTEN) == "0"
        generation = read_generation(store)
        writer.commit([record(spec) for spec in specs[40:70]])  # 30 more: 30 < max(50, 70 / 4)
        assert writer.ledger.meta(WRITTEN) == "30" and read_generation(store) == generation + 1
        monkeypatch.setattr(kg.writer, "COMPACT_SHARE", 0.4)  # 30 ≥ 0.4 × 70 once the minimum is lower
        monkeypatch.setattr(kg.writer, "COMPACT_MIN", 10)
        files, before = sst_files(), dump(store)
        assert writer.compact_if_due()
        assert writer.ledger.meta(WRITTEN) == "0" and read_generation(store) == generation + 2  # readers re-open
        assert dump(store) == before and sst_files() != files  # the same data, in rewritten files
        assert not writer.compact_if_due()
