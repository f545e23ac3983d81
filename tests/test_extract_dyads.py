"""`kg.extract.dyads`: pure functions from sides and countries to dyads and ties (no spaCy)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.extract.dyads import (
    Dyad,
    Reported,
    Sides,
    across,
    agreement_dyads,
    among,
    dyad,
    event_dyads,
    lone_pair,
    ties,
    unite,
)
from kg.extraction import Agreement, Event, Tie

CODES = st.sampled_from(["CN", "FR", "JP", "KZ", "RU", "US", "UZ"])


def test_a_symmetric_dyad_is_sorted_and_a_directed_one_keeps_its_direction():
    assert dyad("KZ", "FR") == Dyad("FR", "KZ", False)
    assert dyad("KZ", "FR", directed=True) == Dyad("KZ", "FR", True)
    assert dyad("KZ", "KZ") is None


def test_across_pairs_every_source_with_every_target_and_never_a_side_with_itself():
    sides = Sides(("KZ", "UZ"), ("AF",), directed=True)  # co-donors
    assert across(sides) == [Dyad("KZ", "AF", True), Dyad("UZ", "AF", True)]
    hub = Sides(("AZ",), ("IT", "BR", "ID"))
    assert across(hub) == [Dyad("AZ", "IT"), Dyad("AZ", "BR"), Dyad("AZ", "ID")]


def test_a_side_missing_makes_no_sides():
    assert not Sides(("KZ",), ())
    assert not Sides((), ("KZ",), directed=True)


def test_lone_pair_only_for_exactly_two_countries():
    assert lone_pair(["KZ", "FR", "KZ"]) == [Dyad("FR", "KZ")]
    assert lone_pair(["KZ"]) == [] and lone_pair(["KZ", "FR", "DE"]) == []


def test_among_ties_every_pair_of_a_small_group_and_none_of_a_large_one():
    assert among(["UZ", "KG", "CN"]) == [Dyad("CN", "KG"), Dyad("CN", "UZ"), Dyad("KG", "UZ")]
    assert among(["KZ", "KG", "TJ", "UZ"]) == []


def test_event_dyads_prefer_sides_then_a_lone_pair():
    assert event_dyads("Meeting", ["KZ", "FR", "DE"], [Sides(("KZ",), ("FR", "DE"))]) == [
        Dyad("FR", "KZ"),
        Dyad("DE", "KZ"),
    ]
    assert event_dyads("Meeting", ["KZ", "FR"], []) == [Dyad("FR", "KZ")]
    assert event_dyads("Meeting", ["KZ", "FR", "DE"], []) == []


def test_a_summit_ties_only_the_two_countries_it_belongs_to():
    assert event_dyads("Summit", ["KZ", "FR"], []) == []
    assert event_dyads("Summit", ["KZ", "FR"], [Sides(("KZ",), ("FR",))]) == [Dyad("FR", "KZ")]


def test_two_countries_on_the_receiving_side_are_not_a_lone_pair():
    recipients = Sides((), ("PK", "AF"), directed=True)  # aid to two countries, donor not named
    assert event_dyads("Aid", ["PK", "AF"], [recipients]) == []
    leftovers = Sides(("JP", "MZ"), (), directed=True)  # no recipient found: the giving side is a remainder
    assert event_dyads("Aid", ["JP", "MZ"], [leftovers]) == [Dyad("JP", "MZ")]


def test_agreement_of_many_parties_ties_only_a_named_signer_with_its_partners():
    signing = [Dyad("DE", "KZ"), Dyad("FR", "KZ"), Dyad("IT", "KZ"), Dyad("ES", "KZ")]
    assert agreement_dyads(["KZ", "FR", "DE", "IT", "ES"], signing) == signing
    assert agreement_dyads(["KZ", "FR", "DE", "IT", "ES"], []) == []
    assert agreement_dyads(["KZ", "FR"], []) == [Dyad("FR", "KZ")]


def test_unite_keeps_one_dyad_per_pair_and_a_direction_over_none():
    first = [Dyad("FR", "KZ"), Dyad("CN", "KZ", True)]
    second = [Dyad("KZ", "FR", True), Dyad("KZ", "CN", True), Dyad("DE", "KZ")]
    assert unite(first, second) == [Dyad("KZ", "FR", True), Dyad("CN", "KZ", True), Dyad("DE", "KZ")]


def _event(kind: str, countries: list[str], agreement: int | None = None) -> Event:
    return Event(type=kind, countries=countries, agreement=agreement)


def test_ties_come_from_events_then_agreements_and_a_signing_hands_its_tie_to_its_agreement():
    reported = [
        Reported(_event("Meeting", ["KZ", "FR"]), [Dyad("FR", "KZ")]),
        Reported(_event("AgreementSigning", ["KZ", "FR"], agreement=0), [Dyad("FR", "KZ")]),
        Reported(_event("AgreementSigning", ["KZ", "FR"]), [Dyad("FR", "KZ")]),  # announced: no agreement yet
    ]
    assert ties(reported, [Agreement(parties=["KZ", "FR"])]) == [
        Tie("FR", "KZ", False, event=0),
        Tie("FR", "KZ", False, event=2),
        Tie("FR", "KZ", False, agreement=0),
    ]


@given(sources=st.lists(CODES, max_size=4), targets=st.lists(CODES, max_size=4), directed=st.booleans())
def test_dyads_are_always_two_distinct_countries_once_per_pair(sources, targets, directed):
    found = event_dyads("Meeting", sources + targets, [Sides(tuple(sources), tuple(targets), directed)])
    assert all(d.source != d.target for d in found)
    assert all(d.directed or d.source < d.target for d in found)
    assert len({frozenset((d.source, d.target)) for d in found}) == len(found)
