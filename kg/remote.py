"""A triple store reached over HTTP: Virtuoso, Oxigraph server or any SPARQL 1.1 store.

Two sides, each the remote twin of the embedded store's:

* `RemoteStore` reads, behind the same interface as `kg.store.KnowledgeStore`
  (`kg.stores.QueryEngine`): SPARQL 1.1 Protocol queries over the union of
  the named graphs, graph listings and graph contents; and, for the server
  (`server.remote`), a query's answer parsed as it arrives (`answer`).
* `RemoteBackend` writes a batch's `StoreChange` (`kg.writer.Backend`): each
  article graph with one Graph Store Protocol PUT (the whole graph or nothing),
  drops and the shared graphs' triples with SPARQL Update in requests small
  enough for the server. Every request is idempotent, so a network error, a
  timeout or a 5xx is retried, and a batch cut short by a crash is re-applied
  by the next writer from the ledger's pending record (`kg.writer`).

Stores differ in small ways, gathered in `Dialect`: how to make the default
graph the union of the named graphs (Oxigraph server: a request parameter;
Virtuoso and most others: their own default), how to ask the server itself to
stop a query (Virtuoso's `timeout` in ms), how many triples one update may
carry (Virtuoso's SPARQL compiler gives up near 5,000), and that Virtuoso's
"anytime" answers are partial results flagged only in headers.

Credentials come from `KG_STORE_USER`/`KG_STORE_PASSWORD`, else from a netrc
file (`NETRC`, else `~/.netrc`) entry for the endpoint's host, and answer the
server's challenge (Digest, as Virtuoso asks, or Basic). They are never taken
from the command line, never put in a URL, and never logged or shown in an
error: messages name the store by its endpoint address only.
"""

from __future__ import annotations

import fcntl
import io
import itertools
import logging
import netrc
import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import pyoxigraph
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from kg.config import RemoteSettings
from kg.ledger import Ledger, LedgerError, StoreChange
from kg.store import StoreError, bump_generation
from kg.vocab import AKG, ONTOLOGY_GRAPH, PREFIXES, cube_graph

log = logging.getLogger("kg.remote")

#: Statuses worth another try: the request may succeed later, and every request here is idempotent.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
#: For queries, 500 is the store's own failure to evaluate (Virtuoso's compiler errors): trying again cannot help.
QUERY_RETRY_STATUSES = RETRY_STATUSES - {500}
#: The graph recording which ledger writes this store's data under a base IRI (outside the data's own graphs).
LEDGERS_GRAPH = "urn:x-astana-kg:ledgers"
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
WRITER_LOCK = "kg-writer.lock"
#: Bytes read from a response at a time (the deadline is checked between reads).
CHUNK = 256 * 1024

#: What a query answers: rows, a boolean, or triples.
Result = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | Iterator[pyoxigraph.Triple]


