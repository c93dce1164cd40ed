"""`syndicheck demo` end to end: two nights against the sample sites, and the HTML report in real Chromium."""
from __future__ import annotations

import argparse
import io
import json
import re

import pytest

from checker.demo.run import run_demo

from conftest import open_page


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo") / "out"
    out = io.StringIO()
    code = run_demo(argparse.Namespace(workdir=str(workdir)), out=out)
    return code, out.getvalue(), workdir


@pytest.mark.slow
def test_demo_two_nights(demo):
    code, text, workdir = demo
    assert code == 0, text
    assert re.search(r"Night 1: run 1, 40 pages", text), text
    night2 = re.search(r"Night 2: run 2, (\d+) pages .*?; (\d+) reused after 304\)", text)
    assert night2 and int(night2.group(2)) >= 10, text  # unchanged pages were revalidated, not re-downloaded
    assert re.search(r"since the previous run: 2 new, 2 fixed, \d+ persisting", text), text
    assert "self-check: 40/40" in text and "self-check: 42/42" in text, text
    reports = workdir / "reports"
    doc = json.loads((reports / "audit-2.json").read_text())
    assert doc["schema_version"] == 1 and len(doc["partners"]) == 5
    assert len(doc["diff"]["new"]) == 2 and len(doc["diff"]["fixed"]) == 2
    violations = [p for p in doc["pages"] if p["status"] == "violation"]
    assert violations and all(p["warc"] for p in violations)  # evidence archived for every violation
    assert list((reports / "evidence").glob("*.warc.gz"))
    assert len(list((reports / "digests" / "audit-2").glob("*.md"))) == 5
    outbox = workdir / "outbox"
    assert any(outbox.rglob("*.eml")), "dry-run notifications were not written"


@pytest.mark.slow
@pytest.mark.browser
def test_demo_html_report_in_chromium(demo, browser):
    _, _, workdir = demo
    html = workdir / "reports" / "audit-2.html"
    page, dialogs, _requests = open_page(browser, html)
    body = page.inner_text("body")
    for partner in ("Heartland Ledger", "Valley Courier", "Civic Review", "Liberty Monthly", "Prairie Post"):
        assert partner in body, partner
    assert page.locator("svg").count() >= 1  # the compliance chart
    assert "Daily Caller" in body and "logo" in body
    assert not dialogs
