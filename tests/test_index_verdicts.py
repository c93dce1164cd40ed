"""The flat, saved shingle index gives the verdicts the old per-shingle Python index gave, and its cache file
is reused, keyed by texts and settings, and rebuilt (with a log line) when damaged."""
from __future__ import annotations

import json
import logging
import os
import random
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pytest

from checker import shingle_index
from checker.match import MatchSettings, OriginalIndex
from checker.models import Match, Original
from checker.shingles import shingle_hashes, shingles, tokens

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dcnf-texts"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/dcnf-texts")


class ReferenceIndex:
    """The index as it was before the flat one (Python sets and dicts of hash() values), kept as the oracle."""

    def __init__(self, originals: Sequence[Original], settings: MatchSettings, boilerplate: Sequence[str] = ()):
        self.settings, self.originals = settings, tuple(originals)
        k = settings.shingle_size
        stop: set[int] = set()
        for text in boilerplate:
            stop |= shingles(tokens(text), k)
        postings: dict[int, list[int]] = {}
        for i, o in enumerate(self.originals):
            for s in (frozenset(shingles(tokens(o.text), k) - stop) if o.text.strip() else frozenset()):
                postings.setdefault(s, []).append(i)
        cap = max(settings.max_shingle_df, 1)
        self._postings = {s: ids for s, ids in postings.items() if len(ids) <= cap}
        self._effective = [0] * len(self.originals)
        for ids in self._postings.values():
            for i in ids:
                self._effective[i] += 1

    def best(self, page_text: str) -> Optional[Match]:
        if not self.originals:
            return None
        hits: Counter = Counter()
        for s in self._postings.keys() & shingle_hashes(tokens(page_text), self.settings.shingle_size):
            hits.update(self._postings[s])
        best: Optional[Match] = None
        for i, n in sorted(hits.items()):
            total = self._effective[i]
            if total < 3:
                continue
            score = n / total
            if score >= self.settings.min_containment and (best is None or score > best.score):
                best = Match(self.originals[i], min(score, 1.0))
        return best


def _verdict(m: Optional[Match]) -> Optional[tuple[str, float]]:
    return None if m is None else (m.original.id, m.score)


def _same_verdicts(originals, pages, settings, boilerplate=(), **kw) -> int:
    old = ReferenceIndex(originals, settings, boilerplate)
    tiers = [OriginalIndex(originals, settings, boilerplate, **kw)]
    if "persist" not in kw:
        tiers += [OriginalIndex(originals, settings, boilerplate, flat=flat) for flat in (True, False)]
    matched = 0
    for page in pages:
        want = _verdict(old.best(page))
        for new in tiers:
            assert _verdict(new.best(page)) == want, page[:200]
        matched += want is not None
    return matched


def _pages_from(rng: random.Random, texts: list[str], n: int) -> list[str]:
    """Copies, excerpts of every length, two stories spliced, shuffled paragraphs, unrelated text."""
    pages = []
    for _ in range(n):
        a, b = rng.choice(texts), rng.choice(texts)
        pa, pb = a.split("\n\n"), b.split("\n\n")
        kind = rng.randrange(6)
        if kind == 0:
            pages.append(f"Header menu. {a} Footer © 2026.")
        elif kind == 1:
            cut = rng.randint(0, len(pa))
            pages.append("\n\n".join(pa[:cut]))
        elif kind == 2:
            pages.append("\n\n".join(pa[: rng.randint(0, len(pa))] + pb[: rng.randint(0, len(pb))]))
        elif kind == 3:
            rng.shuffle(pa)
            pages.append("\n\n".join(pa[: max(1, len(pa) * 2 // 3)]))
        elif kind == 4:
            words = a.split()
            pages.append(" ".join(w for w in words if rng.random() > 0.15))  # words dropped: partial hits
        else:
            pages.append(" ".join(rng.choice(("the", "a", "story", "today", "news", "of")) for _ in range(300)))
    return pages


def test_generated_texts_same_verdicts(pack) -> None:
    rng = random.Random(14)
    vocab = [f"w{i}" for i in range(800)]  # a small vocabulary: many shared shingles, df caps, near ties
    shared = [" ".join(rng.choice(vocab) for _ in range(60)) for _ in range(8)]
    texts = []
    for i in range(400):
        paras = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 80))) for _ in range(rng.randint(0, 8))]
        if rng.random() < 0.3:
            paras.append(rng.choice(shared))  # a sign-off some originals share: df above the cap
        texts.append("\n\n".join(paras))
    texts += ["", "   ", "one", "two words", "x y z w", "Σίσυφος ΚΑΙ ΣΙΣΥΦΟΣ", "a\u00a0b c—d e…f"]
    texts.append(texts[10])  # the same text twice: a tie, the earlier original wins
    originals = [Original(id=f"o{i}", url=f"https://o.example/{i}", authors=("A B",), text=t)
                 for i, t in enumerate(texts)]
    pages = _pages_from(rng, [t for t in texts if t.strip()], 600) + ["", "one", "two words", texts[10]]
    for settings in (MatchSettings(), MatchSettings(0.3, 3, 2), MatchSettings(0.8, 8, 1), MatchSettings(0.5, 2, 50)):
        matched = _same_verdicts(originals, pages, settings, boilerplate=(shared[0],))
        assert matched > 50  # the comparison covered real matches, not only "no match" on both sides


