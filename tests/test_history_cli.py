"""`syndicheck history`: the runs table and the diff between runs, as text and JSON."""
from __future__ import annotations

import argparse
import io
import json
import re

import pytest

from checker.history import History
from checker.history_cli import add_history_parser, cmd_history
from checker.models import AuditPage, Evidence, Finding, Match, Original, Outcome, PageResult, Severity, Status

ORIG = Original("o1", "https://dcnf.example/o1", "T", ("Jane Reporter",))


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="syndicheck")
    add_history_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["history", *argv])


def run_cli(*argv: str, capsys=None) -> tuple[int, str, str]:
    out = io.StringIO()
    code = cmd_history(parse(*argv), out=out)
    err = capsys.readouterr().err if capsys else ""
    return code, out.getvalue(), err


def page(url: str, partner: str, *fails: str, error: str | None = None) -> AuditPage:
    if error:
        return AuditPage(partner, PageResult(url, url, Status.ERROR, error=error))
    findings = tuple(Finding(r, Outcome.FAIL if r in fails else Outcome.PASS, Severity.ERROR,
                             f"{r} missing" if r in fails else "ok", (Evidence("x", "y"),))
                     for r in ("logo", "byline", "affiliation"))
    return AuditPage(partner, PageResult(url, url, Status.VIOLATION if fails else Status.COMPLIANT, ORIG,
                                         Match(ORIG, 0.9), findings))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "history.db"
    with History(path) as h:
        r1 = h.start_run("dcnf", "fp", "audit.yaml", "0.1.0")
        h.record_page(r1, page("https://acme.example/a", "acme", "logo"))
        h.record_page(r1, page("https://acme.example/b", "acme", "byline"))
        h.record_page(r1, page("https://beta.example/c", "beta"))
        h.record_page(r1, page("https://beta.example/d", "beta", "affiliation"))
        h.finish_run(r1, True)
        r2 = h.start_run("dcnf", "fp", "audit.yaml", "0.1.0")
        h.record_page(r2, page("https://acme.example/a", "acme"))  # fixed
        h.record_page(r2, page("https://acme.example/b", "acme", "byline"))  # persisting
        h.record_page(r2, page("https://beta.example/c", "beta", "logo"))  # new
        h.record_page(r2, page("https://beta.example/d", "beta", error="HTTP 503"))  # errored: not fixed
        h.finish_run(r2, True)
    return str(path)


def test_parser_registers_the_subcommand():
    args = parse("--db", "x.db", "--runs", "3", "--diff", "1", "2", "--partner", "acme", "--format", "json")
    assert (args.db, args.runs, args.diff, args.partner, args.format) == ("x.db", 3, ["1", "2"], "acme", "json")
    assert args.func is cmd_history
    defaults = parse()
    assert (defaults.db, defaults.runs, defaults.diff, defaults.format) == (None, 10, None, "text")


