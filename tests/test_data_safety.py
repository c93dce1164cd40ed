"""Data safety of the nightly audit, through the real CLI in subprocesses against real HTTP servers on loopback.

- An audit killed with SIGKILL at many random moments (before its run row exists, during discovery, mid-crawl,
  while the reports are written) and resumed each time: after every kill the database passes
  `PRAGMA integrity_check`, every stored page is whole (exactly the findings an uninterrupted run gives it),
  nothing stored before is lost, and no resumed process fetches a page already stored; the finished run, its
  history and its JSON report equal those of one uninterrupted run, and no temporary file is left behind.
- A full disk (a real EFBIG from RLIMIT_FSIZE, the same OSError path as ENOSPC) or an unwritable reports
  directory is a clear one-line error with exit status 3: never a traceback, never a half-written report,
  the previous night's reports untouched, and `--resume` finishes the run once the disk has room.

Sites: the licensor of tests/test_audit.py (127.0.0.20, three originals in a feed) and five partners on
127.0.0.71-75, twelve pages each, listed in a feed or a sitemap: compliant copies, copies without the logo,
without the affiliation or with a staff byline, the partner's own articles, a page that is not there (404)
and one robots.txt forbids.
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

import pytest

from checker.demo.server import DemoServers, serve_sites
from checker.demo.sites import Route, Site
from test_audit import RSS, STORIES, XML, _copy, _own, _page, _partner_yaml, _rss, _sitemap, licensor_site, write_config

ROOT = Path(__file__).resolve().parents[1]
PARTNER_IPS = {f"p{i}": f"127.0.0.{70 + i}" for i in range(1, 6)}
PAGES_PER_PARTNER = 12
TOTAL_PAGES = PAGES_PER_PARTNER * len(PARTNER_IPS)
LISTED_PAGES = TOTAL_PAGES - 2 * len(PARTNER_IPS)  # without the two error pages of each partner
# Rotated per partner: 5 compliant-ish kinds of copy, own articles, and two error pages per partner.
KINDS = ("compliant", "no-logo", "staff", "no-affil", "own", "compliant", "no-logo", "own", "compliant", "missing",
         "private", "staff")
DELAY = 0.15  # seconds between two requests to one partner: small, but long enough that a crawl takes a while
KILLS = 20
SEED = 20260614
FSIZE_LIMIT = 32 * 1024  # bytes per file: the resumed run's few database writes fit, an HTML report does not
TEMP_REPORT = re.compile(r"^\..+\.\d+\.[0-9a-f]+\.tmp$")  # write_atomic's temporary names


# ------------------------------------------------------------------------------------------------ sites


def _partner(index: int, name: str) -> Site:
    base = "{{BASE:%s}}" % name
    routes = {"/robots.txt": Route(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")}
    paths = []
    for n in range(PAGES_PER_PARTNER):
        kind = KINDS[(n + index) % len(KINDS)]
        story = STORIES[(n + index) % len(STORIES)]
        path = f"/private/{n}" if kind == "private" else f"/{name}/{n}-{kind}"
        paths.append(path)
        body = {"compliant": lambda: _copy(story), "no-logo": lambda: _copy(story, logo=False),
                "staff": lambda: _copy(story, byline="By Staff"),
                "no-affil": lambda: _copy(story, affiliation=False),
                "own": lambda: _own(f"{name} local news {n}")}.get(kind)
        if body is not None:  # "missing" is a 404, "private" is never requested (robots.txt)
            routes[path] = _page(body(), f"{name}-{n}")
    if index % 2:
        routes["/sitemap.xml"] = Route(body=_sitemap(base, paths), content_type=XML)
    else:
        routes["/feed.xml"] = Route(body=_rss(base, [(p, p, (), None) for p in paths]), content_type=RSS)
    return Site(name, PARTNER_IPS[name], name.upper(), "partner", routes)


def _partners_yaml(servers: DemoServers, *, listed: bool = False) -> str:
    """The partners as they list their pages (feed or sitemap), or with `listed` the URLs of the pages that
    exist, given one by one (no error pages: a resume then has nothing to fetch or store)."""
    out = ""
    for index, site in enumerate(s for s in servers.sites if s.name in PARTNER_IPS):
        if listed:
            source = {"urls": [servers.url(site, path) for path, route in site.routes.items()
                               if route.content_type.startswith("text/html")]}
        elif index % 2:
            source = {"sitemaps": [servers.url(site, "/sitemap.xml")]}
        else:
            source = {"feeds": [servers.url(site, "/feed.xml")]}
        out += _partner_yaml(site.name, **source) + f"    crawl:\n      delay: {DELAY}\n"
    return out


@pytest.fixture(scope="module")
def servers():
    with serve_sites([licensor_site(), *(_partner(i, n) for i, n in enumerate(PARTNER_IPS))]) as running:
        yield running


def make_config(servers: DemoServers, workdir: Path, *, listed: bool = False) -> Path:
    return write_config(workdir, servers.url("lic", "/feed.xml"), _partners_yaml(servers, listed=listed))


# ------------------------------------------------------------------------------------------------ running the CLI


@dataclass
class Child:
    """`python -m checker audit` in a subprocess; stderr lines are collected with their arrival time."""

    proc: subprocess.Popen
    started: float
    lines: list[tuple[float, str]] = field(default_factory=list)
    reader: Optional[threading.Thread] = None

    def first_line(self, pattern: str, timeout: float) -> Optional[float]:
        """When a stderr line matching `pattern` arrived; None if the process ended (or `timeout` passed) first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if regex.search(line):
                    return at
            if self.proc.poll() is not None and not self.reader.is_alive():
                return None
            time.sleep(0.002)
        return None

    @property
    def stderr(self) -> str:
        return "".join(line for _, line in self.lines)

    def wait(self, timeout: float = 120) -> int:
        code = self.proc.wait(timeout)
        self.reader.join(10)
        return code


