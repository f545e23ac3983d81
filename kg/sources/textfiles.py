"""The two text formats users write by hand: the seed format and JSONL.

Everything is checked here, at read time and before any NLP, with `file:line`:
an item that would crash the IRI mapping after a long NLP run (a URL with `|`,
a lone surrogate) or be silently misread (a seed item whose blank line is
missing, `"id": true`) stops the ingest at once. Files are read a line at a
time with a cap on the line (and seed item) size, so a 50 MB line is an error
found without holding it in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.config import IngestSettings
from kg.sources.record import Article, InputError, clean, surrogate_problem, url_problem

# A line ending a sentence: final punctuation, possibly inside closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_lines(path: Path, max_bytes: int) -> Iterator[tuple[int, str]]:
    """Numbered, decoded, cleaned lines of a UTF-8 file, none longer than `max_bytes` bytes.

    A lone CR ends a line too (old Mac files), and numbering follows it.
    """
    number = 0
    with open(path, "rb") as handle:
        while raw := handle.readline(max_bytes + 1):
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                raise InputError(
                    path,
                    number + 1,
                    f"line is longer than {max_bytes:,} bytes (the limit that keeps reading bounded in memory)",
                )
            try:
                text = raw.decode("utf-8-sig" if number == 0 else "utf-8")
            except UnicodeDecodeError as error:
                raise InputError(path, number + 1, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})") from error
            text = clean(text)
            for piece in (text[:-1] if text.endswith("\n") else text).split("\n"):
                number += 1
                yield number, piece


def read_seed_text(path: Path, limits: IngestSettings = IngestSettings()) -> Iterator[Article]:
    """The seed format: headline line, blank line, lead paragraph; items separated by blank lines.

    A block is a run of non-blank lines, and blocks alternate headline / lead.
    A missing blank line shifts that pairing for the rest of the file, so
    each pair is checked for the signs of a shift: a headline on two lines,
    a lead whose last line is a headline of its own, or a "headline" that
    reads like a lead followed by "text" that reads like a headline.
    """
    max_title_chars = limits.max_title_chars
    pending: tuple[int, list[str]] | None = None
    for start, lines in _blocks(path, limits.max_record_bytes):
        if pending is None:
            if len(lines) > 1:
                raise InputError(
                    path,
                    start + 1,
                    "a headline is one line, followed by a blank line: is the blank line "
                    "after the headline above missing?",
                )
            if len(lines[0]) > max_title_chars:
                raise InputError(
                    path,
                    start,
                    f"headline is {len(lines[0]):,} characters (at most {max_title_chars}): is a blank line missing?",
                )
            pending = (start, lines)
            continue
        (line, (title,)), pending = pending, None
        _check_pairing(path, line, title, start, lines)
        yield Article(title=title, text=" ".join(lines), source=f"{path}:{line}", origin=str(path))
    if pending is not None:
        line, (title,) = pending
        raise InputError(path, line, f"headline {title[:60]!r} has no text after it")


def _blocks(path: Path, max_bytes: int) -> Iterator[tuple[int, list[str]]]:
    start, size = 0, 0
    lines: list[str] = []
    for number, line in read_lines(path, max_bytes):
        if line.strip():
            if not lines:
                start, size = number, 0
            lines.append(line.strip())
            size += len(line.encode())
            if size > max_bytes:
                raise InputError(
                    path,
                    start,
                    f"item is longer than {max_bytes:,} bytes (the limit that keeps reading bounded in memory)",
                )
        elif lines:
            yield start, lines
            lines = []
    if lines:
        yield start, lines


def _check_pairing(path: Path, title_line: int, title: str, start: int, lines: list[str]) -> None:
    last = lines[-1]
    if len(lines) > 1 and _SENTENCE_END.search(lines[-2]) and not _SENTENCE_END.search(last):
        raise InputError(
            path,
            start + len(lines) - 1,
            f"{last[:60]!r} reads like the next headline run into this text: is a blank line missing before it?",
        )
    if len(lines) == 1 and _SENTENCE_END.search(title) and not _SENTENCE_END.search(last) and len(last) < len(title):
        raise InputError(
            path,
            title_line,
            f"headline {title[:60]!r} reads like a lead and its text {last[:60]!r} "
            "like a headline: is a blank line missing in an item above?",
        )


def read_jsonl(path: Path, limits: IngestSettings = IngestSettings()) -> Iterator[Article]:
    """One JSON object a line: `title`, `text` required; `url`, `published`, `id`, `publisher` optional."""
    for number, line in read_lines(path, limits.max_record_bytes):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(path, number, f"invalid JSON: {error.msg} (column {error.colno})") from error
        except RecursionError as error:
            raise InputError(path, number, "invalid JSON: nested too deeply") from error
        except ValueError as error:  # e.g. an integer of more digits than Python converts
            raise InputError(path, number, f"invalid JSON: {error}") from error
        if not isinstance(record, dict):
            raise InputError(path, number, "expected a JSON object")
        yield _article_from_record(record, path, number, limits.max_title_chars)


def _article_from_record(record: dict, path: Path, number: int, max_title_chars: int) -> Article:
    def fail(problem: str) -> InputError:
        return InputError(path, number, problem)

    def required(key: str) -> str:
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"missing or empty {key!r}")
        return clean(value).strip()

    def optional(key: str) -> str | None:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(f"{key!r} must be a string, not {type(value).__name__}")
        return value.strip() or None if value is not None else None

    title, text = required("title"), required("text")
    title = " ".join(title.split())  # a headline is one line
    if len(title) > max_title_chars:
        raise fail(f"'title' is {len(title):,} characters (at most {max_title_chars})")
    identifier = _identifier(record.get("id"), fail)
    url, publisher = optional("url"), optional("publisher")
    for key, value in (("title", title), ("text", text), ("id", identifier), ("url", url), ("publisher", publisher)):
        if value is not None and (problem := surrogate_problem(value)):
            raise fail(f"{key!r} {problem}")
    if url and (problem := url_problem(url)):
        raise fail(f"'url' {problem}: {url!r}")
    return Article(
        title=title,
        text=text,
        id=identifier,
        url=url,
        publisher=publisher,
        published=_parse_date(record.get("published"), fail),
        source=f"{path}:{number}",
        origin=str(path),
    )


Fail = Callable[[str], InputError]


def _identifier(value: object, fail: Fail) -> str | None:
    """A string id as written; a JSON integer as its digits (numeric keys are common in exports).

    Booleans, floats (is 1.0 the id "1"?), objects and arrays are errors: an id
    is a name, and `true` turned into "True" named nothing the user wrote.
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise fail(f"'id' must be a string (or an integer), not {json.dumps(value)[:40]}")
    return value.strip() or None


def _parse_date(value: object, fail: Fail) -> dt.date | None:
    """`YYYY-MM-DD`, or an RFC 3339 timestamp whose date (as written) is kept."""
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else ""
    if not _DATE.match(text):
        raise fail(f"'published' must be a YYYY-MM-DD date, got {value!r}")
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text).date()
    except ValueError as error:
        raise fail(f"'published' is not a real date: {value!r}") from error
