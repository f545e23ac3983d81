"""`kg.extract.lexicon` is the one home of the rules' word lists, and its lists agree with each other."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from spacy.glossary import GLOSSARY

from kg.extract import lexicon
from kg.extraction import Event
from kg.vocab import EVENT_TYPES

EXTRACT = Path(lexicon.__file__).parent
#: Strings rules may still write inline: parser labels, event types, mention kinds, Event fields, punctuation
#: and the closed-class grammar words a rule reads a phrase with ("of", "to", "'s").
_GRAMMAR = (
    set(GLOSSARY)
    | set(EVENT_TYPES)
    | {f.name for f in dataclasses.fields(Event)}
    | {"country", "demonym", "city", "m", "b"}
    | set(",.;:()-–&")
    | {"of", "for", "and", "on", "the", "a", "an", "to", "at", "in", "with", "'s", "’s"}
)


def _inline_lists(path: Path) -> list[tuple[int, list[str]]]:
    """(line, strings) of every literal collection of two or more strings, and of every "words".split()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            strings = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(strings) >= 2:
                found.append((node.lineno, strings))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "split"
            and (isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str))
        ):
            found.append((node.lineno, node.func.value.value.split()))
    return found


@pytest.mark.parametrize("module", sorted(p.name for p in EXTRACT.glob("*.py") if p.name != "lexicon.py"))
def test_no_word_list_outside_the_lexicon(module):
    lists = [
        (line, words)
        for line, words in _inline_lists(EXTRACT / module)
        if not set(words) <= _GRAMMAR and not all(w.isdigit() for w in words)
    ]
    assert not lists, f"{module}: word lists belong in kg.extract.lexicon: {lists}"


def test_derived_lists_stay_inside_the_lists_they_narrow():
    assert lexicon.PERSON_ORG_HEADS < lexicon.ORG_HEADS
    assert lexicon.BUILDING_HEADS < lexicon.PLACE_HEADS
    assert lexicon.ROLE_CONNECTORS < lexicon.NAME_CONNECTORS
    assert lexicon.BODY_HEADS <= lexicon.BODY_WORDS
    assert lexicon.NAME_TITLES <= lexicon.TITLES


def test_every_trigger_rule_names_a_trigger():
    triggers = set(lexicon.TRIGGERS)
    for name in (
        "WEAK_TRIGGERS",
        "OBJECT_TRIGGERS",
        "NEED_AMOUNT",
        "HEADLINE_ONLY",
        "PAIR_TRIGGERS",
        "SELLING_LEMMAS",
        "BUYING_LEMMAS",
        "SIGNING_TRIGGERS",
    ):
        assert set(getattr(lexicon, name)) <= triggers, name
    assert set(lexicon.TRIGGERS.values()) <= set(EVENT_TYPES)


def test_lists_are_lower_case_where_rules_compare_lower_case_words():
    for name in ("TITLES", "ROLE_HEADS", "PORTFOLIO", "ORG_HEADS", "EVENT_HEADS", "PLACE_NOUNS", "AGREEMENT_NOUNS"):
        assert all(word == word.lower() for word in getattr(lexicon, name)), name
