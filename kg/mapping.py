"""Turn an `Extraction` into RDF: the triples of the article's own graph, and its entity descriptions.

Each triple has exactly one home. What only this article says (the article, its
mentions, events, agreements, ties, amounts and evidence) goes to the article's
named graph; how a person, country, organisation, role or place is described
(types, names, codes, roles) is shared by every article that mentions it and
goes to the one entities graph, where the writer keeps a reference count per
triple (`kg.ledger`). Oxigraph's union default graph keeps duplicates, so a
description repeated in every article graph made joins grow quadratically.

IRIs are deterministic (derived from names, ISO codes, the article's key and
positions within the article), so ingesting the same article again produces the
very same triples.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pyoxigraph import Literal, NamedNode

from kg import vocab
from kg.extraction import Amount, Event, Evidence, Extraction, PartialDate, Role, Tie
from kg.gazetteer import Gazetteer
from kg.iris import article_key, slugify
from kg.readers import Article
from kg.vocab import OWL_SAME_AS, RDF_TYPE, RDFS_LABEL, akg, nif, prov, schema

XSD = vocab.XSD


def article_slug(article: Article) -> str:
    """The article's stable key: its id, else its URL, else its headline (see `kg.iris.article_key`)."""
    return article_key(article.id, article.url, article.title)


def _decimal(value: Decimal | float) -> Literal:
    return Literal(format(Decimal(str(value)).normalize(), "f"), datatype=NamedNode(XSD + "decimal"))


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))


def _title_case(role_name: str) -> str:
    """One spelling per office, whichever way an article capitalised it: role IRIs are shared."""
    return " ".join(
        word if word in ("of", "and", "for", "on", "the") or word.isupper() else word[:1].upper() + word[1:]
        for word in role_name.split()
    )


def date_literal(date: PartialDate) -> Literal:
    """xsd:date when the day and year are known; gMonthDay / gYearMonth otherwise."""
    if date.year and date.day:
        return Literal(f"{date.year:04d}-{date.month:02d}-{date.day:02d}", datatype=NamedNode(XSD + "date"))
    if date.day:
        return Literal(f"--{date.month:02d}-{date.day:02d}", datatype=NamedNode(XSD + "gMonthDay"))
    if date.year:
        return Literal(f"{date.year:04d}-{date.month:02d}", datatype=NamedNode(XSD + "gYearMonth"))
    return Literal(f"--{date.month:02d}", datatype=NamedNode(XSD + "gMonth"))


