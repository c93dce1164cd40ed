"""Render mode in the nightly audit: the demo's two nights with `auto`, confirmed violations with pictures."""
from __future__ import annotations

import argparse
import io
import json
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_second_night_shows_a_rendered_confirmed_violation(tmp_path, monkeypatch):
    from checker.demo.run import run_demo
    from checker.render import browser_problem
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    monkeypatch.setenv("SYNDICHECK_RENDER", "auto")
    out = io.StringIO()
    assert run_demo(argparse.Namespace(workdir=str(tmp_path / "demo")), out=out) == 0, out.getvalue()
    text = out.getvalue()
    night2 = text[text.index("Night 2"):]
    m = re.search(r"rendered in a browser: (\d+) pages, (\d+) violations confirmed \((\d+) screenshots", night2)
    assert m and int(m.group(2)) >= 1 and int(m.group(3)) >= 1, text
    assert "self-check: 45/45" in night2

    reports = tmp_path / "demo" / "reports"
    doc = json.loads((reports / "audit-2.json").read_text())
    confirmed = [p for p in doc["pages"] if p.get("rendered") and p["status"] == "violation"]
    assert confirmed
    shots = [e["screenshot"] for p in confirmed for f in p["findings"] for e in f["evidence"] if e.get("screenshot")]
    assert shots and all(re.fullmatch(r"evidence/screenshots/[0-9a-f]{32}\.png", s) for s in shots)
    for s in shots:
        assert (reports / s).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # beside the WARC files
    html = (reports / "audit-2.html").read_text()
    assert len(re.findall(r'<img class="shot" tabindex="0" src="data:image/png;base64,', html)) >= len(set(shots))
    digests = "".join(p.read_text() for p in (reports / "digests" / "audit-2").glob("*.md"))
    assert "](../../evidence/screenshots/" in digests


class _Partner:
    """A partner host on 127.0.0.29 that notes when each request came and can answer slowly or never."""

    def __init__(self, pages: dict[str, bytes]):
        import threading
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.hits: list[tuple[str, float]] = []  # (path, when the request came)
        self.slow_done: list[float] = []  # when /slow.png was answered
        self.release = threading.Event()  # /never.js answers only once the test ends
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                outer.hits.append((self.path, time.monotonic()))
                if self.path == "/slow.png":
                    time.sleep(1.5)  # the page's `load` waits for it: its render lasts at least this long
                    outer.slow_done.append(time.monotonic())
                    return self._send(GREY_PNG, "image/png")  # a partner's own picture, not the logo
                if self.path == "/never.js":
                    outer.release.wait(30)
                    return self._send(b"", "text/javascript")
                if self.path == "/robots.txt":
                    return self._send(b"User-agent: *\nDisallow:\n", "text/plain")
                if self.path == "/feed.xml":
                    return self._send(outer.feed, "application/rss+xml")
                body = pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self._send(body, "text/html; charset=utf-8")

            def _send(self, body: bytes, ctype: str) -> None:
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.29", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.29:{self.server.server_address[1]}"
        from test_audit import _rss
        self.feed = _rss(self.base, [(p, p, (), None) for p in pages])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


GREY_PNG = __import__("base64").b64decode(  # 2x2 grey
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVQI12NgYGBgYGAAAAAFAAGdnXhDAAAAAElFTkSuQmCC")


def test_a_host_is_crawled_on_while_its_page_renders_and_a_render_out_of_time_ends_in_review(tmp_path, monkeypatch):
    """The audit does not hold a host's crawl while one of its pages renders: the host's next pages are fetched
    and checked meanwhile, and recorded after it, in the host's order. A page whose render runs out of its
    budget ends in `review` with the reason (its static failures not reported as confirmed); the night goes on."""
    from checker.audit import run_audit
    from checker.config import load_audit_config
    from checker.demo.server import serve_sites
    import checker.render as render
    from test_audit import STORIES, _copy, _own, licensor_site, report_json, write_config, _partner_yaml

    if render.browser_problem():
        pytest.skip(render.browser_problem())
    real = render.make_renderer
    monkeypatch.setattr(render, "make_renderer", lambda requested, **kw: real(requested, **{**kw, "budget": 5.0}))
    o1, o2, o3 = STORIES
    pages = {
        # statically a violation (no logo); in the browser its picture takes 1.5 s to come, and so does `load`
        "/p/slow": _copy(o2, logo=False).replace(b"</h1>", b"</h1><img src='/slow.png' alt=''>"),
        "/p/own": _own("Council news"),
        "/p/o1": _copy(o1),
        # statically a violation ("By Staff"); its document never finishes: a blocking script never comes
        "/p/stuck": _copy(o3, byline="By Staff").replace(b"</title>", b"</title><script src='/never.js'></script>"),
    }
    partner = _Partner(pages)
    recorded: list[str] = []
    try:
        with serve_sites([licensor_site()]) as servers:
            config = write_config(tmp_path, servers.url("lic", "/feed.xml"),
                                  _partner_yaml("p", feeds=[partner.base + "/feed.xml"]))
            config.write_text(config.read_text() + "check:\n  render: auto\n")
            outcome = run_audit(load_audit_config(config), quiet=True,
                                on_page=lambda page: recorded.append(page.result.target))
            doc = report_json(config, outcome.run_id)
    finally:
        partner.close()
    assert outcome.complete
    got = {p["target"].split(partner.base)[-1]: p for p in doc["pages"]}
    assert {k: v["status"] for k, v in got.items()} == {
        "/p/slow": "violation", "/p/own": "not-a-copy", "/p/o1": "compliant", "/p/stuck": "review"}
    assert got["/p/slow"].get("rendered") is True
    assert got["/p/slow"]["warc"] and got["/p/slow"]["warc"]["record_id"]  # the joined verdict's WARC evidence
    assert got["/p/stuck"]["warc"] is None  # a review is not archived as a violation
    assert any(e.get("screenshot") for f in got["/p/slow"]["findings"] for e in f["evidence"])
    stuck = got["/p/stuck"]
    assert not stuck.get("rendered") and stuck["static_status"] == "violation"
    assert not any(f["outcome"] == "fail" for f in stuck["findings"])
    assert any("did not finish loading in the browser within 5 s" in f["message"] for f in stuck["findings"])

    came = {path: when for path, when in partner.hits}
    assert partner.slow_done, "the slow picture was never asked for: the page was not rendered"
    # The host's next pages were fetched while /p/slow was still rendering (its picture not yet answered) ...
    assert came["/p/own"] < partner.slow_done[0] and came["/p/o1"] < partner.slow_done[0]
    # ... and every page was recorded in the order the host's pages were crawled.
    crawled = [p for p, _ in partner.hits if p in pages]
    assert [u.split(partner.base)[-1] for u in recorded] == crawled
