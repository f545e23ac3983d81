"""`kg.extract.merging`: the same act reported in several sentences becomes one event (no spaCy)."""

from __future__ import annotations

from decimal import Decimal

from kg.extract.dyads import Dyad, Reported
from kg.extract.merging import fold_partial_agreements, merge
from kg.extraction import Agreement, Amount, Event, Evidence, PartialDate


def _event(kind: str, countries: list[str], start: int, **fields) -> Event:
    return Event(type=kind, countries=countries, evidence=Evidence(start, start + 10), **fields)


def _agreement(parties: list[str], start: int, **fields) -> Agreement:
    return Agreement(parties=parties, evidence=Evidence(start, start + 10), **fields)


def test_same_type_countries_and_modality_merge_with_their_dyads_united():
    headline = Reported(_event("Visit", ["FR", "KZ"], 0, persons=["macron"]), [Dyad("FR", "KZ")])
    lead = Reported(
        _event(
            "Visit",
            ["FR", "KZ"],
            50,
            persons=["tokayev"],
            date=PartialDate(11, 1, 2023),
            visitors=["country:FR"],
            hosts=["country:KZ"],
        ),
        [Dyad("FR", "KZ", True)],
    )
    (merged,), _ = merge([headline, lead], [])
    assert merged.event.persons == ["macron", "tokayev"] and merged.event.date == PartialDate(11, 1, 2023)
    assert merged.event.hosts == ["country:KZ"] and merged.event.visitors == ["country:FR"]
    assert merged.dyads == [Dyad("FR", "KZ", True)]  # the direction the body states wins


def test_an_announced_act_and_the_act_stay_apart():
    planned = Reported(_event("Visit", ["FR", "KZ"], 0, intended=True))
    done = Reported(_event("Visit", ["FR", "KZ"], 50))
    assert len(merge([planned, done], [])[0]) == 2


def test_the_later_report_of_a_signing_gives_the_count_and_the_amount():
    usd = Amount("USD", min_value=Decimal("1.4e9"))
    headline = Reported(_event("AgreementSigning", ["FR", "KZ"], 0, agreement=0))
    lead = Reported(_event("AgreementSigning", ["FR", "KZ"], 50, agreement=1))
    merged, agreements = merge(
        [headline, lead], [_agreement(["FR", "KZ"], 0), _agreement(["FR", "KZ"], 50, count=13, amounts=[usd])]
    )
    assert len(merged) == 1 and len(agreements) == 1
    assert (agreements[0].count, agreements[0].amounts) == (13, [usd])


def test_two_signings_with_different_counts_stay_two_agreements():
    first = Reported(_event("AgreementSigning", ["KG", "KZ"], 0, agreement=0))
    second = Reported(_event("AgreementSigning", ["KG", "KZ"], 50, agreement=1))
    _, agreements = merge(
        [first, second], [_agreement(["KG", "KZ"], 0, count=17), _agreement(["KG", "KZ"], 50, count=23)]
    )
    assert [a.count for a in agreements] == [17, 23]


def test_an_earlier_agreement_seen_with_fewer_parties_is_folded_into_the_fuller_one():
    headline = Reported(_event("AgreementSigning", ["UZ"], 0, agreement=0))
    lead = Reported(_event("AgreementSigning", ["SA", "UZ"], 50, agreement=1))
    reported, agreements = fold_partial_agreements(
        [headline, lead], [_agreement(["UZ"], 0), _agreement(["SA", "UZ"], 50)]
    )
    assert [a.parties for a in agreements] == [["SA", "UZ"]]
    assert [r.event.agreement for r in reported] == [0, 0]


def test_a_later_smaller_signing_is_its_own_agreement():
    summit = Reported(_event("AgreementSigning", ["KG", "TJ", "UZ"], 0, agreement=0))
    earlier = Reported(_event("AgreementSigning", ["KG", "TJ"], 90, agreement=1))
    _, agreements = fold_partial_agreements(
        [summit, earlier], [_agreement(["KG", "TJ", "UZ"], 0), _agreement(["KG", "TJ"], 90)]
    )
    assert len(agreements) == 2
