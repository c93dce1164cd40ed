"""robots.txt per RFC 9309 (via protego): one fetch per scheme+host per run, shared by all threads."""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from protego import Protego

from checker.config_types import DEFAULT_MAX_CRAWL_DELAY  # crawl.max_crawl_delay: longer delays are capped
from checker.crawl import headers
from checker.crawl.addresses import is_blocked_error
from checker.crawl.fetcher import Fetcher
from checker.url_identity import host_of

# robots.txt is plain text, but misconfigured servers send it as HTML or octet-stream; parse whatever comes.
_ROBOTS_TYPES: tuple[str, ...] = ("text/plain", "*/*")
# RFC 9309 2.5: crawlers must parse at least 500 KiB; more is not worth keeping.
_MAX_PARSE = 512 * 1024
log = logging.getLogger("syndicheck.robots")


@dataclass(frozen=True)
class _Entry:
    """What one origin's robots.txt says: parsed rules, or a reason to stay away from the whole host."""

    robots_url: str
    parser: Optional[Protego] = None  # None with blocked=None: allow everything (4xx, no robots.txt)
    blocked: Optional[str] = None  # set when the host is off limits for this run (5xx, unreachable)


def product_token(user_agent: str) -> str:
    """'syndicheck/0.3 (+https://…)' -> 'syndicheck': the name robots.txt groups match (RFC 9309 2.2.1)."""
    m = re.match(r"\s*([A-Za-z_-]+)", user_agent)
    return m.group(1).lower() if m else user_agent.strip().lower()


