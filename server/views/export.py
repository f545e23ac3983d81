"""Whole-dataset and per-graph exports, streamed from a worker, gzip-compressed on request."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request

from server import formats
from server.responses import content_type, service
from server.service import ServiceError

bp = Blueprint("export", __name__)


def _gzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: gzip container
    for chunk in chunks:
        if data := compressor.compress(chunk):
            yield data
    yield compressor.flush()


def _wants_gzip() -> bool:
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, *params = (item.strip() for item in part.split(";"))
        if coding.lower() in ("gzip", "x-gzip"):
            q = next((p.partition("=")[2] for p in params if p.lower().startswith("q=")), "1")
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def _stream(extension: str, graph: str | None, filename: str) -> Response:
    fmt = formats.by_extension(extension, formats.DATASET_FORMATS if graph is None else formats.TRIPLE_FORMATS + formats.DATASET_FORMATS)
    if fmt is None:
        raise ServiceError(404, f"no export format .{extension}; try {', '.join('.' + f.extension for f in formats.DATASET_FORMATS)}")
    _reply, chunks = service().dump(fmt, graph)
    response = Response(chunks, content_type=content_type(fmt), direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt.extension}"'
    response.vary.add("Accept-Encoding")
    if _wants_gzip():
        response.response = _gzip(chunks)
        response.headers["Content-Encoding"] = "gzip"
    return response


@bp.route("/export.<extension>")
def dataset(extension: str) -> Response:
    return _stream(extension, None, "astana-kg")


@bp.route("/export/<path:path>.<extension>")
def graph(path: str, extension: str) -> Response:
    """One article's graph: `/export/article/{slug}.ttl` is the graph named base IRI + `article/{slug}`."""
    return _stream(extension, current_app.extensions["kg.iri_map"].iri_for(path), path.replace("/", "-"))
