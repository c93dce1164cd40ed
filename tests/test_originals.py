"""Loading originals: manifests (strict, with lines), RSS/Atom feeds, article pages, and the disk cache."""
from __future__ import annotations

import http.server
import json
import logging
import threading
import time

import pytest
from werkzeug import Request, Response

from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.originals import (
    OriginalsError, SourceCache, html_to_text, load_all, load_originals, split_authors,
)
from checker.strict_yaml import ConfigError

FAST = FetchSettings(connect_timeout=1, read_timeout=2, deadline=5, retries=0, backoff=0.01)


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


# ------------------------------------------------------------------------------------------------- manifests

def test_yaml_list(tmp_path):
    src = write(tmp_path, "originals.yaml", """\
- url: https://dailycallernewsfoundation.org/2024/05/01/story-one/
  title: Story one
  authors: [Jane Doe]
  published: 2024-05-01
  text: |
    First paragraph
    wrapped in YAML.

    Second paragraph.
- id: two
  url: https://dailycallernewsfoundation.org/2024/05/02/story-two/
  authors: Jane Doe
""")
    one, two = load_originals(src, fetcher=None, cache_dir=tmp_path / "cache")
    assert one.id == one.url == "https://dailycallernewsfoundation.org/2024/05/01/story-one/"
    assert one.title == "Story one" and one.authors == ("Jane Doe",)
    assert one.published == "2024-05-01"
    assert one.text == "First paragraph wrapped in YAML.\n\nSecond paragraph."
    assert two.id == "two" and two.authors == ("Jane Doe",) and two.text == ""


def test_json_with_originals_key(tmp_path):
    src = write(tmp_path, "originals.json", json.dumps({"originals": [
        {"id": "a", "url": "https://dcnf.example/a", "authors": ["Jane Doe", "John Roe"], "title": "A"},
    ]}, indent=2))
    [a] = load_originals(src, fetcher=None, cache_dir=None)
    assert a.as_ref() == {"id": "a", "url": "https://dcnf.example/a", "title": "A", "authors": ["Jane Doe", "John Roe"]}


def test_unknown_key_did_you_mean_with_line(tmp_path):
    src = write(tmp_path, "originals.yaml", """\
originals:
  - url: https://dcnf.example/a
    authors: [Jane Doe]
  - url: https://dcnf.example/b
    autors: [John Roe]
""")
    with pytest.raises(OriginalsError) as info:
        load_originals(src, fetcher=None, cache_dir=None)
    err = info.value
    assert isinstance(err, ConfigError)
    assert err.source == src and err.line == 5 and err.key == "originals[1].autors"
    assert "did you mean 'authors'" in str(err)
    assert str(err).startswith(f"{src}:5: originals[1].autors: unknown key")


def test_missing_authors_names_entry_and_line(tmp_path):
    src = write(tmp_path, "originals.yaml", """\
- url: https://dcnf.example/a
  authors: [Jane Doe]
- id: b
  url: https://dcnf.example/b
  title: No byline
""")
    with pytest.raises(OriginalsError) as info:
        load_originals(src, fetcher=None, cache_dir=None)
    assert info.value.line == 3
    assert "entry 2 (b): missing required key 'authors'" in str(info.value)


def test_empty_authors_and_missing_url(tmp_path):
    src = write(tmp_path, "a.yaml", "- url: https://dcnf.example/a\n  authors: []\n")
    with pytest.raises(OriginalsError, match="must name at least one author"):
        load_originals(src, fetcher=None, cache_dir=None)
    src = write(tmp_path, "b.yaml", "- title: x\n  authors: [Jane Doe]\n")
    with pytest.raises(OriginalsError, match=r"b\.yaml:1: \[0\]: entry 1: missing required key 'url'"):
        load_originals(src, fetcher=None, cache_dir=None)


def test_invalid_yaml_reports_line(tmp_path):
    src = write(tmp_path, "bad.yaml", "- url: https://dcnf.example/a\n  authors: [Jane Doe\n- url: x\n")
    with pytest.raises(OriginalsError) as info:
        load_originals(src, fetcher=None, cache_dir=None)
    assert info.value.line is not None and info.value.line >= 2
    assert "invalid YAML" in str(info.value)


