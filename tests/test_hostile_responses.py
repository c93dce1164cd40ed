"""Hostile responses, round two (issue 11): header values that crashed the run, robots.txt that stalled or crashed
it, content the tool could not decode, cookies hoarded across hosts, redirects from a user's URL to private or
metadata addresses, client-side limits reported as the server's fault, library noise. Each kind is served by
tests/faultserver.py on loopback addresses (127.0.0.50-55; nothing leaves the host).

Hosts:  .50 faults    .51 a second host (cookies, redirect targets)    .52 robots.txt Crawl-delay
"""
from __future__ import annotations

import gzip
import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from checker.crawl.addresses import AddressPolicy
from checker.crawl.cookies import MAX_COOKIES_PER_HOST
from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.crawl.headers import MAX_SECONDS, content_length, retry_after, seconds
from checker.crawl.hostbatch import HostBatch, crawl_batch
from checker.crawl.robots import RobotsCache
from checker.models import Status
from checker.pipeline import Checker
from faultserver import FaultServer

FAST = FetchSettings(connect_timeout=1, read_timeout=1.5, deadline=2.5, retries=1, backoff=0.05,
                     retry_after_cap=5, max_bytes=1024 * 1024)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def servers():
    made = {"a": FaultServer("127.0.0.50"), "b": FaultServer("127.0.0.51"), "robots": FaultServer("127.0.0.52")}
    for s in made.values():
        s.start()
    yield made
    for s in made.values():
        s.stop()


@pytest.fixture
def a(servers):
    servers["a"].reset()
    return servers["a"]


@pytest.fixture
def b(servers):
    servers["b"].reset()
    return servers["b"]


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


@pytest.fixture(scope="module")
def checker(pack, original):
    return Checker.build(pack, [original])


def response(status: str, *headers: str, body: bytes = b"") -> bytes:
    """A whole HTTP/1.1 response, headers given as raw lines (latin-1: any byte a server may send)."""
    head = "\r\n".join([f"HTTP/1.1 {status}", *headers, f"Content-Length: {len(body)}", "Connection: close"])
    return head.encode("latin-1") + b"\r\n\r\n" + body


def html_page(text: str = "fine") -> bytes:
    return f"<!doctype html><html><body><p>{text}</p></body></html>".encode()


MANIFEST = ROOT / "tests" / "data" / "one_original.yaml"  # `check` needs originals; these pages need not match


def syndicheck(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    if args[:1] == ("check",) and "--originals" not in args:
        args = (*args, "--originals", str(MANIFEST))
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, timeout=timeout,
                          cwd=ROOT, **kwargs)


# ---------------------------------------------------------------------------------------------- 1. header values


@pytest.mark.parametrize("value", ["\xb2", "\u0661\u0662", "\xbd", "1\xb2", "-5", "1e9", "Fri, 31 Dec 99999 23:59:59 GMT",
                                   "Mon, 01 Jan 0001 00:00:00 GMT", "9" * 400, "", "  7  "])
def test_retry_after_parsing_never_raises(value):
    got = retry_after(value)
    assert got is None or 0 <= got <= MAX_SECONDS
    if value.strip() == "7":
        assert got == 7.0
    if value == "9" * 400:
        assert got == MAX_SECONDS  # a wait far too long: refused at once by the retry_after_cap


@pytest.mark.parametrize("value", ["\xb2", "\u0661", "12\xb2", "-1", "0x10", "1" * 18])
def test_content_length_only_ascii_digits(value):
    assert content_length(value) == (int(value) if value.isascii() and value.isdigit() else None)


@pytest.mark.parametrize("value", ["\xb2", "\u0661\u0662".encode().decode("latin-1"), "1e999", "nan"])
def test_retry_after_from_the_wire_is_retried_not_a_crash(a, fetcher, value):
    """`Retry-After: ²` (byte 0xB2): isdigit() is true and float() raises; it ended the whole audit."""
    a.raw["/r"] = [response("429 Too Many Requests", f"Retry-After: {value}", "Content-Type: text/plain"),
                   response("200 OK", "Content-Type: text/html", body=html_page())]
    got = fetcher.fetch(a.url("/r"))
    assert got.ok, got.error  # unreadable: an ordinary backoff, then the retry succeeds
    assert a.paths() == ["/r", "/r"]


