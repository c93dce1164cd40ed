"""The dask executor on LocalClusters: the same audit as the local executor, chunks of a host never overlapping,
a worker killed mid-batch (retried, nothing stored twice), and scan-warc over WARC files written here."""
from __future__ import annotations

import io
import json
import os
import pickle
import sqlite3
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

import checker.audit as audit_mod  # noqa: E402
import checker.demo.sites as demo_sites  # noqa: E402
from checker.audit import BatchWork, run_audit  # noqa: E402
from checker.cli import main  # noqa: E402
from checker.crawl.dask_executor import DaskExecutor  # noqa: E402
from checker.shipped_checker import ShippedChecker  # noqa: E402
from checker.crawl.executor import LocalExecutor  # noqa: E402
from checker.crawl.hostbatch import HostBatch  # noqa: E402
from checker.demo.sites import build_sites, demo_config  # noqa: E402
from checker.history import History  # noqa: E402
from conftest import demo_sites_without_delay, write_manifest  # noqa: E402
from checker.models import AuditPage, PageResult, Status  # noqa: E402

# Worker processes cannot import this file (tests/ is not on their path): ship its helpers by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

CHUNK = 3  # audit.BATCH_PAGES for these tests: the bigger demo hosts are cut into several chained chunks


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def sites():
    """The demo's licensor and five partners on loopback, without the demo's 2 s robots Crawl-delay."""
    with demo_sites_without_delay() as servers:
        yield servers


@pytest.fixture(scope="module")
def process_cluster():
    """Two worker processes (separate interpreters: other hash seeds, no shared memory with this one)."""
    with DaskExecutor(n_workers=2, threads_per_worker=4, processes=True) as executor:
        yield executor


@pytest.fixture(scope="module")
def thread_cluster():
    with DaskExecutor(n_workers=2, threads_per_worker=4, processes=False) as executor:
        yield executor


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(audit_mod, "BATCH_PAGES", CHUNK)


def config_for(servers, workdir: Path):
    config = demo_config(servers.sites, workdir, servers.url_for)
    return replace(config, crawl=replace(config.crawl, delay=0.0, hosts=()), report_formats=("json",),
                   notifications=replace(config.notifications, enabled=False))


def night(servers, n: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demo_sites, "CRAWL_DELAY", 0)
        servers.swap(build_sites(n))


def verdicts(outcome) -> dict:
    """Per URL: status, reuse and every finding as stored (rule, outcome, severity, message, waiver)."""
    out = {}
    for p in outcome.report.pages:
        r = p.result
        out[r.target] = (r.status.value, p.reused, r.original.id if r.original else None,
                         sorted((f.rule, f.outcome.value, f.severity.value, f.message, f.waiver or "")
                                for f in r.findings), bool(p.warc))
    return out


def duplicates(db: str, run_id: int) -> list:
    with sqlite3.connect(db) as c:
        pages = c.execute("SELECT url, COUNT(*) FROM pages WHERE run_id = ? GROUP BY url HAVING COUNT(*) > 1",
                          (run_id,)).fetchall()
        findings = c.execute("SELECT url, rule, COUNT(*) FROM findings WHERE run_id = ? GROUP BY url, rule"
                             " HAVING COUNT(*) > 1", (run_id,)).fetchall()
    return pages + findings


def evidence_records(reports_dir: str) -> list[str]:
    from warcio.archiveiterator import ArchiveIterator
    uris = []
    for path in sorted((Path(reports_dir) / "evidence").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            uris += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "response"]
    return uris


