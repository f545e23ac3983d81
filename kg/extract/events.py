"""Events and agreements, one sentence at a time.

A sentence reports an event when it holds a trigger (a verb or noun such as
"signed", "talks", "visit", "humanitarian aid"); the event's participants are
the persons, organisations and countries of that sentence, and the countries
it *involves* are the countries acting in it: named actors, demonyms, the
countries of participants' offices, a visit's destination — but not a city or
country that only says where something happened ("in Paris").
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from kg.extract.agreements import (
    SECTOR_PATTERN,
    agreement_count,
    concludes_talks,
    exchanged_documents,
    further_signings,
    reached_agreement,
    same_agreement,
)
from kg.extract.cameo import GOLDSTEIN, cameo_code
from kg.extract.dates import find_date
from kg.extract.lexicon import (AGREEMENT_NOUNS, BENEFICIARY_NOUNS, FUTURE_GOVERNORS, GATHERED_HOLDERS, GATHERED_STATES,
                               HEADLINE_ONLY, HONOURS, HOSTILE_NOUNS, MULTILATERAL_MODIFIERS, NEED_AMOUNT, OBJECT_TRIGGERS,
                               PAIR_TRIGGERS, PLACE_NOUNS, PLACE_PREPOSITIONS, SIGNED_OBJECTS, STATE_KINDS,
                               TOPIC_PREPOSITIONS, TRAVEL_LEMMAS, TRIGGERS, WEAK_TRIGGERS)
from kg.extract.mentions import Mentions
from kg.extract.money import find_amounts
from kg.extract.sentences import sentence_of, sentence_start, sentences, span_text, text_of
from kg.extraction import Agreement, Event, Evidence, PartialDate
from kg.gazetteer import Gazetteer
from kg.readers import Article

_TRIGGER_IDS = frozenset(get_string_id(word) for word in TRIGGERS)
_TWO_SIDES = re.compile(
    r"\b(?:the two|both) (?:sides|leaders|countries|governments|ministers|presidents|parties|states|nations)\b"
    r"|\bthe (?:presidents|leaders|sides|parties|delegations|heads of state|prime ministers|foreign ministers)\b",
    re.I)
#: "bilateral trade", "mutual investment": a lone actor's partner is the pair the article is about.
_BILATERAL = re.compile(r"\b(?:bilateral|mutual|two-way)\b", re.I)


@dataclass
class _SentenceView:
    sentence: Span
    persons: list[str]
    organizations: list[str]
    actor_countries: list[str]  # countries acting in the sentence
    place: tuple[str, str] | None  # (city, ISO2)
    place_countries: list[str]  # countries named only as where something happened
    destination: list[str]  # "visit to France"
    city_destinations: list[str] = dataclasses.field(default_factory=list)  # "travel to Samarkand"
    multilateral: bool = False  # the sentence reports a summit or a meeting of many states


class EventExtractor:
    def __init__(self, gazetteer: Gazetteer) -> None:
        #: organisations whose country acts through them (a ministry, not a company)
        self.state_orgs = {org.slug for org in gazetteer.organizations if org.kind in STATE_KINDS}
        self.media_orgs = {org.slug for org in gazetteer.organizations if org.kind == "media"}
        self.international = {org.slug for org in gazetteer.organizations if org.kind == "international"}

    def __call__(self, doc: Doc, mentions: Mentions, article: Article) -> tuple[list[Event], list[Agreement]]:
        events: list[Event] = []
        agreements: list[Agreement] = []
        pair: list[str] = []  # the last two countries acting together, for "the two sides"
        trade_owner: str | None = None  # whose foreign trade the article's statistics describe
        inside_names = {i for span, _ in mentions.organization_spans for i in range(span.start, span.end)}
        # "National Democratic Congress", "European Investment Bank": a trigger word inside a name reports nothing
        positions = [i for i in _trigger_positions(doc) if i not in inside_names]
        for sentence in sentences(doc):
            triggers = self._triggers(sentence, positions[bisect_left(positions, sentence.start):
                                                          bisect_left(positions, sentence.end)])
            view = self._view(sentence, mentions)
            bloc_summit = "Summit" in triggers and any(slug in self.international for slug in view.organizations)
            if len(view.actor_countries) == 2 and not bloc_summit:
                pair = list(view.actor_countries)
            elif not view.actor_countries and pair and _TWO_SIDES.search(span_text(sentence)):
                view.actor_countries = list(pair)
            elif len(view.actor_countries) == 1 and view.actor_countries[0] in pair and (
                    _BILATERAL.search(span_text(sentence)) or _TWO_SIDES.search(span_text(sentence))):
                view.actor_countries = list(pair)
            elif not view.actor_countries and pair and _SIGNED_AFTER.search(span_text(sentence)) and (
                    "AgreementSigning" in triggers or "Ratification" in triggers):
                view.actor_countries = list(pair)  # "Following the talks, 12 documents were signed."
            partner_events = self._trading_partners(sentence, view, mentions, article)
            if partner_events:
                trade_owner = next(iter(c for c in partner_events[0].countries), trade_owner)
            events.extend(partner_events)
            if not triggers:
                continue
            if "Trade" in triggers and trade_owner:
                events.extend(self._trade_with(sentence, view, trade_owner, triggers["Trade"], mentions, article))
            if "Trade" in triggers and len(view.actor_countries) == 1 and _TRADE_OWNER.search(span_text(sentence)):
                trade_owner = view.actor_countries[0]
            view.multilateral = "Summit" in triggers
            if "Meeting" in triggers and len(view.actor_countries) > 2:
                events.extend(self._pair_meetings(sentence, view, mentions, article, positions))
            for event_type, trigger in triggers.items():
                if event_type == "Aid":
                    shared = self._shared_aid(trigger, view, mentions, article)
                    if shared is not None:
                        events.extend(shared)
                        continue
                if event_type == "AgreementSigning" and len(view.actor_countries) > 2:
                    pairs = self._signing_pairs(trigger, mentions)
                    if pairs:
                        for pair_countries in pairs:
                            event = self._event(event_type, trigger, dataclasses.replace(
                                view, actor_countries=pair_countries), mentions, article)
                            if event is not None and not event.intended:
                                agreements.append(dataclasses.replace(self._agreement(view, event), count=1))
                                event.agreement = len(agreements) - 1
                            if event is not None:
                                events.append(event)
                        continue
                if event_type == "Visit" and len(view.destination) > 1:
                    visitors = [c for c in view.actor_countries if c not in view.destination]
                    if len(visitors) == 1:
                        # "Muizzu had paid visits to Türkiye and China before coming to India": one trip each
                        for host in dict.fromkeys(view.destination):
                            event = self._event(event_type, trigger, dataclasses.replace(
                                view, actor_countries=[visitors[0], host], destination=[host]), mentions, article)
                            if event is not None:
                                events.append(event)
                        continue
                event = self._event(event_type, trigger, view, mentions, article)
                if event is None:
                    continue
                if event_type == "Summit" and len(event.countries) == 2 and any(
                        slug in self.international for slug in view.organizations):
                    # "SCO leaders gathered in the Kazakh capital for a summit that admitted Belarus": a bloc's
                    # summit is not a bilateral event of the two countries named in it
                    event.countries = []
                if (event_type == "AgreementSigning" or event_type == "Ratification") and not event.intended:
                    agreement = self._agreement(view, event)
                    if agreement is not None and trigger.lemma_.lower() == "exchange":
                        agreement.count = agreement.count or 1  # "exchanged notes on a loan"
                    earlier = same_agreement(agreement, agreements, sentence) if agreement is not None else None
                    if earlier is not None:
                        event.agreement = earlier
                        agreement = None
                    if agreement is not None:
                        agreements.append(agreement)
                        event.agreement = len(agreements) - 1
                events.append(event)
                if event.agreement is not None and event_type == "AgreementSigning":
                    for extra in further_signings(sentence, trigger, agreements[event.agreement]):
                        agreements.append(extra)  # after the first, so the text's order is kept
                        events.append(dataclasses.replace(event, agreement=len(agreements) - 1))
        return _merge(events, agreements)

    # -- triggers -------------------------------------------------------------
    def _triggers(self, sentence: Span, positions: list[int]) -> dict[str, Token]:
        """Event type → first trigger token, among the sentence's candidate `positions`."""
        text = span_text(sentence).lower()
        in_headline = "\n\n" in text_of(sentence.doc)[sentence.end_char : sentence.end_char + 40] or (
            sentence.end_char <= text_of(sentence.doc).find("\n\n"))
        has_amount = bool(find_amounts(span_text(sentence)))
        found: dict[str, Token] = {}
        for position in positions:
            token = sentence.doc[position]
            lemma = token.lemma_.lower()
            key = lemma if lemma in TRIGGERS else token.lower_ if token.lower_ in TRIGGERS else None
            if key is None or token.pos_ not in ("VERB", "NOUN", "PROPN", "AUX"):
                continue
            if key in NEED_AMOUNT and not has_amount:
                continue
            if key in HEADLINE_ONLY and not in_headline:
                continue
            if key in WEAK_TRIGGERS and key not in HEADLINE_ONLY and (
                    not WEAK_TRIGGERS[key] or not any(cue in text for cue in WEAK_TRIGGERS[key])):
                if key not in OBJECT_TRIGGERS or not self._has_person_object(token):
                    continue
            event_type = TRIGGERS[key]
            if key == "call" and any(cue in text for cue in ("phone", "telephone")):
                event_type = "Meeting"
            if event_type == "Meeting" and token.pos_ in ("NOUN", "PROPN") and (any(
                    t.lower_ in MULTILATERAL_MODIFIERS and not (t.lower_ == "summit" and t.head.i == token.i)
                    for t in token.subtree) or _with_many_states(token)):
                event_type = "Summit"
            if event_type == "AgreementSigning" and key != "exchange" and not self._signs_agreement(token):
                continue
            if key == "conclude" and concludes_talks(token):
                continue  # "conclude trade deal talks": negotiations ended, nothing signed yet
            if key == "reach" and not reached_agreement(token):
                continue
            if key == "exchange" and not exchanged_documents(token):
                continue
            if key == "state" and token.pos_ != "VERB":
                continue
            if key == "travel" and not (token.pos_ == "VERB" and any(
                    c.dep_ == "prep" and c.lower_ == "to" for c in token.children)):
                continue  # "will travel to Brasília", not "travel restrictions"
            if key == "visit" and token.lower_ == "visiting" and token.i + 1 < sentence.end and (
                    sentence.doc[token.i + 1].lower_ == "forces"):
                continue  # "visiting forces agreements"
            if key == "trade" and token.pos_ == "VERB" and any(c.lower_ == "at" for c in token.children):
                continue  # "the tenge was trading at 501.3"
            if key == "conference" and token.i > sentence.start and sentence.doc[token.i - 1].lower_ in (
                    "news", "press"):
                continue  # "told a joint news conference": reporters, not a summit
            if key == "medal" and re.search(r"\b(?:gold|silver|bronze)\b", text):
                continue  # sporting medals are results, not honours
            if key == "summit" and token.i + 1 < sentence.end and sentence.doc[token.i + 1].lower_ in (
                    "talks", "meeting"):
                continue  # bilateral "summit talks" are a Meeting
            if key == "vote" and _LEGISLATIVE_VOTE.search(text):
                continue  # "88 deputies voted in favour": a parliamentary vote, not an election
            if event_type == "Appointment" and token.tag_ == "VBN" and token.dep_ in ("amod", "acl"):
                continue  # "the newly appointed ambassadors": a description, not the appointment
            found.setdefault(event_type, token)
        if "AgreementSigning" in found:
            found.pop("Statement", None)
        return found

    @staticmethod
    def _has_person_object(token: Token) -> bool:
        """"received Nigerian President Bola Tinubu", not "received awards"."""
        if any(child.dep_ == "dobj" and child.lemma_.lower() in HONOURS for child in token.children):
            return False  # "will receive the decoration from Ambassador X"
        return any(child.dep_ in ("dobj", "pobj", "prep") and any(
            t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in child.subtree) for child in token.children)

    @staticmethod
    def _signs_agreement(token: Token) -> bool:
        sentence = sentence_of(token)
        window = token.doc[max(sentence.start, token.i - 6) : min(sentence.end, token.i + 12)]
        return any(t.lower_ in AGREEMENT_NOUNS for t in window) or "exchange of notes" in span_text(window).lower() or any(
            c.dep_ == "dobj" and c.lower_ in SIGNED_OBJECTS for c in token.children)

    # -- who and where ---------------------------------------------------------
    def _view(self, sentence: Span, mentions: Mentions) -> _SentenceView:
        inside = lambda span: sentence.start <= span.start and span.end <= sentence.end  # noqa: E731
        persons = list(dict.fromkeys(slug for span, slug in mentions.person_spans if inside(span)))
        orgs = list(dict.fromkeys(slug for span, slug in mentions.organization_spans if inside(span)))
        actors: list[str] = []
        places: list[str] = []
        destination: list[str] = []
        city_destinations: list[str] = []
        place = None
        for span, iso2, kind in mentions.country_spans:
            if not inside(span):
                continue
            preposition = _governing_preposition(span)
            if preposition == "to" and _after_visit(span):
                destination.append(iso2)
                actors.append(iso2)
                if kind == "city":
                    city_destinations.append(iso2)
            elif _topic_of(span):
                continue  # "concern over China's growing assertiveness": what is talked about, not who acts
            elif kind == "demonym" and (span.root.head.lower_ in HOSTILE_NOUNS or (
                    span.end < sentence.end and span.doc[span.end].lower_ in HOSTILE_NOUNS)):
                continue
            elif kind == "city" or preposition in PLACE_PREPOSITIONS or _after_city(span, mentions) or (
                    kind == "demonym" and _demonym_place(span)):
                places.append(iso2)
                if kind == "city" and place is None:
                    place = (span.text, iso2)
                if kind == "city" and span.root.dep_ in ("nsubj", "nsubjpass") and preposition is None:
                    actors.append(iso2)  # "Astana hosts …": the capital stands for its country
            else:
                actors.append(iso2)
        for slug in persons:
            person = mentions.persons.get(slug)
            if person and person.country:
                actors.append(person.country)
        for slug in orgs:
            org = mentions.organizations.get(slug)
            if org and org.country and slug in self.state_orgs:
                actors.append(org.country)
        for slug in self._signing_parties(sentence, mentions, orgs):
            actors.append(mentions.organizations[slug].country)
        return _SentenceView(sentence, persons, orgs, list(dict.fromkeys(actors)), place, places, destination,
                             city_destinations)

    def _trading_partners(self, sentence: Span, view: _SentenceView, mentions: Mentions,
                          article: Article) -> list[Event]:
        """"China remained Kazakhstan's largest trading partner with $18.9 billion, followed by Russia …":
        each partner country trades with the possessor."""
        match = _TRADING_PARTNER.search(span_text(sentence))
        if not match or not find_amounts(span_text(sentence)):
            return []
        start = sentence.start_char + match.start("owner")
        owner = next((iso2 for span, iso2, kind in mentions.country_spans
                      if span.start_char == start and kind != "city"), None)
        if owner is None:
            return []
        trigger = sentence.doc.char_span(sentence.start_char + match.start("trade"),
                                         sentence.start_char + match.end("trade"))
        if trigger is None:
            return []
        events = []
        for partner in view.actor_countries:
            if partner != owner:
                event = self._event("Trade", trigger[0], dataclasses.replace(view, actor_countries=[owner, partner]),
                                    mentions, article)
                if event is not None:
                    events.append(event)
        return events

    def _signing_pairs(self, trigger: Token, mentions: Mentions) -> list[list[str]] | None:
        """"France has signed similar treaties with Germany in 2019 and with Italy in 2021": one signer and
        partners in separate "with" phrases sign one agreement each."""
        if trigger.pos_ != "VERB":
            return None
        subject = {t.i for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
        signers = list(dict.fromkeys(c for _, c in self._countries_at(subject, mentions)))
        if len(signers) != 1:
            return None
        groups: dict[int, set[str]] = {}
        withs = [t for t in trigger.subtree if t.lower_ == "with" and t.dep_ in ("prep", "conj")]
        if len(withs) < 2:
            return None
        for phrase in withs:
            indices = {t.i for t in phrase.subtree}
            found = {c for _, c in self._countries_at(indices, mentions) if c not in signers}
            # a nested "with" belongs to its own group only
            inner = {t.i for w in withs if w.i != phrase.i and w.i in indices for t in w.subtree}
            found -= {c for _, c in self._countries_at(inner, mentions)}
            if found:
                groups[phrase.i] = found
        if len(groups) < 2 or any(len(g) > 1 for g in groups.values()):
            return None
        return [[signers[0], next(iter(g))] for g in groups.values()]

    def _shared_aid(self, trigger: Token, view: _SentenceView, mentions: Mentions,
                    article: Article) -> list[Event] | None:
        """"Iran and Pakistan have sent aid convoys to Herat": co-donors joined by "and" are not a pair with each
        other; each gives to the recipient (a country or city after "to"/"for"), if there is exactly one."""
        sentence = view.sentence
        spans = [(span, iso2, kind) for span, iso2, kind in mentions.country_spans
                 if sentence.start <= span.start < sentence.end]
        donors: list[str] = []
        for span, iso2, kind in spans:
            if kind == "city" or _governing_preposition(span) is not None:
                continue
            root = span.root
            while root.dep_ == "conj" and root.head.i != root.i:
                root = root.head
            if root.dep_ in ("nsubj", "nsubjpass") and root.i != span.root.i or any(
                    c.dep_ == "conj" for c in span.root.children) and root.dep_ in ("nsubj", "nsubjpass"):
                donors.append(iso2)
        donors = list(dict.fromkeys(donors))
        if len(donors) < 2:
            return None
        recipients = list(dict.fromkeys(iso2 for span, iso2, _ in spans if iso2 not in donors and (
            _governing_preposition(span) in ("to", "for"))))
        events = []
        for donor in donors:
            countries = [donor] + recipients if len(recipients) == 1 else [donor]
            event = self._event("Aid", trigger, dataclasses.replace(view, actor_countries=countries), mentions,
                                article)
            if event is not None:
                events.append(event)
        return events

    def _trade_with(self, sentence: Span, view: _SentenceView, owner: str, trigger: Token, mentions: Mentions,
                    article: Article) -> list[Event]:
        """"Uzbekistan's foreign trade reached $62.6 billion … Trade with Kazakhstan amounted to $4.4 billion,
        while turnover with Türkiye stood at $3.1 billion": each partner after "with" trades with the country
        whose statistics the article gives, not with the other partners."""
        partners = [iso2 for span, iso2, kind in mentions.country_spans
                    if sentence.start <= span.start < sentence.end and kind != "city"
                    and _governing_preposition(span) == "with"]
        partners = list(dict.fromkeys(p for p in partners if p != owner))
        if not partners or any(c not in partners and c != owner for c in view.actor_countries):
            return []
        events = []
        for partner in partners:
            event = self._event("Trade", trigger, dataclasses.replace(view, actor_countries=[owner, partner]),
                                mentions, article)
            if event is not None:
                events.append(event)
        if len(partners) > 1:
            view.actor_countries = [owner] if owner in view.actor_countries else []
        return events

    def _pair_meetings(self, sentence: Span, view: _SentenceView, mentions: Mentions, article: Article,
                       positions: list[int]) -> list[Event]:
        """"Putin held talks with Xi … and with Turkish President Erdogan", "Rahmon received the credentials of
        the ambassadors of Japan, Germany and Pakistan": one host meets several partners, each a pair."""
        events = []
        doc = sentence.doc
        for position in positions[bisect_left(positions, sentence.start): bisect_left(positions, sentence.end)]:
            token = doc[position]
            if TRIGGERS.get(token.lemma_.lower()) != "Meeting" or token.lemma_.lower() not in PAIR_TRIGGERS:
                continue
            verb = token if token.pos_ == "VERB" else token.head if token.head.pos_ == "VERB" else None
            if verb is None:
                continue
            subject = [t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree]
            owners = [verb] if verb.i == token.i else [verb, token]
            objects = [t.i for owner in owners for c in owner.children
                       if c.dep_ in ("dobj", "prep", "dative") and c.i != token.i for t in c.subtree]
            if token.i != verb.i:
                objects += [t.i for t in token.subtree if t.i != token.i]
            hosts = list(dict.fromkeys(c for _, c in self._countries_at(set(subject), mentions)))
            if len(hosts) != 1:
                continue
            groups: dict[int, set[str]] = {}
            for index, iso2 in self._countries_at(set(objects), mentions):
                if iso2 not in hosts:
                    groups.setdefault(_object_group(doc[index], verb, token), set()).add(iso2)
            credentials = bool(re.search(r"\bcredentials\b|\bletters? of credence\b", span_text(sentence), re.I))
            if not credentials and any(len(g) > 1 for g in groups.values()):
                continue  # "hosted his counterparts Bayramov and Fidan": one joint meeting, not pairs
            partners = list(dict.fromkeys(c for g in groups.values() for c in sorted(g)))
            for partner in partners:
                pair_view = dataclasses.replace(view, actor_countries=[hosts[0], partner])
                event = self._event("Meeting", token, pair_view, mentions, article)
                if event is not None:
                    events.append(event)
        return events

    def _countries_at(self, indices: set[int], mentions: Mentions) -> list[tuple[int, str]]:
        """(position, ISO2) of acting countries at these token positions: names, demonyms, persons' and
        bodies' countries."""
        found = []
        for span, iso2, kind in mentions.country_spans:
            if span.start in indices and kind != "city" and _governing_preposition(span) not in PLACE_PREPOSITIONS:
                found.append((span.root.i, iso2))
        for span, slug in mentions.person_spans:
            person = mentions.persons.get(slug)
            if span.start in indices and person and person.country:
                found.append((span.root.i, person.country))
        for span, slug in mentions.organization_spans:
            org = mentions.organizations.get(slug)
            if span.start in indices and org and org.country and slug in self.state_orgs:
                found.append((span.root.i, org.country))
        return found

    def _signing_parties(self, sentence: Span, mentions: Mentions, orgs: list[str]) -> list[str]:
        """Companies and funds with a known country that sign ("Saudi Fund for Development and the Kyrgyz
        Ministry of Finance signed", "Abu Dhabi-based Masdar signed"): their country is a party."""
        found = []
        for span, slug in mentions.organization_spans:
            if slug not in orgs or slug in self.state_orgs or not (sentence.start <= span.start < sentence.end):
                continue
            org = mentions.organizations.get(slug)
            if org is None or not org.country or slug in self.media_orgs:
                continue
            if _signing_subject(span):
                found.append(slug)
        return found

    def _event(self, event_type: str, trigger: Token, view: _SentenceView, mentions: Mentions,
               article: Article) -> Event | None:
        countries = list(view.actor_countries)
        if event_type == "Visit" and not countries and view.place_countries:
            countries = view.place_countries[:1]
        if event_type == "Summit" or (event_type == "Visit" and view.multilateral):
            # "will travel to Samarkand for a meeting with the leaders of five countries": the venue hosts
            others = {c for c in countries if c not in view.city_destinations}
            countries = [c for c in countries if c in others]
        if not countries and not view.persons and not view.organizations and event_type not in (
                "Election", "Cultural", "Award", "Summit"):
            return None
        intended = _is_intended(trigger)
        text = span_text(view.sentence)
        date = find_date(text, article.published, future=intended)
        intended = intended or _after_publication(date, article)
        event = Event(
            type=event_type,
            countries=countries,
            persons=view.persons,
            organizations=view.organizations,
            date=date,
            place=view.place[0] if view.place else None,
            place_country=view.place[1] if view.place else None,
            intended=intended,
            evidence=Evidence(view.sentence.start_char, view.sentence.end_char),
            confidence=_confidence(trigger, view),
        )
        if event_type == "Visit" and view.destination:
            event.hosts = [f"country:{c}" for c in view.destination]
            event.visitors = [f"country:{c}" for c in countries if c not in view.destination]
        if event_type in ("Aid", "Trade"):
            event.amounts = [a for _, _, a in find_amounts(text)]
        if event_type == "Aid":
            donors, recipients = _aid_sides(trigger, view, mentions)
            event.donors, event.recipients = donors, recipients
        humanitarian = "humanitarian" in text.lower()
        by_phone = any(w in text.lower() for w in ("phone", "telephone", "video call"))
        event.cameo = cameo_code(event_type, intended=intended, humanitarian=humanitarian, by_phone=by_phone)
        event.goldstein = GOLDSTEIN.get(event.cameo) if event.cameo else None
        return event

    def _agreement(self, view: _SentenceView, event: Event) -> Agreement | None:
        text = span_text(view.sentence)
        return Agreement(
            parties=list(event.countries),
            organizations=list(view.organizations) if not event.countries else [],
            count=agreement_count(view.sentence),
            amounts=[a for _, _, a in find_amounts(text)],
            sectors=list(dict.fromkeys(m.group(1).lower() if m.group(1) != "IT" else "IT"
                                       for m in SECTOR_PATTERN.finditer(text))),
            evidence=event.evidence,
            confidence=event.confidence,
        )


_LEGISLATIVE_VOTE = re.compile(r"\bin favou?r\b|\bdeputies\b|\bsenators\b|\blawmakers\b|\bratif", re.I)
_TRADING_PARTNER = re.compile(
    r"(?P<owner>[A-Z][\w-]*(?: [A-Z][\w-]*)?)['’]s (?:[\w-]+ ){0,3}?(?P<trade>trad(?:ing|e)) partners?\b")
#: "Uzbekistan's foreign trade turnover", "Kazakhstan's exports": the country whose trade is reported.
_TRADE_OWNER = re.compile(r"[A-Z][\w-]*['’]s (?:[\w-]+ ){0,3}?(?:trade|turnover|exports|imports)\b")
#: A signing tied back to the talks or visit of the sentence before.
_SIGNED_AFTER = re.compile(r"\b(?:following|after|during|at the end of|on the sidelines of|within the framework of)"
                           r" (?:the|these|this) (?:talks|negotiations|meeting|visit|consultations)\b"
                           r"|\b(?:documents|agreements|memorand\w*) (?:were|was) (?:signed|inked|exchanged)\b",
                           re.I)


def _object_group(token: Token, verb: Token, trigger: Token) -> int:
    """The object phrase a mention belongs to: its nearest "with" or direct object ("talks with Xi … and with
    Erdogan" are two groups; "his counterparts Bayramov and Fidan" one)."""
    while token.i != verb.i and token.i != trigger.i:
        if token.lower_ == "with" or token.dep_ in ("dobj", "dative"):
            return token.i
        if token.head.i == token.i:
            break
        token = token.head
    return -1


def _with_many_states(token: Token) -> bool:
    """"a meeting with the leaders of the five Central Asian countries": several states meet."""
    words = {t.lower_ for t in token.subtree}
    return bool(words & GATHERED_HOLDERS) and bool(words & GATHERED_STATES) or {"heads", "state"} <= words


def _signing_subject(span: Span) -> bool:
    """The organisation is (part of) the subject of "sign"/"ink"."""
    token = span.root
    while token.dep_ in ("conj", "appos", "compound", "amod") and token.head.i != token.i:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() in ("sign", "ink")


def _trigger_positions(doc: Doc) -> list[int]:
    """Indices of tokens whose lemma or lower-case form is a trigger word, from arrays, not Token objects."""
    rows = doc.to_array([LEMMA, LOWER]).tolist()
    return [i for i, (lemma, lower) in enumerate(rows) if lemma in _TRIGGER_IDS or lower in _TRIGGER_IDS]


def _governing_preposition(span: Span) -> str | None:
    root = span.root
    for _ in range(6):  # "in Ghana, Malawi and Tanzania": every member of the list is governed by "in"
        if root.dep_ != "conj" or root.head.i == root.i:
            break
        root = root.head
    if root is not span.root:
        if root.dep_ == "pobj" and root.head.pos_ == "ADP":
            return root.head.lower_
    head = span.root.head
    if span.root.dep_ == "pobj" and head.pos_ == "ADP":
        return head.lower_
    previous = span.doc[span.start - 1] if span.start > sentence_start(span) else None
    return previous.lower_ if previous is not None and previous.pos_ == "ADP" else None




def _demonym_place(span: Span) -> bool:
    """"in the Kazakh capital", "at the Georgian border": the demonym modifies a place after "in"/"at"."""
    head = span.root.head
    if span.root.dep_ not in ("amod", "compound") or head.lower_ not in PLACE_NOUNS:
        return False
    return head.dep_ == "pobj" and head.head.lower_ in PLACE_PREPOSITIONS




def _topic_of(span: Span) -> bool:
    """The country sits in an "over"/"about"/"against" phrase: "concern over China's assertiveness",
    "sanctions against Russia"."""
    token = span.root
    for _ in range(3):
        if token.head.i == token.i:
            return False
        token = token.head
        if token.dep_ == "prep" and token.lower_ in TOPIC_PREPOSITIONS:
            return True
        if token.pos_ in ("VERB", "AUX"):
            return False
    return False


def _after_city(span: Span, mentions: Mentions) -> bool:
    """"in Abu Dhabi, United Arab Emirates": a country after its city only says where."""
    comma = span.start - 1
    return comma > sentence_start(span) and span.doc[comma].text == "," and any(
        kind == "city" and other.end == comma for other, _, kind in mentions.country_spans)


def _after_visit(span: Span) -> bool:
    window = span.doc[max(sentence_start(span), span.start - 6) : span.start]
    return any(t.lemma_.lower() in TRAVEL_LEMMAS for t in window)


def _is_intended(trigger: Token) -> bool:
    """Announced, planned or future: "will visit", "plans to sign", "invited … to visit"."""
    for token in (trigger, *trigger.ancestors):
        if any(child.lower_ in ("will", "shall", "'ll") and child.dep_ == "aux" for child in token.children):
            return True
        if token.tag_ == "VBD" and token.lemma_.lower() not in FUTURE_GOVERNORS:
            return False  # "… said on Tuesday after signing": a past clause anchors the act
        if token is not trigger and token.lemma_.lower() in FUTURE_GOVERNORS:
            return True
        if token is trigger and TRIGGERS.get(token.lemma_.lower()) == "AgreementSigning" and token.dep_ != "xcomp" and any(
                child.lower_ == "to" and child.dep_ == "aux" for child in token.children):
            return True  # headline "Egypt, South Korea to Sign Nuclear Deal"
        if token.dep_ in ("ROOT",):
            break
    sentence = span_text(sentence_of(trigger)).lower()
    return bool(re.search(r"\b(?:is|are) (?:scheduled|expected|set|due|slated) to\b|\bupcoming\b", sentence))


def _after_publication(date: PartialDate | None, article: Article) -> bool:
    """An event dated after the article was published has not happened yet."""
    if date is None or date.year is None or article.published is None:
        return False
    return (date.year, date.month, date.day or 31) > (
        article.published.year, article.published.month, article.published.day)


def _confidence(trigger: Token, view: _SentenceView) -> float:
    score = 0.5
    if trigger.pos_ == "VERB":
        score += 0.2
    if len(view.actor_countries) >= 1:
        score += 0.1
    if view.persons:
        score += 0.1
    return min(score, 0.95)


def _aid_sides(trigger: Token, view: _SentenceView, mentions: Mentions) -> tuple[list[str], list[str]]:
    """Donor: the acting subject's country; recipient: countries after "to"/"for"."""
    donors, recipients = [], []
    for span, iso2, _ in mentions.country_spans:
        if not (view.sentence.start <= span.start and span.end <= view.sentence.end):
            continue
        preposition = _governing_preposition(span)
        if preposition in ("to", "for") or span.root.head.lower_ in BENEFICIARY_NOUNS:
            recipients.append(f"country:{iso2}")
        elif iso2 in view.actor_countries:
            donors.append(f"country:{iso2}")
    return list(dict.fromkeys(donors)), list(dict.fromkeys(r for r in recipients if r not in donors))


def _merge(events: list[Event], agreements: list[Agreement]) -> tuple[list[Event], list[Agreement]]:
    """One event per type and set of countries: the headline and the lead often report the same act.

    The body is more precise than the headline ("more than $1.4 billion",
    "13 agreements"), so for amounts and counts the later sentence wins.
    """
    merged: dict[tuple, Event] = {}
    kept_agreements: list[Agreement] = []
    seen: dict[int, set] = {}  # kept agreement → the sentences already merged into it
    for event in events:
        key = (event.type, frozenset(event.countries), event.intended)
        agreement = agreements[event.agreement] if event.agreement is not None else None
        if agreement is not None and any(agreement is kept for kept in kept_agreements):
            agreement = None  # a later act on an agreement already kept ("ratified the document")
            event.agreement = None
        if key not in merged:
            merged[key] = event
            if agreement is not None:
                kept_agreements.append(agreement)
                event.agreement = len(kept_agreements) - 1
                seen[event.agreement] = {agreement.evidence}
            continue
        kept = merged[key]
        kept.persons = list(dict.fromkeys(kept.persons + event.persons))
        kept.organizations = list(dict.fromkeys(kept.organizations + event.organizations))
        kept.date = kept.date or event.date
        kept.place, kept.place_country = (kept.place, kept.place_country) if kept.place else (
            event.place, event.place_country)
        kept.amounts = event.amounts or kept.amounts
        if agreement is None:
            continue
        if kept.agreement is None:
            kept_agreements.append(agreement)
            kept.agreement = len(kept_agreements) - 1
        elif agreement.count and kept_agreements[kept.agreement].count and (
                agreement.count != kept_agreements[kept.agreement].count) or (
                agreement.evidence in seen.get(kept.agreement, ())):
            # a second signing in the same sentence was split off on purpose (other signers, other count)
            kept_agreements.append(agreement)  # "17 intergovernmental documents" and "23 commercial agreements"
        else:
            seen.setdefault(kept.agreement, set()).add(agreement.evidence)
            target = kept_agreements[kept.agreement]
            target.count = agreement.count or target.count
            target.amounts = agreement.amounts or target.amounts
            target.sectors = list(dict.fromkeys(target.sectors + agreement.sectors))
            target.organizations = list(dict.fromkeys(target.organizations + agreement.organizations))
    return _fold_partial_agreements(list(merged.values()), kept_agreements)


def _fold_partial_agreements(events: list[Event], agreements: list[Agreement]) -> tuple[list[Event], list[Agreement]]:
    """"Kazakhstan, Masdar Sign Deal" (headline) and "… Ministry of Energy and Abu Dhabi-based Masdar signed an
    agreement" (lead): an agreement whose parties are a strict part of another's, with no other count, is the
    same act seen with fewer of its parties."""
    target: dict[int, int] = {}
    for index, agreement in enumerate(agreements):
        for other_index, other in enumerate(agreements):
            if other_index == index or other_index in target or not agreement.parties:
                continue
            if agreement.evidence.start > other.evidence.start:
                continue  # "… during which he and Japarov signed the border treaty": a later, smaller signing is its own
            if set(agreement.parties) < set(other.parties) and agreement.count in (None, other.count):
                target[index] = other_index
                other.amounts = other.amounts or agreement.amounts
                break
    if not target:
        return events, agreements
    kept = [i for i in range(len(agreements)) if i not in target]
    new_index = {old: new for new, old in enumerate(kept)}
    for event in events:
        if event.agreement is not None:
            old = event.agreement
            while old in target:
                old = target[old]
            event.agreement = new_index[old]
    return events, [agreements[i] for i in kept]
