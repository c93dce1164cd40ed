"""HTTP fetching with a pooled session: manual redirects, retries with backoff, size and time caps, conditional GET.

Two safeguards live below the requests API, in the connections urllib3 makes for our session:
- the deadline: a process-wide watchdog shuts down the socket of a response still incomplete when its deadline
  passes, so a server that drips its status line and headers a byte at a time (each within read_timeout)
  cannot hold a worker longer than the deadline;
- the address policy (untrusted fetches, see addresses.py): each new connection resolves its host once,
  refuses it if any address is forbidden, and connects to exactly the vetted addresses (no DNS rebinding
  between check and connect); the Host header, TLS SNI and certificate check still use the host name.
"""
from __future__ import annotations

import heapq
import http
import http.client
import itertools
import logging
import os
import random
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Protocol, Sequence
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions
import urllib3.response
import urllib3.util.connection
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from checker import __version__
from checker.crawl import headers
from checker.crawl.addresses import HINT, AddressBlocked, AddressPolicy
from checker.crawl.cookies import HostCookies, refusing_jar
from checker.decode import looks_binary
from checker.models import Fetched

HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
# What a licensor feed or an originals manifest may be served as.
FEED_TYPES: tuple[str, ...] = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/json", "text/plain", "application/x-yaml", "text/yaml",
)
# An originals source URL may be a feed, a manifest or a licensor article page.
SOURCE_TYPES: tuple[str, ...] = HTML_TYPES + FEED_TYPES
# Accepting one of these lets gzip bodies through unopened (otherwise refused as binary content).
GZIP_TYPES: tuple[str, ...] = ("application/gzip", "application/x-gzip")

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
log = logging.getLogger("syndicheck.fetch")


def human_size(n: int) -> str:
    """10485760 -> "10 MiB"; used in messages about size caps."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:g} {unit}" if n % factor == 0 else f"{n / factor:.1f} {unit}"
    return f"{n} bytes"


def _secs(x: float) -> str:
    return f"{x:g} s"


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to fetch; the defaults suit a nightly crawl."""

    user_agent: str = f"syndicheck/{__version__} (+https://github.com/syndicheck/syndicheck)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence between two packets
    deadline: float = 60.0  # whole response, headers to last byte (defeats slow-drip servers)
    max_bytes: int = 10 * 1024 * 1024  # of the decoded body, so compression cannot smuggle more past it
    max_redirects: int = 5
    retries: int = 2  # extra attempts after connection errors, 429 and 5xx
    backoff: float = 0.5  # first retry waits about this long, doubling each time, plus jitter
    retry_after_cap: float = 30.0  # a longer Retry-After is an error rather than a wait
    accept_types: tuple[str, ...] = HTML_TYPES
    extra_headers: tuple[tuple[str, str], ...] = ()  # e.g. (('From', 'ops@example.org'),)
    # URLs come from feeds, sitemaps, start pages and redirects (the audit): enforce the address policy
    # (addresses.py). False for `syndicheck check`, whose targets the user typed.
    untrusted: bool = False
    allow_private_addresses: bool = False  # with untrusted: non-public addresses allowed (not cloud metadata)
    # Trusted fetches (`check`): a redirect from a public host to a private or loopback one is not followed
    # unless this is set (--allow-private-redirects). Cloud metadata addresses are never fetched, by any command.
    allow_private_redirects: bool = False
    pool_maxsize: int = 2  # connections kept per host: the audit has one request in flight per host, check --jobs


class _Failure(Exception):
    """Internal: a fetch problem described for humans, turned into Fetched(error=...)."""

    def __init__(self, message: str, status_code: Optional[int] = None):
        super().__init__(message)
        self.message, self.status_code = message, status_code


