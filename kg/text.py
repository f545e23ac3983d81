"""Prepare an article's text for spaCy without moving a single character.

The NIF context of an article is `headline + "\\n\\n" + body`; every offset the
graph records points into that string. spaCy reads a *disguised* copy of the
same length: the dateline blanked out (so "ASTANA" is never a subject) and the
Title-Case headline sentence-cased (so "Reiterates Commitment" is not an ORG).
Equal lengths mean a spaCy character offset *is* a context offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.sources.record import Article

HEADLINE_SEPARATOR = "\n\n"

# "ASTANA – ", "BEIJING, Nov. 7 (Xinhua) -- ", "PARIS (AFP) - ", "TASHKENT, Uzbekistan — "
_DATELINE = re.compile(
    r"""^\s*
    (?P<dateline>
      [A-Z][a-z]+(?:\ [A-Z][a-z]+)?,\ \d{1,2}\ [A-Z][a-z]{2,8}\ \d{4}  # "Luxembourg, 14 March 2024"
      |
      [A-Z][A-Z.'\- ]{2,40}?                # the place, in capitals
      (?:,\ [A-Z][\w.' ]{1,30}?)?          # ", Uzbekistan" or ", Nov. 7"
      (?:,\ [A-Z][a-z]{2,8}\.?\ \d{1,2})?  # ", Nov. 7" after a country
      (?:\ \([A-Za-z0-9][\w .&-]{1,30}\))?  # " (Xinhua)", " (24.kg)"
      (?:\.\ [A-Z][\w.]{1,20}(?=:))?       # "BAKU, Azerbaijan, May 5. Trend:"
    )
    \s*(?:[\u2013\u2014-]{1,2}|:)\s+       # en dash, em dash, hyphen(s) or colon
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W\d_][\w'’.]*")
# A capitalised word right after one of these starts a sentence (or a quote), so its capital proves nothing.
_SENTENCE_END = frozenset('.!?:"“—–-')

# Function words that Title-Case styles leave in lower case.
_FUNCTION_WORDS = frozenset({"amid", "from", "into", "onto", "over", "than", "that", "upon", "with", "within"})


@dataclass(frozen=True)
class PreparedText:
    context: str  # headline + "\n\n" + body, exactly as published
    nlp_text: str  # same length, disguised for the parser
    headline_end: int  # context[:headline_end] is the headline
    body_start: int
    dateline: str | None


def split_dateline(body: str) -> tuple[str | None, int]:
    """The dateline at the start of a body and the offset where the news starts."""
    match = _DATELINE.match(body)
    if not match:
        return None, 0
    return match.group("dateline").strip(), match.end()


def sentence_case(headline: str, keep: set[str]) -> str:
    """Lower-case Title-Case words that are not known names; same length as the input.

    A word keeps its capital when it is the first word, an acronym, in `keep`
    (names seen capitalised in the body, gazetteer names), or not Title Case at
    all. Only headlines that look Title Case are touched.
    """
    words = list(_WORD.finditer(headline))
    lowercase_content = [
        w for w in words if w.group()[0].islower() and len(w.group()) > 3 and w.group() not in _FUNCTION_WORDS
    ]
    if len(words) < 4 or lowercase_content:
        return headline
    chars = list(headline)
    for index, match in enumerate(words):
        word = match.group()
        if index == 0 or word.isupper() or word in keep or word.rstrip(".’'s") in keep:
            continue
        lowered = word.lower()
        if len(lowered) == len(word):
            chars[match.start() : match.end()] = lowered
    return "".join(chars)


def capitalised_words(text: str) -> set[str]:
    """Words written with a capital in running text, excluding sentence starts.

    Linear in the text: the character before a word is found by stepping back
    over the whitespace that separates it from the previous token, never by
    slicing everything before it (which made a 900k-character article take
    minutes).
    """
    found = set()
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[0].isupper():
            continue
        before = match.start() - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        if before >= 0 and text[before] not in _SENTENCE_END:
            found.add(word)
    return found


def prepare(article: Article, names: set[str] | frozenset[str] = frozenset()) -> PreparedText:
    """The context string and its parser-friendly twin for one article."""
    headline, body = article.title, article.text
    context = headline + HEADLINE_SEPARATOR + body
    body_start = len(headline) + len(HEADLINE_SEPARATOR)
    dateline, news_start = split_dateline(body)
    keep = capitalised_words(body[news_start:]) | set(names)
    disguised_body = " " * news_start + body[news_start:]
    nlp_text = sentence_case(headline, keep) + HEADLINE_SEPARATOR + disguised_body
    assert len(nlp_text) == len(context)
    return PreparedText(context, nlp_text, len(headline), body_start, dateline)
