"""Discovery against real loopback servers: feeds, sitemaps (index, news, gzip), URL lists, start pages."""
from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from checker.config_types import PartnerConfig
from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.crawl.robots import RobotsCache
from checker.sources.discovery import (
    Discovery, SitemapError, SourceError, discover, in_window, parse_feed, parse_sitemap,
)

SINCE = datetime(2024, 5, 1, tzinfo=timezone.utc)
FAST = FetchSettings(connect_timeout=1, read_timeout=2, deadline=5, retries=0, backoff=0.01)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Partner</title><link>{base}/</link>
<item><title>New</title><link>{base}/news/new-story?utm_source=rss#top</link>
  <pubDate>Thu, 02 May 2024 10:00:00 GMT</pubDate></item>
<item><title>Old</title><link>{base}/news/old-story</link><pubDate>Mon, 01 Apr 2024 10:00:00 GMT</pubDate></item>
<item><title>Undated</title><link>{base}/news/undated</link></item>
<item><title>Relative</title><link>/news/relative</link><pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Partner</title><id>urn:x</id>
<updated>2024-05-03T00:00:00Z</updated>
<entry><title>A</title><id>urn:a</id><link href="{base}/a"/><updated>2024-05-02T08:00:00Z</updated></entry>
<entry><title>B</title><id>urn:b</id><link href="{base}/b"/><published>2024-04-01T08:00:00Z</published>
  <updated>2024-04-02T08:00:00Z</updated></entry>
<entry><title>C (old, but updated in the window)</title><id>urn:c</id><link href="{base}/c"/>
  <published>2024-03-01T08:00:00Z</published><updated>2024-05-05T08:00:00Z</updated></entry>
</feed>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/s/recent</loc><lastmod>2024-05-02T10:00:00+00:00</lastmod></url>
<url><loc>{base}/s/old</loc><lastmod>2024-03-02</lastmod></url>
<url><loc>{base}/s/same-day</loc><lastmod>2024-05-01</lastmod></url>
<url><loc>{base}/s/undated</loc></url>
</urlset>"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/n/fresh</loc><news:news><news:publication>
  <news:name>Partner</news:name><news:language>en</news:language></news:publication>
  <news:publication_date>2024-05-04T12:00:00Z</news:publication_date><news:title>Fresh</news:title></news:news></url>
<url><loc>{base}/n/stale</loc><news:news>
  <news:publication_date>2024-04-04T12:00:00Z</news:publication_date></news:news></url>
</urlset>"""

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-posts.xml</loc><lastmod>2024-05-02</lastmod></sitemap>
<sitemap><loc>{base}/sitemap-news.xml.gz</loc></sitemap>
<sitemap><loc>{base}/sitemap-2023.xml</loc><lastmod>2023-12-31T00:00:00Z</lastmod></sitemap>
</sitemapindex>"""


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def base_of(server: HTTPServer) -> str:
    return server.url_for("").rstrip("/")


def serve(server: HTTPServer, path: str, body, content_type: str = "application/xml", **kw) -> None:
    if isinstance(body, str):
        body = body.format(base=base_of(server))
    server.expect_request(path).respond_with_data(body, content_type=content_type, **kw)


def partner(**kw) -> PartnerConfig:
    return PartnerConfig(id="p1", name="Partner One", **kw)


# ---------------------------------------------------------------------------------------------- feeds


def test_rss_window_normalisation_and_relative_links(httpserver, fetcher):
    serve(httpserver, "/feed", RSS, "application/rss+xml")
    d = discover(partner(feeds=(httpserver.url_for("/feed"),)), fetcher=fetcher, since=SINCE, max_pages=100)
    base = base_of(httpserver)
    assert isinstance(d, Discovery)
    assert d.urls == (f"{base}/news/new-story", f"{base}/news/undated", f"{base}/news/relative")
    assert d.errors == () and not d.truncated


def test_atom_uses_latest_of_published_and_updated(httpserver, fetcher):
    serve(httpserver, "/atom", ATOM, "application/atom+xml")
    d = discover(partner(feeds=(httpserver.url_for("/atom"),)), fetcher=fetcher, since=SINCE, max_pages=100)
    base = base_of(httpserver)
    assert d.urls == (f"{base}/a", f"{base}/c")


