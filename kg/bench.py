"""`kg bench`: ingest throughput and memory against bare spaCy, and the writer's own ceiling, in one run.

The corpus is generated from the seed articles by recombining their lead
sentences under fresh headlines, so it has the length and vocabulary of real
input. Every figure comes from a separate process over the same corpus file,
timed from outside, its peak RSS read from the kernel when it ends:

* bare: the plain model's single-process `nlp.pipe` over the texts (the baseline);
* ingest: the real `kg ingest` (preparation, gazetteer, extraction, mapping,
  batched all-or-nothing writes to a fresh on-disk store), with 1 and with N
  processes;
* writer: records made once, then committed in batches to a fresh store with
  no NLP at all — how many articles per second the single writer can take,
  which bounds what any number of NLP workers or a Dask cluster can achieve.

Ratios against the baseline measured in the same run are the figures to
quote; absolute numbers depend on the machine.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.resources import as_file
from pathlib import Path

from kg.config import Settings, seeds_dir
from kg.readers import Article, read_articles
from kg.records import ArticleRecord


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


def write_corpus(articles: list[Article], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps({"id": article.id, "title": article.title, "text": article.text}) + "\n")
    return path


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mib: float
    output: str


def measure(command: list[str]) -> Run:
    """Run a command to completion; wall time and the peak RSS of its largest process (the kernel's account)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


def bare_pipe(corpus: Path, model: str) -> None:
    """The baseline: the plain model's `nlp.pipe` over the corpus texts, in one process."""
    import spacy

    from kg.nlp import BATCH_SIZE

    nlp = spacy.load(model)
    with corpus.open(encoding="utf-8") as handle:
        texts = (f"{record['title']}\n\n{record['text']}" for record in map(json.loads, handle))
        for _ in nlp.pipe(texts, batch_size=BATCH_SIZE):
            pass


def run(
    size: int,
    model: str,
    runs: list[int],
    *,
    bare: bool = True,
    writer: bool = True,
    echo: Callable[[str], None] = print,
) -> None:
    """Print every figure, and ratios against the bare baseline."""
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as directory:
        root = Path(directory)
        corpus = write_corpus(generate_corpus(size), root / "corpus.jsonl")
        echo(f"corpus: {size} generated articles, {corpus.stat().st_size / 2**20:.1f} MiB of JSONL")
        baseline = None
        if bare:
            baseline = measure([sys.executable, "-m", "kg.bench", "bare", str(corpus), model])
            echo(
                f"bare nlp.pipe, 1 process:  {size / baseline.seconds:7.1f} articles/s  ({baseline.seconds:6.1f} s)"
                f"  peak RSS {baseline.peak_rss_mib:6.0f} MiB"
            )
        for count in runs:
            store = root / f"store-{count}"
            result = measure(
                [
                    sys.executable,
                    "-m",
                    "kg",
                    "ingest",
                    str(corpus),
                    "--store",
                    str(store),
                    "--model",
                    model,
                    "--processes",
                    str(count),
                    "-q",
                ]
            )
            ratio = f"  ratio to bare {baseline.seconds / result.seconds:4.2f}" if baseline else ""
            echo(
                f"kg ingest, {count} process{'es' if count > 1 else '  '}: {size / result.seconds:7.1f} articles/s"
                f"  ({result.seconds:6.1f} s)  peak RSS {result.peak_rss_mib:6.0f} MiB{ratio}"
            )
        if writer:
            ceiling(model, root / "writer", echo)


def ceiling(model: str, target: Path, echo: Callable[[str], None], size: int = 500, batches: int = 6) -> None:
    """The writer alone: real records of `size` articles, committed again and again under new ids."""
    from kg.ingest import open_writer
    from kg.pipeline import Failure, Pipeline

    settings = Settings.build(store=target, model=model)
    template = [
        record
        for record in Pipeline(settings).records(generate_corpus(size, seed=5))
        if not isinstance(record, Failure)
    ]
    articles = quads = 0
    seconds = 0.0
    with open_writer(settings) as writer:
        for number in range(batches):
            batch = [_renamed(record, f"copy{number}-") for record in template]
            started = time.perf_counter()
            result = writer.commit(batch)
            seconds += time.perf_counter() - started
            articles, quads = articles + result.new, quads + result.quads
    echo(
        f"writer alone:               {articles / seconds:7.1f} articles/s  ({quads / seconds:6.0f} quads/s, "
        f"{batches} batches of {len(template)} articles, entities, cube and search index included)"
    )


def _renamed(record: ArticleRecord, prefix: str) -> ArticleRecord:
    """The same record under another article IRI (its graph's triples follow)."""
    head, _, key = record.iri.rpartition("/")
    iri = f"{head}/{prefix}{key}"
    return replace(record, iri=iri, triples=record.triples.replace(f"<{record.iri}", f"<{iri}"))


if __name__ == "__main__" and sys.argv[1:2] == ["bare"]:
    bare_pipe(Path(sys.argv[2]), sys.argv[3])