class RemoteStoreError(StoreError):
    """The remote store refused a request or could not be reached; the message names the store and the reason."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class QueryTimeoutError(RemoteStoreError):
    """A query took longer than its timeout: we stopped waiting (and asked the store to stop, where it can)."""


@dataclass(frozen=True)
class Dialect:
    name: str  # how messages name a store of this kind
    union_parameter: str | None  # request parameter that makes the default graph the union of the named graphs
    timeout_parameter: str | None  # request parameter giving the server's own query timeout, in milliseconds
    update_triples: int  # triples per INSERT DATA / DELETE DATA request
    lateral: bool  # evaluates Oxigraph's LATERAL (SEP-0006); if not, canned queries run in their portable form


DIALECTS = {
    "virtuoso": Dialect("Virtuoso", None, "timeout", 1000, lateral=False),
    "oxigraph": Dialect("Oxigraph server", "union-default-graph", None, 20_000, lateral=True),
    "sparql": Dialect("SPARQL store", None, None, 2000, lateral=False),
}


# -- credentials ----------------------------------------------------------------------------------


def credentials(url: str) -> tuple[str, str] | None:
    """User and password for an endpoint: the environment, else the netrc entry of its host, else none."""
    user, password = os.environ.get("KG_STORE_USER"), os.environ.get("KG_STORE_PASSWORD")
    if user or password:
        if not (user and password):
            raise RemoteStoreError("set both KG_STORE_USER and KG_STORE_PASSWORD, or neither")
        return user, password
    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.exists(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as error:  # the parser's message may quote the file: not shown
        raise RemoteStoreError(f"cannot read the netrc file {path} (line {getattr(error, 'lineno', '?')})") from None
    if entry is None:
        return None
    return entry[0] or "", entry[2] or ""


class ChallengeAuth(AuthBase):
    """Sends credentials only when the server asks, in the scheme it asks for: Digest or Basic."""

    def __init__(self, user: str, password: str) -> None:
        self._digest = HTTPDigestAuth(user, password)
        self._basic = HTTPBasicAuth(user, password)
        self._scheme_basic = False

    def __repr__(self) -> str:
        return "ChallengeAuth(<hidden>)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self._scheme_basic:
            return self._basic(request)
        request = self._digest(request)  # answers Digest challenges (and reuses the nonce afterwards)
        request.register_hook("response", self._answer_basic)
        return request

    def _answer_basic(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        challenge = response.headers.get("WWW-Authenticate", "").lower()
        if response.status_code != 401 or not challenge.startswith("basic") or self._scheme_basic:
            return response
        self._scheme_basic = True
        retry = response.request.copy()
        self._basic(retry)
        response.content  # noqa: B018 - read the body so the connection can be reused
        response.close()
        answer = response.connection.send(retry, **kwargs)
        answer.history.append(response)
        answer.request = retry
        return answer


# -- the HTTP client ------------------------------------------------------------------------------


class SparqlClient:
    """One store's endpoints over one HTTP session: retries, timeouts, credentials and clear errors."""

    def __init__(self, remote: RemoteSettings) -> None:
        self.remote = remote
        self.dialect = DIALECTS[remote.store_type]
        self.session = requests.Session()
        try:
            release = version("astana-kg")
        except PackageNotFoundError:
            release = "unknown"
        self.session.headers["User-Agent"] = f"astana-kg/{release} (+https://w3id.org/astana-kg/)"
        self._auth: dict[str, AuthBase | None] = {}

    @property
    def name(self) -> str:
        """The store as messages name it: its kind and query endpoint (never credentials)."""
        return f"{self.dialect.name} at {self.remote.query_endpoint}"

    def close(self) -> None:
        self.session.close()

    def _auth_for(self, url: str) -> AuthBase | None:
        host = urlsplit(url).netloc
        if host not in self._auth:
            found = credentials(url)
            self._auth[host] = ChallengeAuth(*found) if found else None
        return self._auth[host]

    def request(
        self,
        method: str,
        url: str,
        what: str,
        *,
        deadline: float | None = None,
        stream: bool = False,
        retry_statuses: frozenset[int] = RETRY_STATUSES,
        retry: bool = True,
        **kwargs: Any,
    ) -> requests.Response:
        """One exchange, retried on network errors, timeouts and retryable statuses; other errors raise at once.

        `deadline` (a `time.monotonic()` value) bounds the whole, retries
        included; without one, each try may take `request_timeout` seconds.
        Without `retry` (a request that may not be idempotent) it is tried once.
        """
        remote = self.remote
        tries = remote.retries if retry else 0
        if not retry:
            retry_statuses = frozenset()
        for attempt in itertools.count():
            wait = remote.request_timeout if deadline is None else deadline - time.monotonic()
            if wait <= 0:
                raise QueryTimeoutError(f"{self.name}: {what} took longer than its timeout", 503)
            started = time.monotonic()
            asked_pause = 0.0
            try:
                response = self.session.request(
                    method,
                    url,
                    timeout=(min(remote.connect_timeout, wait), wait),
                    auth=self._auth_for(url),
                    stream=stream,
                    **kwargs,
                )
            except requests.Timeout:
                if deadline is not None:
                    raise QueryTimeoutError(f"{self.name}: {what} took longer than its timeout", 503) from None
                failure = f"no answer within {wait:g} s"
            except requests.ConnectionError as error:
                failure = f"cannot connect ({_reason(error)})"
            else:
                log.debug(
                    "%s %s -> %d in %.0f ms", method, url, response.status_code, (time.monotonic() - started) * 1000
                )
                if response.status_code < 400:
                    return response
                if response.status_code not in retry_statuses:
                    raise self._refusal(response, what)
                failure = f"HTTP {response.status_code}"
                asked_pause = _seconds(response.headers.get("Retry-After", ""))
                response.close()
            pause = max(remote.backoff * 2**attempt, asked_pause)
            if attempt >= tries or (deadline is not None and time.monotonic() + pause >= deadline):
                raise RemoteStoreError(f"{self.name}: {what} failed after {attempt + 1} tries: {failure}", 502)
            log.warning("%s: %s: %s; retrying in %g s", self.name, what, failure, pause)
            time.sleep(pause)
        raise AssertionError("unreachable")

    def _refusal(self, response: requests.Response, what: str) -> RemoteStoreError:
        text = " ".join(response.text[:600].split())
        if response.status_code in (401, 403):
            hint = (
                "; give credentials with KG_STORE_USER and KG_STORE_PASSWORD or a netrc file"
                if response.status_code == 401
                else "; the account may lack the right to write"
            )
            return RemoteStoreError(
                f"{self.name}: {what} refused with HTTP {response.status_code}{hint}", response.status_code
            )
        return RemoteStoreError(
            f"{self.name}: {what} refused with HTTP {response.status_code}: {text}", response.status_code
        )

    # -- reading -----------------------------------------------------------------------------------

    def query(
        self,
        text: str,
        accept: str,
        *,
        timeout: float | None = None,
        union: bool = True,
        parameters: Mapping[str, str | list[str]] | None = None,
    ) -> tuple[str, bytes]:
        """Run a query; (content type, body). With `timeout` we stop waiting then, and ask the server to stop."""
        with self.answer(text, accept, timeout=timeout, union=union, parameters=parameters) as answer:
            return answer.media_type, answer.body.read()

    @contextmanager
    def answer(
        self,
        text: str,
        accept: str,
        *,
        timeout: float | None = None,
        union: bool = True,
        parameters: Mapping[str, str | list[str]] | None = None,
    ) -> Iterator[Answer]:
        """Run a query; its body is read as the caller reads it (no later than the timeout), then let go.

        With `union`, the default graph is the union of the named graphs
        (where the store takes a parameter for it, and no dataset is given).
        """
        form: dict[str, Any] = {"query": text, **(parameters or {})}
        if union and self.dialect.union_parameter and not parameters:
            form[self.dialect.union_parameter] = "true"
        if timeout is not None and self.dialect.timeout_parameter:
            form[self.dialect.timeout_parameter] = str(max(1, int(timeout * 1000)))
        deadline = None if timeout is None else time.monotonic() + timeout
        response = self.request(
            "POST",
            self.remote.query_endpoint,
            "query",
            deadline=deadline,
            stream=True,
            retry_statuses=QUERY_RETRY_STATUSES,
            data=form,
            headers={"Accept": accept},
        )
        with response:
            if response.headers.get("X-SQL-State") == "S1TAT":  # Virtuoso's "anytime" answer: partial rows
                raise QueryTimeoutError(f"{self.name}: the query ran out of time on the server", 503)
            yield Answer(
                response.headers.get("Content-Type", "").split(";")[0].strip(),
                io.BufferedReader(_Body(response, deadline, self.name)),
                "X-SPARQL-MaxRows" in response.headers,
            )

    # -- writing -----------------------------------------------------------------------------------

    def update(self, text: str, what: str, *, deadline: float | None = None, retry: bool = True) -> None:
        """Apply a SPARQL Update; `retry` only for updates that may be applied twice (all the writer's are)."""
        self.request(
            "POST",
            self.remote.update_endpoint,
            what,
            data=text.encode(),
            deadline=deadline,
            retry=retry,
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        ).close()

    def put_graph(self, graph: str, ntriples: str) -> None:
        """Replace one graph with the Graph Store Protocol: the server swaps it whole (or not at all)."""
        assert self.remote.graph_store_endpoint is not None
        self.request(
            "PUT",
            self.remote.graph_store_endpoint,
            f"replacing graph <{graph}>",
            params={"graph": graph},
            data=ntriples.encode(),
            headers={"Content-Type": f"{N_TRIPLES}; charset=utf-8"},
        ).close()


