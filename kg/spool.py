"""Give `kg ingest` its input as something it can read twice, without fetching or extracting a page twice.

Ingest reads its input in two passes (validate everything, then process), so a
bad record stops it before the first write. Seed-format and JSONL files are
cheap to read again. Web pages, feeds, sitemaps, saved pages and WARC archives
are not — reading them means fetching (politely, with delays) and running
trafilatura — so their articles are read once into a spool file on disk (one
pickled `Article` after another; memory holds one at a time) and both passes
read the spool.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.config import Settings
from kg.readers import Article, ReadReport, check_inputs, iter_articles, plan

#: Input kinds that are cheap and deterministic to read again.
REREADABLE = frozenset({"seed", "jsonl"})


@contextmanager
def articles_of(
    inputs: Iterable[str], settings: Settings
) -> Iterator[tuple[Callable[[], Iterator[Article]], ReadReport]]:
    """(a callable giving a fresh iterator over the articles, the report of what was skipped).

    Raises `InputError` before yielding when local input is bad.
    """
    inputs = list(inputs)
    check_inputs(inputs, settings)
    report = ReadReport()
    if all(item.kind in REREADABLE for item in plan(inputs)):
        reports = iter([report])  # skips and warnings are counted by the first pass only

        def again() -> Iterator[Article]:
            return iter_articles(inputs, settings, next(reports, ReadReport()))

        yield again, report
        return
    with tempfile.TemporaryDirectory(prefix="kg-spool-") as directory:
        spool = Path(directory) / "articles.pickle"
        with spool.open("wb") as handle:
            for article in iter_articles(inputs, settings, report):
                pickle.dump(article, handle, protocol=pickle.HIGHEST_PROTOCOL)
        yield (lambda: _replay(spool)), report


def _replay(spool: Path) -> Iterator[Article]:
    with spool.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return
