"""Time the reader-side work on long articles: reading a JSONL line, splitting, text preparation.

    python tests/bench/bench_text.py [--pipeline]

Prints, for articles of 200k, 400k and 900k characters and for a huge
(220 KB) headline: the time to read and validate the record, to split it by
`--max-chars` (200,000), and to prepare the text of every part for spaCy
(`kg.text.prepare`, which was quadratic before). `--pipeline` adds spaCy
and the extraction rules on the parts (no store), which dominate.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kg.config import Settings
from kg.readers import Article, InputError, ReadReport, iter_articles
from kg.text import prepare

SENTENCES = [
    "Kazakh President Kassym-Jomart Tokayev met Japanese Prime Minister Fumio Kishida in Astana on Monday.",
    "The two leaders discussed cooperation in critical minerals, transport and investment, Akorda said.",
    "Trade between Kazakhstan and Japan grew by a third last year, according to the Bureau of National Statistics.",
    "Officials from the Asian Development Bank attended the signing of two memorandums in the capital.",
    "The Trans-Caspian International Transport Route will carry more containers between China and Europe.",
]


def article_text(size: int, rng: random.Random) -> str:
    paragraphs, length = [], 0
    while length < size:
        paragraph = " ".join(rng.choice(SENTENCES) for _ in range(5))
        paragraphs.append(paragraph)
        length += len(paragraph) + 1
    return "\n".join(paragraphs)[:size]


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pipeline", action="store_true", help="also run spaCy and the rules on the parts")
    args = parser.parse_args()
    settings = Settings()
    pipeline = None
    if args.pipeline:
        from kg.pipeline import Pipeline

        pipeline = Pipeline(settings)
        pipeline.nlp  # noqa: B018 - load before timing
    rng = random.Random(7)
    print(
        f"{'input':<28}{'read + split':>14}{'parts':>7}{'prepare parts':>15}{'prepare unsplit':>17}"
        + (f"{'spaCy + rules':>15}" if pipeline else "")
    )
    with tempfile.TemporaryDirectory() as folder:
        warm_up = Path(folder) / "warm-up.jsonl"
        warm_up.write_text('{"title": "T", "text": "Body."}\n', encoding="utf-8")
        list(iter_articles([warm_up], settings))
        for size in (200_000, 400_000, 900_000):
            path = Path(folder) / f"a{size}.jsonl"
            record = {
                "id": f"long-{size}",
                "title": "Kazakhstan and Japan Expand Cooperation",
                "text": article_text(size, rng),
            }
            path.write_text(json.dumps(record) + "\n", encoding="utf-8")
            read, parts = timed(lambda path=path: list(iter_articles([path], settings, ReadReport())))
            prep, _ = timed(lambda parts=parts: [prepare(part) for part in parts])
            whole, _ = timed(
                lambda record=record: prepare(Article(title=record["title"], text=record["text"], source="bench"))
            )
            line = f"{f'{size:,}-character article':<28}{read:>13.3f}s{len(parts):>7}{prep:>14.3f}s{whole:>16.3f}s"
            if pipeline:
                nlp, _ = timed(lambda parts=parts: list(pipeline.extract(parts)))
                line += f"{nlp:>14.1f}s"
            print(line)
        path = Path(folder) / "headline.jsonl"
        headline = "Kazakhstan Signs Deal " * 10_000
        path.write_text(json.dumps({"title": headline, "text": "Body."}) + "\n", encoding="utf-8")
        rejected, error = timed(lambda: _error(path, settings))
        print(f"{f'{len(headline) // 1000} KB headline':<28}{rejected:>13.3f}s  rejected: {error}")
        prep, _ = timed(
            lambda: prepare(next(iter_articles([path], Settings.build(max_title_chars=len(headline)))), frozenset())
        )
        print(f"{'  (prepared anyway)':<28}{'':>14}{'':>7}{prep:>14.3f}s")


def _error(path: Path, settings: Settings) -> str:
    try:
        list(iter_articles([path], settings))
    except InputError as error:
        return error.problem
    return "accepted"


if __name__ == "__main__":
    main()
