"""The system Chromium through Playwright: one event-loop thread, a small pool of browser contexts reused across pages."""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Coroutine, Optional, TypeVar

log = logging.getLogger("syndicheck.render")
R = TypeVar("R")

# Flags for a headless browser that reaches the network only through us. Every request a page makes is
# routed to checker/render/network.py (address policy, size caps); what the route cannot see (preconnects,
# DNS prefetch, WebSocket and WebRTC attempts, background updates) goes to a proxy that does not exist,
# loopback included (`<-loopback>`), so the browser itself opens no connection to anything.
DEAD_PROXY = "http://127.0.0.1:1"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--mute-audio", "--dns-prefetch-disable",
                 f"--proxy-server={DEAD_PROXY}", "--proxy-bypass-list=<-loopback>",
                 "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                 # CPU per page: pages of one context share renderer processes instead of one per site
                 "--disable-site-isolation-trials", "--renderer-process-limit=4", "--disable-extensions",
                 "--disable-features=IsolateOrigins,site-per-process,Translate,OptimizationHints,MediaRouter",
                 "--hide-scrollbars")
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = "apt-get install chromium"


def find_chromium() -> tuple[Optional[str], str]:
    """(path to the browser, "") or (None, why there is none). SYNDICHECK_CHROMIUM names one; else PATH."""
    named = os.environ.get("SYNDICHECK_CHROMIUM")
    if named:
        path = shutil.which(named)
        if path is None:
            return None, f"SYNDICHECK_CHROMIUM={named} is not an executable file"
        return path, ""
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path, ""
    return None, f"no Chromium on PATH (looked for {', '.join(NAMES)}; or set SYNDICHECK_CHROMIUM)"


