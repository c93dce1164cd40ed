"""A per-partner digest of one audit run, written for the partner's editor (Markdown or plain text).

What to fix (each violating page, what is missing in plain words and how to fix it), what is new
since last time, what was fixed (thanks), and the pages that could not be checked. Page-derived
text is escaped in Markdown (report/markdown.py helpers) and stripped of control characters in
plain text (report/text.py), so a hostile page cannot inject markup or repaint a terminal.
"""
from __future__ import annotations

import re

from typing import Literal, Optional, TextIO

from checker.models import AuditPage, AuditReport, DiffItem, Finding, Status
from checker.report import audit_data
from checker.report import markdown as md
from checker.report import text as txt

Format = Literal["markdown", "text"]

# Said when a rule gives no fix of its own.
_GENERIC_FIX = "Please bring the page in line with the republication license terms."


class _Writer:
    """The few constructs a digest needs, in Markdown or in plain text."""

    def __init__(self, fmt: Format) -> None:
        if fmt not in ("markdown", "text"):
            raise ValueError(f"unknown digest format {fmt!r}; use 'markdown' or 'text'")
        self.md = fmt == "markdown"
        self.lines: list[str] = []

    def esc(self, s: str) -> str:
        return md.esc(s) if self.md else txt._clean(s)

    def link(self, url: str, label: Optional[str] = None) -> str:
        if self.md:
            return md.link(url, label or url)
        url = txt._clean(url)
        return f"{txt._clean(label)} <{url}>" if label and label != url else url

    def code(self, s: str) -> str:
        return md.code(s) if self.md else f'"{txt._clean(s, txt.SNIPPET_LIMIT)}"'

    def heading(self, s: str) -> None:
        if self.md:
            self.lines += [f"## {s}", ""]
        else:
            self.lines += [s, "-" * len(s), ""]

    def para(self, s: str) -> None:
        self.lines += [s, ""]

    def item(self, s: str, level: int = 0) -> None:
        self.lines.append("  " * level + "- " + s)

    def end_list(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def _plural(n: int, one: str, many: Optional[str] = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _license_label(report: AuditReport) -> str:
    return report.license.upper() if len(report.license) <= 6 else report.license


def _fix_findings(w: _Writer, report: AuditReport, page: AuditPage, findings: tuple[Finding, ...]) -> None:
    r = page.result
    line = w.link(r.url, r.url)
    if r.original is not None and r.original.title:
        line += f" (our story {_quote(w, r.original.title)})"
    changes = {audit_data.diff_status(report, page, f) for f in findings}
    if "new" in changes:
        line += " — new since our last check"
    elif "persisting" in changes:
        line += " — still open since our last check"
    w.item(line)
    for f in findings:
        w.item(f"{w.esc(f.title or f.rule)}: {w.esc(f.message)}", 1)
        for ev in f.evidence:
            if ev.expected is not None or ev.actual is not None:
                w.item(f"We expected {_quote(w, ev.expected or '')} and found {_quote(w, ev.actual or 'nothing')}.", 2)
            elif ev.snippet and not ev.screenshot:
                w.item(f"What we looked at: {w.code(ev.snippet)}", 2)
            if ev.screenshot and not ev.screenshot.startswith("data:"):  # stored beside the WARC evidence
                if w.md and re.fullmatch(r"evidence/screenshots/[0-9a-f]+\.png", ev.screenshot):
                    # a relative link: digests/audit-N/PARTNER.md sits two levels below the reports directory
                    shot = f"[{w.esc(ev.screenshot)}](../../{ev.screenshot})"
                else:
                    shot = w.esc(ev.screenshot)
                w.item(f"Screenshot of the spot in a browser: {shot} (in the audit's reports directory)", 2)
        w.item(f"How to fix: {w.esc(f.fix or _GENERIC_FIX)}", 2)


def _quote(w: _Writer, s: str) -> str:
    return f"“{w.esc(s)}”"


def _diff_items(w: _Writer, items: tuple[DiffItem, ...]) -> None:
    for i in items:
        what = f": {w.esc(i.message)}" if i.message else ""
        w.item(f"{w.link(i.url, i.url)} — {w.esc(i.rule)}{what}")
    w.end_list()


def render_digest(report: AuditReport, partner_id: str, fmt: Format = "markdown") -> str:
    """The digest of `report` for one partner, as Markdown or plain text."""
    w = _Writer(fmt)
    stats = audit_data.stats_for(report, partner_id)
    if stats is None:
        raise ValueError(f"no partner {partner_id!r} in run {report.run_id}")
    pages = list(audit_data.pages_for(report, partner_id))  # one partner's pages (read alone when stored)
    diff = report.diff.for_partner(partner_id)
    _greeting(w, report, stats)
    _what_to_fix(w, report, pages)
    if diff.new:
        w.heading("New since our last check")
        _diff_items(w, diff.new)
    if diff.fixed:
        w.heading("Fixed since our last check — thank you!")
        _diff_items(w, diff.fixed)
    _not_checked(w, pages, stats.info.errors)
    _to_review(w, pages)
    _excerpts(w, pages)
    w.para("Thank you for republishing our stories.")
    w.para(f"— syndicheck, run {report.run_id}")
    return w.text()


def _greeting(w: _Writer, report: AuditReport, stats: audit_data.PartnerStats) -> None:
    """Title, greeting and the partner's numbers in one sentence."""
    info = stats.info
    # The pack id and the start time are not page text, but a digest escapes everything it did not write.
    lic = w.esc(_license_label(report))
    when = w.esc((report.started or "")[:10])
    title = f"{lic} republication check for {w.esc(info.name)}" + (f", {when}" if when else "")
    if w.md:
        w.lines += [f"# {title}", ""]
    else:
        w.lines += [title, "=" * len(title), ""]
    w.para(f"Hello {w.esc(info.name)} team,")
    summary = (f"Our nightly check looked at {_plural(stats.pages, 'page')} on your site and found "
               f"{_plural(stats.copies, 'copy', 'copies')} of {lic} stories")
    if stats.copies:
        meets = ("none meets" if not stats.compliant else
                 f"{stats.compliant} {'meets' if stats.compliant == 1 else 'meet'}")
        summary += f": {meets} the license terms"
        if stats.violations:
            summary += f", {_plural(stats.violations, 'page needs', 'pages need')} a fix"
    summary += "."
    w.para(summary)
    if not report.complete:
        w.para("Note: last night's check was cut short, so some of your pages may not have been checked.")


def _what_to_fix(w: _Writer, report: AuditReport, pages: list[AuditPage]) -> None:
    to_fix = [(p, audit_data.violations(p.result)) for p in pages]
    to_fix = [(p, fs) for p, fs in to_fix if fs]
    w.heading("What to fix")
    if to_fix:
        w.para("These pages do not meet the license terms yet:")
        for page, findings in to_fix:
            _fix_findings(w, report, page, findings)
        w.end_list()
    else:
        w.para("Nothing: every copy we could check meets the license terms. Thank you!")


def _not_checked(w: _Writer, pages: list[AuditPage], discovery_errors: tuple[str, ...]) -> None:
    errors = [p for p in pages if audit_data.effective_status(p.result) is Status.ERROR]
    if not errors and not discovery_errors:
        return
    w.heading("Pages we could not check")
    w.para("We could not fetch or read these; they are not counted as compliant or as violations. "
           "If they should be reachable, please let us know.")
    for p in errors:
        w.item(f"{w.link(p.result.url, p.result.target or p.result.url)}: {w.esc(p.result.error or 'could not be checked')}")
    for e in discovery_errors:
        w.item(f"Finding your stories: {w.esc(e)}")
    w.end_list()


def _to_review(w: _Writer, pages: list[AuditPage]) -> None:
    review = [(p, audit_data.reviews(p.result)) for p in pages]
    review = [(p, fs) for p, fs in review if fs]
    if not review:
        return
    w.heading("Pages we will look at by hand")
    w.para("The automatic check could not decide these; no action is needed unless we contact you.")
    for p, findings in review:
        reasons = "; ".join(w.esc(f.message) for f in findings)
        w.item(f"{w.link(p.result.url, p.result.url)}: {reasons}")
    w.end_list()


def _excerpts(w: _Writer, pages: list[AuditPage]) -> None:
    near = [p for p in pages if p.result.status is Status.NEAR_COPY]
    if not near:
        return
    w.heading("Excerpts of our stories")
    w.para("These pages reproduce part of a story, less than what makes a copy; they are not checked against "
           "the license terms and need no action.")
    for p in near:
        r = p.result
        share = f"{r.match.score * 100:.0f}% of " if r.match else ""
        title = (r.original.title or r.original.url) if r.original else "a story"
        w.item(f"{w.link(r.url, r.target or r.url)}: {share}{w.esc(title)}")
    w.end_list()


def write_digest(report: AuditReport, out: TextIO, *, partner: str) -> None:
    """One partner's digest as the audit writes it, a Markdown file (the registry's `digest` format)."""
    out.write(render_digest(report, partner, "markdown"))