def test_content_length_with_a_non_ascii_digit_is_read_up_to_the_cap(a, fetcher, checker):
    body = html_page()
    a.raw["/cl"] = [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: \xb2\r\nConnection: close\r\n\r\n"
                    + body]
    got = fetcher.fetch(a.url("/cl"))
    assert got.error is None or "Traceback" not in got.error
    assert checker.check(got).status in (Status.NOT_A_COPY, Status.ERROR)


def test_check_command_survives_a_hostile_retry_after(a, tmp_path):
    """The reported case end to end: `check` printed a traceback and exited 1 (read as "violations" by CI)."""
    a.raw["/story"] = [response("503 Service Unavailable", "Retry-After: \xb2")] * 3 + [
        response("200 OK", "Content-Type: text/html", body=html_page())]
    manifest = tmp_path / "originals.yaml"
    manifest.write_text("- url: https://licensor.example/a\n  authors: [Jane Doe]\n"
                        "  text: Regulators warned on Monday that three regional power grids could fail this summer.\n",
                        encoding="utf-8")
    done = syndicheck("check", a.url("/story"), "--format", "json", "--originals", str(manifest))
    assert b"Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 3), done.stderr


# ---------------------------------------------------------------------------------------------- 2. robots.txt


@pytest.mark.parametrize("robots, asked", [
    ("User-agent: *\nCrawl-delay: 10000000000\n", 1e10),  # time.sleep: OverflowError
    ("User-agent: *\nCrawl-delay: 86400\n", 86400.0),  # obeyed, one partner held the night for days
    ("User-agent: *\nRequest-rate: 1/100000000000000d\n", MAX_SECONDS),
])
def test_crawl_delay_is_capped_and_the_host_reported_as_slowed(servers, fetcher, robots, asked):
    site = servers["robots"]
    site.reset()
    site.robots = robots
    cache = RobotsCache(fetcher, max_delay=0.3)
    batch = HostBatch(host=f"127.0.0.52:{site.port}", urls=tuple(site.url(f"/ok/{i}") for i in range(3)))
    started = time.monotonic()
    pages = list(crawl_batch(batch, fetcher=fetcher, robots=cache, delay=0))
    took = time.monotonic() - started
    assert all(p.ok for p in pages)
    assert 0.6 <= took < 3  # three requests 0.3 s apart (robots.txt counts as one), not a day
    origin = site.base
    assert cache.slowed == {origin: min(asked, MAX_SECONDS)}
    assert cache.slowed_notes() == (f"{origin}/robots.txt asks for {min(asked, MAX_SECONDS):g} s between requests; "
                                    "crawled at crawl.max_crawl_delay (0.3 s) instead, so this host was slowed",)


@pytest.mark.parametrize("robots", ["User-agent: *\nCrawl-delay: nan\n", "User-agent: *\nCrawl-delay: -4\n",
                                    "User-agent: *\nCrawl-delay: 1e400\n", "User-agent: *\nCrawl-delay: \xb2\n"])
def test_unreadable_crawl_delay_is_ignored(servers, fetcher, robots):
    site = servers["robots"]
    site.reset()
    site.robots = robots
    cache = RobotsCache(fetcher, max_delay=0.3)
    assert cache.crawl_delay(site.url("/ok/1")) in (None, 0.0)
    assert cache.slowed == {}


def test_seconds_bounds_every_value():
    assert seconds(float("inf")) == MAX_SECONDS and seconds(1e300) == MAX_SECONDS
    assert seconds(float("nan")) is None and seconds(-1) is None and seconds("x") is None
    assert seconds("2.5") == 2.5


# ---------------------------------------------------------------------------------------------- 7. content codings


@pytest.fixture
def copy_body(original) -> bytes:
    from test_faults import copy_page
    return copy_page(original).encode()


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip"])
def test_content_codings_browsers_decode_are_decoded_and_checked(a, fetcher, checker, copy_body, coding):
    if coding == "br":
        import brotli
        encoded = brotli.compress(copy_body)
    elif coding == "zstd":
        try:
            from compression import zstd  # Python 3.14
        except ImportError:
            from backports import zstd
        encoded = zstd.compress(copy_body)
    else:
        encoded = gzip.compress(copy_body)
    a.raw["/enc"] = [response("200 OK", "Content-Type: text/html; charset=utf-8", f"Content-Encoding: {coding}",
                              body=encoded)]
    got = fetcher.fetch(a.url("/enc"))
    assert got.ok and got.body == copy_body, got.error
    assert checker.check(got).status is Status.COMPLIANT  # was `not-a-copy` from the raw bytes, exit 0
    sent = a.hits[-1][2]["accept-encoding"]
    assert "br" in sent and "zstd" in sent


