"""Dyads: the pairs of countries that interact in an event or an agreement.

Event-data systems (GDELT, ICEWS, PLOVER) code a report as one (source, target) dyad per pair of actors that
interact, not as "an event with exactly two countries": a minister meeting five counterparts is five dyads,
aid to two countries is two. `kg.extract.actors` finds the sides of an event in the text (hub and
counterparts, visitor and host, donor and recipient, exporter and importer, sender and receiver); the pure
functions here turn sides and countries into dyads, and dyads into the extraction's `Tie`s:

* sides found: every source with every target (a hub with each counterpart), directed when the text gives a
  direction, otherwise symmetric; the countries of one side are never paired among themselves (co-donors,
  co-visitors, a hub's several guests);
* no sides found: exactly two acting countries make one symmetric dyad — unless the text named both as the
  receiving side of a directed act (two recipients of aid whose donor is not named); three or more make
  none, since who interacts with whom is not said (a gathering, a joint statement);
* a summit is a gathering: it gives a dyad only when the text names it as two countries' own (sides found);
* an agreement binds each of its parties to the others, so two or three country parties make every pair;
  four or more make an instrument many states joined, which ties no pair unless one signer and its partners
  are named (then the signer with each partner);
* a signing that produced an agreement record leaves its dyads to that agreement, so the one act is one
  tie (with the signing's date), not two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from kg.extraction import Agreement, Event, Tie

#: Most country parties an agreement may have for each pair of them to be a tie: a trilateral treaty binds each
#: pair; from four parties on it is a multilateral instrument.
AGREEMENT_GROUP = 3
#: Events whose ties are carried by the agreement they produce.
SIGNING_TYPES = frozenset({"AgreementSigning", "Ratification"})


@dataclass(frozen=True)
class Dyad:
    """Two distinct countries (ISO2) that interact; `source` → `target` when `directed`, else sorted."""

    source: str
    target: str
    directed: bool = False


@dataclass(frozen=True)
class Sides:
    """The two sides of an event as the text states them: hub / visitor / donor / exporter / sender as
    `sources`, counterparts / host / recipient / importer / receiver as `targets`."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    directed: bool = False

    def __bool__(self) -> bool:
        return bool(self.sources) and bool(self.targets)


@dataclass
class Reported:
    """An event being written, with the dyads found for it (carried through merging)."""

    event: Event
    dyads: list[Dyad] = field(default_factory=list)


def dyad(first: str, second: str, directed: bool = False) -> Dyad | None:
    """The dyad of two countries, or None when they are the same; a symmetric dyad is stored sorted."""
    if first == second:
        return None
    if not directed and second < first:
        first, second = second, first
    return Dyad(first, second, directed)


def across(sides: Sides) -> list[Dyad]:
    """Every source with every target, in the order the text gives them."""
    found = (dyad(source, target, sides.directed) for source in sides.sources for target in sides.targets)
    return unite([d for d in found if d is not None], [])


def lone_pair(countries: list[str]) -> list[Dyad]:
    """One symmetric dyad when exactly two countries act, else none."""
    distinct = list(dict.fromkeys(countries))
    if len(distinct) != 2:
        return []
    pair = dyad(distinct[0], distinct[1])
    return [pair] if pair is not None else []


def among(parties: list[str], most: int = AGREEMENT_GROUP) -> list[Dyad]:
    """Every pair of a small group of parties, or none for a larger one."""
    distinct = sorted(dict.fromkeys(parties))
    return [Dyad(a, b) for a, b in combinations(distinct, 2)] if len(distinct) <= most else []


def event_dyads(event_type: str, countries: list[str], sides: list[Sides]) -> list[Dyad]:
    """The dyads of one reported event: across each of its sides, else its lone pair (never for a summit),
    unless the text named both countries as the receiving side of a directed act: two recipients of aid, two
    hosts of one trip, two buyers are not a pair (the giving side may be a mere remainder of acting countries,
    so it does not block)."""
    found: list[Dyad] = []
    for item in sides:
        if item:
            found = unite(found, across(item))
    if found or event_type == "Summit":
        return found
    pair = lone_pair(countries)
    both = {pair[0].source, pair[0].target} if pair else set()
    if any(item.directed and both <= set(item.targets) for item in sides):
        return []
    return pair


def agreement_dyads(parties: list[str], signing: list[Dyad]) -> list[Dyad]:
    """Every pair of a small group of parties; for a larger group, the pairs its signing named ("Kazakhstan
    signed agreements with France, Germany, Italy and Spain": the signer with each partner)."""
    return among(parties) or [d for d in signing if d.source in parties and d.target in parties]


def unite(first: list[Dyad], second: list[Dyad]) -> list[Dyad]:
    """The dyads of two reports of one act, one per pair, first seen first; a directed report of a pair
    replaces a symmetric one (the direction is information), and the first direction stated wins."""
    kept: dict[frozenset[str], Dyad] = {}
    for item in (*first, *second):
        pair = frozenset((item.source, item.target))
        if pair not in kept or (item.directed and not kept[pair].directed):
            kept[pair] = item
    return list(kept.values())


def ties(reported: list[Reported], agreements: list[Agreement]) -> list[Tie]:
    """The extraction's ties: each event's dyads in event order, then each agreement's in agreement order.

    A signing or ratification that points at an agreement hands its dyads to that agreement.
    """
    found: list[Tie] = []
    signing: dict[int, list[Dyad]] = {}
    for index, item in enumerate(reported):
        if item.event.type in SIGNING_TYPES and item.event.agreement is not None:
            signing[item.event.agreement] = unite(signing.get(item.event.agreement, []), item.dyads)
            continue
        found += [Tie(d.source, d.target, d.directed, event=index) for d in item.dyads]
    for index, agreement in enumerate(agreements):
        found += [
            Tie(d.source, d.target, d.directed, agreement=index)
            for d in agreement_dyads(agreement.parties, signing.get(index, []))
        ]
    return found
