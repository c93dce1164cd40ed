"""SQLite run history for the nightly audit: runs, pages, findings, fetch validators; diffs between runs.

One SQLite file, opened by one `History` (one connection, guarded by a lock):

- WAL journal, ``synchronous=NORMAL``, ``foreign_keys=ON``; the file is created 0600 in a
  directory created 0700 (the history names partners' pages and contacts' verdicts).
- ``schema_version`` holds one row per applied migration; ``MIGRATIONS`` is the ordered list of
  migrations (SQL scripts or functions of the connection), each applied in its own transaction
  when a database is opened. A database written by a newer syndicheck (a higher version than
  this code knows) is refused with `SchemaTooNew`, never modified.
- A run is written as it goes: `record_page` stores a page, all its findings and its fetch
  validators in ONE transaction, so a kill -9 at any moment leaves each page either wholly
  stored or absent, and `done_urls` tells a resumed run what it need not fetch again.

Identity: a page is keyed by its *normalised URL* (`checker.url_identity.url_key`, the same normal form
discovery, waivers and reports use) — the normalised target (the candidate URL the crawler was given)
for http(s) targets, else the normalised final URL. A finding's fingerprint is
``sha256(rule + "\\n" + normalised url)``: stable across runs, independent of the message text.
Compare candidates against `done_urls` through `History.normalize`. Schema v4 rewrote the URLs that
older versions stored under their own normal form (no dot-segment removal or query sorting, another
tracking-parameter list) so they still match; see `_renormalise_urls`.

A *violation* is a finding with outcome ``fail`` and no waiver (`Finding.counts_as_violation`).

Fetch validators (ETag, Last-Modified, body sha256) and the verdict are kept per URL across runs.
The stored verdict's findings are kept WITHOUT waivers (waivers are applied again, with the day's
date, after reuse). A page that could not be fetched (status ``error``) never overwrites the
previous good validators.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator, Optional, Sequence, Union

from .models import (
    AuditPage, DiffItem, Evidence, Finding, Match, Original, Outcome, PageResult, RunDiff, Severity, Status,
    TrendPoint, WarcRef,
)
from .url_identity import url_key

__all__ = [
    "History", "HistoryError", "HistoryWriteError", "SchemaTooNew", "RunSummary", "StoredVerdict", "MIGRATIONS",
    "SCHEMA_VERSION", "normalize_url", "fingerprint", "original_digest",
]

RUN_RUNNING, RUN_COMPLETE, RUN_INCOMPLETE = "running", "complete", "incomplete"
COPY_STATUSES = (Status.COMPLIANT.value, Status.VIOLATION.value, Status.REVIEW.value)


class HistoryError(Exception):
    """The history database cannot be opened or used (the message names the file)."""


class HistoryWriteError(HistoryError):
    """A write transaction failed (disk full, I/O error): it was rolled back, what was committed before stays."""


class SchemaTooNew(HistoryError):
    """The database was written by a newer syndicheck whose schema this version does not know."""


# ---- URL identity ------------------------------------------------------------------------------

# The one URL identity (checker.url_identity). `normalize_url` is kept as this module's name for it, which
# the report package imports; it never raises (an unparseable target is keyed as written).
normalize_url = url_key


def fingerprint(rule: str, normalised_url: str) -> str:
    """A finding's identity across runs: sha256(rule + "\\n" + normalised URL), hex."""
    return hashlib.sha256(f"{rule}\n{normalised_url}".encode("utf-8")).hexdigest()


