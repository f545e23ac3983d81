"""Canned queries: `queries/*.rq` files with grlc decorators, and their typed, safely bound parameters.

A variable `?_name` is a required parameter, `?__name` an optional one; a
suffix types it (`_iri`, `_xsd_integer`, `_xsd_date`, ..., `_number`,
`_literal`, or a language tag such as `_en`). A value is validated and turned
into an RDF term by pyoxigraph, and the term's own serialization replaces the
variable in the query (SEP-0007 style). The client's text is never spliced:
`KZ" } DROP ALL #` becomes the harmless literal `"KZ\\" } DROP ALL #"`, and an
invalid IRI or date is a 400.

Why not pyoxigraph's `substitutions`: in 0.5.13 a substituted variable must
appear in the SELECT projection and acts as a join at the root, so
`FILTER(COALESCE(?date >= ?__since, true))` inside the pattern would not see it.
Optional parameters that are not given stay unbound, so queries test them with
`COALESCE(<test>, true)`.

A `_fts` parameter is text to look up in the full-text index (see
`server.search`), and stands for the rows of a VALUES block: in
`VALUES (?resource ?rank) { ?_q_fts }` it becomes one `(<iri> rank)` row per
match (rank 1 the best), as many as the requested page needs, restricted to the kind
given as the query's `kind` parameter if it has one. Only IRIs minted from the
index are written into the query, never the text itself.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import Any

import pyoxigraph

from kg.vocab import XSD
from server import decorators, sparql_text


class ParameterError(ValueError):
    """A parameter value that is missing or not of its declared type (answered with 400)."""


_LEXICAL = {
    "integer": r"[+-]?\d+",
    "int": r"[+-]?\d+",
    "long": r"[+-]?\d+",
    "nonNegativeInteger": r"\+?\d+",
    "positiveInteger": r"\+?0*[1-9]\d*",
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "double": r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN",
    "float": r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN",
    "boolean": r"true|false|1|0",
    "date": r"\d{4}-\d{2}-\d{2}",
    "dateTime": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
    "gYear": r"\d{4}",
    "gYearMonth": r"\d{4}-\d{2}",
    "string": r".*",
}
_SUFFIX = re.compile(r"^(?P<name>.+?)(?:_(?P<type>iri|number|literal|fts|xsd_[A-Za-z]+|[a-z]{2}))?$")
#: Looks text up in a full-text index: (text, at most this many, of these kinds or all) → (IRI, rank), best first.
FullText = Callable[[str, int, tuple[str, ...]], list[tuple[str, int]]]
#: The folder, beside the canned queries, of their forms for stores without `LATERAL` (see `load_queries`).
PORTABLE = "portable"
#: A line that stands for a paginated query's `LIMIT … OFFSET …`, which otherwise end it. A portable form (see
#: `load_queries`) pages the subquery that picks its rows, one row of the answer each, so that the rest of the
#: query runs for the page's rows only.
PAGE_LINE = "# LIMIT and OFFSET of the page"
#: Matches a full-text parameter asks for at most (the pages a client can reach).
MAX_MATCHES = 1000


@dataclass(frozen=True)
class Matches:
    """A full-text parameter's value: rows `(<iri> rank)` of a VALUES block, written as SPARQL terms."""

    hits: tuple[tuple[str, int], ...]

    def __str__(self) -> str:
        return " ".join(f"({pyoxigraph.NamedNode(iri)} {pyoxigraph.Literal(int(rank))})" for iri, rank in self.hits)


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str
    required: bool
    kind: str  # "iri", "literal", "number", "fts", "xsd:<type>", or "lang:<tag>"
    default: str | None = None
    enum: tuple[str, ...] | None = None

    @classmethod
    def from_variable(cls, variable: str) -> Parameter | None:
        if not variable.startswith("_") or variable == "_":
            return None
        required = not variable.startswith("__")
        match = _SUFFIX.match(variable.lstrip("_"))
        if match is None:
            return None
        kind = match.group("type") or "literal"
        if kind.startswith("xsd_"):
            kind = "xsd:" + kind[4:]
        elif kind not in ("iri", "number", "literal", "fts"):
            kind = "lang:" + kind
        return cls(match.group("name"), variable, required, kind)

    def term(self, raw: str) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
        if self.enum is not None and raw not in self.enum:
            raise ParameterError(f"parameter {self.name!r} must be one of {', '.join(self.enum)}")
        if self.kind == "iri":
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", raw):
                raise ParameterError(f"parameter {self.name!r} must be an absolute IRI")
            try:
                return pyoxigraph.NamedNode(raw)
            except ValueError as error:
                raise ParameterError(f"parameter {self.name!r} is not a valid IRI: {error}") from None
        if self.kind == "number":
            return self._typed(raw, "decimal" if re.fullmatch(_LEXICAL["decimal"], raw) and "." in raw else "integer")
        if self.kind.startswith("xsd:"):
            return self._typed(raw, self.kind[4:])
        if self.kind.startswith("lang:"):
            return pyoxigraph.Literal(raw, language=self.kind[5:])
        return pyoxigraph.Literal(raw)

    def _typed(self, raw: str, xsd_type: str) -> pyoxigraph.Literal:
        pattern = _LEXICAL.get(xsd_type)
        if pattern is not None and not re.fullmatch(pattern, raw):
            raise ParameterError(f"parameter {self.name!r} must be an xsd:{xsd_type}, not {raw!r}")
        if xsd_type == "date":
            try:
                datetime.date.fromisoformat(raw)
            except ValueError:
                raise ParameterError(f"parameter {self.name!r} is not a valid date: {raw!r}") from None
        return pyoxigraph.Literal(raw, datatype=pyoxigraph.NamedNode(XSD + xsd_type))

    @property
    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the value, for OpenAPI."""
        schema: dict[str, Any] = {"type": "string"}
        if self.kind == "iri":
            schema["format"] = "iri"
        elif self.kind == "number" or self.kind in ("xsd:integer", "xsd:int", "xsd:long"):
            schema = {"type": "integer"} if self.kind != "number" else {"type": "number"}
        elif self.kind == "xsd:decimal":
            schema = {"type": "number"}
        elif self.kind == "xsd:date":
            schema["format"] = "date"
        elif self.kind == "xsd:dateTime":
            schema["format"] = "date-time"
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.default is not None:
            schema["default"] = self.default
        return schema


@dataclass(frozen=True)
class CannedQuery:
    name: str
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    pagination: int | None = None
    decorators: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_file(cls, path: Traversable) -> CannedQuery:
        text = path.read_text(encoding="utf-8")
        meta = decorators.parse(decorators.decorator_lines(text))
        defaults = _merge(meta.get("defaults"))
        enums = _merge(meta.get("enumerate"))
        parameters = []
        for variable in sparql_text.variables(text):
            parameter = Parameter.from_variable(variable)
            if parameter is None:
                continue
            values = enums.get(parameter.name)
            parameters.append(
                Parameter(
                    parameter.name,
                    variable,
                    parameter.required,
                    parameter.kind,
                    None if defaults.get(parameter.name) is None else str(defaults[parameter.name]),
                    tuple(str(v) for v in values) if isinstance(values, list) else None,
                )
            )
        tags = meta.get("tags") or ()
        return cls(
            name=path.name.removesuffix(".rq"),
            text=text,
            summary=str(meta.get("summary") or ""),
            description=str(meta.get("description") or ""),
            tags=tuple(tags) if isinstance(tags, list) else (str(tags),),
            parameters=tuple(parameters),
            pagination=int(meta["pagination"]) if meta.get("pagination") else None,
            decorators=meta,
        )

    def portable(self, path: Traversable) -> CannedQuery:
        """This query with the text of its portable form (see `load_queries`), which takes the same parameters."""
        text = path.read_text(encoding="utf-8")
        given = {variable for variable in sparql_text.variables(text) if Parameter.from_variable(variable)}
        if given != {parameter.variable for parameter in self.parameters}:
            raise ValueError(f"{PORTABLE}/{path.name} does not take the parameters of {self.name}.rq")
        return dataclasses.replace(self, text=text)

    def bind(
        self,
        args: dict[str, str],
        fulltext: FullText | None = None,
    ) -> tuple[str, dict[str, pyoxigraph.NamedNode | pyoxigraph.Literal | Matches]]:
        """The query text (with LIMIT/OFFSET when paginated) and the terms to put in place of its variables.

        `fulltext` answers the query's `_fts` parameter, if it has one.
        """
        page = args.get("page", "1")
        if not re.fullmatch(r"\d{1,9}", page) or int(page) < 1:
            raise ParameterError("page must be a positive integer")
        bindings: dict[str, pyoxigraph.NamedNode | pyoxigraph.Literal | Matches] = {}
        for parameter in sorted(self.parameters, key=lambda p: p.kind == "fts"):  # `kind` is checked first
            raw = args.get(parameter.name) or parameter.default
            if raw is None or raw == "":
                if parameter.required:
                    raise ParameterError(f"missing required parameter {parameter.name!r}")
                continue
            if parameter.kind == "fts":
                if fulltext is None:
                    raise ParameterError(f"parameter {parameter.name!r} needs a full-text index, which is missing")
                wanted = min(int(page) * (self.pagination or MAX_MATCHES), MAX_MATCHES)
                kinds = (args["kind"],) if "kind" in (p.name for p in self.parameters) and args.get("kind") else ()
                bindings[parameter.variable] = Matches(tuple(fulltext(raw, wanted, kinds)))
            else:
                bindings[parameter.variable] = parameter.term(raw)
        text = self.text
        if self.pagination:
            clause = f"LIMIT {self.pagination} OFFSET {(int(page) - 1) * self.pagination}"
            lines = text.splitlines()
            marked = [number for number, line in enumerate(lines) if line.strip() == PAGE_LINE]
            if marked:
                lines[marked[0]] = lines[marked[0]].replace(PAGE_LINE, clause)
                text = "\n".join(lines) + "\n"
            else:
                text += f"\n{clause}\n"
        return text, bindings


def _merge(items: Any) -> dict[str, Any]:
    """grlc writes `defaults`/`enumerate` as a list of one-key mappings (or bare names)."""
    merged: dict[str, Any] = {}
    for item in items or ():
        if isinstance(item, dict):
            merged.update(item)
        else:
            merged[str(item)] = None
    return merged


def load_queries(directory: Traversable, portable: bool = False) -> dict[str, CannedQuery]:
    """Every `*.rq` file of a folder (a package resource: see `kg.config.queries_dir`), by name.

    With `portable`, for a store without Oxigraph's `LATERAL` (see `kg.stores.reads_lateral`), a query
    with a form in `portable/` of the same name runs that text instead: plain SPARQL 1.1, the same
    parameters and rows. The decorators (summary, parameters' defaults, pagination) stay those of the
    main file.
    """
    found = sorted((path for path in directory.iterdir() if path.name.endswith(".rq")), key=lambda path: path.name)
    queries = {query.name: query for query in map(CannedQuery.from_file, found)}
    if portable:
        for path in (path for path in directory.joinpath(PORTABLE).iterdir() if path.name.endswith(".rq")):
            queries[path.name.removesuffix(".rq")] = queries[path.name.removesuffix(".rq")].portable(path)
    return queries