def test_feed_http_error_and_malformed_feed_are_error_entries(httpserver, fetcher):
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    serve(httpserver, "/notafeed", "<html><body><p>not a feed", "text/xml")
    serve(httpserver, "/good", RSS, "application/rss+xml")
    feeds = tuple(httpserver.url_for(p) for p in ("/broken", "/notafeed", "/good"))
    d = discover(partner(feeds=feeds), fetcher=fetcher, since=SINCE, max_pages=100)
    assert len(d.urls) == 3  # the good feed still counts
    assert d.errors[0] == f"feed {feeds[0]}: HTTP 500 Internal Server Error"
    assert d.errors[1].startswith(f"feed {feeds[1]}: not an RSS or Atom feed")
    assert len(d.errors) == 2


def test_unreachable_feed_is_an_error_entry(fetcher):
    d = discover(partner(feeds=("http://127.0.0.1:9/feed",)), fetcher=fetcher, since=SINCE, max_pages=10)
    assert d.urls == ()
    assert d.errors and d.errors[0].startswith("feed http://127.0.0.1:9/feed: ")


def test_feed_is_requested_with_feed_accept_types(httpserver, fetcher):
    seen = {}

    def handler(request: Request) -> Response:
        seen["accept"] = request.headers.get("Accept", "")
        return Response(RSS.format(base=base_of(httpserver)), content_type="application/rss+xml")

    httpserver.expect_request("/feed").respond_with_handler(handler)
    discover(partner(feeds=(httpserver.url_for("/feed"),)), fetcher=fetcher, since=SINCE, max_pages=10)
    assert "application/rss+xml" in seen["accept"] and "application/atom+xml" in seen["accept"]


def test_parse_feed_directly():
    entries = parse_feed(RSS.format(base="https://p.example").encode(), "https://p.example/feed")
    assert entries[0] == ("https://p.example/news/new-story?utm_source=rss#top",
                          datetime(2024, 5, 2, 10, tzinfo=timezone.utc))
    assert ("https://p.example/news/relative", datetime(2024, 5, 3, 10, tzinfo=timezone.utc)) in entries
    with pytest.raises(SourceError):
        parse_feed(b"<urlset/>", "https://p.example/x")


# ---------------------------------------------------------------------------------------------- sitemaps


def test_sitemap_lastmod_window(httpserver, fetcher):
    serve(httpserver, "/sitemap.xml", URLSET)
    d = discover(partner(sitemaps=(httpserver.url_for("/sitemap.xml"),)), fetcher=fetcher, since=SINCE,
                 max_pages=100)
    base = base_of(httpserver)
    # Newest first; a bare date counts for its whole day; undated entries are kept, last.
    assert d.urls == (f"{base}/s/recent", f"{base}/s/same-day", f"{base}/s/undated")
    assert d.errors == ()


def test_sitemap_index_news_and_gzip(httpserver, fetcher):
    serve(httpserver, "/sitemap_index.xml", INDEX)
    serve(httpserver, "/sitemap-posts.xml", URLSET, "text/xml")
    news = gzip.compress(NEWS.format(base=base_of(httpserver)).encode())
    httpserver.expect_request("/sitemap-news.xml.gz").respond_with_data(news, content_type="application/x-gzip")
    # /sitemap-2023.xml is never requested: its lastmod predates the window (the server would 404 it).
    d = discover(partner(sitemaps=(httpserver.url_for("/sitemap_index.xml"),)), fetcher=fetcher, since=SINCE,
                 max_pages=100)
    base = base_of(httpserver)
    assert d.urls == (f"{base}/s/recent", f"{base}/s/same-day", f"{base}/s/undated", f"{base}/n/fresh")
    assert d.errors == ()
    assert not any(req.path == "/sitemap-2023.xml" for req, _ in httpserver.log)


def test_gzip_sitemap_served_as_octet_stream(httpserver, fetcher):
    body = gzip.compress(URLSET.format(base=base_of(httpserver)).encode())
    httpserver.expect_request("/s.xml.gz").respond_with_data(body, content_type="application/octet-stream")
    d = discover(partner(sitemaps=(httpserver.url_for("/s.xml.gz"),)), fetcher=fetcher, since=SINCE,
                 max_pages=100)
    assert len(d.urls) == 3 and d.errors == ()


