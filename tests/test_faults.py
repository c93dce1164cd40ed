"""Faults a crawl meets, injected by tests/faultserver.py on loopback addresses (127.0.0.40-46; nothing leaves
the host). For each fault: the page ends as an error with a clear reason, within a bounded time (a per-response
deadline), within bounded memory (the size cap applies to the decoded body), and the other pages of the batch and
of the run are unaffected.

Hosts:  .40 faults      .41 good pages      .42 robots.txt 500      .43 robots.txt never answers
        .44 robots.txt drips its headers     .45 nothing listens (refused)     .46 run_audit partner
        .47 HTTPS, and a relay dripping its TLS handshake
"""
from __future__ import annotations

import html as htmlmod
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from checker.crawl.executor import LocalExecutor
from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.crawl.hostbatch import HostBatch, crawl_batch, group_by_host, split_host_batches
from checker.crawl.robots import RobotsCache
from checker.decode import decode_html
from checker.models import Status
from checker.pipeline import Checker
from faultserver import SCHEME_TARGETS, DripRelay, FaultServer, TLSServer, free_port, gzip_bomb, make_certificate

CAP = 1024 * 1024
READ_TIMEOUT = 1.5  # longer than the 1 s between two dripped bytes, so only the deadline can stop a drip
DEADLINE = 2.5
FAST = FetchSettings(connect_timeout=1, read_timeout=READ_TIMEOUT, deadline=DEADLINE, retries=2, backoff=0.05,
                     retry_after_cap=5, max_bytes=CAP)
NO_RETRY = FetchSettings(connect_timeout=1, read_timeout=READ_TIMEOUT, deadline=DEADLINE, retries=0,
                         max_bytes=CAP)
SLACK = 1.0  # seconds over a deadline or timeout that a loaded CI machine may need
UNRESOLVABLE = "http://syndicheck-fault-injection.invalid/story"  # RFC 6761: .invalid never resolves


@pytest.fixture(scope="session")
def bomb() -> bytes:
    data = gzip_bomb()  # 1 GiB of zeros, about 1 MB compressed, never held inflated
    assert 900_000 < len(data) < 1_200_000
    return data


@pytest.fixture(scope="module")
def servers(bomb):
    made = {
        "faults": FaultServer("127.0.0.40", bomb=bomb),
        "good": FaultServer("127.0.0.41"),
        "robots500": FaultServer("127.0.0.42", robots="500"),
        "robots_stall": FaultServer("127.0.0.43", robots="stall"),
        "robots_drip": FaultServer("127.0.0.44", robots="drip"),
    }
    for s in made.values():
        s.start()
    yield made
    for s in made.values():
        s.stop()


@pytest.fixture
def faults(servers):
    servers["faults"].reset()
    return servers["faults"]


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


@pytest.fixture(scope="module")
def checker(pack, original):
    return Checker.build(pack, [original])


def timed(fn, *args, **kwargs):
    started = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - started


def peak_memory(fn, *args, **kwargs):
    """(result, bytes allocated at the peak of the call above what was allocated before it)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn(*args, **kwargs)
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def copy_page(original, *, extra: str = "") -> str:
    """A compliant copy of the pack's example original (logo, byline, affiliation)."""
    paragraphs = "".join(f"<p>{htmlmod.escape(p.strip())}</p>" for p in original.text.split("\n\n") if p.strip())
    return ("<!doctype html><html><head><title>t</title></head><body><main><article>"
            f"<h1>{htmlmod.escape(original.title)}</h1>"
            '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation logo" width="200" height="60">'
            f"<div class='byline'>By {' and '.join(original.authors)}, Daily Caller News Foundation</div>"
            f"{extra}{paragraphs}</article></main></body></html>")


def assert_error(fetched, checker, fragment: str) -> None:
    """An error value with `fragment` in its reason, and an `error` page status with the same reason."""
    assert fetched.error is not None and fragment in fetched.error, fetched.error
    assert fetched.body is None
    result = checker.check(fetched)
    assert result.status is Status.ERROR and result.error == fetched.error


# ---------------------------------------------------------------------------------------------- connections


