"""A large manifest parsed once is read back from the cache by later runs, its texts left on disk until read;
damage or a change means a parse."""
from __future__ import annotations

import dataclasses
import json
import logging
import marshal
import pickle

import pytest

from checker import manifest_cache, manifest_stream, strict_yaml
from checker.originals import OriginalsError, load_originals


def _manifest(path, n: int = 30, extra: str = "") -> None:
    entries = [{"id": f"a{i}", "url": f"https://o.example/{i}", "title": f"T {i}", "authors": ["Jane Doe", "Ann Roe"],
                "text": f"Para “one” {i}{extra}.\n\nPara two {i}."} for i in range(n)]
    entries[3]["published"] = "2026-01-02"
    path.write_text(json.dumps({"originals": entries}), "utf-8")


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(manifest_cache, "MIN_BYTES", 0)


def test_second_load_comes_from_the_cache(tmp_path, small_threshold, monkeypatch) -> None:
    src = tmp_path / "m.json"
    _manifest(src)
    first = load_originals(str(src), cache_dir=tmp_path / "c")
    assert len(list((tmp_path / "c" / "originals").glob("*.store"))) == 1

    def no_parse(*a, **k):
        raise AssertionError("parsed again")
    monkeypatch.setattr(strict_yaml, "load_path", no_parse)
    monkeypatch.setattr(manifest_stream, "entries", no_parse)
    assert load_originals(str(src), cache_dir=tmp_path / "c") == first
    _manifest(src, extra="!")  # other bytes: parsed, not read from the cache
    with pytest.raises(AssertionError, match="parsed again"):
        load_originals(str(src), cache_dir=tmp_path / "c")


def test_damaged_cache_file_is_parsed_again_with_a_log_line(tmp_path, small_threshold, caplog) -> None:
    src = tmp_path / "m.json"
    _manifest(src)
    first = load_originals(str(src), cache_dir=tmp_path / "c")
    [file] = (tmp_path / "c" / "originals").glob("*.store")
    good = file.read_bytes()
    meta = marshal.dumps(("d", 0, [("x",)], b""))

    def one_row(row: tuple) -> bytes:  # a well-formed file whose one entry has a field of the wrong type
        from array import array
        row_meta = marshal.dumps(("d", 0, [row], array("q", [0, 0, 0, 0]).tobytes()))
        return manifest_cache._MAGIC + len(row_meta).to_bytes(8, "little") + row_meta

    for damage in (good[:100], good[:-1], good + b"x", b"", b"\x00junk", good[:16] + b"\xff" * 64,
                   manifest_cache._MAGIC + len(meta).to_bytes(8, "little") + meta,
                   manifest_cache._MAGIC + (10**12).to_bytes(8, "little"),
                   one_row((1, "u", "t", ("a",), None)), one_row(("i", "u", "t", ["a"], None)),
                   one_row(("i", "u", "t", ("a", 2), None)), one_row(("i", "u", "t", ("a",), 2026)),
                   one_row(("i", "u", "t", ("a",))), one_row(["i", "u", "t", ("a",), None])):
        file.write_bytes(damage)
        with caplog.at_level(logging.WARNING, logger="checker.manifest_cache"):
            assert load_originals(str(src), cache_dir=tmp_path / "c") == first
        assert any("damaged" in r.getMessage() for r in caplog.records)
        caplog.clear()


def test_a_manifest_with_errors_is_never_cached(tmp_path, small_threshold) -> None:
    src = tmp_path / "m.json"
    src.write_text('{"originals": [{"id": "a", "url": "ftp://x", "authors": ["A B"]}]}', "utf-8")
    for _ in range(2):
        with pytest.raises(OriginalsError, match="expected an http"):
            load_originals(str(src), cache_dir=tmp_path / "c")
    assert not list((tmp_path / "c").glob("**/*.store"))