@pytest.mark.parametrize("coding", ["compress", "x-custom", "gzip, snappy"])
def test_undecodable_content_coding_is_an_error_never_a_verdict(a, fetcher, checker, copy_body, coding):
    a.raw["/enc"] = [response("200 OK", "Content-Type: text/html", f"Content-Encoding: {coding}", body=copy_body)]
    got = fetcher.fetch(a.url("/enc"))
    assert got.body is None and "which syndicheck cannot decode" in got.error
    assert checker.check(got).status is Status.ERROR


def test_brotli_bomb_stops_at_the_cap(a, fetcher):
    import brotli
    bomb = brotli.compress(b"\0" * (64 * 1024 * 1024), quality=5)
    assert len(bomb) < 64 * 1024
    a.raw["/bomb"] = [response("200 OK", "Content-Type: text/html", "Content-Encoding: br", body=bomb)]
    got = fetcher.fetch(a.url("/bomb"))
    assert got.error == "response larger than 1 MiB"


def test_corrupt_brotli_is_an_error(a, fetcher):
    a.raw["/bad"] = [response("200 OK", "Content-Type: text/html", "Content-Encoding: br", body=b"<html>not br")]
    assert fetcher.fetch(a.url("/bad")).error == "response body could not be decompressed"


# ---------------------------------------------------------------------------------------------- 8. cookies


def test_cookies_are_bounded_per_host(a, fetcher):
    """200 pages each setting one 120-byte cookie made 126 of them fail with HTTP 431."""
    results = [fetcher.fetch(a.url(f"/set-cookie/c{i}")) for i in range(200)]
    assert all(r.ok for r in results), {r.error for r in results if not r.ok}
    sent = [len(h.get("cookie", "")) for _, _, h in a.hits]
    assert max(sent) < MAX_COOKIES_PER_HOST * 140  # 8 cookies of ~125 bytes, never 200 of them
    assert fetcher.cookies.count(a.url("/")) == MAX_COOKIES_PER_HOST


def test_cookies_stay_with_the_host_that_set_them(a, b, fetcher):
    a.raw["/wide"] = [response("200 OK", "Content-Type: text/html", "Set-Cookie: wide=1; Domain=127.0.0.50; Path=/",
                               "Set-Cookie: own=1; Path=/", body=html_page())]
    assert fetcher.fetch(a.url("/wide")).ok
    assert fetcher.fetch(a.url("/ok/again")).ok
    assert "own=1" in a.hits[-1][2].get("cookie", "")
    assert fetcher.fetch(b.url("/ok/other-host")).ok
    assert "cookie" not in b.hits[-1][2]  # another partner never sees them
    # Same address, another port: another host for the crawl, so no cookies either.
    other = FaultServer("127.0.0.50").start()
    try:
        assert fetcher.fetch(other.url("/ok/other-port")).ok
        assert "cookie" not in other.hits[-1][2]
    finally:
        other.stop()


def test_oversized_cookie_is_not_kept(a, fetcher):
    a.raw["/big"] = [response("200 OK", "Content-Type: text/html", f"Set-Cookie: big={'x' * 4000}; Path=/",
                              body=html_page())]
    assert fetcher.fetch(a.url("/big")).ok
    assert fetcher.cookies.count(a.url("/")) == 0


# ---------------------------------------------------------------------------------------------- 9. redirects


def _trusted(*, allow_private_redirects: bool = False) -> Fetcher:
    # 127.0.0.50 plays a public host (allowed like one); every other loopback address stays what it is.
    policy = AddressPolicy.build(allow_private=True, allowed=["127.0.0.50/32"])
    return Fetcher(FetchSettings(connect_timeout=1, read_timeout=1.5, deadline=2.5, retries=0,
                                 allow_private_redirects=allow_private_redirects), policy=policy)


def test_redirect_from_a_public_host_to_loopback_needs_opt_in(a, b):
    url = a.url("/redirect?to=" + b.url("/ok/inside"))
    with _trusted() as f:
        refused = f.fetch(url)
    assert refused.error == ("blocked: 127.0.0.51 is a loopback address (--allow-private-redirects follows it); "
                             "a redirect from a public host to it is not followed")
    assert b.paths() == []  # nothing was sent there
    with _trusted(allow_private_redirects=True) as f:
        assert f.fetch(url).ok
    assert b.paths() == ["/ok/inside"]


