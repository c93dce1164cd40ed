"""Render mode: judge a page on what a real browser drew. `Renderer.apply` is the one entry point the pipeline calls.

The browser's facts reach the unchanged static pipeline as a *snapshot*: the rendered DOM serialised as plain
HTML without scripts or stylesheets, where every element the reader cannot see at 1280 px nor at 390 px
carries `hidden`, every image carries the pixels it loaded as a data: URI, and every element its box at
1280 px (data-syndicheck-box="x,y,w,h"). The same article model and rules then judge that snapshot.
"""
from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable, Iterator, Optional
from urllib.parse import urlsplit

from ..models import Evidence, Outcome, PageResult, Status
from . import policy
from .browser import INSTALL_HINT, BrowserPool, browser_problem, find_chromium
from .policy import MODES

log = logging.getLogger("syndicheck.render")

__all__ = ["MODES", "INSTALL_HINT", "RenderSettings", "RenderUnavailable", "Renderer", "browser_problem",
           "deferred_renders", "make_renderer", "resolve_mode"]

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


# Renders under way or waiting for a browser context, at most this many per context: a caller starting one more
# waits (within the render's own bounds) until one ends. An audit hands renders over without waiting for them;
# when its pages needed them faster than the browser made them, they queued by the hundred (~700 at once in
# bench/bench_load.py), each holding its page's bytes, text and static verdict and the host's pages checked
# behind it, and the process's peak memory grew with the length of the night.
PENDING_PER_CONTEXT = 4


class Renderer:
    """Renders pages that need it and returns the verdict on the snapshot. Picklable (for dask workers): the
    browser starts on first use in each process."""

    def __init__(self, settings: RenderSettings):
        self.settings = settings
        self._pool: Optional[BrowserPool] = None
        self._networks: dict = {}
        self._judge_pool: Optional[ThreadPoolExecutor] = None
        self._lock = threading.Lock()
        self._room = threading.Condition()  # see PENDING_PER_CONTEXT
        self._pending = 0

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

    def warm(self, *, pages: bool = False) -> None:
        """Start the browser in the background now (an audit does it while it loads originals and discovers
        pages), so the first page to render does not wait for the launch. `pages`: also render a small page in
        each context (its first page's costs paid ahead: for a night that fetches pages in full, not one whose
        pages are all expected unchanged). Failures surface, as usual, on the first page to render."""
        def start() -> None:
            from .session import warm_up

            try:
                pool, network = self._pool_and_network("")
                pool.start()
                if pages:
                    pool.submit(partial(warm_up, pool, network))
            except Exception as exc:
                log.debug("render: warm-up: %s", exc)

        threading.Thread(target=start, name="render-warm", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            networks, self._networks = self._networks, {}
            judges, self._judge_pool = self._judge_pool, None
        if pool is not None:
            pool.close()
        if judges is not None:
            judges.shutdown(wait=False, cancel_futures=True)
        for n in networks.values():
            n.close()

    def apply(self, static: PageResult, html: str, judge: Callable[[str], PageResult],
              visible_text: Callable[[], str]) -> PageResult:
        """The verdict to report: `static` itself, or the verdict on the rendered snapshot (with a note, and
        pictures of the spots that fail or need review). Inside `deferred_renders()` a page that needs the
        browser is not waited for: its render is handed to the caller as a Future and `static` is returned."""
        future = self.start(static, html, judge, visible_text)
        if future is None:
            return static
        started = _DEFERRED.get()
        if started is not None:
            started.append(future)
            return static
        return self.result(static, future)

    def result(self, static: PageResult, future: "concurrent.futures.Future[PageResult]") -> PageResult:
        """The rendered verdict of `static`'s page once its render ends (bounded: it cannot wait forever)."""
        limit = self._wait + self.settings.budget + 60
        try:
            return future.result(timeout=limit)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return policy.unconfirmed(static, f"the browser did not answer within {limit:g} s")
        except concurrent.futures.CancelledError:
            return policy.unconfirmed(static, "the render was cancelled (the browser was closed)")

    @property
    def _wait(self) -> float:
        return self.settings.budget * 4 + 60  # for a free browser context, before the page ends in `review`

    def start(self, static: PageResult, html: str, judge: Callable[[str], PageResult],
              visible_text: Callable[[], str]) -> "Optional[concurrent.futures.Future[PageResult]]":
        """Begin rendering the page if it needs it (None: keep `static`). The browser's part runs on its event
        loop and the snapshot is judged on the renderer's own threads: no caller's thread is held meanwhile."""
        if self.mode == "never" or static.status is Status.ERROR or RENDERED_META in html[:4096]:
            return None
        why = policy.render_reason(self.mode, static, html,
                                   visible_text() if static.status is Status.NOT_A_COPY else "")
        if why is None:
            return None
        log.debug("render %s: %s", static.url, why)
        try:
            pool, network = self._pool_and_network(static.url)
            self._take_room()
            try:
                future = pool.submit(partial(self._render, pool, network, static, html, judge))
            except BaseException:
                self._give_room()
                raise
            future.add_done_callback(self._give_room)
            return future
        except Exception as exc:  # the browser would not start, or died
            log.warning("render: %s: %s: %s", static.url, type(exc).__name__, exc)
            done: concurrent.futures.Future = concurrent.futures.Future()
            done.set_result(policy.unconfirmed(static, f"the browser failed ({type(exc).__name__}: {exc})"))
            return done

    def _take_room(self) -> None:
        """Count one more render, once fewer than PENDING_PER_CONTEXT per context are pending (or after as long as
        a render may take: a browser that stopped answering must not stop the caller for good)."""
        limit = PENDING_PER_CONTEXT * max(1, self.settings.contexts)
        deadline = time.monotonic() + self._wait + self.settings.budget + 60
        with self._room:
            while self._pending >= limit:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._room.wait(left)
            self._pending += 1

    def _give_room(self, _future: object = None) -> None:
        with self._room:
            self._pending -= 1
            self._room.notify()

    async def _render(self, pool: BrowserPool, network, static: PageResult, html: str,
                      judge: Callable[[str], PageResult]) -> PageResult:
        """One page, on the browser's loop: load and measure it, judge the snapshot (on a judge thread), take
        the pictures, hand the context back without waiting for it to be cleaned, and say the verdict."""
        from .session import RenderFailed, load

        # A local file (CI on built HTML) is rendered offline: its own files only, nothing from the network.
        offline = self.settings.offline or static.url.lower().startswith("file:")
        try:
            loaded = await load(pool, network, static.url, html, self.settings.budget, offline=offline,
                                wait=self._wait)
        except RenderFailed as exc:
            return policy.unconfirmed(static, str(exc))
        except Exception as exc:  # the browser died
            log.warning("render: %s: %s: %s", static.url, type(exc).__name__, exc)
            return policy.unconfirmed(static, f"the browser failed ({type(exc).__name__}: {exc})")
        try:
            loop = asyncio.get_running_loop()
            rendered, spots = await loop.run_in_executor(self._judges(), _judge, judge, loaded.snapshot)
            if spots:
                rendered = await _pictures(pool, loaded, rendered, spots)
        except Exception as exc:  # a bug in judging the snapshot must not leave the context taken
            log.warning("render: %s: judging the snapshot: %s: %s", static.url, type(exc).__name__, exc)
            return policy.unconfirmed(static, f"the snapshot could not be checked ({type(exc).__name__})")
        finally:
            pool.release_later(loaded.context)
        return _verdict(static, rendered, loaded)

    def _judges(self) -> ThreadPoolExecutor:
        """Threads that judge snapshots (CPU work: the browser's loop must not do it, or every render waits)."""
        with self._lock:
            if self._judge_pool is None:
                self._judge_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="render-judge")
            return self._judge_pool


