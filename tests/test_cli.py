"""The `check` command end to end: targets, report formats, exit codes 0/1/2/3, and bad input that must not stop a run."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main

from conftest import article_html, write_manifest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def site(tmp_path, original, make_page):
    manifest = tmp_path / "originals.yaml"
    write_manifest(manifest, original)
    pages = tmp_path / "site"
    (pages / "news").mkdir(parents=True)
    good = make_page('<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
                     '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">')
    bad = make_page('<p class="byline">By Staff</p>')
    (pages / "news" / "good.html").write_text(good)
    (pages / "news" / "bad.html").write_text(bad)
    (pages / "own.htm").write_text("<html><body><h1>Our story</h1><p>Nothing copied here, told the DCNF.</p></body></html>")
    return tmp_path, manifest, pages


def run(args, capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_directory_json_report(site, capsys):
    _, manifest, pages = site
    code, out, _ = run(["check", str(pages), "--originals", str(manifest), "--format", "json"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert set(doc) >= {"schema_version", "tool", "license", "summary", "pages"}
    assert doc["schema_version"] == 1 and doc["license"] == "dcnf" and doc["tool"]["name"] == "syndicheck"
    assert doc["summary"] == {"pages": 3, "compliant": 1, "violation": 1, "review": 0, "not_a_copy": 1, "error": 0, "near_copy": 0}
    by = {Path(p["target"]).name: p for p in doc["pages"]}
    assert by["good.html"]["status"] == "compliant" and by["good.html"]["match"]["score"] > 0.9
    assert by["own.htm"]["status"] == "not-a-copy" and by["own.htm"]["findings"] == []
    bad = by["bad.html"]
    assert bad["status"] == "violation" and bad["original"]["authors"] == ["Jane Q. Reporter"]
    rules = {f["rule"]: f for f in bad["findings"]}
    assert rules["byline"]["outcome"] == "fail" and "Staff" in rules["byline"]["message"]
    assert rules["byline"]["evidence"][0]["selector"].endswith("p.byline")


def test_exit_0_when_clean(site, capsys):
    _, manifest, pages = site
    code, out, _ = run(["check", str(pages / "news" / "good.html"), "--originals", str(manifest)], capsys)
    assert code == 0 and "COMPLIANT" in out


def test_fail_on_never(site, capsys):
    _, manifest, pages = site
    assert run(["check", str(pages), "--originals", str(manifest), "--fail-on", "never"], capsys)[0] == 0


def test_exit_3_when_a_target_could_not_be_checked(site, capsys):
    _, manifest, pages = site
    code, out, err = run(["check", str(pages / "news" / "good.html"), str(pages / "missing.html"),
                          "--originals", str(manifest), "--format", "json"], capsys)
    assert code == 3
    doc = json.loads(out)
    missing = [p for p in doc["pages"] if p["status"] == "error"]
    assert missing and "no such file" in missing[0]["error"]


def test_exit_2_usage_and_config_errors(site, capsys, tmp_path):
    _, manifest, pages = site
    assert run(["check"], capsys)[0] == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("originals:\n  - url: https://x/1\n    authors: [A B]\n    titel: T\n")
    code, _, err = run(["check", str(pages), "--originals", str(broken)], capsys)
    assert code == 2 and "broken.yaml:4" in err and "did you mean 'title'" in err
    no_authors = tmp_path / "noauthors.json"
    no_authors.write_text(json.dumps([{"url": "https://x/1", "title": "T"}]))
    code, _, err = run(["check", str(pages), "--originals", str(no_authors)], capsys)
    assert code == 2 and "authors" in err
    code, _, err = run(["check", str(pages), "--originals", str(manifest), "--license", "nope"], capsys)
    assert code == 2 and "no license pack" in err
    code, _, err = run(["check", str(pages), "--originals", str(manifest), "--original", "unknown-id"], capsys)
    assert code == 2 and "matches no original" in err


def test_forced_original(site, capsys, make_page):
    tmp, manifest, pages = site
    page = tmp / "excerpt.html"
    page.write_text("<html><body><h1>Short</h1><p>By Jane Q. Reporter</p><p>Only a teaser.</p></body></html>")
    code, out, _ = run(["check", str(page), "--originals", str(manifest), "--original", "dcnf-example",
                        "--format", "json"], capsys)
    doc = json.loads(out)
    assert doc["pages"][0]["status"] != "not-a-copy" and doc["pages"][0]["original"]["id"] == "dcnf-example"


@pytest.mark.parametrize("name,content,reason", [
    ("binary.html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an HTML page"),
    ("empty.html", b"", "empty"),
])
def test_bad_files_are_errors_and_the_run_goes_on(site, capsys, name, content, reason):
    tmp, manifest, pages = site
    (pages / name).write_bytes(content)
    code, out, _ = run(["check", str(pages), "--originals", str(manifest), "--format", "json"], capsys)
    doc = json.loads(out)
    by = {Path(p["target"]).name: p for p in doc["pages"]}
    assert by[name]["status"] == "error" and reason in by[name]["error"]
    assert by["good.html"]["status"] == "compliant" and by["bad.html"]["status"] == "violation"
    assert code == 1


def test_malformed_truncated_latin1_and_xhtml_pages(site, capsys, original):
    tmp, manifest, pages = site
    body = article_html(original)
    (pages / "truncated.html").write_text(
        f"<html><body><div><p class=byline>By Jane Q. Reporter, DCNF<img alt='DCNF' src=x.png>{body}<p>unclosed <b><i>",
        encoding="utf-8")
    (pages / "latin1.html").write_bytes(
        f"<html><head><meta charset='iso-8859-1'></head><body><p>By Jane Q. Reporter, DCNF</p>{body}</body></html>"
        .encode("latin-1", "replace"))
    (pages / "xhtml.html").write_text(
        f"<?xml version='1.0' encoding='utf-8'?><!DOCTYPE html><html xmlns='http://www.w3.org/1999/xhtml'><body>"
        f"<p>By Jane Q. Reporter, Daily Caller News Foundation</p><img src='dcnf-logo.png' alt=''/>{body}</body></html>")
    code, out, _ = run(["check", str(pages), "--originals", str(manifest), "--format", "json"], capsys)
    by = {Path(p["target"]).name: p for p in json.loads(out)["pages"]}
    assert by["truncated.html"]["status"] == "compliant", by["truncated.html"]
    assert by["latin1.html"]["status"] == "violation"  # no logo, but it was read and matched
    assert by["xhtml.html"]["status"] == "compliant"


def test_over_size_cap(site, capsys):
    tmp, manifest, pages = site
    (pages / "huge.html").write_text("<html><body>" + "<p>x</p>" * 50_000 + "</body></html>")
    code, out, _ = run(["check", str(pages), "--originals", str(manifest), "--format", "json",
                        "--max-bytes", "100000"], capsys)
    by = {Path(p["target"]).name: p for p in json.loads(out)["pages"]}
    assert by["huge.html"]["status"] == "error" and "larger than" in by["huge.html"]["error"]


def test_urls_from_stdin_and_unreachable_host(site, capsys, httpserver, monkeypatch, make_page):
    tmp, manifest, pages = site
    httpserver.expect_request("/story").respond_with_data(
        (pages / "news" / "bad.html").read_text(), content_type="text/html; charset=utf-8")
    closed_port = "http://127.0.0.1:9/never"  # discard port: nothing listens there
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"# partner pages\n{httpserver.url_for('/story')}\n\n{closed_port}\n"))
    code, out, _ = run(["check", "-", "--originals", str(manifest), "--format", "json", "--timeout", "2"], capsys)
    doc = json.loads(out)
    assert [p["status"] for p in doc["pages"]] == ["violation", "error"]
    assert doc["pages"][0]["url"].endswith("/story")
    assert "refused" in doc["pages"][1]["error"] or "connect" in doc["pages"][1]["error"]
    assert code == 1
    ua = httpserver.log[0][0].headers.get("User-Agent", "")
    assert ua.startswith("syndicheck/") and "+http" in ua


@pytest.mark.parametrize("fmt,marker", [("junit", "<testsuite"), ("sarif", '"2.1.0"'), ("markdown", "|"),
                                        ("csv", "target,url,status"), ("html", "<html"), ("github", "::error")])
def test_every_format_writes_to_file(site, capsys, tmp_path, fmt, marker):
    _, manifest, pages = site
    out_file = tmp_path / "out" / f"report.{fmt}"
    code, out, _ = run(["check", str(pages), "--originals", str(manifest), "--format", fmt, "-o", str(out_file)], capsys)
    assert code == 1 and out == ""
    assert marker in out_file.read_text()


def test_rules_command(capsys):
    code, out, _ = run(["rules"], capsys)
    assert code == 0 and "logo" in out and "affiliation" in out
    code, out, _ = run(["rules", "byline"], capsys)
    assert code == 0 and "byline.authors_credited" in out and "Examples" in out
    assert run(["rules", "nope"], capsys)[0] == 2


def test_python_dash_m_entry_point(site):
    _, manifest, pages = site
    proc = subprocess.run([sys.executable, "-m", "checker", "check", str(pages / "news" / "good.html"),
                           "--originals", str(manifest), "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["compliant"] == 1


def test_several_reports_from_one_run(site, capsys, tmp_path):
    _, manifest, pages = site
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    code, out, _ = run(["check", str(pages), "--originals", str(manifest), "--format", "json",
                        "--report", f"sarif={sarif}", "--report", f"junit={junit}"], capsys)
    assert code == 1 and json.loads(out)["summary"]["violation"] == 1
    assert '"2.1.0"' in sarif.read_text() and "<testsuite" in junit.read_text()
    assert run(["check", str(pages), "--originals", str(manifest), "--report", "pdf=x.pdf"], capsys)[0] == 2


def test_time_budget_flag(site, capsys):
    """--time-budget reaches the checker: a budget no page can meet leaves every rule at review, never a pass;
    0 means unlimited; a negative one is a usage error."""
    _, manifest, pages = site
    good = str(pages / "news" / "good.html")
    code, out, _ = run(["check", good, "--originals", str(manifest), "--format", "json",
                        "--time-budget", "0.000001"], capsys)
    page = json.loads(out)["pages"][0]
    assert page["status"] == "review"
    assert {f["outcome"] for f in page["findings"]} == {"review"}
    assert "time budget (1e-06 s)" in page["findings"][0]["message"]
    assert run(["check", good, "--originals", str(manifest), "--time-budget", "0"], capsys)[0] == 0
    code, _, err = run(["check", good, "--originals", str(manifest), "--time-budget", "-1"], capsys)
    assert code == 2 and "--time-budget must be 0" in err


def test_a_report_that_cannot_be_written_does_not_stop_the_others(site, capsys, tmp_path):
    """Every report is attempted; the failure names format, file and reason. Exit 2 for a run that would be
    clean (a missing report never looks clean), 1 stays 1 (the violations fail the job either way)."""
    _, manifest, pages = site
    taken = tmp_path / "taken"
    taken.mkdir()  # a directory where the report file should go
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    args = ["--originals", str(manifest), "--format", "json", "--report", f"junit={taken}",
            "--report", f"sarif={sarif}", "-o", str(junit.with_suffix(".json"))]
    code, _, err = run(["check", str(pages / "news" / "good.html"), *args], capsys)
    assert code == 2
    assert f"the junit report {taken} could not be written: Is a directory" in err
    assert '"2.1.0"' in sarif.read_text() and json.loads(junit.with_suffix(".json").read_text())["summary"]["compliant"] == 1
    sarif.unlink()
    code, _, err = run(["check", str(pages / "news" / "bad.html"), *args], capsys)
    assert code == 1 and "could not be written" in err and sarif.exists()
