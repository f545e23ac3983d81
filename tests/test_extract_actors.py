"""`kg.extract.actors`: who acts in a sentence and on which side, on sentences parsed by the real model."""

from __future__ import annotations

import pytest

from kg.extract.actors import ActorFinder, Discourse, aid_sides, visit_sides
from kg.extract.dyads import Sides
from kg.extract.mentions import MentionExtractor
from kg.extract.roles import assign_roles
from kg.extract.sentences import sentences
from kg.extract.triggers import find_triggers, trigger_positions


@pytest.fixture(scope="module")
def read(pipeline):
    """The first sentence of a text: its actors, its triggers by type, its mentions, and the finder."""
    finder = ActorFinder(pipeline.gazetteer)
    mentions_of = MentionExtractor(pipeline.gazetteer)

    def run(text: str):
        doc = pipeline.nlp(text)
        mentions = mentions_of(doc)
        assign_roles(doc, mentions)
        sentence = sentences(doc)[0]
        triggers: dict[str, list] = {}
        for kind, token in find_triggers(sentence, trigger_positions(doc, set())):
            triggers.setdefault(kind, []).append(token)
        return finder(sentence, mentions), triggers, mentions, finder

    return run


def test_a_place_says_where_and_is_no_actor(read):
    actors, *_ = read("Kazakh and French officials met in Geneva on Monday.")
    assert set(actors.countries) == {"KZ", "FR"} and actors.place_countries == ["CH"]


def test_topics_and_weapons_do_not_act(read):
    assert read("The trip underlines Japan's concern over China's assertiveness.")[0].countries == ["JP"]
    assert "RU" not in read("Ukraine condemned Russian missile attacks on Kyiv.")[0].countries


def test_the_direct_object_of_a_visit_is_its_destination(read):
    actors, *_ = read("French President Emmanuel Macron visited Kazakhstan on Nov. 1.")
    assert actors.destinations == ["KZ"] and set(actors.countries) == {"FR", "KZ"}


def test_a_hub_meets_each_counterpart_and_a_place_or_topic_is_none(read):
    _actors, triggers, mentions, finder = read(
        "Uzbek Foreign Minister Bakhtiyor Saidov held talks with the foreign ministers of Canada, Egypt and "
        "Malaysia on relations with Russia in New York."
    )
    assert finder.meeting_sides(triggers["Meeting"], mentions) == [Sides(("UZ",), ("CA", "EG", "MY"))]


def test_receiving_goes_from_the_guests_to_the_host(read):
    _, triggers, mentions, finder = read(
        "President Kassym-Jomart Tokayev received the credentials of the ambassadors of Belgium and Chile."
    )
    assert finder.meeting_sides(triggers["Meeting"], mentions) == [Sides(("BE", "CL"), ("KZ",), True)]


def test_presenting_credentials_goes_from_the_ambassadors_to_the_receiver(read):
    _, triggers, mentions, finder = read(
        "The newly appointed ambassador of Egypt presented his credentials to "
        "President Kassym-Jomart Tokayev on Thursday."
    )
    assert finder.meeting_sides(triggers["Meeting"], mentions) == [Sides(("EG",), ("KZ",), True)]


def test_visitors_go_to_the_destination_or_where_they_arrived(read):
    actors, *_ = read("Mongolian President Ukhnaagiin Khurelsukh arrived in Beijing on Monday.")
    assert visit_sides(actors, multilateral=False) == Sides(("MN",), ("CN",), True)
    actors, *_ = read("Olaf Scholz will travel to Samarkand for a meeting with the leaders of five countries.")
    assert not visit_sides(actors, multilateral=True)  # the venue of a gathering is not a host


def test_aid_goes_from_each_donor_to_each_recipient(read):
    actors, _, mentions, _ = read(
        "Neighbouring Kazakhstan and Uzbekistan have sent aid convoys with food to Kabul and to Pakistan."
    )
    sides = aid_sides(actors, mentions)
    assert set(sides.sources) == {"KZ", "UZ"} and set(sides.targets) == {"AF", "PK"} and sides.directed


def test_exports_go_from_the_seller_to_the_buyer(read):
    actors, triggers, mentions, finder = read("Kazakhstan exported $1.2 billion worth of grain to China and Iran.")
    sides, owner = finder.trade_sides(triggers["Trade"][0], actors, mentions, None)
    assert sides == [Sides(("KZ",), ("CN", "IR"), True)] and owner == "KZ"


def test_imports_go_from_the_goods_country_to_the_buyer(read):
    actors, triggers, mentions, finder = read("Imports of Russian petrol rose 12% to $1.3 billion.")
    sides, _ = finder.trade_sides(triggers["Trade"][0], actors, mentions, "KZ")
    assert sides == [Sides(("RU",), ("KZ",), True)]


def test_trading_partners_each_trade_with_the_reporting_country(read):
    actors, _, mentions, finder = read(
        "China remained Kazakhstan's largest trading partner with $18.9 billion, followed by Russia with $17.1 billion."
    )
    trigger = finder.partner_trigger(actors.sentence)
    sides, owner = finder.trade_sides(trigger, actors, mentions, None)
    assert sides == [Sides(("KZ",), ("CN", "RU"))] and owner == "KZ"


def test_a_gathering_belongs_to_two_countries_only_by_its_name(read):
    actors, triggers, mentions, finder = read("Companies signed deals at the Kazakhstan-France Business Forum.")
    assert finder.gathering_sides(triggers["Summit"][0], actors, mentions) == [Sides(("KZ",), ("FR",))]
    actors, triggers, mentions, finder = read("Kazakh and French leaders attended the summit in Paris.")
    assert finder.gathering_sides(triggers["Summit"][0], actors, mentions) == []


def test_the_two_sides_are_the_pair_last_seen_acting_together(read):
    discourse = Discourse()
    first, *_ = read("Kazakh President Kassym-Jomart Tokayev held talks with Kyrgyz President Sadyr Japarov in Astana.")
    discourse.complete(first, ["Meeting"], bloc_summit=False)
    later, *_ = read("After the talks, the two sides signed 15 documents.")
    assert later.countries == []
    discourse.complete(later, ["AgreementSigning"], bloc_summit=False)
    assert set(later.countries) == {"KZ", "KG"}


def test_being_received_goes_from_the_guest_to_the_host(read):
    _, triggers, mentions, finder = read(
        "Russian President Vladimir Putin was received by North Korean leader Kim Jong Un in Pyongyang on Wednesday."
    )
    assert finder.meeting_sides(triggers["Meeting"], mentions) == [Sides(("RU",), ("KP",), True)]
