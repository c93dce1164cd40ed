"""The demo's sample sites on loopback: feeds, sitemaps, robots.txt, errors, redirects, conditional GET, night 2."""
from __future__ import annotations

import gzip
import io
import re
import socket
import tempfile
import urllib.robotparser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit, parse_qsl, urlencode

import feedparser
import lxml.etree
import pytest
import requests
import yaml
from PIL import Image

from checker.config_types import AuditConfig
from checker.demo.sites import CRAWL_DELAY, PARTNERS, build_sites, demo_config, demo_config_yaml, expected_verdicts
from checker.demo.server import serve_sites

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# A head byline plus a foot author box carrying the affiliation (once a checker gap; kept as a regression test).
AUTHOR_BOX_PAGE = {"/politics/border-county-sheriffs-ask-congress-to-repay-jail-costs/"}


@pytest.fixture(scope="module")
def servers():
    with serve_sites(build_sites(1)) as srv:
        yield srv


@pytest.fixture
def night1(servers):
    servers.swap(build_sites(1))
    yield servers
    servers.swap(build_sites(1))


@pytest.fixture
def session():
    with requests.Session() as s:
        yield s


def _strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _urlset(data: bytes) -> list[str]:
    root = lxml.etree.fromstring(data)
    return [loc.text for loc in root.iter(SM + "loc")]


def _discover(srv, session) -> dict[str, list[str]]:
    """What a crawler finds through each partner's feeds, sitemaps (index, .gz), urls and start page."""
    found: dict[str, list[str]] = {}
    for cfg in demo_config(srv.sites, Path("/tmp/unused")).partners:
        urls: list[str] = []
        for feed in cfg.feeds:
            parsed = feedparser.parse(io.BytesIO(session.get(feed).content))
            assert not parsed.bozo, feed
            urls += [_strip_tracking(e.link) for e in parsed.entries]
        todo = list(cfg.sitemaps)
        while todo:
            r = session.get(todo.pop())
            assert r.status_code == 200
            data = gzip.decompress(r.content) if r.content[:2] == b"\x1f\x8b" else r.content
            root = lxml.etree.fromstring(data)
            if root.tag == SM + "sitemapindex":
                todo += [loc.text for loc in root.iter(SM + "loc")]
            else:
                urls += [loc.text for loc in root.iter(SM + "loc")]
        urls += list(cfg.urls)
        for start in cfg.start_pages:
            html = session.get(start).text
            host = urlsplit(start).netloc
            for href in re.findall(r'href="([^"]+)"', html):
                absolute = requests.compat.urljoin(start, href)
                if urlsplit(absolute).netloc == host and absolute != start:
                    urls.append(absolute)
        found[cfg.id] = list(dict.fromkeys(urls))
    return found


# ---------------------------------------------------------------------------------------------- addresses


def test_each_site_on_its_own_loopback_address(servers):
    sites = servers.sites
    assert [s.ip for s in sites] == [f"127.0.0.{n}" for n in range(10, 18)]
    assert [s.role for s in sites] == ["licensor"] + ["partner"] * 6 + ["licensor"]
    assert all(s.port for s in sites)
    assert servers.base_url("valley-courier") == f"http://127.0.0.12:{sites[2].port}"


def test_fixed_port_on_every_address():
    with socket.socket() as probe:
        probe.bind(("127.0.0.10", 0))
        port = probe.getsockname()[1]
    with serve_sites(build_sites(1), port=port) as srv:
        assert {s.port for s in srv.sites} == {port}
        assert requests.get(srv.url("prairie-post", "/robots.txt"), timeout=5).status_code == 200


def test_unknown_path_is_404_and_head_has_no_body(night1, session):
    assert session.get(night1.url("heartland-ledger", "/no/such/page/")).status_code == 404
    r = session.head(night1.url("dcnf", "/feed.xml"))
    assert r.status_code == 200 and r.content == b"" and int(r.headers["Content-Length"]) > 1000


# ---------------------------------------------------------------------------------------------- licensor