def _corpus_originals() -> list[Original]:
    path = CORPUS / "abp_dcnf_originals.jsonl"
    if not path.is_file():
        pytest.skip(f"the DCNF corpus is not here ({path})")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [Original(id=r["abp_id"], url=r["url"], title=r["title"], authors=("Staff",), text=r["content_original"])
            for r in rows]


def test_real_texts_same_verdicts(pack, tmp_path) -> None:
    originals = _corpus_originals()
    rng = random.Random(15)
    texts = [o.text for o in originals]
    pages = _pages_from(rng, texts, 500)
    copies = CORPUS / "abp_partner_copies_dailysignal.jsonl"
    if copies.is_file():
        pages += [json.loads(line)["content_original"] for line in copies.read_text("utf-8").splitlines() if line]
    boiler = (pack.notice,) if pack.notice else ()
    # In memory, then through a saved file, then through the reloaded file: all three agree with the oracle.
    matched = _same_verdicts(originals, pages, pack.match, boiler)
    assert matched > 100
    _same_verdicts(originals, pages, pack.match, boiler, persist=True, cache_dir=tmp_path)
    assert len(list((tmp_path / "index").glob("*.idx"))) == 1
    _same_verdicts(originals, pages, pack.match, boiler, persist=True, cache_dir=tmp_path)


def test_stable_hashes_are_the_same_in_another_process() -> None:
    import subprocess
    import sys
    words = tokens("The quick brown fox — jumps “over” the lazy dog’s back, Σίσυφος.")
    here = [int(x) for x in shingle_index.stable_shingles(words, 5)]
    code = ("from checker import shingle_index; "
            f"print(list(map(int, shingle_index.stable_shingles({words!r}, 5))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""}, cwd=Path(__file__).resolve().parents[1])
    assert json.loads(out.stdout) == here
    assert len(set(here)) == len(here) == len(words) - 4


def _big_originals(n: int = 300) -> list[Original]:
    rng = random.Random(3)
    vocab = [f"v{i}" for i in range(20000)]
    return [Original(id=str(i), url=f"https://o/{i}", authors=("A B",),
                     text=" ".join(rng.choice(vocab) for _ in range(600))) for i in range(n)]


def test_saved_index_is_keyed_by_texts_and_settings(pack, tmp_path) -> None:
    originals = _big_originals()
    a = OriginalIndex(originals, pack.match, cache_dir=tmp_path, persist=True)
    files = list((tmp_path / "index").glob("*.idx"))
    assert len(files) == 1 and isinstance(a.flat.keys.base, np.memmap)
    OriginalIndex(originals, pack.match, cache_dir=tmp_path, persist=True)  # reused: no second file
    assert list((tmp_path / "index").glob("*.idx")) == files
    OriginalIndex(originals, MatchSettings(shingle_size=4), cache_dir=tmp_path, persist=True)
    changed = originals[:-1] + [Original(id="x", url="https://o/x", authors=("A B",), text="other words " * 50)]
    OriginalIndex(changed, pack.match, cache_dir=tmp_path, persist=True)
    assert len(list((tmp_path / "index").glob("*.idx"))) == 3


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "other-version"])
def test_damaged_index_file_is_rebuilt_with_a_log_line(pack, tmp_path, caplog, damage) -> None:
    originals = _big_originals(120)
    first = OriginalIndex(originals, pack.match, cache_dir=tmp_path, persist=True)
    page = originals[7].text
    want = _verdict(first.best(page))
    [path] = (tmp_path / "index").glob("*.idx")
    data = path.read_bytes()
    del first
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00garbage" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(data.replace(b'"version": %d' % shingle_index.FORMAT_VERSION, b'"version": 999', 1))
    with caplog.at_level(logging.WARNING, logger="checker.shingle_index"):
        again = OriginalIndex(originals, pack.match, cache_dir=tmp_path, persist=True)
    assert _verdict(again.best(page)) == want == ("7", 1.0)
    assert any("damaged" in r.getMessage() and "rebuilding" in r.getMessage() for r in caplog.records)
    assert path.read_bytes() == data  # rebuilt and saved again


