"""Whole-dataset and per-graph exports, streamed from a worker, gzip-compressed on request.

The body is the pool's `Body`, closed with the response whatever happens
(read to the end, client gone, an error), so an export never keeps a worker.
HEAD answers from a one-row existence check and never starts an export.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import pyoxigraph
from flask import Blueprint, Response, request

from server import formats
from server.responses import content_type
from server.service import ServiceError
from server.state import client, state

bp = Blueprint("export", __name__)

#: What HEAD asks instead of exporting: is there a store, and (with ?g bound) is there such a graph.
HEAD_CHECKS = {False: "ASK {}", True: "ASK { GRAPH ?g { ?s ?p ?o } }"}


def _gzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
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
    offered = formats.DATASET_FORMATS if graph is None else formats.TRIPLE_FORMATS + formats.DATASET_FORMATS
    fmt = formats.by_extension(extension, offered)
    if fmt is None:
        raise ServiceError(
            404, f"no export format .{extension}; try {', '.join('.' + f.extension for f in formats.DATASET_FORMATS)}"
        )
    svc, who, gzip = state().service, client(), _wants_gzip()
    if request.method == "HEAD":
        bindings = {} if graph is None else {"g": pyoxigraph.NamedNode(graph)}
        answer = svc.query(
            HEAD_CHECKS[graph is not None],
            client=who,
            bindings=bindings,
            results_format=formats.RESULT_FORMATS[0],
            graph_format=None,
        )
        if b"true" not in answer.body:
            raise ServiceError(404, f"no graph {graph}")
        response = Response(content_type=content_type(fmt))
    else:
        _reply, chunks = svc.dump(fmt, graph, client=who)
        response = Response(_gzip(chunks) if gzip else chunks, content_type=content_type(fmt), direct_passthrough=True)
        response.call_on_close(chunks.close)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt.extension}"'
    response.vary.add("Accept-Encoding")
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
    return response


@bp.route("/export.<extension>")
def dataset(extension: str) -> Response:
    return _stream(extension, None, "astana-kg")


@bp.route("/export/<path:path>.<extension>")
def graph(path: str, extension: str) -> Response:
    """One article's graph: `/export/article/{slug}.ttl` is the graph named base IRI + `article/{slug}`."""
    iri = state().iri_map.iri_for(path)
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError:
        raise ServiceError(404, f"no graph {iri!r}: not a valid IRI") from None
    return _stream(extension, iri, path.replace("/", "-"))
