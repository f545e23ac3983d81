"""The four layouts: GDELT 2.0 events and mentions, PLOVER JSONL, ICEWS TSV, each a writer of event records.

Column lists are the published ones, in their order (GDELT Event codebook
V2.0: 61 event columns, 16 mention columns; ICEWS coded event data: 20
columns; PLOVER manual 0.8, "Data Fields"). What the graph does not know stays
empty, as in GDELT's own files: tone, ethnic and religious codes, known-group
codes, the actors' own locations (type 0), coordinates. README.md maps every
filled column to the graph.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol

from kg.eventdata.codes import tables
from kg.eventdata.ties import Country, EventRecord, Side, event_id

GDELT_EVENT_COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(
        f"Actor{n}{field}"
        for n in (1, 2)
        for field in (
            "Code",
            "Name",
            "CountryCode",
            "KnownGroupCode",
            "EthnicCode",
            "Religion1Code",
            "Religion2Code",
            "Type1Code",
            "Type2Code",
            "Type3Code",
        )
    ),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(
        f"{who}Geo_{field}"
        for who in ("Actor1", "Actor2", "Action")
        for field in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
    ),
    "DATEADDED",
    "SOURCEURL",
)
GDELT_MENTION_COLUMNS = (
    "GLOBALEVENTID",
    "EventTimeDate",
    "MentionTimeDate",
    "MentionType",
    "MentionSourceName",
    "MentionIdentifier",
    "SentenceID",
    "Actor1CharOffset",
    "Actor2CharOffset",
    "ActionCharOffset",
    "InRawText",
    "Confidence",
    "MentionDocLen",
    "MentionDocTone",
    "MentionDocTranslationInfo",
    "Extras",
)
ICEWS_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
#: GDELT geography types: 0 nothing known, 1 a country.
NO_GEO, COUNTRY_GEO = 0, 1


def _tsv(cells: Iterable[object]) -> bytes:
    """One tab-separated line; None is empty, and tabs or line breaks inside a value become spaces."""
    text = "\t".join(
        "" if cell is None else str(cell).replace("\t", " ").replace("\r", " ").replace("\n", " ") for cell in cells
    )
    return (text + "\n").encode("utf-8")


def _stamp(day: dt.date) -> str:
    """GDELT's YYYYMMDDHHMMSS at midnight UTC of a day."""
    return day.strftime("%Y%m%d") + "000000"


