"""One article in, one `ArticleRecord` out: prepare → `nlp.pipe` → extract → map.

A `Pipeline` is the expensive part of ingest (the spaCy model, the gazetteer
patterns) and is loaded once per process: in the ingesting process, in each
`--processes` worker, or in each Dask worker (`kg.ingest`). It holds no state
between articles, so an article gives the same record whichever process reads
it and whatever was read before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version

from spacy.language import Language
from spacy.tokens import Doc

from kg.config import Settings
from kg.extract import Extractor
from kg.extraction import Extraction
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.mapping import GraphBuilder
from kg.nlp import BATCH_SIZE, build_pipeline
from kg.readers import Article
from kg.records import ArticleRecord, build_record
from kg.text import PreparedText, prepare


@dataclass(frozen=True)
class Failure:
    """An article the rules could not process; ingest reports it by name and goes on."""

    source: str
    error: str


class Pipeline:
    """The NLP pipeline and graph builder for one configuration; load once, run many times."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.gazetteer: Gazetteer = load_gazetteer()
        self.builder = GraphBuilder(settings.base_iri, self.gazetteer)

    @cached_property
    def nlp(self) -> Language:
        return build_pipeline(self.settings.model)

    @cached_property
    def extractor(self) -> Extractor:
        return Extractor(self.gazetteer)

    @cached_property
    def fingerprint(self) -> str:
        """What else an article's graph depends on: this release, the model and the base IRI."""
        return fingerprint(self.settings)

    def _parsed(self, articles: Iterable[Article]) -> Iterator[tuple[Article, PreparedText, Doc]]:
        prepared = ((article, prepare(article, self.gazetteer.name_words)) for article in articles)
        pairs = ((text.nlp_text, (article, text)) for article, text in prepared)
        for doc, (article, text) in self.nlp.pipe(pairs, as_tuples=True, batch_size=BATCH_SIZE):
            yield article, text, doc

    def extract(self, articles: Iterable[Article]) -> Iterator[Extraction]:
        """Extractions in input order."""
        for article, text, doc in self._parsed(articles):
            yield self.extractor(article, text, doc)

    def records(self, articles: Iterable[Article]) -> Iterator[ArticleRecord | Failure]:
        """One record per article, in input order; an article whose rules fail becomes a `Failure`."""
        for article, text, doc in self._parsed(articles):
            try:
                yield build_record(self.builder, self.extractor(article, text, doc), self.fingerprint)
            except Exception as error:  # a rule's bug must not lose the other articles of the run
                yield Failure(article.source, f"{type(error).__name__}: {error}")


def fingerprint(settings: Settings) -> str:
    try:
        release = version("astana-kg")
    except PackageNotFoundError:
        release = "unknown"
    return f"astana-kg {release}; model {settings.model}; base {settings.base_iri}"
