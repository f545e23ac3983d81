"""Dereferenceable resources at `/resource/{path}` (negotiated at the IRI, or by suffix) and VoID.

LodView-style: the representation is served directly at the resource URL,
with `Link: rel="alternate"` headers naming the suffix URLs. The HTML page
lists every outgoing and incoming link with the article graphs it comes from;
incoming links are grouped by property and paged, since a country can be the
object of thousands of facts.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import quote

import pyoxigraph
from flask import Blueprint, Response, render_template, request

from kg.vocab import RDF, RDFS, SCHEMA
from server import descriptions, formats
from server.responses import content_type, graph_response, negotiate
from server.service import QueryService, ServiceError
from server.state import client, page_number, state

bp = Blueprint("linked_data", __name__)

INCOMING_PAGE = 20

EXISTS = "ASK { { ?resource ?p ?o } UNION { ?s ?q ?resource } }"
DESCRIBE = """CONSTRUCT { ?resource ?p ?o . ?s ?q ?resource }
WHERE { { SELECT DISTINCT ?p ?o { ?resource ?p ?o } } UNION { SELECT DISTINCT ?s ?q { ?s ?q ?resource } } }"""
OUTGOING = f"""SELECT ?p ?o ?g (SAMPLE(?l) AS ?label) (SAMPLE(?h) AS ?headline)
WHERE {{ GRAPH ?g {{ ?resource ?p ?o }} OPTIONAL {{ ?o <{RDFS}label> ?l }} OPTIONAL {{ ?g <{SCHEMA}headline> ?h }} }}
GROUP BY ?p ?o ?g ORDER BY ?p ?o ?g LIMIT 5000"""
INCOMING_COUNTS = "SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?resource } GROUP BY ?p ORDER BY ?p"
INCOMING_PAGE_QUERY = f"""SELECT ?s ?g (SAMPLE(?l) AS ?label) (SAMPLE(?h) AS ?headline)
WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ ?s ?property ?resource }} ORDER BY ?s LIMIT ?limit OFFSET ?offset }}
  GRAPH ?g {{ ?s ?property ?resource }}
  OPTIONAL {{ ?s <{RDFS}label> ?l }} OPTIONAL {{ ?g <{SCHEMA}headline> ?h }}
}} GROUP BY ?s ?g ORDER BY ?s ?g"""
VOID_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
VOID_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
VOID_PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"


@bp.route("/resource/<path:path>")
def resource(path: str) -> Response:
    fmt = None
    stem, dot, extension = path.rpartition(".")
    if dot and (by_suffix := formats.by_extension(extension, formats.PAGE_FORMATS)) is not None:
        path, fmt = stem, by_suffix
    iri = state().iri_map.iri_for(path)
    try:
        node = pyoxigraph.NamedNode(iri)
    except ValueError:
        raise ServiceError(404, f"not a resource IRI: {iri!r}") from None
    if fmt is None:
        fmt = negotiate(formats.PAGE_FORMATS)
    svc, who = state().service, client()
    exists = svc.query(
        EXISTS, client=who, results_format=formats.RESULT_FORMATS[0], graph_format=None, bindings={"resource": node}
    )
    if b"true" not in exists.body:
        raise ServiceError(404, f"nothing is known about {iri}")
    if fmt.is_html:
        page = _page(svc, node, who)
        response = Response(render_template("resource.html", title=page["label"], **page))
    else:
        answer = svc.query(DESCRIBE, client=who, results_format=None, graph_format=fmt, bindings={"resource": node})
        response = Response(answer.body, content_type=content_type(fmt))
        if answer.reply.truncated:
            response.headers["X-SPARQL-Truncated"] = "true"
    local = request.script_root + "/resource/" + quote(path)
    response.headers["Link"] = ", ".join(
        f'<{local}.{alt.extension}>; rel="alternate"; type="{alt.media_type}"' for alt in formats.PAGE_FORMATS
    )
    response.vary.add("Accept")
    return response


def _page(svc: QueryService, node: pyoxigraph.NamedNode, who: str) -> dict:
    """What the HTML page shows: label, types, outgoing facts with their articles, paged incoming links."""
    outgoing: dict[tuple[str, str], dict] = {}
    for row in svc.select(OUTGOING, {"resource": node}, client=who):
        key = (row["p"]["value"], row["o"]["value"])
        fact = outgoing.setdefault(key, {"p": row["p"], "o": row["o"], "label": row.get("label"), "sources": []})
        fact["sources"].append({"graph": row["g"], "headline": row.get("headline")})
    facts = list(outgoing.values())
    label = next((f["o"]["value"] for f in facts if f["p"]["value"] in (RDFS + "label", SCHEMA + "name")), node.value)
    types = [f["o"] for f in facts if f["p"]["value"] == RDF + "type"]

    focus = request.args.get("in")
    page = page_number()
    incoming = []
    for row in svc.select(INCOMING_COUNTS, {"resource": node}, client=who):
        prop = row["p"]["value"]
        count = int(row["n"]["value"])
        prop_page = page if prop == focus else 1
        grouped: dict[str, dict] = defaultdict(lambda: {"sources": []})
        # LIMIT/OFFSET take integer literals only: put in the ints computed here.
        text = INCOMING_PAGE_QUERY.replace("?limit", str(INCOMING_PAGE)).replace(
            "?offset", str((prop_page - 1) * INCOMING_PAGE)
        )
        for link in svc.select(text, {"resource": node, "property": pyoxigraph.NamedNode(prop)}, client=who):
            entry = grouped[link["s"]["value"]]
            entry.update(s=link["s"], label=link.get("label"))
            entry["sources"].append({"graph": link["g"], "headline": link.get("headline")})
        incoming.append(
            {
                "p": row["p"],
                "count": count,
                "page": prop_page,
                "pages": -(-count // INCOMING_PAGE),
                "links": list(grouped.values()),
            }
        )
    return {"iri": node.value, "label": label, "types": types, "facts": facts, "incoming": incoming}


@bp.route("/.well-known/void")
def void() -> Response:
    fmt = negotiate(formats.TRIPLE_FORMATS)
    svc, who = state().service, client()
    root = request.host_url.rstrip("/") + request.script_root
    triples = int(svc.select(VOID_TRIPLES, client=who)[0]["n"]["value"])
    classes = [(r["c"]["value"], int(r["n"]["value"])) for r in svc.select(VOID_CLASSES, client=who)]
    properties = [(r["p"]["value"], int(r["n"]["value"])) for r in svc.select(VOID_PROPERTIES, client=who)]
    description = descriptions.void_description(root, state().iri_map.base_iri, triples, classes, properties)
    return graph_response(description, fmt)


@bp.app_template_filter("href")
def href(iri: str) -> str | None:
    """Template filter: where a page may link an IRI (see `IriMap.href`); None means show it as text."""
    return state().iri_map.href(iri, request.script_root)
