#!/usr/bin/env python3
"""The audit on the dask executor (LocalCluster of 1, 2, 4 worker processes) against the local thread executor.

Prints figures; it is not a test and asserts nothing.

    .venv/bin/python bench/bench_dask.py                       # 400 hosts x 4 pages, 50 ms a response (~4 min)
    .venv/bin/python bench/bench_dask.py --workers 1,2 --hosts 100
    .venv/bin/python bench/bench_dask.py --render auto         # violations confirmed in Chromium: one browser per process

Fixture: bench/bench_audit.py's server, in its own process (asyncio, one loopback address per host,
127.0.1.x ..., every response delayed by --latency); one page in ten of each host is a copy of a licensor
original (half of them violations), the rest the partner's own ~15 KB articles. With --pages 4, page 3 of each
host is the copy: a quarter of the pages. Partners list their URLs explicitly (no discovery requests), so the
timed phase -- first page recorded to last -- is the executor's: robots.txt, paced fetches, checking,
results back to the client, history writes. Each run starts from an empty history (no 304s).

Every executor gets the same budget per process: `--threads` hosts in flight (the local executor's
`concurrency`). A worker process adds a core's worth of Python (the GIL caps a process at one core) and
`--threads` more request slots. Two bounds, printed for each row:
  polite   hosts in flight x what one host may yield: robots.txt, then its pages max(delay, latency) apart;
  CPU      cores / CPU seconds per page of the whole machine (client, scheduler, workers, fixture server),
           measured with psutil over the timed phase.
With the defaults (4 hosts in flight per process, 0.1 s delay) one process is politeness-bound, so a second
worker process should nearly double the rate; the curve flattens where the machine's cores run out (on a
2-core machine that is around 2 worker processes: everything -- client, scheduler, workers, the fixture
server -- shares the same two cores). The last row runs the local executor with as many hosts in flight as
the biggest cluster, in one process, for comparison.

Then scan-warc (--warc-files 0 skips it): gzip WARC files of the same pages, one task per file, no
politeness at all -- pure CPU -- on the local executor (threads, one process) and on a LocalCluster of one
single-threaded worker process per core.

The machine's load average is printed at the start and the end: on a shared machine the figures move with
what else runs (30% and more between runs).
"""
from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_audit import Server, page_html, page_kind  # noqa: E402 - the shared multi-host loopback fixture


def write_config(workdir: Path, info: dict, pages: int, delay: float, threads: int, render: str = "never") -> Path:
    partners = "".join(
        f"  - id: p{h:03d}\n    name: Partner {h}\n"
        f"    urls: [{', '.join(repr(f'http://{hp}/news/{j}') for j in range(pages))}]\n"
        for h, hp in enumerate(info["hosts"]))
    path = workdir / "audit.yaml"
    path.write_text(
        f"originals:\n  feeds: [\"http://{info['licensor']}/feed.xml\"]\n  window_days: 14\n"
        f"partners:\n{partners}"
        f"crawl:\n  allow_private_addresses: true\n  delay: {delay}\n  concurrency: {threads}\n"
        f"  max_pages_per_partner: {pages}\n"
        f"check:\n  render: {render}\n"
        "storage:\n  database: state/audit.db\nreports:\n  directory: reports\n  formats: [json]\n",
        encoding="utf-8")
    return path


def cpu_per_page(pages: int, n_originals: int, info: dict) -> tuple[float, float, float]:
    """Seconds of CPU to check a copy and an own page on one thread (fetching excluded), and the fixture mix."""
    from checker.models import Fetched
    from checker.originals import load_all
    from checker.pipeline import Checker
    from checker.ruleset import load_pack

    originals = load_all([f"http://{info['licensor']}/feed.xml"])
    checker = Checker.build(load_pack(), originals)

    def timed(h: int, j: int) -> float:
        body = page_html(h, j, n_originals)
        f = Fetched(target=f"http://h{h}/news/{j}", url=f"http://h{h}/news/{j}", body=body,
                    content_type="text/html", charset="utf-8", status_code=200)
        checker.check(f)  # warm
        t = time.process_time()
        for _ in range(5):
            checker.check(f)
        return (time.process_time() - t) / 5

    copy = sum(timed(h, 3) for h in range(4)) / 4
    own = sum(timed(h, 0) for h in range(4)) / 4
    kinds = [page_kind(h, j, n_originals)[0] for h in range(40) for j in range(pages)]
    share = sum(k != "own" for k in kinds) / len(kinds)
    return copy, own, share * copy + (1 - share) * own


