"""Tie statistics as an RDF Data Cube, maintained on write instead of aggregated on read.

Tie queries over a whole archive (how many ties between two countries, by
month and type, how cooperative, how many agreements, worth how much) must not
rescan the store. Each article contributes counts to *cells* keyed by
(country pair, month, tie type); the writer adds an article's contributions
and subtracts those of the version it replaces (`kg.ledger` keeps them), so a
cell is always the exact sum over the articles in the store. From the cells of
a pair come three `qb:DataSet`s of observations in the cube graph:

* `cube/ties`: one observation per pair × month × tie type;
* `cube/pair-types`: per pair × tie type, all months together, with the first and last month;
* `cube/pairs`: per pair, with the first and last month;

and per pair a `qb:Slice` of `cube/ties` listing the pair's month observations.

Measures are integers in the ledger (Goldstein scores in tenths, USD in cents)
so sums never drift; `recompute` derives the same cells from the ties in the
store, which is what the tests compare against.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from decimal import ROUND_HALF_EVEN, Decimal

import pyoxigraph
from pyoxigraph import Literal, NamedNode

from kg.vocab import AKG, QB, RDF, RDFS, SCHEMA, XSD

#: (first ISO2, second ISO2, "YYYY-MM" or "" when no month is known, tie type)
Key = tuple[str, str, str, str]
#: Additive measures, in this order.
MEASURES = ("ties", "scored", "goldstein_tenths", "agreements", "usd_cents")
Measures = tuple[int, int, int, int, int]
ZERO: Measures = (0, 0, 0, 0, 0)

DATASETS = {"month": "cube/ties", "type": "cube/pair-types", "pair": "cube/pairs"}
STRUCTURES = {"month": "TiesByMonthStructure", "type": "TiesByTypeStructure", "pair": "TiesByPairStructure"}
_DATASET_LABELS = {
    "month": "Bilateral ties per country pair, month and tie type",
    "type": "Bilateral ties per country pair and tie type",
    "pair": "Bilateral ties per country pair",
}


def add(left: Measures, right: Measures, sign: int = 1) -> Measures:
    return tuple(a + sign * b for a, b in zip(left, right, strict=True))  # type: ignore[return-value]


def month_of(date: str | None) -> str:
    """`YYYY-MM` of an xsd:date or xsd:gYearMonth lexical form; "" for partial dates without a year."""
    if date and len(date) >= 7 and date[:4].isdigit() and date[4] == "-":
        return date[:7]
    return ""


def tie_cell(
    pair: tuple[str, str], month: str, tie_type: str, goldstein: str | None, agreements: int, usd: Iterable[str]
) -> tuple[Key, Measures]:
    """One tie's contribution: its cell and measures (Goldstein in tenths, USD in cents)."""
    first, second = sorted(pair)
    tenths = 0 if goldstein is None else int((Decimal(goldstein) * 10).to_integral_value(ROUND_HALF_EVEN))
    cents = sum(int((Decimal(value) * 100).to_integral_value(ROUND_HALF_EVEN)) for value in usd)
    return (first, second, month, tie_type), (1, 0 if goldstein is None else 1, tenths, agreements, cents)


def contributions(
    triples: Iterable[tuple[NamedNode, NamedNode, object]], published: dt.date | None
) -> dict[Key, Measures]:
    """The cells one article graph adds to the cube, read from its `akg:Tie` resources.

    A tie counts in the month of its date, else of the article's publication;
    agreements signed come from ties of agreements (`akg:agreementCount`, else
    one), the USD value from the amounts of the tie's event or agreement.
    """
    about: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in triples:
        about[subject.value][predicate.value].append(obj)
    fallback = published.isoformat() if published else None
    cells: dict[Key, Measures] = {}
    for facts in about.values():
        if NamedNode(AKG + "Tie") not in facts.get(RDF + "type", ()):
            continue
        countries = sorted(node.value.rsplit("/", 1)[-1] for node in facts.get(AKG + "between", ()))
        tie_type = _value(facts, AKG + "tieType")
        if len(countries) != 2 or tie_type is None:
            continue
        of = facts.get(AKG + "tieOf", [None])[0]
        owner = about.get(of.value, {}) if isinstance(of, NamedNode) else {}
        count = _value(owner, AKG + "agreementCount")
        agreements = (int(count) if count else 1) if tie_type == "Agreement" else 0
        month = month_of(_value(facts, SCHEMA + "startDate")) or month_of(fallback)
        key, measures = tie_cell(
            (countries[0], countries[1]),
            month,
            tie_type,
            _value(facts, AKG + "goldstein"),
            agreements,
            _usd(about, owner),
        )
        cells[key] = add(cells.get(key, ZERO), measures)
    return cells


