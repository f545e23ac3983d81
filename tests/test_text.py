"""Text preparation keeps every offset: the parser's copy has the context's length."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.readers import Article
from kg.text import prepare, sentence_case, split_dateline


def test_datelines_with_each_dash_are_split():
    for dash in ("\u2013", "\u2014", "-", "--"):
        assert split_dateline(f"ASTANA {dash} Kazakhstan signed") == ("ASTANA", len(f"ASTANA {dash} "))
    assert split_dateline("BEIJING, Nov. 7 (Xinhua) -- China said")[0] == "BEIJING, Nov. 7 (Xinhua)"
    assert split_dateline("The US - China talks resumed")[0] is None


def test_title_case_headline_is_sentence_cased_except_names():
    headline = "Kazakh State Counselor Reiterates Commitment to UNESCO in Paris"
    cased = sentence_case(headline, keep={"Kazakh", "Paris"})
    assert cased == "Kazakh state counselor reiterates commitment to UNESCO in Paris"
    assert sentence_case("Kazakhstan signs deal with France", keep=set()) == "Kazakhstan signs deal with France"


def test_prepared_text_blanks_the_dateline_but_keeps_the_context():
    article = Article(title="Talks Held", text="ASTANA – Officials met.", source="t")
    prepared = prepare(article)
    assert prepared.context == "Talks Held\n\nASTANA – Officials met."
    assert prepared.dateline == "ASTANA"
    assert "ASTANA" not in prepared.nlp_text


@given(st.text(min_size=1, max_size=80).filter(str.strip), st.text(min_size=1, max_size=200).filter(str.strip))
def test_nlp_text_always_has_the_context_length(title, text):
    prepared = prepare(Article(title=title, text=text, source="t"), names={"Paris"})
    assert len(prepared.nlp_text) == len(prepared.context)
