"""Serve the demo sites on loopback: one ThreadingHTTPServer per site, on its own 127.0.0.x address.

    with serve_sites(build_sites(1)) as servers:
        config = demo_config(servers.sites, workdir)        # sites now carry their ports
        ...                                                 # audit night 1
        servers.swap(build_sites(2))                        # same addresses and ports, new content
        ...                                                 # audit night 2

Route bodies and header values may contain ``{{BASE:<site name>}}``; it is replaced by that site's base
URL (``http://127.0.0.12:41234``) when content is installed (`serve_sites`, `swap`), and routes marked
``gzip`` are compressed after that. GET and HEAD answer with Content-Type, Content-Length, ETag and
Last-Modified as the route declares, and with 304 Not Modified when If-None-Match matches the ETag (weak
comparison) or, without If-None-Match, when If-Modified-Since is not older than Last-Modified. POST is
accepted only on routes whose status is 204 (the webhook sink) and recorded in `webhooks`. Every request
is recorded in `requests` (for tests: robots obeyed, crawl delays kept, 304s served).

On systems where only 127.0.0.1 is a loopback address (macOS without aliases), a site whose address
cannot be bound falls back to 127.0.0.1 on its own port; `sites` and `url_for` report what was bound.
"""
from __future__ import annotations

import errno
import gzip
import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional, Sequence, Union
from urllib.parse import urlsplit

from .sites import Route, Site

__all__ = ["DemoServers", "Hit", "serve_sites"]

log = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r"\{\{BASE:([a-z0-9-]+)\}\}")
_NOT_FOUND = (b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
              b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n")


@dataclass(frozen=True)
class Hit:
    """One request a demo server answered."""

    at: float  # time.monotonic()
    site: str
    method: str
    path: str  # as requested, with the query string
    status: int
    user_agent: Optional[str]
    if_none_match: Optional[str]
    if_modified_since: Optional[str]


@dataclass(frozen=True)
class _Served:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]
    etag: Optional[str]
    last_modified: Optional[str]
    last_modified_ts: Optional[float]


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    mine = etag.strip()
    mine = mine[2:] if mine.startswith("W/") else mine
    for candidate in header.split(","):
        c = candidate.strip()
        c = c[2:] if c.startswith("W/") else c
        if c == mine:
            return True
    return False


