"""Report formats: golden files for every format, plus the properties each format promises."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.models import Evidence, Finding, Outcome, PageResult, Run, Severity, Status
from checker.report import FORMATS, render
from checker.report import csv as csv_report
from checker.report import github, html, markdown

from conftest import open_page
from report_fixtures import HOSTILE_FORMULA, HOSTILE_SCRIPT, VIOLATION_PATH, build_run

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SYNDICHECK_UPDATE_GOLDEN") == "1"


@pytest.fixture
def run() -> Run:
    return build_run()


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    # The github format appends to $GITHUB_STEP_SUMMARY; tests running inside Actions must not.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def rendered(fmt: str, run: Run, *, color: bool = False) -> str:
    out = io.StringIO()
    render(fmt, run, out, color=color)
    return out.getvalue()


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(actual)
        return
    assert path.exists(), f"missing {path}; regenerate with SYNDICHECK_UPDATE_GOLDEN=1"
    with open(path, encoding="utf-8", newline="") as fh:
        expected = fh.read()
    assert actual == expected, f"{name} differs from golden; if intended, regenerate with SYNDICHECK_UPDATE_GOLDEN=1"


# --- registry -------------------------------------------------------------------------------

def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"text", "json", "junit", "markdown", "sarif", "csv", "html", "github"}


def test_unknown_format_names_the_valid_ones(run: Run) -> None:
    with pytest.raises(ValueError) as exc:
        render("yaml", run, io.StringIO())
    assert "yaml" in str(exc.value)
    for fmt in FORMATS:
        assert fmt in str(exc.value)


@pytest.mark.parametrize(
    "fmt, name, color",
    [
        ("text", "report.txt", False),
        ("text", "report-color.txt", True),
        ("json", "report.json", False),
        ("junit", "report.junit.xml", False),
        ("markdown", "report.md", False),
        ("sarif", "report.sarif", False),
        ("csv", "report.csv", False),
        ("html", "report.html", False),
        ("github", "report.github.txt", False),
    ],
)
def test_golden(run: Run, fmt: str, name: str, color: bool) -> None:
    check_golden(name, rendered(fmt, run, color=color))


def test_empty_run_renders_in_every_format() -> None:
    empty = Run(license="dcnf", tool_version="0.1.0")
    outputs = {fmt: rendered(fmt, empty) for fmt in FORMATS}
    assert outputs["github"] == ""  # nothing to annotate
    assert all(out for fmt, out in outputs.items() if fmt != "github")
    assert outputs["text"] == "0 pages: 0 compliant, 0 violation, 0 review, 0 not-a-copy, 0 error\n"
    assert json.loads(outputs["json"])["pages"] == []
    assert ET.fromstring(outputs["junit"].encode()).find("testsuite").get("tests") == "0"


# --- text -----------------------------------------------------------------------------------

def test_text_summary_and_layout(run: Run) -> None:
    out = rendered("text", run)
    assert out.endswith("5 pages: 1 compliant, 1 violation, 1 review, 1 not-a-copy, 1 error\n")
    assert "  ✓ logo\n" in out  # a pass is one short line
    assert [l for l in out.splitlines() if "partner-c.example" in l] == ["NOT-A-COPY  https://partner-c.example/about-us"]
    assert "fix: Add the DCNF logo" in out
    assert "(line 12)" in out and "expected: Daily Caller News Foundation logo" in out


def test_text_colour_only_on_request(run: Run) -> None:
    plain, coloured = rendered("text", run), rendered("text", run, color=True)
    assert "\x1b[" not in plain  # the page's own ESC is shown escaped, never emitted
    assert "\\x1b[2J" in plain
    assert "\x1b[1;31mVIOLATION" in coloured
    assert "\x1b[2J" not in coloured


# --- json -----------------------------------------------------------------------------------

def test_json_is_the_design_schema(run: Run) -> None:
    doc = json.loads(rendered("json", run))
    assert set(doc) == {"schema_version", "tool", "license", "summary", "pages", "run"}
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "syndicheck", "version": "0.1.0"}
    assert doc["license"] == "dcnf"
    assert doc["summary"] == {"pages": 5, "compliant": 1, "violation": 1, "review": 1, "not_a_copy": 1, "error": 1, "near_copy": 0}
    assert doc["run"] == {"started": "2024-05-01T02:00:00Z", "finished": "2024-05-01T02:03:12Z"}
    for page in doc["pages"]:
        assert set(page) == {"target", "url", "status", "original", "match", "findings", "error"}
        assert page["status"] in {s.value for s in Status}
        assert page["original"] is None or {"id", "url", "title", "authors"} <= set(page["original"])
        assert page["match"] is None or set(page["match"]) == {"score"}
        for f in page["findings"]:
            assert {"rule", "outcome", "severity", "message", "evidence"} <= set(f) <= {
                "rule", "outcome", "severity", "message", "evidence", "fix"}
            for ev in f["evidence"]:
                assert {"selector", "snippet"} <= set(ev)
    assert [p["status"] for p in doc["pages"]] == ["compliant", "violation", "review", "not-a-copy", "error"]


# --- junit ----------------------------------------------------------------------------------

def test_junit_counts_and_mapping(run: Run) -> None:
    root = ET.fromstring(rendered("junit", run).encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases)) == "11"
    assert suite.get("failures") == "3" and len(suite.findall("testcase/failure")) == 3
    assert suite.get("errors") == "1" and len(suite.findall("testcase/error")) == 1
    assert suite.get("skipped") == "3" and len(suite.findall("testcase/skipped")) == 3
    failures = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(failures) == {"logo", "byline", "affiliation"}
    assert failures["logo"].get("type") == "logo"
    assert "line 12" in failures["logo"].text and "fix: Add the DCNF logo" in failures["logo"].text
    review = next(c for c in cases if c.get("name") == "byline" and "partner-b" in c.get("classname"))
    assert review.find("skipped").get("message").startswith("review: ")
    assert "span.author" in review.find("system-out").text
    copy = next(c for c in cases if c.get("name") == "copy")
    assert copy.find("skipped").get("message") == "not a copy"
    fetch = next(c for c in cases if c.get("name") == "fetch")
    assert "unsupported URL scheme" in fetch.find("error").get("message")


# --- markdown -------------------------------------------------------------------------------

def test_markdown_escapes_page_text(run: Run) -> None:
    import lxml.html
    from markdown_it import MarkdownIt

    md = rendered("markdown", run)
    # commonmark allows raw HTML, which is exactly what a hostile title would try to use
    out = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in out
    assert 'href="javascript:' not in out
    doc = lxml.html.fromstring(out)
    for el in doc.iter():
        assert not [a for a in el.attrib if a.lower().startswith("on")], el.tag
        assert el.get("href") is None or el.get("href").startswith("https://"), el.get("href")
    assert "<em>split</em>" not in out  # *split* stays literal
    assert "@everyone" not in md  # no mention ping
    tables = out.split("<table>")[1:]
    for table in tables:  # hostile pipes must not add cells
        rows = table.split("</table>")[0].split("<tr>")[1:]
        widths = {r.count("<td") + r.count("<th") for r in rows}
        assert len(widths) == 1, widths
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out  # shown as text, not dropped


def test_markdown_code_span_survives_backticks() -> None:
    assert markdown.code("a ` b") == "``a ` b``"
    assert markdown.code("`x`") == "`` `x` ``"
    assert markdown.code("a|b", in_table=True) == "`a\\|b`"


def test_markdown_links_only_http() -> None:
    assert markdown.link("javascript:alert(1)", "x") == "x"
    assert markdown.link("https://a.example/p|q r", "t") == "[t](<https://a.example/p%7Cq%20r>)"


# --- sarif ----------------------------------------------------------------------------------

def test_sarif_shape(run: Run) -> None:
    doc = json.loads(rendered("sarif", run))
    assert doc["version"] == "2.1.0"
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (srun,) = doc["runs"]
    driver = srun["tool"]["driver"]
    assert driver["name"] == "syndicheck" and driver["version"] == "0.1.0"
    assert driver["informationUri"] == "https://github.com/syndicheck/syndicheck"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["logo", "byline", "affiliation", "fetch-error"]
    assert driver["rules"][0]["shortDescription"]["text"] == "DCNF logo"
    results = srun["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("logo", "error"), ("byline", "error"), ("affiliation", "warning"), ("byline", "warning"), ("fetch-error", "error")]
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
    logo = results[0]["locations"][0]["physicalLocation"]
    assert logo["region"]["startLine"] == 12
    assert logo["artifactLocation"]["uri"] == "site/news/50%25%2Coff%3Astory.html"
    review = results[3]
    assert review["message"]["text"].startswith("review: ")
    url = "https://www.partner-b.example/story?id=3&ref=feed"
    assert review["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == url
    assert review["partialFingerprints"]["syndicheck/v1"] == hashlib.sha256(f"byline\n{url}".encode()).hexdigest()


# --- csv ------------------------------------------------------------------------------------

def test_csv_rows_and_formula_neutralised(run: Run) -> None:
    rows = list(csv.reader(io.StringIO(rendered("csv", run))))
    assert rows[0] == list(csv_report.COLUMNS)
    body = rows[1:]
    assert len(body) == 11  # 9 findings + one row each for the not-a-copy and error pages
    for row in body:
        assert len(row) == len(csv_report.COLUMNS)
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    snippets = [dict(zip(rows[0], r))["snippet"] for r in body]
    assert "'" + HOSTILE_FORMULA in snippets
    error = dict(zip(rows[0], body[-1]))
    assert error["status"] == "error" and error["rule"] == "" and "unsupported" in error["message"]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_csv_neutralise(cell: str) -> None:
    assert csv_report.neutralise(cell) == "'" + cell
    assert csv_report.neutralise("plain " + cell) == "plain " + cell


def test_csv_shows_control_characters() -> None:
    # A carriage return or an escape sequence is shown, not obeyed by a terminal (`cat report.csv`); a leading
    # "\r" is then no formula start either. Tabs and newlines stay (evidence lines are joined with newlines).
    assert csv_report.neutralise("\rx") == "\\x0dx"
    assert csv_report.neutralise("\x1b[2J=1") == "\\x1b[2J=1"
    assert csv_report.neutralise("a\nb\tc") == "a\nb\tc"


# --- html -----------------------------------------------------------------------------------

def test_html_escapes_everything(run: Run) -> None:
    import lxml.html

    out = rendered("html", run)
    assert "<script>alert" not in out
    assert 'href="javascript:' not in out.lower()
    assert '" onmouseover=' not in out
    doc = lxml.html.fromstring(out)
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == html.SCRIPT
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert not [a for a in el.attrib if a.lower().startswith("on")], el.tag
        href = el.get("href")
        if href is not None:
            assert href.startswith(("#", "http://", "https://", "file:")), href
    assert HOSTILE_SCRIPT in doc.text_content()  # shown as text
    assert "\x1b" not in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                                 "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"])
def test_html_link_refuses_unsafe_schemes(url: str) -> None:
    assert "href" not in str(html.link(url, url))


def test_html_csp_allows_only_our_script() -> None:
    import base64

    digest = base64.b64encode(hashlib.sha256(html.SCRIPT.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in html.CSP and "default-src 'none'" in html.CSP


def test_html_in_chromium(tmp_path: Path, run: Run, browser) -> None:
    report = tmp_path / "report.html"
    report.write_text(rendered("html", run), encoding="utf-8")
    page, dialogs, _requests = open_page(browser, report)
    violation_rows = page.locator("tr.status-violation")
    assert violation_rows.count() == 1 and violation_rows.first.is_visible()
    assert page.locator("section#page-2 .finding.o-fail").count() == 3
    assert page.locator("section#page-2 .finding.o-fail").first.is_visible()
    assert HOSTILE_SCRIPT in page.inner_text("section#page-2")
    page.hover("section#page-2 code.snippet >> nth=1")  # the snippet that tried onmouseover
    # the filter script ran (so the CSP hash is right) and hides other statuses
    page.select_option("#filter select", "review")
    assert not violation_rows.first.is_visible()
    assert page.locator("tr.status-review").is_visible()
    assert dialogs == []


# --- github ---------------------------------------------------------------------------------

def test_github_escaping() -> None:
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = github.command("error", "x\n::error::injected", file="a,b:c.html", line=3, title="t: 1, 2")
    assert line == "::error file=a%2Cb%3Ac.html,line=3,title=t%3A 1%2C 2::x%0A::error::injected"


def test_github_commands(run: Run) -> None:
    lines = rendered("github", run).splitlines()
    assert [l.split(" ", 1)[0].split("::")[1] for l in lines] == ["error", "error", "warning", "warning", "error"]
    assert lines[0].startswith(f"::error file={github.escape_property(VIOLATION_PATH)},line=12,title=syndicheck DCNF logo::")
    assert lines[0].startswith("::error file=site/news/50%25%2Coff%3Astory.html,")
    assert "line=133" in lines[2]  # the warning-severity affiliation fail
    assert "file=" not in lines[3] and "https://www.partner-b.example/story?id=3&ref=feed: review: " in lines[3]
    assert lines[4].startswith("::error title=syndicheck fetch error::javascript:alert(1): could not be checked")


def test_github_info_is_a_notice_and_no_line_means_no_line() -> None:
    f = Finding("logo", Outcome.FAIL, Severity.INFO, "m", (Evidence("img", "x"),))
    r = PageResult("a.html", "file:///a.html", Status.VIOLATION, findings=(f,), path="a.html")
    out = rendered("github", Run("dcnf", "0.1.0", (r,)))
    assert out.startswith("::notice file=a.html,title=")  # a file annotation, not a made-up line 1


def test_github_step_summary_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = rendered("github", run)
    assert "## syndicheck" not in out  # annotations on stdout, the summary goes to the file
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + rendered("markdown", run)


def test_github_step_summary_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory cannot be appended to
    lines = rendered("github", run).splitlines()
    assert len(lines) == 6 and lines[-1].startswith("::warning::syndicheck could not write the step summary")
