"""Every canned query on a store written by the real graph builder and writer, against from-scratch SPARQL.

The store holds 240 synthetic articles (`fixtures/synthetic.py`), some of them
without publication or event dates, so the calendar branches and the undated
tails are both exercised. The cube- and statistics-backed queries must give
exactly what an aggregation over the ties, articles and mentions gives; the
streaming queries must list every resource exactly once across their pages,
in the order they promise.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import requests

from fixtures import server_articles, synthetic
from fixtures.old_ledger import downgrade
from fixtures.server_harness import start_server
from kg import cube, tallies
from kg.config import Settings
from kg.ingest import open_writer
from kg.ledger import LEDGER_FILE
from kg.mapping import GraphBuilder
from kg.records import build_record
from kg.vocab import DEFAULT_BASE_IRI, EVENT_TYPES, PREFIXES

BASE = DEFAULT_BASE_IRI
ARTICLES = 240


def undated(extraction):
    """The same extraction with no publication date and no event dates (a real archive has such articles)."""
    article = dataclasses.replace(extraction.article, published=None)
    events = [dataclasses.replace(event, date=None) for event in extraction.events]
    return dataclasses.replace(extraction, article=article, events=events)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "store"
    builder = GraphBuilder(BASE, synthetic.gazetteer())
    found = [undated(e) if n % 20 == 7 else e for n, e in enumerate(synthetic.extractions(ARTICLES, seed=3))]
    with open_writer(Settings.build(store=path)) as writer:
        for start in range(0, ARTICLES, 100):  # several batches, so totals are added up across writes
            writer.commit([build_record(builder, e, "test") for e in found[start : start + 100]])
    return path


@pytest.fixture(scope="module")
def server(store):
    running = start_server(store)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def db(store, server) -> pyoxigraph.Store:
    return pyoxigraph.Store.read_only(str(store))


def select(db: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    solutions = db.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{name: s[name].value for name in names if s[name] is not None} for s in solutions]


def rows(server, name: str, **params) -> list[dict[str, str]]:
    response = requests.get(f"{server.url}/api/{name}", params={**params, "format": "json"})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def every_page(server, name: str, **params) -> list[dict[str, str]]:
    found, page = [], 1
    while batch := rows(server, name, page=str(page), **params):
        found += batch
        page += 1
    return found


def code(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


# -- the tie cube --------------------------------------------------------------------------------


TIES = """SELECT ?tie ?a ?b ?type ?date ?goldstein ?published {
  ?tie a akg:Tie ; akg:tieType ?type ; akg:between ?a, ?b ; prov:wasDerivedFrom ?article FILTER(STR(?a) < STR(?b))
  OPTIONAL { ?tie schema:startDate ?date } OPTIONAL { ?tie akg:goldstein ?goldstein }
  OPTIONAL { ?article schema:datePublished ?published } }"""


def scratch_ties(db) -> list[dict[str, str]]:
    """Every tie with its pair (codes), type, month as the cube counts it, and score: straight from the ties."""
    found = []
    for row in select(db, TIES):
        row["pair"] = (code(row["a"]), code(row["b"]))
        row["month"] = cube.month_of(row.get("date")) or cube.month_of(row.get("published"))
        found.append(row)
    return found


def test_ties_summary_is_a_from_scratch_aggregation(server, db):
    ties = scratch_ties(db)
    cells = cube.recompute(lambda q: db.query(q, use_default_graph_as_union=True, prefixes=PREFIXES))
    for params, keep in [
        ({}, lambda t: True),
        ({"type": "Meeting"}, lambda t: t["type"] == "Meeting"),
        ({"since": "2024-03-05", "until": "2025-02-01"}, lambda t: t["month"] and "2024-03" <= t["month"] <= "2025-02"),
    ]:
        chosen = [t for t in ties if keep(t)]
        summary = rows(server, "ties-summary", **params)
        assert {(r["aCode"], r["bCode"]) for r in summary} == {t["pair"] for t in chosen}
        assert [int(r["ties"]) for r in summary] == sorted((int(r["ties"]) for r in summary), reverse=True)
        for r in summary:
            mine = [t for t in chosen if t["pair"] == (r["aCode"], r["bCode"])]
            assert int(r["ties"]) == len(mine), params
            assert Counter({k: int(n) for k, _, n in (p.rpartition(" ") for p in r["byType"].split(", "))}) == Counter(
                t["type"] for t in mine
            )
            scores = [Decimal(t["goldstein"]) for t in mine if "goldstein" in t]
            assert ("goldsteinMean" in r) == bool(scores)
            if scores:
                assert abs(Decimal(r["goldsteinMean"]) - sum(scores) / len(scores)) < Decimal("0.001")
            dated = sorted(t["month"] for t in mine if t["month"])
            assert (r.get("firstMonth"), r.get("lastMonth")) == ((dated[0], dated[-1]) if dated else (None, None))
            if not params:  # agreements and USD as the cube's own recomputation adds them up
                pair_cells = [m for (a, b, *_), m in cells.items() if (a, b) == (r["aCode"], r["bCode"])]
                assert int(r["agreements"]) == sum(m[3] for m in pair_cells)
                assert Decimal(r["usdValue"]) == sum(Decimal(m[4]) for m in pair_cells) / 100
    assert {(r["aCode"], r["bCode"]) for r in rows(server, "ties-summary", country="FR")} == {
        t["pair"] for t in ties if "FR" in t["pair"]
    }


def test_tie_timeline_is_the_pairs_monthly_series(server, db):
    ties = [t for t in scratch_ties(db) if t["pair"] == ("CN", "KZ") and t["month"]]
    expected = Counter((t["month"], t["type"]) for t in ties)
    for args in ({"country": "KZ", "partner": "CN"}, {"country": "CN", "partner": "KZ"}):
        series = rows(server, "tie-timeline", **args)
        assert {(r["month"], r["type"]): int(r["ties"]) for r in series} == expected
        assert [(r["month"], r["type"]) for r in series] == sorted(expected)
    assert {r["type"] for r in rows(server, "tie-timeline", country="KZ", partner="CN", type="Visit")} == {"Visit"}


# -- ties, one row each --------------------------------------------------------------------------


def test_bilateral_ties_lists_every_tie_once_in_date_order(server, db):
    ties = {t["tie"]: t for t in scratch_ties(db)}
    listed = every_page(server, "bilateral-ties")
    assert [r["tie"] for r in listed] == list(dict.fromkeys(r["tie"] for r in listed))  # once each
    assert {r["tie"] for r in listed} == set(ties)
    dates = [r.get("date", "") for r in listed]
    full = [d for d in dates if len(d) == 10]
    assert dates[: len(full)] == sorted(full) and all(len(d) != 10 for d in dates[len(full) :])  # undated last
    for row in listed:
        tie = ties[row["tie"]]
        assert (row["aCode"], row["bCode"], row["type"]) == (*tie["pair"], tie["type"])
        assert row.get("date") == tie.get("date")


@pytest.mark.parametrize(
    "params",
    [
        {"country": "FR"},
        {"country": "KZ", "partner": "TR"},
        {"partner": "UZ"},
        {"type": "Aid"},
        {"since": "2024-06-01", "until": "2024-12-31"},
        {"country": "KZ", "type": "Agreement", "since": "2025-01-01"},
    ],
)
def test_bilateral_ties_filters(server, db, params):
    def keep(t):
        return (
            all(params[k] in t["pair"] for k in ("country", "partner") if k in params)
            and t["type"] == params.get("type", t["type"])
            and ("since" not in params or t.get("date", "") >= params["since"])
            and ("until" not in params or ("date" in t and t["date"] <= params["until"]))
        )

    expected = {t["tie"] for t in scratch_ties(db) if keep(t)}
    listed = every_page(server, "bilateral-ties", **params)
    assert len(listed) == len(expected) and {r["tie"] for r in listed} == expected


def test_tie_evidence_pages_through_a_pairs_ties(server, db):
    ties = {t["tie"]: t for t in scratch_ties(db) if t["pair"] == ("KZ", "RU")}
    assert len(ties) > 50  # more than one page
    listed = every_page(server, "tie-evidence", country="RU", partner="KZ")
    assert sorted(r["tie"] for r in listed) == sorted(ties)
    assert all(r["aName"] == "Kazakhstan" and r["bName"] == "Russia" and r["evidence"] for r in listed)
    anchors = {
        r["tie"]: r["evidence"]
        for r in select(
            db,
            """SELECT ?tie ?evidence {
        ?tie a akg:Tie ; akg:evidence/nif:anchorOf ?evidence }""",
        )
    }
    assert all(r["evidence"] == anchors[r["tie"]] for r in listed)


# -- counts and lists from the statistics ---------------------------------------------------------


def test_dataset_counts_are_the_resources_of_each_class(server, db):
    counts = {r["kind"]: int(r["count"]) for r in rows(server, "dataset-counts")}
    for kind in ("Article", "Person", "Country", "Organization", "Agreement", "Tie", *EVENT_TYPES):
        found = select(db, f"SELECT (COUNT(DISTINCT ?x) AS ?n) {{ ?x a akg:{kind} }}")[0]["n"]
        assert counts.get(kind, 0) == int(found), kind
    assert counts["Article"] == ARTICLES


def test_top_entities_and_countries_count_the_articles_mentioning_them(server, db):
    mentions = {
        r["e"]: int(r["n"])
        for r in select(
            db,
            """SELECT ?e (COUNT(DISTINCT ?article) AS ?n) {
        ?article schema:mentions ?e } GROUP BY ?e""",
        )
    }
    kinds = {
        r["e"]: r["c"].rsplit("#", 1)[1]
        for r in select(db, "SELECT ?e ?c { ?e a ?c FILTER(?c IN (akg:Person, akg:Country, akg:Organization)) }")
    }
    everyone = every_page(server, "top-entities")
    assert {r["entity"]: int(r["mentions"]) for r in everyone} == {e: n for e, n in mentions.items() if e in kinds}
    assert [int(r["mentions"]) for r in everyone] == sorted(mentions.values(), reverse=True)
    for kind in ("Person", "Country", "Organization"):
        listed = every_page(server, "top-entities", kind=kind)
        assert {r["entity"] for r in listed} == {e for e in mentions if kinds.get(e) == kind}
        assert [int(r["mentions"]) for r in listed] == sorted((int(r["mentions"]) for r in listed), reverse=True)
    ties = Counter(c for t in scratch_ties(db) for c in t["pair"])
    countries = rows(server, "countries")
    assert {r["code"]: (int(r["mentions"]), int(r["ties"])) for r in countries} == {
        code(e): (n, ties[code(e)]) for e, n in mentions.items() if kinds.get(e) == "Country"
    }
    assert [r["name"] for r in countries] == sorted(r["name"] for r in countries)


def test_mention_tiers_rise_with_the_count_and_stay_narrow():
    """top-entities sorts the whole tier that holds a page's last row: a tier's counts lie within 1/8 of its least."""
    counts: dict[int, list[int]] = defaultdict(list)
    for n in range(1, 1 << 17):
        counts[tallies.mention_tier(n)].append(n)
    tiers = list(counts)
    assert tiers == sorted(tiers) and all(max(ns) - min(ns) < max(1, min(ns) / 8) for ns in counts.values())


def test_latest_articles_newest_first_then_undated(server, db):
    published = {
        r["a"]: r.get("d")
        for r in select(
            db,
            """SELECT ?a ?d {
        ?a a akg:Article OPTIONAL { ?a schema:datePublished ?d } }""",
        )
    }
    listed = every_page(server, "latest-articles")
    assert sorted(r["article"] for r in listed) == sorted(published)
    dates = [r.get("date") for r in listed]
    dated = [d for d in dates if d]
    assert dates == sorted(dated, reverse=True) + [None] * (len(dates) - len(dated)) and len(dated) < len(dates)
    assert all(r["headline"] for r in listed)


def test_entity_mentions_pages_through_every_article(server, db):
    entity = BASE + "country/KZ"
    expected = {r["a"] for r in select(db, f"SELECT ?a {{ ?a schema:mentions <{entity}> }}")}
    listed = every_page(server, "entity-mentions", entity=entity)
    assert len(listed) == len(expected) > 100 and {r["article"] for r in listed} == expected


# -- events, agreements, persons -----------------------------------------------------------------


def scratch_events(db) -> dict[str, dict[str, str]]:
    return {
        r["e"]: r
        for r in select(
            db,
            f"""SELECT ?e ?type ?date {{
        ?e a ?class FILTER(?class IN ({", ".join(f"akg:{t}" for t in EVENT_TYPES)}))
        BIND(STRAFTER(STR(?class), "#") AS ?type) OPTIONAL {{ ?e schema:startDate ?date }} }}""",
        )
    }


def test_timeline_lists_every_event_by_date(server, db):
    events = scratch_events(db)
    listed = every_page(server, "timeline")
    assert sorted(r["event"] for r in listed) == sorted(events)
    dates = [r.get("date", "") for r in listed]
    full = [d for d in dates if len(d) == 10]
    assert dates[: len(full)] == sorted(full)
    assert {r["event"]: r["type"] for r in listed} == {e: r["type"] for e, r in events.items()}
    involved = defaultdict(set)
    for r in select(db, "SELECT ?e ?c { ?e akg:involvesCountry/akg:isoCode ?c }"):
        involved[r["e"]].add(r["c"])
    assert all(set(r.get("countries", "").split()) == involved[r["event"]] for r in listed if involved[r["event"]])
    assert {r["event"] for r in every_page(server, "timeline", type="Aid")} == {
        e for e, r in events.items() if r["type"] == "Aid"
    }
    assert {r["event"] for r in every_page(server, "timeline", country="FR")} == {
        e for e in events if "FR" in involved[e]
    }


def test_who_met_whom_pairs_the_participants_of_meetings(server, db):
    expected = {
        (r["e"], r["p1"], r["p2"])
        for r in select(
            db,
            """SELECT ?e ?p1 ?p2 {
        ?e a ?class FILTER(?class IN (akg:Meeting, akg:Visit, akg:Summit))
        ?e akg:participant ?p1, ?p2 . ?p1 a akg:Person . ?p2 a akg:Person FILTER(STR(?p1) < STR(?p2)) }""",
        )
    }
    listed = every_page(server, "who-met-whom")
    assert len(listed) == len(expected) and {(r["event"], r["person1"], r["person2"]) for r in listed} == expected
    person = next(iter(expected))[1]
    assert {(r["event"], r["person1"], r["person2"]) for r in every_page(server, "who-met-whom", person=person)} == {
        m for m in expected if person in m
    }
    assert all(r["name1"] and r["name2"] for r in listed)


def test_agreements_with_parties_sectors_and_value(server, db):
    expected = {
        r["a"]: r
        for r in select(
            db,
            """SELECT ?a ?count {
        ?a a akg:Agreement OPTIONAL { ?a akg:agreementCount ?count } }""",
        )
    }
    listed = every_page(server, "agreements")
    assert len(listed) == len(expected) and {r["agreement"] for r in listed} == set(expected)
    parties = defaultdict(set)
    for r in select(db, "SELECT ?a ?name { ?a akg:party/rdfs:label ?name }"):
        parties[r["a"]].add(r["name"])
    for row in listed:
        assert set(row["parties"].split("; ")) == parties[row["agreement"]]
        assert row.get("count") == expected[row["agreement"]].get("count")
        assert "date" in row  # the signing's date, else the article's
    with_value = [r for r in listed if "value" in r]
    assert with_value and all(r["currency"] == "USD" for r in with_value)
    assert {r["agreement"] for r in every_page(server, "agreements", country="FR")} == {
        a for a in expected if "France" in parties[a]
    }


# -- search ---------------------------------------------------------------------------------------


def test_search_ranks_an_exact_headline_first_and_finds_names_by_prefix(server, db):
    headline = select(db, f"SELECT ?h {{ <{BASE}article/syn-3-17> schema:headline ?h }}")[0]["h"]
    found = rows(server, "search-labels", q=headline)
    assert found[0]["resource"] == BASE + "article/syn-3-17" and found[0]["kind"] == "Article"
    assert [int(r["rank"]) for r in found] == list(range(1, len(found) + 1))
    name = select(db, "SELECT ?n { ?p a akg:Person ; schema:name ?n } ORDER BY ?n LIMIT 1")[0]["n"]
    first, last = name.split()[:2]
    person = rows(server, "search-labels", q=f"{first} {last[:4]}", kind="Person")
    assert person and all(r["kind"] == "Person" and r["label"].startswith(f"{first} {last[:4]}") for r in person)
    assert name in [r["label"] for r in person]
    assert rows(server, "search-labels", q="kazak", kind="Country")[0]["resource"] == BASE + "country/KZ"
    pages = [rows(server, "search-labels", q="kazakhstan", page=str(n)) for n in (1, 2)]
    assert len(pages[0]) == 20 and not {r["resource"] for r in pages[0]} & {r["resource"] for r in pages[1]}
    assert [int(r["rank"]) for r in pages[0] + pages[1]] == list(range(1, 21 + len(pages[1])))
    kinds = [r["kind"] for r in pages[0] + pages[1]]  # entities first, then articles
    assert kinds[0] == "Country" and "Article" in kinds and "Article" not in kinds[: kinds.index("Article")]
    assert set(kinds[kinds.index("Article") :]) == {"Article"}
    assert rows(server, "search-labels", q='" OR * } DROP ALL') == []  # text never reaches SPARQL or FTS syntax


def test_search_without_an_index_scans_labels(tmp_path):
    store = server_articles.build(tmp_path / "store")
    (store / LEDGER_FILE).unlink()  # a copy of the data without its ledger
    for leftover in store.glob(LEDGER_FILE + "-*"):
        leftover.unlink()
    running = start_server(store)
    try:
        assert not running.app.kg.fulltext.indexed
        page = requests.get(running.url + "/search", params={"q": "tokay"}, headers={"Accept": "text/html"}).text
        assert "no full-text index" in page and 'href="/resource/person/kassym-jomart-tokayev"' in page
        found = rows(running, "search-labels", q="tokay")
        assert found[0]["resource"] == BASE + "person/kassym-jomart-tokayev"
        assert {r["kind"] for r in rows(running, "search-labels", q="tokayev", kind="Article")} == {"Article"}
    finally:
        running.stop()
        shutil.rmtree(store)


def test_search_scans_labels_until_a_write_upgrades_an_old_ledger(tmp_path, caplog):
    store = server_articles.build(tmp_path / "store")
    downgrade(store / LEDGER_FILE)  # as the previous release left it
    running = start_server(store)
    try:
        fulltext = running.app.kg.fulltext
        assert not fulltext.indexed
        assert rows(running, "search-labels", q="tokay")[0]["resource"] == BASE + "person/kassym-jomart-tokayev"
        assert "the next write (kg ingest, kg remove, kg watch) upgrades it" in caplog.text
        with open_writer(Settings.build(store=store)):
            pass
        assert fulltext.indexed  # the same server, without a restart
        found = rows(running, "search-labels", q="tokay")
        assert found[0]["resource"] == BASE + "person/kassym-jomart-tokayev"
        assert [int(r["rank"]) for r in found] == list(range(1, len(found) + 1))
    finally:
        running.stop()


# -- the server fixture ---------------------------------------------------------------------------


def test_the_committed_fixture_is_what_the_writer_writes(tmp_path):
    store = server_articles.build(tmp_path / "store")
    assert server_articles.TRIG.read_text(encoding="utf-8") == server_articles.trig(store), (
        "regenerate it: python tests/fixtures/server_articles.py"
    )


def test_synthetic_articles_have_every_event_type():
    assert {event.type for item in synthetic.extractions(400) for event in item.events} == set(EVENT_TYPES)
