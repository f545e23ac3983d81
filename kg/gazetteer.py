"""Curated reference data: countries, organisations and recurring office holders.

The small spaCy model misreads exactly the names this product cares most
about ("Kazakh" as a PERSON, "Kassym-Jomart Tokayev" as an ORG), so the tables
in `kg/data/` are turned into EntityRuler patterns that run before the
statistical NER, and into look-ups the extractor uses to normalise what the
model finds. Entity ids carried to `ent.ent_id_` say what a span refers to:
`country:KZ`, `demonym:KZ`, `city:KZ`, `org:{slug}`, `person:{slug}`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from kg.iris import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"


def normalise(text: str) -> str:
    """A look-up key: case, diacritics, dots and curly quotes do not matter."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s.]+", " ", ascii_text.replace("’", "'").replace(".", " ")).strip().lower()


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    wikidata: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    cities: tuple[str, ...]


@dataclass(frozen=True)
class Organization:
    name: str
    acronyms: tuple[str, ...]
    aliases: tuple[str, ...]
    kind: str
    country: str | None

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class KnownPerson:
    name: str
    aliases: tuple[str, ...]
    country: str | None
    role: str | None

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


class Gazetteer:
    """Loaded reference tables with the look-ups the extractor needs."""

    def __init__(self) -> None:
        self.countries: dict[str, Country] = {
            row["iso2"]: Country(
                iso2=row["iso2"],
                iso3=row["iso3"],
                wikidata=row["wikidata"],
                name=row["name"],
                aliases=_split(row["aliases"]),
                demonyms=_split(row["demonyms"]),
                capitals=_split(row["capitals"]),
                cities=_split(row["cities"]),
            )
            for row in _rows("countries.tsv")
        }
        self.organizations: list[Organization] = [
            Organization(
                name=row["name"],
                acronyms=_split(row["acronyms"]),
                aliases=_split(row["aliases"]),
                kind=row["kind"],
                country=row["country"] or None,
            )
            for row in _rows("organizations.tsv")
        ]
        self.persons: list[KnownPerson] = [
            KnownPerson(
                name=row["name"],
                aliases=_split(row["aliases"]),
                country=row["country"] or None,
                role=row["role"] or None,
            )
            for row in _rows("persons.tsv")
        ]

    # -- look-ups -------------------------------------------------------
    @cached_property
    def country_terms(self) -> dict[str, tuple[str, str]]:
        """normalised term → (kind, ISO2), kind ∈ country, demonym, city."""
        terms: dict[str, tuple[str, str]] = {}
        for country in self.countries.values():
            for kind, names in (
                ("city", country.cities + country.capitals),
                ("demonym", country.demonyms),
                ("country", (country.name, *country.aliases)),
            ):
                for name in names:
                    terms[normalise(name)] = (kind, country.iso2)
        return terms

    def country_of(self, text: str, kinds: tuple[str, ...] = ("country", "demonym", "city")) -> str | None:
        """The ISO2 code a name, alias, demonym or city refers to, if any."""
        found = self.country_terms.get(normalise(text))
        return found[1] if found and found[0] in kinds else None

    @cached_property
    def organization_terms(self) -> dict[str, Organization]:
        terms = {}
        for org in self.organizations:
            for name in (org.name, *org.aliases, *org.acronyms):
                terms[normalise(name)] = org
        return terms

    def organization(self, text: str) -> Organization | None:
        return self.organization_terms.get(normalise(text))

    @cached_property
    def person_terms(self) -> dict[str, KnownPerson]:
        """Full names and aliases, plus surnames that only one known person has."""
        terms: dict[str, KnownPerson] = {}
        surnames: dict[str, list[KnownPerson]] = {}
        for person in self.persons:
            for name in (person.name, *person.aliases):
                terms[normalise(name)] = person
            surnames.setdefault(normalise(person.surname), []).append(person)
        for surname, people in surnames.items():
            if len(people) == 1 and surname not in self.country_terms:
                terms.setdefault(surname, people[0])
        return terms

    def person(self, text: str) -> KnownPerson | None:
        return self.person_terms.get(normalise(text))

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Every word of every name: headline words that stay capitalised."""
        names = [
            term
            for country in self.countries.values()
            for term in (country.name, *country.aliases, *country.demonyms, *country.capitals, *country.cities)
        ]
        names += [term for org in self.organizations for term in (org.name, *org.aliases, *org.acronyms)]
        names += [term for person in self.persons for term in (person.name, *person.aliases)]
        words = {word for name in names for word in re.findall(r"[^\W\d_][\w'’.]*", name)}
        return frozenset(word for word in words if word[0].isupper())

    # -- spaCy patterns ----------------------------------------------------
    def ruler_patterns(self) -> list[dict]:
        """EntityRuler phrase patterns; the id says what the span refers to."""
        patterns = []
        for country in self.countries.values():
            for name in (country.name, *country.aliases):
                patterns.append({"label": "GPE", "pattern": name, "id": f"country:{country.iso2}"})
            for name in country.demonyms:
                patterns.append({"label": "NORP", "pattern": name, "id": f"demonym:{country.iso2}"})
            for name in country.capitals + country.cities:
                patterns.append({"label": "GPE", "pattern": name, "id": f"city:{country.iso2}"})
        for org in self.organizations:
            for name in (org.name, *org.aliases, *org.acronyms):
                patterns.append({"label": "ORG", "pattern": name, "id": f"org:{org.slug}"})
        for person in self.persons:
            for name in (person.name, *person.aliases):
                patterns.append({"label": "PERSON", "pattern": name, "id": f"person:{person.slug}"})
        return patterns


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    return Gazetteer()
