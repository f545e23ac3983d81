"""JSON-LD with the project's context: pyoxigraph's fast expanded output, compacted.

pyoxigraph serialises expanded JSON-LD in Rust; rdflib can compact but is
slow. The compaction needed here is narrow — our own context, flat node
objects — so it is done directly: each property IRI becomes the context term
whose `@type` coercion fits every value (`"mentions": ["…"]`, `"datePublished":
"2023-11-07"`), else a prefixed name with the values kept as value objects.
The result expands back to exactly the same statements.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph

from kg.config import ontology_file

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@lru_cache(maxsize=1)
def context() -> dict[str, Any]:
    """The `@context` object of `ontology/context.jsonld`."""
    return json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))["@context"]


class _Compactor:
    def __init__(self, ctx: dict[str, Any]) -> None:
        self.prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#"))}
        self.classes: dict[str, str] = {}
        self.terms: dict[str, list[tuple[str, str | None]]] = {}
        for term, definition in ctx.items():
            if term.startswith("@") or term in self.prefixes:
                continue
            iri, coercion = (
                (definition, None) if isinstance(definition, str) else (definition.get("@id"), definition.get("@type"))
            )
            if iri is None or iri.startswith("@"):
                continue
            full = self.expand(iri)
            self.terms.setdefault(full, []).append((term, self.expand(coercion) if coercion else None))
            if isinstance(definition, str):
                self.classes[full] = term

    def expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else value

    def shorten(self, iri: str) -> str:
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and iri[len(namespace) :] and ":" not in iri[len(namespace) :]:
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def node(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, values in node.items():
            if key == "@id":
                out["id"] = values
            elif key == "@type" or (key == RDF_TYPE and all(set(v) == {"@id"} for v in values)):
                iris = values if key == "@type" else [v["@id"] for v in values]
                types = [self.classes.get(t) or self.shorten(t) for t in iris]
                out["type"] = types[0] if len(types) == 1 else types
            elif key == "@graph":
                out["@graph"] = [self.node(n) for n in values]
            else:
                name, compacted = self.property(key, values)
                out[name] = compacted[0] if len(compacted) == 1 else compacted
        return out

    def property(self, iri: str, values: list[dict[str, Any]]) -> tuple[str, list[Any]]:
        for term, coercion in self.terms.get(iri, ()):
            if coercion == "@id" and all(set(v) == {"@id"} for v in values):
                return term, [v["@id"] for v in values]
            if coercion not in (None, "@id") and all(v.get("@type") == coercion for v in values):
                return term, [v["@value"] for v in values]
            if coercion is None and all("@id" not in v for v in values):
                return term, [self.untyped(v) for v in values]
        return self.shorten(iri), [self.value_object(v) for v in values]

    @staticmethod
    def untyped(value: dict[str, Any]) -> Any:
        """A plain string stays a string; any other literal keeps its value object."""
        if set(value) == {"@value"} or (set(value) == {"@value", "@type"} and value["@type"] == XSD_STRING):
            return value["@value"]
        return value

    def value_object(self, value: dict[str, Any]) -> Any:
        if set(value) == {"@id"}:
            return {"@id": value["@id"]}
        return self.untyped(value) if "@type" not in value else value


@lru_cache(maxsize=1)
def _compactor() -> _Compactor:
    return _Compactor(context())


def compact(expanded: list[dict[str, Any]]) -> dict[str, Any]:
    """Compact pyoxigraph's expanded JSON-LD (a list of node or named-graph objects)."""
    compactor = _compactor()
    return {"@context": context(), "@graph": [compactor.node(node) for node in expanded]}


def compact_bytes(expanded_json: bytes) -> bytes:
    """pyoxigraph's expanded JSON-LD bytes → compacted JSON-LD bytes, context embedded."""
    document = compact(json.loads(expanded_json or b"[]"))
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def serialize(statements: Iterable[pyoxigraph.Quad] | Iterable[pyoxigraph.Triple]) -> bytes:
    """Triples or quads as compacted JSON-LD; named graphs stay named graphs."""
    expanded = pyoxigraph.serialize(statements, format=pyoxigraph.RdfFormat.JSON_LD)
    if expanded is None:  # pyoxigraph returns None only when given an output to write to
        raise RuntimeError("pyoxigraph.serialize returned no bytes")
    return compact_bytes(expanded)
