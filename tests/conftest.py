"""Shared fixtures: one spaCy pipeline per test session, stores in temporary directories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.triplestores import RunningStore, oxigraph_server, virtuoso_server
from kg.config import Settings
from kg.extract import Extractor
from kg.ingest import ingest
from kg.pipeline import Pipeline
from kg.readers import Article, read_articles
from kg.text import prepare

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).parent.parent / "seeds"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The real pipeline (spaCy model + gazetteer), loaded once: loading takes seconds."""
    pipeline = Pipeline(Settings(store=Path("unused")))
    pipeline.nlp  # noqa: B018 - load now, not inside the first test
    return pipeline


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Path:
    """A store holding the 50 seed articles; read-only for the tests that share it."""
    path = tmp_path_factory.mktemp("seeds") / "store"
    ingest(read_articles([SEEDS]), Settings.build(store=path), pipeline=pipeline)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item (`item.rep_call`), so fixtures can act on failures.

    `tests/browser.py` uses it to save a screenshot of the page when a browser test fails.
    """
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def extract(pipeline):
    """Extract one article with a fresh extractor, so no test sees another's corpus memory."""

    def run(title: str, text: str, published: dt.date | None = None):
        article = Article(title=title, text=text, source="test:1", published=published)
        prepared = prepare(article, pipeline.gazetteer.name_words)
        return Extractor(pipeline.gazetteer)(article, prepared, pipeline.nlp(prepared.nlp_text))

    return run


@pytest.fixture(scope="session")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStore]:
    """An Oxigraph server for the session (see `tests/fixtures/triplestores.py`)."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


@pytest.fixture(scope="session")
def virtuoso_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStore]:
    """A Virtuoso server for the session, installed with apt-get if need be."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store


@pytest.fixture(params=["oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def remote_store(request: pytest.FixtureRequest) -> RunningStore:
    """Each real remote store in turn, emptied for the test."""
    store: RunningStore = request.getfixturevalue(f"{request.param}_store")
    store.clear()
    return store
