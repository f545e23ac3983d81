"""`/healthz`: is the server up, and does a worker answer a trivial query."""

from __future__ import annotations

from flask import Blueprint, jsonify

from server import formats
from server.responses import service
from server.service import ServiceError

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    svc = service()
    try:
        svc.query("ASK {}", results_format=formats.RESULT_FORMATS[0], graph_format=None, timeout=5)
    except ServiceError as error:
        return jsonify(status="error", detail=error.message), 503
    return jsonify(status="ok", generation=svc.generation.current(), store=str(svc.settings.store))
