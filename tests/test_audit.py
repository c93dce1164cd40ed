"""`syndicheck audit` end to end against real HTTP servers on loopback (127.0.0.20-28; nothing leaves the host).

A licensor publishes three originals in an RSS feed (full text in content:encoded, dc:creator bylines); three
partners list their pages in a feed or a sitemap: compliant copies, violating copies, their own articles and
one page robots.txt forbids. The tests run the audit through the CLI and through `run_audit`, and count the
requests each server answered (304s, pages not fetched again after a resume).

Expected verdicts, night 1 (night 2 fixes alpha's missing logo and removes gamma's logo from /g/o3):

    alpha  (feed)     /a/o1-compliant  compliant      /a/o2-no-logo  violation logo     /a/own  not-a-copy
    beta   (sitemap)  /b/o2-compliant  compliant      /b/o3-staff    violation byline+affiliation
                      /b/own           not-a-copy     /private/o1    error (robots.txt)
    gamma  (feed)     /g/o1-no-affil   violation affiliation          /g/o3-compliant compliant
"""
from __future__ import annotations

import html
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from checker.audit import run_audit
from checker.cli import main
from checker.config import load_audit_config
from checker.demo.content import ORIGINALS
from checker.demo.server import serve_sites
from checker.demo.sites import Route, Site
from checker.history import History

ROOT = Path(__file__).resolve().parents[1]
LICENSOR_IP = "127.0.0.20"
PARTNER_IPS = {"alpha": "127.0.0.21", "beta": "127.0.0.22", "gamma": "127.0.0.23"}
FAULT_IPS = {"broken": "127.0.0.24", "slow": "127.0.0.25", "badfeed": "127.0.0.26", "badsitemap": "127.0.0.27"}
NOBODY_IP = "127.0.0.28"  # nothing listens here: every port refuses
STORIES = ORIGINALS[:3]  # O1..O3: 5+ paragraphs each, named authors
HTML = "text/html; charset=utf-8"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
LONG_AGO = "Mon, 01 Jan 2024 00:00:00 GMT"

NIGHT1 = {
    "/a/o1-compliant": ("compliant", []), "/a/o2-no-logo": ("violation", ["logo"]), "/a/own": ("not-a-copy", []),
    "/b/o2-compliant": ("compliant", []), "/b/o3-staff": ("violation", ["affiliation", "byline"]),
    "/b/own": ("not-a-copy", []), "/private/o1": ("error", []),
    "/g/o1-no-affil": ("violation", ["affiliation"]), "/g/o3-compliant": ("compliant", []),
}
NIGHT2 = {**NIGHT1, "/a/o2-no-logo": ("compliant", []), "/g/o3-compliant": ("violation", ["logo"])}
CHANGED_ON_NIGHT2 = {"/a/o2-no-logo", "/g/o3-compliant"}


# ------------------------------------------------------------------------------------------------ content


def _rfc822(dt: datetime) -> str:
    return format_datetime(dt, usegmt=True)


def _article(title: str, paragraphs, *, byline: str, logo: bool) -> bytes:
    logo_html = ('<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation logo" width="200" height="60">'
                 if logo else "")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
            f"<header><nav><a href='/'>Home</a></nav></header><main><article><h1>{html.escape(title)}</h1>"
            f"<div class='byline'>{byline}</div>{logo_html}{body}</article></main></body></html>").encode()


def _copy(story, *, logo: bool = True, byline: str | None = None, affiliation: bool = True) -> bytes:
    if byline is None:
        byline = "By " + " and ".join(story.authors) + (", Daily Caller News Foundation" if affiliation else "")
    return _article(story.title, story.paragraphs, byline=byline, logo=logo)


def _own(title: str) -> bytes:
    paragraphs = [f"{title}: the council met on Tuesday to discuss paving, parking and the new library hours "
                  f"for the summer, and residents spoke for two hours about item {i}." for i in range(5)]
    return _article(title, paragraphs, byline="By Pat Local, Staff Writer", logo=False)


def _page(body: bytes, tag: str, *, etag: bool = True) -> Route:
    """An article page with validators (ETag from `tag`, and a fixed Last-Modified)."""
    return Route(body=body, content_type=HTML, etag=f'"{tag}"' if etag else None, last_modified=LONG_AGO)


