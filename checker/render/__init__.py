"""Render mode: judge a page on what a real browser drew. `Renderer.apply` is the one entry point the pipeline calls.

The browser's facts reach the unchanged static pipeline as a *snapshot*: the rendered DOM serialised as plain
HTML without scripts or stylesheets, where every element the reader cannot see at 1280 px nor at 390 px
carries `hidden`, every image carries the pixels it loaded as a data: URI, and every element its box at
1280 px (data-syndicheck-box="x,y,w,h"). The same article model and rules then judge that snapshot.
"""
from __future__ import annotations

import base64
import concurrent.futures
import logging
import os
import threading
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable, Optional
from urllib.parse import urlsplit

from ..models import Evidence, Finding, Outcome, PageResult, Status
from . import policy
from .browser import INSTALL_HINT, BrowserPool, browser_problem, find_chromium
from .policy import MODES

log = logging.getLogger("syndicheck.render")

__all__ = ["MODES", "INSTALL_HINT", "RenderSettings", "RenderUnavailable", "Renderer", "browser_problem",
           "make_renderer", "resolve_mode"]

DEFAULT_BUDGET = 15.0  # wall-clock seconds one page may take in the browser before it ends in `review`
RENDERED_META = '<meta name="syndicheck-rendered" content="1">'


class RenderUnavailable(Exception):
    """`always` was asked for where no browser can run: a usage error, with the install hint."""


def make_renderer(requested: Optional[str], **settings) -> Optional["Renderer"]:
    """The Renderer for --render / check.render (None: static only). Unset means $SYNDICHECK_RENDER, else
    `auto` where a browser is available and `never` where not; one log line says which."""
    mode, problem = resolve_mode(requested or os.environ.get("SYNDICHECK_RENDER") or None)
    if problem is not None:
        raise RenderUnavailable(f"render mode 'always' needs a browser: {problem}; install one: {INSTALL_HINT}")
    return Renderer(RenderSettings(mode=mode, **settings)) if mode != "never" else None


def resolve_mode(requested: Optional[str]) -> tuple[str, Optional[str]]:
    """(mode, problem): `auto` by default where a browser is available, `never` otherwise; `always` without a
    browser is the caller's usage error (problem set)."""
    if requested not in (None, *MODES):
        raise RenderUnavailable(f"unknown render mode {requested!r} (modes: {', '.join(MODES)})")
    problem = browser_problem()
    if requested == "always":
        return "always", problem
    if requested == "never":
        log.info("render: never (static checks only)")
        return "never", None
    if problem is not None:
        log.info("render: never (%s; %s to render pages)", problem, INSTALL_HINT)
        return "never", None
    log.info("render: %s (Chromium at %s)", requested or "auto", find_chromium()[0])
    return "auto", None


@dataclass(frozen=True)
class RenderSettings:
    mode: str = "auto"
    budget: float = DEFAULT_BUDGET
    contexts: int = 2
    # None: decide per page: a page the user named on a non-public address (their own dev server) may load
    # from non-public addresses; anything else may not. The audit sets it from crawl.allow_private_addresses.
    allow_private: Optional[bool] = False
    max_bytes: int = 10 * 1024 * 1024  # one subresource
    page_bytes: int = 50 * 1024 * 1024  # all of one page's subresources
    user_agent: Optional[str] = None
    offline: bool = False  # fetch no subresource from the network (local files are always rendered so)


