"""Extras for the resource pages of `server.views.linked_data`: a neighbourhood picture, and the article reader.

The resource view stays as it is; this blueprint only adds to what
`resource.html` can show. The neighbourhood is laid out here (a ring of
linked resources around the page's own) and drawn as inline SVG, so it needs no
JavaScript. An article page (`/resource/article/...`) also shows its body with
the entities it mentions highlighted and linked, and the events and
agreements found in it: the graph stores which entities an article mentions,
not where, so the mentions are found again by their names.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pyoxigraph
from flask import Blueprint, request

from kg.vocab import AKG, NIF, RDF, RDFS, SCHEMA
from server.state import client, state

bp = Blueprint("article", __name__)

RING = 14  # neighbours drawn around the resource; the tables list all of them
RADIUS = 130

BODY = f"SELECT (SAMPLE(?text) AS ?body) WHERE {{ ?article <{SCHEMA}articleBody> ?text }}"
NAMES = f"""SELECT DISTINCT ?entity ?kind ?name WHERE {{
  ?article <{SCHEMA}mentions> ?entity .
  VALUES (?class ?kind) {{ (<{AKG}Person> "person") (<{AKG}Country> "country") (<{AKG}Organization> "organization") }}
  ?entity a ?class .
  {{ ?entity <{RDFS}label> ?name }} UNION {{ ?entity <{SCHEMA}name> ?name }} UNION {{ ?entity <{SCHEMA}alternateName> ?name }}
}}"""
REPORTS = f"""SELECT ?item ?type (SAMPLE(?l) AS ?label) (MIN(?d) AS ?date) (SAMPLE(?g) AS ?goldstein) (SAMPLE(?e) AS ?evidence)
  (GROUP_CONCAT(DISTINCT ?countryName; separator=", ") AS ?countries)
WHERE {{
  ?article <{AKG}reports> ?item . ?item a ?class .
  FILTER(STRSTARTS(STR(?class), "{AKG}") && ?class != <{AKG}Event>)
  BIND(STRAFTER(STR(?class), "#") AS ?type)
  OPTIONAL {{ ?item <{RDFS}label> ?l }}
  OPTIONAL {{ ?item <{SCHEMA}startDate> ?d }}
  OPTIONAL {{ ?item <{AKG}goldstein> ?g }}
  OPTIONAL {{ ?item <{AKG}evidence>/<{NIF}anchorOf> ?e }}
  OPTIONAL {{ ?item <{AKG}involvesCountry>|<{AKG}party> ?c . ?c a <{AKG}Country> ; <{RDFS}label> ?countryName }}
}} GROUP BY ?item ?type ORDER BY ?date ?item"""


@bp.app_context_processor
def article_page() -> dict[str, Any]:
    """On an article's HTML resource page: its highlighted body and what was extracted from it."""
    if request.endpoint != "linked_data.resource":
        return {}
    path = (request.view_args or {}).get("path", "")
    if not path.startswith("article/") or "." in path.rpartition("/")[2]:
        return {}
    node = pyoxigraph.NamedNode(state().iri_map.iri_for(path))
    svc, who = state().service, client()
    body = svc.select(BODY, {"article": node}, client=who)
    text = body[0]["body"]["value"] if body and "body" in body[0] else ""
    rows = svc.select(NAMES, {"article": node}, client=who)
    names = [(row["name"]["value"], row["entity"]["value"], row["kind"]["value"]) for row in rows]
    reports = svc.select(REPORTS, {"article": node}, client=who)
    return {"article": {"segments": highlight(text, names), "reports": reports}}


def highlight(text: str, names: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """Split `text` into plain and mention segments; longest names win, whole words only, case-sensitive.

    Persons are often named again by surname alone ("Tokayev said"), so a
    person's last name counts too unless another entity claims that word.
    """
    forms: dict[str, tuple[str, str]] = {}
    for name, entity, kind in names:
        forms.setdefault(name, (entity, kind))
    for name, entity, kind in names:
        surname = name.split()[-1] if kind == "person" and " " in name else ""
        if len(surname) > 3:
            forms.setdefault(surname, (entity, kind))
    forms = {name: target for name, target in forms.items() if len(name) > 1}
    if not text or not forms:
        return [{"text": text}] if text else []
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(forms, key=len, reverse=True)) + r")(?!\w)"
    )
    segments: list[dict[str, str]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            segments.append({"text": text[position : match.start()]})
        entity, kind = forms[match.group(1)]
        segments.append({"text": match.group(1), "entity": entity, "kind": kind})
        position = match.end()
    if position < len(text):
        segments.append({"text": text[position:]})
    return segments


@bp.app_template_global()
def neighbourhood(iri: str, label: str, facts: list[dict], incoming: list[dict]) -> dict[str, Any]:
    """SVG layout of the resource and up to RING linked resources (outgoing first), on a circle."""
    seen: dict[str, dict[str, Any]] = {}
    for fact in facts:
        if (
            fact["o"]["type"] == "uri"
            and fact["p"]["value"] != RDF + "type"
            and fact["o"]["value"] != iri
            and "#" not in fact["o"]["value"]
        ):
            seen.setdefault(
                fact["o"]["value"],
                {
                    "iri": fact["o"]["value"],
                    "label": _label(fact["o"]["value"], fact.get("label")),
                    "via": _local(fact["p"]["value"]),
                    "out": True,
                },
            )
    for group in incoming:
        for link in group["links"]:
            if link["s"]["type"] == "uri" and link["s"]["value"] != iri:
                seen.setdefault(
                    link["s"]["value"],
                    {
                        "iri": link["s"]["value"],
                        "label": _label(link["s"]["value"], link.get("label")),
                        "via": _local(group["p"]["value"]),
                        "out": False,
                    },
                )
    nodes = list(seen.values())[:RING]
    for index, node in enumerate(nodes):
        angle = 2 * math.pi * index / max(len(nodes), 1) - math.pi / 2
        node["x"], node["y"] = round(RADIUS * 1.6 * math.cos(angle)), round(RADIUS * math.sin(angle))
        node["anchor"] = "middle" if abs(node["x"]) < 40 else ("start" if node["x"] > 0 else "end")
    return {"center": {"iri": iri, "label": label}, "nodes": nodes, "more": max(len(seen) - RING, 0)}


def _label(iri: str, label: dict | None) -> str:
    text = label["value"] if label else _local(iri)
    return text if len(text) <= 28 else text[:27] + "…"


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1]
