"""A global cap on requests in flight, shared by every host's thread: pacing sleeps never hold a slot."""
from __future__ import annotations

import threading
from typing import Any


class RequestSlots:
    """Wraps a Fetcher: at most `slots` fetches run at once across all threads.

    Host batches sleep between requests to honour each host's delay; if every sleeping host held one
    of the run's `concurrency` threads, throughput would be capped at concurrency / delay instead of
    the politeness bound min(concurrency / latency, hosts / delay). So the executor runs more host
    threads than `concurrency`, and this semaphore keeps the requests in flight at `concurrency`.
    """

    def __init__(self, fetcher: Any, slots: int):
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self._fetcher = fetcher
        self._slots = threading.BoundedSemaphore(slots)
        self.settings = fetcher.settings
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0  # the most requests seen in flight at once (tests and benchmarks read it)

    def fetch(self, *args: Any, **kwargs: Any):
        with self._slots:
            with self._lock:
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
            try:
                return self._fetcher.fetch(*args, **kwargs)
            finally:
                with self._lock:
                    self.in_flight -= 1

    def close(self) -> None:
        self._fetcher.close()

    def __getattr__(self, name: str) -> Any:  # anything else (session, settings helpers) is the fetcher's
        return getattr(self._fetcher, name)
