"""Acceptance: articles of our own give exactly the expected ties (dyads), through real spaCy and a real store.

Issue #10: a tie is a pair of countries that interact in an event or agreement — hub-and-spoke reports give one
tie per counterpart, a summit gives none unless two of its participants meet, and a direction is recorded
(visitor → host, donor → recipient, exporter → importer, sender → receiver) where the text gives it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.config import Settings
from kg.ingest import ingest
from kg.readers import Article
from kg.store import KnowledgeStore
from kg.validate import validate
from kg.vocab import AKG, PREFIXES

#: (headline, body, expected ties as (source, target, directed); symmetric ties are sorted)
CASES = {
    "credentials": (
        "Tokayev Receives Credentials of Four Ambassadors",
        "ASTANA – President Kassym-Jomart Tokayev received the credentials of the newly appointed ambassadors of "
        "Belgium, Chile, Kenya and Thailand at the Akorda on Wednesday.",
        {("BE", "KZ", True), ("CL", "KZ", True), ("KE", "KZ", True), ("TH", "KZ", True)},
    ),
    "counterparts": (
        "Saidov Meets Counterparts in New York",
        "NEW YORK – Uzbek Foreign Minister Bakhtiyor Saidov held talks with the foreign ministers of Canada, "
        "Egypt and Malaysia on the sidelines of the UN General Assembly on Tuesday.",
        {("CA", "UZ", False), ("EG", "UZ", False), ("MY", "UZ", False)},
    ),
    "aid": (
        "Türkiye Sends Aid to Three Countries",
        "ANKARA – Türkiye sent 500 tonnes of humanitarian aid to Syria, Lebanon and Sudan this week, the Disaster "
        "and Emergency Management Authority said.",
        {("TR", "SY", True), ("TR", "LB", True), ("TR", "SD", True)},
    ),
    "summit with sideline meetings": (
        "SCO Leaders Meet in Samarkand",
        "SAMARKAND – Leaders of the Shanghai Cooperation Organisation gathered in Samarkand on Thursday for their "
        "annual summit. On the sidelines, Chinese President Xi Jinping met Russian President Vladimir Putin, and "
        "Indian Prime Minister Narendra Modi held talks with Turkish President Recep Tayyip Erdogan.",
        {("CN", "RU", False), ("IN", "TR", False)},
    ),
    "summit without": (
        "Turkic Leaders Meet in Baku",
        "BAKU – Heads of state of Azerbaijan, Kazakhstan, Kyrgyzstan, Turkey and Uzbekistan gathered in Baku on "
        "Friday for a summit of the Organization of Turkic States and adopted a declaration on transport "
        "connectivity.",
        set(),
    ),
    "visit": (
        "Macron Begins State Visit",
        "French President Emmanuel Macron arrived in Astana on Wednesday for a two-day state visit to Kazakhstan.",
        {("FR", "KZ", True)},
    ),
    "visit abroad": (
        "Tokayev in Tokyo",
        "Kazakh President Kassym-Jomart Tokayev paid an official visit to Japan on Dec. 19, 2023.",
        {("KZ", "JP", True)},
    ),
    "planned aid": (
        "Winter Relief",
        "Japan will provide $3 million in humanitarian aid to Mongolia to help herders hit by a harsh winter.",
        {("JP", "MN", True)},
    ),
    "exports": (
        "Grain Exports",
        "Kazakhstan exported $1.2 billion worth of grain to China in 2023, the ministry said.",
        {("KZ", "CN", True)},
    ),
}


def _article(key: str) -> Article:
    title, text, _ = CASES[key]
    return Article(
        title=title, text=text, source="test:ties", id=f"ties-{key.replace(' ', '-')}", published=dt.date(2024, 6, 1)
    )


@pytest.mark.parametrize("key", sorted(CASES))
def test_articles_give_exactly_the_expected_ties(extract, key):
    title, text, expected = CASES[key]
    ex = extract(title, text, dt.date(2024, 6, 1))
    assert {(t.source, t.target, t.directed) for t in ex.ties} == expected


def test_the_summit_itself_ties_nobody_and_the_sideline_meetings_are_meetings(extract):
    title, text, _ = CASES["summit with sideline meetings"]
    ex = extract(title, text)
    assert {ex.events[t.event].type for t in ex.ties} == {"Meeting"}
    assert any(e.type == "Summit" for e in ex.events)


def test_hub_and_spoke_report_is_one_event_with_a_tie_per_counterpart(extract):
    title, text, _ = CASES["credentials"]
    ex = extract(title, text)
    (owner,) = {t.event for t in ex.ties}
    assert ex.events[owner].type == "Meeting" and set(ex.events[owner].countries) == {"BE", "CL", "KE", "TH", "KZ"}


def test_visit_and_aid_carry_the_same_direction_as_their_participant_roles(extract):
    visit = extract(*CASES["visit"][:2])
    (tie,) = visit.ties
    assert (visit.events[tie.event].visitors, visit.events[tie.event].hosts) == (["country:FR"], ["country:KZ"])
    aid = extract(*CASES["aid"][:2])
    (event,) = {aid.events[t.event].evidence: aid.events[t.event] for t in aid.ties}.values()
    assert event.donors == ["country:TR"] and set(event.recipients) == {"country:SY", "country:LB", "country:SD"}


def test_a_trilateral_agreement_ties_every_pair_and_its_signing_adds_none(extract):
    ex = extract(
        "Railway Deal",
        "Kyrgyzstan, China and Uzbekistan signed an agreement on the construction of a railway on June 6.",
        dt.date(2024, 6, 7),
    )
    assert {(t.source, t.target, t.directed) for t in ex.ties} == {
        ("CN", "KG", False),
        ("CN", "UZ", False),
        ("KG", "UZ", False),
    }
    assert all(t.agreement == 0 and t.event is None for t in ex.ties)


def test_ties_are_ordered_and_unique_per_event(extract):
    ex = extract(*CASES["credentials"][:2])
    keys = [(t.event, t.agreement, frozenset((t.source, t.target))) for t in ex.ties]
    assert len(keys) == len(set(keys))
    again = extract(*CASES["credentials"][:2])
    assert again.ties == ex.ties


# -- in the store ---------------------------------------------------------------------------------------
_TIES = """SELECT ?g ?tie (COUNT(DISTINCT ?country) AS ?between) (COUNT(DISTINCT ?owner) AS ?owners)
                  (SAMPLE(?owner) AS ?of) (SAMPLE(?type) AS ?tieType) (COUNT(DISTINCT ?type) AS ?types)
           WHERE { GRAPH ?g { ?tie a akg:Tie ; akg:between ?country ; akg:tieOf ?owner ; akg:tieType ?type } }
           GROUP BY ?g ?tie"""


def _rows(store: KnowledgeStore, query: str) -> list[dict]:
    results = store.oxigraph.query(query, prefixes=PREFIXES)
    names = [v.value for v in results.variables]
    return [
        {name: (term.value if term is not None else None) for name, term in zip(names, row, strict=True)}
        for row in results
    ]


@pytest.fixture(scope="module")
def tie_store(tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("ties") / "store"
    ingest([_article(key) for key in sorted(CASES)], Settings.build(store=path), pipeline=pipeline)
    return path


def test_ties_read_back_with_sparql_keep_the_contract(tie_store):
    with KnowledgeStore(tie_store, read_only=True) as store:
        ties = _rows(store, _TIES)
        assert len(ties) == sum(len(expected) for _, _, expected in CASES.values())
        for tie in ties:
            assert tie["between"] == "2" and tie["owners"] == "1" and tie["types"] == "1", tie
        # the tie's event or agreement is reported by the same article, and the tie type is its class
        classes = {
            (row["g"], row["x"]): row["class"]
            for row in _rows(
                store,
                """
            SELECT ?g ?x ?class { GRAPH ?g { ?g akg:reports ?x . ?x a ?class } }""",
            )
        }
        for tie in ties:
            cls = classes[(tie["g"], tie["of"])]
            assert cls == AKG + tie["tieType"], tie
        # a direction is a source and a target among the two countries, or neither
        for row in _rows(
            store,
            """SELECT ?tie (COUNT(DISTINCT ?s) AS ?sources) (COUNT(DISTINCT ?t) AS ?targets)
                                   { GRAPH ?g { ?tie a akg:Tie OPTIONAL { ?tie akg:source ?s }
                                                OPTIONAL { ?tie akg:target ?t } } } GROUP BY ?tie""",
        ):
            assert (row["sources"], row["targets"]) in (("0", "0"), ("1", "1")), row
        assert not _rows(
            store,
            """SELECT ?tie { GRAPH ?g { ?tie akg:source|akg:target ?c
                                                            FILTER NOT EXISTS { ?tie akg:between ?c } } }""",
        )
        # the evidence is the event's own evidence string, described once, by the event
        assert not _rows(
            store,
            """SELECT ?tie { GRAPH ?g { ?tie a akg:Tie ; akg:evidence ?e ; akg:tieOf ?x .
                                    FILTER NOT EXISTS { ?x akg:evidence ?e } } }""",
        )
        assert not _rows(
            store,
            """SELECT ?tie { GRAPH ?g { ?tie a akg:Tie ; ?p ?o .
                                                            FILTER(STRSTARTS(STR(?p), STR(nif:))) } }""",
        )


def test_directed_ties_in_the_store_go_from_source_to_target(tie_store):
    with KnowledgeStore(tie_store, read_only=True) as store:
        found = {
            (row["s"].rsplit("/", 1)[1], row["t"].rsplit("/", 1)[1])
            for row in _rows(
                store,
                """
            SELECT ?s ?t { GRAPH ?g { ?tie a akg:Tie ; akg:source ?s ; akg:target ?t } }""",
            )
        }
    expected = {(s, t) for _, _, ties in CASES.values() for s, t, directed in ties if directed}
    assert found == expected


def test_a_tie_takes_its_events_date_cameo_code_and_goldstein_score(tie_store):
    with KnowledgeStore(tie_store, read_only=True) as store:
        rows = _rows(
            store,
            """SELECT ?tie ?date ?cameo ?score ?eDate ?eCameo ?eScore { GRAPH ?g {
                                   ?tie a akg:Tie ; akg:tieOf ?x .
                                   OPTIONAL { ?tie schema:startDate ?date } OPTIONAL { ?x schema:startDate ?eDate }
                                   OPTIONAL { ?tie akg:cameoCode ?cameo } OPTIONAL { ?x akg:cameoCode ?eCameo }
                                   OPTIONAL { ?tie akg:goldstein ?score } OPTIONAL { ?x akg:goldstein ?eScore } } }""",
        )
    assert rows
    for row in rows:
        assert (row["date"], row["cameo"], row["score"]) == (row["eDate"], row["eCameo"], row["eScore"]), row
    visit = next(r for r in rows if "ties-visit-abroad" in r["tie"])
    assert (visit["date"], visit["cameo"]) == ("2023-12-19", "042")


def test_store_with_ties_passes_the_shapes(tie_store):
    with KnowledgeStore(tie_store, read_only=True) as store:
        report = validate(store)
    assert report.conforms, report.text
