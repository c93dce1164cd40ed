"""Page -> original by word-shingle containment, through an inverted index over all originals."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional, Sequence

from .models import Match, Original
from .shingles import DEFAULT_K, shingles, tokens


@dataclass(frozen=True)
class MatchSettings:
    min_containment: float = 0.5  # share of the original's shingles the page must contain
    shingle_size: int = DEFAULT_K
    # A shingle found in more originals than this is boilerplate (the license notice, a sign-off)
    # and says nothing about which article a page copies.
    max_shingle_df: int = 5


class OriginalIndex:
    """Inverted index shingle -> originals; a page costs the same to match against 10 or 100,000 originals.

    The index itself is flat numpy arrays of stable shingle hashes (checker.shingle_index): no Python
    object per shingle, the same in every process, saved to the cache directory when the originals are
    many and memory-mapped by later runs and by Dask workers instead of being rebuilt."""

    def __init__(self, originals: Sequence[Original], settings: MatchSettings = MatchSettings(),
                 boilerplate: Sequence[str] = (), *, cache_dir: Optional[Path] = None,
                 persist: Optional[bool] = None):
        from . import shingle_index  # numpy: imported when an index is built, not by `--help`

        self.settings = settings
        self.originals = tuple(originals)
        self.boilerplate = tuple(boilerplate)
        self.flat = shingle_index.build_or_load(
            [o.text for o in self.originals], settings.shingle_size, settings.max_shingle_df, self.boilerplate,
            cache_dir=cache_dir, persist=persist)
        self._own: dict[int, frozenset] = {}
        self._own_lock = threading.Lock()  # checkers serve several host threads at once

    @cached_property
    def by_key(self) -> dict[str, Original]:
        out: dict[str, Original] = {}
        for o in self.originals:
            out.setdefault(o.id, o)
            out.setdefault(o.url, o)
        return out

    @cached_property
    def _position(self) -> dict[int, int]:
        return {id(o): i for i, o in reversed(list(enumerate(self.originals)))}

    @cached_property
    def _stop(self) -> set[int]:
        stop: set[int] = set()
        for text in self.boilerplate:  # e.g. the license notice, which every copy of every article may carry
            stop |= shingles(tokens(text), self.settings.shingle_size)
        return stop

    def lookup(self, key: str) -> Optional[Original]:
        """An original by id or URL (for --original)."""
        return self.by_key.get(key) or self.by_key.get(key.rstrip("/")) or next(
            (o for o in self.originals if o.url.rstrip("/") == key.rstrip("/")), None)

    def page_shingles(self, text: str) -> set[int]:
        return shingles(tokens(text), self.settings.shingle_size)

    def best(self, page_text: str) -> Optional[Match]:
        """The original this page copies, or None when it copies none well enough."""
        if not self.originals:
            return None
        docs, hits = self.flat.hits(tokens(page_text), self.settings.shingle_size)
        if docs.size == 0:
            return None
        total = self.flat.effective[docs]
        usable = (total >= 3) & (docs < len(self.originals))  # fewer than 3: too short to judge by text
        docs, hits, total = docs[usable], hits[usable], total[usable]
        if docs.size == 0:
            return None
        # Float64 division of the same integers: bit for bit the score n / total that Python gives.
        scores = hits / total
        j = int(scores.argmax())  # the first of equal scores: originals order, the same on every run
        score = float(scores[j])
        if score < self.settings.min_containment:
            return None
        return Match(self.originals[int(docs[j])], min(score, 1.0))

    def shingles_of(self, original: Original) -> frozenset:
        """The original's shingles (process-local hashes, as shingles.shingles() gives), boilerplate removed."""
        i = self._position.get(id(original))
        if i is None or self.originals[i] is not original:
            return frozenset(shingles(tokens(original.text), self.settings.shingle_size))
        own = self._own.get(i)
        if own is None:
            text = original.text
            own = frozenset(shingles(tokens(text), self.settings.shingle_size) - self._stop) if text.strip() \
                else frozenset()
            with self._own_lock:
                if len(self._own) >= 64:  # only the originals pages are matching now
                    self._own.pop(next(iter(self._own)))
                self._own[i] = own
        return own
