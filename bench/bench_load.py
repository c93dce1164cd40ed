#!/usr/bin/env python3
"""Load: a whole nightly audit over 20,000 pages on 500 loopback hosts with mixed faults (issue 7).

Prints figures; it is not a test and asserts nothing (a missed target is printed as MISS).

    .venv/bin/python bench/bench_load.py            # 500 hosts x 40 pages = 20,000 pages, and a 5,000-page run
    .venv/bin/python bench/bench_load.py --quick    # 100 hosts x 20 pages, and a 500-page run
    .venv/bin/python bench/bench_load.py --render never   # the crawl without the browser confirming violations

The server is bench_audit.py's (asyncio in its own process, one listening socket per loopback address
127.0.1.1 ..., the licensor's RSS feed of 20 originals on 127.0.2.1, `--latency` before each response), given
a fault plan that is a fixed function of (host, page), so every run meets the same faults and the benchmark
knows what each page must come out as:

  per page    HTTP 500 (2%), 503 twice then OK (1%), 429 Retry-After: 1 once then OK (1%), connection reset
              mid-body (1%), a body dripped slower than the deadline (0.5%), a body over the size cap (0.5%,
              half with Content-Length, half without), a gzip bomb (0.5%), PNG bytes served as text/html (0.5%),
              a redirect loop (0.5%), HTTP 404 (1%)
  per host    robots.txt answers 500 (hosts 7, 107, 207, 307, 407), the port refuses connections (13, 213, 413),
              a truncated sitemap (29, 329). The first two kinds also list their pages in a URL file, so each
              page is reported (as an error) rather than never found.
  the rest    the partner's own articles, and one page in ten a copy of an original, half of them without the
              logo (violations).

Each audit runs as `syndicheck audit --config audit.yaml` (checker.cli.main) in a fresh process, which
this script watches from outside: RSS (/proc/PID/status) and pages stored (the history database) every
`--sample` seconds; the child reports its VmHWM and ru_maxrss at exit. "Flat memory": the peak of the
full run over the peak of a run a quarter its size (target <= x1.2), and the RSS slope over the second half
of the crawl.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "bench"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from bench_audit import HANDLED, Reply, Server, page_html, page_kind, serve, sitemap  # noqa: E402

TARGET_MEMORY = 1.2  # peak RSS of the full run / of the quarter-size run
N_ORIGINALS = 20
MAX_BYTES = 2 * 1024 * 1024  # crawl.max_bytes in the config
DEADLINE = 3.0  # crawl.deadline (and read timeout) in the config

# kind, share of pages, expected error (regex on the stored error; None: the fetch recovers and the page is checked)
PAGE_FAULTS: tuple[tuple[str, float, Optional[str]], ...] = (
    ("http-500", 0.02, r"^HTTP 500 Internal Server Error$"),
    ("503-then-ok", 0.01, None),
    ("429-retry-after", 0.01, None),
    ("reset-mid-body", 0.01, r"connection reset by the server"),
    ("slow-drip", 0.005, r"^response not complete after 3 s \(deadline\)$"),
    ("oversized", 0.005, r"^response larger than 2 MiB$"),
    ("gzip-bomb", 0.005, r"^response larger than 2 MiB$"),
    ("binary-as-html", 0.005, r"^binary content \(PNG image\) although served as text/html$"),
    ("redirect-loop", 0.005, r"^redirect loop \(back to http://[\d.:]+/news/\d+\)$"),
    ("http-404", 0.01, r"^HTTP 404 Not Found$"),
)
PAGE_FAULT_ERRORS = {kind: regex for kind, _, regex in PAGE_FAULTS}
HOST_FAULTS: dict[str, tuple[int, ...]] = {
    "robots-500": (7, 107, 207, 307, 407),
    "port-closed": (13, 213, 413),
    "bad-sitemap": (29, 329),
}
HOST_FAULT_ERRORS = {
    "robots-500": r"^blocked by robots\.txt: http://[\d.:]+/robots\.txt unreachable \(HTTP 500 Internal Server "
                  r"Error\); the whole host is treated as disallowed for this run \(RFC 9309\)$",
    "port-closed": r"^blocked by robots\.txt: http://[\d.:]+/robots\.txt unreachable \(connection refused\); the "
                   r"whole host is treated as disallowed for this run \(RFC 9309\)$",
}
DISCOVERY_ERRORS = {  # what each whole-host fault must leave among the partner's discovery errors
    "robots-500": r"sitemap http://\S+: blocked by robots\.txt \(http://\S+ unreachable \(HTTP 500",
    "port-closed": r"sitemap http://\S+: blocked by robots\.txt \(http://\S+ unreachable \(connection refused",
    "bad-sitemap": r"sitemap http://\S+: not XML \(line \d+",
}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 32


def page_fault(h: int, j: int) -> Optional[str]:
    """The fault page j of host h meets, or None; a fixed function of (h, j)."""
    u = int.from_bytes(hashlib.blake2b(f"{h}/{j}".encode(), digest_size=8).digest(), "big") / 2 ** 64
    for kind, share, _ in PAGE_FAULTS:
        if u < share:
            return kind
        u -= share
    return None


def host_fault(h: int) -> Optional[str]:
    for kind, hosts in HOST_FAULTS.items():
        if h in hosts:
            return kind
    return None


def expected(h: int, j: int) -> Optional[tuple[str, str, Optional[str]]]:
    """(fault kind or 'none', expected status, error regex) for a page; None if it must not be found at all."""
    hf = host_fault(h)
    if hf == "bad-sitemap":
        return None
    if hf is not None:
        return hf, "error", HOST_FAULT_ERRORS[hf]
    kind = page_fault(h, j)
    regex = PAGE_FAULT_ERRORS.get(kind) if kind else None
    if regex is not None:
        return kind, "error", regex
    content, _ = page_kind(h, j, N_ORIGINALS)
    return kind or "none", {"own": "not-a-copy"}.get(content, content), None


# ============================================================================================ server side


def gzip_bomb(inflated: int, block: int = 1 << 20) -> bytes:
    """A gzip stream of `inflated` zero bytes, built block by block (64 MiB -> about 64 KB)."""
    zeros = bytes(block)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts, crc = [], 0
    for _ in range(inflated // block):
        parts.append(deflater.compress(zeros))
        crc = zlib.crc32(zeros, crc)
    parts.append(deflater.flush())
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + b"".join(parts)
            + struct.pack("<II", crc, inflated & 0xFFFFFFFF))


class FaultPlan:
    """bench_audit.serve()'s fault hook: the responses above, by (host, page)."""

    def __init__(self, pages: int, latency: float, max_bytes: int):
        self.pages, self.latency, self.max_bytes = pages, latency, max_bytes
        self.seen: dict[tuple[int, int], int] = {}  # requests per page, for the faults that recover
        self.bomb = gzip_bomb(64 << 20)
        self.filler = (b"<p>" + b"lorem ipsum dolor sit amet " * 2500)[:64 * 1024]

    def reset(self) -> None:
        self.seen.clear()

    async def respond(self, h: int, path: str, headers: dict, writer: asyncio.StreamWriter):
        if h < 0:
            return None
        hf = host_fault(h)
        if path == "/robots.txt" and hf == "robots-500":
            return Reply(500, body=b"robots.txt is having a bad day")
        if path == "/sitemap.xml" and hf == "bad-sitemap":
            ip, port = writer.get_extra_info("sockname")[:2]
            body = sitemap(f"http://{ip}:{port}", self.pages)
            return Reply(200, "application/xml", body[: len(body) // 2])  # cut off mid-document
        if not path.startswith("/news/"):
            return None
        num, _, query = path[6:].partition("?")
        if not num.isdigit():
            return None
        j = int(num)
        kind = page_fault(h, j)
        if kind is None:
            return None
        n = self.seen[(h, j)] = self.seen.get((h, j), 0) + 1
        if kind == "http-500":
            return Reply(500, body=b"internal error")
        if kind == "503-then-ok":
            return Reply(503, body=b"busy") if n <= 2 else None  # the fetcher retries twice
        if kind == "429-retry-after":
            return Reply(429, body=b"slow down", headers=(("Retry-After", "1"),)) if n <= 1 else None
        if kind == "http-404":
            return Reply(404, body=b"not found")
        if kind == "redirect-loop":
            return Reply(302, headers=(("Location", f"/news/{j}" if query else f"/news/{j}?loop=1"),))
        if kind == "binary-as-html":
            return Reply(200, "text/html; charset=utf-8", PNG)
        await asyncio.sleep(self.latency)
        try:
            if kind == "reset-mid-body":
                body = page_html(h, j, N_ORIGINALS)
                writer.write(self._head(200, len(body)) + body[: len(body) // 3])
                await writer.drain()
                await asyncio.sleep(0.05)
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()  # close with SO_LINGER 0: a TCP RST
            elif kind == "slow-drip":
                body = page_html(h, j, N_ORIGINALS)
                writer.write(self._head(200, len(body)))
                for i in range(0, min(len(body), 2000), 20):  # 20 bytes every 0.25 s: 25 s at most
                    writer.write(body[i:i + 20])
                    await writer.drain()
                    await asyncio.sleep(0.25)
            elif kind == "oversized":
                size = self.max_bytes + self.max_bytes // 2
                writer.write(self._head(200, size if (h + j) % 2 == 0 else None))
                sent = 0
                while sent < size:
                    chunk = self.filler[: size - sent]
                    writer.write(chunk)
                    await writer.drain()
                    sent += len(chunk)
            elif kind == "gzip-bomb":
                writer.write(self._head(200, None, (("Content-Encoding", "gzip"),)))
                for i in range(0, len(self.bomb), 64 * 1024):
                    writer.write(self.bomb[i:i + 64 * 1024])
                    await writer.drain()
        except (ConnectionError, OSError):
            pass
        return HANDLED

    @staticmethod
    def _head(status: int, length: Optional[int], extra: tuple = ()) -> bytes:
        lines = [f"HTTP/1.1 {status} OK", "Server: bench", "Connection: close", "Content-Type: text/html; charset=utf-8"]
        lines += [f"{k}: {v}" for k, v in extra]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


def run_server(spec: dict) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:  # a listening socket per host, plus connections
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    hosts = spec["hosts"]
    closed = [h for h in HOST_FAULTS["port-closed"] if h < hosts]
    serve(hosts, spec["pages"], spec["latency"], N_ORIGINALS,
          faults=FaultPlan(spec["pages"], spec["latency"], spec["max_bytes"]), closed=closed)


# ============================================================================================ the audit child


def audit_child(config: str, result: str, trim: float = 0.0) -> int:
    """In a fresh process: `syndicheck audit --config CONFIG`, then its peaks (KiB) written to `result`.
    `trim` > 0: an experiment, glibc's malloc_trim(0) every `trim` seconds from a thread of its own."""
    from checker.cli import main as cli

    if trim > 0:
        import ctypes
        import threading

        libc = ctypes.CDLL("libc.so.6")

        def trimmer() -> None:
            while True:
                time.sleep(trim)
                libc.malloc_trim(0)

        threading.Thread(target=trimmer, daemon=True).start()
    if os.environ.get("BENCH_LOAD_DIAG"):
        _start_diagnostics(Path(os.environ["BENCH_LOAD_DIAG"]))
    t0 = time.perf_counter()
    rc = cli(["audit", "--config", config])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status = Path("/proc/self/status").read_text()
    hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
    Path(result).write_text(json.dumps({"rc": rc, "seconds": time.perf_counter() - t0, "vmhwm_kib": hwm,
                                        "ru_maxrss_kib": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}))
    return rc


def _start_diagnostics(out: Path, every: float = 5.0) -> None:
    """An experiment (BENCH_LOAD_DIAG=FILE): every few seconds, where the audit process's memory is, as JSON
    lines: RSS by kind of mapping (/proc/self/smaps), glibc's own counts (mallinfo2), threads, Python objects."""
    import ctypes
    import gc
    import threading

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                     "keepcost")]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2

    def smaps() -> dict:
        kinds: dict = {}
        kind = "other"
        for line in open("/proc/self/smaps"):
            first = line.split(None, 6)
            if "-" in first[0] and len(first) >= 5 and not first[0].endswith(":"):
                name = first[5].strip() if len(first) > 5 else ""
                kind = ("heap" if name == "[heap]" else "stack" if name.startswith("[stack") else
                        "anon" if not name else "file" if name.startswith("/") else name)
            elif first[0] == "Rss:":
                kinds[kind] = kinds.get(kind, 0) + int(first[1])
        return kinds

    traced = bool(os.environ.get("BENCH_LOAD_DIAG_TRACE"))
    if traced:  # slow: every Python allocation is recorded
        import tracemalloc
        tracemalloc.start(8)
    top = [0]

    def sample() -> None:
        t0 = time.monotonic()
        with out.open("a") as f:
            while True:
                m = libc.mallinfo2()
                rec = {"pid": os.getpid(), "t": round(time.monotonic() - t0, 1), "smaps_kib": smaps(),
                       "malloc": {"sbrk_heap": m.arena, "mmapped": m.hblkhd, "mmapped_n": m.hblks,
                                  "in_use": m.uordblks, "free": m.fordblks, "free_chunks": m.ordblks},
                       "threads": threading.active_count(), "py_objects": len(gc.get_objects())}
                if os.environ.get("BENCH_LOAD_DIAG_TYPES"):
                    from collections import Counter
                    counts = Counter(type(o).__qualname__ for o in gc.get_objects())
                    rec["types"] = dict(counts.most_common(40))
                if traced:
                    current, peak = tracemalloc.get_traced_memory()
                    rec["traced"] = [current, peak]
                    if current > top[0] + (2 << 20):  # a new high: where the live Python memory is
                        top[0] = current
                        stats = tracemalloc.take_snapshot().statistics("traceback")[:12]
                        rec["sites"] = [[s.size, s.count, [f"{fr.filename.split('/')[-1]}:{fr.lineno}"
                                                           for fr in s.traceback][:8]] for s in stats]
                f.write(json.dumps(rec) + "\n")
                f.flush()
                time.sleep(every)

    threading.Thread(target=sample, daemon=True, name="bench-diag").start()


def write_config(workdir: Path, info: dict, hosts: int, pages: int, delay: float, concurrency: int,
                 render: Optional[str] = None) -> Path:
    lists = workdir / "urls"
    lists.mkdir(exist_ok=True)
    partners = []
    for h, hp in enumerate(info["hosts"][:hosts]):
        entry = (f"  - id: p{h:03d}\n    name: Partner {h}\n    contacts: [\"ed@p{h}.example\"]\n"
                 f"    sitemaps: [\"http://{hp}/sitemap.xml\"]\n")
        if host_fault(h) in ("robots-500", "port-closed"):
            (lists / f"p{h:03d}.txt").write_text("".join(f"http://{hp}/news/{j}\n" for j in range(pages)))
            entry += f"    urls: [\"@urls/p{h:03d}.txt\"]\n"
        partners.append(entry)
    path = workdir / "audit.yaml"
    path.write_text(
        f"originals:\n  feeds: [\"http://{info['licensor']}/feed.xml\"]\n  window_days: 14\n"
        f"partners:\n{''.join(partners)}"
        f"crawl:\n  allow_private_addresses: true\n  delay: {delay}\n  concurrency: {concurrency}\n"
        f"  connect_timeout: {DEADLINE:g}\n  timeout: {DEADLINE:g}\n  deadline: {DEADLINE:g}\n"
        f"  max_bytes: {MAX_BYTES}\n"
        + (f"check:\n  render: {render}\n" if render else "")
        + "storage:\n  database: state/audit.db\nreports:\n  directory: reports\n", encoding="utf-8")
    return path


# ============================================================================================ one measured run


def _vmrss(pid: int) -> Optional[int]:
    try:
        m = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
        return int(m.group(1)) if m else None
    except OSError:
        return None


def _pages_stored(db: Path, conn: list) -> Optional[int]:
    if not conn:
        if not db.exists():
            return 0
        try:
            conn.append(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5))
        except sqlite3.Error:
            return None
    try:
        return conn[0].execute("SELECT COUNT(*) FROM pages WHERE run_id = (SELECT MAX(id) FROM runs)").fetchone()[0]
    except sqlite3.Error:  # not created yet, or busy: try again at the next sample
        conn.pop().close()
        return None


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def measured_run(server: Server, hosts: int, pages: int, delay: float, concurrency: int, sample: float,
                 keep: Optional[Path] = None, trim: float = 0.0, render: Optional[str] = None) -> dict:
    """One audit in a fresh process, watched from outside; returns every figure. `keep`: work there, and leave
    the config, history database and reports behind."""
    server.reset()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            tmp = str(keep)
        work = Path(tmp)
        config = write_config(work, server.info, hosts, pages, delay, concurrency, render)
        db = work / "state" / "audit.db"
        env = dict(os.environ, SYNDICHECK_CACHE_DIR=str(work / "cache"))
        result = work / "result.json"
        out, err = (work / "stdout.txt").open("w"), (work / "stderr.txt").open("w")
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, __file__, "--_audit-child", str(config), str(result), str(trim)],
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=tmp)
        samples: list[tuple[float, int, int]] = []  # (seconds, RSS KiB, pages stored)
        loads: list[float] = []
        conn: list = []
        done = 0
        while proc.poll() is None:
            rss = _vmrss(proc.pid)
            n = _pages_stored(db, conn)
            done = n if n is not None else done
            if rss is not None:
                samples.append((time.monotonic() - t0, rss, done))
            loads.append(os.getloadavg()[0])
            time.sleep(sample)
        wall = time.monotonic() - t0
        rc = proc.returncode
        out.close()
        err.close()
        if conn:
            conn[0].close()
        child = json.loads(result.read_text()) if result.exists() else {}
        stderr_tail = (work / "stderr.txt").read_text(errors="replace").strip().splitlines()[-15:]
        stdout = (work / "stdout.txt").read_text(errors="replace").strip()
        rows: list[tuple[str, str, Optional[str]]] = []
        run_status = None
        if db.exists():
            with sqlite3.connect(db) as c:
                run_id, run_status = c.execute("SELECT id, status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
                rows = c.execute("SELECT url, status, error FROM pages WHERE run_id = ?", (run_id,)).fetchall()
        reports = work / "reports"
        partners = []
        summary = {}
        for doc_path in sorted(reports.glob("audit-*.json")):
            doc = json.loads(doc_path.read_text())
            partners, summary = doc.get("partners", []), doc.get("summary", {})
        db_bytes = sum(_size(Path(str(db) + suffix)) for suffix in ("", "-wal", "-shm"))
        return {"hosts": hosts, "pages": pages, "wall": wall, "rc": rc, "child": child, "samples": samples,
                "loads": loads, "rows": rows, "run_status": run_status, "partners": partners, "summary": summary,
                "db_bytes": db_bytes, "evidence_bytes": _size(reports / "evidence"), "reports_bytes": _size(reports),
                "stderr_tail": stderr_tail, "stdout": stdout, "server": server.stats()}


# ============================================================================================ analysis and printing


def _mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def phases(r: dict, total: int) -> tuple[float, float, float]:
    """(discovery, crawl+check, reports) seconds, from the samples (to within one sampling interval)."""
    s = r["samples"]
    first = next((t for t, _, n in s if n > 0), r["wall"])
    last = next((t for t, _, n in s if n >= total), r["wall"])
    return first, last - first, r["wall"] - last


def analyse(r: dict, info: dict, hosts: int, pages: int) -> dict:
    """Expected vs observed per page: statuses, fault kinds, lost and unexpected pages."""
    host_index = {hp: h for h, hp in enumerate(info["hosts"][:hosts])}
    want = {(h, j): e for h in range(hosts) for j in range(pages) if (e := expected(h, j)) is not None}
    seen: dict[tuple[int, int], tuple[str, Optional[str]]] = {}
    unexpected = []
    for url, status, error in r["rows"]:
        parts = urlsplit(url)
        h = host_index.get(parts.netloc)
        m = re.fullmatch(r"/news/(\d+)", parts.path)
        if h is None or m is None or (h, int(m.group(1))) not in want:
            unexpected.append(url)
            continue
        seen[(h, int(m.group(1)))] = (status, error)
    kinds: dict[str, dict] = {}
    for key, (kind, status, regex) in want.items():
        k = kinds.setdefault(kind, {"expected": 0, "as_expected": 0, "wrong": [], "sample": None})
        k["expected"] += 1
        got = seen.get(key)
        if got is None:
            continue
        ok = got[0] == status and (regex is None or (got[1] is not None and re.search(regex, got[1])))
        if ok:
            k["as_expected"] += 1
            if k["sample"] is None and got[1]:
                k["sample"] = got[1]
        else:
            k["wrong"].append((key, status, got))
    statuses_expected: dict[str, int] = {}
    for _, status, _ in want.values():
        statuses_expected[status] = statuses_expected.get(status, 0) + 1
    statuses_seen: dict[str, int] = {}
    for status, _ in seen.values():
        statuses_seen[status] = statuses_seen.get(status, 0) + 1
    no_reason = [(k, v) for k, v in seen.items() if v[0] == "error" and not (v[1] or "").strip()]
    return {"want": len(want), "seen": len(seen), "lost": sorted(set(want) - set(seen)), "unexpected": unexpected,
            "kinds": kinds, "statuses_expected": statuses_expected, "statuses_seen": statuses_seen,
            "no_reason": no_reason}


def rss_curve(r: dict, total: int) -> list[tuple[int, Optional[int], Optional[float]]]:
    """(percent, RSS KiB at the first sample with that share of pages stored, seconds)."""
    out = []
    for pct in (10, 25, 50, 75, 100):
        hit = next(((t, rss) for t, rss, n in r["samples"] if n >= total * pct / 100), None)
        out.append((pct, hit[1] if hit else None, hit[0] if hit else None))
    return out


def crawl_slope(r: dict, total: int) -> Optional[float]:
    """Least-squares RSS slope (KiB per 1,000 pages) over the samples of the crawl's second half."""
    pts = [(n, rss) for _, rss, n in r["samples"] if total / 2 <= n < total]
    if len(pts) < 3 or pts[-1][0] == pts[0][0]:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return 1000 * sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


def report_run(label: str, r: dict, a: dict, detail: bool) -> None:
    total = a["want"]
    disc, crawl, reports = phases(r, total)
    child = r["child"]
    loads = r["loads"] or [os.getloadavg()[0]]
    bad = [h for h in HOST_FAULTS["bad-sitemap"] if h < r["hosts"]]
    print(f"\n{label}: {r['hosts']} partners x {r['pages']} pages; {total} pages expected "
          f"({len(bad)} partners with a truncated sitemap find none)")
    print(f"  exit code {r['rc']} (expected 0){'' if r['rc'] == 0 else '  WRONG'}; run stored as "
          f"'{r['run_status']}'; stdout: {r['stdout'].splitlines()[0] if r['stdout'] else '(none)'}")
    if r["rc"] != 0 or not child:
        print("  stderr (last lines):\n    " + "\n    ".join(r["stderr_tail"]))
    print(f"  wall {r['wall']:.1f} s = discovery {disc:.1f} s + crawl and check {crawl:.1f} s + reports {reports:.1f} s"
          f"; CPU {child.get('cpu', float('nan')):.1f} s; {total / r['wall']:.1f} pages/s overall, "
          f"{total / crawl if crawl else float('nan'):.1f} pages/s while crawling; load average during the run "
          f"{min(loads):.1f}-{max(loads):.1f}")
    print(f"  server: {r['server']['requests']} requests, {r['server']['connections']} TCP connections accepted")
    stored = ", ".join(f"{s} {a['statuses_seen'].get(s, 0)}/{a['statuses_expected'].get(s, 0)}"
                       for s in ("compliant", "violation", "review", "not-a-copy", "error"))
    print(f"  pages stored {a['seen']} of {total} (observed/expected by status: {stored}); lost {len(a['lost'])}, "
          f"unexpected {len(a['unexpected'])}, errors without a reason {len(a['no_reason'])}")
    if a["lost"]:
        print(f"  LOST pages (host, page): {a['lost'][:10]}")
    if a["unexpected"]:
        print(f"  UNEXPECTED pages: {a['unexpected'][:5]}")
    peak = child.get("vmhwm_kib")
    samples = r["samples"]
    crawl_peak = max((rss for _, rss, n in samples if n < total), default=None)
    curve = ", ".join(f"{pct}% {_mib(rss) if rss else '-'}" for pct, rss, _ in rss_curve(r, total))
    slope = crawl_slope(r, total)
    print(f"  RSS (sampled every {samples[1][0] - samples[0][0] if len(samples) > 1 else 0:.1f} s, "
          f"{len(samples)} samples): at pages stored {curve}")
    print(f"  peak RSS: {_mib(peak) if peak else '?'} (VmHWM at exit; ru_maxrss {_mib(child.get('ru_maxrss_kib', 0))})"
          f", highest sample before the last page {_mib(crawl_peak) if crawl_peak else '?'}; slope over the "
          f"crawl's second half {f'{slope:+.0f} KiB per 1,000 pages' if slope is not None else '-'}")
    if peak and crawl_peak:
        print(f"  the reports (built after the last page) take the peak {_mib(peak - crawl_peak)} above the crawl's")
    print(f"  history database {r['db_bytes'] / 2**20:.1f} MiB ({r['db_bytes'] / max(1, a['seen']) / 1024:.1f} KiB a "
          f"page); evidence WARCs {r['evidence_bytes'] / 2**20:.1f} MiB; reports directory in all "
          f"{r['reports_bytes'] / 2**20:.1f} MiB")
    if not detail:
        return
    print(f"  faults: {'kind':<16} {'pages':>6} {'as expected':>12}  sample stored reason")
    order = [k for k, _, _ in PAGE_FAULTS] + ["robots-500", "port-closed", "none"]
    for kind in order:
        k = a["kinds"].get(kind)
        if k is None:
            continue
        miss = "" if k["as_expected"] == k["expected"] else "  MISS"
        regex = PAGE_FAULT_ERRORS.get(kind, HOST_FAULT_ERRORS.get(kind))
        note = k["sample"] or ("(checked normally after the retries)" if kind != "none" else "(no fault)")
        if regex is None and kind != "none":
            note = "recovered: " + note
        print(f"          {kind:<16} {k['expected']:>6} {k['as_expected']:>12}{miss}  {note[:110]}")
        for key, want_status, got in k["wrong"][:3]:
            print(f"            e.g. page {key}: expected {want_status}, got {got[0]}: {got[1]}")
    by_id = {p["id"]: p for p in r["partners"]}
    print("  discovery errors (per partner, in the report):")
    for kind, hosts in HOST_FAULTS.items():
        for h in hosts:
            if h >= r["hosts"]:
                continue
            errs = by_id.get(f"p{h:03d}", {}).get("discovery_errors", [])
            ok = any(re.search(DISCOVERY_ERRORS[kind], e) for e in errs)
            print(f"    p{h:03d} ({kind}): {'as expected' if ok else 'MISS'}: {errs[0][:130] if errs else '(none)'}")
    others = [p["id"] for p in r["partners"] if p.get("discovery_errors") and host_fault(int(p["id"][1:])) is None]
    print(f"    other partners with discovery errors: {len(others)}{' ' + str(others[:5]) if others else ''}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 hosts x 20 pages (and a 500-page run)")
    ap.add_argument("--hosts", type=int, help="partner hosts (default 500; --quick 100)")
    ap.add_argument("--pages", type=int, help="pages per host (default 40; --quick 20)")
    ap.add_argument("--latency", type=float, default=0.02, help="seconds before each response (default 0.02)")
    ap.add_argument("--delay", type=float, default=0.05, help="crawl.delay, per host (default 0.05)")
    ap.add_argument("--concurrency", type=int, default=16, help="crawl.concurrency (default 16)")
    ap.add_argument("--sample", type=float, default=1.0, help="seconds between RSS samples (default 1)")
    ap.add_argument("--no-small", action="store_true", help="skip the quarter-size run (no memory ratio)")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="run the full-size audit in DIR and keep its files")
    ap.add_argument("--_serve", help=argparse.SUPPRESS)
    ap.add_argument("--malloc-trim", type=float, default=0.0, metavar="S",
                    help="experiment: the audit process calls glibc malloc_trim(0) every S seconds")
    ap.add_argument("--render", choices=("never", "auto", "always"),
                    help="check.render in the audit config (default: not set, i.e. auto: the violations are "
                         "confirmed in Chromium where it is installed)")
    ap.add_argument("--_audit-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._serve:
        run_server(json.loads(args._serve))
        return 0
    if args._audit_child:
        config, result, trim = args._audit_child
        return audit_child(config, result, float(trim))

    print("$ " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]), flush=True)
    hosts = args.hosts or (100 if args.quick else 500)
    pages = args.pages or (20 if args.quick else 40)
    small = max(1, hosts // 4)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the start; open files limit {soft}/{hard} (the server raises its own to the "
          f"hard limit)")
    print(f"server: asyncio in its own process, {hosts} partner hosts + the licensor, {args.latency * 1000:.0f} ms "
          f"before every response; audit: crawl.delay {args.delay} s, concurrency {args.concurrency}, deadline and "
          f"timeouts {DEADLINE:g} s, max_bytes {MAX_BYTES // 2**20} MiB, retries 2, robots.txt obeyed, every "
          f"report format{'; MALLOC_ARENA_MAX=' + os.environ['MALLOC_ARENA_MAX'] if 'MALLOC_ARENA_MAX' in os.environ else ''}"
          f"{f'; malloc_trim(0) every {args.malloc_trim:g} s' if args.malloc_trim else ''}"
          f"{f'; check.render: {args.render}' if args.render else ''}")
    spec = {"hosts": hosts, "pages": pages, "latency": args.latency, "max_bytes": MAX_BYTES}
    server = Server(hosts, pages, args.latency, N_ORIGINALS,
                    argv=[sys.executable, __file__, "--_serve", json.dumps(spec)])
    results = []
    try:
        sizes = ([] if args.no_small else [small]) + [hosts]
        for n_hosts in sizes:
            print(f"\n... running the audit over {n_hosts} hosts x {pages} pages", flush=True)
            r = measured_run(server, n_hosts, pages, args.delay, args.concurrency, args.sample,
                             keep=args.keep if n_hosts == hosts else None, trim=args.malloc_trim,
                             render=args.render)
            a = analyse(r, server.info, n_hosts, pages)
            results.append((r, a))
            report_run(f"{'full' if n_hosts == hosts else 'quarter-size'} run", r, a, detail=n_hosts == hosts)
    finally:
        server.close()
    if len(results) == 2:
        (rs, as_), (rf, af) = results
        ps, pf = rs["child"].get("vmhwm_kib"), rf["child"].get("vmhwm_kib")
        cs = max((rss for _, rss, n in rs["samples"] if n < as_["want"]), default=None)
        cf = max((rss for _, rss, n in rf["samples"] if n < af["want"]), default=None)
        if ps and pf:
            ratio = pf / ps
            print(f"\nmemory: peak RSS {_mib(ps)} at {as_['want']} pages -> {_mib(pf)} at {af['want']} pages: "
                  f"x{ratio:.2f}{'' if ratio <= TARGET_MEMORY else ' MISS'} (target <= x{TARGET_MEMORY}); "
                  f"per extra page {(pf - ps) / max(1, af['want'] - as_['want']):.2f} KiB")
        if cs and cf:
            print(f"        during the crawl (highest sample before the last page): {_mib(cs)} -> {_mib(cf)}: "
                  f"x{cf / cs:.2f}")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other processes on this machine slow every figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
