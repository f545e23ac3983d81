"""Events, agreements and ties, one sentence at a time.

The component that writes: for each sentence, `kg.extract.triggers` says which event types it reports,
`kg.extract.actors` who acts in it and on which side, `kg.extract.dyads` which pairs of countries interact;
this module writes the `Event`s and `Agreement`s (with CAMEO code, Goldstein score, date, amounts and
evidence), then `kg.extract.merging` folds reports of the same act together and the ties are read off the
merged events and agreements.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left

from spacy.tokens import Doc, Token

from kg.extract.actors import ActorFinder, Discourse, SentenceActors, aid_sides, visit_sides
from kg.extract.agreements import SECTOR_PATTERN, agreement_count, further_signings, same_agreement
from kg.extract.cameo import GOLDSTEIN, cameo_code
from kg.extract.dates import find_date
from kg.extract.dyads import Reported, Sides, event_dyads, ties
from kg.extract.lexicon import PHONE_CUES
from kg.extract.mentions import Mentions
from kg.extract.merging import merge
from kg.extract.money import find_amounts
from kg.extract.sentences import sentences, span_text
from kg.extract.triggers import after_publication, find_triggers, first_of_each, is_intended, trigger_positions
from kg.extraction import Agreement, Event, Evidence, Tie
from kg.gazetteer import Gazetteer
from kg.readers import Article

#: Event types that exist without any country (a festival, an election, a summit of a bloc).
_COUNTRYLESS = frozenset({"Election", "Cultural", "Award", "Summit"})
_SIGNINGS = frozenset({"AgreementSigning", "Ratification"})


@dataclasses.dataclass
class _Sentence:
    """One sentence being written: its actors, every trigger it holds, and the first of each event type."""

    actors: SentenceActors
    matches: list[tuple[str, Token]]
    triggers: dict[str, Token]

    @property
    def multilateral(self) -> bool:
        return "Summit" in self.triggers


class EventExtractor:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.find_actors = ActorFinder(gazetteer)

    def __call__(
        self, doc: Doc, mentions: Mentions, article: Article
    ) -> tuple[list[Event], list[Agreement], list[Tie]]:
        reported: list[Reported] = []
        agreements: list[Agreement] = []
        discourse = Discourse()
        inside_names = {i for span, _ in mentions.organization_spans for i in range(span.start, span.end)}
        positions = trigger_positions(doc, inside_names)
        for span in sentences(doc):
            here = positions[bisect_left(positions, span.start) : bisect_left(positions, span.end)]
            matches = find_triggers(span, here)
            sentence = _Sentence(self.find_actors(span, mentions), matches, first_of_each(matches))
            discourse.complete(
                sentence.actors, sentence.triggers, sentence.multilateral and self.find_actors.has_bloc(sentence.actors)
            )
            partner_trigger = self.find_actors.partner_trigger(span)
            if partner_trigger is not None and self.find_actors.trading_partners(sentence.actors, mentions):
                sentence.triggers.setdefault("Trade", partner_trigger)  # "… Kazakhstan's largest trading partner"
            for event_type, trigger in sentence.triggers.items():
                sides = self._sides(event_type, trigger, sentence, mentions, discourse)
                if event_type == "AgreementSigning" and self._separate_signings(
                    trigger, sentence, mentions, article, reported, agreements
                ):
                    continue
                item = self._report(event_type, trigger, sentence, sides, article)
                if item is None:
                    continue
                reported.append(item)
                if event_type in _SIGNINGS and not item.event.intended:
                    self._record_agreement(item, trigger, sentence, reported, agreements)
        merged, agreements = merge(reported, agreements)
        return [item.event for item in merged], agreements, ties(merged, agreements)

    # -- sides ----------------------------------------------------------------------------------
    def _sides(
        self, event_type: str, trigger: Token, sentence: _Sentence, mentions: Mentions, discourse: Discourse
    ) -> list[Sides]:
        actors, find = sentence.actors, self.find_actors
        if event_type == "Meeting":
            return find.meeting_sides((token for t, token in sentence.matches if t == "Meeting"), mentions)
        if event_type == "Visit":
            return [visit_sides(actors, sentence.multilateral)]
        if event_type == "Aid":
            return [aid_sides(actors, mentions)]
        if event_type == "Trade":
            sides, owner = find.trade_sides(trigger, actors, mentions, discourse.trade_owner)
            discourse.note_trade(actors, owner)
            return sides
        if event_type == "Summit":
            return find.gathering_sides(trigger, actors, mentions)
        if event_type in _SIGNINGS:
            return find.signing_sides(trigger, mentions)
        return []

    # -- events ---------------------------------------------------------------------------------
    def _report(
        self, event_type: str, trigger: Token, sentence: _Sentence, sides: list[Sides], article: Article
    ) -> Reported | None:
        """The event a trigger reports, with its dyads; None when it has no actor at all."""
        actors = sentence.actors
        countries = list(actors.countries)
        if event_type == "Visit" and not countries and actors.place_countries:
            countries = actors.place_countries[:1]
        if event_type == "Summit" or (event_type == "Visit" and sentence.multilateral):
            # "will travel to Samarkand for a meeting with the leaders of five countries": the venue hosts
            countries = [c for c in countries if c not in actors.city_destinations]
        if event_type == "Summit" and len(countries) == 2 and self.find_actors.has_bloc(actors):
            # "SCO leaders gathered in the Kazakh capital for a summit that admitted Belarus": a bloc's summit
            # is not an event of the two countries named in it
            countries = []
        countries = list(dict.fromkeys(countries + [c for s in sides if s for c in (*s.sources, *s.targets)]))
        if not countries and not actors.persons and not actors.organizations and event_type not in _COUNTRYLESS:
            return None
        event = _event(event_type, trigger, actors, countries, article)
        if event_type == "Visit":
            visit = sides[0]
            hosts = visit.targets if visit else tuple(actors.destinations)
            event.hosts = [f"country:{c}" for c in hosts]
            event.visitors = [f"country:{c}" for c in countries if c not in hosts] if hosts else []
        if event_type == "Aid":
            event.donors = [f"country:{c}" for c in sides[0].sources]
            event.recipients = [f"country:{c}" for c in sides[0].targets]
        return Reported(event, event_dyads(event_type, countries, sides))

    def _separate_signings(
        self,
        trigger: Token,
        sentence: _Sentence,
        mentions: Mentions,
        article: Article,
        reported: list[Reported],
        agreements: list[Agreement],
    ) -> bool:
        """ "Spain has signed similar treaties with Portugal in 2019 and with Morocco in 2021": one agreement
        per partner, each its own signing; True when the sentence was written so."""
        if len(sentence.actors.countries) <= 2:
            return False
        groups = self.find_actors.signing_groups(trigger, mentions)
        if not groups:
            return False
        for pair in groups:
            alone = dataclasses.replace(sentence, actors=dataclasses.replace(sentence.actors, countries=pair))
            item = self._report("AgreementSigning", trigger, alone, [], article)
            if item is None:
                continue
            reported.append(item)
            if not item.event.intended:
                agreements.append(dataclasses.replace(_agreement(alone.actors, item.event), count=1))
                item.event.agreement = len(agreements) - 1
        return True

    @staticmethod
    def _record_agreement(
        item: Reported, trigger: Token, sentence: _Sentence, reported: list[Reported], agreements: list[Agreement]
    ) -> None:
        """The agreement a signing or ratification acts on: a new one, or one reported earlier ("ratified the
        document"); a second signing verb of the sentence with its own count is a further agreement."""
        event = item.event
        agreement = _agreement(sentence.actors, event)
        if trigger.lemma_.lower() == "exchange":
            agreement.count = agreement.count or 1  # "exchanged notes on a loan"
        earlier = same_agreement(agreement, agreements, sentence.actors.sentence)
        if earlier is not None:
            event.agreement = earlier
            return
        agreements.append(agreement)
        event.agreement = len(agreements) - 1
        if event.type != "AgreementSigning":
            return
        for extra in further_signings(sentence.actors.sentence, trigger, agreement):
            agreements.append(extra)  # after the first, so the text's order is kept
            reported.append(Reported(dataclasses.replace(event, agreement=len(agreements) - 1), list(item.dyads)))


def _event(event_type: str, trigger: Token, actors: SentenceActors, countries: list[str], article: Article) -> Event:
    intended = is_intended(trigger)
    text = span_text(actors.sentence)
    date = find_date(text, article.published, future=intended)
    intended = intended or after_publication(date, article.published)
    lowered = text.lower()
    cameo = cameo_code(
        event_type,
        intended=intended,
        humanitarian="humanitarian" in lowered,
        by_phone=any(w in lowered for w in PHONE_CUES),
    )
    return Event(
        type=event_type,
        countries=countries,
        persons=actors.persons,
        organizations=actors.organizations,
        date=date,
        place=actors.place[0] if actors.place else None,
        place_country=actors.place[1] if actors.place else None,
        amounts=[a for _, _, a in find_amounts(text)] if event_type in ("Aid", "Trade") else [],
        cameo=cameo,
        goldstein=GOLDSTEIN.get(cameo) if cameo else None,
        intended=intended,
        evidence=Evidence(actors.sentence.start_char, actors.sentence.end_char),
        confidence=_confidence(trigger, actors),
    )


def _confidence(trigger: Token, actors: SentenceActors) -> float:
    """A verb trigger, an acting country and a named person each make the reading more certain."""
    score = 0.5 + 0.2 * (trigger.pos_ == "VERB") + 0.1 * bool(actors.countries) + 0.1 * bool(actors.persons)
    return min(score, 0.95)


def _agreement(actors: SentenceActors, event: Event) -> Agreement:
    text = span_text(actors.sentence)
    return Agreement(
        parties=list(event.countries),
        organizations=list(actors.organizations) if not event.countries else [],
        count=agreement_count(actors.sentence),
        amounts=[a for _, _, a in find_amounts(text)],
        sectors=list(
            dict.fromkeys(m.group(1).lower() if m.group(1) != "IT" else "IT" for m in SECTOR_PATTERN.finditer(text))
        ),
        evidence=event.evidence,
        confidence=event.confidence,
    )