def test_lists_runs(db):
    code, out, _ = run_cli("--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Runs, newest first"
    assert re.split(r"\s{2,}", lines[1].strip()) == ["run", "started", "status", "pages", "copies", "compliant",
                                                     "with violations", "failing findings", "errors"]
    row2, row1 = lines[2].split(), lines[3].split()
    # run 2: acme/b and beta/c, one failing finding each
    assert row2[0] == "2" and row2[4] == "complete" and row2[-6:] == ["4", "3", "33.3%", "2", "2", "1"]
    # run 1: acme/a, acme/b, beta/d, one failing finding each
    assert row1[0] == "1" and row1[-6:] == ["4", "4", "25.0%", "3", "3", "0"]
    code, out, _ = run_cli("--db", db, "--runs", "1")
    assert len(out.splitlines()) == 3


def test_lists_runs_as_json_for_one_partner(db):
    code, out, _ = run_cli("--db", db, "--format", "json", "--partner", "beta")
    data = json.loads(out)
    assert code == 0 and data["partner"] == "beta"
    r2, r1 = data["runs"]
    assert (r2["id"], r2["pages"], r2["copies"], r2["compliant"], r2["violations"], r2["errors"]) == (2, 2, 1, 0, 1, 1)
    assert (r1["id"], r1["compliance_rate"]) == (1, 0.5)


def test_diff_text(db):
    code, out, _ = run_cli("--db", db, "--diff", "1", "2")
    assert code == 0
    assert "Failing findings: run 1 (" in out and "-> run 2 (" in out
    assert "new: 1   fixed: 1   persisting: 1" in out
    new = out.split("New (1)\n", 1)[1].split("\n\n", 1)[0]
    fixed = out.split("Fixed (1)\n", 1)[1].split("\n\n", 1)[0]
    persisting = out.split("Persisting (1)\n", 1)[1].split("\n\n", 1)[0]
    assert new == "  [beta] logo: https://beta.example/c — logo missing"
    assert fixed == "  [acme] logo: https://acme.example/a — logo missing"
    assert persisting == "  [acme] byline: https://acme.example/b — byline missing"
    assert "beta.example/d" not in out  # errored in run 2: not fixed
    per_partner = out.split("Per partner\n", 1)[1].splitlines()
    assert [line.split() for line in per_partner] == [
        ["partner", "new", "fixed", "persisting"], ["acme", "0", "1", "1"], ["beta", "1", "0", "0"]]


def test_diff_last_json_per_partner(db):
    code, out, _ = run_cli("--db", db, "--diff", "last", "--format", "json", "--partner", "acme")
    data = json.loads(out)
    assert code == 0 and (data["run_a"], data["run_b"], data["partner"]) == (1, 2, "acme")
    assert data["summary"] == {"new": 0, "fixed": 1, "persisting": 1}
    assert [(i["url"], i["rule"]) for i in data["fixed"]] == [("https://acme.example/a", "logo")]
    assert data["persisting"][0]["fingerprint"] and data["partners"] == {"acme": {"new": 0, "fixed": 1,
                                                                                   "persisting": 1}}


def test_diff_json_overall(db):
    data = json.loads(run_cli("--db", db, "--diff", "1", "2", "--format", "json")[1])
    assert data["partners"] == {"acme": {"new": 0, "fixed": 1, "persisting": 1},
                                "beta": {"new": 1, "fixed": 0, "persisting": 0}}


def test_pages_with_violations_and_failing_findings_are_two_numbers(tmp_path):
    path = tmp_path / "two.db"
    with History(path) as h:
        r = h.start_run("dcnf", "fp", None, "0.1.0")
        h.record_page(r, page("https://acme.example/a", "acme", "logo", "byline", "affiliation"))
        h.finish_run(r, True)
    code, out, _ = run_cli("--db", str(path))
    assert code == 0 and out.splitlines()[2].split()[-3:] == ["1", "3", "0"]
    assert json.loads(run_cli("--db", str(path), "--format", "json")[1])["runs"][0]["violation_pages"] == 1


def test_unknown_partner_is_an_error(db, capsys):
    code, out, err = run_cli("--db", db, "--partner", "acmee", capsys=capsys)
    assert code == 2 and out == ""
    assert err.startswith("syndicheck: error: ") and "no partner 'acmee'" in err and "did you mean 'acme'" in err
    code, out, err = run_cli("--db", db, "--diff", "last", "--partner", "nope", capsys=capsys)
    assert code == 2 and "no partner 'nope'" in err and "acme, beta" in err


@pytest.mark.parametrize("argv, message", [
    (("--diff", "1"), "two run ids"),
    (("--diff", "1", "2", "3"), "two run ids"),
    (("--diff", "1", "x"), "must be numbers"),
    (("--diff", "1", "9"), "no run 9"),
    (("--runs", "0"), "at least 1"),
])
def test_usage_errors(db, capsys, argv, message):
    code, out, err = run_cli("--db", db, *argv, capsys=capsys)
    assert code == 2 and out == "" and message in err


def test_missing_database_is_not_created(tmp_path, capsys):
    path = tmp_path / "nope.db"
    code, _, err = run_cli("--db", str(path), capsys=capsys)
    assert code == 2 and "no history database" in err and not path.exists()


def test_empty_history_and_last_without_previous(tmp_path, capsys):
    path = tmp_path / "h.db"
    History(path).close()
    code, out, _ = run_cli("--db", str(path))
    assert code == 0 and out == "No runs in the history yet.\n"
    assert run_cli("--db", str(path), "--diff", "last", capsys=capsys)[0] == 2
    with History(path) as h:
        h.start_run("dcnf", "fp", None, "0.1.0")
    code, _, err = run_cli("--db", str(path), "--diff", "last", capsys=capsys)
    assert code == 2 and "no complete run before run 1" in err


def test_writes_to_stdout_by_default(db, capsys):
    assert cmd_history(parse("--db", db)) == 0
    assert capsys.readouterr().out.startswith("Runs, newest first")


def test_trend_detail_per_partner_and_rule(db):
    with History(db) as h:
        points = {(p.run_id, p.partner, p.rule): (p.copies, p.compliant) for p in h.trend_detail()}
    assert points[(1, "acme", "")] == (2, 0) and points[(1, "beta", "")] == (2, 1)
    assert points[(1, "", "logo")] == (4, 3)  # acme/a fails logo
    assert points[(1, "acme", "logo")] == (2, 1) and points[(1, "beta", "logo")] == (2, 2)
    assert points[(2, "beta", "")] == (1, 0)  # beta/d errored: not a copy in run 2
    assert points[(2, "acme", "byline")] == (2, 1)
