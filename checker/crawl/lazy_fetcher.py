"""A Fetcher made on first use: a check of local files against a local manifest never imports requests."""
from __future__ import annotations

import threading
from typing import Any, Optional


class LazyFetcher:
    """Stands in for `Fetcher(FetchSettings(**settings))`; the real one is built by the first fetch()."""

    def __init__(self, **settings: Any):
        self._settings = settings
        self._fetcher: Optional[Any] = None
        self._lock = threading.Lock()  # URL targets are fetched from several threads at once

    def _real(self) -> Any:
        with self._lock:
            if self._fetcher is None:
                from .fetcher import FetchSettings, Fetcher
                self._fetcher = Fetcher(FetchSettings(**self._settings))
            return self._fetcher

    def fetch(self, url: str, **kwargs: Any) -> Any:
        return self._real().fetch(url, **kwargs)

    def close(self) -> None:
        with self._lock:
            fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            fetcher.close()