def start_audit(config: Path, *, resume: bool = False, fsize_limit: Optional[int] = None) -> Child:
    """Start the audit. With `fsize_limit`, every write past that many bytes of a file fails with EFBIG (an
    OSError, as on a full disk): a small launcher sets RLIMIT_FSIZE, ignores SIGXFSZ (which would otherwise kill
    the process) and execs the CLI, so the limit is real for the whole process. (A launcher, not preexec_fn:
    this process runs the HTTP servers' threads, and preexec_fn is not safe with threads.)"""
    argv = ["-m", "checker", "audit", "--config", str(config)] + (["--resume"] if resume else [])
    if fsize_limit is None:
        cmd = [sys.executable, *argv]
    else:
        launcher = ("import os, resource, signal, sys\n"
                    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
                    "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))\n"
                    "os.execv(sys.executable, [sys.executable] + sys.argv[2:])\n")
        cmd = [sys.executable, "-c", launcher, str(fsize_limit), *argv]
    env = {**os.environ, "SYNDICHECK_CACHE_DIR": str(config.parent / "cache"), "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    child = Child(proc, time.monotonic())

    def read() -> None:
        for line in proc.stderr:
            child.lines.append((time.monotonic(), line))

    child.reader = threading.Thread(target=read, daemon=True)
    child.reader.start()
    return child


def run_audit_cli(config: Path, *, resume: bool = False, fsize_limit: Optional[int] = None) -> tuple[int, str]:
    child = start_audit(config, resume=resume, fsize_limit=fsize_limit)
    return child.wait(), child.stderr


# ------------------------------------------------------------------------------------------------ what is stored


def database(config: Path) -> Path:
    return config.parent / "state" / "audit.db"


def reports_dir(config: Path) -> Path:
    return config.parent / "reports"


def stored_pages(db: Path, run_id: int) -> dict[str, tuple]:
    """url -> everything stored about the page and its findings, minus what differs between two runs of the same
    pages (run id, times, the random WARC record id): the comparable result of the page."""
    con = sqlite3.connect(db)
    try:
        findings: dict[str, list[tuple]] = {}
        for row in con.execute("SELECT url, partner, rule, title, outcome, severity, message, evidence_json, fix,"
                               " waiver, fingerprint FROM findings WHERE run_id = ? ORDER BY id", (run_id,)):
            findings.setdefault(row[0], []).append(row[1:])
        pages = {}
        for row in con.execute("SELECT url, partner, target, final_url, status, original_id, original_json,"
                               " match_score, match_forced, error, sha256, etag, last_modified, warc_file, reused"
                               " FROM pages WHERE run_id = ?", (run_id,)):
            pages[row[0]] = row[1:] + (tuple(sorted(findings.pop(row[0], ()))),)
        assert not findings, f"findings without their page: {sorted(findings)}"
        return pages
    finally:
        con.close()


@dataclass(frozen=True)
class DbState:
    runs: tuple[tuple[int, str], ...]  # (id, status)
    pages: dict  # url -> stored_pages tuple, of the latest run

    @property
    def done(self) -> set[str]:
        """Pages a resume need not fetch again (errors are retried)."""
        return {url for url, page in self.pages.items() if page[3] != "error"}


def check_database(db: Path) -> DbState:
    """The invariants that must hold whenever the process stops, however it stops."""
    if not db.exists():
        return DbState((), {})
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        runs = tuple(con.execute("SELECT id, status FROM runs ORDER BY id").fetchall()) \
            if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone() else ()
        if runs:
            twice = con.execute("SELECT run_id, url, COUNT(*) FROM pages GROUP BY run_id, url"
                                " HAVING COUNT(*) > 1").fetchall()
            assert twice == [], f"pages stored twice: {twice}"
            twice = con.execute("SELECT run_id, url, rule, COUNT(*) FROM findings GROUP BY run_id, url, rule"
                                " HAVING COUNT(*) > 1").fetchall()
            assert twice == [], f"findings stored twice: {twice}"
    finally:
        con.close()
    return DbState(runs, stored_pages(db, runs[-1][0]) if runs else {})


def comparable_report(doc: dict) -> dict:
    """The JSON report without what differs between two runs of the same pages (times, WARC record ids)."""
    doc = json.loads(json.dumps(doc))
    doc["run"].pop("started")
    doc["run"].pop("finished")
    for page in doc["pages"]:
        if page["warc"]:
            page["warc"].pop("record_id")
    doc["pages"].sort(key=lambda page: page["target"])  # in the order they were stored, which threads decide
    return doc


def temp_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob(".*") if TEMP_REPORT.match(p.name)) if directory.exists() else []