def test_gzip_content_encoding_sitemap(httpserver, fetcher):
    body = gzip.compress(URLSET.format(base=base_of(httpserver)).encode())
    httpserver.expect_request("/s.xml").respond_with_data(body, content_type="application/xml",
                                                          headers={"Content-Encoding": "gzip"})
    d = discover(partner(sitemaps=(httpserver.url_for("/s.xml"),)), fetcher=fetcher, since=SINCE, max_pages=100)
    assert len(d.urls) == 3 and d.errors == ()


def test_malformed_and_wrong_sitemaps_are_error_entries(httpserver, fetcher):
    serve(httpserver, "/bad.xml", "<urlset><url><loc>http://x/</loc></url>")  # unclosed
    serve(httpserver, "/html.xml", "<html><body>hi</body></html>")
    httpserver.expect_request("/bad.gz").respond_with_data(b"\x1f\x8bnot really gzip",
                                                           content_type="application/gzip")
    serve(httpserver, "/ok.xml", URLSET)
    sitemaps = tuple(httpserver.url_for(p) for p in ("/bad.xml", "/html.xml", "/bad.gz", "/missing.xml", "/ok.xml"))
    d = discover(partner(sitemaps=sitemaps), fetcher=fetcher, since=SINCE, max_pages=100)
    assert len(d.urls) == 3
    assert d.errors[0].startswith(f"sitemap {sitemaps[0]}: not XML")
    assert d.errors[1] == f"sitemap {sitemaps[1]}: not a sitemap (root element <html>)"
    assert d.errors[2].startswith(f"sitemap {sitemaps[2]}: not valid gzip data")
    assert d.errors[3] == f"sitemap {sitemaps[3]}: HTTP 404 Not Found"


def test_feed_listed_as_sitemap_is_read_as_feed(httpserver, fetcher):
    serve(httpserver, "/feed.xml", RSS)
    d = discover(partner(sitemaps=(httpserver.url_for("/feed.xml"),)), fetcher=fetcher, since=SINCE,
                 max_pages=100)
    assert len(d.urls) == 3 and d.errors == ()


def test_entities_are_not_expanded():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY ext SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://p.example/&lol2;&ext;</loc></url></urlset>"""
    urls, _ = parse_sitemap(bomb, "https://p.example/s.xml")
    assert urls == [("https://p.example/", None)]  # entity references stay unexpanded, so drop out of the text


def test_parse_sitemap_index_and_text_sitemap():
    urls, children = parse_sitemap(INDEX.format(base="https://p.example").encode(), "https://p.example/i.xml")
    assert urls == []
    assert [c for c, _ in children] == ["https://p.example/sitemap-posts.xml", "https://p.example/sitemap-news.xml.gz",
                                        "https://p.example/sitemap-2023.xml"]
    assert children[1][1] is None
    urls, children = parse_sitemap(b"https://p.example/a\nhttps://p.example/b\n", "https://p.example/s.txt")
    assert urls == [("https://p.example/a", None), ("https://p.example/b", None)] and children == []


def test_nested_index_depth_limit(httpserver, fetcher):
    nested = ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              '<sitemap><loc>{base}/i{n}.xml</loc></sitemap></sitemapindex>')
    for n in range(5):
        serve(httpserver, f"/i{n}.xml", nested.replace("{n}", str(n + 1)))
    d = discover(partner(sitemaps=(httpserver.url_for("/i0.xml"),)), fetcher=fetcher, since=SINCE, max_pages=100)
    assert d.urls == ()
    assert any("nested too deeply" in e for e in d.errors)
    assert len(httpserver.log) == 3  # i0 -> i1 -> i2, then it stops


def test_window_helper():
    assert in_window(None, SINCE)
    assert in_window(datetime(2024, 5, 1), SINCE.replace(hour=12))  # a bare date covers the day
    assert not in_window(datetime(2024, 4, 30, 23, 59, tzinfo=timezone.utc), SINCE)


# ---------------------------------------------------------------------------------------------- URL lists


