"""Exports re-parse to the same statements; SHACL passes on real output and fails on broken data."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.store import KnowledgeStore

RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


def store_statements(path, keep_graphs: bool) -> set:
    with KnowledgeStore(path, read_only=True) as store:
        data = pyoxigraph.serialize(
            store.oxigraph.quads_for_pattern(None, None, None, None), format=pyoxigraph.RdfFormat.N_QUADS
        )
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="nquads")
    return {(s, p, o, g) if keep_graphs else (s, p, o) for s, p, o, g in dataset.quads()}


@pytest.mark.parametrize("fmt", sorted(RDFLIB_FORMATS))
def test_export_round_trips(seeds_store, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    result = CliRunner().invoke(main, ["export", "--store", str(seeds_store), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    keep_graphs = fmt in ("nq", "trig", "jsonld")
    parsed = rdflib.Dataset()
    parsed.parse(out, format=RDFLIB_FORMATS[fmt])
    if keep_graphs:
        got = {(s, p, o, g) for s, p, o, g in parsed.quads()}
        graphs = {g for *_, g in got}
        assert len(graphs) == 54  # fifty articles, the entities, the tie cube, the statistics and the ontology
    else:
        got = {(s, p, o) for s, p, o, _ in parsed.quads()}
    assert got == store_statements(seeds_store, keep_graphs)


def test_jsonld_uses_the_project_context(seeds_store):
    result = CliRunner().invoke(main, ["export", "--store", str(seeds_store), "--format", "jsonld"])
    document = json.loads(result.stdout_bytes)
    assert document["@context"]["akg"] == "https://w3id.org/astana-kg/ontology#"
    nodes = [n for graph in document["@graph"] for n in graph.get("@graph", [])]
    assert any(n.get("type") == "Article" and "headline" in n for n in nodes)
    assert any(n.get("type") == "Country" and n.get("isoCode") == "KZ" for n in nodes)


def test_seeds_validate(seeds_store):
    result = CliRunner().invoke(main, ["validate", "--store", str(seeds_store)])
    assert result.exit_code == 0, result.output
    assert "Conforms" in result.output


def test_violations_fail_with_a_readable_report(store_path):
    graph = pyoxigraph.NamedNode("https://w3id.org/astana-kg/resource/article/x")
    country = pyoxigraph.NamedNode("https://w3id.org/astana-kg/resource/country/XX")
    akg = "https://w3id.org/astana-kg/ontology#"
    with KnowledgeStore(store_path) as store:
        store.oxigraph.extend(
            [
                pyoxigraph.Quad(
                    country,
                    pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    pyoxigraph.NamedNode(akg + "Country"),
                    graph,
                ),
                pyoxigraph.Quad(country, pyoxigraph.NamedNode(akg + "isoCode"), pyoxigraph.Literal("xx"), graph),
            ]
        )
    result = CliRunner().invoke(main, ["validate", "--store", str(store_path)])
    assert result.exit_code == 1
    assert "Constraint Violation" in result.output
    assert "country/XX" in result.output


def test_query_formats(seeds_store):
    query = "SELECT ?code WHERE { ?c akg:isoCode ?code } ORDER BY ?code LIMIT 3"
    table = CliRunner().invoke(main, ["query", query, "--store", str(seeds_store)])
    assert table.exit_code == 0 and "(3 rows)" in table.output
    as_json = CliRunner().invoke(main, ["query", query, "--store", str(seeds_store), "--format", "json"])
    bindings = json.loads(as_json.output)["results"]["bindings"]
    assert len(bindings) == 3 and bindings[0]["code"]["type"] == "literal"
    bad = CliRunner().invoke(main, ["query", "SELECT WHERE {", "--store", str(seeds_store)])
    assert bad.exit_code != 0 and "syntax error" in bad.output


def test_query_reads_the_graphs_its_from_clause_names(seeds_store):
    """FROM chooses the dataset, as on the endpoint: an absent graph is empty, an article graph holds only its
    own facts; without FROM the default graph is the union (a FROM inside a string is not a clause)."""

    def count(query: str) -> int:
        result = CliRunner().invoke(main, ["query", query, "--store", str(seeds_store), "--format", "csv"])
        assert result.exit_code == 0, result.output
        return int(result.output.split()[1])

    graph = "SELECT ?g WHERE { GRAPH ?g { ?g a akg:Article } } ORDER BY ?g LIMIT 1"
    article = (
        CliRunner().invoke(main, ["query", graph, "--store", str(seeds_store), "--format", "csv"]).output.split()[1]
    )
    everything = count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count("SELECT (COUNT(*) AS ?n) FROM <https://example.org/no-such-graph> WHERE { ?s ?p ?o }") == 0
    one = count(f"SELECT (COUNT(*) AS ?n) FROM <{article}> WHERE {{ ?s ?p ?o }}")
    assert 0 < one < everything
    assert count('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "FROM <x>") }') == everything


def test_query_from_file_and_stats(seeds_store, tmp_path):
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    result = CliRunner().invoke(main, ["query", f"@{rq}", "--store", str(seeds_store), "--format", "csv"])
    assert result.exit_code == 0 and int(result.output.split()[1]) > 1000
    stats = CliRunner().invoke(main, ["stats", "--store", str(seeds_store)])
    assert "articles" in stats.output and " 50" in stats.output
