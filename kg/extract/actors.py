"""Who acts in a sentence, and on which side of an event.

The countries a sentence *involves* are the countries acting in it: named actors, demonyms, the countries of
participants' offices and of state bodies, a visit's destination — but not a city or country that only says
where something happened ("in Paris"), what is talked about ("concern over China's assertiveness") or whose
weapons struck ("Russian missile attacks").

The *sides* of an event are read from the parse, as event coders read them: the subject of "met", "held
talks", "received" or "signed" is the hub and the countries in its object or "with" phrase are its
counterparts; a visit goes from the visitor to its destination; aid from the donors to the countries after
"to"/"for"; exports from the exporter to the country after "to". This part finds; `kg.extract.dyads` pairs
the sides and `kg.extract.events` writes the events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from kg.extract.dyads import Sides
from kg.extract.lexicon import (
    BENEFICIARY_NOUNS,
    BUYING_LEMMAS,
    COUNTERPART_PREPOSITIONS,
    HOSTILE_NOUNS,
    PAIR_TRIGGERS,
    PLACE_NOUNS,
    PLACE_PREPOSITIONS,
    RECEIVING_LEMMAS,
    SELLING_LEMMAS,
    SENDING_LEMMAS,
    SIDE_NOUNS,
    SIGNING_VERBS,
    STATE_KINDS,
    TOPIC_PREPOSITIONS,
    TRAVEL_LEMMAS,
    VENUE_PREPOSITIONS,
    VISIT_OBJECT_LEMMAS,
)
from kg.extract.mentions import Mentions
from kg.extract.money import find_amounts
from kg.extract.sentences import sentence_start, span_text
from kg.gazetteer import Gazetteer

_SIDES = "|".join(sorted(SIDE_NOUNS))
#: "the two sides", "both leaders", "the presidents": the pair acting in an earlier sentence.
_TWO_SIDES = re.compile(
    rf"\b(?:the two|both) (?:{_SIDES})\b"
    r"|\bthe (?:presidents|leaders|sides|parties|delegations|heads of state|prime ministers|foreign ministers)\b",
    re.I,
)
#: "bilateral trade", "mutual investment": a lone actor's partner is the pair the article is about.
_BILATERAL = re.compile(r"\b(?:bilateral|mutual|two-way)\b", re.I)
#: A signing tied back to the talks or visit of the sentence before.
_SIGNED_AFTER = re.compile(
    r"\b(?:following|after|during|at the end of|on the sidelines of|within the framework of)"
    r" (?:the|these|this) (?:talks|negotiations|meeting|visit|consultations)\b"
    r"|\b(?:documents|agreements|memorand\w*) (?:were|was) (?:signed|inked|exchanged)\b",
    re.I,
)
_TRADING_PARTNER = re.compile(
    r"(?P<owner>[A-Z][\w-]*(?: [A-Z][\w-]*)?)['’]s (?:[\w-]+ ){0,3}?(?P<trade>trad(?:ing|e)) partners?\b"
)
#: "Uzbekistan's foreign trade turnover", "Kazakhstan's exports": the country whose trade is reported.
_TRADE_OWNER = re.compile(r"[A-Z][\w-]*['’]s (?:[\w-]+ ){0,3}?(?:trade|turnover|exports|imports)\b")
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_OBJECTS = frozenset({"dobj", "prep", "dative", "agent"})
#: Links from a meeting noun up to its verb: "accepted the letters *of* credence".
_NOUN_LINKS = frozenset({"pobj", "prep", "dobj", "compound", "appos"})


@dataclass
class SentenceActors:
    """The persons, organisations and countries of one sentence, by what they do in it."""

    sentence: Span
    persons: list[str]
    organizations: list[str]
    countries: list[str]  # countries acting in the sentence
    place: tuple[str, str] | None  # the first city named, (name, ISO2)
    place_countries: list[str]  # countries named only as where something happened
    destinations: list[str]  # "visit to France", "visited Kazakhstan"
    city_destinations: list[str] = field(default_factory=list)  # "travel to Samarkand"
    venues: list[tuple[str, str]] = field(default_factory=list)  # (ISO2, kind) where the act happens: "in Beijing"


class ActorFinder:
    """Reads actors and sides; knows from the gazetteer which organisations act for their country."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        #: organisations whose country acts through them (a ministry, not a company)
        self.state_orgs = {org.slug for org in gazetteer.organizations if org.kind in STATE_KINDS}
        self.media_orgs = {org.slug for org in gazetteer.organizations if org.kind == "media"}
        self.international = {org.slug for org in gazetteer.organizations if org.kind == "international"}

    # -- who acts --------------------------------------------------------------------------
    def __call__(self, sentence: Span, mentions: Mentions) -> SentenceActors:
        inside = lambda span: sentence.start <= span.start and span.end <= sentence.end  # noqa: E731
        persons = list(dict.fromkeys(slug for span, slug in mentions.person_spans if inside(span)))
        orgs = list(dict.fromkeys(slug for span, slug in mentions.organization_spans if inside(span)))
        found = SentenceActors(sentence, persons, orgs, [], None, [], [])
        for span, iso2, kind in mentions.country_spans:
            if inside(span):
                self._place_or_actor(found, span, iso2, kind, mentions)
        for slug in persons:
            person = mentions.persons.get(slug)
            if person and person.country:
                found.countries.append(person.country)
        for slug in orgs:
            org = mentions.organizations.get(slug)
            if org and org.country and slug in self.state_orgs:
                found.countries.append(org.country)
        found.countries.extend(self._signing_countries(sentence, mentions, orgs))
        found.countries = list(dict.fromkeys(found.countries))
        return found

    @staticmethod
    def _place_or_actor(found: SentenceActors, span: Span, iso2: str, kind: str, mentions: Mentions) -> None:
        preposition = governing_preposition(span)
        visited = span.root.dep_ == "dobj" and span.root.head.lemma_.lower() in VISIT_OBJECT_LEMMAS
        if visited or (preposition == "to" and _after_travel(span)):
            found.destinations.append(iso2)
            found.countries.append(iso2)
            if kind == "city":
                found.city_destinations.append(iso2)
        elif _topic_of(span):
            return  # "concern over China's growing assertiveness": what is talked about, not who acts
        elif kind == "demonym" and (
            span.root.head.lower_ in HOSTILE_NOUNS
            or (span.end < found.sentence.end and span.doc[span.end].lower_ in HOSTILE_NOUNS)
        ):
            return  # "Russian missile attacks"
        elif (
            kind == "city"
            or preposition in PLACE_PREPOSITIONS
            or _after_city(span, mentions)
            or (kind == "demonym" and _demonym_place(span))
        ):
            found.place_countries.append(iso2)
            if preposition in VENUE_PREPOSITIONS or kind == "demonym":
                found.venues.append((iso2, kind))
            if kind == "city" and found.place is None:
                found.place = (span.text, iso2)
            if kind == "city" and span.root.dep_ in _SUBJECTS and preposition is None:
                found.countries.append(iso2)  # "Astana hosts …": the capital stands for its country
        else:
            found.countries.append(iso2)

    def countries_at(self, indices: Iterable[int], mentions: Mentions) -> list[tuple[int, str]]:
        """(position, ISO2) of acting countries at these token positions: names, demonyms, persons' and
        state bodies' countries; not cities or places after "in"/"at"."""
        indices = set(indices)
        found = []
        for span, iso2, kind in mentions.country_spans:
            if span.start in indices and kind != "city" and governing_preposition(span) not in PLACE_PREPOSITIONS:
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

    def has_bloc(self, actors: SentenceActors) -> bool:
        """An international organisation is named: "SCO leaders gathered … for a summit"."""
        return any(slug in self.international for slug in actors.organizations)

    def _signing_countries(self, sentence: Span, mentions: Mentions, orgs: list[str]) -> list[str]:
        """The countries of companies and funds with a known country that sign ("Saudi Fund for Development and
        the Kyrgyz Ministry of Finance signed", "Abu Dhabi-based Masdar signed"): their country is a party."""
        found: list[str] = []
        for span, slug in mentions.organization_spans:
            if slug not in orgs or slug in self.state_orgs or not (sentence.start <= span.start < sentence.end):
                continue
            org = mentions.organizations.get(slug)
            if org is not None and org.country and slug not in self.media_orgs and _signing_subject(span):
                found.append(org.country)
        return found

    # -- sides -------------------------------------------------------------------------------
    def hub_and_counterparts(self, trigger: Token, mentions: Mentions) -> tuple[list[str], list[str], Token] | None:
        """The countries of the subject of the trigger's verb, those of its objects, and the verb.

        "Putin held talks with Xi … and with Erdogan", "Aliyev received the credentials of the ambassadors of
        Italy, Brazil and Indonesia": the counterparts are reached from the verb through object and "with" /
        "of" / "from" phrases only, so a place ("in New York"), a topic ("talks on Afghanistan") or a
        relative clause ("Xi, who visited Russia") does not make one.
        """
        climbed = _verb_of(trigger)
        if climbed is None:
            return None
        verb, chain = climbed
        owners = [verb, *chain]
        stops = {t.i for t in owners}
        subject = [t.i for c in verb.children if c.dep_ in _SUBJECTS for t in c.subtree]
        objects = [t.i for c in verb.children if c.dep_ in _OBJECTS and c.i not in stops for t in c.subtree]
        if chain:
            objects += [t.i for t in chain[-1].subtree if t.i not in stops]
        hubs = list(dict.fromkeys(c for _, c in self.countries_at(subject, mentions)))
        doc = trigger.doc
        counterparts = list(
            dict.fromkeys(
                c for i, c in self.countries_at(objects, mentions) if c not in hubs and _counterpart(doc[i], owners)
            )
        )
        return hubs, counterparts, verb

    def meeting_sides(self, triggers: Iterable[Token], mentions: Mentions) -> list[Sides]:
        """The hub and counterparts of each meeting verb or noun of a sentence. A verb of receiving makes the
        meeting directed, from those received to the hub (visitor → host; an ambassador's country → the
        country receiving the credentials); a verb of sending the other way ("presented his credentials
        to")."""
        found = []
        for trigger in triggers:
            if trigger.lemma_.lower() not in PAIR_TRIGGERS and trigger.lower_ not in PAIR_TRIGGERS:
                continue
            read = self.hub_and_counterparts(trigger, mentions)
            if read is None:
                continue
            hubs, counterparts, verb = read
            lemma = verb.lemma_.lower()
            passive = any(c.dep_ == "nsubjpass" for c in verb.children)
            if (lemma in RECEIVING_LEMMAS and not passive) or (lemma in SENDING_LEMMAS and passive):
                sides = Sides(tuple(counterparts), tuple(hubs), directed=True)
            elif lemma in RECEIVING_LEMMAS | SENDING_LEMMAS:
                sides = Sides(tuple(hubs), tuple(counterparts), directed=True)
            else:
                sides = Sides(tuple(hubs), tuple(counterparts))
            if sides not in found:  # "received the credentials": two meeting words, one verb
                found.append(sides)
        return found

    def signing_sides(self, trigger: Token, mentions: Mentions) -> list[Sides]:
        """One signer and its partners: "Kazakhstan signed agreements with France, Germany, Italy and Spain"."""
        read = self.hub_and_counterparts(trigger, mentions)
        if read is None or len(read[0]) != 1:
            return []
        return [Sides(tuple(read[0]), tuple(read[1]))]

    def signing_groups(self, trigger: Token, mentions: Mentions) -> list[list[str]] | None:
        """ "France has signed similar treaties with Germany in 2019 and with Italy in 2021": one signer and
        partners in separate "with" phrases sign one agreement each; the [signer, partner] of each."""
        if trigger.pos_ != "VERB":
            return None
        subject = {t.i for c in trigger.children if c.dep_ in _SUBJECTS for t in c.subtree}
        signers = list(dict.fromkeys(c for _, c in self.countries_at(subject, mentions)))
        withs = [t for t in trigger.subtree if t.lower_ == "with" and t.dep_ in ("prep", "conj")]
        if len(signers) != 1 or len(withs) < 2:
            return None
        groups: list[set[str]] = []
        for phrase in withs:
            indices = {t.i for t in phrase.subtree}
            found = {c for _, c in self.countries_at(indices, mentions) if c not in signers}
            # a nested "with" belongs to its own group only
            inner = {t.i for w in withs if w.i != phrase.i and w.i in indices for t in w.subtree}
            found -= {c for _, c in self.countries_at(inner, mentions)}
            if found:
                groups.append(found)
        if len(groups) < 2 or any(len(g) > 1 for g in groups):
            return None
        return [[signers[0], next(iter(g))] for g in groups]

    def gathering_sides(self, trigger: Token, actors: SentenceActors, mentions: Mentions) -> list[Sides]:
        """A gathering that is two countries' own: "the Kazakhstan-France Business Forum", "a Kazakh-Kyrgyz
        business forum", "a bilateral forum" of the sentence's two countries. Any other summit, forum or
        conference is multilateral and ties no pair by itself."""
        modifiers = range(trigger.left_edge.i, trigger.i)
        named = list(dict.fromkeys(c for _, c in self.countries_at(modifiers, mentions)))
        if len(named) != 2 and any(trigger.doc[i].lower_ == "bilateral" for i in modifiers):
            named = actors.countries
        return [Sides((named[0],), (named[1],))] if len(named) == 2 else []

    def trade_sides(
        self, trigger: Token, actors: SentenceActors, mentions: Mentions, owner: str | None
    ) -> tuple[list[Sides], str | None]:
        """The sides of a trade report and the country whose trade it is.

        Exporter → importer when the text says who sells to whom ("Kazakhstan exported $2 billion of grain to
        China", "Uzbekistan's imports from Russia", "shipments to Afghanistan" in an article on Kazakhstan's
        exports); otherwise the reporting country with each partner ("China remained Kazakhstan's largest
        trading partner …, followed by Russia"; "Trade with Kazakhstan amounted to $4.4 billion" after
        "Uzbekistan's foreign trade reached …"). `owner` is the article's reporting country so far.
        """
        directed = self._trade_direction(trigger, mentions, owner)
        if directed is not None:
            return [directed[0]], directed[1]
        partners = self.trading_partners(actors, mentions)
        if partners:
            return [partners], partners.sources[0]
        if owner is None:
            return [], None
        sentence = actors.sentence
        withs = [
            iso2
            for span, iso2, kind in mentions.country_spans
            if sentence.start <= span.start < sentence.end
            and kind != "city"
            and governing_preposition(span) == "with"
            and iso2 != owner
        ]
        withs = list(dict.fromkeys(withs))
        if not withs or any(c not in withs and c != owner for c in actors.countries):
            return [], None
        return [Sides((owner,), tuple(withs))], owner

    def _trade_direction(self, trigger: Token, mentions: Mentions, owner: str | None) -> tuple[Sides, str] | None:
        """Who sells to whom, and the reporting side: the seller of "exported … to", the buyer of "imports
        from"; the reporting side is the subject or possessor of the trade word, else the article's
        reporting country; the other side is after "to" (sales) or "from" (purchases), or the demonym of the
        goods bought ("imports of Russian petrol")."""
        lemma = trigger.lemma_.lower()
        if lemma not in SELLING_LEMMAS | BUYING_LEMMAS:
            return None
        # "Kazakhstan exported grain to China", "Kazakhstan doubled its exports to China": the verb's subject
        verb = trigger if trigger.pos_ == "VERB" else trigger.head if trigger.dep_ == "dobj" else None
        subject = {t.i for c in verb.children if c.dep_ == "nsubj" for t in c.subtree} if verb is not None else set()
        own = [t.i for c in trigger.children if c.dep_ in ("poss", "amod", "compound", "nmod") for t in c.subtree]
        selves = list(dict.fromkeys(c for _, c in self.countries_at([*own, *subject], mentions)))
        if not selves and owner is not None:
            selves = [owner]
        scope = {t.i for t in (verb if verb is not None else trigger).subtree} - subject
        word = "to" if lemma in SELLING_LEMMAS else "from"
        partners = [
            iso2
            for span, iso2, kind in mentions.country_spans
            if span.start in scope
            and kind != "city"
            and iso2 not in selves
            and (
                governing_preposition(span) == word
                or (word == "from" and kind == "demonym" and _goods_of(span, trigger))
            )
        ]
        partners = list(dict.fromkeys(partners))
        if len(selves) != 1 or not partners:
            return None
        if word == "to":
            return Sides(tuple(selves), tuple(partners), True), selves[0]
        return Sides(tuple(partners), tuple(selves), True), selves[0]

    def trading_partners(self, actors: SentenceActors, mentions: Mentions) -> Sides | None:
        """ "China remained Kazakhstan's largest trading partner with $18.9 billion, followed by Russia …":
        each other acting country trades with the possessor, when a sum is stated."""
        sentence = actors.sentence
        match = _TRADING_PARTNER.search(span_text(sentence))
        if not match or not find_amounts(span_text(sentence)):
            return None
        start = sentence.start_char + match.start("owner")
        owner = next(
            (iso2 for span, iso2, kind in mentions.country_spans if span.start_char == start and kind != "city"), None
        )
        partners = tuple(c for c in actors.countries if c != owner)
        return Sides((owner,), partners) if owner and partners else None

    @staticmethod
    def partner_trigger(sentence: Span) -> Token | None:
        """The "trade"/"trading" token of a trading-partner sentence, which reports Trade by itself."""
        match = _TRADING_PARTNER.search(span_text(sentence))
        if not match:
            return None
        span = sentence.doc.char_span(
            sentence.start_char + match.start("trade"), sentence.start_char + match.end("trade")
        )
        return span[0] if span is not None else None


