"""The nightly audit: originals -> discovery -> host batches -> fetch/check -> waive -> store -> reports -> notify."""
from __future__ import annotations

import hashlib
import logging
from contextlib import nullcontext
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from functools import partial
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from . import __version__
from .config_types import AuditConfig, CrawlSettings, OriginalsConfig, PartnerConfig
from .crawl.archive import ArchivedResponse, WarcWriter
from .crawl.check_threads import CheckThreads, check_thread_count
from .crawl.dask_executor import drop_per_process, per_process
from .crawl.executor import Executor
from .crawl.executor import make_executor as _make_executor
from .crawl.slots import RequestSlots
from .crawl.fetcher import HOST_POOLS, FetchSettings, Fetcher, PageFetcher
from .crawl.hostbatch import HostBatch, crawl_batch, group_by_host, split_host_batches
from .crawl.in_order import Later, in_order
from .crawl.robots import DEFAULT_MAX_CRAWL_DELAY, RobotsCache
from .history import History, HistoryError
from .models import NO_CANDIDATES, AuditPage, AuditReport, Fetched, Original, PageResult, PartnerInfo, Status
from .originals import OriginalsError, load_all, load_originals
from .original_text import has_text, named
from .pipeline import Checker
from .runlock import RunLock
from .pack_routing import (RoutedChecker, ShippedRouter, all_source_urls, license_label, packs_fingerprint, source_name,
                           source_packs, widest_window)
from .ruleset import LicensePack
from .shipped_checker import ShippedChecker
from .stored_pages import StoredPages
from .sources.discovery import Discovery, SourceError, discover, parse_sitemap, rejected_note, SITEMAP_ACCEPT
from .url_identity import host_of, normalize_url
from .waivers import apply_waivers, waiver_notes

log = logging.getLogger("syndicheck.audit")
BATCH_PAGES = 200  # a big host is cut into sequential chunks of this many URLs
HOSTS_PER_SLOT = 8  # host threads per request slot: most of a polite host's time is spent waiting
MAX_HOST_THREADS = HOST_POOLS  # no more host threads than the fetcher keeps connection pools (keep-alive)
# Browser contexts (pages rendered at once); render mode only (checker/render). One per CPU, 2 to 4: a render
# is CPU work (Chromium's), so contexts beyond the CPUs do not speed a night up, and each costs a renderer
# process and its first page's work (bench/README.md, "Browser contexts in the audit": 4 on 2 CPUs cost
# about a quarter more CPU and time than 2).
RENDER_CONTEXTS = min(4, max(2, os.cpu_count() or 2))


@dataclass(frozen=True)
class AuditOutcome:
    run_id: int
    report: AuditReport
    files: tuple[str, ...]  # report files written
    sent: tuple[str, ...]  # notification log
    complete: bool


def pack_fingerprint(pack: LicensePack) -> str:
    """A hash of every file of the pack: a stored verdict is reused only under the same rules."""
    h = hashlib.sha256()
    for path in sorted(Path(pack.directory).rglob("*")):
        if path.is_file():
            h.update(path.relative_to(pack.directory).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:32]


def fetch_settings(crawl: CrawlSettings) -> FetchSettings:
    base = FetchSettings()
    return FetchSettings(
        user_agent=crawl.user_agent or base.user_agent, connect_timeout=crawl.connect_timeout,
        read_timeout=crawl.timeout, deadline=crawl.deadline, max_bytes=crawl.max_bytes,
        max_redirects=crawl.max_redirects, retries=crawl.retries, retry_after_cap=crawl.retry_after_cap,
        untrusted=True, allow_private_addresses=crawl.allow_private_addresses)  # URLs from feeds: SSRF policy


def host_delay(config: AuditConfig, host: str, partner: Optional[PartnerConfig]) -> float:
    """Per-host override, else the partner's, else the global delay (robots Crawl-delay may raise it)."""
    bare = host.split(":")[0]
    for key in (host, bare):
        override = config.crawl.for_host(key)
        if override.delay is not None:
            return override.delay
    if partner is not None and partner.crawl.delay is not None:
        return partner.crawl.delay
    return config.crawl.delay