class GraphBuilder:
    """Mints IRIs under a base and writes one article's quads."""

    def __init__(self, base_iri: str, gazetteer: Gazetteer) -> None:
        self.base = base_iri
        self.gazetteer = gazetteer

    def iri(self, kind: str, key: str) -> NamedNode:
        return NamedNode(f"{self.base}{kind}/{key}")

    def article_iri(self, article: Article) -> NamedNode:
        return self.iri("article", article_slug(article))

    def entity_triples(self, ex: Extraction) -> Iterator[tuple]:
        """This article's contribution to the entities graph: the descriptions of what it refers to."""
        for iso2 in self._all_countries(ex):
            yield from self._country(iso2)
        for org in ex.organizations.values():
            org_iri = self.iri("organization", org.slug)
            yield from self._named(org_iri, "Organization", org.name)
            if org.acronym:
                yield org_iri, schema("alternateName"), Literal(org.acronym)
        for person in ex.persons.values():
            person_iri = self.iri("person", person.slug)
            yield from self._named(person_iri, "Person", person.name)
            if person.country:
                yield person_iri, akg("country"), self.iri("country", person.country)
            for role in person.roles:
                role_iri = self._role_iri(person.slug, role)
                yield person_iri, akg("holdsRole"), role_iri
                yield from self._role_description(role_iri, role)
        for event in ex.events:
            if event.place:
                yield from self._place(event.place, event.place_country)
        if ex.article.publisher:
            yield from self._named(
                self.iri("organization", slugify(ex.article.publisher)), "Organization", ex.article.publisher
            )

    # -- the article and what it mentions ---------------------------------
    def article_triples(self, ex: Extraction, article_iri: NamedNode) -> Iterator[tuple]:
        """The triples of the article's own named graph: what only this article says."""
        article = ex.article
        yield article_iri, RDF_TYPE, akg("Article")
        yield article_iri, schema("headline"), Literal(article.title)
        yield article_iri, schema("articleBody"), Literal(article.text)
        yield article_iri, RDFS_LABEL, Literal(article.title)
        if article.published:
            yield (
                article_iri,
                schema("datePublished"),
                Literal(article.published.isoformat(), datatype=NamedNode(XSD + "date")),
            )
        if article.url:
            yield article_iri, schema("url"), NamedNode(article.url)
        if article.id:
            yield article_iri, schema("identifier"), Literal(article.id)
        if article.publisher:  # the outlet, an organisation like any other (not a mention); described with them
            yield article_iri, schema("publisher"), self.iri("organization", slugify(article.publisher))
        if article.origin and article.origin.startswith(("http://", "https://")):  # the feed or sitemap, not a file
            yield article_iri, prov("hadPrimarySource"), NamedNode(article.origin)
        if article.language:
            yield article_iri, schema("inLanguage"), Literal(article.language)
        if ex.text.dateline:
            yield article_iri, schema("dateline"), Literal(ex.text.dateline)
        yield from self._context(ex, article_iri)

        for iso2 in ex.countries:
            yield article_iri, schema("mentions"), self.iri("country", iso2)
        for org in ex.organizations.values():
            yield article_iri, schema("mentions"), self.iri("organization", org.slug)
        for person in ex.persons.values():
            yield article_iri, schema("mentions"), self.iri("person", person.slug)
            for role in person.roles:
                yield from self._evidence(ex, article_iri, self._role_iri(person.slug, role), role.evidence, None)

        for index, agreement in enumerate(ex.agreements, start=1):
            yield from self._agreement(ex, article_iri, index, agreement)
        for index, event in enumerate(ex.events, start=1):
            yield from self._event(ex, article_iri, index, event)
        for tie in ex.ties:
            yield from self._tie(ex, article_iri, tie)

    @staticmethod
    def _named(iri: NamedNode, cls: str, name: str) -> Iterator[tuple]:
        yield iri, RDF_TYPE, akg(cls)
        yield iri, schema("name"), Literal(name)
        yield iri, RDFS_LABEL, Literal(name)

    def _all_countries(self, ex: Extraction) -> list[str]:
        """Every country the article refers to, so each is described in the entities graph."""
        codes = dict.fromkeys(ex.countries)
        codes.update(dict.fromkeys(p.country for p in ex.persons.values() if p.country))
        codes.update(dict.fromkeys(r.country for p in ex.persons.values() for r in p.roles if r.country))
        codes.update(dict.fromkeys(c for e in ex.events for c in e.countries))
        codes.update(dict.fromkeys(e.place_country for e in ex.events if e.place_country))
        codes.update(dict.fromkeys(c for a in ex.agreements for c in a.parties))
        return [code for code in codes if code in self.gazetteer.countries]

    def _country(self, iso2: str) -> Iterator[tuple]:
        country = self.gazetteer.countries[iso2]
        iri = self.iri("country", iso2)
        yield iri, RDF_TYPE, akg("Country")
        yield iri, schema("name"), Literal(country.name)
        yield iri, RDFS_LABEL, Literal(country.name, language="en")
        yield iri, akg("isoCode"), Literal(country.iso2)
        yield iri, akg("iso3Code"), Literal(country.iso3)
        yield iri, OWL_SAME_AS, NamedNode(vocab.WD + country.wikidata)

    def _context(self, ex: Extraction, article_iri: NamedNode) -> Iterator[tuple]:
        context = self._context_iri(ex, article_iri)
        yield context, RDF_TYPE, nif("Context")
        yield context, RDF_TYPE, nif("OffsetBasedString")
        yield context, nif("isString"), Literal(ex.text.context)
        yield context, nif("beginIndex"), _integer(0)
        yield context, nif("endIndex"), _integer(len(ex.text.context))
        yield context, nif("sourceUrl"), article_iri

    @staticmethod
    def _context_iri(ex: Extraction, article_iri: NamedNode) -> NamedNode:
        return NamedNode(f"{article_iri.value}#char=0,{len(ex.text.context)}")

    def _evidence(
        self,
        ex: Extraction,
        article_iri: NamedNode,
        subject: NamedNode,
        evidence: Evidence | None,
        confidence: float | None,
    ) -> Iterator[tuple]:
        yield subject, prov("wasDerivedFrom"), article_iri
        if confidence is not None:
            yield subject, akg("confidence"), _decimal(round(confidence, 3))
        if evidence is None:
            return
        sentence = NamedNode(f"{article_iri.value}#char={evidence.start},{evidence.end}")
        yield subject, akg("evidence"), sentence
        yield sentence, RDF_TYPE, nif("OffsetBasedString")
        yield sentence, nif("anchorOf"), Literal(ex.text.context[evidence.start : evidence.end])
        yield sentence, nif("beginIndex"), _integer(evidence.start)
        yield sentence, nif("endIndex"), _integer(evidence.end)
        yield sentence, nif("referenceContext"), self._context_iri(ex, article_iri)

    # -- roles, agreements, events ------------------------------------------
    def _role_iri(self, person_slug: str, role: Role) -> NamedNode:
        holder = role.country or role.organization or "x"
        return self.iri("role", f"{person_slug}--{slugify(_title_case(role.name))}--{slugify(holder)}")

    def _role_description(self, role_iri: NamedNode, role: Role) -> Iterator[tuple]:
        name = _title_case(role.name)
        yield role_iri, RDF_TYPE, akg("Role")
        yield role_iri, schema("roleName"), Literal(name)
        yield role_iri, RDFS_LABEL, Literal(name)
        if role.country:
            yield role_iri, akg("roleIn"), self.iri("country", role.country)
        elif role.organization:
            yield role_iri, akg("roleIn"), self.iri("organization", role.organization)

    def _place(self, name: str, country: str | None) -> Iterator[tuple]:
        place = self.iri("place", slugify(name))
        yield place, RDF_TYPE, akg("Place")
        yield place, schema("name"), Literal(name)
        yield place, RDFS_LABEL, Literal(name)
        if country:
            yield place, akg("country"), self.iri("country", country)

    def _amounts(self, owner: NamedNode, key: str, amounts: list[Amount]) -> Iterator[tuple]:
        for number, amount in enumerate(amounts, start=1):
            iri = self.iri("amount", f"{key}-{number}")
            yield owner, akg("value"), iri
            yield iri, RDF_TYPE, schema("MonetaryAmount")
            yield iri, schema("currency"), Literal(amount.currency)
            for prop, value in (
                ("value", amount.value),
                ("minValue", amount.min_value),
                ("maxValue", amount.max_value),
            ):
                if value is not None:
                    yield iri, schema(prop), _decimal(value)

    def _agreement_key(self, ex: Extraction, index: int) -> str:
        return f"{article_slug(ex.article)}-{index}"

    def _agreement(self, ex: Extraction, article_iri: NamedNode, index: int, agreement) -> Iterator[tuple]:
        key = self._agreement_key(ex, index)
        iri = self.iri("agreement", key)
        yield article_iri, akg("reports"), iri
        yield iri, RDF_TYPE, akg("Agreement")
        names = [self.gazetteer.countries[c].name for c in agreement.parties if c in self.gazetteer.countries]
        yield iri, RDFS_LABEL, Literal("Agreement between " + " and ".join(names) if names else "Agreement")
        for iso2 in agreement.parties:
            yield iri, akg("party"), self.iri("country", iso2)
        for slug in agreement.organizations:
            if slug in ex.organizations:
                yield iri, akg("party"), self.iri("organization", slug)
        if agreement.count:
            yield iri, akg("agreementCount"), _integer(agreement.count)
        for sector in agreement.sectors:
            yield iri, akg("sector"), Literal(sector)
        yield from self._amounts(iri, f"agreement-{key}", agreement.amounts)
        yield from self._evidence(ex, article_iri, iri, agreement.evidence, agreement.confidence)

    def _event(self, ex: Extraction, article_iri: NamedNode, index: int, event) -> Iterator[tuple]:
        key = f"{article_slug(ex.article)}-{index}"
        iri = self.iri("event", key)
        yield article_iri, akg("reports"), iri
        yield iri, RDF_TYPE, akg(event.type)
        yield iri, RDFS_LABEL, Literal(self._event_label(ex, event))
        # Only entities the article graph describes: a rule may have dropped a mention after events used it.
        for slug in event.persons:
            if slug in ex.persons:
                yield iri, akg("participant"), self.iri("person", slug)
        for slug in event.organizations:
            if slug in ex.organizations:
                yield iri, akg("participant"), self.iri("organization", slug)
        for iso2 in event.countries:
            yield iri, akg("involvesCountry"), self.iri("country", iso2)
        for prop, refs in (
            ("visitor", event.visitors),
            ("host", event.hosts),
            ("donor", event.donors),
            ("recipient", event.recipients),
        ):
            for ref in refs:
                kind, _, local = ref.partition(":")
                yield iri, akg(prop), self.iri(kind, local)
                yield iri, akg("participant"), self.iri(kind, local)
        if event.date:
            yield iri, schema("startDate"), date_literal(event.date)
            if event.date.year_inferred:
                yield iri, akg("dateInferred"), _boolean(True)
        if event.place:
            yield iri, schema("location"), self.iri("place", slugify(event.place))
        if event.agreement is not None:
            yield iri, akg("agreement"), self.iri("agreement", self._agreement_key(ex, event.agreement + 1))
        if event.cameo:
            yield iri, akg("cameoCode"), Literal(event.cameo)
        if event.goldstein is not None:
            yield iri, akg("goldstein"), _decimal(event.goldstein)
        yield iri, akg("isIntended"), _boolean(event.intended)
        yield from self._amounts(iri, f"event-{key}", event.amounts)
        yield from self._evidence(ex, article_iri, iri, event.evidence, event.confidence)

    def _tie(self, ex: Extraction, article_iri: NamedNode, tie: Tie) -> Iterator[tuple]:
        """One dyad of an event or agreement: `tie/{key}-e{n}-{SOURCE}-{TARGET}` (`-a{n}-` for agreements).

        Type, date, CAMEO code, Goldstein score and evidence are its event's; an agreement's tie takes them
        from the signing that points at the agreement, and its type is "Agreement". The evidence is the
        event's own NIF string, already described by the event.
        """
        slug = article_slug(ex.article)
        event: Event | None
        if tie.event is not None:
            event, owner = ex.events[tie.event], self.iri("event", f"{slug}-{tie.event + 1}")
            key, tie_type, evidence = f"e{tie.event + 1}", event.type, event.evidence
        elif tie.agreement is not None:
            agreement = ex.agreements[tie.agreement]
            owner = self.iri("agreement", self._agreement_key(ex, tie.agreement + 1))
            event = next(
                (
                    e
                    for e in sorted(ex.events, key=lambda e: e.type != "AgreementSigning")
                    if e.agreement == tie.agreement
                ),
                None,
            )
            key, tie_type, evidence = f"a{tie.agreement + 1}", "Agreement", agreement.evidence
        else:
            raise ValueError(
                f"tie {tie.source}-{tie.target} of {ex.article.source} has neither an event nor an agreement"
            )
        iri = self.iri("tie", f"{slug}-{key}-{tie.source}-{tie.target}")
        source, target = self.iri("country", tie.source), self.iri("country", tie.target)
        yield iri, RDF_TYPE, akg("Tie")
        yield iri, akg("tieOf"), owner
        yield iri, akg("between"), source
        yield iri, akg("between"), target
        if tie.directed:
            yield iri, akg("source"), source
            yield iri, akg("target"), target
        yield iri, akg("tieType"), Literal(tie_type)
        if event is not None and event.date:
            yield iri, schema("startDate"), date_literal(event.date)
        if event is not None and event.goldstein is not None:
            yield iri, akg("goldstein"), _decimal(event.goldstein)
        if event is not None and event.cameo:
            yield iri, akg("cameoCode"), Literal(event.cameo)
        if evidence is not None:
            yield iri, akg("evidence"), NamedNode(f"{article_iri.value}#char={evidence.start},{evidence.end}")
        yield iri, prov("wasDerivedFrom"), article_iri

    def _event_label(self, ex: Extraction, event) -> str:
        names = [ex.persons[s].name for s in event.persons if s in ex.persons]
        names += [
            self.gazetteer.countries[c].name
            for c in event.countries
            if c in self.gazetteer.countries and len(names) < 2
        ]
        label = event.type if not names else f"{event.type}: {', '.join(dict.fromkeys(names))}"
        return label + (" (intended)" if event.intended else "")
