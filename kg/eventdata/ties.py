"""Read the store's ties (`akg:Tie`) as event records, a few days at a time, with SPARQL on selective patterns.

Why days: every format dates an event by a day (`event_day`), and GDELT's
NumMentions, NumSources and NumArticles count what reports the same dyad, type
and day. Reading whole days at a time (as many as make about `BATCH_TIES`
ties) keeps every member of such a group in the same batch, so the counts are
exact while memory holds the ties of those days only, whatever the size of the
store. A batch is found through
the indexes (`?tie schema:startDate "day"`, `?article schema:datePublished
"day"`) and described by look-ups keyed by its IRIs (`VALUES`); nothing scans
or aggregates the whole store except the list of distinct days.

A tie becomes a record only when it can be coded: it has a CAMEO code, two
countries the code tables know, and a day. Ties of types CAMEO does not cover
(elections, culture) and undated ties of undated articles are left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph
from pyoxigraph import Literal, NamedNode

from kg.eventdata import spans
from kg.eventdata.codes import tables
from kg.eventdata.selection import Selection
from kg.text import HEADLINE_SEPARATOR
from kg.vocab import AKG, NIF, PROV, SCHEMA, WD, XSD

#: Ties read per batch, about: enough to keep the queries few, few enough to hold. A batch is whole days,
#: so a day with more ties than this is a batch of its own.
BATCH_TIES = 2000
XSD_DATE = NamedNode(XSD + "date")

Facts = dict[str, dict[str, list[pyoxigraph.NamedNode | pyoxigraph.Literal]]]
#: Runs a SELECT over the union of the store's graphs, with the project's prefixes declared.
Select = Callable[[str], Iterable[pyoxigraph.QuerySolution]]


@dataclass(frozen=True)
class Country:
    iso2: str
    name: str
    wikidata: str | None  # QID


@dataclass(frozen=True)
class Side:
    """One side of a dyad: a country, and who acted for it when the article names them with their office."""

    country: Country
    person: str | None  # the one office holder named for this side, if exactly one
    office: str | None  # that person's office
    sectors: tuple[str, ...]  # CAMEO / PLOVER sector codes, primary first
    icews_sectors: tuple[str, ...]
    mention: spans.Found | None  # where the evidence sentence names this side


@dataclass(frozen=True)
class EventRecord:
    tie: str  # the tie's IRI
    event_id: int  # GLOBALEVENTID: `event_id(tie)`
    day: dt.date
    added: dt.date  # the day the report existed: its publication date, else the event's day
    actor1: Side  # the source of a directed tie; else the alphabetically first country
    actor2: Side
    directed: bool
    tie_type: str
    cameo: str
    goldstein: float | None
    mentions: int  # ties reporting the same dyad, type and day
    sources: int  # their distinct sources (publisher, else the URL's host)
    articles: int  # their distinct articles
    action_country: Country | None
    place: str | None  # the city or venue, when the article names it
    article: str  # the article's IRI
    source_url: str  # the article's URL, else its IRI (which dereferences on this server)
    source_name: str  # publisher, else the URL's host, else ""
    headline: str
    sentence: str | None  # the evidence sentence
    begin: int | None  # its offsets in the context
    end: int | None
    sentence_number: int | None
    in_lead: bool
    document_length: int
    confidence: float | None


def event_id(iri: str) -> int:
    """A stable integer for an IRI: the first 53 bits of its SHA-256.

    Derived from the IRI alone, so every export gives a tie the same id; 53 bits
    fit GDELT's integer column and stay exact as a double (R, JavaScript, a
    pandas column with gaps).
    """
    return int.from_bytes(hashlib.sha256(iri.encode("utf-8")).digest()[:8], "big") >> 11


def event_day(stated: dt.date | None, published: dt.date | None, cameo: str) -> dt.date | None:
    """The day an event is dated by, as event data sets date it: when it happened, as far as it is reported.

    An intent (CAMEO 03) happens when it is reported, whatever day the plan
    names; otherwise the event's own full date, unless it is after the report,
    which only a plan can be (the report's day, then). Without a full date the
    report's day; without either, none.
    """
    if published is not None and (cameo.startswith("03") or stated is None or stated > published):
        return published
    return stated


class TieReader:
    """Event records of the ties a selection keeps, in order of day, then tie IRI."""

    def __init__(self, select: Select, selection: Selection = Selection(), batch_ties: int = BATCH_TIES) -> None:
        self._select = select
        self.selection = selection
        self.batch_ties = batch_ties
        self.tables = tables()

    def __iter__(self) -> Iterator[EventRecord]:
        countries = self._countries()
        batch: list[dt.date] = []
        size = 0
        for day, ties in self._days():
            if batch and size + ties > self.batch_ties:
                yield from self._batch(batch, countries)
                batch, size = [], 0
            batch.append(day)
            size += ties
        if batch:
            yield from self._batch(batch, countries)

    # -- queries ----------------------------------------------------------------------------------

    def _countries(self) -> dict[str, Country]:
        """Every country of the store by IRI (a few hundred at most): ISO2, name, Wikidata QID."""
        countries: dict[str, Country] = {}
        for row in self._select(
            "SELECT ?c ?iso ?name ?same WHERE { ?c a akg:Country ; akg:isoCode ?iso "
            "OPTIONAL { ?c schema:name ?name } OPTIONAL { ?c owl:sameAs ?same } }"
        ):
            iso2 = row["iso"].value
            if iso2 not in self.tables.countries:
                continue
            same = row["same"]
            qid = same.value.removeprefix(WD) if same is not None and same.value.startswith(WD) else None
            name = row["name"].value if row["name"] is not None else iso2
            countries[row["c"].value] = Country(iso2, name, qid)
        return countries

    def _days(self) -> list[tuple[dt.date, int]]:
        """The days ties or their articles are dated by, in order, with how many ties each may hold."""
        bounds = [
            f"?day >= {_date(self.selection.since)}" if self.selection.since else "",
            f"?day <= {_date(self.selection.until)}" if self.selection.until else "",
        ]
        condition = " && ".join(["DATATYPE(?day) = xsd:date", *filter(None, bounds)])
        query = f"""SELECT ?day (COUNT(?tie) AS ?ties) WHERE {{
          {{ ?tie a akg:Tie ; schema:startDate ?day }}
          UNION {{ ?tie a akg:Tie ; prov:wasDerivedFrom ?article . ?article schema:datePublished ?day }}
          FILTER({condition})
        }} GROUP BY ?day ORDER BY ?day"""
        return [(dt.date.fromisoformat(day.value), int(ties.value)) for day, ties in self._select(query)]

    def _candidates(self, days: Sequence[dt.date]) -> list[str]:
        """The ties dated by one of `days` or reported on one of them, through the date indexes."""
        values = " ".join(_date(day) for day in days)
        narrow = ""
        if self.selection.country:
            narrow += f" ?tie akg:between ?country . ?country akg:isoCode {Literal(self.selection.country)} ."
        if self.selection.type:
            narrow += f" ?tie akg:tieType {Literal(self.selection.type)} ."
        # VALUES inside each branch: Oxigraph then looks each day up in the index instead of scanning.
        query = f"""SELECT DISTINCT ?tie WHERE {{
          {{ VALUES ?day {{ {values} }} ?tie schema:startDate ?day . ?tie a akg:Tie .{narrow} }}
          UNION {{ VALUES ?day {{ {values} }} ?article schema:datePublished ?day .
                   ?tie prov:wasDerivedFrom ?article . ?tie a akg:Tie .{narrow} }}
        }}"""
        return [row["tie"].value for row in self._select(query)]

    def _facts(self, subjects: Iterable[str], *predicates: str) -> Facts:
        """subject -> predicate -> objects, for the given subjects (and only the given predicates, if any)."""
        values = _iri_values(subjects)
        facts: Facts = defaultdict(lambda: defaultdict(list))
        if not values:
            return facts
        only = f"FILTER(?p IN ({', '.join(f'<{p}>' for p in predicates)}))" if predicates else ""
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o {only} }}"
        for subject, predicate, obj in self._select(query):
            facts[subject.value][predicate.value].append(obj)
        return facts

    def _signings(self, owners: Iterable[str]) -> dict[str, str]:
        """agreement -> the event that signed it, whose place and participants are the agreement's."""
        values = _iri_values(owners)
        if not values:
            return {}
        query = f"SELECT ?owner ?event WHERE {{ VALUES ?owner {{ {values} }} ?event akg:agreement ?owner }}"
        return {owner.value: event.value for owner, event in self._select(query)}

    def _office_holders(self, acts: dict[str, str], act_facts: Facts) -> dict[str, list[tuple[str, str, str]]]:
        """event -> (person's name, country IRI, office) of its participants with an office for a country, as
        the event's article states it (`acts`: event -> article).

        From the articles' side: the roles an article states are derived from it (`prov:wasDerivedFrom`), so the
        look-ups stay within the batch's articles however many other articles state the same office.
        """
        articles = _iri_values(acts.values())
        if not articles:
            return {}
        stated: dict[str, set[str]] = defaultdict(set)  # article -> roles it states
        query = f"""SELECT ?role ?article WHERE {{ VALUES ?article {{ {articles} }}
          ?role prov:wasDerivedFrom ?article ; a akg:Role }}"""
        for role, article in self._select(query):
            stated[article.value].add(role.value)
        roles = _iri_values(set().union(*stated.values()))
        held: dict[str, list[tuple[str, ...]]] = defaultdict(list)  # person -> (role, name, country, office)
        if roles:
            query = f"""SELECT ?person ?role ?name ?country ?office WHERE {{ VALUES ?role {{ {roles} }}
              ?role schema:roleName ?office ; akg:roleIn ?country .
              ?person akg:holdsRole ?role ; schema:name ?name }}"""
            for person, role, name, country, office in self._select(query):
                held[person.value].append((role.value, name.value, country.value, office.value))
        holders: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for event, article in acts.items():
            for person in _iris(act_facts[event], AKG + "participant"):
                for role, name, country, office in held.get(person, ()):
                    if role in stated[article] and (name, country, office) not in holders[event]:
                        holders[event].append((name, country, office))
        return holders

    # -- one batch --------------------------------------------------------------------------------

    def _batch(self, days: Sequence[dt.date], countries: dict[str, Country]) -> Iterator[EventRecord]:
        ties = self._facts(self._candidates(days))
        articles = self._facts(
            _known(_one(f, PROV + "wasDerivedFrom") for f in ties.values()),
            SCHEMA + "datePublished",
            SCHEMA + "url",
            SCHEMA + "headline",
            SCHEMA + "articleBody",
            SCHEMA + "publisher",
        )
        publishers = self._facts(_known(_one(f, SCHEMA + "publisher") for f in articles.values()), SCHEMA + "name")
        kept: dict[dt.date, list[_Tie]] = {day: [] for day in days}
        for iri, facts in ties.items():
            tie = _Tie.read(iri, facts, articles, publishers, countries, self.tables.quad_classes)
            if tie is not None and tie.day in kept:  # else it belongs to (and is read in) another batch
                kept[tie.day].append(tie)
        chosen = [tie for day in days for tie in sorted(kept[day], key=lambda t: t.iri)]
        if not chosen:
            return
        signings = self._signings(tie.owner for tie in chosen if tie.tie_type == "Agreement")
        acts = {signings.get(tie.owner, tie.owner): tie.article for tie in chosen}  # who acted, and where it is read
        # confidence is the tie's event's or agreement's; the place is where its act happened
        act_facts = self._facts(
            set(acts) | {tie.owner for tie in chosen}, AKG + "confidence", SCHEMA + "location", AKG + "participant"
        )
        place_facts = self._facts(
            _known(_one(f, SCHEMA + "location") for f in act_facts.values()), SCHEMA + "name", AKG + "country"
        )
        evidence = self._facts(_known(tie.evidence for tie in chosen), NIF + "beginIndex", NIF + "endIndex")
        holders = self._office_holders(acts, act_facts)
        contexts = {}  # article -> (headline length, headline + "\n\n" + body): once per article
        for iri, about in articles.items():
            headline, body = _value(about, SCHEMA + "headline") or "", _value(about, SCHEMA + "articleBody") or ""
            contexts[iri] = (len(headline), headline + HEADLINE_SEPARATOR + body)
        groups: dict[tuple, list[_Tie]] = defaultdict(list)
        for tie in chosen:
            groups[tie.group].append(tie)
        for tie in chosen:
            act = signings.get(tie.owner, tie.owner)
            yield self._record(
                tie,
                groups[tie.group],
                contexts[tie.article],
                _value(act_facts[tie.owner], AKG + "confidence"),
                _one(act_facts[act], SCHEMA + "location"),
                place_facts,
                evidence[tie.evidence or ""],
                holders.get(act, []),
                countries,
            )

    def _record(
        self,
        tie: _Tie,
        group: list[_Tie],
        text: tuple[int, str],
        confidence: str | None,
        place: str | None,
        place_facts: Facts,
        evidence: dict,
        holders: list[tuple[str, str, str]],
        countries: dict[str, Country],
    ) -> EventRecord:
        headline_length, context = text
        begin, end = _int(evidence, NIF + "beginIndex"), _int(evidence, NIF + "endIndex")
        span = (begin, end) if begin is not None and end is not None and 0 <= begin <= end <= len(context) else None
        sides = [self._side(iri, countries[iri], holders, context, span) for iri in tie.sides]
        action, place_name = None, None
        if place in countries:
            action = countries[place]
        elif place is not None:
            place_name = _value(place_facts[place], SCHEMA + "name")
            action = countries.get(_one(place_facts[place], AKG + "country") or "")
        elif tie.directed and tie.tie_type in ("Visit", "Meeting"):
            action = countries[tie.sides[1]]  # visitor -> host: it happened at the host's
        return EventRecord(
            tie=tie.iri,
            event_id=event_id(tie.iri),
            day=tie.day,
            added=tie.published or tie.day,
            actor1=sides[0],
            actor2=sides[1],
            directed=tie.directed,
            tie_type=tie.tie_type,
            cameo=tie.cameo,
            goldstein=tie.goldstein,
            mentions=len(group),
            sources=len({t.source_name for t in group}),
            articles=len({t.article for t in group}),
            action_country=action,
            place=place_name,
            article=tie.article,
            source_url=tie.url or tie.article,
            source_name=tie.source_name,
            headline=context[:headline_length],
            sentence=context[span[0] : span[1]] if span else None,
            begin=span[0] if span else None,
            end=span[1] if span else None,
            sentence_number=spans.sentence_number(context, headline_length, span[0]) if span else None,
            in_lead=span is not None and spans.in_lead(context, headline_length, span[0]),
            document_length=len(context),
            confidence=float(confidence) if confidence is not None else None,
        )

    def _side(
        self,
        iri: str,
        country: Country,
        holders: list[tuple[str, str, str]],
        context: str,
        span: tuple[int, int] | None,
    ) -> Side:
        """A side's office holders (named in the event with an office for this country) and its mention."""
        mine = [(name, office) for name, country_iri, office in holders if country_iri == iri]
        codes: list[str] = []
        icews: list[str] = []
        for sectors in filter(None, (self.tables.sectors(office) for _name, office in mine)):
            codes += [code for code in sectors.codes if code not in codes]
            icews += [label for label in sectors.icews if label not in icews]
        people = list(dict.fromkeys(name for name, _office in mine))
        alone = len(people) == 1
        mention = spans.find_actor(context, span[0], span[1], country.iso2, people) if span else None
        return Side(
            country,
            people[0] if alone else None,
            mine[0][1] if alone else None,
            tuple(codes[:3]),
            tuple(icews),
            mention,
        )


@dataclass(frozen=True)
class _Tie:
    """What a tie and its article say, enough to date, group and code it."""

    iri: str
    owner: str  # its event or agreement
    article: str
    sides: tuple[str, str]  # country IRIs: source, target when directed; else in ISO2 order
    directed: bool
    tie_type: str
    cameo: str
    goldstein: float | None
    day: dt.date
    published: dt.date | None
    evidence: str | None
    url: str | None
    source_name: str

    @property
    def group(self) -> tuple:
        """Same dyad (either direction), type and day: what GDELT's counts add up."""
        return frozenset(self.sides), self.tie_type, self.day

    @classmethod
    def read(
        cls,
        iri: str,
        facts: dict,
        articles: Facts,
        publishers: Facts,
        countries: dict[str, Country],
        cameo_codes: dict[str, int],
    ) -> _Tie | None:
        """The tie if it can be coded: a known CAMEO event code (not a root), two known countries, a day."""
        cameo, tie_type = _value(facts, AKG + "cameoCode"), _value(facts, AKG + "tieType")
        article, owner = _one(facts, PROV + "wasDerivedFrom"), _one(facts, AKG + "tieOf")
        between = sorted(
            {term.value for term in facts.get(AKG + "between", ())},
            key=lambda c: countries[c].iso2 if c in countries else c,
        )
        if (
            cameo is None
            or len(cameo) < 3
            or cameo not in cameo_codes
            or tie_type is None
            or article is None
            or owner is None
            or len(between) != 2
            or any(c not in countries for c in between)
        ):
            return None
        about = articles[article]
        published = _day(about, SCHEMA + "datePublished")
        day = event_day(_day(facts, SCHEMA + "startDate"), published, cameo)
        if day is None:
            return None
        source, target = _one(facts, AKG + "source"), _one(facts, AKG + "target")
        sides, directed = (between[0], between[1]), False
        if source is not None and target is not None and source in between and target in between and source != target:
            sides, directed = (source, target), True
        url = _one(about, SCHEMA + "url")
        publisher = _one(about, SCHEMA + "publisher") or _value(about, SCHEMA + "publisher")
        publisher_name = _value(publishers[publisher], SCHEMA + "name") if publisher in publishers else publisher
        goldstein = _value(facts, AKG + "goldstein")
        return cls(
            iri,
            owner,
            article,
            sides,
            directed,
            tie_type,
            cameo,
            float(goldstein) if goldstein is not None else None,
            day,
            published,
            _one(facts, AKG + "evidence"),
            url,
            publisher_name or (urlsplit(url).hostname or "" if url else ""),
        )


def _iri_values(iris: Iterable[str]) -> str:
    """The IRIs as the rows of a VALUES block, each once, in a stable order."""
    return " ".join(f"<{iri}>" for iri in sorted(set(iris)))


def _date(day: dt.date) -> str:
    return str(Literal(day.isoformat(), datatype=XSD_DATE))


def _one(facts: dict, predicate: str) -> str | None:
    """The IRI of a property's first object, if that is an IRI."""
    for term in facts.get(predicate, ()):
        if isinstance(term, NamedNode):
            return term.value
    return None


def _known(iris: Iterable[str | None]) -> set[str]:
    """The IRIs that are there, each once."""
    return {iri for iri in iris if iri is not None}


def _iris(facts: dict, predicate: str) -> list[str]:
    return [term.value for term in facts.get(predicate, ()) if isinstance(term, NamedNode)]


def _value(facts: dict, predicate: str) -> str | None:
    """The lexical form of a property's first literal."""
    for term in facts.get(predicate, ()):
        if isinstance(term, Literal):
            return term.value
    return None


def _int(facts: dict, predicate: str) -> int | None:
    value = _value(facts, predicate)
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


def _day(facts: dict, predicate: str) -> dt.date | None:
    """A full xsd:date value of the property; partial dates (gMonthDay, gYearMonth) are no day."""
    for term in facts.get(predicate, ()):
        if isinstance(term, Literal) and term.datatype == XSD_DATE:
            try:
                return dt.date.fromisoformat(term.value)
            except ValueError:
                return None
    return None