def test_licensor_feed_has_eight_originals(night1, session):
    r = session.get(night1.url("dcnf", "/feed.xml"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/rss+xml")
    assert r.headers["ETag"] and r.headers["Last-Modified"]
    feed = feedparser.parse(io.BytesIO(r.content))
    assert not feed.bozo and len(feed.entries) == 8
    creators = [e.author for e in feed.entries]
    assert "Rebecca Lindqvist and Marcus Hale" in creators
    assert "Sof\u00eda Ram\u00edrez-Casta\u00f1o" in creators
    for entry in feed.entries:
        text = entry.content[0].value
        assert 5 <= text.count("<p>") - 1 <= 8  # paragraphs, then the license notice
        assert session.get(entry.link).status_code == 200
        assert entry.link.startswith(night1.base_url("dcnf"))


def test_originals_loader_reads_the_licensor_feed(night1, tmp_path):
    from checker.originals import load_originals

    originals = load_originals(night1.url("dcnf", "/feed.xml"), cache_dir=tmp_path)
    assert len(originals) == 8
    assert ("Rebecca Lindqvist", "Marcus Hale") in [o.authors for o in originals]
    assert all(len(o.text.split("\n\n")) >= 5 for o in originals)


# ---------------------------------------------------------------------------------------------- partners


def test_robots_txt(night1, session):
    robots = {p.id: session.get(night1.url(p.id, "/robots.txt")) for p in PARTNERS}
    assert all(r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain") for r in robots.values())
    courier = urllib.robotparser.RobotFileParser()
    courier.parse(robots["valley-courier"].text.splitlines())
    base = night1.base_url("valley-courier")
    assert not courier.can_fetch("syndicheck", base + "/private/embargoed/x.html")
    assert courier.can_fetch("syndicheck", base + "/news/local/x.html")
    post = urllib.robotparser.RobotFileParser()
    post.parse(robots["prairie-post"].text.splitlines())
    assert post.crawl_delay("syndicheck") == CRAWL_DELAY == 2
    assert f"Sitemap: {night1.base_url('prairie-post')}/sitemap.xml" in robots["prairie-post"].text


def test_discovery_finds_every_expected_page_and_nothing_else(night1, session):
    found = _discover(night1, session)
    expected = expected_verdicts(1, night1.url_for)
    discovered = {u for urls in found.values() for u in urls}
    assert discovered == set(expected)
    articles = [u for u, v in expected.items() if v["article"]]
    assert 36 <= len(articles) <= 44  # "about 40 article pages"
    assert {p.id for p in PARTNERS} == {v["partner"] for v in expected.values()}
    # the WordPress feed links carry utm_* parameters that normalisation removes
    wp = session.get(night1.url("heartland-ledger", "/feed/")).text
    assert "utm_source=rss" in wp


def test_gzip_child_sitemap_and_news_sitemap(night1, session):
    index = session.get(night1.url("civic-review", "/sitemap.xml"))
    children = _urlset(index.content)
    assert any(c.endswith(".xml.gz") for c in children) and len(children) == 2
    r = session.get(next(c for c in children if c.endswith(".gz")))
    assert r.status_code == 200 and r.content[:2] == b"\x1f\x8b"
    assert "Content-Encoding" not in r.headers  # a .gz file, not a transfer encoding
    urls = _urlset(gzip.decompress(r.content))
    assert len(urls) == 5 and all(u.startswith(night1.base_url("civic-review") + "/news/") for u in urls)
    news = lxml.etree.fromstring(session.get(night1.url("valley-courier", "/news-sitemap.xml")).content)
    entries = news.findall(SM + "url")
    assert len(entries) == 9 and all(e.find(f"{NEWS}news/{NEWS}publication_date") is not None for e in entries)
    assert any("/private/" in e.findtext(SM + "loc") for e in entries)


def test_error_page_answers_500_every_time(night1, session):
    url = next(u for u, v in expected_verdicts(1, night1.url_for).items() if "500" in v["kind"])
    assert [session.get(url).status_code for _ in range(3)] == [500, 500, 500]


def test_redirect_301_to_the_new_url(night1, session):
    url, v = next((u, v) for u, v in expected_verdicts(1, night1.url_for).items() if v["final_url"])
    r = session.get(url, allow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"] == v["final_url"]
    final = session.get(url)
    assert final.status_code == 200 and final.url == v["final_url"] and final.history[0].status_code == 301


def test_logos_are_real_pngs(night1, session):
    paths = {"heartland-ledger": ["/wp-content/uploads/dcnf-logo.png", "/wp-content/uploads/daily-caller-logo.png",
                                  "/wp-content/uploads/2024/11/DCNF-Logo-300x100.png"],
             "valley-courier": ["/static/logos/dcnf-logo.png", "/static/logos/dcnf-logo@2x.png"],
             "civic-review": ["/sites/default/files/partners/dcnf_logo.png"],
             "liberty-monthly": ["/assets/partners/dcnf-logo@2x.png"],
             "prairie-post": ["/img/dcnf.png"], "dcnf": ["/wp-content/uploads/dcnf-logo.png"]}
    for site, ps in paths.items():
        for p in ps:
            r = session.get(night1.url(site, p))
            assert r.status_code == 200 and r.headers["Content-Type"] == "image/png", (site, p)
            with Image.open(io.BytesIO(r.content)) as im:
                assert im.format == "PNG" and im.width >= 100


def test_layouts_differ(night1, session):
    expected = expected_verdicts(1, night1.url_for)
    marks = {"heartland-ledger": "wp-content", "valley-courier": "right-rail", "civic-review": "field--name-body",
             "liberty-monthly": "author-box", "prairie-post": "<main>"}
    for partner, mark in marks.items():
        url = next(u for u, v in expected.items() if v["partner"] == partner and v["status"] == "compliant"
                   and not v["final_url"])
        assert mark in session.get(url).text, partner


# ---------------------------------------------------------------------------------------------- verdicts


def test_expected_verdicts_night_1(night1):
    verdicts = expected_verdicts(1, night1.url_for)
    second = {u: v for u, v in verdicts.items() if v["partner"] == "bayside-gazette"}  # the second licensor's
    statuses = [v["status"] for u, v in verdicts.items() if v["article"] and u not in second]
    assert statuses.count("compliant") == 13
    assert statuses.count("violation") == 14
    assert statuses.count("not-a-copy") == 10
    assert statuses.count("error") == 2
    kinds = " | ".join(v["kind"] for v in verdicts.values())
    for kind in ("missing logo", "Daily Caller logo", "hidden logo", "By Staff", "surname only", "meta name=author",
                 "missing affiliation", "\"Daily Caller\" alone", "license notice", "body sentence", "one-pixel",
                 "only one named", "og:image", "robots.txt", "500", "301"):
        assert kind in kinds, kind
    for v in verdicts.values():
        assert (v["status"] == "violation") == bool(v["rules"])
        assert set(v["rules"]) <= ({"credit", "text"} if v["partner"] == "bayside-gazette"
                                   else {"logo", "byline", "affiliation"})
        assert v["change"] is None
    assert sum(bool(v["waived"]) for v in verdicts.values()) == 1
    # The newsroom pack's partner: one compliant copy, an edited paragraph, a missing credit line.
    assert sorted((v["status"], tuple(v["rules"])) for v in second.values()) == [
        ("compliant", ()), ("violation", ("credit",)), ("violation", ("text",))]
    assert all(v["original"].startswith(night1.base_url("harbor-ledger")) for v in second.values())


def _check_all(srv, night: int, only=None):
    from checker.demo.pages import LICENSORS
    from checker.models import Fetched, Outcome
    from checker.originals import load_originals
    from checker.pack_routing import RoutedChecker
    from checker.pipeline import Checker
    from checker.ruleset import load_pack

    # Each licensor's originals with its pack (the default pack when it names none), as the audit does.
    checker = RoutedChecker(tuple(
        Checker.build(load_pack(lic.license),
                      load_originals(srv.url(lic.id, "/feed.xml"), cache_dir=Path(tempfile.mkdtemp())))
        for lic in LICENSORS))
    out = {}
    with requests.Session() as session:
        for url, v in expected_verdicts(night, srv.url_for).items():
            if v["status"] == "error" or (only is not None and urlsplit(url).path not in only):
                continue
            r = session.get(v["final_url"] or url)
            result = checker.check(Fetched(target=url, url=r.url, body=r.content, charset=r.encoding))
            fails = sorted(f.rule for f in result.findings if f.outcome is Outcome.FAIL)
            out[url] = (v, result.status.value, fails, result.original.url if result.original else None)
    return out


@pytest.mark.parametrize("night", [1, 2])
def test_check_engine_agrees_with_expected_verdicts(servers, night):
    servers.swap(build_sites(night))
    try:
        results = _check_all(servers, night)
    finally:
        servers.swap(build_sites(1))
    wrong = []
    for url, (v, status, fails, original) in results.items():
        if (status, fails) != (v["status"], v["rules"]) or (v["original"] and original != v["original"]):
            wrong.append(f"{url}: got {status} {fails}, expected {v['status']} {v['rules']} ({v['kind']})")
    assert not wrong, "\n".join(wrong)


def test_author_box_affiliation_with_a_plain_head_byline(night1):
    results = _check_all(night1, 1, only=AUTHOR_BOX_PAGE)
    (url,) = results
    v, status, fails, _ = results[url]
    assert (status, fails) == ("compliant", [])


# ---------------------------------------------------------------------------------------------- night 2


def test_night_2_conditional_get_and_changes(servers, session):
    servers.swap(build_sites(1))
    n1 = expected_verdicts(1, servers.url_for)
    unchanged = next(u for u, v in n1.items() if v["partner"] == "heartland-ledger" and v["kind"].startswith(
        "compliant: logo named by file only"))
    static = next(u for u, v in n1.items() if v["partner"] == "prairie-post" and v["status"] == "compliant")
    fixed = [u for u, v in n1.items() if "fixed on night 2" in v["note"]]
    first = session.get(unchanged)
    first_static = session.get(static)
    first_fixed = [session.get(u) for u in fixed]
    feed1 = session.get(servers.url("heartland-ledger", "/feed/"))
    ports = [s.port for s in servers.sites]
    try:
        servers.swap(build_sites(2))
        assert [s.port for s in servers.sites] == ports  # same servers, new content

        again = session.get(unchanged, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        by_date = session.get(unchanged, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert by_date.status_code == 304
        assert "ETag" not in first_static.headers  # the static site sends Last-Modified only
        assert session.get(static, headers={"If-Modified-Since": first_static.headers["Last-Modified"]}
                           ).status_code == 304

        assert len(fixed) == 2
        for url, before in zip(fixed, first_fixed):
            r = session.get(url, headers={"If-None-Match": before.headers["ETag"],
                                          "If-Modified-Since": before.headers["Last-Modified"]})
            assert r.status_code == 200 and r.headers["ETag"] != before.headers["ETag"]
            assert r.content != before.content
            r = session.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
            assert r.status_code == 200

        feed2 = session.get(servers.url("heartland-ledger", "/feed/"), headers={"If-None-Match": feed1.headers["ETag"]})
        assert feed2.status_code == 200
        assert len(feedparser.parse(io.BytesIO(feed2.content)).entries) == \
            len(feedparser.parse(io.BytesIO(feed1.content)).entries) + 1

        n2 = expected_verdicts(2, servers.url_for)
        assert set(n1) < set(n2)
        new = [u for u, v in n2.items() if v["change"] == "new"]
        assert len(new) == 2 and all(n2[u]["status"] == "violation" for u in new)
        assert {u for u, v in n2.items() if v["change"] == "fixed"} == set(fixed)
        assert all(n2[u]["status"] == "compliant" and n1[u]["status"] == "violation" for u in fixed)
        assert sum(v["change"] == "unchanged" for v in n2.values()) == len(n1) - 2
        found = _discover(servers, session)
        assert {u for urls in found.values() for u in urls} == set(n2)

        # Everything else is byte-identical on night 2, validators included (sidebars do not change).
        changed = {(s1.name, path) for s1, s2 in zip(build_sites(1), build_sites(2))
                   for path, route in s1.routes.items() if s2.routes.get(path) != route}
        fixed_paths = {("heartland-ledger" if "127.0.0.11" in u else "liberty-monthly", urlsplit(u).path)
                       for u in fixed}
        assert changed == fixed_paths | {("heartland-ledger", "/feed/"), ("heartland-ledger", "/"),
                                         ("prairie-post", "/sitemap.xml"), ("prairie-post", "/")}
    finally:
        servers.swap(build_sites(1))


def test_requests_are_logged(night1, session):
    night1.clear_log()
    session.get(night1.url("valley-courier", "/robots.txt"), headers={"User-Agent": "syndicheck-test"})
    (hit,) = night1.hits("valley-courier", path="/robots.txt")
    assert hit.status == 200 and hit.user_agent == "syndicheck-test"


def test_webhook_sink(night1, session):
    r = session.post(night1.url("dcnf", "/hooks/syndicheck"), json={"run": 1})
    assert r.status_code == 204 and night1.webhooks[-1]["body"] == b'{"run": 1}'
    assert session.post(night1.url("dcnf", "/feed.xml"), data=b"x").status_code == 405


# ---------------------------------------------------------------------------------------------- config


def test_demo_config(night1, tmp_path):
    config = demo_config(night1.sites, tmp_path)
    assert isinstance(config, AuditConfig)
    assert config.originals.feeds == (night1.url("dcnf", "/feed.xml"),)
    assert [p.id for p in config.partners] == [p.id for p in PARTNERS]
    assert config.crawl.allow_private_addresses and config.crawl.delay == 0.2 and config.crawl.obey_robots
    assert config.database == str(tmp_path / "syndicheck.db")
    assert config.reports_dir == str(tmp_path / "reports")
    assert config.notifications.dry_run_dir == str(tmp_path / "outbox")
    active, expired = config.waivers
    assert active.expires > str(__import__("datetime").date.today()) > expired.expires
    text = demo_config_yaml(night1.sites, tmp_path)
    data = yaml.safe_load(text)
    assert set(data) == {"license", "originals", "partners", "crawl", "waivers", "storage", "reports",
                         "notifications", "executor"}
    first, newsroom = data["originals"]  # a source per licensor, the second with its own pack
    assert first["feeds"] == list(config.originals.feeds) and "license" not in first
    assert first["window_days"] == config.originals.window_days
    assert config.more_originals[0].feeds == (night1.url("harbor-ledger", "/feed.xml"),)
    assert newsroom["feeds"] == list(config.more_originals[0].feeds) and newsroom["license"] == "cc-by-nd-newsroom"
    for spec, p in zip(config.partners, data["partners"]):
        assert p["id"] == spec.id and p["feeds"] == list(spec.feeds) and p["sitemaps"] == list(spec.sitemaps)
        assert p["urls"] == list(spec.urls) and p["start_pages"] == list(spec.start_pages)
    assert data["crawl"]["allow_private_addresses"] is True
    assert data["crawl"]["hosts"] == {night1.base_url("civic-review")[len("http://"):]: {"delay": 0.3}}
    assert data["storage"]["database"] == config.database
    assert data["reports"]["directory"] == config.reports_dir
    assert data["notifications"]["dry_run_dir"] == config.notifications.dry_run_dir
    assert [w["url"] for w in data["waivers"]] == [w.url for w in config.waivers]
    lines = text.splitlines()
    assert all(lines[w.line - 1].startswith("  - partner:") for w in config.waivers)
