"""Render mode in a real Chromium: script-built bylines, stylesheets, lazy and swapped logos, budgets, address policy."""
from __future__ import annotations

import base64
import socket
import threading

import pytest

from checker.models import Fetched, Outcome, Status
from checker.pipeline import Checker
from conftest import ROOT, article_html

pytestmark = pytest.mark.browser

LOGO = (ROOT / "rules" / "dcnf" / "logo" / "dcnf-logo.png").read_bytes()
OTHER_PNG = base64.b64decode(  # 2x2 grey PNG: a partner's own picture
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVQI12NgYGBgYGAAAAAFAAGdnXhDAAAAAElFTkSuQmCC")
BYLINE = "By Jane Q. Reporter, Daily Caller News Foundation"


@pytest.fixture
def render_settings():
    from checker.render import RenderSettings, browser_problem
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    return RenderSettings(mode="auto", allow_private=True, budget=8.0)


@pytest.fixture
def renderer(render_settings):
    from checker.render import Renderer
    r = Renderer(render_settings)
    yield r
    r.close()


def page(original, head: str = "", foot: str = "", head_tags: str = "", logo: str = '<img src="/dcnf-logo.png" alt="">') -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>t</title>{head_tags}</head><body>"
            f"<main><article><h1>{original.title}</h1>{logo}{head}{article_html(original)}{foot}</article></main>"
            f"</body></html>")


def check(checker: Checker, url: str, html: str):
    return checker.check(Fetched(target=url, url=url, body=html.encode("utf-8"), content_type="text/html",
                                 charset="utf-8", status_code=200))


def finding(result, rule):
    return next(f for f in result.findings if f.rule == rule)


def story(httpserver) -> str:
    return f"http://127.0.0.1:{httpserver.port}/story"  # not localhost: ::1 may not answer here


def serve_logo(httpserver, path="/dcnf-logo.png", body=LOGO):
    httpserver.expect_request(path).respond_with_data(body, content_type="image/png")


def test_byline_inserted_by_script_is_confirmed(pack, original, httpserver, renderer):
    serve_logo(httpserver)
    httpserver.expect_request("/byline.js").respond_with_data(
        f"document.querySelector('.byline').textContent = {BYLINE!r};", content_type="application/javascript")
    html = page(original, head='<p class="byline"></p><script src="/byline.js"></script>')
    url = story(httpserver)
    static = Checker.build(pack, [original]).check(Fetched(target=url, url=url, body=html.encode()))
    assert finding(static, "byline").outcome is Outcome.REVIEW and not static.rendered
    result = check(Checker.build(pack, [original], renderer=renderer), url, html)
    assert result.status is Status.COMPLIANT, [(f.rule, f.outcome, f.message) for f in result.findings]
    assert result.rendered and result.static_status is static.status
    assert result.as_dict()["rendered"] is True and result.as_dict()["static_status"] == static.status.value
    assert any("Checked in a browser" in e.snippet for e in finding(result, "byline").evidence)


