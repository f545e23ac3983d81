"""The canned-query API: catalogue, OpenAPI, each query's answers, typed parameters, injection attempts."""

from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.server_harness import BASE, build_store, serving
from kg.config import queries_dir
from server.canned import CannedQuery, ParameterError, load_queries
from server.decorators import decorator_lines, parse

REQUIRED = {
    "bilateral-ties",
    "ties-summary",
    "agreements",
    "who-met-whom",
    "timeline",
    "entity-mentions",
    "top-entities",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("canned") / "store"))


def rows(server, name, **params):
    response = requests.get(f"{server.url}/api/{name}", params=params)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_catalogue_json_and_html(server):
    listed = requests.get(server.url + "/api").json()
    assert {q["name"] for q in listed} >= REQUIRED
    ties = next(q for q in listed if q["name"] == "bilateral-ties")
    assert {p["name"] for p in ties["parameters"]} >= {"country", "since", "until", "type"}
    html = requests.get(server.url + "/api", headers={"Accept": "text/html"})
    assert html.headers["Content-Type"].startswith("text/html") and "bilateral-ties" in html.text


def test_openapi(server):
    document = requests.get(server.url + "/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/api/bilateral-ties"]["get"]
    since = next(p for p in operation["parameters"] if p["name"] == "since")
    assert since["schema"] == {"type": "string", "format": "date"} and since["required"] is False
    entity = next(p for p in document["paths"]["/api/entity-mentions"]["get"]["parameters"] if p["name"] == "entity")
    assert entity["required"] is True and entity["schema"]["format"] == "iri"


def test_bilateral_ties(server):
    ties = rows(server, "bilateral-ties")
    assert {(t["aCode"], t["bCode"], t["type"]) for t in ties} == {
        ("CN", "KZ", "Meeting"),
        ("CN", "KZ", "Agreement"),
        ("FR", "KZ", "Meeting"),
        ("FR", "KZ", "Agreement"),
    }
    assert set(ties[0]) >= {"a", "b", "aCode", "bCode", "tie", "type", "article", "headline"}
    assert {t["bCode"] for t in rows(server, "bilateral-ties", country="CN")} == {"KZ"}
    assert {t["aCode"] for t in rows(server, "bilateral-ties", country="FR")} == {"FR"}
    assert [t["date"] for t in rows(server, "bilateral-ties", since="2023-10-20")] == ["2023-11-01"]
    assert [t["date"] for t in rows(server, "bilateral-ties", until="2023-10-20")] == ["2023-10-17"]
    assert {t["type"] for t in rows(server, "bilateral-ties", type="Agreement")} == {"Agreement"}


def test_ties_summary(server):
    summary = {(r["aCode"], r["bCode"]): r for r in rows(server, "ties-summary")}
    assert summary[("CN", "KZ")]["ties"] == "2"
    assert summary[("CN", "KZ")]["agreements"] == "12"
    assert float(summary[("CN", "KZ")]["usdValue"]) == 2.5e9
    assert summary[("CN", "KZ")]["firstMonth"] == summary[("CN", "KZ")]["lastMonth"] == "2023-10"  # from the cube
    assert "Meeting 1" in summary[("FR", "KZ")]["byType"]


def test_other_queries(server):
    agreements = rows(server, "agreements")
    assert {a["sectors"] for a in agreements} == {"energy; transport", "uranium"}
    assert len(rows(server, "agreements", country="FR")) == 1
    met = rows(server, "who-met-whom")
    assert {(m["name1"], m["name2"]) for m in met} == {
        ("Kassym-Jomart Tokayev", "Xi Jinping"),
        ("Emmanuel Macron", "Kassym-Jomart Tokayev"),
    }
    assert len(rows(server, "who-met-whom", person=BASE + "person/xi-jinping")) == 1
    timeline = rows(server, "timeline")
    assert [t["date"] for t in timeline] == sorted(t["date"] for t in timeline) and len(timeline) == 3
    assert len(rows(server, "timeline", country="CN")) == 1
    mentions = rows(server, "entity-mentions", entity=BASE + "person/xi-jinping")
    assert [m["headline"] for m in mentions] == ["Tokayev Meets Xi Jinping in Beijing"]
    top = rows(server, "top-entities")
    assert top[0]["label"] == "Kazakhstan" and top[0]["mentions"] == "3"
    assert {t["kind"] for t in rows(server, "top-entities", kind="Person")} == {"Person"}


def test_formats_and_pagination(server):
    csv_response = requests.get(server.url + "/api/timeline", params={"format": "csv"})
    assert csv_response.headers["Content-Type"].startswith("text/csv")
    html = requests.get(server.url + "/api/timeline", headers={"Accept": "text/html"})
    assert "<table>" in html.text
    assert rows(server, "timeline", page="2") == []
    assert requests.get(server.url + "/api/timeline", params={"page": "0"}).status_code == 400


def test_invalid_parameters_are_400(server):
    assert requests.get(server.url + "/api/entity-mentions", params={"entity": "not an iri"}).status_code == 400
    assert requests.get(server.url + "/api/entity-mentions", params={"entity": "http://x/a>"}).status_code == 400
    assert requests.get(server.url + "/api/bilateral-ties", params={"since": "yesterday"}).status_code == 400
    assert requests.get(server.url + "/api/bilateral-ties", params={"type": "Bogus"}).status_code == 400
    assert requests.get(server.url + "/api/nope").status_code == 404


@pytest.mark.parametrize(
    "attempt",
    [
        'KZ" || true) } #',
        'KZ" } } DROP ALL ; SELECT * { ?s ?p ?o',
        "KZ')) UNION { ?s ?p ?o } #",
        "KZ\\",
        '"""',
        "?__country",
    ],
)
def test_injection_is_a_harmless_literal(server, attempt):
    response = requests.get(server.url + "/api/bilateral-ties", params={"country": attempt})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=40))
def test_any_parameter_value_is_data(server, value):
    response = requests.get(server.url + "/api/top-entities", params={"kind": value} if value else {})
    assert response.status_code in (200, 400)
    if value and value not in ("Person", "Organization", "Country"):
        assert response.status_code == 400  # enumerated


def test_decorator_parser():
    text = "#+ summary: Hello: world\n#+ tags:\n#+   - a\n#+   - b\n#+ defaults:\n#+   - x: 1\n#+ enumerate:\n#+   - k: [A, 'B']\n#+ pagination: 10\nSELECT * {}"
    meta = parse(decorator_lines(text))
    assert meta == {
        "summary": "Hello: world",
        "tags": ["a", "b"],
        "defaults": [{"x": 1}],
        "enumerate": [{"k": ["A", "B"]}],
        "pagination": 10,
    }


def test_parameter_typing(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?x WHERE { ?x ?p ?_who_iri . ?x ?q ?__n_xsd_integer . ?x ?r ?__name_en }")
    query = CannedQuery.from_file(path)
    assert [(p.name, p.required, p.kind) for p in query.parameters] == [
        ("who", True, "iri"),
        ("n", False, "xsd:integer"),
        ("name", False, "lang:en"),
    ]
    _, bindings = query.bind({"who": "http://x/a", "n": "42", "name": 'a"b'})
    assert str(bindings["_who_iri"]) == "<http://x/a>"
    with pytest.raises(ParameterError):
        query.bind({"who": "http://x/a", "n": "4.2"})
    with pytest.raises(ParameterError):
        query.bind({})


def test_every_shipped_query_loads():
    assert set(load_queries(queries_dir())) >= REQUIRED
