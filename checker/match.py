"""Page -> original by word-shingle containment, through an inverted index over all originals."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator, Optional, Sequence

from .models import Match, Original
from .shingles import DEFAULT_K, shingle_hashes, shingles, tokens


# Originals with less text than this (about 200 articles) get the in-memory index of Python sets: it
# builds in milliseconds and spares numpy's import; more get the flat, saved index (shingle_index).
SMALL_CHARS = 1_000_000
# A flat-index page that hits at most this many originals is scored in Python (eight numpy calls on a few
# elements cost more than the loop); more, as a copy of a widely quoted text may, in numpy.
FEW_HITS = 64
# Shingles left by the flat index's candidate filter that are looked up one by one in Python (FlatIndex.few_hits);
# more, as on a page that copies an original, go through numpy.
FEW_LOOKUPS = 128


@dataclass(frozen=True)
class MatchSettings:
    min_containment: float = 0.5  # share of the original's shingles the page must contain
    shingle_size: int = DEFAULT_K
    # A shingle found in more originals than this is boilerplate (the license notice, a sign-off)
    # and says nothing about which article a page copies.
    max_shingle_df: int = 5
    # Pages containing at least this share, but less than min_containment, are near-copies (0: none).
    near_copy_containment: float = 0.2


class _Texts(Sequence[str]):
    """The originals' texts, each read when asked for (the index build goes through them once, in order)."""

    def __init__(self, originals: Sequence[Original]):
        self._originals = originals

    def __len__(self) -> int:
        return len(self._originals)

    def __iter__(self) -> Iterator[str]:
        from .manifest_cache import iter_texts
        return iter_texts(self._originals)

    def utf8(self) -> Iterator[bytes | str]:
        """The texts in order, those still on disk as their UTF-8 bytes (the index build needs no str)."""
        from .manifest_cache import iter_texts_utf8
        return iter_texts_utf8(self._originals)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [o.text for o in self._originals[i]]
        return self._originals[i].text