@pytest.fixture(scope="module")
def local_night1(sites, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(audit_mod, "BATCH_PAGES", CHUNK)
        config = config_for(sites, tmp_path_factory.mktemp("local1"))
        return config, run_audit(config, quiet=True, executor=LocalExecutor(concurrency=8))


# ------------------------------------------------------------------------------------------------ audit
def test_same_audit_local_and_dask_two_nights(sites, process_cluster, local_night1, tmp_path):
    """Night 1 (full fetches) and night 2 (304s answered from stored verdicts, which workers cannot read: the
    client resolves them) give the same findings per URL on the dask executor as on the local one."""
    local_cfg, local1 = local_night1
    assert len(local1.report.pages) >= 40
    assert any(len(urls) > CHUNK for urls in _hosts(local1).values())  # some host really was chunked
    dask_cfg = config_for(sites, tmp_path / "dask")
    dask1 = run_audit(dask_cfg, quiet=True, executor=process_cluster)
    assert dask1.complete
    assert verdicts(dask1) == verdicts(local1)
    statuses = {v[0] for v in verdicts(dask1).values()}
    assert {"compliant", "violation", "not-a-copy"} <= statuses
    # Evidence written by the client, once per violating page.
    violating = sorted(p.result.url for p in dask1.report.pages if p.result.status is Status.VIOLATION)
    assert sorted(evidence_records(dask_cfg.reports_dir)) == violating
    try:
        night(sites, 2)
        local2 = run_audit(local_cfg, quiet=True, executor=LocalExecutor(concurrency=8))
        dask2 = run_audit(dask_cfg, quiet=True, executor=process_cluster)
    finally:
        night(sites, 1)
    assert dask2.complete and verdicts(dask2) == verdicts(local2)
    assert sum(p.reused for p in dask2.report.pages) >= 10  # stored verdicts reused after 304 on dask
    assert dask2.report.diff.new and dask2.report.diff.fixed
    assert [(d.url, d.rule) for d in dask2.report.diff.new] == [(d.url, d.rule) for d in local2.report.diff.new]
    assert duplicates(dask_cfg.database, dask2.run_id) == []


class KillOnce:
    """Wraps the audit's work: the first time it meets `host`, it fetches one page and then kills its own
    worker process (os._exit: no exception, no clean-up, as an OOM kill or a lost machine would)."""

    def __init__(self, work, host: str, flag: str):
        self.work, self.host, self.flag = work, host, flag

    def __call__(self, batch):
        for n, page in enumerate(self.work(batch)):
            if n == 1 and batch.host == self.host and batch.chunk == 1 and not os.path.exists(self.flag):
                Path(self.flag).write_text(str(os.getpid()))
                os._exit(1)
            yield page

    def close_worker(self):
        self.work.close_worker()


class KillingExecutor:
    def __init__(self, executor, host, flag):
        self.executor, self.host, self.flag = executor, host, flag

    def run(self, batches, work):
        return self.executor.run(batches, KillOnce(work, self.host, self.flag))


def test_worker_killed_mid_batch_is_retried_without_duplicates(sites, local_night1, tmp_path):
    _, local1 = local_night1
    hosts = {h: len(urls) for h, urls in _hosts(local1).items()}
    victim = max(hosts, key=hosts.get)
    assert hosts[victim] > 2 * CHUNK  # chunk 1 exists, and a later chunk must still follow it
    flag = tmp_path / "killed"
    config = config_for(sites, tmp_path / "kill")
    with DaskExecutor(n_workers=2, threads_per_worker=2, processes=True) as cluster:
        first = cluster.client.run(os.getpid)
        outcome = run_audit(config, quiet=True, executor=KillingExecutor(cluster, victim, str(flag)))
        now = cluster.client.run(os.getpid)
    assert flag.exists(), "the marker batch never ran"
    killed = int(flag.read_text())
    assert killed in first.values() and killed not in now.values()  # that worker process really died
    assert outcome.complete
    assert verdicts(outcome) == verdicts(local1)  # the lost batch was run again, on a live worker
    assert duplicates(config.database, outcome.run_id) == []
    violating = sorted(p.result.url for p in outcome.report.pages if p.result.status is Status.VIOLATION)
    assert sorted(evidence_records(config.reports_dir)) == violating  # no evidence archived twice either


def _hosts(outcome) -> dict:
    from checker.url_identity import host_of
    hosts: dict = {}
    for p in outcome.report.pages:
        hosts.setdefault(host_of(p.result.target), []).append(p.result.target)
    return hosts


def test_a_redelivered_page_replaces_the_stored_one(tmp_path, original):
    """A batch delivered twice (as a retry after a lost result would) leaves one page and one finding set."""
    from checker.models import Finding, Outcome, Severity
    finding = Finding(rule="byline", title="Byline", outcome=Outcome.FAIL, severity=Severity.ERROR, message="no byline")
    page = AuditPage("p1", PageResult(target="https://a.example/x", url="https://a.example/x",
                                      status=Status.VIOLATION, original=original, findings=(finding,)))
    with History(tmp_path / "h.db") as h:
        run = h.start_run("dcnf", "fp", None, "test")
        h.record_page(run, page)
        h.record_page(run, page)
        assert len(h.pages_of(run)) == 1
    assert duplicates(str(tmp_path / "h.db"), run) == []


# ------------------------------------------------------------------------------------------------ executor
def record_span(batch):
    start = time.monotonic()
    time.sleep(0.08)
    return [(batch.host, batch.chunk, start, time.monotonic(), threading.get_ident())]


def test_chunks_of_one_host_never_overlap(thread_cluster):
    batches = [HostBatch("big.example", (f"https://big.example/{i}",), chunk=i, chunks=6) for i in range(6)]
    batches += [HostBatch("mid.example", (f"https://mid.example/{i}",), chunk=i, chunks=3) for i in range(3)]
    batches += [HostBatch(f"h{i}.example", (f"https://h{i}.example/",)) for i in range(6)]
    spans = list(thread_cluster.run(list(reversed(batches)), record_span))
    assert len(spans) == len(batches)
    by_host: dict = {}
    for host, chunk, start, end, _thread in spans:
        by_host.setdefault(host, []).append((chunk, start, end))
    for host, chunks in by_host.items():
        chunks.sort()
        assert [c for c, _, _ in chunks] == list(range(len(chunks)))
        for (_, _, end), (_, start, _) in zip(chunks, chunks[1:]):
            assert end <= start, f"{host}: a chunk started before the previous one ended"
    # ...while different hosts did run at the same time (8 threads), so the check above is not vacuous.
    overlapping = sum(1 for a in spans for b in spans if a[0] != b[0] and a[2] < b[3] and b[2] < a[3])
    assert overlapping > 0


def failing_once(batch, _seen=set()):  # noqa: B006 - per worker process state, on purpose
    flag = Path(batch.urls[0])
    if not flag.exists():
        flag.write_text("failed once")
        raise RuntimeError("transient failure")
    return [batch.host]


def test_a_failing_task_is_retried(thread_cluster, tmp_path):
    batches = [HostBatch(f"h{i}", (str(tmp_path / f"flag{i}"),)) for i in range(3)]
    assert sorted(thread_cluster.run(batches, failing_once)) == ["h0", "h1", "h2"]


def test_work_travels_without_session_and_rebuilds_the_index(pack, original, make_page, tmp_path):
    """The Checker's shingle index holds salted str hashes: workers rebuild it; reference logos travel as bytes."""
    from checker.crawl.fetcher import FetchSettings, Fetcher
    from checker.models import Fetched
    from checker.pipeline import Checker

    logo = tmp_path / "logo.png"
    logo.write_bytes(Path(pack.logo.reference_images[0]).read_bytes())
    moved = replace(pack, logo=replace(pack.logo, reference_images=(str(logo),)))
    local = Checker.build(moved, [original])
    with Fetcher(FetchSettings()) as fetcher:
        work = BatchWork(ShippedChecker(moved, [original], checker=local), FetchSettings(), True, fetcher=fetcher)
        blob = cloudpickle.dumps(work)
    assert b"requests" not in blob and b"Session" not in blob
    logo.unlink()  # as on a worker machine where the pack lives elsewhere
    remote = pickle.loads(blob)
    assert remote._fetcher is None and remote.checker._checker is None
    rebuilt = remote.checker.get()
    assert rebuilt is not local
    copy = Path(rebuilt.pack.logo.reference_images[0])
    assert copy.read_bytes() == remote.checker.images[str(logo)]
    page = make_page('<p class="byline">By Staff</p>')
    fetched = Fetched(target="https://p.example/x", url="https://p.example/x", body=page.encode())
    assert rebuilt.check(fetched).status is Status.VIOLATION


def test_dask_executor_streams_and_closes_its_own_cluster():
    """No scheduler and no `with`: run() starts a LocalCluster for the run and closes it at the end."""
    executor = DaskExecutor(n_workers=1, threads_per_worker=2, processes=False)
    out = list(executor.run([HostBatch("a", ("1", "2")), HostBatch("b", ("3",))], lambda b: list(b.urls)))
    assert sorted(out) == ["1", "2", "3"]
    assert executor._client is None and executor._cluster is None


# ------------------------------------------------------------------------------------------------ CLI
def test_cli_executor_flags(monkeypatch, tmp_path, capsys):
    cfg = tmp_path / "audit.yaml"
    yaml_text = ("originals:\n  manifests: [o.yaml]\n"
                 "partners:\n  - id: p\n    name: P\n    urls: [https://p.example/x]\n")
    cfg.write_text(yaml_text)
    in_yaml = tmp_path / "dask.yaml"
    in_yaml.write_text(yaml_text + "executor:\n  kind: dask\n  scheduler: tcp://127.0.0.1:1\n")
    assert main(["audit", "--config", str(cfg), "--executor", "local", "--scheduler", "tcp://x:1"]) == 2
    assert "--scheduler is for --executor dask" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask were not installed
    assert main(["audit", "--config", str(cfg), "--executor", "dask"]) == 2
    err = capsys.readouterr().err
    assert "syndicheck[dask]" in err and "Traceback" not in err
    assert main(["audit", "--config", str(in_yaml)]) == 2  # asked for in audit.yaml: the same clear error
    assert "syndicheck[dask]" in capsys.readouterr().err
    assert main(["scan-warc", "x.warc", "--originals", "o.yaml", "--scheduler", "tcp://127.0.0.1:1"]) == 2


# ------------------------------------------------------------------------------------------------ scan-warc
def write_warc(path: Path, records: list[tuple[str, int, str, bytes]], *, gzip: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, status, ctype, body in records:
            req = writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), length=0,
                                            http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")],
                                                                          is_http_request=True))
            headers = StatusAndHeaders(f"{status} OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            resp = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), length=len(body),
                                             http_headers=headers)
            writer.write_request_response_pair(req, resp)