def _rss(base: str, items) -> bytes:
    """items: (path, title, authors, paragraphs or None)."""
    out = []
    for n, (path, title, authors, paragraphs) in enumerate(items):
        when = _rfc822(NOW - timedelta(hours=12 + n))
        extra = "".join(f"<dc:creator>{html.escape(a)}</dc:creator>" for a in authors)
        if paragraphs:
            encoded = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
            extra += f"<content:encoded><![CDATA[{encoded}]]></content:encoded>"
        out.append(f"<item><title>{html.escape(title)}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
                   f"<pubDate>{when}</pubDate>{extra}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>feed</title><link>{base}/</link><description>d</description>{''.join(out)}"
            "</channel></rss>").encode()


def _sitemap(base: str, paths) -> bytes:
    day = (NOW - timedelta(days=1)).date().isoformat()
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{day}</lastmod></url>" for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


ALLOW_ALL = Route(body=b"User-agent: *\nDisallow:\n", content_type="text/plain")
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"


def licensor_site() -> Site:
    b = "{{BASE:lic}}"
    items = [(f"/2024/{s.slug}/", s.title, s.authors, s.paragraphs) for s in STORIES]
    return Site("lic", LICENSOR_IP, "Licensor", "licensor",
                {"/robots.txt": ALLOW_ALL, "/feed.xml": Route(body=_rss(b, items), content_type=RSS)})


def partner_sites(night: int = 1) -> list[Site]:
    o1, o2, o3 = STORIES
    a, b, g = "{{BASE:alpha}}", "{{BASE:beta}}", "{{BASE:gamma}}"
    alpha_paths = ["/a/o1-compliant", "/a/o2-no-logo", "/a/own"]
    alpha = {
        "/robots.txt": ALLOW_ALL,
        "/feed.xml": Route(body=_rss(a, [(p, p, (), None) for p in alpha_paths]), content_type=RSS),
        "/a/o1-compliant": _page(_copy(o1), "a1"),
        "/a/o2-no-logo": _page(_copy(o2, logo=night == 2), f"a2-n{night}"),
        "/a/own": _page(_own("Alpha council news"), "a3"),
    }
    beta = {  # Last-Modified only (no ETag): 304 through If-Modified-Since
        "/robots.txt": Route(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/sitemap.xml": Route(body=_sitemap(b, ["/b/o2-compliant", "/b/o3-staff", "/b/own", "/private/o1"]),
                              content_type=XML),
        "/b/o2-compliant": _page(_copy(o2), "b1", etag=False),
        "/b/o3-staff": _page(_copy(o3, byline="By Staff"), "b2", etag=False),
        "/b/own": _page(_own("Beta school board"), "b3", etag=False),
        "/private/o1": _page(_copy(o1), "b4"),
    }
    gamma_paths = ["/g/o1-no-affil", "/g/o3-compliant"]
    gamma = {
        "/robots.txt": ALLOW_ALL,
        "/feed.xml": Route(body=_rss(g, [(p, p, (), None) for p in gamma_paths]), content_type=RSS),
        "/g/o1-no-affil": _page(_copy(o1, affiliation=False), "g1"),
        "/g/o3-compliant": _page(_copy(o3, logo=night == 1), f"g2-n{night}"),
    }
    return [Site(name, PARTNER_IPS[name], name.title(), "partner", routes)
            for name, routes in (("alpha", alpha), ("beta", beta), ("gamma", gamma))]


# ------------------------------------------------------------------------------------------------ config


def _q(v) -> str:
    return json.dumps(v)


def _partner_yaml(pid: str, *, feeds=(), sitemaps=(), urls=()) -> str:
    out = f"  - id: {pid}\n    name: {_q(pid.title() + ' News')}\n    contacts: [{_q('editor@' + pid + '.example')}]\n"
    for key, values in (("feeds", feeds), ("sitemaps", sitemaps), ("urls", urls)):
        if values:
            out += f"    {key}: [{', '.join(_q(v) for v in values)}]\n"
    return out


def standard_partners(servers) -> str:
    return (_partner_yaml("alpha", feeds=[servers.url("alpha", "/feed.xml")])
            + _partner_yaml("beta", sitemaps=[servers.url("beta", "/sitemap.xml")])
            + _partner_yaml("gamma", feeds=[servers.url("gamma", "/feed.xml")]))


