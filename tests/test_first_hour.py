"""A new user's first hour (issue 12): no silent green, one clear line per problem, the right exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker.cli import main
from checker.demo.server import serve_sites
from checker.demo.sites import Site

from test_audit import ALLOW_ALL, _partner_yaml, licensor_site, partner_sites, report_json, write_config
from conftest import write_manifest

ROOT = Path(__file__).resolve().parents[1]


def run(args, capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def cli(*args: str, cwd: Path, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The console entry point in a child process, as a user or a CI job runs it."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=cwd,
                          env=environ, timeout=120, input=stdin)


@pytest.fixture
def manifest(tmp_path, original) -> Path:
    path = tmp_path / "originals.yaml"
    write_manifest(path, original)
    return path


# ------------------------------------------------------------------------------ 1: no originals, no green


def test_check_without_originals_is_a_usage_error(tmp_path, make_page, capsys):
    page = tmp_path / "copy.html"
    page.write_text(make_page('<p class="byline">By Staff</p>'))
    code, out, err = run(["check", str(page)], capsys)
    assert code == 2 and out == ""
    assert err.startswith("syndicheck: error: check needs --originals")
    assert len(err.strip().splitlines()) == 1


def test_originals_that_hold_no_article_are_an_error(tmp_path, make_page, capsys):
    empty = tmp_path / "empty.yaml"
    empty.write_text("originals: []\n")
    page = tmp_path / "copy.html"
    page.write_text(make_page('<p class="byline">By Staff</p>'))
    code, _, err = run(["check", str(page), "--originals", str(empty)], capsys)
    assert code == 2 and "hold no article" in err and str(empty) in err


# ------------------------------------------------------------------------------ 7: unreachable originals


def test_unreachable_originals_url_is_exit_3_with_the_url_once(tmp_path, make_page, capsys):
    page = tmp_path / "copy.html"
    page.write_text(make_page('<p class="byline">By Staff</p>'))
    with serve_sites([Site("lic", "127.0.0.41", "Licensor", "licensor", {"/robots.txt": ALLOW_ALL})]) as servers:
        missing = servers.url("lic", "/feed.xml")  # answers 404
        code, out, err = run(["check", str(page), "--originals", missing, "--cache-dir", str(tmp_path / "c")],
                             capsys)
    assert code == 3 and out == ""
    assert err.count(missing) == 1 and "404" in err and err.startswith("syndicheck: error: ")


# ------------------------------------------------------------------------------ 3: discovery problems


def test_discovery_problems_are_logged_one_line_each_and_zero_candidates_flagged(tmp_path):
    with serve_sites([licensor_site(), *partner_sites(1)]) as servers:
        gone = servers.url("alpha", "/no-such-sitemap.xml")  # 404
        partners = (_partner_yaml("alpha", feeds=[servers.url("alpha", "/feed.xml")])
                    + _partner_yaml("lost", sitemaps=[gone]))
        config = write_config(tmp_path, servers.url("lic", "/feed.xml"), partners)
        proc = cli("audit", "--config", str(config), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "partner lost:" in line]
    assert any(gone in line and "404" in line for line in lines), proc.stderr
    assert any("no candidate pages" in line for line in lines), proc.stderr
    assert all(line.startswith("syndicheck: warning: partner lost: ") for line in lines)
    assert not any("partner alpha:" in line for line in proc.stderr.splitlines())  # alpha had no problem
    assert "no candidate pages: lost" in proc.stdout  # the run's summary line names it
    doc = report_json(config, 1)
    lost = next(p for p in doc["partners"] if p["id"] == "lost")
    assert any("no candidate pages" in e for e in lost["discovery_errors"]) and lost["no_candidates"] is True
    assert next(p for p in doc["partners"] if p["id"] == "alpha")["no_candidates"] is False
    reports = tmp_path / "reports"
    assert "no candidate pages" in (reports / "audit-1.html").read_text()
    assert "no candidate pages" in (reports / "digests" / "audit-1" / "lost.md").read_text()
    import csv
    rows = list(csv.DictReader((reports / "audit-1.csv").open(encoding="utf-8")))
    lost_rows = [r for r in rows if r["partner"] == "lost"]
    assert len(lost_rows) == 1 and lost_rows[0]["status"] == "error"
    assert lost_rows[0]["message"].startswith("no candidate pages")


# ------------------------------------------------------------------------------ 6: one line per problem


def test_a_missing_file_is_said_once(tmp_path, manifest):
    proc = cli("check", "nope.html", "--originals", str(manifest), cwd=tmp_path)
    assert proc.returncode == 3
    assert (proc.stdout + proc.stderr).count("no such file or directory") == 1
    # With the report in a file, stderr is where the user sees it: said there, once.
    proc = cli("check", "nope.html", "--originals", str(manifest), "--format", "json", "-o", "r.json", cwd=tmp_path)
    assert proc.returncode == 3 and proc.stderr.count("no such file or directory") == 1


@pytest.mark.parametrize("given", ["127.0.0.1:8765/news/x.html", "localhost:8000/story", "www.example.com/story"])
def test_a_url_without_its_scheme_gets_a_hint(tmp_path, manifest, capsys, given, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["check", given, "--originals", str(manifest), "--format", "json"], capsys)
    page = json.loads(out)["pages"][0]
    assert code == 3 and page["error"] == f"no such file or directory (a URL needs its scheme: http://{given})"


def test_a_plain_missing_file_gets_no_url_hint(tmp_path, manifest, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for given in ("index.html", "build/news/x.html"):
        _, out, _ = run(["check", given, "--originals", str(manifest), "--format", "json"], capsys)
        assert json.loads(out)["pages"][0]["error"] == "no such file or directory"


# ------------------------------------------------------------------------------ 8: demo --workdir


def test_demo_refuses_a_directory_that_is_not_a_demos(tmp_path, capsys):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("precious")
    code, _, err = run(["demo", "--workdir", str(mine)], capsys)
    assert code == 2 and err.startswith("syndicheck: error: --workdir") and "--force" in err
    assert (mine / "chapter1.tex").read_text() == "precious"


def test_demo_workdir_rules(tmp_path):
    from checker.demo.run import MARKER, DemoDirError, prepare_workdir

    fresh = tmp_path / "new" / "out"
    prepare_workdir(fresh)
    assert (fresh / MARKER).exists()
    (fresh / "reports").mkdir()
    (fresh / "audit.yaml").write_text("x")
    prepare_workdir(fresh)  # a previous demo's: emptied
    assert sorted(p.name for p in fresh.iterdir()) == [MARKER]
    legacy = tmp_path / "legacy"  # a demo directory from before the marker
    (legacy / "reports").mkdir(parents=True)
    (legacy / "audit.yaml").write_text("x")
    prepare_workdir(legacy)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    with pytest.raises(DemoDirError):
        prepare_workdir(other)
    assert (other / "notes.txt").exists()
    prepare_workdir(other, force=True)
    assert not (other / "notes.txt").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    prepare_workdir(empty)
    assert (empty / MARKER).exists()


# ------------------------------------------------------------------------------ 13: help, errors, colour


def test_every_subcommand_help_has_a_description():
    from checker.cli import _parser

    parser = _parser()
    (sub,) = [a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction)]
    assert set(sub.choices) == {"check", "rules", "audit", "scan-warc", "history", "demo"}
    for name, p in sub.choices.items():
        assert p.description and len(p.description) > 30, name


def test_check_help_lists_exit_codes_and_defaults(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert "exit codes:" in out and all(f"\n  {n}  " in out for n in "0123")
    assert "(default 20)" in out and "default 10485760" in out


def test_a_bad_choice_is_one_line_with_the_choices(tmp_path):
    proc = cli("check", "x.html", "--format", "pdf", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.startswith("syndicheck: error: argument --format: invalid choice: 'pdf'")
    assert "'github'" in line and "usage:" not in proc.stderr


def test_error_lines_share_one_prefix(tmp_path, manifest):
    for args in (["check", "x.html"], ["history", "--db", "nope.db"], ["rules", "nope"],
                 ["check", "x.html", "--originals", str(manifest), "--jobs", "0"],
                 ["audit", "--config", "missing.yaml"]):
        proc = cli(*args, cwd=tmp_path)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith("syndicheck: error: "), (args, proc.stderr)


def test_force_color_and_no_color(tmp_path, manifest, make_page):
    page = tmp_path / "bad.html"
    page.write_text(make_page('<p class="byline">By Staff</p>'))
    base = ("check", str(page), "--originals", str(manifest))
    plain = cli(*base, cwd=tmp_path, env={"FORCE_COLOR": "", "NO_COLOR": ""})
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    piped = subprocess.run([sys.executable, "-m", "checker", *base], capture_output=True, text=True, cwd=tmp_path,
                           env={**env, "PYTHONPATH": str(ROOT)}, timeout=60)
    forced = subprocess.run([sys.executable, "-m", "checker", *base], capture_output=True, text=True, cwd=tmp_path,
                            env={**env, "PYTHONPATH": str(ROOT), "FORCE_COLOR": "1"}, timeout=60)
    both = cli(*base, cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in piped.stdout and "\x1b[" not in plain.stdout
    assert "\x1b[" in forced.stdout and forced.returncode == 1
    assert "\x1b[" not in both.stdout  # NO_COLOR wins
    flag = subprocess.run([sys.executable, "-m", "checker", *base, "--no-color"], capture_output=True, text=True,
                          cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT), "FORCE_COLOR": "1"}, timeout=60)
    assert "\x1b[" not in flag.stdout


def test_github_annotation_without_a_source_line_has_no_line():
    from checker.report.github import command

    assert command("error", "m", file="a.html", line=None) == "::error file=a.html::m"
    assert command("error", "m", file="a.html", line=7) == "::error file=a.html,line=7::m"


# ------------------------------------------------------------------------------ 14: first steps


def _make_rule(makefile: str, target: str) -> tuple[str, str]:
    """A Makefile rule's prerequisites and recipe."""
    import re

    m = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", makefile, re.M)
    assert m, target
    return m.group(1), m.group(2)


