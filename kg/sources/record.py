"""The record every reader yields, and the two ways reading reports trouble.

Bad *local* input (a malformed JSONL line, a seed item paired wrongly) is an
`InputError` naming `file:line`: the user can fix it, and an ingest stops
before anything is written. Items a reader has to leave out through no fault
of the input's syntax (a page in another language, a 404, a page without
article text) are *skipped*: logged by name and counted in a `ReadReport`,
never fatal, because one dead link must not stop a feed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("kg.sources")

# Non-breaking and other Unicode spaces that news CMSs leave at line ends.
_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")


class InputError(ValueError):
    """Bad input, located: `file:line: problem` (`file: problem` for a whole file, line 0)."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}" if line else f"{path}: {problem}")
        self.path, self.line, self.problem = str(path), line, problem


class Skipped(Exception):  # noqa: N818 - an expected outcome, also kept and counted as a value; not an error
    """An item left out: `reason` is short and countable ("not English", "HTTP 404"), `detail` says more."""

    def __init__(self, source: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{source}: {reason}" + (f" ({detail})" if detail else ""))
        self.source, self.reason, self.detail = source, reason, detail


@dataclass(frozen=True)
class Article:
    """One news item as read, before any NLP."""

    title: str
    text: str
    source: str  # where it was read, for messages: "file:line", "file.warc.gz#<record id>", a URL
    id: str | None = None
    url: str | None = None
    published: dt.date | None = None
    publisher: str | None = None  # the outlet's name
    origin: str | None = None  # the feed, sitemap, WARC file or page URL the article was found through
    language: str | None = None  # ISO 639-1, when detected


@dataclass
class ReadReport:
    """What reading left out or changed: each item logged with its source, counted by reason."""

    skipped: Counter[str] = field(default_factory=Counter)
    warnings: int = 0

    def skip(self, skipped: Skipped) -> None:
        self.skipped[skipped.reason] += 1
        log.warning("skipped %s", skipped)

    def warn(self, source: str, message: str) -> None:
        self.warnings += 1
        log.warning("%s: %s", source, message)

    def __str__(self) -> str:
        reasons = ", ".join(f"{count} {reason}" for reason, count in self.skipped.most_common())
        skipped = f"skipped {self.skipped.total()} ({reasons})" if self.skipped else "skipped none"
        return f"{skipped}; {self.warnings} warning{'s' * (self.warnings != 1)}"


def written_date(value: str | None) -> dt.date | None:
    """The date of a W3C/ISO 8601 or RFC 822 timestamp as written, in the writer's own time zone.

    Converting to UTC first would move an article published at 02:00 in
    Astana (UTC+5) to the previous day.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def clean(text: str) -> str:
    """Normalise exotic spaces and line ends; keep every visible character."""
    return _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


_SURROGATE = re.compile("[\ud800-\udfff]")
_HTTP_URL = re.compile(r"https?://[^/?#\s]", re.IGNORECASE)
# Characters RFC 3987 forbids in an IRI, which real URLs in feeds and pages still contain now and then.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def surrogate_problem(value: str) -> str | None:
    """Why `value` cannot be written as UTF-8 (a lone surrogate from a JSON `\\ud800` escape), or None."""
    found = _SURROGATE.search(value)
    return f"contains a lone surrogate (U+{ord(found.group()):04X}) at character {found.start() + 1}" if found else None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an article's `schema:url` (None when it can): http(s) only, and a valid IRI."""
    if problem := surrogate_problem(url):
        return problem
    if not _HTTP_URL.match(url):
        return "is not an http(s) URL"
    from pyoxigraph import NamedNode

    try:
        NamedNode(url)
    except ValueError as error:
        return f"is not a valid IRI ({error})"
    return None


def as_iri(url: str) -> str | None:
    """`url` with the characters IRIs forbid percent-encoded (as browsers do), or None if still not usable.

    For URLs found on the web, which the user cannot fix; URLs in the user's
    own files are checked with `url_problem` and reported instead.
    """
    encoded = _NOT_IN_IRI.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode()), url.strip())
    return None if url_problem(encoded) else encoded
