"""Acceptance tests of the event-data exports (`kg export --format gdelt-events|gdelt-mentions|plover|icews`).

Two real stores: synthetic articles mapped and written by the real code (known
dyads, offices, retold stories, so counts and filters have something to
count), and the seed articles read by the real spaCy pipeline with publication
dates given. Files are checked the way analysts read them: split on tabs,
loaded with pandas under the published column names, PLOVER objects validated
against a JSON Schema written from the PLOVER manual (`tests/plover_schema.json`).
Expected values come from the store (SPARQL) or from the published codebooks,
never from the exporter's own tables.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import jsonschema
import pandas as pd
import pyoxigraph
import pytest
from click.testing import CliRunner

from fixtures.synthetic_events import build_store
from kg.cli import main
from kg.config import Settings
from kg.eventdata.ties import event_day
from kg.eventdata.writers import GDELT_EVENT_COLUMNS, GDELT_MENTION_COLUMNS, ICEWS_COLUMNS
from kg.extract.cameo import GOLDSTEIN
from kg.gazetteer import load_gazetteer
from kg.ingest import ingest
from kg.readers import read_articles
from kg.vocab import PREFIXES

TESTS = Path(__file__).parent
# The GDELT 2.0 Event table, in the codebook's order (GDELT-Event_Codebook-V2.0.pdf).
GDELT_EVENTS = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
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
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
]
# The GDELT 2.0 Mentions table.
GDELT_MENTIONS = [
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
]
# ICEWS coded event data (Dataverse doi:10.7910/DVN/28075), header row.
ICEWS = [
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
]
# GDELT's advice: read code columns as strings, or "040" becomes 40.
CODES_AS_TEXT = {name: str for name in GDELT_EVENTS if name.endswith("Code")}
# CAMEO actor type codes (CAMEO codebook 1.1b3, 3.1.3-3.1.6).
CAMEO_TYPES = {
    "COP",
    "GOV",
    "INS",
    "JUD",
    "MIL",
    "OPP",
    "REB",
    "SEP",
    "SPY",
    "UAF",
    "AGR",
    "BUS",
    "CRM",
    "CVL",
    "DEV",
    "EDU",
    "ELI",
    "ENV",
    "HLH",
    "HRI",
    "LAB",
    "LEG",
    "MED",
    "REF",
    "MOD",
    "RAD",
}


def quad_class(root: str) -> int:
    """GDELT codebook: 1 verbal cooperation (01-05), 2 material cooperation (06-08), 3 verbal conflict (09-13),
    4 material conflict (14-20)."""
    number = int(root)
    return 1 if number <= 5 else 2 if number <= 8 else 3 if number <= 13 else 4


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events") / "store"
    build_store(path, 300)
    return path


@pytest.fixture(scope="module")
def seeds_dated(tmp_path_factory: pytest.TempPathFactory, pipeline) -> Path:
    """The seeds and the fixture articles read by the real pipeline, each given a publication date and URL."""
    path = tmp_path_factory.mktemp("events-seeds") / "store"
    articles = read_articles([TESTS.parent / "seeds", TESTS / "fixtures" / "articles.jsonl"])
    dated = [
        replace(
            a,
            published=a.published or dt.date(2023, 11, 1) + dt.timedelta(days=n % 9),
            url=a.url or (f"https://seeds.example.org/{n}" if n % 3 else None),
        )
        for n, a in enumerate(articles)
    ]
    ingest(dated, Settings.build(store=path), pipeline=pipeline)
    return path


STORES = ["synthetic", "seeds_dated"]


def export(store: Path, layout: str, **filters: str) -> bytes:
    """`kg export` of a test store; the stores do not change, so each export is run once."""
    return _export(store, layout, tuple(sorted(filters.items())))


@functools.cache
def _export(store: Path, layout: str, filters: tuple[tuple[str, str], ...]) -> bytes:
    args = ["export", "--store", str(store), "--format", layout]
    for name, value in filters:
        args += [f"--{name}", value]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def rows(data: bytes) -> list[list[str]]:
    return [line.split("\t") for line in data.decode("utf-8").splitlines()]


def gdelt(store: Path, **filters: str) -> pd.DataFrame:
    data = export(store, "gdelt-events", **filters)
    return pd.read_csv(
        io.BytesIO(data),
        sep="\t",
        header=None,
        names=GDELT_EVENTS,
        dtype=CODES_AS_TEXT,
        keep_default_na=False,
        na_values=[""],
    )


def plover(store: Path, **filters: str) -> list[dict]:
    return [json.loads(line) for line in export(store, "plover", **filters).decode("utf-8").splitlines()]


def select(store: Path, query: str) -> list[dict]:
    kg = pyoxigraph.Store.read_only(str(store))
    return list(kg.query(query, use_default_graph_as_union=True, prefixes=PREFIXES))


def ties_in_store(store: Path) -> dict[str, dict[str, str]]:
    """Every tie with the facts the formats must carry, straight from the store."""
    query = """SELECT ?tie ?type ?code ?a ?b ?start ?published ?url ?article WHERE {
      ?tie a akg:Tie ; akg:tieType ?type ; akg:between ?ca, ?cb ; prov:wasDerivedFrom ?article .
      ?ca akg:isoCode ?a . ?cb akg:isoCode ?b . FILTER(?a < ?b)
      OPTIONAL { ?tie akg:cameoCode ?code } OPTIONAL { ?tie schema:startDate ?start }
      OPTIONAL { ?article schema:datePublished ?published } OPTIONAL { ?article schema:url ?url } }"""
    return {
        row["tie"].value: {
            name: row[name].value
            for name in ("type", "code", "a", "b", "start", "published", "url", "article")
            if row[name] is not None
        }
        for row in select(store, query)
    }


def expected_day(tie: dict[str, str]) -> dt.date | None:
    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value and len(value) == 10 and value[4] == "-" else None

    return event_day(day(tie.get("start")), day(tie.get("published")), tie["code"]) if "code" in tie else None


def globaleventid(iri: str) -> int:
    """The documented scheme: the first 53 bits of the SHA-256 of the tie's IRI."""
    return int.from_bytes(hashlib.sha256(iri.encode()).digest()[:8], "big") >> 11


