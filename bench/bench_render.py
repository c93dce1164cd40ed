#!/usr/bin/env python3
"""Render mode (issue 13): rendered pages per second per core, and what `--render auto` adds to an audit.

Prints figures; it is not a test and asserts nothing (a missed target is printed as MISS).

    .venv/bin/python bench/bench_render.py            # (a) 120 pages, (b) the demo, (c) 40 hosts x 10 pages
    .venv/bin/python bench/bench_render.py --quick    # (a) 40 pages, (c) 20 hosts x 10 pages

(a) `Renderer.apply` in mode `always` on the violating copies of bench_audit.py's pages (about 15 KB of HTML with
    navigation, sidebar and inline script), served by bench_audit.py's server on loopback (no latency), with
    1, 2 and 4 browser contexts and as many threads. CPU is this process's plus every Chromium process's
    (/proc/<pid>/stat of the descendants, utime + stime), so "per core" is pages per CPU-second.
(b) `syndicheck demo` with SYNDICHECK_RENDER=never and =auto (each in a fresh process): both nights' times.
(c) bench_audit.py's two nights (half of its copies violate: harsher than the issue's "a third") with
    check.render never and auto, at bench_audit.py's per-host delay of 0.1 s (`--delay 1` for the audit's
    default). Target (issue 13): auto costs at most 2x the static night. CPU: this process's, plus Chromium's
    and Playwright's driver's read when the audit closes its renderer (the bench's server left out).
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for p in (ROOT, HERE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import bench_audit  # noqa: E402  (its page generator, server and audit config)

TARGET_AUTO = 2.0  # auto night / static night, wall time


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                continue
    while todo:
        p = todo.pop()
        for c in children.get(p, ()):
            out.append(c)
            todo.append(c)
    return out


def cpu_seconds(include_self: bool = True, leave_out: Optional[int] = None) -> float:
    """This process's CPU plus its descendants' (the browser): live ones from /proc, ended ones from
    RUSAGE_CHILDREN (Chromium is reaped by Playwright's driver, which this process reaps) and from each live
    descendant's cutime + cstime (a renderer process that ended was reaped by Chromium's zygote, not by us:
    Chromium starts one per cross-site navigation unless told otherwise, and each takes its CPU with it)."""
    import resource
    tick = os.sysconf("SC_CLK_TCK")
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = (time.process_time() + ended.ru_utime + ended.ru_stime) if include_self else 0.0
    skip = {leave_out, *_descendants(leave_out)} if leave_out is not None else set()
    for pid in _descendants(os.getpid()):
        if pid in skip:
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
        except OSError:
            continue
    return total


def bench_pages(n: int) -> None:
    from checker.models import Fetched
    from checker.pipeline import Checker
    from checker.render import Renderer, RenderSettings
    from checker.ruleset import load_pack
    from checker.originals import load_all

    server = bench_audit.Server(max(4, n // 5), 10, 0.0, 10)
    try:
        urls = [u for host in server.urls() for u in host]
        kinds = [bench_audit.page_kind(h, j, 10)[0] for h in range(len(server.info["hosts"])) for j in range(10)]
        pages = [(u, bench_audit.page_html(h, j, 10)) for (h, j), u, kind in zip(
            [(h, j) for h in range(len(server.info["hosts"])) for j in range(10)], urls, kinds) if kind == "violation"]
        while len(pages) < n:  # fewer violating copies than asked: check them again
            pages += pages
        pages = pages[:n]
        originals = load_all([f"http://{server.info['licensor']}/feed.xml"])
        pack = load_pack()
        print(f"\n(a) Renderer.apply, mode always, on {n} violating copies ({len(set(u for u, _ in pages))} distinct; "
              f"mean {sum(len(b) for _, b in pages) / len(pages) / 1024:.0f} KB), {os.cpu_count()} CPUs here")
        for contexts in (1, 2, 4):
            renderer = Renderer(RenderSettings(mode="always", allow_private=True, contexts=contexts))
            checker = Checker.build(pack, originals, renderer=renderer)
            checker.check(Fetched(target=pages[0][0], url=pages[0][0], body=pages[0][1]))  # the browser starts
            statuses: dict = {}
            c0, t0 = cpu_seconds(), time.perf_counter()
            with ThreadPoolExecutor(contexts) as pool:
                for r in pool.map(lambda p: checker.check(Fetched(target=p[0], url=p[0], body=p[1])), pages):
                    key = f"{r.status.value}{' rendered' if r.rendered else ''}"
                    statuses[key] = statuses.get(key, 0) + 1
            wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
            renderer.close()
            print(f"  {contexts} context{'s' if contexts > 1 else ' '}: {n / wall:5.1f} pages/s wall, "
                  f"{n / cpu:5.1f} pages per CPU-second (Python + Chromium: {cpu:5.1f} s CPU in {wall:5.1f} s), "
                  f"{statuses}")
    finally:
        server.close()


def bench_demo() -> None:
    print("\n(b) syndicheck demo (its partner pages on 6 loopback hosts, two licensors, two nights), static vs auto")
    for mode in ("never", "auto"):
        with tempfile.TemporaryDirectory(prefix="bench-render-demo-") as tmp:
            env = {**os.environ, "SYNDICHECK_RENDER": mode}
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "checker", "demo", "--workdir", tmp], cwd=ROOT, env=env,
                                 capture_output=True, text=True).stdout
            total = time.perf_counter() - t0
        nights = re.findall(r"Night (\d): run \d+, (\d+) pages in ([\d.]+) s \(([^)]*)\)", out)
        checks = re.findall(r"self-check: (\d+/\d+)", out)
        shown = "; ".join(f"night {n}: {s} s ({c.split(';')[0]})" for n, _, s, c in nights)
        print(f"  render {mode:5}: {shown}; whole demo {total:.1f} s; self-check {', '.join(checks)}")


def _browser_cpu_at_close(server_pid: int) -> tuple[dict, Callable[[], None]]:
    """Chromium's and Playwright's driver's CPU, read when the audit closes its renderer (into the dict
    returned), and the function that undoes the patch. Read after the night it would be lost: the driver
    does not reap every Chromium process it started, so ended ones are not in RUSAGE_CHILDREN."""
    from checker.render import Renderer

    seen: dict = {}
    closing = Renderer.close

    def close(self) -> None:
        seen["cpu"] = seen.get("cpu", 0.0) + cpu_seconds(include_self=False, leave_out=server_pid)
        closing(self)

    Renderer.close = close  # type: ignore[method-assign]

    def undo() -> None:
        Renderer.close = closing  # type: ignore[method-assign]

    return seen, undo


def bench_nights(hosts: int, pages: int, delay: float) -> None:
    from checker.config import load_audit_config

    print(f"\n(c) run_audit, bench_audit.py's pages: {hosts} partners x {pages} pages (one in ten a copy, half of "
          f"the copies violate), delay {delay:g} s, concurrency 16, latency 0.05 s; two nights, render never vs auto")
    server = bench_audit.Server(hosts, pages, 0.05, 10)
    results: dict = {}
    browser_cpu, undo = _browser_cpu_at_close(server.proc.pid)
    try:
        for mode in ("never", "auto"):
            with tempfile.TemporaryDirectory(prefix="bench-render-audit-") as tmp:
                os.environ["SYNDICHECK_CACHE_DIR"] = str(Path(tmp) / "cache")
                path = bench_audit.write_config(Path(tmp), server.info, hosts, delay, 16)
                path.write_text(path.read_text() + f"check:\n  render: {mode}\n")
                config = load_audit_config(path)
                for night in (1, 2):
                    server.reset()
                    browser_cpu.clear()
                    c0 = time.process_time()
                    r = bench_audit.timed_audit(config)
                    r["cpu_all"] = time.process_time() - c0 + browser_cpu.get("cpu", 0.0)
                    results[(mode, night)] = r
                    print(f"  render {mode:5} night {night}: {r['total']:6.1f} s (crawl+check {r['crawl']:5.1f} s; "
                          f"CPU {r['cpu_all']:5.1f} s, of which Chromium and its driver "
                          f"{browser_cpu.get('cpu', 0.0):4.1f} s) {r['pages']} pages {r['statuses']}, "
                          f"{r['reused']} verdicts reused")
    finally:
        undo()
        server.close()
    print("  load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for night in (1, 2):
        ratio = results[("auto", night)]["total"] / results[("never", night)]["total"]
        cpu = results[("auto", night)]["cpu_all"] / max(1e-9, results[("never", night)]["cpu_all"])
        miss = "" if ratio <= TARGET_AUTO else " MISS"
        print(f"  night {night}: auto / never = {ratio:.2f}x wall{miss} (target <= {TARGET_AUTO:g}x), {cpu:.2f}x CPU")


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="(a) 40 pages, (c) 20 hosts x 10 pages")
    ap.add_argument("--only", choices=("pages", "demo", "audit"), help="run one part only")
    ap.add_argument("--delay", type=float, default=0.1,
                    help="(c) per-host delay (default 0.1, bench_audit.py's; the audit's default is 1.0)")
    args = ap.parse_args(argv)
    print("$ " + shlex.join([sys.executable, *sys.argv]))
    print(f"{os.cpu_count()} CPUs; load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    from checker.render import browser_problem
    problem = browser_problem()
    if problem:
        print(f"no browser: {problem}")
        return 1
    import logging
    logging.basicConfig(level=logging.ERROR)
    if args.only in (None, "pages"):
        bench_pages(40 if args.quick else 120)
    if args.only in (None, "demo"):
        bench_demo()
    if args.only in (None, "audit"):
        bench_nights(20 if args.quick else 40, 10, args.delay)
    return 0


if __name__ == "__main__":
    sys.exit(main())
