#!/usr/bin/env python3
"""The nightly audit's crawl against a local multi-host server with simulated latency (issue 3, item 11).

Prints figures; it is not a test and asserts nothing (a missed target is printed as MISS).

    .venv/bin/python bench/bench_audit.py            # 200 hosts x 20 pages, 50 ms a response (about 5 minutes)
    .venv/bin/python bench/bench_audit.py --quick    # 40 hosts x 10 pages (under a minute)

The server runs in its own process (asyncio, one listening socket per loopback address 127.0.1.1..127.0.1.N,
the licensor on 127.0.2.1), so its CPU does not compete with the crawler's GIL. Every response, 200 or 304,
waits `--latency` before it is written. Pages carry an ETag and a Last-Modified and answer 304 to a matching
conditional GET. One page in ten is a copy of one of the licensor's originals (half of them without the logo:
violations), the rest are the partner's own articles; each page is about 15 KB of HTML with a realistic
amount of navigation, sidebar and inline script.

(a) crawl only: `checker.crawl.hostbatch.crawl_batch` for each host batch, run by
    `checker.crawl.executor.LocalExecutor(concurrency)`, robots.txt not consulted, with a per-host delay.
    Politeness bound (issue 3): min(concurrency / latency, hosts x per-host rate), per-host rate = 1 / delay.
    Sequential loops are timed on a subset (the first hosts) and extrapolated to all URLs (said in the output).
(b) `checker.audit.run_audit`, two nights over the same, unchanged pages: night 2 revalidates (ETag /
    If-Modified-Since -> 304) and reuses the stored verdicts. Phases: discovery (originals, robots.txt,
    sitemaps; until the first page is recorded), crawl+check (first to last page), reports.
(c) peak RSS of `run_audit` over 1,000 and 4,000 pages, each in a fresh subprocess (ru_maxrss), plus the
    peak reached by the end of the crawl (VmHWM when the last page is recorded).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import resource
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path
from typing import NamedTuple, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_BOUND = 0.85  # achieved / politeness bound
TARGET_SPEEDUP = 10.0  # over a sequential loop
TARGET_NIGHT2 = 0.20  # night 2 / night 1 wall time
TARGET_MEMORY = 1.2  # peak RSS at 4,000 pages / at 1,000 pages
LICENSOR_IP = "127.0.2.1"
LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


def host_ip(i: int) -> str:
    """127.0.1.1 .. 127.0.1.254, then 127.0.3.x ... (any 127/8 address is loopback on Linux)."""
    third, fourth = divmod(i, 254)
    return f"127.0.{1 if third == 0 else third + 2}.{fourth + 1}"


# ============================================================================================ content

_SYLL = ["ba", "con", "de", "ter", "al", "mi", "ro", "sta", "vel", "un", "pre", "gra", "tion", "ment", "ly", "sor",
         "quin", "ta", "lo", "ves", "mar", "pel", "tu", "ric"]
_COMMON = ("the of and to in a that said for on is was with by as at from it his her their has have officials "
           "federal state department would not be an told which after more than").split()
_VOCAB: list[str] = []


def vocab() -> list[str]:
    if not _VOCAB:
        rng = random.Random(1)
        _VOCAB.extend(_COMMON * 30 + ["".join(rng.choice(_SYLL) for _ in range(rng.randint(2, 4)))
                                     for _ in range(6000)])
    return _VOCAB


def paragraphs(seed: int, n: int = 7, words: int = 60) -> list[str]:
    rng, v = random.Random(seed), vocab()
    out = []
    for _ in range(n):
        text = " ".join(rng.choice(v) for _ in range(words))
        out.append(text[0].upper() + text[1:] + ".")
    return out


FIRST = ["Margaret", "Daniel", "Priya", "Samuel", "Elena", "Marcus", "Julia", "Owen", "Nadia", "Victor"]
LAST = ["Ellison", "Okafor", "Raman", "Whitfield", "Castro", "Lindqvist", "Moreau", "Brandt", "Haddad", "Iwata"]


def original(k: int) -> dict:
    return {"slug": f"story-{k}", "title": f"Newswire Story Number {k} About Policy",
            "author": f"{FIRST[k % 10]} {LAST[(k * 3 + 1) % 10]}", "paragraphs": paragraphs(100_000 + k)}


_BOILER_SCRIPT = "<script>window.dataLayer=window.dataLayer||[];" + "function t(){return 1};" * 150 + "</script>"
_BOILER_STYLE = "<style>" + "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px}}" for i in range(120)) + "</style>"


def page_kind(h: int, j: int, n_originals: int) -> tuple[str, Optional[int]]:
    """('compliant'|'violation'|'own', original index) for page j of host h."""
    if j % 10 == 3:
        k = (h * 7 + j) % n_originals
        return ("compliant" if (h + j // 10) % 2 == 0 else "violation"), k
    return "own", None


def page_html(h: int, j: int, n_originals: int) -> bytes:
    kind, k = page_kind(h, j, n_originals)
    nav = "".join(f'<li><a href="/section/{s}">Section {s}</a></li>' for s in range(40))
    side = "".join(f'<li><a href="/news/{(j + s) % 97}">Teaser headline number {s} for today</a></li>'
                   for s in range(20))
    if kind == "own":
        # own articles draw from seeds far from the originals' (100_000 + k), so none is a copy by accident
        title, byline, logo, body = (f"Local report {h}-{j}", "By Pat Local, Staff Writer", "",
                                     paragraphs(10_000_000 + h * 1000 + j, 8))
    else:
        o = original(k)
        title, body = o["title"], o["paragraphs"]
        byline = f"By {o['author']}, Daily Caller News Foundation"
        logo = ('<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation logo" width="200" height="60">'
                if kind == "compliant" else "")
    text = "".join(f"<p>{p}</p>" for p in body)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{_BOILER_STYLE}"
            f"{_BOILER_SCRIPT}</head><body><header><nav><ul>{nav}</ul></nav></header><main><article>"
            f"<h1>{title}</h1><div class='byline'>{byline}</div>{logo}{text}</article>"
            f"<aside><ul>{side}</ul></aside></main><footer><p>Copyright host {h}. All rights reserved.</p>"
            f"</footer></body></html>").encode()


# Every page last changed an hour before the server started: a time, not a bare date (a bare date means "any
# time that day", so --trust-lastmod would request every page dated today).
_LASTMOD = (datetime.now(timezone.utc) - timedelta(hours=1)).replace(microsecond=0).isoformat()


def sitemap(base: str, pages: int) -> bytes:
    urls = "".join(f"<url><loc>{base}/news/{j}</loc><lastmod>{_LASTMOD}</lastmod></url>" for j in range(pages))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


def licensor_feed(base: str, n: int) -> bytes:
    now = datetime.now(timezone.utc)
    items = []
    for k in range(n):
        o = original(k)
        encoded = "".join(f"<p>{p}</p>" for p in o["paragraphs"])
        items.append(f"<item><title>{o['title']}</title><link>{base}/{o['slug']}/</link>"
                     f"<guid>{base}/{o['slug']}/</guid><pubDate>{format_datetime(now - timedelta(hours=6 + k), usegmt=True)}"
                     f"</pubDate><dc:creator>{o['author']}</dc:creator>"
                     f"<content:encoded><![CDATA[{encoded}]]></content:encoded></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>Licensor</title><link>{base}/</link><description>d</description>{''.join(items)}"
            "</channel></rss>").encode()


# ============================================================================================ server


class Stats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests = self.not_modified = self.connections = 0


class Reply(NamedTuple):
    """A response a fault plan substitutes for the normal one (written after the latency, kept alive)."""

    status: int
    ctype: str = "text/plain"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


HANDLED = object()  # a fault plan's answer: it wrote (or broke) the response itself; close the connection


def serve(hosts: int, pages: int, latency: float, n_originals: int, *, faults=None, closed: Sequence[int] = ()) -> None:
    """Run the server until stdin closes; prints 'READY <json>' with each address's port.

    `faults` (bench_load.py) may replace any response: `await faults.respond(h, path, headers, writer)` returns
    None (serve normally), a Reply, or HANDLED; `faults.reset()` runs on /__reset. Hosts in `closed` get no
    listening socket: their port is one that was just bound and closed, so connecting is refused.
    """
    stats = Stats()
    ports: dict[str, int] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, h: int) -> None:
        stats.connections += 1
        ip = writer.get_extra_info("sockname")[0]
        base = f"http://{ip}:{ports[ip]}"
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                status, ctype, body, etag = 200, "text/html; charset=utf-8", b"", None
                extra: tuple[tuple[str, str], ...] = ()
                control = False
                answer = None
                if faults is not None and path not in ("/__stats", "/__reset"):
                    answer = await faults.respond(h, path, headers, writer)
                    if answer is HANDLED:
                        stats.requests += 1
                        return
                if answer is not None:
                    status, ctype, body, extra = answer
                elif path == "/__stats":
                    control, ctype = True, "application/json"
                    body = json.dumps({"requests": stats.requests, "not_modified": stats.not_modified,
                                       "connections": stats.connections}).encode()
                elif path == "/__reset":
                    control = True
                    stats.reset()
                    if faults is not None:
                        faults.reset()
                elif path == "/robots.txt":
                    ctype, body = "text/plain", b"User-agent: *\nAllow: /\n"
                elif h < 0 and path == "/feed.xml":
                    ctype, body = "application/rss+xml", licensor_feed(base, n_originals)
                elif h >= 0 and path == "/sitemap.xml":
                    ctype, body = "application/xml", sitemap(base, pages)
                elif h >= 0 and path.startswith("/news/") and path[6:].isdigit() and int(path[6:]) < pages:
                    j = int(path[6:])
                    etag = f'"p{h}-{j}-v1"'
                    inm = headers.get("if-none-match")
                    ims = headers.get("if-modified-since")
                    if (inm is not None and etag in [t.strip() for t in inm.split(",")]) or \
                            (inm is None and ims == LAST_MODIFIED):
                        status = 304
                    else:
                        body = page_html(h, j, n_originals)
                else:
                    status, ctype, body = 404, "text/plain", b"not found"
                if not control:
                    stats.requests += 1
                    stats.not_modified += status == 304
                    await asyncio.sleep(latency)
                reason = HTTPStatus(status).phrase
                out = [f"HTTP/1.1 {status} {reason}", "Server: bench", "Connection: keep-alive"]
                out += [f"{k}: {v}" for k, v in extra]
                if etag:
                    out += [f"ETag: {etag}", f"Last-Modified: {LAST_MODIFIED}"]
                if status != 304:
                    out += [f"Content-Type: {ctype}", f"Content-Length: {len(body)}"]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + (body if status != 304 else b""))
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = []
        for h in [-1, *range(hosts)]:
            ip = LICENSOR_IP if h < 0 else host_ip(h)
            if h in closed:
                with socket.socket() as s:  # a port nothing listens on: connections to it are refused
                    s.bind((ip, 0))
                    ports[ip] = s.getsockname()[1]
                continue
            srv = await asyncio.start_server(lambda r, w, h=h: handle(r, w, h), ip, 0, backlog=256)
            ports[ip] = srv.sockets[0].getsockname()[1]
            servers.append(srv)
        print("READY " + json.dumps({"licensor": f"{LICENSOR_IP}:{ports[LICENSOR_IP]}",
                                     "hosts": [f"{host_ip(h)}:{ports[host_ip(h)]}" for h in range(hosts)]}),
              flush=True)
        loop = asyncio.get_running_loop()
        done = asyncio.Event()
        loop.add_reader(sys.stdin.fileno(), lambda: done.set() if not sys.stdin.buffer.read1(1) else None)
        await done.wait()

    asyncio.run(main())


class Server:
    """The server subprocess; `info` has 'licensor' (ip:port) and 'hosts' ([ip:port, ...])."""

    def __init__(self, hosts: int, pages: int, latency: float, originals: int, *,
                 argv: Optional[Sequence[str]] = None):
        """`argv`: another command that ends up in serve() (bench_load.py's, with a fault plan)."""
        self.proc = subprocess.Popen(
            list(argv) if argv else
            [sys.executable, __file__, "--_serve", str(hosts), str(pages), str(latency), str(originals)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.proc.kill()
            sys.exit(f"bench_audit: the server did not start: {line!r}")
        self.info = json.loads(line[6:])
        self.pages = pages

    def _control(self, path: str) -> dict:
        import requests
        r = requests.get(f"http://{self.info['licensor']}{path}", timeout=5)
        return r.json() if path == "/__stats" else {}

    def stats(self) -> dict:
        return self._control("/__stats")

    def reset(self) -> None:
        self._control("/__reset")

    def urls(self, hosts: Optional[int] = None) -> list[list[str]]:
        return [[f"http://{hp}/news/{j}" for j in range(self.pages)] for hp in self.info["hosts"][:hosts]]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ============================================================================================ (a) crawl


def crawl(url_lists: list[list[str]], delay: float, concurrency: int) -> tuple[float, int, int]:
    """(seconds, pages, ok) for crawl_batch over every host batch, run as the audit runs it: many host threads
    (checker.audit.make_executor) sharing `concurrency` request slots (checker.crawl.slots.RequestSlots)."""
    from checker.audit import HOSTS_PER_SLOT, MAX_HOST_THREADS
    from checker.crawl.executor import LocalExecutor
    from checker.crawl.slots import RequestSlots
    from checker.crawl.fetcher import FetchSettings, Fetcher
    from checker.crawl.hostbatch import HostBatch, crawl_batch
    from checker.url_identity import host_of

    batches = [HostBatch(host=host_of(urls[0]), urls=tuple(urls)) for urls in url_lists]
    with Fetcher(FetchSettings()) as raw:
        fetcher = RequestSlots(raw, concurrency)
        t0 = time.perf_counter()
        n = ok = 0
        for fetched in LocalExecutor(concurrency=min(MAX_HOST_THREADS, concurrency * HOSTS_PER_SLOT)).run(
                batches, lambda b: crawl_batch(b, fetcher=fetcher, robots=None, delay=delay)):
            n += 1
            ok += fetched.ok
        return time.perf_counter() - t0, n, ok


def sequential(url_lists: list[list[str]], delay: Optional[float]) -> tuple[float, int]:
    """A plain loop, one URL after another (delay None), or host after host through crawl_batch (polite)."""
    from checker.crawl.fetcher import FetchSettings, Fetcher
    from checker.crawl.hostbatch import HostBatch, crawl_batch
    from checker.url_identity import host_of

    with Fetcher(FetchSettings()) as fetcher:
        t0 = time.perf_counter()
        n = 0
        for urls in url_lists:
            if delay is None:
                for url in urls:
                    fetcher.fetch(url)
                    n += 1
            else:
                for _ in crawl_batch(HostBatch(host=host_of(urls[0]), urls=tuple(urls)), fetcher=fetcher,
                                     robots=None, delay=delay):
                    n += 1
        return time.perf_counter() - t0, n


def bench_crawl(server: Server, all_urls: list[list[str]], latency: float, delays: Sequence[float], concurrency: int,
                seq_hosts: int) -> None:
    from checker.audit import HOSTS_PER_SLOT, MAX_HOST_THREADS

    hosts, total = len(all_urls), sum(len(u) for u in all_urls)
    print(f"\n(a) crawl: crawl_batch + LocalExecutor(concurrency={concurrency}), {hosts} hosts x {server.pages} "
          f"pages = {total} URLs, {latency * 1000:.0f} ms a response, robots.txt not consulted")
    subset = all_urls[:seq_hosts]
    n_sub = sum(len(u) for u in subset)
    t_plain, _ = sequential(subset, None)
    plain_rate = n_sub / t_plain
    print(f"  sequential plain loop (fetcher.fetch one URL after another): {n_sub} URLs of the first {seq_hosts} "
          f"hosts in {t_plain:.2f} s = {plain_rate:.1f} pages/s; extrapolated to {total} URLs: "
          f"{total / plain_rate:.1f} s")
    print(f"  {'delay':>6} {'bound':>14} {'achieved':>16} {'of bound':>9} {'executor max':>13} "
          f"{'vs plain loop':>14} {'vs polite loop':>15} {'conns':>6}")
    for delay in delays:
        t_polite, _ = sequential(subset, delay)
        polite_rate = n_sub / t_polite
        server.reset()
        elapsed, n, ok = crawl(all_urls, delay, concurrency)
        conns = server.stats()["connections"]
        rate = n / elapsed
        bound = min(concurrency / latency, hosts / delay if delay > 0 else float("inf"))
        exec_max = min(MAX_HOST_THREADS, concurrency * HOSTS_PER_SLOT) / max(latency, delay)
        frac, speed, speed_polite = rate / bound, rate / plain_rate, rate / polite_rate
        print(f"  {delay:>5.2f}s {bound:>8.0f} req/s {rate:>7.1f} req/s {elapsed:>5.1f}s {frac:>8.0%}"
              f"{'' if frac >= TARGET_BOUND else ' MISS':<5}{exec_max:>8.0f} req/s {speed:>12.1f}x"
              f"{'' if speed >= TARGET_SPEEDUP else ' MISS':<5}{speed_polite:>10.1f}x {conns:>6}")
        if ok != n:
            print(f"    WARNING: {n - ok} of {n} fetches failed")
    print("  bound = min(concurrency / latency, hosts / delay) (issue 3); executor max = host threads / max(latency,"
          " delay):\n  each host thread sleeps through its host's delay holding no request slot; at most `concurrency`"
          " requests\n  are in flight. polite loop = crawl_batch host after host with the"
          " same delay\n  (timed on the same subset, extrapolated). conns = TCP connections the server accepted.")


# ============================================================================================ (b), (c) audits


def write_config(workdir: Path, server_info: dict, hosts: int, delay: float, concurrency: int,
                 trust_lastmod: float = 0) -> Path:
    partners = "".join(f"  - id: p{h:03d}\n    name: Partner {h}\n    contacts: [\"ed@p{h}.example\"]\n"
                       f"    sitemaps: [\"http://{hp}/sitemap.xml\"]\n"
                       for h, hp in enumerate(server_info["hosts"][:hosts]))
    path = workdir / "audit.yaml"
    path.write_text(
        f"originals:\n  feeds: [\"http://{server_info['licensor']}/feed.xml\"]\n  window_days: 14\n"
        f"partners:\n{partners}"
        f"crawl:\n  allow_private_addresses: true\n  delay: {delay}\n  concurrency: {concurrency}\n"
        f"  trust_lastmod_days: {trust_lastmod}\n"
        "storage:\n  database: state/audit.db\nreports:\n  directory: reports\n", encoding="utf-8")
    return path


def timed_audit(config) -> dict:
    from checker.audit import run_audit

    marks: list[float] = []
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    outcome = run_audit(config, quiet=True, on_page=lambda page: marks.append(time.perf_counter()))
    t1 = time.perf_counter()
    pages = outcome.report.pages
    first, last = (marks[0], marks[-1]) if marks else (t1, t1)
    return {"total": t1 - t0, "cpu": time.process_time() - cpu0, "discovery": first - t0, "crawl": last - first,
            "reports": t1 - last, "pages": len(pages), "reused": sum(p.reused for p in pages),
            "statuses": _count(p.result.status.value for p in pages), "complete": outcome.complete}


def _count(items) -> dict:
    out: dict = {}
    for i in items:
        out[i] = out.get(i, 0) + 1
    return out


def bench_nights(server: Server, hosts: int, delay: float, concurrency: int, latency: float,
                 trust_lastmod: float = 0) -> None:
    from checker.config import load_audit_config

    n = hosts * server.pages
    print(f"\n(b) run_audit, two nights over unchanged pages: {hosts} partners (one host each) x {server.pages} pages "
          f"= {n} pages, delay {delay} s, concurrency {concurrency}, robots.txt obeyed, all report formats, "
          f"crawl.trust_lastmod_days {trust_lastmod:g}")
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        os.environ["SYNDICHECK_CACHE_DIR"] = str(Path(tmp) / "cache")
        config = load_audit_config(write_config(Path(tmp), server.info, hosts, delay, concurrency, trust_lastmod))
        nights = []
        for night in (1, 2):
            server.reset()
            r = timed_audit(config)
            r.update(server.stats())
            nights.append(r)
            print(f"  night {night}: {r['total']:6.1f} s  (discovery {r['discovery']:5.1f} s, crawl+check "
                  f"{r['crawl']:5.1f} s, reports {r['reports']:4.1f} s; CPU {r['cpu']:5.1f} s)  {r['pages']} pages "
                  f"{r['statuses']}, {r['requests']} requests, {r['not_modified']} answered 304, "
                  f"{r['reused']} verdicts reused{'' if r['complete'] else ', INCOMPLETE'}")
    ratio = nights[1]["total"] / nights[0]["total"]
    cpu_ratio = nights[1]["cpu"] / nights[0]["cpu"]
    crawl_ratio = nights[1]["crawl"] / nights[0]["crawl"] if nights[0]["crawl"] else float("nan")
    floor = n * max(latency, delay) / concurrency
    print(f"  night 2 / night 1: wall {ratio:.0%}{'' if ratio <= TARGET_NIGHT2 else ' MISS'} (target <= "
          f"{TARGET_NIGHT2:.0%}); crawl+check phase {crawl_ratio:.0%}; CPU {cpu_ratio:.0%}")
    if trust_lastmod:
        print(f"  with crawl.trust_lastmod_days, night 2 requests no page its sitemap dates before night 1's fetch "
              f"({nights[1]['requests']} requests: robots.txt, sitemaps, the licensor's feed)")
        return
    print(f"  a 304 still costs one paced request: {n} pages x max(latency, delay) / concurrency = {floor:.1f} s is "
          f"the floor of either night's crawl phase\n  with LocalExecutor; discovery (robots.txt + sitemap of every "
          f"partner) runs partner after partner, before the crawl.")


def rss_child(info_path: str, pages_wanted: int, pages_per_host: int, delay: float, concurrency: int) -> None:
    """In a fresh process: one run_audit over `pages_wanted` pages; prints JSON peaks (KiB)."""
    from checker.audit import run_audit
    from checker.config import load_audit_config

    logging.getLogger("syndicheck").setLevel(logging.ERROR)
    info = json.loads(Path(info_path).read_text())
    hosts = pages_wanted // pages_per_host
    hwm_at_last_page = [0]

    def vmhwm() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def on_page(page) -> None:
        hwm_at_last_page[0] = vmhwm()

    with tempfile.TemporaryDirectory(prefix="bench-rss-") as tmp:
        os.environ["SYNDICHECK_CACHE_DIR"] = str(Path(tmp) / "cache")
        config = load_audit_config(write_config(Path(tmp), info, hosts, delay, concurrency))
        t0 = time.perf_counter()
        outcome = run_audit(config, quiet=True, on_page=on_page)
        elapsed = time.perf_counter() - t0
    print(json.dumps({"pages": len(outcome.report.pages), "crawl_peak_kib": hwm_at_last_page[0],
                      "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "seconds": elapsed}))


def bench_memory(server: Server, sizes: Sequence[int], delay: float, concurrency: int) -> None:
    print(f"\n(c) peak RSS of run_audit, a fresh subprocess per size (delay {delay} s, concurrency {concurrency}, "
          f"{server.pages} pages a host)")
    rows = []
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(server.info, fh)
        info_path = fh.name
    try:
        for size in sizes:
            proc = subprocess.run([sys.executable, __file__, "--_rss-child", info_path, str(size), str(server.pages),
                                   str(delay), str(concurrency)], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"  {size} pages: child failed: {proc.stderr.strip()[-500:]}")
                return
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"  {row['pages']:>6} pages: peak RSS {row['peak_kib'] / 1024:6.1f} MiB, at the end of the crawl "
                  f"{row['crawl_peak_kib'] / 1024:6.1f} MiB ({row['seconds']:.1f} s)")
    finally:
        os.unlink(info_path)
    if len(rows) == 2:
        growth = rows[1]["peak_kib"] / rows[0]["peak_kib"]
        crawl_growth = rows[1]["crawl_peak_kib"] / rows[0]["crawl_peak_kib"]
        print(f"  {rows[1]['pages']} / {rows[0]['pages']} pages: peak x{growth:.2f}"
              f"{'' if growth <= TARGET_MEMORY else ' MISS'} (target <= x{TARGET_MEMORY}), crawl phase "
              f"x{crawl_growth:.2f}; per extra page {(rows[1]['peak_kib'] - rows[0]['peak_kib']) / max(1, rows[1]['pages'] - rows[0]['pages']):.1f} KiB")


# ============================================================================================ main


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="40 hosts x 10 pages, smaller memory sizes")
    ap.add_argument("--hosts", type=int, help="partner hosts (default 200; --quick 40)")
    ap.add_argument("--pages", type=int, help="pages per host (default 20; --quick 10)")
    ap.add_argument("--latency", type=float, default=0.05, help="seconds before each response (default 0.05)")
    ap.add_argument("--delay", type=float, default=0.1, help="per-host delay for (a) and (b) (default 0.1)")
    ap.add_argument("--concurrency", type=int, default=16, help="global concurrency (default 16)")
    ap.add_argument("--only", choices=("crawl", "nights", "memory"), help="run one part only")
    ap.add_argument("--trust-lastmod", type=float, default=0, metavar="DAYS",
                    help="(b) with crawl.trust_lastmod_days: DAYS (default 0: every page revalidated)")
    ap.add_argument("--_serve", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--_rss-child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._serve:
        h, p, lat, o = args._serve
        serve(int(h), int(p), float(lat), int(o))
        return 0
    if args._rss_child:
        info, size, per_host, delay, conc = args._rss_child
        rss_child(info, int(size), int(per_host), float(delay), int(conc))
        return 0

    print("$ " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]), flush=True)
    hosts = args.hosts or (40 if args.quick else 200)
    pages = args.pages or (10 if args.quick else 20)
    sizes = (200, 400) if args.quick else (1000, 4000)
    max_hosts = max(hosts, sizes[-1] // pages)
    import requests  # noqa: F401 - versions line
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the start; server: asyncio in its own process, {max_hosts} hosts on "
          f"127.0.1.x, {args.latency * 1000:.0f} ms before every response")
    logging.getLogger("syndicheck").setLevel(logging.ERROR)
    server = Server(max_hosts, pages, args.latency, originals=20)
    try:
        if args.only in (None, "crawl"):
            delays = sorted({args.delay, args.latency})[::-1]
            bench_crawl(server, server.urls(hosts), args.latency, delays, args.concurrency,
                        seq_hosts=max(2, min(5, hosts // 8)))
        if args.only in (None, "nights"):
            bench_nights(server, hosts, args.delay, args.concurrency, args.latency, args.trust_lastmod)
        if args.only in (None, "memory"):
            bench_memory(server, sizes, 0.0, args.concurrency)
    finally:
        server.close()
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other processes on this machine slow every figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
