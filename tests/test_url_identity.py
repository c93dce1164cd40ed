"""One URL identity: discovery, the history (a real SQLite file), waivers and reports agree on one page's URL
however it is spelt, and a history written under the old normal form still matches after the upgrade."""
from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime, timezone
from urllib.parse import urlsplit, urlunsplit

from checker import history as history_mod
from checker.config_types import PartnerConfig, WaiverConfig
from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.history import History, fingerprint
from checker.models import AuditPage, Evidence, Finding, Match, Original, Outcome, PageResult, Severity, Status
from checker.sources.discovery import discover
from checker.url_identity import normalize_url, url_key
from checker.waivers import apply_waivers

CANONICAL = "https://partner.example/news/story?a=1&b=2"
# The same page written six ways: host case, default port, trailing dot of the host, tracking parameters
# (from both of the old lists), dot segments, an escaped unreserved character, parameter order, fragment.
SPELLINGS = (
    CANONICAL,
    "HTTPS://Partner.EXAMPLE:443/news/story?b=2&a=1",
    "https://partner.example/news/./opinion/../story?a=1&utm_source=tw&b=2&fbclid=x",
    "https://partner.example./news/story?a=1&b=2#comments",
    "https://partner.example/news/%73tory?_hsenc=p&b=2&a=1&gclid=q",
    "https://partner.example:443/news/story?a=1&dclid=z&b=2&ref_src=twsrc",
)
ORIG = Original("o1", "https://dcnf.example/2026/01/story", "Story", ("Jane Reporter",), "2026-01-01", "Text.")
TODAY = date(2026, 3, 1)
PACK = "pack-v1"


def logo_fail() -> Finding:
    return Finding("logo", Outcome.FAIL, Severity.ERROR, "no DCNF logo", (Evidence("img", "logo.png"),))


def violation(target: str, partner: str = "acme", etag: str = '"v1"') -> AuditPage:
    result = PageResult(target, target, Status.VIOLATION, ORIG, Match(ORIG, 0.9), (logo_fail(),))
    return AuditPage(partner, result, sha256="abc", etag=etag)


def test_every_spelling_has_one_normal_form():
    assert {normalize_url(u) for u in SPELLINGS} == {CANONICAL}
    assert {url_key(u) for u in SPELLINGS} == {CANONICAL}


def test_discovery_history_and_waivers_agree(httpserver, tmp_path):
    # discovery: a sitemap on a real loopback server lists the page six ways; one candidate comes out
    locs = "".join(f"<url><loc>{u.replace('&', '&amp;')}</loc></url>" for u in SPELLINGS)
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
        content_type="application/xml")
    with Fetcher(FetchSettings(connect_timeout=1, read_timeout=2, deadline=5, retries=0)) as fetcher:
        found = discover(PartnerConfig(id="acme", name="Acme", sitemaps=(httpserver.url_for("/sitemap.xml"),)),
                         fetcher=fetcher, since=datetime(2026, 1, 1, tzinfo=timezone.utc), max_pages=50)
    assert found.urls == (CANONICAL,) and found.errors == ()

    # history: each spelling recorded in turn replaces the one stored page; lookups by any spelling find it
    with History(tmp_path / "h.db") as h:
        run = h.start_run("dcnf", PACK, None, "0")
        keys = {h.record_page(run, violation(u)) for u in SPELLINGS}
        assert keys == {found.urls[0]}
        assert h.done_urls(run) == {CANONICAL}
        assert h._conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 1
        (fp,) = {r[0] for r in h._conn.execute("SELECT fingerprint FROM findings")}
        assert fp == fingerprint("logo", CANONICAL)
        for u in SPELLINGS:
            assert h.validators(u) == ('"v1"', None)
            assert h.stored_verdict(u, PACK, "o1").url == CANONICAL
        stored = h.pages_of(run)[0]

    # waivers: a waiver naming the page in any spelling covers the stored page and the page in any spelling
    for written in SPELLINGS:
        waiver = WaiverConfig(partner="acme", url=written, rule="logo", reason="agreed", owner="Ana",
                              expires="2026-12-31")
        for page in (stored, *(violation(u) for u in SPELLINGS)):
            out, used = apply_waivers(page, "acme", [waiver], TODAY)
            assert used == {0} and out.status is Status.COMPLIANT, (written, page.result.target)
    other = WaiverConfig(partner="acme", url="https://partner.example/news/story?a=1", rule="logo", reason="r",
                         owner="o", expires="2026-12-31")
    assert apply_waivers(stored, "acme", [other], TODAY)[1] == set()  # another page (a parameter fewer) is not


