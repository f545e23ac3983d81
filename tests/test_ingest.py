"""Ingest end to end on real spaCy and a real on-disk Oxigraph store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg.cli import main
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


@pytest.fixture
def ingested(store_path, pipeline) -> Path:
    with KnowledgeStore(store_path) as store:
        pipeline.ingest(read_articles([ARTICLES]), store)
    return store_path


def test_every_triple_of_an_article_lives_in_its_own_graph(ingested):
    rows = select(ingested, """SELECT ?g ?headline { GRAPH ?g { ?g a akg:Article ; schema:headline ?headline } }
                               ORDER BY ?headline""")
    assert [r[1] for r in rows] == [
        "Kenya Receives Humanitarian Aid from Germany",
        "Uzbekistan and Japan Sign Five Agreements Worth $2 Billion",
        "Weather: a Warm Week Ahead",
    ]
    assert all(g.startswith(RES + "article/") for g, _ in rows)
    # no triple outside an article graph except the ontology's
    graphs = {q.graph_name.value for q in dump(ingested)}
    assert graphs == {g for g, _ in rows} | {"https://w3id.org/astana-kg/ontology"}


def test_article_metadata_and_dateline(ingested):
    assert ask(ingested, f"""ASK {{ <{RES}article/fx-1> schema:datePublished "2024-03-04"^^xsd:date ;
        schema:url <https://news.example.org/uz-jp-agreements> ; schema:dateline "TASHKENT" ;
        schema:identifier "fx-1" }}""")


def test_countries_carry_iso_codes_and_wikidata(ingested):
    rows = select(ingested, """SELECT DISTINCT ?code ?iso3 ?wd { <%sarticle/fx-1> schema:mentions ?c .
        ?c a akg:Country ; akg:isoCode ?code ; akg:iso3Code ?iso3 ; owl:sameAs ?wd } ORDER BY ?code""" % RES)
    assert ("JP", "JPN", "http://www.wikidata.org/entity/Q17") in rows
    assert ("UZ", "UZB", "http://www.wikidata.org/entity/Q265") in rows


def test_persons_and_agreement(ingested):
    names = {r[0] for r in select(ingested, f"""SELECT ?name {{ <{RES}article/fx-1> schema:mentions ?p .
        ?p a akg:Person ; schema:name ?name }}""")}
    assert {"Shavkat Mirziyoyev", "Fumio Kishida"} <= names
    rows = select(ingested, f"""SELECT ?count ?min ?cur {{ <{RES}article/fx-1> akg:reports ?a .
        ?a a akg:Agreement ; akg:agreementCount ?count ; akg:value [ schema:minValue ?min ; schema:currency ?cur ] }}""")
    assert rows == [("5", "2000000000", "USD")]
    assert ask(ingested, f"""ASK {{ <{RES}article/fx-1> akg:reports ?a . ?a akg:party <{RES}country/UZ>,
        <{RES}country/JP> }}""")


def test_a_no_event_item_reports_nothing(ingested):
    assert not ask(ingested, f"ASK {{ <{RES}article/fx-3> akg:reports ?x }}")


def test_ingesting_twice_changes_nothing(ingested, pipeline):
    before = dump(ingested)
    with KnowledgeStore(ingested) as store:
        pipeline.ingest(read_articles([ARTICLES]), store)
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


def test_a_failing_write_leaves_the_store_as_it_was(ingested, pipeline, monkeypatch):
    """The transaction is all or nothing even when the failure comes after the first graph."""
    before = dump(ingested)
    articles = read_articles([ARTICLES])
    graphs = pipeline.graphs(pipeline.extract(articles))
    first, second = list(graphs)[:2]
    graphs[second] = [*graphs[second], "not a quad"]
    with KnowledgeStore(ingested) as store, pytest.raises(Exception):  # noqa: B017, PT011
        store.replace_graphs(graphs)
    assert dump(ingested) == before


def test_cli_ingest_prints_a_summary(store_path):
    result = CliRunner().invoke(main, ["ingest", "-q", str(ARTICLES), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "Ingested 3 articles" in result.output


def test_seeds_give_fifty_articles_and_known_entities(seeds_store):
    assert select(seeds_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) { ?a a akg:Article }") == [("50",)]
    codes = {r[0] for r in select(seeds_store, "SELECT ?c { ?x akg:isoCode ?c ; owl:sameAs ?wd }")}
    assert {"KZ", "FR", "CN", "HU"} <= codes
    assert ask(seeds_store, 'ASK { ?p a akg:Person ; schema:name "Kassym-Jomart Tokayev" }')


def test_custom_base_iri(store_path):
    result = CliRunner().invoke(main, ["ingest", "-q", str(ARTICLES), "--store", str(store_path),
                                       "--base-iri", "http://example.org/kg/"])
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


def test_a_write_interrupted_by_a_crash_is_undone_by_the_next_writer(ingested):
    """A journal names the graphs being created; the next writer drops what a crashed write left."""
    before = dump(ingested)
    half_written = pyoxigraph.NamedNode(RES + "article/half-written")
    with KnowledgeStore(ingested) as store:
        store.oxigraph.add(pyoxigraph.Quad(half_written, pyoxigraph.NamedNode("http://schema.org/name"),
                                           pyoxigraph.Literal("partial"), half_written))
        store.oxigraph.flush()
        (ingested / "kg-journal").write_text(half_written.value + "\n")
    with KnowledgeStore(ingested):
        pass
    assert dump(ingested) == before
    assert not (ingested / "kg-journal").exists()
