"""Executors run tasks (host batches, WARC files): lanes in parallel, never two tasks of one lane at the same time.

Every executor is opened and closed the same way, as a context manager:

    with make_executor("local", concurrency=16) as executor:
        for result in executor.run(tasks, work): ...
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, Optional, Protocol, Sequence, TypeVar

R = TypeVar("R")


class Task(Protocol):
    """A unit of executor work. Tasks of one `lane` (a host's chunks) never run at the same time and run in
    `seq` order; tasks of different lanes may run in parallel. `size` (pages, bytes) puts big lanes first."""

    @property
    def lane(self) -> str: ...

    @property
    def seq(self) -> int: ...

    @property
    def size(self) -> int: ...


T = TypeVar("T", bound=Task)


class ExecutorUnavailable(RuntimeError):
    """The executor could not be opened (a dask scheduler not reachable); the message says which and why."""


class Executor(Protocol):
    """Runs `work` on every task and streams its results as they are produced, in no fixed order.

    Contract for every implementation (local threads, dask): tasks of one lane never run at the same time,
    and a lane's tasks run in `seq` order. Lifecycle: `open()` (or `with executor:`) acquires what the
    executor runs on (a cluster, a scheduler connection) and raises ExecutorUnavailable when it cannot;
    `close()` releases it, quietly, and may be called more than once. `run` on an executor not opened
    opens it for that run and closes it at the run's end.
    """

    def open(self) -> "Executor": ...

    def close(self) -> None: ...

    def __enter__(self) -> "Executor": ...

    def __exit__(self, *exc: object) -> None: ...

    def run(self, tasks: Sequence[T], work: Callable[[T], Iterable[R]]) -> Iterator[R]: ...


def make_executor(kind: str, *, concurrency: int, scheduler: Optional[str] = None, n_workers: Optional[int] = None,
                  threads_per_worker: int = 1) -> Executor:
    """"local": a thread pool of `concurrency` lanes. "dask": the cluster at `scheduler`, or without one a
    LocalCluster of `n_workers` processes (default one per core) x `threads_per_worker` threads."""
    if kind == "dask":
        from checker.crawl.dask_executor import DaskExecutor

        return DaskExecutor(scheduler, n_workers=n_workers, threads_per_worker=threads_per_worker)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r} (executors: local, dask)")
    return LocalExecutor(concurrency=concurrency)


def lanes_in_order(tasks: Sequence[T]) -> list[list[T]]:
    """Tasks grouped by lane, each lane's tasks in `seq` order, biggest lanes first: a big host at one request
    a second sets the run's length, so it starts early. Every executor schedules from this."""
    by_lane: dict[str, list[T]] = {}
    for task in tasks:
        by_lane.setdefault(task.lane, []).append(task)
    for lane_tasks in by_lane.values():
        lane_tasks.sort(key=lambda t: t.seq)
    return sorted(by_lane.values(), key=lambda ts: -sum(t.size for t in ts))


class _Failed:
    """A worker's exception, carried to the consuming thread and re-raised there."""

    def __init__(self, exc: BaseException):
        self.exc = exc


_DONE = object()


class LaneOrderedExecutor:
    """What every executor shares: the lifecycle (a context manager; nothing to open by default) and scheduling
    from lanes_in_order; `_stream` runs the lanes its own way."""

    def open(self) -> "LaneOrderedExecutor":
        return self

    def close(self) -> None:
        pass

    def __enter__(self) -> "LaneOrderedExecutor":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, tasks: Sequence[T], work: Callable[[T], Iterable[R]]) -> Iterator[R]:
        lanes = lanes_in_order(tasks)
        if not lanes:
            return iter(())
        return self._stream(lanes, work)

    def _stream(self, lanes: list[list[T]], work: Callable[[T], Iterable[R]]) -> Iterator[R]:
        raise NotImplementedError


class LocalExecutor(LaneOrderedExecutor):
    """A thread pool: up to `concurrency` lanes (hosts) at once, each lane's tasks one after another."""

    def __init__(self, concurrency: int = 16, *, buffer: int | None = None):
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        # Bounded, so fetched bodies do not pile up in memory when checking is slower than crawling.
        self.buffer = buffer if buffer is not None else 4 * concurrency

    def _stream(self, lanes: list[list[T]], work: Callable[[T], Iterable[R]]) -> Iterator[R]:
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

        def run_lane(lane_tasks: list[T]) -> None:
            try:
                # One pool job per lane, its tasks in sequence: two batches of a host can never overlap.
                for task in lane_tasks:
                    for result in work(task):
                        if not put(result):
                            return
                        if stop.is_set():
                            return
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which re-raises it
                put(_Failed(exc))
            finally:
                put(_DONE)

        pool = ThreadPoolExecutor(max_workers=min(self.concurrency, len(lanes)),
                                  thread_name_prefix="syndicheck-host")
        for lane_tasks in lanes:
            pool.submit(run_lane, lane_tasks)
        pending = len(lanes)
        # The pool's queue holds each lane until it runs, and its thread until it is done: then its tasks
        # (a host's URLs, partners and validators) are let go, not kept to the end of the run.
        lanes.clear()
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
            # Early exit (break, exception): running lanes stop at their next result, queued lanes never start.
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