def aid_sides(actors: SentenceActors, mentions: Mentions) -> Sides:
    """Donors → recipients: the recipients are the countries after "to"/"for" ("aid to Afghanistan", "convoys
    to Kabul", "relief for the people of Sudan"), else the country where the aid is delivered ("drought relief
    in southern Madagascar"); the donors are the other acting countries, each giving to every recipient
    ("Kazakhstan and Uzbekistan sent aid to Kabul": co-donors are not a pair). A city where aid is pledged
    is more often a conference's venue than the recipient, so only a country named as the place counts."""
    sentence = actors.sentence
    donors, recipients = [], []
    for span, iso2, _ in mentions.country_spans:
        if not (sentence.start <= span.start and span.end <= sentence.end):
            continue
        if governing_preposition(span) in ("to", "for") or span.root.head.lower_ in BENEFICIARY_NOUNS:
            recipients.append(iso2)
        elif iso2 in actors.countries:
            donors.append(iso2)
    donors = list(dict.fromkeys(donors))
    recipients = [r for r in dict.fromkeys(recipients) if r not in donors]
    if not recipients:
        recipients = [c for c, kind in dict.fromkeys(actors.venues) if kind != "city" and c not in donors]
    return Sides(tuple(donors), tuple(recipients), directed=True)


def visit_sides(actors: SentenceActors, multilateral: bool) -> Sides:
    """Visitors → hosts: the hosts are the destinations ("visit to France", "visited Astana"), else where the
    visitor arrived ("arrived in Beijing", "who is in China on a state visit"); the visitors are the other
    acting countries. A city visited for a summit is the venue of a gathering, not a host."""
    destinations = [c for c in actors.destinations if not (multilateral and c in actors.city_destinations)]
    hosts = list(dict.fromkeys(destinations or ([] if multilateral else [c for c, _ in actors.venues])))
    visitors = [c for c in actors.countries if c not in hosts and c not in actors.destinations]
    return Sides(tuple(visitors), tuple(hosts), directed=True)


