"""Waivers: matching by partner, URL glob and rule; expiry; status from unwaived findings; notes."""
from __future__ import annotations

from datetime import date

from checker.config_types import WaiverConfig
from checker.models import AuditPage, Evidence, Finding, Match, Original, Outcome, PageResult, Severity, Status
from checker.waivers import apply_waivers, waiver_notes

TODAY = date(2026, 3, 1)
ORIG = Original("o1", "https://dcnf.example/o1", "T", ("Jane Reporter",))
URL = "https://acme.example/opinion/2026/story?id=7"


def f(rule: str, outcome: Outcome) -> Finding:
    return Finding(rule, outcome, Severity.ERROR, f"{rule} {outcome.value}", (Evidence("img", "x"),), title=rule)


def result(*findings: Finding, url: str = URL, target: str | None = None, status: Status | None = None) -> PageResult:
    if status is None:
        status = Status.VIOLATION if any(x.outcome is Outcome.FAIL for x in findings) else (
            Status.REVIEW if any(x.outcome is Outcome.REVIEW for x in findings) else Status.COMPLIANT)
    return PageResult(target or url, url, status, ORIG, Match(ORIG, 0.9), findings)


def w(url="https://acme.example/opinion/*", partner="acme", rule="logo", expires="2026-12-31", **kw) -> WaiverConfig:
    return WaiverConfig(partner=partner, url=url, rule=rule, reason=kw.get("reason", "logo in the site footer agreed"),
                        owner=kw.get("owner", "licensing@dcnf.example"), expires=expires, line=kw.get("line"))


def waived(res: PageResult) -> dict[str, str | None]:
    return {x.rule: x.waiver for x in res.findings}


def test_waiver_covers_fail_and_keeps_outcome():
    page = result(f("logo", Outcome.FAIL), f("byline", Outcome.PASS), f("affiliation", Outcome.PASS))
    out, used = apply_waivers(page, "acme", [w()], TODAY)
    assert used == {0}
    logo = out.findings[0]
    assert logo.outcome is Outcome.FAIL  # real outcome kept
    assert logo.waiver == "logo in the site footer agreed (licensing@dcnf.example, until 2026-12-31)"
    assert not logo.counts_as_violation
    assert out.findings[1].waiver is None and out.findings[2].waiver is None  # passes need no waiver
    assert out.status is Status.COMPLIANT  # the only failing finding is waived
    assert out.as_dict()["findings"][0]["waiver"].startswith("logo in the site footer")


def test_partly_waived_page_stays_a_violation():
    page = result(f("logo", Outcome.FAIL), f("byline", Outcome.FAIL), f("affiliation", Outcome.REVIEW))
    out, _ = apply_waivers(page, "acme", [w()], TODAY)
    assert waived(out) == {"logo": w().reason + " (licensing@dcnf.example, until 2026-12-31)",
                           "byline": None, "affiliation": None}
    assert out.status is Status.VIOLATION
    out, _ = apply_waivers(page, "acme", [w(), w(rule="byline")], TODAY)
    assert out.status is Status.REVIEW  # the review left open still shows


def test_review_findings_can_be_waived():
    page = result(f("logo", Outcome.PASS), f("byline", Outcome.REVIEW))
    out, used = apply_waivers(page, "acme", [w(rule=None)], TODAY)
    assert out.findings[1].waiver and out.findings[1].outcome is Outcome.REVIEW
    assert out.status is Status.COMPLIANT and used == {0}


def test_partner_matching():
    page = result(f("logo", Outcome.FAIL))
    assert apply_waivers(page, "other", [w()], TODAY)[1] == set()
    out, used = apply_waivers(page, "other", [w(partner=None)], TODAY)  # None: any partner
    assert used == {0} and out.findings[0].waiver


def test_rule_matching():
    page = result(f("logo", Outcome.FAIL), f("byline", Outcome.FAIL))
    out, _ = apply_waivers(page, "acme", [w(rule="byline")], TODAY)
    assert waived(out)["logo"] is None and waived(out)["byline"]
    out, _ = apply_waivers(page, "acme", [w(rule=None)], TODAY)  # None: every rule
    assert all(waived(out).values()) and out.status is Status.COMPLIANT


