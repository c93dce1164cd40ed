"""WARC evidence: write request/response pairs, read them back with warcio, safe names, rollover, threads."""
from __future__ import annotations

import hashlib
import os
import threading
from datetime import datetime, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from checker.crawl.archive import ArchivedResponse, WarcWriter, safe_name
from checker.models import Fetched, WarcRef

BODY = "<html><body><p>Copied story, no logo. Café</p></body></html>".encode("utf-8")


def page(url: str = "https://partner.example/2024/05/story?id=7", body: bytes = BODY, **kw) -> ArchivedResponse:
    return ArchivedResponse(
        url=url, status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"), ("ETag", '"abc"'), ("Content-Encoding", "gzip"),
                 ("Content-Length", "12")),
        body=body,
        request_headers=(("User-Agent", "syndicheck/test"), ("Accept", "text/html")),
        **kw,
    )


def records(path):
    with open(path, "rb") as fh:
        out = []
        for rec in ArchiveIterator(fh):
            out.append((rec.rec_type, rec.rec_headers, rec.http_headers, rec.content_stream().read()))
        return out


def test_write_then_read_back(tmp_path):
    when = datetime(2024, 5, 2, 10, 30, 15, 123456, tzinfo=timezone.utc)
    writer = WarcWriter(tmp_path, run_id=42)
    ref = writer.write(page(fetched_at=when))
    assert isinstance(ref, WarcRef)
    assert ref.file == "syndicheck-42-partner.example-00000.warc.gz"
    recs = records(tmp_path / ref.file)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]

    # warcio writes a pair response first; the request points at it with WARC-Concurrent-To.
    _, resp_warc, resp_http, payload = recs[1]
    _, req_warc, req_http, _ = recs[2]
    url = "https://partner.example/2024/05/story?id=7"
    assert resp_warc.get_header("WARC-Target-URI") == url and req_warc.get_header("WARC-Target-URI") == url
    assert resp_warc.get_header("WARC-Record-ID") == ref.record_id
    assert req_warc.get_header("WARC-Concurrent-To") == ref.record_id
    assert resp_warc.get_header("WARC-Date") == "2024-05-02T10:30:15.123456Z"
    assert resp_warc.protocol == "WARC/1.1"
    assert resp_warc.get_header("WARC-Payload-Digest", "").startswith("sha1:")

    assert payload == BODY
    assert hashlib.sha256(payload).hexdigest() == page().sha256
    assert resp_http.get_statuscode() == "200"
    assert resp_http.get_header("ETag") == '"abc"'
    # The stored body is decoded, so wire-encoding headers are dropped and the length is the real one.
    assert resp_http.get_header("Content-Encoding") is None
    assert resp_http.get_header("Content-Length") == str(len(BODY))
    assert req_http.protocol == "GET" and "/2024/05/story?id=7" in req_http.statusline
    assert req_http.get_header("Host") == "partner.example"
    assert req_http.get_header("User-Agent") == "syndicheck/test"


def test_records_of_one_host_share_a_file_and_hosts_get_their_own(tmp_path):
    writer = WarcWriter(tmp_path, run_id="7")
    a1 = writer.write(page("https://a.example/1"))
    a2 = writer.write(page("https://a.example/2"))
    b1 = writer.write(page("http://B.example:8080/1"))
    assert a1.file == a2.file != b1.file
    assert b1.file == "syndicheck-7-b.example_8080-00000.warc.gz"
    assert a1.record_id != a2.record_id
    recs = records(tmp_path / a1.file)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request", "response", "request"]


@pytest.mark.parametrize("run_id, url", [
    ("../../etc", "https://partner.example/../../../../etc/passwd"),
    ("run/1", "https://partner.example/a%2F..%2F..%2Fx"),
    ("..", "http://[::1]:8080/x"),
])
def test_file_names_are_safe(tmp_path, run_id, url):
    out = tmp_path / "evidence"
    ref = WarcWriter(out, run_id=run_id).write(page(url))
    assert "/" not in ref.file and "\\" not in ref.file and not ref.file.startswith(".")
    assert (out / ref.file).is_file()
    assert [p.parent for p in tmp_path.rglob("*.warc.gz")] == [out]
    assert "etc" not in ref.file.replace(safe_name(run_id), "") and "passwd" not in ref.file


def test_safe_name():
    assert safe_name("../..") == "unknown"
    assert safe_name("Example.COM:8443") == "example.com_8443"
    assert safe_name("a/b\\c") == "a_b_c"


def test_rollover_past_max_bytes(tmp_path):
    writer = WarcWriter(tmp_path, run_id=1, max_bytes=2000)
    big = os.urandom(3000)  # incompressible: one record passes 2000 bytes
    refs = [writer.write(page(f"https://p.example/{i}", body=big)) for i in range(3)]
    assert [r.file for r in refs] == [f"syndicheck-1-p.example-0000{i}.warc.gz" for i in range(3)]
    for r in refs:
        assert [x[0] for x in records(tmp_path / r.file)] == ["warcinfo", "response", "request"]


def test_resume_appends_to_the_newest_file(tmp_path):
    first = WarcWriter(tmp_path, run_id=3).write(page("https://p.example/1"))
    second = WarcWriter(tmp_path, run_id=3).write(page("https://p.example/2"))  # a new process, same run
    assert first.file == second.file
    assert [x[0] for x in records(tmp_path / first.file)] == ["warcinfo", "response", "request",
                                                              "response", "request"]


def test_concurrent_writes(tmp_path):
    writer = WarcWriter(tmp_path, run_id=9)
    refs: list[WarcRef] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(10):
            ref = writer.write(page(f"https://h{n % 2}.example/{n}/{i}", body=BODY + str(i).encode()))
            with lock:
                refs.append(ref)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(refs) == 60
    found = {}
    for f in {r.file for r in refs}:
        for rec_type, warc, _, _ in records(tmp_path / f):
            if rec_type == "response":
                found[warc.get_header("WARC-Record-ID")] = f
    assert found == {r.record_id: r.file for r in refs}


def test_from_fetched():
    f = Fetched(target="https://p.example/s", url="https://p.example/s", body=BODY, content_type="text/html",
                charset="utf-8", status_code=200, etag='"e"', last_modified="Wed, 01 May 2024 10:00:00 GMT")
    a = ArchivedResponse.from_fetched(f, user_agent="syndicheck/test")
    assert a.headers == (("Content-Type", "text/html; charset=utf-8"), ("ETag", '"e"'),
                         ("Last-Modified", "Wed, 01 May 2024 10:00:00 GMT"))
    assert a.request_headers == (("User-Agent", "syndicheck/test"),)
    assert a.headers_reconstructed and a.sha256 == hashlib.sha256(BODY).hexdigest()
    with pytest.raises(ValueError):
        ArchivedResponse.from_fetched(Fetched(target="x", url="x", error="HTTP 500"))


def test_reconstructed_headers_are_marked(tmp_path):
    f = Fetched(target="https://p.example/s", url="https://p.example/s", body=BODY, content_type="text/html",
                status_code=200)
    ref = WarcWriter(tmp_path, run_id=1).write(ArchivedResponse.from_fetched(f))
    resp = [r for r in records(tmp_path / ref.file) if r[0] == "response"][0]
    assert resp[1].get_header("WARC-Syndicheck-Headers") == "reconstructed"


def test_refuses_non_http_urls(tmp_path):
    with pytest.raises(ValueError):
        WarcWriter(tmp_path, run_id=1).write(page("file:///etc/passwd"))
