"""One page in the browser: load it with every request routed, measure it at two widths, serialise, take pictures."""
from __future__ import annotations

import asyncio
import base64
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..article.positions import TOKEN as BOXES_TOKEN
from .browser import DESKTOP_VIEWPORT, BrowserPool
from .network import PageNetwork, Refused

log = logging.getLogger("syndicheck.render")

DESKTOP, PHONE = 1280, 390  # widths the reader sees the page at
MEASURE_JS = (Path(__file__).with_name("measure.js")).read_text(encoding="utf-8")
LOAD_GRACE = 5.0  # seconds after the document is parsed for its `load` event, before measuring it as it stands
SETTLE = 3.0  # at most this long, at each width, for a loaded page's lazy images and late requests to finish
# Request types that cannot change a verdict: web fonts (the fallback font draws the same text), video and
# audio, subtitles, web-app manifests. Not loading them spares the fetch, the route round trip and the wait.
NOT_LOADED = frozenset({"font", "media", "texttrack", "manifest"})
IMAGE_CAP = 2 * 1024 * 1024  # bytes of one image inlined into the snapshot (the logo comparison reads no more)


class RenderFailed(Exception):
    """The page could not be rendered within its budget, or the browser failed; str() says why, for a reader."""


@dataclass
class Loaded:
    """What the browser drew: the snapshot HTML, and the live page kept open for pictures."""

    snapshot: str
    context: Any = None
    page: Any = None
    cdp: Any = None  # the page's CDP session (fast pictures)
    blocked: list = field(default_factory=list)  # requests the address policy refused
    seconds: float = 0.0
    partial: bool = False  # measured while still loading (its `load` event had not come within LOAD_GRACE)


class Traffic:
    """Requests in flight through the route, and when the last one started or ended (for a quiet-network wait)."""

    def __init__(self) -> None:
        self.inflight, self.last = 0, time.monotonic()

    def begin(self) -> None:
        self.inflight += 1
        self.last = time.monotonic()

    def end(self) -> None:
        self.inflight -= 1
        self.last = time.monotonic()


def _router(page: Any, main_url: str, main_body: Optional[bytes], network: PageNetwork, pool: BrowserPool,
            images: dict, blocked: list, deadline: float, traffic: Traffic, offline: bool):
    """The route handler for one render: every request of the page goes through it."""
    loop = asyncio.get_running_loop()
    budget = [network.page_bytes]
    served_main = [False]

    async def handle(route: Any) -> None:
        traffic.begin()
        try:
            await _handle(route)
        finally:
            traffic.end()

    async def _handle(route: Any) -> None:
        request = route.request
        url = request.url
        try:
            if main_body is not None and not served_main[0] and request.is_navigation_request() \
                    and request.frame == page.main_frame and url.split("#")[0] == main_url.split("#")[0]:
                # The bytes already fetched and checked statically: the browser draws exactly those.
                served_main[0] = True
                await route.fulfill(status=200, body=main_body, headers={"content-type": "text/html; charset=utf-8"})
                return
            if request.resource_type in NOT_LOADED:
                await route.abort("blockedbyclient")  # no bearing on the verdict: not fetched, not waited for
                return
            if url.lower().startswith("file:"):
                # A local page's own files (a built site's images and stylesheets), nothing elsewhere on the disk.
                if _local_file_allowed(url, main_url):
                    await route.continue_()
                else:
                    await route.abort("accessdenied")
                return
            if offline:  # a local page checked in CI: nothing from the network
                await route.abort("internetdisconnected")
                return
            if request.method not in ("GET", "HEAD"):
                await route.abort("blockedbyclient")  # a check has no business posting anything
                return
            headers = await request.all_headers()
            try:
                response = await loop.run_in_executor(pool.io, network.get, url, headers, budget, deadline)
            except Refused as exc:
                if exc.blocked and f"{url}: {exc}" not in blocked:  # distinct refusals (a page may retry)
                    blocked.append(f"{url}: {exc}")
                    log.info("render: %s: %s", url, exc)
                await route.abort("blockedbyclient" if exc.blocked else "failed")
                return
            if request.resource_type == "image" and len(response.body) <= IMAGE_CAP:
                images[url] = (response.headers.get("content-type"),
                               response.body)
            await route.fulfill(status=response.status, headers=response.headers, body=response.body)
        except Exception as exc:  # page closed meanwhile, or the route already handled
            log.debug("render: route %s: %s", url, exc)

    return handle


def _local_file_allowed(url: str, page_url: str) -> bool:
    """A file:// subresource of a local page: inside the page's directory or the working directory."""
    from urllib.parse import unquote, urlsplit

    try:
        path = Path(unquote(urlsplit(url).path)).resolve()
        roots = [Path(unquote(urlsplit(page_url).path)).resolve().parent, Path.cwd().resolve()]
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop, on Python before 3.13
        return False
    # A page at the file system's root (a synthetic name) would open the whole disk: only the working directory.
    roots = [r for r in roots if r != Path(r.anchor)]
    return page_url.lower().startswith("file:") and any(path.is_relative_to(r) for r in roots)


