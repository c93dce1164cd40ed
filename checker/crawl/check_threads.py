"""The audit's checks on a few threads of their own: the host threads fetch, these parse and check."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

R = TypeVar("R")


def check_thread_count(render_contexts: int = 0) -> int:
    """One per core (checking is CPU work), plus one per browser context that a rendered check may wait on."""
    return (os.cpu_count() or 1) + render_contexts


class CheckThreads:
    """Runs a host thread's check on one of a few threads and hands the result (or the exception) back.

    Why: an audit has a hundred-odd host threads, most of them sleeping out their host's delay. When each
    also parsed and checked its pages, up to a hundred checks were under way at once (taking turns on the
    GIL, so no faster than a few), and every thread that parses keeps glibc's per-thread cache of freed
    blocks (tcache) filled from the parse: RSS rose with the run's length although live objects did not
    (bench/bench_load.py: with the parse work on a few threads, the crawl's peak grows far less from
    5,000 to 20,000 pages). Thread CPU time is the page's budget (checker/budget.py); the whole check runs
    on the check thread, so it is measured there."""

    def __init__(self, threads: int):
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="syndicheck-check")

    def run(self, fn: Callable[..., R], *args: object) -> R:
        """fn(*args) on a check thread; blocks the calling (host) thread until it is done."""
        return self._pool.submit(fn, *args).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
