"""Events and agreements, one sentence at a time.

A sentence reports an event when it holds a trigger (a verb or noun such as
"signed", "talks", "visit", "humanitarian aid"); the event's participants are
the persons, organisations and countries of that sentence, and the countries
it *involves* are the countries acting in it: named actors, demonyms, the
countries of participants' offices, a visit's destination — but not a city or
country that only says where something happened ("in Paris").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from kg.extract.cameo import GOLDSTEIN, cameo_code
from kg.extract.dates import find_date
from kg.extract.mentions import Mentions
from kg.extract.money import find_amounts
from kg.extraction import Agreement, Event, Evidence, PartialDate
from kg.gazetteer import Gazetteer
from kg.readers import Article
from kg.extract.sentences import sentence_of, sentences, text_of

#: trigger lemma → event type; nouns and verbs alike.
TRIGGERS = {
    "meet": "Meeting", "meeting": "Meeting", "talk": "Meeting", "talks": "Meeting", "negotiation": "Meeting",
    "receive": "Meeting", "host": "Meeting", "consultation": "Meeting", "phone": "Meeting",
    "conversation": "Meeting", "discuss": "Meeting",
    "visit": "Visit", "arrive": "Visit", "trip": "Visit", "tour": "Visit",
    "summit": "Summit", "forum": "Summit", "conference": "Summit", "congress": "Summit", "convene": "Summit",
    "sign": "AgreementSigning", "ink": "AgreementSigning", "signing": "AgreementSigning",
    "reach": "AgreementSigning", "exchange": "AgreementSigning",
    "ratify": "Ratification", "ratification": "Ratification",
    "aid": "Aid", "assistance": "Aid", "donate": "Aid", "donation": "Aid", "grant": "Aid", "loan": "Aid",
    "export": "Trade", "import": "Trade", "trade": "Trade", "turnover": "Trade", "investment": "Trade",
    "invest": "Trade",
    "election": "Election", "elect": "Election", "vote": "Election", "turnout": "Election",
    "ballot": "Election", "poll": "Election", "referendum": "Election",
    "appoint": "Appointment", "appointment": "Appointment", "nominate": "Appointment",
    "award": "Award", "prize": "Award", "medal": "Award", "honor": "Award", "honour": "Award",
    "festival": "Cultural", "exhibition": "Cultural", "concert": "Cultural", "film": "Cultural",
    "museum": "Cultural", "heritage": "Cultural", "theatre": "Cultural", "theater": "Cultural",
    "premiere": "Cultural", "performance": "Cultural", "art": "Cultural", "culture": "Cultural",
    "championship": "Cultural", "tournament": "Cultural", "olympiad": "Cultural", "anniversary": "Cultural",
    "commemorate": "Cultural", "album": "Cultural", "music": "Cultural", "expo": "Summit", "panel": "Summit",
    "reiterate": "Statement", "state": "Statement", "emphasize": "Statement", "emphasise": "Statement",
    "stress": "Statement", "urge": "Statement", "outline": "Statement", "announce": "Statement",
    "say": "Statement", "statement": "Statement", "declare": "Statement", "reaffirm": "Statement",
    "call": "Statement", "warn": "Statement", "write": "Statement",
}
_TRIGGER_IDS = frozenset(get_string_id(word) for word in TRIGGERS)
#: Nouns that make "sign" an agreement signing.
AGREEMENT_NOUNS = frozenset(
    "agreement agreements memorandum memoranda mou mous deal deals contract contracts treaty treaties "
    "accord accords declaration roadmap document documents protocol protocols convention charter".split()
)
#: Which triggers need a second cue in the sentence to count (too common otherwise).
_WEAK = {"conversation": ("phone", "telephone"), "discuss": (), "receive": (), "write": (), "call": (),
         "host": (), "art": (), "culture": (), "state": (), "say": (), "announce": (), "music": (), "film": (),
         "turnover": ("trade",), "poll": ("election", "vote"),
         "tour": ("visit",), "honor": ("award", "order"), "honour": ("award", "order")}
#: Triggers that report an event only beside a sum of money ("trade hit $171.5 billion", "a €300m loan");
#: talks merely *on* trade or investment are not Trade.
_NEED_AMOUNT = frozenset({"trade", "investment", "invest", "grant", "loan", "export", "import"})
#: Statement verbs that count only in the headline, where the stated position is the news.
_HEADLINE_ONLY = frozenset({"say", "write", "call", "announce", "outline", "reaffirm", "reiterate"})
#: Modifiers that make a "meeting" multilateral: "Annual General Meeting", "Council of Foreign Ministers".
_MULTILATERAL = frozenset("annual general ministerial ministers council plenary summit anniversary".split())
_FUTURE_GOVERNORS = frozenset(
    "plan intend expect schedule invite invitation aim agree prepare preparation hope propose set going due"
    .split())
#: Gazetteer kinds of organisations through which their country acts.
STATE_KINDS = frozenset({"ministry", "government", "parliament", "court", "agency"})
_TWO_SIDES = re.compile(
    r"\b(?:the two|both) (?:sides|leaders|countries|governments|ministers|presidents|parties|states|nations)\b"
    r"|\bthe (?:presidents|leaders|sides|parties|delegations|heads of state|prime ministers|foreign ministers)\b",
    re.I)
#: "bilateral trade", "mutual investment": a lone actor's partner is the pair the article is about.
_BILATERAL = re.compile(r"\b(?:bilateral|mutual|two-way)\b", re.I)
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "across", "throughout", "within", "inside"})
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a": 1, "an": 1, "dozen": 12,
}
SECTORS = (
    "energy", "oil", "gas", "nuclear", "uranium", "mining", "critical minerals", "rare earth", "metallurgy",
    "agriculture", "transport", "logistics", "aviation", "railway", "education", "healthcare", "health",
    "tourism", "culture", "finance", "banking", "investment", "digital", "technology", "IT", "space", "science",
    "defense", "defence", "security", "water", "environment", "climate", "green hydrogen", "renewable energy",
    "infrastructure", "construction", "trade", "industry", "pharmaceuticals", "telecommunications",
)
_SECTOR_PATTERN = re.compile(r"\b(" + "|".join(re.escape(s) for s in sorted(SECTORS, key=len, reverse=True)) + r")\b")


@dataclass
class _SentenceView:
    sentence: Span
    persons: list[str]
    organizations: list[str]
    actor_countries: list[str]  # countries acting in the sentence
    place: tuple[str, str] | None  # (city, ISO2)
    place_countries: list[str]  # countries named only as where something happened
    destination: list[str]  # "visit to France"


class EventExtractor:
    def __init__(self, gazetteer: Gazetteer) -> None:
        #: organisations whose country acts through them (a ministry, not a company)
        self.state_orgs = {org.slug for org in gazetteer.organizations if org.kind in STATE_KINDS}

    def __call__(self, doc: Doc, mentions: Mentions, article: Article) -> tuple[list[Event], list[Agreement]]:
        events: list[Event] = []
        agreements: list[Agreement] = []
        pair: list[str] = []  # the last two countries acting together, for "the two sides"
        positions = _trigger_positions(doc)
        for sentence in sentences(doc):
            triggers = self._triggers(sentence, positions[bisect_left(positions, sentence.start):
                                                          bisect_left(positions, sentence.end)])
            view = self._view(sentence, mentions)
            if len(view.actor_countries) == 2:
                pair = list(view.actor_countries)
            elif not view.actor_countries and pair and _TWO_SIDES.search(sentence.text):
                view.actor_countries = list(pair)
            elif len(view.actor_countries) == 1 and view.actor_countries[0] in pair and _BILATERAL.search(
                    sentence.text):
                view.actor_countries = list(pair)
            if not triggers:
                continue
            for event_type, trigger in triggers.items():
                event = self._event(event_type, trigger, view, mentions, article)
                if event is None:
                    continue
                if (event_type == "AgreementSigning" or event_type == "Ratification") and not event.intended:
                    agreement = self._agreement(view, event)
                    if agreement is not None and trigger.lemma_.lower() == "exchange":
                        agreement.count = agreement.count or 1  # "exchanged notes on a loan"
                    earlier = _same_agreement(agreement, agreements, sentence) if agreement is not None else None
                    if earlier is not None:
                        event.agreement = earlier
                        agreement = None
                    if agreement is not None:
                        agreements.append(agreement)
                        event.agreement = len(agreements) - 1
                events.append(event)
        return _merge(events, agreements)

    # -- triggers -------------------------------------------------------------
    def _triggers(self, sentence: Span, positions: list[int]) -> dict[str, Token]:
        """Event type → first trigger token, among the sentence's candidate `positions`."""
        text = sentence.text.lower()
        in_headline = "\n\n" in text_of(sentence.doc)[sentence.end_char : sentence.end_char + 40] or (
            sentence.end_char <= text_of(sentence.doc).find("\n\n"))
        has_amount = bool(find_amounts(sentence.text))
        found: dict[str, Token] = {}
        for position in positions:
            token = sentence.doc[position]
            lemma = token.lemma_.lower()
            key = lemma if lemma in TRIGGERS else token.lower_ if token.lower_ in TRIGGERS else None
            if key is None or token.pos_ not in ("VERB", "NOUN", "PROPN", "AUX"):
                continue
            if key in _NEED_AMOUNT and not has_amount:
                continue
            if key in _HEADLINE_ONLY and not in_headline:
                continue
            if key in _WEAK and key not in _HEADLINE_ONLY and (
                    not _WEAK[key] or not any(cue in text for cue in _WEAK[key])):
                if key not in ("host", "discuss", "receive") or not self._has_person_object(token):
                    continue
            event_type = TRIGGERS[key]
            if key == "call" and any(cue in text for cue in ("phone", "telephone")):
                event_type = "Meeting"
            if event_type == "Meeting" and token.pos_ == "NOUN" and any(
                    t.lower_ in _MULTILATERAL for t in token.subtree):
                event_type = "Summit"
            if event_type == "AgreementSigning" and key != "exchange" and not self._signs_agreement(token):
                continue
            if key == "reach" and not _reached_agreement(token):
                continue
            if key == "exchange" and not (token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "notes"):
                continue
            if key == "state" and token.pos_ != "VERB":
                continue
            found.setdefault(event_type, token)
        if "AgreementSigning" in found:
            found.pop("Statement", None)
        return found

    @staticmethod
    def _has_person_object(token: Token) -> bool:
        """"received Nigerian President Bola Tinubu", not "received awards"."""
        return any(child.dep_ in ("dobj", "pobj", "prep") and any(
            t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in child.subtree) for child in token.children)

    @staticmethod
    def _signs_agreement(token: Token) -> bool:
        sentence = sentence_of(token)
        window = token.doc[max(sentence.start, token.i - 6) : min(sentence.end, token.i + 12)]
        return any(t.lower_ in AGREEMENT_NOUNS for t in window)

    # -- who and where ---------------------------------------------------------
    def _view(self, sentence: Span, mentions: Mentions) -> _SentenceView:
        inside = lambda span: sentence.start <= span.start and span.end <= sentence.end  # noqa: E731
        persons = list(dict.fromkeys(slug for span, slug in mentions.person_spans if inside(span)))
        orgs = list(dict.fromkeys(slug for span, slug in mentions.organization_spans if inside(span)))
        actors: list[str] = []
        places: list[str] = []
        destination: list[str] = []
        place = None
        for span, iso2, kind in mentions.country_spans:
            if not inside(span):
                continue
            preposition = _governing_preposition(span)
            if preposition == "to" and _after_visit(span):
                destination.append(iso2)
                actors.append(iso2)
            elif kind == "city" or preposition in _PLACE_PREPOSITIONS or _after_city(span, mentions):
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
        return _SentenceView(sentence, persons, orgs, list(dict.fromkeys(actors)), place, places, destination)

    def _event(self, event_type: str, trigger: Token, view: _SentenceView, mentions: Mentions,
               article: Article) -> Event | None:
        countries = list(view.actor_countries)
        if event_type == "Visit" and not countries and view.place_countries:
            countries = view.place_countries[:1]
        if not countries and not view.persons and not view.organizations and event_type not in (
                "Election", "Cultural", "Award", "Summit"):
            return None
        intended = _is_intended(trigger)
        text = view.sentence.text
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
        text = view.sentence.text
        return Agreement(
            parties=list(event.countries),
            organizations=list(view.organizations) if not event.countries else [],
            count=_agreement_count(view.sentence),
            amounts=[a for _, _, a in find_amounts(text)],
            sectors=list(dict.fromkeys(m.group(1).lower() if m.group(1) != "IT" else "IT"
                                       for m in _SECTOR_PATTERN.finditer(text))),
            evidence=event.evidence,
            confidence=event.confidence,
        )


