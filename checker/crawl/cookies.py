"""Cookies the fetcher keeps: per host and port, few and small, never sent to another host.

Some sites set a cookie and bounce once (a consent or session cookie) before serving the page, so cookies are
not dropped altogether. But one session crawls hundreds of partners: with requests' session jar every cookie
was kept for the whole run, and a host setting one cookie per page soon sent Cookie headers its servers
refused (HTTP 431), or megabytes of them. Here:

- each host:port has its own jar; a request carries only its own host's cookies (a `Domain=` attribute
  widening a cookie to sibling hosts or subdomains is ignored: the cookie stays with the host that set it);
- a cookie whose name and value exceed MAX_COOKIE_BYTES is not kept;
- a host keeps at most MAX_COOKIES_PER_HOST cookies: past that, new names are not kept (existing ones are
  still updated), so its Cookie header stays under MAX_COOKIES_PER_HOST * MAX_COOKIE_BYTES (4 KiB);
- at most MAX_HOSTS hosts keep cookies; the one unused longest is forgotten first.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy, eff_request_host  # type: ignore[attr-defined]
from typing import Optional
from urllib.parse import urlsplit

from requests.cookies import RequestsCookieJar, extract_cookies_to_jar

MAX_COOKIE_BYTES = 512
MAX_COOKIES_PER_HOST = 8
MAX_HOSTS = 1024


class _HostPolicy(DefaultCookiePolicy):
    """Small cookies, pinned to the exact host that set them, up to MAX_COOKIES_PER_HOST per jar."""

    def __init__(self, jar: CookieJar) -> None:
        super().__init__()
        self._jar = jar

    def set_ok(self, cookie: Cookie, request) -> bool:  # type: ignore[no-untyped-def]
        if not super().set_ok(cookie, request):
            return False
        if len(cookie.name) + len(cookie.value or "") > MAX_COOKIE_BYTES:
            return False
        # The form http.cookiejar matches a host-only cookie with ("localhost" is stored as "localhost.local").
        cookie.domain, cookie.domain_specified, cookie.domain_initial_dot = eff_request_host(request)[1], False, False
        names = {(c.path, c.name) for c in _snapshot(self._jar)}
        return (cookie.path, cookie.name) in names or len(names) < MAX_COOKIES_PER_HOST


class _RefuseAll(DefaultCookiePolicy):
    """For the requests session's own jar: nothing is kept there (HostCookies keeps cookies instead)."""

    def set_ok(self, cookie: Cookie, request) -> bool:  # type: ignore[no-untyped-def]
        return False


def _snapshot(jar: CookieJar) -> list[Cookie]:
    # Another thread (check --jobs) may be storing a cookie of the same host meanwhile.
    for _ in range(3):
        try:
            return list(jar)
        except RuntimeError:
            continue
    return []


def refusing_jar() -> RequestsCookieJar:
    return RequestsCookieJar(policy=_RefuseAll())


def _key(url: str) -> Optional[str]:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return f"{host}:{parts.port or (443 if parts.scheme.lower() == 'https' else 80)}" if host else None
    except ValueError:
        return None


class HostCookies:
    """The cookies of every host a fetcher talks to, one bounded jar per host:port; thread-safe."""

    def __init__(self) -> None:
        self._jars: "OrderedDict[str, RequestsCookieJar]" = OrderedDict()
        self._lock = threading.Lock()

    def _jar(self, url: str, create: bool) -> Optional[RequestsCookieJar]:
        key = _key(url)
        if key is None:
            return None
        with self._lock:
            jar = self._jars.get(key)
            if jar is None and create:
                jar = RequestsCookieJar()
                jar.set_policy(_HostPolicy(jar))
                self._jars[key] = jar
                if len(self._jars) > MAX_HOSTS:
                    self._jars.popitem(last=False)
            if jar is not None:
                self._jars.move_to_end(key)
            return jar

    def for_request(self, url: str) -> Optional[RequestsCookieJar]:
        """A copy of `url`'s host's cookies to send with the request (requests filters by path and expiry)."""
        jar = self._jar(url, create=False)
        if jar is None:
            return None
        out = RequestsCookieJar()
        for cookie in _snapshot(jar):
            out.set_cookie(cookie)
        return out

    def extract(self, response) -> None:  # type: ignore[no-untyped-def]
        """Keep what the response's Set-Cookie headers allow (see the module notes)."""
        jar = self._jar(response.url, create=True)
        if jar is not None:
            extract_cookies_to_jar(jar, response.request, response.raw)

    def state(self, url: str) -> tuple:
        """A snapshot of `url`'s host's cookies, to tell a redirect loop from a bounce that set a cookie."""
        jar = self._jar(url, create=False)
        return tuple(sorted((c.path, c.name, c.value or "") for c in _snapshot(jar))) if jar is not None else ()

    def count(self, url: str) -> int:
        jar = self._jar(url, create=False)
        return len(_snapshot(jar)) if jar is not None else 0
