"""The fetcher against real HTTP servers on 127.0.0.1: statuses, retries, redirects, caps, conditional GET."""
from __future__ import annotations

import gzip
import socket
import time

import pytest
from werkzeug import Request, Response

from checker import __version__
from checker.crawl.fetcher import FEED_TYPES, Fetcher, FetchSettings, human_size

HTML = "<!doctype html><html><head><title>t</title></head><body><p>Hello</p></body></html>"
FAST = FetchSettings(connect_timeout=1, read_timeout=2, deadline=5, retries=2, backoff=0.01)


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def test_200_html(httpserver, fetcher):
    validators = {"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
    httpserver.expect_request("/story").respond_with_data(HTML, content_type="text/html; charset=UTF-8",
                                                          headers=validators)
    f = fetcher.fetch(httpserver.url_for("/story"))
    assert f.ok and f.error is None
    assert f.status_code == 200
    assert f.body == HTML.encode()
    assert f.content_type == "text/html" and f.charset == "utf-8"
    assert f.etag == '"v1"' and f.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert f.url == f.target == httpserver.url_for("/story")
    assert f.redirects == ()


def test_user_agent_sent(httpserver, fetcher):
    seen = {}

    def handler(request: Request) -> Response:
        seen["ua"] = request.headers.get("User-Agent")
        seen["accept"] = request.headers.get("Accept")
        return Response(HTML, content_type="text/html")

    httpserver.expect_request("/ua").respond_with_handler(handler)
    assert fetcher.fetch(httpserver.url_for("/ua")).ok
    assert seen["ua"] == f"syndicheck/{__version__} (+https://github.com/syndicheck/syndicheck)"
    assert "text/html" in seen["accept"]


def test_404_is_an_error_value(httpserver, fetcher):
    f = fetcher.fetch(httpserver.url_for("/nope"))
    assert not f.ok
    assert f.error == "HTTP 404 Not Found"
    assert f.status_code == 404


def test_500_then_200_is_retried(httpserver, fetcher):
    httpserver.expect_ordered_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data(HTML, content_type="text/html")
    f = fetcher.fetch(httpserver.url_for("/flaky"))
    assert f.ok, f.error
    assert len(httpserver.log) == 2


def test_persistent_503_gives_up_after_retries(httpserver, fetcher):
    httpserver.expect_request("/down").respond_with_data("busy", status=503)
    f = fetcher.fetch(httpserver.url_for("/down"))
    assert f.error == "HTTP 503 Service Unavailable"
    assert len(httpserver.log) == 1 + FAST.retries


def test_429_retry_after_is_honoured(httpserver, fetcher):
    httpserver.expect_ordered_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/busy").respond_with_data(HTML, content_type="text/html")
    started = time.monotonic()
    f = fetcher.fetch(httpserver.url_for("/busy"))
    assert f.ok, f.error
    assert time.monotonic() - started >= 1.0


def test_retry_after_beyond_cap_is_an_error_without_waiting(httpserver, fetcher):
    httpserver.expect_request("/later").respond_with_data("later", status=429, headers={"Retry-After": "3600"})
    started = time.monotonic()
    f = fetcher.fetch(httpserver.url_for("/later"))
    assert time.monotonic() - started < 1
    assert f.error.startswith("HTTP 429 Too Many Requests") and "3600" in f.error


def test_redirects_are_recorded(httpserver, fetcher):
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": httpserver.url_for("/c")})
    httpserver.expect_request("/c").respond_with_data(HTML, content_type="text/html")
    f = fetcher.fetch(httpserver.url_for("/a"))
    assert f.ok, f.error
    assert f.redirects == (httpserver.url_for("/b"), httpserver.url_for("/c"))
    assert f.url == httpserver.url_for("/c")
    assert f.target == httpserver.url_for("/a")


def test_redirect_loop(httpserver, fetcher):
    httpserver.expect_request("/x").respond_with_data("", status=302, headers={"Location": "/y"})
    httpserver.expect_request("/y").respond_with_data("", status=302, headers={"Location": "/x"})
    f = fetcher.fetch(httpserver.url_for("/x"))
    assert not f.ok
    assert f.error.startswith("redirect loop")


def test_cookie_bounce_is_not_a_loop(httpserver, fetcher):
    # Some sites redirect once to set a cookie and send the reader back to the same URL.
    def page(request: Request) -> Response:
        if request.cookies.get("consent") == "yes":
            return Response(HTML, content_type="text/html")
        return Response("", status=302, headers={"Location": "/consent"})

    def consent(request: Request) -> Response:
        response = Response("", status=302, headers={"Location": "/page"})
        response.set_cookie("consent", "yes")
        return response

    httpserver.expect_request("/page").respond_with_handler(page)
    httpserver.expect_request("/consent").respond_with_handler(consent)
    f = fetcher.fetch(httpserver.url_for("/page"))
    assert f.ok, f.error
    assert f.redirects == (httpserver.url_for("/consent"), httpserver.url_for("/page"))


def test_too_many_redirects(httpserver, fetcher):
    for i in range(8):
        httpserver.expect_request(f"/r{i}").respond_with_data("", status=302, headers={"Location": f"/r{i + 1}"})
    f = fetcher.fetch(httpserver.url_for("/r0"))
    assert f.error == "too many redirects (more than 5)"
    assert len(f.redirects) == 6


def test_redirect_to_ftp(httpserver, fetcher):
    httpserver.expect_request("/ftp").respond_with_data("", status=302, headers={"Location": "ftp://example.org/x"})
    f = fetcher.fetch(httpserver.url_for("/ftp"))
    assert f.error == "redirect to unsupported scheme ftp:"


def test_unsupported_scheme_given(fetcher):
    assert fetcher.fetch("ftp://example.org/x").error == "unsupported scheme ftp:"


def test_size_cap(httpserver):
    httpserver.expect_request("/big").respond_with_data("x" * 5000, content_type="text/html")
    with Fetcher(FetchSettings(max_bytes=1024, retries=0)) as f:
        result = f.fetch(httpserver.url_for("/big"))
    assert result.error == "response larger than 1 KiB"
    assert result.body is None


def test_gzip_bomb_stops_at_cap(httpserver):
    inflated = 4 * 1024 * 1024
    payload = gzip.compress(b"<p>" + b"a" * inflated)
    assert len(payload) < 64 * 1024  # small on the wire, large once decoded
    httpserver.expect_request("/bomb").respond_with_data(
        payload, content_type="text/html", headers={"Content-Encoding": "gzip"})
    with Fetcher(FetchSettings(max_bytes=1024 * 1024, retries=0)) as f:
        result = f.fetch(httpserver.url_for("/bomb"))
    assert result.error == "response larger than 1 MiB"


def test_gzip_body_is_decoded(httpserver, fetcher):
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(HTML.encode()), content_type="text/html", headers={"Content-Encoding": "gzip"})
    assert fetcher.fetch(httpserver.url_for("/gz")).body == HTML.encode()


