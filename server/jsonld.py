"""Compact pyoxigraph's expanded JSON-LD with the project context (`ontology/context.jsonld`).

pyoxigraph 0.5 writes expanded JSON-LD only. A full JSON-LD compaction
processor would be a dependency and slow; the context is simple enough that
a few safe rewrites give the readable form: `rdf:type` becomes `@type`, a property IRI becomes its term
when the term's coercion fits every value (`@id` terms take bare IRIs, typed
terms bare lexical forms), class IRIs become their terms, and other IRIs
become prefixed names. Anything that does not fit stays explicit, so the
result always expands back to the same triples (the tests check with rdflib).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from kg.config import ONTOLOGY_DIR

CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class Compactor:
    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.prefixes: dict[str, str] = {}
        self.terms: dict[str, tuple[str, str | None]] = {}  # IRI -> (term, coercion)
        for term, definition in context.items():
            if term.startswith("@"):
                continue
            if isinstance(definition, str) and not definition.startswith("@"):
                if definition.endswith(("#", "/")):
                    self.prefixes[term] = definition
                else:
                    self.terms.setdefault(self._expand(definition), (term, None))
            elif isinstance(definition, dict) and set(definition) <= {"@id", "@type"} and "@id" in definition:
                coercion = definition.get("@type")
                self.terms.setdefault(self._expand(definition["@id"]), (term, coercion and self._expand(coercion)))

    def _expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.context and isinstance(self.context[prefix], str) and not local.startswith("//"):
            return self.context[prefix] + local
        return value

    def iri(self, iri: str) -> str:
        """A prefixed name when a prefix fits, else the IRI itself."""
        for prefix, namespace in self.prefixes.items():
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and "/" not in local and ":" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return iri

    def compact(self, expanded: list[dict[str, Any]]) -> dict[str, Any]:
        return {"@context": self.context, "@graph": [self._node(node) for node in expanded]}

    def _node(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, values in node.items():
            if key == "@id":
                out[key] = self.iri(values)
            elif key == "@type":
                out[key] = [self._class(value) for value in values]
            elif key == "@graph":
                out[key] = [self._node(value) for value in values]
            elif key == RDF_TYPE and all(set(value) == {"@id"} for value in values):
                out["@type"] = [self._class(value["@id"]) for value in values]
            else:
                term, compacted = self._property(key, values)
                out[term] = compacted
        return out

    def _class(self, iri: str) -> str:
        term = self.terms.get(iri)
        return term[0] if term and term[1] is None else self.iri(iri)

    def _property(self, iri: str, values: list[dict[str, Any]]) -> tuple[str, list[Any]]:
        term, coercion = self.terms.get(iri, (None, None))
        if term is not None:
            if coercion is None and all(_is_plain_value(v) or "@id" in v or "@type" in v or "@language" in v for v in values):
                return term, [self._value(v) for v in values]
            if coercion == "@id" and all(set(v) == {"@id"} for v in values):
                return term, [self.iri(v["@id"]) for v in values]
            if coercion and coercion != "@id" and all(set(v) == {"@value", "@type"} and v["@type"] == coercion for v in values):
                return term, [v["@value"] for v in values]
        return self.iri(iri), [self._value(v) for v in values]

    def _value(self, value: dict[str, Any]) -> Any:
        if _is_plain_value(value):
            return value["@value"]
        if "@id" in value and len(value) == 1:
            return {"@id": self.iri(value["@id"])}
        if "@type" in value and "@value" in value:
            return {"@value": value["@value"], "@type": self.iri(value["@type"])}
        return value


def _is_plain_value(value: dict[str, Any]) -> bool:
    """A bare string literal, which JSON-LD writes as a JSON string."""
    return set(value) == {"@value"} and isinstance(value["@value"], str)


@cache
def project_compactor(path: Path = CONTEXT_FILE) -> Compactor:
    return Compactor(json.loads(path.read_text(encoding="utf-8"))["@context"])


def compact(expanded_json: bytes) -> bytes:
    """pyoxigraph's expanded JSON-LD bytes → compacted JSON-LD bytes with the project context embedded."""
    document = project_compactor().compact(json.loads(expanded_json))
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
