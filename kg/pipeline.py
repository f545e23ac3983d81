"""Articles in, article graphs out: read → prepare → `nlp.pipe` → extract → map → store.

The whole input is read and validated before the store is opened, and every
article graph is written in one all-or-nothing step at the end, so a failure
anywhere leaves the store exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph
from pyoxigraph import NamedNode, Quad

from kg.config import Settings, ontology_file
from kg.extract import Extractor
from kg.extraction import Extraction
from kg.gazetteer import load_gazetteer
from kg.mapping import GraphBuilder
from kg.nlp import BATCH_SIZE, build_pipeline
from kg.readers import Article
from kg.store import KnowledgeStore
from kg.text import prepare
from kg.vocab import ONTOLOGY_GRAPH

SKOLEM_PREFIX = "https://w3id.org/astana-kg/.well-known/genid/"


@dataclass
class IngestSummary:
    articles: int = 0
    entities: int = 0
    events: int = 0
    agreements: int = 0
    quads: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.articles} articles, {self.entities} entities, {self.events} events, "
                f"{self.agreements} agreements, {self.quads} quads in {self.seconds:.1f} s")


class Pipeline:
    """The NLP pipeline and graph builder for one configuration; load once, run many times."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.gazetteer = load_gazetteer()
        self.builder = GraphBuilder(settings.base_iri, self.gazetteer)

    @cached_property
    def nlp(self):
        return build_pipeline(self.settings.model)

    @cached_property
    def extractor(self) -> Extractor:
        return Extractor(self.gazetteer)

    def extract(self, articles: Iterable[Article], progress: Callable[[int], None] = lambda n: None
                ) -> Iterator[Extraction]:
        """Extractions in input order; `progress(1)` after each article."""
        prepared = ((article, prepare(article, self.gazetteer.name_words)) for article in articles)
        pairs = ((text.nlp_text, (article, text)) for article, text in prepared)
        for doc, (article, text) in self.nlp.pipe(pairs, as_tuples=True, batch_size=BATCH_SIZE):
            yield self.extractor(article, text, doc)
            progress(1)

    def graphs(self, extractions: Iterable[Extraction]) -> dict[NamedNode, list[Quad]]:
        graphs: dict[NamedNode, list[Quad]] = {}
        for extraction in extractions:
            graphs[self.builder.article_iri(extraction.article)] = self.builder.quads(extraction)
        return graphs

    def ingest(self, articles: Sequence[Article], store: KnowledgeStore,
               progress: Callable[[int], None] = lambda n: None) -> IngestSummary:
        """Extract every article, then write all their graphs (and the ontology) at once.

        Extractions are turned into quads as they come, so memory holds quads,
        not parsed documents.
        """
        started = time.perf_counter()
        summary = IngestSummary(articles=len(articles))
        graphs = self.graphs(_counted(self.extract(articles, progress), summary))
        summary.quads = sum(len(quads) for quads in graphs.values())
        graphs[NamedNode(ONTOLOGY_GRAPH)] = ontology_quads()
        store.replace_graphs(graphs)
        summary.seconds = time.perf_counter() - started
        return summary


def _counted(extractions: Iterable[Extraction], summary: IngestSummary) -> Iterator[Extraction]:
    for extraction in extractions:
        summary.entities += len(extraction.persons) + len(extraction.countries) + len(extraction.organizations)
        summary.events += len(extraction.events)
        summary.agreements += len(extraction.agreements)
        yield extraction


def ontology_quads() -> list[Quad]:
    """The OWL ontology in its own named graph, so queries can read class and property labels.

    Blank nodes (OWL unions and lists) are skolemised to IRIs numbered in
    parse order: SPARQL `INSERT DATA` would give blank nodes fresh ids on
    every load, and re-loading the ontology must write the very same quads.
    """
    graph = NamedNode(ONTOLOGY_GRAPH)
    stable: dict[pyoxigraph.BlankNode, NamedNode] = {}

    def fixed(term):
        if isinstance(term, pyoxigraph.BlankNode):
            return stable.setdefault(term, NamedNode(f"{SKOLEM_PREFIX}ontology-{len(stable)}"))
        return term

    triples = pyoxigraph.parse(ontology_file("akg.ttl").read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    return [Quad(fixed(t.subject), t.predicate, fixed(t.object), graph) for t in triples]
