"""Which ties an export holds: the canned queries' filters (country, since, until, type), checked once.

The CLI and the HTTP endpoints both build a `Selection` with `Selection.parse`,
so a bad value is the same clear message everywhere (a usage error on the
command line, a 400 over HTTP) before any query runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg.eventdata.codes import tables
from kg.vocab import EVENT_TYPES

#: The values of `akg:tieType`: an event's class, or "Agreement" for the ties of an agreement.
TIE_TYPES = (*EVENT_TYPES, "Agreement")


class SelectionError(ValueError):
    """A filter value that is not valid; the message says which and why."""


@dataclass(frozen=True)
class Selection:
    country: str | None = None  # ISO 3166-1 alpha-2: ties with this country on either side
    since: dt.date | None = None  # first event day kept (see `kg.eventdata.ties.event_day`)
    until: dt.date | None = None  # last event day kept
    type: str | None = None  # one of TIE_TYPES

    @classmethod
    def parse(
        cls, country: str | None = None, since: str | None = None, until: str | None = None, type: str | None = None
    ) -> Selection:  # `type`: the canned queries' parameter name
        """A selection from raw strings (empty means not given); `SelectionError` on a bad value."""
        code = (country or "").strip().upper() or None
        if code is not None and code not in tables().countries:
            raise SelectionError(f"country must be an ISO 3166-1 alpha-2 code such as KZ, not {country!r}")
        kind = (type or "").strip() or None
        if kind is not None and kind not in TIE_TYPES:
            raise SelectionError(f"type must be one of {', '.join(TIE_TYPES)}, not {type!r}")
        first, last = _date("since", since), _date("until", until)
        if first and last and first > last:
            raise SelectionError(f"since ({first}) is after until ({last})")
        return cls(code, first, last, kind)


def _date(name: str, raw: str | None) -> dt.date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SelectionError(f"{name} must be a date as YYYY-MM-DD, not {raw!r}") from None
