"""URL normalisation: one spelling per page, so discovery de-duplicates and history fingerprints are stable."""
from __future__ import annotations

import pytest

from checker.url_identity import host_of, normalize_url


@pytest.mark.parametrize("given, expected", [
    # scheme and host case, default ports, empty path
    ("HTTP://Example.COM", "http://example.com/"),
    ("https://EXAMPLE.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com:80/a", "https://example.com:80/a"),  # 80 is not https's default
    ("http://example.com./a", "http://example.com/a"),
    # fragments
    ("https://example.com/story#comments", "https://example.com/story"),
    # tracking parameters, in any case, and sorting of the rest (stable for repeated keys)
    ("https://example.com/s?utm_source=tw&utm_MEDIUM=x&id=3", "https://example.com/s?id=3"),
    ("https://example.com/s?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&igshid=5&ref_src=6&_ga=7&yclid=8&msclkid=9",
     "https://example.com/s"),
    ("https://example.com/s?b=2&a=1&c=3", "https://example.com/s?a=1&b=2&c=3"),
    ("https://example.com/s?tag=z&tag=a&p=1", "https://example.com/s?p=1&tag=z&tag=a"),
    ("https://example.com/s?utm%5Fsource=x&q=1", "https://example.com/s?q=1"),
    ("https://example.com/s?", "https://example.com/s"),
    ("https://example.com/s?a=&b", "https://example.com/s?a=&b"),
    # percent-encoding: unreserved decoded, others upper-cased, unsafe characters encoded
    ("https://example.com/%7Euser/%e2%82%ac", "https://example.com/~user/%E2%82%AC"),
    ("https://example.com/a b/é", "https://example.com/a%20b/%C3%A9"),
    ("https://example.com/s?q=a%2fb", "https://example.com/s?q=a%2Fb"),
    ("https://example.com/100%", "https://example.com/100%25"),
    # dot segments
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/../x", "https://example.com/x"),
    # internationalised host names in their wire form
    ("https://Bücher.example/x", "https://xn--bcher-kva.example/x"),
])
def test_normalize(given, expected):
    assert normalize_url(given) == expected


def test_normalize_is_idempotent():
    for url in ("HTTPS://Ex.com:443/a/../b?utm_x=1&z=%7e&a=b#f", "http://ex.com/p%20q?x=%2F"):
        once = normalize_url(url)
        assert normalize_url(once) == once


def test_invalid_url_raises_value_error():
    with pytest.raises(ValueError):
        normalize_url("http://example.com:notaport/")
    with pytest.raises(ValueError):
        normalize_url("http://[::1/")


def test_host_of():
    assert host_of("https://WWW.Example.com/a?b") == "www.example.com"
    assert host_of("http://example.com:80/") == "example.com"
    assert host_of("http://127.0.0.2:8000/x") == "127.0.0.2:8000"
    assert host_of("https://user:pw@example.com/") == "example.com"
