"""Host batches: one host's URLs fetched in order, one request at a time, at that host's pace."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping, Optional, Sequence

from checker.crawl.fetcher import PageFetcher
from checker.crawl.headers import MAX_SECONDS
from checker.crawl.robots import RobotsCache
from checker.models import Fetched
from checker.url_identity import host_of

Validators = tuple[Optional[str], Optional[str]]  # (etag, last_modified) from the previous run
_NO_VALIDATORS: Validators = (None, None)
log = logging.getLogger("syndicheck.crawl")


@dataclass(frozen=True)
class HostBatch:
    """The unit of crawl work: URLs of one host; a big host is split into chunks run one after another.

    `partners[i]` and `validators[i]` belong to `urls[i]`; left empty they default to no partner ids and
    no validators. `chunk` is this batch's index among the host's `chunks`, so that a distributed
    executor can keep a host's chunks sequential.
    """

    host: str
    urls: tuple[str, ...]
    partners: tuple[tuple[str, ...], ...] = ()
    validators: tuple[Validators, ...] = ()
    chunk: int = 0
    chunks: int = 1

    def __post_init__(self) -> None:
        n = len(self.urls)
        if not self.partners:
            object.__setattr__(self, "partners", ((),) * n)
        if not self.validators:
            object.__setattr__(self, "validators", (_NO_VALIDATORS,) * n)
        if len(self.partners) != n or len(self.validators) != n:
            raise ValueError(f"HostBatch {self.host}: partners and validators must match urls one to one")
        if not 0 <= self.chunk < max(self.chunks, 1):
            raise ValueError(f"HostBatch {self.host}: chunk {self.chunk} outside 0..{self.chunks - 1}")

    # The executor's Task protocol (checker/crawl/executor.py): a host is a lane, its chunks run in order.
    @property
    def lane(self) -> str:
        return self.host

    @property
    def seq(self) -> int:
        return self.chunk

    @property
    def size(self) -> int:
        return len(self.urls)


def group_by_host(urls: Iterable[str]) -> dict[str, list[str]]:
    """URLs grouped by host_of(url), each host's URLs in first-seen order, duplicates dropped."""
    grouped: dict[str, list[str]] = {}
    seen: set[str] = set()
    for url in urls:
        if url in seen:
            continue
        seen.add(url)
        grouped.setdefault(host_of(url), []).append(url)
    return grouped


def split_host_batches(urls_by_host: Mapping[str, Sequence[str]], max_batch: int, *,
                       partners: Optional[Mapping[str, Sequence[str]]] = None,
                       validators: Optional[Mapping[str, Validators]] = None) -> list[HostBatch]:
    """One HostBatch per host, or several chunks of at most `max_batch` URLs for a big host.

    `partners` maps a URL to the partner ids that listed it; `validators` maps a URL to (etag,
    last_modified) from the previous run. Hosts keep the mapping's order, chunks their index order.
    """
    if max_batch < 1:
        raise ValueError("max_batch must be at least 1")
    partners = partners or {}
    validators = validators or {}
    batches: list[HostBatch] = []
    for host, urls in urls_by_host.items():
        urls = list(urls)
        if not urls:
            continue
        chunks = (len(urls) + max_batch - 1) // max_batch
        for index in range(chunks):
            part = urls[index * max_batch:(index + 1) * max_batch]
            batches.append(HostBatch(
                host=host,
                urls=tuple(part),
                partners=tuple(tuple(partners.get(u, ())) for u in part),
                validators=tuple(tuple(validators.get(u, _NO_VALIDATORS)) for u in part),  # type: ignore[misc]
                chunk=index,
                chunks=chunks,
            ))
    return batches


@dataclass
class Pacer:
    """Spaces request starts at one host: each start waits until `interval()` after the previous start."""

    clock: Callable[[], float]
    sleep: Callable[[float], None]
    last_start: Optional[float] = field(default=None)

    def wait(self, interval: float) -> None:
        if self.last_start is not None:
            remaining = self.last_start + interval - self.clock()
            if remaining > 0:
                self.sleep(min(remaining, MAX_SECONDS))  # time.sleep raises OverflowError past ~2**63 ns
        # Measured from the start of the request, so a slow response does not stretch the gap further.
        self.last_start = self.clock()


def crawl_batch(batch: HostBatch, *, fetcher: PageFetcher, robots: Optional[RobotsCache], delay: float,
                clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                accept_types: Optional[Sequence[str]] = None) -> Iterator[Fetched]:
    """Fetch the batch's URLs in order, one at a time, yielding a Fetched for each (never raising for
    network trouble). Between request starts it waits max(delay, robots Crawl-delay); the robots.txt
    request counts as a request too. URLs robots.txt forbids come back as errors without a request.
    `robots=None` means robots.txt is not consulted (obey_robots: false).
    """
    pacer = Pacer(clock, sleep)

    def interval(url: str) -> float:
        crawl_delay = robots.crawl_delay(url) if robots is not None else None
        return max(delay, crawl_delay or 0.0)

    for url, (etag, last_modified) in zip(batch.urls, batch.validators):
        try:
            if robots is not None and not robots.is_loaded(url):
                pacer.wait(delay)  # the Crawl-delay is not known before robots.txt is read
                robots.load(url)
            if robots is not None and not robots.allowed(url):
                fetched = Fetched(target=url, url=url, error=f"blocked by robots.txt: {robots.why_blocked(url)}")
            else:
                pacer.wait(interval(url))
                fetched = fetcher.fetch(url, etag=etag, last_modified=last_modified, accept_types=accept_types)
        except Exception as exc:  # noqa: BLE001 - a bug met on one host's page must not end the night
            log.debug("unexpected error crawling %s", url, exc_info=True)
            fetched = Fetched(target=url, url=url, error=f"unexpected error while crawling: {type(exc).__name__}: {exc}")
        yield fetched
