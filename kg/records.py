"""What the NLP side hands the writer for one article: plain, picklable, cheap to send between processes.

The NLP, extraction and mapping of an article may run in another process or on
another machine (`kg.ingest`, `--processes`, `--dask`); the single writer then
needs only text. pyoxigraph terms pickle slowly (~13 µs a quad), while N-Triples
text is produced and parsed in Rust, so a record carries its article graph as
N-Triples lines and its entity contributions as (subject, predicate, object)
N-Triples terms.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg import cube
from kg.extraction import Extraction
from kg.mapping import GraphBuilder
from kg.readers import Article
from kg.tallies import Key as TallyKey
from kg.tallies import tallies as article_tallies

Triple = tuple[str, str, str]  # N-Triples terms


@dataclass(frozen=True)
class ArticleRecord:
    iri: str  # the article's IRI, also the name of its graph
    source: str  # where it was read ("file:line"), for messages
    content_hash: str  # of the input article and the pipeline that read it (see `content_hash`)
    triples: str  # the article graph, N-Triples
    quads: int
    entities: tuple[Triple, ...]  # its contribution to the entities graph
    cells: tuple[tuple[cube.Key, cube.Measures], ...]  # its contribution to the tie cube
    tallies: tuple[tuple[TallyKey, int], ...]  # its contribution to the statistics (`kg.tallies`)
    headline: str
    body: str
    counts: tuple[int, int, int, int]  # entities, events, agreements, ties found


def content_hash(article: Article, fingerprint: str) -> str:
    """Identifies an article's content as read *and* the pipeline reading it.

    An article whose hash is already in the store is skipped as unchanged; a new
    release, another model or base IRI (the fingerprint) re-reads everything.
    """
    # Only what the graph records: the same article read again from another local file is unchanged.
    origin = article.origin if article.origin and article.origin.startswith(("http://", "https://")) else None
    fields = [
        fingerprint,
        article.title,
        article.text,
        article.id,
        article.url,
        article.published.isoformat() if article.published else None,
        article.publisher,
        origin,
        article.language,
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def build_record(builder: GraphBuilder, extraction: Extraction, fingerprint: str) -> ArticleRecord:
    article = extraction.article
    iri = builder.article_iri(article)
    counts = (
        len(extraction.persons) + len(extraction.countries) + len(extraction.organizations),
        len(extraction.events),
        len(extraction.agreements),
        len(extraction.ties),
    )
    return assemble(
        article, iri, builder.article_triples(extraction, iri), builder.entity_triples(extraction), fingerprint, counts
    )


def assemble(
    article: Article,
    iri: NamedNode,
    triples: Iterable[tuple],
    entity_triples: Iterable[tuple],
    fingerprint: str,
    counts: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> ArticleRecord:
    """A record from an article's graph and entity contributions (pyoxigraph terms), with its cube cells and tallies."""
    unique = list(dict.fromkeys(triples))
    return ArticleRecord(
        iri=iri.value,
        source=article.source,
        content_hash=content_hash(article, fingerprint),
        triples="".join(f"{s} {p} {o} .\n" for s, p, o in unique),
        quads=len(unique),
        entities=tuple(dict.fromkeys((str(s), str(p), str(o)) for s, p, o in entity_triples)),
        cells=tuple(sorted(cube.contributions(unique, article.published).items())),
        tallies=tuple(sorted(article_tallies(unique).items())),
        headline=article.title,
        body=article.text,
        counts=counts,
    )
