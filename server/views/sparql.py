"""The SPARQL 1.1 Protocol at `/sparql` (query and guarded update), and the Graph Store writes."""

from __future__ import annotations

import pyoxigraph
from flask import Blueprint, Response, render_template, request, url_for

from server import descriptions, formats
from server.engine import Dataset
from server.responses import graph_response, negotiate, query_response
from server.service import ServiceError
from server.state import client, state

bp = Blueprint("sparql", __name__)

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    mimetype = request.mimetype if request.method == "POST" else ""
    if request.method == "GET" and "update" in request.args:
        raise ServiceError(400, "a SPARQL Update must be POSTed (SPARQL 1.1 Protocol, section 2.2)")
    if mimetype == UPDATE_TYPE or "update" in request.form:
        return _update(request.get_data(as_text=True) if mimetype == UPDATE_TYPE else _single(request.form, "update"))
    query: str | None
    if mimetype == QUERY_TYPE:
        query = request.get_data(as_text=True)
    elif request.method == "POST" and mimetype != "application/x-www-form-urlencoded":
        raise ServiceError(
            415, f"POST a query as {QUERY_TYPE} or application/x-www-form-urlencoded, not {mimetype or 'nothing'}"
        )
    else:
        query = _optional(request.form if request.method == "POST" else request.args, "query")
    if query is None:
        return _describe()
    return query_response(query, dataset=_dataset())


def _single(values, name: str) -> str:
    """The one value of a required parameter."""
    found = _optional(values, name)
    if found is None:
        raise ServiceError(400, f"missing {name!r} parameter")
    return found


def _optional(values, name: str) -> str | None:
    found = values.getlist(name)
    if len(found) > 1:
        raise ServiceError(400, f"exactly one {name!r} parameter is allowed")
    return found[0] if found else None


def _dataset() -> Dataset:
    default = tuple(request.values.getlist("default-graph-uri"))
    named = tuple(request.values.getlist("named-graph-uri"))
    for iri in default + named:
        try:
            pyoxigraph.NamedNode(iri)
        except ValueError:
            raise ServiceError(400, f"not a valid graph IRI: {iri!r}") from None
    if not default and not named:
        return Dataset()
    return Dataset(default_graphs=default, named_graphs=named)


def _describe() -> Response:
    fmt = negotiate(formats.PAGE_FORMATS)
    if fmt.is_html:
        response = Response(render_template("query.html", title="SPARQL endpoint"))
        response.vary.add("Accept")
        return response
    endpoint_url = url_for("sparql.endpoint", _external=True)
    void_url = url_for("linked_data.void", _external=True)
    return graph_response(descriptions.service_description(endpoint_url, void_url), fmt)


def _update(text: str) -> Response:
    svc = state().service
    svc.authorize_write(request.headers.get("Authorization"))
    svc.update(text, client=client(), base_iri=request.base_url)
    return Response(status=204)


@bp.route("/rdf-graphs", methods=["PUT", "POST", "DELETE"])
def graph_store() -> Response:
    """SPARQL 1.1 Graph Store writes (`?graph=IRI`), written as SPARQL Update so one guarded path does all writes."""
    svc, who = state().service, client()
    svc.authorize_write(request.headers.get("Authorization"))
    iri = _single(request.args, "graph")
    try:
        graph = pyoxigraph.NamedNode(iri)
    except ValueError:
        raise ServiceError(400, f"not a valid graph IRI: {iri!r}") from None
    if request.method == "DELETE":
        svc.update(f"DROP GRAPH {graph}", client=who)
        return Response(status=204)
    rdf_format = pyoxigraph.RdfFormat.from_media_type(request.mimetype or "")
    if rdf_format is None:
        raise ServiceError(415, f"cannot read {request.mimetype!r}; send Turtle, N-Triples or RDF/XML")
    try:
        triples = list(pyoxigraph.parse(request.get_data(), format=rdf_format, without_named_graphs=True))
    except (SyntaxError, ValueError) as error:
        raise ServiceError(400, f"cannot parse the payload: {error}") from None
    data = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    drop = f"DROP SILENT GRAPH {graph} ; " if request.method == "PUT" else ""
    svc.update(f"{drop}INSERT DATA {{ GRAPH {graph} {{ {data} }} }}", client=who)
    return Response(status=204 if request.method == "POST" else 201)
