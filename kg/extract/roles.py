"""Offices people hold, read from the words around their names.

"Kazakh Deputy Foreign Minister Roman Vassilenko" → role "Deputy Foreign
Minister" of KZ; "Svevind Energy Group CEO Wolfgang Kropp" → role "CEO" of
that organisation; "Saidov, Uzbekistan's foreign minister," → the same after
the name. A person's country comes only from such an explicit cue (or the
gazetteer of office holders), never from where the article was published.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extract.lexicon import ROLE_CONNECTORS, ROLE_HEADS
from kg.extract.mentions import Mentions
from kg.extract.sentences import sentence_of
from kg.extraction import Evidence, Role


def assign_roles(doc: Doc, mentions: Mentions) -> None:
    """Attach roles (and the countries they imply) to the persons in `mentions`."""
    org_by_token = {t.i: slug for span, slug in mentions.organization_spans for t in span}
    country_by_token = {t.i: iso2 for span, iso2, kind in mentions.country_spans if kind != "city" for t in span}
    for span, slug in mentions.person_spans:
        person = mentions.persons.get(slug)
        if person is None:
            continue
        role = _role_before(doc, span, org_by_token, country_by_token) or _role_after(
            doc, span, org_by_token, country_by_token
        )
        if role is None:
            continue
        if role not in person.roles:
            person.roles.append(role)
        if role.country and not person.country:
            person.country = role.country


def _role_before(doc: Doc, span: Span, orgs: dict[int, str], countries: dict[int, str]) -> Role | None:
    """Title-Case role words right before the name, and the country or organisation before them."""
    sentence = sentence_of(span)
    i = span.start - 1
    words: list[int] = []
    while i >= sentence.start and i not in orgs and i not in countries:
        token = doc[i]
        if (
            token.lower_ in ROLE_HEADS
            or (token.is_title and token.pos_ in ("PROPN", "NOUN", "ADJ"))
            or (words and token.lower_ in ROLE_CONNECTORS)
        ):
            words.insert(0, i)
            i -= 1
        else:
            break
    while words and doc[words[0]].lower_ in ROLE_CONNECTORS:
        words.pop(0)
    if not any(doc[w].lower_ in ROLE_HEADS for w in words):
        return None
    if i >= 0 and doc[i].lower_ in ("'s", "’s") and i - 1 >= 0:
        i -= 1  # "Kazakhstan's Foreign Minister"
    name = doc[words[0] : words[-1] + 1].text
    return Role(
        name=name,
        country=countries.get(i),
        organization=orgs.get(i) if i not in countries else None,
        evidence=Evidence(sentence.start_char, sentence.end_char),
    )


def _role_after(doc: Doc, span: Span, orgs: dict[int, str], countries: dict[int, str]) -> Role | None:
    """ ", Uzbekistan's foreign minister," or ", the CEO of Siemens Energy," right after the name."""
    if span.end >= len(doc) or doc[span.end].text != ",":
        return None
    sentence = sentence_of(span)
    end = span.end + 1
    while end < sentence.end and doc[end].text not in (",", ".", ";", "(", ")"):
        end += 1
    apposition = doc[span.end + 1 : end]
    if len(apposition) > 10 or not any(t.lower_ in ROLE_HEADS for t in apposition):
        return None
    country = next((countries[t.i] for t in apposition if t.i in countries), None)
    org = next((orgs[t.i] for t in apposition if t.i in orgs), None)
    role_words = [
        t
        for t in apposition
        if t.i not in countries
        and t.i not in orgs
        and t.lower_ not in ("the", "a", "an", "'s", "’s")
        and not t.is_punct
    ]
    while role_words and role_words[-1].lower_ in ROLE_CONNECTORS | {"to", "at", "in"}:
        role_words.pop()
    first = next((k for k, t in enumerate(role_words) if t.lower_ in ROLE_HEADS or t.pos_ == "ADJ"), None)
    if first is None:
        return None
    role_words = role_words[first:]
    cut = next((k for k, t in enumerate(role_words) if t.lower_ in ("to", "at", "in")), len(role_words))
    name = " ".join(t.text for t in role_words[:cut])
    name = name[:1].upper() + name[1:]
    return Role(
        name=name.title() if name.islower() else name,
        country=country,
        organization=None if country else org,
        evidence=Evidence(sentence.start_char, sentence.end_char),
    )
