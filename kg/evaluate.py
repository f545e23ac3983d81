"""`kg eval GOLD.jsonl`: how well the *graph* agrees with hand-annotated articles.

The gold articles are ingested into a temporary on-disk store exactly as
`kg ingest` would, and every prediction is read back from that store with
SPARQL, one article graph at a time — so the score measures what analysts
query, including the mapping, not only the extractor's Python objects.

Categories and how a prediction is read from an article graph:

* persons — `schema:name` of every `akg:Person` the article `schema:mentions`;
* countries — `akg:isoCode` of every mentioned `akg:Country`;
* organizations — mentioned `akg:Organization`s; a gold name matches when it
  equals the organisation's `schema:name` or its `schema:alternateName` (acronym);
* event_types — the classes of the events the article `akg:reports`, intended
  ones included: the gold annotates what an article *reports*, and an announced
  visit is still reported as a Visit (`akg:isIntended` only qualifies it);
* bilateral — the unordered pairs of the article's `akg:Tie`s (their two
  `akg:between` countries), one pair per dyad whatever its direction; an
  event or agreement with several dyads gives several pairs;
* agreements — a predicted agreement matches a gold one when their sets of
  *country* parties (ISO2) are equal — organisations such as the EU or the WHO
  are parties in the graph but not in the gold — one-to-one, in order; it is a
  true positive only if, where the gold gives them, the count is equal and a
  USD amount (value, minValue or maxValue) lies within 1 % of `value_usd`.
  A match with the wrong count or value is both a miss and a false positive.

Names are compared case-, diacritics- and punctuation-insensitively. Scores are
micro-averaged over articles (true/false positives and negatives summed).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph

from kg.config import Settings
from kg.ingest import ingest
from kg.pipeline import Pipeline
from kg.readers import Article, read_jsonl
from kg.store import KnowledgeStore
from kg.vocab import AKG, EVENT_TYPES, SCHEMA

CATEGORIES = ("persons", "countries", "organizations", "event_types", "bilateral", "agreements")
#: How many misses of each kind `Report.__str__` prints per article.
MISSES_SHOWN = 8
VALUE_TOLERANCE = Decimal("0.01")

_PREFIXES = f"PREFIX akg: <{AKG}>\nPREFIX schema: <{SCHEMA}>\n"


def name_key(text: str) -> str:
    """Lenient comparison key: no case, diacritics, punctuation or leading "the"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text.replace("'s", "").replace("’s", ""))
    return " ".join(words[1:] if words[:1] == ["the"] else words)


# -- gold -----------------------------------------------------------------------
@dataclass(frozen=True)
class GoldAgreement:
    parties: frozenset[str]  # ISO2 codes
    count: int | None = None
    value_usd: Decimal | None = None


@dataclass
class GoldArticle:
    article: Article
    persons: set[str]
    countries: set[str]
    organizations: set[str]
    event_types: set[str]
    bilateral: set[tuple[str, str]]
    agreements: list[GoldAgreement]


