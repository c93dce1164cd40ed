"""Executors run host batches: hosts in parallel, never two batches of one host at the same time."""
from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, Protocol, Sequence, TypeVar

from checker.crawl.hostbatch import HostBatch

R = TypeVar("R")


class Executor(Protocol):
    """Runs `work` on every batch and streams its results as they are produced, in no fixed order.

    Contract for every implementation (local threads now, a distributed one later): batches of one
    host never run at the same time, and a host's chunks run in chunk order.
    """

    def run(self, batches: Sequence[HostBatch], work: Callable[[HostBatch], Iterable[R]]) -> Iterator[R]:
        ...


def hosts_in_order(batches: Sequence[HostBatch]) -> list[list[HostBatch]]:
    """Batches grouped by host, each host's chunks in order, biggest hosts first: at one request a second
    they set the run's length, so they start early. Every executor schedules from this."""
    by_host: dict[str, list[HostBatch]] = {}
    for batch in batches:
        by_host.setdefault(batch.host, []).append(batch)
    for host_batches in by_host.values():
        host_batches.sort(key=lambda b: b.chunk)
    return sorted(by_host.values(), key=lambda bs: -sum(len(b.urls) for b in bs))


class _Failed:
    """A worker's exception, carried to the consuming thread and re-raised there."""

    def __init__(self, exc: BaseException):
        self.exc = exc


_DONE = object()


class HostOrderedExecutor:
    """What every executor shares: schedule from hosts_in_order; `_stream` runs the hosts its own way."""

    def run(self, batches: Sequence[HostBatch], work: Callable[[HostBatch], Iterable[R]]) -> Iterator[R]:
        hosts = hosts_in_order(batches)
        if not hosts:
            return iter(())
        return self._stream(hosts, work)

    def _stream(self, hosts: list[list[HostBatch]], work: Callable[[HostBatch], Iterable[R]]) -> Iterator[R]:
        raise NotImplementedError


class LocalExecutor(HostOrderedExecutor):
    """A thread pool: up to `concurrency` hosts at once, each host's batches one after another."""

    def __init__(self, concurrency: int = 16, *, buffer: int | None = None):
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        # Bounded, so fetched bodies do not pile up in memory when checking is slower than crawling.
        self.buffer = buffer if buffer is not None else 4 * concurrency

    def _stream(self, hosts: list[list[HostBatch]], work: Callable[[HostBatch], Iterable[R]]) -> Iterator[R]:
        results: queue.Queue = queue.Queue(maxsize=self.buffer)
        stop = threading.Event()

        def put(item: object) -> bool:
            # Poll the stop flag so a worker never blocks forever once the consumer has gone away.
            while not stop.is_set():
                try:
                    results.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def run_host(host_batches: list[HostBatch]) -> None:
            try:
                # One task per host, its chunks in sequence: two batches of a host can never overlap.
                for batch in host_batches:
                    for result in work(batch):
                        if not put(result):
                            return
                        if stop.is_set():
                            return
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which re-raises it
                put(_Failed(exc))
            finally:
                put(_DONE)

        pool = ThreadPoolExecutor(max_workers=min(self.concurrency, len(hosts)),
                                  thread_name_prefix="syndicheck-host")
        for host_batches in hosts:
            pool.submit(run_host, host_batches)
        pending = len(hosts)
        try:
            while pending:
                item = results.get()
                if item is _DONE:
                    pending -= 1
                elif isinstance(item, _Failed):
                    raise item.exc
                else:
                    yield item
        finally:
            # Early exit (break, exception): running hosts stop at their next result, queued hosts never start.
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