SERVER_PID = 0


def cpu_seconds() -> dict:
    """CPU time of this process (client; a LocalCluster's scheduler and nannies too), the fixture server, and
    every other live descendant (dask workers)."""
    import psutil

    out = {"client": 0.0, "workers": 0.0, "server": 0.0}
    me = psutil.Process()
    for proc in [me, *me.children(recursive=True)]:
        try:
            t = proc.cpu_times()
        except psutil.Error:
            continue
        who = "client" if proc.pid == me.pid else "server" if proc.pid == SERVER_PID else "workers"
        out[who] += t.user + t.system
    return out


def timed_audit(config, executor, expected: int) -> dict:
    from checker.audit import run_audit

    marks: list[float] = []
    cpu = []

    def mark(page) -> None:
        marks.append(time.perf_counter())
        if len(marks) in (1, expected):
            cpu.append(cpu_seconds())

    t0 = time.perf_counter()
    outcome = run_audit(config, quiet=True, executor=executor, on_page=mark)
    if len(cpu) < 2:
        cpu.append(cpu_seconds())
    pages = outcome.report.pages
    statuses: dict = {}
    for p in pages:
        statuses[p.result.status.value] = statuses.get(p.result.status.value, 0) + 1
    crawl = marks[-1] - marks[0] if len(marks) > 1 else float("nan")
    return {"total": time.perf_counter() - t0, "crawl": crawl, "pages": len(pages), "statuses": statuses,
            "complete": outcome.complete, "cpu": {k: cpu[-1][k] - cpu[0][k] for k in cpu[0]}}


def bench_warc(info: dict, n_originals: int, files: int, per_file: int, cores: int) -> None:
    """scan-warc: no politeness, pure CPU (gunzip, match, check copies); one task per WARC file."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from checker.crawl.dask_executor import DaskExecutor
    from checker.shipped_checker import ShippedChecker
    from checker.crawl.executor import LocalExecutor
    from checker.originals import load_all
    from checker.pipeline import Checker
    from checker.ruleset import load_pack
    from checker.scan_warc import scan_warcs

    pack = load_pack()
    originals = load_all([f"http://{info['licensor']}/feed.xml"])
    shipped = ShippedChecker(pack, originals, checker=Checker.build(pack, originals))
    n = files * per_file
    print(f"\nscan-warc: {files} WARC files (gzip) x {per_file} HTML responses = {n} pages, one page in ten a copy")
    with tempfile.TemporaryDirectory(prefix="bench-warc-") as tmp:
        paths = []
        for f in range(files):
            path = Path(tmp) / f"crawl-{f}.warc.gz"
            with open(path, "wb") as fh:
                writer = WARCWriter(fh, gzip=True)
                for j in range(per_file):
                    body = page_html(f, j, n_originals)
                    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                               protocol="HTTP/1.1")
                    writer.write_record(writer.create_warc_record(
                        f"http://site{f}.example/news/{j}", "response", payload=io.BytesIO(body),
                        length=len(body), http_headers=headers))
            paths.append(str(path))

        def timed(label: str, executor) -> float:
            t = time.perf_counter()
            found = sum(len(r.results) for r in scan_warcs(paths, shipped, executor))
            dt = time.perf_counter() - t
            print(f"  {label:<40} {dt:6.1f} s  {n / dt:7.0f} pages/s  ({found} copies)", flush=True)
            return n / dt

        base = timed("local executor (4 threads, 1 process)", LocalExecutor(concurrency=4))
        with DaskExecutor(n_workers=cores, threads_per_worker=1) as ex:
            ex.client.wait_for_workers(cores)
            cold = timed(f"dask LocalCluster ({cores} processes), 1st", ex)
            # The first run on fresh workers imports the checker's modules and builds its Checker in each one;
            # a second run on the same cluster shows what is left (the run's work still travels once per run).
            rate = timed(f"dask LocalCluster ({cores} processes), 2nd", ex)
        print(f"  dask / local: x{cold / base:.2f} on a fresh cluster, x{rate / base:.2f} on a warm one, {cores} cores")


class NoWork:
    """A task that does nothing: what is left of its time is the executor's own cost per task."""

    def __call__(self, batch):
        return [batch.host]


