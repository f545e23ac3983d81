"""RFC 9110 proactive content negotiation (section 12.5.1) over a list of `Format`s.

Werkzeug's `MIMEAccept.best_match` treats `application/*` and `*/*` alike when
breaking ties and cannot express "this format answers to several media types",
so the few lines of the RFC's algorithm live here: the most specific matching
range sets a media type's quality, `q=0` excludes it, and the server's order
breaks ties.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.formats import Format

_Range = tuple[str, str, float]


def parse_accept(header: str | None) -> list[_Range]:
    """(type, subtype, q) for each media range; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [("*", "*", 1.0)]
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if "/" not in media:
            continue
        main, sub = (part.strip().lower() for part in media.split("/", 1))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((main, sub, quality))
    return ranges


def quality(media_type: str, ranges: Iterable[_Range], exact_only: bool = False) -> float:
    """The quality the client gives `media_type`: that of the most specific range matching it."""
    main, sub = media_type.split("/", 1)
    best_specificity, best_quality = -1, 0.0
    for range_main, range_sub, q in ranges:
        if range_main == main and range_sub == sub:
            specificity = 2
        elif exact_only:
            continue
        elif range_main == main and range_sub == "*":
            specificity = 1
        elif range_main == "*" and range_sub == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_quality = specificity, q
    return best_quality


def choose(accept: str | None, formats: Iterable[Format]) -> Format | None:
    """The acceptable format the client prefers most, or None (answer 406).

    Wildcards select a format by its canonical media type only; its aliases
    (`application/json`, `text/javascript`, ...) count when named exactly, so
    `text/*` means CSV or TSV rather than JSON-as-JavaScript.
    """
    ranges = parse_accept(accept)
    best, best_quality = None, 0.0
    for fmt in formats:
        q = max(
            [quality(fmt.media_type, ranges)]
            + [quality(alias, ranges, exact_only=True) for alias in fmt.media_types[1:]]
        )
        if q > best_quality:
            best, best_quality = fmt, q
    return best


def not_acceptable_message(formats: Iterable[Format]) -> str:
    offered = ", ".join(f"{fmt.media_type} (format={fmt.token})" for fmt in formats)
    return f"none of the requested media types is available; this resource is available as: {offered}"