def test_report_identity_is_the_same_one():
    # the report package compares diff items and pages through the history's name for the identity
    assert history_mod.normalize_url is url_key


# ---- migration: a history written under the old normal form --------------------------------------------------

_OLD_TRACKING = re.compile(
    r"^(utm_[a-z0-9_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|_hsenc|_hsmi)$", re.I)


def old_history_normalize(url: str) -> str:
    """checker/history.py's normaliser before schema v4, verbatim in behaviour: no dot segments removed, query
    order kept, its own tracking list (no ref_src, _ga), escapes untouched."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    port = parts.port
    host = parts.hostname.lower()
    netloc = host if port is None or port == {"http": 80, "https": 443}[scheme] else f"{host}:{port}"
    query = parts.query
    if query:
        pairs = query.split("&")
        kept = [p for p in pairs if p and not _OLD_TRACKING.match(p.split("=", 1)[0])]
        if len(kept) != len(pairs):
            query = "&".join(kept)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def test_history_in_the_old_form_still_matches_after_upgrade(tmp_path):
    db = tmp_path / "old.db"
    old_spellings = {  # stored key before v4 -> its key today
        "https://acme.example/s?b=2&a=1": "https://acme.example/s?a=1&b=2",
        "https://acme.example/news/./x/../t": "https://acme.example/news/t",
        "https://acme.example/u?ref_src=tw": "https://acme.example/u",
    }
    # Written by the v3 code path: schema v3 and the old normaliser.
    with History(db, migrations=history_mod.MIGRATIONS[:3]) as old:
        old.normalize = old_history_normalize
        run1 = old.start_run("dcnf", PACK, None, "0")
        for url in old_spellings:
            assert old.record_page(run1, violation(url)) == url
        # two old spellings of one page in one run: the one recorded last is the verdict that stands
        old.record_page(run1, violation("https://acme.example/v?b=1&a=2", etag='"first"'))
        old.record_page(run1, AuditPage("acme", PageResult("https://acme.example/v?a=2&b=1",
                                                            "https://acme.example/v?a=2&b=1", Status.COMPLIANT,
                                                            ORIG, Match(ORIG, 0.9), ()), etag='"second"'))
        old.finish_run(run1, complete=True)
        assert old.schema_version() == 3
    con = sqlite3.connect(db)
    assert {r[0] for r in con.execute("SELECT url FROM pages")} == {*old_spellings, "https://acme.example/v?b=1&a=2",
                                                                     "https://acme.example/v?a=2&b=1"}
    con.close()

    with History(db) as h:  # today's code migrates on open
        assert h.schema_version() == len(history_mod.MIGRATIONS) == 4
        assert {r[0] for r in h._conn.execute("SELECT url FROM pages")} == {*old_spellings.values(),
                                                                             "https://acme.example/v?a=2&b=1"}
        v = [p for p in h.pages_of(run1) if "/v?" in p.result.target]
        assert len(v) == 1 and v[0].result.status is Status.COMPLIANT and v[0].etag == '"second"'
        assert h.validators("https://acme.example/v?b=1&a=2") == ('"second"', None)
        assert h._conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for old_url, new_url in old_spellings.items():
            assert h.validators(old_url) == ('"v1"', None) == h.validators(new_url)
            assert h.stored_verdict(new_url, PACK, "o1") is not None
        # the next night, through today's discovery spelling: the violations persist, nothing is new or fixed
        run2 = h.start_run("dcnf", PACK, None, "0")
        for new_url in old_spellings.values():
            h.record_page(run2, violation(new_url))
        diff = h.diff(run1, run2)
        assert diff.new == () and diff.fixed == ()
        assert sorted(i.url for i in diff.persisting) == sorted(old_spellings.values())
        assert {i.fingerprint for i in diff.persisting} == {fingerprint("logo", u) for u in old_spellings.values()}
    with History(db) as again:  # migrating is done once
        assert again.schema_version() == 4
