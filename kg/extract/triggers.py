"""Which sentences report which event type: trigger words, the checks that keep them honest, and modality.

A sentence reports an event when it holds a trigger — a verb or noun such as "signed", "talks", "visit",
"humanitarian aid" (`kg.extract.lexicon.TRIGGERS`). Many trigger words are common in other senses ("the tenge
was trading at 501.3", "a news conference", "visiting forces"), so each candidate passes the checks below
before it counts. Like a spaCy matcher, this part only finds: it returns the trigger tokens per event type
and says whether the act is announced rather than done; `kg.extract.events` writes the events.
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from kg.extract.agreements import concludes_talks, exchanged_documents, reached_agreement
from kg.extract.lexicon import (
    AGREEMENT_NOUNS,
    FUTURE_AUXILIARIES,
    FUTURE_GOVERNORS,
    GATHERED_HOLDERS,
    GATHERED_STATES,
    HEADLINE_ONLY,
    HEADS_OF_STATE,
    HONOURS,
    MEETING_NOUNS,
    MULTILATERAL_MODIFIERS,
    NEED_AMOUNT,
    OBJECT_TRIGGERS,
    PHONE_CUES,
    PRESS_WORDS,
    SIGNED_OBJECTS,
    TRIGGERS,
    WEAK_TRIGGERS,
)
from kg.extract.money import find_amounts
from kg.extract.sentences import sentence_of, span_text, text_of
from kg.extraction import PartialDate

_TRIGGER_IDS = frozenset(get_string_id(word) for word in TRIGGERS)
_TRIGGER_POS = frozenset({"VERB", "NOUN", "PROPN", "AUX"})
_LEGISLATIVE_VOTE = re.compile(r"\bin favou?r\b|\bdeputies\b|\bsenators\b|\blawmakers\b|\bratif", re.I)
_SPORTING_MEDAL = re.compile(r"\b(?:gold|silver|bronze)\b")
_SCHEDULED = re.compile(r"\b(?:is|are) (?:scheduled|expected|set|due|slated) to\b|\bupcoming\b")


def trigger_positions(doc: Doc, inside_names: set[int]) -> list[int]:
    """Indices of tokens whose lemma or lower-case form is a trigger word, read from arrays, not Token
    objects (the extractor's hot loop). Tokens inside organisation names are left out: "National Democratic
    Congress" and "European Investment Bank" report nothing."""
    rows = doc.to_array([LEMMA, LOWER]).tolist()
    return [
        i
        for i, (lemma, lower) in enumerate(rows)
        if (lemma in _TRIGGER_IDS or lower in _TRIGGER_IDS) and i not in inside_names
    ]


def find_triggers(sentence: Span, positions: list[int]) -> list[tuple[str, Token]]:
    """(event type, trigger token) for every trigger among the sentence's candidate `positions`, in order."""
    context = _SentenceContext(sentence)
    found = [
        (event_type, sentence.doc[i])
        for i in positions
        if (event_type := _event_type(sentence.doc[i], context)) is not None
    ]
    if any(event_type == "AgreementSigning" for event_type, _ in found):
        found = [(t, token) for t, token in found if t != "Statement"]  # "… said after signing": the signing
    return found


def first_of_each(found: list[tuple[str, Token]]) -> dict[str, Token]:
    """Event type → its first trigger: a sentence reports each type once."""
    first: dict[str, Token] = {}
    for event_type, token in found:
        first.setdefault(event_type, token)
    return first


class _SentenceContext:
    """What the checks need to know about the sentence, computed once."""

    def __init__(self, sentence: Span) -> None:
        text = text_of(sentence.doc)
        self.sentence = sentence
        self.lower = span_text(sentence).lower()
        # a sentence that starts in the headline is the headline, even when the parser ran it into the dateline
        self.in_headline = sentence.start_char < text.find("\n\n")
        self.has_amount = bool(find_amounts(span_text(sentence)))

    def has_cue(self, cues: tuple[str, ...]) -> bool:
        return any(cue in self.lower for cue in cues)


def _event_type(token: Token, context: _SentenceContext) -> str | None:
    """The event type `token` reports in its sentence, or None."""
    lemma = token.lemma_.lower()
    key = lemma if lemma in TRIGGERS else token.lower_ if token.lower_ in TRIGGERS else None
    if key is None or token.pos_ not in _TRIGGER_POS:
        return None
    if key in NEED_AMOUNT and not context.has_amount:
        return None
    if key in HEADLINE_ONLY and not context.in_headline:
        return None
    if (
        key in WEAK_TRIGGERS
        and key not in HEADLINE_ONLY
        and not (WEAK_TRIGGERS[key] and context.has_cue(WEAK_TRIGGERS[key]))
        and (key not in OBJECT_TRIGGERS or not _has_actor_object(token))
    ):
        return None
    event_type = TRIGGERS[key]
    if key == "call" and context.has_cue(PHONE_CUES):
        event_type = "Meeting"
    if event_type == "Meeting" and token.pos_ in ("NOUN", "PROPN") and gathers_many(token):
        event_type = "Summit"
    if _rejected(key, event_type, token, context):
        return None
    return event_type


def _rejected(key: str, event_type: str, token: Token, context: _SentenceContext) -> bool:
    """Senses of trigger words that report no event of their type."""
    doc, sentence = token.doc, context.sentence
    following = doc[token.i + 1].lower_ if token.i + 1 < sentence.end else ""
    preceding = doc[token.i - 1].lower_ if token.i > sentence.start else ""
    return (
        (event_type == "AgreementSigning" and key != "exchange" and not _signs_agreement(token))
        or (key == "conclude" and concludes_talks(token))  # "concluded trade deal talks": nothing signed yet
        or (key == "reach" and not reached_agreement(token))  # "trade reached $5 billion"
        or (key == "exchange" and not exchanged_documents(token))
        or (key == "state" and token.pos_ != "VERB")
        # "will travel to Brasília", not "travel restrictions"
        or (
            key == "travel"
            and not (token.pos_ == "VERB" and any(c.dep_ == "prep" and c.lower_ == "to" for c in token.children))
        )
        or (key == "visit" and token.lower_ == "visiting" and following == "forces")  # "visiting forces agreements"
        or (key == "trade" and token.pos_ == "VERB" and any(c.lower_ == "at" for c in token.children))  # "trading at"
        or (key == "conference" and preceding in PRESS_WORDS)  # reporters, not a summit
        or (key == "medal" and bool(_SPORTING_MEDAL.search(context.lower)))  # sporting results, not honours
        or (key == "summit" and following in MEETING_NOUNS)  # bilateral "summit talks" are a Meeting
        or (key == "vote" and bool(_LEGISLATIVE_VOTE.search(context.lower)))  # a parliamentary vote
        # "the newly appointed ambassadors": a description, not the appointment
        or (event_type == "Appointment" and token.tag_ == "VBN" and token.dep_ in ("amod", "acl"))
    )


def gathers_many(token: Token) -> bool:
    """A meeting noun that names a gathering of many states: "Annual General Meeting", "Council of Foreign
    Ministers", "a meeting with the leaders of the five Central Asian countries". Words in a "with" phrase
    name the counterparts, not the kind of meeting: "talks with the foreign ministers of Canada and Egypt"
    are a hub's meetings."""
    words = {t.lower_ for t in token.subtree}
    counterparts = {t.i for c in token.children if c.dep_ == "prep" and c.lower_ == "with" for t in c.subtree}
    modified = any(
        t.lower_ in MULTILATERAL_MODIFIERS
        and t.i not in counterparts
        and not (t.lower_ == "summit" and t.head.i == token.i)
        for t in token.subtree
    )
    return (
        modified or (bool(words & GATHERED_HOLDERS) and bool(words & GATHERED_STATES)) or HEADS_OF_STATE.issubset(words)
    )


def _has_actor_object(token: Token) -> bool:
    """ "received Nigerian President Bola Tinubu", "was received by Kim Jong Un", not "received awards"."""
    if any(child.dep_ == "dobj" and child.lemma_.lower() in HONOURS for child in token.children):
        return False  # "will receive the decoration from Ambassador X"
    return any(
        child.dep_ in ("dobj", "pobj", "prep", "agent")
        and any(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in child.subtree)
        for child in token.children
    )


def _signs_agreement(token: Token) -> bool:
    """ "signed" near a document noun: not "signed up", "signed a player"."""
    sentence = sentence_of(token)
    window = token.doc[max(sentence.start, token.i - 6) : min(sentence.end, token.i + 12)]
    return (
        any(t.lower_ in AGREEMENT_NOUNS for t in window)
        or "exchange of notes" in span_text(window).lower()
        or any(c.dep_ == "dobj" and c.lower_ in SIGNED_OBJECTS for c in token.children)
    )


def is_intended(trigger: Token) -> bool:
    """Announced, planned or future: "will visit", "plans to sign", "invited … to visit" (CAMEO codes these as
    intent, 03x, not as the act)."""
    for token in (trigger, *trigger.ancestors):
        if any(child.lower_ in FUTURE_AUXILIARIES and child.dep_ == "aux" for child in token.children):
            return True
        if token.tag_ == "VBD" and token.lemma_.lower() not in FUTURE_GOVERNORS:
            return False  # "… said on Tuesday after signing": a past clause anchors the act
        if token is not trigger and token.lemma_.lower() in FUTURE_GOVERNORS:
            return True
        if (
            token is trigger
            and TRIGGERS.get(token.lemma_.lower()) == "AgreementSigning"
            and token.dep_ != "xcomp"
            and (any(child.lower_ == "to" and child.dep_ == "aux" for child in token.children))
        ):
            return True  # headline "Egypt, South Korea to Sign Nuclear Deal"
        if token.dep_ == "ROOT":
            break
    return bool(_SCHEDULED.search(span_text(sentence_of(trigger)).lower()))


def after_publication(date: PartialDate | None, published: dt.date | None) -> bool:
    """An event dated after the article was published has not happened yet."""
    if date is None or date.year is None or published is None:
        return False
    return (date.year, date.month, date.day or 31) > (published.year, published.month, published.day)