def test_wrong_name_inserted_by_script_fails_with_a_picture(pack, original, httpserver, renderer):
    serve_logo(httpserver)
    html = page(original, head='<p class="byline"></p><script>document.querySelector(".byline").textContent = '
                               '"By John Smith, Daily Caller News Foundation";</script>')
    result = check(Checker.build(pack, [original], renderer=renderer), story(httpserver), html)
    assert result.status is Status.VIOLATION and result.rendered
    byline = finding(result, "byline")
    assert byline.outcome is Outcome.FAIL and "John Smith" in byline.message
    shots = [e.screenshot for e in byline.evidence if e.screenshot]
    assert shots and shots[0].startswith("data:image/png;base64,")
    png = base64.b64decode(shots[0].split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image
    import io
    with Image.open(io.BytesIO(png)) as im:
        assert 100 <= im.width <= 1280 and 50 <= im.height <= 700  # cropped to the spot, not the whole page


def test_byline_hidden_by_linked_stylesheet(pack, original, httpserver, render_settings):
    from dataclasses import replace
    from checker.render import Renderer
    serve_logo(httpserver)
    httpserver.expect_request("/site.css").respond_with_data(".credit { display: none }", content_type="text/css")
    html = page(original, head=f'<p class="credit">{BYLINE}</p>',
                head_tags='<link rel="stylesheet" href="/site.css">')
    url = story(httpserver)
    assert Checker.build(pack, [original]).check(Fetched(target=url, url=url, body=html.encode())).status \
        is Status.COMPLIANT  # statically the byline is there
    renderer = Renderer(replace(render_settings, mode="always"))
    try:
        result = check(Checker.build(pack, [original], renderer=renderer), url, html)
    finally:
        renderer.close()
    assert result.rendered and result.static_status is Status.COMPLIANT
    assert result.status is Status.VIOLATION
    assert finding(result, "byline").outcome is Outcome.FAIL


def test_lazily_loaded_logo_is_read_from_its_pixels(pack, original, httpserver, renderer):
    serve_logo(httpserver, "/media/4711.png")  # the DCNF logo under a name that says nothing
    lazy = ('<img class="lazy" data-src="/media/4711.png" alt="" width="200" height="60">'
            '<script>new IntersectionObserver((es, o) => es.forEach(e => { if (e.isIntersecting) {'
            ' e.target.src = e.target.dataset.src; o.unobserve(e.target); } }))'
            '.observe(document.querySelector("img.lazy"));</script>')
    html = page(original, head=f"<p>{BYLINE}</p>", foot=lazy, logo="")
    url = story(httpserver)
    static = Checker.build(pack, [original]).check(Fetched(target=url, url=url, body=html.encode()))
    assert finding(static, "logo").outcome is not Outcome.PASS
    result = check(Checker.build(pack, [original], renderer=renderer), url, html)
    assert result.rendered
    assert finding(result, "logo").outcome is Outcome.PASS, finding(result, "logo").message


def test_logo_swapped_in_by_script(pack, original, httpserver, renderer):
    serve_logo(httpserver, "/media/a.png")
    httpserver.expect_request("/media/b.png").respond_with_data(OTHER_PNG, content_type="image/png")
    html = page(original, head=f"<p>{BYLINE}</p>",
                logo='<img id="brand" src="/media/b.png" alt="" width="200" height="60">'
                     '<script>document.getElementById("brand").src = "/media/a.png";</script>')
    url = story(httpserver)
    static = Checker.build(pack, [original]).check(Fetched(target=url, url=url, body=html.encode()))
    assert finding(static, "logo").outcome is Outcome.FAIL
    result = check(Checker.build(pack, [original], renderer=renderer), url, html)
    assert result.rendered and result.static_status is Status.VIOLATION
    assert finding(result, "logo").outcome is Outcome.PASS, finding(result, "logo").message


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers: a resource that never finishes loading."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


def test_page_that_never_finishes_loading_ends_in_review(pack, original, render_settings):
    from dataclasses import replace
    from checker.render import Renderer
    silent = SilentServer()
    renderer = Renderer(replace(render_settings, budget=3.0))
    try:
        # A script that blocks the parser and never arrives: the document itself never finishes.
        # (The static page credits someone else, so statically it is a violation.)
        html = page(original, head=f'<p class="byline">By Someone Else</p><script '
                                   f'src="http://127.0.0.1:{silent.port}/byline.js"></script>')
        result = check(Checker.build(pack, [original], renderer=renderer), "http://127.0.0.1:9/story", html)
    finally:
        renderer.close()
        silent.close()
    assert result.status is Status.REVIEW and not result.rendered
    assert result.as_dict()["static_status"] == "violation" and "rendered" not in result.as_dict()
    assert not any(f.outcome is Outcome.FAIL for f in result.findings)  # nothing reported as confirmed
    notes = [e.snippet for f in result.findings for e in f.evidence]
    assert any("did not finish loading in the browser within 3 s" in n for n in notes), notes


def test_page_still_loading_is_judged_on_what_it_shows(pack, original, render_settings):
    """An image that never arrives keeps `load` from firing: after a grace the page is measured as it stands;
    the image, unknown to the browser, is judged by its attributes as statically."""
    from checker.render import Renderer
    silent = SilentServer()
    renderer = Renderer(render_settings)
    try:
        html = page(original, logo=f'<img src="http://127.0.0.1:{silent.port}/dcnf-logo.png" alt="">',
                    head=f'<p class="byline"></p><script>document.querySelector(".byline").textContent = {BYLINE!r};'
                         '</script>')
        result = check(Checker.build(pack, [original], renderer=renderer), "http://127.0.0.1:9/story", html)
    finally:
        renderer.close()
        silent.close()
    assert result.rendered and result.status is Status.COMPLIANT, [(f.rule, f.message) for f in result.findings]
    assert any("still loading when measured" in e.snippet for e in finding(result, "logo").evidence)


def test_requests_to_metadata_and_private_addresses_are_refused(pack, original, render_settings):
    from dataclasses import replace
    from pytest_httpserver import HTTPServer
    from checker.render import Renderer
    private = HTTPServer(host="127.0.0.2", port=0)
    private.expect_request("/secret.png").respond_with_data(LOGO, content_type="image/png")
    private.start()
    renderer = Renderer(replace(render_settings, allow_private=False, mode="always"))
    try:
        secret = f"http://127.0.0.2:{private.port}/secret.png"
        html = page(original, head=f"<p>{BYLINE}</p>",
                    logo=f'<img src="{secret}" alt=""><img src="http://169.254.169.254/latest/meta-data/" alt="">'
                         f'<script>fetch("{secret}?xhr").catch(() => 0);</script>')
        result = check(Checker.build(pack, [original], renderer=renderer), "https://partner.example/story", html)
    finally:
        renderer.close()
        private.stop()
    assert result.rendered
    assert private.log == []  # nothing reached the private address
    notes = " ".join(e.snippet for f in result.findings for e in f.evidence)
    assert "3 requests refused by the address policy" in notes, notes
    assert finding(result, "logo").outcome is not Outcome.PASS


def test_elements_added_while_measuring_are_not_lost(pack, original, httpserver, render_settings):
    """A ticker that keeps adding elements must not make the snapshot lose track of what was measured."""
    from dataclasses import replace
    from checker.render import Renderer
    serve_logo(httpserver)
    renderer = Renderer(replace(render_settings, mode="always"))
    html = page(original, head=f"<p>{BYLINE}</p><ul id='ticker'></ul><script>setInterval(() => "
                               "document.getElementById('ticker').append(Object.assign(document.createElement('li'),"
                               " {textContent: 'tick ' + Date.now()})), 20);</script>")
    try:
        result = check(Checker.build(pack, [original], renderer=renderer), story(httpserver), html)
    finally:
        renderer.close()
    assert result.rendered and result.status is Status.COMPLIANT, [(f.rule, f.message) for f in result.findings]


def test_page_hidden_until_scripts_that_never_run_is_not_judged(pack, original, httpserver, renderer):
    """An "anti-flicker" snippet hides the body until an analytics script that never comes: the browser saw
    nothing, which is no evidence; the static failures are reported as `review`, with the reason."""
    serve_logo(httpserver)
    html = page(original, head='<p class="byline">By Staff</p>',
                head_tags="<style>body { visibility: hidden !important }</style>")
    result = check(Checker.build(pack, [original], renderer=renderer), story(httpserver), html)
    assert not result.rendered and result.status is Status.REVIEW and result.static_status is Status.VIOLATION
    assert "showed too little of the page" in finding(result, "byline").message


def test_scripts_run_again_on_a_reused_context(pack, original, httpserver, render_settings):
    """Between renders a context's page is paused (scripts off, see BrowserPool.release); the next render turns
    them back on: the same script-built page, three times through one context, is judged on its script each time.
    Its "leave this page?" handler and its timer do not stop the next render's navigation away from it."""
    from dataclasses import replace
    from checker.render import Renderer
    serve_logo(httpserver)
    html = page(original, head=f'<p class="byline"></p><script>document.querySelector(".byline").textContent = '
                               f'{BYLINE!r}; addEventListener("beforeunload", e => {{ e.preventDefault(); '
                               'e.returnValue = "stay"; }); setInterval(() => { window.n = (window.n || 0) + 1 }, 10);'
                               '</script>')
    renderer = Renderer(replace(render_settings, contexts=1))
    try:
        checker = Checker.build(pack, [original], renderer=renderer)
        results = [check(checker, story(httpserver), html) for _ in range(3)]
    finally:
        renderer.close()
    assert [(r.rendered, r.status) for r in results] == [(True, Status.COMPLIANT)] * 3


def test_next_page_in_a_context_sees_no_referrer_and_its_own_scripts(pack, original, httpserver, render_settings):
    """Pages of one context follow each other by link-like navigations (session._navigate), not as typed URLs:
    each page is still a fresh document that runs its own scripts, and none learns which page the context
    showed before (no document.referrer: a partner's scripts could report it)."""
    from dataclasses import replace
    from checker.render import Renderer
    serve_logo(httpserver)
    html = page(original, head=f'<p class="byline"></p><script>document.querySelector(".byline").textContent = '
                               f'document.referrer === "" && !window.seen ? {BYLINE!r} : "By Someone Else"; '
                               'window.seen = 1;</script>')
    renderer = Renderer(replace(render_settings, contexts=1))
    try:
        checker = Checker.build(pack, [original], renderer=renderer)
        results = [check(checker, f"{story(httpserver)}/{n}", html) for n in range(3)]
    finally:
        renderer.close()
    assert [(r.rendered, r.status) for r in results] == [(True, Status.COMPLIANT)] * 3


def test_fonts_and_media_are_not_fetched(pack, original, httpserver, renderer):
    serve_logo(httpserver)
    for path in ("/font.woff2", "/clip.mp4"):
        httpserver.expect_request(path).respond_with_data(b"x" * 64)
    html = page(original, head=f'<p class="byline"></p><script>document.querySelector(".byline").textContent = '
                               f'{BYLINE!r};</script><video src="/clip.mp4" autoplay muted></video>',
                head_tags="<style>@font-face { font-family: F; src: url(/font.woff2) } body { font-family: F }</style>")
    result = check(Checker.build(pack, [original], renderer=renderer), story(httpserver), html)
    assert result.rendered and result.status is Status.COMPLIANT
    asked = {req.path for req, _resp in httpserver.log}
    assert "/dcnf-logo.png" in asked and not asked & {"/font.woff2", "/clip.mp4"}, asked


def test_the_picture_is_taken_at_the_desktop_width_after_the_phone_measure(pack, original, httpserver, renderer):
    """The page is measured at 1280 px, then at 390 px (where the snapshot is taken); the picture of the spot is
    of the 1280 px layout its box was measured in: here the page is green from 600 px up, red below."""
    serve_logo(httpserver)
    html = page(original, head='<p class="byline">By John Smith, Daily Caller News Foundation</p>',
                head_tags="<style>body { background: #00c000 } @media (max-width: 599px) { body { background: "
                          "#e00000 } }</style>")
    result = check(Checker.build(pack, [original], renderer=renderer), story(httpserver), html)
    assert result.status is Status.VIOLATION and result.rendered
    shots = [e.screenshot for e in finding(result, "byline").evidence if e.screenshot]
    assert shots
    from PIL import Image
    import io
    with Image.open(io.BytesIO(base64.b64decode(shots[0].split(",", 1)[1]))) as im:
        corner = im.convert("RGB").getpixel((1, 1))
    assert corner[1] > 150 and corner[0] < 100, corner  # green: the desktop layout, not the phone's red


def test_a_context_is_replaced_after_its_share_of_renders(pack, original, httpserver, render_settings, monkeypatch):
    """Playwright keeps every request's objects until a page's context closes: a context is replaced after
    RECYCLE_RENDERS renders, so an all-night audit does not grow with its confirmations. Renders go on across
    the replacement, judged as before."""
    from dataclasses import replace
    from checker.render import Renderer, browser
    monkeypatch.setattr(browser, "RECYCLE_RENDERS", 2)
    serve_logo(httpserver)
    html = page(original, head=f'<p class="byline"></p><script>document.querySelector(".byline").textContent = '
                               f'{BYLINE!r};</script>')
    renderer = Renderer(replace(render_settings, contexts=1))
    seen = []
    made = browser.BrowserPool._new_context

    async def counting(self):
        context = await made(self)
        seen.append(context)
        return context

    monkeypatch.setattr(browser.BrowserPool, "_new_context", counting)
    try:
        checker = Checker.build(pack, [original], renderer=renderer)
        results = [check(checker, story(httpserver), html) for _ in range(5)]
    finally:
        renderer.close()
    assert [(r.rendered, r.status) for r in results] == [(True, Status.COMPLIANT)] * 5
    assert len(seen) >= 3  # the first context, then a new one after renders 2 and 4


def test_renders_handed_over_unwaited_are_bounded(pack, original, httpserver, render_settings, monkeypatch):
    """An audit starts renders without waiting for them (deferred_renders): past PENDING_PER_CONTEXT per context
    the caller waits for one to end, so renders do not queue up by the hundred, each holding its page. All of
    them are still judged as before."""
    from dataclasses import replace
    import checker.render as render_module
    from checker.render import Renderer, deferred_renders
    monkeypatch.setattr(render_module, "PENDING_PER_CONTEXT", 2)
    serve_logo(httpserver)
    html = page(original, head=f'<p class="byline"></p><script>document.querySelector(".byline").textContent = '
                               f'{BYLINE!r};</script>')
    renderer = Renderer(replace(render_settings, contexts=1))
    most = [0]
    take = renderer._take_room

    def counting_take():
        take()
        most[0] = max(most[0], renderer._pending)

    renderer._take_room = counting_take
    futures = []
    try:
        checker = Checker.build(pack, [original], renderer=renderer)

        def start_some():
            for _ in range(3):
                with deferred_renders() as started:
                    assert check(checker, story(httpserver), html).rendered is False  # the static verdict, now
                futures.extend(started)

        threads = [threading.Thread(target=start_some) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        results = [f.result(120) for f in futures]
    finally:
        renderer.close()
    assert len(results) == 9 and all(r.rendered and r.status is Status.COMPLIANT for r in results)
    assert most[0] == 2 and renderer._pending == 0


def test_a_logo_that_did_not_load_keeps_the_size_its_own_style_gives_it(pack, original, httpserver, renderer):
    """Offline or from a failing host a picture's size is unknown, unless its own style sets it: a logo styled
    one pixel wide is hidden whether it loaded or not (the static reading says so too)."""
    logo = '<img src="http://logo.invalid/dcnf-logo.png" alt="Daily Caller News Foundation" style="width:1px;height:1px">'
    html = page(original, head=f'<p class="byline">{BYLINE}</p>', logo=logo)
    result = check(Checker.build(pack, [original], renderer=renderer), story(httpserver), html)
    assert result.rendered and finding(result, "logo").outcome is Outcome.FAIL, finding(result, "logo").message
