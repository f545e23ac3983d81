"""The access log: one line per request, written when its body has been handed to the server in full.

A WSGI middleware rather than a Flask hook, because a streamed export is not
done when the view returns: the line's `bytes` and `ms` cover the whole body,
and a client that goes away mid-stream is logged with what it got. Headers are
never logged (they carry the write token); the path's query string is cut like
any client text (`kg.logs.shorten`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kg.logs import shorten

log = logging.getLogger("server.access")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AccessLog:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()
        status: list[int] = []

        def start(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[:] = [int(status_line.split(" ", 1)[0])]
            return start_response(status_line, headers, exc_info)

        return _LoggedBody(self.app(environ, start), environ, status, started)


class _LoggedBody:
    def __init__(self, body: Iterable[bytes], environ: dict[str, Any], status: list[int], started: float) -> None:
        self.body = body
        self.environ = environ
        self.status = status
        self.started = started
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            environ = self.environ
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": environ.get("REQUEST_METHOD"),
                        "path": shorten(path),
                        "status": self.status[0] if self.status else None,
                        "bytes": self.sent,
                        "ms": round((time.monotonic() - self.started) * 1000, 1),
                        "client": environ.get("REMOTE_ADDR"),
                    }
                },
            )