def write_config(workdir: Path, licensor_feed: str, partners_yaml: str, *, name: str = "audit.yaml",
                 db: str = "state/audit.db", crawl_extra: str = "") -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / name
    path.write_text(
        "originals:\n"
        f"  feeds: [{_q(licensor_feed)}]\n"
        "  window_days: 14\n"
        "partners:\n"
        f"{partners_yaml}"
        "crawl:\n"
        "  allow_private_addresses: true\n"
        "  delay: 0.05\n"
        "  connect_timeout: 2\n"
        "  timeout: 2\n"
        "  deadline: 2\n"
        "  retries: 1\n"
        "  retry_after_cap: 5\n"
        f"{crawl_extra}"
        "storage:\n"
        f"  database: {_q(db)}\n"
        "reports:\n"
        "  directory: reports\n", encoding="utf-8")
    return path


def closed_port(ip: str = NOBODY_IP) -> int:
    """A port nobody listens on (bound once to learn a free number, then released)."""
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def report_json(config_path: Path, run_id: int) -> dict:
    return json.loads((config_path.parent / "reports" / f"audit-{run_id}.json").read_text(encoding="utf-8"))


def statuses(doc: dict) -> dict[str, tuple[str, list[str]]]:
    """path -> (status, failing rules) from a JSON report."""
    out = {}
    for p in doc["pages"]:
        fails = sorted(f["rule"] for f in p["findings"] if f["outcome"] == "fail")
        out[urlsplit(p["target"]).path] = (p["status"], fails)
    return out


def article_hits(servers, *, status: int | None = None) -> list:
    """Requests for partner article pages (not robots.txt, feeds or sitemaps)."""
    return [h for h in servers.hits(status=status) if h.site in PARTNER_IPS
            and urlsplit(h.path).path.startswith(("/a/", "/b/", "/g/", "/private/"))]


@pytest.fixture(autouse=True, scope="module")
def _cache_dir(tmp_path_factory):
    """Keep the originals cache (licensor feed) out of the user's home."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path_factory.mktemp("source-cache")))
        yield


# ------------------------------------------------------------------------------------------------ two nights


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    """Night 1 and night 2 (one page fixed, one broken in between) through the CLI, with the servers' logs."""
    workdir = tmp_path_factory.mktemp("nights")
    with serve_sites([licensor_site(), *partner_sites(1)]) as servers:
        config = write_config(workdir, servers.url("lic", "/feed.xml"), standard_partners(servers))
        code1 = main(["audit", "--config", str(config), "-q"])
        hits1 = list(servers.requests)
        servers.clear_log()
        servers.swap(partner_sites(2))
        code2 = main(["audit", "--config", str(config), "-q"])
        hits2 = list(servers.requests)
        yield {"config": config, "codes": (code1, code2), "hits": (hits1, hits2), "servers": servers,
               "db": workdir / "state" / "audit.db"}


def test_full_run_writes_reports_and_history(two_nights):
    config = two_nights["config"]
    assert two_nights["codes"][0] == 0
    reports = config.parent / "reports"
    for name in ("audit-1.html", "audit-1.json", "audit-1.csv", "latest.html"):
        assert (reports / name).is_file(), name
    assert sorted(p.name for p in (reports / "digests" / "audit-1").glob("*.md")) == ["alpha.md", "beta.md", "gamma.md"]
    html_text = (reports / "audit-1.html").read_text(encoding="utf-8")
    assert "<script src=" not in html_text and "stylesheet" not in html_text  # self-contained
    doc = report_json(config, 1)
    assert doc["run"]["complete"] is True
    assert statuses(doc) == NIGHT1
    assert doc["summary"] == {"pages": 9, "compliant": 3, "violation": 3, "review": 0, "not_a_copy": 2, "error": 1, "near_copy": 0}
    blocked = next(p for p in doc["pages"] if "/private/" in p["target"])
    assert "robots.txt" in blocked["error"]
    assert not [h for h in two_nights["hits"][0] if h.path.startswith("/private/")]  # never requested
    for page in doc["pages"]:
        if page["status"] == "violation":
            assert page["warc"] and page["warc"]["record_id"], page["target"]
            assert (reports / "evidence" / Path(page["warc"]["file"]).name).is_file() \
                or Path(page["warc"]["file"]).is_file()
            assert page["sha256"] and len(page["sha256"]) == 64
        else:
            assert page["warc"] is None
    csv_text = (reports / "audit-1.csv").read_text(encoding="utf-8")
    assert "/b/o3-staff" in csv_text and "byline" in csv_text
    digest = (reports / "digests" / "audit-1" / "beta.md").read_text(encoding="utf-8")
    assert "/b/o3-staff" in digest
    with History(str(two_nights["db"])) as hist:
        runs = hist.runs()
        assert [(r.id, r.status) for r in runs][-1] == (1, "complete")
        assert runs[-1].pages == 9 and runs[-1].violations == 4


