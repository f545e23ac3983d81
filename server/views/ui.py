"""The web interface's pages: home, search, the YASGUI query page, and the browser view of canned queries.

Datasette is the model: every page shows data the API also serves (canned
queries run through the same worker pool), with links and downloads, and is
readable without JavaScript; scripts only add autocomplete, the query editor
and the network picture. User input reaches SPARQL only as canned-query
parameters, which `CannedQuery.bind` turns into RDF terms.

The HTML view of `/api/{name}` stays in `server.views.api` (it renders
`results.html` through `query_response`); a context processor here adds the
canned query's description, form and download links to that template, and
`error_page` shows the form again when a parameter is wrong.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from kg.vocab import PREFIXES
from server import formats, sparql_text
from server.canned import CannedQuery, Parameter, ParameterError
from server.decorators import decorator_lines
from server.responses import requested_format
from server.service import ServiceError
from server.state import client, page_number, state

bp = Blueprint("ui", __name__)

#: Canned-query parameters that hold an ISO2 country code get a country picker.
COUNTRY_PARAMETERS = {"country", "partner"}
#: Where the home page's counts link: the canned query listing that kind (with its arguments).
KIND_LISTS: dict[str, tuple[str, dict[str, Any]]] = {
    "Article": ("latest-articles", {}),
    "Person": ("top-entities", {"kind": "Person"}),
    "Country": ("top-entities", {"kind": "Country"}),
    "Organization": ("top-entities", {"kind": "Organization"}),
    "Agreement": ("agreements", {}),
    "Tie": ("bilateral-ties", {}),
}
PLURALS = {
    "Article": "articles",
    "Person": "persons",
    "Country": "countries",
    "Organization": "organisations",
    "Agreement": "agreements",
    "Tie": "bilateral ties",
}
LATEST = 10


def queries() -> dict[str, CannedQuery]:
    return state().queries


def canned_rows(name: str, **args: str) -> list[dict[str, dict[str, str]]]:
    """Run a canned query (first page) with the given arguments; a bad argument is a 400, as at /api."""
    try:
        text, bindings = queries()[name].bind({key: value for key, value in args.items() if value}, state().fulltext)
    except ParameterError as error:
        raise ServiceError(400, str(error)) from None
    return state().service.select(text, bindings, client=client())


def plain(rows: list[dict[str, dict[str, str]]]) -> list[dict[str, str]]:
    """SPARQL-JSON rows reduced to their lexical values, for pages that do arithmetic or layout on them."""
    return [{name: term["value"] for name, term in row.items()} for row in rows]


def countries() -> list[dict[str, str]]:
    """All countries (code, name, mentions), for pickers and node sizes."""
    return plain(canned_rows("countries"))


@bp.route("/")
def home() -> str:
    counts = {row["kind"]: row["count"] for row in plain(canned_rows("dataset-counts"))}  # events: most frequent first
    kinds = [
        {"count": counts.get(kind, "0"), "plural": PLURALS[kind], "url": url_for("api.run", name=name, **args)}
        for kind, (name, args) in KIND_LISTS.items()
    ]
    events = [
        {"kind": kind, "count": n, "url": url_for("api.run", name="timeline", type=kind)}
        for kind, n in counts.items()
        if kind not in KIND_LISTS
    ]
    latest = canned_rows("latest-articles")[:LATEST]
    return render_template(
        "home.html",
        title="Astana KG",
        kinds=kinds,
        events=events,
        latest=latest,
        more_articles=url_for("api.run", name="latest-articles"),
    )


@bp.route("/search")
def search() -> str:
    """Full search results: the page the search box submits to without JavaScript (or on Enter)."""
    q = request.args.get("q", "").strip()
    results = canned_rows("search-labels", q=q) if q else []
    indexed = state().fulltext.indexed
    return render_template(
        "search.html", title=f"Search: {q}" if q else "Search", q=q, results=results, indexed=indexed
    )


@bp.route("/query")
def query_editor() -> str:
    """YASGUI on /sparql, with every canned query as an example; `?query=` opens a query in a new tab."""
    examples = [{"name": q.name, "summary": q.summary, "text": bound_text(q, {})} for q in queries().values()]
    return render_template("yasgui.html", title="Query editor", examples=examples, query=request.args.get("query", ""))


def bound_text(query: CannedQuery, args: dict[str, str]) -> str:
    """The query text with the given (or default) parameters put in, as the service would run it; unbound if invalid."""
    try:
        text, bindings = query.bind(args, state().fulltext)
    except ParameterError:
        text, bindings = query.text, {}
    text = sparql_text.replace_variables(text, {name: str(term) for name, term in bindings.items()})
    decorators = len(decorator_lines(text))  # grlc metadata: the page shows it, the editor needs only SPARQL
    return "\n".join(text.splitlines()[decorators:]) + "\n"


@bp.app_context_processor
def site() -> dict[str, Any]:
    """What every page's scripts need to turn an IRI into this server's URL for it (see `IriMap`)."""
    return {"base_iri": state().iri_map.base_iri, "resource_root": request.script_root + "/resource/"}


@bp.app_template_filter("short")
def short(iri: str) -> str:
    """How a page shows an IRI that has no label: its path under the base IRI, else a prefixed name."""
    namespaces = {"": state().iri_map.base_iri, **{prefix + ":": ns for prefix, ns in PREFIXES.items()}}
    for prefix, namespace in namespaces.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + iri[len(namespace) :]
    return iri


# --- the browser view of /api/{name} -------------------------------------------------------------


@bp.app_context_processor
def canned_page() -> dict[str, Any]:
    """For `results.html` rendered by `/api/{name}`: the query's form, downloads and editor link."""
    if request.endpoint != "api.run":
        return {}
    query = queries().get((request.view_args or {}).get("name", ""))
    return {"canned": canned_form(query)} if query is not None else {}


