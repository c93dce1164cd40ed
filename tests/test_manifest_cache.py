"""A large manifest parsed once is read back from the cache by later runs; damage or a change means a parse."""
from __future__ import annotations

import json
import logging

import pytest

from checker import manifest_cache, strict_yaml
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
    assert len(list((tmp_path / "c" / "originals").glob("*.marshal"))) == 1

    def no_parse(*a, **k):
        raise AssertionError("parsed again")
    monkeypatch.setattr(strict_yaml, "load_path", no_parse)
    assert load_originals(str(src), cache_dir=tmp_path / "c") == first
    _manifest(src, extra="!")  # other bytes: parsed, not read from the cache
    with pytest.raises(AssertionError, match="parsed again"):
        load_originals(str(src), cache_dir=tmp_path / "c")


def test_damaged_cache_file_is_parsed_again_with_a_log_line(tmp_path, small_threshold, caplog) -> None:
    src = tmp_path / "m.json"
    _manifest(src)
    first = load_originals(str(src), cache_dir=tmp_path / "c")
    [file] = (tmp_path / "c" / "originals").glob("*.marshal")
    for damage in (file.read_bytes()[:100], b"", b"\x00junk", __import__("marshal").dumps(("d", [("x",)])), __import__("marshal").dumps([])):
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
    assert not list((tmp_path / "c").glob("**/*.marshal"))


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
    text_digest.remember(texts, "not-the-digest")  # a remembered digest serves only those very objects
    assert text_digest.texts_digest(texts) == "not-the-digest"
    assert text_digest.texts_digest(copies) != "not-the-digest"
    assert text_digest.texts_digest(copies[:-1]) != text_digest.texts_digest(copies)