def test_missing_manifest_file(tmp_path):
    with pytest.raises(OriginalsError, match="no such file or directory"):
        load_originals(str(tmp_path / "nope.yaml"), fetcher=None, cache_dir=None)


def test_duplicate_id_in_manifest(tmp_path):
    src = write(tmp_path, "d.yaml", "- {id: a, url: 'https://x.example/1', authors: [A B]}\n"
                                    "- {id: a, url: 'https://x.example/2', authors: [A B]}\n")
    with pytest.raises(OriginalsError, match="duplicate id 'a' \\(first at line 1\\)"):
        load_originals(src, fetcher=None, cache_dir=None)


# ----------------------------------------------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Daily Caller News Foundation</title><link>https://dcnf.example/</link>
<item>
  <title>Senate passes the bill</title>
  <link>https://dcnf.example/2024/05/01/senate-bill/</link>
  <dc:creator><![CDATA[Jane Doe and John Roe]]></dc:creator>
  <pubDate>Wed, 01 May 2024 10:00:00 +0000</pubDate>
  <description><![CDATA[A short teaser.]]></description>
  <content:encoded><![CDATA[<p>The Senate passed the bill on Tuesday.</p>
    <figure><img src="x.jpg"><figcaption>Caption</figcaption></figure>
    <p>Lawmakers <em>debated</em> for hours.</p><script>track()</script>]]></content:encoded>
</item>
<item>
  <title>Second story</title>
  <link>https://dcnf.example/2024/05/02/second/</link>
  <dc:creator>Mary Major, Daily Caller News Foundation</dc:creator>
  <description>Only a summary here.</description>
</item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Licensor</title><id>urn:x</id><updated>2024-05-03T08:00:00Z</updated>
  <entry>
    <title>Atom story</title>
    <link rel="alternate" href="https://dcnf.example/2024/05/03/atom-story/"/>
    <id>urn:uuid:1</id>
    <author><name>Ann Author</name></author>
    <author><name>Bob Writer</name></author>
    <published>2024-05-03T08:00:00Z</published>
    <content type="html">&lt;p&gt;Atom paragraph one.&lt;/p&gt;&lt;p&gt;Atom paragraph two.&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_rss_feed_with_dc_creator_and_content_encoded(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/rss+xml; charset=utf-8")
    first, second = load_originals(httpserver.url_for("/feed"), fetcher=fetcher, cache_dir=tmp_path)
    assert first.id == first.url == "https://dcnf.example/2024/05/01/senate-bill/"
    assert first.title == "Senate passes the bill"
    assert first.authors == ("Jane Doe", "John Roe")
    assert first.published == "2024-05-01T10:00:00+00:00"
    assert first.text == "The Senate passed the bill on Tuesday.\n\nLawmakers debated for hours."  # no caption
    assert second.authors == ("Mary Major",)  # the affiliation is not a person
    assert second.text == "Only a summary here."


def test_atom_feed_sniffed_without_feed_content_type(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="text/xml")
    [entry] = load_originals(httpserver.url_for("/atom"), fetcher=fetcher, cache_dir=tmp_path)
    assert entry.url == "https://dcnf.example/2024/05/03/atom-story/"
    assert entry.authors == ("Ann Author", "Bob Writer")
    assert entry.published == "2024-05-03T08:00:00+00:00"
    assert entry.text == "Atom paragraph one.\n\nAtom paragraph two."


def test_manifest_served_over_http(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/originals.yaml").respond_with_data(
        "- url: https://dcnf.example/a\n  authors: [Jane Doe]\n", content_type="text/plain")
    [a] = load_originals(httpserver.url_for("/originals.yaml"), fetcher=fetcher, cache_dir=tmp_path)
    assert a.authors == ("Jane Doe",)


def test_unfetchable_feed_is_an_error(httpserver, fetcher, tmp_path):
    with pytest.raises(OriginalsError, match="cannot fetch: HTTP 404 Not Found"):
        load_originals(httpserver.url_for("/gone.xml"), fetcher=fetcher, cache_dir=tmp_path)


# ---------------------------------------------------------------------------------------------- article page

ARTICLE = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Senate passes bill | Daily Caller News Foundation</title>
<meta property="og:title" content="Senate passes the bill">
<meta name="author" content="Someone Else">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "@id": "https://dcnf.example/p"},
  {"@type": "NewsArticle", "headline": "Senate passes the bill (headline)",
   "datePublished": "2024-05-01T10:00:00-04:00",
   "author": [{"@id": "#jane"}, {"@type": "Person", "name": "John Roe"},
              {"@type": "Organization", "name": "Daily Caller News Foundation"}]},
  {"@type": "Person", "@id": "#jane", "name": "Jane Doe"}
]}
</script>
</head><body>
<header><p>Site navigation text that is long enough to matter in a naive extractor, truly.</p></header>
<article>
  <h1>Senate passes the bill</h1>
  <p class="byline">By Jane Doe and John Roe, Daily Caller News Foundation</p>
  <p>The Senate passed the bill on Tuesday.</p>
  <figure><p>Photo caption</p></figure>
  <p>Lawmakers debated for <a href="#">hours</a>.</p>
  <aside><p>Related: another story</p></aside>