_ANAPHORIC = re.compile(r"\b(?:the|this|that) (?:document|treaty|agreement|accord|deal|memorandum|protocol|convention)\b", re.I)


def _same_agreement(agreement: Agreement, agreements: list[Agreement], sentence: Span) -> int | None:
    """"… ratified the document last month": a later act on an agreement already reported."""
    if not _ANAPHORIC.search(sentence.text) or not agreement.parties:
        return None
    for index, earlier in enumerate(agreements):
        if set(agreement.parties) <= set(earlier.parties) and len(earlier.parties) > len(agreement.parties):
            return index
    return None


def _reached_agreement(token: Token) -> bool:
    """"an agreement reached between …", "reached a deal": not "trade reached $5 billion"."""
    if token.head.lower_ in AGREEMENT_NOUNS and token.dep_ in ("acl", "relcl"):
        return True
    return any(child.dep_ == "dobj" and child.lower_ in AGREEMENT_NOUNS for child in token.children)


def _trigger_positions(doc: Doc) -> list[int]:
    """Indices of tokens whose lemma or lower-case form is a trigger word, from arrays, not Token objects."""
    rows = doc.to_array([LEMMA, LOWER]).tolist()
    return [i for i, (lemma, lower) in enumerate(rows) if lemma in _TRIGGER_IDS or lower in _TRIGGER_IDS]


