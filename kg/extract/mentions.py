"""Persons, countries and organisations named in an article, normalised.

The statistical NER proposes spans (re-joined by `kg.extract.spans`); the
gazetteer ids say what known names refer to; the rules here clean the rest:
titles, portfolios and possessives stripped from persons ("Minister of
Agriculture Aidarbek Saparov"), full names the small model calls ORG
("President Kassym-Jomart Tokayev") turned back into persons, surname mentions
resolved to the full name given in the article (or, when unambiguous, in the
gazetteer of office holders), acronyms tied to the name they abbreviate, the news agency of
the dateline kept as a source, and spans that name events, roles, portfolios
or seats of power rejected as organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extract.lexicon import (
    ADJECTIVE_ENDINGS,
    AMBIGUOUS_BODY_HEADS,
    AMERICAS_REGIONS,
    BARE_BODIES,
    BODY_HEADS,
    BODY_WORDS,
    BUILDING_HEADS,
    COMMODITY_NOUNS,
    COMPANY_NOUNS,
    COMPASS,
    EVENT_HEADS,
    GENERIC_FIRST,
    METONYM_KINDS,
    NAME_CONNECTORS,
    NAME_PARTICLES,
    NAME_TITLES,
    NON_ORG_FIRST,
    ORG_HEADS,
    PERSON_ORG_HEADS,
    PLACE_HEADS,
    PLACE_NOUNS,
    PLATFORMS,
    PORTFOLIO,
    ROLE_HEADS,
    ROLE_WORDS,
    STATE_OPENERS,
    THE_COUNTRIES,
    THE_COUNTRY_ENDINGS,
    TITLES,
    WATER_NOUNS,
)
from kg.extract.sentences import text_of
from kg.extract.spans import Entity, acronym_definitions, entities
from kg.extraction import Organization, Person
from kg.gazetteer import Gazetteer, normalise, slugify

_DATELINE_SOURCE = re.compile(r"\((?P<source>[A-Za-z0-9][\w .&-]{1,30})\)|\d\.\s+(?P<agency>[A-Z][\w.]{1,20})$")
#: Report and index titles the model tags ORG ("Future of Jobs", "Global Gender Gap Index").
_JUNK_ORG = re.compile(r"^(?:Future of|Report\b|Index\b)|\b(?:Report|Index|Outlook)$")
_CLUB = re.compile(r"\bFC[ \t]+[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?|\b[A-Z][\w'’-]+[ \t]+FC\b")


@dataclass
class Mentions:
    persons: dict[str, Person]
    countries: list[str]
    organizations: dict[str, Organization]
    #: entity spans by what they refer to, for the role and event rules
    person_spans: list[tuple[Span, str]]
    country_spans: list[tuple[Span, str, str]]  # (span, ISO2, kind: country|demonym|city)
    organization_spans: list[tuple[Span, str]]


def _org_named_as_person(span: Span) -> bool:
    return len(span) >= 2 and span[-1].is_title and span[-1].lower_ in PERSON_ORG_HEADS


class MentionExtractor:
    """Mentions of one article, from that article and the gazetteer alone.

    Keeps no state between articles: the same article gives the same mentions whatever was extracted
    before it, in whatever process, which batched, parallel and resumable ingests rely on.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.country_names = {iso2: country.name for iso2, country in gazetteer.countries.items()}
        self.known_orgs = {org.slug: org for org in gazetteer.organizations}
        self.known_persons = {person.slug: person for person in gazetteer.persons}
        #: first word of a news agency's name → the agency ("Trend" → Trend News Agency), when unique
        media: dict[str, list] = {}
        for org in gazetteer.organizations:
            if org.kind == "media" and len(org.name.split()) > 1:
                media.setdefault(normalise(org.name.split()[0]), []).append(org)
        self.media_by_first_word = {word: orgs[0] for word, orgs in media.items() if len(orgs) == 1}

    def __call__(self, doc: Doc, dateline: str | None = None) -> Mentions:
        found = Mentions({}, [], {}, [], [], [])
        acronyms = acronym_definitions(text_of(doc))
        spans = entities(doc, self.country_names)
        surnames = {e.span[-1].lower_ for e in spans if e.label == "PERSON" and len(e.span) > 1}
        for entity in spans:
            kind, _, key = entity.ref.partition(":")
            if kind in ("country", "demonym", "city"):
                self._add_place(found, entity, key, kind, surnames)
            elif kind == "org":
                self._add_known_org(found, entity.span, key)
            elif kind == "person":
                self._add_known_person(found, entity.span, key)
            elif entity.label in ("GPE", "NORP", "LOC"):
                self._add_country_from_text(found, entity.span)
            elif entity.label == "PERSON" and _org_named_as_person(entity.span):
                self._add_org(found, entity, acronyms)  # "Snow Leopard Trust", "Tavan Steppe Logistics"
            elif entity.label == "PERSON" or (entity.label == "ORG" and self._person_like_org(entity.span, surnames)):
                self._add_person(found, entity.span)
            elif entity.label in ("ORG", "FAC", "LOC", "EVENT", "WORK_OF_ART", "PRODUCT") and (
                entity.label == "ORG" or _strip_article(entity.text) in acronyms.values()
            ):
                self._add_org(found, entity, acronyms)
        self._add_defined_acronyms(found, acronyms)
        self._add_untagged_ministries(found, doc)
        self._add_clubs(found, doc)
        self._tidy_organizations(found, acronyms, dateline)
        self._add_dateline_source(found, dateline)
        self._companies_countries(found)
        self._resolve_surnames(found)
        self._drop_bare_names(found)
        self._add_surname_mentions(found, doc)
        countries = [iso2 for _, iso2, _ in found.country_spans]
        countries += [org.country for org in found.organizations.values() if org.country and self._names_country(org)]
        found.countries = list(dict.fromkeys(countries))
        return found

    # -- countries ---------------------------------------------------------
    def _add_place(self, found: Mentions, entity: Entity, iso2: str, kind: str, surnames: set[str]) -> None:
        span = entity.span
        if span.text.lower() in surnames and span.root.dep_ in ("nsubj", "nsubjpass", "poss"):
            return  # "Washington said …" after "Kevin Washington": a person, not a place
        if (
            kind == "demonym"
            and span.text.lower().startswith("american")
            and span.start > 0
            and (span.doc[span.start - 1].lower_ in AMERICAS_REGIONS)
        ):
            return  # "the South American bloc", "Latin American markets": a region, not the United States
        if (
            span.end < len(span.doc)
            and span.doc[span.end].text in WATER_NOUNS
            and span.start > 0
            and (span.doc[span.start - 1].text in COMPASS)
        ):
            return  # "the South China Sea": a sea named after the country, not the country
        found.country_spans.append((span, iso2, kind))

    def _add_country_from_text(self, found: Mentions, ent: Span) -> None:
        text = re.sub(r"^(?:the)\s+", "", ent.text, flags=re.IGNORECASE)
        term = self.gazetteer.country_terms.get(normalise(text))
        if term:
            found.country_spans.append((ent, term[1], term[0]))

    def _names_country(self, org: Organization) -> bool:
        """True when the organisation's own name says its country ("Kazakh Foreign Ministry")."""
        words = re.findall(r"[\w'’-]+", org.name)
        return any(self.gazetteer.country_of(word) == org.country for word in words) or any(
            self.gazetteer.country_of(" ".join(words[i : i + 2])) == org.country for i in range(len(words) - 1)
        )

    # -- organisations -----------------------------------------------------
    def _add_known_org(self, found: Mentions, span: Span | None, slug: str) -> None:
        org = self.known_orgs[slug]
        if org.kind in METONYM_KINDS:
            return
        acronym = org.acronyms[0] if org.acronyms else None
        found.organizations.setdefault(slug, Organization(slug, org.name, acronym, org.country))
        if span is not None:
            found.organization_spans.append((span, slug))

    def _add_org(self, found: Mentions, entity: Entity, acronyms: dict[str, str]) -> None:
        text = _strip_article(re.sub(r"['’]s$", "", entity.text)).strip(" ,.;:(")
        text = re.sub(r"\s*\(.*$", "", text)  # "World Health Organization (WHO" → the name
        words = text.split()
        while words and words[-1].lower() in NAME_CONNECTORS:
            words.pop()
        text = " ".join(words)
        acronym = None
        if text in acronyms:
            acronym, text = text, acronyms[text]
        else:
            full = next(((a, n) for a, n in acronyms.items() if n == text or n.endswith(" " + text)), None)
            if full:
                acronym, text = full
        known = (
            self.gazetteer.organization(text)
            or (acronym and self.gazetteer.organization(acronym))
            or self._media_named(text)
        )
        if known:
            self._add_known_org(found, entity.span, known.slug)
            return
        if not self._plausible_org(text, entity.span):
            return
        slug = slugify(text)
        found.organizations.setdefault(slug, Organization(slug, text, acronym))
        found.organization_spans.append((entity.span, slug))

    def _plausible_org(self, text: str, span: Span) -> bool:
        words = text.split()
        if not words or len(words) > 9 or not text[0].isupper():
            return False
        lowered = [w.lower() for w in words]
        if lowered[-1] in EVENT_HEADS or lowered[-1] in PLACE_HEADS:
            return False
        if _names_no_organization(lowered):
            return False
        if len(lowered) == 1 and lowered[0] in BODY_HEADS and lowered[0] not in BARE_BODIES:
            return False  # "Assembly" (of the African Union): a bare head word names nothing
        if span.end < len(span.doc) and span.doc[span.end].lower_ in COMMODITY_NOUNS:
            return False  # "Brent crude", "WTI futures"
        if all(w in ROLE_WORDS or w in PORTFOLIO or w in NAME_CONNECTORS or w == "treasury" for w in lowered):
            return False  # "State" (Counselor), "Water Resources", "Economy and Commerce"
        if len(words) == 1 and not text.isupper() and lowered[0].endswith(ADJECTIVE_ENDINGS):
            return False  # "Turkic", "Nordic": adjectives, not names
        if self.gazetteer.country_of(text) or self.gazetteer.person(text):
            return False
        if any(token.pos_ == "VERB" for token in span) or re.search(r"\d{4}", text):
            return False
        if span.end < len(span.doc) and span.doc[span.end].lower_ in PLACE_NOUNS:
            return False  # "Paktika and Khost provinces"
        return not _headline_only(span, text)

    def _add_defined_acronyms(self, found: Mentions, acronyms: dict[str, str]) -> None:
        """ "Name (ACRONYM)" defines an organisation even where the model tagged neither part."""
        have = {org.acronym for org in found.organizations.values()} | {
            normalise(org.name) for org in found.organizations.values()
        }
        for acronym, name in acronyms.items():
            if acronym in have or normalise(name) in have or self.gazetteer.country_of(name):
                continue
            if _names_no_organization([w.lower() for w in name.split()]):
                continue
            known = self.gazetteer.organization(name) or self.gazetteer.organization(acronym)
            if known:
                self._add_known_org(found, None, known.slug)
            elif name.split()[-1].lower() in ORG_HEADS or any(w.lower() in ORG_HEADS for w in name.split()):
                found.organizations.setdefault(slugify(name), Organization(slugify(name), name, acronym))

    def _add_untagged_ministries(self, found: Mentions, doc: Doc) -> None:
        """ "the Kyrgyz Ministry of Finance" where the model tagged no ORG: a ministry is named by its pattern,
        and a demonym or possessive country right before it says whose it is."""
        covered = {i for span, _ in found.organization_spans for i in range(span.start, span.end)}
        places = {span.end: iso2 for span, iso2, kind in found.country_spans if kind in ("country", "demonym")}
        for match in _MINISTRY.finditer(text_of(doc)):
            span = doc.char_span(match.start(), match.end(), alignment_mode="contract")
            if span is None or any(i in covered for i in range(span.start, span.end)):
                continue
            name = match.group(0)
            iso2 = places.get(span.start)
            if iso2 is None and span.start >= 1 and doc[span.start - 1].lower_ in ("'s", "’s"):
                iso2 = places.get(span.start - 1)
            if iso2 and iso2 in self.country_names:
                name = f"{name} of {_with_article(self.country_names[iso2])}"
            known = self.gazetteer.organization(name)
            if known:
                self._add_known_org(found, span, known.slug)
                continue
            slug = slugify(name)
            found.organizations.setdefault(slug, Organization(slug, name, None, iso2))
            found.organization_spans.append((span, slug))

    def _add_clubs(self, found: Mentions, doc: Doc) -> None:
        """ "FC Astana", "Kairat FC": sports clubs, often cut up by the place names inside them."""
        for match in _CLUB.finditer(text_of(doc)):
            name = re.sub(r"\s+", " ", match.group(0))
            name = f"FC {name[:-3]}" if name.endswith(" FC") else name
            found.organizations.setdefault(slugify(name), Organization(slugify(name), name))

    def _tidy_organizations(self, found: Mentions, acronyms: dict[str, str], dateline: str | None) -> None:
        """Drop junk names and short repeats, expand acronym prefixes, name the country of national bodies."""
        country = None
        if dateline:
            place = re.split(r"[,(–—-]", dateline)[0].strip()
            country = self.gazetteer.country_of(place) if place else None
        country = country or _main_country(found)
        known = {slug for slug in found.organizations if slug in self.known_orgs}
        for slug, org in list(found.organizations.items()):
            if slug in known:
                continue
            name = org.name
            if _JUNK_ORG.match(name) or name.lower() in PLATFORMS:
                del found.organizations[slug]
                continue
            first, _, rest = name.partition(" ")
            if rest and first in acronyms and not rest.isupper():
                name = f"{acronyms[first]} {rest}"  # "AIFC Court" → "Astana International Financial Centre Court"
            words = name.split()
            if len(words) >= 2 and words[-1] == "Ministry" and not any(self.gazetteer.country_of(w) for w in words):
                name = "Ministry of " + " ".join(words[:-1])  # "External Affairs Ministry"
                words = name.split()
            if country and country in self.country_names and self._generic_body(words):
                name = f"{name} of {_with_article(self.country_names[country])}"
            if name != org.name:
                org.name = name
                known_body = self.gazetteer.organization(name)
                target = known_body.slug if known_body else slugify(name)
                if target != slug and target in found.organizations:
                    del found.organizations[slug]  # "Senate" beside "Senate of Kazakhstan"
                    found.organization_spans = [(sp, target if s == slug else s) for sp, s in found.organization_spans]
                elif known_body and known_body.kind not in METONYM_KINDS:
                    del found.organizations[slug]
                    self._add_known_org(found, None, known_body.slug)
                    found.organization_spans = [(sp, target if s == slug else s) for sp, s in found.organization_spans]
        names = [normalise(o.name) for o in found.organizations.values()]
        for slug, org in list(found.organizations.items()):
            short = normalise(org.name)
            if (
                slug not in known
                and len(short.split()) == 1
                and not org.name.isupper()
                and any(n != short and n.split()[0] == short and len(n.split()) > 2 for n in names)
            ):
                del found.organizations[slug]  # "Senate" after "Senate of Kazakhstan"
                found.organization_spans = [(sp, s) for sp, s in found.organization_spans if s != slug]

    def _generic_body(self, words: list[str]) -> bool:
        """ "Central Election Commission", "Bureau of National Statistics", "Parliament": a state body whose
        name says neither its country nor anything else proper."""
        lowered = [w.lower() for w in words]
        if not lowered or not any(w in BODY_HEADS for w in lowered):
            return False
        if len(lowered) == 1 and lowered[0] not in BARE_BODIES:
            return False
        if lowered[0] in AMBIGUOUS_BODY_HEADS or (
            lowered[-1] in AMBIGUOUS_BODY_HEADS and (lowered[0] not in STATE_OPENERS)
        ):
            return False  # "Press Office", "Bank of ...": too often not a national body
        return all(w in BODY_WORDS for w in lowered) and not any(self.gazetteer.country_of(w) for w in words)

    def _add_dateline_source(self, found: Mentions, dateline: str | None) -> None:
        """ "BEIJING, April 14 (Xinhua)": the agency is cited as the source."""
        match = _DATELINE_SOURCE.search(dateline or "")
        if not match:
            return
        source = (match.group("source") or match.group("agency")).strip()
        known = self.gazetteer.organization(source) or self._media_named(source)
        if known:
            self._add_known_org(found, None, known.slug)
        elif not self.gazetteer.country_of(source):
            found.organizations.setdefault(slugify(source), Organization(slugify(source), source))

    def _companies_countries(self, found: Mentions) -> None:
        """ "Emirati company AMEA Power", "Abu Dhabi-based Masdar": the text says where an organisation is from."""
        starts = {span.start: slug for span, slug in found.organization_spans}
        for span, iso2, kind in found.country_spans:
            doc, end = span.doc, span.end
            slug = None
            if end + 2 < len(doc) and doc[end].text in ("-", "–") and doc[end + 1].lower_ == "based":
                slug = starts.get(end + 2)
            elif kind == "demonym" and end + 1 < len(doc) and doc[end].lower_ in COMPANY_NOUNS:
                slug = starts.get(end + 1)
            org = found.organizations.get(slug) if slug else None
            if org is not None and org.country is None:
                org.country = iso2

    def _media_named(self, word: str):
        """ "Trend reports", "(Kyodo)": an agency cited by the first word of its name."""
        if len(word.split()) != 1 or self.gazetteer.country_of(word) or word.lower() in GENERIC_FIRST:
            return None
        return self.media_by_first_word.get(normalise(word))

    # -- persons -------------------------------------------------------------
    def _person_like_org(self, span: Span, surnames: set[str]) -> bool:
        """A span tagged ORG that is a name: after a title, behind a portfolio, or a known surname."""
        if span.ent_id_ or any(t.lower_ in ORG_HEADS for t in span) or _org_named_as_person(span):
            return False
        name = _name_tokens(span)
        if not name or len(name) > 4 or not all(t.is_title or t.lower_ in NAME_PARTICLES for t in name):
            return False
        titled = span.start > 0 and (
            span.doc[span.start - 1].lower_ in TITLES or span.doc[span.start - 1].lower_ in ROLE_HEADS
        )
        behind_portfolio = len(name) >= 2 and name[0].i > span.start
        return (
            titled or behind_portfolio or name[-1].lower_ in surnames or (len(name) >= 2 and _listed_with_person(span))
        )

    def _add_known_person(self, found: Mentions, span: Span, slug: str) -> None:
        known = self.known_persons[slug]
        person = found.persons.setdefault(slug, Person(slug, known.name, known.country))
        person.country = person.country or known.country
        found.person_spans.append((span, slug))

    def _add_person(self, found: Mentions, span: Span) -> None:
        tokens = _name_tokens(span)
        if not tokens:
            return
        name = span.doc[tokens[0].i : tokens[-1].i + 1].text
        if not _looks_like_name(name) or self.gazetteer.country_of(name) or self.gazetteer.organization(name):
            return
        if len(name.split()) > 1 and _headline_only(span, name):
            return  # Title-Case headline noise not confirmed by the body
        known = self.gazetteer.person(name)
        if known:
            self._add_known_person(found, span, known.slug)
            return
        slug = slugify(name)
        found.persons.setdefault(slug, Person(slug, name))
        found.person_spans.append((span, slug))

    def _resolve_surnames(self, found: Mentions) -> None:
        """Map a short mention ("Tokayev", "Van Klaveren", "Lula") to the one full name containing it."""
        full = {slug: p for slug, p in found.persons.items() if len(p.name.split()) > 1}
        for slug, person in list(found.persons.items()):
            short = normalise(person.name).split()
            if len(short) > 2 and slug in self.known_persons:
                continue  # "King Salman bin Abdulaziz Al Saud" is not "Mohammed bin Salman bin Abdulaziz Al Saud"
            matches = [s for s, p in full.items() if s != slug and _contains(normalise(p.name).split(), short)]
            target = matches[0] if len(matches) == 1 else None
            if target is None and not matches:
                target = self._from_gazetteer(found, person)
            if target is None:
                continue
            del found.persons[slug]
            found.person_spans = [(span, target if s == slug else s) for span, s in found.person_spans]
            full.pop(slug, None)

    def _from_gazetteer(self, found: Mentions, person: Person) -> str | None:
        """The gazetteer's full name for a bare surname ("Tokayev"), when it knows one."""
        known = self.gazetteer.person(person.name) if len(person.name.split()) == 1 else None
        if known is None:
            return None
        found.persons.setdefault(known.slug, Person(known.slug, known.name, known.country))
        return known.slug

    def _drop_bare_names(self, found: Mentions) -> None:
        """A lone word never resolved to a full name is more often a brand or a place than a person."""
        titled = {
            slug
            for span, slug in found.person_spans
            if span.start > 0 and (span.doc[span.start - 1].lower_ in TITLES or span[0].lower_ in TITLES)
        }
        for slug, person in list(found.persons.items()):
            if len(person.name.split()) == 1 and slug not in titled and slug not in self.known_persons:
                del found.persons[slug]
                found.person_spans = [(span, s) for span, s in found.person_spans if s != slug]

    def _add_surname_mentions(self, found: Mentions, doc: Doc) -> None:
        """ "Japarov, who is in China, …": a later surname-only mention of a person the article named in full,
        which the model left untagged, still puts that person (and their country) in its sentence."""
        owners: dict[str, set[str]] = {}
        for slug, person in found.persons.items():
            words = person.name.split()
            if len(words) > 1 and len(words[-1]) > 2 and words[-1][0].isupper():
                owners.setdefault(words[-1], set()).add(slug)
        if not owners:
            return
        covered = {i for span, _ in found.person_spans for i in range(span.start, span.end)}
        text = text_of(doc)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in owners) + r")\b")
        for match in pattern.finditer(text):
            slugs = owners[match.group(0)]
            span = doc.char_span(match.start(), match.end())
            if len(slugs) != 1 or span is None or len(span) != 1 or span.start in covered:
                continue
            token = span[0]
            if token.ent_type_ in ("ORG", "GPE", "LOC", "FAC") or self.gazetteer.country_of(token.text):
                continue
            found.person_spans.append((span, next(iter(slugs))))


