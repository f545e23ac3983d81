"""Search for the canned queries: the ledger's full-text index, or a scan of the labels where a store has none.

The writer keeps SQLite FTS5 indexes of entity names and of headlines and
article text beside the store (`kg.ledger`), exact in the same write as the
articles; a look-up reads only as many matches as the page shows, whatever
the archive's size (`Ledger.search` gives the order). A canned query cannot
call SQLite, so `search-labels` declares a full-text parameter (`?_q_fts`, see
`server.canned`) that this module resolves to the best-matching IRIs, each
with its rank (1 for the best); SPARQL then adds their labels and kinds.

A store without a ledger (a copy made with `kg export` and loaded elsewhere,
or one written by other tools) has no index, and a ledger an older release
wrote cannot be searched until the next write upgrades it. Search then still
works, by a substring scan over names, labels and headlines in a query worker
(on behalf of the client who searches, under the query timeout and the
client's limits), which grows with the store: the server logs that once, and
`FullText.indexed` lets pages say so.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from pyoxigraph import Literal

from kg.ledger import LEDGER_FILE, Ledger, LedgerError, ranked, search_words
from server.service import QueryService
from server.sparql_text import replace_variables
from server.state import client

log = logging.getLogger("kg.server")

#: The scan used without an index: every word of the text in a name, label, acronym or headline.
_SCAN = """PREFIX akg: <https://w3id.org/astana-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?resource (MAX(?score) AS ?best) WHERE {
  VALUES (?class ?kind) { (akg:Person "Person") (akg:Country "Country") (akg:Organization "Organization")
                          (akg:Place "Place") (akg:Article "Article") }
  ?resource a ?class .
  FILTER(?kind IN (?kinds))
  { ?resource rdfs:label ?text } UNION { ?resource schema:name ?text }
  UNION { ?resource schema:alternateName ?text } UNION { ?resource schema:headline ?text }
  FILTER(?words)
  # A name before a headline; text that starts with the first word, then a word in it that does.
  BIND(LCASE(STR(?text)) AS ?lower)
  BIND(CONCAT(" ", REPLACE(?lower, "[^a-z0-9\u00c0-\uffff]+", " ")) AS ?spaced)
  BIND(IF(STRSTARTS(?lower, ?first), 3, IF(CONTAINS(?spaced, CONCAT(" ", ?first)), 2, 1))
       + IF(?kind = "Article", 0, 3) AS ?score)
} GROUP BY ?resource ORDER BY DESC(?best) ?resource LIMIT ?limit"""
_KINDS = ("Person", "Country", "Organization", "Place", "Article")


class FullText:
    """Answers full-text parameters for one store; safe to share between the server's threads."""

    def __init__(self, store: Path, service: QueryService) -> None:
        self.path = store / LEDGER_FILE
        self.service = service
        self._ledger: Ledger | None = None
        self._lock = threading.Lock()
        self._warned = False

    @property
    def indexed(self) -> bool:
        ledger = self._open()
        if ledger is None:
            return False
        with self._lock:
            return ledger.searchable

    def __call__(self, text: str, limit: int, kinds: tuple[str, ...] = ()) -> list[tuple[str, int]]:
        """(IRI, rank) of the best matches of `text`, best first (rank 1): every word must match, as a prefix."""
        ledger = self._open()
        if ledger is not None:
            with self._lock:  # one SQLite connection, used by one thread at a time
                try:
                    return ledger.matches(text, limit, kinds)
                except LedgerError as error:  # written by an older release, not yet upgraded
                    self._warn(f"search: {error}; scanning labels until then")
        return ranked(self._scan(text, limit, kinds))

    def _open(self) -> Ledger | None:
        """The ledger, opened read-only on first use (a store may get one after the server started)."""
        if self._ledger is None and self.path.is_file():
            with self._lock:
                if self._ledger is None:
                    try:
                        self._ledger = Ledger(self.path, read_only=True)
                    except LedgerError as error:
                        log.warning("search: %s; falling back to scanning labels", error)
        if self._ledger is None:
            self._warn(
                f"search: no full-text index at {self.path} (the store was not written by `kg ingest`); "
                "searching scans names and headlines, which slows down as the store grows"
            )
        return self._ledger

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning("%s", message)

    def _scan(self, text: str, limit: int, kinds: tuple[str, ...]) -> list[str]:
        needles = [str(Literal(word.lower())) for word in search_words(text)]
        if not needles:
            return []
        query = replace_variables(
            _SCAN,
            {
                "kinds": ", ".join(str(Literal(kind)) for kind in kinds or _KINDS),
                "words": " && ".join(f"CONTAINS(LCASE(STR(?text)), {needle})" for needle in needles),
                "first": needles[0],
                "limit": str(int(limit)),
            },
        )
        return [row["resource"]["value"] for row in self.service.select(query, client=client())]
