"""`/healthz`: is the server up, with a store and query workers. It runs no query.

A health check that needs a free worker fails exactly when the workers are
busy with slow queries, which is when an orchestrator should *not* restart
the server; so it reports the pool's state instead of using it.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from server.state import state

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    ok, details = state().service.health()
    return jsonify(status="ok" if ok else "error", **details), 200 if ok else 503