def test_unwritable_cache_dir_still_checks(pack, tmp_path, caplog) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with caplog.at_level(logging.WARNING, logger="checker.shingle_index"):
        index = OriginalIndex(_big_originals(50), pack.match, cache_dir=blocker, persist=True)
    assert _verdict(index.best(index.originals[3].text)) == ("3", 1.0)
    assert any("cannot save the originals index" in r.getMessage() for r in caplog.records)


def test_small_originals_leave_no_file(pack, tmp_path, original) -> None:
    OriginalIndex([original], pack.match, cache_dir=tmp_path)
    assert not (tmp_path / "index").exists()


def test_library_calls_reuse_one_index(pack) -> None:
    from checker import api
    from checker.pipeline import Checker

    originals = _big_originals(40)
    first = Checker.build(pack, originals).index
    assert Checker.build(pack, list(originals)).index is first  # equal originals, another list: reused
    page = f"<html><body><p>{originals[5].text}</p></body></html>"
    result = api.check_html(page, originals, pack=pack)
    assert result.original is not None and result.original.id == "5"
    assert Checker.build(pack, originals).index is first
    other = originals[:-1]
    assert Checker.build(pack, other).index is not first


def test_bucketed_lookup_finds_every_posting() -> None:
    """hits_of() against a plain dict of the same postings, keys repeated up to the df cap included."""
    rng = np.random.default_rng(7)
    for size in (1, 3, 300, 20_000):
        keys = rng.integers(0, 2 ** 64 - 1, size, dtype=np.uint64)
        keys = np.concatenate([keys, np.repeat(keys[: max(1, size // 10)], 3)])  # a key held by 4 originals
        docs = rng.integers(0, 500, keys.size).astype(np.int32)
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order], docs[order]
        directory, bits = shingle_index._directory(keys)
        unfiltered = shingle_index.FlatIndex(keys, docs, np.zeros(500, np.int32), directory, bits)
        mask_bits = shingle_index._bits(keys.size)
        masks = shingle_index._masks(keys, keys >> np.uint64(64 - mask_bits), 1 << mask_bits)
        filtered = shingle_index.FlatIndex(keys, docs, np.zeros(500, np.int32), directory, bits, masks, mask_bits)
        postings: dict[int, list[int]] = {}
        for key, doc in zip(keys.tolist(), docs.tolist()):
            postings.setdefault(key, []).append(doc)
        page = np.concatenate([keys[:: max(1, size // 40)], keys[:2], rng.integers(0, 2 ** 64 - 1, 400, dtype=np.uint64)])
        want = Counter(d for key in set(page.tolist()) for d in postings.get(key, ()))
        for flat in (unfiltered, filtered):  # the filter drops no shingle that an original holds
            got_docs, got_counts = flat.hits_of(page)
            assert dict(zip(got_docs.tolist(), got_counts.tolist())) == want and want
            # the same looked up one by one in Python (what best() does with the few the filter lets through)
            few_docs, few_counts = flat.few_hits(flat.filtered(page).tolist())
            assert few_docs == got_docs.tolist() and few_counts == got_counts.tolist()
        # ... and most of those that none holds (two bits a key: ~1-4% pass at 2-4 keys per mask; one bit, ~6-12%)
        absent = rng.integers(0, 2 ** 64 - 1, 4000, dtype=np.uint64)
        absent = absent[~np.isin(absent, keys)]
        passed = filtered.filtered(absent)
        assert passed.size < 0.1 * absent.size
        # every key passes, whatever is looked up with it
        assert set(filtered.filtered(np.concatenate([absent, keys])).tolist()) == set(passed.tolist()) | set(keys.tolist())


def test_a_worker_maps_the_index_the_client_saved(pack, tmp_path, monkeypatch) -> None:
    """ShippedChecker in another process (another hash seed): the saved index is mapped, never rebuilt."""
    import pickle
    import subprocess
    import sys

    from checker.shipped_checker import ShippedChecker
    from checker.pipeline import Checker

    monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path))
    originals = _big_originals(2000)  # 600 words each: past the size where the index is saved
    checker = Checker.build(pack, originals)
    assert isinstance(checker.index.flat.keys.base, np.memmap)
    shipped = tmp_path / "shipped.pickle"
    shipped.write_bytes(pickle.dumps(ShippedChecker(pack, originals, checker=checker)))
    code = ("import pickle, sys\n"
            "from checker import shingle_index\n"
            "def no_build(*a, **k): raise SystemExit('rebuilt the index')\n"
            "shingle_index.build = shingle_index._partitions = no_build\n"
            f"c = pickle.loads(open({str(shipped)!r}, 'rb').read()).get()\n"
            "m = c.index.best(c.index.originals[1234].text)\n"
            "print(type(c.index.flat.keys.base).__name__, m.original.id, m.score)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONHASHSEED": "99", "SYNDICHECK_CACHE_DIR": str(tmp_path)},
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["memmap", "1234", "1.0"]
    assert len(list((tmp_path / "index").glob("*.idx"))) == 1


def test_every_allowed_shingle_size_hashes_without_warnings() -> None:
    import warnings
    words = tokens("one two three four five six seven eight nine ten eleven twelve thirteen fourteen")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's scalar overflow warning would reach the user's terminal
        for k in range(2, 13):  # ruleset.py allows shingle_size 2 to 12
            full = shingle_index.stable_shingles(words, k)
            assert full.size == len(words) - k + 1 and np.unique(full).size == full.size
            assert np.array_equal(shingle_index.WordMemo().shingles(words, k), full)
            assert shingle_index.stable_shingles(words[: k - 1], k).size == 1


def test_index_built_into_its_file_equals_the_one_built_in_memory(tmp_path) -> None:
    """The same arrays either way: boilerplate removed, keys past the df cap dropped, repeats counted once."""
    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(300)]
    shared = " ".join(rng.choice(vocab) for _ in range(40))  # in many originals: past the df cap
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 400))) + (f" {shared}" if i % 3 else "")
             for i in range(400)]
    texts[7] = texts[8] = "too short"
    texts[9] = texts[10] + " " + texts[10]  # an original that repeats itself
    stop = shingle_index.stable_shingles(tokens(texts[11][:200]), 5)
    memory = shingle_index.build(texts, 5, 5, stop)
    path = shingle_index._build_to_file(texts, 5, 5, stop, tmp_path, "k" * 40)
    mapped = shingle_index.load(tmp_path, "k" * 40)
    assert path is not None and mapped is not None and memory.postings > 10_000
    for name in ("keys", "docs", "effective", "directory", "masks"):
        assert np.array_equal(getattr(memory, name), getattr(mapped, name)), name
    assert memory.bits == mapped.bits and memory.mask_bits == mapped.mask_bits
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("kernel", ["none", "refuses", "in bits", "fails midway"])
def test_the_index_file_is_the_same_however_the_kernel_copies(tmp_path, monkeypatch, kernel) -> None:
    """The docs and the filter are appended by os.copy_file_range where it works; without it, when it refuses
    (another file system), copies a little at a time or fails halfway, the rest goes through a read/write loop."""
    rng = random.Random(6)
    vocab = [f"w{i}" for i in range(200)]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 300))) for _ in range(300)]
    stop = np.zeros(0, np.uint64)
    assert shingle_index._build_to_file(texts, 5, 5, stop, tmp_path / "a", "k" * 40) is not None
    real = getattr(os, "copy_file_range", None)
    calls = []

    def copy(src, dst, count, offset_src=None, offset_dst=None):
        calls.append(count)
        if kernel == "refuses" or (kernel == "fails midway" and len(calls) > 3):
            raise OSError(18, "Invalid cross-device link")
        if real is None:  # this system has none: act as one
            data = os.pread(src, min(count, 1000), offset_src)
            return os.pwrite(dst, data, offset_dst)
        return real(src, dst, min(count, 1000), offset_src, offset_dst)

    if kernel == "none":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    else:
        monkeypatch.setattr(os, "copy_file_range", copy, raising=False)
    assert shingle_index._build_to_file(texts, 5, 5, stop, tmp_path / "b", "k" * 40) is not None
    assert (tmp_path / "a" / ("k" * 40 + ".idx")).read_bytes() == (tmp_path / "b" / ("k" * 40 + ".idx")).read_bytes()
    assert (len(calls) > 3) == (kernel in ("in bits", "fails midway"))