def test_explicit_urls_and_url_file(tmp_path, fetcher):
    (tmp_path / "urls.txt").write_text("# partner list\nhttps://p.example/a?utm_campaign=x\n\n"
                                       "https://P.example:443/b\nnot a url\nhttps://p.example/a\n")
    d = discover(partner(urls=("https://p.example/first", "@urls.txt", "@missing.txt")), fetcher=fetcher,
                 since=SINCE, max_pages=100, base_dir=tmp_path)
    assert d.urls == ("https://p.example/first", "https://p.example/a", "https://p.example/b")
    assert any("url list @urls.txt line 5" in e for e in d.errors)
    assert any(e.startswith("url list @missing.txt: cannot read") for e in d.errors)


def test_max_pages_truncates(fetcher):
    d = discover(partner(urls=tuple(f"https://p.example/{i}" for i in range(5)), feeds=("http://127.0.0.1:9/f",)),
                 fetcher=fetcher, since=SINCE, max_pages=3)
    assert len(d.urls) == 3 and d.truncated
    assert d.errors == ()  # the feed was never fetched: the cap was already reached


# ---------------------------------------------------------------------------------------------- start pages

HOME = """<!doctype html><html><head><title>Home</title></head><body>
<nav><a href="/">Home</a> <a href="/category/politics/">Politics</a> <a href="/tag/dcnf">DCNF</a>
<a href="/author/jane/">Jane</a> <a href="mailto:desk@p.example">Mail</a> <a href="javascript:void(0)">JS</a>
<a href="#main">skip</a></nav>
<main>
<a href="/2024/05/02/story-one/">Story one</a>
<a href="2024/05/02/story-two?utm_source=home#c">Story two</a>
<a href="{other}/2024/05/02/elsewhere/">Other site</a>
<a href="/2024/05/02/story-one/#comments">Story one comments</a>
<a href="/wp-content/uploads/photo.jpg">Photo</a> <a href="/static/app.css">css</a> <a href="/report.pdf">PDF</a>
<a href="{self}">This page</a>
</main></body></html>"""


def test_start_page_follows_same_site_article_links_one_level(httpserver, fetcher):
    other = HTTPServer(host="127.0.0.2", port=0)
    other.no_handler_status_code = 404
    other.start()
    try:
        base = base_of(httpserver)
        home = HOME.replace("{other}", base_of(other)).replace("{self}", base + "/news/")
        httpserver.expect_request("/news/").respond_with_data(home, content_type="text/html")
        d = discover(partner(start_pages=(base + "/news/",)), fetcher=fetcher, since=SINCE, max_pages=100)
        assert d.urls == (f"{base}/2024/05/02/story-one/", f"{base}/news/2024/05/02/story-two")
        assert d.errors == ()
        # One level: the article pages themselves are not fetched during discovery; nothing on the other host.
        assert [req.path for req, _ in httpserver.log] == ["/news/"]
        assert other.log == []
    finally:
        other.stop()


def test_start_page_error_is_reported(httpserver, fetcher):
    d = discover(partner(start_pages=(httpserver.url_for("/gone"),)), fetcher=fetcher, since=SINCE, max_pages=10)
    assert d.urls == () and d.errors == (f"start page {httpserver.url_for('/gone')}: HTTP 404 Not Found",)


def test_discovery_obeys_robots(httpserver, fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n",
                                                               content_type="text/plain")
    serve(httpserver, "/private/feed", RSS, "application/rss+xml")
    serve(httpserver, "/feed", RSS, "application/rss+xml")
    robots = RobotsCache(fetcher, "syndicheck")
    feeds = (httpserver.url_for("/private/feed"), httpserver.url_for("/feed"))
    d = discover(partner(feeds=feeds), fetcher=fetcher, since=SINCE, max_pages=100, robots=robots)
    assert len(d.urls) == 3
    assert d.errors[0].startswith(f"feed {feeds[0]}: blocked by robots.txt")
    assert "/private/feed" not in [req.path for req, _ in httpserver.log]


def test_parse_sitemap_raises_sitemap_error():
    with pytest.raises(SitemapError, match="not XML"):
        parse_sitemap(b"<urlset><url>", "https://p.example/s.xml")
    with pytest.raises(SitemapError) as info:
        parse_sitemap(b"<rss version='2.0'><channel/></rss>", "https://p.example/s.xml")
    assert info.value.root == "rss"
