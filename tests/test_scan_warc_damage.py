"""scan-warc on archives that are damaged or are not archives at all: cut-off files (gzip or plain), an HTML or
gzipped HTML file given by mistake, an empty file, binary noise, and archives with no HTML response. Each is an
error line naming the file and what is wrong (exit 3), never a partial page checked as whole or a silent green."""
from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import pytest

from checker.cli import main
from conftest import write_manifest


def write_warc(path: Path, records: list[tuple[str, str, bytes]], *, compress: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        for uri, ctype, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          length=len(body), http_headers=headers))


@pytest.fixture
def pages(tmp_path, original, make_page):
    manifest = tmp_path / "originals.yaml"
    write_manifest(manifest, original)
    good = make_page('<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
                     '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">').encode()
    bad = make_page('<p class="byline">By Staff</p>').encode()
    return manifest, good, bad


def scan(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["scan-warc", *args, "--format", "json", "--render", "never"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def errors_of(report: dict) -> list[str]:
    return [p["error"] for p in report["pages"] if p["status"] == "error"]


@pytest.mark.parametrize("compress", [True, False])
def test_a_cut_off_archive_is_an_error_after_the_records_before_the_cut(tmp_path, pages, capsys, compress):
    """The second record (a violation) is cut in half: before, the gzip file scanned clean (exit 0, the record
    lost unsaid) and the plain one checked the half page as a whole one (a near-copy, exit 0)."""
    manifest, good, bad = pages
    whole = tmp_path / ("whole.warc.gz" if compress else "whole.warc")
    write_warc(whole, [("https://p.example/good", "text/html", good), ("https://p.example/bad", "text/html", bad)],
               compress=compress)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    cut.write_bytes(data[:len(data) - len(bad) // 2])
    code, report, err = scan(capsys, str(cut), "--originals", str(manifest))
    assert code == 3, err
    assert {p["url"]: p["status"] for p in report["pages"] if p["status"] != "error"} == {
        "https://p.example/good": "compliant"}  # what came before the cut is still reported
    [error] = errors_of(report)
    assert error.startswith(f"cannot read WARC file {cut}: the file ends inside ") and "truncated" in error, error
    if not compress:
        assert "record 2 (https://p.example/bad)" in error and "bytes of it are missing" in error
    assert not report["summary"]["near_copy"]  # the half page was not checked as a page


def test_files_that_are_not_archives_are_errors(tmp_path, pages, capsys):
    """Before: an HTML file, gzipped HTML and an empty file each gave '0 HTML responses' and exit 0; binary noise
    quoted 200 bytes of itself in the error."""
    manifest, good, _ = pages
    html = tmp_path / "story.html"
    html.write_bytes(good)
    gz = tmp_path / "story.html.gz"
    gz.write_bytes(gzip.compress(good))
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.warc"
    noise.write_bytes(bytes(range(256)) * 8)
    code, report, err = scan(capsys, str(html), str(gz), str(empty), str(noise), "--originals", str(manifest))
    assert code == 3, err
    assert errors_of(report) == [
        f"cannot read WARC file {html}: not a WARC file (its first line is not a WARC record header)",
        f"cannot read WARC file {gz}: not a WARC file (its first line is not a WARC record header)",
        f"cannot read WARC file {empty}: empty file",
        f"cannot read WARC file {noise}: not a WARC file (unknown archive format)"]


def test_damage_in_the_middle_names_the_record(tmp_path, pages, capsys):
    manifest, good, bad = pages
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole, [("https://p.example/good", "text/html", good), ("https://p.example/bad", "text/html", bad)],
               compress=True)
    data = bytearray(whole.read_bytes())
    # Where the second gzip member starts: after the first member's end, found by inflating it (searching
    # for the gzip magic bytes could land inside the first member's compressed data).
    first = zlib.decompressobj(wbits=31)
    first.decompress(bytes(data))
    start = len(data) - len(first.unused_data)
    assert data[start:start + 2] == b"\x1f\x8b"
    data[start + 20:start + 80] = bytes(b ^ 0x55 for b in data[start + 20:start + 80])
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(bytes(data))
    code, report, err = scan(capsys, str(broken), "--originals", str(manifest))
    assert code == 3, err
    [error] = errors_of(report)
    assert "record 2 cannot be read" in error and "after record 1" in error, error


def test_archives_without_an_html_response_are_not_a_silent_green(tmp_path, pages, capsys):
    """Readable archives holding only images: nothing was checked, so not exit 0."""
    manifest, _, _ = pages
    images = tmp_path / "images.warc.gz"
    write_warc(images, [("https://p.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)],
               compress=True)
    code, report, err = scan(capsys, str(images), "--originals", str(manifest))
    assert code == 3
    assert "syndicheck: error: no 2xx HTML response in the WARC files: nothing was checked" in err
    assert report["pages"] == []


def test_an_archive_read_from_a_pipe(tmp_path, pages):
    """`scan-warc /dev/stdin < crawl.warc.gz`: a pipe cannot tell its position; whole and cut-off archives alike."""
    import os
    import subprocess
    import sys

    manifest, good, bad = pages
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole, [("https://p.example/good", "text/html", good), ("https://p.example/bad", "text/html", bad)],
               compress=True)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-len(bad) // 2])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    codes = {}
    for archive in (whole, cut):
        proc = subprocess.run([sys.executable, "-m", "checker", "scan-warc", "/dev/stdin", "--originals",
                               str(manifest), "--render", "never", "--format", "json"], input=archive.read_bytes(),
                              capture_output=True, env=env, timeout=120)  # input=: a real pipe, not a file
        codes[archive.name] = (proc.returncode, json.loads(proc.stdout)["summary"])
    assert codes["whole.warc.gz"] == (1, {**codes["whole.warc.gz"][1], "compliant": 1, "violation": 1, "error": 0})
    assert codes["cut.warc.gz"][0] == 3 and codes["cut.warc.gz"][1]["error"] == 1
