"""The extraction rule families on sentences of our own, through the real spaCy pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.cameo import GOLDSTEIN, cameo_code
from kg.extract.dates import find_date
from kg.extract.money import find_amounts


# -- roles ----------------------------------------------------------------------
def test_role_of_a_country_before_the_name(extract):
    ex = extract("Talks in Astana", "ASTANA – Kazakh Deputy Foreign Minister Roman Vassilenko met the delegation.")
    person = ex.persons["roman-vassilenko"]
    assert person.country == "KZ"
    assert [(r.name, r.country) for r in person.roles] == [("Deputy Foreign Minister", "KZ")]


def test_role_in_an_organisation(extract):
    ex = extract("Hydrogen plans", "Svevind Energy Group CEO Wolfgang Kropp presented the project on Tuesday.")
    role = ex.persons["wolfgang-kropp"].roles[0]
    assert role.name == "CEO" and role.organization == "svevind-energy-group" and role.country is None


def test_person_country_never_comes_from_the_publisher(extract):
    ex = extract("Interview", "ASTANA – Wolfgang Kropp presented the project on Tuesday.")
    assert ex.persons["wolfgang-kropp"].country is None


def test_title_stripped_and_surname_resolved(extract):
    ex = extract(
        "President Mirziyoyev Opens Forum",
        "TASHKENT – President Shavkat Mirziyoyev opened the forum. Mirziyoyev said reforms would continue.",
    )
    assert [p.name for p in ex.persons.values()] == ["Shavkat Mirziyoyev"]


def test_place_named_surname_is_a_person(extract):
    ex = extract("Trade talks", "Deputy Trade Representative Kevin Washington hosted the delegation in Ohio.")
    assert "Kevin Washington" in [p.name for p in ex.persons.values()]


# -- demonyms and aliases ---------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("French and Kazakh officials met in Astana.", {"FR", "KZ"}),
        ("Türkiye and the UAE signed a deal with the U.S. on Monday.", {"TR", "AE", "US"}),
        ("The Palestinian delegation arrived from Seoul.", {"PS", "KR"}),
    ],
)
def test_countries_from_names_aliases_demonyms_and_cities(extract, sentence, expected):
    assert set(extract("News", sentence).countries) == expected


def test_acronym_and_full_name_are_one_organisation(extract):
    ex = extract("Health", "The Caspian Renewable Energy Alliance (CREA) said on Monday that CREA will expand.")
    names = [(o.name, o.acronym) for o in ex.organizations.values()]
    assert names == [("Caspian Renewable Energy Alliance", "CREA")]


# -- money --------------------------------------------------------------------------
def test_amount_in_local_currency_keeps_its_usd_equivalent():
    amounts = [a for _, _, a in find_amounts("about 857 billion tenge ($1.8 billion) was returned")]
    assert [(a.currency, a.figure) for a in amounts] == [("KZT", Decimal("857e9")), ("USD", Decimal("1.8e9"))]


def test_qualifiers_become_bounds():
    (_, _, more), (_, _, upto) = find_amounts("worth more than $1.4 billion and up to 50 million euros")
    assert more.min_value == Decimal("1.4e9") and more.value is None
    assert upto.currency == "EUR" and upto.max_value == Decimal("5e7")


# -- dates ----------------------------------------------------------------------------
def test_abbreviated_range_resolved_against_publication():
    date = find_date("held from Nov. 3-5 in Abu Dhabi", dt.date(2023, 11, 8))
    assert (date.year, date.month, date.day, date.year_inferred) == (2023, 11, 3, True)


def test_glued_date_without_publication_stays_partial():
    date = find_date("during an Oct.31 meeting", None)
    assert (date.year, date.month, date.day) == (None, 10, 31)


def test_no_date_is_invented_from_free_text():
    assert find_date("more cooperation is expected", dt.date(2023, 11, 8)) is None


# -- modality and CAMEO ------------------------------------------------------------------
def test_future_visit_is_intended_and_coded_as_intent(extract):
    ex = extract("Visit", "French President Emmanuel Macron will visit Kazakhstan next month.")
    visit = next(e for e in ex.events if e.type == "Visit")
    assert visit.intended and visit.cameo == "036" and visit.goldstein == 4.0


def test_past_visit_is_a_visit(extract):
    ex = extract("Visit", "French President Emmanuel Macron visited Kazakhstan on Nov. 1.", dt.date(2023, 11, 2))
    visit = next(e for e in ex.events if e.type == "Visit")
    assert not visit.intended and visit.cameo == "042" and visit.goldstein == GOLDSTEIN["042"]
    assert set(visit.countries) == {"FR", "KZ"}


def test_signing_with_count_and_value(extract):
    ex = extract("Deals", "ASTANA – Kazakhstan and France signed thirteen agreements worth more than $1.4 billion.")
    (agreement,) = ex.agreements
    assert set(agreement.parties) == {"KZ", "FR"} and agreement.count == 13
    assert agreement.amounts[0].min_value == Decimal("1.4e9")
    signing = next(e for e in ex.events if e.type == "AgreementSigning")
    assert signing.cameo == "057" and signing.goldstein == 8.0


@pytest.mark.parametrize(
    ("event_type", "kwargs", "code"),
    [
        ("Meeting", {"intended": False}, "040"),
        ("Meeting", {"intended": False, "by_phone": True}, "041"),
        ("Visit", {"intended": True}, "036"),
        ("Aid", {"intended": False, "humanitarian": True}, "073"),
        ("Trade", {"intended": False}, "061"),
        ("Election", {"intended": False}, None),
    ],
)
def test_cameo_codes(event_type, kwargs, code):
    assert cameo_code(event_type, **kwargs) == code


# -- provenance -----------------------------------------------------------------------------
_SENTENCES = [
    "Kazakh President Kassym-Jomart Tokayev met with French President Emmanuel Macron.",
    "Kazakhstan and Hungary signed four agreements worth $2 billion.",
    "Japan will provide $5 million in humanitarian aid to Afghanistan.",
    "Uzbek Foreign Minister Bakhtiyor Saidov visited China on Nov. 3.",
]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sentences=st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=3),
    filler=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    dateline=st.sampled_from(["", "ASTANA – ", "BEIJING, Nov. 7 (Xinhua) -- "]),
)
def test_provenance_offsets_round_trip(extract, sentences, filler, dateline):
    text = dateline + f" {filler.strip()} ".join(sentences)
    ex = extract(filler.strip() or "Headline", text)
    context = ex.text.context
    assert context == ex.article.title + "\n\n" + ex.article.text
    spans = [e.evidence for e in ex.events] + [a.evidence for a in ex.agreements]
    spans += [r.evidence for p in ex.persons.values() for r in p.roles]
    for evidence in filter(None, spans):
        assert 0 <= evidence.start < evidence.end <= len(context)
        anchored = context[evidence.start : evidence.end]
        assert anchored.strip() and anchored == context[evidence.start : evidence.end]
        assert anchored in ex.article.title or anchored in ex.article.text