def _parse_content_type(value: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """'text/html; charset="UTF-8"' -> ("text/html", "utf-8")."""
    if not value:
        return None, None
    parts = value.split(";")
    mime = parts[0].strip().lower() or None
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").strip().lower() or None
    return mime, charset


def _check_codings(response: requests.Response, status: int) -> None:
    """Refuse a body in a content coding we cannot undo: checked as raw bytes it would read as "not a copy"."""
    decodable = set(urllib3.response.HTTPResponse.CONTENT_DECODERS)
    for coding in headers.content_codings(response.headers.get("Content-Encoding")):
        if coding not in decodable:
            raise _Failure(f"response body in content coding '{coding}', which syndicheck cannot decode "
                           f"(it decodes {', '.join(sorted(decodable))})", status)


def _type_accepted(mime: str, accepted: Iterable[str]) -> bool:
    for pattern in accepted:
        pattern = pattern.lower()
        if pattern in ("*/*", mime) or (pattern.endswith("/*") and mime.startswith(pattern[:-1])):
            return True
    return False


def _describe_types(accepted: Sequence[str]) -> str:
    return "HTML" if set(accepted) <= set(HTML_TYPES) else f"an accepted type ({', '.join(accepted)})"


_retry_after = headers.retry_after  # tests and older callers import it from here


def _reason(status: int, given: Optional[str]) -> str:
    # The standard phrase reads the same whatever the server's capitalisation ("NOT FOUND").
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return (given or "").strip()


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (requests -> urllib3 -> socket), outermost first."""
    seen: list[BaseException] = []
    todo: list[Optional[BaseException]] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo.extend([getattr(e, "reason", None) if isinstance(getattr(e, "reason", None), BaseException) else None,
                      e.__cause__, e.__context__])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return seen


def _describe_connection_error(exc: BaseException, url: str, settings: FetchSettings) -> tuple[str, bool]:
    """(human reason, worth retrying) for an exception raised while connecting or waiting for headers."""
    if isinstance(exc, (ValueError, UnicodeError, requests.exceptions.InvalidSchema)):
        return f"invalid URL {url}", False
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    chain = _chain(exc)
    if any(isinstance(e, requests.exceptions.ConnectTimeout) for e in chain):
        return f"timed out after {_secs(settings.connect_timeout)} connecting", True
    if any(isinstance(e, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, socket.timeout))
           for e in chain):
        # A server that sat silent this long will likely do it again; do not triple the wait.
        return f"timed out after {_secs(min(settings.read_timeout, settings.deadline))} waiting for a response", False
    if any(isinstance(e, (urllib3.exceptions.NameResolutionError, socket.gaierror)) for e in chain):
        return f"DNS lookup failed for host {host}", False
    if any(isinstance(e, requests.exceptions.SSLError) for e in chain):
        return f"TLS/SSL error talking to {host}", False
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused", True
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "connection reset by the server", True
    if any(isinstance(e, requests.exceptions.ProxyError) for e in chain):
        return "proxy error", True
    limit = _client_limit(chain)
    if limit:
        return limit, False
    if any(isinstance(e, http.client.UnknownProtocol) for e in chain):
        return "the server answered in an HTTP version syndicheck does not speak", False
    if any(isinstance(e, http.client.BadStatusLine) and not isinstance(e, ConnectionError) for e in chain):
        return "the server sent a malformed status line, not an HTTP response", False
    if any(isinstance(e, (http.client.RemoteDisconnected, urllib3.exceptions.ProtocolError)) for e in chain):
        return "connection closed by the server without a response", True
    return f"connection failed: {exc.__class__.__name__}", True


def _client_limit(chain: Sequence[BaseException]) -> Optional[str]:
    """The client-side limit a response broke (http.client's caps on header lines and header count), if any:
    said as ours, not as the server closing the connection."""
    for e in chain:
        if isinstance(e, http.client.LineTooLong):
            what = "status line" if "status line" in str(e) else "header line"
            return (f"response {what} longer than {human_size(getattr(http.client, '_MAXLINE', 65536))} "
                    "(a client-side limit of syndicheck)")
        if isinstance(e, http.client.HTTPException) and "headers" in str(e) and "more than" in str(e):
            return (f"more than {getattr(http.client, '_MAXHEADERS', 100)} response headers "
                    "(a client-side limit of syndicheck)")
    return None


# ------------------------------------------------------------------------------------ deadline watchdog


class _Deadline:
    """One response's deadline: past it, the watchdog shuts down the connection the response arrives on.

    It holds its own duplicate of the connection's socket descriptor (shutdown() acts on the connection, not on
    one descriptor), taken as soon as the TCP connection exists: so it also reaches a TLS handshake in progress
    (wrapping detaches the plain socket object) and a `Connection: close` response (http.client drops conn.sock
    once the headers are in), and the duplicate cannot be closed and reused under it by another thread.
    """

    __slots__ = ("when", "expired", "done", "sock", "_twin", "_lock")

    def __init__(self, when: float):
        self.when = when
        self.expired = False  # the watchdog fired: whatever the read saw next was cut off by us
        self.done = False
        self.sock: Optional[socket.socket] = None  # the connection's own socket (read timeouts are set on it)
        self._twin: Optional[socket.socket] = None  # our duplicate descriptor of it, to shut down
        self._lock = threading.Lock()

    def watch(self, sock: socket.socket) -> None:
        """Called by our connections in the fetching thread for each socket the request uses."""
        with self._lock:
            if self.done or sock is self.sock:
                return
            twin = self._twin
        try:
            fd = sock.fileno()
            # The same TCP connection (e.g. now wrapped in TLS) has the same local address; a new connection
            # cannot, since our duplicate keeps the old one's port taken.
            same = twin is not None and fd >= 0 and twin.getsockname() == sock.getsockname()
        except OSError:
            return
        if same:
            with self._lock:
                self.sock = sock
            return
        if fd < 0:
            return
        try:
            twin = socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(fd))
        except OSError:
            return
        with self._lock:
            if self.done:
                twin.close()
                return
            old, self._twin, self.sock = self._twin, twin, sock
            if old is not None:
                old.close()
            if self.expired:
                _shutdown(twin)

    def expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            if self._twin is not None:
                _shutdown(self._twin)  # under the lock: finish() cannot close it meanwhile

    def finish(self) -> None:
        with self._lock:
            self.done = True
            twin, self._twin, self.sock = self._twin, None, None
            if twin is not None:
                twin.close()  # our duplicate only: the connection stays open (and may go back to the pool)
        if getattr(_current, "deadline", None) is self:
            _current.deadline = None


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes the reader blocked in recv() or in a TLS handshake
    except OSError:
        pass


class _Watchdog:
    """A single daemon thread for the process that expires deadlines as they fall due."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._seq = itertools.count()
        self._thread: Optional[threading.Thread] = None

    def watch(self, deadline: _Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.when, next(self._seq), deadline))
            if self._thread is None or not self._thread.is_alive():  # first use, or after a fork
                self._thread = threading.Thread(target=self._run, name="syndicheck-deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].done:  # finished in time: drop without waiting
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                deadline = heapq.heappop(self._heap)[2]
            try:
                deadline.expire()
            except Exception:  # noqa: BLE001 - this thread must outlive any one request's trouble
                pass


    def expire_all(self) -> None:
        """Expire every deadline now (Ctrl-C): each response in flight is cut off at once."""
        with self._cond:
            pending = [d for _when, _seq, d in self._heap]
            self._heap.clear()
        for deadline in pending:
            try:
                deadline.expire()
            except Exception:  # noqa: BLE001 - as in _run
                pass


_WATCHDOG = _Watchdog()
_current = threading.local()  # .deadline: the response this thread is fetching now
_ABORTED = threading.Event()  # set by abort_all(): every fetch from now on fails at once


def abort_all() -> None:
    """Ctrl-C: cut off every response in flight and fail every later fetch and retry wait at once, so that the
    command stops now rather than when the slowest server's timeout or a retry's back-off runs out (its threads
    would be waited for). Nothing fetched after this is used: the command is ending."""
    _ABORTED.set()
    _WATCHDOG.expire_all()


def reset_abort() -> None:
    """For a command run again in the same process (tests, the library API) after an interrupted one."""
    _ABORTED.clear()


# ------------------------------------------------------------------------------------ connections


class _GuardedConnection:
    """Mixin for urllib3 connections: registers with the current deadline, and enforces `policy` if set."""

    policy: Optional[AddressPolicy] = None

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self._watch(self.sock)  # type: ignore[attr-defined]  # the TLS socket, for read timeouts

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._watch(self.sock)  # type: ignore[attr-defined]  # a kept-alive connection does not connect again
        return super().request(*args, **kwargs)  # type: ignore[misc]

    @staticmethod
    def _watch(sock: Optional[socket.socket]) -> None:
        deadline = getattr(_current, "deadline", None)
        if deadline is not None and sock is not None:
            deadline.watch(sock)

    def _new_conn(self) -> socket.socket:
        sock = self._open_socket()
        self._watch(sock)  # before any TLS handshake: a dripped handshake meets the deadline too
        return sock

    def _open_socket(self) -> socket.socket:
        # A stricter policy for this thread's current fetch (a trusted fetch that left its public start host).
        policy = getattr(_current, "policy", None) or self.policy
        # A connection to a configured proxy is the operator's choice; Fetcher vets the target itself then.
        if policy is None or getattr(self, "proxy", None) is not None:
            return super()._new_conn()  # type: ignore[misc]
        host, port = self._dns_host, self.port  # type: ignore[attr-defined]
        try:
            addresses = policy.vet(host, port)  # AddressBlocked propagates untouched to Fetcher
        except socket.gaierror as exc:
            raise urllib3.exceptions.NameResolutionError(self.host, self, exc) from exc  # type: ignore[attr-defined, arg-type]
        error: Optional[OSError] = None
        for _family, address in addresses:
            try:
                # Pinned: the address just vetted, never a second lookup that could answer differently.
                sock = urllib3.util.connection.create_connection(
                    (address, port), self.timeout,  # type: ignore[attr-defined]
                    source_address=self.source_address, socket_options=self.socket_options)  # type: ignore[attr-defined]
            except OSError as exc:
                error = exc
                continue
            sys.audit("http.client.connect", self, self.host, port)  # type: ignore[attr-defined]
            return sock
        if isinstance(error, socket.timeout):
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})") from error  # type: ignore[attr-defined]
        raise urllib3.exceptions.NewConnectionError(
            self, f"Failed to establish a new connection: {error}") from error  # type: ignore[arg-type]