@pytest.mark.parametrize("ratio", [1, 2, 4, 8, 16, 1024])
@pytest.mark.parametrize("dtype", [np.uint32, np.int64])
def test_directory_buckets_add_up_the_finer_counts(ratio, dtype) -> None:
    counts = np.random.default_rng(ratio).integers(0, 9, 256 * ratio).astype(dtype)
    summed = shingle_index._per_bucket(counts, 256)
    assert summed.dtype == dtype and summed.tolist() == counts.reshape(256, ratio).sum(axis=1).tolist()


def test_an_index_file_of_no_postings_loads(tmp_path) -> None:
    for texts in (["", "  "], ["one two three four five"] * 9):  # nothing to index; every key past the df cap
        assert shingle_index._build_to_file(texts, 5, 5, np.zeros(0, np.uint64), tmp_path, "z" * 40) is not None
        mapped = shingle_index.load(tmp_path, "z" * 40)
        memory = shingle_index.build(texts, 5, 5, np.zeros(0, np.uint64))
        assert mapped is not None and mapped.postings == memory.postings == 0
        assert np.array_equal(mapped.effective, memory.effective) and np.array_equal(mapped.directory, memory.directory)
        assert mapped.hits_of(shingle_index.stable_shingles(["one", "two", "three", "four", "five"], 5))[0].size == 0


