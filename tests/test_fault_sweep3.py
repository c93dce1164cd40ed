"""Third first-time-use sweep: files and pages saved as UTF-16 without a byte-order mark, a manifest date that is no
date, manifests served as application/yaml or application/octet-stream, empty flag values, history ids too large
for SQLite. Each was a silent green, a traceback or a misleading line before."""
from __future__ import annotations

import json
import sqlite3

import pytest
import yaml

from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.decode import decode_html, looks_binary
from checker.originals import OriginalsError, load_all

from conftest import run_cli

FAST = FetchSettings(connect_timeout=1, read_timeout=2, deadline=5, retries=0, backoff=0.01)
TEXT = ("Совет проголосовал во вторник за утверждение нового бюджета на предстоящий год после долгих дебатов "
        "в городском собрании.")
ENTRY = {"id": "r", "url": "https://licensor.example/r", "title": "Бюджет", "authors": ["Иван Петров"], "text": TEXT}
PAGE = f"<!DOCTYPE html><html><body><h1>Бюджет</h1><p>Иван Петров</p><p>{TEXT}</p></body></html>"


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "originals.yaml"
    path.write_text(yaml.safe_dump([ENTRY], allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def _statuses(out: str) -> list[str]:
    return [p["status"] for p in json.loads(out)["pages"]]


# ----------------------------------------------------------------- UTF-16 without a byte-order mark


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_page_in_utf16_without_bom_is_decoded(encoding):
    body = PAGE.encode(encoding)
    assert looks_binary(body) is None
    text, used = decode_html(body, None)
    assert used == encoding and "Иван Петров" in text and "\x00" not in text  # was: UTF-8, NULs between letters


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_file_and_url_in_utf16_without_bom_are_checked_not_a_silent_not_a_copy(httpserver, tmp_path, manifest,
                                                                                capsys, encoding):
    page = tmp_path / "copy.html"
    page.write_bytes(PAGE.encode(encoding))
    httpserver.expect_request("/copy").respond_with_data(PAGE.encode(encoding), content_type="text/html")
    code, out, err = run_cli(["check", str(page), httpserver.url_for("/copy"), "--originals", str(manifest),
                              "--render", "never", "--format", "json", "--cache-dir", str(tmp_path / "c")], capsys)
    assert code == 1, err  # the copy lacks the logo and affiliation; was 0: both pages "not-a-copy"
    assert _statuses(out) == ["violation", "violation"]


def test_binary_with_nul_bytes_is_still_binary():
    assert looks_binary(b"\x00\x01\x02\x03\x00\x00\x10\x00" * 8) == "binary content (NUL bytes)"
    assert looks_binary("<html>".encode("utf-32-le")) == "binary content (NUL bytes)"


@pytest.mark.parametrize("name", ["originals.yaml", "originals.json"])
def test_local_manifest_in_utf16_without_bom_is_named(tmp_path, capsys, name):
    path = tmp_path / name
    text = json.dumps([ENTRY], ensure_ascii=False) if name.endswith(".json") else yaml.safe_dump(
        [ENTRY], allow_unicode=True)
    path.write_bytes(text.encode("utf-16-le"))
    page = tmp_path / "p.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = run_cli(["check", str(page), "--originals", str(path), "--render", "never"], capsys)
    assert code == 2  # was: "invalid YAML: unacceptable character #x0000 ... position 1"
    assert err.strip() == (f"syndicheck: error: {path}: not UTF-8 text: it looks like UTF-16 without a byte-order "
                           "mark (NUL bytes between the characters); save it as UTF-8")


def test_check_config_in_utf16_without_bom_is_named(tmp_path, capsys, monkeypatch):
    (tmp_path / "syndicheck.toml").write_bytes('targets = ["site"]\n'.encode("utf-16-le"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check"], capsys)
    assert code == 2 and "not UTF-8 text: it looks like UTF-16 without a byte-order mark" in err, err


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_fetched_manifest_in_utf16_without_bom_is_decoded(httpserver, fetcher, tmp_path, encoding):
    body = yaml.safe_dump([ENTRY], allow_unicode=True).encode(encoding)
    httpserver.expect_request("/originals.yaml").respond_with_data(body, content_type="application/x-yaml")
    (original,) = load_all([httpserver.url_for("/originals.yaml")], fetcher=fetcher, cache_dir=tmp_path)
    assert original.authors == ("Иван Петров",)  # was: "invalid YAML: unacceptable character #x0000"


# ------------------------------------------------------------------------- manifests over HTTP


@pytest.mark.parametrize("path, content_type", [("/feed/originals", "application/yaml"),
                                                ("/originals.yaml", "application/octet-stream"),
                                                ("/originals.json", "application/octet-stream")])
def test_manifest_served_as_registered_yaml_or_unknown_type_is_read(httpserver, fetcher, tmp_path, path,
                                                                    content_type):
    body = json.dumps([ENTRY]) if path.endswith(".json") else yaml.safe_dump([ENTRY], allow_unicode=True)
    httpserver.expect_request(path).respond_with_data(body.encode(), content_type=content_type)
    # was: "cannot fetch: content-type application/yaml is not an accepted type (...)"; a static server that does
    # not know .yaml (Python's http.server, nginx's default mime.types) sends application/octet-stream
    (original,) = load_all([httpserver.url_for(path)], fetcher=fetcher, cache_dir=tmp_path)
    assert original.id == "r"


def test_binary_served_as_octet_stream_under_a_manifest_name_is_named(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/originals.yaml").respond_with_data(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                                                                   content_type="application/octet-stream")
    with pytest.raises(OriginalsError, match="binary content \\(PNG image\\)"):
        load_all([httpserver.url_for("/originals.yaml")], fetcher=fetcher, cache_dir=tmp_path)


def test_octet_stream_is_not_accepted_for_a_page_url(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/story").respond_with_data(PAGE.encode(), content_type="application/octet-stream")
    with pytest.raises(OriginalsError, match="application/octet-stream is not an accepted type"):
        load_all([httpserver.url_for("/story")], fetcher=fetcher, cache_dir=tmp_path)


# ------------------------------------------------------------------------- a date that is no date


@pytest.mark.parametrize("value", ["yesterday", "03/11/2026", "Tue, 03 Nov 2026 10:00:00 GMT", "2026-13-01"])
def test_manifest_published_that_is_not_an_iso_date_is_an_error(tmp_path, value):
    path = tmp_path / "originals.yaml"
    path.write_text(yaml.safe_dump([ENTRY, {**ENTRY, "id": "b", "published": value}], allow_unicode=True))
    with pytest.raises(OriginalsError) as caught:  # was kept, silently inside every audit window
        load_all([str(path)], cache_dir=tmp_path / "c")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "published" in text)
    assert str(caught.value) == (f"{path}:{line}: [1].published: entry 2 (b): "
                                 f"'{value}' is not a date (expected ISO 8601, e.g. 2026-11-03 or "
                                 "2026-11-03T09:30:00Z)")


def test_a_large_manifests_non_date_published_is_an_error_too(tmp_path, monkeypatch):
    # A manifest of the store's size is read by the everyday-entry fast path, which must refuse it as well.
    from checker import manifest_cache
    monkeypatch.setattr(manifest_cache, "MIN_BYTES", 1)
    path = tmp_path / "originals.json"
    path.write_text(json.dumps([ENTRY, {**ENTRY, "id": "b", "published": "yesterday"}]))
    with pytest.raises(OriginalsError, match=r"\[1\]\.published: entry 2 \(b\): 'yesterday' is not a date"):
        load_all([str(path)], cache_dir=tmp_path / "c")


@pytest.mark.parametrize("value", ["2026-11-03", "2026-11-03T09:30:00Z", "2026-11-03T09:30:00+02:00",
                                   "2026-11-03 09:30"])
def test_manifest_published_iso_dates_are_kept(tmp_path, value):
    path = tmp_path / "originals.json"
    path.write_text(json.dumps([{**ENTRY, "published": value}]))
    (original,) = load_all([str(path)], cache_dir=tmp_path / "c")
    assert original.published == value


def test_audit_with_a_non_date_published_names_it_and_is_incomplete(httpserver, tmp_path, capsys, monkeypatch,
                                                                    caplog):
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    (tmp_path / "m.yaml").write_text(yaml.safe_dump([{**ENTRY, "published": "yesterday"}], allow_unicode=True))
    (tmp_path / "audit.yaml").write_text(yaml.safe_dump({
        "originals": {"manifests": ["m.yaml"]},
        "partners": [{"id": "p1", "name": "P1", "urls": [httpserver.url_for("/story")]}],
        "crawl": {"allow_private_addresses": True, "delay": 0, "obey_robots": False, "retries": 0},
        "check": {"render": "never"}, "storage": {"database": "h.db"}, "reports": {"directory": "rep"}}))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["audit", "--config", "audit.yaml", "-q"], capsys)
    assert code == 3  # was 0: "1 originals in the 14-day window", whatever the window
    assert "[0].published: entry 1 (r): 'yesterday' is not a date" in caplog.text


# ------------------------------------------------------------------------- empty flag values


@pytest.mark.parametrize("flag, message", [
    ("--license", "--license: an empty pack name (give a pack's name or directory, or leave it out for the default "
                  "pack)"),
    ("--cache-dir", "--cache-dir: an empty value (an unset variable in a CI step?)"),
    ("--changed-only", "--changed-only: an empty value (an unset variable in a CI step?)")])
def test_empty_flag_values_are_usage_errors(tmp_path, manifest, capsys, flag, message):
    page = tmp_path / "p.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = run_cli(["check", str(page), "--originals", str(manifest), "--render", "never", flag, ""],
                             capsys)
    assert code == 2 and out == ""  # were read as "not given": the default pack, cache, every file checked
    assert err.strip() == f"syndicheck: error: {message}"


def test_empty_license_in_audit_yaml_names_file_and_line(tmp_path, capsys):
    (tmp_path / "audit.yaml").write_text('license: ""\noriginals: {feeds: ["https://l.example/feed"]}\n'
                                         'partners: [{id: p1, name: P1, urls: ["https://p.example/a"]}]\n')
    code, out, err = run_cli(["audit", "--config", str(tmp_path / "audit.yaml")], capsys)
    assert code == 2 and err.strip() == (f"syndicheck: error: {tmp_path / 'audit.yaml'}:1: license: an empty pack "
                                         "name (give a pack's name or directory, or leave it out for the default "
                                         "pack)")


def test_rules_with_an_empty_license_is_an_error(capsys):
    code, out, err = run_cli(["rules", "--license", ""], capsys)
    assert code == 2 and "--license: an empty pack name" in err and out == ""


# ------------------------------------------------------------------------- history ids past SQLite's integers


@pytest.fixture
def history_db(tmp_path):
    from checker.history import History

    path = tmp_path / "h.db"
    with History(str(path)):
        pass
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    return path


def test_history_runs_larger_than_sqlite_integers(history_db, capsys):
    code, out, err = run_cli(["history", "--db", str(history_db), "--runs", "99999999999999999999"], capsys)
    assert code == 0 and "No runs in the history yet." in out, err  # was 70: OverflowError


@pytest.mark.parametrize("ids", [["99999999999999999999", "1"], ["-99999999999999999999", "1"]])
def test_history_diff_run_ids_larger_than_sqlite_integers(history_db, capsys, ids):
    code, out, err = run_cli(["history", "--db", str(history_db), "--diff", *ids], capsys)
    assert code == 2 and "Traceback" not in err  # was 70: internal error: OverflowError
    assert err.startswith("syndicheck: error: history: no run ")


def test_history_empty_db_path_is_an_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "syndicheck.db").write_bytes(b"")  # the default database: must not be what "" reads
    code, out, err = run_cli(["history", "--db", ""], capsys)
    assert code == 2 and err.strip() == "syndicheck: error: --db: an empty value (an unset variable in a CI step?)"


@pytest.mark.parametrize("command, flag", [
    (["audit", "--config"], "--config"),  # was ".: cannot read file: Is a directory"
    (["history", "--config"], "--config"),  # was the default database, ./syndicheck.db
    (["check", "p.html", "--originals", "o.yaml", "--config"], "--config"),  # was the syndicheck.toml found upward
    (["check", "p.html", "--originals", "o.yaml", "--site-root"], "--site-root"),  # was ignored
    (["demo", "--workdir"], "--workdir"),  # was the default demo-output/
    (["rules", "--new"], "--new"),  # was the current directory
    (["scan-warc", "x.warc", "--originals", "o.yaml", "--scheduler"], "--scheduler")])
def test_every_command_refuses_an_empty_path_option(tmp_path, capsys, monkeypatch, command, flag):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli([*command, ""], capsys)
    assert code == 2 and out == "" and list(tmp_path.iterdir()) == []
    assert err.strip() == f"syndicheck: error: {flag}: an empty value (an unset variable in a CI step?)"


# ------------------------------------------------------------------------- a pack author's patterns


def _pack_with_text_pattern(tmp_path, pattern: str):
    import shutil
    from pathlib import Path

    pack = tmp_path / "mypack"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules" / "dcnf", pack)
    license_yaml = pack / "license.yaml"
    text = license_yaml.read_text()
    anchor = "  text_patterns:\n"
    assert anchor in text
    license_yaml.write_text(text.replace(anchor, anchor + f"    - {json.dumps(pattern)}\n", 1))
    return pack, text[:text.index(anchor)].count("\n") + 2  # the pack and the new pattern's line


@pytest.mark.parametrize("pattern", ["|", "dcnf|", ".*", "(logo)?", "x*"])
def test_a_logo_pattern_matching_the_empty_string_is_refused(tmp_path, capsys, pattern):
    pack, line = _pack_with_text_pattern(tmp_path, pattern)
    page = tmp_path / "p.html"
    # an image whose alt text names nobody: with '|' among the patterns its logo rule passed (a silent green)
    page.write_text("<html><body><h1>A</h1><p>By Jane Doe</p><img src='x.png' alt='a sunset'>"
                    "<p>The council voted on Tuesday to approve the new budget for the coming year after a long "
                    "debate.</p></body></html>")
    manifest = tmp_path / "o.yaml"
    manifest.write_text(yaml.safe_dump([{"id": "a", "url": "https://l.example/a", "authors": ["Jane Doe"],
                                         "text": "The council voted on Tuesday to approve the new budget for the "
                                                 "coming year after a long debate."}]))
    code, out, err = run_cli(["check", str(page), "--originals", str(manifest), "--license", str(pack),
                              "--render", "never"], capsys)
    assert code == 2 and out == "", out
    assert err.strip().endswith(f":{line}: logo.text_patterns[0]: invalid regular expression: refused: it matches the "
                                "empty string, so it would match any text"), err


def test_an_empty_pattern_is_called_empty(tmp_path, capsys):
    pack, line = _pack_with_text_pattern(tmp_path, "")
    code, out, err = run_cli(["rules", "--test", str(pack)], capsys)
    assert code == 2  # was "expected a non-empty string, got a string"
    assert err.strip().endswith(f":{line}: logo.text_patterns[0]: expected a non-empty string, got an empty string"), err


# ------------------------------------------------------------------------- Ctrl-C during start-up


def test_ctrl_c_while_the_command_line_is_being_read_is_a_quiet_exit(capsys, monkeypatch):
    import checker.cli
    from checker.__main__ import run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # what Ctrl-C in the first tenth of a second does: before main() handles it

    monkeypatch.setattr(checker.cli, "_parser", interrupted)
    monkeypatch.setattr("sys.argv", ["syndicheck", "history"])
    assert run() == 130
    assert capsys.readouterr().err == "syndicheck: interrupted\n"  # was a KeyboardInterrupt traceback


def test_the_syndicheck_command_starts_through_the_guarded_entry_point():
    import sys
    from pathlib import Path

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["syndicheck"] == "checker.__main__:run"  # was checker.cli:main


def test_ctrl_c_early_in_a_real_process_prints_no_traceback(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    script = "import sys; from checker.__main__ import run; sys.exit(run())"
    for delay in (0.05, 0.1, 0.2, 0.3):  # while checker.cli and its imports load, or the arguments are parsed
        proc = subprocess.Popen([sys.executable, "-c", script, "rules", "--test"], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, restore_signals=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        if b"Traceback" in err and b", in run\n" not in err:
            # interrupted before run() began: in Python's own start-up or while it imported the package's
            # __init__ for the `from checker.__main__ import run` line (the console script's own line too)
            continue
        assert b"Traceback" not in err, err.decode()
        assert proc.returncode in (0, 130), err.decode()


# ------------------------------------------------------------------------- a report path naming a directory


@pytest.mark.parametrize("extra, message", [
    (["--report", "html=out/"], "the html report's path out/ ends in '/', so names a directory: give a file name, "
                                "e.g. out/report.html"),
    (["--format", "junit", "-o", "out/"], "the junit report's path out/ ends in '/', so names a directory: give a "
                                          "file name, e.g. out/report.xml")])
def test_a_report_path_ending_in_a_slash_is_not_written_as_a_file(tmp_path, manifest, capsys, monkeypatch, extra,
                                                                   message):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "p.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = run_cli(["check", str(page), "--originals", str(manifest), "--render", "never", *extra],
                             capsys)
    assert code == 2 and err.strip() == f"syndicheck: error: {message}"
    assert not (tmp_path / "out").exists()  # was: the report written to a file named 'out'


def test_originals_from_standard_input_says_it_is_not_read(tmp_path, manifest, capsys, monkeypatch):
    import io

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(manifest.read_text()))
    page = tmp_path / "p.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = run_cli(["check", str(page), "--originals", "-", "--render", "never"], capsys)
    assert code == 2  # was "-: no such file or directory"
    assert err.strip() == ("syndicheck: error: -: standard input is not an originals source: give a manifest file, "
                           "a feed URL or an article's URL")


def test_rules_of_a_pack_without_look_alike_names_prints_no_empty_label(tmp_path, capsys):
    code, out, err = run_cli(["rules", "--new", str(tmp_path / "pack")], capsys)
    assert code == 0, err
    code, out, err = run_cli(["rules", "--license", str(tmp_path / "pack")], capsys)
    assert code == 0, err
    aliases = next(line for line in out.splitlines() if line.startswith("Aliases:"))
    assert aliases == "Aliases: Example Newsroom, The Example Newsroom"  # was "...; not counted: " with nothing
