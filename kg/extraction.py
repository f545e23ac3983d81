"""What the extractor found in one article, before it becomes RDF.

Plain data classes: the extractor fills them, `kg.mapping` turns them into
quads, `kg eval` compares them with gold annotations. Offsets are character
offsets into the article's context string (headline + blank line + body).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kg.readers import Article
from kg.text import PreparedText


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from."""

    start: int
    end: int


@dataclass(frozen=True)
class Role:
    name: str  # "Deputy Foreign Minister"
    country: str | None = None  # ISO2 of the office, when stated
    organization: str | None = None  # slug of the organisation, when stated
    evidence: Evidence | None = None


@dataclass
class Person:
    slug: str
    name: str
    country: str | None = None
    roles: list[Role] = field(default_factory=list)


@dataclass
class Organization:
    slug: str
    name: str
    acronym: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Amount:
    """A sum of money as stated: an exact value, or a bound ("more than", "up to")."""

    currency: str
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    @property
    def figure(self) -> Decimal:
        return next(v for v in (self.value, self.min_value, self.max_value) if v is not None)


@dataclass(frozen=True)
class PartialDate:
    """A date as far as it is known; `year_inferred` when taken from the publication date."""

    month: int
    day: int | None = None
    year: int | None = None
    year_inferred: bool = False


@dataclass
class Agreement:
    parties: list[str]  # ISO2 codes
    organizations: list[str] = field(default_factory=list)  # organisation slugs
    count: int | None = None
    amounts: list[Amount] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    evidence: Evidence | None = None
    confidence: float = 0.5


@dataclass
class Event:
    type: str  # one of kg.vocab.EVENT_TYPES
    countries: list[str]  # ISO2 codes of every country involved
    persons: list[str] = field(default_factory=list)  # person slugs
    organizations: list[str] = field(default_factory=list)  # organisation slugs
    visitors: list[str] = field(default_factory=list)  # IRIs-to-be: "person:slug" / "country:KZ"
    hosts: list[str] = field(default_factory=list)
    donors: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    date: PartialDate | None = None
    place: str | None = None  # city name
    place_country: str | None = None
    amounts: list[Amount] = field(default_factory=list)
    agreement: int | None = None  # index into Extraction.agreements
    cameo: str | None = None
    goldstein: float | None = None
    intended: bool = False
    confidence: float = 0.5
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Tie:
    """A dyad: two countries that interact in one event or agreement (GDELT/ICEWS/PLOVER style).

    Its type, date, CAMEO code, Goldstein score and evidence are those of its event or agreement; the
    mapping reads them from there. `directed` when the text gives a direction (visitor → host, donor →
    recipient, exporter → importer, sender → receiver), as CAMEO records source and target.
    """

    source: str  # ISO2; for symmetric ties the alphabetically smaller code
    target: str  # ISO2, != source
    directed: bool
    event: int | None = None  # index into Extraction.events
    agreement: int | None = None  # index into Extraction.agreements (exactly one of the two is set)


@dataclass
class Extraction:
    article: Article
    text: PreparedText
    persons: dict[str, Person] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)  # ISO2, in order of first mention
    organizations: dict[str, Organization] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)  # events' ties in event order, then agreements'
