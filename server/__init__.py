"""The Astana KG HTTP server: SPARQL 1.1 Protocol, canned-query API, exports and linked data.

`create_app` builds the Flask application (one blueprint per concern, see
`server.views`); `serve` runs it under waitress. Queries never run in the web
server's threads: they go to supervised worker processes (`server.pool`) that
cannot open network connections (`server.sandbox`), so a timeout can stop
them and federation cannot reach anything; the server itself never opens the
store read-write. Over a remote store (`--store http(s)://…`) the same workers
relay the same jobs to it (`server.remote`).

The web-side modules are imported inside the functions, not here: every query
worker imports this package first (it runs `server.engine`), and a worker that
replaces a killed one should be ready in a fraction of a second, without
loading Flask, rdflib and the views it never uses.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Response
    from waitress.server import BaseWSGIServer, MultiSocketServer

    from kg.config import Settings
    from server.service import ServiceError
    from server.state import KgApp

__all__ = ["create_app", "serve", "wsgi_server"]

log = logging.getLogger(__name__)

#: The only inline styles allowed, by hash: the two `<style>` elements the vendored YASR table inserts (its
#: column resizer's layout, and the cursor while a column is dragged). A YASGUI upgrade that changes them
#: fails the browser tests, which fail on any CSP violation.
YASR_STYLE_HASHES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)
#: Sent with every response. Scripts come from this server only (no inline code: the one JSON island on /ties
#: is `type="application/json"`, which is data, not script), styles too but for the hashes above; no framing;
#: no referrer, since URLs here carry queries.
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            " ".join(("style-src 'self'", *YASR_STYLE_HASHES)),
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings, *, worker_initializer: Callable[[], None] | None = None) -> KgApp:
    """The WSGI application. `worker_initializer` runs first in each query worker (a picklable function)."""
    import atexit

    from kg.config import queries_dir
    from kg.stores import reads_lateral
    from server.access import AccessLog
    from server.canned import load_queries
    from server.iri_map import IriMap
    from server.search import FullText
    from server.service import QueryService, ServiceError
    from server.state import KgApp, KgState
    from server.views import api, article, events, export, health, linked_data, sparql, ties, ui

    app = KgApp(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024  # Graph Store uploads; queries are capped separately
    service = QueryService(settings, worker_initializer)
    app.kg = KgState(
        settings,
        service,
        load_queries(queries_dir(), portable=not reads_lateral(settings)),
        IriMap(settings.base_iri),
        FullText(settings.store, service),
    )
    for blueprint in (sparql.bp, api.bp, export.bp, linked_data.bp, health.bp, ui.bp, article.bp, ties.bp, events.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(ServiceError, _error_response)
    app.after_request(_cors)
    app.after_request(_security_headers)
    app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    atexit.register(service.close)
    return app


def _error_response(error: ServiceError) -> Response:
    from flask import Response

    from server.views.ui import error_page

    response = error_page(error)
    if response is None:
        response = Response(error.message + "\n", status=error.status, content_type="text/plain; charset=utf-8")
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _cors(response: Response) -> Response:
    """CORS for reads: any origin, no credentials, and no Authorization header (so no cross-origin writes)."""
    from flask import request

    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "X-SPARQL-Truncated, Link, Content-Disposition, Retry-After"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def wsgi_server(app: KgApp) -> BaseWSGIServer | MultiSocketServer:
    """The waitress server for the app, as its settings say (threads, address, trusted proxy)."""
    from waitress import create_server

    options = app.kg.settings.server
    proxy = {"trusted_proxy": options.trusted_proxy, "trusted_proxy_headers": {"x-forwarded-for"}}
    return create_server(
        app, host=options.host, port=options.port, threads=options.threads, **(proxy if options.trusted_proxy else {})
    )


def serve(settings: Settings) -> None:
    """Run the production WSGI server (waitress) until interrupted; prints the URL first."""
    app = create_app(settings)
    server = wsgi_server(app)
    url = f"http://{server.effective_host}:{server.effective_port}"
    service = app.kg.service
    print(f"Astana KG serving {service.backend} at {url}/ (SPARQL endpoint {url}/sparql); Ctrl-C stops", flush=True)
    log.info(
        "serving",
        extra={
            "fields": {
                "url": url,
                "store": settings.location,
                "backend": service.backend,
                "workers": settings.server.workers,
                "threads": settings.server.threads,
                "network_fence": service.pool.fence,
            }
        },
    )
    # A service manager stops us with SIGTERM: leave through `finally` so the query workers stop too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.kg.service.close()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