class Discourse:
    """What earlier sentences of one article said, for later sentences that refer back to it: the pair of
    countries last seen acting together ("the two sides signed …") and the country whose trade statistics
    the article gives ("Trade with Kazakhstan amounted to …")."""

    def __init__(self) -> None:
        self.pair: list[str] = []
        self.trade_owner: str | None = None

    def complete(self, actors: SentenceActors, triggers: Iterable[str], bloc_summit: bool) -> None:
        """Fill in a sentence's countries from the pair it refers back to, or remember its pair."""
        text = span_text(actors.sentence)
        if len(actors.countries) == 2 and not bloc_summit:
            self.pair = list(actors.countries)
        elif (not actors.countries and self.pair and _TWO_SIDES.search(text)) or (
            len(actors.countries) == 1
            and actors.countries[0] in self.pair
            and (_BILATERAL.search(text) or _TWO_SIDES.search(text))
        ):
            actors.countries = list(self.pair)
        elif (
            not actors.countries
            and self.pair
            and _SIGNED_AFTER.search(text)
            and ({"AgreementSigning", "Ratification"} & set(triggers))
        ):
            actors.countries = list(self.pair)  # "Following the talks, 12 documents were signed."

    def note_trade(self, actors: SentenceActors, owner: str | None) -> None:
        """Remember whose trade the article reports: the reporting side of a trade report, or the country
        of "Uzbekistan's foreign trade turnover"."""
        if owner is not None:
            self.trade_owner = owner
        elif len(actors.countries) == 1 and _TRADE_OWNER.search(span_text(actors.sentence)):
            self.trade_owner = actors.countries[0]


