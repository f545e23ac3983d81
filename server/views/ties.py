"""`/ties`: bilateral ties as a network of countries, a pair's evidence and its timeline.

One canned query (`tie-evidence`) feeds everything: the network is its rows
aggregated per country pair (edge weight = number of ties, colour = mean
Goldstein score or dominant type), node size comes from `countries`
(articles mentioning the country). The page is complete without JavaScript
(filters are a GET form, the pairs a table linking to `?a=..&b=..`); with it,
Cytoscape draws the network from the same data embedded as JSON, and a click
on an edge fetches `/ties/pair`, the very fragment the page embeds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from flask import Blueprint, Response, render_template, request

from server.service import ServiceError
from server.views.ui import canned_rows, countries, plain, queries

bp = Blueprint("ties", __name__)

FILTERS = ("since", "until", "type", "country")
#: One colour per tie type, shared by the network (dominant type) and the timeline bars.
TYPE_COLOURS = {
    "Meeting": "#1f77b4", "Visit": "#17becf", "Summit": "#9467bd", "AgreementSigning": "#2ca02c",
    "Ratification": "#98df8a", "Aid": "#ff7f0e", "Trade": "#bcbd22", "Election": "#7f7f7f",
    "Appointment": "#c7c7c7", "Award": "#e377c2", "Statement": "#8c564b", "Cultural": "#f7b6d2",
    "Agreement": "#d62728",
}
BAR_WIDTH, CHART_HEIGHT = 28, 140


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "").strip() for name in FILTERS}


@bp.route("/ties")
def page() -> Response:
    filters = _filters()
    known = countries()
    error = None
    try:
        rows = plain(canned_rows("tie-evidence", **filters))
    except ServiceError as problem:  # a bad filter: show the form again with the message
        if problem.status != 400:
            raise
        rows, error = [], problem.message
    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    body = render_template(
        "ties.html",
        title="Bilateral ties",
        filters=filters,
        active={name: value for name, value in filters.items() if value},
        countries=known,
        types=_types(),
        network=network(rows, {c["code"]: int(c["mentions"]) for c in known}),
        colours=TYPE_COLOURS,
        pair=pair_view(a, b, filters) if a and b and error is None else None,
        error=error,
    )
    return Response(body, status=400 if error else 200, content_type="text/html; charset=utf-8")


@bp.route("/ties/pair")
def pair() -> str:
    """The evidence and timeline of one pair, as an HTML fragment (what the page shows under the network)."""
    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    if not a or not b:
        raise ServiceError(400, "give the pair's two ISO2 country codes as a and b")
    return render_template("_ties_pair.html", pair=pair_view(a, b, _filters()))


def _types() -> tuple[str, ...]:
    """The tie types offered as a filter: those the canned query accepts, so there is one list to maintain."""
    return next(p.enum for p in queries()["tie-evidence"].parameters if p.name == "type")


def network(rows: list[dict[str, str]], mentions: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements: a node per country in a tie, an edge per pair with count, mean Goldstein, dominant type."""
    nodes: dict[str, dict[str, Any]] = {}
    pairs: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        for side in ("a", "b"):
            code = row[side + "Code"]
            nodes.setdefault(code, {"id": code, "label": row.get(side + "Name", code), "mentions": mentions.get(code, 0)})
        pairs[(row["aCode"], row["bCode"])].append(row)
    edges = []
    for (a, b), ties in sorted(pairs.items()):
        scores = [float(t["goldstein"]) for t in ties if "goldstein" in t]
        by_type = Counter(t["type"] for t in ties)
        dominant = max(sorted(by_type), key=by_type.__getitem__)
        edges.append({
            "id": f"{a}-{b}", "source": a, "target": b, "ties": len(ties),
            "goldstein": round(sum(scores) / len(scores), 2) if scores else None,
            "dominant": dominant, "colour": TYPE_COLOURS.get(dominant, "#999"),
            "byType": ", ".join(f"{t} {n}" for t, n in by_type.most_common()),
            "label": f"{nodes[a]['label']} – {nodes[b]['label']}",
        })
    return {"nodes": sorted(nodes.values(), key=lambda n: -n["mentions"]), "edges": edges}


def pair_view(a: str, b: str, filters: dict[str, str]) -> dict[str, Any]:
    """One pair's ties (with article headline and evidence sentence) and its timeline chart."""
    rows = plain(canned_rows("tie-evidence", **{**filters, "country": a, "partner": b}))
    names = {row[side + "Code"]: row.get(side + "Name", row[side + "Code"]) for row in rows for side in ("a", "b")}
    return {"a": a, "b": b, "label": f"{names.get(a, a)} – {names.get(b, b)}", "ties": rows, "timeline": timeline(rows)}


def timeline(rows: list[dict[str, str]]) -> dict[str, Any]:
    """Stacked bars, one per date (undated ties last), one segment per tie type, as SVG coordinates.

    Dates may be partial (`--11-02` when the year is unknown), so the axis is
    the ordered list of dates that occur rather than a linear time scale.
    """
    buckets: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        buckets[row.get("date", "")][row["type"]] += 1
    order = sorted(d for d in buckets if d) + ([""] if "" in buckets else [])
    tallest = max((sum(c.values()) for c in buckets.values()), default=1)
    unit = (CHART_HEIGHT - 30) / tallest
    bars = []
    for index, date in enumerate(order):
        x, top = 10 + index * (BAR_WIDTH + 8), CHART_HEIGHT - 20
        segments = []
        for kind, count in sorted(buckets[date].items()):
            height = count * unit
            top -= height
            segments.append({"type": kind, "count": count, "y": round(top, 1), "height": round(height, 1), "colour": TYPE_COLOURS.get(kind, "#999")})
        bars.append({"x": x, "label": date.lstrip("-") or "undated", "total": sum(buckets[date].values()), "segments": segments})
    return {"bars": bars, "width": 20 + len(order) * (BAR_WIDTH + 8), "height": CHART_HEIGHT, "bar": BAR_WIDTH, "types": sorted({r["type"] for r in rows})}
