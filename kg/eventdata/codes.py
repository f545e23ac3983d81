"""The code tables of the event formats, read from the package's data files (`kg/eventdata/data/*.tsv`).

Each table names its source in its header: CAMEO event codes and QuadClass
(`cameo_events.tsv`), CAMEO, PLOVER and FIPS 10-4 country codes
(`countries.tsv`), the CAMEO-to-PLOVER event, mode and context mapping
(`cameo_plover.tsv`), PLOVER's event types and quad categories
(`plover_events.tsv`), and actor sectors from offices (`sectors.tsv`). They
are data, not code, so a reviewer can check them against their sources line by
line, and they ship in the wheel (read with `importlib.resources`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


def _rows(name: str) -> list[dict[str, str]]:
    text = files("kg.eventdata").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _list(cell: str, separator: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(separator) if part.strip())


@dataclass(frozen=True)
class CountryCodes:
    cameo: str  # CAMEO actor country code: ISO alpha-3, KSV for Kosovo
    plover: str  # PLOVER country code: dependencies folded into their controlling state
    fips: str  # FIPS 10-4, as GDELT's *Geo_CountryCode; "" when none is assigned


@dataclass(frozen=True)
class PloverCoding:
    event: str
    modes: tuple[str, ...]
    contexts: tuple[str, ...]
    quad_code: int


@dataclass(frozen=True)
class Sectors:
    codes: tuple[str, ...]  # CAMEO actor type / PLOVER sector codes, primary first
    icews: tuple[str, ...]  # ICEWS sector names


@dataclass(frozen=True)
class Tables:
    cameo_labels: dict[str, str]  # CAMEO code (two to four digits) -> label
    quad_classes: dict[str, int]  # CAMEO code -> GDELT QuadClass
    countries: dict[str, CountryCodes]  # ISO2 -> codes
    plover: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]  # CAMEO code -> (event, modes, contexts)
    plover_quads: dict[str, int]  # PLOVER event type -> quad code
    sector_rules: tuple[tuple[frozenset[str], Sectors], ...]

    def plover_coding(self, cameo: str) -> PloverCoding | None:
        """PLOVER's coding of a CAMEO code: the code's own row, else its base code's, else its root's.

        None for codes PLOVER drops (CAMEO 01 statements and 02 appeals).
        """
        for key in (cameo, cameo[:3], cameo[:2]):
            if key in self.plover:
                event, modes, contexts = self.plover[key]
                return PloverCoding(event, modes, contexts, self.plover_quads[event])
        return None

    def sectors(self, office: str) -> Sectors | None:
        """The sectors of an office ("Deputy Minister of Foreign Affairs" -> GOV), or None if no rule applies."""
        words = set(re.findall(r"[^\W\d_]+", office.lower()))
        return next((sectors for required, sectors in self.sector_rules if required <= words), None)


@lru_cache(maxsize=1)
def tables() -> Tables:
    events = _rows("cameo_events.tsv")
    return Tables(
        cameo_labels={row["code"]: row["label"] for row in events},
        quad_classes={row["code"]: int(row["quad_class"]) for row in events},
        countries={
            row["iso2"]: CountryCodes(row["cameo"], row["plover"], row["fips"]) for row in _rows("countries.tsv")
        },
        plover={
            row["cameo"]: (row["event"], _list(row["modes"]), _list(row["contexts"]))
            for row in _rows("cameo_plover.tsv")
        },
        plover_quads={row["event"]: int(row["quad_code"]) for row in _rows("plover_events.tsv")},
        sector_rules=tuple(
            (frozenset(row["words"].split()), Sectors(_list(row["codes"], " "), _list(row["icews"])))
            for row in _rows("sectors.tsv")
        ),
    )