def _pool_classes(policy: Optional[AddressPolicy]) -> dict[str, type]:
    attrs = {"policy": policy}
    conn = type("GuardedHTTPConnection", (_GuardedConnection, HTTPConnection), attrs)
    sconn = type("GuardedHTTPSConnection", (_GuardedConnection, HTTPSConnection), attrs)
    return {"http": type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": conn}),
            "https": type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": sconn})}


HOST_POOLS = 256


class _GuardedAdapter(HTTPAdapter):
    """requests' adapter with our connection classes (also behind an HTTP proxy; SOCKS proxies keep theirs)."""

    def __init__(self, policy: Optional[AddressPolicy], **kwargs) -> None:  # type: ignore[no-untyped-def]
        self._pools = _pool_classes(policy)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def proxy_manager_for(self, proxy: str, **kwargs):  # type: ignore[no-untyped-def]
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = self._pools
        return manager


class PageFetcher(Protocol):
    """What crawling and loading originals need of a fetcher: a Fetcher, or a wrapper around one
    (crawl/slots.py's RequestSlots, crawl/lazy_fetcher.py's LazyFetcher)."""

    def fetch(self, url: str, *, etag: Optional[str] = None, last_modified: Optional[str] = None,
              accept_types: Optional[Sequence[str]] = None) -> Fetched: ...

    def close(self) -> None: ...


class Fetcher:
    """One pooled HTTP session; `fetch` turns every network or HTTP problem into Fetched(error=...)."""

    def __init__(self, settings: Optional[FetchSettings] = None, *, policy: Optional[AddressPolicy] = None):
        """`policy` overrides the address policy the settings imply (tests allow single loopback addresses)."""
        self.settings = settings or FetchSettings()
        if policy is None:
            # Untrusted (audit): the full policy. Trusted (check): the user's own URLs may be private or loopback,
            # but cloud metadata addresses are refused all the same.
            policy = AddressPolicy(allow_private=self.settings.allow_private_addresses or not self.settings.untrusted)
        self.policy = policy
        self._public_only = AddressPolicy(allowed=policy.allowed, resolver=policy.resolver)
        self.session = requests.Session()
        self.session.cookies = refusing_jar()  # cookies live in self.cookies, per host (see cookies.py)
        self.cookies = HostCookies()
        # Retries and redirects are ours (to record hops and honour Retry-After), not urllib3's.
        # One connection pool per host, for as many hosts as the audit crawls at once (checker.audit caps
        # its host threads at HOST_POOLS): with urllib3's default of 10 pools, 128 host threads kept evicting
        # each other's pools and most requests opened a new connection (bench/bench_load.py: 17,392
        # connections for 21,978 requests). A host has one request in flight, so two connections per pool are plenty.
        adapter = _GuardedAdapter(policy, max_retries=0, pool_connections=HOST_POOLS,
                                  pool_maxsize=max(2, self.settings.pool_maxsize))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": self.settings.user_agent, **dict(self.settings.extra_headers)})

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, *, etag: Optional[str] = None, last_modified: Optional[str] = None,
              accept_types: Optional[Sequence[str]] = None) -> Fetched:
        """GET `url`, following up to max_redirects redirects; never raises for network or HTTP trouble."""
        accepted = tuple(accept_types or self.settings.accept_types)
        request_headers = {"Accept": ", ".join(accepted) + ", */*;q=0.1"}
        etag, last_modified = headers.validator(etag), headers.validator(last_modified)
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        current = url
        hops: list[str] = []
        # A revisited URL is a loop unless cookies changed meanwhile (some sites bounce once to set one).
        visited: dict[str, tuple] = {}
        start_public: Optional[bool] = None  # trusted fetches: is the URL the user gave on a public address?
        try:
            try:
                scheme = urlsplit(url).scheme.lower()
            except ValueError:
                raise _Failure(f"invalid URL {url}") from None
            if scheme not in ("http", "https"):
                raise _Failure(f"unsupported scheme {scheme}:" if scheme else f"not an http(s) URL: {url}")
            while True:
                visited[current] = self.cookies.state(current)
                response, deadline = self._get_with_retries(current, request_headers)
                try:
                    location = response.headers.get("Location") if response.status_code in _REDIRECT_CODES else None
                    if location is None:
                        return self._finish(url, current, response, deadline, tuple(hops), accepted, etag,
                                            last_modified)
                finally:
                    # Whatever happens: a live deadline could later shut a socket gone back to the pool.
                    response.close()
                    deadline.finish()
                try:
                    nxt = urljoin(current, location.strip())
                    scheme = urlsplit(nxt).scheme.lower()
                except ValueError:
                    raise _Failure(f"redirect to an invalid URL {location!r}", response.status_code) from None
                if scheme not in ("http", "https"):
                    raise _Failure(f"redirect to unsupported scheme {scheme}:", response.status_code)
                if visited.get(nxt) == self.cookies.state(nxt):
                    raise _Failure(f"redirect loop (back to {nxt})", response.status_code)
                hops.append(nxt)
                if len(hops) > self.settings.max_redirects:
                    raise _Failure(f"too many redirects (more than {self.settings.max_redirects})",
                                   response.status_code)
                if not self.settings.untrusted and not self.settings.allow_private_redirects:
                    if start_public is None:
                        start_public = self._is_public(url)
                    if start_public:
                        self._vet_redirect(nxt, response.status_code)
                current = nxt
        except _Failure as failure:
            return Fetched(target=url, url=current, redirects=tuple(hops), status_code=failure.status_code,
                           error=failure.message)
        except Exception as exc:  # noqa: BLE001 - a bug met on one response must not end the run
            log.debug("unexpected error fetching %s", url, exc_info=True)
            return Fetched(target=url, url=current, redirects=tuple(hops),
                           error=f"unexpected error while fetching: {type(exc).__name__}: {exc}")
        finally:
            _current.policy = None

    def _is_public(self, url: str) -> bool:
        """Whether a trusted URL's host resolves to public addresses only (redirects from it stay public)."""
        try:
            parts = urlsplit(url)
            self._public_only.vet(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        except AddressBlocked:
            return False
        except (OSError, ValueError):
            return True  # unresolvable: nothing was fetched from it anyway; stay strict
        return True

    def _vet_redirect(self, nxt: str, status: int) -> None:
        """A trusted fetch that started on a public host may not be redirected to a non-public address."""
        try:
            parts = urlsplit(nxt)
            self._public_only.vet(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        except AddressBlocked as exc:
            why = exc.message.replace(HINT, "--allow-private-redirects follows it")
            raise _Failure(f"{why}; a redirect from a public host to it is not followed", status) from None
        except (OSError, ValueError):
            pass  # the request itself will report the DNS failure
        _current.policy = self._public_only  # new connections of this fetch are pinned to public addresses

    def _get_with_retries(self, url: str, headers: dict) -> tuple[requests.Response, _Deadline]:
        """(response with headers in and body unread, its running deadline), retrying transient failures.

        The caller must `finish()` the deadline once done with the response.
        """
        s = self.settings
        # A read timeout longer than the whole deadline would let one silent server overrun it.
        timeout = (s.connect_timeout, min(s.read_timeout, s.deadline))
        attempt = 0
        while True:
            if _ABORTED.is_set():
                raise _Failure("interrupted")
            if self.policy is not None:
                self._vet_if_proxied(url)
            started = time.monotonic()
            deadline = _Deadline(started + s.deadline)
            _current.deadline = deadline
            _WATCHDOG.watch(deadline)
            try:
                response = self.session.get(url, headers=headers, timeout=timeout, stream=True,
                                            allow_redirects=False, cookies=self.cookies.for_request(url))
                self.cookies.extract(response)
            except AddressBlocked as exc:  # raised before any connection is attempted
                deadline.finish()
                raise _Failure(exc.message) from None
            # ValueError/UnicodeError: URLs requests cannot even prepare (bad IPv6 literal, unencodable host).
            except (requests.exceptions.RequestException, ValueError, UnicodeError) as exc:
                deadline.finish()
                if _ABORTED.is_set():
                    raise _Failure("interrupted") from None
                if deadline.expired:  # the watchdog cut off a server dripping its status line and headers
                    raise _Failure(f"no complete response headers within {_secs(s.deadline)} (deadline)") from None
                message, retryable = _describe_connection_error(exc, url, s)
                if not retryable or attempt >= s.retries:
                    raise _Failure(message) from None
                self._sleep(self._backoff(attempt))
                attempt += 1
                continue
            except BaseException:
                deadline.finish()
                raise
            status = response.status_code
            if (status == 429 or 500 <= status < 600) and status != 501 and attempt < s.retries:
                wait = _retry_after(response.headers.get("Retry-After"))
                response.close()
                deadline.finish()
                if wait is not None and wait > s.retry_after_cap:
                    # Coming back sooner than asked is impolite; waiting longer stalls the run.
                    raise _Failure(f"HTTP {status} {_reason(status, response.reason)} "
                                   f"(server asked to retry after {wait:.0f} s)", status)
                self._sleep(wait if wait is not None else self._backoff(attempt))
                attempt += 1
                continue
            return response, deadline

    def _vet_if_proxied(self, url: str) -> None:
        """Behind a proxy the proxy resolves and connects, so vet the target here (see the module notes)."""
        try:
            proxies = self.session.merge_environment_settings(url, {}, None, None, None)["proxies"]
            if not requests.utils.select_proxy(url, proxies):
                return
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return  # requests will refuse the URL itself
        try:
            assert self.policy is not None
            self.policy.vet(host, port)
        except AddressBlocked as exc:
            raise _Failure(exc.message) from None
        except OSError:
            raise _Failure(f"DNS lookup failed for host {host}") from None

    def _backoff(self, attempt: int) -> float:
        base = self.settings.backoff * (2 ** attempt)
        return min(base + random.uniform(0, self.settings.backoff), self.settings.retry_after_cap)

    @staticmethod
    def _sleep(seconds: float) -> None:
        _ABORTED.wait(max(0.0, seconds))  # a retry's back-off ends at once on Ctrl-C (the next attempt fails)

    def _finish(self, target: str, url: str, response: requests.Response, deadline: _Deadline,
                hops: tuple[str, ...], accepted: tuple[str, ...], etag: Optional[str],
                last_modified: Optional[str]) -> Fetched:
        status = response.status_code
        mime, charset = _parse_content_type(response.headers.get("Content-Type"))
        common: dict[str, Any] = dict(target=target, url=url, redirects=hops, status_code=status, content_type=mime,
                      charset=charset, etag=headers.validator(response.headers.get("ETag")),
                      last_modified=headers.validator(response.headers.get("Last-Modified")))
        try:
            if status == 304:
                response.close()
                # A 304 may omit validators; the ones we sent still describe the cached copy.
                common["etag"] = common["etag"] or etag
                common["last_modified"] = common["last_modified"] or last_modified
                return Fetched(**common)
            if status in _REDIRECT_CODES:
                raise _Failure(f"HTTP {status} redirect without a Location header", status)
            if not 200 <= status < 300:
                raise _Failure(f"HTTP {status} {_reason(status, response.reason)}".rstrip(), status)
            if mime and not _type_accepted(mime, accepted):
                raise _Failure(f"content-type {mime} is not {_describe_types(accepted)}", status)
            _check_codings(response, status)
            body = self._read_body(response, deadline)
            reason = looks_binary(body)
            # A caller that accepts a gzip media type (sitemap.xml.gz) inflates the body itself.
            if reason == "binary content (gzip data)" and set(accepted) & set(GZIP_TYPES):
                reason = None
            if reason and reason.startswith("binary"):
                raise _Failure(reason if not mime else f"{reason} although served as {mime}", status)
            return Fetched(body=body, **common)
        except _Failure as failure:
            return Fetched(error=failure.message, **common)
        finally:
            response.close()
            deadline.finish()

    def _read_body(self, response: requests.Response, deadline: _Deadline) -> bytes:
        """The decoded body, stopping at max_bytes and at the deadline even if the server drips bytes."""
        s = self.settings
        status = response.status_code
        declared = headers.content_length(response.headers.get("Content-Length"))
        if declared is not None and declared > s.max_bytes:
            raise _Failure(f"response larger than {human_size(s.max_bytes)}", status)  # said so up front
        late = _Failure(f"response not complete after {_secs(s.deadline)} (deadline)", status)
        raw = response.raw
        if not hasattr(raw, "read1"):  # urllib3 1.x: no read1, fall back to requests' own streaming
            return self._read_body_iter(response, deadline)
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                remaining = deadline.when - time.monotonic()
                if remaining <= 0 or deadline.expired:
                    raise late
                self._shrink_socket_timeout(raw, deadline, min(s.read_timeout, remaining))
                # read1 returns as soon as any bytes arrive, so a drip cannot keep us past the deadline
                # (the watchdog shuts the socket should it try); with decode_content it inflates gzip/deflate
                # at most _CHUNK bytes at a time, so a compression bomb stops at the cap.
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                total += len(chunk)
                if total > s.max_bytes:
                    raise _Failure(f"response larger than {human_size(s.max_bytes)}", status)
                chunks.append(chunk)
        except (urllib3.exceptions.ReadTimeoutError, socket.timeout, TimeoutError):
            if deadline.expired or time.monotonic() >= deadline.when - 0.05:
                raise late from None
            raise _Failure(f"timed out after {_secs(s.read_timeout)} waiting for data", status) from None
        except urllib3.exceptions.DecodeError:
            raise _Failure("response body could not be decompressed", status) from None
        except (urllib3.exceptions.HTTPError, OSError, http.client.HTTPException) as exc:
            if deadline.expired:
                raise late from None
            got = f" (after {human_size(total)})" if total else ""
            if any(isinstance(e, ConnectionResetError) for e in _chain(exc)):
                raise _Failure(f"connection reset by the server before the whole response arrived{got}",
                               status) from None
            raise _Failure(f"connection closed before the whole response arrived{got}", status) from None
        if deadline.expired:  # a body without length ends at EOF: the watchdog's shutdown looks just like it
            raise late
        return b"".join(chunks)

    def _read_body_iter(self, response: requests.Response, deadline: _Deadline) -> bytes:
        s = self.settings
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                total += len(chunk)
                if total > s.max_bytes:
                    raise _Failure(f"response larger than {human_size(s.max_bytes)}", response.status_code)
                if time.monotonic() > deadline.when or deadline.expired:
                    raise _Failure(f"response not complete after {_secs(s.deadline)} (deadline)",
                                   response.status_code)
                chunks.append(chunk)
        except requests.exceptions.RequestException:
            if deadline.expired:
                raise _Failure(f"response not complete after {_secs(s.deadline)} (deadline)",
                               response.status_code) from None
            raise _Failure("connection failed while reading the response", response.status_code) from None
        if deadline.expired:
            raise _Failure(f"response not complete after {_secs(s.deadline)} (deadline)", response.status_code)
        return b"".join(chunks)

    @staticmethod
    def _shrink_socket_timeout(raw: object, deadline: _Deadline, seconds: float) -> None:
        # Lets a silent server hit the deadline, not just read_timeout (the watchdog is the backstop).
        sock = deadline.sock or getattr(getattr(raw, "_connection", None), "sock", None)
        if sock is not None:
            try:
                sock.settimeout(max(0.01, seconds))
            except OSError:
                pass