def browser_problem() -> Optional[str]:
    """None when pages can be rendered here, else why not (no Playwright, no Chromium)."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install 'syndicheck[render]')"
    path, why = find_chromium()
    return None if path else why


# A context is replaced after this many renders: Playwright keeps an object for each request and response
# of a page until the page or its context closes, so a context reused all night grows the process with
# every confirmation (about 800 objects per 1,000 pages of an audit). A new context costs tens of ms.
RECYCLE_RENDERS = 40


class BrowserPool:
    """One Chromium, driven from a private thread's event loop; callers on any thread submit coroutines.

    Why a thread of its own: Playwright's objects belong to the event loop that made them, while the audit
    checks pages on many threads (and `check` on the main one, where tests also run other event loops).
    `contexts` browser contexts are made once and handed out one page at a time: a context costs tens of
    milliseconds to create, a page in an existing one a few."""

    def __init__(self, executable: str, *, contexts: int = 2, user_agent: Optional[str] = None):
        self.executable, self.size, self.user_agent = executable, max(1, contexts), user_agent
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._pw: Any = None
        self._browser: Any = None
        self._free: Optional[asyncio.Queue] = None
        # One page per context, reused from render to render: a navigation costs about half the CPU of a
        # new page. Its route handler dispatches to the current render's (see route()); its CDP session
        # takes fast pictures and pauses the page's scripts between renders (see release()).
        self._pages: dict[int, tuple[Any, dict, Any]] = {}
        self._renders: dict[int, int] = {}  # renders each context has served (see RECYCLE_RENDERS)
        self.io = ThreadPoolExecutor(max_workers=8, thread_name_prefix="render-io")  # blocking subresource fetches
        self._releasing: set = set()

    def start(self) -> None:
        with self._lock:
            if self._loop is not None:
                return
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                ready.set()
                loop.run_forever()

            self._thread = threading.Thread(target=run, name="render-browser", daemon=True)
            self._thread.start()
            ready.wait()
            self._loop = loop
            try:
                asyncio.run_coroutine_threadsafe(self._launch(), loop).result(60)
            except BaseException:
                self._stop_loop()
                raise

    async def _launch(self) -> None:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(executable_path=self.executable, args=list(CHROMIUM_ARGS))
        self._free = asyncio.Queue()
        # Made together, not one after another. (Their pages are made on first use: made here too, they kept
        # the night's first renders waiting for the launch longer than making them on the way saved.)
        for context in await asyncio.gather(*(self._new_context() for _ in range(self.size))):
            await self._free.put(context)

    async def _new_context(self) -> Any:
        kwargs = dict(viewport=dict(DESKTOP_VIEWPORT), java_script_enabled=True, service_workers="block",
                      accept_downloads=False, bypass_csp=False, ignore_https_errors=False)
        if self.user_agent:
            kwargs["user_agent"] = self.user_agent
        return await self._browser.new_context(**kwargs)

    async def acquire(self, wait: Optional[float] = None) -> Any:
        """A free context; asyncio.TimeoutError when none was free within `wait` seconds."""
        assert self._free is not None
        return await asyncio.wait_for(self._free.get(), wait)

    async def page(self, context: Any) -> Any:
        """The context's page, at the desktop width, made on first use."""
        kept = self._pages.get(id(context))
        if kept is not None and not kept[0].is_closed():
            page, _job, cdp = kept
            await cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})  # paused by release()
            if page.viewport_size != DESKTOP_VIEWPORT:
                await page.set_viewport_size(DESKTOP_VIEWPORT)
            return page
        page = await context.new_page()
        job: dict = {"handler": None}

        async def dispatch(route: Any) -> None:
            handler = job["handler"]
            if handler is None:  # between renders (about:blank needs no request): nothing may load
                await route.abort("blockedbyclient")
            else:
                await handler(route)

        await page.route("**/*", dispatch)
        # Alerts and prompts are dismissed; a "leave this page?" prompt is accepted, or it would stop the next
        # render's navigation away from the page this context last showed.
        page.on("dialog", lambda d: asyncio.ensure_future(d.accept() if d.type == "beforeunload" else d.dismiss()))
        self._pages[id(context)] = (page, job, await context.new_cdp_session(page))
        return page

    def cdp(self, context: Any) -> Any:
        """The CDP session of the context's page (made by page())."""
        return self._pages[id(context)][2]

    def route(self, context: Any, handler: Any) -> None:
        """Every request of the context's page goes to `handler` until the context is released."""
        self._pages[id(context)][1]["handler"] = handler

    async def release(self, context: Any, *, broken: bool = False) -> None:
        """Back to the pool with no cookies and no page of the last render left (a broken one is replaced)."""
        assert self._free is not None
        kept = self._pages.get(id(context))
        served = self._renders.pop(id(context), 0) + 1
        try:
            if broken or kept is None or served >= RECYCLE_RENDERS:
                raise RuntimeError("replace")
            kept[1]["handler"] = None  # nothing more loads
            # The last page's scripts and timers pause until the next render navigates away from it (cheaper
            # than a navigation to about:blank: no document is made and the caller waits for none). The steps
            # are independent: sent together, they cost one round trip's wait instead of three.
            # The page is left at the desktop width the next render starts at (its last measure was at the phone's).
            await asyncio.gather(kept[2].send("Emulation.setScriptExecutionDisabled", {"value": True}),
                                 kept[2].send("Page.stopLoading"), context.clear_cookies(),
                                 *([kept[0].set_viewport_size(DESKTOP_VIEWPORT)]
                                   if kept[0].viewport_size != DESKTOP_VIEWPORT else []),
                                 *(page.close() for page in list(context.pages) if page is not kept[0]))  # popups
        except Exception:
            self._pages.pop(id(context), None)
            try:
                await context.close()
            except Exception:
                pass
            try:
                context = await self._new_context()
            except Exception as exc:  # the browser itself is gone: nothing to hand back
                log.warning("render: a browser context could not be replaced: %s", exc)
                return
            served = 0
        self._renders[id(context)] = served
        await self._free.put(context)

    def submit(self, make: Callable[[], Coroutine[Any, Any, R]]) -> "concurrent.futures.Future[R]":
        """Run make() on the browser's loop (starting the browser if need be); its result as a Future."""
        self.start()
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(make(), self._loop)

    def release_later(self, context: Any) -> None:
        """release() on the loop, without anyone waiting for it (called on the loop)."""
        task = asyncio.ensure_future(self.release(context))
        self._releasing.add(task)  # a task nobody holds may be garbage-collected before it ends
        task.add_done_callback(self._releasing.discard)

    def call(self, make: Callable[[], Coroutine[Any, Any, Any]], timeout: float) -> Any:
        """Run make() on the browser's loop and wait at most `timeout` seconds for its result."""
        future = self.submit(make)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def close(self) -> None:
        with self._lock:
            if self._loop is None:
                return
            try:
                asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(30)
            except Exception as exc:
                log.debug("render: browser shutdown: %s", exc)
            self._stop_loop()
        self.io.shutdown(wait=False, cancel_futures=True)

    async def _shutdown(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()

    def _stop_loop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(10)
