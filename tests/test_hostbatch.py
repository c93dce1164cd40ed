"""Host batches and the local executor against loopback servers standing for separate hosts (127.0.0.2, .3)."""
from __future__ import annotations

import re
import threading
import time
from collections import defaultdict

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from checker.crawl.executor import Executor, LocalExecutor
from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.crawl.hostbatch import HostBatch, crawl_batch, group_by_host, split_host_batches
from checker.crawl.robots import RobotsCache
from checker.url_identity import host_of

FAST = FetchSettings(connect_timeout=1, read_timeout=2, deadline=5, retries=0, backoff=0.01)
DELAY = 0.2
# Server-side arrival times jitter by a few ms (connection set-up, threads sharing the GIL); the client-side
# request starts, which pacing is defined on, are checked to within STAMP_JITTER.
SLACK = 0.1
# The pacer stamps a request's start a few microseconds before the fetcher below stamps it, and that
# difference varies per request (more on a loaded machine, where other threads hold the GIL between the
# two): a gap between the fetcher's stamps may fall short of the delay by it (CI saw 0.19999956 s for 0.2
# and 0.29957 s for 0.3). Without pacing the gaps would be a few milliseconds.
STAMP_JITTER = 0.005


class Site:
    """A loopback HTTP server that logs when each request arrived."""

    def __init__(self, address: str, robots: str = "User-agent: *\nDisallow: /private/\n"):
        self.server = HTTPServer(host=address, port=0)
        self.server.no_handler_status_code = 404
        self.hits: list[tuple[float, str, dict]] = []
        self.robots = robots
        self.server.expect_request("/robots.txt").respond_with_handler(self._robots)
        self.server.expect_request("/slow").respond_with_handler(self._slow)
        self.server.expect_request(re.compile(r"/.*")).respond_with_handler(self._page)

    def _log(self, request: Request) -> None:
        self.hits.append((time.monotonic(), request.path, dict(request.headers)))

    def _robots(self, request: Request) -> Response:
        self._log(request)
        return Response(self.robots, content_type="text/plain")

    def _slow(self, request: Request) -> Response:
        self._log(request)
        time.sleep(0.5)
        return Response("<html><body>slow</body></html>", content_type="text/html")

    def _page(self, request: Request) -> Response:
        self._log(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(f"<html><body>{request.path}</body></html>", content_type="text/html",
                        headers={"ETag": '"v1"'})

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    @property
    def host(self) -> str:
        return host_of(self.url("/"))

    def times(self) -> list[float]:
        return [t for t, _, _ in self.hits]


@pytest.fixture(scope="module")
def _servers():
    # Module-wide: stopping a server takes about half a second, too slow to pay for every test.
    made = [Site("127.0.0.2"), Site("127.0.0.3")]
    for s in made:
        s.server.start()
    yield made
    for s in made:
        s.server.stop()


@pytest.fixture
def sites(_servers):
    for s in _servers:
        s.hits.clear()
        s.robots = "User-agent: *\nDisallow: /private/\n"
    return _servers


class RecordingFetcher(Fetcher):
    """A real Fetcher that notes when each request starts, per host."""

    def __init__(self, settings: FetchSettings):
        super().__init__(settings)
        self.starts: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def fetch(self, url, **kw):
        with self._lock:
            self.starts[host_of(url)].append(time.monotonic())
        return super().fetch(url, **kw)


@pytest.fixture
def fetcher():
    with RecordingFetcher(FAST) as f:
        yield f


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


# ---------------------------------------------------------------------------------------------- crawl_batch


def test_requests_to_one_host_are_paced_from_request_start(sites, fetcher):
    site = sites[0]
    urls = tuple(site.url(p) for p in ("/a", "/slow", "/b", "/c"))
    robots = RobotsCache(fetcher, "syndicheck")
    results = list(crawl_batch(HostBatch(site.host, urls), fetcher=fetcher, robots=robots, delay=DELAY))
    assert [r.status_code for r in results] == [200] * 4
    assert [p for _, p, _ in site.hits] == ["/robots.txt", "/a", "/slow", "/b", "/c"]
    assert all(g >= DELAY - STAMP_JITTER for g in gaps(fetcher.starts[site.host])), gaps(fetcher.starts[site.host])
    assert all(g >= DELAY - SLACK for g in gaps(site.times())), gaps(site.times())
    # Measured from the start of the previous request: the slow response does not add to the gap.
    slow_gap = gaps(fetcher.starts[site.host])[2]
    # from the start: the slow response's 0.5 s (and the machine's overhead); from its end: >= 0.5 + DELAY = 0.7 s.
    # The bound sits halfway, so a loaded machine's few tens of milliseconds do not decide it.
    assert slow_gap < 0.5 + DELAY / 2, slow_gap


def test_robots_crawl_delay_wins_when_larger(sites, fetcher):
    site = sites[0]
    site.robots = "User-agent: *\nCrawl-delay: 0.3\n"
    urls = tuple(site.url(p) for p in ("/a", "/b", "/c"))
    list(crawl_batch(HostBatch(site.host, urls), fetcher=fetcher, robots=RobotsCache(fetcher, "syndicheck"),
                     delay=0.05))
    assert all(g >= 0.3 - STAMP_JITTER for g in gaps(fetcher.starts[site.host])), gaps(fetcher.starts[site.host])
    page_times = [t for t, p, _ in site.hits if p != "/robots.txt"]
    assert all(g >= 0.3 - SLACK for g in gaps(page_times)), gaps(page_times)


def test_disallowed_urls_become_errors_without_a_request(sites, fetcher):
    site = sites[0]
    urls = (site.url("/a"), site.url("/private/secret"), site.url("/b"))
    results = list(crawl_batch(HostBatch(site.host, urls), fetcher=fetcher,
                               robots=RobotsCache(fetcher, "syndicheck"), delay=0.0))
    assert [r.target for r in results] == list(urls)
    blocked = results[1]
    assert not blocked.ok and blocked.error.startswith("blocked by robots.txt")
    assert "/private/secret" in blocked.error
    assert "/private/secret" not in [p for _, p, _ in site.hits]


def test_without_robots_cache_robots_txt_is_not_read(sites, fetcher):
    site = sites[0]
    results = list(crawl_batch(HostBatch(site.host, (site.url("/private/x"),)), fetcher=fetcher, robots=None,
                               delay=0.0))
    assert results[0].ok
    assert [p for _, p, _ in site.hits] == ["/private/x"]


def test_conditional_get_sends_validators(sites, fetcher):
    site = sites[0]
    urls = (site.url("/a"), site.url("/b"))
    lm = "Wed, 01 May 2024 10:00:00 GMT"
    batch = HostBatch(site.host, urls, partners=(("p1",), ("p1", "p2")), validators=(('"v1"', lm), (None, None)))
    results = list(crawl_batch(batch, fetcher=fetcher, robots=None, delay=0.0))
    headers = {p: h for _, p, h in site.hits}
    assert headers["/a"]["If-None-Match"] == '"v1"' and headers["/a"]["If-Modified-Since"] == lm
    assert "If-None-Match" not in headers["/b"] and "If-Modified-Since" not in headers["/b"]
    assert results[0].status_code == 304 and results[0].body is None and results[0].etag == '"v1"'
    assert results[1].status_code == 200 and results[1].ok


def test_injected_clock_and_sleep():
    # No network: a fake fetcher, a fake clock; the pacing arithmetic alone.
    now = [100.0]
    slept: list[float] = []

    class FakeFetcher:
        def fetch(self, url, **kw):
            now[0] += 0.05  # each request takes 50 ms
            from checker.models import Fetched
            return Fetched(target=url, url=url, body=b"x", status_code=200)

    def sleep(s: float) -> None:
        slept.append(round(s, 6))
        now[0] += s

    batch = HostBatch("h", ("http://h/1", "http://h/2", "http://h/3"))
    out = list(crawl_batch(batch, fetcher=FakeFetcher(), robots=None, delay=1.0, clock=lambda: now[0], sleep=sleep))
    assert len(out) == 3
    assert slept == [0.95, 0.95]


# ---------------------------------------------------------------------------------------------- batches


def test_host_batch_defaults_and_validation():
    b = HostBatch("h", ("u1", "u2"))
    assert b.partners == ((), ()) and b.validators == ((None, None), (None, None))
    with pytest.raises(ValueError):
        HostBatch("h", ("u1",), partners=(("p",), ("q",)))


def test_split_host_batches():
    urls_by_host = group_by_host([f"https://a.example/{i}" for i in range(5)] + ["https://b.example/x",
                                                                               "https://a.example/0"])
    assert list(urls_by_host) == ["a.example", "b.example"] and len(urls_by_host["a.example"]) == 5
    batches = split_host_batches(urls_by_host, 2, partners={"https://b.example/x": ["p2"]},
                                 validators={"https://a.example/4": ('"e"', None)})
    assert [(b.host, b.chunk, b.chunks, len(b.urls)) for b in batches] == [
        ("a.example", 0, 3, 2), ("a.example", 1, 3, 2), ("a.example", 2, 3, 1), ("b.example", 0, 1, 1)]
    assert batches[2].validators == (('"e"', None),)
    assert batches[3].partners == (("p2",),)
    with pytest.raises(ValueError):
        split_host_batches(urls_by_host, 0)


# ---------------------------------------------------------------------------------------------- executor


def test_two_hosts_run_in_parallel(sites, fetcher):
    robots = RobotsCache(fetcher, "syndicheck")
    batches = [HostBatch(s.host, tuple(s.url(f"/{i}") for i in range(3))) for s in sites]
    executor: Executor = LocalExecutor(concurrency=4)
    started = time.monotonic()
    results = list(executor.run(batches, lambda b: crawl_batch(b, fetcher=fetcher, robots=robots, delay=DELAY)))
    elapsed = time.monotonic() - started
    assert len(results) == 6 and all(r.ok for r in results)
    # Each host needs 3 gaps of DELAY (robots.txt + 3 pages); sequentially that would be 6 gaps.
    # (Interleaving below is the proof of parallelism; the bound only catches a gross regression.)
    assert elapsed < 10 * DELAY, elapsed
    a, b = sites[0].times(), sites[1].times()
    assert min(b) < max(a) and min(a) < max(b)  # their request times interleave
    for s in sites:
        assert len(fetcher.starts[s.host]) == 4  # robots.txt and three pages
        assert all(g >= DELAY - STAMP_JITTER for g in gaps(fetcher.starts[s.host])), gaps(fetcher.starts[s.host])
        assert all(g >= DELAY - SLACK for g in gaps(s.times())), [(round(t, 3), p) for t, p, _ in s.hits]


def test_never_two_batches_of_one_host_at_once():
    active: dict[str, int] = defaultdict(int)
    peak: dict[str, int] = defaultdict(int)
    order: dict[str, list[int]] = defaultdict(list)
    overall = [0, 0]  # current, peak
    lock = threading.Lock()

    def work(batch: HostBatch):
        with lock:
            active[batch.host] += 1
            peak[batch.host] = max(peak[batch.host], active[batch.host])
            overall[0] += 1
            overall[1] = max(overall[1], overall[0])
            order[batch.host].append(batch.chunk)
        time.sleep(0.03)
        with lock:
            active[batch.host] -= 1
            overall[0] -= 1
        return [(batch.host, batch.chunk, u) for u in batch.urls]

    urls_by_host = {f"h{n}": [f"http://h{n}/{i}" for i in range(6)] for n in range(5)}
    batches = split_host_batches(urls_by_host, 2)
    results = list(LocalExecutor(concurrency=3).run(batches, work))
    assert len(results) == 30
    assert all(p == 1 for p in peak.values())
    assert overall[1] <= 3
    assert all(chunks == [0, 1, 2] for chunks in order.values())


def test_results_stream_as_they_finish():
    release = threading.Event()

    def work(batch: HostBatch):
        if batch.host == "slow":
            release.wait(5)
        return list(batch.urls)

    it = LocalExecutor(concurrency=2).run([HostBatch("slow", ("s",)), HostBatch("fast", ("f",))], work)
    assert next(it) == "f"  # arrives while the slow host is still working
    release.set()
    assert list(it) == ["s"]


def test_worker_exception_reaches_the_caller():
    def work(batch: HostBatch):
        yield "ok"
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        list(LocalExecutor(concurrency=2).run([HostBatch("h", ("u",))], work))


def test_empty_and_early_exit():
    assert list(LocalExecutor(concurrency=2).run([], lambda b: b.urls)) == []
    produced = []

    def work(batch: HostBatch):
        for u in batch.urls:
            produced.append(u)
            yield u

    it = LocalExecutor(concurrency=1).run([HostBatch("h", tuple(str(i) for i in range(1000)))], work)
    assert next(it) == "0"
    it.close()  # the consumer goes away: the worker stops instead of producing everything
    assert len(produced) < 1000