def _governing_preposition(span: Span) -> str | None:
    head = span.root.head
    if span.root.dep_ == "pobj" and head.pos_ == "ADP":
        return head.lower_
    previous = span.doc[span.start - 1] if span.start > sentence_of(span).start else None
    return previous.lower_ if previous is not None and previous.pos_ == "ADP" else None


def _after_city(span: Span, mentions: Mentions) -> bool:
    """"in Abu Dhabi, United Arab Emirates": a country after its city only says where."""
    comma = span.start - 1
    return comma > sentence_of(span).start and span.doc[comma].text == "," and any(
        kind == "city" and other.end == comma for other, _, kind in mentions.country_spans)


def _after_visit(span: Span) -> bool:
    window = span.doc[max(sentence_of(span).start, span.start - 6) : span.start]
    return any(t.lemma_.lower() in ("visit", "trip", "travel", "arrive", "fly", "tour") for t in window)


def _is_intended(trigger: Token) -> bool:
    """Announced, planned or future: "will visit", "plans to sign", "invited … to visit"."""
    for token in (trigger, *trigger.ancestors):
        if any(child.lower_ in ("will", "shall", "'ll") and child.dep_ == "aux" for child in token.children):
            return True
        if token is not trigger and token.lemma_.lower() in _FUTURE_GOVERNORS:
            return True
        if token is trigger and TRIGGERS.get(token.lemma_.lower()) == "AgreementSigning" and token.dep_ != "xcomp" and any(
                child.lower_ == "to" and child.dep_ == "aux" for child in token.children):
            return True  # headline "Egypt, South Korea to Sign Nuclear Deal"
        if token.dep_ in ("ROOT",):
            break
    sentence = sentence_of(trigger).text.lower()
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


