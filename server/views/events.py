"""`/export/events.{gdelt,mentions,plover,icews}`: the ties as event data, streamed from a query worker.

The filters are the canned queries' (`country`, `since`, `until`, `type`),
checked here before any work starts (400 on a bad or unknown parameter); the
export itself runs in a query worker like the RDF dumps (`QueryService.events`),
so the web process never opens the store. The pages that show ties (`/ties`
and the canned queries tagged `ties`) get links to the four layouts with their
current filters, through the `event_downloads` template variable.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from kg.eventdata import LAYOUTS, Selection, SelectionError
from server.service import ServiceError
from server.state import client, state

bp = Blueprint("events", __name__)

FILTERS = ("country", "since", "until", "type")
BY_EXTENSION = {layout.extension: layout for layout in LAYOUTS.values()}


def selection(args: dict[str, str]) -> Selection:
    """The request's filters as a `Selection`; a 400 for an unknown parameter or a bad value."""
    unknown = sorted(set(args) - set(FILTERS))
    if unknown:
        raise ServiceError(400, f"unknown parameter {unknown[0]!r}; the filters are {', '.join(FILTERS)}")
    try:
        return Selection.parse(**args)
    except SelectionError as error:
        raise ServiceError(400, str(error)) from None


@bp.route("/export/events.<extension>")
def export(extension: str) -> Response:
    layout = BY_EXTENSION.get(extension)
    if layout is None:
        raise ServiceError(
            404, f"no event export .{extension}; try " + ", ".join(f"/export/events.{name}" for name in BY_EXTENSION)
        )
    chosen = selection(request.args.to_dict())
    _reply, chunks = state().service.events(layout.name, chosen, client=client())
    response = Response(chunks, content_type=layout.media_type, direct_passthrough=True)
    response.call_on_close(chunks.close)  # the worker comes back however the transfer ends
    response.headers["Content-Disposition"] = f'attachment; filename="{layout.filename}"'
    return response


@bp.app_context_processor
def event_downloads() -> dict[str, Any]:
    """Links to the four layouts with the current filters, on `/ties` and on canned queries about ties."""
    if request.endpoint == "api.run":
        query = state().queries.get((request.view_args or {}).get("name", ""))
        if query is None or "ties" not in query.tags:
            return {}
    elif request.endpoint != "ties.page":
        return {}
    params: dict[str, Any] = {name: value for name in FILTERS if (value := request.args.get(name, "").strip())}
    return {
        "event_downloads": [
            (layout.title, url_for("events.export", extension=layout.extension, **params))
            for layout in LAYOUTS.values()
        ]
    }
