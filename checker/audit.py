"""The nightly audit: originals -> discovery -> host batches -> fetch/check -> waive -> store -> reports -> notify."""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from . import __version__
from .config_types import AuditConfig, CrawlSettings, PartnerConfig
from .crawl.archive import ArchivedResponse, WarcWriter
from .crawl.executor import LocalExecutor
from .crawl.fetcher import FetchSettings, Fetcher
from .crawl.hostbatch import HostBatch, crawl_batch, group_by_host, split_host_batches
from .crawl.robots import RobotsCache
from .history import History
from .models import AuditPage, AuditReport, Fetched, Original, PageResult, PartnerInfo, Status
from .originals import OriginalsError, load_all, load_originals
from .pipeline import Checker
from .ruleset import LicensePack, load_pack
from .sources.discovery import Discovery, SourceError, discover, parse_sitemap, SITEMAP_ACCEPT
from .sources.urlnorm import host_of, normalize_url
from .waivers import apply_waivers, waiver_notes

log = logging.getLogger("syndicheck.audit")
BATCH_PAGES = 200  # a big host is cut into sequential chunks of this many URLs


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
        max_redirects=crawl.max_redirects, retries=crawl.retries, retry_after_cap=crawl.retry_after_cap)


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


def load_audit_originals(config: AuditConfig, fetcher: Fetcher, today: date) -> tuple[list[Original], list[str]]:
    """The licensor's originals in the window, and problems met (a source that failed is reported, not fatal)."""
    problems: list[str] = []
    originals: list[Original] = []
    for src in config.originals.manifests + config.originals.feeds:
        try:
            originals.extend(load_all([src], fetcher=fetcher))
        except OriginalsError as exc:
            problems.append(f"originals source {src}: {exc}")
    for sitemap in config.originals.sitemaps:
        fetched = fetcher.fetch(sitemap, accept_types=SITEMAP_ACCEPT)
        if not fetched.ok:
            problems.append(f"originals sitemap {sitemap}: {fetched.error}")
            continue
        try:
            entries, _children = parse_sitemap(fetched.body, fetched.url)
        except SourceError as exc:
            problems.append(f"originals sitemap {sitemap}: {exc}")
            continue
        since = datetime.now(timezone.utc) - timedelta(days=config.originals.window_days)
        for url, when in entries:
            if when is not None and when < since:
                continue
            try:
                originals.extend(load_originals(url, fetcher=fetcher))
            except OriginalsError as exc:
                problems.append(f"original {url}: {exc}")
    cutoff = today - timedelta(days=config.originals.window_days)
    kept, seen = [], set()
    for o in originals:
        if o.id in seen:
            continue
        seen.add(o.id)
        if o.published:
            try:
                if date.fromisoformat(o.published[:10]) < cutoff:
                    continue
            except ValueError:
                pass  # an unreadable date keeps the original: better checked than missed
        kept.append(o)
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
    from .audit_output import write_reports

    today = today or datetime.now(timezone.utc).date()
    pack = load_pack(config.license)
    fingerprint = pack_fingerprint(pack)
    settings = fetch_settings(config.crawl)
    fetcher = Fetcher(settings)
    history = History(config.database)
    try:
        run_id, done = _open_run(history, pack, fingerprint, config, resume)
        originals, problems = load_audit_originals(config, fetcher, today)
        for p in problems:
            log.warning("%s", p)
        log.info("run %d: %d originals in the %d-day window", run_id, len(originals), config.originals.window_days)
        checker = Checker.build(pack, originals)
        robots = RobotsCache(fetcher) if config.crawl.obey_robots else None
        since = datetime.now(timezone.utc) - timedelta(days=config.originals.window_days)
        partner_of: dict[str, str] = {}
        infos: list[PartnerInfo] = []
        base_dir = Path(config.source).resolve().parent
        for partner in config.partners:
            max_pages = partner.crawl.max_pages or config.crawl.max_pages_per_partner
            found: Discovery = discover(partner, fetcher=fetcher, since=since, max_pages=max_pages, robots=robots,
                                        delay=min(host_delay(config, "", partner), 1.0), base_dir=base_dir)
            for url in found.urls:
                partner_of.setdefault(normalize_url(url), partner.id)
            errors = found.errors + (("more candidates than max_pages; the rest were not checked",) if found.truncated else ())
            infos.append(PartnerInfo(partner.id, partner.name, partner.contacts, tuple(errors)))
            log.info("partner %s: %d candidate pages%s", partner.id, len(found.urls),
                     f", {len(found.errors)} discovery problems" if found.errors else "")
        todo = [u for u in partner_of if u not in done]
        validators = {u: v for u in todo if (v := history.validators(u))}
        batches = split_host_batches(group_by_host(todo), BATCH_PAGES,
                                     partners={u: [partner_of[u]] for u in todo}, validators=validators)
        partners_by_id = {p.id: p for p in config.partners}
        warc = WarcWriter(Path(config.reports_dir) / "evidence", run_id)
        worker = _PageWorker(config, checker, fetcher, robots, history, fingerprint, warc, partner_of,
                             partners_by_id, {o.id: o for o in originals}, today)
        progress = Progress(len(todo), tty=tty, quiet=quiet)
        complete = True
        executor = executor or LocalExecutor(concurrency=config.crawl.concurrency)
        try:
            for page in executor.run(batches, worker.run_batch):
                history.record_page(run_id, page)  # the client is the only writer
                progress.advance(page)
                if on_page is not None:
                    on_page(page)
        except KeyboardInterrupt:
            complete = False
            log.warning("interrupted: run %d is incomplete; `syndicheck audit --resume` finishes it", run_id)
        finally:
            progress.close()
        history.finish_run(run_id, complete)
        report = build_report(history, run_id, pack, config, infos, today, complete, problems)
        files, sent = write_reports(report, config)
        return AuditOutcome(run_id, report, tuple(files), tuple(sent), complete)
    finally:
        fetcher.close()
        history.close()