def test_small_manifests_are_not_cached(tmp_path) -> None:
    src = tmp_path / "m.json"
    _manifest(src)
    load_originals(str(src), cache_dir=tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_texts_read_back_carry_their_digest(tmp_path, small_threshold) -> None:
    from checker import text_digest

    src = tmp_path / "m.json"
    _manifest(src)
    load_originals(str(src), cache_dir=tmp_path / "c")
    cached = load_originals(str(src), cache_dir=tmp_path / "c")
    texts = [o.text for o in cached]
    copies = [("x" + t)[1:] for t in texts]  # equal strings, other objects: hashed, not looked up
    assert all(a == b and a is not b for a, b in zip(texts, copies))
    assert text_digest.texts_digest(texts) == text_digest.texts_digest(copies)
    # The store knows its texts' digest and length without reading them; a subset or other objects do not.
    assert manifest_cache.text_facts(cached) == (sum(map(len, texts)), text_digest.texts_digest(texts))
    assert manifest_cache.text_facts(cached[1:]) == (sum(map(len, texts[1:])), None)
    text_digest.remember(texts, "not-the-digest")  # a remembered digest serves only those very objects
    assert text_digest.texts_digest(texts) == "not-the-digest"
    assert text_digest.texts_digest(copies) != "not-the-digest"
    assert text_digest.texts_digest(copies[:-1]) != text_digest.texts_digest(copies)


def test_texts_stay_on_disk_and_read_back_equal(tmp_path, small_threshold) -> None:
    src = tmp_path / "m.json"
    entries = [{"id": f"a{i}", "url": f"https://o.example/{i}", "authors": ["Jane Doe"],
                "text": f"Para “{i}” ünïcödé \ud83d\ude00 and a lone \ud800 surrogate.\n\nTwo {'x' * i}."}
               for i in range(40)]
    entries[5]["text"] = ""
    src.write_text(json.dumps({"originals": entries}), "utf-8")
    with_cache = load_originals(str(src), cache_dir=tmp_path / "c")
    monkey_min = manifest_cache.MIN_BYTES
    manifest_cache.MIN_BYTES = 1 << 40  # the same manifest, parsed whole in memory
    try:
        plain = load_originals(str(src), cache_dir=tmp_path / "c")
    finally:
        manifest_cache.MIN_BYTES = monkey_min
    assert all(type(o) is manifest_cache.StoredOriginal and "text" not in vars(o) for o in with_cache)
    assert [o.text for o in with_cache] == [o.text for o in plain] and "\ud800" in plain[0].text
    assert with_cache == plain and plain == with_cache and len({*with_cache, *plain}) == 40
    assert [o.chars for o in with_cache] == [len(o.text) for o in plain]
    for block in (1, 60, 1 << 22):  # texts read in sequence, in blocks smaller and larger than a text
        manifest_cache._BLOCK = block
        try:
            assert list(manifest_cache.iter_texts(with_cache)) == [o.text for o in plain]
        finally:
            manifest_cache._BLOCK = 1 << 22
    assert list(manifest_cache.iter_texts(with_cache[::2])) == [o.text for o in plain[::2]]
    # A worker elsewhere has no store file: pickled, a stored original becomes a plain one.
    assert [type(o) for o in pickle.loads(pickle.dumps(with_cache))] == [type(plain[0])] * 40
    assert pickle.loads(pickle.dumps(with_cache)) == plain
    assert dataclasses.replace(with_cache[3], title="New").text == plain[3].text


def test_a_text_damaged_after_opening_is_parsed_again(tmp_path, small_threshold, caplog) -> None:
    src = tmp_path / "m.json"
    _manifest(src)
    expected = [o.text for o in load_originals(str(src), cache_dir=tmp_path / "c")]
    cached = load_originals(str(src), cache_dir=tmp_path / "c")
    [file] = (tmp_path / "c" / "originals").glob("*.store")
    data = bytearray(file.read_bytes())
    data[data.rindex(b"Para two 29") + 3] ^= 0x01  # a bit flipped in the last text: the size still adds up
    with open(file, "r+b") as f:  # in place: the open descriptor sees it
        f.write(bytes(data))
    with caplog.at_level(logging.WARNING, logger="checker.manifest_cache"):
        assert list(manifest_cache.iter_texts(cached)) == expected  # read in sequence, as the index build does
        assert [o.text for o in cached] == expected
    assert [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()] == [
        f"parsed-manifest cache {file} is damaged (text 30 does not match its checksum); parsing the manifest again"]
    assert not file.exists()  # the next run writes it anew


_STREAM_CASES = {
    "wrapped": '{"originals": [%s]}',
    "list": "[%s]",
    "bom and spaces": '\ufeff \r\n\t{ "originals" :\n [ %s ] } \n',
}


@pytest.mark.parametrize("shape", sorted(_STREAM_CASES))
@pytest.mark.parametrize("chunk", [7, 64, 1 << 23])
@pytest.mark.parametrize("told", [1, 100, 1 << 16])
def test_read_entry_by_entry_equals_the_whole_parse(tmp_path, small_threshold, monkeypatch, shape, chunk,
                                                     told) -> None:
    from checker import manifest_stream, originals as originals_module

    monkeypatch.setattr(manifest_stream, "CHUNK", chunk)  # entries that span reads
    # Texts told normal or not a few at a time (everyday entries between others) or all at once.
    monkeypatch.setattr(originals_module, "_TOLD_AT_ONCE", told)
    entries = [{"id": i if i % 3 else f"x{i}", "url": f"https://o.example/{i}", "title": f" T  {i} ",
                "authors": "Jane Doe" if i % 2 else ["Jane Doe", " Ann Roe "], "published": None,
                "text": f"Line “{i}”\r\nsame para\n\n\n  Next\\ \u00e9 {i}"} for i in range(25)]
    src = tmp_path / "m.json"
    src.write_text(_STREAM_CASES[shape] % ",\n".join(json.dumps(e, ensure_ascii=i % 2 == 0)
                                                   for i, e in enumerate(entries)), "utf-8")
    whole = originals_module._manifest_from_path(src, str(src))
    streamed = [o[0] if isinstance(o, tuple) else o for o in originals_module._manifest_stream(src, str(src))]
    assert streamed == whole and [type(o) for o in streamed] == [type(o) for o in whole]
    assert load_originals(str(src), cache_dir=tmp_path / "c") == whole


@pytest.mark.parametrize("text, message", [
    ('{"originals": [{"url": "https://o.example/1", "authors": ["A"]}, {"url": "https://o.example/1", '
     '"authors": ["B"]}]}', "duplicate id 'https://o.example/1' (first at line 1)"),
    ('{"originals": [{"url": "https://o.example/1", "authors": ["A"], "url": "https://o.example/2"}]}',
     "duplicate key"),
    ('{"originals": [{"url": "https://o.example/1", "authors": ["A"]},]}', "invalid JSON"),
    ('{"originals": [{"url": "https://o.example/1", "authors": ["A"]}], "extra": 1}', "unknown key"),
    ('{"originals": [{"url": "https://o.example/1", "authors": ["A"]}]} trailing', "invalid JSON"),
    ('{"originals": [{"url": "https://o.example/1", "authors": ["A"]}', "invalid JSON"),
    ('{"originals": [{"url": "https://o.example/1", "authors": []}]}', "must name at least one author"),
    ('{"originals": [3]}', "expected a mapping"),
    ('{"originals": {"url": "x"}}', "expected a list of originals"),
])
def test_errors_are_those_of_the_whole_parse(tmp_path, small_threshold, text, message) -> None:
    src = tmp_path / "m.json"
    src.write_text(text, "utf-8")
    with pytest.raises(OriginalsError) as streamed:
        load_originals(str(src), cache_dir=tmp_path / "c")
    manifest_cache.MIN_BYTES = 1 << 40  # restored by the fixture's monkeypatch
    with pytest.raises(OriginalsError) as whole:
        load_originals(str(src), cache_dir=tmp_path / "c")
    assert message in str(streamed.value) and str(streamed.value) == str(whole.value)
    assert not list((tmp_path / "c").glob("**/*.store"))


def test_bytes_that_are_not_utf8_are_reported_as_before(tmp_path, small_threshold) -> None:
    src = tmp_path / "m.json"
    src.write_bytes(b'{"originals": [{"url": "https://o.example/1", "authors": ["A \xff"]}]}')
    with pytest.raises(OriginalsError, match="not UTF-8"):
        load_originals(str(src), cache_dir=tmp_path / "c")


def test_an_unwritable_cache_dir_still_loads_with_one_log_line(tmp_path, small_threshold, caplog) -> None:
    src = tmp_path / "m.json"
    _manifest(src)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with caplog.at_level(logging.WARNING, logger="checker.manifest_cache"):
        loaded = load_originals(str(src), cache_dir=blocker)
    assert [o.id for o in loaded] == [f"a{i}" for i in range(30)] and loaded[3].published == "2026-01-02"
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        f"cannot save the parsed manifest in {blocker / 'originals'}"]


