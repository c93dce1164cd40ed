"""What a user sees when things go wrong (issue 11): no escape sequence from the network acts on the terminal,
no traceback without -v, one live audit per database, and a damaged database is an error naming the file.

Servers: tests/faultserver.py on 127.0.0.56-57 (nothing leaves the host). Commands run as real processes.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker import cli
from checker.history import History, HistoryError, check_file
from checker.runlock import RunLock, RunLocked
from checker.terminal import inert
from faultserver import FaultServer

ROOT = Path(__file__).resolve().parents[1]
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e"  # clear screen, OSC window title, 8-bit CSI, bidi override


def syndicheck(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, timeout=timeout, cwd=ROOT)


def assert_inert(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    assert not any(c in text for c in "\x1b\x07\x9b\u202e"), text


@pytest.fixture(scope="module")
def site():
    server = FaultServer("127.0.0.56").start()
    yield server
    server.stop()


def raw(status: str, *headers: str, body: bytes = b"") -> bytes:
    head = "\r\n".join([f"HTTP/1.1 {status}", *headers, f"Content-Length: {len(body)}", "Connection: close"])
    return head.encode("utf-8") + b"\r\n\r\n" + body


# ---------------------------------------------------------------------------------------------- 5. escapes


def test_inert_shows_every_control_character():
    assert inert("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert inert("\x9b\u202e\u2066\x7f") == "\\x9b\\u202e\\u2066\\x7f"
    assert inert("one\ntwo\tthree") == "one\\x0atwo\\x09three"
    assert inert("one\ntwo\tthree\r", keep_layout=True) == "one\ntwo\tthree\\x0d"
    assert inert("José – “quoted” 日本") == "José – “quoted” 日本"


def test_reason_phrase_location_and_feed_title_reach_the_terminal_inert(site, tmp_path):
    site.reset()
    site.raw["/reason"] = [raw(f"599 {ESCAPES}")]  # an unknown status: its reason phrase is shown
    site.raw["/loop"] = [raw("302 Found", f"Location: /loop{ESCAPES}")]  # followed to a 404
    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>f</title>"
            f"<item><title>Story {ESCAPES}</title><author>a@b (Jane Doe)</author></item>"
            "<item><title>Plain</title><link>https://licensor.example/plain</link><author>a@b (Jane Doe)</author>"
            "<description>Regulators warned on Monday that three regional power grids could face shortfalls "
            "during the summer heat this year.</description></item>"
            "</channel></rss>")
    site.pages["/feed.xml"] = (feed.encode("utf-8"), "application/rss+xml")
    done = syndicheck("check", site.url("/reason"), site.url("/loop"), "--originals", site.url("/feed.xml"),
                      "--cache-dir", str(tmp_path / "cache"))
    assert_inert(done.stdout)
    assert_inert(done.stderr)
    err = done.stderr.decode() + done.stdout.decode()  # a page's error is said once: in the report
    assert "HTTP 599 \\x1b[2J\\x1b]0;pwned\\x07" in err  # shown, escaped: the reader sees what was sent
    assert "Story \\x1b[2J" in err  # a feed item without a link, named by its title
    assert b"Traceback" not in done.stderr


def test_history_diff_shows_stored_findings_inert(tmp_path):
    from checker.models import AuditPage, Finding, Outcome, PageResult, Severity, Status

    db = tmp_path / "h.db"
    with History(db) as h:
        for n, message in enumerate(["fine", f"no logo {ESCAPES}"]):
            run = h.start_run("dcnf", "fp", "audit.yaml", "1")
            result = PageResult(target=f"https://p.example/{ESCAPES}", url="https://p.example/s",
                                status=Status.VIOLATION,
                                findings=(Finding("logo", Outcome.FAIL, Severity.ERROR, message),))
            if n:
                h.record_page(run, AuditPage(f"partner{ESCAPES}", result))
            h.finish_run(run, True)
    done = syndicheck("history", "--db", str(db), "--diff", "last")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout)
    assert "no logo \\x1b[2J" in done.stdout.decode()
    as_json = syndicheck("history", "--db", str(db), "--diff", "last", "--format", "json")
    assert_inert(as_json.stdout)  # JSON escapes control characters itself
    assert json.loads(as_json.stdout)["new"][0]["message"] == f"no logo {ESCAPES}"  # the data is kept as it was


def test_csv_report_cells_are_inert():
    import io

    from checker.models import Evidence, Finding, Outcome, PageResult, Run, Severity, Status
    from checker.report import render

    finding = Finding("byline", Outcome.FAIL, Severity.ERROR, f"bad {ESCAPES}",
                      (Evidence("div.byline", f"By {ESCAPES}"),))
    run = Run(license="dcnf", tool_version="t", results=(
        PageResult(target="t", url="u", status=Status.VIOLATION, findings=(finding,)),))
    out = io.StringIO()
    render("csv", run, out)
    assert_inert(out.getvalue().encode())
    assert "bad \\x1b[2J" in out.getvalue()


# ---------------------------------------------------------------------------------------------- top-level handler


def test_an_unexpected_error_is_one_line_with_its_own_exit_code(monkeypatch, capsys):
    def broken(args):
        raise OverflowError(f"sleep length is too large {ESCAPES}")

    monkeypatch.setattr(cli, "cmd_rules", broken)
    assert cli.main(["rules"]) == cli.EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert err == ("syndicheck rules: internal error: OverflowError: sleep length is too large "
                   "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\u202e (run with -v for the traceback)\n")
    assert cli.main(["-v", "rules"]) == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in broken" in err
    assert err.rstrip().endswith("internal error: OverflowError: sleep length is too large "
                                 "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\u202e")
    assert_inert(err.encode())


def test_every_command_has_the_handler(monkeypatch, capsys, tmp_path):
    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr("checker.history_cli.cmd_history", broken)
    assert cli.main(["history", "--db", str(tmp_path / "x.db")]) == 70
    assert capsys.readouterr().err.startswith("syndicheck history: internal error: KeyError: 'boom'")


# ---------------------------------------------------------------------------------------------- 10. run lock


def _audit_config(tmp_path: Path, site: FaultServer, original) -> Path:
    manifest = tmp_path / "originals.json"
    manifest.write_text(json.dumps([{"id": original.id, "url": original.url, "title": original.title,
                                     "authors": list(original.authors), "text": original.text,
                                     "published": time.strftime("%Y-%m-%d")}]), encoding="utf-8")
    config = tmp_path / "audit.yaml"
    config.write_text(
        f"originals:\n  manifests: ['{manifest}']\n"
        f"partners:\n  - id: p\n    urls: ['{site.url('/ok/1')}', '{site.url('/ok/2')}']\n"
        "crawl:\n  allow_private_addresses: true\n  delay: 0\n  retries: 0\n"
        "storage:\n  database: state/audit.db\nreports:\n  directory: reports\n", encoding="utf-8")
    return config


def test_second_audit_on_a_live_run_says_so_and_exits_3(tmp_path, site, original):
    site.reset()
    config = _audit_config(tmp_path, site, original)
    db = tmp_path / "state" / "audit.db"
    db.parent.mkdir()
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from checker.runlock import RunLock; RunLock(sys.argv[1]).acquire(); "
                               "print('locked', flush=True); time.sleep(60)", str(db)],
                              stdout=subprocess.PIPE, cwd=ROOT)
    try:
        assert holder.stdout.readline() == b"locked\n"
        done = syndicheck("audit", "--config", str(config), "--resume")
        assert done.returncode == 3
        assert done.stderr.decode() == (f"syndicheck: error: another syndicheck audit (pid {holder.pid}) is running on "
                                        f"{db}; wait for it to end (or stop it) before starting or resuming a run\n")
        assert site.paths() == []  # it did not crawl
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # A holder killed with SIGKILL leaves the lock file, not the lock: the next audit runs.
    done = syndicheck("audit", "--config", str(config), "--resume", "-q")
    assert done.returncode == 0, done.stderr
    assert sorted(site.paths()) == ["/ok/1", "/ok/2", "/robots.txt"]


def test_the_audit_itself_holds_the_lock(tmp_path, site, original):
    config = _audit_config(tmp_path, site, original)
    from checker.audit import run_audit
    from checker.config import load_audit_config

    loaded = load_audit_config(config)
    with RunLock(loaded.database):
        with pytest.raises(RunLocked):
            run_audit(loaded, quiet=True)
    assert run_audit(loaded, quiet=True).complete  # released


# ---------------------------------------------------------------------------------------------- 11. database files


def test_zero_byte_database_is_an_error_naming_the_file(tmp_path, site, original):
    config = _audit_config(tmp_path, site, original)
    db = tmp_path / "state" / "audit.db"
    db.parent.mkdir()
    db.write_bytes(b"")
    message = f"{db}: the history database file is empty (0 bytes), not a database; remove the file to start a new history"
    done = syndicheck("history", "--db", str(db))
    assert (done.returncode, done.stderr.decode()) == (2, f"syndicheck: error: history: {message}\n")
    done = syndicheck("audit", "--config", str(config))
    assert (done.returncode, done.stderr.decode()) == (3, f"syndicheck: error: {message}\n")
    assert db.stat().st_size == 0  # left as it was


def test_truncated_or_foreign_database_is_an_error(tmp_path):
    db = tmp_path / "h.db"
    with History(db) as h:
        for _ in range(300):
            h.finish_run(h.start_run("dcnf", "fp" * 200, "audit.yaml", "1"), True)
        h._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db.read_bytes()
    assert len(data) > 8192
    db.write_bytes(data[: len(data) // 2])
    with pytest.raises(HistoryError, match=r"h\.db: the history database is truncated \(\d+ of \d+ bytes\)"):
        History(db)
    db.write_bytes(b"\x00" * 50)
    with pytest.raises(HistoryError, match="not a SQLite database"):
        check_file(str(db))
    db.write_bytes(data[:60])
    with pytest.raises(HistoryError, match="truncated"):
        check_file(str(db))


def test_a_new_database_is_never_seen_empty(tmp_path):
    db = tmp_path / "sub" / "new.db"
    with History(db):
        pass
    assert db.stat().st_size > 0 and (db.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in db.parent.iterdir() if ".new-" in p.name] == []
    check_file(str(db))
    with History(db) as h:  # and it opens again
        assert h.latest_run() is None


def test_library_warnings_only_with_v():
    """A library's Python warning (bs4's XMLParsedAsHTMLWarning, say) printed several lines to stderr."""
    code = ("import sys, warnings; from checker import cli; "
            "cli.cmd_rules = lambda args: (warnings.warn('library noise \\x1b[2J', UserWarning), 0)[1]; "
            "sys.exit(cli.main(sys.argv[1:]))")
    quiet = subprocess.run([sys.executable, "-c", code, "rules"], capture_output=True, cwd=ROOT, timeout=60)
    assert (quiet.returncode, quiet.stderr) == (0, b"")
    loud = subprocess.run([sys.executable, "-c", code, "-v", "rules"], capture_output=True, cwd=ROOT, timeout=60)
    assert loud.returncode == 0 and b"library noise \\x1b[2J" in loud.stderr
    assert_inert(loud.stderr)