class OriginalIndex:
    """Inverted index shingle -> originals; a page costs the same to match against 10 or 100,000 originals.

    Past SMALL_CHARS of text the index is flat numpy arrays of stable shingle hashes (checker.shingle_index):
    no Python object per shingle, the same in every process, saved to the cache directory and memory-mapped
    by later runs and by Dask workers instead of being rebuilt. Both give the same verdicts
    (tests/test_index_verdicts.py)."""

    def __init__(self, originals: Sequence[Original], settings: MatchSettings = MatchSettings(),
                 boilerplate: Sequence[str] = (), *, cache_dir: Optional[Path] = None,
                 persist: Optional[bool] = None, flat: Optional[bool] = None):
        self.settings = settings
        self.originals = tuple(originals)
        self.boilerplate = tuple(boilerplate)
        self._own: dict[int, frozenset] = {}
        self._own_lock = threading.Lock()  # checkers serve several host threads at once
        self.flat = None
        self._postings: dict[int, tuple[int, ...]] = {}
        self._effective: list[int] = []
        # An archive's texts may still be on disk (manifest_cache): counted and keyed without reading them.
        from .manifest_cache import text_facts
        chars, digest = text_facts(self.originals)
        if flat is None:
            flat = persist or chars >= SMALL_CHARS
        if flat:
            from . import shingle_index  # numpy: imported for a large index only, never by `--help`
            self._words = shingle_index.WordMemo()
            self.flat = shingle_index.build_or_load(
                _Texts(self.originals), settings.shingle_size, settings.max_shingle_df, self.boilerplate,
                cache_dir=cache_dir, persist=persist, chars=chars, digest=digest)
        else:
            self._build_small()

    def _build_small(self) -> None:
        """A few hundred originals: Python sets, built in milliseconds, and no numpy to import.

        Built with set and dict operations that run in C: a shingle-by-shingle Python loop (setdefault and
        append for each of ~50,000 shingles at 100 originals) was ~30 ms of a 0.25 s `syndicheck check`.
        Most shingles belong to one original; only those seen in several are gathered one by one."""
        # _own_shingles() without its two copies (the set less the stop shingles, then a frozenset): ~2.5 ms at 100
        own: list[set[int]] = []
        stop, k = self._stop, self.settings.shingle_size
        for o in self.originals:
            sh = shingles(tokens(o.text), k) if o.text and not o.text.isspace() else set()
            sh -= stop
            own.append(sh)
        postings: dict[int, tuple[int, ...]] = {}
        shared: set[int] = set()
        for i, sh in enumerate(own):
            shared |= postings.keys() & sh  # looks up the original's few hundred keys, not the whole dict
            postings.update(dict.fromkeys(sh, (i,)))  # one tuple shared by all of the original's keys
        gathered: dict[int, list[int]] = {s: [] for s in shared}
        if shared:
            for i, sh in enumerate(own):
                for s in sh & shared:  # in originals order: each list ascending, as the lookup expects
                    gathered[s].append(i)
        cap = max(self.settings.max_shingle_df, 1)
        dropped: set[int] = set()
        for s, ids in gathered.items():
            if len(ids) <= cap:
                postings[s] = tuple(ids)
            else:  # boilerplate: in more originals than the cap
                del postings[s]
                dropped.add(s)
        self._postings = postings
        # Containment is measured against the shingles that survive the boilerplate cut.
        self._effective = [len(sh) - len(sh & dropped) if dropped else len(sh) for sh in own]

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

    def best(self, page_text: str, floor: Optional[float] = None) -> Optional[Match]:
        """The original this page copies, or None when it copies none well enough.

        `floor` lowers the bar: the best original whose score is at least `floor` (for near-copies)."""
        if not self.originals:
            return None
        if self.flat is None:
            return self._best_small(page_text, floor)
        found = self.flat.filtered(self._words.shingles(tokens(page_text), self.settings.shingle_size))
        if found.size <= FEW_LOOKUPS:
            few, counts = self.flat.few_hits(found.tolist())
            if len(few) <= FEW_HITS:
                return self._best_of(few, counts, self.flat.totals(few), floor) if few else None
            import numpy as np  # imported already by the flat index: here not to import it for the small one
            docs, hits = np.array(few, np.int64), np.array(counts, np.int64)
        else:
            docs, hits = self.flat.lookup(found)
        if docs.size == 0:
            return None
        if docs.size <= FEW_HITS:
            return self._best_of(docs.tolist(), hits.tolist(), self.flat.effective[docs].tolist(), floor)
        total = self.flat.effective[docs]
        usable = (total >= 3) & (docs < len(self.originals))  # fewer than 3: too short to judge by text
        docs, hits, total = docs[usable], hits[usable], total[usable]
        if docs.size == 0:
            return None
        # Float64 division of the same integers: bit for bit the score n / total that Python gives.
        scores = hits / total
        j = int(scores.argmax())  # the first of equal scores: originals order, the same on every run
        score = float(scores[j])
        if score < (self.settings.min_containment if floor is None else floor):
            return None
        return Match(self.originals[int(docs[j])], min(score, 1.0))

    def _best_of(self, docs: list[int], hits: list[int], totals: list[int], floor: Optional[float]) -> Optional[Match]:
        """best() over a few (original, hits, effective) rows, originals ascending: the numpy path's answer."""
        n_originals = len(self.originals)
        best_doc, best_score = -1, -1.0
        for doc, n, total in zip(docs, hits, totals):
            if total >= 3 and doc < n_originals:  # fewer than 3: too short to judge by text
                score = n / total  # the same IEEE division of the same integers as numpy's
                if score > best_score:  # strictly: the first of equal scores wins, as argmax() picks it
                    best_doc, best_score = doc, score
        if best_doc < 0 or best_score < (self.settings.min_containment if floor is None else floor):
            return None
        return Match(self.originals[best_doc], min(best_score, 1.0))

    def _best_small(self, page_text: str, floor: Optional[float] = None) -> Optional[Match]:
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
        """The original's shingles (process-local hashes, as shingles.shingles() gives), boilerplate removed."""
        i = self._position.get(id(original))
        if i is None or self.originals[i] is not original:
            return frozenset(shingles(tokens(original.text), self.settings.shingle_size))
        own = self._own.get(i)
        if own is None:
            own = self._own_shingles(original.text)
            with self._own_lock:
                if len(self._own) >= 64:  # only the originals pages are matching now
                    self._own.pop(next(iter(self._own)))
                self._own[i] = own
        return own

    def _own_shingles(self, text: str) -> frozenset:
        return frozenset(shingles(tokens(text), self.settings.shingle_size) - self._stop) if text.strip() \
            else frozenset()