# -- GDELT ----------------------------------------------------------------------------------------


def test_column_lists_are_the_published_ones():
    assert list(GDELT_EVENT_COLUMNS) == GDELT_EVENTS and len(GDELT_EVENTS) == 61
    assert list(GDELT_MENTION_COLUMNS) == GDELT_MENTIONS and len(GDELT_MENTIONS) == 16
    assert list(ICEWS_COLUMNS) == ICEWS and len(ICEWS) == 20


@pytest.mark.parametrize("store_name", STORES)
def test_every_row_has_61_or_16_fields(store_name, request):
    store = request.getfixturevalue(store_name)
    events, mentions = rows(export(store, "gdelt-events")), rows(export(store, "gdelt-mentions"))
    assert events and len(events) == len(mentions)
    assert {len(row) for row in events} == {61}
    assert {len(row) for row in mentions} == {16}
    assert [row[0] for row in events] == [row[0] for row in mentions]  # one mention per event, same order


@pytest.mark.parametrize("store_name", STORES)
def test_codes_are_cameo_and_quadclass_follows_the_root(store_name, request):
    store = request.getfixturevalue(store_name)
    frame = gdelt(store)
    cameo_countries = {c.iso3 for c in load_gazetteer().countries.values()} | {"KSV"}
    for row in frame.itertuples():
        assert re.fullmatch(r"\d{3,4}", row.EventCode)
        assert row.EventBaseCode == row.EventCode[:3] and row.EventRootCode == row.EventCode[:2]
        assert row.QuadClass == quad_class(row.EventRootCode)
        assert row.GoldsteinScale == GOLDSTEIN[row.EventCode]  # the published weight of the code
        for actor in ("Actor1", "Actor2"):
            country = getattr(row, f"{actor}CountryCode")
            assert country in cameo_countries
            types = [t for t in (getattr(row, f"{actor}Type{n}Code") for n in (1, 2, 3)) if isinstance(t, str)]
            assert set(types) <= CAMEO_TYPES
            assert getattr(row, f"{actor}Code") == country + "".join(types)
        assert row.Actor1CountryCode != row.Actor2CountryCode


