"""From a parsed spaCy `Doc` to an `Extraction`: mentions, roles, events, agreements."""

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
        events, agreements = self.events(doc, mentions, article)
        return Extraction(
            article=article,
            text=text,
            persons=mentions.persons,
            countries=mentions.countries,
            organizations=mentions.organizations,
            events=events,
            agreements=agreements,
        )
