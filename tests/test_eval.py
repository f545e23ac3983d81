"""`kg.evaluate`: scoring rules on hand-made predictions, and one real ingest-and-read round."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from kg.config import Settings
from kg.evaluate import GoldAgreement, GoldArticle, Predicted, PredictedAgreement, evaluate, load_gold, name_key, score
from kg.readers import Article

_ITEM = {
    "id": "t-1",
    "title": "Kazakhstan, France Sign Agreements Worth $1.4 Billion",
    "text": "ASTANA – Kazakh President Kassym-Jomart Tokayev and French President Emmanuel Macron met on Nov. 1. "
    "Kazakhstan and France signed thirteen agreements worth more than $1.4 billion, "
    "the World Health Organization (WHO) said.",
    "published": "2023-11-02",
    "persons": ["Kassym-Jomart Tokayev", "Emmanuel Macron"],
    "countries": ["FR", "KZ"],
    "organizations": ["WHO"],
    "event_types": ["AgreementSigning", "Meeting"],
    "bilateral": [["FR", "KZ"]],
    "agreements": [{"parties": ["FR", "KZ"], "count": 13, "value_usd": 1400000000}],
}


def _gold(tmp_path: Path, *items: dict) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n", encoding="utf-8")
    return path


def test_names_match_without_case_diacritics_or_punctuation():
    assert name_key("Recep Tayyip Erdoğan") == name_key("recep tayyip erdogan")
    assert name_key("The Astana Times") == name_key("Astana Times")


def test_organisation_matches_by_acronym_and_agreement_needs_count_and_value(tmp_path):
    (gold,) = load_gold(_gold(tmp_path, _ITEM))
    predicted = Predicted(
        persons={name_key("Kassym-Jomart Tokayev")},
        countries={"KZ", "FR", "US"},
        organizations={"org:1": {"world health organization", "who"}},
        event_types={"Meeting"},
        bilateral={("FR", "KZ")},
        agreements=[PredictedAgreement(frozenset({"KZ", "FR"}), 12, (Decimal("1.4e9"),))],
    )
    report = score([gold], [predicted])
    assert (report.scores["persons"].tp, report.scores["persons"].fn) == (1, 1)
    assert report.scores["countries"].fp == 1
    assert report.scores["organizations"].tp == 1
    assert report.scores["agreements"].tp == 0  # right parties, wrong count: a miss and a false positive
    assert (report.scores["agreements"].fn, report.scores["agreements"].fp) == (1, 1)
    assert "missed agreements" in str(report) and "emmanuel macron" in str(report)


def test_value_within_tolerance_counts():
    gold = GoldAgreement(frozenset({"KZ", "FR"}), 13, Decimal("1400000000"))
    report = score(
        [_fake(gold)], [Predicted(agreements=[PredictedAgreement(frozenset({"KZ", "FR"}), 13, (Decimal("1.4e9"),))])]
    )
    assert report.scores["agreements"].f1 == 1.0


def _fake(agreement: GoldAgreement) -> GoldArticle:
    return GoldArticle(Article("t", "x", "s"), set(), set(), set(), set(), set(), [agreement])


def test_evaluate_ingests_and_reads_the_graph_back(tmp_path):
    report = evaluate(_gold(tmp_path, _ITEM), Settings(store=tmp_path / "unused"))
    assert report.articles == 1
    assert report.scores["countries"].f1 == 1.0
    assert report.scores["bilateral"].tp == 1
    assert report.scores["agreements"].tp == 1
    assert not (tmp_path / "unused").exists()
    text = str(report)
    assert "persons" in text and "F1" in text


_HUB = {
    "id": "t-2",
    "title": "Tokayev Receives Credentials of Three Ambassadors",
    "text": "ASTANA – President Kassym-Jomart Tokayev received the credentials of the newly appointed ambassadors "
    "of Belgium, Chile and Kenya at the Akorda on Wednesday.",
    "published": "2024-05-02",
    "persons": ["Kassym-Jomart Tokayev"],
    "countries": ["BE", "CL", "KE", "KZ"],
    "organizations": [],
    "event_types": ["Meeting"],
    "bilateral": [["BE", "KZ"], ["CL", "KZ"], ["KE", "KZ"]],
    "agreements": [],
}


def test_bilateral_pairs_are_read_from_the_ties_one_per_dyad(tmp_path):
    """One meeting with three counterparts is three pairs: the retired "event with exactly two countries"
    would have found none."""
    report = evaluate(_gold(tmp_path, _HUB), Settings(store=tmp_path / "unused"))
    bilateral = report.scores["bilateral"]
    assert (bilateral.tp, bilateral.fp, bilateral.fn) == (3, 0, 0)
