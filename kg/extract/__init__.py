"""From a parsed spaCy `Doc` to an `Extraction`: mentions, roles, events, agreements and their ties.

The parts, each a module of small functions: `mentions` (persons, countries, organisations, over `spans`),
`roles` (offices), `triggers` (which sentences report which event type), `actors` (who acts, on which
side), `dyads` (which pairs of countries interact), `merging` (one event across sentences), `agreements`
(what was signed), and `events`, which writes them; `lexicon` holds every word list they use.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.events import EventExtractor
from kg.extract.mentions import MentionExtractor
from kg.extract.roles import assign_roles
from kg.extraction import Extraction
from kg.gazetteer import Gazetteer
from kg.readers import Article
from kg.text import PreparedText


class Extractor:
    """Runs the rule families in order over a parsed article."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.mentions = MentionExtractor(gazetteer)
        self.events = EventExtractor(gazetteer)

    def __call__(self, article: Article, text: PreparedText, doc: Doc) -> Extraction:
        mentions = self.mentions(doc, text.dateline)
        assign_roles(doc, mentions)
        events, agreements, ties = self.events(doc, mentions, article)
        return Extraction(
            article=article,
            text=text,
            persons=mentions.persons,
            countries=mentions.countries,
            organizations=mentions.organizations,
            events=events,
            agreements=agreements,
            ties=ties,
        )