def test_url_glob_matching():
    page = result(f("logo", Outcome.FAIL))
    cover = lambda glob: bool(apply_waivers(page, "acme", [w(url=glob)], TODAY)[1])  # noqa: E731
    assert cover("https://acme.example/opinion/*")
    assert cover("https://acme.example/*")  # * crosses path segments
    assert cover("HTTPS://ACME.Example/opinion/*")  # scheme and host are case-insensitive
    assert cover("https://acme.example/opinion/2026/story?id=?")
    assert cover("acme.example/opinion/*")  # a glob without scheme matches either scheme
    assert cover("*.example/opinion/*")
    assert not cover("https://acme.example/Opinion/*")  # the path is case-sensitive
    assert not cover("https://acme.example/news/*")
    assert not cover("https://other.example/opinion/*")
    assert not cover("http://acme.example/opinion/*")


def test_url_glob_sees_normalised_target_and_final_url():
    # the page was given with tracking parameters and upper-case host, and redirected elsewhere
    page = result(f("logo", Outcome.FAIL), target="https://ACME.example:443/amp/story?utm_source=x#top",
                  url="https://acme.example/opinion/2026/story")
    assert apply_waivers(page, "acme", [w(url="https://acme.example/amp/story")], TODAY)[1] == {0}
    assert apply_waivers(page, "acme", [w(url="https://acme.example/opinion/*")], TODAY)[1] == {0}


def test_expiry_is_inclusive_then_stops():
    page = result(f("logo", Outcome.FAIL))
    out, used = apply_waivers(page, "acme", [w(expires="2026-03-01")], TODAY)
    assert used == {0} and out.findings[0].waiver
    out, used = apply_waivers(page, "acme", [w(expires="2026-02-28")], TODAY)
    assert used == set() and out.findings[0].waiver is None and out.status is Status.VIOLATION


def test_first_matching_waiver_gives_the_text_all_matching_count_as_used():
    page = result(f("logo", Outcome.FAIL))
    waivers = [w(rule="byline"), w(reason="first"), w(reason="second", rule=None)]
    out, used = apply_waivers(page, "acme", waivers, TODAY)
    assert out.findings[0].waiver.startswith("first (") and used == {1, 2}


def test_audit_page_input_and_untouched_statuses():
    page = AuditPage("acme", result(f("logo", Outcome.FAIL)))
    out, used = apply_waivers(page, "acme", [w()], TODAY)
    assert isinstance(out, PageResult) and used == {0} and out.status is Status.COMPLIANT
    err = PageResult(URL, URL, Status.ERROR, error="HTTP 503")
    assert apply_waivers(err, "acme", [w()], TODAY) == (err, set())
    nac = PageResult(URL, URL, Status.NOT_A_COPY)
    assert apply_waivers(nac, "acme", [w()], TODAY) == (nac, set())


def test_stale_waiver_text_is_cleared():
    from dataclasses import replace
    stale = replace(f("logo", Outcome.FAIL), waiver="old (x, until 2020-01-01)")
    out, used = apply_waivers(result(stale, status=Status.COMPLIANT), "acme", [], TODAY)
    assert out.findings[0].waiver is None and out.status is Status.VIOLATION and used == set()


def test_notes_for_expired_and_unused_waivers():
    waivers = [
        w(),  # used
        w(partner="beta", url="https://beta.example/*", rule="byline", expires="2026-01-01", owner="Ana", line=12),
        w(partner=None, url="https://gamma.example/*", rule=None, owner="Bo"),  # unexpired, matched nothing
        w(expires="soon"),
    ]
    notes = waiver_notes(waivers, {0}, TODAY)
    assert notes == (
        "expired waiver (partner beta, https://beta.example/*, rule byline; expired 2026-01-01; owner Ana; line 12)",
        "waiver matched nothing: (any partner, https://gamma.example/*, every rule; expires 2026-12-31; owner Bo)",
        "waiver with an invalid expiry date 'soon' never applies (partner acme, https://acme.example/opinion/*, "
        "rule logo; owner licensing@dcnf.example)",
    )
    assert waiver_notes(waivers[:1], {0}, TODAY) == ()
    assert waiver_notes([], set(), TODAY) == ()


def test_waivers_over_a_run_then_notes():
    pages = [AuditPage("acme", result(f("logo", Outcome.FAIL))),
             AuditPage("beta", result(f("byline", Outcome.FAIL), url="https://beta.example/x"))]
    waivers = [w(), w(partner="beta", url="https://beta.example/*", rule="logo")]
    used: set[int] = set()
    for p in pages:
        _, u = apply_waivers(p, p.partner, waivers, TODAY)
        used |= u
    assert used == {0}
    (note,) = waiver_notes(waivers, used, TODAY)
    assert note.startswith("waiver matched nothing: (partner beta, https://beta.example/*, rule logo;")