@pytest.mark.parametrize("store_name", STORES)
def test_dates_are_consistent(store_name, request):
    store = request.getfixturevalue(store_name)
    frame = gdelt(store)
    for row in frame.itertuples():
        day = dt.datetime.strptime(str(row.SQLDATE), "%Y%m%d").date()
        assert row.MonthYear == day.year * 100 + day.month and row.Year == day.year
        assert row.FractionDate == pytest.approx(day.year + ((day.month - 1) * 30 + day.day) / 365, abs=5e-5)
        added = dt.datetime.strptime(str(row.DATEADDED), "%Y%m%d%H%M%S")
        assert added.date() >= day  # reported on or after the day it happened
    mentions = pd.read_csv(io.BytesIO(export(store, "gdelt-mentions")), sep="\t", header=None, names=GDELT_MENTIONS)
    added = dict(zip(frame.GLOBALEVENTID, frame.DATEADDED, strict=True))
    assert all(added[row.GLOBALEVENTID] == row.EventTimeDate == row.MentionTimeDate for row in mentions.itertuples())


def test_rows_are_the_dated_coded_ties_with_their_countries_day_and_source(synthetic):
    """Every tie with a CAMEO code and a day is one row, with its store facts; every other tie is none."""
    ties = ties_in_store(synthetic)
    expected = {globaleventid(iri): tie for iri, tie in ties.items() if expected_day(tie)}
    frame = gdelt(synthetic)
    assert sorted(frame.GLOBALEVENTID) == sorted(expected)
    assert len(expected) < len(ties)  # the store has undated ties, and they are left out
    iso3 = {c.iso2: c.iso3 for c in load_gazetteer().countries.values()}
    for row in frame.itertuples():
        tie = expected[row.GLOBALEVENTID]
        assert {row.Actor1CountryCode, row.Actor2CountryCode} == {iso3[tie["a"]], iso3[tie["b"]]}
        assert str(row.SQLDATE) == expected_day(tie).strftime("%Y%m%d")
        assert row.EventCode == tie["code"]
        assert tie.get("url", tie["article"]) == row.SOURCEURL
    assert list(frame.SQLDATE) == sorted(frame.SQLDATE)  # in order of day


def test_counts_add_up_the_reports_of_one_dyad_type_and_day(synthetic):
    ties = ties_in_store(synthetic)
    types = {globaleventid(iri): tie["type"] for iri, tie in ties.items()}
    frame = gdelt(synthetic)
    mentions = pd.read_csv(
        io.BytesIO(export(synthetic, "gdelt-mentions")),
        sep="\t",
        header=None,
        names=GDELT_MENTIONS,
        keep_default_na=False,
    )
    source = dict(
        zip(
            mentions.GLOBALEVENTID,
            zip(mentions.MentionIdentifier, mentions.MentionSourceName, strict=True),
            strict=True,
        )
    )
    groups = defaultdict(list)
    for row in frame.itertuples():
        key = (frozenset((row.Actor1CountryCode, row.Actor2CountryCode)), types[row.GLOBALEVENTID], row.SQLDATE)
        groups[key].append(row)
    assert max(len(members) for members in groups.values()) > 1  # retold stories: several reports of one event
    for members in groups.values():
        articles = {source[row.GLOBALEVENTID][0] for row in members}
        outlets = {source[row.GLOBALEVENTID][1] for row in members}
        for row in members:
            assert (row.NumMentions, row.NumArticles, row.NumSources) == (len(members), len(articles), len(outlets))