def _with_article(country: str) -> str:
    """ "the Philippines", "the United States": country names that take the article after "of"."""
    if country in THE_COUNTRIES or country.startswith("United ") or country.endswith(THE_COUNTRY_ENDINGS):
        return f"the {country}"
    return country


_MINISTRY = re.compile(
    r"\bMinistry of (?:the )?[A-Z][a-z]+(?:,? (?:and )?[A-Z][a-z]+)*(?: and [A-Z][a-z]+)*"
    r"(?: of (?!the\b)[A-Z][a-z]+)?"
)


def _names_no_organization(lowered: list[str]) -> bool:
    """ "Order of Dostyk", "Summit of the Forum on …", "Heads of State of Central Asia"."""
    if len(lowered) < 2:
        return False
    if lowered[0] in NON_ORG_FIRST and lowered[1] in ("of", "for"):
        return True
    if (lowered[0] == "government" and lowered[1] == "of") or lowered[-1] == "government":
        return True  # "the Government of Japan": the state itself, not an organisation it names
    return lowered[0] in EVENT_HEADS and lowered[1] in ("of", "on", "for")


def _listed_with_person(span: Span) -> bool:
    """ "Yerassyl Zhakpekov, Dina Islambekova and Aslan Temirkhan": a name in a list of persons."""
    doc = span.doc
    before = span.start - 1
    while before >= 0 and doc[before].lower_ in (",", "and"):
        before -= 1
    after = span.end
    while after < len(doc) and doc[after].lower_ in (",", "and"):
        after += 1
    return (before < span.start - 1 and before >= 0 and doc[before].ent_type_ == "PERSON") or (
        after > span.end and after < len(doc) and doc[after].ent_type_ == "PERSON"
    )