@pytest.fixture
def warcs(tmp_path, original, make_page):
    manifest = tmp_path / "originals.yaml"
    write_manifest(manifest, original)
    good = make_page('<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
                     '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">').encode()
    bad = make_page('<p class="byline">By Staff</p>').encode()
    own = b"<html><body><h1>Our story</h1><p>Nothing copied here, told the DCNF.</p></body></html>"
    a = tmp_path / "crawl-a.warc.gz"
    write_warc(a, [("https://good.example/story", 200, "text/html; charset=utf-8", good),
                   ("https://good.example/logo.png", 200, "image/png", b"\x89PNG\r\n\x1a\n"),
                   ("https://own.example/", 200, "text/html", own)], gzip=True)
    b = tmp_path / "crawl-b.warc"
    write_warc(b, [("https://bad.example/story", 200, "text/html", bad),
                   ("https://bad.example/gone", 404, "text/html", bad)], gzip=False)
    return manifest, [a, b]


def scan(args, capsys) -> tuple[int, dict, str]:
    code = main(["scan-warc", *args, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_scan_warc_local_and_dask(warcs, process_cluster, capsys):
    manifest, files = warcs
    common = [*map(str, files), "--originals", str(manifest)]
    code, local, err = scan(common, capsys)
    assert code == 1, err  # a violating copy: exit status as for `check`
    pages = {p["url"]: p for p in local["pages"]}
    assert set(pages) == {"https://good.example/story", "https://bad.example/story"}  # copies only
    assert pages["https://good.example/story"]["status"] == "compliant"
    assert pages["https://bad.example/story"]["status"] == "violation"
    assert "2 WARC files, 3 HTML responses: 2 copies (1 compliant, 1 violation" in err
    address = process_cluster.client.scheduler.address
    code_d, on_dask, _ = scan([*common, "--executor", "dask", "--scheduler", address], capsys)
    assert code_d == 1
    assert on_dask["pages"] == local["pages"]
    code_all, everything, _ = scan([*common, "--all"], capsys)
    assert {p["url"]: p["status"] for p in everything["pages"]}["https://own.example/"] == "not-a-copy"
    assert len(everything["pages"]) == 3  # the 404 page and the image are not checked


def test_scan_warc_unreadable_file_exits_3(warcs, tmp_path, capsys):
    manifest, files = warcs
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    code, report, _ = scan([str(files[0]), str(broken), str(tmp_path / "missing.warc"),
                            "--originals", str(manifest)], capsys)
    assert code == 3
    errors = [p for p in report["pages"] if p["status"] == "error"]
    assert len(errors) == 2 and all("cannot read WARC file" in p["error"] for p in errors)
    assert report["summary"]["compliant"] == 1


def test_closing_an_own_cluster_prints_no_tracebacks() -> None:
    """Shutting down a LocalCluster of worker processes used to print CommClosedError tracebacks."""
    import subprocess
    import sys
    code = ("from checker.crawl.dask_executor import DaskExecutor\n"
            "from checker.crawl.hostbatch import HostBatch\n"
            "ex = DaskExecutor(n_workers=2, threads_per_worker=2, processes=True)\n"
            "batches = [HostBatch(host=f'h{i}', urls=(f'http://h{i}/a',), chunk=0) for i in range(6)]\n"
            "print(sorted(ex.run(batches, lambda b: [b.host])))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).resolve().parents[1])
    assert res.returncode == 0, res.stderr
    assert "h5" in res.stdout
    for noise in ("Traceback", "CommClosedError", "StreamClosedError", "Task was destroyed"):
        assert noise not in res.stderr, res.stderr


def test_audit_on_its_own_local_cluster_via_the_cli_is_quiet(sites, tmp_path) -> None:
    """`syndicheck audit --executor dask` starts a LocalCluster of worker processes, audits, and closes it:
    the run's lines on stdout, nothing on stderr that looks like a crash (the CLI in a process of its own)."""
    import subprocess

    config = demo_sites.write_demo_config(sites.sites, tmp_path, sites.url_for)
    res = subprocess.run([sys.executable, "-m", "checker", "audit", "--config", str(config), "--executor", "dask",
                          "-q"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("run 1: ") and "HTML report: " in res.stdout
    for noise in ("Traceback", "CommClosedError", "StreamClosedError", "Task was destroyed", "distributed."):
        assert noise not in res.stderr, res.stderr