def _value(facts: Mapping[str, list], predicate: str) -> str | None:
    values = facts.get(predicate)
    return values[0].value if values else None


def _usd(about: Mapping[str, Mapping[str, list]], owner: Mapping[str, list]) -> Iterator[str]:
    for amount in owner.get(AKG + "value", ()):
        facts = about.get(amount.value, {})
        if _value(facts, SCHEMA + "currency") == "USD":
            figure = next(
                (
                    _value(facts, SCHEMA + p)
                    for p in ("value", "minValue", "maxValue")
                    if _value(facts, SCHEMA + p) is not None
                ),
                None,
            )
            if figure is not None:
                yield figure


# -- observations ---------------------------------------------------------------------------------


def rollups(cells: Mapping[Key, Measures]) -> dict[tuple[str, ...], Measures]:
    """Every observation of the three data sets for the given cells (of one pair or many).

    Keys: ("month", a, b, month, type), ("type", a, b, type), ("pair", a, b).
    """
    out: dict[tuple[str, ...], Measures] = {}
    for (a, b, month, tie_type), measures in cells.items():
        if measures[0] <= 0:
            continue
        targets = [("type", a, b, tie_type), ("pair", a, b)]
        if month:
            targets.append(("month", a, b, month, tie_type))
        for target in targets:
            out[target] = add(out.get(target, ZERO), measures)
    return out


def affected(deltas: Iterable[Key]) -> set[tuple[str, ...]]:
    """The observations (keys as in `rollups`) whose values changed cells can change."""
    keys: set[tuple[str, ...]] = set()
    for a, b, month, tie_type in deltas:
        keys |= {("pair", a, b), ("type", a, b, tie_type)}
        if month:
            keys.add(("month", a, b, month, tie_type))
    return keys


def months(cells: Mapping[Key, Measures]) -> dict[tuple[str, ...], tuple[str, str]]:
    """First and last known month of each pair, (a, b), and of each pair and tie type, (a, b, type)."""
    span: dict[tuple[str, ...], tuple[str, str]] = {}
    for (a, b, month, tie_type), measures in cells.items():
        if month and measures[0] > 0:
            for key in ((a, b), (a, b, tie_type)):
                first, last = span.get(key, (month, month))
                span[key] = (min(first, month), max(last, month))
    return span


def dataset_triples(
    base: str, paths: Mapping[str, str], structures: Mapping[str, str], labels: Mapping[str, str]
) -> list[str]:
    """N-Triples of data sets (`qb:DataSet`) by level: IRI under `base`, structure (in the ontology), label."""
    lines = []
    for level, path in paths.items():
        dataset = f"<{base}{path}>"
        lines += [
            f"{dataset} <{RDF}type> <{QB}DataSet> .",
            f"{dataset} <{QB}structure> <{AKG}{structures[level]}> .",
            f"{dataset} <{RDFS}label> {Literal(labels[level], language='en')} .",
        ]
    return lines


