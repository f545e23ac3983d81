"""Read news articles from the seed text format and from JSONL.

Both readers yield `Article`s and raise `InputError` naming the file, the line
and the problem; `read_articles` reads *everything* before anything is
returned, so a bad line stops an ingest before a single quad is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

INPUT_SUFFIXES = (".txt", ".jsonl")

# Non-breaking and other Unicode spaces that news CMSs leave at line ends.
_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InputError(ValueError):
    """Bad input, located: `file:line: problem` (`file: problem` for a whole file, line 0)."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}" if line else f"{path}: {problem}")
        self.path, self.line, self.problem = str(path), line, problem


@dataclass(frozen=True)
class Article:
    """One news item as read, before any NLP."""

    title: str
    text: str
    source: str  # "file:line" of the item, for messages and provenance
    id: str | None = None
    url: str | None = None
    published: dt.date | None = None


def clean(text: str) -> str:
    """Normalise exotic spaces and line ends; keep every visible character."""
    return _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def read_articles(paths: Iterable[str | Path]) -> list[Article]:
    """Every article in the given files and directories (`.txt` and `.jsonl`), in order."""
    articles: list[Article] = []
    for path in _expand(paths):
        reader = read_jsonl if path.suffix == ".jsonl" else read_seed_text
        articles.extend(reader(path))
    return articles


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in INPUT_SUFFIXES and p.is_file())
            if not found:
                raise InputError(path, 0, "directory holds no .txt or .jsonl file")
            yield from found
        elif path.is_file():
            if path.suffix not in INPUT_SUFFIXES:
                raise InputError(path, 0, f"unsupported file type {path.suffix!r} (use .txt or .jsonl)")
            yield path
        else:
            raise InputError(path, 0, "no such file or directory")


def _decode(path: Path) -> list[str]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, line, f"not valid UTF-8 (byte 0x{data[error.start]:02x})") from error
    return clean(text).split("\n")


def read_seed_text(path: Path) -> Iterator[Article]:
    """The seed format: headline line, blank line, lead paragraph; items separated by blank lines.

    A block is a run of non-blank lines. Blocks alternate headline / body, so a
    headline is always followed by exactly one body block.
    """
    blocks: list[tuple[int, str]] = []
    start, current = 0, []
    for number, line in enumerate(_decode(path), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append((start, " ".join(current)))
            current = []
    if current:
        blocks.append((start, " ".join(current)))
    if len(blocks) % 2:
        line, headline = blocks[-1]
        raise InputError(path, line, f"headline {headline[:60]!r} has no text after it")
    for (line, title), (_, text) in zip(blocks[0::2], blocks[1::2]):
        yield Article(title=title, text=text, source=f"{path}:{line}")


def read_jsonl(path: Path) -> Iterator[Article]:
    """One JSON object a line: `title`, `text` required; `url`, `published`, `id` optional."""
    for number, line in enumerate(_decode(path), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(path, number, f"invalid JSON: {error.msg} (column {error.colno})") from error
        if not isinstance(record, dict):
            raise InputError(path, number, "expected a JSON object")
        yield _article_from_record(record, path, number)


def _article_from_record(record: dict, path: Path, number: int) -> Article:
    fields = {}
    for key in ("title", "text"):
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(path, number, f"missing or empty {key!r}")
        fields[key] = clean(value).strip()
    for key in ("url", "id"):
        value = record.get(key)
        if value is not None and not isinstance(value, (str, int)):
            raise InputError(path, number, f"{key!r} must be a string")
        fields[key] = None if value is None else str(value).strip() or None
    if fields["url"] and not re.match(r"https?://\S+$", fields["url"]):
        raise InputError(path, number, f"'url' is not an http(s) URL: {fields['url']!r}")
    return Article(**fields, published=_parse_date(record.get("published"), path, number), source=f"{path}:{number}")


def _parse_date(value: object, path: Path, number: int) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise InputError(path, number, f"'published' must be a YYYY-MM-DD date, got {value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise InputError(path, number, f"'published' is not a real date: {value!r}") from error
