"""The audit's SQLite history: schema and migrations, atomic page writes, resume, diffs, 304 reuse, trend."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from checker import history as history_mod
from checker.history import History, HistoryError, SchemaTooNew, fingerprint, normalize_url
from checker.models import (
    AuditPage, Evidence, Finding, Match, Original, Outcome, PageResult, Severity, Status, WarcRef,
)

ROOT = Path(__file__).resolve().parents[1]
PACK = "pack-v1"
ORIG = Original("o1", "https://dcnf.example/2026/01/story", "Story", ("Jane Reporter",), "2026-01-01",
                "First paragraph.\n\nSecond paragraph.")
ORIG2 = Original("o2", "https://dcnf.example/2026/01/other", "Other", ("John Smith", "Ana Núñez"))


def finding(rule: str, outcome: Outcome = Outcome.FAIL, message: str = "", waiver=None) -> Finding:
    return Finding(rule, outcome, Severity.ERROR, message or f"{rule} {outcome.value}",
                   (Evidence("article > .byline", "By Someone", expected="Jane Reporter", actual="Someone", line=12),),
                   fix=f"fix the {rule}" if outcome is not Outcome.PASS else None, title=rule.title(), waiver=waiver)


def page(url: str, partner: str = "acme", *fails: str, status: Status | None = None, original=ORIG, error=None,
         passes=("logo", "byline", "affiliation"), reused=False, etag='"v1"', warc=None, sha="abc") -> AuditPage:
    """A page with failing findings for `fails` and passing ones for the other rules in `passes`."""
    if error is not None:
        result = PageResult(url, url, Status.ERROR, error=error)
        return AuditPage(partner, result)
    if status is Status.NOT_A_COPY:
        return AuditPage(partner, PageResult(url, url, Status.NOT_A_COPY), sha256=sha, etag=etag)
    findings = tuple(finding(r, Outcome.FAIL) if r in fails else finding(r, Outcome.PASS)
                     for r in dict.fromkeys((*passes, *fails)))
    st = status or (Status.VIOLATION if fails else Status.COMPLIANT)
    result = PageResult(url, url, st, original, Match(original, 0.87), findings)
    return AuditPage(partner, result, sha256=sha, etag=etag, last_modified="Wed, 01 Jan 2026 00:00:00 GMT",
                     warc=warc, reused=reused)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "state" / "history.db"


@pytest.fixture
def hist(db):
    with History(db) as h:
        yield h


def new_run(h: History) -> int:
    return h.start_run("dcnf", PACK, "audit.yaml", "0.1.0")


def count(path, sql, *params):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()


# ---- opening, schema, migrations ---------------------------------------------------------------


def test_open_creates_private_file_with_wal_and_pragmas(db, hist):
    assert stat.S_IMODE(os.stat(db.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert hist._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert hist._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert hist._conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    tables = {r[0] for r in hist._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"schema_version", "runs", "pages", "findings", "validators"} <= tables
    assert hist.schema_version() == history_mod.SCHEMA_VERSION == len(history_mod.MIGRATIONS)


def test_existing_directory_permissions_are_left_alone(tmp_path):
    os.chmod(tmp_path, 0o755)
    History(tmp_path / "h.db").close()
    assert stat.S_IMODE(os.stat(tmp_path).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(tmp_path / "h.db").st_mode) == 0o600


def test_reopen_applies_nothing_twice(db):
    History(db).close()
    History(db).close()
    assert count(db, "SELECT COUNT(*) FROM schema_version") == len(history_mod.MIGRATIONS)


def test_migrations_apply_in_order_one_transaction_each(db, monkeypatch):
    History(db).close()
    calls = []

    def v3(conn):
        calls.append("v3")
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 1
        conn.execute("ALTER TABLE extra ADD COLUMN note TEXT")

    migrations = [*history_mod.MIGRATIONS, "CREATE TABLE extra (id INTEGER PRIMARY KEY); -- a comment; with ;\n", v3]
    with History(db, migrations=migrations) as h:
        assert h.schema_version() == len(migrations)
        cols = [r[1] for r in h._conn.execute("PRAGMA table_info(extra)")]
        assert cols == ["id", "note"]
    History(db, migrations=migrations).close()
    assert calls == ["v3"]
    versions = [r[0] for r in sqlite3.connect(db).execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, len(migrations) + 1))


def test_a_version_1_database_is_upgraded_with_its_pages(db):
    """v2 adds pages.requested; pages stored by v1 read as requested (they were fetched)."""
    with History(db, migrations=history_mod.MIGRATIONS[:1]) as v1:
        run = new_run(v1)
        v1._conn.execute(
            "INSERT INTO pages (run_id, partner, url, target, final_url, status, checked_at)"
            " VALUES (?, 'acme', 'https://acme.example/a', 'https://acme.example/a', 'https://acme.example/a',"
            " 'not-a-copy', '2026-01-01T00:00:00+00:00')", (run,))
        v1._conn.commit()
        assert v1.schema_version() == 1
    with History(db) as h:
        assert h.schema_version() == len(history_mod.MIGRATIONS)
        [stored] = h.pages_of(run)
        assert stored.requested is True and stored.result.url == "https://acme.example/a"
        assert stored.result.rendered is False and stored.result.static_status is None  # v3: render mode


def test_failing_migration_rolls_back_and_keeps_version(db):
    History(db).close()

    def broken(conn):
        conn.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("boom")

    with pytest.raises(HistoryError):
        History(db, migrations=[*history_mod.MIGRATIONS, broken])
    con = sqlite3.connect(db)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == len(history_mod.MIGRATIONS)
    assert con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0
    con.close()


def test_newer_schema_is_a_clear_error(db):
    History(db).close()
    con = sqlite3.connect(db)
    con.execute("INSERT INTO schema_version (version, applied) VALUES (99, 'future')")
    con.commit()
    con.close()
    with pytest.raises(SchemaTooNew, match=r"schema version 99.*newer.*upgrade syndicheck"):
        History(db)
    assert count(db, "SELECT MAX(version) FROM schema_version") == 99  # untouched


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(HistoryError, match="junk.db"):
        History(bad)


# ---- identity ----------------------------------------------------------------------------------


def test_normalize_url():
    assert normalize_url("HTTPS://Partner.Example:443/a/b?x=1&utm_source=t&fbclid=z#frag") == \
        "https://partner.example/a/b?x=1"
    assert normalize_url("http://partner.example:8080") == "http://partner.example:8080/"
    assert normalize_url("http://[::1]:80/x") == "http://[::1]/x"
    assert normalize_url("file:///tmp/a.html") == "file:///tmp/a.html"
    u = "https://p.example/a?b=2&a=1"  # the one URL identity sorts the query (checker.url_identity)
    assert normalize_url(u) == "https://p.example/a?a=1&b=2" == normalize_url(normalize_url(u))
    assert normalize_url("http://p.example:notaport/x") == "http://p.example:notaport/x"  # keyed, never raises


def test_fingerprint_is_rule_and_normalised_url():
    import hashlib
    assert fingerprint("logo", "https://p.example/a") == hashlib.sha256(b"logo\nhttps://p.example/a").hexdigest()


# ---- recording, replacing, resuming ------------------------------------------------------------


def test_record_and_rebuild_pages(hist):
    run = new_run(hist)
    warc = WarcRef("evidence/run-1.warc.gz", "<urn:uuid:1234>")
    hist.record_page(run, page("https://Acme.example/s1?utm_medium=x#top", "acme", "logo", warc=warc))
    hist.record_page(run, page("https://acme.example/own", "acme", status=Status.NOT_A_COPY))
    hist.record_page(run, page("https://beta.example/s1", "beta", error="connection refused"))
    pages = hist.pages_of(run)
    assert [p.result.status for p in pages] == [Status.VIOLATION, Status.NOT_A_COPY, Status.ERROR]
    first = pages[0]
    assert first.partner == "acme" and first.warc == warc and first.sha256 == "abc" and first.etag == '"v1"'
    assert first.result.target == "https://Acme.example/s1?utm_medium=x#top"
    assert first.result.original.id == "o1" and first.result.original.authors == ("Jane Reporter",)
    assert first.result.match.score == pytest.approx(0.87)
    assert [(f.rule, f.outcome) for f in first.result.findings] == [
        ("logo", Outcome.FAIL), ("byline", Outcome.PASS), ("affiliation", Outcome.PASS)]
    logo = first.result.findings[0]
    assert logo.evidence == (Evidence("article > .byline", "By Someone", "Jane Reporter", "Someone", 12),)
    assert logo.fix == "fix the logo" and logo.title == "Logo"
    assert pages[2].result.error == "connection refused" and pages[2].result.findings == ()
    assert hist.pages_of(run, partner="beta")[0].partner == "beta"
    fps = {r[0] for r in hist._conn.execute("SELECT fingerprint FROM findings WHERE rule = 'logo'")}
    assert fps == {fingerprint("logo", "https://acme.example/s1")}


def test_rerecording_replaces_without_duplicates(hist):
    run = new_run(hist)
    hist.record_page(run, page("https://acme.example/s1", "acme", "logo", "byline"))
    hist.record_page(run, page("https://ACME.example/s1#x", "acme", "affiliation"))  # same page, new verdict
    assert hist._conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 1
    assert hist._conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 3
    (p,) = hist.pages_of(run)
    assert [f.rule for f in p.result.findings if f.outcome is Outcome.FAIL] == ["affiliation"]
    # the same URL in another run is another row
    run2 = new_run(hist)
    hist.record_page(run2, page("https://acme.example/s1", "acme"))
    assert hist._conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 2


def test_record_page_for_unknown_run_fails_cleanly(hist):
    with pytest.raises(HistoryError, match="no run 42"):
        hist.record_page(42, page("https://acme.example/s1"))
    assert hist._conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 0


def test_resume_unfinished_run_and_done_urls(db):
    with History(db) as h:
        old = new_run(h)
        h.finish_run(old, complete=True)
        run = new_run(h)
        h.record_page(run, page("https://acme.example/s1?utm_campaign=n"))
        h.record_page(run, page("https://acme.example/s2", error="timeout"))
    # the process dies here; the next invocation finds the run and what it already did
    with History(db) as h:
        assert h.unfinished_run() == run
        assert h.done_urls(run) == {"https://acme.example/s1", "https://acme.example/s2"}
        assert h.done_urls(run, include_errors=False) == {"https://acme.example/s1"}
        assert h.normalize("https://ACME.example/s1#c") in h.done_urls(run)
        h.record_page(run, page("https://acme.example/s3"))
        h.finish_run(run, complete=True)
        assert h.unfinished_run() is None
        assert h.run(run).status == "complete" and h.run(run).finished
        with pytest.raises(HistoryError):
            h.finish_run(999, True)


def test_runs_summary_counts(hist):
    r1 = new_run(hist)
    hist.record_page(r1, page("https://acme.example/s1", "acme", "logo", "byline"))  # 2 violations
    hist.record_page(r1, page("https://acme.example/s2", "acme"))  # compliant
    hist.record_page(r1, page("https://acme.example/own", "acme", status=Status.NOT_A_COPY))
    hist.record_page(r1, page("https://beta.example/x", "beta", error="HTTP 500"))
    waived = page("https://beta.example/w", "beta")
    waived = AuditPage("beta", PageResult(waived.result.target, waived.result.url, Status.COMPLIANT, ORIG, None,
                                          (finding("logo", waiver="agreed (ops, until 2099-01-01)"),)))
    hist.record_page(r1, waived)
    hist.finish_run(r1, complete=False)
    r2 = new_run(hist)
    (s2, s1) = hist.runs(10)
    assert (s2.id, s2.status, s2.pages) == (r2, "running", 0)
    assert (s1.id, s1.status, s1.pages, s1.copies, s1.compliant, s1.violations, s1.errors) == \
        (r1, "incomplete", 5, 3, 2, 2, 1)
    assert s1.rate == pytest.approx(2 / 3)
    assert s1.license == "dcnf" and s1.pack_fingerprint == PACK and s1.tool_version == "0.1.0"
    (b,) = [s for s in hist.runs(10, partner="beta") if s.id == r1]
    assert (b.pages, b.copies, b.compliant, b.violations, b.errors) == (2, 1, 1, 0, 1)
    assert len(hist.runs(1)) == 1


# ---- diffs -------------------------------------------------------------------------------------


def _diff_setup(h: History):
    a = new_run(h)
    h.record_page(a, page("https://acme.example/fixed", "acme", "logo"))
    h.record_page(a, page("https://acme.example/persist", "acme", "byline"))
    h.record_page(a, page("https://acme.example/errored", "acme", "logo"))
    h.record_page(a, page("https://acme.example/gone", "acme", "affiliation"))  # not fetched in b
    h.record_page(a, page("https://beta.example/b1", "beta", "logo"))
    h.finish_run(a, True)
    b = new_run(h)
    h.record_page(b, page("https://acme.example/fixed", "acme"))
    h.record_page(b, page("https://acme.example/persist", "acme", "byline"))
    h.record_page(b, page("https://acme.example/errored", "acme", error="HTTP 503"))
    h.record_page(b, page("https://acme.example/new", "acme", "affiliation"))
    h.record_page(b, page("https://beta.example/b1", "beta", status=Status.NOT_A_COPY))  # taken down: fixed
    h.record_page(b, page("https://beta.example/b2", "beta", "byline", "logo"))
    waived = AuditPage("beta", PageResult("https://beta.example/w", "https://beta.example/w", Status.COMPLIANT, ORIG,
                                          None, (finding("logo", waiver="agreed (ops, until 2099-01-01)"),)))
    h.record_page(b, waived)  # a waived fail is not a violation: never new
    h.finish_run(b, True)
    return a, b


def keys(items):
    return [(i.partner, i.url.rsplit("/", 1)[1], i.rule) for i in items]


def test_diff_new_fixed_persisting(hist):
    a, b = _diff_setup(hist)
    d = hist.diff(a, b)
    assert d.previous_run == a
    assert keys(d.new) == [("acme", "new", "affiliation"), ("beta", "b2", "byline"), ("beta", "b2", "logo")]
    assert keys(d.fixed) == [("acme", "fixed", "logo"), ("beta", "b1", "logo")]  # not 'errored', not 'gone'
    assert keys(d.persisting) == [("acme", "persist", "byline")]
    assert d.persisting[0].fingerprint == fingerprint("byline", "https://acme.example/persist")
    assert d.new[0].message == "affiliation fail"


def test_diff_per_partner(hist):
    a, b = _diff_setup(hist)
    beta = hist.diff(a, b, partner="beta")
    assert keys(beta.new) == [("beta", "b2", "byline"), ("beta", "b2", "logo")]
    assert keys(beta.fixed) == [("beta", "b1", "logo")] and beta.persisting == ()
    assert hist.diff(a, b).for_partner("beta") == beta


def test_diff_without_previous_run_is_all_new(hist):
    a, _ = _diff_setup(hist)
    d = hist.diff(None, a)
    assert d.previous_run is None and d.fixed == () and d.persisting == ()
    assert len(d.new) == 5


def test_diff_against_partial_run_never_claims_unchecked_fixes(hist):
    a, _ = _diff_setup(hist)
    c = new_run(hist)  # interrupted after one page
    hist.record_page(c, page("https://acme.example/persist", "acme"))
    d = hist.diff(a, c)
    assert keys(d.fixed) == [("acme", "persist", "byline")]
    assert d.new == () and d.persisting == ()


def test_previous_complete_run(hist):
    r1 = new_run(hist)
    hist.finish_run(r1, True)
    r2 = new_run(hist)
    hist.finish_run(r2, False)
    r3 = new_run(hist)
    assert hist.previous_complete_run(r3) == r1
    assert hist.previous_complete_run(r1) is None
    assert hist.previous_complete_run() == r1
    assert hist.latest_run() == r3


# ---- validators and 304 reuse ------------------------------------------------------------------


def test_validators_and_stored_verdict_reuse(hist):
    r1 = new_run(hist)
    url = "https://acme.example/s1"
    waived_logo = finding("logo", waiver="agreed (ops, until 2099-01-01)")
    p = page(url, "acme", "byline", warc=WarcRef("e.warc.gz", "<urn:uuid:9>"))
    p = AuditPage("acme", PageResult(url, url, Status.VIOLATION, ORIG, Match(ORIG, 0.9),
                                     (waived_logo, *p.result.findings[1:])),
                  sha256="abc", etag='"v1"', last_modified="Wed, 01 Jan 2026 00:00:00 GMT", warc=p.warc)
    hist.record_page(r1, p)
    assert hist.validators(url) == ('"v1"', "Wed, 01 Jan 2026 00:00:00 GMT")
    assert hist.validators("https://ACME.example/s1#x") == ('"v1"', "Wed, 01 Jan 2026 00:00:00 GMT")
    assert hist.validators("https://acme.example/unknown") is None

    v = hist.stored_verdict(url, PACK, "o1")
    assert v is not None and v.original_id == "o1" and v.sha256 == "abc" and v.run_id == r1
    assert v.warc == WarcRef("e.warc.gz", "<urn:uuid:9>")
    assert [f.waiver for f in v.findings] == [None, None, None]  # stored without waivers
    assert [(f.rule, f.outcome) for f in v.findings] == [
        ("logo", Outcome.FAIL), ("byline", Outcome.FAIL), ("affiliation", Outcome.PASS)]
    assert v.status is Status.VIOLATION
    assert v.findings[0].evidence == finding("logo").evidence
    # only with the same pack fingerprint and the same original
    assert hist.stored_verdict(url, "pack-v2", "o1") is None
    assert hist.stored_verdict(url, PACK, "o2") is None
    assert hist.stored_verdict(url, PACK, None) is None
    assert hist.stored_verdict(url, PACK, {"o1": ORIG, "o2": ORIG2}) is not None
    assert hist.stored_verdict(url, PACK, {"o2": ORIG2}) is None  # original no longer audited
    changed = Original(ORIG.id, ORIG.url, ORIG.title, ("Someone Else",), ORIG.published, ORIG.text)
    assert hist.stored_verdict(url, PACK, {"o1": changed}) is None  # original edited since
    assert hist.stored_verdict(url, PACK, {"o1", "o2"}) is not None
    assert hist.stored_verdict(url, PACK, {"o2"}) is None
    result = v.to_result(url, url, ORIG)
    assert result.original == ORIG and result.match.score == pytest.approx(0.9) and result.findings == v.findings


def test_not_a_copy_verdict_reuse(hist):
    run = new_run(hist)
    url = "https://acme.example/own"
    hist.record_page(run, page(url, status=Status.NOT_A_COPY))
    v = hist.stored_verdict(url, PACK, None)
    assert v.status is Status.NOT_A_COPY and v.findings == () and v.original_id is None
    assert hist.stored_verdict(url, PACK, {"o1": ORIG}) is not None
    assert hist.stored_verdict(url, PACK, "o1") is None


def test_error_pages_keep_previous_validators(hist):
    url = "https://acme.example/s1"
    r1 = new_run(hist)
    hist.record_page(r1, page(url, etag='"v1"'))
    r2 = new_run(hist)
    hist.record_page(r2, page(url, error="HTTP 503"))
    assert hist.validators(url)[0] == '"v1"'
    assert hist.stored_verdict(url, PACK, "o1").run_id == r1


def test_reused_page_keeps_stored_validators_and_evidence(hist):
    url = "https://acme.example/s1"
    r1 = new_run(hist)
    hist.record_page(r1, page(url, "acme", "logo", etag='"v1"', sha="deadbeef", warc=WarcRef("n1.warc.gz", "<r1>")))
    r2 = new_run(hist)
    v = hist.stored_verdict(url, PACK, {"o1": ORIG})
    reused = AuditPage("acme", v.to_result(url, url, ORIG), reused=True)  # 304: no body, no new headers
    hist.record_page(r2, reused)
    (p,) = hist.pages_of(r2)
    assert p.reused and p.sha256 == "deadbeef" and p.etag == '"v1"' and p.warc == WarcRef("n1.warc.gz", "<r1>")
    assert hist.validators(url)[0] == '"v1"'
    assert hist.stored_verdict(url, PACK, {"o1": ORIG}).run_id == r2
    assert keys(hist.diff(r1, r2).persisting) == [("acme", "s1", "logo")]


# ---- trend -------------------------------------------------------------------------------------


def test_trend(hist):
    ids = []
    for n, (compliant, violating, complete) in enumerate([(1, 1, True), (2, 0, False), (2, 1, True), (3, 0, True)]):
        r = new_run(hist)
        for i in range(compliant):
            hist.record_page(r, page(f"https://acme.example/c{i}"))
        for i in range(violating):
            hist.record_page(r, page(f"https://acme.example/v{i}", "acme", "logo"))
        hist.record_page(r, page("https://acme.example/own", status=Status.NOT_A_COPY))
        hist.finish_run(r, complete)
        ids.append(r)
    t = hist.trend(10)
    assert [p.run_id for p in t] == [ids[0], ids[2], ids[3]]  # oldest first, complete runs only
    assert [(p.copies, p.compliant) for p in t] == [(2, 1), (3, 2), (3, 3)]
    assert t[-1].rate == 1.0 and t[0].started
    assert [p.run_id for p in hist.trend(2)] == [ids[2], ids[3]]
    current = new_run(hist)
    hist.record_page(current, page("https://acme.example/c0"))
    assert [p.run_id for p in hist.trend(2, current=current)] == [ids[3], current]
    assert [p.run_id for p in hist.trend(10, current=ids[1])] == [ids[0], ids[1]]


def test_threads_share_one_history(hist):
    import threading
    run = new_run(hist)

    def work(k):
        for i in range(20):
            hist.record_page(run, page(f"https://acme.example/t{k}-{i}", "acme", "logo"))
            hist.done_urls(run)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(hist.done_urls(run)) == 80
    assert hist._conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 80 * 3


# ---- crash safety ------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys
    from checker.history import History
    from checker.models import AuditPage, Evidence, Finding, Match, Original, Outcome, PageResult, Severity, Status

    db, seed = sys.argv[1], int(sys.argv[2])
    orig = Original("o1", "https://dcnf.example/o1", "T", ("Jane Reporter",))
    h = History(db)
    run = h.unfinished_run() or h.start_run("dcnf", "pack", None, "0")
    done = h.done_urls(run)
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        n = 1 + (seed * 7 + i) % 60            # findings on this page; the partner field records n
        url = f"https://p{i % 5}.example/story-{(seed * 1000 + i) % 400}"
        findings = tuple(Finding(f"rule{k}", Outcome.FAIL if k % 3 == 0 else Outcome.PASS, Severity.ERROR,
                                 "x" * 200, (Evidence("div", "y" * 300),)) for k in range(n))
        result = PageResult(url, url, Status.VIOLATION, orig, Match(orig, 0.9), findings)
        h.record_page(run, AuditPage(f"n{n}", result, sha256="s", etag=f'"{i}"'))
        if i % 97 == 0:
            h.finish_run(run, True)
            run = h.start_run("dcnf", "pack", None, "0")
""")