@pytest.mark.parametrize("store_name", STORES)
def test_pandas_reads_the_published_columns_with_their_types(store_name, request):
    store = request.getfixturevalue(store_name)
    frame = gdelt(store)
    integers = [
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "IsRootEvent",
        "QuadClass",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "Actor1Geo_Type",
        "Actor2Geo_Type",
        "ActionGeo_Type",
        "DATEADDED",
    ]
    assert {name: str(frame[name].dtype) for name in integers} == dict.fromkeys(integers, "int64")
    floats = ["FractionDate", "GoldsteinScale", "AvgTone", "ActionGeo_Lat", "ActionGeo_Long"]
    assert {name: str(frame[name].dtype) for name in floats} == dict.fromkeys(floats, "float64")
    assert frame.EventCode.str.fullmatch(r"\d{3,4}").all() and frame.EventRootCode.str.fullmatch(r"\d\d").all()
    assert frame.AvgTone.isna().all()  # tone is not measured: empty, as GDELT leaves what it cannot fill
    assert (frame.GLOBALEVENTID < 2**53).all() and frame.GLOBALEVENTID.is_unique
    assert frame.SOURCEURL.str.startswith("http").all()
    mentions = pd.read_csv(io.BytesIO(export(store, "gdelt-mentions")), sep="\t", header=None, names=GDELT_MENTIONS)
    integers = [
        "GLOBALEVENTID",
        "EventTimeDate",
        "MentionTimeDate",
        "MentionType",
        "SentenceID",
        "Actor1CharOffset",
        "Actor2CharOffset",
        "ActionCharOffset",
        "InRawText",
        "Confidence",
        "MentionDocLen",
    ]
    assert {name: str(mentions[name].dtype) for name in integers} == dict.fromkeys(integers, "int64")
    assert mentions.Confidence.between(0, 100).all() and (mentions.SentenceID >= 1).all()
    icews = pd.read_csv(
        io.BytesIO(export(store, "icews")), sep="\t", dtype={"CAMEO Code": str}, parse_dates=["Event Date"]
    )
    assert list(icews.columns) == ICEWS
    assert str(icews["Event Date"].dtype).startswith("datetime64")
    assert {str(icews[name].dtype) for name in ("Event ID", "Story ID", "Sentence Number")} == {"int64"}
    assert str(icews["Intensity"].dtype) == "float64" and icews["CAMEO Code"].str.fullmatch(r"\d{3,4}").all()


def test_mentions_point_at_the_evidence_and_the_actors(synthetic):
    """ActionCharOffset is the evidence sentence's start; each actor offset is where PLOVER's entity_text is."""
    query = "SELECT ?article ?h ?b WHERE { ?article a akg:Article ; schema:headline ?h ; schema:articleBody ?b }"
    texts = {row["article"].value: row["h"].value + "\n\n" + row["b"].value for row in select(synthetic, query)}
    begins = {
        row["tie"].value: int(row["begin"].value)
        for row in select(synthetic, "SELECT ?tie ?begin WHERE { ?tie a akg:Tie ; akg:evidence/nif:beginIndex ?begin }")
    }
    articles = {iri: tie["article"] for iri, tie in ties_in_store(synthetic).items()}
    mentions = {int(row[0]): row for row in rows(export(synthetic, "gdelt-mentions"))}
    located = 0
    for event in plover(synthetic):
        mention = mentions[event["globaleventid"]]
        context = texts[articles[event["id"]]]
        assert int(mention[9]) == begins[event["id"]] == event["text_info"]["start"]
        assert int(mention[12]) == len(context)
        sides = event["actor"] + event.get("recipient", [])
        for side, column in zip(sides, (7, 8), strict=True):
            offset = int(mention[column])
            if "entity_text" in side:
                assert context[offset : offset + len(side["entity_text"])] == side["entity_text"]
                located += 1
            else:
                assert offset == -1
    assert located > 0


def test_office_holders_give_the_actors_sectors(synthetic):
    """An actor has sector codes exactly when its event names someone holding an office for its country."""
    query = """SELECT DISTINCT ?tie ?iso WHERE { ?tie a akg:Tie ; akg:tieOf ?owner ; akg:between ?c ;
      prov:wasDerivedFrom ?article . ?c akg:isoCode ?iso .
      { ?owner akg:participant ?p } UNION { ?e akg:agreement ?owner ; akg:participant ?p }
      ?p akg:holdsRole ?role . ?role akg:roleIn ?c ; prov:wasDerivedFrom ?article }"""
    with_office = {(row["tie"].value, row["iso"].value) for row in select(synthetic, query)}
    plover_codes = {c.iso2: c.iso3 for c in load_gazetteer().countries.values()}
    for event in plover(synthetic):
        for side in event["actor"] + event.get("recipient", []):
            iso2 = next(code for code, iso3 in plover_codes.items() if iso3 == side["code"])
            assert ("sector" in side) == ((event["id"], iso2) in with_office)
            assert ("office" in side) <= ("sector" in side)


# -- PLOVER, ICEWS, across formats ----------------------------------------------------------------


