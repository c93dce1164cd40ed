"""robots.txt per RFC 9309 against a real loopback server: rules, Crawl-delay, 4xx/5xx handling, caching."""
from __future__ import annotations

import threading

import pytest

from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.crawl.robots import RobotsCache, product_token

FAST = FetchSettings(user_agent="syndicheck/9.9 (+https://example.org/bot)", connect_timeout=1, read_timeout=2,
                     deadline=5, retries=0, backoff=0.01)


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def robots_txt(httpserver, text: str, **kw) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(text, content_type="text/plain", **kw)


def robots_requests(httpserver) -> int:
    return sum(1 for req, _ in httpserver.log if req.path == "/robots.txt")


def test_product_token():
    assert product_token("syndicheck/1.0 (+https://x)") == "syndicheck"
    assert product_token("SyndiCheck") == "syndicheck"


def test_disallowed_path(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nDisallow: /private/\n")
    robots = RobotsCache(fetcher, FAST.user_agent)
    assert not robots.allowed(httpserver.url_for("/private/story"))
    assert robots.allowed(httpserver.url_for("/public/story"))
    why = robots.why_blocked(httpserver.url_for("/private/story"))
    assert why == f"{httpserver.url_for('/robots.txt')} disallows /private/story for user-agent syndicheck"
    assert robots.why_blocked(httpserver.url_for("/public/story")) == ""


def test_wildcards_and_longest_match(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nDisallow: /news/\nAllow: /news/open/\nDisallow: /*.pdf$\n"
                           "Disallow: /*?print=\n")
    robots = RobotsCache(fetcher, "syndicheck")
    assert not robots.allowed(httpserver.url_for("/news/closed"))
    assert robots.allowed(httpserver.url_for("/news/open/story"))  # the longer Allow wins
    assert not robots.allowed(httpserver.url_for("/files/report.pdf"))
    assert robots.allowed(httpserver.url_for("/files/report.pdf.html"))  # $ anchors the end
    assert not robots.allowed(httpserver.url_for("/story") + "?print=1")


def test_our_group_wins_over_star(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nDisallow: /\n\nUser-agent: syndicheck\nDisallow: /drafts/\n")
    robots = RobotsCache(fetcher, FAST.user_agent)
    assert robots.allowed(httpserver.url_for("/story"))
    assert not robots.allowed(httpserver.url_for("/drafts/x"))


def test_crawl_delay_and_request_rate(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nCrawl-delay: 2.5\n")
    robots = RobotsCache(fetcher, "syndicheck")
    assert robots.crawl_delay(httpserver.url_for("/")) == 2.5
    host = httpserver.url_for("/").split("://")[1].rstrip("/")
    assert robots.crawl_delay(host) == 2.5  # bare host[:port], once loaded
    assert robots.crawl_delay("never-seen.example") is None  # a bare host never triggers a fetch


def test_request_rate_counts_as_delay(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nRequest-rate: 1/5s\n")
    assert RobotsCache(fetcher, "syndicheck").crawl_delay(httpserver.url_for("/")) == 5.0


def test_no_crawl_delay(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nDisallow:\n")
    assert RobotsCache(fetcher, "syndicheck").crawl_delay(httpserver.url_for("/")) is None


@pytest.mark.parametrize("status", [404, 403, 410])
def test_4xx_allows_everything(httpserver, fetcher, status):
    httpserver.expect_request("/robots.txt").respond_with_data("nope", status=status)
    robots = RobotsCache(fetcher, "syndicheck")
    assert robots.allowed(httpserver.url_for("/anything"))
    assert robots.why_blocked(httpserver.url_for("/anything")) == ""


def test_5xx_disallows_the_host_with_a_reason(httpserver, fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=500)
    robots = RobotsCache(fetcher, "syndicheck")
    url = httpserver.url_for("/story")
    assert not robots.allowed(url)
    assert not robots.allowed(httpserver.url_for("/"))
    why = robots.why_blocked(url)
    assert "HTTP 500" in why and "whole host" in why and "RFC 9309" in why


def test_unreachable_disallows_the_host():
    with Fetcher(FAST) as f:
        robots = RobotsCache(f, "syndicheck")
        assert not robots.allowed("http://127.0.0.1:9/story")
        assert "unreachable" in robots.why_blocked("http://127.0.0.1:9/story")


def test_empty_robots_allows_everything(httpserver, fetcher):
    robots_txt(httpserver, "")
    assert RobotsCache(fetcher, "syndicheck").allowed(httpserver.url_for("/x"))


def test_redirects_are_followed(httpserver, fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=301,
                                                               headers={"Location": "/real-robots.txt"})
    httpserver.expect_request("/real-robots.txt").respond_with_data("User-agent: *\nDisallow: /x\n",
                                                                    content_type="text/plain")
    robots = RobotsCache(fetcher, "syndicheck")
    assert not robots.allowed(httpserver.url_for("/x"))
    assert robots.allowed(httpserver.url_for("/y"))


def test_robots_served_as_html_is_still_read(httpserver, fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /x\n",
                                                               content_type="text/html")
    assert not RobotsCache(fetcher, "syndicheck").allowed(httpserver.url_for("/x"))


def test_fetched_once_per_origin_across_threads(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nDisallow: /x\n")
    robots = RobotsCache(fetcher, "syndicheck")
    results: list[bool] = []

    def ask() -> None:
        for _ in range(5):
            results.append(robots.allowed(httpserver.url_for("/y")))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 40
    assert robots_requests(httpserver) == 1
    assert robots.is_loaded(httpserver.url_for("/z"))
    assert not robots.load(httpserver.url_for("/z"))


def test_origin_spelling_does_not_matter(httpserver, fetcher):
    robots_txt(httpserver, "User-agent: *\nCrawl-delay: 1\n")
    robots = RobotsCache(fetcher, "syndicheck")
    url = httpserver.url_for("/a")
    assert robots.allowed(url)
    scheme_host, _, path = url.partition("://")[2].partition("/")
    assert robots.is_loaded("HTTP://" + scheme_host.upper() + "/" + path)
    assert robots.crawl_delay(url.split("://")[1].split("/")[0].upper()) == 1.0
    assert robots_requests(httpserver) == 1
