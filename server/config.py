"""The server's own knobs, next to `kg.config.Settings` (where the store is, which IRIs it mints)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerConfig:
    write_token: str | None = None  # without it, updates and Graph Store writes answer 403
    query_timeout: float = 10.0  # seconds; a request may lower it, never raise it
    row_limit: int = 10_000  # rows (or triples) per result; more is cut and announced
    max_query_length: int = 100_000  # characters
    workers: int = 4  # query worker processes
    export_timeout: float = 600.0  # seconds until an export's first bytes