@pytest.mark.parametrize("store_name", STORES)
def test_plover_objects_validate_and_use_only_plovers_event_types(store_name, request):
    store = request.getfixturevalue(store_name)
    schema = json.loads((TESTS / "plover_schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    events = plover(store)
    assert events
    for event in events:
        validator.validate(event)
        assert event["globaleventid"] == globaleventid(event["id"])
    assert {t for event in events for t in event["event"]} <= set(schema["$defs"]["eventType"]["enum"])
    assert len(schema["$defs"]["eventType"]["enum"]) == 16


def test_plover_leaves_out_only_what_it_drops(seeds_dated):
    """PLOVER has no category for CAMEO 01 (statements) and 02 (appeals); every other event is in it."""
    frame = gdelt(seeds_dated)
    kept = {event["globaleventid"] for event in plover(seeds_dated)}
    dropped = set(frame.GLOBALEVENTID[frame.EventRootCode.isin(["01", "02"])])
    assert dropped  # the seeds report statements
    assert kept == set(frame.GLOBALEVENTID) - dropped


@pytest.mark.parametrize("store_name", STORES)
def test_one_dyad_is_the_same_in_all_four_formats(store_name, request):
    store = request.getfixturevalue(store_name)
    ties = ties_in_store(store)
    countries = load_gazetteer().countries
    events = {int(row[0]): row for row in rows(export(store, "gdelt-events"))}
    mentions = {int(row[0]): row for row in rows(export(store, "gdelt-mentions"))}
    icews = {int(row[0]): row for row in rows(export(store, "icews"))[1:]}
    assert events.keys() == mentions.keys() == icews.keys()
    checked = 0
    for event in plover(store):
        tie = ties[event["id"]]
        number = event["globaleventid"]
        gdelt_row, mention, icews_row = events[number], mentions[number], icews[number]
        pair = {countries[tie["a"]], countries[tie["b"]]}
        assert {gdelt_row[7], gdelt_row[17]} == {c.iso3 for c in pair}
        assert {icews_row[4], icews_row[10]} == {c.name for c in pair}
        assert {e["identifier_id"] for e in event["actor"] + event.get("recipient", [])} == {c.wikidata for c in pair}
        day = expected_day(tie)
        assert gdelt_row[1] == day.strftime("%Y%m%d") and icews_row[1] == event["date"] == day.isoformat()
        url = tie.get("url", tie["article"])
        assert gdelt_row[60] == mention[5] == event["cite_info"]["url"] == url
        assert icews_row[6] == gdelt_row[26]  # CAMEO code
        checked += 1
    assert checked > 0


# -- filters, ids, streams ------------------------------------------------------------------------


def test_filters_select_exactly_the_matching_rows(synthetic):
    full = gdelt(synthetic)
    types = {globaleventid(iri): tie["type"] for iri, tie in ties_in_store(synthetic).items()}
    by_country = gdelt(synthetic, country="KZ")
    assert set(by_country.GLOBALEVENTID) == set(
        full.GLOBALEVENTID[(full.Actor1CountryCode == "KAZ") | (full.Actor2CountryCode == "KAZ")]
    )
    by_type = gdelt(synthetic, type="Visit")
    assert set(by_type.GLOBALEVENTID) == {n for n in full.GLOBALEVENTID if types[n] == "Visit"}
    by_dates = gdelt(synthetic, since="2023-03-01", until="2023-03-31")
    in_march = full.SQLDATE.between(20230301, 20230331)
    assert set(by_dates.GLOBALEVENTID) == set(full.GLOBALEVENTID[in_march]) and in_march.any()
    # counts are those of the whole store: a filter never splits a dyad-type-day group
    merged = by_dates.merge(full, on="GLOBALEVENTID", suffixes=("", "_full"))
    assert (merged.NumArticles == merged.NumArticles_full).all()
    all_filters = gdelt(synthetic, country="kz", type="Meeting", since="2023-01-01", until="2023-06-30")
    assert set(all_filters.GLOBALEVENTID) == (
        set(by_country.GLOBALEVENTID)
        & {n for n in full.GLOBALEVENTID if types[n] == "Meeting"}
        & set(full.GLOBALEVENTID[full.SQLDATE.between(20230101, 20230630)])
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "Kazakhstan"], "country must be"),
        (["--since", "2023-02-30"], "since must be a date"),
        (["--since", "2023-05-01", "--until", "2023-04-01"], "is after until"),
        (["--type", "Wedding"], "type must be one of"),
    ],
)
def test_bad_filters_are_usage_errors(synthetic, args, message):
    result = CliRunner().invoke(main, ["export", "--store", str(synthetic), "--format", "icews", *args])
    assert result.exit_code == 2 and message in result.output