def assert_no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "syndicheck: error:" in stderr, stderr


# ------------------------------------------------------------------------------------------------ the reference


@dataclass(frozen=True)
class Reference:
    pages: dict  # url -> stored_pages tuple
    report: dict  # comparable_report of the JSON report
    run_row_after: float  # seconds from the start of the process until its run row was stored
    took: float  # seconds, the whole run


@pytest.fixture(scope="module")
def reference(servers, tmp_path_factory) -> Reference:
    """One uninterrupted run: the results every killed and resumed run must end with."""
    config = make_config(servers, tmp_path_factory.mktemp("reference"))
    db = database(config)
    child = start_audit(config)
    seen: dict[str, float] = {}  # run status -> when it was first seen (read only, so as not to disturb it)
    while child.proc.poll() is None:
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5)
            try:
                for (status,) in con.execute("SELECT status FROM runs"):
                    seen.setdefault(status, time.monotonic() - child.started)
            finally:
                con.close()
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.003)
    assert child.wait() == 0, child.stderr
    took = time.monotonic() - child.started
    assert "running" in seen and "complete" in seen, (seen, child.stderr)
    state = check_database(db)
    assert state.runs == ((1, "complete"),)
    assert len(state.pages) == TOTAL_PAGES
    statuses = [page[3] for page in state.pages.values()]
    assert {s: statuses.count(s) for s in set(statuses)} == {"compliant": 15, "violation": 25, "not-a-copy": 10,
                                                             "error": 10}
    report = json.loads((reports_dir(config) / "audit-1.json").read_text(encoding="utf-8"))
    return Reference(state.pages, comparable_report(report), seen["running"], took)


# ------------------------------------------------------------------------------------------------ kill -9 and resume


# The report files of run 1 in the order the audit writes them (the per-partner digests come last).
REPORT_ORDER = ("audit-1.html", "latest.html", "audit-1.json", "audit-1.csv")
KILL_MODES = ("before-run", "opening", "discovery", "crawl", "finishing", "temporary", "reports")


