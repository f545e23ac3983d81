"""How signings become agreements: which documents, how many, worth what, and when two reports are one.

The event rules (`kg.extract.events`) find the sentence that reports a
signing; these rules read the agreement out of it — the documents signed
("13 agreements", "the exchange of 17 documents"), a second signing in the
same sentence, talks that were merely concluded, deals reached earlier — and
tell when a later sentence acts on an agreement already reported.
"""

from __future__ import annotations

import dataclasses
import re

from spacy.tokens import Span, Token

from kg.extract.lexicon import (
    AGREEMENT_NOUNS,
    EARLIER_DEAL_HEADS,
    NUMBER_WORDS,
    SECTORS,
    SIGNING_TRIGGERS,
    TALK_NOUNS,
    UNCOUNTED_AGREEMENTS,
)
from kg.extract.money import find_amounts
from kg.extract.sentences import span_text
from kg.extraction import Agreement

SECTOR_PATTERN = re.compile(r"\b(" + "|".join(re.escape(s) for s in sorted(SECTORS, key=len, reverse=True)) + r")\b")
_ANAPHORIC = re.compile(
    r"\b(?:the|this|that) (?:document|treaty|agreement|accord|deal|memorandum|protocol|convention)\b", re.I
)


def same_agreement(agreement: Agreement, agreements: list[Agreement], sentence: Span) -> int | None:
    """ "… ratified the document last month": a later act on an agreement already reported."""
    if not _ANAPHORIC.search(span_text(sentence)) or not agreement.parties:
        return None
    for index, earlier in enumerate(agreements):
        if set(agreement.parties) <= set(earlier.parties) and len(earlier.parties) > len(agreement.parties):
            return index
    return None


def further_signings(sentence: Span, first: Token, agreement: Agreement) -> list[Agreement]:
    """ "The governments signed a memorandum, and companies concluded 12 contracts worth $4.1 billion": a second
    signing verb with its own counted documents is a second agreement between the same parties."""
    found = []
    for token in sentence:
        if token.i == first.i or token.pos_ != "VERB" or token.lemma_.lower() not in SIGNING_TRIGGERS:
            continue
        own_signers = any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children) and any(
            c.dep_ == "dobj" and c.lower_ in AGREEMENT_NOUNS for c in token.children
        )
        if first in token.subtree or (
            not own_signers
            and any(
                token in child.subtree
                for child in first.children
                if child.dep_ in ("dobj", "prep", "xcomp", "advcl", "acl", "relcl")
            )
        ):
            continue  # "agreed to sign", "signed a deal to conclude …": the same act
        subtree = sentence.doc[token.left_edge.i : token.right_edge.i + 1]
        count = agreement_count(subtree)
        if count is None or (count == agreement.count and not own_signers):
            continue  # "… while ADNOC and TotalEnergies signed an agreement": other signers, another document
        amounts = [a for _, _, a in find_amounts(span_text(subtree))]
        found.append(dataclasses.replace(agreement, count=count, amounts=amounts))
        agreement.amounts = [a for a in agreement.amounts if a not in amounts]
    return found


def concludes_talks(token: Token) -> bool:
    """ "concluded (trade deal) talks", "concluded negotiations": the object phrase is about talks."""
    for t in token.doc[token.i + 1 : min(len(token.doc), token.i + 5)]:
        if t.lower_ in TALK_NOUNS:
            return True  # the small model may tag a headline's "talks" as a verb
        if t.pos_ in ("ADP", "PUNCT", "VERB", "CCONJ", "SCONJ", "SPACE"):
            return False
    return False


def exchanged_documents(token: Token) -> bool:
    """ "exchanged notes", "the exchange of notes", "the exchange of 17 intergovernmental documents"."""
    doc = token.doc
    following = doc[token.i + 1 : min(len(doc), token.i + 6)]
    if len(following) and following[0].lower_ == "notes":
        return True
    if not (len(following) and following[0].lower_ == "of"):
        return False
    for t in following[1:]:
        if t.lower_ in AGREEMENT_NOUNS or t.lower_ == "notes":
            return True
        if not (t.like_num or t.pos_ in ("ADJ", "NUM", "DET") or t.lower_ in NUMBER_WORDS):
            return False
    return False


def reached_agreement(token: Token) -> bool:
    """ "an agreement reached between …", "reached a deal": not "trade reached $5 billion"."""
    if token.head.lower_ in AGREEMENT_NOUNS and token.dep_ in ("acl", "relcl"):
        # "the implementation of agreements reached at the last meeting": an earlier deal, not a new one
        return not (token.head.dep_ == "pobj" and token.head.head.head.lower_ in EARLIER_DEAL_HEADS)
    return any(child.dep_ == "dobj" and child.lower_ in AGREEMENT_NOUNS for child in token.children)


def agreement_count(sentence: Span) -> int | None:
    for token in sentence:
        if token.lower_ not in AGREEMENT_NOUNS:
            continue
        for child in token.children:
            if child.dep_ in ("nummod", "det", "quantmod") or child.like_num:
                word = child.lower_
                if word.isdigit():
                    return int(word)
                if word in NUMBER_WORDS and (word not in ("a", "an") or token.tag_ == "NN"):
                    return NUMBER_WORDS[word]
        if token.tag_ in ("NN", "NNP") and token.lower_ not in UNCOUNTED_AGREEMENTS:
            return 1
    if re.search(r"\bexchanged? (?:of |the )?notes\b", span_text(sentence), re.I):
        return 1  # an exchange of notes is one agreement
    return None