def test_filters_need_an_event_format(synthetic):
    result = CliRunner().invoke(main, ["export", "--store", str(synthetic), "--format", "trig", "--country", "KZ"])
    assert result.exit_code == 2 and "event format" in result.output


def test_exports_are_stable(synthetic, tmp_path):
    """The same store gives the same bytes; a file written with -o equals standard output."""
    first = export(synthetic, "gdelt-events")
    assert _export.__wrapped__(synthetic, "gdelt-events", ()) == first
    out = tmp_path / "events.tsv"
    result = CliRunner().invoke(main, ["export", "--store", str(synthetic), "--format", "gdelt-events", "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes() == first


def test_intents_are_dated_when_reported():
    """CAMEO 03 (intent) happens when it is reported; a date after the report can only be a plan."""
    published, before, after = dt.date(2023, 5, 10), dt.date(2023, 5, 8), dt.date(2023, 5, 20)
    assert event_day(before, published, "040") == before
    assert event_day(before, published, "036") == published
    assert event_day(after, published, "042") == published
    assert event_day(None, published, "057") == published
    assert event_day(before, None, "040") == before
    assert event_day(None, None, "040") is None


def test_the_readme_loads_each_file_with_pandas(synthetic, tmp_path, monkeypatch):
    """README.md's loading code, run on the four exports: the documented column lists are the real ones."""
    readme = (TESTS.parent / "README.md").read_text()
    code = readme.split("Loading each file with the published column lists:", 1)[1].split("```python\n", 1)[1]
    code = code.split("```", 1)[0]
    for name, layout in (
        ("events.tsv", "gdelt-events"),
        ("mentions.tsv", "gdelt-mentions"),
        ("icews.tsv", "icews"),
        ("plover.jsonl", "plover"),
    ):
        (tmp_path / name).write_bytes(export(synthetic, layout))
    monkeypatch.chdir(tmp_path)
    loaded: dict = {}
    exec(compile(code, "README.md", "exec"), loaded)  # the README's own example
    assert loaded["GDELT_EVENTS"] == GDELT_EVENTS and loaded["GDELT_MENTIONS"] == GDELT_MENTIONS
    events, mentions, icews, plover_frame = (loaded[name] for name in ("events", "mentions", "icews", "plover"))
    assert len(events) == len(mentions) == len(icews) == len(plover_frame) > 0
    assert events.EventCode.str.startswith("0").all() and str(icews["Event Date"].dtype).startswith("datetime64")
    assert {"id", "date", "event", "actor"} <= set(plover_frame.columns)


def test_code_tables_cover_the_gazetteer_and_agree_with_each_other():
    from kg.eventdata.codes import tables

    codes = tables()
    gazetteer = load_gazetteer().countries
    assert set(codes.countries) == set(gazetteer)
    for iso2, country in codes.countries.items():
        assert re.fullmatch(r"[A-Z]{3}", country.cameo) and re.fullmatch(r"[A-Z]{3}", country.plover)
        assert country.cameo == gazetteer[iso2].iso3 or iso2 == "XK"  # CAMEO: ISO alpha-3, Kosovo KSV
        assert re.fullmatch(r"([A-Z]{2})?", country.fips)
    assert len({c.fips for c in codes.countries.values() if c.fips}) == sum(
        1 for c in codes.countries.values() if c.fips
    )  # FIPS codes are unique
    assert set(codes.plover) <= set(codes.cameo_labels)  # PLOVER's table maps CAMEO codes only
    assert {event for event, _modes, _contexts in codes.plover.values()} == set(codes.plover_quads)
    assert len(codes.plover_quads) == 16
    assert all(codes.quad_classes[code] == quad_class(code[:2]) for code in codes.quad_classes)
    assert set(GOLDSTEIN) <= set(codes.cameo_labels)  # every code the extractor assigns has a label
    assert {code for _words, sectors in codes.sector_rules for code in sectors.codes} <= CAMEO_TYPES
    assert codes.sectors("Deputy Minister of Foreign Affairs").codes == ("GOV",)
    assert codes.sectors("Minister of Defence").codes == ("GOV", "MIL")
    assert codes.sectors("Chief Executive Officer of the Bakery") is None