class Renderer:
    """Renders pages that need it and returns the verdict on the snapshot. Picklable (for dask workers): the
    browser starts on first use in each process."""

    def __init__(self, settings: RenderSettings):
        self.settings = settings
        self._pool: Optional[BrowserPool] = None
        self._networks: dict = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"settings": self.settings}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["settings"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Renderer) and other.settings == self.settings

    def __hash__(self) -> int:
        return hash(self.settings)

    @property
    def mode(self) -> str:
        return self.settings.mode

    def _pool_and_network(self, url: str):
        from ..crawl.addresses import AddressBlocked, AddressPolicy
        from ..crawl.fetcher import FetchSettings
        from .network import PageNetwork

        allow = self.settings.allow_private
        if allow is None:
            host = urlsplit(url).hostname or ""
            try:
                AddressPolicy().vet(host, 80) if host else None
                allow = False
            except AddressBlocked:
                allow = True
            except OSError:
                allow = False
        with self._lock:
            if self._pool is None:
                path, why = find_chromium()
                if path is None:
                    raise RuntimeError(why)
                self._pool = BrowserPool(path, contexts=self.settings.contexts, user_agent=self.settings.user_agent)
            network = self._networks.get(allow)
            if network is None:
                ua = self.settings.user_agent or FetchSettings().user_agent
                network = self._networks[allow] = PageNetwork(
                    AddressPolicy(allow_private=allow), max_bytes=self.settings.max_bytes,
                    page_bytes=self.settings.page_bytes, user_agent=ua)
            return self._pool, network

    def warm(self) -> None:
        """Start the browser in the background now (an audit does it while it discovers pages), so the first
        page to render does not wait for the launch. Failures surface, as usual, on that first page."""
        def start() -> None:
            try:
                pool, _network = self._pool_and_network("")
                pool.start()
            except Exception as exc:
                log.debug("render: warm-up: %s", exc)

        threading.Thread(target=start, name="render-warm", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            networks, self._networks = self._networks, {}
        if pool is not None:
            pool.close()
        for n in networks.values():
            n.close()

    def apply(self, static: PageResult, html: str, judge: Callable[[str], PageResult],
              visible_text: Callable[[], str]) -> PageResult:
        """The verdict to report: `static` itself, or the verdict on the rendered snapshot (with a note, and
        pictures of the spots that fail or need review)."""
        if self.mode == "never" or static.status is Status.ERROR or RENDERED_META in html[:4096]:
            return static
        why = policy.render_reason(self.mode, static, html,
                                   visible_text() if static.status is Status.NOT_A_COPY else "")
        if why is None:
            return static
        from .session import RenderFailed, load

        log.debug("render %s: %s", static.url, why)
        budget = self.settings.budget
        try:
            pool, network = self._pool_and_network(static.url)
            # A local file (CI on built HTML) is rendered offline: its own files only, nothing from the network.
            offline = self.settings.offline or static.url.lower().startswith("file:")
            loaded = pool.call(lambda: load(pool, network, static.url, html, budget, offline=offline),
                               timeout=budget * 4 + 60)
        except RenderFailed as exc:
            return policy.unconfirmed(static, str(exc))
        except concurrent.futures.TimeoutError:
            return policy.unconfirmed(static, f"no browser was free to render it within {budget * 4 + 60:g} s")
        except Exception as exc:  # the browser would not start, or died
            log.warning("render: %s: %s: %s", static.url, type(exc).__name__, exc)
            return policy.unconfirmed(static, f"the browser failed ({type(exc).__name__}: {exc})")
        try:
            rendered = judge(loaded.snapshot)
            if rendered.status in (Status.VIOLATION, Status.REVIEW):
                rendered = self._pictures(pool, loaded, rendered)
        finally:
            try:
                pool.call(lambda: pool.release(loaded.context), timeout=30)
            except Exception as exc:
                log.debug("render: releasing a context: %s", exc)
        if rendered.status is Status.ERROR:
            return policy.unconfirmed(static, rendered.error or "the snapshot could not be checked")
        if rendered.status is Status.NOT_A_COPY and static.status is not Status.NOT_A_COPY:
            # The article's text is in the HTML but the browser showed it to no one: the page hides itself until
            # scripts that did not run (offline, blocked, failing). That is no evidence either way.
            return policy.unconfirmed(static, "the browser showed too little of the page to judge it (the page "
                                              "stays hidden until scripts that did not run)")
        if loaded.partial:
            rendered = policy.partial(static, rendered)
        if loaded.blocked:
            log.info("render %s: %d requests refused by the address policy", static.url, len(loaded.blocked))
        result = policy.with_note(rendered, policy.note(static, rendered, loaded.seconds, len(loaded.blocked), loaded.partial))
        return replace(result, rendered=True,
                       static_status=static.status if static.status is not rendered.status else None)

    def _pictures(self, pool: BrowserPool, loaded, result: PageResult) -> PageResult:
        """A cropped screenshot for each failing or review finding: its element, else the article's head."""
        from .session import screenshot
        from .spots import Spots

        spots = Spots(loaded.snapshot)
        shots: dict = {}
        findings: list[Finding] = []
        for f in result.findings:
            if f.outcome not in (Outcome.FAIL, Outcome.REVIEW):
                findings.append(f)
                continue
            box, what = spots.for_finding(f)
            if box not in shots:
                try:
                    shots[box] = pool.call(partial(screenshot, loaded.page, box, loaded.cdp), timeout=15)
                except Exception as exc:
                    log.info("render: screenshot: %s", exc)
                    shots[box] = None
            png = shots[box]
            if png:
                uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
                f = replace(f, evidence=f.evidence + (Evidence(selector="", snippet=f"Screenshot: {what}",
                                                               screenshot=uri),))
            findings.append(f)
        return replace(result, findings=tuple(findings))
