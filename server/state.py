"""The server's shared objects, reached by every view through one typed accessor (no string lookups).

`create_app` builds one `KgState` and stores it on the application, a `KgApp`;
views call `state()` for the query service, the canned queries, the IRI map,
the full-text search and the settings, and `client()` for who is asking (the key of the pool's
per-client limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from flask import Flask, current_app, request

from kg.config import Settings
from server.canned import CannedQuery
from server.iri_map import IriMap
from server.service import QueryService

if TYPE_CHECKING:  # server.search asks `client()` who is searching
    from server.search import FullText


@dataclass(frozen=True)
class KgState:
    settings: Settings
    service: QueryService
    queries: dict[str, CannedQuery]
    iri_map: IriMap
    fulltext: FullText


class KgApp(Flask):
    """The Flask application with the server's `KgState` as a typed attribute."""

    kg: KgState


def state() -> KgState:
    """The running application's shared objects."""
    return cast(KgApp, current_app).kg


def page_number() -> int:
    """The request's `page` argument: a positive integer, 1 when missing or not one."""
    asked = request.args.get("page", "1")
    return int(asked) if asked.isdigit() and int(asked) > 0 else 1


def client() -> str:
    """The address the request comes from (waitress rewrites it from X-Forwarded-For for a trusted proxy)."""
    return request.remote_addr or "unknown"
