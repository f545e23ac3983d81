"""Dates as news writes them, resolved against the publication date.

"Nov. 7", "Nov. 3-5", "Oct.31", "November 7, 2023", "7 November", "on Tuesday".
A date without a year takes the publication year (flagged as inferred), or the
year before when that would put a past event after publication; without a
publication date it stays partial (month and day). Nothing is guessed from
words that merely look like dates.
"""

from __future__ import annotations

import datetime as dt
import re

from kg.extract.lexicon import MONTHS, WEEKDAYS
from kg.extraction import PartialDate

_MONTH = (
    r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s?[-–]\s?[0-3]?\d)?"
_YEAR = r"(?:,?\s(?P<year>(?:19|20)\d\d))?"
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s?" + _DAY + r"\b" + _YEAR)
_DAY_MONTH = re.compile(r"\b" + _DAY + r"\s" + _MONTH + r"\b" + _YEAR)
_MONTH_YEAR = re.compile(r"\b(?:in\s)" + _MONTH + r"\s(?P<year>(?:19|20)\d\d)\b")
_WEEKDAY = re.compile(r"\bon\s(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def find_date(text: str, published: dt.date | None, *, future: bool = False) -> PartialDate | None:
    """The first date stated in `text` (a sentence), resolved as far as the evidence allows."""
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = pattern.search(text)
        if match:
            month = _month_number(match.group("month"))
            day = int(match.group("day"))
            if not 1 <= day <= 31:
                continue
            return _with_year(month, day, match.group("year"), published, future)
    match = _MONTH_YEAR.search(text)
    if match:
        month = _month_number(match.group("month"))
        return PartialDate(month=month, year=int(match.group("year")))
    match = _WEEKDAY.search(text)
    if match and published:
        return _weekday(match.group("weekday").lower(), published, future)
    return None


def _month_number(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _with_year(month: int, day: int, year: str | None, published: dt.date | None, future: bool) -> PartialDate:
    if year:
        return PartialDate(month=month, day=day, year=int(year))
    if published is None:
        return PartialDate(month=month, day=day)
    inferred = published.year
    # A past event dated after publication happened last year (Dec. 30 read on Jan. 3) and vice versa.
    if not future and (month, day) > (published.month, published.day) and month - published.month > 6:
        inferred -= 1
    elif future and (month, day) < (published.month, published.day) and published.month - month > 6:
        inferred += 1
    return PartialDate(month=month, day=day, year=inferred, year_inferred=True)


def _weekday(name: str, published: dt.date, future: bool) -> PartialDate:
    offset = (published.weekday() - WEEKDAYS.index(name)) % 7
    date = published + dt.timedelta(days=(7 - offset) % 7) if future else published - dt.timedelta(days=offset)
    return PartialDate(month=date.month, day=date.day, year=date.year, year_inferred=True)