class CubeWriter:
    """Mints the observation triples (as N-Triples lines) of one cube under a base IRI."""

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri

    def dataset_triples(self) -> list[str]:
        """The three `qb:DataSet`s; their structures are in the ontology."""
        return dataset_triples(self.base, DATASETS, STRUCTURES, _DATASET_LABELS)

    def triples(self, cells: Mapping[Key, Measures], only: Container[tuple[str, ...]] | None = None) -> set[str]:
        """The observations derived from `cells`, which must hold every cell of each pair they mention.

        With `only` (keys as in `rollups`, see `affected`), just those observations: a write rewrites the
        observations its cells change, not every month of every pair it touches.

        Each pair also gets a `qb:Slice` of cube/ties (`cube/slices/{A}-{B}`, listing its month
        observations: a pair's monthly series without searching the cube by country) and, on its
        cube/pairs observation, its ties per type as text (`akg:typeBreakdown`, "Meeting 3, Visit 1").
        """
        span = months(cells)
        observations = rollups(cells)
        breakdown: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for (level, a, b, *rest), measures in observations.items():
            if level == "type":
                breakdown[(a, b)].append((-measures[0], rest[0]))
        lines: set[str] = set()
        for key, measures in observations.items():
            if only is not None and key not in only:
                continue
            level, a, b, *rest = key
            path = "/".join((DATASETS[level], f"{a}-{b}", *rest))
            observation = f"<{self.base}{path}>"
            facts: list[tuple[str, NamedNode | Literal]] = [
                (RDF + "type", NamedNode(QB + "Observation")),
                (QB + "dataSet", NamedNode(self.base + DATASETS[level])),
                (AKG + "firstCountry", NamedNode(f"{self.base}country/{a}")),
                (AKG + "secondCountry", NamedNode(f"{self.base}country/{b}")),
            ]
            slice_ = NamedNode(f"{self.base}cube/slices/{a}-{b}")
            if level == "month":
                facts.append((AKG + "month", Literal(rest[0], datatype=NamedNode(XSD + "gYearMonth"))))
                lines.add(f"{slice_} <{QB}observation> {observation} .")
            if level in ("month", "type"):
                facts.append((AKG + "tieType", Literal(rest[-1])))
            if level in ("pair", "type") and (a, b, *rest) in span:
                first, last = span[(a, b, *rest)]
                facts.append((AKG + "firstMonth", Literal(first, datatype=NamedNode(XSD + "gYearMonth"))))
                facts.append((AKG + "lastMonth", Literal(last, datatype=NamedNode(XSD + "gYearMonth"))))
            if level == "pair":
                text = ", ".join(f"{kind} {-count}" for count, kind in sorted(breakdown[(a, b)]))
                facts.append((AKG + "typeBreakdown", Literal(text)))
                lines.update(
                    f"{slice_} {_term(p)} {o} ."
                    for p, o in (
                        (RDF + "type", NamedNode(QB + "Slice")),
                        (QB + "sliceStructure", NamedNode(AKG + "PairSliceKey")),
                        (AKG + "firstCountry", facts[2][1]),
                        (AKG + "secondCountry", facts[3][1]),
                    )
                )
                lines.add(f"<{self.base}{DATASETS['month']}> <{QB}slice> {slice_} .")
            facts += _measures(measures)
            lines.update(f"{observation} {_term(p)} {o} ." for p, o in facts)
        return lines


def _measures(measures: Measures) -> list[tuple[str, Literal]]:
    ties, scored, tenths, agreements, cents = measures
    facts = [
        (AKG + "tieCount", _integer(ties)),
        (AKG + "scoredTieCount", _integer(scored)),
        (AKG + "agreementsSigned", _integer(agreements)),
        (AKG + "goldsteinSum", _decimal(Decimal(tenths) / 10)),
        (AKG + "usdValue", _decimal(Decimal(cents) / 100)),
    ]
    if scored:
        mean = (Decimal(tenths) / 10 / scored).quantize(Decimal("0.001"), ROUND_HALF_EVEN)
        facts.append((AKG + "goldsteinMean", _decimal(mean)))
    return facts


def _term(iri: str) -> str:
    return f"<{iri}>"


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _decimal(value: Decimal) -> Literal:
    """Oxigraph's canonical form ("0", "-0.6"), so the triples read back are the triples written."""
    return Literal(format(value.normalize(), "f"), datatype=NamedNode(XSD + "decimal"))


# -- from scratch ---------------------------------------------------------------------------------


def recompute(select: Callable[[str], Iterable[pyoxigraph.QuerySolution]]) -> dict[Key, Measures]:
    """The cells as a from-scratch aggregation of every tie in the store (for checks, not for serving).

    `select(query)` runs a SELECT over the union of the graphs (`KnowledgeStore.select`).
    """
    per_article: dict[str, set] = defaultdict(set)
    published: dict[str, dt.date | None] = {}
    for row in select(_TIES_QUERY):
        article = str(row["article"].value)
        per_article[article].add((row["s"], row["p"], row["o"]))
        date = row["published"]
        published[article] = dt.date.fromisoformat(date.value) if date is not None else None
    cells: dict[Key, Measures] = {}
    for article, triples in per_article.items():
        for key, measures in contributions(triples, published[article]).items():
            cells[key] = add(cells.get(key, ZERO), measures)
    return cells


#: Every triple a tie's cell depends on, with the article it came from: the tie's own facts, its
#: event or agreement's count and amounts, and the amounts' currency and figures.
_TIES_QUERY = """
SELECT ?article ?s ?p ?o ?published WHERE {
  ?tie a akg:Tie ; prov:wasDerivedFrom ?article .
  OPTIONAL { ?article schema:datePublished ?published }
  {
    ?tie ?p ?o BIND(?tie AS ?s)
  } UNION {
    ?tie akg:tieOf ?s . ?s ?p ?o . FILTER(?p IN (akg:agreementCount, akg:value))
  } UNION {
    ?tie akg:tieOf/akg:value ?s . ?s ?p ?o
  }
}"""
