"""Target expansion (URLs, files, directories, globs, stdin) and reading local files."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from checker.sources.targets import Target, expand_targets, read_file


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A built site with pages, assets and directories that must be skipped; cwd is its parent."""
    root = tmp_path / "build"
    for rel in ["index.html", "news/b.HTM", "news/a.html", "news/2024/c.html", "news/style.css",
                ".git/x.html", "node_modules/pkg/readme.html", "about/team.htm", "img/logo.png"]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"<p>{rel}</p>")
    monkeypatch.chdir(tmp_path)
    return root


def _given(targets):
    return [t.given for t in targets]


def test_directory_recursion_sorted_and_filtered(site):
    targets = list(expand_targets(["build"], None))
    assert all(t.kind == "file" for t in targets)
    assert _given(targets) == [
        "build/about/team.htm", "build/index.html", "build/news/2024/c.html", "build/news/a.html", "build/news/b.HTM",
    ]
    assert targets[1].location == "build/index.html"


def test_urls_files_and_missing_in_order(site):
    targets = list(expand_targets(
        ["https://partner.example/story", "build/img/logo.png", "nope.html", "ftp://example.org/x"], None))
    assert [(t.kind, t.given) for t in targets] == [
        ("url", "https://partner.example/story"), ("file", "build/img/logo.png"),
        ("missing", "nope.html"), ("missing", "ftp://example.org/x"),
    ]
    assert targets[2].reason == "no such file or directory"
    assert targets[3].reason == "unsupported scheme ftp:"


def test_file_uri(site):
    uri = (site / "index.html").resolve().as_uri()
    [t] = expand_targets([uri], None)
    assert t.kind == "file" and t.given == uri and Path(t.location) == (site / "index.html").resolve()


def test_globs(site):
    assert _given(expand_targets(["build/news/*.html"], None)) == ["build/news/a.html"]
    assert _given(expand_targets(["build/**/*.html"], None)) == [
        "build/index.html", "build/news/2024/c.html", "build/news/a.html"]
    # A suffix named in the pattern is the user's choice; a bare "*" keeps to HTML pages.
    assert _given(expand_targets(["build/news/*.css"], None)) == ["build/news/style.css"]
    assert _given(expand_targets(["build/news/*"], None)) == [
        "build/news/2024/c.html", "build/news/a.html", "build/news/b.HTM"]
    [none] = expand_targets(["build/*.php"], None)
    assert none.kind == "missing" and none.reason == "no files match this pattern"


def test_glob_skips_node_modules_unless_named(site):
    assert "build/node_modules/pkg/readme.html" not in _given(expand_targets(["build/**"], None))
    assert _given(expand_targets(["build/node_modules/**/*.html"], None)) == ["build/node_modules/pkg/readme.html"]


def test_stdin(site):
    stdin = io.StringIO("# partner pages\nhttps://a.example/1\n\n  build/news  \nhttps://a.example/1\nmissing.html\n")
    targets = list(expand_targets(["-"], stdin))
    assert [(t.kind, t.given) for t in targets] == [
        ("url", "https://a.example/1"),
        ("file", "build/news/2024/c.html"), ("file", "build/news/a.html"), ("file", "build/news/b.HTM"),
        ("missing", "missing.html"),
    ]


def test_stdin_absent():
    [t] = expand_targets(["-"], None)
    assert t.kind == "missing"


def test_duplicates_checked_once(site):
    targets = list(expand_targets(["build/index.html", "build", "./build/index.html"], None))
    assert _given(targets).count("build/index.html") == 1
    assert len(targets) == 5


def test_empty_directory_is_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    [t] = expand_targets([str(tmp_path / "empty")], None)
    assert t.kind == "missing" and "no *.html" in t.reason


def test_read_file(site):
    [t] = expand_targets(["build/index.html"], None)
    f = read_file(t, max_bytes=1024)
    assert f.ok
    assert f.body == b"<p>index.html</p>"
    assert f.path == "build/index.html" and f.target == "build/index.html"
    assert f.url == (site / "index.html").resolve().as_uri()
    assert f.content_type == "text/html"


def test_read_file_size_cap(site):
    big = site / "big.html"
    big.write_bytes(b"x" * 2048)
    f = read_file(Target("build/big.html", "file", "build/big.html"), max_bytes=1024)
    assert f.error == "file larger than 1 KiB" and f.body is None
    assert read_file(Target("build/big.html", "file", "build/big.html"), max_bytes=2048).ok


def test_read_file_errors(site):
    assert read_file(Target("gone.html", "file", "gone.html"), 1024).error == "no such file or directory"
    assert read_file(Target("build", "file", "build"), 1024).error == "is a directory"
    missing = Target("x", "missing", "x", "no such file or directory")
    assert read_file(missing, 1024).error == "no such file or directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_read_file_unreadable(site):
    p = site / "secret.html"
    p.write_text("x")
    p.chmod(0)
    assert read_file(Target("build/secret.html", "file", "build/secret.html"), 1024).error == "permission denied"