@pytest.mark.parametrize("max_df", [3, 1, 0])
def test_flat_index_holds_exactly_the_postings_a_plain_dict_gives(max_df) -> None:
    """keys/docs/effective against a reference in plain Python: distinct (shingle, original) pairs minus the
    boilerplate's, keys of more than max_df originals dropped, originals ascending within a key."""
    rng = random.Random(9)
    vocab = [f"w{i}" for i in range(60)]  # a small vocabulary: many keys shared, some past the df cap
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 120))) for _ in range(300)]
    texts[4] = "two words"
    texts[5] = texts[6] + " " + texts[6]
    stop_words = tokens(texts[10][:150])
    stop = shingle_index.stable_shingles(stop_words, 5)
    index = shingle_index.build(texts, 5, max_df, stop)
    held: dict[int, set[int]] = {}
    for i, text in enumerate(texts):
        for key in shingle_index.stable_shingles(tokens(text), 5).tolist() if tokens(text) else []:
            held.setdefault(key, set()).add(i)
    for key in stop.tolist():
        held.pop(key, None)
    want = [(key, doc) for key in sorted(held) if len(held[key]) <= max_df for doc in sorted(held[key])]
    assert list(zip(index.keys.tolist(), index.docs.tolist())) == want and (len(want) > 1000 or max_df == 0)
    assert index.effective.tolist() == [sum(1 for _, d in want if d == i) for i in range(len(texts))]