def test_binary_content_type_rejected(httpserver, fetcher):
    httpserver.expect_request("/logo.png").respond_with_data(b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    f = fetcher.fetch(httpserver.url_for("/logo.png"))
    assert f.error == "content-type image/png is not HTML"
    assert f.status_code == 200


def test_missing_content_type_accepted_unless_binary(httpserver, fetcher):
    def untyped(body: bytes) -> Response:
        response = Response(body)
        del response.headers["Content-Type"]  # werkzeug adds one by default
        return response

    httpserver.expect_request("/plain").respond_with_response(untyped(HTML.encode()))
    httpserver.expect_request("/blob").respond_with_response(untyped(b"\x89PNG\r\n\x1a\n...."))
    ok = fetcher.fetch(httpserver.url_for("/plain"))
    assert ok.ok and ok.content_type is None
    assert fetcher.fetch(httpserver.url_for("/blob")).error == "binary content (PNG image)"


def test_feed_types_via_accept_types(httpserver, fetcher):
    httpserver.expect_request("/feed").respond_with_data("<rss/>", content_type="application/rss+xml")
    assert fetcher.fetch(httpserver.url_for("/feed")).error.startswith("content-type application/rss+xml is not")
    assert fetcher.fetch(httpserver.url_for("/feed"), accept_types=FEED_TYPES).ok


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused():
    with Fetcher(FetchSettings(retries=1, backoff=0.01, connect_timeout=1)) as f:
        result = f.fetch(f"http://127.0.0.1:{_closed_port()}/")
    assert result.error == "connection refused"
    assert result.status_code is None


def test_slow_drip_hits_deadline(httpserver):
    def drip():
        yield b"<html><body>"
        for _ in range(50):
            time.sleep(0.1)
            yield b"<p>drip</p>"

    httpserver.expect_request("/drip").respond_with_response(Response(drip(), content_type="text/html"))
    with Fetcher(FetchSettings(deadline=1, read_timeout=2, retries=0)) as f:
        started = time.monotonic()
        result = f.fetch(httpserver.url_for("/drip"))
        elapsed = time.monotonic() - started
    assert result.error == "response not complete after 1 s (deadline)"
    assert elapsed < 2


def test_conditional_get_304(httpserver, fetcher):
    seen = {}

    def handler(request: Request) -> Response:
        seen.update(request.headers)
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(HTML, content_type="text/html", headers={"ETag": '"v1"'})

    httpserver.expect_request("/cond").respond_with_handler(handler)
    first = fetcher.fetch(httpserver.url_for("/cond"))
    assert first.ok and first.etag == '"v1"'
    again = fetcher.fetch(httpserver.url_for("/cond"), etag='"v1"', last_modified="Wed, 01 May 2024 10:00:00 GMT")
    assert again.status_code == 304 and again.body is None and again.error is None
    assert again.etag == '"v1"' and again.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert seen["If-Modified-Since"] == "Wed, 01 May 2024 10:00:00 GMT"


def test_human_size():
    assert human_size(10 * 1024 * 1024) == "10 MiB"
    assert human_size(1536) == "1.5 KiB"
    assert human_size(12) == "12 bytes"


def test_dns_failure(monkeypatch, fetcher):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "no-such-host.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    started = time.monotonic()
    result = fetcher.fetch("http://no-such-host.test/story")
    assert result.error == "DNS lookup failed for host no-such-host.test"
    assert time.monotonic() - started < 0.5  # not retried: a missing host stays missing


def test_retry_after_forms():
    from email.utils import format_datetime
    from datetime import datetime, timedelta, timezone

    from checker.crawl.fetcher import _retry_after

    assert _retry_after("7") == 7.0
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=20), usegmt=True)
    assert 15 <= _retry_after(soon) <= 20
    assert _retry_after("Wed, 01 Jan 2020 00:00:00 GMT") == 0.0  # in the past: retry now
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_invalid_urls_are_error_values(fetcher):
    assert fetcher.fetch("http://[::1/x").error == "invalid URL http://[::1/x"
    assert fetcher.fetch("example.com/story").error == "not an http(s) URL: example.com/story"