def test_make_demo_installs_only_the_tool():
    """`make demo` needs the tool alone; the test extras (Playwright, Dask: most of a fresh install) are for `make test`."""
    makefile = (ROOT / "Makefile").read_text()
    prereqs, _ = _make_rule(makefile, "demo")
    assert "$(BASE_STAMP)" in prereqs and "$(STAMP)" not in prereqs.replace("$(BASE_STAMP)", "")
    _, base = _make_rule(makefile, "$(BASE_STAMP)")
    assert "pip install -q -e .\n" in base and "[test]" not in base
    test_prereqs, _ = _make_rule(makefile, "test")
    _, full = _make_rule(makefile, "$(STAMP)")
    assert "$(STAMP)" in test_prereqs and "'.[test]'" in full


def test_license_is_an_spdx_string_and_readme_says_how_to_run_it():
    text = (ROOT / "pyproject.toml").read_text()
    assert '\nlicense = "MIT"\n' in text  # not the deprecated {text = ...} table pip warns about
    readme = (ROOT / "README.md").read_text()
    assert ".venv/bin/syndicheck --help" in readme and ". .venv/bin/activate" in readme


# ------------------------------------------------------------------------------ 4: --site-root


@pytest.fixture
def built_site(tmp_path, make_page):
    """A local build whose logo is root-relative and named so that only its pixels say it is the DCNF logo."""
    import shutil

    site = tmp_path / "public"
    (site / "img").mkdir(parents=True)
    (site / "news").mkdir()
    shutil.copy(ROOT / "rules" / "dcnf" / "logo" / "dcnf-logo.png", site / "img" / "brand-a1.png")
    (site / "news" / "story.html").write_text(make_page(
        '<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
        '<img src="/img/brand-a1.png" alt="" width="200" height="60">'))
    return site