@dataclass(frozen=True)
class Answer:
    """A query's answer while it is being read: its media type, its body, and whether the store cut it short."""

    media_type: str
    body: IO[bytes]
    capped: bool  # the store cut the rows short at its own limit (Virtuoso's ResultSetMaxRows), and said so


class _Body(io.RawIOBase):
    """A response body read as the caller asks, no later than the deadline: a slow drip cannot hold a request
    beyond its timeout, and a caller that stops early (a row cap) has not read, or held, the rest."""

    def __init__(self, response: requests.Response, deadline: float | None, name: str) -> None:
        super().__init__()
        self._chunks = response.iter_content(CHUNK)
        self._rest = memoryview(b"")
        self._deadline = deadline
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._rest:
            self._rest = memoryview(self._next())
        target = memoryview(buffer).cast("B")
        size = min(len(target), len(self._rest))
        target[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size

    def readall(self) -> bytes:
        parts = [bytes(self._rest)]
        self._rest = memoryview(b"")
        while chunk := self._next():
            parts.append(chunk)
        return b"".join(parts)

    def _next(self) -> bytes:
        try:
            chunk = next(self._chunks, b"")
        except requests.RequestException as error:
            if self._deadline is not None and time.monotonic() > self._deadline:
                raise QueryTimeoutError(f"{self._name}: the answer took longer than the timeout", 503) from None
            raise RemoteStoreError(f"{self._name}: the answer broke off ({_reason(error)})", 502) from None
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise QueryTimeoutError(f"{self._name}: the answer took longer than the timeout", 503)
        return chunk


def _seconds(value: str) -> float:
    return float(value) if value.isdigit() else 0.0


def _reason(error: Exception) -> str:
    """The innermost cause of a connection error (refused, reset, name not known), without the request."""
    while error.__context__ is not None and error.__context__ is not error:
        error = error.__context__  # type: ignore[assignment]
    return str(error).split(": ", 1)[-1][:200] or type(error).__name__


# -- reading: the query engine --------------------------------------------------------------------


_PROLOGUE = re.compile(r"""\s+|\#[^\n]*|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>""")
_FORM = re.compile(r"(?i:SELECT|ASK|CONSTRUCT|DESCRIBE)\b")


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the word after the prologue (a query's form decides what to accept)."""
    position = 0
    while match := _PROLOGUE.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    form = _FORM.match(text, position)
    if form is None:
        raise RemoteStoreError(
            f"not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE): {text[position:][:60]!r}", 400
        )
    return form.group().upper()


_ACCEPT = {"SELECT": RESULTS_JSON, "ASK": RESULTS_JSON, "CONSTRUCT": N_TRIPLES, "DESCRIBE": N_TRIPLES}


def _parsed(form: str, body: bytes | IO[bytes]) -> Result:
    """A query's answer as pyoxigraph objects: solutions or a boolean (SPARQL JSON), else triples (N-Triples).

    Virtuoso 7 answers ASK as a SELECT of one column (`__ASK_RETVAL`), a row
    for true and none for false, in every format: read as the boolean it is.
    """
    if _ACCEPT[form] != RESULTS_JSON:
        return (quad.triple for quad in pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
    result = pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)
    if form == "ASK" and isinstance(result, pyoxigraph.QuerySolutions):
        answer = "true" if next(iter(result), None) is not None else "false"
        return pyoxigraph.parse_query_results(
            f'{{"head": {{}}, "boolean": {answer}}}', format=pyoxigraph.QueryResultsFormat.JSON
        )
    return result


def with_prefixes(text: str) -> str:
    """The query with the project's prefixes declared first (a query may declare them again)."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()) + text


class RemoteStore:
    """Reads a remote store; the remote implementation of `kg.stores.QueryEngine`.

    The store's graphs are those the writer writes: the article graphs, the
    entities and cube graphs (all under the base IRI) and the ontology graph.
    A shared store may hold other graphs, and Virtuoso holds its own: exports,
    counts and checks leave them out (`own_graphs`), while queries see the
    store's default graph as configured (see README, "Using an existing
    triple store").
    """

    def __init__(self, remote: RemoteSettings, base_iri: str) -> None:
        self.client = SparqlClient(remote)
        self.base_iri = base_iri

    @property
    def description(self) -> str:
        return self.client.name

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def own_graphs(self, variable: str = "?g") -> str:
        """A SPARQL expression true for the graphs the writer writes."""
        return f'(STRSTARTS(STR({variable}), "{self.base_iri}") || {variable} = <{ONTOLOGY_GRAPH}>)'

    def query(
        self,
        text: str,
        *,
        timeout: float | None = None,
        prefixes: bool = False,
        union: bool = True,
        parameters: Mapping[str, str | list[str]] | None = None,
    ) -> Result:
        """Evaluate a query over the union of the named graphs (unless `parameters` give a dataset, or not
        `union`: the query's own `FROM` dataset)."""
        text = with_prefixes(text) if prefixes else text
        form = query_form(text)
        _, body = self.client.query(text, _ACCEPT[form], timeout=timeout, union=union, parameters=parameters)
        return _parsed(form, body)

    @contextmanager
    def answer(
        self,
        text: str,
        *,
        timeout: float | None = None,
        union: bool = True,
        parameters: Mapping[str, str | list[str]] | None = None,
    ) -> Iterator[tuple[Result, bool]]:
        """A query's result read from the store as the caller iterates it, and whether the store capped it.

        The answer is parsed as it arrives, so a caller that stops early (a row
        cap) never holds the rest; the connection closes when the block ends.
        `union=False` leaves the dataset to the query (`FROM`).
        """
        form = query_form(text)
        with self.client.answer(text, _ACCEPT[form], timeout=timeout, union=union, parameters=parameters) as answer:
            yield _parsed(form, answer.body), answer.capped

    def select(self, text: str) -> Iterator[pyoxigraph.QuerySolution]:
        """Rows of a SELECT over the union of the graphs, with the project's prefixes predeclared."""
        result = self.query(text, prefixes=True)
        if not isinstance(result, pyoxigraph.QuerySolutions):
            raise TypeError(f"not a SELECT query: {text[:60]!r}")
        return iter(result)

    def count(self, text: str) -> int:
        term = next(self.select(text))["n"]
        return int(term.value) if term is not None else 0

    def graph_sizes(self) -> Iterator[tuple[str, int]]:
        """(graph, triples) of every graph of ours, by IRI; paged by key, so no server row cap cuts it short."""
        last = ""
        while True:
            rows = list(
                self.select(f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{
                GRAPH ?g {{ ?s ?p ?o }} FILTER({self.own_graphs()} && STR(?g) > {_string(last)})
            }} GROUP BY ?g ORDER BY STR(?g) LIMIT {self.client.remote.page_size}""")
            )
            if not rows:
                return
            for row in rows:
                yield row["g"].value, int(row["n"].value)
            last = rows[-1]["g"].value

    def graph_names(self) -> list[str]:
        return [graph for graph, _ in self.graph_sizes()]

    def __len__(self) -> int:
        return self.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER{self.own_graphs()} }}")

    def quads(self, graph: str | None = None) -> Iterator[pyoxigraph.Quad]:
        """Every quad of one graph, or of all our graphs, each read whole and checked against its size.

        A graph's name reaches a query only once pyoxigraph has read it as an
        IRI (the server passes names from request paths): a ValueError if not.
        """
        sizes = (
            dict(self.graph_sizes())
            if graph is None
            else {
                graph: self.count(
                    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {pyoxigraph.NamedNode(graph)} {{ ?s ?p ?o }} }}"
                )
            }
        )
        for name, size in sizes.items():
            node = pyoxigraph.NamedNode(name)
            triples = list(self._triples(name, size))
            if len(triples) != size:
                raise RemoteStoreError(
                    f"{self.description}: graph <{name}> has {size} triples but {len(triples)} "
                    "came back; does the store cap results (Virtuoso: ResultSetMaxRows)? "
                    "Lower the page size below that cap"
                )
            for triple in triples:
                yield pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, node)

    def _triples(self, graph: str, size: int) -> Iterator[pyoxigraph.Triple]:
        page = self.client.remote.page_size
        if size <= page:
            yield from self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")  # type: ignore[misc]
            return
        for offset in range(0, size, page):
            rows = self.query(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
                f"ORDER BY ?s ?p ?o LIMIT {page} OFFSET {offset}"
            )
            yield from (pyoxigraph.Triple(row["s"], row["p"], row["o"]) for row in rows)  # type: ignore[union-attr]


def _string(value: str) -> str:
    return str(pyoxigraph.Literal(value))


# -- writing: the backend -------------------------------------------------------------------------


class RemoteBackend:
    """Applies store changes to a remote store; the remote implementation of `kg.writer.Backend`.

    Order, chosen so that readers never see an article whose entities are not
    described: shared-graph additions first (new entity descriptions, labels),
    then dropped and replaced article graphs (one PUT each), then the tie cube's
    change (one request when it fits, so its totals switch at once), then the
    entity triples no article needs any more. A crash anywhere leaves the
    ledger's pending record, and re-applying the whole change is harmless.
    """

    def __init__(self, remote: RemoteSettings, state_dir: Path, base_iri: str) -> None:
        self.store = RemoteStore(remote, base_iri)
        self.client = self.store.client
        self.state_dir = state_dir
        self.base_iri = base_iri
        state_dir.mkdir(parents=True, exist_ok=True)
        self._lock: IO[str] | None = open(state_dir / WRITER_LOCK, "w")  # noqa: SIM115 - held while writing
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise StoreError(
                f"{self.client.name} is being written by another `kg` process using the state "
                f"directory {state_dir}; only one writer at a time is possible"
            ) from None

    def close(self) -> None:
        self.store.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> RemoteBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def adopt(self, ledger: Ledger) -> None:
        """Check that this ledger is the one that writes the store's data, and say so in the store.

        The ledger is what keeps the entities graph and the cube exact; a second
        ledger (another state directory, a lost one) writing the same data
        would silently break them, so that is refused before anything is written.
        """
        rows = list(
            self.store.select(f"SELECT ?id WHERE {{ GRAPH <{LEDGERS_GRAPH}> {{ <{self.base_iri}> akg:ledger ?id }} }}")
        )
        marked = {row["id"].value for row in rows}
        own = ledger.meta("ledger_id")
        where = f"the state directory {self.state_dir}"
        if own is not None and own in marked:
            return
        if marked:
            raise LedgerError(
                f"{self.client.name} holds data under {self.base_iri} written with another ledger "
                f"than the one in {where}; write from there (--state-dir), or use another base IRI"
            )
        if own is not None and ledger.meta("ontology") is not None:
            raise LedgerError(
                f"{self.client.name} does not hold the data that the ledger in {where} records "
                "(was the store emptied?); remove that directory to start afresh"
            )
        if own is None:
            if self.store.graph_names():
                raise LedgerError(
                    f"{self.client.name} already holds graphs under {self.base_iri} that no `kg` "
                    "ledger records; drop them first, or use another base IRI"
                )
            own = str(uuid.uuid4())
            with ledger.transaction():  # first the ledger: a crash before the mark below just marks again
                ledger.set_meta("ledger_id", own)
                ledger.set_meta("store", self.client.remote.query_endpoint)
        self.client.update(
            f"INSERT DATA {{ GRAPH <{LEDGERS_GRAPH}> {{ <{self.base_iri}> <{AKG}ledger> {_string(own)} }} }}",
            "recording the ledger",
        )

    def apply(self, change: StoreChange) -> None:
        cube = cube_graph(self.base_iri)
        additions = {graph: lines for graph, lines in change.insert.items() if graph != cube}
        removals = {graph: lines for graph, lines in change.delete.items() if graph != cube}
        self._data("INSERT", additions)
        self._drop(change.drop)
        for graph, text in change.graphs.items():
            self._replace(graph, text)
        self._cube(change.delete.get(cube, []), change.insert.get(cube, []), cube)
        self._data("DELETE", removals)

    def bump_generation(self) -> None:
        """Count the write in the state directory, as the embedded store does in its own (for local readers)."""
        bump_generation(self.state_dir)

    def compact(self) -> None:
        """Nothing: a triple store server reclaims what was deleted by itself, and SPARQL has no request for it."""

    def _data(self, verb: str, triples: Mapping[str, list[str]]) -> None:
        for graph, lines in triples.items():
            for chunk in _chunks(lines, self.client.dialect.update_triples):
                self.client.update(_data_block(verb, graph, chunk), f"{verb} DATA on <{graph}>")

    def _drop(self, graphs: Iterable[str]) -> None:
        for chunk in _chunks(list(graphs), 200):
            self.client.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in chunk), "dropping graphs")

    def _replace(self, graph: str, text: str) -> None:
        if not text:
            self._drop([graph])
        elif self.client.remote.graph_store_endpoint is not None:
            self.client.put_graph(graph, text)
        else:
            lines = text.splitlines(keepends=True)
            chunks = list(_chunks(lines, self.client.dialect.update_triples))
            self.client.update(
                f"DROP SILENT GRAPH <{graph}> ;\n{_data_block('INSERT', graph, chunks[0])}",
                f"replacing graph <{graph}>",
            )
            for chunk in chunks[1:]:
                self.client.update(_data_block("INSERT", graph, chunk), f"replacing graph <{graph}>")

    def _cube(self, deletes: list[str], inserts: list[str], graph: str) -> None:
        limit = self.client.dialect.update_triples
        if deletes and inserts and len(deletes) + len(inserts) <= limit:
            self.client.update(
                f"{_data_block('DELETE', graph, deletes)} ;\n{_data_block('INSERT', graph, inserts)}",
                "updating the tie cube",
            )
            return
        self._data("DELETE", {graph: deletes})
        self._data("INSERT", {graph: inserts})


def _data_block(verb: str, graph: str, lines: list[str]) -> str:
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n{''.join(lines)}}} }}"


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