</article>
<footer><p>All content created by the Daily Caller News Foundation is available without charge.</p></footer>
</body></html>"""


def test_article_page_with_json_ld(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html; charset=utf-8")
    url = httpserver.url_for("/story")
    [o] = load_originals(url, fetcher=fetcher, cache_dir=tmp_path)
    assert o.id == url and o.url == url
    assert o.title == "Senate passes the bill"
    assert o.authors == ("Jane Doe", "John Roe")  # JSON-LD wins over meta author; organisations dropped
    assert o.published == "2024-05-01T10:00:00-04:00"
    # Story paragraphs only: no byline, caption, related links, header or footer.
    assert o.text == "The Senate passed the bill on Tuesday.\n\nLawmakers debated for hours."


def test_article_page_without_json_ld_uses_visible_byline(httpserver, fetcher, tmp_path):
    page = """<html><head><title>Plain page</title></head><body>
    <div class="story"><h1>Headline here</h1>
    <div class="meta"><span>By Ann Author | May 1, 2024</span></div>
    <p>First paragraph of the story, long enough.</p><p>Second paragraph of the story.</p></div>
    <div class="sidebar"><p>Short.</p></div></body></html>"""
    httpserver.expect_request("/plain").respond_with_data(page, content_type="text/html")
    [o] = load_originals(httpserver.url_for("/plain"), fetcher=fetcher, cache_dir=tmp_path)
    assert o.title == "Headline here"
    assert o.authors == ("Ann Author",)
    assert o.text == "First paragraph of the story, long enough.\n\nSecond paragraph of the story."


def test_an_original_pages_credit_line_in_another_language_is_not_story_text(httpserver, fetcher, tmp_path):
    # "auteur" (French) marks the credit as "byline" does: the partner restates it, so it is not text a copy
    # must contain; a paragraph whose class merely contains the letters ("autoresize") is story text.
    page = """<html><head><title>t</title><script type="application/ld+json">{"@type": "NewsArticle",
    "headline": "Le Sénat adopte le texte", "author": {"@type": "Person", "name": "Jeanne Dupont"}}</script></head>
    <body><article><h1>Le Sénat adopte le texte</h1><p class="auteur">Jeanne Dupont, correspondante</p>
    <p>Le Sénat a adopté le texte mardi après un long débat.</p><p class="autoresize">Les députés doivent
    encore se prononcer.</p></article></body></html>"""
    httpserver.expect_request("/fr").respond_with_data(page, content_type="text/html; charset=utf-8")
    [o] = load_originals(httpserver.url_for("/fr"), fetcher=fetcher, cache_dir=tmp_path)
    assert o.text == ("Le Sénat a adopté le texte mardi après un long débat.\n\nLes députés doivent\n    encore se "
                      "prononcer.").replace("\n    ", " ")


# ---------------------------------------------------------------------------------------------------- cache

def test_cache_reuse_without_request(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/rss+xml")
    url = httpserver.url_for("/feed")
    first = load_originals(url, fetcher=fetcher, cache_dir=tmp_path)
    second = load_originals(url, fetcher=fetcher, cache_dir=tmp_path)
    assert first == second
    assert len(httpserver.log) == 1


def test_revalidation_304(httpserver, fetcher, tmp_path):
    seen = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"rss1"':
            return Response(status=304, headers={"ETag": '"rss1"'})
        return Response(RSS, content_type="application/rss+xml", headers={"ETag": '"rss1"'})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    url = httpserver.url_for("/feed")
    first = load_originals(url, fetcher=fetcher, cache_dir=tmp_path)
    again = load_originals(url, fetcher=fetcher, cache_dir=tmp_path, max_age=0)  # stale: must revalidate
    assert seen == [None, '"rss1"']
    assert again == first
    assert SourceCache(tmp_path).get(url).fetched_at > time.time() - 5


class _Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = RSS.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_stale_cache_used_when_server_down(tmp_path, caplog, fetcher):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    try:
        fresh = load_originals(url, fetcher=fetcher, cache_dir=tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    with caplog.at_level(logging.WARNING, logger="checker.originals"):
        stale = load_originals(url, fetcher=fetcher, cache_dir=tmp_path, max_age=0)
    assert stale == fresh
    assert "connection refused" in caplog.text and "cached copy" in caplog.text
    with pytest.raises(OriginalsError, match="connection refused"):
        load_originals(url, fetcher=fetcher, cache_dir=tmp_path / "empty", max_age=0)


def test_gone_source_is_not_served_from_cache(httpserver, fetcher, tmp_path):
    httpserver.expect_ordered_request("/feed").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_ordered_request("/feed").respond_with_data("gone", status=410)
    url = httpserver.url_for("/feed")
    load_originals(url, fetcher=fetcher, cache_dir=tmp_path)
    with pytest.raises(OriginalsError, match="HTTP 410 Gone"):
        load_originals(url, fetcher=fetcher, cache_dir=tmp_path, max_age=0)


def test_cache_dir_from_environment(httpserver, fetcher, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path / "envcache"))
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/rss+xml")
    load_originals(httpserver.url_for("/feed"), fetcher=fetcher, cache_dir=None)
    assert len(list((tmp_path / "envcache").glob("*.body"))) == 1


# ------------------------------------------------------------------------------------------------- load_all

def test_load_all_dedupes_first_wins(tmp_path, caplog):
    a = write(tmp_path, "a.yaml", "- {id: x, url: 'https://d.example/1', authors: [Ann Author]}\n")
    b = write(tmp_path, "b.yaml", "- {id: x, url: 'https://d.example/2', authors: [Bob Writer]}\n"
                                  "- {id: y, url: 'https://d.example/3', authors: [Bob Writer]}\n")
    with caplog.at_level(logging.WARNING, logger="checker.originals"):
        got = load_all([a, b], fetcher=None, cache_dir=tmp_path)
    assert [(o.id, o.url) for o in got] == [("x", "https://d.example/1"), ("y", "https://d.example/3")]
    assert "already defined" in caplog.text


# -------------------------------------------------------------------------------------------------- helpers

def test_split_authors():
    assert split_authors("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]
    assert split_authors("Jane Doe, John Roe & Ann Author") == ["Jane Doe", "John Roe", "Ann Author"]
    assert split_authors("Jane Doe, Daily Caller News Foundation") == ["Jane Doe"]
    assert split_authors("Sam Smith, Jr.") == ["Sam Smith Jr."]


def test_html_to_text_paragraphs():
    assert html_to_text("<p>One.</p><p>Two <b>bold</b>.</p>Three<br><br>Four<br>five") == \
        "One.\n\nTwo bold.\n\nThree\n\nFour five"


# --------------------------------------------------------------------------------------------- hostile sources

DEEP = 100_000


def test_paragraphs_of_a_tree_deeper_than_the_recursion_limit():
    """The walk is iterative: a tree built without the parser's depth cap, 5,000 deep, keeps its deep text."""
    import lxml.etree
    from checker.originals import _paragraphs_of
    root = node = lxml.etree.Element("div")
    lxml.etree.SubElement(root, "p").text = "Top paragraph."
    for _ in range(5000):
        node = lxml.etree.SubElement(node, "span")
    node.text = "Deep words"
    node.tail = " and a tail."
    assert _paragraphs_of(root) == ["Top paragraph.", "Deep words and a tail."]