def test_few_hits_scored_in_python_as_numpy_scores_them(monkeypatch) -> None:
    """best() on the flat index: the Python loop for pages hitting a few originals and the numpy path give
    the same original and the same float score, at every floor, ties to the earlier original included."""
    from checker import match

    rng = random.Random(11)
    originals = _big_originals(400)
    twins = [Original(id=f"t{i}", url=f"https://o/t{i}", authors=("A B",), text=originals[5].text) for i in range(2)]
    index = OriginalIndex(originals + twins, MatchSettings(max_shingle_df=90), flat=True)
    texts = [o.text for o in originals[:40]]
    pages = [t[: len(t) // k] for t in texts for k in (1, 2, 3, 5)]  # copies and near-copies
    pages += [" ".join(rng.sample(texts, 3)), texts[5], " ".join(o.text[:300] for o in originals[:120])]  # mixes; twins
    pages += [" ".join(rng.choice(texts).split()[:: rng.randint(2, 4)]) for _ in range(30)]
    hit_counts = [index.flat.hits_of(index._words.shingles(tokens(p), 5))[0].size for p in pages]
    assert min(hit_counts) <= 3 and max(hit_counts) > match.FEW_HITS  # both paths taken by default
    for floor in (None, 0.2, 0.05):
        in_python = [index.best(p, floor) for p in pages]
        # Scored in numpy, and the shingles the filter lets through looked up in numpy or in Python (few_hits)
        for few_hits, few_lookups in ((0, match.FEW_LOOKUPS), (0, 0), (0, 10 ** 9), (64, 0), (64, 10 ** 9)):
            monkeypatch.setattr(match, "FEW_HITS", few_hits)
            monkeypatch.setattr(match, "FEW_LOOKUPS", few_lookups)
            other = [index.best(p, floor) for p in pages]
            assert [_verdict(m) for m in in_python] == [_verdict(m) for m in other], (few_hits, few_lookups)
        monkeypatch.undo()
        assert any(m is not None for m in in_python) and any(m is None for m in in_python)


def _hostile_texts() -> list[str]:
    rng = random.Random(8)
    alphabet = "abcXYZ09 .,;’“”é\u00a0\u2009\u3000\u2003\x85\n\t\r\x0b\x0c\x1c\x1f—–…Σσς\ud800Ω-'\"İ\u212a"
    texts = ["", "   ", "\x1c\x1d", "ΣΊΣΥΦΟΣ Σίσυφος όσος", "a\x85b c\u3000d e\u2003f", "one two three",
             "Ünïcödé WORDS ’quoted’ “here” — dash… \ud800 lone", "a\tb\nc\rd\x0be\x0cf\x1cg\x1fh", "İstanbul \u212a",
             "x" * 5000 + " short " + "é" * 3000 + " and then some more words",  # words past 4,096 bytes
             "y" * (shingle_index._CHUNK + 10) + " a word longer than a hashing chunk, then words",
             " ".join(f"word{i}" for i in range(300_000))]  # a text cut into chunks at spaces
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(1500)]
    if CORPUS.is_dir():
        texts += [json.loads(line)["content_original"] for line in
                  (CORPUS / "abp_dcnf_originals.jsonl").read_text("utf-8").splitlines()[:40] if line.strip()]
    return texts


def test_the_build_hashes_words_from_bytes_as_tokens_and_word_hashes_do() -> None:
    """The index build tokenises and hashes UTF-8 bytes in numpy (no Python object per word): every text gives
    the words tokens() gives, hashed as word_hashes() hashes them, and every shingle stable_shingles() gives."""
    texts = _hostile_texts()
    hasher = shingle_index._ByteHasher()
    segments = []
    for text in texts:
        words = shingle_index.text_words(text.encode("utf-8", "surrogatepass"))
        assert [w.decode("utf-8", "surrogatepass") for w in words.split()] == tokens(text)
        starts, hashes = hasher.words(words)
        assert np.array_equal(hashes, shingle_index.word_hashes(tokens(text))), repr(text[:60])
        segments.append(words)
    ids = [i for i, words in enumerate(segments) if words.strip()]
    keys, docs = shingle_index._batch_shingles([segments[i] for i in ids], ids, 5, hasher)
    expected = sorted((int(key), i) for i in ids for key in shingle_index.stable_shingles(tokens(texts[i]), 5))
    assert sorted(zip(keys.tolist(), docs.tolist())) == expected


def test_an_index_built_from_stored_bytes_equals_one_built_from_str(tmp_path) -> None:
    texts = _hostile_texts()[:400]

    class AsBytes(list):
        def utf8(self):
            return (t.encode("utf-8", "surrogatepass") for t in self)

    stop = shingle_index.stable_shingles(tokens("one two three four five six"), 5)
    from_str = shingle_index.build(texts, 5, 5, stop)
    from_bytes = shingle_index.build(AsBytes(texts), 5, 5, stop)
    for name in ("keys", "docs", "effective", "directory", "masks"):
        assert np.array_equal(getattr(from_str, name), getattr(from_bytes, name)), name