def _data_uri(content_type: Optional[str], body: bytes) -> str:
    mime = (content_type or "").split(";")[0].strip() or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(body).decode('ascii')}"


QUIET = 0.1  # seconds without a request starting or ending: the page has what it asked for


async def _settle(page: Any, deadline: float, traffic: Traffic, longest: float = SETTLE, *,
                  scroll: bool = True) -> None:
    """Scroll down the page (lazy loaders watch the viewport) and wait for the network to go quiet."""
    left = deadline - time.monotonic()
    if left <= 0:
        return
    try:
        if scroll:
            await page.evaluate("""async () => {
                const step = Math.max(200, innerHeight - 100);
                for (let y = 0, n = 0; y < document.documentElement.scrollHeight && n < 40; y += step, n++) {
                    scrollTo(0, y);
                    await new Promise(r => requestAnimationFrame(r));
                }
                scrollTo(0, 0);
            }""")
        # Two frames for scripts reacting to the scroll, then until no request is in flight for QUIET seconds.
        await page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        until = min(deadline - 1, time.monotonic() + longest)
        while time.monotonic() < until:
            if traffic.inflight == 0 and time.monotonic() - traffic.last >= QUIET:
                break
            await asyncio.sleep(0.03)
    except Exception:
        pass  # a page that keeps polling never goes quiet; what it shows by now is what is measured


SHOWN_WAIT = 4.0  # seconds to wait for a page that hides itself until its scripts are ready


# Whether the page shows its body (an expression).
SHOWN = """(() => {
    const b = document.body;
    if (!b) return true;
    if (typeof b.checkVisibility === "function") return b.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
    const cs = getComputedStyle(b);
    return cs.visibility !== "hidden" && cs.opacity !== "0";
})()"""
# (force) => false when the page hides its body (unless `force`), else measure.js set up and run at this width.
MEASURE_DESKTOP = f"(force) => {{\nif (!force && !{SHOWN}) return false;\n{MEASURE_JS}\nwindow.__syndicheckApi.measure(0);\nreturn true;\n}}"
MEASURE_PHONE_AND_SERIALIZE = "(token) => { window.__syndicheckApi.measure(1); return window.__syndicheckApi.serialize(token); }"


async def _until_shown(page: Any, deadline: float) -> None:
    """Wait while the page hides its whole body ("anti-flicker" snippets: body {visibility: hidden} or
    html.async-hide {opacity: 0} until an A/B-testing or analytics script says go, or its timeout does)."""
    until = min(deadline - 2, time.monotonic() + SHOWN_WAIT)
    try:
        while time.monotonic() < until:
            shown = await page.evaluate(f"() => {SHOWN}")
            if shown:
                return
            await asyncio.sleep(0.1)
    except Exception:
        pass  # measured as it stands


async def _navigate(page: Any, cdp: Any, url: str, budget: float) -> None:
    """Open `url` in the context's page and wait for its DOMContentLoaded.

    Sent as a link-like navigation (CDP Page.navigate, transition "link") rather than Playwright's goto, which
    navigates as if typed in the address bar: for a page of another site Chromium then starts a new browsing
    instance, a new renderer process and a new document machinery each time (about 40 ms of CPU more per page
    here). A link keeps the context's renderer process. No referrer is sent or shown (none is given)."""
    current = page.url
    if current.split("#")[0] == url.split("#")[0] and current != "about:blank":
        # the same document again (a fragment would make it a same-document navigation): a plain goto
        await page.goto(url, wait_until="domcontentloaded", timeout=budget * 1000)
        return
    async with page.expect_navigation(wait_until="domcontentloaded", timeout=budget * 1000):
        sent = await cdp.send("Page.navigate", {"url": url, "transitionType": "link"})
        if sent.get("errorText"):
            raise RuntimeError(f"{sent['errorText']} at {url}")


async def load(pool: BrowserPool, network: PageNetwork, url: str, html: Optional[str], budget: float, *,
               offline: bool = False, wait: Optional[float] = None) -> Loaded:
    """Load and measure one page within `budget` seconds (from the moment a browser context is free, which
    is at most `wait` seconds); on failure the context goes back to the pool and RenderFailed says why."""
    try:
        context = await pool.acquire(wait)
    except asyncio.TimeoutError:
        raise RenderFailed(f"no browser was free to render it within {wait:g} s") from None
    try:
        # A script spinning forever blocks even page.evaluate: the whole load is bounded, not just goto.
        return await asyncio.wait_for(_load(pool, context, network, url, html, budget, offline), budget + 3)
    except asyncio.TimeoutError:
        await pool.release(context, broken=True)
        raise RenderFailed(f"the page did not finish rendering in the browser within {budget:g} s") from None