@pytest.mark.slow
def test_kill_9_leaves_whole_pages_or_none(tmp_path):
    db = tmp_path / "crash.db"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    rng = random.Random(20260101)
    for attempt in range(10):
        proc = subprocess.Popen([sys.executable, str(script), str(db), str(attempt)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        try:
            assert proc.stdout.readline().strip() == b"ready", proc.stderr.read().decode()
            time.sleep(rng.uniform(0.02, 0.5))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL

        con = sqlite3.connect(db)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            rows = con.execute("SELECT p.run_id, p.url, p.partner, COUNT(f.id) FROM pages p "
                               "LEFT JOIN findings f ON f.run_id = p.run_id AND f.url = p.url "
                               "GROUP BY p.run_id, p.url").fetchall()
            for run_id, url, partner, n in rows:
                assert n == int(partner[1:]), f"page {url} of run {run_id}: {n} findings, expected {partner[1:]}"
            orphans = con.execute("SELECT COUNT(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM pages p "
                                  "WHERE p.run_id = f.run_id AND p.url = f.url)").fetchone()[0]
            assert orphans == 0
            dupes = con.execute("SELECT COUNT(*) FROM (SELECT run_id, url, rule FROM findings "
                                "GROUP BY run_id, url, rule HAVING COUNT(*) > 1)").fetchone()[0]
            assert dupes == 0
        finally:
            con.close()
    assert count(db, "SELECT COUNT(*) FROM pages") > 0, "the children recorded nothing before being killed"
    with History(db) as h:  # and the library opens it and resumes
        run = h.unfinished_run()
        assert run is not None and h.done_urls(run) == {p.result.url for p in h.pages_of(run)}


def test_render_facts_are_stored_with_the_page(db):
    """v3: a page judged in a browser keeps `rendered` and its static verdict; a finding keeps its picture."""
    from checker.models import AuditPage, Evidence, Finding, Outcome, PageResult, Severity, Status
    with History(db) as h:
        run = new_run(h)
        shot = Evidence(snippet="Screenshot: the head of the article", screenshot="evidence/screenshots/ab.png")
        result = PageResult(target="https://acme.example/r", url="https://acme.example/r", status=Status.VIOLATION,
                            findings=(Finding("byline", Outcome.FAIL, Severity.ERROR, "no byline", (shot,)),),
                            rendered=True, static_status=Status.REVIEW)
        h.record_page(run, AuditPage("acme", result))
        [stored] = h.pages_of(run)
    assert stored.result.rendered is True and stored.result.static_status is Status.REVIEW
    assert stored.result.findings[0].evidence[0].screenshot == "evidence/screenshots/ab.png"
    assert stored.result.as_dict()["static_status"] == "review"