def load_gold(path: str | Path) -> list[GoldArticle]:
    """Gold articles in file order; the article fields are validated by `kg.readers`."""
    path = Path(path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = []
    for number, (record, article) in enumerate(zip(records, read_jsonl(path), strict=True), start=1):
        # A unique id keeps two gold items with the same headline in two graphs.
        article = dataclasses.replace(article, id=article.id or f"gold-{number}")
        gold.append(
            GoldArticle(
                article=article,
                persons={name_key(p) for p in record.get("persons", [])},
                countries={c.upper() for c in record.get("countries", [])},
                organizations={name_key(o) for o in record.get("organizations", [])},
                event_types=set(record.get("event_types", [])),
                bilateral={tuple(sorted(c.upper() for c in pair)) for pair in record.get("bilateral", [])},
                agreements=[_gold_agreement(a) for a in record.get("agreements", [])],
            )
        )
    return gold


def _gold_agreement(record: dict) -> GoldAgreement:
    parties = frozenset(p.upper() for p in record.get("parties", []))
    value = record.get("value_usd")
    return GoldAgreement(parties, record.get("count"), Decimal(str(value)) if value is not None else None)


# -- predictions, read back from the store -------------------------------------------
@dataclass(frozen=True)
class PredictedAgreement:
    parties: frozenset[str]  # ISO2 codes of the country parties
    count: int | None
    usd: tuple[Decimal, ...]


@dataclass
class Predicted:
    persons: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    organizations: dict[str, set[str]] = field(default_factory=dict)  # org IRI → its name keys
    event_types: set[str] = field(default_factory=set)
    bilateral: set[tuple[str, str]] = field(default_factory=set)
    agreements: list[PredictedAgreement] = field(default_factory=list)


def read_predictions(store: KnowledgeStore, graphs: Iterable[str]) -> dict[str, Predicted]:
    """What each article graph says, keyed by graph IRI."""
    found = {graph: Predicted() for graph in graphs}

    def rows(query: str) -> Iterator[tuple[Predicted, pyoxigraph.QuerySolution]]:
        solutions = store.oxigraph.query(_PREFIXES + query, use_default_graph_as_union=True)
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise TypeError(f"not a SELECT query: {query[:60]!r}")
        for solution in solutions:
            graph = solution["g"].value
            if graph in found:
                yield found[graph], solution

    for p, row in rows("SELECT ?g ?n { GRAPH ?g { ?g schema:mentions ?x } ?x a akg:Person ; schema:name ?n }"):
        p.persons.add(name_key(row["n"].value))
    for p, row in rows("SELECT ?g ?c { GRAPH ?g { ?g schema:mentions ?x } ?x a akg:Country ; akg:isoCode ?c }"):
        p.countries.add(row["c"].value)
    for p, row in rows("""SELECT ?g ?x ?n { GRAPH ?g { ?g schema:mentions ?x } ?x a akg:Organization .
                          { ?x schema:name ?n } UNION { ?x schema:alternateName ?n } }"""):
        p.organizations.setdefault(row["x"].value, set()).add(name_key(row["n"].value))
    types = {AKG + t: t for t in EVENT_TYPES}
    for p, row in rows("SELECT ?g ?t { GRAPH ?g { ?g akg:reports ?e . ?e a ?t } }"):
        if row["t"].value in types:
            p.event_types.add(types[row["t"].value])
    for p, row in rows("""SELECT ?g (MIN(?c) AS ?a) (MAX(?c) AS ?b) {
                          GRAPH ?g { ?t a akg:Tie ; akg:between ?x } ?x akg:isoCode ?c }
                          GROUP BY ?g ?t HAVING (COUNT(DISTINCT ?c) = 2)"""):
        p.bilateral.add((row["a"].value, row["b"].value))
    _read_agreements(rows, found)
    return found


def _read_agreements(rows, found: dict[str, Predicted]) -> None:
    agreements: dict[tuple[str, str], PredictedAgreement] = {}
    for _, row in rows("""SELECT ?g ?a (GROUP_CONCAT(DISTINCT ?c) AS ?parties) (SAMPLE(?n) AS ?count)
                          (GROUP_CONCAT(DISTINCT STR(?v)) AS ?usd) {
                          GRAPH ?g { ?g akg:reports ?a . ?a a akg:Agreement .
                            OPTIONAL { ?a akg:agreementCount ?n }
                            OPTIONAL { ?a akg:value ?m . ?m schema:currency "USD" ; ?p ?v .
                                       FILTER(?p IN (schema:value, schema:minValue, schema:maxValue)) } }
                          OPTIONAL { GRAPH ?g { ?a akg:party ?x } ?x akg:isoCode ?c } }
                          GROUP BY ?g ?a ORDER BY ?g ?a"""):
        key = (row["g"].value, row["a"].value)
        parties, count, usd = (row[name].value if row[name] is not None else "" for name in ("parties", "count", "usd"))
        agreements[key] = PredictedAgreement(
            frozenset(parties.split()), int(count) if count else None, tuple(Decimal(v) for v in usd.split())
        )
    for (graph, _), agreement in agreements.items():
        found[graph].agreements.append(agreement)


# -- scoring --------------------------------------------------------------------------
@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ArticleMisses:
    title: str
    missed: dict[str, list[str]]  # category → gold items not predicted (false negatives)
    spurious: dict[str, list[str]]  # category → predictions not in the gold (false positives)


@dataclass
class Report:
    articles: int
    scores: dict[str, Score]
    misses: list[ArticleMisses]

    def __str__(self) -> str:
        lines = [
            f"{self.articles} gold articles",
            "",
            f"{'category':<14} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}",
        ]
        for name, s in self.scores.items():
            lines.append(f"{name:<14} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:5} {s.fp:5} {s.fn:5}")
        for article in self.misses:
            lines += ["", article.title]
            for label, table in (("missed", article.missed), ("spurious", article.spurious)):
                for category, items in table.items():
                    more = f" … (+{len(items) - MISSES_SHOWN})" if len(items) > MISSES_SHOWN else ""
                    lines.append(f"  {label} {category}: {', '.join(items[:MISSES_SHOWN])}{more}")
        return "\n".join(lines)


def _compare(gold: set, predicted: set) -> tuple[Score, list, list]:
    missed, spurious = gold - predicted, predicted - gold
    return Score(len(gold & predicted), len(spurious), len(missed)), sorted(missed), sorted(spurious)


def _compare_organizations(gold: set[str], predicted: dict[str, set[str]]) -> tuple[Score, list, list]:
    """An organisation matches through its name or its acronym, and counts once."""
    unmatched = dict(predicted)
    missed = []
    for name in sorted(gold):
        hit = next((iri for iri, names in unmatched.items() if name in names), None)
        if hit is None:
            missed.append(name)
        else:
            del unmatched[hit]
    spurious = sorted(min(names, key=len, default=iri) for iri, names in unmatched.items())
    return Score(len(gold) - len(missed), len(spurious), len(missed)), missed, spurious


def _agreement_ok(gold: GoldAgreement, predicted: PredictedAgreement) -> bool:
    if gold.count is not None and predicted.count != gold.count:
        return False
    if gold.value_usd is not None:
        return any(abs(v - gold.value_usd) <= VALUE_TOLERANCE * gold.value_usd for v in predicted.usd)
    return True


def _compare_agreements(gold: list[GoldAgreement], predicted: list[PredictedAgreement]) -> tuple[Score, list, list]:
    unmatched = list(predicted)
    score, missed = Score(), []
    for item in gold:
        hit = next((p for p in unmatched if p.parties == item.parties), None)
        if hit is not None:
            unmatched.remove(hit)
        if hit is not None and _agreement_ok(item, hit):
            score.tp += 1
            continue
        score.fn += 1
        missed.append(_describe(item.parties, item.count, item.value_usd and (item.value_usd,)))
        if hit is not None:  # right parties, wrong count or value: a miss and a false positive
            score.fp += 1
            missed[-1] += f" ≠ predicted {_describe(hit.parties, hit.count, hit.usd)}"
    spurious = [_describe(p.parties, p.count, p.usd) for p in unmatched]
    score.fp += len(spurious)
    return score, missed, spurious


def _describe(parties: Iterable[str], count: int | None, usd) -> str:
    text = "+".join(sorted(parties)) or "?"
    if count is not None:
        text += f" ×{count}"
    if usd:
        text += " $" + "/".join(format(v, ",f") for v in usd)
    return text


def score(gold: list[GoldArticle], predictions: list[Predicted]) -> Report:
    """Micro-averaged scores over all articles, and per-article misses."""
    totals = {category: Score() for category in CATEGORIES}
    misses = []
    for item, predicted in zip(gold, predictions, strict=True):
        results = {
            "persons": _compare(item.persons, predicted.persons),
            "countries": _compare(item.countries, predicted.countries),
            "organizations": _compare_organizations(item.organizations, predicted.organizations),
            "event_types": _compare(item.event_types, predicted.event_types),
            "bilateral": _compare(item.bilateral, predicted.bilateral),
            "agreements": _compare_agreements(item.agreements, predicted.agreements),
        }
        article = ArticleMisses(item.article.title, {}, {})
        for category, (result, missed, spurious) in results.items():
            total = totals[category]
            total.tp, total.fp, total.fn = total.tp + result.tp, total.fp + result.fp, total.fn + result.fn
            if missed:
                article.missed[category] = [_show(m) for m in missed]
            if spurious:
                article.spurious[category] = [_show(s) for s in spurious]
        if article.missed or article.spurious:
            misses.append(article)
    return Report(len(gold), totals, misses)


def _show(item) -> str:
    return "-".join(item) if isinstance(item, tuple) else str(item)


def evaluate(gold_path: str | Path, settings: Settings) -> Report:
    """Ingest the gold articles into a temporary store and score the graph it holds."""
    gold = load_gold(gold_path)
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as directory:
        predictions = _ingest_and_read(Pipeline(settings), [item.article for item in gold], Path(directory))
        gc.collect()  # the store (and rdflib's view of it) must be gone before its directory is removed
    return score(gold, predictions)


def _ingest_and_read(pipeline: Pipeline, articles: list[Article], directory: Path) -> list[Predicted]:
    settings = dataclasses.replace(pipeline.settings, store=directory / "store")
    ingest(articles, settings, pipeline=pipeline)
    with KnowledgeStore(settings.store, read_only=True) as store:
        graphs = [pipeline.builder.article_iri(article).value for article in articles]
        found = read_predictions(store, graphs)
    return [found[graph] for graph in graphs]
