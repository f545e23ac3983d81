"""Dataset statistics maintained on write, so that counts and "most mentioned" lists never rescan the store.

How many articles, persons or meetings the store holds, how many articles
mention each entity, and which days have articles, ties or events are
questions every page asks; answered by aggregation, each grows with the
archive. Instead each article contributes *tallies* (additive counters, see
`tallies`), the writer adds an article's tallies and subtracts those of the
version it replaces (the ledger keeps them, as it keeps cube cells), and the
totals are published as RDF Data Cube observations in the statistics graph:

* `stats/classes`: resources per class (`akg:countedClass`, `akg:resourceCount`);
* `stats/days`: articles (by publication date), events and ties (by
  `schema:startDate`) per day (`akg:countedClass`, `akg:date`);
* `stats/undated`: those of them without a full date, per class;
* `stats/entities`: articles mentioning each person, country, organisation
  (`akg:entity`, `akg:mentionCount`, and `akg:mentionTier`, see `mention_tier`,
  so that "most mentioned" reads the top tiers only) and, for countries, the
  ties they are in (`akg:tieCount`).

Queries sort these small tables (hundreds or thousands of rows, growing with
the number of entities and days, not of articles) and then look resources up
through an index: the latest articles are the articles of the latest days.
Counts of entity classes (persons, countries, ...) come from the entities
graph's reference counts: the writer adds one when an entity's type triple
appears and subtracts one when it goes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from pyoxigraph import Literal, NamedNode, QuerySolution

from kg.cube import dataset_triples
from kg.vocab import AKG, EVENT_TYPES, QB, RDF, SCHEMA, XSD

#: (kind, first, second): ("class", "Meeting", ""), ("day", "Tie", "2024-05-17"), ("day", "Tie", "") for the
#: undated, ("mentions", entity IRI, ""), ("ties", country IRI, "").
Key = tuple[str, str, str]

DATASETS = {"classes": "stats/classes", "days": "stats/days", "undated": "stats/undated", "entities": "stats/entities"}
STRUCTURES = {
    "classes": "CountsByClassStructure",
    "days": "CountsByDayStructure",
    "undated": "UndatedByClassStructure",
    "entities": "CountsByEntityStructure",
}
_LABELS = {
    "classes": "Resources per class",
    "days": "Articles, events and ties per day",
    "undated": "Articles, events and ties without a full date, per class",
    "entities": "Articles mentioning each entity, and ties of each country",
}
_EVENTS = {AKG + name for name in EVENT_TYPES}
_DATED = {AKG + "Article": SCHEMA + "datePublished", AKG + "Tie": SCHEMA + "startDate"}


def tallies(triples: Iterable[tuple[NamedNode, NamedNode, object]]) -> dict[Key, int]:
    """What one article graph adds to the statistics (its entities' classes are counted by the writer)."""
    about: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in triples:
        about[subject.value][predicate.value].append(obj)
    counts: dict[Key, int] = defaultdict(int)
    for facts in about.values():
        for cls in facts.get(RDF + "type", ()):
            if not cls.value.startswith(AKG):
                continue
            counts[("class", cls.value[len(AKG) :], "")] += 1
            kind = "Event" if cls.value in _EVENTS else cls.value[len(AKG) :]
            dated = _DATED.get(cls.value, SCHEMA + "startDate" if kind == "Event" else None)
            if dated is not None:
                dates = [d.value for d in facts.get(dated, ()) if d.datatype == NamedNode(XSD + "date")]
                counts[("day", kind, min(dates, default=""))] += 1
        for entity in facts.get(SCHEMA + "mentions", ()):
            counts[("mentions", entity.value, "")] += 1
        if NamedNode(AKG + "Tie") in facts.get(RDF + "type", ()):
            for country in facts.get(AKG + "between", ()):
                counts[("ties", country.value, "")] += 1
    return dict(counts)


def observation_keys(keys: Iterable[Key]) -> set[Key]:
    """The given keys and the other measures of their observations (an entity's mentions and ties)."""
    out = set()
    for kind, first, second in keys:
        out.add((kind, first, second))
        if kind in ("mentions", "ties"):
            out.update({("mentions", first, ""), ("ties", first, "")})
    return out


class StatsWriter:
    """Mints the observation triples (N-Triples lines) of the statistics graph under a base IRI."""

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri

    def dataset_triples(self) -> list[str]:
        return dataset_triples(self.base, DATASETS, STRUCTURES, _LABELS)

    def triples(self, values: Mapping[Key, int]) -> set[str]:
        """The observations of these totals; an entity's observation needs both of its keys (`observation_keys`)."""
        lines: set[str] = set()
        entities: dict[str, dict[str, int]] = defaultdict(dict)
        for (kind, first, second), count in values.items():
            if kind in ("mentions", "ties"):
                entities[first][kind] = count
            elif count > 0:
                level = "classes" if kind == "class" else "days" if second else "undated"
                facts: list[tuple[str, NamedNode | Literal]] = [(AKG + "countedClass", NamedNode(AKG + first))]
                if level == "days":
                    facts.append((AKG + "date", Literal(second, datatype=NamedNode(XSD + "date"))))
                path = "/".join((first, second) if second else (first,))
                lines |= self._observation(level, path, [*facts, (AKG + "resourceCount", _integer(count))])
        for entity, counts in entities.items():
            mentions, ties = counts.get("mentions", 0), counts.get("ties", 0)
            if mentions > 0 or ties > 0:
                described: list[tuple[str, NamedNode | Literal]] = [
                    (AKG + "entity", NamedNode(entity)),
                    (AKG + "mentionCount", _integer(mentions)),
                    (AKG + "mentionTier", _integer(mention_tier(mentions))),
                ]
                if ties > 0:
                    described.append((AKG + "tieCount", _integer(ties)))
                lines |= self._observation("entities", self._local(entity), described)
        return lines

    def _observation(self, level: str, path: str, facts: list[tuple[str, NamedNode | Literal]]) -> set[str]:
        dataset = DATASETS[level]
        observation = f"<{self.base}{dataset}/{path}>"
        facts = [
            (RDF + "type", NamedNode(QB + "Observation")),
            (QB + "dataSet", NamedNode(self.base + dataset)),
            *facts,
        ]
        return {f"{observation} <{predicate}> {obj} ." for predicate, obj in facts}

    def _local(self, iri: str) -> str:
        """An entity's path under the base IRI (`country/KZ`); other IRIs by a hash."""
        if iri.startswith(self.base):
            return iri[len(self.base) :]
        return "x/" + hashlib.sha1(iri.encode()).hexdigest()[:16]


def mention_tier(count: int) -> int:
    """The tier of a mention count: 8 × its number of binary digits, plus the three binary digits after its first.

    "Most mentioned" lists read tiers from the top and sort the tier that holds a page's last row whole, so
    that tier must stay small: counts in one tier are within an eighth of a doubling of each other. Whole
    doublings (the number of digits alone) put 279 of 2,500 entities of a 100,000-article archive into one
    tier, and reading it made the first page twice as slow as at 10,000 articles.
    """
    digits = count.bit_length()
    return 8 * digits + ((count << 3) >> (digits - 1) & 7) if count > 0 else 0


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def recompute(select: Callable[[str], Iterable[QuerySolution]]) -> dict[Key, int]:
    """The totals as a from-scratch count over the store (for checks, not for serving).

    `select(query)` runs a SELECT over the union of the graphs and yields rows of pyoxigraph terms.
    """
    graphs: dict[str, list] = defaultdict(list)
    for row in select("SELECT ?g ?s ?p ?o { GRAPH ?g { ?g a akg:Article . ?s ?p ?o } }"):
        graphs[row["g"].value].append((row["s"], row["p"], row["o"]))
    totals: dict[Key, int] = defaultdict(int)
    for triples in graphs.values():
        for key, n in tallies(triples).items():
            totals[key] += n
    entities = (
        f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) {{ ?s a ?class FILTER(STRSTARTS(STR(?class), '{AKG}')) "
        "FILTER NOT EXISTS { ?g a akg:Article GRAPH ?g { ?s a ?class } } } GROUP BY ?class"
    )
    for row in select(entities):
        totals[("class", row["class"].value[len(AKG) :], "")] += int(row["n"].value)
    return {key: n for key, n in totals.items() if n}