# -- where a mention sits in the parse ---------------------------------------------------------------
def governing_preposition(span: Span) -> str | None:
    """The preposition a mention is the object of; every member of "in Ghana, Malawi and Tanzania" has "in"."""
    root = span.root
    for _ in range(6):
        if root.dep_ != "conj" or root.head.i == root.i:
            break
        root = root.head
    if root is not span.root and root.dep_ == "pobj" and root.head.pos_ == "ADP":
        return root.head.lower_
    head = span.root.head
    if span.root.dep_ == "pobj" and head.pos_ == "ADP":
        return head.lower_
    if span.root.dep_ in ("compound", "amod") and head.dep_ == "pobj" and head.lower_ not in PLACE_NOUNS:
        return None  # "in China Cooperation", "at the Kazakhstan-France Forum": it names what, not where
    previous = span.doc[span.start - 1] if span.start > sentence_start(span) else None
    return previous.lower_ if previous is not None and previous.pos_ == "ADP" else None


def _verb_of(trigger: Token) -> tuple[Token, list[Token]] | None:
    """The verb a meeting word belongs to, and the words between them: "held *talks*", "accepted the letters
    of *credence*", "during the *meeting* with Macron, Tokayev said"; None when no verb governs it."""
    token = trigger
    chain: list[Token] = []
    while token.pos_ not in ("VERB", "AUX"):
        head = token.head
        if (
            head.i == token.i
            or len(chain) >= 4
            or ((chain or head.pos_ not in ("VERB", "AUX")) and (token.dep_ not in _NOUN_LINKS))
        ):
            return None  # only the meeting word itself may hang from its verb by any relation
        chain.append(token)
        token = head
    return token, chain


