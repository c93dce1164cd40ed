"""Config and files: safe YAML, rule packs that cannot run code, file names that stay in their
directory, and reports and the history database written with safe permissions, atomically."""
from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import stat
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.audit_output import ReportWriteError, digest_names, write_atomic, write_audit_reports as write_reports
from checker.config import load_audit_config
from checker.config_types import AuditConfig
from checker.crawl.archive import ArchivedResponse, WarcWriter, safe_name
from checker.history import History
from checker.models import AuditReport, Fetched, Outcome, PartnerInfo, RunDiff
from checker.pipeline import Checker
from checker.ruleset import RULES_DIR, load_pack
from checker.strict_yaml import ConfigError, loads

EXPLOIT = "!!python/object/apply:os.system"


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- YAML is loaded safely ---------------------------------------------------------------------------

@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(RULES_DIR / "dcnf", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("value", [
    f"{EXPLOIT} ['touch MARKER']",  # the classic: a sequence of arguments
    f"{EXPLOIT}",  # the tag on a scalar
    "!!python/name:os.system",
    "!!python/object/new:subprocess.Popen [['touch', 'MARKER']]",
    "!!python/module:os",
])
def test_rule_pack_yaml_tags_build_nothing(pack_dir: Path, tmp_path: Path, value: str) -> None:
    marker = tmp_path / "pwned"
    _edit(pack_dir / "license.yaml", "name: Daily Caller News Foundation",
          f"name: {value.replace('MARKER', str(marker))}")
    with pytest.raises(ConfigError) as err:
        load_pack(str(pack_dir))
    assert "license.yaml:" in str(err.value) and "unsupported YAML value" in str(err.value)
    assert not marker.exists()


def test_rule_file_yaml_tags_build_nothing(pack_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    rule = pack_dir / "byline.yaml"
    rule.write_text(f"x: {EXPLOIT} ['touch {marker}']\n" + rule.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"byline\.yaml:1: x: unsupported YAML value"):
        load_pack(str(pack_dir))
    assert not marker.exists()


def test_audit_config_yaml_tags_build_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    config = tmp_path / "audit.yaml"
    config.write_text(f"database: {EXPLOIT} ['touch {marker}']\npartners: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"audit\.yaml:1: database: unsupported YAML value"):
        load_audit_config(config)
    assert not marker.exists()


def _laughs(levels: int = 9) -> str:
    text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    return text


@pytest.mark.parametrize("text, reason", [
    (_laughs(), "aliases expand"),  # a billion values from a kilobyte
    ("a: &a [x, *a]\n", "alias refers to itself"),
    ("a: &a {b: *a}\n", "alias refers to itself"),
    ("a: " + "[" * 50_000 + "]" * 50_000 + "\n", "nests too deeply"),
])
def test_hostile_yaml_structure_is_a_config_error(tmp_path: Path, text: str, reason: str) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text(text, encoding="utf-8")
    start = time.process_time()
    with pytest.raises(ConfigError, match=reason):
        load_audit_config(config)
    assert time.process_time() - start < 10


def test_yaml_anchors_still_work() -> None:
    doc = loads("base: &b {delay: 1, paths: [a, b]}\ncopy: *b\n", "x.yaml")
    assert doc.data == {"base": {"delay": 1, "paths": ["a", "b"]}, "copy": {"delay": 1, "paths": ["a", "b"]}}


# --- a rule pack cannot run code -----------------------------------------------------------------------

@pytest.mark.parametrize("check", ["os.system", "__import__('os').system('x')", "checker.checks.logo._classify"])
def test_rule_pack_names_only_registered_checks(pack_dir: Path, check: str) -> None:
    _edit(pack_dir / "logo.yaml", "logo.licensor_image", check.replace("'", "''"))
    with pytest.raises(ConfigError, match="unknown check"):
        load_pack(str(pack_dir))


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w+\s?)+$", r"(x+x+)+y", r"(?:dcnf|d+)*!", r"\w*\w*\w*\d"])
def test_rule_pack_refuses_catastrophic_logo_patterns(pack_dir: Path, pattern: str) -> None:
    _edit(pack_dir / "license.yaml", r"- '\bdcnf\b'", f"- '{pattern}'")
    where = r"license\.yaml:\d+: logo\.text_patterns\[1\]"
    with pytest.raises(ConfigError, match=where + ": invalid regular expression: refused"):
        load_pack(str(pack_dir))


def test_rule_pack_refuses_catastrophic_check_parameter(pack_dir: Path) -> None:
    _edit(pack_dir / "logo.yaml", "  - logo.licensor_image",
          "  - logo.licensor_image\n  - id: text.present\n    with: {pattern: '(a|b+)*c'}")
    with pytest.raises(ConfigError, match=r"logo\.yaml:\d+: checks\[1\]\.with\.pattern: invalid regular expression"):
        load_pack(str(pack_dir))


@pytest.mark.parametrize("field, pattern, attribute", [
    ("text_patterns", r"(?:\w+\s)+dcnf\d", 'alt="{}"'),  # polynomial: hours on a megabyte, nothing on 500 characters
    ("file_patterns", r"x.*y", 'src="/{}.png"'),
])
def test_slow_logo_patterns_see_only_500_characters(pack_dir: Path, field: str, pattern: str, attribute: str) -> None:
    text = (pack_dir / "license.yaml").read_text(encoding="utf-8")
    text = text.replace(f"  {field}:\n", f"  {field}:\n    - '{pattern}'\n", 1)
    (pack_dir / "license.yaml").write_text(text, encoding="utf-8")
    pack = load_pack(str(pack_dir))
    original = pack.example_original
    filler = ("ab " * 350_000) if field == "text_patterns" else ("x" * 1_000_000)
    article = "".join(f"<p>{p}</p>" for p in original.text.split("\n\n"))
    html = f"<html><body><article><img {attribute.format(filler)}>{article}</article></body></html>"
    checker = Checker.build(pack, [original], forced=original.id)
    start = time.thread_time()
    result = checker.check(Fetched(target="p", url="https://partner.example/p", body=html.encode()))
    assert time.thread_time() - start < 5
    logo = next(f for f in result.findings if f.rule == "logo")
    assert logo.outcome is Outcome.FAIL and "could not run" not in logo.message


def test_a_fetched_page_cannot_make_the_logo_check_read_local_files(pack, tmp_path: Path) -> None:
    from checker import logo_image

    secret = tmp_path / "logo.png"
    secret.write_bytes(b"\x89PNG not really")
    assert logo_image._read(secret.as_uri(), "https://partner.example/story") is None
    assert logo_image._read(secret.as_uri(), (tmp_path / "page.html").as_uri()) == secret.read_bytes()


# --- file names derived from URLs and ids stay in their directory ---------------------------------------

HOSTILE_NAMES = ["../../etc/passwd", "/etc/passwd", "..", ".", "", "a\x00b", "x" * 10_000, "C:\\Windows\\win.ini",
                 "~root/.ssh", "a/../../b", "é", "\n", " ", "-rf", ".hidden", "CON", "a" * 79 + "..", "%2e%2e%2f"]


def _assert_contained(name: str, directory: Path, limit: int = 80) -> None:
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name), name
    assert len(name) <= limit and name not in (".", "..")
    assert (directory / name).resolve().parent == directory.resolve()


@pytest.mark.parametrize("text", HOSTILE_NAMES)
def test_safe_name_stays_in_its_directory(tmp_path: Path, text: str) -> None:
    _assert_contained(safe_name(text), tmp_path)


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_safe_name_property(text: str) -> None:
    _assert_contained(safe_name(text), Path("/srv/reports"))


def test_digest_files_stay_in_the_digests_directory(tmp_path: Path) -> None:
    ids = ["../../escape", "/etc/cron.d/x", "Alpha", "alpha", "a" * 200, "a" * 200 + "b", "a\x00b", "..", ""]
    names = digest_names(ids)
    assert len(set(names.values())) == len(ids)  # no partner's digest overwrites another's
    for name in names.values():
        _assert_contained(name, tmp_path, limit=80 + 11)
    report = AuditReport(run_id=7, license="dcnf", tool_version="0", started="", finished="",
                         partners=tuple(PartnerInfo(pid, pid or "x") for pid in ids), pages=(),
                         diff=RunDiff(None))
    reports = tmp_path / "reports"
    files, _ = write_reports(report, AuditConfig(source="audit.yaml", reports_dir=str(reports),
                                                 report_formats=("digest",)))
    assert len(files) == len(ids)
    digests = (reports / "digests" / "audit-7").resolve()
    assert sorted(p.name for p in digests.iterdir()) == sorted(f"{n}.md" for n in names.values())
    assert all(Path(f).resolve().parent == digests for f in files)
    assert not (tmp_path / "escape.md").exists() and not list(tmp_path.glob("*.md"))


@pytest.mark.parametrize("url", ["http://../../etc/x", "https://%2e%2e/x", "http://a..b/../../x",
                                 "http://" + "h" * 300 + ".example/"])
def test_warc_files_stay_in_the_evidence_directory(tmp_path: Path, url: str) -> None:
    evidence = tmp_path / "evidence"
    writer = WarcWriter(evidence, run_id="../../run")
    try:
        ref = writer.write(ArchivedResponse(url=url, status=200, headers=(), body=b"<html></html>"))
    except ValueError:  # not an http(s) URL with a host: refused, nothing written
        assert not evidence.exists() or not any(evidence.iterdir())
        return
    assert "/" not in ref.file and "\\" not in ref.file and ref.file not in (".", "..")
    assert (evidence / ref.file).resolve().parent == evidence.resolve()
    assert [p.name for p in tmp_path.rglob("*.warc.gz")] == [ref.file]


# --- permissions ------------------------------------------------------------------------------------------

def test_history_database_is_private_even_with_an_open_umask(tmp_path: Path) -> None:
    path = tmp_path / "state" / "nested" / "history.db"
    with umask(0):
        history = History(path)
        try:
            history.start_run("dcnf", "fingerprint", str(tmp_path / "audit.yaml"), "0.1.0")
        finally:
            history.close()
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    for extra in path.parent.glob("history.db-*"):  # SQLite's -wal / -shm follow the database's mode
        assert _mode(extra) & 0o077 == 0, (extra.name, oct(_mode(extra)))


def test_report_files_and_directories_have_safe_modes(tmp_path: Path) -> None:
    report = AuditReport(run_id=3, license="dcnf", tool_version="0", started="", finished="",
                         partners=(PartnerInfo("alpha", "Alpha"),), pages=(), diff=RunDiff(None))
    reports = tmp_path / "deep" / "er" / "reports"
    with umask(0):
        files, _ = write_reports(report, AuditConfig(source="audit.yaml", reports_dir=str(reports)))
    assert files
    written = [p for p in (tmp_path / "deep").rglob("*")]
    assert any(p.suffix == ".html" for p in written) and any(p.suffix == ".md" for p in written)
    for p in written:
        if p.is_dir():
            assert _mode(p) & ~0o750 == 0, (p, oct(_mode(p)))
        else:
            assert _mode(p) & ~0o644 == 0, (p, oct(_mode(p)))
    assert not [p for p in written if p.name.endswith(".tmp")]


def test_reports_respect_a_stricter_umask(tmp_path: Path) -> None:
    with umask(0o077):
        write_atomic(tmp_path / "r" / "a.html", lambda fh: fh.write("x"))
    assert _mode(tmp_path / "r") == 0o700 and _mode(tmp_path / "r" / "a.html") == 0o600


# --- reports are written whole or not at all ----------------------------------------------------------------

def test_unwritable_reports_directory_is_a_clear_error(tmp_path: Path) -> None:
    # chmod cannot stop root (CI); a path below a regular file stops everyone.
    (tmp_path / "afile").write_text("not a directory")
    reports = tmp_path / "afile" / "reports"
    with pytest.raises(ReportWriteError) as err:
        write_atomic(reports / "audit-1.html", lambda fh: fh.write("<html>complete</html>"))
    message = str(err.value)
    assert str(reports / "audit-1.html") in message and "Not a directory" in message
    report = AuditReport(run_id=1, license="dcnf", tool_version="0", started="", finished="",
                         partners=(), pages=(), diff=RunDiff(None))
    with pytest.raises(ReportWriteError, match="cannot write the report"):
        write_reports(report, AuditConfig(source="audit.yaml", reports_dir=str(reports)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
    assert (tmp_path / "afile").read_text() == "not a directory"


@contextlib.contextmanager
def file_size_limit(limit: int):
    """Writes past `limit` bytes fail with EFBIG, as they would on a full disk (ENOSPC)."""
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


def test_full_disk_leaves_the_previous_report_whole(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "latest.html"
    write_atomic(path, lambda fh: fh.write("<html>night one</html>"))
    big = "<html>" + "x" * 200_000 + "</html>"
    with pytest.raises(ReportWriteError) as err:
        with file_size_limit(50_000):
            write_atomic(path, lambda fh: fh.write(big))
    assert str(path) in str(err.value) and "too large" in str(err.value).lower()
    assert path.read_text() == "<html>night one</html>"  # never half of night two
    assert [p.name for p in path.parent.iterdir()] == ["latest.html"]  # no temporary file left


def test_a_render_failure_writes_nothing(tmp_path: Path) -> None:
    def broken(fh):
        fh.write("<html>half")
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        write_atomic(tmp_path / "reports" / "a.html", broken)
    assert not (tmp_path / "reports" / "a.html").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_symlink_at_the_report_path_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "latest.html").symlink_to(outside)
    write_atomic(reports / "latest.html", lambda fh: fh.write("<html>report</html>"))
    assert outside.read_text() == "precious"
    assert not (reports / "latest.html").is_symlink()
    assert (reports / "latest.html").read_text() == "<html>report</html>"


def test_warc_evidence_has_safe_modes(tmp_path: Path) -> None:
    evidence = tmp_path / "reports" / "evidence"
    with umask(0):
        ref = WarcWriter(evidence, run_id=1).write(
            ArchivedResponse(url="https://partner.example/a", status=200, headers=(), body=b"<html></html>"))
        WarcWriter(evidence, run_id=1).write(  # a resumed run appends to the same file
            ArchivedResponse(url="https://partner.example/b", status=200, headers=(), body=b"<html></html>"))
    assert _mode(tmp_path / "reports") & ~0o750 == 0 and _mode(evidence) & ~0o750 == 0
    assert _mode(evidence / ref.file) & ~0o644 == 0
    assert [p.name for p in evidence.iterdir()] == [ref.file]
