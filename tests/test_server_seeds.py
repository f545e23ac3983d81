"""Acceptance on real data: every IRI of the seed articles' graph under the base IRI dereferences.

Uses the `seeds_store` fixture of tests/conftest.py (the real pipeline ingests
the seeds), hence slow.
"""

from __future__ import annotations

import pyoxigraph
import pytest
import rdflib
import requests

from fixtures.server_harness import start_server
from kg.vocab import DEFAULT_BASE_IRI

pytestmark = pytest.mark.slow
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(seeds_store):
    running = start_server(seeds_store, workers=2)
    yield running
    running.stop()


def test_every_seed_iri_dereferences(server, seeds_store):
    # The server's workers hold read-only handles; a further read-only handle here is fine.
    store = pyoxigraph.Store.read_only(str(seeds_store))
    documents = set()
    for quad in store:
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(DEFAULT_BASE_IRI):
                documents.add(term.value.partition("#")[0])
    assert documents
    session = requests.Session()
    for iri in sorted(documents):
        url = server.url + "/resource/" + iri[len(DEFAULT_BASE_IRI) :]
        html = session.get(url, headers={"Accept": BROWSER})
        assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html"), iri
        turtle = session.get(url, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200, iri
        assert len(rdflib.Graph().parse(data=turtle.text, format="turtle")) > 0, iri