def _counterpart(token: Token, owners: list[Token]) -> bool:
    """The path from a mention up to the meeting verb or noun passes only counterpart prepositions and no
    other verb: "with the ambassadors of Japan", not "on relations with Japan" or "Xi, who visited Japan"."""
    stops = {owner.i for owner in owners}
    for _ in range(12):
        if token.i in stops:
            return True
        head = token.head
        if head.i == token.i:
            return False
        if token.dep_ in ("prep", "agent") and token.lower_ not in COUNTERPART_PREPOSITIONS:
            return False
        if head.i not in stops and head.pos_ in ("VERB", "AUX"):
            return False
        token = head
    return False


def _goods_of(span: Span, trigger: Token) -> bool:
    """A demonym inside the "of" phrase of a trade word: "imports of *Russian* petrol"."""
    head = span.root.head
    return head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.i == trigger.i


def _demonym_place(span: Span) -> bool:
    """ "in the Kazakh capital", "at the Georgian border": the demonym modifies a place after "in"/"at"."""
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
    """ "in Abu Dhabi, United Arab Emirates": a country after its city only says where."""
    comma = span.start - 1
    return (
        comma > sentence_start(span)
        and span.doc[comma].text == ","
        and any(kind == "city" and other.end == comma for other, _, kind in mentions.country_spans)
    )


def _after_travel(span: Span) -> bool:
    """A travel word shortly before the "to" phrase: "visit to France", "will travel to Samarkand"."""
    window = span.doc[max(sentence_start(span), span.start - 6) : span.start]
    return any(t.lemma_.lower() in TRAVEL_LEMMAS for t in window)


def _signing_subject(span: Span) -> bool:
    """The organisation is (part of) the subject of "sign"/"ink"."""
    token = span.root
    while token.dep_ in ("conj", "appos", "compound", "amod") and token.head.i != token.i:
        token = token.head
    return token.dep_ in _SUBJECTS and token.head.lemma_.lower() in SIGNING_VERBS
