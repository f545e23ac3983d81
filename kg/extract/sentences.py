"""Sentence and text look-ups that are computed once per `Doc`.

spaCy's `Span.sent` walks the document's sentences and `Doc.text` re-joins
every token on each call; the rules ask for both thousands of times per
article, which made them the extractor's largest cost. Both are computed once
and kept in `doc.user_data`.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise

from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span, Token

_KEY = "akg_sentence_starts"
_TEXT = "akg_text"


def text_of(doc: Doc) -> str:
    """`doc.text`, joined once."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def span_text(span: Span) -> str:
    """`span.text`, cut from the document's text instead of re-joined from tokens."""
    return text_of(span.doc)[span.start_char : span.end_char]


def sentences(doc: Doc) -> list[Span]:
    starts = _starts(doc)
    return [doc[start:end] for start, end in pairwise(starts)]


def sentence_of(item: Token | Span) -> Span:
    """The sentence holding a token, or the sentence where a span starts."""
    doc = item.doc
    starts = _starts(doc)
    index = item.i if isinstance(item, Token) else item.start
    position = bisect_right(starts, index) - 1
    return doc[starts[position] : starts[position + 1]]


def sentence_start(item: Token | Span) -> int:
    """Where the sentence holding a token (or a span's start) begins, without building a `Span`."""
    starts = _starts(item.doc)
    return starts[bisect_right(starts, item.i if isinstance(item, Token) else item.start) - 1]


def _starts(doc: Doc) -> list[int]:
    starts = doc.user_data.get(_KEY)
    if starts is None:
        if len(doc) and (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
            # one array read instead of a `Span` per sentence; the same boundaries as `doc.sents`
            flags = doc.to_array(SENT_START)
            starts = [int(i) for i in (flags == 1).nonzero()[0]]
            if not starts or starts[0] != 0:
                starts.insert(0, 0)
            starts.append(len(doc))
        else:
            starts = [sentence.start for sentence in doc.sents] + [len(doc)]
        doc.user_data[_KEY] = starts
    return starts
