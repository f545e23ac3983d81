"""`/ties`: bilateral ties as a network of countries, and one pair's monthly series and evidence.

Everything comes from canned queries that cost the same at any archive size.
The network is the tie cube: `ties-summary` gives one row per pair (edge width
= ties, colour = mean Goldstein score or dominant type) under the filters the
cube answers (type, date range in whole months, country), and `countries` the
node sizes (articles mentioning the country). A pair's panel charts its
monthly series by type from the cube (`tie-timeline`) and lists its ties with
their evidence a page at a time (`tie-evidence`). The page is complete without
JavaScript (filters are a GET form, the pairs a table linking to `?a=..&b=..`,
the chart server-drawn SVG); with it, Cytoscape draws the network from the
same data embedded as JSON, and a click on an edge fetches `/ties/pair`, the
very fragment the page embeds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from server.service import ServiceError
from server.state import page_number
from server.views.ui import canned_rows, countries, plain, queries

bp = Blueprint("ties", __name__)

FILTERS = ("since", "until", "type", "country")
#: One colour per tie type, shared by the network (dominant type) and the monthly chart.
TYPE_COLOURS = {
    "Meeting": "#1f77b4",
    "Visit": "#17becf",
    "Summit": "#9467bd",
    "AgreementSigning": "#2ca02c",
    "Ratification": "#98df8a",
    "Aid": "#ff7f0e",
    "Trade": "#bcbd22",
    "Election": "#7f7f7f",
    "Appointment": "#c7c7c7",
    "Award": "#e377c2",
    "Statement": "#8c564b",
    "Cultural": "#f7b6d2",
    "Agreement": "#d62728",
}
CHART_WIDTH, CHART_HEIGHT, AXIS = 640, 150, 22


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "").strip() for name in FILTERS}


@bp.route("/ties")
def page() -> Response:
    filters = _filters()
    known = countries()
    error = None
    try:
        rows = plain(canned_rows("ties-summary", **filters))
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
        network=network(rows, known),
        colours=TYPE_COLOURS,
        pair=pair_view(a, b, filters, page_number(), known) if a and b and error is None else None,
        error=error,
    )
    return Response(body, status=400 if error else 200, content_type="text/html; charset=utf-8")


@bp.route("/ties/pair")
def pair() -> str:
    """The monthly series and evidence of one pair, as an HTML fragment (what the page shows under the network)."""
    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    if not a or not b:
        raise ServiceError(400, "give the pair's two ISO2 country codes as a and b")
    return render_template("_ties_pair.html", pair=pair_view(a, b, _filters(), page_number(), countries()))


def _types() -> tuple[str, ...]:
    """The tie types offered as a filter: those the canned query accepts, so there is one list to maintain."""
    return next(p.enum for p in queries()["ties-summary"].parameters if p.name == "type" and p.enum)


def by_type(text: str) -> Counter:
    """`ties-summary`'s byType column ("Meeting 3, Agreement 1") as counts."""
    counts: Counter = Counter()
    for part in filter(None, (item.strip() for item in text.split(","))):
        kind, _, n = part.rpartition(" ")
        counts[kind] += int(n)
    return counts


def network(rows: list[dict[str, str]], known: list[dict[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements: a node per country in a pair, an edge per pair (`ties-summary` rows, most ties first)."""
    names = {c["code"]: c.get("name", c["code"]) for c in known}
    mentions = {c["code"]: int(c.get("mentions", 0)) for c in known}
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for row in rows:
        a, b = row["aCode"], row["bCode"]
        for code in (a, b):
            nodes.setdefault(code, {"id": code, "label": names.get(code, code), "mentions": mentions.get(code, 0)})
        types = by_type(row.get("byType", ""))
        dominant = max(sorted(types), key=types.__getitem__) if types else ""
        edges.append(
            {
                "id": f"{a}-{b}",
                "source": a,
                "target": b,
                "ties": int(row["ties"]),
                "goldstein": round(float(row["goldsteinMean"]), 2) if "goldsteinMean" in row else None,
                "dominant": dominant,
                "colour": TYPE_COLOURS.get(dominant, "#999"),
                "byType": ", ".join(f"{t} {n}" for t, n in types.most_common()),
                "label": f"{nodes[a]['label']} – {nodes[b]['label']}",
            }
        )
    return {"nodes": sorted(nodes.values(), key=lambda n: -n["mentions"]), "edges": edges}


def pair_view(a: str, b: str, filters: dict[str, str], page: int, known: list[dict[str, str]]) -> dict[str, Any]:
    """One pair's monthly chart (the cube) and one page of its ties with article and evidence sentence."""
    names = {c["code"]: c.get("name", c["code"]) for c in known}
    wanted = {"type": filters.get("type", ""), "since": filters.get("since", ""), "until": filters.get("until", "")}
    ties = plain(canned_rows("tie-evidence", country=a, partner=b, page=str(page), **wanted))
    series = plain(canned_rows("tie-timeline", country=a, partner=b, type=wanted["type"]))
    series = [
        row
        for row in series
        if (not wanted["since"] or row["month"] >= wanted["since"][:7])
        and (not wanted["until"] or row["month"] <= wanted["until"][:7])
    ]
    size = queries()["tie-evidence"].pagination or len(ties)
    here: dict[str, Any] = {**{k: v for k, v in filters.items() if v}, "a": a, "b": b}  # url_for's **values
    return {
        "a": a,
        "b": b,
        "label": f"{names.get(a, a)} – {names.get(b, b)}",
        "ties": ties,
        "chart": chart(series),
        "page": page,
        "first": (page - 1) * size + 1,
        "series": url_for("api.run", name="tie-timeline", country=a, partner=b),
        "evidence": url_for("api.run", name="tie-evidence", country=a, partner=b, **wanted_given(wanted)),
        "previous": url_for("ties.page", **here, page=page - 1, _anchor="pair") if page > 1 else None,
        "next": url_for("ties.page", **here, page=page + 1, _anchor="pair") if len(ties) == size else None,
    }


def wanted_given(args: dict[str, str]) -> dict[str, Any]:
    return {key: value for key, value in args.items() if value}


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` ("YYYY-MM"), so the chart's axis is time, gaps included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def chart(series: list[dict[str, str]]) -> dict[str, Any]:
    """Stacked bars of ties per month (`tie-timeline` rows), one segment per type, as SVG coordinates."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in series:
        counts[row["month"]][row["type"]] += int(row["ties"])
    if not counts:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT, "types": []}
    months = months_between(min(counts), max(counts))
    step = CHART_WIDTH / len(months)
    bar = max(2.0, step * 0.8)
    unit = (CHART_HEIGHT - AXIS - 14) / max(sum(c.values()) for c in counts.values())
    every = max(1, round(len(months) * 48 / CHART_WIDTH))  # a label every ~48 px
    bars = []
    for index, month in enumerate(months):
        top: float = CHART_HEIGHT - AXIS
        segments = []
        for kind, count in sorted(counts[month].items()):
            height = count * unit
            top -= height
            segments.append(
                {
                    "type": kind,
                    "count": count,
                    "y": round(top, 1),
                    "height": round(height, 1),
                    "colour": TYPE_COLOURS.get(kind, "#999"),
                }
            )
        bars.append(
            {
                "x": round(index * step, 1),
                "month": month,
                "total": sum(counts[month].values()),
                "segments": segments,
                "label": month if index % every == 0 else "",
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bar": round(bar, 1),
        "types": [(kind, TYPE_COLOURS.get(kind, "#999")) for kind in sorted({row["type"] for row in series})],
    }