def _logo(out: str) -> str:
    (page,) = json.loads(out)["pages"]
    return next(f["outcome"] for f in page["findings"] if f["rule"] == "logo")


def test_root_relative_logo_found_under_the_directory_given(built_site, manifest, capsys):
    code, out, _ = run(["check", str(built_site), "--originals", str(manifest), "--format", "json"], capsys)
    assert _logo(out) == "pass" and code == 0


def test_root_relative_logo_of_a_single_file_needs_site_root(built_site, manifest, capsys):
    page = str(built_site / "news" / "story.html")
    code, out, _ = run(["check", page, "--originals", str(manifest), "--format", "json"], capsys)
    assert _logo(out) == "fail" and code == 1  # "/img/brand-a1.png" is not under the file system's root
    code, out, _ = run(["check", page, "--originals", str(manifest), "--format", "json",
                        "--site-root", str(built_site)], capsys)
    assert _logo(out) == "pass" and code == 0
    code, _, err = run(["check", page, "--originals", str(manifest), "--site-root", str(built_site / "nope")],
                       capsys)
    assert code == 2 and "--site-root" in err and "not a directory" in err


def test_site_root_never_reads_above_itself(built_site, tmp_path):
    from checker.logo_image import _read

    (tmp_path / "secret.png").write_bytes(b"x")
    page_url = (built_site / "news" / "story.html").as_uri()
    assert _read("/img/brand-a1.png", page_url, str(built_site))
    assert _read("/../secret.png", page_url, str(built_site)) is None
    assert _read("/img/../../secret.png", page_url, str(built_site)) is None
    assert _read("/img/brand-a1.png", "https://partner.example/story", str(built_site)) is None  # fetched page


