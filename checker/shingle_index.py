"""A flat, process-independent shingle index over originals: numpy arrays built once, saved, memory-mapped."""
from __future__ import annotations

import hashlib
import json
import logging
import os
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Sequence

import numpy as np

from .shingles import _ASCII_TABLE, _CAPITAL_SIGMA, _WIDE_PUNCT, tokens

log = logging.getLogger(__name__)

# Bump when the hash function or the file layout changes: old files are then never read.
FORMAT_VERSION = 5  # 4: the candidate filter (masks) after the directory; 5: two bits a key in the filter
_MAGIC = b"SYNDIDX1"
_HEADER = 4096  # bytes: magic + JSON metadata, zero-padded; the arrays follow, 8-byte aligned
# Below this much original text, building is quicker than hashing the texts for a cache key and
# reading a file; tests and one-off checks then leave nothing behind in the cache directory.
PERSIST_MIN_CHARS = 1_000_000
KEEP_FILES = 8  # index files kept in the cache directory; the least recently used go first

_U64 = np.uint64
# Odd 64-bit constants: multipliers mod 2**64 (arithmetic on uint64 arrays wraps, as wanted here).
_Q = _U64(0x9E3779B97F4A7C15)
_R = _U64(0xC2B2AE3D27D4EB4F)
_G = _U64(0x165667B19E3779F9)
_POW_SPAN = 4096
_TRUE = np.ones(1, bool)
_BIT32 = np.left_shift(np.uint32(1), np.arange(32, dtype=np.uint32))  # _BIT32[j] == 1 << j
# A key's two bits in its filter mask, by its low 10 bits: 1 << (bits 0-4) | 1 << (bits 5-9) (one bit when they
# are equal). With one bit a key, a mask of ~2 keys let ~6% of absent shingles through; with two, ~1.5%, and
# each one let through costs the lookups the filter is there to spare (~3 cache misses in a 400 MiB index).
_BIT2 = (_BIT32[np.arange(1024) & 31] | _BIT32[np.arange(1024) >> 5]).astype(np.uint32)
# Q**t for t < 4096; byte t of a word is weighted by Q**(t % 4096) plus a term for t // 4096, so a
# 10 MB "word" on a hostile page needs no 80 MB table.
_QPOW = np.cumprod(np.concatenate([np.ones(1, _U64), np.full(_POW_SPAN - 1, _Q, _U64)]), dtype=_U64)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise: spreads every input bit over the whole word. In place: z (an array
    of the caller's own) is overwritten and returned."""
    # One scratch array instead of a new one per step: an index build mixes arrays of ~1 MiB, and every new
    # one of that size is fresh pages from the system (mapped, faulted in, unmapped): twice the time.
    t = z >> _U64(30)
    z ^= t
    z *= _U64(0xBF58476D1CE4E5B9)
    np.right_shift(z, _U64(27), out=t)
    z ^= t
    z *= _U64(0x94D049BB133111EB)
    np.right_shift(z, _U64(31), out=t)
    z ^= t
    return z


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """A stable 64-bit hash per word (the same in every process, unlike hash())."""
    if not words:
        return np.zeros(0, _U64)
    return _joined_hashes(" ".join(words).encode("utf-8", "surrogatepass"))


def _joined_hashes(joined: bytes) -> np.ndarray:
    """word_hashes() of the words of `joined`, their UTF-8 bytes one space apart."""
    b = np.frombuffer(joined, np.uint8)
    space = b == 32
    starts = np.concatenate([np.zeros(1, np.int64), np.flatnonzero(space) + 1])
    # Position of each byte inside its word: byte index minus its word's start.
    word_of = np.cumsum(space, dtype=np.int64)
    rel = np.arange(b.size, dtype=np.int64) - starts[word_of]
    weight = _QPOW[rel & (_POW_SPAN - 1)] + (rel >> 12).astype(_U64) * _G
    x = b.astype(_U64) + _U64(1)
    x[space] = 0
    sums = np.add.reduceat(x * weight, starts, dtype=_U64)
    lengths = np.diff(np.concatenate([starts, np.array([b.size + 1], np.int64)])) - 1
    return _mix(sums ^ (lengths.astype(_U64) * _R))


# The words of an index build are hashed from the texts' UTF-8 bytes, with no Python object per word: a word
# is a run of bytes that are not a space. text_words() gives those bytes, the words of tokens() apart by one
# or more spaces: ASCII punctuation and every ASCII character str.split() splits at become a space and
# capitals small letters, as in tokens(); in a text whose other characters are all wide punctuation, every
# byte of those (all >= 0x80) becomes a space too.
_WORD_TABLE = bytes(32 if c < 128 and chr(c).isspace() else c for c in _ASCII_TABLE)
_WORD_TABLE_WIDE = _WORD_TABLE[:128] + b" " * 128
_ASCII_BYTES = bytes(range(128))
_WIDE_UTF8 = {ch: ch.encode("utf-8") for ch in _WIDE_PUNCT}
_WIDE_SET = frozenset(_WIDE_PUNCT)
_QINV = _U64(pow(int(_Q), -1, 1 << 64))  # Q is odd, so invertible modulo 2**64
_CHUNK = 1 << 20  # bytes of text_words() an index build gathers before hashing them and cutting the shingles
# Bytes hashed at a time: the per-byte passes of a block of 128 KiB (its uint64 arrays: 1 MiB each) stay in the
# core's L2 cache. Blocks of 1 MiB (8 MiB arrays) made the same passes about twice as slow (measured: 14 -> 6 ns
# a byte for the whole of words()), the per-block numpy calls cost ~2 µs each.
_BLOCK = 1 << 17


def text_words(data: bytes) -> bytes:
    """A text's UTF-8 bytes -> the words tokens() gives, one or more spaces apart (see _WORD_TABLE)."""
    rest = data.translate(None, _ASCII_BYTES)  # its non-ASCII characters' bytes: whole UTF-8 sequences
    if not rest:
        return data.translate(_WORD_TABLE)
    try:
        present = set(rest.decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError:
        present = {_CAPITAL_SIGMA}  # (not from a str's encoding): tokens() of what decodes
    if present <= _WIDE_SET:
        return data.translate(_WORD_TABLE_WIDE)
    if _CAPITAL_SIGMA in present:  # its small form depends on the letters around it: tokens() decides
        return " ".join(tokens(data.decode("utf-8", "surrogatepass"))).encode("utf-8", "surrogatepass")
    raw = data.translate(_WORD_TABLE)
    for ch in present & _WIDE_SET:
        raw = raw.replace(_WIDE_UTF8[ch], b" ")  # UTF-8 is self-synchronising: as str.replace()
    # Letters beyond ASCII: lower() letter by letter (no Σ here), then any whitespace is one space.
    return " ".join(raw.decode("utf-8", "surrogatepass").lower().split()).encode("utf-8", "surrogatepass")


class _ByteHasher:
    """word_hashes() of the words of text_words() buffers, for one index build (it keeps its power tables and
    its scratch arrays, which every block reuses)."""

    def __init__(self) -> None:
        self._qpow = self._qinv = self._sums = np.ones(1, _U64)
        self._edges = np.ones(1, bool)

    def _tables(self, n: int) -> None:
        """Q**t and Q**-t for t < n (modulo 2**64), and scratch arrays for a block of n bytes."""
        if self._qpow.size < n:
            size = max(n, _BLOCK)
            self._qpow, self._qinv = (
                np.cumprod(np.concatenate([np.ones(1, _U64), np.full(size - 1, q, _U64)]), dtype=_U64)
                for q in (_Q, _QINV))
            self._sums = np.zeros(size + 1, _U64)  # [0] stays 0: the prefix sum before the first byte
            self._edges = np.zeros(size + 1, bool)

    def words(self, buf: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(start offset, word_hashes() hash) of each word of buf: a run of bytes that are not a space."""
        data = np.frombuffer(buf, np.uint8)
        if len(buf) <= _BLOCK:
            return self._block(buf, data, 0)
        # Cut at a space about every _BLOCK bytes (a block is a view of buf, not a copy).
        starts: list[np.ndarray] = []
        hashes: list[np.ndarray] = []
        pos, n = 0, len(buf)
        while pos < n:
            end = min(pos + _BLOCK, n)
            if end < n:
                cut = buf.rfind(b" ", pos, end)
                if cut < 0:  # inside a word longer than a block: on to its end
                    cut = buf.find(b" ", end)
                end = n if cut < 0 else cut + 1
            s, h = self._block(buf, data[pos:end], pos)
            starts.append(s + pos)
            hashes.append(h)
            pos = end
        return np.concatenate(starts), np.concatenate(hashes)

    def _block(self, buf: bytes, b: np.ndarray, at: int) -> tuple[np.ndarray, np.ndarray]:
        # word_hashes() sums (byte + 1) * Q**(its place in the word). Here every byte plus one is weighted by
        # Q**(its place in the block) and summed once; a word's sum is the difference of two prefix sums (its
        # bytes only: a word holds no space) times Q**-start (arithmetic modulo 2**64, where the odd Q is
        # invertible). A few passes over the bytes, where tokens() and a dict cost a Python object, a lookup and
        # an array element per word. Words of more than 4,096 bytes, weighted differently there, are hashed by
        # word_hashes()'s own code (from buf, `at` being where the block starts in it).
        n = b.size
        if not n:
            return np.zeros(0, np.int64), np.zeros(0, _U64)
        self._tables(n)
        inside = b != 32
        # A word starts where `inside` turns on and ends where it turns off (before the first byte and after
        # the last, it is off): the flips, in order, are start, end, start, end...
        edges = self._edges[:n + 1]
        edges[0], edges[n] = inside[0], inside[n - 1]
        np.not_equal(inside[1:], inside[:-1], out=edges[1:n])
        bounds = np.flatnonzero(edges)
        del inside
        if not bounds.size:
            return bounds, np.zeros(0, _U64)
        starts, ends = bounds[0::2], bounds[1::2]
        prefix = self._sums[:n + 1]
        x = prefix[1:]
        np.add(b, 1, out=x, dtype=_U64)
        x *= self._qpow[:n]
        np.cumsum(x, out=x)  # in place: prefix[i] is the weighted sum of the block's first i bytes
        at_bounds = prefix[bounds]
        sums = at_bounds[1::2] - at_bounds[0::2]
        sums *= self._qinv[starts]
        lengths = ends - starts
        mixed_in = lengths.astype(_U64)
        mixed_in *= _R
        sums ^= mixed_in
        hashes = _mix(sums)
        for j in np.flatnonzero(lengths > _POW_SPAN).tolist():
            hashes[j] = _joined_hashes(buf[at + starts[j]:at + ends[j]])[0]
        return starts, hashes


class WordMemo:
    """word_hashes() for page after page: natural text repeats its words, so most are looked up in a dict
    (C-fast) rather than hashed again; a few hundred thousand distinct words at most are kept."""

    def __init__(self, limit: int = 500_000):
        self.limit = limit
        self._memo: dict[str, int] = {}

    def shingles(self, words: Sequence[str], k: int) -> np.ndarray:
        """stable_shingles(words, k)."""
        if not words:
            return np.zeros(0, _U64)
        hs = list(map(self._memo.get, words))
        try:
            w = np.array(hs, _U64)
        except TypeError:  # words not seen before are None (found by numpy, not by a scan for None first)
            missing = list(dict.fromkeys(w for w, h in zip(words, hs) if h is None))
            fresh = dict(zip(missing, word_hashes(missing).tolist()))
            hs = [h if h is not None else fresh[w] for w, h in zip(words, hs)]
            if len(self._memo) < self.limit:
                self._memo.update(fresh)  # one atomic update: safe with other threads reading
            w = np.array(hs, _U64)
        return _fold(w, 1, w.size) if w.size < k else _fold(w, w.size - k + 1, k)


def _fold(w: np.ndarray, n: int, k: int) -> np.ndarray:
    """Hashes of the runs of k consecutive word hashes in w[:n + k - 1] (n runs)."""
    acc = w[0:n].copy()
    for j in range(1, k):  # in place: no new array of n hashes per word of the run
        acc *= _R
        acc += w[j:j + n]
    # The run length, mixed in as a Python int: numpy warns about overflow in scalar (not array) arithmetic.
    acc ^= _U64((k * int(_G)) & 0xFFFFFFFFFFFFFFFF)
    return _mix(acc)


def stable_shingles(words: Sequence[str], k: int) -> np.ndarray:
    """shingles.shingles() with stable hashes: every run of k words (repeats included); fewer than k words: one."""
    w = word_hashes(words)
    if w.size == 0:
        return w
    if w.size < k:
        return _fold(w, 1, w.size)
    return _fold(w, w.size - k + 1, k)


@dataclass(frozen=True)
class FlatIndex:
    """keys[j] is a shingle held by original docs[j] (sorted by key; one row per original holding it,
    at most max_df rows per key); effective[i] is how many of original i's shingles made it in;
    directory[b] is the first row whose key's top `bits` bits are >= b; masks[b] has bits j and i set when a
    key whose top `mask_bits` bits are b has j as its low 5 bits and i as the next 5 (the candidate filter: a
    shingle with either bit clear is in no original, known from one load and no compare)."""

    keys: np.ndarray  # uint64, sorted
    docs: np.ndarray  # int32
    effective: np.ndarray  # int32, one per original
    directory: np.ndarray  # uint32 or int64, 2**bits + 1 entries
    bits: int
    masks: Optional[np.ndarray] = None  # uint32, 2**mask_bits entries
    mask_bits: int = 0

    @property
    def postings(self) -> int:
        return int(self.keys.size)

    def hits(self, page_words: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(originals, how many of the page's distinct shingles each holds), originals ascending."""
        return self.hits_of(stable_shingles(page_words, k))

    def hits_of(self, shingles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """hits() for stable shingle hashes already made (repeats allowed)."""
        return self.lookup(self.filtered(shingles))

    def filtered(self, shingles: np.ndarray) -> np.ndarray:
        """The shingles the candidate filter lets through (repeats kept): all others are in no original."""
        if self.keys.size == 0:
            return shingles[:0]
        if self.masks is None or shingles.size == 0:
            return shingles
        # Most shingles of a page that copies nothing are in no original: one look at a 4-byte mask each
        # drops ~98% of them before the directory and the keys (two or three cache misses each) are read.
        bits = _BIT2[shingles & _U64(1023)]
        return shingles[(self.masks[shingles >> _U64(64 - self.mask_bits)] & bits) == bits]

    @cached_property
    def _lists(self) -> tuple[memoryview, memoryview, memoryview, memoryview]:
        """keys, directory, docs and effective as memoryviews: an item read from Python is a plain int, in
        tens of nanoseconds (a numpy scalar costs more, and a numpy call on a few items a microsecond or two)."""
        return self.keys.data, self.directory.data, self.docs.data, self.effective.data

    def few_hits(self, shingles: Sequence[int]) -> tuple[list[int], list[int]]:
        """lookup() for a few shingles, in Python, as lists: (originals ascending, hits of each).

        What a not-a-copy page leaves after the filter (~20 shingles at 100,000 originals, ~8 of them real
        postings) costs less to look up one by one than through lookup()'s ~25 numpy calls, whose code is no
        longer in the CPU's caches by the time the next page is matched: the flat index's fixed cost per page
        over the small index's set intersection, which a not-a-copy decision at 100,000 originals pays in full."""
        keys, directory, docs, _ = self._lists
        shift = 64 - self.bits
        counts: dict[int, int] = {}
        for s in set(shingles):  # a row is one (shingle, original): a repeated sentence counts once
            b = s >> shift
            hi = directory[b + 1]
            j = bisect_left(keys, s, directory[b], hi)
            while j < hi and keys[j] == s:  # keys are sorted: a shingle's rows are next to each other
                doc = docs[j]
                counts[doc] = counts.get(doc, 0) + 1
                j += 1
        ordered = sorted(counts)
        return ordered, [counts[d] for d in ordered]

    def totals(self, docs: Sequence[int]) -> list[int]:
        """effective[] of a few originals, as ints."""
        effective = self._lists[3]
        return [effective[d] for d in docs]

    def lookup(self, shingles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """hits_of() for shingles already filtered, in numpy (for many of them)."""
        none = np.zeros(0, np.int64), np.zeros(0, np.int64)
        if shingles.size == 0 or self.keys.size == 0:
            return none
        # A binary search over all keys costs ~25 cache and TLB misses per shingle at 100,000 originals.
        # The directory gives each shingle the bucket of the few keys that share its top bits instead;
        # every key of those buckets is compared at once, and the equal ones are the postings. The page's
        # shingles are looked up as they come, repeats included: a not-a-copy page finds few or none, and
        # only those few are deduplicated (sorting all of them first cost more than the repeats do).
        bucket = shingles >> _U64(64 - self.bits)
        lo = self.directory[bucket]
        sizes = self.directory[bucket + _U64(1)] - lo
        ends = np.cumsum(sizes, dtype=np.int64)
        total = int(ends[-1])
        if total == 0:
            return none
        rows = np.repeat(lo - (ends - sizes), sizes) + np.arange(total, dtype=np.int64)
        found = rows[self.keys[rows] == np.repeat(shingles, sizes)]
        if found.size == 0:
            return none
        if found.size > 1:  # a row is one (shingle, original): a sentence the page repeats counts once
            found.sort()
            found = found[np.concatenate([_TRUE, found[1:] != found[:-1]])]
        # np.unique(return_counts=True) costs ~10 µs even on a handful of values: sort and count by hand.
        docs = np.sort(self.docs[found])
        starts = np.flatnonzero(np.concatenate([_TRUE, docs[1:] != docs[:-1]]))
        return docs[starts].astype(np.int64), np.diff(np.append(starts, docs.size))


def _bits(postings: int) -> int:
    return int(min(24, max(8, int(postings).bit_length() - 2)))  # ~4-8 keys per bucket


def _masks(keys: np.ndarray, prefix: np.ndarray, span: int) -> np.ndarray:
    """FlatIndex.masks for sorted `keys` whose mask numbers (their top bits, or the part of them inside one
    partition) are `prefix` (so non-decreasing): each mask ORs its keys' two bits (_BIT2)."""
    masks = np.zeros(span, np.uint32)
    if keys.size:
        starts = np.flatnonzero(np.concatenate([_TRUE, prefix[1:] != prefix[:-1]]))
        masks[prefix[starts]] = np.bitwise_or.reduceat(_BIT2[keys & _U64(1023)], starts)
    return masks


def _directory(keys: np.ndarray) -> tuple[np.ndarray, int]:
    bits = _bits(keys.size)
    counts = np.bincount((keys >> _U64(64 - bits)).astype(np.int64), minlength=1 << bits)
    directory = np.concatenate([np.zeros(1, np.int64), np.cumsum(counts)])
    return directory.astype(np.uint32 if keys.size < 2 ** 32 else np.int64), bits


def _partitions(texts: Sequence[str], k: int, max_df: int, stop: np.ndarray, stats: Optional[dict] = None
                ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """The index of `texts` (one per original) as (top byte, keys, originals) per partition, in key order:
    distinct shingles minus `stop`, keys held by more than max_df originals dropped (boilerplate).
    stats["pairs"] is set, before the first partition, to the number of pairs found (at least the postings)."""
    # Shingles go into 256 partitions by their top byte, so that sorting and counting happen one
    # partition at a time and no array of all pairs plus its sort order is ever alive at once.
    parts_keys: list[list[np.ndarray]] = [[] for _ in range(256)]
    parts_docs: list[list[np.ndarray]] = [[] for _ in range(256)]
    stop = np.unique(stop)
    batch: list[bytes] = []
    batch_ids: list[int] = []
    budget = 0
    hasher: Optional[_ByteHasher] = _ByteHasher()

    def flush() -> None:
        if not batch:
            return
        keys, docs = _batch_shingles(batch, batch_ids, k, hasher)
        # A stable sort on the top byte (radix, linear) keeps each partition's pairs in original order.
        top = (keys >> _U64(56)).astype(np.uint8)
        order = np.argsort(top, kind="stable")
        keys, docs = keys[order], docs[order]
        bounds = np.concatenate([np.zeros(1, np.int64), np.cumsum(np.bincount(top, minlength=256))]).tolist()
        for p in range(256):
            a, z = bounds[p], bounds[p + 1]
            if z > a:
                parts_keys[p].append(keys[a:z])
                parts_docs[p].append(docs[a:z])
        batch.clear()
        batch_ids.clear()

    # In order: texts still on disk are read in sequence, as UTF-8 bytes (never decoded, unless tokens() needs
    # the text); a text read from the store is not kept.
    utf8 = getattr(texts, "utf8", None)
    for i, text in enumerate(utf8() if utf8 is not None else texts):
        words = text_words(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        del text
        if words.strip():
            batch.append(words)
            batch_ids.append(i)
            budget += len(words)
        if budget >= _CHUNK:
            flush()
            budget = 0
    flush()
    hasher = None  # its power tables go before the partitions are sorted
    if stats is not None:
        stats["pairs"] = sum(a.size for part in parts_keys for a in part)

    for p in range(256):
        if not parts_keys[p]:
            continue
        keys = np.concatenate(parts_keys[p])
        docs = np.concatenate(parts_docs[p])
        parts_keys[p] = parts_docs[p] = []  # type: ignore[assignment]
        # Boilerplate out, per partition: the few stop keys of this top byte, not all of them against every pair.
        part_stop = stop[(stop >> _U64(56)) == _U64(p)]
        if part_stop.size:
            keep = ~np.isin(keys, part_stop)
            keys, docs = keys[keep], docs[keep]
            if not keys.size:
                continue
        # numpy's default sort (SIMD quicksort) is 5x quicker than its stable one, but leaves the originals of
        # equal keys in any order: they are put in order by sorting (run of equal keys, original) packed in
        # one integer, so that an original that repeats a sentence has its repeats side by side. Only the pairs
        # of keys held more than once are sorted so (most keys are held once, and a single pair is in order).
        order = np.argsort(keys)
        keys, docs = keys[order], docs[order]
        del order
        new = np.ones(keys.size, bool)
        new[1:] = keys[1:] != keys[:-1]
        if not new.all():
            shared = ~new
            shared[:-1] |= ~new[1:]  # a pair whose key the one before or the one after has too
            at = np.flatnonzero(shared)
            del shared
            run = np.cumsum(new[at], dtype=np.int64) << np.int64(32)  # the first of each run is new
            docs[at] = np.sort(run | docs[at].astype(np.int64)) & np.int64(0xFFFFFFFF)
            del run, at
            repeat = np.zeros(keys.size, bool)
            repeat[1:] = ~new[1:] & (docs[1:] == docs[:-1])
            if repeat.any():
                keys, docs, new = keys[~repeat], docs[~repeat], new[~repeat]
        first = np.flatnonzero(new)
        df = np.diff(np.concatenate([first, np.array([keys.size])]))
        keep = np.repeat(df <= max_df, df)
        yield p, keys[keep], docs[keep].astype(np.int32, copy=False)


def build(texts: Sequence[str], k: int, max_df: int, stop: np.ndarray) -> FlatIndex:
    """The index of `texts` in memory (see _partitions), with each original's count of the shingles that remain."""
    out_keys: list[np.ndarray] = []
    out_docs: list[np.ndarray] = []
    stats: dict = {}
    for _, keys, docs in _partitions(texts, k, max_df, stop, stats):
        out_keys.append(keys)
        out_docs.append(docs)
    keys = np.concatenate(out_keys) if out_keys else np.zeros(0, _U64)
    out_keys.clear()  # the pieces go before the next array is made: one copy of the postings at a time
    docs = np.concatenate(out_docs) if out_docs else np.zeros(0, np.int32)
    out_docs.clear()
    effective = np.bincount(docs, minlength=len(texts)).astype(np.int32)
    directory, bits = _directory(keys)
    # The filter at the resolution _build_to_file gives it (one per ~4-8 of the pairs found): the same arrays.
    mask_bits = _bits(stats.get("pairs", 0))
    masks = _masks(keys, keys >> _U64(64 - mask_bits), 1 << mask_bits)
    return FlatIndex(keys, docs.astype(np.int32, copy=False), effective, directory, bits, masks, mask_bits)


def _batch_shingles(batch: list[bytes], ids: list[int], k: int,
                    hasher: Optional[_ByteHasher] = None) -> tuple[np.ndarray, np.ndarray]:
    """(shingle hash, original) for every shingle of several originals (their text_words()), in one numpy pass."""
    buf = b" ".join(batch)
    at = np.zeros(len(batch) + 1, np.int64)  # where each text starts in buf; the last: past its end
    np.cumsum([len(words) + 1 for words in batch], out=at[1:])
    starts, w = (hasher or _ByteHasher()).words(buf)
    del buf
    # No word crosses from one text into the next (a space is between them): text j's words are those that
    # start from at[j] on and before at[j + 1]. The few text offsets are looked up among the many word starts.
    offsets = np.searchsorted(starts, at)
    del starts
    lengths = np.diff(offsets)
    doc_of_word = np.repeat(np.array(ids, np.int32), lengths)
    keys: list[np.ndarray] = []
    docs: list[np.ndarray] = []
    if w.size >= k:
        n = w.size - k + 1
        h = _fold(w, n, k)
        # A run of k words is a shingle of one original only if it does not cross into the next: the runs that
        # start in the last k - 1 words before a text's end do.
        valid = np.ones(n, bool)
        crossing = (offsets[1:, None] - np.arange(1, k, dtype=np.int64)).ravel()
        valid[crossing[(crossing >= 0) & (crossing < n)]] = False
        keys.append(h[valid])
        docs.append(doc_of_word[:n][valid])
    for j in np.flatnonzero((lengths < k) & (lengths > 0)):  # texts shorter than k words: one shingle of all
        a, z = offsets[j], offsets[j + 1]
        keys.append(_fold(w[a:z], 1, int(z - a)))
        docs.append(np.array([ids[j]], np.int32))
    if not keys:
        return np.zeros(0, _U64), np.zeros(0, np.int32)
    if len(keys) == 1:  # the usual batch: no text shorter than k words (concatenating one array copies it)
        return keys[0], docs[0]
    return np.concatenate(keys), np.concatenate(docs)


# --------------------------------------------------------------------------------------------- on disk


def cache_key(texts: Sequence[str], k: int, max_df: int, boilerplate: Sequence[str],
              digest: Optional[str] = None) -> str:
    """What the index depends on: the originals' texts in order (`digest`: their texts_digest() if known),
    shingle size, df cap, boilerplate."""
    from .text_digest import texts_digest

    meta = [FORMAT_VERSION, k, max_df, list(boilerplate), len(texts), digest or texts_digest(texts)]
    return hashlib.blake2b(json.dumps(meta).encode("utf-8"), digest_size=20).hexdigest()


def _path(directory: Path, key: str) -> Path:
    return directory / f"{key}.idx"


def _build_to_file(texts: Sequence[str], k: int, max_df: int, stop: np.ndarray, directory: Path,
                   key: str) -> Optional[Path]:
    """Build the index straight into its file (header, keys, docs, effective, directory), partition by
    partition, so that the postings are never in memory whole; written atomically. None if it cannot be."""
    path = _path(directory, key)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    docs_tmp = path.with_name(f".{path.name}.{os.getpid()}.docs.tmp")
    masks_tmp = path.with_name(f".{path.name}.{os.getpid()}.masks.tmp")
    n_docs = len(texts)
    effective = np.zeros(n_docs, np.int64)
    stats: dict = {}
    counts = np.zeros(0, np.int64)
    fine = 8
    n = 0
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f, open(docs_tmp, "w+b") as docs_file, open(masks_tmp, "w+b") as masks_file:
            f.write(b"\0" * _HEADER)
            masked = 0  # partitions whose masks are written (in order; an empty partition's are zeros)
            for p, keys, docs in _partitions(texts, k, max_df, stop, stats):
                if not counts.size:
                    # Keys per prefix of as many bits as the pairs' count asks for; the postings, fewer, want
                    # as many bits or fewer, and their buckets add up from these. The filter keeps this resolution.
                    fine = _bits(stats["pairs"])
                    counts = np.zeros(1 << fine, np.uint32 if stats["pairs"] < 2 ** 32 else np.int64)
                f.write(np.ascontiguousarray(keys, _U64).data)
                docs_file.write(np.ascontiguousarray(docs, np.int32).data)
                effective += np.bincount(docs, minlength=n_docs)
                span = 1 << (fine - 8)  # prefixes in one partition (its top byte is p)
                prefix = ((keys >> _U64(64 - fine)) & _U64(span - 1)).astype(np.int64)
                counts[p * span:(p + 1) * span] = np.bincount(prefix, minlength=span)
                masks_file.write(np.zeros((p - masked) * span, np.uint32).data)
                masks_file.write(_masks(keys, prefix, span).data)
                masked = p + 1
                n += int(keys.size)
            if not counts.size:  # no postings: the filter still has the resolution build() gives it
                fine = _bits(stats.get("pairs", 0))
            masks_file.write(np.zeros((256 - masked) * (1 << (fine - 8)), np.uint32).data)
            _append(docs_file, f)
            if n % 2:
                f.write(b"\0" * 4)  # keep the next array 8-byte aligned
            f.write(effective.astype(np.int32).data)
            if n_docs % 2:
                f.write(b"\0" * 4)
            bits = _bits(n)
            if not counts.size:
                counts = np.zeros(1 << bits, np.int64)
            dir_type = np.uint32 if n < 2 ** 32 else np.int64  # its offsets go up to n
            f.write(np.zeros(1, dir_type).data)
            f.write(np.cumsum(_per_bucket(counts, 1 << bits), dtype=dir_type).data)
            _append(masks_file, f)
            meta = {"version": FORMAT_VERSION, "key": key, "postings": n, "originals": n_docs, "bits": bits,
                    "directory": "uint32" if n < 2 ** 32 else "int64", "mask_bits": fine}
            header = _MAGIC + json.dumps(meta).encode("ascii")
            f.seek(0)
            f.write(header.ljust(_HEADER, b"\0"))
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot save the originals index in %s: %s", directory, exc.strerror or exc)
        return None
    finally:
        for leftover in (tmp, docs_tmp, masks_tmp):
            try:
                leftover.unlink()
            except OSError:
                pass
    _prune(directory)
    return path


def _per_bucket(counts: np.ndarray, buckets: int) -> np.ndarray:
    """Keys per directory bucket from the keys per finer prefix: `counts` summed in runs of len // buckets."""
    ratio = counts.size // buckets
    if ratio == 1:
        return counts
    if ratio > 8:
        return counts.reshape(buckets, ratio).sum(axis=1, dtype=counts.dtype)
    # A sum along an axis of 2 costs a call per row (8 million rows at 100,000 originals, 0.4 s): strided slices
    # are added instead. In counts' own type, which holds every count (a bucket holds at most the pairs).
    out = counts[0::ratio].copy()
    for j in range(1, ratio):
        out += counts[j::ratio]
    return out


def _append(src: BinaryIO, dst: BinaryIO) -> None:
    """Append all of the file src to dst, at dst's position (both files open, src at any position)."""
    src.flush()
    dst.flush()
    size, at = os.fstat(src.fileno()).st_size, dst.tell()
    done = 0
    # In the kernel where it can (Linux): no 16 MiB reads and writes through this process, whose buffers cost
    # CPU and, freed to the allocator rather than the system, raised the build's peak RSS by the docs' size.
    copy = getattr(os, "copy_file_range", None)
    if copy is not None:
        try:
            while done < size:
                step = copy(src.fileno(), dst.fileno(), size - done, done, at + done)
                if step <= 0:
                    break
                done += step
        except OSError:
            pass  # not between these files (another file system, an old kernel): the bytes go through here
    src.seek(done)
    dst.seek(at + done)
    while chunk := src.read(1 << 24):
        dst.write(chunk)


def load(directory: Path, key: str) -> Optional[FlatIndex]:
    """The saved index for `key`, memory-mapped; None if there is none. A damaged file is deleted
    (with a log line) so the caller rebuilds it."""
    path = _path(directory, key)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(_HEADER)
        if len(head) < _HEADER or not head.startswith(_MAGIC):
            raise ValueError("not an index file")
        meta = json.loads(head[len(_MAGIC):].rstrip(b"\0"))
        if meta.get("version") != FORMAT_VERSION or meta.get("key") != key:
            raise ValueError("written for other originals or by another version")
        n, m, bits, mask_bits = int(meta["postings"]), int(meta["originals"]), int(meta["bits"]), int(meta["mask_bits"])
        dir_type = np.dtype({"uint32": np.uint32, "int64": np.int64}[meta["directory"]])
        if not 8 <= bits <= 24 or not 8 <= mask_bits <= 24:
            raise ValueError(f"directory of {bits} bits, filter of {mask_bits}")
        docs_at = _HEADER + 8 * n
        eff_at = docs_at + 4 * n + (4 if n % 2 else 0)
        dir_at = eff_at + 4 * m + (4 if m % 2 else 0)
        masks_at = dir_at + dir_type.itemsize * ((1 << bits) + 1)
        expected = masks_at + 4 * (1 << mask_bits)
        if size != expected:
            raise ValueError(f"{size} bytes, expected {expected} (truncated?)")
        keys = np.memmap(path, _U64, "r", _HEADER, (n,)) if n else np.zeros(0, _U64)
        docs = np.memmap(path, np.int32, "r", docs_at, (n,)) if n else np.zeros(0, np.int32)
        effective = np.memmap(path, np.int32, "r", eff_at, (m,)) if m else np.zeros(0, np.int32)
        offsets = np.memmap(path, dir_type, "r", dir_at, ((1 << bits) + 1,))
        masks = np.memmap(path, np.uint32, "r", masks_at, (1 << mask_bits,))
        if int(offsets[-1]) != n:
            raise ValueError("the directory does not add up to the postings")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("originals index %s is damaged (%s); rebuilding it", path, exc)
        try:
            path.unlink()
        except OSError:
            pass
        return None
    try:
        os.utime(path)  # most recently used: the last to be pruned
    except OSError:
        pass
    # Plain ndarray views of the mapped file: indexing a np.memmap goes through Python-level hooks.
    return FlatIndex(keys.view(np.ndarray), docs.view(np.ndarray), effective.view(np.ndarray),
                     offsets.view(np.ndarray), bits, masks.view(np.ndarray), mask_bits)


def _prune(directory: Path) -> None:
    try:
        files = sorted(directory.glob("*.idx"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP_FILES:]:
            old.unlink()
    except OSError:
        pass  # another process pruned at the same time


def index_dir(cache_dir: Optional[Path] = None) -> Path:
    """Where index files live: `<cache dir>/index` (the cache dir: $SYNDICHECK_CACHE_DIR, else the user's)."""
    if cache_dir is None:
        from .paths import user_cache_dir
        cache_dir = user_cache_dir()
    return Path(cache_dir) / "index"


def build_or_load(texts: Sequence[str], k: int, max_df: int, boilerplate: Sequence[str],
                  cache_dir: Optional[Path] = None, persist: Optional[bool] = None, *,
                  chars: Optional[int] = None, digest: Optional[str] = None) -> FlatIndex:
    """The saved index when there is one for these texts and settings, else a new one (saved when large).
    `chars` and `digest`, when the caller knows them: the texts' total length and texts_digest()."""
    stop_words = [tokens(t) for t in boilerplate]
    stop = np.concatenate([stable_shingles(w, k) for w in stop_words if w] or [np.zeros(0, _U64)])
    if persist is None:
        if chars is None:
            chars = sum(len(t) for t in texts)
        persist = chars >= PERSIST_MIN_CHARS and os.environ.get("SYNDICHECK_INDEX_CACHE") != "off"
    if not persist:
        return build(texts, k, max_df, stop)
    directory = index_dir(cache_dir)
    key = cache_key(texts, k, max_df, boilerplate, digest)
    found = load(directory, key)
    if found is not None:
        return found
    # Built into the file and mapped from it: its pages are shared with other processes (Dask workers, the
    # next run) and can be dropped by the kernel, where built arrays would be this process's alone.
    if _build_to_file(texts, k, max_df, stop, directory, key) is not None:
        mapped = load(directory, key)
        if mapped is not None:
            return mapped
    return build(texts, k, max_df, stop)