def test_second_night_revalidates_and_diffs(two_nights):
    config = two_nights["config"]
    hits1, hits2 = two_nights["hits"]
    assert two_nights["codes"][1] == 0
    # Night 1 sent no validators (nothing stored yet); night 2 sent them for every stored page.
    assert not [h for h in hits1 if h.status == 304]
    not_modified = sorted(urlsplit(h.path).path for h in hits2 if h.status == 304)
    unchanged = sorted(p for p, (s, _) in NIGHT1.items() if s != "error" and p not in CHANGED_ON_NIGHT2)
    assert not_modified == unchanged  # each unchanged page: exactly one 304, no body
    assert {h.if_modified_since for h in hits2 if h.path.startswith("/b/")} == {LONG_AGO}
    assert all(h.if_none_match for h in hits2 if h.path.startswith(("/a/", "/g/")))
    doc = report_json(config, 2)
    assert statuses(doc) == NIGHT2
    reused = {urlsplit(p["target"]).path for p in doc["pages"] if p["reused"]}
    assert reused == set(unchanged)
    # A reused violation keeps its evidence reference from night 1.
    staff = next(p for p in doc["pages"] if p["target"].endswith("/b/o3-staff"))
    assert staff["reused"] and staff["warc"] and staff["sha256"]
    diff = {k: sorted((i["partner"], i["rule"], urlsplit(i["url"]).path) for i in doc["diff"][k])
            for k in ("new", "fixed", "persisting")}
    assert diff == {
        "new": [("gamma", "logo", "/g/o3-compliant")],
        "fixed": [("alpha", "logo", "/a/o2-no-logo")],
        "persisting": [("beta", "affiliation", "/b/o3-staff"), ("beta", "byline", "/b/o3-staff"),
                       ("gamma", "affiliation", "/g/o1-no-affil")],
    }
    assert doc["diff"]["previous_run"] == 1
    by_partner = {p["id"]: (p["new"], p["fixed"], p["persisting"]) for p in doc["partners"]}
    assert by_partner == {"alpha": (0, 1, 0), "beta": (0, 0, 2), "gamma": (1, 0, 1)}


