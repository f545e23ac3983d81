"""Persons, countries and organisations named in an article, normalised.

The statistical NER proposes spans; the gazetteer ids (set by the EntityRuler)
say what known names refer to; the rules here clean the rest: titles and
possessives stripped from persons, surname mentions resolved to the full name
given elsewhere in the article, acronyms tied to the full name they abbreviate
("World Health Organization (WHO)"), and spans that name events ("Asia Pacific
Screen Awards") or roles ("Foreign Minister") rejected as organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extraction import Organization, Person
from kg.gazetteer import Gazetteer, normalise, slugify

TITLES = frozenset(
    """mr mrs ms miss dr prof professor sir dame lord lady president vice prime minister premier
    king queen prince princess sheikh emir sultan chancellor ambassador senator governor mayor
    secretary general chairman chairwoman chair ceo director deputy foreign head state counselor
    counsellor spokesperson spokesman spokeswoman envoy commissioner minister's akim hokim
    h.e. his her excellency majesty mp gen. general col. colonel st. saint""".split()
)
#: Last words of names that name events or programmes rather than organisations.
EVENT_HEADS = frozenset(
    """conference summit forum awards award festival expo exhibition games championship championships
    week dialogue congress olympiad olympics cup prize day days session meeting talks biennale fair
    marathon tournament initiative strategy program programme project plan year decade""".split()
)
#: Words that never make an organisation on their own.
ROLE_WORDS = frozenset(
    """president minister ministers ambassador ceo chairman director deputy head secretary
    counselor spokesperson envoy prime foreign chief""".split()
)
_ACRONYM_AFTER = re.compile(r"\s*\((?P<acronym>[A-Z][A-Za-z0-9&\-]{1,11})\)")


@dataclass
class Mentions:
    persons: dict[str, Person]
    countries: list[str]
    organizations: dict[str, Organization]
    #: entity spans by what they refer to, for the role and event rules
    person_spans: list[tuple[Span, str]]
    country_spans: list[tuple[Span, str, str]]  # (span, ISO2, kind: country|demonym|city)
    organization_spans: list[tuple[Span, str]]


class MentionExtractor:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> Mentions:
        found = Mentions({}, [], {}, [], [], [])
        acronyms = self._acronyms(doc)
        for ent in doc.ents:
            kind, _, key = ent.ent_id_.partition(":")
            if kind in ("country", "demonym", "city"):
                found.country_spans.append((ent, key, kind))
            elif kind == "org":
                self._add_known_org(found, ent, key)
            elif kind == "person":
                self._add_known_person(found, ent, key)
            elif ent.label_ in ("GPE", "NORP", "LOC"):
                self._add_country_from_text(found, ent)
            elif ent.label_ == "PERSON":
                self._add_person(found, ent)
            elif ent.label_ == "ORG":
                self._add_org(found, ent, acronyms)
        self._resolve_surnames(found)
        countries = [iso2 for _, iso2, _ in found.country_spans]
        countries += [org.country for org in found.organizations.values() if org.country and self._names_country(org)]
        found.countries = list(dict.fromkeys(countries))
        return found

    # -- countries ---------------------------------------------------------
    def _add_country_from_text(self, found: Mentions, ent: Span) -> None:
        text = re.sub(r"^(?:the)\s+", "", ent.text, flags=re.IGNORECASE)
        term = self.gazetteer.country_terms.get(normalise(text))
        if term:
            found.country_spans.append((ent, term[1], term[0]))

    def _names_country(self, org: Organization) -> bool:
        """True when the organisation's own name says its country ("Kazakh Foreign Ministry")."""
        words = re.findall(r"[\w'’-]+", org.name)
        return any(self.gazetteer.country_of(word) == org.country for word in words) or any(
            self.gazetteer.country_of(" ".join(words[i:i + 2])) == org.country for i in range(len(words) - 1))

    # -- organisations -----------------------------------------------------
    def _acronyms(self, doc: Doc) -> dict[str, str]:
        """ACRONYM → the full name written just before it in parentheses."""
        pairs = {}
        for ent in doc.ents:
            match = _ACRONYM_AFTER.match(doc.text, ent.end_char)
            if match and ent.label_ in ("ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"):
                acronym = match.group("acronym")
                initials = "".join(w[0] for w in re.findall(r"[A-Z][\w'-]*", ent.text)).upper()
                if acronym[0].upper() == initials[:1] or acronym.upper() in initials or len(acronym) > 1:
                    pairs[acronym] = _strip_article(ent.text)
        return pairs

    def _add_known_org(self, found: Mentions, ent: Span, slug: str) -> None:
        org = next(o for o in self.gazetteer.organizations if o.slug == slug)
        acronym = org.acronyms[0] if org.acronyms else None
        found.organizations.setdefault(slug, Organization(slug, org.name, acronym, org.country))
        found.organization_spans.append((ent, slug))

    def _add_org(self, found: Mentions, ent: Span, acronyms: dict[str, str]) -> None:
        text = _strip_article(re.sub(r"['’]s$", "", ent.text)).strip(" ,.;:")
        acronym = None
        if text in acronyms:
            acronym, text = text, acronyms[text]
        elif text in acronyms.values():
            acronym = next(a for a, full in acronyms.items() if full == text)
        known = self.gazetteer.organization(text) or (acronym and self.gazetteer.organization(acronym))
        if known:
            self._add_known_org(found, ent, known.slug)
            return
        if not self._plausible_org(text, ent):
            return
        slug = slugify(text)
        found.organizations.setdefault(slug, Organization(slug, text, acronym))
        found.organization_spans.append((ent, slug))

    def _plausible_org(self, text: str, ent: Span) -> bool:
        words = text.split()
        if not words or len(words) > 9 or not text[0].isupper():
            return False
        if words[-1].lower() in EVENT_HEADS or all(w.lower() in ROLE_WORDS for w in words):
            return False
        if self.gazetteer.country_of(text) or self.gazetteer.person(text):
            return False
        if any(token.pos_ == "VERB" for token in ent) or re.search(r"\d{4}", text):
            return False
        # A Title-Case headline fragment: the span sits in the headline and appears nowhere in the body.
        headline_end = ent.doc.text.find("\n\n")
        return not (0 <= ent.start_char < headline_end and text not in ent.doc.text[headline_end:])

    # -- persons -------------------------------------------------------------
    def _add_known_person(self, found: Mentions, ent: Span, slug: str) -> None:
        known = next(p for p in self.gazetteer.persons if p.slug == slug)
        person = found.persons.setdefault(slug, Person(slug, known.name, known.country))
        person.country = person.country or known.country
        found.person_spans.append((ent, slug))

    def _add_person(self, found: Mentions, ent: Span) -> None:
        tokens = list(ent)
        while tokens and (tokens[0].lower_.strip(".") in TITLES or tokens[0].ent_id_):
            tokens.pop(0)
        while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in ("'s", "’s")):
            tokens.pop()
        if not tokens:
            return
        name = ent.doc[tokens[0].i : tokens[-1].i + 1].text
        if not _looks_like_name(name) or self.gazetteer.country_of(name) or self.gazetteer.organization(name):
            return
        headline_end = ent.doc.text.find("\n\n")
        if ent.start_char < headline_end and len(name.split()) > 1 and name not in ent.doc.text[headline_end:]:
            return  # Title-Case headline noise not confirmed by the body
        known = self.gazetteer.person(name)
        if known:
            self._add_known_person(found, ent, known.slug)
            return
        slug = slugify(name)
        found.persons.setdefault(slug, Person(slug, name))
        found.person_spans.append((ent, slug))

    def _resolve_surnames(self, found: Mentions) -> None:
        """Map a one-word person to the article's full name that ends (or starts) with it."""
        full = {slug: p for slug, p in found.persons.items() if len(p.name.split()) > 1}
        for slug, person in list(found.persons.items()):
            if slug in full:
                continue
            word = normalise(person.name)
            matches = [s for s, p in full.items() if normalise(p.name).split()[-1] == word]
            matches = matches or [s for s, p in full.items() if normalise(p.name).split()[0] == word]
            known = self.gazetteer.person(person.name)
            target = matches[0] if len(matches) == 1 else (known.slug if known and not matches else None)
            if target is None:
                continue
            if target not in found.persons and known:
                found.persons[target] = Person(target, known.name, known.country)
            del found.persons[slug]
            found.person_spans = [(span, target if s == slug else s) for span, s in found.person_spans]


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text.strip())


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 5 or any(ch.isdigit() for ch in name):
        return False
    if any(w.lower() in TITLES and w.lower() not in ("saint", "st.") for w in words):
        return False
    return all(w[0].isupper() or w.lower() in ("bin", "al", "de", "van", "von", "der", "la", "le", "da", "ibn")
               for w in words)
