"""crawl.trust_lastmod_days: a page whose sitemap/feed date is not later than its last fetch is not requested
again (its stored verdict is reused) until that fetch is N days old. Real audits through the CLI against the
loopback sites of tests/test_audit.py (127.0.0.20-23), and the real SQLite history file.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from checker.audit import unchanged_since_fetch
from checker.cli import main
from checker.demo.server import serve_sites
from checker.demo.sites import Route
from checker.history import History
from checker.sources.discovery import changed_by
from test_audit import (NIGHT1, NIGHT2, RSS, XML, article_hits, licensor_site, partner_sites, report_json,
                        standard_partners, statuses, write_config)

TRUST = "  trust_lastmod_days: 7\n"


def _rss(base: str, items) -> bytes:
    """A partner feed: items (path, pubDate as an RFC 822 string)."""
    out = "".join(f"<item><title>{p}</title><link>{base}{p}</link><guid>{base}{p}</guid><pubDate>{when}</pubDate>"
                  "</item>" for p, when in items)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>f</title>'
            f"<link>{base}/</link><description>d</description>{out}</channel></rss>").encode()


def _sitemap(base: str, items) -> bytes:
    """A partner sitemap: items (path, lastmod as a W3C date or datetime)."""
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{when}</lastmod></url>" for p, when in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


def _rfc822(dt: datetime) -> str:
    from email.utils import format_datetime
    return format_datetime(dt, usegmt=True)


def dated_sites(night: int, *, changed_at: datetime, today_path: str | None = None):
    """partner_sites(night) whose feeds and sitemap date every page a day ago, except the pages that change
    on night 2 (dated `changed_at`) and `today_path` (a bare date: today)."""
    day_ago = datetime.now(timezone.utc) - timedelta(days=1)
    sites = partner_sites(night)
    changed = {"/a/o2-no-logo", "/g/o3-compliant"} if night == 2 else set()
    for site in sites:
        base = "{{BASE:%s}}" % site.name
        paths = [p for p in site.routes if p.startswith(("/a/", "/b/", "/g/", "/private/"))]
        if "/feed.xml" in site.routes:
            site.routes["/feed.xml"] = Route(body=_rss(base, [(p, _rfc822(changed_at if p in changed else day_ago))
                                                              for p in paths]), content_type=RSS)
        else:
            items = [(p, datetime.now(timezone.utc).date().isoformat() if p == today_path
                      else day_ago.replace(microsecond=0).isoformat()) for p in paths]
            site.routes["/sitemap.xml"] = Route(body=_sitemap(base, items), content_type=XML)
    return sites


def test_unchanged_pages_are_not_requested_on_night_2(tmp_path):
    with serve_sites([licensor_site(), *dated_sites(1, changed_at=datetime.now(timezone.utc))]) as servers:
        config = write_config(tmp_path, servers.url("lic", "/feed.xml"), standard_partners(servers),
                              crawl_extra=TRUST)
        assert main(["audit", "--config", str(config), "-q"]) == 0
        assert {urlsplit(h.path).path for h in article_hits(servers)} == set(NIGHT1) - {"/private/o1"}
        servers.clear_log()
        # Night 2: the two pages that change say so with a date after night 1's fetch; beta's /b/own is dated
        # by a bare date, today, which may mean any hour of today: it is requested.
        servers.swap([licensor_site(), *dated_sites(2, changed_at=datetime.now(timezone.utc) + timedelta(seconds=1),
                                                     today_path="/b/own")])
        assert main(["audit", "--config", str(config), "-q"]) == 0
        requested = {urlsplit(h.path).path for h in article_hits(servers)}
    assert requested == {"/a/o2-no-logo", "/g/o3-compliant", "/b/own"}
    doc = report_json(config, 2)
    assert statuses(doc) == NIGHT2  # the changes were seen, the rest reused
    by_path = {urlsplit(p["target"]).path: p for p in doc["pages"]}
    for path, page in by_path.items():
        if path in requested or path == "/private/o1":  # the robots-blocked page has no stored verdict
            assert page["requested"] is True, path
        else:
            assert page["requested"] is False and page["reused"] is True, path


def test_without_the_setting_every_page_is_requested(tmp_path):
    with serve_sites([licensor_site(), *dated_sites(1, changed_at=datetime.now(timezone.utc))]) as servers:
        config = write_config(tmp_path, servers.url("lic", "/feed.xml"), standard_partners(servers))
        assert main(["audit", "--config", str(config), "-q"]) == 0
        servers.clear_log()
        assert main(["audit", "--config", str(config), "-q"]) == 0
        assert {urlsplit(h.path).path for h in article_hits(servers)} == set(NIGHT1) - {"/private/o1"}
        assert {h.status for h in article_hits(servers)} == {304}
    assert all(p["requested"] for p in report_json(config, 2)["pages"])


def test_a_fetch_older_than_the_limit_is_requested_again(tmp_path):
    """The age limit bounds what trusting dates can miss (a template change that leaves <lastmod> alone)."""
    db = tmp_path / "state" / "audit.db"

    def fetched_at(path: str) -> str:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT updated FROM validators WHERE url LIKE ?", (f"%{path}",)).fetchone()[0]

    with serve_sites([licensor_site(), *dated_sites(1, changed_at=datetime.now(timezone.utc))]) as servers:
        config = write_config(tmp_path, servers.url("lic", "/feed.xml"), standard_partners(servers),
                              crawl_extra=TRUST)
        assert main(["audit", "--config", str(config), "-q"]) == 0
        old = (datetime.now(timezone.utc) - timedelta(days=8)).replace(microsecond=0).isoformat()
        with sqlite3.connect(db) as con:
            assert con.execute("UPDATE validators SET updated = ? WHERE url LIKE '%/a/o1-compliant'",
                               (old,)).rowcount == 1
        night1_own = fetched_at("/a/own")
        servers.clear_log()
        assert main(["audit", "--config", str(config), "-q"]) == 0
        assert [urlsplit(h.path).path for h in article_hits(servers)] == ["/a/o1-compliant"]
        assert [h.status for h in article_hits(servers)] == [304]
    assert fetched_at("/a/o1-compliant") > old  # revalidated tonight: the limit starts again
    assert fetched_at("/a/own") == night1_own  # not requested: its fetch time stays night 1's
    with History(str(db)) as hist:
        assert hist.last_fetched(servers.url("alpha", "/a/own")) == datetime.fromisoformat(night1_own)


def test_changed_by_takes_a_bare_date_as_the_end_of_that_day():
    assert changed_by(datetime(2026, 5, 1, tzinfo=timezone.utc)) == datetime(2026, 5, 2, tzinfo=timezone.utc)
    noon = datetime(2026, 5, 1, 12, 30, tzinfo=timezone.utc)
    assert changed_by(noon) == noon
    assert changed_by(datetime(2026, 5, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))) == \
        datetime(2026, 5, 1, 12, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("days", [0, -1])
def test_zero_trusts_nothing(tmp_path, days):
    with History(str(tmp_path / "h.db")) as hist:
        assert unchanged_since_fetch(hist, ["https://x.example/a"], {"https://x.example/a": datetime(2000, 1, 1,
                                     tzinfo=timezone.utc)}, days) == set()
