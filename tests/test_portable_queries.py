"""The canned queries' portable forms (`queries/portable`, for stores without `LATERAL`) give the main forms' rows.

The embedded store runs both forms, so this runs without a server: over the
seeds, and over a synthetic archive with full dates (months, cube slices, date
ranges), for every parameter alone and all together, page after page.
`tests/test_remote_store.py` runs the portable forms on Virtuoso.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.canned_cases import argument_sets, every_row_of
from fixtures.synthetic_events import build_store
from kg.config import queries_dir
from kg.ledger import LEDGER_FILE, Ledger
from kg.store import KnowledgeStore
from server import sparql_text
from server.canned import PAGE_LINE, PORTABLE, load_queries

MAIN = load_queries(queries_dir())
PORTABLE_FORMS = load_queries(queries_dir(), portable=True)


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("portable") / "store"
    build_store(path, 300)
    return path


def test_every_canned_query_runs_without_lateral_in_its_portable_form() -> None:
    assert PORTABLE_FORMS.keys() == MAIN.keys()
    for name, query in PORTABLE_FORMS.items():
        assert "LATERAL" not in sparql_text.keywords(query.text), name
        assert query.parameters == MAIN[name].parameters and query.pagination == MAIN[name].pagination
    rewritten = {name for name in MAIN if PORTABLE_FORMS[name].text != MAIN[name].text}
    assert rewritten == {name for name, query in MAIN.items() if "LATERAL" in sparql_text.keywords(query.text)}


def test_a_portable_form_must_take_the_same_parameters(tmp_path: Path) -> None:
    (tmp_path / PORTABLE).mkdir()
    (tmp_path / "pick.rq").write_text("SELECT ?s WHERE { ?s ?p ?__kind }")
    (tmp_path / PORTABLE / "pick.rq").write_text("SELECT ?s WHERE { ?s ?p ?__type }")
    assert load_queries(tmp_path)["pick"].text.endswith("?__kind }")
    with pytest.raises(ValueError, match=r"portable/pick.rq does not take the parameters of pick.rq"):
        load_queries(tmp_path, portable=True)


def test_a_page_marker_takes_the_limit_and_offset_into_the_subquery(tmp_path: Path) -> None:
    (tmp_path / "paged.rq").write_text(
        f"#+ pagination: 10\nSELECT ?s WHERE {{\n  {{ SELECT ?s WHERE {{ ?s ?p ?o }} ORDER BY ?s\n    {PAGE_LINE}\n  }}\n}}\n"
    )
    (tmp_path / "plain.rq").write_text("#+ pagination: 10\nSELECT ?s WHERE { ?s ?p ?o }")
    queries = load_queries(tmp_path)
    paged, _ = queries["paged"].bind({"page": "3"})
    assert "    LIMIT 10 OFFSET 20\n  }\n}" in paged and paged.count("LIMIT") == 1
    plain, _ = queries["plain"].bind({"page": "3"})
    assert plain.endswith("}\nLIMIT 10 OFFSET 20\n")


@pytest.mark.parametrize("archive", ["seeds_store", "synthetic_store"])
def test_portable_forms_give_the_main_forms_rows(archive: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(archive)
    differing, compared = [], 0
    with KnowledgeStore(path, read_only=True) as store, Ledger(path / LEDGER_FILE, read_only=True) as ledger:
        for name, query in MAIN.items():
            if PORTABLE_FORMS[name].text == query.text:
                continue
            for arguments in argument_sets(query):
                expected = every_row_of(store, query, query, arguments, ledger.matches)
                found = every_row_of(store, query, PORTABLE_FORMS[name], arguments, ledger.matches)
                compared += bool(expected)
                if found != expected:
                    differing.append((name, arguments, len(expected), len(found)))
    assert differing == []
    assert compared >= 10  # the parameter sets select rows, not only empty pages