def test_user_typed_loopback_url_and_its_redirects_are_followed(b, fetcher):
    """The user typed a loopback URL: not a redirect from a public host, so its own redirects are followed."""
    assert fetcher.fetch(b.url("/redirect?to=/ok/next")).ok


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
                                    "http://[::ffff:169.254.169.254]/"])
def test_metadata_addresses_are_never_fetched_by_check(a, target):
    for f in (_trusted(allow_private_redirects=True), Fetcher(FAST)):
        with f:
            got = f.fetch(a.url("/redirect?to=" + target))
        assert got.error.startswith("blocked: ") and "cloud metadata address (never fetched)" in got.error


def test_check_command_does_not_follow_a_redirect_to_metadata(a):
    a.raw["/story"] = [response("302 Found", "Location: http://169.254.169.254/latest/meta-data/iam/")]
    done = syndicheck("check", a.url("/story"), "--format", "json", timeout=30)
    assert done.returncode == 3
    assert b"cloud metadata address (never fetched)" in done.stdout + done.stderr


# ---------------------------------------------------------------------------------------------- 12. client limits


def test_header_line_over_the_client_limit_is_named_as_ours(a, fetcher):
    a.raw["/long"] = [response("200 OK", "X-Long: " + "x" * 70_000, "Content-Type: text/html", body=html_page())]
    got = fetcher.fetch(a.url("/long"))
    assert got.error == "response header line longer than 64 KiB (a client-side limit of syndicheck)"
    assert a.paths() == ["/long"]  # not retried: it would fail the same way


def test_too_many_headers_is_named_as_ours(a, fetcher):
    a.raw["/many"] = [response("200 OK", *(f"X-H{i}: {i}" for i in range(150)), body=html_page())]
    assert fetcher.fetch(a.url("/many")).error == "more than 100 response headers (a client-side limit of syndicheck)"


# ---------------------------------------------------------------------------------------------- 6. library noise


def test_header_line_without_a_colon_prints_nothing(a):
    """urllib3 logged a HeaderParsingError traceback for it."""
    a.raw["/nocolon"] = [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nthis line has no colon\r\n"
                         b"Content-Length: 52\r\nConnection: close\r\n\r\n" + html_page()[:52].ljust(52)]
    done = syndicheck("check", a.url("/nocolon"), "--format", "json")
    assert done.stderr.count(b"\n") <= 1 and b"Traceback" not in done.stderr and b"HeaderParsing" not in done.stderr, \
        done.stderr