def original_digest(original: Optional[Original]) -> Optional[str]:
    """A hash of what the checks read from an original (url, title, authors, published, text)."""
    if original is None:
        return None
    blob = json.dumps([original.id, original.url, original.title, list(original.authors), original.published,
                       original.text], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _is_http(s: str) -> bool:
    return s[:8].lower().startswith(("http://", "https://"))


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# ---- schema ------------------------------------------------------------------------------------

Migration = Union[str, Callable[[sqlite3.Connection], None]]

_V1 = """
CREATE TABLE runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    started          TEXT NOT NULL,
    finished         TEXT,
    status           TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'complete', 'incomplete')),
    license          TEXT NOT NULL,
    pack_fingerprint TEXT NOT NULL,
    config_path      TEXT,
    tool_version     TEXT NOT NULL
);
CREATE INDEX runs_status ON runs (status, id);

CREATE TABLE pages (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    partner       TEXT NOT NULL,
    url           TEXT NOT NULL,          -- normalised; the page's identity
    target        TEXT NOT NULL,          -- as given to the crawler
    final_url     TEXT NOT NULL,          -- after redirects
    status        TEXT NOT NULL,          -- compliant | violation | review | not-a-copy | error
    original_id   TEXT,
    original_json TEXT,                   -- {id, url, title, authors, published} for reports
    match_score   REAL,
    match_forced  INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    sha256        TEXT,
    etag          TEXT,
    last_modified TEXT,
    warc_file     TEXT,
    warc_record   TEXT,
    reused        INTEGER NOT NULL DEFAULT 0,
    checked_at    TEXT NOT NULL,
    UNIQUE (run_id, url)
);
CREATE INDEX pages_partner ON pages (run_id, partner);

CREATE TABLE findings (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL,
    url           TEXT NOT NULL,
    partner       TEXT NOT NULL,
    rule          TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL,          -- pass | fail | review | not-applicable
    severity      TEXT NOT NULL,          -- error | warning | info
    message       TEXT NOT NULL,
    evidence_json TEXT NOT NULL DEFAULT '[]',
    fix           TEXT,
    waiver        TEXT,
    fingerprint   TEXT NOT NULL,          -- sha256(rule + "\\n" + url)
    FOREIGN KEY (run_id, url) REFERENCES pages (run_id, url) ON DELETE CASCADE
);
CREATE INDEX findings_page ON findings (run_id, url);
CREATE INDEX findings_fingerprint ON findings (fingerprint);

CREATE TABLE validators (
    url              TEXT PRIMARY KEY,    -- normalised
    etag             TEXT,
    last_modified    TEXT,
    sha256           TEXT,
    original_id      TEXT,
    original_digest  TEXT,
    pack_fingerprint TEXT NOT NULL,
    last_run_id      INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,       -- the verdict before waivers
    match_score      REAL,
    findings_json    TEXT NOT NULL DEFAULT '[]',  -- the verdict to reuse on a 304, without waivers
    warc_file        TEXT,
    warc_record      TEXT,
    updated          TEXT NOT NULL
);
"""

# Ordered; index i holds the migration to schema version i + 1. Append only, never edit a released one.
# v2: a page whose stored verdict was reused without a request (crawl.trust_lastmod_days) says so.
_V2 = "ALTER TABLE pages ADD COLUMN requested INTEGER NOT NULL DEFAULT 1;"

# Render mode (checker/render): whether a page was judged in a browser, and its static verdict when that differed.
_V3 = ("ALTER TABLE pages ADD COLUMN rendered INTEGER NOT NULL DEFAULT 0;\n"
       "ALTER TABLE pages ADD COLUMN static_status TEXT;")


def _renormalise_urls(c: sqlite3.Connection) -> None:
    """v4: re-key pages, findings (with their fingerprints) and validators under today's URL identity.

    Versions before v4 keyed pages with the history's own normaliser, which kept dot segments and the query
    order and knew another list of tracking parameters; without this, a page stored then would look new
    (and its findings "fixed" and "new") on the first run after the upgrade. Where two old spellings of one
    page meet in one run, the one recorded last stays, as `record_page` would have kept it."""
    c.execute("PRAGMA defer_foreign_keys = ON")  # pages and their findings change key in the same transaction
    c.create_function("syndicheck_fingerprint", 2, fingerprint, deterministic=True)
    # One pass over each table, then updates by (run_id, url) and url, which the indexes serve.
    pages = {(run_id, url): rowid for run_id, url, rowid in c.execute("SELECT run_id, url, rowid FROM pages")}
    for (run_id, old), rowid in sorted(pages.items(), key=lambda kv: kv[1]):
        new = url_key(old)
        if new == old:
            continue
        clash = pages.get((run_id, new))
        if clash is not None:  # keep the page recorded last, delete the other with its findings
            loser = (run_id, old) if clash > rowid else (run_id, new)
            c.execute("DELETE FROM findings WHERE run_id = ? AND url = ?", loser)
            c.execute("DELETE FROM pages WHERE run_id = ? AND url = ?", loser)
            del pages[loser]
            if loser[1] == old:
                continue
        c.execute("UPDATE pages SET url = ? WHERE run_id = ? AND url = ?", (new, run_id, old))
        c.execute("UPDATE findings SET url = ?1, fingerprint = syndicheck_fingerprint(rule, ?1)"
                  " WHERE run_id = ?2 AND url = ?3", (new, run_id, old))
        pages[(run_id, new)] = pages.pop((run_id, old))
    validators = dict(c.execute("SELECT url, updated FROM validators").fetchall())
    for old, updated in sorted(validators.items(), key=lambda kv: kv[1] or ""):
        new = url_key(old)
        if new == old or old not in validators:
            continue
        if new in validators:  # keep the later fetch's validators
            stale: str = old if (validators[new] or "") >= (updated or "") else new
            c.execute("DELETE FROM validators WHERE url = ?", (stale,))
            del validators[stale]
            if stale == old:
                continue
        c.execute("UPDATE validators SET url = ? WHERE url = ?", (new, old))
        validators[new] = validators.pop(old)


MIGRATIONS: list[Migration] = [_V1, _V2, _V3, _renormalise_urls]
SCHEMA_VERSION = len(MIGRATIONS)


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (executescript would commit our transaction)."""
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            body = "\n".join(line for line in buf.splitlines() if not line.strip().startswith("--"))
            if body.strip(" \n\t;"):
                yield buf.strip()
            buf = ""


# ---- value types -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """One row of `History.runs`: a run and its counts (`violations` counts unwaived failing findings,
    `violation_pages` the pages that carry at least one)."""

    id: int
    started: str
    finished: Optional[str]
    status: str  # running | complete | incomplete
    license: str
    pack_fingerprint: str
    config_path: Optional[str]
    tool_version: str
    pages: int
    copies: int  # pages that are copies: compliant + violation + review
    compliant: int
    violations: int
    errors: int
    violation_pages: int = 0

    @property
    def rate(self) -> Optional[float]:
        return self.compliant / self.copies if self.copies else None

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["compliance_rate"] = None if self.rate is None else round(self.rate, 4)
        return d


@dataclass(frozen=True)
class StoredVerdict:
    """A URL's last stored verdict (before waivers), reusable when a conditional GET answers 304."""

    url: str
    status: Status
    original_id: Optional[str]
    match_score: Optional[float]
    findings: tuple[Finding, ...]  # waiver always None: apply waivers again after reuse
    sha256: Optional[str]
    etag: Optional[str]
    last_modified: Optional[str]
    warc: Optional[WarcRef]
    run_id: Optional[int]

    def to_result(self, target: str, url: str, original: Optional[Original] = None) -> PageResult:
        """The PageResult to use for this run (pass the current Original object for the stored id)."""
        match = Match(original, self.match_score or 0.0) if original is not None and self.match_score is not None \
            else None
        return PageResult(target=target, url=url, status=self.status, original=original, match=match,
                          findings=self.findings)


# ---- (de)serialising findings ------------------------------------------------------------------


def _evidence_json(evidence: Sequence[Evidence]) -> str:
    return json.dumps([e.as_dict() for e in evidence], ensure_ascii=False)


def _evidence_from(text: Optional[str]) -> tuple[Evidence, ...]:
    out = []
    for d in json.loads(text or "[]"):
        out.append(Evidence(selector=d.get("selector", ""), snippet=d.get("snippet", ""), expected=d.get("expected"),
                            actual=d.get("actual"), line=d.get("line"), screenshot=d.get("screenshot")))
    return tuple(out)


def _finding_dict(f: Finding) -> dict:
    return {"rule": f.rule, "title": f.title, "outcome": f.outcome.value, "severity": f.severity.value,
            "message": f.message, "evidence": [e.as_dict() for e in f.evidence], "fix": f.fix}


def _finding_from_dict(d: dict) -> Finding:
    return Finding(rule=d["rule"], outcome=Outcome(d["outcome"]), severity=Severity(d["severity"]),
                   message=d.get("message", ""), evidence=_evidence_from(json.dumps(d.get("evidence", []))),
                   fix=d.get("fix"), title=d.get("title", ""))


def _raw_status(result: PageResult) -> Status:
    """The page's status ignoring waivers (what a reuse starts from)."""
    if result.status.value not in COPY_STATUSES:
        return result.status
    # engine.page_status, without importing the engine (and its parsers) into the history
    if any(f.outcome is Outcome.FAIL for f in result.findings):
        return Status.VIOLATION
    if any(f.outcome is Outcome.REVIEW for f in result.findings):
        return Status.REVIEW
    return Status.COMPLIANT


def _original_json(original: Optional[Original]) -> Optional[str]:
    if original is None:
        return None
    return json.dumps({**original.as_ref(), "published": original.published}, ensure_ascii=False)


def _original_from(original_id: Optional[str], text: Optional[str]) -> Optional[Original]:
    if original_id is None:
        return None
    d = json.loads(text) if text else {}
    return Original(id=original_id, url=d.get("url", ""), title=d.get("title", ""),
                    authors=tuple(d.get("authors") or ()), published=d.get("published"))


def finding_from_row(f: Mapping) -> Finding:
    """A stored finding (a row of `findings`) as the Finding it was."""
    return Finding(rule=f["rule"], outcome=Outcome(f["outcome"]), severity=Severity(f["severity"]),
                   message=f["message"], evidence=_evidence_from(f["evidence_json"]), fix=f["fix"],
                   title=f["title"], waiver=f["waiver"])


def page_from_row(p: Mapping, findings: Sequence[Finding]) -> AuditPage:
    """A stored page (a row of `pages`) and its findings as the AuditPage it was (originals carry no text)."""
    original = _original_from(p["original_id"], p["original_json"])
    match = Match(original, p["match_score"], bool(p["match_forced"])) \
        if original is not None and p["match_score"] is not None else None
    result = PageResult(target=p["target"], url=p["final_url"], status=Status(p["status"]),
                        original=original, match=match, findings=tuple(findings),
                        error=p["error"], rendered=bool(p["rendered"]),
                        static_status=Status(p["static_status"]) if p["static_status"] else None)
    warc = WarcRef(p["warc_file"], p["warc_record"] or "") if p["warc_file"] else None
    return AuditPage(partner=p["partner"], result=result, sha256=p["sha256"], etag=p["etag"],
                     last_modified=p["last_modified"], warc=warc, reused=bool(p["reused"]),
                     requested=bool(p["requested"]))


# ---- the history -------------------------------------------------------------------------------


def _describe(exc: sqlite3.Error) -> str:
    """SQLite's message and, where Python gives it (3.11+), its error name: "disk I/O error (SQLITE_IOERR_WRITE)"
    is what a write past RLIMIT_FSIZE gives, "database or disk is full (SQLITE_FULL)" a full disk."""
    name = getattr(exc, "sqlite_errorname", None)
    said = f"{exc} ({name})" if name else str(exc)
    if "locked" in str(exc) or (name or "").startswith("SQLITE_BUSY"):
        # waited the connection's 30 s: say who may hold it, or the user is left guessing
        said += "; another process held it for 30 s (a backup, an editor, or a tool with the file open): try again"
    return said


def _prepare_path(path: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)
    if not os.path.exists(path):
        # Made whole under a temporary name (0600, with a valid SQLite header) and linked into place, so a
        # database file of ours is never seen empty: an empty one is somebody else's accident (check_file).
        tmp = f"{path}.new-{os.getpid()}"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.chmod(tmp, 0o600)
            conn = sqlite3.connect(tmp)
            try:
                conn.execute("PRAGMA user_version = 0")  # writes the header page
                conn.commit()
            finally:
                conn.close()
            os.link(tmp, path)
        except FileExistsError:  # another process created it first
            pass
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass


_SQLITE_MAGIC = b"SQLite format 3\0"


def check_file(path: str) -> None:
    """Raise HistoryError naming `path` when the file cannot be a whole SQLite database: empty, too short for
    its header, not SQLite, or shorter than the size its header records (truncated by a copy or a full disk).

    SQLite itself would silently start an empty file afresh (the next audit forgets every previous night) and
    read a truncated one until it met a missing page. Remove the file to start a new history."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read the history database: {exc.strerror or exc}") from exc
    fresh = "; remove the file to start a new history"
    if size == 0:
        raise HistoryError(f"{path}: the history database file is empty (0 bytes), not a database{fresh}")
    if not header.startswith(_SQLITE_MAGIC):
        raise HistoryError(f"{path}: not a SQLite database (the history database is configured there){fresh}")
    if len(header) < 100:
        raise HistoryError(f"{path}: the history database is truncated ({size} bytes){fresh}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages, change, valid_for = (int.from_bytes(header[i:i + 4], "big") for i in (28, 24, 92))
    # The page count in the header is valid when the two counters agree (SQLite >= 3.7.0 writes them so).
    if pages and change == valid_for and size < pages * page_size:
        raise HistoryError(f"{path}: the history database is truncated ({size} of {pages * page_size} bytes); "
                           f"restore it from a backup{fresh}")


class History:
    """The audit's run history in one SQLite file. Thread-safe (one connection behind a lock)."""

    def __init__(self, path: Union[str, os.PathLike], *, migrations: Optional[Sequence[Migration]] = None):
        self.path = os.fspath(path)
        self.normalize: Callable[[str], str] = url_key
        self._migrations = list(MIGRATIONS if migrations is None else migrations)
        self._lock = threading.RLock()
        try:
            if self.path != ":memory:":
                _prepare_path(self.path)
                check_file(self.path)
            self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"{self.path}: cannot open the history database: {exc}") from exc
        try:
            self._conn.execute("PRAGMA journal_mode=WAL").fetchone()
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except HistoryError:  # a newer schema, or a migration that could not be written
            self._conn.close()
            raise
        except sqlite3.Error as exc:
            self._conn.close()
            raise HistoryError(f"{self.path}: not a usable history database: {exc}") from exc

    # -- plumbing

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE ... COMMIT, rolled back on any exception.

        A database error (disk full, I/O error, locked for too long) becomes a HistoryWriteError naming the file,
        for the CLI to report in one line; the transactions committed before it stay."""
        with self._lock:
            try:
                with self._conn:
                    self._conn.execute("BEGIN IMMEDIATE")
                    yield self._conn
            except sqlite3.Error as exc:
                if self._conn.in_transaction:  # a failed COMMIT (disk full) can leave the transaction open
                    try:
                        self._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise HistoryWriteError(f"{self.path}: cannot write the history database: {_describe(exc)}") from exc

    def _read(self, sql: str, params: Sequence = ()) -> list[dict]:
        with self._lock:
            cur = self._conn.execute(sql, params)
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, row)) for row in cur.fetchall()]

    def schema_version(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]

    def _migrate(self) -> None:
        with self._tx() as c:
            c.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                      "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
        known = len(self._migrations)
        current = self.schema_version()
        if current > known:
            raise SchemaTooNew(
                f"{self.path}: the history database has schema version {current}, newer than this syndicheck "
                f"understands (version {known}); upgrade syndicheck or use another --db")
        for version in range(current + 1, known + 1):
            with self._tx() as c:
                # Another process may have migrated meanwhile: re-read under the write lock.
                if c.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0] >= version:
                    continue
                migration = self._migrations[version - 1]
                if callable(migration):
                    migration(c)
                else:
                    for stmt in _statements(migration):
                        c.execute(stmt)
                c.execute("INSERT INTO schema_version (version, applied) VALUES (?, ?)", (version, _now()))

    def key(self, page_or_url: Union[str, PageResult, AuditPage]) -> str:
        """The normalised URL that identifies a page: the target when it is an http(s) URL, else the final URL."""
        if isinstance(page_or_url, AuditPage):
            page_or_url = page_or_url.result
        if isinstance(page_or_url, PageResult):
            r = page_or_url
            return self.normalize(r.target if _is_http(r.target) or not r.url else r.url)
        return self.normalize(page_or_url)

    # -- runs

    def start_run(self, license: str, pack_fingerprint: str, config_path: Optional[str],
                  tool_version: str) -> int:
        with self._tx() as c:
            cur = c.execute("INSERT INTO runs (started, status, license, pack_fingerprint, config_path, tool_version)"
                            " VALUES (?, 'running', ?, ?, ?, ?)",
                            (_now(), license, pack_fingerprint, config_path, tool_version))
            assert cur.lastrowid is not None  # set by every INSERT
            return int(cur.lastrowid)

    def unfinished_run(self) -> Optional[int]:
        """The latest run still marked running (interrupted, or in progress elsewhere), if any."""
        rows = self._read("SELECT id FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1")
        return rows[0]["id"] if rows else None

    def finish_run(self, run_id: int, complete: bool) -> None:
        with self._tx() as c:
            cur = c.execute("UPDATE runs SET status = ?, finished = ? WHERE id = ?",
                            (RUN_COMPLETE if complete else RUN_INCOMPLETE, _now(), run_id))
            if cur.rowcount != 1:
                raise HistoryError(f"{self.path}: no run {run_id}")

    def run(self, run_id: int) -> Optional[RunSummary]:
        got = self._summaries("WHERE r.id = ?", (run_id,), None, 1)
        return got[0] if got else None

    def latest_run(self) -> Optional[int]:
        rows = self._read("SELECT MAX(id) AS id FROM runs")
        return rows[0]["id"]

    def previous_complete_run(self, before_run_id: Optional[int] = None) -> Optional[int]:
        """The latest complete run older than `before_run_id` (or the latest complete run at all)."""
        if before_run_id is None:
            rows = self._read("SELECT MAX(id) AS id FROM runs WHERE status = 'complete'")
        else:
            rows = self._read("SELECT MAX(id) AS id FROM runs WHERE status = 'complete' AND id < ?",
                              (before_run_id,))
        return rows[0]["id"]

    def partners(self) -> list[str]:
        """Every partner id a stored page names, sorted."""
        return [r["partner"] for r in self._read("SELECT DISTINCT partner FROM pages ORDER BY partner")]

    def runs(self, limit: int = 20, *, partner: Optional[str] = None) -> list[RunSummary]:
        """The latest `limit` runs, newest first, with page counts (optionally one partner's)."""
        return self._summaries("", (), partner, limit)

    def _summaries(self, where: str, params: tuple, partner: Optional[str], limit: int) -> list[RunSummary]:
        pf = " AND partner = ?" if partner is not None else ""
        pp = (partner,) if partner is not None else ()
        copies = ", ".join(f"'{s}'" for s in COPY_STATUSES)
        sql = f"""
            SELECT r.*,
                   COALESCE(p.pages, 0) AS pages, COALESCE(p.copies, 0) AS copies,
                   COALESCE(p.compliant, 0) AS compliant, COALESCE(p.errors, 0) AS errors,
                   COALESCE(f.violations, 0) AS violations, COALESCE(f.violation_pages, 0) AS violation_pages
            FROM runs r
            LEFT JOIN (SELECT run_id, COUNT(*) AS pages,
                              SUM(status IN ({copies})) AS copies,
                              SUM(status = 'compliant') AS compliant,
                              SUM(status = 'error') AS errors
                       FROM pages WHERE 1 {pf} GROUP BY run_id) p ON p.run_id = r.id
            LEFT JOIN (SELECT run_id, COUNT(*) AS violations, COUNT(DISTINCT url) AS violation_pages FROM findings
                       WHERE outcome = 'fail' AND waiver IS NULL {pf} GROUP BY run_id) f ON f.run_id = r.id
            {where}
            ORDER BY r.id DESC LIMIT ?"""
        rows = self._read(sql, pp + pp + params + (limit,))
        return [RunSummary(**row) for row in rows]

    # -- pages

    def done_urls(self, run_id: int, *, include_errors: bool = True) -> set[str]:
        """Normalised URLs already recorded in `run_id` (a resumed run skips them)."""
        sql = "SELECT url FROM pages WHERE run_id = ?" + ("" if include_errors else " AND status != 'error'")
        return {r["url"] for r in self._read(sql, (run_id,))}

    def record_page(self, run_id: int, page: AuditPage) -> str:
        """Store one page, its findings and its validators atomically; replaces the same URL in the same run.

        Returns the page's normalised URL."""
        r = page.result
        url = self.key(r)
        sha256, etag, last_modified, warc = page.sha256, page.etag, page.last_modified, page.warc
        digest = original_digest(r.original)
        raw_status = _raw_status(r).value
        with self._tx() as c:
            pack = c.execute("SELECT pack_fingerprint FROM runs WHERE id = ?", (run_id,)).fetchone()
            if pack is None:
                raise HistoryError(f"{self.path}: no run {run_id}")
            old = c.execute("SELECT etag, last_modified, sha256, warc_file, warc_record, original_id, original_digest"
                            " FROM validators WHERE url = ?", (url,)).fetchone()
            if page.reused and old is not None:  # a 304 carries no body and maybe no validators: keep the stored
                if etag is None and last_modified is None:
                    etag, last_modified = old[0], old[1]
                sha256 = sha256 or old[2]
                if warc is None and old[3]:
                    warc = WarcRef(old[3], old[4] or "")
                if r.original is not None and r.original.id == old[5]:
                    digest = old[6]  # the verdict was made against the stored original, not re-checked
            c.execute("DELETE FROM findings WHERE run_id = ? AND url = ?", (run_id, url))
            c.execute("DELETE FROM pages WHERE run_id = ? AND url = ?", (run_id, url))
            c.execute(
                "INSERT INTO pages (run_id, partner, url, target, final_url, status, original_id, original_json,"
                " match_score, match_forced, error, sha256, etag, last_modified, warc_file, warc_record, reused,"
                " checked_at, requested, rendered, static_status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, page.partner, url, r.target, r.url or r.target, r.status.value,
                 r.original.id if r.original else None, _original_json(r.original),
                 r.match.score if r.match else None, int(bool(r.match and r.match.forced)), r.error,
                 sha256, etag, last_modified, warc.file if warc else None, warc.record_id if warc else None,
                 int(page.reused), _now(), int(page.requested), int(r.rendered),
                 r.static_status.value if r.static_status else None))
            c.executemany(
                "INSERT INTO findings (run_id, url, partner, rule, title, outcome, severity, message, evidence_json,"
                " fix, waiver, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, url, page.partner, f.rule, f.title, f.outcome.value, f.severity.value, f.message,
                  _evidence_json(f.evidence), f.fix, f.waiver, fingerprint(f.rule, url)) for f in r.findings])
            if r.status is not Status.ERROR and page.requested:  # a page not requested tells nothing new
                c.execute(
                    "INSERT INTO validators (url, etag, last_modified, sha256, original_id, original_digest,"
                    " pack_fingerprint, last_run_id, status, match_score, findings_json, warc_file, warc_record,"
                    " updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,"
                    " sha256 = excluded.sha256, original_id = excluded.original_id,"
                    " original_digest = excluded.original_digest, pack_fingerprint = excluded.pack_fingerprint,"
                    " last_run_id = excluded.last_run_id, status = excluded.status,"
                    " match_score = excluded.match_score, findings_json = excluded.findings_json,"
                    " warc_file = excluded.warc_file, warc_record = excluded.warc_record, updated = excluded.updated",
                    (url, etag, last_modified, sha256, r.original.id if r.original else None,
                     digest,
                     pack[0], run_id, raw_status, r.match.score if r.match else None,
                     json.dumps([_finding_dict(f) for f in r.findings], ensure_ascii=False),
                     warc.file if warc else None, warc.record_id if warc else None, _now()))
        return url

    def validators(self, url: str) -> Optional[tuple[Optional[str], Optional[str]]]:
        """(ETag, Last-Modified) from the last good fetch of `url`, for a conditional GET; None if never fetched
        or neither was sent."""
        rows = self._read("SELECT etag, last_modified FROM validators WHERE url = ?", (self.normalize(url),))
        if not rows or (rows[0]["etag"] is None and rows[0]["last_modified"] is None):
            return None
        return rows[0]["etag"], rows[0]["last_modified"]

    def last_fetched(self, url: str) -> Optional[datetime]:
        """When `url` was last fetched with a usable answer (200 checked, or 304), if ever."""
        rows = self._read("SELECT updated FROM validators WHERE url = ?", (self.normalize(url),))
        if not rows:
            return None
        try:
            when = datetime.fromisoformat(rows[0]["updated"])
        except (TypeError, ValueError):
            return None
        return when if when.tzinfo else when.replace(tzinfo=timezone.utc)

    def stored_verdict(self, url: str, pack_fingerprint: str,
                       original_id: Union[None, str, Mapping[str, Original], Set[str]]) -> Optional[StoredVerdict]:
        """The stored verdict for `url` if it may be reused on a 304: same rule-pack fingerprint and same original.

        `original_id` says which original the caller accepts:
        - a str (or None for "not a copy"): the stored original id must be exactly this;
        - a mapping id -> Original (the originals of this run): the stored original must be one of them
          and, when the mapping gives the Original, unchanged since it was stored (same url, title, authors,
          text); a stored not-a-copy verdict is accepted;
        - a set of ids: the stored original id must be in it (or be None: not a copy).
        """
        rows = self._read("SELECT * FROM validators WHERE url = ?", (self.normalize(url),))
        if not rows:
            return None
        row = rows[0]
        if row["pack_fingerprint"] != pack_fingerprint:
            return None
        stored = row["original_id"]
        if original_id is None or isinstance(original_id, str):
            if stored != original_id:
                return None
        elif isinstance(original_id, Mapping):
            if stored is not None:
                if stored not in original_id:
                    return None
                current = original_id[stored]
                if isinstance(current, Original) and row["original_digest"] is not None \
                        and original_digest(current) != row["original_digest"]:
                    return None
        elif stored is not None and stored not in original_id:
            return None
        findings = tuple(_finding_from_dict(d) for d in json.loads(row["findings_json"] or "[]"))
        warc = WarcRef(row["warc_file"], row["warc_record"] or "") if row["warc_file"] else None
        return StoredVerdict(url=row["url"], status=Status(row["status"]), original_id=stored,
                             match_score=row["match_score"], findings=findings, sha256=row["sha256"],
                             etag=row["etag"], last_modified=row["last_modified"], warc=warc,
                             run_id=row["last_run_id"])

    def pages_of(self, run_id: int, partner: Optional[str] = None) -> list[AuditPage]:
        """A run's pages in the order they were recorded, rebuilt as AuditPage (originals carry no text)."""
        pf, pp = (" AND partner = ?", (partner,)) if partner is not None else ("", ())
        pages = self._read(f"SELECT * FROM pages WHERE run_id = ?{pf} ORDER BY rowid", (run_id,) + pp)
        by_url: dict[str, list[Finding]] = {}
        for f in self._read(f"SELECT * FROM findings WHERE run_id = ?{pf} ORDER BY id", (run_id,) + pp):
            by_url.setdefault(f["url"], []).append(finding_from_row(f))
        return [page_from_row(p, by_url.get(p["url"], ())) for p in pages]

    # -- comparisons

    def _violations(self, run_id: int, partner: Optional[str]) -> dict[str, DiffItem]:
        pf, pp = (" AND partner = ?", (partner,)) if partner is not None else ("", ())
        rows = self._read("SELECT fingerprint, partner, url, rule, message FROM findings WHERE run_id = ?"
                          f" AND outcome = 'fail' AND waiver IS NULL{pf} ORDER BY partner, url, rule, id",
                          (run_id,) + pp)
        out: dict[str, DiffItem] = {}
        for r in rows:
            out.setdefault(r["fingerprint"], DiffItem(r["fingerprint"], r["partner"], r["url"], r["rule"],
                                                      r["message"]))
        return out

    def diff(self, run_a: Optional[int], run_b: int, partner: Optional[str] = None) -> RunDiff:
        """Violations of `run_b` against `run_a`: new (in b, not a), fixed (in a, not b, and the URL was
        checked in b without error), persisting (in both). `run_a` None: every violation of b is new."""
        b = self._violations(run_b, partner)
        a = self._violations(run_a, partner) if run_a is not None else {}
        checked = self.done_urls(run_b, include_errors=False)
        key = lambda i: (i.partner, i.url, i.rule)  # noqa: E731
        new = sorted((i for fp, i in b.items() if fp not in a), key=key)
        persisting = sorted((i for fp, i in b.items() if fp in a), key=key)
        fixed = sorted((i for fp, i in a.items() if fp not in b and i.url in checked), key=key)
        return RunDiff(run_a, tuple(new), tuple(fixed), tuple(persisting))

    def trend_detail(self, limit: int = 30, *, current: Optional[int] = None) -> tuple[TrendPoint, ...]:
        """The runs of `trend` per partner, per rule, and per partner and rule (for the report's filters).

        For a rule, a copy counts as compliant when no unwaived failing or review finding of that rule is on it."""
        runs = {p.run_id: p.started for p in self.trend(limit, current=current)}
        if not runs:
            return ()
        marks = ", ".join("?" * len(runs))
        copies_in = ", ".join(f"'{s}'" for s in COPY_STATUSES)
        per_partner = self._read(f"""
            SELECT run_id, partner, COUNT(*) AS copies, SUM(status = 'compliant') AS compliant FROM pages
            WHERE run_id IN ({marks}) AND status IN ({copies_in}) GROUP BY run_id, partner""", tuple(runs))
        bad = self._read(f"""
            SELECT f.run_id, f.partner, f.rule, COUNT(DISTINCT f.url) AS bad FROM findings f
            JOIN pages p ON p.run_id = f.run_id AND p.url = f.url
            WHERE f.run_id IN ({marks}) AND f.outcome IN ('fail', 'review') AND f.waiver IS NULL
                  AND p.status IN ({copies_in})
            GROUP BY f.run_id, f.partner, f.rule""", tuple(runs))
        copies = {(r["run_id"], r["partner"]): r["copies"] for r in per_partner}
        points = [TrendPoint(r["run_id"], runs[r["run_id"]], r["copies"], r["compliant"] or 0, partner=r["partner"])
                  for r in per_partner]
        rules = sorted({r["rule"] for r in bad})
        bad_by = {(r["run_id"], r["partner"], r["rule"]): r["bad"] for r in bad}
        for run_id, started in runs.items():
            total = sum(n for (rid, _), n in copies.items() if rid == run_id)
            for rule in rules:
                failing = sum(n for (rid, _, ru), n in bad_by.items() if rid == run_id and ru == rule)
                points.append(TrendPoint(run_id, started, total, total - failing, rule=rule))
                for (rid, partner), n in copies.items():
                    if rid == run_id:
                        points.append(TrendPoint(run_id, started, n, n - bad_by.get((run_id, partner, rule), 0),
                                                 partner=partner, rule=rule))
        return tuple(sorted(points, key=lambda p: (p.partner, p.rule, p.run_id)))

    def trend(self, limit: int = 30, *, current: Optional[int] = None) -> tuple[TrendPoint, ...]:
        """Compliance of the last `limit` complete runs (plus `current`, whatever its status), oldest first."""
        params: tuple[int, ...]
        if current is None:
            where, params = "WHERE r.status = 'complete'", ()
        else:
            where, params = "WHERE (r.status = 'complete' AND r.id <= ?) OR r.id = ?", (current, current)
        rows = self._summaries(where, params, None, limit)
        return tuple(TrendPoint(s.id, s.started, s.copies, s.compliant) for s in reversed(rows))
