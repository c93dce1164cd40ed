"""What a rendered page may fetch: every request through the audit's address policy and the size caps."""
from __future__ import annotations

import http.cookiejar
import time
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from ..crawl.addresses import AddressBlocked, AddressPolicy
from ..crawl.fetcher import FetchSettings, Fetcher

# Response headers handed on to the browser; the rest (cookies, CSP reports, HSTS, alt-svc) are not needed
# to draw the page and some would make it talk to more places.
PASS_HEADERS = ("content-type", "content-language", "cache-control", "last-modified", "etag",
                "access-control-allow-origin", "timing-allow-origin")


class Refused(Exception):
    """A subresource the page may not have; `blocked` when the address policy said no (nothing was sent)."""

    def __init__(self, message: str, *, blocked: bool = False):
        super().__init__(message)
        self.blocked = blocked


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict
    body: bytes


def _blocked_cause(exc: BaseException) -> Optional[AddressBlocked]:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, AddressBlocked):
            return exc
        for arg in getattr(exc, "args", ()):
            if isinstance(arg, AddressBlocked):
                return arg
            inner = getattr(arg, "reason", None)
            if isinstance(inner, AddressBlocked):
                return inner
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "reason", None)  # type: ignore[assignment]
        seen += 1
    return None


class PageNetwork:
    """Fetches a rendered page's subresources with our own HTTP client, never the browser's.

    The browser sends nothing itself (every request is routed here, see session.py), so the address
    policy's DNS pinning, the per-response size cap and a per-page byte budget hold for whatever the page's
    scripts ask for. Cookies are never kept: each page starts clean."""

    def __init__(self, policy: AddressPolicy, *, max_bytes: int, page_bytes: int, user_agent: str,
                 timeout: float = 10.0):
        settings = FetchSettings(user_agent=user_agent, connect_timeout=min(5.0, timeout), read_timeout=timeout,
                                 retries=0, max_bytes=max_bytes, accept_types=("*/*",))
        self._fetcher = Fetcher(settings, policy=policy)
        session = self._fetcher.session
        for adapter in set(session.adapters.values()):  # as many connections per host as fetch threads (render-io)
            adapter.init_poolmanager(64, 8, block=False)  # type: ignore[attr-defined]  # Fetcher mounts HTTPAdapters
        session.trust_env = False  # a proxy would skip the pinned-address checks
        jar = session.cookies
        jar.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))  # store no cookie at all
        self.max_bytes, self.page_bytes, self.timeout = max_bytes, page_bytes, timeout

    def close(self) -> None:
        self._fetcher.close()

    def get(self, url: str, headers: dict, budget_left: list[int], deadline: float) -> Response:
        """GET `url` (redirects followed, each hop vetted on connect); raises Refused."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise Refused(f"scheme {scheme}: not fetched")
        send = {k: v for k, v in headers.items() if k.lower() in ("accept", "accept-language", "referer")}
        try:
            response = self._fetcher.session.get(url, headers=send, stream=True, allow_redirects=True,
                                                 timeout=(min(5.0, self.timeout), self.timeout))
        except Exception as exc:  # requests wraps the policy's refusal in its own errors
            blocked = _blocked_cause(exc)
            if blocked is not None:
                raise Refused(blocked.message, blocked=True) from None
            raise Refused(f"{type(exc).__name__}: {exc}") from None
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise Refused(f"{url}: {declared} bytes is over the size cap")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes or size > budget_left[0]:
                    raise Refused(f"{url}: over the size cap")
                if time.monotonic() > deadline:
                    raise Refused(f"{url}: too slow")
                chunks.append(chunk)
            budget_left[0] -= size
            kept = {k.lower(): v for k, v in response.headers.items() if k.lower() in PASS_HEADERS}
            return Response(response.status_code, kept, b"".join(chunks))
        except Refused:
            raise
        except Exception as exc:
            raise Refused(f"{type(exc).__name__}: {exc}") from None
        finally:
            response.close()