def test_deeply_nested_feed_content_loads(tmp_path):
    """A licensor feed whose content:encoded nests 100,000 elements deep loads without a crash; the
    entry keeps its title, link and authors."""
    deep = "<div>" * DEEP + "Deep story text." + "</div>" * DEEP
    feed = RSS.replace("<p>The Senate passed the bill on Tuesday.</p>", "<p>The Senate passed the bill.</p>" + deep)
    originals = load_originals(write(tmp_path, "feed.xml", feed))
    first = next(o for o in originals if o.title == "Senate passes the bill")
    assert first.authors == ("Jane Doe", "John Roe") and first.text.startswith("The Senate passed the bill.")


def test_deeply_nested_json_manifest_is_a_clear_error(tmp_path):
    path = write(tmp_path, "originals.json", "[" * DEEP + "]" * DEEP)
    with pytest.raises((ConfigError, OriginalsError), match="nests too deeply"):
        load_originals(path)


def test_article_page_with_hostile_json_ld_uses_the_readable_block(tmp_path):
    """A JSON-LD block nested past json's own limit is skipped; a deep @graph chain is walked without recursion."""
    graph = '{"@graph": ' * 500 + '{"@type": "NewsArticle", "headline": "Deep graph", ' \
        '"author": {"@type": "Person", "name": "Gia Graph"}}' + "}" * 500
    page = (ARTICLE.replace("<head>", '<head><script type="application/ld+json">' + "[" * DEEP + "]" * DEEP
                            + "</script>", 1))
    [o] = load_originals(write(tmp_path, "story.html", page))
    assert o.authors == ("Jane Doe", "John Roe")
    page2 = ARTICLE.replace('<script type="application/ld+json">', '<script type="application/ld+json">'
                            + graph + '</script><script type="application/ld+json">', 1)
    [o2] = load_originals(write(tmp_path, "story2.html", page2))
    assert o2.authors == ("Gia Graph",)  # the first article node, 500 @graph levels down