def _agreement_count(sentence: Span) -> int | None:
    for token in sentence:
        if token.lower_ not in AGREEMENT_NOUNS:
            continue
        for child in token.children:
            if child.dep_ in ("nummod", "det", "quantmod") or child.like_num:
                word = child.lower_
                if word.isdigit():
                    return int(word)
                if word in _NUMBER_WORDS and (word not in ("a", "an") or token.tag_ == "NN"):
                    return _NUMBER_WORDS[word]
        if token.tag_ in ("NN", "NNP") and token.lower_ not in ("agreements", "documents", "deals", "contracts"):
            return 1
    return None


def _aid_sides(trigger: Token, view: _SentenceView, mentions: Mentions) -> tuple[list[str], list[str]]:
    """Donor: the acting subject's country; recipient: countries after "to"/"for"."""
    donors, recipients = [], []
    for span, iso2, _ in mentions.country_spans:
        if not (view.sentence.start <= span.start and span.end <= view.sentence.end):
            continue
        preposition = _governing_preposition(span)
        if preposition in ("to", "for") or span.root.head.lower_ in ("people", "refugees", "population"):
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
        else:
            target = kept_agreements[kept.agreement]
            target.count = agreement.count or target.count
            target.amounts = agreement.amounts or target.amounts
            target.sectors = list(dict.fromkeys(target.sectors + agreement.sectors))
            target.organizations = list(dict.fromkeys(target.organizations + agreement.organizations))
    return list(merged.values()), kept_agreements