class _KeepAlive(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections open, so urllib3 pools them

    def do_GET(self):  # noqa: N802
        body = html_page(self.path)
        time.sleep(0.05)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_jobs_on_one_host_print_no_pool_warnings():
    """`Connection pool is full, discarding connection` with the default --jobs 4 on one host."""
    server = http.server.ThreadingHTTPServer(("127.0.0.53", 0), _KeepAlive)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        urls = [f"http://127.0.0.53:{server.server_address[1]}/p{i}" for i in range(24)]
        done = syndicheck("check", *urls, "--jobs", "8", "--format", "json")
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    assert b"pool is full" not in done.stderr and b"Traceback" not in done.stderr, done.stderr


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    """`syndicheck check ... | head -2` ended in a BrokenPipeError traceback 3 runs in 5."""
    site = tmp_path / "site"
    site.mkdir()
    for i in range(600):
        (site / f"page{i:03}.html").write_bytes(html_page(f"page {i}"))
    for _ in range(5):
        done = subprocess.run(f"{sys.executable} -m checker check {site} --originals {MANIFEST} --format json | head -2",
                              shell=True, capture_output=True, cwd=ROOT, timeout=60)
        assert done.stdout.count(b"\n") == 2
        assert done.stderr.count(b"\n") <= 1 and b"Traceback" not in done.stderr and b"Broken" not in done.stderr, \
            done.stderr


def test_audit_caps_crawl_delay_from_config_and_reports_the_slowed_host(servers, tmp_path, original):
    """`crawl.max_crawl_delay` in audit.yaml: a partner asking for a day between requests is crawled at the cap,
    and the run's report says the host was slowed; the night goes on."""
    import json as jsonmod

    from checker.audit import run_audit
    from checker.config import load_audit_config

    site = servers["robots"]
    site.reset()
    site.robots = "User-agent: *\nCrawl-delay: 86400\n"
    manifest = tmp_path / "originals.json"
    manifest.write_text(jsonmod.dumps([{"id": original.id, "url": original.url, "title": original.title,
                                        "authors": list(original.authors), "text": original.text,
                                        "published": time.strftime("%Y-%m-%d")}]), encoding="utf-8")
    config = tmp_path / "audit.yaml"
    urls = ", ".join(repr(site.url(f"/ok/{i}")) for i in range(3))
    config.write_text(f"originals:\n  manifests: ['{manifest}']\npartners:\n  - id: slow\n    urls: [{urls}]\n"
                      "crawl:\n  allow_private_addresses: true\n  delay: 0\n  max_crawl_delay: 0.25\n"
                      "storage:\n  database: audit.db\n", encoding="utf-8")
    loaded = load_audit_config(config)
    assert loaded.crawl.max_crawl_delay == 0.25
    started = time.monotonic()
    outcome = run_audit(loaded, quiet=True)
    assert outcome.complete and time.monotonic() - started < 20
    assert all(p.result.status is Status.NOT_A_COPY for p in outcome.report.pages)
    assert any("asks for 86400 s between requests" in n and "slowed" in n for n in outcome.report.waiver_notes)


def test_max_crawl_delay_must_be_positive(tmp_path):
    from checker.config import load_audit_config
    from checker.strict_yaml import ConfigError

    config = tmp_path / "audit.yaml"
    config.write_text("originals:\n  feeds: [https://l.example/feed]\npartners:\n  - id: p\n    urls: [https://p.example/]\n"
                      "crawl:\n  max_crawl_delay: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_crawl_delay"):
        load_audit_config(config)


# ---------------------------------------------------------------------------------------------- never end a night


def test_validators_that_cannot_be_sent_back_are_not_kept(a, fetcher):
    """A folded or control-character ETag stored and sent back as If-None-Match would fail every later request."""
    a.raw["/v"] = [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: \"abc\r\n def\"\r\nLast-Modified: \x01\r\n"
                   b"Content-Length: 4\r\nConnection: close\r\n\r\nfine"]
    got = fetcher.fetch(a.url("/v"))
    assert got.last_modified is None  # a control character: not kept
    assert got.etag is None or "\r" not in got.etag and "\n" not in got.etag  # requests unfolds the other
    again = fetcher.fetch(a.url("/ok/x"), etag='"abc\r\n def"', last_modified="Mon\n, 01")
    assert again.ok and "if-none-match" not in a.hits[-1][2]


def test_a_bug_in_one_page_of_a_batch_is_that_page_s_error(servers, fetcher, monkeypatch):
    """Whatever goes wrong inside the crawl of one URL (here robots.txt matching raises) is that page's error."""
    site = servers["robots"]
    site.reset()
    cache = RobotsCache(fetcher)
    real = cache.allowed
    monkeypatch.setattr(cache, "allowed", lambda url: real(url) if not url.endswith("/2") else 1 / 0)
    batch = HostBatch(host=f"127.0.0.52:{site.port}", urls=tuple(site.url(f"/ok/{i}") for i in range(4)))
    pages = list(crawl_batch(batch, fetcher=fetcher, robots=cache, delay=0))
    assert [p.ok for p in pages] == [True, True, False, True]
    assert pages[2].error == "unexpected error while crawling: ZeroDivisionError: division by zero"


def test_robots_txt_the_parser_cannot_read_blocks_the_host(servers, fetcher, monkeypatch):
    import checker.crawl.robots as robots_module

    def broken(text):
        raise ValueError("parser bug")

    monkeypatch.setattr(robots_module.Protego, "parse", staticmethod(broken))
    site = servers["robots"]
    site.reset()
    cache = RobotsCache(fetcher)
    assert not cache.allowed(site.url("/ok/1"))
    assert "could not be parsed (ValueError)" in cache.why_blocked(site.url("/ok/1"))


@pytest.mark.parametrize("status_line, reason", [
    (b"HTTP/1.1 99999 Huge", "the server sent a malformed status line, not an HTTP response"),
    (b"SSH-2.0-OpenSSH_9.6", "the server sent a malformed status line, not an HTTP response"),
    (b"HTTP/3.0 200 OK", "the server answered in an HTTP version syndicheck does not speak"),
])
def test_malformed_status_lines_are_named(a, fetcher, status_line, reason):
    a.raw["/s"] = [status_line + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"]
    assert fetcher.fetch(a.url("/s")).error == reason
