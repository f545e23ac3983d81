"""Where in an article an event was read: its sentence number, whether it is in the lead, where each actor is.

Offsets are those of the graph's evidence (`{article}#char=b,e`): positions in
the article's NIF context, `headline + "\\n\\n" + body`. The graph keeps the
evidence sentence of each event but not the sentence's number or the actors'
positions, so these are recovered from the text: sentences are counted with a
punctuation rule (the headline is sentence 1), and an actor is the first
mention, inside the evidence sentence, of the person who acted for its country
(full name or surname) or of the country's name, demonym or cities (the
gazetteer's terms).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kg.gazetteer import load_gazetteer
from kg.text import HEADLINE_SEPARATOR

# A sentence ends at . ! or ? (and closing quotes or brackets) before a space and a capital, digit or
# opening quote ("Nov. 3" and "3.5 billion" do not end one), or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+(?=\S)")


@dataclass(frozen=True)
class Found:
    offset: int  # in the article's context
    text: str  # the words found there


def sentence_number(context: str, headline_length: int, begin: int) -> int:
    """1 for the headline, then 2, 3, ... for the body's sentences, of the sentence holding `begin`."""
    body_start = headline_length + len(HEADLINE_SEPARATOR)
    if begin < body_start:
        return 1
    return 2 + len(_SENTENCE_END.findall(context, body_start, begin))


def in_lead(context: str, headline_length: int, begin: int) -> bool:
    """Whether `begin` lies in the headline or the body's first paragraph (where GDELT's root events are)."""
    body_start = headline_length + len(HEADLINE_SEPARATOR)
    paragraph_end = context.find("\n", body_start)
    return begin < (len(context) if paragraph_end < 0 else paragraph_end)


def find_actor(context: str, begin: int, end: int, iso2: str, persons: Iterable[str]) -> Found | None:
    """The first mention in `context[begin:end]` of one of `persons` (full name or surname, as news names
    people the second time) or of the country `iso2`."""
    names = {form for name in persons for form in (name, name.split()[-1]) if len(form) > 2}
    found = [Found(start, name) for name in names if (start := _whole_word(context, name, begin, end)) >= 0]
    pattern = _country(iso2)
    if pattern is not None and (match := pattern.search(context, begin, end)) is not None:
        found.append(Found(match.start(), match.group()))
    return min(found, key=lambda f: (f.offset, -len(f.text)), default=None)


def _whole_word(text: str, word: str, begin: int, end: int) -> int:
    """Where `word` first occurs in `text[begin:end]` as a whole word; -1 if it does not."""
    start = text.find(word, begin, end)
    while start >= 0:
        stop = start + len(word)
        if (start == 0 or not text[start - 1].isalnum()) and (stop == len(text) or not text[stop].isalnum()):
            return start
        start = text.find(word, start + 1, end)
    return -1


@lru_cache(maxsize=512)
def _country(iso2: str) -> re.Pattern[str] | None:
    country = load_gazetteer().countries.get(iso2)
    if country is None:
        return None
    return _names((country.name, *country.aliases, *country.demonyms, *country.capitals, *country.cities))


def _names(names: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word, case-sensitive alternatives, longest first ("South Korea" before "Korea")."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
