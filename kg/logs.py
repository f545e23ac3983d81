"""Logging for the `kg` commands: standard `logging` to stderr, as text or as one JSON object a line.

Every module logs through `logging.getLogger(__name__)`; this module only
decides, once per process, where the records go and how they look
(`configure`), and gives commands the `--log-level`/`--log-format` options
(`log_options`). Structured fields (the access log's method, path, status,
bytes, ms, client) are passed as `extra={"fields": {...}}`: the text format
appends them as `key=value`, the JSON format as keys of the object, so a log
shipper needs no parsing.

`shorten` is how a query (or any client-supplied text) enters a log line: on
one line and cut to `LogSettings.query_chars` characters, so a 100 KB query
cannot flood the log.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

import click

from kg.config import LogSettings

_HANDLER_NAME = "kg"


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            line += " " + " ".join(f"{key}={_text_value(value)}" for key, value in fields.items())
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _text_value(value: object) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if not text or any(c in text for c in ' "=') else text


def configure(level: str | None = None, fmt: str | None = None, stream: TextIO | None = None) -> None:
    """Send this process's log records to `stream` (stderr) at `level`, as `fmt`; None = the default.

    Replaces the handler an earlier call installed, so calling it twice (tests,
    a command invoking another) does not print every line twice.
    """
    options = LogSettings(
        level=LogSettings.level if level is None else level, format=LogSettings.format if fmt is None else fmt
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if options.format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(options.level.upper())


def log_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Click decorator: `--log-level` and `--log-format` on a command, applied before its body runs."""

    @click.option(
        "--log-level",
        type=click.Choice(LogSettings.LEVELS),
        default=None,
        show_default=LogSettings.level,
        help="Least severe log records written to stderr.",
    )
    @click.option(
        "--log-format",
        type=click.Choice(LogSettings.FORMATS),
        default=None,
        show_default=LogSettings.format,
        help="text, or json (one object a line).",
    )
    @functools.wraps(command)
    def run(*args: Any, log_level: str | None, log_format: str | None, **kwargs: Any) -> Any:
        configure(log_level, log_format)
        return command(*args, **kwargs)

    return run


def shorten(text: str, limit: int = LogSettings.query_chars) -> str:
    """Client text for a log line: whitespace runs collapsed to one space, at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