def _timestamp(http_date: Optional[str]) -> Optional[float]:
    if not http_date:
        return None
    try:
        return parsedate_to_datetime(http_date).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, demo: "DemoServers", site_name: str):
        self.demo = demo
        self.site_name = site_name
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:  # a client hanging up is not news
        log.debug("demo server %s: error serving %s", self.site_name, client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "demo-site/1.0"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - silence the default stderr log
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        route = server.demo._lookup(server.site_name, self.path)
        if route is not None and route.status == 204:
            server.demo._record_webhook(server.site_name, self.path, dict(self.headers.items()), data)
            self._send(204, b"", "text/plain", (), head=True)
        else:
            self._send(405, b"", "text/plain", (("Allow", "GET, HEAD"),), head=True)

    def _serve(self, head: bool) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        route = server.demo._lookup(server.site_name, self.path)
        if route is None:
            self._send(404, _NOT_FOUND, "text/html; charset=utf-8", (), head)
            return
        headers = list(route.headers)
        if route.etag:
            headers.append(("ETag", route.etag))
        if route.last_modified:
            headers.append(("Last-Modified", route.last_modified))
        if route.status == 200 and self._not_modified(route):
            self._send(304, b"", None, tuple(headers), head=True)
            return
        self._send(route.status, route.body, route.content_type, tuple(headers), head)

    def _not_modified(self, route: _Served) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return route.etag is not None and _etag_matches(inm, route.etag)
        ims = _timestamp(self.headers.get("If-Modified-Since"))
        return ims is not None and route.last_modified_ts is not None and route.last_modified_ts <= ims

    def _send(self, status: int, body: bytes, content_type: Optional[str], headers: tuple, head: bool) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        server.demo._record(Hit(time.monotonic(), server.site_name, self.command, self.path, status,
                                self.headers.get("User-Agent"), self.headers.get("If-None-Match"),
                                self.headers.get("If-Modified-Since")))
        try:
            self.send_response(status)
            if content_type and status not in (204, 304):
                self.send_header("Content-Type", content_type)
            for name, value in headers:
                self.send_header(name, value)
            if status not in (204, 304):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head and status not in (204, 304) and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class DemoServers:
    """The running demo sites. Use `serve_sites()`; close (or leave the `with` block) to stop them."""

    def __init__(self, sites: Sequence[Site], *, port: int = 0):
        self._lock = threading.Lock()
        self._servers: dict[str, _Server] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._served: dict[str, dict[str, _Served]] = {}
        self._sites: dict[str, Site] = {}
        self.requests: list[Hit] = []
        self.webhooks: list[dict] = []
        names = [s.name for s in sites]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate site names: {names}")
        try:
            for site in sites:
                server = self._bind(site, port)
                host, bound_port = server.server_address[:2]
                self._servers[site.name] = server
                self._sites[site.name] = replace(site, ip=str(host), port=bound_port)
            self._install(sites)
            for name, server in self._servers.items():
                t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                     name=f"demo-site-{name}", daemon=True)
                t.start()
                self._threads[name] = t
        except BaseException:
            self.close()
            raise

    def _bind(self, site: Site, port: int) -> _Server:
        try:
            return _Server((site.ip, port or site.port), self, site.name)
        except OSError as exc:
            if exc.errno != errno.EADDRNOTAVAIL or site.ip == "127.0.0.1":
                raise
            log.warning("cannot bind %s (not a local address here); serving %s on 127.0.0.1", site.ip, site.name)
            return _Server(("127.0.0.1", 0), self, site.name)

    # ------------------------------------------------------------------------------------------ content
    def _install(self, sites: Sequence[Site]) -> None:
        unknown = [s.name for s in sites if s.name not in self._servers]
        if unknown:
            raise ValueError(f"no server for site(s) {unknown}: swap() takes the same sites serve_sites() started")
        table: dict[str, dict[str, _Served]] = {}
        for site in sites:
            table[site.name] = {path: self._prepare(route) for path, route in site.routes.items()}
        with self._lock:
            self._served.update(table)
            for site in sites:
                bound = self._sites[site.name]
                self._sites[site.name] = replace(site, ip=bound.ip, port=bound.port)

    def _prepare(self, route: Route) -> _Served:
        body = route.body
        if not route.content_type.startswith("image/") and b"{{BASE:" in body:
            body = self.expand(body.decode("utf-8")).encode("utf-8")
        if route.gzip:
            body = gzip.compress(body, mtime=0)
        headers = tuple((k, self.expand(v)) for k, v in route.headers)
        return _Served(route.status, body, route.content_type, headers, route.etag, route.last_modified,
                       _timestamp(route.last_modified))

    def swap(self, sites: Sequence[Site]) -> None:
        """Serve other content (e.g. night 2) on the same addresses and ports; takes effect atomically per site."""
        self._install(sites)

    def _lookup(self, site: str, raw_path: str) -> Optional[_Served]:
        table = self._served.get(site, {})
        if raw_path in table:
            return table[raw_path]
        path = urlsplit(raw_path).path or "/"
        return table.get(path)

    # ------------------------------------------------------------------------------------------ URLs
    @property
    def sites(self) -> list[Site]:
        """The sites being served, with `ip` and `port` as bound."""
        with self._lock:
            return list(self._sites.values())

    def base_url(self, site: Union[Site, str]) -> str:
        name = site if isinstance(site, str) else site.name
        s = self._sites[name]
        return f"http://{s.ip}:{s.port}"

    url_for = base_url  # the callback build/verdict/config helpers take: site name -> base URL

    def url(self, site: Union[Site, str], path: str = "/") -> str:
        return self.base_url(site) + path

    def expand(self, text: str) -> str:
        """Replace {{BASE:name}} placeholders with the base URLs."""
        return _PLACEHOLDER.sub(lambda m: self.base_url(m.group(1)), text)

    # ------------------------------------------------------------------------------------------ records
    def _record(self, hit: Hit) -> None:
        with self._lock:
            self.requests.append(hit)

    def _record_webhook(self, site: str, path: str, headers: dict, body: bytes) -> None:
        with self._lock:
            self.webhooks.append({"site": site, "path": path, "headers": headers, "body": body})

    def hits(self, site: Optional[str] = None, *, path: Optional[str] = None,
             status: Optional[int] = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.requests if (site is None or h.site == site)
                    and (path is None or urlsplit(h.path).path == path) and (status is None or h.status == status)]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.webhooks.clear()

    # ------------------------------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        for name, server in self._servers.items():
            try:
                if name in self._threads:  # shutdown() waits for serve_forever, so only on started servers
                    server.shutdown()
            finally:
                server.server_close()
        for t in self._threads.values():
            t.join(timeout=2)
        self._threads.clear()
        self._servers.clear()

    def __enter__(self) -> "DemoServers":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve_sites(sites: Sequence[Site], *, port: int = 0) -> DemoServers:
    """Start one server per site on its address (`port` 0: a free port each; else that port on every address).

    The returned DemoServers is already serving; use it as a context manager to stop it.
    """
    return DemoServers(sites, port=port)
