"""Ingest end to end on real spaCy and a real on-disk Oxigraph store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import Settings
from kg.ingest import ingest
from kg.readers import read_articles
from kg.store import KnowledgeStore
from kg.vocab import PREFIXES
from tests.conftest import FIXTURES

ARTICLES = FIXTURES / "articles.jsonl"
RES = "https://w3id.org/astana-kg/resource/"


def ask(path: Path, query: str) -> bool:
    with KnowledgeStore(path, read_only=True) as store:
        return bool(store.oxigraph.query(query, use_default_graph_as_union=True, prefixes=PREFIXES))


def select(path: Path, query: str) -> list[tuple[str, ...]]:
    with KnowledgeStore(path, read_only=True) as store:
        results = store.oxigraph.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
        return [tuple(term.value if term is not None else None for term in row) for row in results]


def dump(path: Path) -> set[pyoxigraph.Quad]:
    with KnowledgeStore(path, read_only=True) as store:
        return set(store.oxigraph.quads_for_pattern(None, None, None, None))


def ingest_into(path: Path, pipeline, source=ARTICLES):
    return ingest(read_articles([source]), Settings.build(store=path), pipeline=pipeline)


@pytest.fixture
def ingested(store_path, pipeline) -> Path:
    ingest_into(store_path, pipeline)
    return store_path


def test_articles_have_their_own_graphs_and_entities_share_one(ingested):
    rows = select(
        ingested,
        """SELECT ?g ?headline { GRAPH ?g { ?g a akg:Article ; schema:headline ?headline } }
                               ORDER BY ?headline""",
    )
    assert [r[1] for r in rows] == [
        "Kenya Receives Humanitarian Aid from Germany",
        "Uzbekistan and Japan Sign Five Agreements Worth $2 Billion",
        "Weather: a Warm Week Ahead",
    ]
    assert all(g.startswith(RES + "article/") for g, _ in rows)
    graphs = {q.graph_name.value for q in dump(ingested)}
    assert graphs == {g for g, _ in rows} | {
        "https://w3id.org/astana-kg/ontology",
        RES + "graph/entities",
        RES + "graph/cube",
        RES + "graph/stats",
    }
    # Descriptions live in the entities graph only, once.
    assert select(ingested, f"""SELECT ?g {{ GRAPH ?g {{ <{RES}country/JP> a akg:Country }} }}""") == [
        (RES + "graph/entities",)
    ]


def test_no_triple_is_stated_twice(ingested):
    total = select(ingested, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    distinct = select(ingested, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert total == distinct


def test_article_metadata_and_dateline(ingested):
    assert ask(
        ingested,
        f"""ASK {{ <{RES}article/fx-1> schema:datePublished "2024-03-04"^^xsd:date ;
        schema:url <https://news.example.org/uz-jp-agreements> ; schema:dateline "TASHKENT" ;
        schema:identifier "fx-1" }}""",
    )


def test_countries_carry_iso_codes_and_wikidata(ingested):
    rows = select(
        ingested,
        f"""SELECT DISTINCT ?code ?iso3 ?wd {{ <{RES}article/fx-1> schema:mentions ?c .
        ?c a akg:Country ; akg:isoCode ?code ; akg:iso3Code ?iso3 ; owl:sameAs ?wd }} ORDER BY ?code""",
    )
    assert ("JP", "JPN", "http://www.wikidata.org/entity/Q17") in rows
    assert ("UZ", "UZB", "http://www.wikidata.org/entity/Q265") in rows


def test_persons_and_agreement(ingested):
    names = {
        r[0]
        for r in select(
            ingested,
            f"""SELECT ?name {{ <{RES}article/fx-1> schema:mentions ?p .
        ?p a akg:Person ; schema:name ?name }}""",
        )
    }
    assert {"Shavkat Mirziyoyev", "Fumio Kishida"} <= names
    rows = select(
        ingested,
        f"""SELECT ?count ?min ?cur {{ <{RES}article/fx-1> akg:reports ?a .
        ?a a akg:Agreement ; akg:agreementCount ?count ;
        akg:value [ schema:minValue ?min ; schema:currency ?cur ] }}""",
    )
    assert rows == [("5", "2000000000", "USD")]
    assert ask(
        ingested,
        f"""ASK {{ <{RES}article/fx-1> akg:reports ?a . ?a akg:party <{RES}country/UZ>,
        <{RES}country/JP> }}""",
    )


def test_a_no_event_item_reports_nothing(ingested):
    assert not ask(ingested, f"ASK {{ <{RES}article/fx-3> akg:reports ?x }}")


def test_ingesting_twice_changes_nothing(ingested, pipeline):
    before = dump(ingested)
    summary = ingest_into(ingested, pipeline)
    assert (summary.new, summary.replaced, summary.unchanged) == (0, 0, 3)
    assert dump(ingested) == before


def test_broken_second_line_fails_naming_it_and_leaves_the_store_as_it_was(ingested, tmp_path):
    before = dump(ingested)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A new article", "text": "Kazakhstan and France met."}\n{"title": broken\n')
    result = CliRunner().invoke(main, ["ingest", "-q", str(bad), "--store", str(ingested)])
    assert result.exit_code != 0
    assert f"{bad}:2: invalid JSON" in result.output
    assert "nothing was written" in result.output
    assert dump(ingested) == before


def test_cli_ingest_prints_a_summary(store_path):
    result = CliRunner().invoke(main, ["ingest", "-q", str(ARTICLES), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "Ingested 3 new, 0 replaced, 0 unchanged, 0 failed of 3 articles" in result.output


def test_seeds_give_fifty_articles_and_known_entities(seeds_store):
    assert select(seeds_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) { ?a a akg:Article }") == [("50",)]
    codes = {r[0] for r in select(seeds_store, "SELECT ?c { ?x akg:isoCode ?c ; owl:sameAs ?wd }")}
    assert {"KZ", "FR", "CN", "HU"} <= codes
    assert ask(seeds_store, 'ASK { ?p a akg:Person ; schema:name "Kassym-Jomart Tokayev" }')


def test_custom_base_iri(store_path):
    result = CliRunner().invoke(
        main, ["ingest", "-q", str(ARTICLES), "--store", str(store_path), "--base-iri", "http://example.org/kg/"]
    )
    assert result.exit_code == 0, result.output
    assert ask(store_path, "ASK { <http://example.org/kg/country/JP> a akg:Country }")


def test_second_writer_gets_a_clear_error(ingested):
    with KnowledgeStore(ingested):
        result = CliRunner().invoke(main, ["ingest", "-q", str(ARTICLES), "--store", str(ingested)])
    assert result.exit_code != 0
    assert "open for writing by another process" in result.output


def test_store_copy_is_usable_elsewhere(ingested, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(ingested, copy)
    assert dump(copy) == dump(ingested)
