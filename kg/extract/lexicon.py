"""Closed word classes the rules share: titles, role heads, portfolios, name particles.

Kept in one place so the mention, role and span rules agree on what a title
or an office is; every list is general English news vocabulary, not names.
"""

from __future__ import annotations

#: Words stripped from the front of a person's name.
TITLES = frozenset(
    """mr mrs ms miss dr prof professor sir dame lord lady president vice prime minister premier
    king queen prince princess sheikh emir sultan chancellor ambassador senator governor mayor
    secretary general chairman chairwoman chairperson chair ceo director deputy foreign head state counselor
    counsellor spokesperson spokesman spokeswoman envoy commissioner minister's akim hokim
    h.e. his her excellency majesty mp gen. general col. colonel st. saint pm fm coach striker
    midfielder defender goalkeeper singer artist dj poet writer author composer reformer statesman
    assistant representative trade executive chief officer leader opposition aide presidential
    former late captain judge justice rector adviser advisor pope cardinal archbishop imam mufti
    crown""".split()
)
#: Heads of role phrases: "Deputy Foreign *Minister*", "Svevind Energy Group *CEO*".
ROLE_HEADS = frozenset(
    """president minister ambassador secretary secretary-general chairman chairwoman chairperson chair ceo
    director head speaker senator governor mayor akim hokim chief counselor counsellor envoy spokesperson
    spokesman spokeswoman commissioner king queen emir sheikh chancellor founder officer premier
    representative deputy justice judge rector manager adviser advisor consul chargé commander coordinator
    president-elect leader executive aide prince pm""".split()
)
#: Portfolio words in ministers' titles and ministry names: "Minister of *Investment and Foreign Trade*".
PORTFOLIO = frozenset(
    """agriculture investment investments foreign trade affairs external internal interior economy economic
    commerce energy finance finances industry state health healthcare education science higher culture
    information justice defence defense water resources emergency emergencies situations ecology natural
    environment transport transportation digital development labour labor social protection tourism sport
    sports national infrastructure innovation innovations communications communication youth family
    religious religion policy planning security public services affairs mining geology construction
    housing irrigation aviation oil gas power integration relations international cooperation
    budget customs statistics metro""".split()
)
#: Role words that never make an organisation on their own.
ROLE_WORDS = ROLE_HEADS | {"prime", "foreign", "vice", "general", "state"}
#: Last words of names that name events, programmes or documents rather than organisations.
EVENT_HEADS = frozenset(
    """conference summit forum awards award festival expo exhibition games championship championships
    week dialogue congress olympiad olympics cup prize day days session meeting talks biennale fair
    marathon tournament initiative strategy program programme project plan year decade agreement
    treaty corridor partnership campaign report regard""".split()
)
#: Function words allowed inside Title-Case names.
NAME_CONNECTORS = frozenset({"of", "for", "and", "on", "the", "-", "&", "in", "de"})