def test_history_cli_lists_runs_and_diff(two_nights):
    db = str(two_nights["db"])
    base = [sys.executable, "-m", "checker", "history", "--db", db]
    listed = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(subprocess.run(base + ["--format", "json"], capture_output=True, text=True, cwd=ROOT,
                                     timeout=60).stdout)["runs"]
    assert [(r["id"], r["status"]) for r in runs] == [(2, "complete"), (1, "complete")]
    diff = subprocess.run(base + ["--diff", "1", "2"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert diff.returncode == 0, diff.stderr
    assert "new: 1   fixed: 1   persisting: 3" in diff.stdout, diff.stdout
    assert "/g/o3-compliant" in diff.stdout and "/a/o2-no-logo" in diff.stdout
    last = subprocess.run(base + ["--diff", "last", "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert json.loads(last.stdout)["summary"] == {"new": 1, "fixed": 1, "persisting": 3}


# ------------------------------------------------------------------------------------------------ resume


class _Interrupt:
    """on_page callback: a Ctrl-C after `after` pages were recorded."""

    def __init__(self, after: int):
        self.after, self.seen = after, []

    def __call__(self, page) -> None:
        self.seen.append(page.result.target)
        if len(self.seen) == self.after:
            raise KeyboardInterrupt


def test_interrupted_run_resumes_without_refetching(tmp_path):
    with serve_sites([licensor_site(), *partner_sites(1)]) as servers:
        feed, partners = servers.url("lic", "/feed.xml"), standard_partners(servers)
        reference = run_audit(load_audit_config(write_config(tmp_path / "ref", feed, partners)), quiet=True)
        assert reference.complete
        expected = {p.result.target: p.result.status.value for p in reference.report.pages}

        config = load_audit_config(write_config(tmp_path / "night", feed, partners))
        servers.clear_log()
        stop = _Interrupt(after=3)
        first = run_audit(config, quiet=True, on_page=stop)  # the interrupt must not escape run_audit
        assert not first.complete and len(stop.seen) == 3
        with History(config.database) as hist:
            assert hist.run(first.run_id).status != "complete"
            recorded = hist.done_urls(first.run_id, include_errors=False)
        assert len(first.report.pages) >= 3 and recorded
        assert report_json(Path(config.source), first.run_id)["run"]["complete"] is False

        servers.clear_log()
        second = run_audit(config, resume=True, quiet=True)
        assert second.complete and second.run_id == first.run_id
        refetched = {urlsplit(h.path).path for h in article_hits(servers)}
        assert refetched and not refetched & {urlsplit(u).path for u in recorded}  # done pages: no request
        got = {p.result.target: p.result.status.value for p in second.report.pages}
        assert got == expected  # same verdicts as one uninterrupted run
        with History(config.database) as hist:
            assert [(r.id, r.status) for r in hist.runs()] == [(first.run_id, "complete")]


# ------------------------------------------------------------------------------------------------ config errors


def test_config_error_exit_2_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "audit.yaml"
    path.write_text("originals:\n  feeds: [\"http://127.0.0.20/feed.xml\"]\npartners:\n  - id: a\n"
                    "    urls: [\"http://127.0.0.21/x\"]\ncrawl:\n  dealy: 0.5\n", encoding="utf-8")
    assert main(["audit", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:7" in err and "dealy" in err and "delay" in err, err


# ------------------------------------------------------------------------------------------------ failures


class _FaultHandler(BaseHTTPRequestHandler):
    """Whatever a hostile or broken site does; the route is the first path segment."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain", headers=()) -> None:
        self.server.hits.append((self.path, status))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        path = urlsplit(self.path).path
        kind = self.server.kind
        if path == "/robots.txt":
            return self._send(404, b"no robots here")
        if path == "/feed.xml":
            if kind == "badfeed":  # truncated, and no entries at all
                return self._send(200, b'<?xml version="1.0"?><rss version="2.0"><chan', RSS)
            pages = {"broken": ["/x/500", "/x/loop", "/x/429", "/x/image"], "slow": ["/x/drip"]}[kind]
            return self._send(200, _rss(base, [(p, p, (), None) for p in pages]), RSS)
        if path == "/sitemap.xml":  # badsitemap: a urlset cut off in the middle of a tag
            return self._send(200, b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                                   b'sitemap/0.9"><url><loc>' + base.encode() + b"/x/1</loc><lastm", XML)
        if path == "/x/500":
            return self._send(500, b"internal error")
        if path == "/x/loop":
            return self._send(302, b"", headers=(("Location", "/x/loop2"),))
        if path == "/x/loop2":
            return self._send(302, b"", headers=(("Location", "/x/loop"),))
        if path == "/x/429":
            return self._send(429, b"slow down", headers=(("Retry-After", "1"),))
        if path == "/x/image":
            png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                                "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
            return self._send(200, png, "image/png")
        if path == "/x/drip":  # headers at once, then a byte every 0.2 s: only the total deadline stops it
            self.server.hits.append((self.path, 200))
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return None
        return self._send(404, b"not found")


class _FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, ip: str, kind: str):
        self.kind, self.hits = kind, []
        super().__init__((ip, 0), _FaultHandler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}{path}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def fault_servers():
    servers = {kind: _FaultServer(ip, kind) for kind, ip in FAULT_IPS.items()}
    yield servers
    for s in servers.values():
        s.stop()


def test_faults_become_errors_and_nothing_stored_is_lost(tmp_path, fault_servers, capsys):
    with serve_sites([licensor_site(), *partner_sites(1)]) as servers:
        feed = servers.url("lic", "/feed.xml")
        config = write_config(tmp_path, feed, standard_partners(servers))
        assert main(["audit", "--config", str(config), "-q"]) == 0
        night1 = report_json(config, 1)
        with History(str(tmp_path / "state" / "audit.db")) as hist:
            stored1 = [(p.result.target, p.result.status, p.sha256) for p in hist.pages_of(1)]

        # Night 2: gamma now answers 500 for every page; four more partners fail in their own ways.
        gamma = [s for s in partner_sites(1) if s.name == "gamma"][0]
        broken_gamma = {p: (Route(status=500, body=b"down") if p.startswith("/g/") else r)
                        for p, r in gamma.routes.items()}
        servers.swap([Site("gamma", gamma.ip, gamma.title, gamma.role, broken_gamma)])
        fs = fault_servers
        partners = (standard_partners(servers)
                    + _partner_yaml("broken", feeds=[fs["broken"].url("/feed.xml")])
                    + _partner_yaml("slow", feeds=[fs["slow"].url("/feed.xml")])
                    + _partner_yaml("badfeed", feeds=[fs["badfeed"].url("/feed.xml")])
                    + _partner_yaml("badsitemap", sitemaps=[fs["badsitemap"].url("/sitemap.xml")]))
        config = write_config(tmp_path, feed, partners)
        started = time.monotonic()
        assert main(["audit", "--config", str(config), "-q"]) == 0  # the run completed: exit 0
        elapsed = time.monotonic() - started
    doc = report_json(config, 2)
    assert doc["run"]["complete"] is True
    got = statuses(doc)
    for path in ("/x/500", "/x/loop", "/x/429", "/x/image", "/x/drip", "/g/o1-no-affil", "/g/o3-compliant"):
        assert got[path][0] == "error", (path, got[path])
    errors = {urlsplit(p["target"]).path: p["error"] for p in doc["pages"] if p["status"] == "error"}
    assert "HTTP 500" in errors["/x/500"]
    assert "redirect loop" in errors["/x/loop"]
    assert "429" in errors["/x/429"]
    assert "image/png" in errors["/x/image"]
    assert "deadline" in errors["/x/drip"]
    assert elapsed < 20  # the dripping server did not hold the run hostage
    # The 429 was retried once after the server's Retry-After, not hammered.
    assert [s for p, s in fs["broken"].hits if p == "/x/429"] == [429, 429]
    partners_doc = {p["id"]: p for p in doc["partners"]}
    assert any("feed" in e for e in partners_doc["badfeed"]["discovery_errors"]), partners_doc["badfeed"]
    assert any("sitemap" in e for e in partners_doc["badsitemap"]["discovery_errors"]), partners_doc["badsitemap"]
    assert partners_doc["gamma"]["errors"] == 2 and partners_doc["gamma"]["violations"] == 0
    # The healthy partners are unaffected.
    for path in ("/a/o1-compliant", "/a/o2-no-logo", "/b/o2-compliant", "/b/o3-staff"):
        assert got[path] == NIGHT1[path]
    # gamma's violation could not be re-checked: it is not reported as fixed.
    assert not [i for i in doc["diff"]["fixed"] if i["partner"] == "gamma"]
    # Nothing stored is lost: night 1's pages, verdicts and report are as they were.
    with History(str(tmp_path / "state" / "audit.db")) as hist:
        assert [(p.result.target, p.result.status, p.sha256) for p in hist.pages_of(1)] == stored1
        # The last good verdict and its validators survive the error night (so a later 304 can still reuse it).
        assert hist.validators(servers.url("gamma", "/g/o1-no-affil")) == ('"g1"', LONG_AGO)
    assert report_json(config, 1) == night1


def test_every_partner_unreachable_or_failing(tmp_path, capsys):
    with serve_sites([licensor_site(), Site("failing", "127.0.0.24", "Failing", "partner", {
            "/robots.txt": ALLOW_ALL, "/p/1": Route(status=503, body=b"maintenance"),
            "/p/2": Route(status=404, body=b"gone")})]) as servers:
        down = f"http://{NOBODY_IP}:{closed_port()}"
        partners = (_partner_yaml("down", urls=[f"{down}/story-1", f"{down}/story-2"])
                    + _partner_yaml("failing", urls=[servers.url("failing", "/p/1"), servers.url("failing", "/p/2")])
                    + _partner_yaml("nofeed", feeds=[f"{down}/feed.xml"]))
        config = write_config(tmp_path, servers.url("lic", "/feed.xml"), partners)
        # The run completes and is stored, but it checked nothing: exit 3, not the 0 of a clean night.
        assert main(["audit", "--config", str(config), "-q"]) == 3
    assert "run 1 checked no page: every one of its 4 pages could not be fetched or read" in capsys.readouterr().err
    doc = report_json(config, 1)
    assert doc["run"]["complete"] is True
    assert len(doc["pages"]) == 4 and {p["status"] for p in doc["pages"]} == {"error"}
    assert doc["summary"]["compliant"] == doc["summary"]["violation"] == 0
    errors = sorted(p["error"] for p in doc["pages"])
    assert sum("connection refused" in e for e in errors) == 2 and any("503" in e for e in errors) \
        and any("404" in e for e in errors), errors
    nofeed = next(p for p in doc["partners"] if p["id"] == "nofeed")
    assert nofeed["discovery_errors"] and "connection refused" in nofeed["discovery_errors"][0]


def test_unreachable_licensor_feed_makes_the_run_incomplete(tmp_path):
    """No originals means nothing can be a copy: reporting every page as not-a-copy would be a false 'clean'.

    The run stops before crawling partners, is stored as incomplete, the report says why, and audit exits 3."""
    with serve_sites(partner_sites(1)) as servers:
        feed = f"http://{NOBODY_IP}:{closed_port()}/feed.xml"
        config = write_config(tmp_path, feed, standard_partners(servers))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-m", "checker", "audit", "--config", str(config), "-q"],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
        assert proc.returncode == 3, (proc.stdout, proc.stderr)
        assert not article_hits(servers)  # partners were not crawled against an empty set of originals
    assert "no originals" in proc.stderr and "feed.xml" in proc.stderr, proc.stderr
    doc = report_json(config, 1)
    assert doc["run"]["complete"] is False and doc["pages"] == []
    assert any("no originals" in n for n in doc["waiver_notes"])
    with History(str(tmp_path / "state" / "audit.db")) as hist:
        assert hist.run(1).status == "incomplete"


def test_partial_originals_do_not_leave_reusable_not_a_copy_verdicts(tmp_path):
    """Night 1: one of two licensor feeds fails, so copies of its original look like "not a copy". Night 2: the
    feed is back and the partner pages are unchanged; the copies must be matched again, not reused on a 304."""
    def licensor(second_feed_up: bool) -> Site:
        b = "{{BASE:lic}}"
        items = [(f"/2024/{s.slug}/", s.title, s.authors, s.paragraphs) for s in STORIES]
        return Site("lic", LICENSOR_IP, "Licensor", "licensor", {
            "/robots.txt": ALLOW_ALL, "/a.xml": Route(body=_rss(b, items[:2]), content_type=RSS),
            "/b.xml": Route(body=_rss(b, items[2:]), content_type=RSS) if second_feed_up
            else Route(status=404, body=b"gone")})

    with serve_sites([licensor(False), *partner_sites(1)]) as servers:
        feeds = [servers.url("lic", "/a.xml"), servers.url("lic", "/b.xml")]
        path = write_config(tmp_path, feeds[0], standard_partners(servers))
        path.write_text(path.read_text().replace(_q(feeds[0]), f"{_q(feeds[0])}, {_q(feeds[1])}"))
        config = load_audit_config(path)
        night1 = run_audit(config, quiet=True)
        by_path = {urlsplit(p.result.target).path: p for p in night1.report.pages}
        assert by_path["/b/o3-staff"].result.status.value == "not-a-copy"  # its original was missing
        assert any("/b.xml" in n for n in night1.report.waiver_notes)  # and the report says so
        servers.swap([licensor(True)])
        night2 = run_audit(config, quiet=True)
    by_path = {urlsplit(p.result.target).path: p for p in night2.report.pages}
    assert by_path["/b/o3-staff"].result.status.value == "violation" and not by_path["/b/o3-staff"].reused
    assert by_path["/g/o3-compliant"].result.status.value == "compliant"
    assert by_path["/a/o1-compliant"].reused  # verdicts made against the full originals are still reused


def test_time_budget_from_audit_yaml_reaches_every_page(tmp_path):
    """check.time_budget applies to the audit's checker: with a budget no page can meet, copies come out as
    review (never a pass, never a violation claimed without checking); pages that are no copy are unaffected."""
    with serve_sites([licensor_site(), *partner_sites(1)]) as servers:
        config = write_config(tmp_path, servers.url("lic", "/feed.xml"), standard_partners(servers))
        config.write_text(config.read_text() + "check: {time_budget: 0.000001}\n")
        assert main(["audit", "--config", str(config), "-q"]) == 0
    pages = report_json(config, 1)["pages"]
    copies = [p for p in pages if p.get("match")]
    assert copies and {p["status"] for p in copies} == {"review"}
    assert all("time budget" in f["message"] for p in copies for f in p["findings"])
    assert {p["status"] for p in pages if not p.get("match")} <= {"not-a-copy", "error"}