def _until(condition, child: Child, timeout: float = 60) -> bool:
    """Poll `condition` every millisecond until it holds (True) or the process has ended (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if child.proc.poll() is not None:
            return bool(condition())
        time.sleep(0.001)
    raise AssertionError("the audit neither got there nor ended")


def _has_open(pid: int, path: Path) -> bool:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            continue
    return False


def _file_ids(reports: Path) -> dict[str, tuple[int, int]]:
    ids = {}
    for name in REPORT_ORDER:
        try:
            st = (reports / name).stat()
            ids[name] = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            pass
    return ids


def _kill_point(child: Child, mode: str, config: Path, todo: int, ref: Reference, rng: random.Random) -> None:
    """Wait for a random moment of the phase `mode` names, anchored on what this process does (its log lines,
    its open files, the report files it replaces) rather than on the clock, so that a loaded machine moves the
    kill with the phase. `todo`: the pages this process has to check. Returns early if the process ends."""
    if mode == "before-run":  # interpreter start, imports: the run row is not stored yet
        time.sleep(rng.uniform(0.02, min(0.3, ref.run_row_after / 2)))
    elif mode == "opening":  # the database is open: the run is being started or looked up, originals loaded
        if _until(lambda: _has_open(child.proc.pid, database(config).resolve()), child):
            time.sleep(rng.uniform(0, 0.1))
    elif mode == "discovery":  # originals loaded: partners' feeds and sitemaps being read
        if child.first_line(r"originals in the", 60) is not None:
            time.sleep(rng.uniform(0, 0.15))
    elif mode == "crawl":  # pages being fetched, checked and stored: just after the j-th of `todo` is logged
        step = max(1, todo // 20)  # how often the audit logs its progress without a TTY
        logged = range(step, todo, step)
        j = rng.choice(logged[:max(1, len(logged) // 3)])  # in the first third: the crawl goes on over many kills
        if child.first_line(rf"\b{j}/{todo} pages checked", 60) is not None:
            time.sleep(rng.uniform(0, 0.05))
    elif mode == "finishing":  # every page stored: the report being built and the first file rendered
        if child.first_line(rf"\b{todo}/{todo} pages checked", 60) is not None:
            time.sleep(rng.uniform(0, 0.08))
    elif mode == "temporary":  # while a report is in its temporary file, between its creation and the rename
        reports = reports_dir(config)
        before = set(temp_files(reports))
        _until(lambda: bool(set(temp_files(reports)) - before), child)
    elif mode == "reports":  # right after the k-th report file was replaced, while the rest are written
        reports, before = reports_dir(config), _file_ids(reports_dir(config))
        name = REPORT_ORDER[rng.randrange(len(REPORT_ORDER) - 1)]
        _until(lambda: _file_ids(reports).get(name, before.get(name)) != before.get(name), child)
    else:
        raise AssertionError(mode)


@pytest.mark.slow
def test_kill_9_at_random_points_and_resume_gives_the_uninterrupted_results(servers, reference, tmp_path):
    began = time.monotonic()
    config = make_config(servers, tmp_path / "killed")
    db, reports = database(config), reports_dir(config)
    rng = random.Random(SEED)
    # The first kill lands before the run row exists; the first half mostly mid-crawl; a kill while the reports
    # are written needs a crawl that ran to its end, so those come in the second half, which has every mode at
    # least once (each resume still retries the 10 error pages: there is always a crawl, a last page, reports).
    second = [*KILL_MODES, *rng.choices(["crawl", "temporary", "reports"], k=KILLS - KILLS // 2 - len(KILL_MODES))]
    rng.shuffle(second)
    plan = ["before-run", *rng.choices(["opening", "discovery", "crawl"], weights=[1, 1, 4], k=KILLS // 2 - 1),
            *second]
    kills: list[tuple[str, int, int, int, int]] = []  # (mode, runs, pages, report files, temporaries) at each kill
    previous = DbState((), {})
    finished_early = None
    for attempt, mode in enumerate(plan):
        servers.clear_log()
        child = start_audit(config, resume=attempt > 0)
        _kill_point(child, mode, config, TOTAL_PAGES - len(previous.done), reference, rng)
        if child.proc.poll() is not None:  # it finished before the kill point: the run is complete
            finished_early = (attempt, mode, child.wait())
            break
        child.proc.send_signal(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
        state = check_database(db)
        written = len(list(reports.glob("audit-*.*"))) if reports.exists() else 0
        kills.append((mode, len(state.runs), len(state.pages), written, len(temp_files(reports))))

        # One run, and the resume must have picked it up again (not started another).
        assert len(state.runs) <= 1, f"kill {attempt} ({mode}): {state.runs}"
        # Every stored page is whole: exactly the page and findings of an uninterrupted run, never a part.
        for url, page in state.pages.items():
            assert page == reference.pages[url], f"kill {attempt} ({mode}): {url} differs from the reference"
        # Nothing stored before is lost, and nothing stored before was fetched again.
        assert previous.done <= state.done, f"kill {attempt} ({mode}): lost {sorted(previous.done - state.done)}"
        refetched = {h.path for h in servers.hits() if h.site in PARTNER_IPS} & \
            {urlsplit(u).path for u in previous.done}
        assert not refetched, f"kill {attempt} ({mode}): pages already stored were fetched again: {refetched}"
        previous = state
        if state.runs and state.runs[-1][1] == "complete":  # killed on its way out, after the run was finished
            assert (reports / "audit-1.json").is_file(), f"kill {attempt} ({mode}): a complete run without reports"
            finished_early = (attempt, mode, "killed after finishing")
            break

    if finished_early is None:
        servers.clear_log()
        code, stderr = run_audit_cli(config, resume=True)
        assert code == 0, stderr
        refetched = {h.path for h in servers.hits() if h.site in PARTNER_IPS} & \
            {urlsplit(u).path for u in previous.done}
        assert not refetched, f"the last resume fetched pages already stored: {refetched}"
    took = time.monotonic() - began
    print(f"\n{len(kills)} kills in {took:.1f}s (uninterrupted run: {reference.took:.1f}s); finished early: "
          f"{finished_early}; (mode, runs, pages stored, report files, temporary files) at each kill: {kills}")

    # The kills covered every phase: no run row yet, part of the pages, all pages stored with reports pending.
    assert len(kills) >= KILLS * 3 // 4, (finished_early, kills)
    assert kills[0][:2] == ("before-run", 0), kills
    assert any(0 < kill[2] < TOTAL_PAGES for kill in kills), kills
    assert any(kill[0] in ("finishing", "temporary", "reports") and kill[2] == TOTAL_PAGES for kill in kills), kills

    final = check_database(db)
    assert final.runs == ((1, "complete"),), "one run, resumed every time and finished"
    assert final.pages == reference.pages
    doc = json.loads((reports / "audit-1.json").read_text(encoding="utf-8"))
    assert doc["run"]["complete"] is True
    assert comparable_report(doc) == reference.report
    for name in ("audit-1.html", "latest.html", "audit-1.csv"):
        assert (reports / name).stat().st_size > 0, name
    assert sorted(p.name for p in (reports / "digests" / "audit-1").iterdir()) == \
        sorted(f"{p}.md" for p in PARTNER_IPS)
    for page in doc["pages"]:  # every violation's evidence is in its WARC file
        if page["status"] == "violation":
            assert (reports / "evidence" / page["warc"]["file"]).is_file(), page["target"]
    assert temp_files(reports) == [], "temporary report files left behind"


# ------------------------------------------------------------------------------------------------ full disk


def test_full_disk_while_crawling_is_a_clear_error_and_resume_finishes(servers, reference, tmp_path):
    """The disk fills up mid-crawl: SQLite cannot grow its journal. A clear error, not a traceback; the pages
    stored so far are whole, and a `--resume` once there is room finishes the run as if nothing happened."""
    config = make_config(servers, tmp_path / "full")
    db = database(config)
    code, stderr = run_audit_cli(config, fsize_limit=512 * 1024)
    assert code == 3, stderr
    assert_no_traceback(stderr)
    # EFBIG reaches SQLite as an I/O error (ENOSPC would say "database or disk is full"): either way one line that
    # names the database, says what failed and how to go on.
    assert f"{db}: cannot write the history database: disk I/O error" in stderr and "--resume" in stderr, stderr
    state = check_database(db)
    assert state.runs and state.runs[-1][1] != "complete"
    assert 0 < len(state.pages) < TOTAL_PAGES, "the limit is meant to stop the run mid-crawl"
    for url, page in state.pages.items():
        assert page == reference.pages[url]
    assert not (reports_dir(config) / "audit-1.json").exists()

    code, stderr = run_audit_cli(config, resume=True)
    assert code == 0, stderr
    final = check_database(db)
    assert final.runs == ((1, "complete"),)
    assert final.pages == reference.pages
    assert temp_files(reports_dir(config)) == []


def test_unwritable_reports_then_full_disk_keep_the_last_reports_whole(servers, reference, tmp_path):
    """Night 1 completes. Night 2 cannot write its reports (the reports directory is not a directory), then a
    `--resume` meets a full disk while writing them: each is a clear error with exit status 3, night 1's reports
    stay byte for byte, no half-written or temporary file appears, and the run stays resumable; with room
    again, `--resume` writes night 2's reports without fetching any page again."""
    config = make_config(servers, tmp_path / "nights", listed=True)  # no error page: a resume stores nothing
    db, reports = database(config), reports_dir(config)
    code, stderr = run_audit_cli(config)
    assert code == 0, stderr
    night1 = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    assert Path("latest.html") in night1 and Path("audit-1.json") in night1

    # Night 2: where the reports go is a regular file.
    kept = reports.with_name("reports.night1")
    reports.rename(kept)
    reports.write_text("not a directory\n", encoding="utf-8")
    code, stderr = run_audit_cli(config)
    assert code == 3, stderr
    assert_no_traceback(stderr)
    assert f"cannot write the report {reports / 'audit-2.html'}" in stderr and "Not a directory" in stderr, stderr
    assert reports.read_text(encoding="utf-8") == "not a directory\n"
    state = check_database(db)
    assert [r[0] for r in state.runs] == [1, 2] and state.runs[1][1] != "complete", state.runs
    assert len(state.pages) == LISTED_PAGES  # the crawl itself was stored whole

    # Resume with the reports directory back, on a full disk: the first report cannot be written.
    reports.unlink()
    kept.rename(reports)
    servers.clear_log()
    code, stderr = run_audit_cli(config, resume=True, fsize_limit=FSIZE_LIMIT)
    assert code == 3, stderr
    assert_no_traceback(stderr)
    assert f"cannot write the report {reports / 'audit-2.html'}" in stderr and "File too large" in stderr, stderr
    now = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    assert now == night1, "night 1's reports changed, or a part of night 2's appeared"
    state = check_database(db)
    assert [r[0] for r in state.runs] == [1, 2] and state.runs[1][1] != "complete", state.runs
    assert len(state.pages) == LISTED_PAGES
    refetched = [h.path for h in servers.hits() if h.site in PARTNER_IPS and h.path != "/robots.txt"]
    assert refetched == [], "a resume fetched pages it had stored"

    # Room again: the resume writes night 2's reports, and the run is complete.
    code, stderr = run_audit_cli(config, resume=True)
    assert code == 0, stderr
    assert [r for r in check_database(db).runs] == [(1, "complete"), (2, "complete")]
    doc = json.loads((reports / "audit-2.json").read_text(encoding="utf-8"))
    assert doc["run"]["complete"] is True and doc["summary"]["pages"] == LISTED_PAGES
    assert (reports / "latest.html").read_bytes() == (reports / "audit-2.html").read_bytes()
    assert (reports / "audit-1.json").read_bytes() == night1[Path("audit-1.json")]
    assert temp_files(reports) == []


def test_temporary_files_of_killed_writers_are_removed_by_the_next_write(tmp_path):
    """kill -9 between creating a report's temporary file and renaming it leaves the file behind: the next write
    into that directory removes it, and leaves alone the temporary file of a writer still running."""
    from checker.audit_output import write_atomic

    reports = tmp_path / "reports"
    reports.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # reaped: its pid names no process now
    stale = [reports / f".audit-1.json.{dead.pid}.0123abcd.tmp", reports / f".latest.html.{dead.pid}.89abcdef.tmp"]
    for path in stale:
        path.write_text('{"pages": [{"target": "half a rep', encoding="utf-8")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = reports / f".audit-2.json.{sleeper.pid}.00ff00ff.tmp"
        live.write_text("being written", encoding="utf-8")
        unrelated = reports / ".notes.tmp"
        unrelated.write_text("mine", encoding="utf-8")
        write_atomic(reports / "audit-1.html", lambda fh: fh.write("<html>whole</html>"))
        assert sorted(p.name for p in reports.iterdir()) == sorted([live.name, unrelated.name, "audit-1.html"])
        assert temp_files(reports) == [live]
    finally:
        sleeper.kill()
        sleeper.wait()
