"""SPARQL results for a terminal or a file: pyoxigraph's serialisers, plus a plain table."""

from __future__ import annotations

import io
from typing import TextIO

import pyoxigraph

from kg.vocab import PREFIXES

_RESULT_FORMATS = {
    "json": pyoxigraph.QueryResultsFormat.JSON,
    "xml": pyoxigraph.QueryResultsFormat.XML,
    "csv": pyoxigraph.QueryResultsFormat.CSV,
    "tsv": pyoxigraph.QueryResultsFormat.TSV,
}


def write_results(results, fmt: str, out: TextIO) -> None:
    """SELECT/ASK results in `fmt`; CONSTRUCT/DESCRIBE results (any iterable of triples) always as Turtle."""
    if not isinstance(results, (pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean)):
        out.write(_text(pyoxigraph.serialize(results, format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)))
        return
    if fmt == "table":
        out.write(table(results))
        return
    out.write(_text(results.serialize(format=_RESULT_FORMATS[fmt])))
    out.write("\n")


def _text(serialized: bytes | None) -> str:
    """What pyoxigraph serialized to bytes: it returns None only when given an output to write to."""
    if serialized is None:
        raise RuntimeError("pyoxigraph serialized nothing")
    return serialized.decode()


def short(term) -> str:
    """A term as a person reads it: prefixed names, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return f"<{term.value}>"
    return term.value if isinstance(term, pyoxigraph.Literal) else str(term)


def table(results) -> str:
    if isinstance(results, pyoxigraph.QueryBoolean):
        return f"{bool(results)}\n"
    names = [v.value for v in results.variables]
    rows = [[short(solution[name]) for name in names] for solution in results]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
    out = io.StringIO()
    line = lambda cells: "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"  # noqa: E731
    out.write(line(names))
    out.write(line(["-" * w for w in widths]))
    for row in rows:
        out.write(line(row))
    out.write(f"({len(rows)} rows)\n")
    return out.getvalue()