def test_connection_reset_mid_body(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/reset"))
    assert_error(result, checker, "connection reset by the server before the whole response arrived")
    assert result.status_code == 200 and took < 1 + SLACK


def test_connection_reset_before_response_is_retried(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/reset-early"))
    assert_error(result, checker, "connection reset by the server")
    assert faults.paths() == ["/reset-early"] * 3  # retries=2
    assert took < 1 + SLACK


def test_refused_port(fetcher, checker):
    url = f"http://127.0.0.45:{free_port('127.0.0.45')}/story"
    result, took = timed(fetcher.fetch, url)
    assert_error(result, checker, "connection refused")
    assert took < 1 + SLACK  # two quick retries with a 0.05 s backoff


def test_unresolvable_host_fails_fast(fetcher, checker):
    result, took = timed(fetcher.fetch, UNRESOLVABLE)
    assert_error(result, checker, "DNS lookup failed for host syndicheck-fault-injection.invalid")
    assert took < 2  # resolved locally (.invalid is reserved), and not retried


# ---------------------------------------------------------------------------------------------- time


@pytest.mark.slow
def test_body_dripping_one_byte_a_second_stops_at_the_deadline(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/drip"))
    assert_error(result, checker, f"response not complete after {DEADLINE:g} s (deadline)")
    assert DEADLINE - 0.1 < took < DEADLINE + SLACK


@pytest.mark.slow
def test_headers_dripping_one_byte_a_second_stop_at_the_deadline(faults, fetcher, checker):
    # Every byte comes within read_timeout, so only a deadline over the whole response can stop this one.
    result, took = timed(fetcher.fetch, faults.url("/drip-headers"))
    assert_error(result, checker, f"no complete response headers within {DEADLINE:g} s (deadline)")
    assert DEADLINE - 0.1 < took < DEADLINE + SLACK
    assert faults.paths() == ["/drip-headers"]  # a deadline overrun is not retried


@pytest.mark.slow
def test_silent_server_times_out_once(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/stall"))
    assert_error(result, checker, f"timed out after {READ_TIMEOUT:g} s waiting for a response")
    assert took < READ_TIMEOUT + SLACK and faults.paths() == ["/stall"]


def test_never_ending_body_stops_at_the_cap(faults, fetcher, checker):
    (result, took), peak = peak_memory(timed, fetcher.fetch, faults.url("/endless"))
    assert_error(result, checker, "response larger than 1 MiB")
    assert took < 1 + SLACK
    assert peak < 2 * CAP + 256 * 1024, peak


@pytest.mark.slow
def test_never_ending_slow_body_stops_at_the_deadline(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/endless-slow"))
    assert_error(result, checker, f"response not complete after {DEADLINE:g} s (deadline)")
    assert DEADLINE - 0.1 < took < DEADLINE + SLACK


# ---------------------------------------------------------------------------------------------- rate limits


def test_429_retry_after_is_honoured_then_succeeds(faults, fetcher):
    result, took = timed(fetcher.fetch, faults.url("/retry-after/once/1/1"))
    assert result.ok and b"finally" in result.body
    assert 0.95 < took < 1 + SLACK  # waited the one second asked, not the 0.05 s backoff


@pytest.mark.slow
def test_persistent_429_is_an_error_after_the_retries(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/retry-after/always/99/1"))
    assert_error(result, checker, "HTTP 429 Too Many Requests")
    assert result.status_code == 429 and len(faults.paths()) == 3
    assert 1.95 < took < 2 + SLACK


def test_429_asking_too_long_a_wait_is_an_error_at_once(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/retry-after/long/1/3600"))
    assert_error(result, checker, "HTTP 429 Too Many Requests (server asked to retry after 3600 s)")
    assert took < 0.5 + SLACK and len(faults.paths()) == 1


def test_burst_of_503_then_200_recovers(faults, fetcher):
    result = fetcher.fetch(faults.url("/burst/short/2"))
    assert result.ok and b"after the burst" in result.body
    assert len(faults.paths()) == 3


def test_longer_burst_of_503_is_an_error(faults, fetcher, checker):
    result, took = timed(fetcher.fetch, faults.url("/burst/long/5"))
    assert_error(result, checker, "HTTP 503 Service Unavailable")
    assert len(faults.paths()) == 3 and took < 1 + SLACK


# ---------------------------------------------------------------------------------------------- redirects


def test_redirect_loop(faults, fetcher, checker):
    result = fetcher.fetch(faults.url("/loop/a"))
    assert_error(result, checker, "redirect loop (back to ")
    assert faults.paths() == ["/loop/a", "/loop/b"]


def test_endless_redirect_chain(faults, fetcher, checker):
    result = fetcher.fetch(faults.url("/chain/0"))
    assert_error(result, checker, "too many redirects (more than 5)")
    assert len(faults.paths()) == 6


@pytest.mark.parametrize("scheme", sorted(SCHEME_TARGETS))
def test_redirect_to_another_scheme_is_not_followed(faults, fetcher, checker, scheme):
    result = fetcher.fetch(faults.url(f"/to-scheme/{scheme}"))
    assert_error(result, checker, f"redirect to unsupported scheme {scheme}:")
    assert faults.paths() == [f"/to-scheme/{scheme}"]


# ---------------------------------------------------------------------------------------------- size and content


@pytest.mark.slow
def test_gzip_bomb_stops_at_the_cap_on_the_decoded_body(faults, fetcher, checker):
    fetcher.fetch(faults.url("/ok/warm-up"))  # pools and imports, outside the measurement
    (result, took), peak = peak_memory(timed, fetcher.fetch, faults.url("/gzip-bomb"))
    assert_error(result, checker, "response larger than 1 MiB")
    assert took < 1 + SLACK
    # The compressed bomb is smaller than... nothing: 1 MB on the wire, 1 GiB inflated; at most ~2x the cap.
    assert peak < 2 * CAP + 256 * 1024, peak


def test_50_mb_page_with_content_length_is_refused_unread(faults, fetcher, checker):
    (result, took), peak = peak_memory(timed, fetcher.fetch, faults.url("/big"))
    assert_error(result, checker, "response larger than 1 MiB")
    assert took < 1 + SLACK and peak < 256 * 1024, peak


@pytest.mark.slow
def test_50_mb_chunked_page_stops_at_the_cap(faults, fetcher, checker):
    fetcher.fetch(faults.url("/ok/warm-up"))
    (result, took), peak = peak_memory(timed, fetcher.fetch, faults.url("/big-chunked"))
    assert_error(result, checker, "response larger than 1 MiB")
    assert took < 1 + SLACK
    assert peak < 2 * CAP + 256 * 1024, peak


@pytest.mark.parametrize("path, reason", [
    ("/binary", "binary content (PNG image) although served as text/html"),
    ("/binary-noise", "binary content (NUL bytes) although served as text/html"),
])
def test_binary_served_as_html(faults, fetcher, checker, path, reason):
    assert_error(fetcher.fetch(faults.url(path)), checker, reason)


@pytest.mark.parametrize("label", ["utf-8", "x-no-such-charset"])
def test_lying_or_unknown_charset_is_decoded_from_the_bytes(faults, fetcher, checker, original, label):
    # Not an error: the page is readable. Header says `label`, the bytes are windows-1252 (curly quotes, é).
    body = copy_page(original, extra="<p>\u201cCaf\u00e9 cr\u00e8me,\u201d she said \u2013 na\u00efvely.</p>")
    faults.pages["/charset/page"] = (body.encode("cp1252", "xmlcharrefreplace"), f"text/html; charset={label}")
    result = fetcher.fetch(faults.url("/charset/page"))
    assert result.ok and result.charset == label
    text, encoding = decode_html(result.body, result.charset)
    assert encoding == "cp1252"
    assert "\u201cCaf\u00e9 cr\u00e8me,\u201d she said \u2013 na\u00efvely." in text
    page = checker.check(result)
    assert page.status is Status.COMPLIANT, (page.status, page.error)


def test_default_charset_fault_pages(faults, fetcher):
    for path in ("/charset/lying", "/charset/bogus"):
        result = fetcher.fetch(faults.url(path))
        assert result.ok
        assert "\u201cCaf\u00e9\u201d" in decode_html(result.body, result.charset)[0]


# ---------------------------------------------------------------------------------------------- robots.txt


def _batch(server: FaultServer, *paths: str) -> HostBatch:
    urls = tuple(server.url(p) for p in paths)
    return HostBatch(urlsplit(urls[0]).netloc, urls)


def test_robots_txt_500_blocks_the_host_for_the_run(servers, fetcher, checker):
    site = servers["robots500"]
    site.reset()
    site.robots = "500"
    results, took = timed(lambda: list(crawl_batch(_batch(site, "/ok/1", "/ok/2"), fetcher=fetcher,
                                                   robots=RobotsCache(fetcher), delay=0)))
    for r in results:
        assert_error(r, checker, "robots.txt unreachable (HTTP 500 Internal Server Error)")
    assert site.paths() == ["/robots.txt"] * 3  # retried like any 5xx, then no page is requested
    assert took < 1 + SLACK


@pytest.mark.slow
def test_robots_txt_that_never_answers_costs_one_timeout(servers, fetcher, checker):
    site = servers["robots_stall"]
    site.reset()
    site.robots = "stall"
    results, took = timed(lambda: list(crawl_batch(_batch(site, "/ok/1", "/ok/2", "/ok/3"), fetcher=fetcher,
                                                   robots=RobotsCache(fetcher), delay=0)))
    for r in results:
        assert_error(r, checker, f"robots.txt unreachable (timed out after {READ_TIMEOUT:g} s waiting for a response)")
    assert site.paths() == ["/robots.txt"]
    assert took < READ_TIMEOUT + SLACK


@pytest.mark.slow
def test_robots_txt_dripping_its_headers_is_cut_at_the_deadline(servers, fetcher, checker):
    site = servers["robots_drip"]
    site.reset()
    site.robots = "drip"
    results, took = timed(lambda: list(crawl_batch(_batch(site, "/ok/1", "/ok/2"), fetcher=fetcher,
                                                   robots=RobotsCache(fetcher), delay=0)))
    for r in results:
        assert_error(r, checker, f"no complete response headers within {DEADLINE:g} s (deadline)")
    assert site.paths() == ["/robots.txt"]
    assert took < DEADLINE + SLACK


# ---------------------------------------------------------------------------------------------- a mixed run


FAULT_PATHS = {
    "/reset": "connection reset by the server",
    "/drip-headers": "(deadline)",
    "/gzip-bomb": "response larger than 1 MiB",
    "/big-chunked": "response larger than 1 MiB",
    "/binary": "binary content (PNG image)",
    "/to-scheme/file": "redirect to unsupported scheme file:",
    "/loop/a": "redirect loop",
    "/burst/mixed/9": "HTTP 503 Service Unavailable",
}


@pytest.mark.slow
def test_good_pages_in_a_faulty_batch_are_unaffected(servers, checker, original):
    """Faults on one host, sick robots.txt on others, a missing host and a dead port: all in one executor run
    with good pages on the same hosts and on a healthy host. Every good page is checked as if alone."""
    for s in servers.values():
        s.reset()
    servers["robots500"].robots, servers["robots_stall"].robots = "500", "stall"
    faults, good = servers["faults"], servers["good"]
    copy = copy_page(original).encode()
    for site in (faults, good):
        site.pages["/copy"] = (copy, "text/html; charset=utf-8")
    good_urls = [faults.url("/ok/first"), faults.url("/copy"), faults.url("/ok/last")]
    good_urls += [good.url(f"/ok/{i}") for i in range(5)] + [good.url("/copy")]
    bad_urls = {faults.url(p): why for p, why in FAULT_PATHS.items()}
    bad_urls.update({servers["robots500"].url("/ok/a"): "robots.txt unreachable (HTTP 500",
                     servers["robots_stall"].url("/ok/b"): "robots.txt unreachable (timed out",
                     UNRESOLVABLE: "DNS lookup failed",
                     f"http://127.0.0.45:{free_port('127.0.0.45')}/x": "connection refused"})
    # Faulty host: good pages before, between and after the faults.
    ordered = [good_urls[0], *list(bad_urls)[:4], good_urls[1], *list(bad_urls)[4:], good_urls[2], *good_urls[3:]]
    batches = split_host_batches(group_by_host(ordered), 200)

    with Fetcher(FAST) as fetcher:
        robots = RobotsCache(fetcher)

        def work(batch: HostBatch):
            for url, fetched in zip(batch.urls, crawl_batch(batch, fetcher=fetcher, robots=robots, delay=0)):
                yield url, fetched, checker.check(fetched)

        results, took = timed(lambda: {u: (f, r) for u, f, r in LocalExecutor(concurrency=8).run(batches, work)})

    assert set(results) == set(ordered)  # the run finished: one result per URL
    for url in good_urls:
        fetched, page = results[url]
        assert fetched.ok, (url, fetched.error)
        assert page.status is (Status.COMPLIANT if url.endswith("/copy") else Status.NOT_A_COPY), (url, page)
    for url, why in bad_urls.items():
        fetched, page = results[url]
        assert page.status is Status.ERROR and why in page.error, (url, page.error)
    # The faulty host's own worst case is one deadline plus small change; hosts ran side by side.
    assert took < DEADLINE + 2 + SLACK, took


# ---------------------------------------------------------------------------------------------- a whole audit


@pytest.mark.slow
def test_audit_over_faulty_partner_finishes_and_reports_each_fault(tmp_path, bomb, original, monkeypatch):
    from checker.audit import run_audit
    from checker.config import load_audit_config

    monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path / "cache"))
    site = FaultServer("127.0.0.46", bomb=bomb).start()
    try:
        site.pages["/copy"] = (copy_page(original).encode(), "text/html; charset=utf-8")
        paths = ["/copy", "/reset", "/drip-headers", "/gzip-bomb", "/big", "/binary", "/to-scheme/javascript",
                 "/retry-after/audit/99/1", "/ok/own-page"]
        urls = [site.url(p) for p in paths] + [UNRESOLVABLE]
        manifest = tmp_path / "originals.yaml"
        today = time.strftime("%Y-%m-%d")
        manifest.write_text(
            f"- id: {original.id}\n  url: {original.url}\n  title: {original.title!r}\n"
            f"  authors: [{', '.join(repr(a) for a in original.authors)}]\n  published: '{today}'\n"
            "  text: |\n" + "".join(f"    {line}\n" for line in original.text.splitlines()), encoding="utf-8")
        config_path = tmp_path / "audit.yaml"
        config_path.write_text(
            "originals:\n"
            f"  manifests: ['{manifest}']\n"
            "partners:\n"
            "  - id: faulty\n    name: Faulty Partner\n"
            f"    urls: [{', '.join(repr(u) for u in urls)}]\n"
            "crawl:\n"
            "  allow_private_addresses: true\n"
            "  delay: 0\n  connect_timeout: 1\n  timeout: 1.5\n  deadline: 2.5\n  retries: 1\n"
            f"  retry_after_cap: 5\n  max_bytes: {CAP}\n"
            "storage:\n  database: state/audit.db\n"
            "reports:\n  directory: reports\n", encoding="utf-8")
        outcome, took = timed(run_audit, load_audit_config(str(config_path)), quiet=True)
    finally:
        site.stop()
    assert outcome.complete
    pages = {Path(urlsplit(p.result.target).path).as_posix(): p.result for p in outcome.report.pages}
    assert pages["/copy"].status is Status.COMPLIANT
    assert pages["/ok/own-page"].status is Status.NOT_A_COPY
    expected = {"/reset": "connection reset by the server", "/drip-headers": "(deadline)",
                "/gzip-bomb": "response larger than 1 MiB", "/big": "response larger than 1 MiB",
                "/binary": "binary content (PNG image)", "/to-scheme/javascript": "unsupported scheme javascript:",
                "/retry-after/audit/99/1": "HTTP 429 Too Many Requests", "/story": "DNS lookup failed"}
    for path, why in expected.items():
        assert pages[path].status is Status.ERROR and why in pages[path].error, (path, pages[path].error)
    assert outcome.report.pages and took < 20


# ---------------------------------------------------------------------------------------------- TLS


@pytest.mark.slow
def test_tls_handshake_dripped_stops_at_the_deadline(tmp_path, monkeypatch, checker):
    """Each byte of the server's handshake comes well within the socket timeouts. (CPython bounds a whole
    handshake by the connect timeout; with a connect timeout longer than the deadline, the deadline ends it.)"""
    made = make_certificate(tmp_path, "127.0.0.47")
    if made is None:
        pytest.skip("no openssl command to make a test certificate")
    cert, key = made
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(var, cert)
    settings = FetchSettings(connect_timeout=10, read_timeout=10, deadline=DEADLINE, retries=0)
    with TLSServer("127.0.0.47", cert, key) as tls, DripRelay("127.0.0.47", ("127.0.0.47", tls.port), 0.3) as relay, \
            Fetcher(settings) as fetcher:
        direct = fetcher.fetch(f"https://127.0.0.47:{tls.port}/story")
        result, took = timed(fetcher.fetch, f"https://127.0.0.47:{relay.port}/story")
    assert direct.ok, direct.error  # the certificate is trusted: only the drip can fail the second fetch
    assert_error(result, checker, f"no complete response headers within {DEADLINE:g} s (deadline)")
    assert DEADLINE - 0.1 < took < DEADLINE + SLACK