def _origin(url: str) -> tuple[str, str]:
    """(scheme://host[:port], robots.txt URL); robots.txt rules apply to exactly this origin."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "http").lower()
    try:
        netloc = host_of(url)  # the same spelling as HostBatch.host: no default port, lower case
    except ValueError:
        netloc = parts.netloc.rpartition("@")[2].lower()
    origin = f"{scheme}://{netloc}"
    return origin, origin + "/robots.txt"


class RobotsCache:
    """robots.txt for every origin the run touches, fetched once each through `fetcher`; thread-safe."""

    def __init__(self, fetcher: Fetcher, user_agent: Optional[str] = None, *,
                 max_delay: float = DEFAULT_MAX_CRAWL_DELAY):
        self.fetcher = fetcher
        self.max_delay = max_delay
        self.slowed: dict[str, float] = {}  # origin -> the delay its robots.txt asked for, when over max_delay
        self.agent = product_token(user_agent or fetcher.settings.user_agent)
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}  # one lock per origin: hosts load in parallel

    # -------------------------------------------------------------------------------------- loading

    def is_loaded(self, url: str) -> bool:
        """True when `url`'s origin needs no robots.txt request (callers pace that request otherwise)."""
        with self._lock:
            return _origin(url)[0] in self._entries

    def load(self, url: str) -> bool:
        """Make sure `url`'s robots.txt is known; True if this call fetched it."""
        origin, robots_url = _origin(url)
        with self._lock:
            if origin in self._entries:
                return False
            lock = self._loading.setdefault(origin, threading.Lock())
        with lock:
            with self._lock:
                if origin in self._entries:  # another thread fetched it while we waited
                    return False
            entry = self._fetch(robots_url)
            with self._lock:
                self._entries[origin] = entry
            return True

    def _entry(self, url: str) -> _Entry:
        self.load(url)
        with self._lock:
            return self._entries[_origin(url)[0]]

    def _fetch(self, robots_url: str) -> _Entry:
        # The fetcher follows redirects (RFC 9309 2.3.1.2 asks for at least five hops).
        fetched = self.fetcher.fetch(robots_url, accept_types=_ROBOTS_TYPES)
        status = fetched.status_code
        if is_blocked_error(fetched.error) and not fetched.redirects:
            # The address policy refused the origin itself: nothing was sent, and every page of the host meets
            # the same refusal when fetched, which names the real reason (not "robots.txt unreachable").
            return _Entry(robots_url)
        if fetched.ok and status is not None and 200 <= status < 300:
            text = (fetched.body or b"")[:_MAX_PARSE].decode("utf-8", "replace")
            try:
                return _Entry(robots_url, parser=Protego.parse(text))
            except Exception as exc:  # noqa: BLE001 - the parser's trouble with one host's file must not end the run
                return _Entry(robots_url, blocked=f"{robots_url} could not be parsed ({type(exc).__name__}); "
                                                 "the whole host is treated as disallowed for this run")
        if status is not None and 200 <= status < 300:
            if fetched.error == "empty document":
                return _Entry(robots_url)  # an empty robots.txt allows everything
            # A body we could not read completely (deadline, size, binary) may hide rules: stay away.
            return _Entry(robots_url, blocked=f"{robots_url} could not be read ({fetched.error}); "
                                             "the whole host is treated as disallowed for this run")
        if status is not None and 300 <= status < 400:
            # RFC 9309 2.3.1.2: too many redirects -> the robots.txt file counts as unavailable (allow).
            return _Entry(robots_url)
        if status is not None and 400 <= status < 500 and status != 429:
            # RFC 9309 2.3.1.3: "unavailable" (404, 403, ...) means no restrictions.
            return _Entry(robots_url)
        # 5xx, 429 (the server is overloaded; treated like 5xx, as major crawlers do) or no answer at all:
        # RFC 9309 2.3.1.4 -> assume complete disallow.
        why = fetched.error or f"HTTP {status}"
        return _Entry(robots_url, blocked=f"{robots_url} unreachable ({why}); "
                                         "the whole host is treated as disallowed for this run (RFC 9309)")

    # -------------------------------------------------------------------------------------- queries

    def allowed(self, url: str) -> bool:
        """May we fetch `url`? Fetches the origin's robots.txt on first use."""
        entry = self._entry(url)
        if entry.blocked:
            return False
        return entry.parser is None or entry.parser.can_fetch(url, self.agent)

    def why_blocked(self, url: str) -> str:
        """Why `url` may not be fetched, in words for a report; "" when it may."""
        entry = self._entry(url)
        if entry.blocked:
            return entry.blocked
        if entry.parser is not None and not entry.parser.can_fetch(url, self.agent):
            path = urlsplit(url).path or "/"
            return f"{entry.robots_url} disallows {path} for user-agent {self.agent}"
        return ""

    def crawl_delay(self, host: str) -> Optional[float]:
        """Seconds the host asks between requests (Crawl-delay, or Request-rate as an interval), or None;
        at most `max_delay` (a host asking for more is recorded in `slowed` and logged once).

        `host` is a URL (its origin is used) or a bare host[:port], which matches origins already loaded
        under any scheme; a bare host never triggers a fetch.
        """
        with self._lock:
            if "://" in host:
                entries = [(o, e) for o, e in self._entries.items() if o == _origin(host)[0]]
            else:
                h = host.lower()
                entries = [(o, e) for o, e in self._entries.items() if o.split("://", 1)[1] == h]
        if not entries and "://" in host:
            entries = [(_origin(host)[0], self._entry(host))]
        asked = [(d, o) for d, o in ((self._delay_of(e), o) for o, e in entries) if d is not None]
        if not asked:
            return None
        delay, origin = max(asked)
        if delay <= self.max_delay:
            return delay
        with self._lock:
            first = origin not in self.slowed
            self.slowed[origin] = delay
        if first:
            log.warning("%s", self.slowed_note(origin, delay))
        return self.max_delay

    def slowed_note(self, origin: str, delay: float) -> str:
        """One line for the run's report about a host whose Crawl-delay was capped."""
        return (f"{origin}/robots.txt asks for {delay:g} s between requests; crawled at "
                f"crawl.max_crawl_delay ({self.max_delay:g} s) instead, so this host was slowed")

    def slowed_notes(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self.slowed_note(o, d) for o, d in sorted(self.slowed.items()))

    def _delay_of(self, entry: _Entry) -> Optional[float]:
        if entry.parser is None:
            return None
        delays: list[float] = []
        # Values come from the host: nan, inf or 1e10 must neither crash time.sleep() nor stall the run.
        delay = headers.seconds(entry.parser.crawl_delay(self.agent))
        if delay is not None:
            delays.append(delay)
        rate = entry.parser.request_rate(self.agent)
        if rate is not None and rate.requests:
            try:
                interval = headers.seconds(rate.seconds / rate.requests)
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                interval = None
            if interval is not None:
                delays.append(interval)
        return max(delays) if delays else None

    def sitemaps(self, url: str) -> tuple[str, ...]:
        """Sitemap URLs the origin's robots.txt declares (discovery may use them)."""
        entry = self._entry(url)
        return tuple(entry.parser.sitemaps) if entry.parser is not None else ()