_DEFERRED: ContextVar[Optional[list]] = ContextVar("syndicheck_deferred_renders", default=None)


@contextmanager
def deferred_renders() -> Iterator[list]:
    """Within this block (on this thread), Renderer.apply does not wait for a render: it returns the static
    verdict and appends the render's Future (of the verdict to report) to the list yielded here. The audit's
    crawl goes on to a host's next page while an earlier one renders, and joins the Future before the page's
    verdict is recorded."""
    started: list = []
    token = _DEFERRED.set(started)
    try:
        yield started
    finally:
        _DEFERRED.reset(token)


Spot = tuple[int, tuple[int, int, int, int], str]  # (finding index, box at 1280 px, what the picture shows)


def _judge(judge: Callable[[str], PageResult], snapshot: str) -> tuple[PageResult, list[Spot]]:
    """The verdict on the snapshot and, for each failing or review finding, the spot to take a picture of."""
    from .spots import Spots

    rendered = judge(snapshot)
    if rendered.status not in (Status.VIOLATION, Status.REVIEW):
        return rendered, []
    spots = Spots(snapshot)
    out: list[Spot] = []
    for i, f in enumerate(rendered.findings):
        if f.outcome in (Outcome.FAIL, Outcome.REVIEW):
            box, what = spots.for_finding(f)
            out.append((i, box, what))
    return rendered, out


async def _pictures(pool: BrowserPool, loaded, result: PageResult, spots: list[Spot]) -> PageResult:
    """A cropped screenshot for each failing or review finding: its element, else the article's head."""
    from .session import screenshot

    shots: dict = {}
    for _i, box, _what in spots:
        if box not in shots:
            try:
                shots[box] = await asyncio.wait_for(screenshot(loaded.page, box, loaded.cdp), 15)
            except Exception as exc:
                log.info("render: screenshot: %s", exc)
                shots[box] = None
    findings = list(result.findings)
    for i, box, what in spots:
        png = shots[box]
        if png:
            f = findings[i]
            uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            findings[i] = replace(f, evidence=f.evidence + (Evidence(selector="", snippet=f"Screenshot: {what}",
                                                                     screenshot=uri),))
    return replace(result, findings=tuple(findings))


def _verdict(static: PageResult, rendered: PageResult, loaded) -> PageResult:
    """The verdict to report from the rendered one: what the browser could not settle stays unconfirmed."""
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
    result = policy.with_note(rendered, policy.note(static, rendered, loaded.seconds, len(loaded.blocked),
                                                    loaded.partial))
    return replace(result, rendered=True,
                   static_status=static.status if static.status is not rendered.status else None)
