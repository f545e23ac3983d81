"""`kg bench`: whole-pipeline ingest throughput against bare spaCy, in one run.

The corpus is generated from the seed articles by recombining their lead
sentences under fresh headlines, so it has the length and vocabulary of real
input. Both passes see exactly the same texts: first bare `nlp.pipe` of the
plain model, then the whole pipeline (preparation, gazetteer, extraction,
mapping and one transactional write to a fresh on-disk store). The ratio of
the two throughputs is the figure that matters; the absolute numbers depend on
the machine.
"""

from __future__ import annotations

import random
import resource
from importlib.resources import as_file
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from kg.config import Settings, seeds_dir
from kg.nlp import BATCH_SIZE
from kg.pipeline import Pipeline
from kg.readers import Article, read_articles
from kg.store import KnowledgeStore


def generate_corpus(size: int, seed: int = 7) -> list[Article]:
    """`size` articles mixing the seeds' headlines and lead paragraphs."""
    with as_file(seeds_dir()) as folder:
        seeds = read_articles([folder])
    rng = random.Random(seed)
    corpus = []
    for number in range(size):
        head, *others = rng.sample(seeds, 3)
        text = " ".join(article.text.rstrip(".") + "." for article in (head, *others))
        corpus.append(Article(title=head.title, text=text, source=f"generated:{number}", id=f"bench-{number}"))
    return corpus


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, model: str, echo: Callable[[str], None] = print) -> float:
    """Print the figures and return the throughput ratio (pipeline ÷ bare spaCy)."""
    corpus = generate_corpus(size)
    texts = [f"{a.title}\n\n{a.text}" for a in corpus]
    tokens = sum(len(t.split()) for t in texts)
    echo(f"corpus: {size} generated articles, ~{tokens} words")

    bare = spacy.load(model)
    started = time.perf_counter()
    for _ in bare.pipe(texts, batch_size=BATCH_SIZE):
        pass
    bare_seconds = time.perf_counter() - started
    del bare
    echo(f"bare nlp.pipe:   {size / bare_seconds:8.1f} articles/s  ({bare_seconds:.1f} s)"
         f"  peak RSS {_peak_rss_mib():.0f} MiB")

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as directory:
        settings = Settings(store=Path(directory) / "store", model=model)
        pipeline = Pipeline(settings)
        pipeline.nlp  # load outside the timed section, like the bare model above  # noqa: B018
        started = time.perf_counter()
        with KnowledgeStore(settings.store) as store:
            summary = pipeline.ingest(corpus, store)
        pipeline_seconds = time.perf_counter() - started
    ratio = bare_seconds / pipeline_seconds
    echo(f"whole pipeline:  {size / pipeline_seconds:8.1f} articles/s  ({pipeline_seconds:.1f} s)"
         f"  peak RSS {_peak_rss_mib():.0f} MiB  [{summary}]")
    echo(f"throughput ratio (pipeline / bare nlp.pipe): {ratio:.2f}  (target >= 0.80)")
    return ratio