def canned_form(query: CannedQuery) -> dict[str, Any]:
    args = {key: value for key, value in request.args.items() if key not in ("format", "output", "page")}
    graph_query = bool(sparql_text.keywords(query.text) & {"CONSTRUCT", "DESCRIBE"})
    downloads = ("csv", "json", "ttl", "jsonld") if graph_query else ("csv", "tsv", "json", "xml")
    page = page_number()
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "fields": [_field(p, args.get(p.name, "")) for p in query.parameters],
        "downloads": [
            (token, _with(args, format=token, page=str(page) if query.pagination else "")) for token in downloads
        ],
        "editor": url_for("ui.query_editor", query=bound_text(query, args)),
        "pagination": query.pagination,
        "page": page,
        "previous": _with(args, page=str(page - 1)) if query.pagination and page > 1 else None,
        "next": _with(args, page=str(page + 1)) if query.pagination else None,
    }


def _with(args: dict[str, str], **extra: str) -> str:
    merged = {key: value for key, value in {**args, **extra}.items() if value}
    return "?" + urlencode(merged)


def _field(parameter: Parameter, value: str) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": parameter.name,
        "required": parameter.required,
        "kind": parameter.kind,
        "value": value,
        "default": parameter.default or "",
    }
    if parameter.enum:
        field.update(widget="select", options=[(v, v) for v in parameter.enum])
    elif parameter.name in COUNTRY_PARAMETERS:
        field.update(widget="select", options=[(c["code"], f"{c['name']} ({c['code']})") for c in countries()])
    elif parameter.kind == "xsd:date":
        field.update(widget="date")
    elif parameter.kind == "iri":
        field.update(widget="url")
    else:
        field.update(widget="text")
    return field


def error_page(error: ServiceError) -> Response | None:
    """A browser's bad `/api/{name}` request: the form again, with the message; None for anything else."""
    if request.endpoint != "api.run" or error.status != 400:
        return None
    fmt = requested_format(formats.RESULT_FORMATS)
    if fmt is None or not fmt.is_html:
        return None
    query = queries().get((request.view_args or {}).get("name", ""))
    if query is None:
        return None
    body = render_template(
        "results.html",
        title=query.summary or query.name,
        error=error.message,
        query=query.text,
        columns=[],
        rows=[],
        boolean=None,
        truncated=False,
    )
    return Response(body, status=400, content_type="text/html; charset=utf-8")