def load_audit_originals(config: AuditConfig, fetcher: Fetcher, today: date,
                         source: Optional[OriginalsConfig] = None) -> tuple[list[Original], list[str]]:
    """The licensor's originals in the window, and problems met (a source that failed is reported, not fatal).
    `source`: one of config.originals_sources (default: config.originals)."""
    source = source or config.originals
    problems: list[str] = []
    originals: list[Original] = []
    for src in source.manifests + source.feeds:
        try:
            originals.extend(load_all([src], fetcher=fetcher))
        except OriginalsError as exc:
            problems.append(f"originals source {src}: {exc}")
    for sitemap in source.sitemaps:
        fetched = fetcher.fetch(sitemap, accept_types=SITEMAP_ACCEPT)
        if not fetched.ok:
            problems.append(f"originals sitemap {sitemap}: {fetched.error}")
            continue
        rejected: list[str] = []
        try:
            entries, _children = parse_sitemap(fetched.body or b"", fetched.url, rejected)
        except SourceError as exc:
            problems.append(f"originals sitemap {sitemap}: {exc}")
            continue
        if rejected:
            problems.append(f"originals sitemap {sitemap}: {rejected_note(rejected)}")
        since = datetime.now(timezone.utc) - timedelta(days=source.window_days)
        for url, when in entries:
            if when is not None and when < since:
                continue
            try:
                originals.extend(load_originals(url, fetcher=fetcher))
            except OriginalsError as exc:
                problems.append(f"original {url}: {exc}")
    cutoff = today - timedelta(days=source.window_days)
    kept, seen, textless = [], set(), []
    for o in originals:
        if o.id in seen:
            continue
        seen.add(o.id)
        if not has_text(o):  # its copies would all pass as "not a copy": said, and left out (none left: no originals)
            textless.append(o)
            continue
        if o.published:
            try:
                if date.fromisoformat(o.published[:10]) < cutoff:
                    continue
            except ValueError:
                pass  # an unreadable date keeps the original: better checked than missed
        kept.append(o)
    if textless:
        problems.append(f"{len(textless)} original{' has' if len(textless) == 1 else 's have'} no text to recognise "
                        f"copies by, left out: {named(textless)}")
    return kept, problems