def _main_country(found: Mentions) -> str | None:
    """The country an article is about: named (not as a city) clearly more often than any other."""
    counts: dict[str, int] = {}
    for _, iso2, kind in found.country_spans:
        if kind != "city":
            counts[iso2] = counts.get(iso2, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1]):
        return None
    return ranked[0][0]


def _name_tokens(span: Span) -> list:
    """The span without leading titles, portfolios and connectors or trailing punctuation."""
    tokens = list(span)
    while tokens and (
        tokens[0].lower_.strip(".") in TITLES
        or tokens[0].lower_ in PORTFOLIO
        or tokens[0].ent_id_
        or tokens[0].lower_ in ("of", "for", "and", "&", "the")
    ):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in ("'s", "’s")):
        tokens.pop()
    return tokens


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _headline_only(span: Span, text: str) -> bool:
    """A Title-Case headline fragment: in the headline and nowhere in the body."""
    headline_end = text_of(span.doc).find("\n\n")
    return 0 <= span.start_char < headline_end and text not in text_of(span.doc)[headline_end:]


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text.strip())


def _looks_like_name(name: str) -> bool:
    words = name.split()
    limit = 8 if any(w in NAME_PARTICLES for w in words) else 6  # "Mohammed bin Salman bin Abdulaziz Al Saud"
    if not words or len(words) > limit or any(ch.isdigit() for ch in name):
        return False
    if any(w.lower() in TITLES - NAME_TITLES for w in words):
        return False
    if words[-1].lower() in EVENT_HEADS or words[-1].lower() in ORG_HEADS or words[-1].lower() in BUILDING_HEADS:
        return False
    return all(w[0].isupper() or w.lower() in NAME_PARTICLES for w in words)
