"""The Astana KG HTTP server: SPARQL 1.1 Protocol, canned-query API, exports and linked data.

`create_app` builds the Flask application (one blueprint per concern, see
`server.views`); `serve` runs it under waitress. Queries never run in the web
server's threads: they go to supervised worker processes (`server.pool`) so a
timeout can stop them, and the server itself never opens the store read-write.

The web-side modules are imported inside the functions, not here: every query
worker imports this package first (it runs `server.engine`), and a worker that
replaces a killed one should be ready in a fraction of a second, without
loading Flask, rdflib and the views it never uses.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask, Response

    from kg.config import Settings
    from server.service import ServiceError

__all__ = ["create_app", "serve"]


def create_app(settings: Settings, *, worker_initializer: Callable[[], None] | None = None) -> Flask:
    """The WSGI application. `worker_initializer` runs first in each query worker (a picklable function)."""
    import atexit

    from flask import Flask

    from kg.config import queries_dir
    from server.canned import load_queries
    from server.iri_map import IriMap
    from server.search import FullText
    from server.service import QueryService, ServiceError
    from server.views import api, article, export, health, linked_data, sparql, ties, ui

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024  # Graph Store uploads; queries are capped separately
    service = QueryService(settings, worker_initializer)
    app.extensions["kg.service"] = service
    app.extensions["kg.queries"] = load_queries(queries_dir())
    app.extensions["kg.iri_map"] = IriMap(settings.base_iri)
    app.extensions["kg.fulltext"] = FullText(settings.store, service)
    for blueprint in (sparql.bp, api.bp, export.bp, linked_data.bp, health.bp, ui.bp, article.bp, ties.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(ServiceError, _error_response)
    app.after_request(_cors)
    atexit.register(service.close)
    return app


def _error_response(error: ServiceError) -> Response:
    from flask import Response

    from server.views.ui import error_page

    if (page := error_page(error)) is not None:
        return page
    return Response(error.message + "\n", status=error.status, content_type="text/plain; charset=utf-8")


def _cors(response: Response) -> Response:
    """CORS for reads: any origin, no credentials, and no Authorization header (so no cross-origin writes)."""
    from flask import request

    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "X-SPARQL-Truncated, Link, Content-Disposition"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def serve(settings: Settings) -> None:
    """Run the production WSGI server (waitress) until interrupted; prints the URL first."""
    from waitress import create_server

    app = create_app(settings)
    options = settings.server
    server = create_server(app, host=options.host, port=options.port, threads=options.threads)
    url = f"http://{server.effective_host}:{server.effective_port}"
    print(f"Astana KG serving {settings.store} at {url}/ (SPARQL endpoint {url}/sparql); Ctrl-C stops", flush=True)
    # A service manager stops us with SIGTERM: leave through `finally` so the query workers stop too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["kg.service"].close()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
