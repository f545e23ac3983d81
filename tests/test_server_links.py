"""HTML results link only this site's pages and http(s) IRIs; `javascript:`, `data:` and the like are text.

An IRI is whatever a query or an update says it is, so a result page that
links every IRI runs the attacker's script on a click:
`SELECT (IRI("javascript:alert(document.domain)") AS ?x) {}` with
`format=html`. The same holds for IRIs stored in the graph, which show up on
resource pages.
"""

from __future__ import annotations

import re

import pytest
import requests
from markupsafe import escape

from fixtures.server_harness import BASE, build_store, serving
from server.iri_map import IriMap

TOKEN = "links-token"
HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    "javascript://%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]
BROWSER = {"Accept": "text/html"}


def links(page: str) -> list[str]:
    """Every link target of a page (HTML and SVG anchors), unescaped enough to see its scheme."""
    return [href.replace("&amp;", "&") for href in re.findall(r'<a\s[^>]*?href="([^"]*)"', page)]


def assert_safe_links(page: str) -> None:
    """Each link is a path or query of this site, or an http(s) address."""
    for href in links(page):
        assert href.startswith(("/", "?", "#")) or href.lower().startswith(("http://", "https://")), href


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(build_store(tmp_path_factory.mktemp("links") / "store"), write_token=TOKEN)


def test_only_our_pages_and_http_iris_are_links():
    iris = IriMap(BASE)
    assert iris.href(BASE + "country/KZ") == "/resource/country/KZ"
    assert iris.href("https://schema.org/Person") == "https://schema.org/Person"
    assert iris.href("HTTP://example.org/") == "HTTP://example.org/"
    for iri in [*HOSTILE, "mailto:a@b.c", "urn:isbn:0451450523", "tag:example.org,2024:x"]:
        assert iris.href(iri) is None, iri


@pytest.mark.parametrize("iri", HOSTILE)
def test_query_results_show_other_schemes_as_text(server, iri):
    query = f'SELECT ?x ?y WHERE {{ BIND(IRI("{iri}") AS ?x) BIND(<https://example.org/ok> AS ?y) }}'
    page = requests.get(server.url + "/sparql", params={"query": query, "format": "html"}).text
    assert_safe_links(page)
    assert "https://example.org/ok" in links(page)  # http(s) IRIs stay links
    assert f'<span title="{escape(iri)}"' in page  # the hostile one is there, as text


def test_stored_iris_with_other_schemes_are_text_on_resource_pages(server):
    article = f"<{BASE}article/grain-harvest>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    triples = " ".join(
        f'{article} <https://schema.org/mentions> <{iri}> . <{iri}> {label} "evil" .'
        for iri in ("javascript:alert(1)", "data:text/html,x")
    )
    update = f"INSERT DATA {{ GRAPH {article} {{ {triples} }} }}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = requests.post(server.url + "/sparql", data={"update": update}, headers=auth)
    assert response.status_code == 204, response.text
    for path in ("/resource/article/grain-harvest", "/resource/country/KZ", "/ties?a=FR&b=KZ", "/"):
        assert_safe_links(requests.get(server.url + path, headers=BROWSER).text)
    page = requests.get(server.url + "/resource/article/grain-harvest", headers=BROWSER).text
    assert 'title="javascript:alert(1)"' in page  # shown, as text
