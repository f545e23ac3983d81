"""Turning a negotiated query answer into a Flask response: one place for formats, headers and HTML views.

`/sparql`, `/api/{name}` and `/resource/...` all end here, which is what makes
them speak the same formats with the same headers (`Vary: Accept`,
`X-SPARQL-Truncated`) and the same errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyoxigraph
from flask import Response, render_template, request

from server import formats, negotiation
from server.engine import Dataset, serialize_triples
from server.formats import Format
from server.service import ServiceError
from server.state import client, state


def requested_format(offered: tuple[Format, ...]) -> Format | None:
    """The `format`/`output` override if given (as SPARQLWrapper and Fuseki do), else the Accept header."""
    override = request.values.get("format") or request.values.get("output")
    if override:
        return formats.by_name(override, offered)
    return negotiation.choose(request.headers.get("Accept"), offered)


def negotiate(offered: tuple[Format, ...]) -> Format:
    fmt = requested_format(offered)
    if fmt is None:
        raise ServiceError(406, negotiation.not_acceptable_message(offered))
    return fmt


def query_response(
    text: str,
    *,
    dataset: Dataset = Dataset(),
    bindings: Mapping[str, Any] | None = None,
    title: str = "Query results",
) -> Response:
    results_format = requested_format(formats.RESULT_FORMATS)
    graph_format = requested_format(formats.GRAPH_FORMATS)
    if results_format is None and graph_format is None:
        raise ServiceError(406, negotiation.not_acceptable_message(formats.RESULT_FORMATS + formats.GRAPH_FORMATS))
    svc = state().service
    answer = svc.query(
        text,
        client=client(),
        results_format=results_format,
        graph_format=graph_format,
        dataset=dataset,
        timeout=svc.effective_timeout(request.values.get("timeout")),
        bindings=bindings,
        base_iri=request.base_url,  # the protocol lets the service choose the base IRI: the endpoint's URL
    )
    fmt = results_format if answer.reply.form == formats.RESULTS else graph_format
    assert fmt is not None  # the worker answers 406 otherwise
    if fmt.is_html:
        columns, rows, boolean = _table(answer.reply.form, answer.body)
        body: bytes | str = render_template(
            "results.html",
            title=title,
            query=text,
            columns=columns,
            rows=rows,
            boolean=boolean,
            truncated=answer.reply.truncated,
        )
    else:
        body = answer.body
    response = Response(body, content_type=content_type(fmt))
    response.vary.add("Accept")
    if answer.reply.truncated:
        response.headers["X-SPARQL-Truncated"] = "true"
    return response


def graph_response(triples: list[pyoxigraph.Triple], fmt: Format) -> Response:
    """A small graph the server built itself (service description, VoID) in an RDF format."""
    response = Response(serialize_triples(triples, fmt), content_type=content_type(fmt))
    response.vary.add("Accept")
    return response


def content_type(fmt: Format) -> str:
    if fmt.media_type.startswith("text/"):
        return f"{fmt.media_type}; charset=utf-8"
    return fmt.media_type


def term_dict(term: Any) -> dict[str, str]:
    """A pyoxigraph term in the SPARQL-JSON shape the templates render."""
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        out = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        if term.language:
            out["xml:lang"] = term.language
        return out
    return {"type": "literal", "value": str(term)}


def _table(form: str, body: bytes) -> tuple[list[str], list[list[dict[str, str] | None]], bool | None]:
    if form == formats.GRAPH:
        triples = pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES)
        return (
            ["subject", "predicate", "object"],
            [[term_dict(t.subject), term_dict(t.predicate), term_dict(t.object)] for t in triples],
            None,
        )
    data = json.loads(body)
    if "boolean" in data:
        return [], [], data["boolean"]
    columns = data["head"].get("vars", [])
    return columns, [[row.get(c) for c in columns] for row in data["results"]["bindings"]], None
