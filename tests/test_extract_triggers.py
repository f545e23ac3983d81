"""`kg.extract.triggers`: which sentences report which event type, on sentences parsed by the real model."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.sentences import sentences
from kg.extract.triggers import after_publication, find_triggers, first_of_each, is_intended, trigger_positions
from kg.extraction import PartialDate


@pytest.fixture(scope="module")
def types(pipeline):
    """Event types of each sentence of a text: a list of {type: trigger word}."""

    def run(text: str) -> list[dict[str, str]]:
        doc = pipeline.nlp(text)
        positions = trigger_positions(doc, set())
        return [
            {kind: token.text for kind, token in first_of_each(find_triggers(span, positions)).items()}
            for span in sentences(doc)
        ]

    return run


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Tokayev met with Macron on Monday.", {"Meeting": "met"}),
        ("The presidents held a telephone conversation on Tuesday.", {"Meeting": "conversation"}),
        ("Aliyev received the credentials of the ambassadors of Italy and Brazil.", {"Meeting": "received"}),
        ("Japan will provide $5 million in humanitarian aid to Afghanistan.", {"Aid": "aid"}),
        ("Trade between the two countries reached $5 billion last year.", {"Trade": "Trade"}),
        ("Kazakhstan and France signed thirteen agreements.", {"AgreementSigning": "signed"}),
    ],
)
def test_trigger_words_report_their_type(types, sentence, expected):
    assert types(sentence) == [expected]


@pytest.mark.parametrize(
    "sentence",
    [
        "The tenge was trading at 501.3 to the dollar on Monday.",
        "The ministers discussed trade and investment.",  # talks on trade are not Trade: no sum stated
        "The minister told a joint news conference that talks would continue.",
        "Parliament approved the visiting forces agreement on Monday.",
        "The newly appointed ambassador arrived in the capital.",
    ],
)
def test_senses_that_report_no_event_of_their_type(types, sentence):
    found = types(sentence)[0]
    assert "Trade" not in found and "Summit" not in found and "Appointment" not in found
    assert found.get("Visit") != "visiting"


def test_a_meeting_of_many_states_is_a_summit_but_talks_with_named_ministers_are_meetings(types):
    assert (
        "Summit"
        in types("Scholz will travel to Samarkand for a meeting with the leaders of the five Central Asian countries.")[
            0
        ]
    )
    assert types("Saidov held talks with the foreign ministers of Canada and Egypt.") == [{"Meeting": "talks"}]


def test_statement_verbs_count_only_in_the_headline(pipeline):
    doc = pipeline.nlp(
        "Kazakh PM Outlines New Horizons in China Cooperation\n\nASTANA – The prime minister "
        "outlined the plans on Monday."
    )
    positions = trigger_positions(doc, set())
    found = [first_of_each(find_triggers(span, positions)) for span in sentences(doc)]
    assert "Statement" in found[0] and all("Statement" not in f for f in found[1:])


def test_a_trigger_inside_an_organisation_name_is_skipped(pipeline):
    doc = pipeline.nlp("The European Investment Bank lent $500 million.")
    inside = set(range(1, 4))  # "European Investment Bank"
    assert all(doc[i].text != "Investment" for i in trigger_positions(doc, inside))


@pytest.mark.parametrize(
    ("sentence", "intended"),
    [
        ("French President Emmanuel Macron will visit Kazakhstan next month.", True),
        ("Egypt and South Korea plan to sign a nuclear deal.", True),
        ("The leaders are expected to meet in June.", True),
        ("French President Emmanuel Macron visited Kazakhstan on Nov. 1.", False),
    ],
)
def test_announced_acts_are_intended(pipeline, sentence, intended):
    doc = pipeline.nlp(sentence)
    positions = trigger_positions(doc, set())
    (trigger,) = [token for _, token in find_triggers(doc[:], positions)][:1]
    assert is_intended(trigger) is intended


def test_an_event_dated_after_publication_has_not_happened():
    published = dt.date(2024, 6, 1)
    assert after_publication(PartialDate(6, 20, 2024), published)
    assert not after_publication(PartialDate(5, 20, 2024), published)
    assert not after_publication(PartialDate(6, 20), published)  # no year: cannot tell
    assert not after_publication(PartialDate(6, 20, 2024), None)