class Progress:
    """Pages done / total on a TTY (rich), plain log lines otherwise (cron)."""

    def __init__(self, total: int, *, tty: bool, quiet: bool):
        self.total, self.done, self.errors, self.quiet = total, 0, 0, quiet
        self._bar = None
        if tty and not quiet and total:
            try:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn
                self._bar = RichProgress(TextColumn("[bold]audit[/]"), BarColumn(), MofNCompleteColumn(),
                                         TextColumn("{task.fields[partner]} · errors {task.fields[errors]}"),
                                         TimeElapsedColumn(), transient=True)
                self._task = self._bar.add_task("pages", total=total, partner="", errors=0)
                self._bar.start()
            except ImportError:
                self._bar = None
        self._step = max(1, total // 20)

    def advance(self, page: AuditPage) -> None:
        self.done += 1
        self.errors += page.result.status is Status.ERROR
        if self._bar is not None:
            self._bar.update(self._task, advance=1, partner=page.partner, errors=self.errors)
        elif not self.quiet and (self.done % self._step == 0 or self.done == self.total):
            log.info("%d/%d pages checked (%d errors)", self.done, self.total, self.errors)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def run_audit(config: AuditConfig, *, resume: bool = False, tty: bool = False, quiet: bool = False,
              today: Optional[date] = None, executor=None,
              on_page: Optional[Callable[[AuditPage], None]] = None) -> AuditOutcome:
    """One audit run, written to the history database page by page so a killed run can be resumed."""
    today = today or datetime.now(timezone.utc).date()
    packs = source_packs(config)  # one per originals source (pack_routing.py); usually one source, one pack
    fingerprint = packs_fingerprint(packs, pack_fingerprint)
    label = license_label(packs)
    settings = fetch_settings(config.crawl)
    lock, history, renderer = _open_run_resources(config, settings)
    fetcher = Fetcher(settings)
    try:
        if renderer is not None:
            renderer.warm()  # the browser launches while originals are loaded and partners discovered
        run_id, done = _open_run(history, label, fingerprint, config, resume)
        by_source, originals, problems = _load_sources(config, fetcher, today)
        for p in problems:
            log.warning("%s", p)
        log.info("run %d: %d originals in the %d-day window", run_id, len(originals), config.originals.window_days)
        if not originals:
            return _stop_without_originals(history, run_id, label, config, today, problems)
        checker, shipped = _checkers(packs, by_source, config, renderer)
        robots = RobotsCache(fetcher, max_delay=config.crawl.max_crawl_delay) if config.crawl.obey_robots else None
        found = _discover_partners(config, fetcher, robots)
        crawl = _Crawl(config, shipped, originals, checker, fetcher, robots, history, fingerprint, run_id, today,
                       originals_partial=bool(problems), renderer=renderer)
        complete = crawl.run(found, done, executor, tty=tty, quiet=quiet, on_page=on_page)
        if robots is not None:  # hosts whose robots.txt Crawl-delay was over crawl.max_crawl_delay
            problems.extend(robots.slowed_notes())
        report = build_report(history, run_id, label, config, found.infos, today, complete, problems)
        files, sent = _write_then_finish(history, run_id, report, config)
        return AuditOutcome(run_id, report, tuple(files), tuple(sent), complete)
    finally:
        if renderer is not None:
            renderer.close()
        fetcher.close()
        history.close()
        lock.release()


def _open_run_resources(config: AuditConfig, settings: FetchSettings):
    """The run's lock, history database and (render mode) browser; what was opened is closed if a later one fails."""
    lock = RunLock(config.database).acquire()  # one live run per database: a second process exits 3, first
    history = None
    try:
        history = History(config.database)  # a damaged database file is said before anything else
        from .render import make_renderer  # check.render; raises RenderUnavailable before the run is opened
        renderer = make_renderer(config.render, allow_private=config.crawl.allow_private_addresses,
                                 max_bytes=config.crawl.max_bytes, user_agent=settings.user_agent,
                                 contexts=RENDER_CONTEXTS)
    except BaseException:
        if history is not None:
            history.close()
        lock.release()
        raise
    return lock, history, renderer


def _stop_without_originals(history: History, run_id: int, license: str, config: AuditConfig, today: date,
                            problems: list[str]) -> AuditOutcome:
    """Without originals nothing can be a copy: every page would come out "not a copy", a silent false clean (and
    those verdicts would be reused on later 304s). Stop before crawling; the run is incomplete."""
    sources = all_source_urls(config)
    problem = (f"no originals: none could be loaded from {sources} within the last "
               f"{config.originals.window_days} days, so no partner page was checked; the run is incomplete")
    log.error("%s", problem)
    problems.append(problem)
    report = build_report(history, run_id, license, config, (), today, False, problems)
    files, sent = _write_then_finish(history, run_id, report, config)
    return AuditOutcome(run_id, report, tuple(files), tuple(sent), False)


@dataclass(frozen=True)
class Candidates:
    """What discovery found for the run: each candidate URL's partner, its sitemap/feed date, the partners' info.

    The crawl empties the two per-URL maps once it has planned its batches (which carry what it needs)."""

    partner_of: dict[str, str]  # normalised URL -> partner id (the first partner that listed it)
    modified: dict[str, datetime]  # normalised URL -> latest moment its sitemap/feed says it changed
    infos: tuple[PartnerInfo, ...]


def _discover_partners(config: AuditConfig, fetcher: Fetcher, robots: Optional[RobotsCache]) -> Candidates:
    since = datetime.now(timezone.utc) - timedelta(days=widest_window(config))
    base_dir = Path(config.source).resolve().parent

    def discover_partner(partner: PartnerConfig) -> Discovery:
        max_pages = partner.crawl.max_pages or config.crawl.max_pages_per_partner
        return discover(partner, fetcher=fetcher, since=since, max_pages=max_pages, robots=robots,
                        delay=min(host_delay(config, "", partner), 1.0), base_dir=base_dir)

    partner_of: dict[str, str] = {}
    modified: dict[str, datetime] = {}
    infos: list[PartnerInfo] = []
    for partner, found in zip(config.partners, _discover_all(config, discover_partner)):
        for url in found.urls:
            partner_of.setdefault(normalize_url(url), partner.id)
        for url, when in found.modified:
            modified[url] = max(when, modified.get(url, when))
        errors = found.errors + (("more candidates than max_pages; the rest were not checked",) if found.truncated else ())
        if not found.urls:  # nothing of this partner's was checked: never a quiet "0 violations"
            errors = errors + (NO_CANDIDATES,)
        infos.append(PartnerInfo(partner.id, partner.name, partner.contacts, tuple(errors)))
        log.info("partner %s: %d candidate pages%s", partner.id, len(found.urls),
                 f", {len(found.errors)} discovery problems" if found.errors else "")
        for problem in errors:  # each one line with partner, source URL and reason, not only in the report
            log.warning("partner %s: %s", partner.id, problem)
    return Candidates(partner_of, modified, tuple(infos))


class _Crawl:
    """Fetch and check the run's candidate pages (host batches on the executor), storing each page as it comes."""

    def __init__(self, config: AuditConfig, shipped: "ShippedChecker | ShippedRouter", originals: list[Original],
                 checker: "Checker | RoutedChecker", fetcher: Fetcher, robots: Optional[RobotsCache], history: History,
                 fingerprint: str, run_id: int, today: date, *, originals_partial: bool, renderer=None):
        self.config, self.shipped, self.originals, self.checker = config, shipped, originals, checker
        self.fetcher, self.robots, self.history, self.fingerprint = fetcher, robots, history, fingerprint
        self.run_id, self.today, self.originals_partial = run_id, today, originals_partial
        self.originals_by_id = {o.id: o for o in originals}
        self.renderer = renderer

    def plan(self, found: Candidates, done: set[str]) -> tuple[list[str], set[str], list[AuditBatch]]:
        """(URLs to check, those whose stored verdict is reused without a request, host batches of the rest)."""
        history, config = self.history, self.config
        todo = [u for u in found.partner_of if u not in done]
        # A conditional GET only where a 304 can reuse the stored verdict (same rules, same original); otherwise
        # the page is fetched in full at once, not a 304 and then a second request.
        validators = {u: v for u in todo if (v := history.validators(u))
                      and history.stored_verdict(u, self.fingerprint, self.originals_by_id) is not None}
        unchanged = unchanged_since_fetch(history, [u for u in todo if u in validators], found.modified,
                                          config.crawl.trust_lastmod_days)
        if unchanged:
            log.info("%d pages not requested: unchanged since their last fetch by their sitemap or feed dates "
                     "(crawl.trust_lastmod_days: %g)", len(unchanged), config.crawl.trust_lastmod_days)
        fetch = [u for u in todo if u not in unchanged]
        partners_by_id = {p.id: p for p in config.partners}
        batches = audit_batches(config, split_host_batches(group_by_host(fetch), BATCH_PAGES,
                                                           partners={u: [found.partner_of[u]] for u in fetch},
                                                           validators=validators), partners_by_id)
        return todo, unchanged, batches

    def run(self, found: Candidates, done: set[str], executor, *, tty: bool, quiet: bool,
            on_page: Optional[Callable[[AuditPage], None]]) -> bool:
        """Check every page not `done`; False when interrupted (Ctrl-C: the run is resumable)."""
        config, history, run_id = self.config, self.history, self.run_id
        todo, unchanged, batches = self.plan(found, done)
        if self.renderer is not None and any(v == (None, None) for b in batches for v in b.validators):
            self.renderer.warm(pages=True)  # pages fetched in full tonight: some may need the browser
        # Per-URL planning state is not kept through the crawl: the batches carry each URL's partner and
        # validators, and a batch is let go once its host is done (LocalExecutor); only counts stay.
        total = len(todo)
        reused = [(u, found.partner_of[u]) for u in todo if u in unchanged]
        del todo, unchanged
        found.partner_of.clear()
        found.modified.clear()
        warc = WarcWriter(Path(config.reports_dir) / "evidence", run_id)
        worker = _PageWorker(config, self.checker, self.fetcher, history, self.fingerprint, warc,
                             self.originals_by_id, self.today, originals_partial=self.originals_partial)
        # What runs on executor workers (threads here, dask processes elsewhere): fetch and check, nothing more.
        # Locally many host threads share `crawl.concurrency` request slots: a thread sleeping out its
        # host's delay holds no slot, so throughput reaches min(concurrency / latency, hosts / delay).
        slots = RequestSlots(self.fetcher, config.crawl.concurrency)
        # The host threads fetch; a few check threads parse and check (why: checker/crawl/check_threads.py).
        checks = CheckThreads(check_thread_count(RENDER_CONTEXTS if config.render != "never" else 0))
        work = BatchWork(self.shipped, self.fetcher.settings, config.crawl.obey_robots, fetcher=slots,
                         robots=self.robots, max_crawl_delay=config.crawl.max_crawl_delay, checks=checks)
        progress = Progress(total, tty=tty, quiet=quiet)

        def store(page: AuditPage) -> None:
            history.record_page(run_id, page)  # the client is the only writer
            progress.advance(page)
            if on_page is not None:
                on_page(page)

        # An executor given by the caller is the caller's to open and close; one made here (a
        # LocalCluster started for this run) is opened and closed here.
        lifecycle = make_executor(config) if executor is None else nullcontext(executor)
        try:
            with lifecycle as ex:
                for url, partner in reused:  # the stored verdict, as after a 304, without a request
                    page = worker.page(CheckedPage(url, partner, url, None, None, None, None))
                    store(replace(page, requested=not page.reused))
                del reused
                results = ex.run(batches, work)
                del batches  # the executor holds them now, and lets each go when its host is done
                for checked in results:
                    store(worker.page(checked))
        except KeyboardInterrupt:
            log.warning("interrupted: run %d is incomplete; `syndicheck audit --resume` finishes it", run_id)
            return False
        finally:
            checks.close()
            progress.close()
        return True


def _load_sources(config: AuditConfig, fetcher: Fetcher,
                  today: date) -> tuple[list[list[Original]], list[Original], list[str]]:
    """Each originals source's originals (an original two sources share counts for the first), all of them,
    and the problems met."""
    by_source: list[list[Original]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for source in config.originals_sources:
        found, trouble = load_audit_originals(config, fetcher, today, source)
        problems += trouble
        by_source.append([o for o in found if o.id not in seen])
        seen.update(o.id for o in found)
    if len(by_source) > 1:
        problems += [f"originals source {source_name(s)}: no originals in its {s.window_days}-day window, so copies "
                     "of its articles were not looked for" for s, found in zip(config.originals_sources, by_source)
                     if not found]
    return by_source, [o for found in by_source for o in found], problems


def _checkers(packs: Sequence[LicensePack], by_source: Sequence[Sequence[Original]], config: AuditConfig, renderer):
    """The Checker (a RoutedChecker with several sources) and what ships it to executor workers."""
    built = [(Checker.build(pack, found, time_budget=config.time_budget, renderer=renderer), pack, found)
             for pack, found in zip(packs, by_source) if found]
    if len(built) == 1:
        checker, pack, found = built[0]
        return checker, ShippedChecker(pack, found, checker=checker)
    return (RoutedChecker(tuple(c for c, _, _ in built)),
            ShippedRouter([ShippedChecker(p, found, checker=c) for c, p, found in built]))


def _write_then_finish(history: History, run_id: int, report: AuditReport,
                       config: AuditConfig) -> tuple[list[str], list[str]]:
    """Write the run's reports (and send its notifications), then mark the run finished.

    In this order so that a run is never 'complete' without its reports: killed while they are written, the
    run is still 'running', and `--resume` (which skips the stored pages) writes them. If they cannot be
    written (full disk, unwritable directory) the run is stored as 'incomplete', for the same reason: the
    pages are all stored, `--resume` writes the reports once there is room, and the next night's diff is not
    made against a run whose report nobody saw."""
    from .audit_output import ReportWriteError, write_audit_reports

    try:
        files, sent = write_audit_reports(report, config)
    except ReportWriteError:
        try:
            history.finish_run(run_id, False)
        except HistoryError as exc:  # the disk is full for the database too: the run stays 'running', as resumable
            log.warning("%s", exc)
        raise
    history.finish_run(run_id, report.complete)
    return files, sent


def unchanged_since_fetch(history: History, urls: Sequence[str], modified: dict[str, datetime],
                          trust_days: float, now: Optional[datetime] = None) -> set[str]:
    """The URLs (among those with a reusable stored verdict) that need no request tonight: their sitemap or
    feed date is not later than their last fetch, and that fetch is less than `trust_days` old.

    An undated URL is always requested. The age limit bounds what trusting dates can miss: a change that
    leaves <lastmod> alone (a new site template dropping the logo) is seen within `trust_days`."""
    if trust_days <= 0:
        return set()
    now = now or datetime.now(timezone.utc)
    out = set()
    for url in urls:
        changed = modified.get(url)
        fetched = history.last_fetched(url) if changed is not None else None
        if changed is not None and fetched is not None and changed <= fetched \
                and now - fetched < timedelta(days=trust_days):
            out.add(url)
    return out


def _discover_all(config: AuditConfig, one: Callable[[PartnerConfig], Discovery]) -> list[Discovery]:
    """Discovery for every partner, in config order; partners run in parallel, except that partners whose
    sources start on the same host run one after another (their feeds share that host's pace)."""
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(config.partners):
        first = next(iter(p.feeds + p.sitemaps + p.start_pages + p.urls), "")
        groups.setdefault(host_of(first) if first.startswith("http") else f"#{i}", []).append(i)
    results: list[Optional[Discovery]] = [None] * len(config.partners)

    def run_group(indexes: list[int]) -> None:
        for i in indexes:
            results[i] = one(config.partners[i])

    workers = max(1, min(config.crawl.concurrency, len(groups)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(run_group, g) for g in groups.values()]:
            future.result()
    return [r for r in results if r is not None]


def _open_run(history: History, license: str, fingerprint: str, config: AuditConfig,
              resume: bool) -> tuple[int, set[str]]:
    if resume:
        run_id = _resumable_run(history)
        if run_id is not None:
            done = history.done_urls(run_id, include_errors=False)
            log.info("resuming run %d: %d pages already done", run_id, len(done))
            return run_id, done
        log.info("no unfinished run to resume: starting a new one")
    return history.start_run(license, fingerprint, config.source, __version__), set()


def _resumable_run(history: History) -> Optional[int]:
    """The run `--resume` finishes: the latest run unless it completed. A run stopped by Ctrl-C is stored as
    'incomplete', one killed (kill -9, power loss) is still 'running'; both are resumed."""
    latest = history.latest_run()
    if latest is None:
        return None
    run = history.run(latest)
    return latest if run is not None and run.status != "complete" else None


def make_executor(config: AuditConfig) -> Executor:
    """The executor audit.yaml (or --executor) asks for: local threads, or dask (a scheduler, or a LocalCluster
    of one process per core sharing `crawl.concurrency` threads, so as many hosts are in flight as locally).
    Not opened yet: `with make_executor(config) as executor:`."""
    workers = os.cpu_count() or 1
    return _make_executor(config.executor,
                          concurrency=min(MAX_HOST_THREADS, config.crawl.concurrency * HOSTS_PER_SLOT),
                          scheduler=config.scheduler, n_workers=None if config.scheduler else workers,
                          threads_per_worker=max(1, -(-config.crawl.concurrency // workers)))


@dataclass(frozen=True)
class AuditBatch(HostBatch):
    """A HostBatch with its host's delay between requests, worked out by the client (per-host, partner, global)."""

    delay: float = 1.0


def audit_batches(config: AuditConfig, batches: Iterable[HostBatch], partners_by_id: dict) -> list[AuditBatch]:
    out = []
    for b in batches:
        partner = partners_by_id.get(b.partners[0][0] if b.partners and b.partners[0] else "")
        out.append(AuditBatch(**{f.name: getattr(b, f.name) for f in fields(HostBatch)},
                              delay=host_delay(config, b.host, partner)))
    return out


@dataclass(frozen=True)
class CheckedPage:
    """A worker's answer for one URL: the check result before waivers, or `result=None` for a 304 Not Modified,
    whose stored verdict the client looks up (workers have no database). `evidence` is the response of a
    violating page, for the client to archive."""

    url: str
    partner: str
    final_url: str
    result: Optional[PageResult]
    sha256: Optional[str] = None
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    evidence: Optional[ArchivedResponse] = None


def check_fetched(checker: "Checker | RoutedChecker", url: str, fetched: Fetched, user_agent: Optional[str],
                  defer_render: bool = False) -> tuple[PageResult, Optional[ArchivedResponse], Optional[Future]]:
    """Check one fetched page; a violating page also gives its response, to be archived as evidence.

    `defer_render`: where the verdict needs the browser (render mode), the render goes on after this returns:
    (static verdict, None, Future of the verdict to report); the caller joins it (see BatchWork). With several
    originals sources (RoutedChecker: the best of each source's rendered verdicts) the page is checked to its
    end here."""
    render = None
    if defer_render and isinstance(checker, Checker) and checker.renderer is not None:
        from .render import deferred_renders

        with deferred_renders() as started:
            result = checker.check(replace(fetched, target=url))
        render = started[0] if started else None
    else:
        result = checker.check(replace(fetched, target=url))
    return result, None if render is not None else evidence_of(url, fetched, result, user_agent), render


def evidence_of(url: str, fetched: Fetched, result: PageResult,
                user_agent: Optional[str]) -> Optional[ArchivedResponse]:
    """A violating page's response, to be archived as evidence."""
    evidence = None
    if fetched.body and result.status is Status.VIOLATION:
        try:
            evidence = ArchivedResponse.from_fetched(fetched, user_agent=user_agent,
                                                     fetched_at=datetime.now(timezone.utc))
        except ValueError as exc:
            log.warning("%s: evidence not archived: %s", url, exc)
    return evidence


class BatchWork:
    """Crawl one host batch and check each page: the part of an audit that runs on executor workers.

    Picklable, and holds nothing that must stay with the client: no history database, no evidence files,
    no requests.Session. Locally it uses the client's fetcher and robots.txt cache; unpickled on a dask
    worker it makes its own, once per process (`per_process`), and rebuilds the Checker once per process.
    """

    def __init__(self, checker: "ShippedChecker | ShippedRouter", settings: FetchSettings, obey_robots: bool, *,
                 fetcher: Optional[PageFetcher] = None, robots: Optional[RobotsCache] = None,
                 max_crawl_delay: float = DEFAULT_MAX_CRAWL_DELAY, checks: Optional[CheckThreads] = None):
        self.checker, self.settings, self.obey_robots = checker, settings, obey_robots
        self.max_crawl_delay = max_crawl_delay
        self.token = hashlib.sha256(os.urandom(16)).hexdigest()[:16]  # this run, for per-process resources
        self._fetcher, self._robots = fetcher, robots
        # Local runs: pages are checked on these few threads. A dask worker checks on its own few task threads.
        self._checks = checks

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_fetcher"] = state["_robots"] = None  # a Session does not travel: workers make their own
        state["_checks"] = None
        return state

    def _tools(self) -> tuple[PageFetcher, Optional[RobotsCache]]:
        if self._fetcher is not None:
            return self._fetcher, self._robots

        def make() -> tuple[Fetcher, Optional[RobotsCache]]:
            fetcher = Fetcher(self.settings)
            return fetcher, RobotsCache(fetcher, max_delay=self.max_crawl_delay) if self.obey_robots else None

        return per_process(("audit", self.token), make, close=lambda tools: tools[0].close())

    def close_worker(self) -> None:
        """On a worker, at the end of the run: close this process's fetcher."""
        if self._fetcher is None:
            drop_per_process(("audit", self.token))

    def __call__(self, batch: HostBatch) -> Iterator[CheckedPage]:
        return in_order(self._pages(batch))

    def _rendered(self, checker: "Checker | RoutedChecker", static: PageResult, url: str, partner: str,
                  fetched: Fetched, sha: Optional[str], render: Future) -> CheckedPage:
        """The page with the verdict its render gave (waited for within the renderer's bounds)."""
        # check_fetched defers a render only for a plain Checker with a renderer
        assert isinstance(checker, Checker) and checker.renderer is not None
        result = checker.renderer.result(static, render)
        return CheckedPage(url, partner, fetched.url, result, sha, fetched.etag, fetched.last_modified,
                           evidence_of(url, fetched, result, self.settings.user_agent))

    def _pages(self, batch: HostBatch) -> Iterator["CheckedPage | Later[CheckedPage]"]:
        fetcher, robots = self._tools()
        checker = self.checker.get()
        delay = getattr(batch, "delay", 1.0)
        if batch.chunk > 0:
            # The previous chunk of this host may have ended with a request a moment ago (possibly on another
            # worker): keep the host's delay across the chunk boundary too.
            known = robots.crawl_delay(batch.urls[0]) if robots is not None and robots.is_loaded(batch.urls[0]) \
                else None
            time.sleep(max(delay, known or 0.0))
        pages = crawl_batch(batch, fetcher=fetcher, robots=robots, delay=delay)
        for url, partners, fetched in zip(batch.urls, batch.partners, pages):
            partner = partners[0] if partners else ""
            if fetched.status_code == 304:
                yield CheckedPage(url, partner, fetched.url, None, None, fetched.etag, fetched.last_modified)
                continue
            ua = self.settings.user_agent
            if self._checks is not None:
                result, evidence, render = self._checks.run(check_fetched, checker, url, fetched, ua, True)
            else:
                result, evidence, render = check_fetched(checker, url, fetched, ua, True)
            sha = hashlib.sha256(fetched.body).hexdigest() if fetched.body else None
            if render is None:
                yield CheckedPage(url, partner, fetched.url, result, sha, fetched.etag, fetched.last_modified, evidence)
            else:
                # Joined (in_order) before it is handed on: the host's next pages are fetched and checked while
                # this one renders, and handed on after it, in the host's order.
                yield Later(render, partial(self._rendered, checker, result, url, partner, fetched, sha))


class _PageWorker:
    """The client's half of each page: reuse the stored verdict after a 304, apply waivers, archive violations.

    It holds the history database and the evidence writer, so it runs only where the executor's results are
    consumed (the client); fetching and checking is BatchWork's, on the executor's workers.
    """

    def __init__(self, config, checker, fetcher, history, fingerprint, warc, originals_by_id, today, *,
                 originals_partial: bool = False):
        self.config, self.checker, self.fetcher = config, checker, fetcher
        # Some originals source failed: a "not a copy" verdict may only mean its original is missing tonight.
        self.originals_partial = originals_partial
        self.history, self.fingerprint, self.warc = history, fingerprint, warc
        self.originals_by_id, self.today = originals_by_id, today

    def page(self, checked: CheckedPage) -> AuditPage:
        url, partner, result = checked.url, checked.partner, checked.result
        sha, etag, last_modified, evidence = checked.sha256, checked.etag, checked.last_modified, checked.evidence
        reused = False
        if result is None:  # 304 Not Modified
            stored = self.history.stored_verdict(url, self.fingerprint, self.originals_by_id)
            if stored is not None:
                result = stored.to_result(url, checked.final_url, self.originals_by_id.get(stored.original_id))
                reused = True
            else:  # nothing reusable after all (changed since the batches were made): fetch the page in full
                fetched = self.fetcher.fetch(url)
                result, evidence, _ = check_fetched(self.checker, url, fetched, self.fetcher.settings.user_agent)
                sha = hashlib.sha256(fetched.body).hexdigest() if fetched.body else None
                etag, last_modified = fetched.etag, fetched.last_modified
        result, _used = apply_waivers(result, partner, self.config.waivers, self.today)
        warc_ref = None
        if evidence is not None and result.status is Status.VIOLATION:
            try:
                warc_ref = self.warc.write(evidence)
            except (OSError, ValueError) as exc:
                log.warning("%s: evidence not archived: %s", url, exc)
        if result.rendered:  # pictures of the spots go to files beside the WARC evidence
            from .render.pictures import store_screenshots
            result = store_screenshots(result, Path(self.config.reports_dir), "evidence/screenshots")
        if self.originals_partial and not reused and result.status in (Status.NOT_A_COPY, Status.NEAR_COPY):
            # Store no validators, so the next run fetches and matches this page in full instead of reusing
            # a verdict made against an incomplete set of originals on a 304.
            etag = last_modified = None
        return AuditPage(partner, result, sha, etag, last_modified, warc_ref, reused)


def build_report(history: History, run_id: int, license: str, config: AuditConfig, infos: Sequence[PartnerInfo],
                 today: date, complete: bool, problems: Sequence[str] = ()) -> AuditReport:
    run = history.run(run_id)
    previous = history.previous_complete_run(run_id)
    # Read back from the database a batch at a time by every report, never held whole: flat memory at any size.
    pages = StoredPages(history.path, run_id) if history.path != ":memory:" else tuple(history.pages_of(run_id))
    # Waiver use is recomputed over the whole run, so a resumed run reports it as one run would.
    used: set[int] = set()
    for page in pages:
        used |= apply_waivers(page.result, page.partner, config.waivers, today)[1]
    notes = waiver_notes(config.waivers, used, today) + tuple(problems)
    return AuditReport(
        run_id=run_id, license=license, tool_version=__version__, started=run.started if run else "",
        finished=run.finished if run and run.finished else datetime.now(timezone.utc).isoformat(timespec="seconds"),
        partners=tuple(infos), pages=pages, diff=history.diff(previous, run_id),
        trend=history.trend(config.history_runs, current=run_id),
        trend_detail=history.trend_detail(config.history_runs, current=run_id), waiver_notes=notes, complete=complete)
