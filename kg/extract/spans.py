"""Repair the entity spans the statistical NER and the gazetteer ruler leave behind.

The EntityRuler runs before `ner` with `overwrite_ents`, so a country or
demonym inside a longer name cuts that name in pieces: "Press Trust of" +
"India", "French" + "Development Agency", "Emma" + "Jordan" (a country!),
"Ursula von" + "der Leyen". The small model also ends persons early at name
particles ("Abdulaziz" + "bin Salman"). This module re-joins such pieces into
`Entity` records; everything downstream works on those, never on `doc.ents`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extract.lexicon import (
    DANGLING,
    NAME_PARTICLES,
    NOT_GIVEN_NAME_ENDINGS,
    PATRONYMIC_PARTICLES,
    PORTFOLIO,
    ROLE_WORDS,
    STATE_BODIES,
    TITLES,
)
from kg.extract.sentences import sentence_of, sentence_start

_ACRONYM_DEFINITION = re.compile(
    r"(?P<name>(?:[A-Z][\w’'&.\-]* +(?:(?:of|the|and|for|on|in|de|&|a|under) +)*)+[A-Z][\w’'&.\-]*)"
    r"\s*\(\s*(?P<acronym>[A-Z][A-Za-z0-9&.\-]{1,11})\s*\)"
)


@dataclass(frozen=True)
class Entity:
    """A span and what it is: `label` PERSON/ORG/GPE/NORP/…, `ref` a gazetteer id or ''.

    `name` overrides the span text when the canonical name is not a substring
    ("Central Election Commission of Kyrgyzstan").
    """

    span: Span
    label: str
    ref: str = ""
    name: str | None = None

    @property
    def text(self) -> str:
        return self.name or self.span.text


def acronym_definitions(text: str) -> dict[str, str]:
    """ACRONYM → the Title-Case name written just before it: "Asian Development Bank (ADB)"."""
    pairs = {}
    for match in _ACRONYM_DEFINITION.finditer(text):
        name = re.split(r"(?<=[a-z])\.\s+", match.group("name"))[-1]  # not across a sentence end
        name = re.sub(r"^(?:The|A|An)\s+", "", name)
        name = re.sub(r"^[A-Z][\w-]*['’]s\s+", "", name)  # "Spain's State Meteorological Agency"
        # "Chief Justice of the Astana International Financial Centre (AIFC)": the role is not the name
        lead = re.match(r"(?:[A-Z][\w-]*\s+)+?of\s+(?:the\s+)?", name)
        if lead and all(
            w.lower() in ROLE_WORDS or w.lower() in TITLES
            for w in lead.group(0).split()[:-1]
            if w.lower() not in ("of", "the")
        ):
            name = name[lead.end() :]
        name = _spelled_suffix(name, match.group("acronym"))
        if len(name.split()) >= 2 and name.upper() != name:
            pairs[match.group("acronym")] = name
    return pairs


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w[0].isupper())


def _spelled_suffix(name: str, acronym: str) -> str:
    """ "Ethiopia and the African Union (AU)" → "African Union": the words the acronym spells out."""
    letters = re.sub(r"[^A-Z]", "", acronym.upper())
    words = name.split()
    if _initials(words) == letters:
        return name
    for start in range(1, len(words) - 1):
        if words[start][0].isupper() and _initials(words[start:]) == letters:
            return " ".join(words[start:])
    for start in range(len(words) - 1):
        # "Economic Community of West African States (ECOWAS)": a connector may give a letter too
        if words[start][0].isupper() and _spells(words[start:], letters):
            return " ".join(words[start:])
    if acronym[1:].islower() and " and the " in name:
        # "The European Union and the Southern Common Market (Mercosur)": a word-like short name
        # belongs to the last of two coordinated names
        return name.rsplit(" and the ", 1)[1]
    return name


def _spells(words: list[str], letters: str) -> bool:
    """Capitalised words give their initial; lower-case connectors may or may not."""
    if not words:
        return not letters
    first = words[0][0]
    if first.isupper():
        return bool(letters) and letters[0] == first and _spells(words[1:], letters[1:])
    return _spells(words[1:], letters) or (
        bool(letters) and letters[0] == first.upper() and _spells(words[1:], letters[1:])
    )


def entities(doc: Doc, country_names: dict[str, str]) -> list[Entity]:
    """`doc.ents` with ruler fragments re-joined; `country_names` maps ISO2 → name."""
    merged: list[Entity] = []
    for ent in doc.ents:
        current = _given_name_before_place(doc, Entity(ent, ent.label_, ent.ent_id_))
        previous = merged[-1] if merged else None
        joined = previous and _join(doc, previous, current, country_names)
        if joined:
            merged[-1:] = joined
        else:
            merged.append(current)
    return [_extend_person(doc, e) if e.label == "PERSON" and not e.ref else e for e in merged]


def _join(doc: Doc, first: Entity, second: Entity, country_names: dict[str, str]) -> list[Entity] | None:
    """The entities two neighbours become, or None when they stay apart."""
    gap = doc[first.span.end : second.span.start]
    kind = second.ref.partition(":")[0]
    first_kind = first.ref.partition(":")[0]
    if first.label == "ORG" and not first.ref and not gap and first.span[-1].lower_ in DANGLING and kind == "country":
        # "Ministry of Energy of" + "Uzbekistan": the country stays a mention of its own too.
        return [Entity(doc[first.span.start : second.span.end], "ORG"), second]
    if (
        first.label == "PERSON"
        and second.label == "PERSON"
        and not first.ref
        and not gap
        and (first.span[-1].lower_ in PATRONYMIC_PARTICLES)
    ):
        # "Mohammed bin" + "Salman bin Abdulaziz Al Saud": the father's name is part of the son's
        return [Entity(doc[first.span.start : second.span.end], "PERSON")]
    if (
        first.label == "PERSON"
        and second.label in ("PERSON", "ORG")
        and not first.ref
        and not second.ref
        and (not gap or all(t.lower_ in NAME_PARTICLES for t in gap))
        and (first.span[-1].lower_ in NAME_PARTICLES or second.span[0].lower_ in NAME_PARTICLES or gap)
    ):
        return [Entity(doc[first.span.start : second.span.end], "PERSON")]
    if first_kind in ("country", "demonym") and second.label == "ORG" and not second.ref:
        possessive = len(gap) == 1 and gap[0].lower_ in ("'s", "’s")
        body = second.span.root.lower_ in STATE_BODIES
        iso2 = first.ref.partition(":")[2]
        if body and (possessive or not gap) and iso2 in country_names:
            name = f"{_strip_the(second.span.text)} of {country_names[iso2]}"
            return [first, Entity(second.span, "ORG", name=name)]
        if not gap and not body:
            # "French" + "Development Agency": the demonym is part of the name; keep the country.
            return [first, Entity(doc[first.span.start : second.span.end], "ORG")]
    return None


def _given_name_before_place(doc: Doc, entity: Entity) -> Entity:
    """ "Emma Jordan", "Kevin Washington": a place name right after an untagged given name is a surname."""
    if entity.ref.partition(":")[0] not in ("country", "city") or entity.span.start <= sentence_start(entity.span):
        return entity
    before = doc[entity.span.start - 1]
    if (
        before.ent_iob_ == "O"
        and before.is_title
        and before.pos_ == "PROPN"
        and len(before) > 1
        and (not before.lower_.endswith(NOT_GIVEN_NAME_ENDINGS))
        and (before.lower_ not in TITLES and before.lower_ not in PORTFOLIO)
    ):
        return Entity(doc[before.i : entity.span.end], "PERSON")
    return entity


def _extend_person(doc: Doc, entity: Entity) -> Entity:
    """Run a person on over particles and capitalised words: "Ursula von" → "Ursula von der Leyen"."""
    end = entity.span.end
    while (
        end < sentence_of(entity.span).end
        and doc[end].lower_ in NAME_PARTICLES
        and end + 1 < len(doc)
        and (doc[end + 1].is_title or doc[end + 1].lower_ in NAME_PARTICLES)
    ):
        end += 1
        while end < len(doc) and doc[end].is_title and doc[end].pos_ == "PROPN":
            end += 1
    return entity if end == entity.span.end else Entity(doc[entity.span.start : end], "PERSON")


def _strip_the(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text)