def test_a_yaml_manifest_is_parsed_whole_then_stored(tmp_path, small_threshold, monkeypatch) -> None:
    src = tmp_path / "m.yaml"
    src.write_text("originals:\n" + "".join(
        f"  - id: y{i}\n    url: https://o.example/{i}\n    authors: [Jane Doe]\n    text: |\n      Para “{i}”.\n\n"
        f"      Two {i}.\n" for i in range(12)), "utf-8")
    monkeypatch.setattr(manifest_stream, "entries", lambda *a: (_ for _ in ()).throw(AssertionError("streamed")))
    first = load_originals(str(src), cache_dir=tmp_path / "c")
    assert [o.text for o in first] == [f"Para “{i}”.\n\nTwo {i}." for i in range(12)]
    assert all(type(o) is manifest_cache.StoredOriginal for o in first)
    assert load_originals(str(src), cache_dir=tmp_path / "c") == first


def test_manifests_of_one_size_get_stores_of_their_own(tmp_path, small_threshold) -> None:
    """A store's name holds its manifest's size: with none of that size stored, the bytes are hashed as the
    entries are read (one pass); with one, the manifest is hashed first and only its own store is used."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    _manifest(a, extra="1")
    _manifest(b, extra="2")
    assert a.stat().st_size == b.stat().st_size
    first_a = load_originals(str(a), cache_dir=tmp_path / "c")
    first_b = load_originals(str(b), cache_dir=tmp_path / "c")
    assert [o.text for o in first_a] != [o.text for o in first_b]
    stores = sorted((tmp_path / "c" / "originals").glob(f"*.{a.stat().st_size}.store"))
    assert len(stores) == 2
    assert load_originals(str(a), cache_dir=tmp_path / "c") == first_a
    assert load_originals(str(b), cache_dir=tmp_path / "c") == first_b
    assert sorted((tmp_path / "c" / "originals").glob("*.store")) == stores
    import hashlib
    import sys
    for path in (a, b):  # named by the hash of the bytes (the one computed on the way equals the one of a pass)
        digest = hashlib.blake2b(path.read_bytes(), digest_size=20)
        digest.update(repr((manifest_cache.FORMAT_VERSION, sys.version_info[:2])).encode())
        assert (tmp_path / "c" / "originals" / f"{digest.hexdigest()}.{path.stat().st_size}.store") in stores


def test_everyday_entries_read_without_a_document_equal_the_whole_parse(tmp_path) -> None:
    """Entries of the everyday shape skip the per-entry document; their texts' normal form is told on their UTF-8
    bytes. Both give what the whole parse gives, whatever the text."""
    from checker import originals as originals_module

    texts = ["Plain text.\n\nSecond para.", "Curly “quotes” — and é.\n\nNext…", "", " leading", "trailing ",
             "two  spaces", "tab\there", "line\nbreak", "three\n\n\nnewlines", "nbsp\u00a0here", "soft\u00adhyphen",
             "lone \ud800 surrogate", "emoji \U0001F600 ok", "ctrl\x07char", "\n\nstarts", "ends\n\n", "\u2028sep",
             "zero\u200bwidth", "a\r\nb", "\x85nel", "ok\u3000ideographic"]
    entries = [{"id": f"e{i}", "url": f"https://o.example/{i}", "authors": ["Jane Doe"], "title": " T ", "text": t}
               for i, t in enumerate(texts)]
    entries += [{"url": "HTTPS://Host-1.example", "authors": [" Ann Roe "]}, {"url": "https://h.example:8080/x",
                "authors": ["A B"], "id": " "}, {"url": "https://h.example/p?q=[1]#f", "authors": ["A B"]}]
    src = tmp_path / "m.json"
    src.write_text(json.dumps({"originals": entries}), "utf-8")
    whole = originals_module._manifest_from_path(src, str(src))
    streamed = list(originals_module._manifest_stream(src, str(src)))
    assert [o[0] if isinstance(o, tuple) else o for o in streamed] == whole
    assert all(isinstance(o, tuple) for o in streamed)  # every one of these is of the everyday shape
    assert [data for _, data in streamed] == [o.text.encode("utf-8", "surrogatepass") for o in whole]


def test_normal_form_told_on_bytes_is_plain_texts_own_test() -> None:
    import random

    from checker.originals import _normal_utf8, plain_text

    rng = random.Random(4)
    alphabet = ["a", "b", " ", "\n", "\t", "é", "“", "\u00a0", "\u00ad", "\ud800", "\U0001F600", "\x07", "\u2028",
                "\u3000", "\r", "\x85", "\n\n"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        flat = text.replace("\n\n", " ")
        fast = flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " "
        assert _normal_utf8(text.encode("utf-8", "surrogatepass")) == fast, repr(text)
        if fast:
            assert plain_text(text) == text


def test_normal_form_told_for_many_texts_at_once_is_told_as_for_each() -> None:
    """normal_text.normal_utf8_many() joins a batch's texts by NUL bytes: no text's verdict depends on its
    neighbours (a space or a newline at either end, a NUL inside a text, empty texts, lone surrogates)."""
    import random

    from checker.normal_text import normal_utf8_many
    from checker.originals import _normal_utf8

    rng = random.Random(5)
    alphabet = ["a", "b", " ", "\n", "\t", "é", "“", "\u00a0", "\u00ad", "\ud800", "\U0001F600", "\x07", "\u2028",
                "\u3000", "\r", "\x85", "\n\n", "\x00", "\x7f", "\x1f", "Word"]
    seen = set()
    for _ in range(3000):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(rng.randint(1, 30))]
        datas = [t.encode("utf-8", "surrogatepass") for t in texts]
        expected = [_normal_utf8(d) for d in datas]
        assert normal_utf8_many(datas) == expected, texts
        seen.update(expected)
    assert seen == {True, False}
    assert normal_utf8_many([]) == [] and normal_utf8_many([b"", b""]) == [True, True]
    assert normal_utf8_many([b"One.\n\nTwo.", b" lead", b"trail\n\n", b"a\nb", b"a\n\n\nb"]) == [True] + [False] * 4