def test_demo_never_empties_home_or_the_current_directory(tmp_path, monkeypatch):
    from checker.demo.run import DemoDirError, prepare_workdir

    here = tmp_path / "project" / "src"
    here.mkdir(parents=True)
    (here / "main.py").write_text("keep")
    monkeypatch.chdir(here)
    for target in (here, tmp_path / "project", Path.home()):
        with pytest.raises(DemoDirError, match="home directory or holds the current one"):
            prepare_workdir(target, force=True)
    assert (here / "main.py").read_text() == "keep"


# ------------------------------------------------------------------------------ 11: what was looked at


def test_a_failure_with_nothing_to_point_at_says_what_was_looked_at(tmp_path, original, manifest, capsys):
    body = "".join(f"<p>{p}</p>" for p in original.text.split("\n\n") if p.strip())
    page = tmp_path / "bare.html"
    page.write_text(f"<html><body><main><article><h1>{original.title}</h1>{body}<p>Share this story</p>"
                    f"<img src='/ads/banner.png' alt='Advertisement'></article></main></body></html>")
    code, out, _ = run(["check", str(page), "--originals", str(manifest), "--format", "json"], capsys)
    findings = {f["rule"]: f for f in json.loads(out)["pages"][0]["findings"]}
    assert code == 1
    (byline,) = findings["byline"]["evidence"]
    assert byline["snippet"].startswith("looked for a byline in the article's head (from <h1>")
    assert "and foot (to <p> \u201cShare this story\u201d)" in byline["snippet"] and byline["selector"].endswith("h1")
    assert findings["affiliation"]["evidence"][0]["snippet"].startswith("looked for a byline naming the reporter")
    assert findings["logo"]["evidence"][0]["snippet"] == \
        'looked at 1 visible image: <img alt="Advertisement" src="/ads/banner.png">'


# ------------------------------------------------------------------------------ originals without text


