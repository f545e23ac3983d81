"""Extraction is a pure function of one article: nothing carries over from the articles extracted before it.

Batched, parallel and resumable ingests extract an article in whatever process and after whatever other
articles; the graph must be the same. Real spaCy, one `Extractor` reused as the pipeline reuses it.
"""

from __future__ import annotations

import dataclasses

from kg.extract import Extractor
from kg.readers import Article
from kg.text import prepare

_FIRST = Article(
    title="Farm exports",
    source="test:1",
    text="ASTANA – Kazakh Deputy Agriculture Minister Daniyar Kuanyshbekov met Mongolian officials on Monday.",
)
_SECOND = Article(
    title="Grain harvest",
    source="test:2",
    text="ASTANA – Kuanyshbekov said on Tuesday that the harvest would reach 20 million tonnes, and "
    "Kazakhstan and Mongolia signed a grain agreement.",
)


def _extract(extractor: Extractor, pipeline, article: Article):
    prepared = prepare(article, pipeline.gazetteer.name_words)
    return extractor(article, prepared, pipeline.nlp(prepared.nlp_text))


def _plain(extraction) -> dict:
    """The extraction's content without the article object, comparable across runs."""
    content = dataclasses.asdict(extraction)
    content.pop("article")
    return content


def test_an_article_gives_the_same_extraction_whatever_came_before(pipeline):
    alone = _extract(Extractor(pipeline.gazetteer), pipeline, _SECOND)
    reused = Extractor(pipeline.gazetteer)
    first = _extract(reused, pipeline, _FIRST)
    after_first = _extract(reused, pipeline, _SECOND)
    assert "Daniyar Kuanyshbekov" in [p.name for p in first.persons.values()]
    assert _plain(after_first) == _plain(alone)
    # the surname alone is not resolved from the other article's full name
    assert "Daniyar Kuanyshbekov" not in [p.name for p in after_first.persons.values()]


def test_the_same_article_twice_gives_the_same_extraction(pipeline):
    extractor = Extractor(pipeline.gazetteer)
    first, again = (_extract(extractor, pipeline, _FIRST) for _ in range(2))
    assert _plain(first) == _plain(again)