def _open_run(history: History, pack: LicensePack, fingerprint: str, config: AuditConfig,
              resume: bool) -> tuple[int, set[str]]:
    if resume:
        run_id = history.unfinished_run()
        if run_id is not None:
            done = history.done_urls(run_id, include_errors=False)
            log.info("resuming run %d: %d pages already done", run_id, len(done))
            return run_id, done
        log.info("no unfinished run to resume: starting a new one")
    return history.start_run(pack.id, fingerprint, config.source, __version__), set()


class _PageWorker:
    """Runs inside executor threads: crawl one host batch, check each page, archive violations."""

    def __init__(self, config, checker, fetcher, robots, history, fingerprint, warc, partner_of, partners_by_id,
                 originals_by_id, today):
        self.config, self.checker, self.fetcher, self.robots = config, checker, fetcher, robots
        self.history, self.fingerprint, self.warc = history, fingerprint, warc
        self.partner_of, self.partners_by_id = partner_of, partners_by_id
        self.originals_by_id, self.today = originals_by_id, today
        self._read_lock = threading.Lock()  # History reads share the client's connection

    def run_batch(self, batch: HostBatch) -> Iterator[AuditPage]:
        partner = self.partners_by_id.get(self.partner_of.get(batch.urls[0], ""))
        delay = host_delay(self.config, batch.host, partner)
        for url, fetched in zip(batch.urls, crawl_batch(batch, fetcher=self.fetcher, robots=self.robots, delay=delay)):
            yield self.page(url, fetched)

    def page(self, url: str, fetched: Fetched) -> AuditPage:
        partner = self.partner_of.get(url, "")
        reused = False
        result: Optional[PageResult] = None
        if fetched.status_code == 304:
            with self._read_lock:
                stored = self.history.stored_verdict(url, self.fingerprint, self.originals_by_id)
            if stored is not None:
                result = stored.to_result(url, fetched.url, self.originals_by_id.get(stored.original_id))
                reused = True
            else:  # nothing reusable (rules changed): fetch the page again in full
                fetched = self.fetcher.fetch(url)
        if result is None:
            result = self.checker.check(replace(fetched, target=url))
        result, _used = apply_waivers(result, partner, self.config.waivers, self.today)
        body = fetched.body
        sha = hashlib.sha256(body).hexdigest() if body else None
        warc_ref = None
        if body and result.status is Status.VIOLATION:
            try:
                warc_ref = self.warc.write(ArchivedResponse.from_fetched(fetched, user_agent=self.fetcher.settings.user_agent))
            except (OSError, ValueError) as exc:
                log.warning("%s: evidence not archived: %s", url, exc)
        return AuditPage(partner, result, sha, fetched.etag, fetched.last_modified, warc_ref, reused)


def build_report(history: History, run_id: int, pack: LicensePack, config: AuditConfig, infos: Sequence[PartnerInfo],
                 today: date, complete: bool, problems: Sequence[str] = ()) -> AuditReport:
    run = history.run(run_id)
    previous = history.previous_complete_run(run_id)
    pages = history.pages_of(run_id)
    # Waiver use is recomputed over the whole run, so a resumed run reports it as one run would.
    used: set[int] = set()
    for page in pages:
        used |= apply_waivers(page.result, page.partner, config.waivers, today)[1]
    notes = waiver_notes(config.waivers, used, today) + tuple(problems)
    return AuditReport(
        run_id=run_id, license=pack.id, tool_version=__version__, started=run.started if run else "",
        finished=run.finished if run and run.finished else datetime.now(timezone.utc).isoformat(timespec="seconds"),
        partners=tuple(infos), pages=tuple(pages), diff=history.diff(previous, run_id),
        trend=history.trend(config.history_runs, current=run_id), waiver_notes=notes, complete=complete)
