"""Request slots: at most N fetches in flight across host threads; a thread waiting out a host's delay holds none."""
from __future__ import annotations

import threading
import time

from checker.crawl.slots import RequestSlots


class SlowFetcher:
    settings = object()

    def __init__(self):
        self.closed = False

    def fetch(self, url, **kwargs):
        time.sleep(0.05)
        return url

    def close(self):
        self.closed = True


def test_in_flight_never_exceeds_slots():
    slots = RequestSlots(SlowFetcher(), 3)
    threads = [threading.Thread(target=lambda i=i: [slots.fetch(f"u{i}-{j}") for j in range(3)]) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert slots.peak == 3 and slots.in_flight == 0


def test_passes_through_result_and_close():
    inner = SlowFetcher()
    slots = RequestSlots(inner, 1)
    assert slots.fetch("x") == "x" and slots.settings is inner.settings
    slots.close()
    assert inner.closed