async def _load(pool: BrowserPool, context: Any, network: PageNetwork, url: str, html: Optional[str],
                budget: float, offline: bool) -> Loaded:
    started = time.monotonic()
    deadline = started + budget
    page = None
    try:
        page = await pool.page(context)
        images: dict = {}
        blocked: list = []
        body = html.encode("utf-8") if html is not None else None
        traffic = Traffic()
        pool.route(context, _router(page, url, body, network, pool, images, blocked, deadline, traffic, offline))
        try:
            await _navigate(page, pool.cdp(context), url, budget)
        except Exception as exc:
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc):
                raise RenderFailed(f"the page did not finish loading in the browser within {budget:g} s") from None
            raise RenderFailed(f"the browser could not load the page: {str(exc).splitlines()[0]}") from None
        # The document is parsed and its blocking scripts ran. Its `load` (every image, frame, late script)
        # may never come (a host that never answers, an onerror loop): after a grace the page is measured as
        # it stands, and marked partial so that nothing it lacks is reported as confirmed (see Renderer).
        partial = False
        try:
            grace = max(0.1, min(LOAD_GRACE, deadline - time.monotonic() - 2))
            await page.wait_for_load_state("load", timeout=grace * 1000)
        except Exception:
            partial = True
        await _settle(page, deadline, traffic, 0.5 if partial else SETTLE)
        # One round trip each: shown? then measure at 1280 px; at 390 px, measure and serialise (elements added
        # after their measurement are judged as they stand at 390 px, one of the two widths a reader has).
        if not await page.evaluate(MEASURE_DESKTOP, False):  # the page hides itself for now
            await _until_shown(page, deadline)
            await page.evaluate(MEASURE_DESKTOP, True)
        await page.set_viewport_size({"width": PHONE, "height": 844})
        await _settle(page, deadline, traffic, 0.5 if partial else SETTLE, scroll=False)
        out = await page.evaluate(MEASURE_PHONE_AND_SERIALIZE, BOXES_TOKEN)
        snapshot = out["html"]
        for i, src in enumerate(out["images"]):
            token = f'src="syndicheck-image:{i}"'
            found = images.get(src)
            snapshot = snapshot.replace(token, f'src="{_data_uri(*found)}"' if found else f'src="{_escape(src)}"', 1)
        return Loaded(snapshot, context, page, blocked=blocked, seconds=time.monotonic() - started, partial=partial,
                      cdp=pool.cdp(context))
    except RenderFailed:
        await pool.release(context)
        raise
    except asyncio.CancelledError:
        raise  # load() replaces the context
    except Exception as exc:
        await pool.release(context, broken=True)
        raise RenderFailed(f"the browser failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") \
            from None


# A small page rendered once in each context when the browser starts (Renderer.warm): a context's first page
# costs a renderer process, its fonts and the measuring script's first run, which the night's first real
# renders (often arriving together) would otherwise pay one after another.
WARM_URL = "http://warm-up.syndicheck.invalid/"
WARM_PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>Warm-up</title></head><body><main><article>"
             "<h1>Warm-up</h1><p class='byline'>By syndicheck</p><p>A paragraph drawn once.</p><img alt=''>"
             "</article></main></body></html>")


async def warm_up(pool: BrowserPool, network: PageNetwork) -> None:
    """Render WARM_PAGE, offline, in each of the pool's contexts (those free now; nothing is waited for)."""
    async def one() -> None:
        try:
            loaded = await load(pool, network, WARM_URL, WARM_PAGE, 10.0, offline=True, wait=0.5)
        except RenderFailed:
            return  # no context free: the night has begun
        try:
            await screenshot(loaded.page, (0, 0, 100, 100), loaded.cdp)
        finally:
            pool.release_later(loaded.context)

    await asyncio.gather(*(one() for _ in range(pool.size)))


def _escape(url: str) -> str:
    return url.replace("&", "&amp;").replace('"', "&quot;")


async def screenshot(page: Any, box: tuple[int, int, int, int], cdp: Any = None) -> Optional[bytes]:
    """A PNG of `box` (page coordinates at 1280 px) with a margin, cut to a sensible size."""
    if page.viewport_size != DESKTOP_VIEWPORT:  # measured last at the phone width
        await page.set_viewport_size(DESKTOP_VIEWPORT)
    x, y, w, h = box
    pad = 16
    x0, y0 = max(0, x - pad), max(0, y - pad)
    w = min(max(w + 2 * pad, 320), DESKTOP - x0)
    h = min(max(h + 2 * pad, 120), 700)
    if w <= 0 or h <= 0:
        return None
    clip = {"x": x0, "y": y0, "width": w, "height": h}
    if cdp is not None:
        # Straight from the compositor, fast PNG encoding: half the CPU of Playwright's full-page picture,
        # which resizes the page to its full height first.
        try:
            shot = await asyncio.wait_for(cdp.send("Page.captureScreenshot", {
                "format": "png", "clip": {**clip, "scale": 1}, "optimizeForSpeed": True,
                "captureBeyondViewport": y0 + h > page.viewport_size["height"]}), 5)
            return base64.b64decode(shot["data"])
        except Exception as exc:
            log.debug("render: CDP screenshot failed (%s); trying Playwright's", exc)
    try:
        return await page.screenshot(clip=clip, full_page=True, type="png", animations="disabled", timeout=5000)
    except Exception as exc:
        log.info("render: screenshot failed: %s", exc)
        return None