def task_overhead(n: int, procs: int, threads: int) -> None:
    """Per-task cost of each executor: n one-URL host batches whose work returns at once."""
    from checker.crawl.dask_executor import DaskExecutor
    from checker.crawl.executor import LocalExecutor
    from checker.audit import BATCH_PAGES
    from checker.crawl.hostbatch import HostBatch

    batches = [HostBatch(host=f"h{i}", urls=(f"http://h{i}/",)) for i in range(n)]

    def timed(executor) -> tuple[float, float]:
        list(executor.run(batches[: min(20, n)], NoWork()))  # warm: plugin, connections, imports
        c0, t0 = time.process_time(), time.perf_counter()
        got = list(executor.run(batches, NoWork()))
        assert len(got) == n
        return (time.perf_counter() - t0) / n * 1000, (time.process_time() - c0) / n * 1000

    local_ms, local_cpu = timed(LocalExecutor(concurrency=threads))
    with DaskExecutor(n_workers=procs, threads_per_worker=threads, processes=True) as ex:
        ex.client.wait_for_workers(procs)
        dask_ms, dask_cpu = timed(ex)
    print(f"\nper-task overhead ({n} batches that do nothing): local executor {local_ms:.2f} ms wall, "
          f"{local_cpu:.2f} ms client CPU per task; dask LocalCluster {procs} x {threads}: {dask_ms:.2f} ms wall, "
          f"{dask_cpu:.2f} ms client CPU per task (x{dask_ms / max(local_ms, 1e-9):.0f}); a host batch of the audit "
          f"is up to {BATCH_PAGES} pages, so this is per batch, not per page")


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hosts", type=int, default=400)
    ap.add_argument("--pages", type=int, default=4, help="pages per host")
    ap.add_argument("--latency", type=float, default=0.05, help="seconds before each response")
    ap.add_argument("--delay", type=float, default=0.1, help="politeness delay per host, seconds")
    ap.add_argument("--threads", type=int, default=4, help="hosts in flight per worker process (and locally)")
    ap.add_argument("--workers", default="1,2,4", help="LocalCluster sizes (worker processes)")
    ap.add_argument("--originals", type=int, default=20)
    ap.add_argument("--render", default="never", choices=("never", "auto"),
                    help="the audit's render mode (auto: violations confirmed in Chromium, one browser per process)")
    ap.add_argument("--warc-files", type=int, default=8, help="scan-warc part: WARC files (0: skip)")
    ap.add_argument("--warc-pages", type=int, default=500, help="scan-warc part: HTML responses per file")
    ap.add_argument("--overhead-tasks", type=int, default=400, help="per-task overhead part: empty tasks (0: skip)")
    ap.add_argument("--overhead-only", action="store_true", help="only the per-task overhead part")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.workers.split(",")]

    import logging

    import dask
    import distributed
    for name in ("distributed", "distributed.nanny", "distributed.worker"):  # after the import: it sets them
        logging.getLogger(name).setLevel(logging.ERROR)

    from checker.config import load_audit_config
    from checker.crawl.dask_executor import DaskExecutor
    from checker.crawl.executor import LocalExecutor

    cores = os.cpu_count() or 1
    print("command: " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]))
    print(f"machine: {cores} cores, {platform.python_implementation()} {platform.python_version()}, "
          f"dask {dask.__version__} / distributed {distributed.__version__}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"load average at start: {load:.1f}" + (f"  -- WARNING: other processes are using the {cores} cores; "
                                                  "the figures below are lower than on an idle machine"
                                                  if load > 0.5 * cores else ""))
    if args.overhead_only:
        task_overhead(args.overhead_tasks, max(sizes), args.threads)
        return 0
    n = args.hosts * args.pages
    global SERVER_PID
    server = Server(args.hosts, args.pages, args.latency, args.originals)
    SERVER_PID = server.proc.pid
    try:
        copy, own, mix = cpu_per_page(args.pages, args.originals, server.info)
        print(f"fixture: {args.hosts} hosts x {args.pages} pages = {n} pages, {args.latency * 1000:.0f} ms a response, "
              f"delay {args.delay} s per host, robots.txt obeyed (one more paced request per host); "
              f"render: {args.render}")
        print(f"checking CPU on one thread: copy {copy * 1000:.1f} ms, own page {own * 1000:.1f} ms, fixture mix "
              f"{mix * 1000:.1f} ms/page = {1 / mix:.0f} pages/s per core")
        gap = max(args.delay, args.latency)
        per_slot = args.pages / (args.pages * gap + args.latency)
        print(f"politeness: a host in flight yields at most {per_slot:.1f} pages/s (robots.txt, then {args.pages} "
              f"pages {gap} s apart)")
        print("CPU bound: cores / CPU seconds per page of the whole machine (client, workers, fixture server)\n")
        print(f"{'executor':<18} {'procs x threads':>15} {'crawl+check':>12} {'pages/s':>8} {'vs local':>9} "
              f"{'CPU/page':>9} {'CPU bound':>10} {'polite bound':>13}  pages")
        rows = []

        def one(label: str, procs: int, executor, threads: int = args.threads) -> dict:
            with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
                os.environ["SYNDICHECK_CACHE_DIR"] = str(Path(tmp) / "cache")
                config = load_audit_config(write_config(Path(tmp), server.info, args.pages, args.delay, threads,
                                                        args.render))
                r = timed_audit(config, executor, n)
            r["rate"] = r["pages"] / r["crawl"]
            r["cpu_page"] = sum(r["cpu"].values()) / r["pages"]
            r["cpu_bound"] = cores / r["cpu_page"]
            r["polite_bound"] = min(args.hosts, procs * threads) * per_slot
            r["label"], r["procs"] = label, procs
            base = rows[0]["rate"] if rows else r["rate"]
            print(f"{label:<18} {procs:>6} x {threads:<6} {r['crawl']:>10.1f} s {r['rate']:>8.1f} "
                  f"{r['rate'] / base:>8.2f}x {r['cpu_page'] * 1000:>6.1f} ms {r['cpu_bound']:>10.0f} "
                  f"{r['polite_bound']:>13.0f}  "
                  f"{r['pages']}{'' if r['complete'] else ' INCOMPLETE'}", flush=True)
            print(f"{'':<18} CPU ms/page: " + ", ".join(f"{k} {v / r['pages'] * 1000:.1f}" for k, v in r["cpu"].items())
                  + f"; statuses {r['statuses']}", flush=True)
            rows.append(r)
            return r

        one("local (threads)", 1, LocalExecutor(concurrency=args.threads))
        for procs in sizes:
            t = time.perf_counter()
            with DaskExecutor(n_workers=procs, threads_per_worker=args.threads, processes=True) as ex:
                ex.client.wait_for_workers(procs)
                startup = time.perf_counter() - t
                one("dask LocalCluster", procs, ex)
            rows[-1]["startup"] = startup
        big = max(sizes) * args.threads
        one("local (threads)", 1, LocalExecutor(concurrency=big), threads=big)
        print("  (the same number of hosts in flight as the biggest cluster, in one process)")
        print("\ncluster start-up (not in the figures above): "
              + ", ".join(f"{r['procs']} proc {r['startup']:.1f} s" for r in rows if "startup" in r))
        dask_rows = [r for r in rows if "startup" in r]
        bend = None
        for a, b in zip(dask_rows, dask_rows[1:]):
            gain, allowed = b["rate"] / a["rate"], b["polite_bound"] / a["polite_bound"]
            print(f"{a['procs']} -> {b['procs']} processes: x{gain:.2f} of the x{allowed:.2f} the extra hosts in flight "
                  f"allow; {b['procs']} processes use {b['rate'] / b['cpu_bound']:.0%} of the CPU bound, "
                  f"{b['rate'] / b['polite_bound']:.0%} of the politeness bound")
            if bend is None and gain < 0.75 * allowed:
                bend = (a, b)
        if bend is not None:
            a, b = bend
            # More processes brought more request slots; when the rate does not follow, slots were not the limit.
            which = "politeness" if b["rate"] >= 0.8 * b["polite_bound"] else f"the machine's {cores} cores"
            print(f"the curve bends after {a['procs']} worker processes ({a['rate']:.0f} pages/s): bound by {which} "
                  f"-- {b['procs']} processes reach {b['rate']:.0f} pages/s at {b['cpu_page'] * 1000:.1f} ms of CPU "
                  f"per page, with client, scheduler, workers and fixture server sharing {cores} cores")
        else:
            print("near-linear over these sizes: the cores are not yet the limit")
        if args.warc_files:
            bench_warc(server.info, args.originals, args.warc_files, args.warc_pages, cores)
        if args.overhead_tasks:
            task_overhead(args.overhead_tasks, max(sizes), args.threads)
        if hasattr(os, "getloadavg"):
            print(f"load average at the end (1 min): {os.getloadavg()[0]:.1f}")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
