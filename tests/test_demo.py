"""`syndicheck demo` end to end: two nights against the sample sites, and the HTML report in real Chromium."""
from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

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
    assert re.search(r"Night 1: run 1, 43 pages", text), text
    night2 = re.search(r"Night 2: run 2, (\d+) pages .*?; (\d+) reused after 304\)", text)
    assert night2 and int(night2.group(2)) >= 10, text  # unchanged pages were revalidated, not re-downloaded
    assert re.search(r"since the previous run: 2 new, 2 fixed, \d+ persisting", text), text
    assert "self-check: 43/43" in text and "self-check: 45/45" in text, text
    reports = workdir / "reports"
    doc = json.loads((reports / "audit-2.json").read_text())
    assert doc["schema_version"] == 1 and len(doc["partners"]) == 6
    assert doc["license"] == "dcnf, cc-by-nd-newsroom"  # two licensors, each judged by its own pack
    judged: dict[str, set] = {}  # partner -> the rules its pages were judged by
    for page in doc["pages"]:
        judged.setdefault(page["partner"], set()).update(f["rule"] for f in page["findings"])
    assert judged.pop("bayside-gazette") == {"byline", "credit", "pixel", "text"}  # the newsroom pack's rules
    assert set().union(*judged.values()) == {"logo", "byline", "affiliation"}  # the default pack's
    assert len(doc["diff"]["new"]) == 2 and len(doc["diff"]["fixed"]) == 2
    violations = [p for p in doc["pages"] if p["status"] == "violation"]
    assert violations and all(p["warc"] for p in violations)  # evidence archived for every violation
    assert list((reports / "evidence").glob("*.warc.gz"))
    assert len(list((reports / "digests" / "audit-2").glob("*.md"))) == 6
    outbox = workdir / "outbox"
    assert any(outbox.rglob("*.eml")), "dry-run notifications were not written"


@pytest.mark.slow
@pytest.mark.browser
def test_demo_html_report_in_chromium(demo, browser):
    _, _, workdir = demo
    html = workdir / "reports" / "audit-2.html"
    page, dialogs, _requests = open_page(browser, html)
    body = page.inner_text("body")
    for partner in ("Heartland Ledger", "Valley Courier", "Civic Review", "Liberty Monthly", "Prairie Post",
                    "Bayside Gazette"):
        assert partner in body, partner
    assert page.locator("svg").count() >= 1  # the compliance chart
    assert "Daily Caller" in body and "logo" in body
    assert not dialogs


def _demo_path(url: str) -> str:
    """A page's path with the demo's date segments (relative to the day it runs) written as placeholders."""
    path = urlsplit(url).path
    path = re.sub(r"/\d{4}/\d{2}/\d{2}/", "/YYYY/MM/DD/", path)
    return re.sub(r"/stories/\d{4}/", "/stories/YYYY/", path)


@pytest.mark.slow
def test_demo_verdicts_per_page_are_pinned(demo):
    """Every page's status and failing rules on both nights (tests/golden/demo_verdicts.json); the summary
    and night 2's diff too. Pinned before the sample sites became templates plus data (same verdicts
    after), then extended by the second licensor's partner (three bayside-gazette rows a night)."""
    _, text, workdir = demo
    golden = json.loads((Path(__file__).parent / "golden" / "demo_verdicts.json").read_text(encoding="utf-8"))
    for night in (1, 2):
        doc = json.loads((workdir / "reports" / f"audit-{night}.json").read_text(encoding="utf-8"))
        want = golden[f"night {night}"]
        pages = sorted([p["partner"], _demo_path(p["target"]), p["status"],
                        sorted({f["rule"] for f in p["findings"] if f["outcome"] == "fail"})] for p in doc["pages"])
        assert pages == want["pages"], f"night {night}"
        assert doc["summary"] == want["summary"], f"night {night}"
    diff = {k: sorted([d["partner"], d["rule"], _demo_path(d["url"])] for d in doc["diff"][k]) for k in ("new", "fixed")}
    assert diff == golden["night 2"]["diff"], text