def _score(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def fraction_date(day: dt.date) -> str:
    """YYYY.FFFF as GDELT computes it: ((month - 1) * 30 + day) / 365, four decimals (20190125 -> 2019.0685)."""
    return f"{day.year + ((day.month - 1) * 30 + day.day) / 365:.4f}"


def _actor(side: Side) -> list[object]:
    code = tables().countries[side.country.iso2].cameo
    name = (side.person or side.country.name).upper()
    types = list(side.sectors) + [None] * (3 - len(side.sectors))
    return [code + "".join(side.sectors), name, code, None, None, None, None, *types]


def _country_geo(country: Country | None) -> list[object]:
    """GDELT's eight geography columns at country resolution: FIPS code as ADM1 and feature, as GDELT does."""
    if country is None:
        return [NO_GEO, *[None] * 7]
    fips = tables().countries[country.iso2].fips or None
    return [COUNTRY_GEO, country.name, fips, fips, None, None, None, fips]


def gdelt_event(record: EventRecord) -> list[object]:
    code = record.cameo
    return [
        record.event_id,
        record.day.strftime("%Y%m%d"),
        record.day.strftime("%Y%m"),
        record.day.year,
        fraction_date(record.day),
        *_actor(record.actor1),
        *_actor(record.actor2),
        int(record.in_lead),
        code,
        code[:3],
        code[:2],
        tables().quad_classes[code[:2]],
        _score(record.goldstein),
        record.mentions,
        record.sources,
        record.articles,
        None,
        *_country_geo(None),
        *_country_geo(None),
        *_country_geo(record.action_country),
        _stamp(record.added),
        record.source_url,
    ]


def gdelt_mention(record: EventRecord) -> list[object]:
    def offset(side: Side) -> int:
        return side.mention.offset if side.mention else -1  # GDELT's value for an actor it did not locate

    return [
        record.event_id,
        _stamp(record.added),
        _stamp(record.added),
        1,
        record.source_name,
        record.source_url,
        record.sentence_number,
        offset(record.actor1),
        offset(record.actor2),
        record.begin if record.begin is not None else -1,
        1,
        round(record.confidence * 100) if record.confidence is not None else None,
        record.document_length,
        None,
        None,
        None,
    ]


def icews_event(record: EventRecord) -> list[object]:
    def name(side: Side) -> str:
        return side.person or side.country.name

    return [
        record.event_id,
        record.day.isoformat(),
        name(record.actor1),
        ",".join(record.actor1.icews_sectors),
        record.actor1.country.name,
        tables().cameo_labels[record.cameo],
        record.cameo,
        _score(record.goldstein),
        name(record.actor2),
        ",".join(record.actor2.icews_sectors),
        record.actor2.country.name,
        event_id(record.article),
        record.sentence_number,
        record.source_name,
        record.place,
        None,
        None,
        record.action_country.name if record.action_country else None,
        None,
        None,
    ]


def plover_event(record: EventRecord) -> dict[str, object] | None:
    """A PLOVER record, or None when PLOVER has no category for the CAMEO code (01 statements, 02 appeals)."""
    coding = tables().plover_coding(record.cameo)
    if coding is None:
        return None
    actor, recipient = ([record.actor1], [record.actor2]) if record.directed else ([record.actor1, record.actor2], [])
    event: dict[str, object] = {"id": record.tie, "date": record.day.isoformat(), "actor": [_entity(s) for s in actor]}
    if recipient:
        event["recipient"] = [_entity(s) for s in recipient]
    event["event"] = [coding.event]
    if coding.modes:
        event["mode"] = list(coding.modes)
    if coding.contexts:
        event["context"] = list(coding.contexts)
    if record.sentence is not None:
        event["event_text"] = [record.sentence]
        event["text_info"] = {"sequence": record.sentence_number, "start": record.begin, "end": record.end}
    event["quad_code"] = coding.quad_code
    if record.action_country is not None:
        location = {
            "country": record.action_country.name,
            "country_code": tables().countries[record.action_country.iso2].plover,
            "resolution": 1,
        }
        if record.place:
            location.update(extracted_place=record.place, resolution=4)
        event["event_loc"] = location
    cite = {
        "url": record.source_url,
        "title": record.headline,
        "coder": f"astana-kg {_release()}",
        "codebook": "PLOVER 0.8 via CAMEO2PLOVER-2021",
    }
    if record.source_name:
        cite["publication"] = record.source_name
    event["cite_info"] = cite
    event["globaleventid"] = record.event_id  # joins the GDELT and ICEWS rows of the same tie
    return event


def _entity(side: Side) -> dict[str, object]:
    entity: dict[str, object] = {"code": tables().countries[side.country.iso2].plover}
    if side.sectors:
        entity["sector"] = "".join(side.sectors[:2])
    if side.mention is not None:
        entity["entity_text"] = side.mention.text
    if side.country.wikidata:
        entity.update(identifier_id=side.country.wikidata, identifier_text=side.country.name)
    if side.office:
        entity["office"] = side.office
    return entity


def _release() -> str:
    try:
        return version("astana-kg")
    except PackageNotFoundError:
        return "unknown"


class Sink(Protocol):
    """Where lines go: a binary file, standard output, or a query worker's chunked pipe."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class Layout:
    """One export format: how a record becomes a line, the header line if any, and how it is served."""

    name: str
    title: str
    extension: str  # in /export/events.{extension}
    media_type: str
    filename: str
    line: Callable[[EventRecord], bytes | None]
    header: bytes = b""

    def write(self, records: Iterable[EventRecord], output: Sink) -> int:
        """Write every record that has a line in this layout; the number of lines written (header apart)."""
        output.write(self.header)
        count = 0
        for record in records:
            line = self.line(record)
            if line is not None:
                output.write(line)
                count += 1
        return count


def _jsonl(record: EventRecord) -> bytes | None:
    event = plover_event(record)
    return None if event is None else (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")


TSV = "text/tab-separated-values; charset=utf-8"
LAYOUTS = {
    layout.name: layout
    for layout in (
        Layout(
            "gdelt-events",
            "GDELT events",
            "gdelt",
            TSV,
            "astana-kg.events.gdelt.tsv",
            lambda record: _tsv(gdelt_event(record)),
        ),
        Layout(
            "gdelt-mentions",
            "GDELT mentions",
            "mentions",
            TSV,
            "astana-kg.mentions.gdelt.tsv",
            lambda record: _tsv(gdelt_mention(record)),
        ),
        Layout(
            "plover", "PLOVER", "plover", "application/x-ndjson; charset=utf-8", "astana-kg.events.plover.jsonl", _jsonl
        ),
        Layout(
            "icews",
            "ICEWS",
            "icews",
            TSV,
            "astana-kg.events.icews.tsv",
            lambda record: _tsv(icews_event(record)),
            _tsv(ICEWS_COLUMNS),
        ),
    )
}
