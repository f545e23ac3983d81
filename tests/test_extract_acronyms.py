from kg.extract.mentions import _CLUB, _JUNK_ORG, PLATFORMS
from kg.extract.spans import acronym_definitions


def test_acronym_definition_drops_role_possessive_and_previous_sentence():
    assert acronym_definitions("Chief Justice of the Astana International Financial Centre (AIFC) Court") == {
        "AIFC": "Astana International Financial Centre"
    }
    assert acronym_definitions("Spain's State Meteorological Agency (AEMET) said") == {
        "AEMET": "State Meteorological Agency"
    }
    assert acronym_definitions("Ganjar Pranowo. The General Elections Commission (KPU) will") == {
        "KPU": "General Elections Commission"
    }
    assert acronym_definitions("the Bank of China (BOC)") == {"BOC": "Bank of China"}


def test_clubs_and_junk_names():
    text = "Premier League\n\n   FC Astana beat Kairat FC on Sunday."
    assert [m.group(0) for m in _CLUB.finditer(text)] == ["FC Astana", "Kairat FC"]
    assert _JUNK_ORG.match("Future of Jobs") and not _JUNK_ORG.match("Central Bank of Uzbekistan")
    assert "instagram" in PLATFORMS