def test_originals_without_text_are_not_a_silent_green(tmp_path, make_page, original, capsys, caplog):
    """Copies are recognised by the originals' text. Before, a manifest whose originals had no `text` (it is
    optional) or a word or two of it made every page "not a copy": exit 0 on a violating copy."""
    page = tmp_path / "copy.html"
    page.write_text(make_page('<p class="byline">By Staff</p>'))
    bare = {"id": "o1", "url": original.url, "title": original.title, "authors": list(original.authors)}
    no_text = tmp_path / "no-text.yaml"
    no_text.write_text(yaml.safe_dump({"originals": [bare, {**bare, "id": "o2", "url": "https://x.example/2",
                                                            "text": "Too short."}]}))
    for command in (["check", str(page)], ["scan-warc", str(page)]):
        assert main([*command, "--originals", str(no_text), "--render", "never", "-q"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"syndicheck: error: the originals ({no_text}) hold no article text: none of the 2 "
                              "originals has a `text` of 7 words or more"), err
    # Forced pairing needs no text to find the copy.
    assert main(["check", str(page), "--originals", str(no_text), "--original", "o1", "--render", "never",
                 "-q", "--format", "json"]) == 1
    capsys.readouterr()
    # Some with text, some without: checked, and the ones without are named in a warning.
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(yaml.safe_dump({"originals": [bare, {**bare, "id": "o2", "url": "https://x.example/2",
                                                          "text": original.text}]}))
    assert main(["check", str(page), "--originals", str(mixed), "--render", "never", "--format", "json"]) == 1
    assert "1 of 2 originals have no text to recognise copies by (o1)" in caplog.text, caplog.text


def test_an_audit_that_checked_nothing_is_not_a_clean_night(tmp_path):
    """Before, exit 0: every partner source answering 404 (no candidate page at all), or a licensor feed whose
    items carry no text (every page would be "not a copy"). Now exit 3 with one line saying why."""
    from test_audit import RSS, _rss
    from checker.demo.sites import Route

    bare_feed = _rss("{{BASE:lic}}", [("/2024/a/", "A story", ("Jane Doe",), None),
                                       ("/2024/b/", "B story", ("Jane Doe",), None)])
    textless = Site("lic", "127.0.0.20", "Licensor", "licensor",
                    {"/robots.txt": ALLOW_ALL, "/feed.xml": Route(body=bare_feed, content_type=RSS)})
    with serve_sites([licensor_site(), *partner_sites(1)]) as servers:
        gone = servers.url("alpha", "/no-such-sitemap.xml")
        config = write_config(tmp_path / "lost", servers.url("lic", "/feed.xml"), _partner_yaml("alpha", sitemaps=[gone]))
        proc = cli("audit", "--config", str(config), "-q", cwd=config.parent)
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert "syndicheck: error: run 1 checked no page: no partner source gave a candidate page" in proc.stderr
    assert report_json(config, 1)["run"]["complete"] is True  # stored as a run; the exit status says it was empty
    with serve_sites([textless, *partner_sites(1)]) as servers:
        config = write_config(tmp_path / "bare", servers.url("lic", "/feed.xml"),
                              _partner_yaml("alpha", feeds=[servers.url("alpha", "/feed.xml")]))
        proc = cli("audit", "--config", str(config), "-q", cwd=config.parent)
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert "2 originals have no text to recognise copies by, left out: " in proc.stderr
    assert "no originals" in proc.stderr


def test_a_check_of_no_page_is_not_a_silent_green(tmp_path, make_page, manifest, capsys, monkeypatch):
    """Before: every page excluded, or an empty list on standard input, gave '0 pages' and exit 0."""
    import io
    site = tmp_path / "_site"
    site.mkdir()
    (site / "story.html").write_text(make_page('<p class="byline">By Staff</p>'))
    code, _, err = run(["check", str(site), "--originals", str(manifest), "--exclude", "*.html",
                        "--render", "never"], capsys)
    assert code == 3 and "syndicheck: error: nothing was checked: every page matched --exclude" in err, err
    monkeypatch.setattr("sys.stdin", io.StringIO("# the list a grep in CI left empty\n\n"))
    code, _, err = run(["check", "-", "--originals", str(manifest), "--render", "never"], capsys)
    assert code == 3 and "nothing was checked: standard input gave no URL or path" in err, err
    # --changed-only with no page changed: a pull request that touches no page passes, and says so.
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", str(site)], check=True)
    subprocess.run([*git, "-C", str(site), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(site), "commit", "-qm", "base"], check=True)
    code, _, err = run(["check", str(site), "--originals", str(manifest), "--changed-only", "HEAD",
                        "--render", "never"], capsys)
    assert code == 0 and "no HTML file among the targets changed since 'HEAD': nothing to check" in err, err


def test_the_readme_audit_yaml_examples_load_as_written(tmp_path):
    """A new user copies the README's audit.yaml: before, it was refused (its waiver named a partner it lacks)."""
    import re

    from checker.config import load_audit_config

    section = (ROOT / "README.md").read_text().split("\n## audit.yaml", 1)[1].split("\n## ", 1)[0]
    full, several = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    (tmp_path / "audit.yaml").write_text(full)
    config = load_audit_config(tmp_path / "audit.yaml")
    assert [p.id for p in config.partners] == ["heartland-ledger"] and config.waivers
    # The several-licensors example is the `originals` part: with a partner it is a whole config.
    (tmp_path / "several.yaml").write_text(several + "partners:\n  - id: a\n    name: A\n    urls: [https://a.example/x]\n")
    assert [s.license for s in load_audit_config(tmp_path / "several.yaml").originals_sources][1:] == [
        "cc-by-nd-newsroom"]
