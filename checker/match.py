"""Page -> original by word-shingle containment, through an inverted index over all originals."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional, Sequence

from .models import Match, Original
from .shingles import DEFAULT_K, shingle_hashes, shingles, tokens


@dataclass(frozen=True)
class MatchSettings:
    min_containment: float = 0.5  # share of the original's shingles the page must contain
    shingle_size: int = DEFAULT_K
    # A shingle found in more originals than this is boilerplate (the license notice, a sign-off)
    # and says nothing about which article a page copies.
    max_shingle_df: int = 5
    # Pages containing at least this share, but less than min_containment, are near-copies (0: none).
    near_copy_containment: float = 0.2


class OriginalIndex:
    """Inverted index shingle -> originals; a page costs the same to match against 10 or 10,000 originals."""

    def __init__(self, originals: Sequence[Original], settings: MatchSettings = MatchSettings(),
                 boilerplate: Sequence[str] = ()):
        self.settings = settings
        self.originals = tuple(originals)
        self.by_key: dict[str, Original] = {}
        for o in self.originals:
            self.by_key.setdefault(o.id, o)
            self.by_key.setdefault(o.url, o)
        k = settings.shingle_size
        stop: set[int] = set()
        for text in boilerplate:  # e.g. the license notice, which every copy of every article may carry
            stop |= shingles(tokens(text), k)
        postings: dict[int, list[int]] = {}
        self._sizes: list[int] = []
        self.original_shingles: list[frozenset] = []
        for i, o in enumerate(self.originals):
            sh = frozenset(shingles(tokens(o.text), k) - stop) if o.text.strip() else frozenset()
            self.original_shingles.append(sh)
            self._sizes.append(len(sh))
            for s in sh:
                postings.setdefault(s, []).append(i)
        cap = max(settings.max_shingle_df, 1)
        self._postings = {s: ids for s, ids in postings.items() if len(ids) <= cap}
        # Containment is measured against the shingles that survive the boilerplate cut.
        self._effective = [0] * len(self.originals)
        for ids in self._postings.values():
            for i in ids:
                self._effective[i] += 1

    def lookup(self, key: str) -> Optional[Original]:
        """An original by id or URL (for --original)."""
        return self.by_key.get(key) or self.by_key.get(key.rstrip("/")) or next(
            (o for o in self.originals if o.url.rstrip("/") == key.rstrip("/")), None)

    def page_shingles(self, text: str) -> set[int]:
        return shingles(tokens(text), self.settings.shingle_size)

    def best(self, page_text: str, floor: Optional[float] = None) -> Optional[Match]:
        """The original this page copies, or None when it copies none well enough.

        `floor` lowers the bar: the best original whose score is at least `floor` (for near-copies)."""
        if not self.originals:
            return None
        hits: Counter = Counter()
        postings = self._postings
        # The page's distinct shingles that some original has, found in C: keys() & an iterable
        # looks each one up without building the page's whole shingle set first.
        for s in postings.keys() & shingle_hashes(tokens(page_text), self.settings.shingle_size):
            hits.update(postings[s])
        best: Optional[Match] = None
        # In originals order, so that of two originals with the same score the earlier one wins on every run
        # (the order hits arrive in depends on per-process string hashes).
        for i, n in sorted(hits.items()):
            total = self._effective[i]
            if total < 3:  # too short to judge by text
                continue
            score = n / total
            if score >= (self.settings.min_containment if floor is None else floor) and (
                    best is None or score > best.score):
                best = Match(self.originals[i], min(score, 1.0))
        return best

    def shingles_of(self, original: Original) -> frozenset:
        for i, o in enumerate(self.originals):
            if o is original:
                return self.original_shingles[i]
        return frozenset(shingles(tokens(original.text), self.settings.shingle_size))
