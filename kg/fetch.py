"""Polite, bounded HTTP fetching: the only way the tool reaches the web.

Every fetch — `kg ingest` of URLs and feeds, `kg watch` — goes through one
`Fetcher`, so the rules hold everywhere:

- robots.txt is honoured (RFC 9309: a 4xx robots.txt allows everything, an
  unreachable one disallows the whole host for now), its Crawl-delay too;
- one request at a time per host, `delay` seconds apart;
- the User-Agent names the tool, its home and the operator's contact;
- connect, read and whole-response timeouts, and a size cap that also
  bounds gzip decompression;
- http and https only, on every redirect hop too; redirect loops and chains
  longer than `max_redirects` are errors;
- the host name is resolved here and the connection goes to the very address
  that was checked, so loopback, private, link-local and other non-global
  addresses are refused (unless `allow_private`) even when a public name
  resolves to one or a redirect points at one.

The standard library's `http.client` is used rather than a client library
because pinning the connection to the checked address, refusing redirects
hop by hop and capping the body while it streams are exactly the parts such
libraries hide.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import SplitResult, quote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from kg.config import FetchSettings
from kg.sources.record import Skipped

log = logging.getLogger("kg.fetch")

HOME = "https://w3id.org/astana-kg/"
ROBOTS_AGENT = "astana-kg"  # the token robots.txt groups are matched against
ROBOTS_TTL = 24 * 3600.0  # seconds a robots.txt is trusted (RFC 9309 asks for at most a day)
ROBOTS_MAX_BYTES = 500_000  # RFC 9309: parse at least 500 KiB
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_TLS = ssl.create_default_context()


class FetchError(Skipped):
    """A fetch that failed, so the item is skipped: `reason` is countable ("HTTP 404", "timeout").

    `transient` failures (network errors, timeouts, 408, 425, 429, 5xx) are
    worth retrying later; the others will fail the same way again.
    """

    def __init__(self, url: str, reason: str, detail: str = "", *, transient: bool = False) -> None:
        super().__init__(url, reason, detail)
        self.url, self.transient = url, transient


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional request whose resource did not change
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None


def user_agent(settings: FetchSettings) -> str:
    try:
        release = version("astana-kg")
    except PackageNotFoundError:
        release = "dev"
    contact = f"; {settings.contact}" if settings.contact else ""
    return f"astana-kg/{release} (+{HOME}{contact})"


@dataclass
class _Robots:
    rules: RobotFileParser
    expires: float


@dataclass
class Fetcher:
    """Fetches one URL at a time under the rules above; keeps per-host timing and robots.txt rules."""

    settings: FetchSettings
    sleep: Callable[[float], object] = time.sleep  # `kg watch` passes one that SIGTERM interrupts
    _next_turn: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _robots: dict[str, _Robots] = field(default_factory=dict, init=False, repr=False)

    @property
    def user_agent(self) -> str:
        return user_agent(self.settings)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url`, conditionally when validators are given; transient failures are retried with backoff.

        Raises `FetchError` for anything but a 200 or 304 in the end.
        """
        attempt = 0
        while True:
            try:
                return self._follow(url, etag, last_modified)
            except FetchError as error:
                if not error.transient or attempt == self.settings.retries:
                    raise
                wait = self.settings.backoff * 2**attempt
                log.info("%s; retrying in %.1f s", error, wait)
                self.sleep(wait)
                attempt += 1

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets this tool fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(origin)
        if cached is None or cached.expires < time.monotonic():
            cached = self._robots[origin] = _Robots(self._read_robots(origin, url), time.monotonic() + ROBOTS_TTL)
        return cached.rules.can_fetch(ROBOTS_AGENT, url)

    # -- one request chain ----------------------------------------------------
    def _follow(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        *,
        robots: bool = True,
        max_bytes: int | None = None,
    ) -> Response:
        """One request chain; failures are reported against the URL asked for, naming the hop that failed."""
        first, seen = url, set()
        for _ in range(self.settings.max_redirects + 1):
            hop = "" if url == first else f"after a redirect to {url}"
            if problem := _scheme_problem(url):
                raise FetchError(first, problem, hop)
            try:
                address = self._resolve(url)
                if robots and not self.allowed(url):
                    raise FetchError(url, "disallowed by robots.txt")
                seen.add(url)
                response = self._request(url, address, etag, last_modified, max_bytes or self.settings.max_bytes)
            except FetchError as error:
                if not hop:
                    raise
                raise FetchError(first, error.reason, f"{hop}: {error.detail}", transient=error.transient) from error
            if response.status not in REDIRECTS:
                return response
            location = response.headers.get("location")
            if not location:
                raise FetchError(first, f"HTTP {response.status}", "redirect without a Location")
            target = urljoin(url, location.strip())
            if target in seen:
                raise FetchError(first, "redirect loop", f"{url} leads back to {target}")
            url = target
        raise FetchError(first, "too many redirects", f"more than {self.settings.max_redirects}")

    def _request(self, url: str, address: str, etag: str | None, last_modified: str | None, max_bytes: int) -> Response:
        parts = urlsplit(url)
        host, port = parts.hostname or "", _port(parts)
        headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_turn(parts.netloc)
        connection = _Pinned(host, port, address, self.settings, tls=parts.scheme == "https")
        started = time.monotonic()
        try:
            connection.request("GET", _target(parts.path, parts.query), headers=headers)
            reply = connection.getresponse()
            status = reply.status
            fields = {name.lower(): value for name, value in reply.getheaders()}
            body = b"" if status in REDIRECTS or status == 304 else self._read(url, reply, max_bytes, started)
        except FetchError:
            raise
        except TimeoutError as error:
            raise FetchError(url, "timeout", str(error) or "no answer in time", transient=True) from error
        except ssl.SSLError as error:
            raise FetchError(url, "TLS error", str(error)) from error
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(url, "network error", f"{type(error).__name__}: {error}", transient=True) from error
        finally:
            connection.close()
        log.debug("GET %s -> %s (%d bytes)", url, status, len(body))
        if status >= 400:
            raise FetchError(url, f"HTTP {status}", reply.reason, transient=status in (408, 425, 429) or status >= 500)
        if status not in REDIRECTS and status not in (200, 203, 304):
            raise FetchError(url, f"HTTP {status}", reply.reason)
        body = _decoded(url, body, fields.get("content-encoding", ""), max_bytes)
        return Response(url=url, status=status, headers=fields, body=body)

    def _read(self, url: str, reply: http.client.HTTPResponse, max_bytes: int, started: float) -> bytes:
        declared = reply.getheader("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(url, "too large", f"{int(declared):,} bytes, the cap is {max_bytes:,}")
        chunks, size = [], 0
        while chunk := reply.read1(_CHUNK):  # read1: whatever has arrived, so the deadline is checked often
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, "too large", f"over the cap of {max_bytes:,} bytes")
            if time.monotonic() - started > self.settings.total_timeout:
                raise FetchError(
                    url, "timeout", f"response took over {self.settings.total_timeout:g} s", transient=True
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _resolve(self, url: str) -> str:
        """The address to connect to: the first one the host resolves to that policy allows."""
        parts = urlsplit(url)
        host, port = parts.hostname or "", _port(parts)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(url, "network error", f"cannot resolve {host!r}: {error}", transient=True) from error
        refused = []
        for *_, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            plain = getattr(address, "ipv4_mapped", None) or address
            if plain.is_unspecified or plain.is_multicast:
                refused.append(f"{address} (not a host address)")
            elif plain.is_global or self.settings.allow_private:
                return str(address)
            else:
                refused.append(f"{address} ({_kind(plain)})")
        raise FetchError(url, "private address", f"{host} resolves to {', '.join(refused)}; --allow-private permits it")

    def _wait_turn(self, host: str) -> None:
        now = time.monotonic()
        turn = self._next_turn.get(host, now)
        if turn > now:
            self.sleep(turn - now)
        self._next_turn[host] = time.monotonic() + self._delay(host)

    def _delay(self, netloc: str) -> float:
        """The pause between two requests to a host: the setting, or the host's Crawl-delay if longer."""
        crawl_delay = 0.0
        for origin, robots in self._robots.items():
            if urlsplit(origin).netloc == netloc:
                crawl_delay = max(crawl_delay, float(robots.rules.crawl_delay(ROBOTS_AGENT) or 0))
        return max(self.settings.delay, crawl_delay)

    def _read_robots(self, origin: str, url: str) -> RobotFileParser:
        """The host's rules; a robots.txt that cannot be read now is a transient failure of the page itself.

        RFC 9309: a 4xx robots.txt means no rules; an unreachable one (5xx,
        network error) means the host may not be crawled for now. Failing the
        page as transient, and not caching that, makes `kg watch` try again
        later instead of losing the page for good.
        """
        rules = RobotFileParser(origin + "/robots.txt")
        try:
            response = self._follow(origin + "/robots.txt", None, None, robots=False, max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as error:
            status = error.reason.removeprefix("HTTP ")
            if not (status.isdigit() and 400 <= int(status) < 500):
                raise FetchError(
                    url, "robots.txt unreachable", f"{error.reason}: {error.detail}", transient=True
                ) from error
            rules.parse([])  # no rules: every path may be fetched
        else:
            rules.parse(response.body.decode("utf-8", "replace").splitlines())
        rules.modified()  # mark as read: an unread RobotFileParser allows nothing
        return rules


class _Pinned(http.client.HTTPConnection):
    """An HTTP(S) connection to a checked address, with the host name kept for Host and TLS (SNI, certificate)."""

    def __init__(self, host: str, port: int, address: str, settings: FetchSettings, *, tls: bool) -> None:
        super().__init__(host, port, timeout=settings.connect_timeout)
        self._address, self._read_timeout, self._tls = address, settings.read_timeout, tls

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.settimeout(self._read_timeout)
        if self._tls:
            self.sock = _TLS.wrap_socket(self.sock, server_hostname=self.host)


def _port(parts: SplitResult) -> int:
    try:
        return parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range or not a number
        return 0


def _scheme_problem(url: str) -> str | None:
    """Only http and https URLs with a host are fetched, on every hop."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not http(s): {parts.scheme or 'no scheme'}"
    return None if parts.hostname else "no host in URL"


def _target(path: str, query: str) -> str:
    """The request target, ASCII as HTTP wants it: IRI characters percent-encoded, existing escapes kept."""
    safe = "/%:@!$&'()*+,;=-._~"
    return quote(path or "/", safe=safe) + (f"?{quote(query, safe=safe + '?')}" if query else "")


def _decoded(url: str, body: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body without its Content-Encoding; decompression stops at the cap, so a gzip bomb is refused."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(url, "unsupported encoding", encoding)
    return gunzip(url, body, max_bytes, wbits=zlib.MAX_WBITS | 32)


def gunzip(url: str, data: bytes, max_bytes: int, wbits: int = zlib.MAX_WBITS | 16) -> bytes:
    """Decompress gzip (or, with the default `wbits | 32`, zlib) data, refusing more than `max_bytes`."""
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise FetchError(url, "bad compression", str(error)) from error
    if len(out) > max_bytes:
        raise FetchError(url, "too large", f"over the cap of {max_bytes:,} bytes once decompressed")
    return out


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    for name in ("loopback", "private", "link_local", "reserved"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "not public"