def test_article_page_without_an_article_element_is_read_by_the_article_model():
    """No <article>: the body is found as the checks find it on copies (the densest prose, grown over
    neighbouring paragraphs), not a header or a sidebar."""
    from checker.originals import _article_page

    story = ["Federal regulators warned Monday that three regional power grids could face shortfalls during heat.",
             "The reliability corporation said the Midwest, Texas and New England grids face elevated risk this year.",
             "Grid operators have added new solar and battery capacity, but additions have not kept pace with closures."]
    html = ("<html><head><title>Grid</title><meta name='author' content='Jane Doe'></head><body>"
            "<div class='top'><p>Site navigation text that is long enough to matter in a naive extractor, truly it is.</p></div>"
            "<div class='main'><h1>Grid warning</h1><p>By Jane Doe</p>" + "".join(f"<p>{p}</p>" for p in story) + "</div>"
            "<div class='side'><p>Subscribe to our newsletter for more stories like this one every single morning.</p></div>"
            "</body></html>")
    o = _article_page(html.encode(), "utf-8", "https://licensor.example/grid", "https://licensor.example/grid")
    assert o.text == "\n\n".join(story)


def test_plain_text_quick_path_gives_what_the_slow_path_gives():
    """Texts already normalised skip the split; every text gets what the full normalisation gives."""
    import random

    from checker.originals import _plain_text, plain_text

    rng = random.Random(14)
    pieces = ["a", "bé", " ", "  ", "\n", "\n\n", "\n\n\n", "\t", "\r", "\r\n", "\xa0", "\u2028", "\u2029", "\x1c",
              "\x85", "\u3000", "\u200b", "\u00ad", "“q”"]
    quick = 0
    for _ in range(60_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        assert plain_text(text) == _plain_text(text), repr(text)
        quick += plain_text(text) is text
    assert quick > 1000  # the quick path was taken, and agreed
    assert plain_text("One para.\n\nTwo  para.") == "One para.\n\nTwo para."
    assert plain_text("Line one\nline two") == "Line one\n\nline two"
