"""The canned-query API: `GET /api` (catalogue), `GET /api/{name}` (run one), `/api/openapi.json`."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from server import formats
from server.canned import CannedQuery, ParameterError
from server.formats import Format
from server.responses import negotiate, query_response
from server.service import ServiceError
from server.state import state

bp = Blueprint("api", __name__, url_prefix="/api")

CATALOGUE_FORMATS = (
    Format("json", formats.RESULTS, ("application/json",), "json", "json"),
    *(fmt for fmt in formats.RESULT_FORMATS if fmt.is_html),
)


def _describe(query: CannedQuery) -> dict:
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "url": url_for("api.run", name=query.name, _external=True),
        "parameters": [
            {
                "name": p.name,
                "required": p.required,
                "type": p.kind,
                "default": p.default,
                "enum": list(p.enum) if p.enum else None,
            }
            for p in query.parameters
        ]
        + (
            [{"name": "page", "required": False, "type": "xsd:integer", "default": "1", "enum": None}]
            if query.pagination
            else []
        ),
        "pagination": query.pagination,
        "query": query.text,
    }


@bp.route("")
def catalogue() -> Response:
    fmt = negotiate(CATALOGUE_FORMATS)
    items = [_describe(q) for q in state().queries.values()]
    response = (
        Response(render_template("api.html", title="Canned queries", queries=items)) if fmt.is_html else jsonify(items)
    )
    response.vary.add("Accept")
    return response


@bp.route("/<name>")
def run(name: str) -> Response:
    query = state().queries.get(name)
    if query is None:
        raise ServiceError(404, f"no canned query {name!r}; see {url_for('api.catalogue')}")
    try:
        text, bindings = query.bind(request.args.to_dict(), state().fulltext)
    except ParameterError as error:
        raise ServiceError(400, str(error)) from None
    return query_response(text, bindings=bindings, title=query.summary or query.name)


@bp.route("/openapi.json")
def openapi() -> Response:
    result_content: dict[str, dict] = {fmt.media_type: {} for fmt in formats.RESULT_FORMATS}
    paths = {}
    for query in state().queries.values():
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "schema": p.schema,
                "description": f"{p.kind} value",
            }
            for p in query.parameters
        ]
        if query.pagination:
            parameters.append(
                {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "default": 1},
                }
            )
        parameters.append(
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": [f.token for f in formats.RESULT_FORMATS]},
            }
        )
        paths[f"/api/{query.name}"] = {
            "get": {
                "operationId": query.name.replace("-", "_"),
                "summary": query.summary,
                "description": query.description,
                "tags": list(query.tags),
                "parameters": parameters,
                "responses": {
                    "200": {"description": "SPARQL results", "content": result_content},
                    "400": {"description": "a parameter is missing or invalid"},
                    "406": {"description": "no acceptable format"},
                    "503": {"description": "timed out or busy"},
                },
            }
        }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Astana KG canned queries", "version": "1.0.0"},
        "servers": [{"url": request.host_url.rstrip("/") + request.script_root}],
        "paths": paths,
    }
    return jsonify(document)
