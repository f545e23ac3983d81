"""Sums of money as news writes them: "$1.4 billion", "857 billion tenge ($1.8 billion)",
"€500 million", "more than $300 million", "up to 50 million euros".

Regexes rather than the NER's MONEY spans, because the small model cuts spans
short ("857 billion" without "tenge") and folds qualifiers into them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kg.extract.lexicon import CURRENCY_CODES, CURRENCY_SYMBOLS, CURRENCY_WORDS, MAX_QUALIFIERS, MIN_QUALIFIERS, SCALES
from kg.extraction import Amount

_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s?(?P<scale>" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b)?"
_QUALIFIER = r"(?P<qualifier>" + "|".join(re.escape(q) for q in MIN_QUALIFIERS + MAX_QUALIFIERS) + r")?\s*"
_PREFIX = (
    r"(?P<prefix>"
    + "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
    + "|(?:"
    + "|".join(CURRENCY_CODES)
    + r")\s?)"
)
_SUFFIX = (
    r"\s(?P<suffix>"
    + "|".join(sorted((re.escape(w) for w in CURRENCY_WORDS), key=len, reverse=True))
    + "|"
    + "|".join(CURRENCY_CODES)
    + r")\b"
)

_PATTERN = re.compile(
    _QUALIFIER
    + r"(?:"
    + _PREFIX
    + r"\s?"
    + _NUMBER
    + _SCALE
    + r"|"
    + _NUMBER.replace("number", "number2")
    + _SCALE.replace("scale", "scale2")
    + _SUFFIX
    + r")",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")


def find_amounts(text: str) -> list[tuple[int, int, Amount]]:
    """Every amount in `text` with its character span, in order."""
    if not _DIGIT.search(text):
        return []  # every amount has a figure; most sentences have none
    cached = _CACHE.get(text)
    if cached is None:
        if len(_CACHE) > 512:
            _CACHE.clear()
        cached = _CACHE[text] = _find_amounts(text)
    return list(cached)


_CACHE: dict[str, tuple] = {}


def _find_amounts(text: str) -> tuple:
    found = []
    for match in _PATTERN.finditer(text):
        amount = _amount(match)
        if amount is not None:
            found.append((match.start(), match.end(), amount))
    return tuple(found)


def _amount(match: re.Match) -> Amount | None:
    groups = match.groupdict()
    number = groups["number"] or groups["number2"]
    scale = (groups["scale"] or groups["scale2"] or "").lower()
    if groups["prefix"]:
        token = groups["prefix"].strip()
        currency = CURRENCY_SYMBOLS.get(token) or token.upper()
        if scale in ("m", "b") and not groups["scale"]:
            scale = ""
    else:
        currency = CURRENCY_WORDS.get(groups["suffix"].lower()) or groups["suffix"].upper()
    currency = "CNY" if currency == "RMB" else currency
    try:
        value = Decimal(number.replace(",", "")) * SCALES.get(scale, 1)
    except InvalidOperation:
        return None
    qualifier = (groups["qualifier"] or "").lower()
    if qualifier in MIN_QUALIFIERS:
        return Amount(currency=currency, min_value=value)
    if qualifier in MAX_QUALIFIERS:
        return Amount(currency=currency, max_value=value)
    return Amount(currency=currency, value=value)
